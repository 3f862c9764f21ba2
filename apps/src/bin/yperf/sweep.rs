//! `--sweep 100,1000,...`: what a round trip costs as the number of windows grows
//! (issue 17 §5, "cost that does not grow with the number of windows"). One connection
//! creates and maps 32×32 top-level windows, cumulatively, up to each count in turn; for
//! each step it reports the time to create and map that step's new windows (ending with
//! a round trip, so the server has done them), 50 timed round trips, and the server's
//! resident memory when its process id is given. `bench/x11-latency --sweep` is the same
//! on X11, and `bench/vs-x11.sh` sets the two side by side.
//!
//! It also has the top-level window `--still-windows` maps. It does not manage windows:
//! with the server's window manager on they get frames and cascaded places, as any
//! program's would.

use crate::rtt::RoundTrips;
use std::io::Write;
use std::time::Instant;
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_apps::die;
use yonder_protocol::request::WindowAttributes;
use yonder_protocol::{Color, Rect, WindowId};

/// The side of a sweep window, in pixels.
const SIDE: u32 = 32;
/// Round trips timed at each step (and a few untimed before them).
const ROUND_TRIPS: u32 = 50;
const WARM: u32 = 5;

/// Creates (unmapped) a top-level window at `rect` with a `background` and no event
/// mask, managed by the window manager if one runs.
pub fn create_top_level(conn: &Connection, rect: Rect, background: Color) -> WindowId {
    let win = conn.new_window_id();
    let attrs = WindowAttributes {
        background: Some(background),
        event_mask: None,
        override_redirect: None,
        cursor: None,
    };
    conn.create_window(win, conn.root(), rect, attrs);
    win
}

/// One step's figures.
struct Step {
    windows: u32,
    create_map_ms: f64,
    rtt: RoundTrips,
    rss_kib: Option<u64>,
}

/// Runs the sweep over `counts` (ascending), printing each step as it is done: a table
/// row, or with `json` one object per line.
pub fn sweep(conn: &Connection, counts: &[u32], server_pid: Option<u32>, json: bool) {
    if counts.is_empty() || counts.windows(2).any(|w| w[0] >= w[1]) {
        die("yperf", "--sweep takes window counts in ascending order");
    }
    let screen = conn.screen().unwrap_or_else(|e| die("yperf", e));
    // A grid over the screen, starting again at the top left once it is full.
    let columns = (screen.width / SIDE).max(1);
    let rows = (screen.height / SIDE).max(1);
    let place = |i: u32| {
        let cell = i % (columns * rows);
        let (x, y) = ((cell % columns) * SIDE, (cell / columns) * SIDE);
        Rect::new(x as i32, y as i32, SIDE, SIDE)
    };
    if !json {
        println!(
            "{:>8} {:>16} {:>12} {:>12} {:>12}",
            "windows", "create+map ms", "RTT p50 µs", "RTT p99 µs", "RSS KiB"
        );
    }
    let mut made = 0;
    for &windows in counts {
        let start = Instant::now();
        for i in made..windows {
            let color = Color::rgb(0x204060 ^ (i.wrapping_mul(0x9e3779) & 0xffffff));
            let win = create_top_level(conn, place(i), color);
            conn.map_window(win);
        }
        conn.sync().unwrap_or_else(|e| die("yperf", e));
        let create_map_ms = start.elapsed().as_secs_f64() * 1e3;
        made = windows;
        check_no_errors(conn);
        let step = Step {
            windows,
            create_map_ms,
            rtt: RoundTrips::measure(conn, WARM, ROUND_TRIPS),
            rss_kib: server_pid.and_then(rss_kib),
        };
        print_step(&step, json);
    }
}

/// Ends the sweep with the first error a request got (a limit reached, most likely):
/// the figures after it would not be of the windows asked for.
fn check_no_errors(conn: &Connection) {
    while let Some(incoming) = conn.poll_for_event().unwrap_or_else(|e| die("yperf", e)) {
        if let Incoming::Error(e) = incoming {
            die("yperf", format!("--sweep: {e}"));
        }
    }
}

fn print_step(s: &Step, json: bool) {
    let (p50, p99) = (s.rtt.p50_us(), s.rtt.p99_us());
    if json {
        let rss = s.rss_kib.map_or("null".to_string(), |k| k.to_string());
        println!(
            "{{\"sweep\":{{\"windows\":{},\"create_map_ms\":{:.1},\"round_trips\":{},\
             \"p50_us\":{p50:.1},\"p99_us\":{p99:.1},\"rss_kib\":{rss}}}}}",
            s.windows,
            s.create_map_ms,
            s.rtt.len()
        );
    } else {
        let rss = s.rss_kib.map_or("-".to_string(), |k| k.to_string());
        println!(
            "{:>8} {:>16.1} {p50:>12.1} {p99:>12.1} {rss:>12}",
            s.windows, s.create_map_ms
        );
    }
    // A step can take a while; show each as it comes, also through a pipe.
    let _ = std::io::stdout().flush();
}

/// The resident memory of process `pid` (`VmRSS` of `/proc/PID/status`), in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
