//! Keystroke to pixels: starts a program with a focused text entry, types letters into it
//! with synthetic input (FakeInput) and times each from the moment it is sent to the first
//! look at the entry that shows a change (the new glyph, the caret moved), as seen by this
//! watcher polling GetImage over its own (direct) connection. Used by `bench/keystroke.sh`.
//!
//! ```text
//! keystroke --display unix:/run/user/1000/yonder/display-0 --rect 50,50,300,26 \
//!     --ready 50,63,1e66f5 [--keys 20] [--timeout S] -- target/release/examples/entry --at 40,40
//! ```
//!
//! The watcher reads the screen, which needs the trusted cookie (`YONDER_TRUSTED=1`,
//! protocol.md §19), and types, which needs a server started with
//! `--allow-synthetic-input`; the program runs as an ordinary client (the watcher's
//! `YONDER_TRUSTED*` variables are not passed on). It waits until the `--ready` pixel (root
//! coordinates) has its color (the program's first frame is up), moves the pointer there
//! (keys go to the window under the pointer when no other window has the focus), then for
//! each key: reads `--rect` (root coordinates), presses and releases a letter, polls the
//! rectangle every 0.5 ms until it differs, and waits until it has been still for 20 ms
//! before the next key. Prints one line per key, then `p50_ms N` and `p90_ms N`, and
//! stops the program.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::request::FakeKind;
use yonder::Connection;

struct Args {
    display: Option<String>,
    rect: Rect,
    ready: (i32, i32, u32),
    keys: usize,
    timeout: Duration,
    command: Vec<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: keystroke [--display D] --rect X,Y,W,H --ready X,Y,RRGGBB [--keys N] [--timeout S] -- COMMAND..."
    );
    std::process::exit(2)
}

/// `s` split at commas into exactly `n` fields.
fn fields(s: &str, n: usize) -> Vec<&str> {
    let v: Vec<&str> = s.split(',').collect();
    if v.len() != n {
        usage();
    }
    v
}

fn parse() -> Args {
    let mut args = Args {
        display: None,
        rect: Rect::new(0, 0, 0, 0),
        ready: (0, 0, 0),
        keys: 20,
        timeout: Duration::from_secs(10),
        command: Vec::new(),
    };
    let num = |s: &str| s.parse::<i32>().unwrap_or_else(|_| usage());
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--display" => args.display = Some(value()),
            "--rect" => {
                let v = value();
                let f = fields(&v, 4);
                let (w, h) = (num(f[2]).max(1) as u32, num(f[3]).max(1) as u32);
                args.rect = Rect::new(num(f[0]), num(f[1]), w, h);
            }
            "--ready" => {
                let v = value();
                let f = fields(&v, 3);
                let rgb = u32::from_str_radix(f[2], 16).unwrap_or_else(|_| usage());
                args.ready = (num(f[0]), num(f[1]), rgb);
            }
            "--keys" => args.keys = value().parse().unwrap_or_else(|_| usage()),
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
    if args.rect.width == 0 || args.keys == 0 || args.command.is_empty() {
        usage();
    }
    args
}

/// The screen's pixels in `r` (Bgrx).
fn look(conn: &Connection, r: Rect) -> Vec<u8> {
    conn.get_image(conn.root(), r, ImageFormat::Bgrx)
        .reply()
        .unwrap_or_else(|e| fail(&format!("GetImage failed: {e}")))
        .data
}

/// The color of the screen's pixel (x, y), as 0xRRGGBB.
fn pixel(conn: &Connection, x: i32, y: i32) -> u32 {
    let d = look(conn, Rect::new(x, y, 1, 1));
    u32::from_le_bytes([d[0], d[1], d[2], 0])
}

/// Polls every 0.5 ms until `done` holds; false when `timeout` passes first.
fn poll(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    while !done() {
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    true
}

fn fail(why: &str) -> ! {
    eprintln!("keystroke: {why}");
    std::process::exit(1)
}

/// The `q` quantile (nearest rank) of sorted `v`.
fn quantile(v: &[f64], q: f64) -> f64 {
    let rank = (q * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Types the keys and times each, in milliseconds.
fn type_keys(conn: &Connection, args: &Args) -> Result<Vec<f64>, String> {
    let (x, y, _) = args.ready;
    conn.fake_input(FakeKind::Motion, 0, x, y)
        .check()
        .map_err(|e| format!("FakeInput refused (--allow-synthetic-input?): {e}"))?;
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let mut times = Vec::with_capacity(args.keys);
    for i in 0..args.keys {
        let before = look(conn, args.rect);
        let keysym = keysym::from_char(letters[i % letters.len()] as char);
        let sent = Instant::now();
        conn.fake_input(FakeKind::KeyPress, keysym, 0, 0);
        conn.fake_input(FakeKind::KeyRelease, keysym, 0, 0);
        conn.flush().map_err(|e| format!("flush: {e}"))?;
        let mut seen = None;
        if !poll(args.timeout, || {
            let now = look(conn, args.rect);
            seen = Some(sent.elapsed());
            now != before
        }) {
            return Err(format!(
                "key {}: no change within {:?}",
                i + 1,
                args.timeout
            ));
        }
        let ms = seen.expect("polled at least once").as_secs_f64() * 1e3;
        println!("key {}: {ms:.1} ms", i + 1);
        times.push(ms);
        // The next key starts from a still picture.
        let mut last = look(conn, args.rect);
        let mut still = Instant::now();
        let settled = poll(args.timeout, || {
            let now = look(conn, args.rect);
            if now != last {
                (last, still) = (now, Instant::now());
            }
            still.elapsed() >= Duration::from_millis(20)
        });
        if !settled {
            return Err(format!("key {}: the entry never stops changing", i + 1));
        }
    }
    Ok(times)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    let args = parse();
    let conn = Connection::connect_and_wait(args.display.as_deref())
        .unwrap_or_else(|e| fail(&format!("cannot connect: {e}")));
    let (x, y, rgb) = args.ready;
    if !poll(args.timeout, || pixel(&conn, x, y) != rgb) {
        fail(&format!(
            "the ready pixel is #{rgb:06x} before the program starts"
        ));
    }
    let child = Command::new(&args.command[0])
        .args(&args.command[1..])
        .env_remove("YONDER_TRUSTED")
        .env_remove("YONDER_TRUSTED_COOKIE")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| fail(&format!("cannot start {}: {e}", args.command[0])));
    if !poll(args.timeout, || pixel(&conn, x, y) == rgb) {
        stop(child);
        let now = pixel(&conn, x, y);
        fail(&format!("the ready pixel is #{now:06x}, never #{rgb:06x}"));
    }
    let typed = type_keys(&conn, &args);
    stop(child);
    let mut times = typed.unwrap_or_else(|e| fail(&e));
    times.sort_by(f64::total_cmp);
    println!("p50_ms {:.1}", quantile(&times, 0.5));
    println!("p90_ms {:.1}", quantile(&times, 0.9));
}
