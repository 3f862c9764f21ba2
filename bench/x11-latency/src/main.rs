//! `x11-latency N [--json]`: N X11 round trips (GetInputFocus, as `XSync` does) to
//! `$DISPLAY`, printing the p50 and p99 latency like `yperf --latency N`. Bench only: the
//! X side of the latency row of `bench/vs-x11.sh`.

use std::time::{Duration, Instant};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt;

fn round_trip(conn: &impl Connection) {
    conn.get_input_focus()
        .expect("request sent")
        .reply()
        .expect("GetInputFocus reply");
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    let mut n = 10_000usize;
    let mut json = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--json" => json = true,
            v => {
                n = v.parse().unwrap_or_else(|_| {
                    eprintln!("usage: x11-latency [N] [--json]");
                    std::process::exit(2)
                })
            }
        }
    }
    let (conn, _) = x11rb::connect(None).unwrap_or_else(|e| {
        eprintln!("x11-latency: cannot connect to $DISPLAY: {e}");
        std::process::exit(1)
    });
    for _ in 0..n.min(100) {
        round_trip(&conn);
    }
    let mut samples: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let t = Instant::now();
            round_trip(&conn);
            t.elapsed()
        })
        .collect();
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (p50, p99) = (us(quantile(&samples, 0.5)), us(quantile(&samples, 0.99)));
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
