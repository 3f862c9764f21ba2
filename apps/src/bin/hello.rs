//! `hello`: the first Yonder app. Opens a window, draws rectangles, lines, an ellipse,
//! text and a PNG image, redraws on expose, prints the events it receives, and exits on
//! a key press, when the window is closed, or after `--exit-after SECONDS`.

use clap::Parser;
use std::time::Duration;
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_apps::die;
use yonder_protocol::geometry::Arc;
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{atoms, Color, Event, EventMask, GcId, Point, Rect, Segment, WindowId};
use yonder_toolkit::Deadline;

/// Opens a window and draws every kind of primitive.
#[derive(Parser)]
struct Args {
    /// Exit after this many seconds.
    #[arg(long)]
    exit_after: Option<f64>,
    /// Display to connect to (default: $YONDER_DISPLAY).
    #[arg(long)]
    display: Option<String>,
    /// Window position on the screen.
    #[arg(long, default_value_t = 40)]
    x: i32,
    /// Window position on the screen.
    #[arg(long, default_value_t = 40)]
    y: i32,
    /// Every this many milliseconds, paint the frame counter as the colour of a small
    /// square in the top-right corner (`bench/migrate.sh` watches it to see frames).
    #[arg(long)]
    tick_ms: Option<u64>,
}

/// Where the frame counter is painted (`--tick-ms`).
const TICK: Rect = Rect::new(376, 8, 16, 16);

/// Paints frame `n`'s colour (its low 24 bits) in the counter's square.
fn tick(conn: &Connection, win: WindowId, gc: GcId, n: u32) {
    conn.change_gc(
        gc,
        GcValues {
            foreground: Some(Color::rgb(n & 0xff_ffff)),
            ..Default::default()
        },
    );
    conn.poly_fill_rectangle(win, gc, &[TICK]);
}

const WIDTH: u32 = 400;
const HEIGHT: u32 = 300;

/// A small PNG made on the spot: a color gradient with a white diagonal.
fn sample_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(64, 64, |x, y| {
        if x == y {
            image::Rgba([255, 255, 255, 255])
        } else {
            image::Rgba([(x * 4) as u8, (y * 4) as u8, 160, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding to memory cannot fail");
    out.into_inner()
}

fn draw(conn: &Connection, win: WindowId, gc: GcId, png: &[u8]) {
    let set = |c: u32, width: u32| {
        conn.change_gc(
            gc,
            GcValues {
                foreground: Some(Color::rgb(c)),
                line_width: Some(width),
                ..Default::default()
            },
        );
    };
    conn.clear_area(win, Rect::new(0, 0, 0, 0), false);
    set(0x3b82f6, 0);
    conn.poly_fill_rectangle(
        win,
        gc,
        &[Rect::new(20, 20, 120, 80), Rect::new(160, 20, 40, 40)],
    );
    set(0xef4444, 3);
    conn.poly_line(
        win,
        gc,
        &[
            Point::new(20, 130),
            Point::new(80, 110),
            Point::new(140, 130),
        ],
    );
    conn.poly_segment(
        win,
        gc,
        &[Segment {
            x1: 20,
            y1: 150,
            x2: 140,
            y2: 150,
        }],
    );
    set(0x10b981, 2);
    conn.poly_arc(win, gc, &[Arc::ellipse(Rect::new(220, 20, 150, 90))]);
    set(0xf59e0b, 0);
    conn.poly_fill_arc(
        win,
        gc,
        &[Arc {
            x: 230,
            y: 130,
            width: 60,
            height: 60,
            angle1: 0,
            angle2: 270 * 64,
        }],
    );
    set(0x111827, 0);
    conn.draw_text(
        win,
        gc,
        Point::new(20, 200),
        "Hello, Yonder! Press a key to quit.",
    );
    conn.put_image(win, gc, Point::new(320, 200), 0, 0, ImageFormat::Png, png);
}

fn main() {
    let args = Args::parse();
    let deadline = Deadline::after(args.exit_after);
    let conn = Connection::connect(args.display.as_deref()).unwrap_or_else(|e| die("hello", e));
    let win = conn.new_window_id();
    let gc = conn.new_gc_id();
    let mask = EventMask::EXPOSURE
        | EventMask::KEY_PRESS
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::POINTER_MOTION
        | EventMask::ENTER_WINDOW
        | EventMask::LEAVE_WINDOW
        | EventMask::FOCUS_CHANGE
        | EventMask::STRUCTURE_NOTIFY;
    let attrs = WindowAttributes {
        background: Some(Color::WHITE),
        event_mask: Some(mask),
        override_redirect: None,
        cursor: None,
    };
    conn.create_window(
        win,
        conn.root(),
        Rect::new(args.x, args.y, WIDTH, HEIGHT),
        attrs,
    );
    conn.set_title(win, "hello");
    conn.create_gc(
        gc,
        win,
        GcValues {
            antialias: Some(true),
            font_size: Some(16.0),
            ..Default::default()
        },
    );
    let protocols = (atoms::WM_DELETE_WINDOW.0).to_le_bytes().to_vec();
    conn.change_property(
        win,
        atoms::WM_PROTOCOLS,
        atoms::ATOM,
        yonder_protocol::request::PropMode::Replace,
        protocols,
    );
    conn.map_window(win);
    let png = sample_png();
    // Draw at once, before the setup reply has even arrived: the first frame costs no round trip.
    draw(&conn, win, gc, &png);
    if let Err(e) = conn.flush() {
        die("hello", e);
    }
    let period = args.tick_ms.map(Duration::from_millis);
    let mut frame = 0u32;
    let mut next_tick = std::time::Instant::now();
    loop {
        if deadline.passed() {
            println!("hello: time is up");
            break;
        }
        let wait = match period {
            Some(p) => {
                if std::time::Instant::now() >= next_tick {
                    frame = frame.wrapping_add(1);
                    tick(&conn, win, gc, frame);
                    let _ = conn.flush();
                    next_tick += p;
                }
                next_tick.saturating_duration_since(std::time::Instant::now())
            }
            None => Duration::from_secs(3600),
        };
        let incoming = match conn.wait_for_event_timeout(deadline.wait(wait)) {
            Ok(Some(i)) => i,
            Ok(None) => continue,
            Err(e) => die("hello", e),
        };
        match incoming {
            Incoming::Error(e) => eprintln!("hello: error: {e}"),
            Incoming::Event { event, .. } => {
                if period.is_none() {
                    println!("{event:?}");
                }
                match event {
                    Event::Expose(e) if e.count == 0 => {
                        draw(&conn, win, gc, &png);
                        if period.is_some() {
                            tick(&conn, win, gc, frame);
                        }
                    }
                    Event::KeyPress(_) => break,
                    Event::ClientMessage(m) if m.type_ == atoms::WM_PROTOCOLS => break,
                    Event::Destroy(_) => return,
                    _ => {}
                }
            }
            // The display went away or came back: the library resumes by itself.
            _ => {}
        }
        let _ = conn.flush();
    }
    conn.destroy_window(win);
    let _ = conn.sync();
}
