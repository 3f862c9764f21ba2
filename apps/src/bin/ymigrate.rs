//! `ymigrate`: the figures of live migration for `bench/migrate.sh` (protocol.md §5.5):
//! how long a moving app is frozen, and how many bytes a move sends against the size of
//! the app's state.
//!
//! Two displays run already (the script starts them, e.g. in two network namespaces):
//! A, where the apps start (on its Unix socket), and B, reached as `--b-net` (over the
//! namespace link, or through the delay proxy). The apps run with
//! `YONDER_DEBUG_JOURNAL=1`, so their library writes a line per move (its freeze: how
//! long the app's requests were held by the switch; the bytes of the hidden replay and of
//! the copied requests; the journal's size). This program is the mover (the trusted
//! cookies of both displays), `--moves` times A → B and back for each app:
//!
//! * `hello --tick-ms 5`, whose frame counter two trusted watchers read on A's and B's
//!   screens during each move: the *visible freeze* is from the moment A's screen first
//!   showed the last frame it ever showed to the moment B's first showed a later one, on
//!   this machine's clock.
//!   B's first frame is also checked to be no older than A's last (a correct frame);
//! * `ypaint` with a 2000 × 2000 canvas with strokes on it;
//! * `ydoc` with a drawing being edited in place: ypaint runs inside ydoc's window, a
//!   process and client of its own, and follows ydoc (moved right after it, as
//!   `yonder-move` does).
//!
//! The servers run with `YONDER_LOG=...,yonder_server::move_times=info` and their logs
//! are read too (`--a-log`, `--b-log`): the *servers' freeze* of every move is from the
//! moment the old display got the app's last requests before the switch to the moment
//! the new one first showed its window, both on this machine's clock.
//!
//! It prints lines `move|app|direction|freeze_us|visible_us|replay_bytes|copied_bytes|
//! journal_bytes|total_us|server_freeze_us` that the script turns into tables.

use clap::Parser;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::request::{FakeKind, ImageFormat};
use yonder::protocol::{ClientId, Event, Rect, WindowId};
use yonder::{ConnectOptions, Connection, Incoming, Reconnect};

/// Where hello paints its frame counter (see hello's `TICK`).
const TICK_AT: (i32, i32) = (384, 16);
/// ypaint's toolbar height.
const TOOLBAR_H: i32 = 36;

/// Times moves of demo apps between two displays.
#[derive(Parser)]
#[command(about)]
struct Args {
    /// Where the apps are (target/release).
    #[arg(long)]
    bin_dir: PathBuf,
    /// Display A, as a Unix display (`unix:PATH`): the apps start here.
    #[arg(long)]
    a: String,
    /// A's cookie and trusted cookie (hex).
    #[arg(long)]
    a_cookie: String,
    #[arg(long)]
    a_trusted: String,
    /// Display B on its Unix socket, for the watchers and the mover.
    #[arg(long)]
    b: String,
    /// Display B as the apps reach it (over the link).
    #[arg(long)]
    b_net: String,
    /// B's cookie and trusted cookie (hex).
    #[arg(long)]
    b_cookie: String,
    #[arg(long)]
    b_trusted: String,
    /// Moves A → B (and as many back) per app.
    #[arg(long, default_value_t = 10)]
    moves: usize,
    /// Where the apps' files and logs go.
    #[arg(long)]
    work: PathBuf,
    /// The servers' logs (their stderr), with the move_times lines.
    #[arg(long)]
    a_log: PathBuf,
    #[arg(long)]
    b_log: PathBuf,
}

fn connect(display: &str, cookie: &str, name: &str) -> Connection {
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(display.to_string()),
        cookie: Some(hex::decode(cookie).expect("a hex cookie")),
        app_name: Some(name.into()),
        reconnect: Reconnect::ExitAtOnce,
        ..ConnectOptions::default()
    })
    .unwrap_or_else(|e| panic!("{display}: {e}"));
    conn.setup().expect("setup");
    conn
}

/// The client named `name` on `conn`'s display, once there is one.
fn client_named(conn: &Connection, name: &str) -> ClientId {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let clients = conn.list_clients().reply().expect("list_clients").clients;
        if let Some(c) = clients.iter().find(|c| c.app_name == name) {
            return c.id;
        }
        assert!(Instant::now() < end, "no client {name}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The viewable top-level window of client `id`, once there is one.
fn window_of(conn: &Connection, id: ClientId) -> WindowId {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let tree = conn.query_tree(conn.root()).reply().expect("query_tree");
        for w in tree.children {
            if conn.get_window_attributes(w).reply().is_ok_and(|a| {
                a.owner == id && a.map_state == yonder::protocol::reply::MapState::Viewable
            }) {
                return w;
            }
        }
        assert!(Instant::now() < end, "no window of client {}", id.0);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The frame of hello's that `conn`'s screen shows, if it shows one: read from the
/// root, so only what is on the screen counts (a hidden window's backing store already
/// holds frames during the pre-copy). hello sits at (0, 0) on both displays (no window
/// manager); a frame number is below [`MAX_FRAME`], unlike the white of hello's window
/// before its first tick and the root's background.
fn frame(conn: &Connection) -> Option<u32> {
    let img = conn
        .get_image(
            conn.root(),
            Rect::new(TICK_AT.0, TICK_AT.1, 1, 1),
            ImageFormat::Bgrx,
        )
        .reply()
        .ok()?;
    let p = img.data.get(..4)?;
    Some(u32::from_le_bytes([p[0], p[1], p[2], 0])).filter(|n| *n < MAX_FRAME)
}

/// Above any frame number of a run (5 ms ticks: about 80 minutes).
const MAX_FRAME: u32 = 1_000_000;

/// A watcher's record: when each new frame was first seen.
fn watch(conn: &Connection, stop: &AtomicBool, seen: &Mutex<Vec<(Instant, u32)>>) {
    let mut last = None;
    while !stop.load(Ordering::Acquire) {
        if let Some(n) = frame(conn) {
            if last != Some(n) {
                seen.lock().unwrap().push((Instant::now(), n));
                last = Some(n);
            }
        } else {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// One side of a move: the display's watchers and mover connections, and its server's
/// log.
struct Side {
    display: String,
    /// Where the apps reach it.
    target: String,
    cookie: String,
    trusted: String,
    log: PathBuf,
}

/// What a move took.
struct Moved {
    /// From MoveClient to MoveOutcome.
    total: Duration,
    /// The servers' freeze (see the module doc), if both lines were found.
    servers: Option<i128>,
}

/// Moves the app named `name` from `from` to `to` as `yonder-move` does.
fn move_app(from: &Side, to: &Side, name: &str) -> Moved {
    let there = connect(&to.display, &to.cookie, "ymigrate");
    let token = there.grant_move(name).reply().expect("a token").token;
    let here = connect(&from.display, &from.trusted, "ymigrate");
    let id = client_named(&here, name);
    let started = Instant::now();
    let started_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    here.move_client(id, &to.target, &token)
        .check()
        .unwrap_or_else(|e| panic!("MoveClient: {e}"));
    let total = loop {
        match here.wait_for_event_timeout(Duration::from_secs(30)) {
            Ok(Some(Incoming::Event {
                event: Event::MoveOutcome(o),
                ..
            })) => {
                assert!(o.moved, "{name} did not move: {}", o.reason);
                break started.elapsed();
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("{name}: no MoveOutcome within 30 s"),
            Err(e) => panic!("{e}"),
        }
    };
    let new_id = client_named(&there, name);
    // Lines of this move only (an earlier client of the same number cannot match).
    let last = log_time(&from.log, "moved away", id, "last_request_us", started_us);
    let first = log_time(&to.log, "first shown", new_id, "first_frame_us", started_us);
    Moved {
        total,
        servers: last.zip(first).map(|(l, f)| f as i128 - l as i128),
    }
}

/// The value of `key` on the server log's `what` line of client `id`, if it is at least
/// `since` (within 5 s).
fn log_time(log: &Path, what: &str, id: ClientId, key: &str, since: u128) -> Option<u128> {
    let end = Instant::now() + Duration::from_secs(5);
    let client = format!("client={}", id.0);
    loop {
        let text = strip_ansi(&std::fs::read_to_string(log).unwrap_or_default());
        let found = text
            .lines()
            .rev()
            .filter(|l| l.contains(what) && l.split_whitespace().any(|w| w == client))
            .filter_map(|l| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
            })
            .find(|t: &u128| *t >= since);
        if found.is_some() || Instant::now() >= end {
            return found;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `text` without its terminal colour sequences (`ESC [ ... m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The library's `event=moved` lines in an app's stderr, as `(key, value)` lists.
fn moved_lines(err: &Path) -> Vec<Vec<(String, String)>> {
    std::fs::read_to_string(err)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("event=moved"))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn field(line: &[(String, String)], key: &str) -> String {
    line.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn spawn(args: &Args, a: &Side, bin: &str, extra: &[&str]) -> (Child, PathBuf) {
    let err = args.work.join(format!("{bin}.err"));
    let child = Command::new(args.bin_dir.join(bin))
        .args(extra)
        .current_dir(&args.work)
        .env("YONDER_DISPLAY", &a.display)
        .env("YONDER_COOKIE", &a.cookie)
        .env("YONDER_DEBUG_JOURNAL", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        // A group of its own: ydoc's part (a ypaint it starts) ends with it.
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("{bin}: {e}"));
    (child, err)
}

/// Ends `child` and every process of its group (ydoc's part with ydoc).
fn end_group(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    let args = Args::parse();
    std::fs::create_dir_all(&args.work).unwrap();
    let a = Side {
        display: args.a.clone(),
        target: args.a.clone(),
        cookie: args.a_cookie.clone(),
        trusted: args.a_trusted.clone(),
        log: args.a_log.clone(),
    };
    let b = Side {
        display: args.b.clone(),
        target: args.b_net.clone(),
        cookie: args.b_cookie.clone(),
        trusted: args.b_trusted.clone(),
        log: args.b_log.clone(),
    };
    let drawing = image::RgbaImage::from_pixel(200, 120, image::Rgba([0xff, 0xf5, 0xc0, 255]));
    let mut png = Vec::new();
    drawing
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a PNG in memory");
    let mut doc = b"ydoc 1\ntext 17\nAbove the drawing\n".to_vec();
    doc.extend_from_slice(format!("drawing {}\n", png.len()).as_bytes());
    doc.extend_from_slice(&png);
    doc.extend_from_slice(b"\ntext 17\nBelow the drawing\n");
    std::fs::write(args.work.join("paper.ydoc"), doc).unwrap();
    let wa = connect(&a.display, &a.trusted, "ymigrate-watcher");
    let wb = connect(&b.display, &b.trusted, "ymigrate-watcher");
    let mut children = Vec::new();
    let mut reported = Reported::default();

    // hello, ticking: the visible freeze.
    let (child, err) = spawn(
        &args,
        &a,
        "hello",
        &["--tick-ms", "5", "--x", "0", "--y", "0"],
    );
    children.push(child);
    // Its window is up before the first move.
    window_of(&wa, client_named(&wa, "hello"));
    for _ in 0..args.moves {
        let stop = Arc::new(AtomicBool::new(false));
        let (seen_a, seen_b) = (Mutex::new(Vec::new()), Mutex::new(Vec::new()));
        let total = std::thread::scope(|s| {
            s.spawn(|| watch(&wa, &stop, &seen_a));
            s.spawn(|| watch(&wb, &stop, &seen_b));
            std::thread::sleep(Duration::from_millis(50));
            let total = move_app(&a, &b, "hello");
            // Until B's screen shows a frame A's never did (at most 5 s).
            let end = Instant::now() + Duration::from_secs(5);
            while Instant::now() < end {
                std::thread::sleep(Duration::from_millis(10));
                let last_a = seen_a.lock().unwrap().last().map_or(0, |(_, n)| *n);
                if seen_b.lock().unwrap().iter().any(|(_, n)| *n > last_a) {
                    break;
                }
            }
            stop.store(true, Ordering::Release);
            total
        });
        let (seen_a, seen_b) = (seen_a.into_inner().unwrap(), seen_b.into_inner().unwrap());
        let (last_a_at, last_a) = *seen_a.last().expect("A showed frames");
        let first_newer = seen_b.iter().find(|(_, n)| *n > last_a);
        let visible = first_newer
            .map(|(t, _)| t.saturating_duration_since(last_a_at))
            .unwrap_or_else(|| {
                panic!(
                    "B showed no frame after A's last ({last_a}); A saw {:?}…, B saw {:?}",
                    &seen_a[seen_a.len().saturating_sub(3)..],
                    &seen_b[..seen_b.len().min(5)]
                )
            });
        // A correct first frame: not older than the last A showed (as the watchers saw
        // the two screens; a server behind on its work shows frames late).
        let first_b = seen_b.first().map(|(_, n)| *n).unwrap_or(0);
        if first_b + 1 < last_a {
            eprintln!(
                "ymigrate: B's first frame ({first_b}) is older than A's last ({last_a}): \
                 A's last frames {:?}, B's first {:?}",
                &seen_a[seen_a.len().saturating_sub(5)..],
                &seen_b[..seen_b.len().min(5)]
            );
            println!("stale|hello|{first_b}|{last_a}");
        }
        reported.report("hello", "A→B", &err, Some(visible), total);
        let back = move_app(&b, &a, "hello");
        reported.report("hello", "B→A", &err, None, back);
    }

    // ypaint with a 2000 × 2000 canvas and strokes on it.
    let (child, err) = spawn(&args, &a, "ypaint", &["--size", "2000x2000"]);
    children.push(child);
    let paint = window_of(&wa, client_named(&wa, "ypaint"));
    let g = wa.get_geometry(paint).reply().unwrap().rect;
    for i in 0..8 {
        let y = g.y + TOOLBAR_H + 20 + i * 40;
        wa.fake_input(FakeKind::Motion, 0, g.x + 20, y);
        wa.fake_input(FakeKind::ButtonPress, 1, g.x + 20, y);
        wa.fake_input(FakeKind::Motion, 0, g.x + 300, y + 10);
        wa.fake_input(FakeKind::ButtonRelease, 1, g.x + 300, y + 10);
    }
    wa.sync().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..args.moves {
        let total = move_app(&a, &b, "ypaint");
        reported.report("ypaint 2000×2000", "A→B", &err, None, total);
        let back = move_app(&b, &a, "ypaint");
        reported.report("ypaint 2000×2000", "B→A", &err, None, back);
    }

    // ydoc with a drawing edited in place: ypaint runs inside ydoc's window (a process
    // ydoc starts), and follows ydoc to each display as yonder-move makes it.
    // The standalone ypaint goes first: the part is a ypaint too, and is found by name.
    end_group(children.remove(1));
    let (child, err) = spawn(&args, &a, "ydoc", &["--x", "0", "--y", "0", "paper.ydoc"]);
    children.push(child);
    let doc = window_of(&wa, client_named(&wa, "ydoc"));
    let yellow = |p: &[u8]| p[0] == 0xc0 && p[1] == 0xf5 && p[2] == 0xff;
    let end = Instant::now() + Duration::from_secs(20);
    let top = loop {
        let img = wa
            .get_image(doc, Rect::new(116, 0, 1, 400), ImageFormat::Bgrx)
            .reply()
            .expect("ydoc's window");
        if let Some(y) = img.data.chunks_exact(4).position(yellow) {
            break y as i32;
        }
        assert!(Instant::now() < end, "ydoc shows no drawing");
        std::thread::sleep(Duration::from_millis(20));
    };
    for _ in 0..2 {
        wa.fake_input(FakeKind::Motion, 0, 116, top + 60);
        wa.fake_input(FakeKind::ButtonPress, 1, 116, top + 60);
        wa.fake_input(FakeKind::ButtonRelease, 1, 116, top + 60);
    }
    client_named(&wa, "ypaint");
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..args.moves {
        let total = move_app(&a, &b, "ydoc");
        reported.report("ydoc + part: ydoc", "A→B", &err, None, total);
        let total = move_app(&a, &b, "ypaint");
        reported.report("ydoc + part: ypaint", "A→B", &err, None, total);
        let back = move_app(&b, &a, "ydoc");
        reported.report("ydoc + part: ydoc", "B→A", &err, None, back);
        let back = move_app(&b, &a, "ypaint");
        reported.report("ydoc + part: ypaint", "B→A", &err, None, back);
    }
    for c in children {
        end_group(c);
    }
}

/// The library's move lines already reported, per app log: each move's report takes
/// the next one.
#[derive(Default)]
struct Reported(std::collections::HashMap<PathBuf, usize>);

impl Reported {
    /// Prints the line of the app's last move (its library's line is the next one in
    /// `err` not reported yet).
    fn report(
        &mut self,
        app: &str,
        direction: &str,
        err: &Path,
        visible: Option<Duration>,
        moved: Moved,
    ) {
        let done = self.0.entry(err.to_path_buf()).or_default();
        // The library writes its line right after the switch; the outcome may come first.
        let end = Instant::now() + Duration::from_secs(5);
        let mut lines = moved_lines(err);
        while lines.len() <= *done && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
            lines = moved_lines(err);
        }
        let line = lines.get(*done).cloned().unwrap_or_default();
        *done += 1;
        println!(
            "move|{app}|{direction}|{}|{}|{}|{}|{}|{}|{}",
            field(&line, "freeze_us"),
            visible.map_or(String::new(), |v| v.as_micros().to_string()),
            field(&line, "replay_bytes"),
            field(&line, "copied_bytes"),
            field(&line, "bytes"),
            moved.total.as_micros(),
            moved.servers.map_or(String::new(), |s| s.to_string()),
        );
    }
}
