//! An embedded part (protocol.md §18, [`yonder_toolkit::embed`]): one app's window living
//! inside another app's window. Started without arguments this is the container; it
//! starts itself once more as the part, `embed --into WINDOW`, whose window is a child of
//! the container's but drawn, and clicked, in the part's own process.
//!
//! ```text
//! container                                 part (embed --into 0xWIN)
//! opens its window, starts the part  ─────▶ opens its window inside 0xWIN, draws
//!                        ◀── EMBED_READY ── (with its window's id)
//!                    ◀── CONTENT_CHANGED ── its picture is in _YONDER_PART_DATA
//! save-set, moves the part to its place
//! ── ACTIVATE ─────────────────────────────▶ takes clicks (a white rim shows it)
//!                    ◀── CONTENT_CHANGED ── a click: another colour, published
//! shows the picture beside the part
//! closing: ── DEACTIVATE ─────────────────▶ publishes once more and ends
//! ```
//!
//! The copy on the right is what a document keeps, to show and save when the part is not
//! running.
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder-toolkit --example embed [-- --exit-after SECONDS]
//! ```

use std::error::Error;
use std::process::Command;
use yonder::prelude::*;
use yonder::protocol::request::ConfigureWindow;
use yonder::ConnectOptions;
use yonder_toolkit::embed::{self, parse_window, read_content, EmbedMessage};
use yonder_toolkit::widgets::theme;
use yonder_toolkit::{next_step, Deadline, Step, Window, WindowSpec};

/// Where the container puts the part, and the copy of its picture.
const SLOT: Point = Point::new(20, 40);
const COPY: Point = Point::new(170, 40);
/// The part's size and the colours a click goes through.
const PART: Size = Size::new(120, 80);
const COLORS: [u32; 4] = [0x1e66f5, 0x40a02b, 0xfe640b, 0xd20f39];

fn main() -> Result<(), Box<dyn Error>> {
    let exit_after = flag("--exit-after");
    let deadline = Deadline::after(exit_after.as_deref().and_then(|s| s.parse().ok()));
    match flag("--into") {
        Some(w) => part(parse_window(&w)?, &deadline),
        None => container(exit_after, &deadline),
    }
}

/// The value after `name` on the command line.
fn flag(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn container(exit_after: Option<String>, deadline: &Deadline) -> Result<(), Box<dyn Error>> {
    let conn = Connection::connect(None)?;
    let spec = WindowSpec {
        title: "Container",
        rect: Rect::new(0, 0, 310, 140),
        background: theme::BACKGROUND,
        // The Configure and Destroy events of the part's window.
        events: EventMask::SUBSTRUCTURE_NOTIFY,
    };
    let mut win = Window::open(&conn, spec);
    conn.sync()?; // the part must find the window when it starts
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg("--into").arg(format!("{:#x}", win.id.0));
    if let Some(s) = &exit_after {
        cmd.args(["--exit-after", s]);
    }
    let mut child = cmd.spawn()?;
    // The part's window once it is ready, and the last picture it published (PNG).
    let (mut part, mut picture): (Option<WindowId>, Option<Vec<u8>>) = (None, None);
    loop {
        let back = win.back();
        win.clear_back();
        let (x, y) = (SLOT.x, SLOT.y - 10);
        win.text(back, Point::new(x, y), 12.0, theme::INK, "The part");
        let (x, y) = (COPY.x, COPY.y - 10);
        win.text(back, Point::new(x, y), 12.0, theme::INK, "Its picture");
        if let Some(png) = &picture {
            conn.put_image(back, win.gc, COPY, 0, 0, ImageFormat::Png, png.clone());
        }
        win.present();
        let e = match next_step(&conn, deadline, None) {
            Step::Event(e) if win.wants_close(&e) => break,
            Step::Event(e) => e,
            Step::Wake => continue,
            Step::Quit => break,
        };
        match (EmbedMessage::from_event(&e), e) {
            (Some((to, EmbedMessage::EmbedReady { part: p })), _) if to == win.id => {
                // Adopted: in the save-set it outlives this app; laid out; activated.
                conn.change_save_set(p, true);
                let place = ConfigureWindow {
                    window: p,
                    x: Some(SLOT.x),
                    y: Some(SLOT.y),
                    ..Default::default()
                };
                conn.configure_window(place);
                EmbedMessage::Activate.send(&conn, p);
                part = Some(p);
            }
            (Some((to, EmbedMessage::ContentChanged)), _) if to == win.id => {
                if let Some(png) = part.and_then(|p| read_content(&conn, p).ok().flatten()) {
                    picture = Some(png);
                }
            }
            (_, Event::Destroy(d)) if Some(d.window) == part => part = None,
            (_, Event::Configure(c)) => {
                win.configure(&c);
            }
            _ => {}
        }
    }
    if let Some(p) = part {
        EmbedMessage::Deactivate.send(&conn, p);
        conn.flush()?;
    }
    // The part ends after DEACTIVATE, or by itself (its deadline, the server gone).
    child.wait()?;
    Ok(())
}

fn part(into: WindowId, deadline: &Deadline) -> Result<(), Box<dyn Error>> {
    // A name of its own, so that lists of the display's clients tell the two apart.
    let conn = Connection::connect_with(ConnectOptions {
        app_name: Some("embed-part".into()),
        ..Default::default()
    })?;
    // A child of the container's window: no frame, and it shows only inside that window.
    let spec = WindowSpec {
        title: "Part",
        rect: Rect::new(0, 0, PART.width, PART.height),
        background: COLORS[0],
        events: EventMask::BUTTON_PRESS,
    };
    let win = Window::open_in(&conn, into, spec);
    let (mut color, mut active) = (0, false);
    draw(&win, COLORS[color], active);
    EmbedMessage::EmbedReady { part: win.id }.send(&conn, into);
    publish(&win, into)?;
    loop {
        let e = match next_step(&conn, deadline, None) {
            // Closed: when the container went, its save-set made this a top-level window.
            Step::Event(e) if win.wants_close(&e) => break,
            Step::Event(e) => e,
            Step::Wake => continue,
            Step::Quit => break,
        };
        let mut changed = false;
        match (EmbedMessage::from_event(&e), e) {
            (Some((to, EmbedMessage::Activate)), _) if to == win.id => active = true,
            (Some((to, EmbedMessage::Deactivate)), _) if to == win.id => {
                publish(&win, into)?;
                break;
            }
            (_, Event::ButtonPress(b)) if b.button == 1 && active => {
                color = (color + 1) % COLORS.len();
                changed = true;
            }
            _ => {}
        }
        draw(&win, COLORS[color], active);
        if changed {
            publish(&win, into)?;
        }
    }
    Ok(())
}

/// Draws the part: its colour, with a white rim while it is active.
fn draw(win: &Window, rgb: u32, active: bool) {
    let back = win.back();
    let all = Rect::new(0, 0, PART.width, PART.height);
    win.fill(back, rgb, &[all]);
    if active {
        win.outline(back, 0xffffff, all, 3);
    }
    win.text(back, Point::new(10, 68), 12.0, 0xffffff, "click me");
    win.present();
}

/// Puts the part's picture in its `_YONDER_PART_DATA` and tells the container.
fn publish(win: &Window, into: WindowId) -> Result<(), Box<dyn Error>> {
    let conn = win.conn();
    let all = Rect::new(0, 0, PART.width, PART.height);
    let png = conn.get_image(win.back(), all, ImageFormat::Png).reply()?;
    embed::publish(conn, win.id, &png.data)?;
    EmbedMessage::ContentChanged.send(conn, into);
    conn.flush()?;
    Ok(())
}
