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
//!   shows at the bottom). A click selects a row, the arrows, Home, End, Page Up and
//!   Page Down move the selection, Return restores the selected item. The wheel
//!   scrolls; Escape goes back.
//!
//! The trash is looked at every second, so changes by other programs show.
//!
//! The buttons are the toolkit's [`Button`]s (a click is a press and a release on one),
//! the rows the toolkit's [`List`] in a grid of one column, whose rows ytrash draws.
//! Layout of the list (window coordinates; the tests rely on it): "Back" is [`BACK`],
//! "Empty" is `(width − 72, 5, 64, 22)`; below a [`HEADER_H`]-pixel header, row `i`
//! starts at `LIST_TOP + ROW_H · i` (`LIST_TOP` = `HEADER_H + MARGIN`), `MARGIN` pixels
//! in from the sides, and its "Restore" button is `(width − 80, row + 5, 72, 20)`. The
//! bottom [`STATUS_H`] pixels show what went wrong last.

use clap::Parser;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::trash::{Item, Trash};
use yonder_apps::{die, WindowArgs};
use yonder_protocol::event::KeyEvent;
use yonder_protocol::request::DndAction;
use yonder_protocol::{atoms, keysym, Drawable, Event, EventMask, Point, Rect, Size};
use yonder_toolkit::transfer::{decode_uri_list, DropData, DropEvent, DropTarget};
use yonder_toolkit::widgets::{self, theme, Button, Label, Layout, List, ListEvent};
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
/// Space around the rows: the first starts `MARGIN` pixels below the header.
const MARGIN: u32 = 8;
/// Each row's height.
const ROW_H: u32 = 30;
/// Height of the strip at the bottom where the last failure shows.
const STATUS_H: i32 = 24;
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
    /// The items' rows, one per item: the selection (clicks, keys) and the wheel.
    list: List,
    back: Button,
    empty: Button,
    /// Each row's "Restore", placed on its row by [`TrashApp::place`].
    restore: Vec<Button>,
    drop: DropTarget,
    /// The last thing that went wrong, shown at the bottom.
    message: String,
}

/// "1 item", "2 items".
fn count(n: usize) -> String {
    format!("{n} item{}", if n == 1 { "" } else { "s" })
}

/// Where button 1 went down, if `e` is that.
fn press(e: &Event) -> Option<Point> {
    match e {
        Event::ButtonPress(b) if b.button == 1 => Some(Point::new(b.x, b.y)),
        _ => None,
    }
}

/// `label` centred on `cx`, in a row of [`theme::ROW`] pixels from `top`.
fn centred(mut label: Label, cx: i32, top: i32) -> Label {
    let w = label.width();
    label.rect = Rect::new(cx - w as i32 / 2, top, w, theme::ROW);
    label
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
        let rows = items.iter().map(|i| i.name.to_string_lossy());
        self.list.set_items(rows.map(widgets::Item::text).collect());
        // New buttons: a press held on one must not restore whatever item took its row.
        self.restore = vec![Button::new("Restore"); items.len()];
        self.items = items;
        self.title();
        true
    }

    /// Shows the number of items in the title.
    fn title(&self) {
        let title = format!("ytrash — {}", count(self.items.len()));
        self.conn().set_title(self.win.id, &title);
    }

    /// Lays the list view out for the window's size and the list's scroll.
    fn place(&mut self) {
        let Size { width, height } = self.win.size();
        let rows_h = height.saturating_sub((HEADER_H + STATUS_H) as u32);
        self.list.rect = Rect::new(0, HEADER_H, width, rows_h);
        let cell = Size::new(width.saturating_sub(2 * MARGIN), ROW_H);
        self.list.layout = Layout::Grid {
            cell,
            margin: MARGIN,
        };
        self.empty.rect = Rect::new(width as i32 - 72, 5, 64, 22);
        for (i, b) in self.restore.iter_mut().enumerate() {
            let row = self.list.item_rect(i);
            b.rect = Rect::new(row.x + row.width as i32 - 72, row.y + 5, 72, 20);
        }
    }

    fn redraw(&mut self) {
        self.place();
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
        let d = back.into();
        centred(Label::new(count(self.items.len())), cx, 210).draw(win, d);
        centred(Label::faint("click to open"), cx, 234).draw(win, d);
    }

    fn draw_list(&self) {
        let (win, d): (_, Drawable) = (&self.win, self.win.back().into());
        let width = win.size().width;
        self.list.draw_with(win, d, |i, r, selected| {
            if selected {
                win.fill(d, theme::SELECTION, &[r]);
            }
            let item = &self.items[i];
            let name = item.name.to_string_lossy();
            win.text(d, Point::new(r.x + 4, r.y + 13), 12.0, INK, &name);
            let from = item.original.parent().unwrap_or(&item.original);
            let from = format!("from {}", from.display());
            win.text(d, Point::new(r.x + 4, r.y + 25), 10.0, FAINT, &from);
            self.restore[i].draw(win, d);
            let rule = Rect::new(r.x, r.y + r.height as i32 - 1, r.width, 1);
            win.fill(d, HEADER_BG, &[rule]);
        });
        if self.items.is_empty() {
            let mut note = Label::faint("The trash is empty.");
            note.rect = self.list.item_rect(0);
            note.draw(win, d);
        }
        win.fill(d, HEADER_BG, &[Rect::new(0, 0, width, HEADER_H as u32)]);
        if self.drop.hovering() == Some(true) {
            let all = Rect::new(0, 0, width, win.size().height);
            win.outline(d, CAN_OPEN, all, 3);
        }
        self.back.draw(win, d);
        self.empty.draw(win, d);
        let mut total = Label::new(count(self.items.len()));
        total.rect = Rect::new(BACK.right() as i32 + 10, BACK.y, total.width(), BACK.height);
        total.draw(win, d);
    }

    /// Takes a pointer event (a press, a release, the wheel).
    fn pointer(&mut self, e: &Event) {
        if press(e).is_some() {
            self.message.clear();
        }
        match self.view {
            View::Can if press(e).is_some() => self.view = View::List,
            View::Can => return,
            View::List => self.list_pointer(e),
        }
        self.redraw();
    }

    /// The list view's buttons and rows take `e`: a press selects the row under it (on
    /// its "Restore" too), the wheel scrolls them.
    fn list_pointer(&mut self, e: &Event) {
        if self.back.clicked(e) {
            self.view = View::Can;
        } else if self.empty.clicked(e) {
            if let Err(e) = self.trash.empty() {
                self.fail(format!("cannot empty the trash: {e}"));
            }
            self.refresh();
        } else {
            // Rows scrolled under the header are not there to press.
            let on_rows = press(e).is_none_or(|p| self.list.rect.contains(p));
            let mut hit = None;
            for (i, b) in self.restore.iter_mut().enumerate() {
                if on_rows && b.clicked(e) {
                    hit = Some(i);
                }
            }
            self.list.pointer(e);
            if let Some(i) = hit {
                self.put_back(i);
            }
        }
    }

    /// Return and the arrows: the list's keys.
    fn key(&mut self, k: &KeyEvent) {
        match self.list.key(k) {
            ListEvent::Activated(i) => self.put_back(i),
            ListEvent::Moved => {}
            _ => return,
        }
        self.redraw();
    }

    /// Puts item `i` back where it came from.
    fn put_back(&mut self, i: usize) {
        let name = self.items[i].name.clone();
        match self.trash.restore(&name) {
            Ok(to) => println!("ytrash: restored {}", to.display()),
            Err(e) => self.fail(format!("not restored: {e}")),
        }
        self.refresh();
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
            events: EventMask::KEY_PRESS
                | EventMask::BUTTON_PRESS
                | EventMask::BUTTON_RELEASE
                | EventMask::SCROLL,
        },
    );
    let drop = DropTarget::new(&conn, win.id, &[atoms::TEXT_URI_LIST], &[DndAction::Move])
        .unwrap_or_else(|e| die("ytrash", e));
    let mut back = Button::new("Back");
    back.rect = BACK;
    let mut app = TrashApp {
        win,
        trash,
        items: Vec::new(),
        view: View::Can,
        list: List::new(),
        back,
        empty: Button::new("Empty"),
        restore: Vec::new(),
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
            Event::KeyPress(k) if k.keysym == keysym::ESCAPE && app.view == View::List => {
                app.view = View::Can;
                app.redraw();
            }
            Event::KeyPress(k) if app.view == View::List => app.key(&k),
            Event::ButtonPress(_) | Event::ButtonRelease(_) | Event::Scroll(_) => app.pointer(&e),
            _ => {}
        }
    }
    app.win.close();
}
