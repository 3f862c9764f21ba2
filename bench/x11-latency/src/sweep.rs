//! `--sweep 100,1000,...`: X11's side of `yperf --sweep` (issue 17 §5). One connection
//! creates and maps 32×32 children of the root (CreateWindow with a background pixel,
//! then MapWindow, pipelined), cumulatively, up to each count in turn; each step ends
//! with a GetInputFocus round trip, so the server has done it. Then 50 timed
//! GetInputFocus round trips, and the server's resident memory when its process id is
//! given. One JSON object per line per step, in `yperf --sweep --json`'s format.

use crate::{die, quantile_us, time_round_trips};
use std::io::Write;
use std::time::Instant;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, CreateWindowAux, WindowClass};
use x11rb::protocol::Event;
use x11rb::{COPY_DEPTH_FROM_PARENT, COPY_FROM_PARENT};

/// The side of a sweep window, in pixels.
const SIDE: u16 = 32;
/// Round trips timed at each step (and a few untimed before them), as `yperf`'s.
const ROUND_TRIPS: usize = 50;
const WARM: usize = 5;

/// Runs the sweep over `counts` (ascending) on screen number `screen`, printing each
/// step as it is done: a table row, or with `json` one object per line.
pub fn sweep(
    conn: &impl Connection,
    screen: usize,
    counts: &[u32],
    server_pid: Option<u32>,
    json: bool,
) {
    if counts.windows(2).any(|w| w[0] >= w[1]) {
        die("--sweep takes window counts in ascending order");
    }
    let s = &conn.setup().roots[screen];
    let root = s.root;
    // A grid over the screen, starting again at the top left once it is full.
    let columns = (s.width_in_pixels / SIDE).max(1) as u32;
    let rows = (s.height_in_pixels / SIDE).max(1) as u32;
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
            let cell = i % (columns * rows);
            let (x, y) = (
                (cell % columns) as u16 * SIDE,
                (cell / columns) as u16 * SIDE,
            );
            let wid = conn.generate_id().unwrap_or_else(|e| die(e));
            let aux = CreateWindowAux::new()
                .background_pixel(0x204060 ^ (i.wrapping_mul(0x9e3779) & 0xffffff));
            // The cookies are dropped: an error comes as an event, looked for below.
            let sent = conn
                .create_window(
                    COPY_DEPTH_FROM_PARENT,
                    wid,
                    root,
                    x as i16,
                    y as i16,
                    SIDE,
                    SIDE,
                    0,
                    WindowClass::INPUT_OUTPUT,
                    COPY_FROM_PARENT,
                    &aux,
                )
                .and_then(|_| conn.map_window(wid).map(drop));
            sent.unwrap_or_else(|e| die(e));
        }
        crate::round_trip(conn);
        let create_map_ms = start.elapsed().as_secs_f64() * 1e3;
        made = windows;
        while let Some(event) = conn.poll_for_event().unwrap_or_else(|e| die(e)) {
            if let Event::Error(e) = event {
                die(format!("--sweep: a request failed: {e:?}"));
            }
        }
        let rtt = time_round_trips(conn, WARM, ROUND_TRIPS);
        let (p50, p99) = (quantile_us(&rtt, 0.5), quantile_us(&rtt, 0.99));
        let rss = server_pid.and_then(rss_kib);
        if json {
            let rss = rss.map_or("null".to_string(), |k| k.to_string());
            println!(
                "{{\"sweep\":{{\"windows\":{windows},\"create_map_ms\":{create_map_ms:.1},\
                 \"round_trips\":{},\"p50_us\":{p50:.1},\"p99_us\":{p99:.1},\"rss_kib\":{rss}}}}}",
                rtt.len()
            );
        } else {
            let rss = rss.map_or("-".to_string(), |k| k.to_string());
            println!("{windows:>8} {create_map_ms:>16.1} {p50:>12.1} {p99:>12.1} {rss:>12}");
        }
        // A step can take a while; show each as it comes, also through a pipe.
        let _ = std::io::stdout().flush();
    }
}

/// The resident memory of process `pid` (`VmRSS` of `/proc/PID/status`), in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
