//! The probe app, twice: as a Yonder client and as an X11 client, with the same logic. It
//! opens one window at a fixed place, fills it with the first color of [`PALETTE`], and on
//! every key press and every button press fills the whole window with the next color
//! (one GC change and one filled rectangle, then a flush). Releases change nothing, so
//! each input makes exactly one change, and the watcher can tell it from the one before.
//! It does no other drawing: no text, no animation, nothing on a timer.

use std::time::{Duration, Instant};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::protocol::Event as XEvent;
use x11rb::wrapper::ConnectionExt as _;
use yonder::prelude::*;
use yonder::protocol::request::{GcValues, WindowAttributes};
use yonder::protocol::{Color, Event, EventMask};
use yonder::Incoming;

/// The window's colors, in order (0x00RRGGBB); the first is the one it starts with.
pub const PALETTE: [u32; 6] = [0x1e66f5, 0xd20f39, 0x40a02b, 0xdf8e1d, 0x8839ef, 0x179299];

/// The window's title, both ways.
pub const TITLE: &str = "interactive-probe";

/// Where the app's window goes, and how long the app lives.
pub struct AppOpts {
    /// The display to connect to (None: the environment's).
    pub display: Option<String>,
    /// The window's top-left corner on the screen.
    pub at: (i32, i32),
    /// The window's size.
    pub size: (u32, u32),
    /// Exit after this long (a bound for a script that dies before killing it).
    pub exit_after: Duration,
}

/// The color after `i` inputs.
fn color(i: usize) -> u32 {
    PALETTE[i % PALETTE.len()]
}

/// The Yonder client: `--display` or `YONDER_DISPLAY`, no window manager assumed.
pub fn yonder(o: &AppOpts) -> Result<(), String> {
    let conn = Connection::connect(o.display.as_deref()).map_err(|e| format!("connect: {e}"))?;
    let win = conn.new_window_id();
    let gc = conn.new_gc_id();
    let rect = Rect::new(o.at.0, o.at.1, o.size.0, o.size.1);
    let attributes = WindowAttributes {
        background: Some(Color::rgb(color(0))),
        event_mask: Some(EventMask::EXPOSURE | EventMask::KEY_PRESS | EventMask::BUTTON_PRESS),
        ..Default::default()
    };
    conn.create_window(win, conn.root(), rect, attributes);
    conn.set_title(win, TITLE);
    let values = |i| GcValues {
        foreground: Some(Color::rgb(color(i))),
        ..Default::default()
    };
    conn.create_gc(gc, win, values(0));
    conn.map_window(win);
    let whole = [Rect::new(0, 0, o.size.0, o.size.1)];
    let paint = |i: usize| -> Result<(), String> {
        conn.change_gc(gc, values(i));
        conn.poly_fill_rectangle(win, gc, &whole);
        conn.flush().map_err(|e| format!("flush: {e}"))
    };
    paint(0)?;
    let end = Instant::now() + o.exit_after;
    let mut inputs = 0;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        let incoming = match conn.wait_for_event_timeout(left) {
            Ok(Some(incoming)) => incoming,
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("connection: {e}")),
        };
        let Incoming::Event { event, .. } = incoming else {
            continue;
        };
        match event {
            Event::Expose(e) if e.window == win && e.count == 0 => paint(inputs)?,
            Event::KeyPress(k) if k.window == win => {
                inputs += 1;
                paint(inputs)?;
            }
            Event::ButtonPress(b) if b.window == win => {
                inputs += 1;
                paint(inputs)?;
            }
            _ => {}
        }
    }
}

/// The X11 client: `--display` or `DISPLAY`; the window is a plain top-level (Xvfb has
/// no window manager here), so it shows exactly at `at`.
pub fn x11(o: &AppOpts) -> Result<(), String> {
    let (conn, screen) =
        x11rb::connect(o.display.as_deref()).map_err(|e| format!("connect: {e}"))?;
    let root = conn.setup().roots[screen].root;
    let x = |e: x11rb::errors::ConnectionError| format!("X connection: {e}");
    let win = conn.generate_id().map_err(|e| e.to_string())?;
    let gc = conn.generate_id().map_err(|e| e.to_string())?;
    let mask = xproto::EventMask::EXPOSURE
        | xproto::EventMask::KEY_PRESS
        | xproto::EventMask::BUTTON_PRESS;
    let aux = xproto::CreateWindowAux::new()
        .background_pixel(color(0))
        .event_mask(mask);
    conn.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        win,
        root,
        o.at.0 as i16,
        o.at.1 as i16,
        o.size.0 as u16,
        o.size.1 as u16,
        0,
        xproto::WindowClass::INPUT_OUTPUT,
        x11rb::COPY_FROM_PARENT,
        &aux,
    )
    .map_err(x)?;
    let gc_aux = |i| xproto::CreateGCAux::new().foreground(color(i));
    // A name for `xdotool search --name` (the script focuses the window by it).
    let name = TITLE.as_bytes();
    conn.change_property8(
        xproto::PropMode::REPLACE,
        win,
        xproto::AtomEnum::WM_NAME,
        xproto::AtomEnum::STRING,
        name,
    )
    .map_err(x)?;
    conn.create_gc(gc, win, &gc_aux(0)).map_err(x)?;
    conn.map_window(win).map_err(x)?;
    let whole = [xproto::Rectangle {
        x: 0,
        y: 0,
        width: o.size.0 as u16,
        height: o.size.1 as u16,
    }];
    let paint = |i: usize| -> Result<(), String> {
        let change = xproto::ChangeGCAux::new().foreground(color(i));
        conn.change_gc(gc, &change).map_err(x)?;
        conn.poly_fill_rectangle(win, gc, &whole).map_err(x)?;
        conn.flush().map_err(x)
    };
    paint(0)?;
    let end = Instant::now() + o.exit_after;
    let mut inputs = 0;
    while Instant::now() < end {
        // x11rb has no wait with a timeout: a blocking wait, and the script's kill (or
        // the X server's end) as the bound; `end` is checked between events.
        match conn.wait_for_event().map_err(x)? {
            XEvent::Expose(e) if e.window == win && e.count == 0 => paint(inputs)?,
            XEvent::KeyPress(k) if k.event == win => {
                inputs += 1;
                paint(inputs)?;
            }
            XEvent::ButtonPress(b) if b.event == win => {
                inputs += 1;
                paint(inputs)?;
            }
            _ => {}
        }
    }
    Ok(())
}
