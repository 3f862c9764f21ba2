//! `yperf`: an x11perf-like benchmark for a Yonder server. Each operation (named like
//! x11perf's: `rect10`, `seg100`, `putimage500`, ...) runs for a fixed time and is reported
//! in objects per second; `--latency N` measures round trips instead, and `--sweep`
//! round trips as the number of windows grows (`sweep.rs`).
//!
//! Every timed run ends with a round trip, and the time until its reply is part of the
//! run: what is measured is the server drawing, not the client buffering. Before each
//! timed run the operation runs briefly untimed (caches warm, window contents settle).
//! What one repetition sends per operation is listed in `ops.rs` (and by `--list`).

mod ops;
mod rtt;
mod sweep;

use clap::Parser;
use ops::{Op, Prepared, OPS, SIDE};
use rtt::RoundTrips;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::die;
use yonder_protocol::request::{GcValues, WindowAttributes};
use yonder_protocol::{Color, GcId, PixmapId, Rect, WindowId};

/// Times drawing operations the way x11perf does.
#[derive(Parser)]
#[command(about)]
struct Args {
    /// Display to connect to (default: $YONDER_DISPLAY).
    #[arg(long)]
    display: Option<String>,
    /// Seconds each operation runs.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    time: f64,
    /// Times each operation is run (the median is reported when more than one).
    #[arg(long, value_name = "N", default_value_t = 1)]
    repeat: u32,
    /// Only these operations (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "OP,OP")]
    only: Vec<String>,
    /// Print JSON (one object) instead of a table.
    #[arg(long)]
    json: bool,
    /// Measure N round trips and print their latency percentiles instead.
    #[arg(long, value_name = "N")]
    latency: Option<u32>,
    /// Run exactly N repetitions of each operation, untimed and without warm-up (for
    /// instruction counts under a profiler); prints nothing but errors.
    #[arg(long, value_name = "N", conflicts_with_all = ["latency", "json"])]
    reps: Option<u64>,
    /// Map N still windows with some content, then do nothing for `--time` seconds (for
    /// measuring what a server with open but idle windows costs).
    #[arg(long, value_name = "N", conflicts_with_all = ["latency", "reps"])]
    still_windows: Option<u32>,
    /// Map 32×32 windows, cumulatively, up to each of these counts in turn; after each,
    /// time creating and mapping them and 50 round trips (see `sweep.rs`).
    #[arg(long, value_delimiter = ',', value_name = "N,N",
          conflicts_with_all = ["latency", "reps", "still_windows"])]
    sweep: Vec<u32>,
    /// With --sweep: the server's process id, to report its resident memory at each step.
    #[arg(long, value_name = "PID", requires = "sweep")]
    server_pid: Option<u32>,
    /// List the operations and what each counts, then exit.
    #[arg(long)]
    list: bool,
}

/// The window, GCs and pixmap every operation draws with.
struct Setup {
    win: WindowId,
    gcs: [GcId; 2],
    pixmap: PixmapId,
}

fn setup(conn: &Connection) -> Setup {
    let win = conn.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::WHITE),
        event_mask: None,
        // Like x11perf under a bare Xvfb: no frame, exactly where it is put.
        override_redirect: Some(true),
        cursor: None,
    };
    let side = SIDE as u32;
    conn.create_window(win, conn.root(), Rect::new(2, 2, side, side), attrs);
    conn.map_window(win);
    let gcs = [conn.new_gc_id(), conn.new_gc_id()];
    for (gc, color) in gcs.iter().zip([0x000000, 0x3060c0]) {
        let values = GcValues {
            foreground: Some(Color::rgb(color)),
            font_size: Some(13.0),
            ..Default::default()
        };
        conn.create_gc(*gc, win, values);
    }
    let pixmap = conn.new_pixmap_id();
    conn.create_pixmap(pixmap, win, side, side);
    // Opaque, like an X pixmap, with stripes so copies from it move visible content.
    let white = conn.new_gc_id();
    let values = GcValues {
        foreground: Some(Color::WHITE),
        ..Default::default()
    };
    conn.create_gc(white, win, values);
    conn.poly_fill_rectangle(pixmap, white, &[Rect::new(0, 0, side, side)]);
    for i in 0..SIDE / 20 {
        let r = Rect::new(0, i * 20, side, 10);
        conn.poly_fill_rectangle(pixmap, gcs[(i % 2) as usize], &[r]);
    }
    conn.sync().unwrap_or_else(|e| die("yperf", e));
    Setup { win, gcs, pixmap }
}

/// How much work is let ahead of the server: a checkpoint (a Sync whose reply is
/// collected later) follows every chunk of about this much drawing, and at most
/// [`CHECKPOINTS_AHEAD`] checkpoints are unanswered at once. Without this the server's
/// queues would take seconds of cheap requests, and a run would far outlast its time.
const CHUNK: Duration = Duration::from_millis(5);
const CHECKPOINTS_AHEAD: usize = 2;

/// Runs `p` for `time` (the final round trip included); returns objects per second.
/// `chunk` is the number of objects per checkpoint, adapted to the server's speed and
/// carried from one run to the next.
fn run_timed(conn: &Connection, p: &mut Prepared, time: Duration, chunk: &mut u64) -> f64 {
    let start = Instant::now();
    let mut objects = 0u64;
    let mut in_flight = VecDeque::new();
    loop {
        let target = objects + *chunk;
        while objects < target {
            objects += p.rep(conn);
        }
        if !p.is_round_trip() {
            in_flight.push_back((conn.send_sync(), objects));
            if in_flight.len() > CHECKPOINTS_AHEAD {
                let (cookie, done) = in_flight.pop_front().expect("not empty");
                cookie.reply().unwrap_or_else(|e| die("yperf", e));
                // The server did at least `done` objects in the time so far: a cautious
                // (and steady) estimate of its speed. The chunk at most doubles per step.
                let rate = done as f64 / start.elapsed().as_secs_f64();
                let ideal = (rate * CHUNK.as_secs_f64()) as u64;
                *chunk = ideal.clamp(1, (*chunk * 2).max(1));
            }
        }
        if start.elapsed() >= time {
            break;
        }
    }
    drop(in_flight);
    conn.sync().unwrap_or_else(|e| die("yperf", e));
    objects as f64 / start.elapsed().as_secs_f64()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn latency(conn: &Connection, n: u32, json: bool) {
    let rtt = RoundTrips::measure(conn, n.min(100), n);
    let (p50, p99) = (rtt.p50_us(), rtt.p99_us());
    if json {
        println!(
            "{{\"latency\":{{\"round_trips\":{},\"p50_us\":{p50:.1},\"p99_us\":{p99:.1}}}}}",
            rtt.len()
        );
    } else {
        println!(
            "round trips: {}  p50 {p50:.1} µs  p99 {p99:.1} µs",
            rtt.len()
        );
    }
}

fn still_windows(conn: &Connection, n: u32, hold: Duration) {
    let gc = conn.new_gc_id();
    conn.create_gc(gc, conn.root(), GcValues::default());
    for i in 0..n as i32 {
        let r = Rect::new((i % 10) * 120, (i / 10) * 150, 110, 140);
        let win = sweep::create_top_level(conn, r, Color::rgb(0x406080 + (i as u32) * 0x020202));
        conn.set_title(win, &format!("still {i}"));
        conn.map_window(win);
        conn.poly_fill_rectangle(win, gc, &[Rect::new(10, 10, 40, 30)]);
        conn.draw_text(win, gc, yonder_protocol::Point::new(10, 80), "still");
    }
    conn.sync().unwrap_or_else(|e| die("yperf", e));
    println!("yperf: {n} still windows mapped");
    std::thread::sleep(hold);
}

fn selected(only: &[String]) -> Vec<&'static Op> {
    if only.is_empty() {
        return OPS.iter().collect();
    }
    only.iter()
        .map(|name| {
            OPS.iter().find(|o| o.name == name).unwrap_or_else(|| {
                let known: Vec<_> = OPS.iter().map(|o| o.name).collect();
                die(
                    "yperf",
                    format!("unknown op {name:?} (known: {})", known.join(", ")),
                )
            })
        })
        .collect()
}

fn main() {
    let args = Args::parse();
    if args.list {
        for op in OPS {
            println!("{:<14} {}", op.name, op.what);
        }
        return;
    }
    if !(args.time > 0.0 && args.time.is_finite()) || args.repeat == 0 {
        die("yperf", "--time must be positive and --repeat at least 1");
    }
    let conn =
        Connection::connect_and_wait(args.display.as_deref()).unwrap_or_else(|e| die("yperf", e));
    if let Some(n) = args.latency {
        latency(&conn, n, args.json);
        return;
    }
    if let Some(n) = args.still_windows {
        still_windows(&conn, n, Duration::from_secs_f64(args.time));
        return;
    }
    if !args.sweep.is_empty() {
        sweep::sweep(&conn, &args.sweep, args.server_pid, args.json);
        return;
    }
    let ops = selected(&args.only);
    let s = setup(&conn);
    if let Some(n) = args.reps {
        for op in ops {
            let mut p = Prepared::new(op, s.win, s.gcs, s.pixmap);
            p.configure(&conn);
            for i in 1..=n {
                p.rep(&conn);
                if i % 64 == 0 {
                    conn.sync().unwrap_or_else(|e| die("yperf", e));
                }
            }
            conn.sync().unwrap_or_else(|e| die("yperf", e));
        }
        return;
    }
    let time = Duration::from_secs_f64(args.time);
    let warm = Duration::from_secs_f64((args.time / 10.0).min(0.25));
    let mut results = Vec::new();
    for op in ops {
        let mut p = Prepared::new(op, s.win, s.gcs, s.pixmap);
        p.configure(&conn);
        let mut chunk = 1;
        run_timed(&conn, &mut p, warm, &mut chunk);
        let mut runs: Vec<f64> = (0..args.repeat)
            .map(|_| run_timed(&conn, &mut p, time, &mut chunk))
            .collect();
        let all = runs.clone();
        let rate = median(&mut runs);
        if !args.json {
            let each = if all.len() > 1 {
                let v: Vec<String> = all.iter().map(|r| format!("{r:.0}")).collect();
                format!("  (runs: {})", v.join(", "))
            } else {
                String::new()
            };
            println!("{:<14} {:>14.0}/s  {}{each}", op.name, rate, op.what);
        }
        results.push((op, rate, all));
    }
    if args.json {
        let items: Vec<String> = results
            .iter()
            .map(|(op, rate, all)| {
                let runs: Vec<String> = all.iter().map(|r| format!("{r:.1}")).collect();
                format!(
                    "{{\"op\":\"{}\",\"per_second\":{rate:.1},\"runs\":[{}],\"what\":\"{}\"}}",
                    op.name,
                    runs.join(","),
                    op.what
                )
            })
            .collect();
        println!(
            "{{\"time\":{},\"repeat\":{},\"results\":[{}]}}",
            args.time,
            args.repeat,
            items.join(",")
        );
    }
}
