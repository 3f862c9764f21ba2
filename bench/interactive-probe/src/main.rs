//! `interactive-probe`: both sides of `bench/vs-x11-interactive.sh` (issue 17 §4, input
//! to pixels on a real screen). One binary, four commands:
//!
//! ```text
//! yonder-app [--display D] --at X,Y --size W,H [--exit-after S]
//! x11-app    [--display :N] --at X,Y --size W,H [--exit-after S]
//! watch --x N --rect X,Y,W,H --input key|click [--samples N]
//!       [--still MS | --gap MS] [--every-us US] [--timeout S] [--trace]
//! refresh --x N
//! ```
//!
//! * `yonder-app`, `x11-app`: the same app as a Yonder client and as an X11 client (see
//!   `app.rs`): one window filled with one color, the next color on each key or button
//!   press. The first color is #1e66f5.
//! * `watch`: on X display `:N` (the host X server), waits until the rectangle is all one
//!   color of the app's palette (the app is up), then times `--samples` inputs (default
//!   100) from the X server's raw event to the first GetImage of the rectangle that
//!   differs, polled every `--every-us` (default 250) µs (see `watch.rs`). Between
//!   inputs the rectangle must be still for `--still` ms (default 50); with `--gap MS`
//!   the next input comes a random 0..MS after the change instead. Prints
//!   `sample I: MS ms (xdotool MS ms)` per sample, then `p50_ms`, `p99_ms`, `max_ms` and
//!   `xdotool_p50_ms` (from starting xdotool to the raw event). With `--trace`, each
//!   sample's moments (xdotool started, input, change seen) on CLOCK_MONOTONIC as well,
//!   to line up with `perf record -k mono` of the servers.
//! * `refresh`: prints `refresh_mhz N` (or `refresh_mhz none`): the refresh rate a winit
//!   window on `:N` is told its monitor has.
//!
//! Exits 1 with a line on stderr when something fails or a wait passes `--timeout`
//! (default 10 s); 2 on a bad command line.

mod app;
mod watch;

use std::time::Duration;
use watch::{Area, Input, WatchOpts};

fn usage() -> ! {
    eprintln!(
        "usage: interactive-probe (yonder-app | x11-app | watch | refresh) [options] \
         (see the source's header)"
    );
    std::process::exit(2)
}

/// `A,B,...` as exactly `n` numbers.
fn nums<T: std::str::FromStr>(s: &str, n: usize) -> Vec<T> {
    let v: Vec<T> = s
        .split(',')
        .map(|f| f.parse().unwrap_or_else(|_| usage()))
        .collect();
    if v.len() != n {
        usage();
    }
    v
}

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| usage())
}

fn app_opts(mut it: impl Iterator<Item = String>) -> app::AppOpts {
    let mut o = app::AppOpts {
        display: None,
        at: (0, 0),
        size: (200, 200),
        exit_after: Duration::from_secs(600),
    };
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--display" => o.display = Some(value()),
            "--at" => {
                let v = nums(&value(), 2);
                o.at = (v[0], v[1]);
            }
            "--size" => {
                let v = nums(&value(), 2);
                o.size = (v[0], v[1]);
            }
            "--exit-after" => o.exit_after = Duration::from_secs_f64(num(&value())),
            _ => usage(),
        }
    }
    o
}

fn watch_opts(mut it: impl Iterator<Item = String>) -> WatchOpts {
    let mut o = WatchOpts {
        display: u32::MAX,
        rect: Area {
            x: 0,
            y: 0,
            w: 0,
            h: 0,
        },
        input: Input::Key,
        samples: 100,
        still: Duration::from_millis(50),
        gap: None,
        every: Duration::from_micros(250),
        timeout: Duration::from_secs(10),
        trace: false,
    };
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--x" => o.display = num(value().trim_start_matches(':')),
            "--rect" => {
                let v: Vec<u16> = nums(&value(), 4);
                o.rect = Area {
                    x: v[0] as i16,
                    y: v[1] as i16,
                    w: v[2].max(1),
                    h: v[3].max(1),
                };
            }
            "--input" => {
                o.input = match value().as_str() {
                    "key" => Input::Key,
                    "click" => Input::Click,
                    _ => usage(),
                }
            }
            "--samples" => o.samples = num::<usize>(&value()).max(1),
            "--still" => o.still = Duration::from_millis(num(&value())),
            "--gap" => o.gap = Some(Duration::from_millis(num(&value()))),
            "--every-us" => o.every = Duration::from_micros(num(&value())),
            "--timeout" => o.timeout = Duration::from_secs_f64(num(&value())),
            "--trace" => o.trace = true,
            _ => usage(),
        }
    }
    if o.display == u32::MAX || o.rect.w == 0 {
        usage();
    }
    o
}

fn main() {
    let mut it = std::env::args().skip(1);
    let ran = match it.next().as_deref() {
        Some("yonder-app") => app::yonder(&app_opts(it)),
        Some("x11-app") => app::x11(&app_opts(it)),
        Some("watch") => watch::watch(&watch_opts(it)),
        Some("refresh") => match (it.next().as_deref(), it.next()) {
            (Some("--x"), Some(n)) => {
                watch::refresh_mhz(num(n.trim_start_matches(':'))).map(|r| match r {
                    Some(mhz) => println!("refresh_mhz {mhz}"),
                    None => println!("refresh_mhz none"),
                })
            }
            _ => usage(),
        },
        _ => usage(),
    };
    if let Err(e) = ran {
        eprintln!("interactive-probe: {e}");
        std::process::exit(1);
    }
}
