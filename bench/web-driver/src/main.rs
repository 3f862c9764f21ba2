//! `yweb-bench`: bench/web.sh's driver. Opens two pages in one headless Chromium — the
//! Yonder web viewer of one display, and noVNC showing another Yonder display (a windowed
//! server on Xvfb, served by x11vnc through websockify) with the same apps at the same
//! places — and drives both the same way, printing their figures side by side:
//!
//! - bytes the page received over its WebSocket while typing 200 characters in ydoc,
//!   drawing a stroke in ypaint, dragging a window across the screen and scrolling yfiles
//!   (counted by a wrapper around `WebSocket` installed before the page's own script);
//! - frames per second while dragging: animation frames in which a strip of the page's
//!   canvas across the dragged title bar changed;
//! - input-to-pixel latency: from a key's `keydown` in the page (capture phase) to the
//!   first animation frame in which the canvas area of ydoc's text line changed.
//!
//! The screens' window positions come from each display (a trusted observer); page
//! positions from each page's canvas.

use clap::Parser;
use serde_json::Value;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::ConnectOptions;
use yonder_protocol::{Rect, WindowId};
use yonder_test_support::apps::Observer;
use yonder_test_support::browser::{Browser, Button, Page};

#[derive(Parser)]
struct Args {
    /// The Yonder display the web viewer shows (`unix:PATH`), and its trusted cookie.
    #[arg(long)]
    yonder_display: String,
    #[arg(long)]
    yonder_cookie: String,
    /// The web viewer's address, credential included (loopback).
    #[arg(long)]
    yonder_url: String,
    /// The same through the slow link (bench/delay-proxy).
    #[arg(long)]
    yonder_slow_url: Option<String>,
    /// The Yonder display noVNC shows, and its trusted cookie.
    #[arg(long)]
    novnc_display: String,
    #[arg(long)]
    novnc_cookie: String,
    /// noVNC's page (loopback).
    #[arg(long)]
    novnc_url: String,
    /// The same through the slow link.
    #[arg(long)]
    novnc_slow_url: Option<String>,
    /// What the slow link is, for the table.
    #[arg(long, default_value = "100 ms RTT, 10 Mbit/s")]
    slow_link: String,
    /// Characters typed (the issue's workload: 200).
    #[arg(long, default_value_t = 200)]
    chars: usize,
    /// Latency samples per page and link.
    #[arg(long, default_value_t = 30)]
    samples: usize,
}

/// Counts the bytes of every WebSocket message a page receives, and watches a canvas
/// area for changes (`__b.watch(selector, rect)`): each animation frame in which it
/// changed counts, and a key's `keydown` arms a latency sample that the next change ends.
const INSTRUMENT: &str = r#"
(() => {
  const b = window.__b = { bytes: 0, msgs: 0, changes: 0, samples: [], t0: null, last: null,
    area: null, canvas: null };
  const Native = window.WebSocket;
  // A real WebSocket with a listener that counts: noVNC checks that its socket has
  // every property of the native one's prototype, so no subclass.
  function Counted(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener('message', (e) => {
      b.msgs += 1;
      b.bytes += typeof e.data === 'string' ? e.data.length
        : (e.data.byteLength !== undefined ? e.data.byteLength : e.data.size);
    });
    return ws;
  }
  Counted.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Counted[k] = Native[k];
  window.WebSocket = Counted;
  window.addEventListener('keydown', () => { b.t0 = performance.now(); }, true);
  b.watch = (selector, area) => {
    b.canvas = document.querySelector(selector);
    b.area = area;
    b.last = null;
  };
  function sum(data) {
    let h = 0;
    for (let i = 0; i < data.length; i += 1) h = (h * 31 + data[i]) | 0;
    return h;
  }
  function tick() {
    if (b.canvas && b.area) {
      const [x, y, w, h] = b.area;
      const ctx = b.canvas.getContext('2d');
      const now = sum(ctx.getImageData(x, y, w, h).data);
      if (b.last !== null && now !== b.last) {
        b.changes += 1;
        if (b.t0 !== null) {
          b.samples.push(performance.now() - b.t0);
          b.t0 = null;
        }
      }
      b.last = now;
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();
"#;

/// One of the two systems: its page and its display.
struct Side {
    name: &'static str,
    page: Page,
    /// The page's canvas.
    canvas: &'static str,
    screen: Observer,
}

impl Side {
    fn stat(&mut self, field: &str) -> f64 {
        self.page
            .eval(&format!("window.__b.{field}"))
            .as_f64()
            .unwrap_or(0.0)
    }

    /// Where screen point (x, y) is in the page.
    fn at(&mut self, x: i32, y: i32) -> (f64, f64) {
        let r = self.page.eval(&format!(
            "(() => {{ const c = document.querySelector('{}'); const r = c.getBoundingClientRect(); \
             return [r.left, r.top, r.width / c.width, r.height / c.height]; }})()",
            self.canvas
        ));
        let f = |i: usize| r[i].as_f64().unwrap_or(0.0);
        (
            f(0) + (x as f64 + 0.5) * f(2),
            f(1) + (y as f64 + 0.5) * f(3),
        )
    }

    fn geometry(&self, app: &str) -> Rect {
        let w: WindowId = self.screen.window_of(app);
        self.screen.conn.get_geometry(w).reply().unwrap().rect
    }

    fn watch(&mut self, r: Rect) {
        self.page.eval(&format!(
            "window.__b.watch('{}', [{}, {}, {}, {}])",
            self.canvas,
            r.x.max(0),
            r.y.max(0),
            r.width,
            r.height
        ));
    }

    fn click(&mut self, x: i32, y: i32) {
        let p = self.at(x, y);
        self.page.mouse("mouseMoved", p, Button::None);
        self.page.mouse("mousePressed", p, Button::Left);
        self.page.mouse("mouseReleased", p, Button::Left);
        // noVNC takes keys on its canvas once it has the focus (a click gives it in a
        // desktop browser; a headless one needs telling).
        if self.name == "noVNC" {
            self.page.eval(&format!(
                "document.querySelector('{}').focus()",
                self.canvas
            ));
        }
    }

    /// Waits until no byte arrived for 700 ms (at most 30 s); returns the bytes so far.
    fn settle(&mut self) -> f64 {
        let until = Instant::now() + Duration::from_secs(30);
        let mut last = self.stat("bytes");
        let mut since = Instant::now();
        while Instant::now() < until && since.elapsed() < Duration::from_millis(700) {
            std::thread::sleep(Duration::from_millis(50));
            let now = self.stat("bytes");
            if now != last {
                (last, since) = (now, Instant::now());
            }
        }
        last
    }
}

/// Figures of one side on one link.
#[derive(Default, Clone)]
struct Figures {
    typing: f64,
    stroke: f64,
    drag: f64,
    drag_fps: f64,
    scroll: f64,
    p50: f64,
    p99: f64,
}

fn key_of(c: char) -> (String, String, u32) {
    match c {
        ' ' => (" ".into(), "Space".into(), 32),
        c => (
            c.to_string(),
            format!("Key{}", c.to_ascii_uppercase()),
            c.to_ascii_uppercase() as u32,
        ),
    }
}

fn run(side: &mut Side, args: &Args, round: usize) -> Figures {
    let mut f = Figures::default();
    let doc = side.geometry("ydoc");
    // Typing: 200 characters into ydoc.
    side.click(doc.x + 200, doc.y + 200);
    side.settle();
    let before = side.stat("bytes");
    let text = "the quick brown fox jumps over the lazy dog ";
    for c in text.chars().cycle().take(args.chars) {
        let (key, code, vk) = key_of(c);
        side.page.key(&key, &code, vk, &key, 0);
        std::thread::sleep(Duration::from_millis(5));
    }
    f.typing = side.settle() - before;
    // A stroke across ypaint's canvas.
    let paint = side.geometry("ypaint");
    let (x0, y0) = (paint.x + 40, paint.y + 120 + 40 * round as i32);
    let before = side.stat("bytes");
    let p = side.at(x0, y0);
    side.page.mouse("mouseMoved", p, Button::None);
    side.page.mouse("mousePressed", p, Button::Left);
    for i in 1..=60 {
        let x = x0 + i * 5;
        let y = y0 + ((i as f64 / 6.0).sin() * 30.0) as i32;
        let p = side.at(x, y);
        side.page.mouse("mouseMoved", p, Button::Left);
        std::thread::sleep(Duration::from_millis(8));
    }
    let p = side.at(x0 + 300, y0);
    side.page.mouse("mouseReleased", p, Button::Left);
    f.stroke = side.settle() - before;
    // Dragging yfiles's window across the screen by its title bar, watching a strip of
    // the canvas along the title bar for frames.
    let files = side.geometry("yfiles");
    let title_y = files.y - 10;
    let dir = if round.is_multiple_of(2) { 1 } else { -1 };
    let screen_w = side.screen.conn.screen().unwrap().width;
    side.watch(Rect::new(0, title_y - 1, screen_w, 3));
    let changes = side.stat("changes");
    let before = side.stat("bytes");
    let (sx, steps, step) = (files.x + 60, 50, 10 * dir);
    let p = side.at(sx, title_y);
    side.page.mouse("mouseMoved", p, Button::None);
    side.page.mouse("mousePressed", p, Button::Left);
    let start = Instant::now();
    for i in 1..=steps {
        let p = side.at(sx + i * step, title_y);
        side.page.mouse("mouseMoved", p, Button::Left);
        std::thread::sleep(Duration::from_millis(16));
    }
    let p = side.at(sx + steps * step, title_y);
    side.page.mouse("mouseReleased", p, Button::Left);
    let took = start.elapsed().as_secs_f64();
    f.drag = side.settle() - before;
    f.drag_fps = (side.stat("changes") - changes) / took;
    // Scrolling yfiles: ten wheel notches down.
    let files = side.geometry("yfiles");
    let before = side.stat("bytes");
    let p = side.at(files.x + 200, files.y + 150);
    side.page.mouse("mouseMoved", p, Button::None);
    for _ in 0..10 {
        side.page.wheel(
            p,
            if round.is_multiple_of(2) {
                100.0
            } else {
                -100.0
            },
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    f.scroll = side.settle() - before;
    // Latency: a key at a time into ydoc, until its text line changes.
    side.click(doc.x + 200, doc.y + 200);
    side.page.key("End", "End", 35, "", 0);
    side.page.key("Enter", "Enter", 13, "\r", 0);
    side.settle();
    let doc = side.geometry("ydoc");
    side.watch(Rect::new(doc.x, doc.y, doc.width, doc.height.min(400)));
    side.page.eval("window.__b.samples = []");
    for i in 0..args.samples {
        let n = side.stat("samples.length");
        let (key, code, vk) = key_of(['x', 'y', 'z'][i % 3]);
        side.page.key(&key, &code, vk, &key, 0);
        let until = Instant::now() + Duration::from_secs(5);
        while side.stat("samples.length") == n && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        side.page.eval("window.__b.t0 = null");
        std::thread::sleep(Duration::from_millis(30));
    }
    let mut samples: Vec<f64> = match side.page.eval("window.__b.samples") {
        Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
        _ => Vec::new(),
    };
    samples.sort_by(f64::total_cmp);
    let pick = |q: f64| -> f64 {
        if samples.is_empty() {
            return f64::NAN;
        }
        samples[((samples.len() - 1) as f64 * q).round() as usize]
    };
    (f.p50, f.p99) = (pick(0.5), pick(0.99));
    f
}

fn open(
    browser: &Browser,
    name: &'static str,
    url: &str,
    canvas: &'static str,
    display: &str,
    cookie: &str,
) -> Side {
    let mut page = browser.open_with(url, 1400, 1000, Some(INSTRUMENT));
    let ready = match name {
        "Yonder" => "window.yonder && window.yonder.frames > 0",
        _ => "document.documentElement.classList.contains('noVNC_connected')",
    };
    page.wait_for(ready, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(500));
    let screen = Observer::connect(ConnectOptions {
        display: Some(display.to_owned()),
        cookie: Some(hex::decode(cookie).expect("a hex cookie")),
        ..ConnectOptions::default()
    });
    Side {
        name,
        page,
        canvas,
        screen,
    }
}

fn kib(b: f64) -> String {
    format!("{:.1} KiB", b / 1024.0)
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "–".into()
    }
}

fn main() {
    let args = Args::parse();
    let browser = Browser::launch().expect("chromium is needed (apt-get install chromium)");
    let mut links = vec![(
        "loopback".to_owned(),
        args.yonder_url.clone(),
        args.novnc_url.clone(),
    )];
    if let (Some(y), Some(n)) = (&args.yonder_slow_url, &args.novnc_slow_url) {
        links.push((args.slow_link.clone(), y.clone(), n.clone()));
    }
    let mut rows = Vec::new();
    for (round, (link, yurl, nurl)) in links.iter().enumerate() {
        let mut figures = Vec::new();
        for (name, url, canvas, display, cookie) in [
            (
                "Yonder",
                yurl,
                "#screen",
                &args.yonder_display,
                &args.yonder_cookie,
            ),
            (
                "noVNC",
                nurl,
                "#noVNC_container canvas",
                &args.novnc_display,
                &args.novnc_cookie,
            ),
        ] {
            let mut side = open(&browser, name, url, canvas, display, cookie);
            eprintln!("yweb-bench: {} over {link}", side.name);
            figures.push(run(&mut side, &args, round));
        }
        rows.push((link.clone(), figures[0].clone(), figures[1].clone()));
    }
    println!("| link | workload | Yonder | noVNC | Yonder / noVNC |");
    println!("| --- | --- | --- | --- | --- |");
    for (link, y, n) in &rows {
        let typed = format!("typing {} characters in ydoc", args.chars);
        for (what, a, b) in [
            (typed.as_str(), y.typing, n.typing),
            ("a stroke in ypaint", y.stroke, n.stroke),
            ("dragging a window 500 px", y.drag, n.drag),
            ("scrolling yfiles 10 notches", y.scroll, n.scroll),
        ] {
            println!(
                "| {link} | {what}: bytes | {} | {} | {} |",
                kib(a),
                kib(b),
                ratio(a, b)
            );
        }
        println!(
            "| {link} | frames per second while dragging | {:.1} | {:.1} | {} |",
            y.drag_fps,
            n.drag_fps,
            ratio(y.drag_fps, n.drag_fps)
        );
        println!(
            "| {link} | key to pixels p50 | {:.1} ms | {:.1} ms | {} |",
            y.p50,
            n.p50,
            ratio(y.p50, n.p50)
        );
        println!(
            "| {link} | key to pixels p99 | {:.1} ms | {:.1} ms | {} |",
            y.p99,
            n.p99,
            ratio(y.p99, n.p99)
        );
    }
}
