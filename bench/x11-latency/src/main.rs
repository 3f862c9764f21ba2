//! `x11-latency N [--json]`: N X11 round trips (GetInputFocus, as `XSync` does) to
//! `$DISPLAY`, printing the p50 and p99 latency like `yperf --latency N`.
//! `x11-latency --sweep 100,1000,... [--server-pid PID] [--json]`: round trips as the
//! number of windows grows, like `yperf --sweep` (`sweep.rs`). Bench only: the X side of
//! the latency and window-count rows of `bench/vs-x11.sh`. A thin client: x11rb's own
//! pure-Rust connection over the socket, no Xlib or XCB.

mod sweep;

use std::time::{Duration, Instant};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt;

const USAGE: &str = "usage: x11-latency [N] [--json] | --sweep N,N,... [--server-pid PID] [--json]";

/// Ends the program with `msg` on stderr.
fn die(msg: impl std::fmt::Display) -> ! {
    eprintln!("x11-latency: {msg}");
    std::process::exit(1)
}

fn round_trip(conn: &impl Connection) {
    conn.get_input_focus()
        .unwrap_or_else(|e| die(e))
        .reply()
        .unwrap_or_else(|e| die(format!("GetInputFocus: {e}")));
}

/// The sorted times of `n` (at least one) round trips, after `warm` untimed ones.
fn time_round_trips(conn: &impl Connection, warm: usize, n: usize) -> Vec<Duration> {
    for _ in 0..warm {
        round_trip(conn);
    }
    let mut samples: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let t = Instant::now();
            round_trip(conn);
            t.elapsed()
        })
        .collect();
    samples.sort();
    samples
}

/// The `q`-quantile (0..=1) of sorted samples, nearest rank, in microseconds.
fn quantile_us(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e6
}

fn main() {
    let mut n = 10_000usize;
    let mut json = false;
    let mut sweep: Vec<u32> = Vec::new();
    let mut server_pid: Option<u32> = None;
    let mut args = std::env::args().skip(1);
    let usage = || -> ! {
        eprintln!("{USAGE}");
        std::process::exit(2)
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--sweep" => {
                let list = args.next().unwrap_or_else(|| usage());
                sweep = list
                    .split(',')
                    .map(|c| c.parse().unwrap_or_else(|_| usage()))
                    .collect();
            }
            "--server-pid" => {
                let pid = args.next().unwrap_or_else(|| usage());
                server_pid = Some(pid.parse().unwrap_or_else(|_| usage()));
            }
            v => n = v.parse().unwrap_or_else(|_| usage()),
        }
    }
    let (conn, screen) =
        x11rb::connect(None).unwrap_or_else(|e| die(format!("cannot connect to $DISPLAY: {e}")));
    if !sweep.is_empty() {
        sweep::sweep(&conn, screen, &sweep, server_pid, json);
        return;
    }
    let samples = time_round_trips(&conn, n.min(100), n);
    let (p50, p99) = (quantile_us(&samples, 0.5), quantile_us(&samples, 0.99));
    if json {
        println!(
            "{{\"latency\":{{\"round_trips\":{},\"p50_us\":{p50:.1},\"p99_us\":{p99:.1}}}}}",
            samples.len()
        );
    } else {
        println!(
            "round trips: {}  p50 {p50:.1} µs  p99 {p99:.1} µs",
            samples.len()
        );
    }
}
