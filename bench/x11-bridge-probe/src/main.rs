//! `x11-bridge-probe`: the terminal side of `bench/x11-bridge.sh`. The same code types into
//! and reads the screen of either kind of terminal:
//!
//! * `--yonder ADDRESS`: a Yonder display (FakeInput, which needs a server started with
//!   `--allow-synthetic-input`, and GetImage of the root, which needs the trusted cookie:
//!   `YONDER_TRUSTED=1 YONDER_TRUSTED_COOKIE=...`);
//! * `--x N`: X display `:N` (XTEST and GetImage of the root window). The probe first paints
//!   the root a solid color (#2e3440, as Yonder's), so that the background is one color.
//!
//! Then one command:
//!
//! ```text
//! keys --at X,Y --rect X,Y,W,H [--keys N] [--still MS] [--timeout S]
//! type --at X,Y --rect X,Y,W,H [--clear-line] [--enter] [--still MS] [--timeout S]
//!      [--count FILE [--quiet MS]] TEXT
//! frame --rect X,Y,W,H [--dark N] [--light N] [--timeout S] [-- COMMAND...]
//! ```
//!
//! * `keys`: moves the pointer to (X, Y), from the screen's bottom-right corner (with no
//!   window manager, the window under the pointer gets the keys), then for each key reads
//!   the rectangle, presses and releases a letter, and polls the rectangle every 0.5 ms
//!   until it differs: the time from just before the key is sent to the first look that
//!   shows the change. Before the next key it waits until the rectangle has been still
//!   for `--still` ms (default 100). Prints `key I: MS` per key, then `p50_ms N` and
//!   `p90_ms N`.
//! * `type`: moves the pointer to (X, Y) as `keys` does, erases the shell's line with
//!   Ctrl+U when asked, types TEXT (letters, digits, spaces), presses Return with
//!   `--enter`, and watches the rectangle until it has been still for `--still` ms
//!   (default 1000): prints `settled_ms N`, from just before the first key to the last
//!   change seen (it fails when nothing changed). With `--count FILE` (a delay proxy's
//!   `--stats` file, `UP DOWN`) it also prints `bytes_up N` and `bytes_down N`, what the
//!   link carried from just before the first key until it had carried nothing for
//!   `--quiet` ms (default 1000): the pointer's arrival is not counted.
//! * `frame`: starts COMMAND if given (printing `pid N`; it is left running) and polls the
//!   rectangle (default: the screen) every 5 ms until it shows a window's content: at
//!   least `--dark` (default 20) dark pixels (each channel under 0x60) and `--light`
//!   (default 1000) light ones (each over 0xc0) among the pixels that changed since just
//!   before the start; without COMMAND, among those not of the root's color (the screen's
//!   bottom-right pixel), to wait for a window already on its way. An unpainted window (all
//!   black, all white or one background color) does not count; text on a window's
//!   background does. Prints `frame_ms N`, from just before the start (without COMMAND,
//!   from the probe's start).
//!
//! Every wait is bounded by `--timeout` (default 20 s); the probe exits 1 when one passes.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;
use yonder::prelude::*;
use yonder::protocol::keysym;
use yonder::protocol::request::FakeKind;

fn fail(why: &str) -> ! {
    eprintln!("x11-bridge-probe: {why}");
    std::process::exit(1)
}

fn usage() -> ! {
    eprintln!(
        "usage: x11-bridge-probe (--yonder ADDRESS | --x N) \
         (keys | type | frame) [options] (see the source's header)"
    );
    std::process::exit(2)
}

/// A screen rectangle.
#[derive(Clone, Copy)]
struct Area {
    x: i32,
    y: i32,
    w: u32,
    h: u32,
}

/// The terminal's screen: a Yonder display or an X server.
enum Screen {
    Yonder(Connection),
    X {
        conn: Box<RustConnection>,
        root: xproto::Window,
        /// The keycode of each keysym of the keyboard's first column.
        keycodes: HashMap<u32, u8>,
    },
}

/// The root's color on an X terminal: one color, as Yonder's root.
const X_ROOT: u32 = 0x2e3440;

impl Screen {
    fn yonder(address: &str) -> Screen {
        let conn = Connection::connect_and_wait(Some(address))
            .unwrap_or_else(|e| fail(&format!("cannot connect to {address}: {e}")));
        Screen::Yonder(conn)
    }

    fn x(n: u32) -> Screen {
        let (conn, screen) = x11rb::connect(Some(&format!(":{n}")))
            .unwrap_or_else(|e| fail(&format!("cannot connect to X display :{n}: {e}")));
        let root = conn.setup().roots[screen].root;
        let (min, max) = (conn.setup().min_keycode, conn.setup().max_keycode);
        let map = conn
            .get_keyboard_mapping(min, max - min + 1)
            .ok()
            .and_then(|c| c.reply().ok())
            .unwrap_or_else(|| fail("GetKeyboardMapping failed"));
        let per = map.keysyms_per_keycode.max(1) as usize;
        let mut keycodes = HashMap::new();
        for (i, syms) in map.keysyms.chunks(per).enumerate() {
            if syms[0] != 0 {
                keycodes.entry(syms[0]).or_insert(min + i as u8);
            }
        }
        let aux = xproto::ChangeWindowAttributesAux::new().background_pixel(X_ROOT);
        let _ = conn.change_window_attributes(root, &aux);
        let _ = conn.clear_area(false, root, 0, 0, 0, 0);
        let xtest = conn
            .xtest_get_version(2, 2)
            .ok()
            .and_then(|c| c.reply().ok());
        if xtest.is_none() {
            fail("the X server has no XTEST");
        }
        Screen::X {
            conn: Box::new(conn),
            root,
            keycodes,
        }
    }

    /// The screen's size.
    fn size(&self) -> (u32, u32) {
        match self {
            Screen::Yonder(c) => {
                let s = c
                    .screen()
                    .unwrap_or_else(|e| fail(&format!("no screen: {e}")));
                (s.width, s.height)
            }
            Screen::X { conn, .. } => {
                let s = &conn.setup().roots[0];
                (s.width_in_pixels as u32, s.height_in_pixels as u32)
            }
        }
    }

    /// The pixels of `a` on the screen, 4 bytes each (B, G, R, unused).
    fn look(&self, a: Area) -> Vec<u8> {
        match self {
            Screen::Yonder(c) => {
                c.get_image(c.root(), Rect::new(a.x, a.y, a.w, a.h), ImageFormat::Bgrx)
                    .reply()
                    .unwrap_or_else(|e| fail(&format!("GetImage failed: {e}")))
                    .data
            }
            Screen::X { conn, root, .. } => {
                conn.get_image(
                    xproto::ImageFormat::Z_PIXMAP,
                    *root,
                    a.x as i16,
                    a.y as i16,
                    a.w as u16,
                    a.h as u16,
                    !0,
                )
                .ok()
                .and_then(|c| c.reply().ok())
                .unwrap_or_else(|| fail("GetImage failed"))
                .data
            }
        }
    }

    fn motion(&self, x: i32, y: i32) {
        match self {
            Screen::Yonder(c) => {
                if let Err(e) = c.fake_input(FakeKind::Motion, 0, x, y).check() {
                    fail(&format!(
                        "FakeInput refused (--allow-synthetic-input?): {e}"
                    ));
                }
            }
            Screen::X { conn, root, .. } => {
                let _ = conn.xtest_fake_input(
                    xproto::MOTION_NOTIFY_EVENT,
                    0,
                    0,
                    *root,
                    x as i16,
                    y as i16,
                    0,
                );
                // A round trip: the pointer has moved before the keys follow.
                let _ = conn.get_input_focus().map(|c| c.reply());
            }
        }
    }

    /// Presses the keys of `chord` in order and releases them in reverse, and sends them.
    fn chord(&self, chord: &[u32]) {
        match self {
            Screen::Yonder(c) => {
                for s in chord {
                    c.fake_input(FakeKind::KeyPress, *s, 0, 0);
                }
                for s in chord.iter().rev() {
                    c.fake_input(FakeKind::KeyRelease, *s, 0, 0);
                }
                c.flush()
                    .unwrap_or_else(|e| fail(&format!("flush failed: {e}")));
            }
            Screen::X {
                conn,
                root,
                keycodes,
            } => {
                let codes: Vec<u8> = chord
                    .iter()
                    .map(|s| {
                        *keycodes
                            .get(s)
                            .unwrap_or_else(|| fail(&format!("no key for keysym {s:#x}")))
                    })
                    .collect();
                for k in &codes {
                    let _ = conn.xtest_fake_input(xproto::KEY_PRESS_EVENT, *k, 0, *root, 0, 0, 0);
                }
                for k in codes.iter().rev() {
                    let _ = conn.xtest_fake_input(xproto::KEY_RELEASE_EVENT, *k, 0, *root, 0, 0, 0);
                }
                conn.flush()
                    .unwrap_or_else(|e| fail(&format!("flush failed: {e}")));
            }
        }
    }
}

/// Moves the pointer into the window at `at` from outside it (the screen's bottom-right
/// corner), as a hand on a mouse would: a window that appeared under a pointer standing
/// still may not have been told that the pointer is in it.
fn enter(screen: &Screen, at: (i32, i32)) {
    let (w, h) = screen.size();
    screen.motion(w as i32 - 1, h as i32 - 1);
    std::thread::sleep(Duration::from_millis(100));
    screen.motion(at.0, at.1);
}

/// Polls every `every` until `done` holds; false when `timeout` passes first.
fn poll(timeout: Duration, every: Duration, mut done: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    while !done() {
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(every);
    }
    true
}

/// Waits until `a` has been still for `still`; returns when it last changed (None: never).
fn settle(screen: &Screen, a: Area, still: Duration, timeout: Duration) -> Option<Instant> {
    let mut last = screen.look(a);
    let mut changed = None;
    let mut seen = Instant::now();
    let ok = poll(timeout, Duration::from_micros(500), || {
        let now = screen.look(a);
        if now != last {
            (last, changed, seen) = (now, Some(Instant::now()), Instant::now());
        }
        seen.elapsed() >= still
    });
    if !ok {
        fail(&format!("the screen never stays still for {still:?}"));
    }
    changed
}

/// The `q` quantile (nearest rank) of sorted `v`.
fn quantile(v: &[f64], q: f64) -> f64 {
    let rank = (q * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// The keysym typing `c` (letters, digits, space and the like: Latin-1 is its own).
fn keysym_of(c: char) -> u32 {
    keysym::from_char(c)
}

struct Opts {
    at: (i32, i32),
    rect: Option<Area>,
    keys: usize,
    still: Duration,
    timeout: Duration,
    clear_line: bool,
    enter: bool,
    count: Option<String>,
    quiet: Duration,
    dark: usize,
    light: usize,
    rest: Vec<String>,
}

fn parse_opts(mut it: impl Iterator<Item = String>, default_still: u64) -> Opts {
    let mut o = Opts {
        at: (0, 0),
        rect: None,
        keys: 20,
        still: Duration::from_millis(default_still),
        timeout: Duration::from_secs(20),
        clear_line: false,
        enter: false,
        count: None,
        quiet: Duration::from_millis(1000),
        dark: 20,
        light: 1000,
        rest: Vec::new(),
    };
    let nums = |s: &str, n: usize| -> Vec<i32> {
        let v: Vec<i32> = s
            .split(',')
            .map(|f| f.parse().unwrap_or_else(|_| usage()))
            .collect();
        if v.len() != n {
            usage();
        }
        v
    };
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--at" => {
                let v = nums(&value(), 2);
                o.at = (v[0], v[1]);
            }
            "--rect" => {
                let v = nums(&value(), 4);
                o.rect = Some(Area {
                    x: v[0],
                    y: v[1],
                    w: v[2].max(1) as u32,
                    h: v[3].max(1) as u32,
                });
            }
            "--keys" => o.keys = value().parse().unwrap_or_else(|_| usage()),
            "--still" => {
                o.still = Duration::from_millis(value().parse().unwrap_or_else(|_| usage()))
            }
            "--timeout" => {
                o.timeout = Duration::from_secs_f64(value().parse().unwrap_or_else(|_| usage()))
            }
            "--dark" => o.dark = value().parse().unwrap_or_else(|_| usage()),
            "--light" => o.light = value().parse().unwrap_or_else(|_| usage()),
            "--clear-line" => o.clear_line = true,
            "--enter" => o.enter = true,
            "--count" => o.count = Some(value()),
            "--quiet" => {
                o.quiet = Duration::from_millis(value().parse().unwrap_or_else(|_| usage()))
            }
            "--" => {
                o.rest.extend(it.by_ref());
                break;
            }
            _ if a.starts_with("--") => usage(),
            _ => o.rest.push(a),
        }
    }
    o
}

fn keys(screen: &Screen, o: &Opts) {
    let a = o.rect.unwrap_or_else(|| usage());
    enter(screen, o.at);
    // The window's answer to the pointer (focus, the cursor drawn filled) comes first.
    let first = o.still.max(Duration::from_millis(500));
    settle(screen, a, first, o.timeout);
    let letters = "abcdefghijklmnopqrstuvwxyz".as_bytes();
    let mut times = Vec::with_capacity(o.keys);
    for i in 0..o.keys {
        let before = screen.look(a);
        let sent = Instant::now();
        screen.chord(&[keysym_of(letters[i % letters.len()] as char)]);
        let mut seen = Duration::ZERO;
        if !poll(o.timeout, Duration::from_micros(500), || {
            let now = screen.look(a);
            seen = sent.elapsed();
            now != before
        }) {
            fail(&format!("key {}: no change within {:?}", i + 1, o.timeout));
        }
        let ms = seen.as_secs_f64() * 1e3;
        println!("key {}: {ms:.1} ms", i + 1);
        times.push(ms);
        settle(screen, a, o.still, o.timeout);
    }
    times.sort_by(f64::total_cmp);
    println!("p50_ms {:.1}", quantile(&times, 0.5));
    println!("p90_ms {:.1}", quantile(&times, 0.9));
}

fn type_text(screen: &Screen, o: &Opts) {
    let a = o.rect.unwrap_or_else(|| usage());
    let text = o.rest.join(" ");
    enter(screen, o.at);
    // As in `keys`: the window's answer to the pointer, and its focus, first.
    settle(screen, a, Duration::from_millis(500), o.timeout);
    let before = o.count.as_ref().map(|f| quiet_link(f, o.quiet, o.timeout));
    let start = Instant::now();
    if o.clear_line {
        screen.chord(&[keysym::CONTROL_L, keysym_of('u')]);
    }
    for c in text.chars() {
        screen.chord(&[keysym_of(c)]);
    }
    if o.enter {
        screen.chord(&[keysym::RETURN]);
    }
    let last = settle(screen, a, o.still, o.timeout)
        .unwrap_or_else(|| fail("the text typed never showed: the rectangle did not change"));
    println!(
        "settled_ms {:.1}",
        last.saturating_duration_since(start).as_secs_f64() * 1e3
    );
    if let (Some(f), Some((up0, down0))) = (&o.count, before) {
        let (up, down) = quiet_link(f, o.quiet, o.timeout);
        println!("bytes_up {}", up.saturating_sub(up0));
        println!("bytes_down {}", down.saturating_sub(down0));
    }
}

/// The bytes a delay proxy has carried (its `--stats` file: `UP DOWN`).
fn carried(path: &str) -> (u64, u64) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("cannot read {path}: {e}")));
    let mut n = text.split_whitespace().map(|v| v.parse::<u64>().ok());
    match (n.next().flatten(), n.next().flatten()) {
        (Some(up), Some(down)) => (up, down),
        _ => fail(&format!("{path} holds {text:?}, not `UP DOWN`")),
    }
}

/// Waits until the proxy has carried nothing for `quiet`; what it has carried by then.
fn quiet_link(path: &str, quiet: Duration, timeout: Duration) -> (u64, u64) {
    let mut last = carried(path);
    let mut since = Instant::now();
    if !poll(timeout, Duration::from_millis(20), || {
        let now = carried(path);
        if now != last {
            (last, since) = (now, Instant::now());
        }
        since.elapsed() >= quiet
    }) {
        fail(&format!("the link never went quiet for {quiet:?}"));
    }
    last
}

fn frame(screen: &Screen, o: &Opts) {
    let (w, h) = screen.size();
    let a = o.rect.unwrap_or(Area { x: 0, y: 0, w, h });
    let corner = screen.look(Area {
        x: w as i32 - 1,
        y: h as i32 - 1,
        w: 1,
        h: 1,
    });
    let root = [corner[0], corner[1], corner[2]];
    // What a pixel is compared with: the root's color, or the pixel before the start.
    let before = (!o.rest.is_empty()).then(|| screen.look(a));
    let start = Instant::now();
    if !o.rest.is_empty() {
        // Left running: the script stops it by its pid (the probe exits first, so it is
        // never a zombie of the probe's).
        #[allow(clippy::zombie_processes)]
        let child = Command::new(&o.rest[0])
            .args(&o.rest[1..])
            .env_remove("YONDER_TRUSTED")
            .env_remove("YONDER_TRUSTED_COOKIE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail(&format!("cannot start {}: {e}", o.rest[0])));
        println!("pid {}", child.id());
    }
    let shown = |px: &[u8]| {
        let (mut dark, mut light) = (0, 0);
        for (i, p) in px.chunks_exact(4).enumerate() {
            let old = match &before {
                Some(b) => &b[i * 4..i * 4 + 3],
                None => &root[..],
            };
            if p[..3] == *old {
                continue;
            }
            if p[..3].iter().all(|&c| c < 0x60) {
                dark += 1;
            } else if p[..3].iter().all(|&c| c > 0xc0) {
                light += 1;
            }
        }
        dark >= o.dark && light >= o.light
    };
    let mut at = Duration::ZERO;
    if !poll(o.timeout, Duration::from_millis(5), || {
        let px = screen.look(a);
        at = start.elapsed();
        shown(&px)
    }) {
        fail(&format!("no window's content within {:?}", o.timeout));
    }
    println!("frame_ms {:.1}", at.as_secs_f64() * 1e3);
}

fn main() {
    let mut it = std::env::args().skip(1);
    let screen = match (it.next().as_deref(), it.next()) {
        (Some("--yonder"), Some(addr)) => Screen::yonder(&addr),
        (Some("--x"), Some(n)) => Screen::x(
            n.trim_start_matches(':')
                .parse()
                .unwrap_or_else(|_| usage()),
        ),
        _ => usage(),
    };
    match it.next().as_deref() {
        Some("keys") => keys(&screen, &parse_opts(it, 100)),
        Some("type") => type_text(&screen, &parse_opts(it, 1000)),
        Some("frame") => frame(&screen, &parse_opts(it, 0)),
        _ => usage(),
    }
}
