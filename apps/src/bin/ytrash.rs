//! `ytrash [--trash DIR]`: a trash can on the desktop. Files dropped on it (as
//! `text/uri-list`, with the Move action) are moved into the trash — the freedesktop
//! trash at `$XDG_DATA_HOME/Trash` (or `~/.local/share/Trash`) unless `--trash` names
//! another; see [`yonder_apps::trash`] — and never deleted on the way. Drags offering
//! other types, or not allowing Move, are refused, so their sources keep their data.
//! Title: "ytrash — N items".
//!
//! Two views share the window:
//!
//! * the can: a drawing of a trash can (its lid lifts while an acceptable drag is over
//!   it; papers show when it holds something) and "N items"; a click opens the list;
//! * the list: a header with "Back" and "Empty" (deletes everything in the trash for
//!   good), then one row per item, oldest first, with its name, where it came from and a
//!   "Restore" button (puts it back, refusing to overwrite what is there now; the reason
//!   shows at the bottom). The wheel scrolls; Escape goes back.
//!
//! The trash is looked at every second, so changes by other programs show.
//!
//! Layout of the list (window coordinates; the tests rely on it): "Back" is
//! [`BACK`], "Empty" is `(width − 72, 5, 64, 22)`; row `i` starts at
//! `LIST_TOP + ROW_H · i` and its "Restore" button is `(width − 80, row + 5, 72, 20)`.

use clap::Parser;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::trash::{Item, Trash};
use yonder_apps::{die, WindowArgs};
use yonder_protocol::request::DndAction;
use yonder_protocol::{atoms, keysym, Event, EventMask, Point, Rect};
use yonder_toolkit::transfer::{decode_uri_list, DropData, DropEvent, DropTarget};
use yonder_toolkit::Deadline;
use yonder_toolkit::{next_step, Step, Window, WindowSpec};

/// A trash can to drop files on.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// The trash directory (default: $XDG_DATA_HOME/Trash or ~/.local/share/Trash).
    #[arg(long, value_name = "DIR")]
    trash: Option<PathBuf>,
}

const WIDTH: u32 = 260;
const HEIGHT: u32 = 280;
/// The list's "Back" button.
const BACK: Rect = Rect::new(8, 5, 56, 22);
/// Height of the list's header strip.
const HEADER_H: i32 = 32;
/// Where the list's first row starts, and each row's height.
const LIST_TOP: i32 = 40;
const ROW_H: i32 = 30;
/// How often the trash is looked at.
const POLL: Duration = Duration::from_secs(1);

const BACKGROUND: u32 = 0xeff1f5;
const HEADER_BG: u32 = 0xe6e9ef;
const INK: u32 = 0x4c4f69;
const FAINT: u32 = 0x8c8fa1;
const CAN: u32 = 0x7c7f93;
const CAN_DARK: u32 = 0x5c5f77;
const CAN_OPEN: u32 = 0x1e66f5;
const ERROR: u32 = 0xd20f39;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Can,
    List,
}

struct TrashApp<'c> {
    win: Window<'c>,
    trash: Trash,
    items: Vec<Item>,
    view: View,
    /// How far the list is scrolled up, in pixels.
    scroll: i32,
    drop: DropTarget,
    /// The last thing that went wrong, shown at the bottom.
    message: String,
}

/// "1 item", "2 items".
fn count(n: usize) -> String {
    format!("{n} item{}", if n == 1 { "" } else { "s" })
}

impl<'c> TrashApp<'c> {
    fn conn(&self) -> &'c Connection {
        self.win.conn()
    }

    /// Reads the trash again; true when its items changed.
    fn refresh(&mut self) -> bool {
        let items = self.trash.items().unwrap_or_else(|e| {
            eprintln!("ytrash: {}: {e}", self.trash.root().display());
            Vec::new()
        });
        if items == self.items {
            return false;
        }
        self.items = items;
        self.scroll = self.scroll.clamp(0, self.max_scroll());
        self.title();
        true
    }

    /// Shows the number of items in the title.
    fn title(&self) {
        let title = format!("ytrash — {}", count(self.items.len()));
        self.conn().set_title(self.win.id, &title);
    }

    fn max_scroll(&self) -> i32 {
        let content = LIST_TOP + ROW_H * self.items.len() as i32 + 24;
        (content - self.win.size().height as i32).max(0)
    }

    fn empty_button(&self) -> Rect {
        Rect::new(self.win.size().width as i32 - 72, 5, 64, 22)
    }

    fn restore_button(&self, i: usize) -> Rect {
        let top = LIST_TOP + ROW_H * i as i32 - self.scroll;
        Rect::new(self.win.size().width as i32 - 80, top + 5, 72, 20)
    }

    fn redraw(&self) {
        self.win.clear_back();
        match self.view {
            View::Can => self.draw_can(),
            View::List => self.draw_list(),
        }
        if !self.message.is_empty() {
            let y = self.win.size().height as i32 - 8;
            let back = self.win.back();
            self.win
                .text(back, Point::new(8, y), 11.0, ERROR, &self.message);
        }
        self.win.present();
    }

    fn draw_can(&self) {
        let (win, back, conn) = (&self.win, self.win.back(), self.conn());
        let cx = win.size().width as i32 / 2;
        let open = self.drop.hovering() == Some(true);
        let color = if open { CAN_OPEN } else { CAN };
        if !self.items.is_empty() {
            // Papers sticking out of the can, under the lid left ajar.
            for r in [
                Rect::new(cx - 30, 46, 22, 20),
                Rect::new(cx + 4, 44, 26, 22),
            ] {
                win.fill(back, 0xffffff, &[r]);
                win.outline(back, FAINT, r, 1);
            }
        }
        // The body: a trapezoid with ribs.
        win.pen(color, 0);
        conn.fill_poly(
            back,
            win.gc,
            &[
                Point::new(cx - 44, 62),
                Point::new(cx + 44, 62),
                Point::new(cx + 36, 196),
                Point::new(cx - 36, 196),
            ],
        );
        win.pen(CAN_DARK, 3);
        for dx in [-20, 0, 20] {
            let segment = [Point::new(cx + dx, 76), Point::new(cx + dx * 8 / 10, 184)];
            conn.poly_line(back, win.gc, &segment);
        }
        // The lid: lifted while a drop would be taken, ajar over papers.
        let lid = match (open, self.items.is_empty()) {
            (true, _) => 28,
            (false, false) => 38,
            (false, true) => 50,
        };
        win.fill(
            back,
            color,
            &[
                Rect::new(cx - 52, lid, 104, 10),
                Rect::new(cx - 14, lid - 7, 28, 7),
            ],
        );
        let text = count(self.items.len());
        let w = (text.chars().count() as f32 * 16.0 * 0.55) as i32;
        win.text(back, Point::new(cx - w / 2, 228), 16.0, INK, &text);
        let hint = "click to open";
        let w = (hint.len() as f32 * 11.0 * 0.55) as i32;
        win.text(back, Point::new(cx - w / 2, 250), 11.0, FAINT, hint);
    }

    fn draw_list(&self) {
        let (win, back) = (&self.win, self.win.back());
        let width = win.size().width;
        for (i, item) in self.items.iter().enumerate() {
            let top = LIST_TOP + ROW_H * i as i32 - self.scroll;
            if top + ROW_H < HEADER_H || top > win.size().height as i32 {
                continue;
            }
            let name = item.name.to_string_lossy();
            win.text(back, Point::new(8, top + 13), 12.0, INK, &name);
            let from = item.original.parent().unwrap_or(&item.original);
            let from = format!("from {}", from.display());
            win.text(back, Point::new(8, top + 25), 10.0, FAINT, &from);
            self.button(self.restore_button(i), "Restore");
            let rule = Rect::new(0, top + ROW_H - 1, width, 1);
            win.fill(back, HEADER_BG, &[rule]);
        }
        if self.items.is_empty() {
            win.text(
                back,
                Point::new(8, LIST_TOP + 16),
                12.0,
                FAINT,
                "The trash is empty.",
            );
        }
        win.fill(back, HEADER_BG, &[Rect::new(0, 0, width, HEADER_H as u32)]);
        if self.drop.hovering() == Some(true) {
            let all = Rect::new(0, 0, width, win.size().height);
            win.outline(back, CAN_OPEN, all, 3);
        }
        self.button(BACK, "Back");
        self.button(self.empty_button(), "Empty");
        let text = count(self.items.len());
        win.text(back, Point::new(BACK.x + 66, 21), 13.0, INK, &text);
    }

    /// A push button: `label` centered (by an estimate of its width) in a framed box.
    fn button(&self, r: Rect, label: &str) {
        let back = self.win.back();
        self.win.fill(back, 0xffffff, &[r]);
        self.win.outline(back, 0x9ca0b0, r, 1);
        let w = (label.len() as f32 * 12.0 * 0.55) as i32;
        let at = Point::new(
            r.x + (r.width as i32 - w) / 2,
            r.y + r.height as i32 / 2 + 4,
        );
        self.win.text(back, at, 12.0, INK, label);
    }

    fn click(&mut self, p: Point) {
        self.message.clear();
        match self.view {
            View::Can => self.view = View::List,
            View::List if BACK.contains(p) => self.view = View::Can,
            View::List if self.empty_button().contains(p) => {
                if let Err(e) = self.trash.empty() {
                    self.fail(format!("cannot empty the trash: {e}"));
                }
                self.refresh();
            }
            View::List => {
                let hit = (0..self.items.len()).find(|i| self.restore_button(*i).contains(p));
                if let Some(i) = hit.filter(|_| p.y >= HEADER_H) {
                    let name = self.items[i].name.clone();
                    match self.trash.restore(&name) {
                        Ok(to) => println!("ytrash: restored {}", to.display()),
                        Err(e) => self.fail(format!("not restored: {e}")),
                    }
                    self.refresh();
                }
            }
        }
        self.redraw();
    }

    fn fail(&mut self, message: String) {
        eprintln!("ytrash: {message}");
        self.message = message;
    }
}

/// Moves the dropped files into the trash; true when every one went in.
fn take(trash: &Trash, d: DropData) -> bool {
    let paths = decode_uri_list(d.data);
    let mut all = !paths.is_empty();
    for p in paths {
        match trash.put(&p) {
            Ok(name) => println!(
                "ytrash: trashed {} as {}",
                p.display(),
                name.to_string_lossy()
            ),
            Err(e) => {
                eprintln!("ytrash: cannot trash {}: {e}", p.display());
                all = false;
            }
        }
    }
    all
}

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let root = args
        .trash
        .clone()
        .or_else(Trash::default_dir)
        .unwrap_or_else(|| die("ytrash", "no trash directory: set HOME or use --trash"));
    let trash =
        Trash::open(&root).unwrap_or_else(|e| die("ytrash", format!("{}: {e}", root.display())));
    let conn = Connection::connect(w.display.as_deref()).unwrap_or_else(|e| die("ytrash", e));
    let win = Window::open(
        &conn,
        WindowSpec {
            title: "ytrash",
            rect: Rect::new(w.x, w.y, WIDTH, HEIGHT),
            background: BACKGROUND,
            events: EventMask::KEY_PRESS | EventMask::BUTTON_PRESS | EventMask::SCROLL,
        },
    );
    let drop = DropTarget::new(&conn, win.id, &[atoms::TEXT_URI_LIST], &[DndAction::Move])
        .unwrap_or_else(|e| die("ytrash", e));
    let mut app = TrashApp {
        win,
        trash,
        items: Vec::new(),
        view: View::Can,
        scroll: 0,
        drop,
        message: String::new(),
    };
    app.refresh();
    app.title();
    app.redraw();
    let mut poll = Instant::now() + POLL;
    loop {
        let e = match next_step(&conn, &deadline, Some(poll)) {
            Step::Quit => break,
            Step::Wake => {
                poll = Instant::now() + POLL;
                if app.refresh() {
                    app.redraw();
                }
                continue;
            }
            Step::Event(e) => e,
        };
        if app.win.wants_close(&e) {
            break;
        }
        let trash = &app.trash;
        if let Some(d) = app.drop.handle(&conn, &e, |d| take(trash, d)) {
            if d == (DropEvent::Dropped { success: false }) {
                app.message = "some files could not be trashed".into();
            }
            app.refresh();
            app.redraw();
            continue;
        }
        match e {
            Event::Expose(e) if e.count == 0 => app.win.present(),
            Event::Configure(e) if app.win.configure(&e) => app.redraw(),
            Event::ButtonPress(b) if b.button == 1 => app.click(Point::new(b.x, b.y)),
            Event::KeyPress(k) if k.keysym == keysym::ESCAPE && app.view == View::List => {
                app.view = View::Can;
                app.redraw();
            }
            Event::Scroll(s) if app.view == View::List => {
                let to = (app.scroll - s.delta_y.round() as i32).clamp(0, app.max_scroll());
                if to != app.scroll {
                    app.scroll = to;
                    app.redraw();
                }
            }
            _ => {}
        }
    }
    app.win.close();
}
