//! Time to first frame: starts a program and measures how long until a pixel of the screen
//! shows the color its first frame puts there, as seen by this watcher polling GetImage
//! over its own (direct) connection. Used by `bench/latency.sh`.
//!
//! ```text
//! first_frame --display unix:/run/user/1000/yonder/display-0 --pixel 370,260 \
//!     --rgb 2850a0 [--runs 5] -- target/release/hello --exit-after 5
//! ```
//!
//! Each run starts the program, polls the pixel every 0.5 ms, prints the time from just
//! before the program was spawned to the first poll that saw the color, stops the program
//! and waits until the pixel has another color again. Prints `median_ms N` at the end.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::ImageFormat;
use yonder_protocol::Rect;

struct Args {
    display: Option<String>,
    x: i32,
    y: i32,
    rgb: u32,
    runs: usize,
    timeout: Duration,
    command: Vec<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: first_frame [--display D] --pixel X,Y --rgb RRGGBB [--runs N] [--timeout S] -- COMMAND..."
    );
    std::process::exit(2)
}

fn parse() -> Args {
    let mut args = Args {
        display: None,
        x: 0,
        y: 0,
        rgb: 0,
        runs: 1,
        timeout: Duration::from_secs(20),
        command: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    let mut pixel = false;
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--display" => args.display = Some(value()),
            "--pixel" => {
                let v = value();
                let (x, y) = v.split_once(',').unwrap_or_else(|| usage());
                args.x = x.parse().unwrap_or_else(|_| usage());
                args.y = y.parse().unwrap_or_else(|_| usage());
                pixel = true;
            }
            "--rgb" => args.rgb = u32::from_str_radix(&value(), 16).unwrap_or_else(|_| usage()),
            "--runs" => args.runs = value().parse().unwrap_or_else(|_| usage()),
            "--timeout" => {
                args.timeout = Duration::from_secs_f64(value().parse().unwrap_or_else(|_| usage()))
            }
            "--" => {
                args.command = it.collect();
                break;
            }
            _ => usage(),
        }
    }
    if !pixel || args.command.is_empty() {
        usage();
    }
    args
}

/// The pixel's color as 0xRRGGBB.
fn pixel(conn: &Connection, x: i32, y: i32) -> u32 {
    let img = conn
        .get_image(conn.root(), Rect::new(x, y, 1, 1), ImageFormat::Bgrx)
        .reply()
        .unwrap_or_else(|e| panic!("first_frame: GetImage failed: {e}"));
    u32::from_le_bytes([img.data[0], img.data[1], img.data[2], 0])
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    let args = parse();
    let conn = Connection::connect_and_wait(args.display.as_deref())
        .unwrap_or_else(|e| panic!("first_frame: cannot connect: {e}"));
    let mut times = Vec::new();
    for run in 1..=args.runs {
        let wait_until = Instant::now() + Duration::from_secs(10);
        while pixel(&conn, args.x, args.y) == args.rgb {
            assert!(
                Instant::now() < wait_until,
                "first_frame: the pixel keeps the color of a previous run"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let start = Instant::now();
        let child = Command::new(&args.command[0])
            .args(&args.command[1..])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("first_frame: cannot start {}: {e}", args.command[0]));
        let seen = loop {
            if pixel(&conn, args.x, args.y) == args.rgb {
                break Some(start.elapsed());
            }
            if start.elapsed() > args.timeout {
                break None;
            }
            std::thread::sleep(Duration::from_micros(500));
        };
        stop(child);
        match seen {
            Some(t) => {
                let ms = t.as_secs_f64() * 1e3;
                println!("run {run}: first frame after {ms:.1} ms");
                times.push(ms);
            }
            None => {
                println!("run {run}: no first frame within {:?}", args.timeout);
                std::process::exit(1);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    println!("median_ms {:.1}", times[times.len() / 2]);
}
