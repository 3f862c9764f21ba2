//! Opens a window, fills a rectangle and draws a line of text, redraws on Expose, and
//! exits on a key press, on the window manager's close request, or after
//! `--exit-after SECONDS`.
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder --example hello_window -- --exit-after 5
//! ```

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::request::{GcValues, PropMode, WindowAttributes};
use yonder::protocol::{atoms, Color, Event, EventMask, GcId, Point, Rect, WindowId};
use yonder::{Connection, Incoming};

const USAGE: &str = "usage: hello_window [--display DISPLAY] [--exit-after SECONDS]";

struct Args {
    display: Option<String>,
    exit_after: Option<Duration>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        display: None,
        exit_after: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "--display" => args.display = Some(value()?),
            "--exit-after" => {
                let v = value()?;
                let secs = v
                    .parse::<f64>()
                    .ok()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or(format!("--exit-after: `{v}` is not a number of seconds"))?;
                args.exit_after = Some(secs);
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(args)
}

/// Paints the window's content (the background is painted by the server on expose).
fn draw(conn: &Connection, win: WindowId, box_gc: GcId, text_gc: GcId) {
    conn.poly_fill_rectangle(win, box_gc, &[Rect::new(20, 20, 160, 80)]);
    conn.draw_text(win, text_gc, Point::new(20, 150), "Hello, Yonder!");
}

fn run() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let conn = Connection::connect(args.display.as_deref())?;

    // None of this waits for the server: ids are ours, requests are buffered.
    let win = conn.new_window_id();
    let box_gc = conn.new_gc_id();
    let text_gc = conn.new_gc_id();
    let attributes = WindowAttributes {
        background: Some(Color::rgb(0xF4F1E8)),
        event_mask: Some(EventMask::EXPOSURE | EventMask::KEY_PRESS | EventMask::STRUCTURE_NOTIFY),
        ..Default::default()
    };
    conn.create_window(win, conn.root(), Rect::new(100, 100, 400, 200), attributes);
    conn.set_title(win, "Hello, Yonder");
    // Ask to be told (WM_DELETE_WINDOW) rather than killed when the user closes the window.
    let protocols = atoms::WM_DELETE_WINDOW.0.to_le_bytes();
    conn.change_property(
        win,
        atoms::WM_PROTOCOLS,
        atoms::ATOM,
        PropMode::Replace,
        protocols,
    );
    let box_values = GcValues {
        foreground: Some(Color::rgb(0x3366CC)),
        ..Default::default()
    };
    conn.create_gc(box_gc, win, box_values);
    let text_values = GcValues {
        foreground: Some(Color::BLACK),
        font_size: Some(24.0),
        antialias: Some(true),
        ..Default::default()
    };
    conn.create_gc(text_gc, win, text_values);
    conn.map_window(win);
    draw(&conn, win, box_gc, text_gc);

    // Now make sure the server accepted us (a refusal reads well here).
    let setup = conn.wait_for_setup()?;
    let screen = conn.screen()?;
    println!(
        "hello_window: connected to {} ({}), screen {}x{}",
        conn.display_name(),
        setup.vendor,
        screen.width,
        screen.height
    );

    let deadline = args.exit_after.map(|d| Instant::now() + d);
    loop {
        let incoming = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                match conn.wait_for_event_timeout(left)? {
                    Some(incoming) => incoming,
                    None => {
                        println!("hello_window: time is up");
                        break;
                    }
                }
            }
            None => conn.wait_for_event()?,
        };
        match incoming {
            Incoming::Event { event, .. } => match event {
                Event::Expose(e) if e.window == win && e.count == 0 => {
                    draw(&conn, win, box_gc, text_gc)
                }
                Event::KeyPress(k) if k.window == win => {
                    println!("hello_window: key {:#x} pressed, bye", k.keysym);
                    break;
                }
                Event::ClientMessage(m)
                    if m.type_ == atoms::WM_PROTOCOLS
                        && m.data.get(..4) == Some(&protocols[..]) =>
                {
                    println!("hello_window: closed by the window manager");
                    break;
                }
                Event::Destroy(d) if d.window == win => return Ok(()),
                _ => {}
            },
            Incoming::Error(e) => eprintln!("hello_window: {e}"),
            // The display went away or came back: the library resumes by itself.
            _ => {}
        }
    }
    conn.free_gc(box_gc);
    conn.free_gc(text_gc);
    conn.destroy_window(win);
    conn.sync()?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hello_window: {e}");
            ExitCode::FAILURE
        }
    }
}
