//! `yfiles [DIR]`: a file browser, in the line of `xfm`/`xfe`. The window shows the
//! directory's entries as a grid of icons (folder, image — a thumbnail when the picture
//! can be read —, text, other) with their names under them: `..` first (when there is a
//! parent), then folders, then files, each sorted by name; names starting with `.` are
//! hidden. Title: "yfiles — DIR".
//!
//! * A click selects an entry; a double click opens it: a folder (or `..`) is browsed
//!   into, an image is shown in `yview` (the binary next to this one). The arrows, Home,
//!   End, Page Up and Page Down move the selection, Return opens it, Delete moves it to
//!   the trash (the freedesktop one, see [`yonder_apps::trash`], or `--trash DIR`).
//! * Dragging an entry (button 1 and 5 pixels of motion) offers it as `text/uri-list`
//!   and `text/plain;charset=utf-8` (its path) with the actions Copy and Move, its icon
//!   under the pointer. After a successful Move (the target, e.g. `ytrash`, moved the
//!   file) the listing is read again.
//! * The directory is polled every second and read again when its mtime changes. The
//!   wheel scrolls; Backspace goes up.
//!
//! The entries are the toolkit's [`List`] in its grid layout (an icon view), whose cells
//! yfiles draws. Layout (window coordinates; the tests rely on it): a [`HEADER_H`]-pixel
//! strip with the path, then cells of [`CELL_W`] × [`CELL_H`] from (`MARGIN`,
//! `HEADER_H + MARGIN`), as many columns as fit, left to right, then down. A cell's icon
//! is [`ICON`] pixels square, centered, [`ICON_TOP`] pixels below the cell's top; the
//! name's baseline is 14 pixels below the icon.

use clap::Parser;
use image::RgbaImage;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::icons::{thumbnail, Kind, ICON};
use yonder_apps::trash::Trash;
use yonder_apps::{die, WindowArgs};
use yonder_protocol::request::{DndAction, DndActions};
use yonder_protocol::{atoms, keysym, Event, EventMask, PixmapId, Point, Rect, Size};
use yonder_toolkit::fonts::{Face, Metrics};
use yonder_toolkit::pixels::put_rgba;
use yonder_toolkit::transfer::{encode_uri_list, DragEvent, DragSource, Offer};
use yonder_toolkit::widgets::{Item, List, ListEvent};
use yonder_toolkit::Deadline;
use yonder_toolkit::{next_step, Step, Window, WindowSpec};

/// Browses a directory.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// Where Delete puts entries (default: $XDG_DATA_HOME/Trash or ~/.local/share/Trash).
    #[arg(long, value_name = "DIR")]
    trash: Option<PathBuf>,
    /// The directory to show (default: the current one).
    dir: Option<PathBuf>,
}

const WIDTH: u32 = 400;
const HEIGHT: u32 = 320;
/// Height of the strip with the path.
const HEADER_H: i32 = 28;
/// Space around the grid.
const MARGIN: i32 = 8;
/// A grid cell.
const CELL_W: i32 = 88;
const CELL_H: i32 = 80;
/// The icon's distance from the top of its cell.
const ICON_TOP: i32 = 6;
/// Size of the names under the icons.
const NAME_PX: f32 = 11.0;
/// How often the directory is looked at.
const POLL: Duration = Duration::from_secs(1);

const BACKGROUND: u32 = 0xffffff;
const HEADER_BG: u32 = 0xe6e9ef;
const INK: u32 = 0x4c4f69;
const SELECTED: u32 = 0xcfe0fc;

/// Which picture an entry shows: its kind's, or a thumbnail of an image file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IconKey {
    Kind(Kind),
    Thumb(PathBuf, Option<SystemTime>),
}

/// A picture kept both here (for drag icons) and in a server pixmap (for the grid).
struct Icon {
    image: RgbaImage,
    pixmap: PixmapId,
}

struct Entry {
    name: String,
    path: PathBuf,
    kind: Kind,
    icon: IconKey,
}

struct Browser<'c> {
    win: Window<'c>,
    dir: PathBuf,
    dir_mtime: Option<SystemTime>,
    entries: Vec<Entry>,
    /// The entries' cells, one item per entry: selection, double presses, drags, keys
    /// and the wheel.
    list: List,
    icons: HashMap<IconKey, Icon>,
    /// Each name as it fits under an icon, and its width.
    labels: HashMap<String, (String, i32)>,
    drag: DragSource,
    /// What the drag's target would do (or why Delete failed), shown in the header.
    status: String,
    display: Option<String>,
    /// Where Delete puts entries.
    trash: Option<PathBuf>,
}

impl<'c> Browser<'c> {
    fn conn(&self) -> &'c Connection {
        self.win.conn()
    }

    /// Reads the directory again (the list keeps the selection by name).
    fn reload(&mut self) {
        self.dir_mtime = modified(&self.dir);
        self.entries = read_entries(&self.dir).unwrap_or_else(|e| {
            eprintln!("yfiles: {}: {e}", self.dir.display());
            Vec::new()
        });
        let items = self.entries.iter().map(|e| Item::text(&e.name)).collect();
        self.list.set_items(items);
        self.load_icons();
        self.fit_labels();
    }

    /// The list fills the window below the header.
    fn place_list(&mut self) {
        let size = self.win.size();
        let h = size.height.saturating_sub(HEADER_H as u32);
        self.list.rect = Rect::new(0, HEADER_H, size.width, h);
    }

    /// Makes the pixmaps of icons new entries need and frees those no entry uses.
    fn load_icons(&mut self) {
        let conn = self.conn();
        for e in &mut self.entries {
            if self.icons.contains_key(&e.icon) {
                continue;
            }
            let image = match &e.icon {
                IconKey::Kind(k) => k.icon(),
                IconKey::Thumb(p, _) => match thumbnail(p) {
                    Some(t) => t,
                    None => {
                        e.icon = IconKey::Kind(e.kind);
                        if self.icons.contains_key(&e.icon) {
                            continue;
                        }
                        e.kind.icon()
                    }
                },
            };
            let pixmap = conn.new_pixmap_id();
            conn.create_pixmap(pixmap, self.win.id, ICON, ICON);
            let _ = put_rgba(conn, pixmap, self.win.gc, Point::new(0, 0), &image);
            self.icons.insert(e.icon.clone(), Icon { image, pixmap });
        }
        let used: Vec<&IconKey> = self.entries.iter().map(|e| &e.icon).collect();
        self.icons.retain(|k, icon| {
            let keep = used.contains(&k) || matches!(k, IconKey::Kind(_));
            if !keep {
                conn.free_pixmap(icon.pixmap);
            }
            keep
        });
    }

    /// Measures the names not measured yet (on the client, with the server's font: no
    /// round trip) and shortens the long ones to their longest start that fits with an
    /// ellipsis.
    fn fit_labels(&mut self) {
        let Some(m) = Metrics::of(Face::Sans) else {
            return;
        };
        let max = CELL_W - 6;
        for e in &self.entries {
            if !self.labels.contains_key(&e.name) {
                self.labels.insert(e.name.clone(), fit(&m, &e.name, max));
            }
        }
    }

    fn redraw(&self) {
        let (win, back) = (&self.win, self.win.back());
        let conn = self.conn();
        self.list.draw_with(win, back.into(), |i, c, selected| {
            let e = &self.entries[i];
            if selected {
                let r = Rect::new(c.x + 2, c.y + 2, c.width - 4, c.height - 4);
                win.fill(back, SELECTED, &[r]);
            }
            if let Some(icon) = self.icons.get(&e.icon) {
                let at = Point::new(c.x + (CELL_W - ICON as i32) / 2, c.y + ICON_TOP);
                conn.copy_area(icon.pixmap, back, win.gc, Rect::new(0, 0, ICON, ICON), at);
            }
            if let Some((label, w)) = self.labels.get(&e.name) {
                let at = Point::new(c.x + (CELL_W - w) / 2, c.y + ICON_TOP + ICON as i32 + 14);
                win.text(back, at, NAME_PX, INK, label);
            }
        });
        let width = win.size().width;
        win.fill(back, HEADER_BG, &[Rect::new(0, 0, width, HEADER_H as u32)]);
        let header = format!("{}  {}", self.dir.display(), self.status);
        win.text(back, Point::new(8, 19), 13.0, INK, &header);
        win.present();
    }

    /// Takes a pointer event: the list's, but a press on no entry clears the selection
    /// and the release of button 1 may end a drag that never started.
    fn pointer(&mut self, e: &Event) {
        match e {
            Event::ButtonPress(b)
                if b.button == 1 && self.list.hit(Point::new(b.x, b.y)).is_none() =>
            {
                self.list.selected = None;
                return self.redraw();
            }
            Event::ButtonRelease(b) if b.button == 1 => {
                if let Some(d) = self.drag.release() {
                    self.dragged(d);
                }
            }
            _ => {}
        }
        let what = self.list.pointer(e);
        self.act(what);
    }

    /// Does what the list says.
    fn act(&mut self, what: ListEvent) {
        match what {
            ListEvent::Activated(i) => self.open(i),
            ListEvent::Drag(i) => self.start_drag(i),
            ListEvent::Delete(i) => self.delete(i),
            ListEvent::Moved | ListEvent::Toggled(_) => self.redraw(),
            ListEvent::Ignored => {}
        }
    }

    /// Offers entry `i` (not `..`) as its path, its icon under the pointer.
    fn start_drag(&mut self, i: usize) {
        let e = &self.entries[i];
        if e.name == ".." {
            return;
        }
        let offer = Offer::new()
            .with_bytes(atoms::TEXT_URI_LIST, encode_uri_list(&[&e.path]))
            .with_bytes(
                atoms::TEXT_PLAIN_UTF8,
                e.path.to_string_lossy().into_owned(),
            );
        let icon = self.icons.get(&e.icon).map(|i| &i.image);
        let half = ICON as i32 / 2;
        self.drag.start(
            self.conn(),
            offer,
            DndActions::COPY | DndActions::MOVE,
            icon,
            Point::new(half, half),
        );
    }

    /// Moves entry `i` (not `..`) into the trash; the entry after it is selected then.
    fn delete(&mut self, i: usize) {
        if self.entries[i].name == ".." {
            return;
        }
        let path = &self.entries[i].path;
        let put = match &self.trash {
            Some(t) => Trash::open(t).and_then(|t| t.put(path)),
            None => Err(std::io::Error::other("no trash: set HOME or use --trash")),
        };
        match put {
            Ok(_) => {
                println!("yfiles: trashed {}", path.display());
                self.status.clear();
            }
            Err(e) => {
                eprintln!("yfiles: cannot trash {}: {e}", path.display());
                self.status = format!("not trashed: {e}");
            }
        }
        self.reload();
        if self.list.selected.is_none() {
            self.list.select(i);
        }
        self.redraw();
    }

    fn dragged(&mut self, d: DragEvent) {
        match d {
            DragEvent::Status {
                accept: true,
                action,
            } => {
                self.status = format!("→ {action:?}");
            }
            DragEvent::Status { accept: false, .. } => self.status = "→ no".into(),
            DragEvent::Finished { success, action } => {
                self.status.clear();
                // The target moved the file itself (files are moved by who takes them).
                if success && action == DndAction::Move {
                    self.reload();
                }
            }
        }
        self.redraw();
    }

    fn open(&mut self, i: usize) {
        let e = &self.entries[i];
        match e.kind {
            Kind::Folder => {
                let to = if e.name == ".." {
                    self.dir.parent().map(Path::to_path_buf)
                } else {
                    Some(e.path.clone())
                };
                if let Some(to) = to {
                    self.browse(to);
                }
            }
            Kind::Image => view(&e.path, self.display.as_deref()),
            Kind::Text | Kind::Other => eprintln!("yfiles: nothing opens {}", e.path.display()),
        }
    }

    fn browse(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.conn()
            .set_title(self.win.id, &format!("yfiles — {}", self.dir.display()));
        self.list.selected = None;
        self.reload();
        self.list.scroll_to(0);
        self.redraw();
    }
}

fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// The entries to show: `..`, folders, files; each group by name, ignoring case.
fn read_entries(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = item.path();
        let kind = Kind::of(&path);
        let icon = match kind {
            Kind::Image => IconKey::Thumb(path.clone(), modified(&path)),
            k => IconKey::Kind(k),
        };
        entries.push(Entry {
            name,
            path,
            kind,
            icon,
        });
    }
    entries.sort_by_cached_key(|e| (e.kind != Kind::Folder, e.name.to_lowercase()));
    if let Some(parent) = dir.parent() {
        entries.insert(
            0,
            Entry {
                name: "..".into(),
                path: parent.to_path_buf(),
                kind: Kind::Folder,
                icon: IconKey::Kind(Kind::Folder),
            },
        );
    }
    Ok(entries)
}

/// Shows `path` in `yview`, the binary next to this one, without waiting for it.
fn view(path: &Path, display: Option<&str>) {
    let exe = std::env::current_exe().map(|e| e.with_file_name("yview"));
    let mut cmd = std::process::Command::new(exe.unwrap_or_else(|_| "yview".into()));
    cmd.arg(path);
    if let Some(d) = display {
        cmd.args(["--display", d]);
    }
    match cmd.spawn() {
        // Reaped by a thread so that no zombie is left behind.
        Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
        Err(e) => eprintln!("yfiles: cannot start yview: {e}"),
    }
}

/// `name` as it fits in `max` pixels at the labels' size, with its width: whole, or its
/// longest start that fits followed by an ellipsis.
fn fit(m: &Metrics, name: &str, max: i32) -> (String, i32) {
    let width = |t: &str| m.width(NAME_PX, t) as i32;
    let whole = width(name);
    if whole <= max {
        return (name.to_string(), whole);
    }
    let carets = m.carets(NAME_PX, name);
    let room = max - width("…");
    let keep = carets.iter().rposition(|&x| x <= room).unwrap_or(0).max(1);
    let short: String = name.chars().take(keep).chain(['…']).collect();
    let w = width(&short);
    (short, w)
}

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let dir = std::fs::canonicalize(&dir)
        .unwrap_or_else(|e| die("yfiles", format!("{}: {e}", dir.display())));
    if !dir.is_dir() {
        die("yfiles", format!("{}: not a directory", dir.display()));
    }
    let conn = Connection::connect(w.display.as_deref()).unwrap_or_else(|e| die("yfiles", e));
    let win = Window::open(
        &conn,
        WindowSpec {
            title: &format!("yfiles — {}", dir.display()),
            rect: Rect::new(w.x, w.y, WIDTH, HEIGHT),
            background: BACKGROUND,
            events: EventMask::KEY_PRESS
                | EventMask::BUTTON_PRESS
                | EventMask::BUTTON_RELEASE
                | EventMask::POINTER_MOTION
                | EventMask::SCROLL,
        },
    );
    let cell = Size::new(CELL_W as u32, CELL_H as u32);
    let mut app = Browser {
        drag: DragSource::new(win.id),
        win,
        dir,
        dir_mtime: None,
        entries: Vec::new(),
        list: List::grid(cell, MARGIN as u32),
        icons: HashMap::new(),
        labels: HashMap::new(),
        status: String::new(),
        display: w.display.clone(),
        trash: args.trash.clone().or_else(Trash::default_dir),
    };
    app.place_list();
    app.reload();
    app.redraw();
    let mut poll = Instant::now() + POLL;
    loop {
        let e = match next_step(&conn, &deadline, Some(poll)) {
            Step::Quit => break,
            Step::Wake => {
                poll = Instant::now() + POLL;
                if modified(&app.dir) != app.dir_mtime {
                    app.reload();
                    app.redraw();
                }
                continue;
            }
            Step::Event(e) => e,
        };
        if app.win.wants_close(&e) {
            break;
        }
        if let Some(d) = app.drag.handle(&conn, &e) {
            app.dragged(d);
            continue;
        }
        match e {
            Event::Expose(e) if e.count == 0 => app.win.present(),
            Event::Configure(e) if app.win.configure(&e) => {
                app.place_list();
                app.redraw();
            }
            Event::KeyPress(k) if k.keysym == keysym::BACKSPACE => {
                if let Some(up) = app.dir.parent().map(Path::to_path_buf) {
                    app.browse(up);
                }
            }
            Event::KeyPress(k) => {
                let what = app.list.key(&k);
                app.act(what);
            }
            e => app.pointer(&e),
        }
    }
    for icon in app.icons.values() {
        conn.free_pixmap(icon.pixmap);
    }
    app.win.close();
}
