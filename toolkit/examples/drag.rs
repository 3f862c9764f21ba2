//! Drag-and-drop with the toolkit's `transfer` helpers: a chip on the left to drag, and a
//! drop zone on the right that shows what is dropped on it.
//!
//! * The chip is a [`DragSource`]: pressed and moved, it offers its text as
//!   `text/plain;charset=utf-8` to be copied, with its own picture under the pointer.
//!   Drop it on the zone, or on any other app's drop target; the line under it says
//!   whether the target under the pointer would take it, and then whether it did.
//! * The drop zone is a child window and a [`DropTarget`]: it takes files
//!   (`text/uri-list`, as `yfiles` drags them) and text, from this app or any other, and
//!   lists them (and prints them). Its rim turns blue while a drag it would take is over it.
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder-toolkit --example drag [-- --exit-after SECONDS]
//! ```

use image::RgbaImage;
use yonder::prelude::*;
use yonder::protocol::request::{DndAction, DndActions};
use yonder_toolkit::transfer::{
    decode_uri_list, DragEvent, DragSource, DropData, DropTarget, Offer,
};
use yonder_toolkit::widgets::theme;
use yonder_toolkit::{next_step, Deadline, Step, Window, WindowSpec};

/// What the chip offers.
const TEXT: &str = "Hello, Yonder";
/// The chip, in the window; the drop zone, a window inside it.
const CHIP: Rect = Rect::new(20, 50, 130, 32);
const ZONE: Rect = Rect::new(180, 20, 160, 120);

struct App<'c> {
    win: Window<'c>,
    zone: Window<'c>,
    drag: DragSource,
    drop: DropTarget,
    /// What became of the chip's drag, shown under it.
    status: String,
    /// What was dropped on the zone, a line each.
    dropped: Vec<String>,
}

impl App<'_> {
    fn draw(&self) {
        let (win, back) = (&self.win, self.win.back());
        win.clear_back();
        win.fill(back, theme::FACE, &[CHIP]);
        win.outline(back, theme::RIM, CHIP, 1);
        let (x, y) = (CHIP.x + 10, CHIP.y + 21);
        win.text(back, Point::new(x, y), theme::TEXT_PX, theme::INK, TEXT);
        let under = Point::new(CHIP.x, CHIP.y + 52);
        win.text(back, under, 12.0, theme::FAINT, &self.status);
        win.present();

        let (zone, back) = (&self.zone, self.zone.back());
        zone.clear_back();
        let rim = match self.drop.hovering() {
            Some(true) => theme::ACCENT,
            _ => theme::RIM,
        };
        let Size { width, height } = zone.size();
        zone.outline(back, rim, Rect::new(0, 0, width, height), 2);
        if self.dropped.is_empty() {
            zone.text(back, Point::new(10, 24), 12.0, theme::FAINT, "Drop here");
        }
        for (i, line) in self.dropped.iter().enumerate() {
            let at = Point::new(10, 24 + 18 * i as i32);
            zone.text(back, at, 12.0, theme::INK, line);
        }
        zone.present();
    }

    fn event(&mut self, e: &Event) {
        let conn = self.win.conn();
        // The drag's own events first: the data asked of the chip, the target's answers.
        if let Some(d) = self.drag.handle(conn, e) {
            self.dragged(d);
            return;
        }
        let dropped = &mut self.dropped;
        if self.drop.handle(conn, e, |d| take(dropped, d)).is_some() {
            return;
        }
        match e {
            Event::ButtonPress(b) if b.button == 1 && CHIP.contains(Point::new(b.x, b.y)) => {
                self.drag.press(Point::new(b.x, b.y));
            }
            Event::Motion(m) if self.drag.moved(Point::new(m.x, m.y)) => self.start(),
            Event::ButtonRelease(b) if b.button == 1 => {
                if let Some(d) = self.drag.release() {
                    self.dragged(d);
                }
            }
            _ => {}
        }
    }

    /// The pointer went far enough with the chip: the drag starts, with the chip's
    /// picture (read back from the back buffer) as its icon.
    fn start(&mut self) {
        let conn = self.win.conn();
        let offer = Offer::new().with_bytes(atoms::TEXT_PLAIN_UTF8, TEXT);
        let picture = conn
            .get_image(self.win.back(), CHIP, ImageFormat::Rgba)
            .reply();
        let icon = picture
            .ok()
            .and_then(|i| RgbaImage::from_raw(i.width, i.height, i.data));
        let middle = Point::new(CHIP.width as i32 / 2, CHIP.height as i32 / 2);
        self.drag
            .start(conn, offer, DndActions::COPY, icon.as_ref(), middle);
        self.status = "dragging".into();
    }

    fn dragged(&mut self, d: DragEvent) {
        self.status = match d {
            DragEvent::Status { accept, action } if accept => format!("→ {action:?} here"),
            DragEvent::Status { .. } => "→ not here".into(),
            DragEvent::Finished { success, action } if success => format!("taken ({action:?})"),
            DragEvent::Finished { .. } => "not taken".into(),
        };
        if let DragEvent::Finished { .. } = d {
            println!("drag: the chip was {}", self.status);
        }
    }
}

/// Takes a drop: files as their paths, text as it is, a line each. Nothing to show is
/// not taken.
fn take(dropped: &mut Vec<String>, d: DropData) -> bool {
    let lines: Vec<String> = if d.type_ == atoms::TEXT_URI_LIST {
        let paths = decode_uri_list(d.data);
        paths.iter().map(|p| p.display().to_string()).collect()
    } else {
        String::from_utf8_lossy(d.data)
            .lines()
            .map(String::from)
            .collect()
    };
    for line in &lines {
        println!("drag: dropped {line}");
    }
    dropped.extend_from_slice(&lines);
    !lines.is_empty()
}

fn main() {
    let mut args = std::env::args().skip_while(|a| a != "--exit-after");
    let exit_after = args.nth(1).and_then(|s| s.parse().ok());
    let conn = Connection::connect(None).unwrap_or_else(|e| {
        eprintln!("drag: {e}");
        std::process::exit(1)
    });
    let win = Window::open(
        &conn,
        WindowSpec {
            title: "Drag and drop",
            rect: Rect::new(0, 0, 360, 160),
            background: theme::BACKGROUND,
            events: EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE | EventMask::POINTER_MOTION,
        },
    );
    // A window of its own: a drop goes to the window under the pointer (or the nearest
    // ancestor taking drops), so dropping the chip back on itself does nothing.
    let zone_spec = WindowSpec {
        title: "Drop zone",
        rect: ZONE,
        background: theme::FIELD,
        events: EventMask::EMPTY,
    };
    let zone = Window::open_in(&conn, win.id, zone_spec);
    let types = [atoms::TEXT_URI_LIST, atoms::TEXT_PLAIN_UTF8]; // best first
    let drop = DropTarget::new(&conn, zone.id, &types, &[DndAction::Copy]).unwrap_or_else(|e| {
        eprintln!("drag: {e}");
        std::process::exit(1)
    });
    let mut app = App {
        drag: DragSource::new(win.id),
        win,
        zone,
        drop,
        status: String::new(),
        dropped: Vec::new(),
    };
    app.draw();
    let deadline = Deadline::after(exit_after);
    loop {
        match next_step(&conn, &deadline, None) {
            Step::Event(e) if app.win.wants_close(&e) => break,
            Step::Event(e) => {
                app.event(&e);
                app.draw();
            }
            Step::Wake => {}
            Step::Quit => break,
        }
    }
}
