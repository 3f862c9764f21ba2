//! `ydoc`, the compound-document editor, as a user meets it, against a real server in
//! this process (see `common`), driven by synthetic input:
//!
//! * text typed into it is saved with Ctrl+S (the file holds it) and shows again when the
//!   file is opened again;
//! * text selected with Shift+arrows and copied with Ctrl+C pastes into a second ydoc;
//! * a PNG dropped on it (this test is the drag source) becomes an image part, shown and
//!   saved; dropped text goes into the paragraph;
//! * a drawing part edited in place: a double click runs ypaint inside ydoc's window, a
//!   stroke and a rotation there resize the part and move the text below it, Done ends
//!   the editing, ypaint exits and the saved drawing is the rotated one with the stroke;
//! * when ydoc dies while a part is being edited, the part's window lives on as a
//!   top-level window (ydoc put it in its save-set) and ypaint still paints in it.
//!
//! The tests read the saved files with their own small reader of the documented format
//! (`ydoc 1`, then `KIND LENGTH\n` + content + `\n` per block). Every wait is bounded.

mod common;

use common::*;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::request::{DndAction, DndActions, FakeKind, WindowAttributes};
use yonder_protocol::{atoms, keysym, Event, EventMask, PixmapId, Point, Rect, WindowId};

const YDOC: &str = env!("CARGO_BIN_EXE_ydoc");

/// ydoc's layout and colors (see its `layout` and `render` modules).
const MARGIN: i32 = 16;
const GAP: i32 = 10;
const CARET: u32 = 0x1e66f5;

/// ypaint's toolbar when embedded (see its source): height, and the rotate and Done
/// buttons, relative to its window.
const PAINT_TOOLBAR_H: i32 = 36;
const PAINT_ROTATE: (i32, i32) = (372 + 12, 18);
const PAINT_DONE: (i32, i32) = (402 + 22, 18);
const PAINT_RED: u32 = 0xe53935;

fn channels(rgb: u32) -> [i32; 3] {
    [
        (rgb >> 16) as i32 & 255,
        (rgb >> 8) as i32 & 255,
        rgb as i32 & 255,
    ]
}

/// Text ink (anti-aliased edges included).
fn dark(rgb: u32) -> bool {
    channels(rgb).iter().all(|c| *c < 90)
}

fn rgb(p: &image::Rgba<u8>) -> u32 {
    u32::from_be_bytes([0, p[0], p[1], p[2]])
}

/// The blocks of a saved document: (kind, content).
fn records(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut rest = bytes
        .strip_prefix(b"ydoc 1\n")
        .unwrap_or_else(|| panic!("not a ydoc file: {:?}", String::from_utf8_lossy(bytes)));
    let mut out = Vec::new();
    while !rest.is_empty() {
        let nl = rest.iter().position(|b| *b == b'\n').expect("header line");
        let header = std::str::from_utf8(&rest[..nl]).expect("UTF-8 header");
        let (kind, len) = header.split_once(' ').expect("KIND LENGTH");
        let len: usize = len.parse().expect("a length");
        let content = rest[nl + 1..nl + 1 + len].to_vec();
        assert_eq!(rest[nl + 1 + len], b'\n', "a line feed after the content");
        rest = &rest[nl + 2 + len..];
        out.push((kind.to_owned(), content));
    }
    out
}

fn texts(recs: &[(String, Vec<u8>)]) -> Vec<String> {
    recs.iter()
        .map(|(k, c)| match k.as_str() {
            "text" => String::from_utf8(c.clone()).unwrap(),
            other => format!("[{other}]"),
        })
        .collect()
}

/// A document file made of `blocks` (kind, content).
fn ydoc_file(blocks: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = b"ydoc 1\n".to_vec();
    for (kind, content) in blocks {
        out.extend_from_slice(format!("{kind} {}\n", content.len()).as_bytes());
        out.extend_from_slice(content);
        out.push(b'\n');
    }
    out
}

fn png_of(img: &image::RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn key(d: &Display, ks: u32) {
    d.input(FakeKind::KeyPress, ks, 0, 0);
    d.input(FakeKind::KeyRelease, ks, 0, 0);
}

fn type_text(d: &Display, text: &str) {
    for c in text.chars() {
        key(d, keysym::from_char(c));
    }
}

/// `ks` with `modifier` held.
fn chord(d: &Display, modifier: u32, ks: u32) {
    d.input(FakeKind::KeyPress, modifier, 0, 0);
    key(d, ks);
    d.input(FakeKind::KeyRelease, modifier, 0, 0);
}

/// Ctrl+S, then waits until the file holds what `want` accepts; returns its blocks.
fn save(
    d: &Display,
    file: &str,
    mut want: impl FnMut(&[(String, Vec<u8>)]) -> bool,
) -> Vec<(String, Vec<u8>)> {
    let path = d.path(file);
    let mut last = Vec::new();
    let end = Instant::now() + WAIT;
    loop {
        let _ = std::fs::remove_file(&path);
        chord(d, keysym::CONTROL_L, 's' as u32);
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if let Ok(bytes) = std::fs::read(&path) {
                last = records(&bytes);
                if want(&last) {
                    return last;
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            Instant::now() < end,
            "{file} never held what was expected; last: {:?}",
            texts(&last)
        );
    }
}

/// Waits until ydoc's window `w` shows its caret (it has drawn its first frame, and so
/// selected DND and measured its text).
fn wait_drawn(d: &Display, w: WindowId) {
    eventually("ydoc draws its document", || {
        let px = d.read_window(w);
        px.count(Rect::new(MARGIN, MARGIN, 4, 10), |p| p == CARET) > 0
            || px.count(Rect::new(MARGIN, MARGIN, 300, 20), dark) > 0
    });
}

/// The first row at or below `from` with text ink in columns `MARGIN..MARGIN + 250`.
fn first_ink_row(px: &Pixels, from: i32) -> Option<i32> {
    let bottom = px.rect.y + px.rect.height as i32;
    (from..bottom).find(|y| px.count(Rect::new(MARGIN, *y, 250, 1), dark) > 0)
}

/// The events queued for the test's client now; a request error fails the test.
fn wait_event(conn: &Connection, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Event {
    let end = Instant::now() + WAIT;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}");
        match conn.wait_for_event_timeout(left).expect("connection") {
            Some(Incoming::Event { event, .. }) if pred(&event) => return event,
            Some(Incoming::Error(e)) => panic!("request failed: {e}"),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------

#[test]
fn typed_text_is_saved_and_shows_again() {
    let _watchdog = Watchdog::start("typed_text_is_saved_and_shows_again");
    let d = Display::start();
    let doc = d.spawn(
        YDOC,
        &["--exit-after", "60", "--size", "400x240", "notes.ydoc"],
    );
    let w = d.window_of("ydoc");
    let title = d
        .conn
        .get_property(w, atoms::WM_NAME, false)
        .reply()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&title.data), "ydoc — notes.ydoc");
    wait_drawn(&d, w);
    d.input(FakeKind::Motion, 0, 200, 120);
    type_text(&d, "Hello Yondr");
    key(&d, keysym::LEFT);
    type_text(&d, "e");
    key(&d, keysym::END);
    key(&d, keysym::RETURN);
    type_text(&d, "Second line");
    let recs = save(&d, "notes.ydoc", |r| r.len() == 2);
    assert_eq!(texts(&recs), ["Hello Yonder", "Second line"]);
    let bytes = std::fs::read(d.path("notes.ydoc")).unwrap();
    assert!(bytes.starts_with(b"ydoc 1\ntext 12\nHello Yonder\ntext 11\nSecond line\n"));
    drop(doc);

    // Opened again, it shows the two lines: ink on the first line's row and below.
    eventually("the first ydoc is gone", || {
        d.mapped_window_of("ydoc").is_none()
    });
    let _again = d.spawn(
        YDOC,
        &["--exit-after", "60", "--size", "400x240", "notes.ydoc"],
    );
    let w = d.window_of("ydoc");
    let mut px = d.read_window(w);
    eventually("the saved text is shown", || {
        px = d.read_window(w);
        px.count(Rect::new(MARGIN, MARGIN, 300, 20), dark) > 40
    });
    let first = first_ink_row(&px, 0).expect("ink");
    let second = first_ink_row(&px, first + 22).expect("a second line");
    assert!(second - first < 40, "lines at {first} and {second}");
    // "Hello Yonder" at 16 pixels is about 100 pixels wide; nothing far right of it.
    let line = Rect::new(MARGIN, MARGIN, 300, 20);
    let right = Rect::new(MARGIN + 60, MARGIN, 50, 20);
    assert!(px.count(right, dark) > 10, "the text's end is not shown");
    let beyond = Rect::new(MARGIN + 150, MARGIN, 150, 20);
    assert_eq!(px.count(beyond, dark), 0, "ink beyond the text");
    assert!(px.count(line, dark) > 100);
}

#[test]
fn text_copied_in_one_ydoc_pastes_into_another() {
    let _watchdog = Watchdog::start("text_copied_in_one_ydoc_pastes_into_another");
    let d = Display::start();
    let size = ["--size", "300x200", "--exit-after", "60"];
    let _a = d.spawn(
        YDOC,
        &[&size[..], &["--x", "0", "--y", "0", "a.ydoc"]].concat(),
    );
    let a = d.window_of("ydoc");
    wait_drawn(&d, a);
    let _b = d.spawn(
        YDOC,
        &[&size[..], &["--x", "320", "--y", "0", "b.ydoc"]].concat(),
    );
    let mut b = a;
    eventually("the second ydoc has a window", || {
        let tree = d.conn.query_tree(d.conn.root()).reply().unwrap();
        match tree.children.iter().find(|w| **w != a) {
            Some(w) => {
                b = *w;
                true
            }
            None => false,
        }
    });
    wait_drawn(&d, b);

    // In the first: type, select the last word with Shift+Left, copy.
    d.input(FakeKind::Motion, 0, 150, 100);
    type_text(&d, "copy me please");
    d.input(FakeKind::KeyPress, keysym::SHIFT_L, 0, 0);
    for _ in 0.."please".len() {
        key(&d, keysym::LEFT);
    }
    d.input(FakeKind::KeyRelease, keysym::SHIFT_L, 0, 0);
    chord(&d, keysym::CONTROL_L, 'c' as u32);
    eventually("the first ydoc owns the clipboard", || {
        d.conn
            .get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner
            == a
    });

    // In the second: paste, and once it shows, save.
    d.input(FakeKind::Motion, 0, 470, 100);
    chord(&d, keysym::CONTROL_L, 'v' as u32);
    eventually("the pasted text shows", || {
        d.read_window(b)
            .count(Rect::new(MARGIN, MARGIN, 200, 20), dark)
            > 20
    });
    let recs = save(&d, "b.ydoc", |r| !r.is_empty());
    assert_eq!(texts(&recs), ["please"]);
}

/// Drags from a window of this test's own, offering `types`, to `to` (screen), and
/// serves the data: `data(type)` for each conversion. Returns the drop's DndFinished.
fn drop_on(d: &Display, to: (i32, i32), type_: u32, data: &[u8]) -> Event {
    let conn = &d.conn;
    let src = conn.new_window_id();
    conn.create_window(
        src,
        conn.root(),
        Rect::new(520, 380, 100, 80),
        WindowAttributes {
            event_mask: Some(EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE),
            ..Default::default()
        },
    );
    conn.map_window(src);
    d.input(FakeKind::Motion, 0, 560, 420);
    d.input(FakeKind::ButtonPress, 1, 560, 420);
    let type_ = yonder_protocol::Atom(type_);
    conn.start_drag(
        src,
        &[type_],
        DndActions::COPY,
        PixmapId::NONE,
        Point::new(0, 0),
    )
    .check()
    .expect("the drag starts");
    for i in 1..=8 {
        d.input(
            FakeKind::Motion,
            0,
            560 + (to.0 - 560) * i / 8,
            420 + (to.1 - 420) * i / 8,
        );
    }
    wait_event(
        conn,
        "ydoc accepting the drag",
        |e| matches!(e, Event::DndStatus(s) if s.source == src && s.accept),
    );
    d.input(FakeKind::ButtonRelease, 1, to.0, to.1);
    let finished = wait_event(conn, "the drop's end", |e| match e {
        Event::SelectionRequest(r) if r.selection == atoms::YONDER_DND => {
            assert_eq!(r.target, type_, "ydoc asks for the type offered");
            conn.send_selection_bytes(r.transfer, data);
            conn.flush().unwrap();
            false
        }
        Event::DndFinished(f) => f.source == src,
        _ => false,
    });
    conn.destroy_window(src);
    conn.sync().unwrap();
    finished
}

#[test]
fn dropped_pictures_and_text_go_into_the_document() {
    let _watchdog = Watchdog::start("dropped_pictures_and_text_go_into_the_document");
    let d = Display::start();
    let start = ydoc_file(&[("text", b"first"), ("text", b"last")]);
    std::fs::write(d.path("drops.ydoc"), start).unwrap();
    let _doc = d.spawn(
        YDOC,
        &["--exit-after", "60", "--size", "400x300", "drops.ydoc"],
    );
    let w = d.window_of("ydoc");
    wait_drawn(&d, w);

    // A 60x40 green picture dropped on the first paragraph comes after it.
    const GREEN: u32 = 0x3cb371;
    let [r, g, b] = channels(GREEN).map(|c| c as u8);
    let picture = image::RgbaImage::from_pixel(60, 40, image::Rgba([r, g, b, 255]));
    let f = drop_on(&d, (100, MARGIN + 8), atoms::IMAGE_PNG.0, &png_of(&picture));
    let Event::DndFinished(f) = f else {
        unreachable!()
    };
    assert!(
        f.success && f.action == DndAction::Copy && f.target == w,
        "{f:?}"
    );
    let mut px = d.read_window(w);
    eventually("the picture shows", || {
        px = d.read_window(w);
        px.count(Rect::new(0, 0, 400, 300), |p| p == GREEN) == 60 * 40
    });
    let top = (0..300).find(|y| px.at(MARGIN + 30, *y) == GREEN).unwrap();
    assert_eq!(px.at(MARGIN, top), GREEN, "the picture is at the margin");
    let first = first_ink_row(&px, 0).unwrap();
    let last = first_ink_row(&px, top + 40).expect("the last paragraph below it");
    assert!(first < top && top + 40 <= last, "{first} < {top} < {last}");

    d.input(FakeKind::Motion, 0, 300, 250);
    let recs = save(&d, "drops.ydoc", |r| r.len() == 3);
    assert_eq!(texts(&recs), ["first", "[image]", "last"]);
    let saved = image::load_from_memory(&recs[1].1)
        .expect("a PNG")
        .to_rgba8();
    assert_eq!(saved.dimensions(), (60, 40));
    assert_eq!(rgb(saved.get_pixel(30, 20)), GREEN);

    // Text dropped at the end of the first line goes in there.
    let f = drop_on(&d, (380, MARGIN + 8), atoms::TEXT_PLAIN_UTF8.0, b" dropped");
    let Event::DndFinished(f) = f else {
        unreachable!()
    };
    assert!(f.success, "{f:?}");
    d.input(FakeKind::Motion, 0, 300, 250);
    let recs = save(&d, "drops.ydoc", |r| texts(r)[0] != "first");
    assert_eq!(texts(&recs), ["first dropped", "[image]", "last"]);
}

// ---------------------------------------------------------------------------------------
// In-place editing

/// The window of the client named `name` inside `w`'s subtree, if any.
fn descendant_of_client(d: &Display, w: WindowId, name: &str) -> Option<WindowId> {
    let clients = d.conn.list_clients().reply().ok()?;
    let owner = clients.clients.iter().find(|c| c.app_name == name)?.id;
    let mut todo = vec![w];
    while let Some(x) = todo.pop() {
        let Ok(tree) = d.conn.query_tree(x).reply() else {
            continue;
        };
        for c in tree.children {
            if d.conn
                .get_window_attributes(c)
                .reply()
                .is_ok_and(|a| a.owner == owner)
            {
                return Some(c);
            }
            todo.push(c);
        }
    }
    None
}

/// A window's position in root coordinates (ydoc sits at the root's origin).
fn origin_in_root(d: &Display, mut w: WindowId) -> (i32, i32) {
    let (mut x, mut y) = (0, 0);
    while w != d.conn.root() {
        let g = d.conn.get_geometry(w).reply().unwrap();
        (x, y) = (x + g.rect.x, y + g.rect.y);
        w = d.conn.query_tree(w).reply().unwrap().parent;
    }
    (x, y)
}

/// The drawing's background in the in-place tests.
const YELLOW: u32 = 0xfff5c0;

/// Starts ydoc on a document with a 200x120 yellow drawing between two paragraphs;
/// returns it, its window, and the drawing's top (ydoc's window is at the root's origin).
fn start_with_drawing(d: &Display) -> (App, WindowId, i32) {
    let [r, g, b] = channels(YELLOW).map(|c| c as u8);
    let drawing = image::RgbaImage::from_pixel(200, 120, image::Rgba([r, g, b, 255]));
    let file = ydoc_file(&[
        ("text", b"Above the drawing"),
        ("drawing", &png_of(&drawing)),
        ("text", b"Below the drawing"),
    ]);
    std::fs::write(d.path("paper.ydoc"), file).unwrap();
    let doc = d.spawn(
        YDOC,
        &["--exit-after", "90", "--size", "560x460", "paper.ydoc"],
    );
    let w = d.window_of("ydoc");
    let mut px = d.read_window(w);
    eventually("the drawing shows", || {
        px = d.read_window(w);
        px.count(Rect::new(MARGIN, 0, 200, 460), |p| p == YELLOW) == 200 * 120
    });
    let top = (0..460)
        .find(|y| px.at(MARGIN + 100, *y) == YELLOW)
        .unwrap();
    (doc, w, top)
}

/// Double-clicks the drawing at `top` and waits for ypaint's window inside `w`.
fn edit_in_place(d: &Display, w: WindowId, top: i32) -> WindowId {
    let (cx, cy) = (MARGIN + 100, top + 60);
    d.click(cx, cy);
    d.click(cx, cy);
    let mut part = None;
    eventually("ypaint's window is inside ydoc's", || {
        part = descendant_of_client(d, w, "ypaint");
        part.is_some()
    });
    let part = part.unwrap();
    // ydoc has taken the part on (save set, ACTIVATE) when it gives it the focus; before
    // that, ypaint's window is inside but not yet ydoc's part.
    eventually("ydoc gives the part the focus", || {
        d.conn
            .get_input_focus()
            .reply()
            .is_ok_and(|f| f.window == part)
    });
    part
}

#[test]
fn a_drawing_is_edited_in_place_with_ypaint() {
    let _watchdog = Watchdog::start("a_drawing_is_edited_in_place_with_ypaint");
    let d = Display::start();
    let (_doc, w, top) = start_with_drawing(&d);
    let mut px = d.read_window(w);
    let below = first_ink_row(&px, top + 120).expect("the paragraph below");
    assert!(
        below > top + 120 + GAP / 2,
        "text at {below}, part at {top}"
    );

    // A double click on it runs ypaint inside ydoc's window.
    let part = edit_in_place(&d, w, top);
    let (ox, oy) = origin_in_root(&d, part);
    assert_eq!((ox, oy), (MARGIN, top), "ypaint sits where the part was");
    let (pw, ph) = d.size_of(part);
    assert_eq!(ph, 120 + PAINT_TOOLBAR_H as u32, "canvas and toolbar");
    // Shown: its toolbar (red swatch) and the picture, and the text below has moved
    // down to make room for the toolbar.
    eventually("ypaint shows in the document, the text below moves", || {
        px = d.read_window(w);
        px.count(Rect::new(ox, oy, pw, PAINT_TOOLBAR_H as u32), |p| {
            p == PAINT_RED
        }) > 0
            && px.at(ox + 100, oy + PAINT_TOOLBAR_H + 60) == YELLOW
            && first_ink_row(&px, oy + ph as i32) == Some(below + PAINT_TOOLBAR_H)
    });

    // A stroke across the canvas, then rotate: the part's window changes size and the
    // text below moves again.
    let canvas = |x: i32, y: i32| (ox + x, oy + PAINT_TOOLBAR_H + y);
    d.drag(canvas(20, 60), canvas(100, 60));
    eventually("the stroke shows", || {
        let (x, y) = canvas(60, 60);
        d.read_window(w).at(x, y) == 0x000000
    });
    d.click(ox + PAINT_ROTATE.0, oy + PAINT_ROTATE.1);
    eventually("the part's window has the rotated size", || {
        d.size_of(part) == (pw, 200 + PAINT_TOOLBAR_H as u32)
    });
    eventually("the text below moves with it", || {
        px = d.read_window(w);
        first_ink_row(&px, oy + PAINT_TOOLBAR_H + 200) == Some(below + PAINT_TOOLBAR_H + 80)
    });

    // Done: the editing ends, ypaint exits, the document shows the rotated drawing.
    d.click(ox + PAINT_DONE.0, oy + PAINT_DONE.1);
    eventually("ypaint has exited", || {
        let clients = d.conn.list_clients().reply().unwrap();
        !clients.clients.iter().any(|c| c.app_name == "ypaint")
    });
    eventually("ydoc's window is its own again", || {
        d.conn.query_tree(w).reply().unwrap().children.is_empty()
    });
    eventually("the rotated drawing shows in the document", || {
        px = d.read_window(w);
        px.count(Rect::new(MARGIN, top, 120, 200), |p| p == YELLOW) > 100 * 180
            && first_ink_row(&px, top + 200) == Some(below + 80)
    });
    let (x, y) = (MARGIN + 59, top + 60);
    assert_eq!(px.at(x, y), 0x000000, "the stroke, turned upright");

    d.input(FakeKind::Motion, 0, 400, 8);
    let recs = save(&d, "paper.ydoc", |r| {
        r.len() == 3 && image::load_from_memory(&r[1].1).is_ok_and(|i| i.width() == 120)
    });
    assert_eq!(
        texts(&recs),
        ["Above the drawing", "[drawing]", "Below the drawing"]
    );
    let saved = image::load_from_memory(&recs[1].1).unwrap().to_rgba8();
    assert_eq!(saved.dimensions(), (120, 200), "width and height swapped");
    // The horizontal stroke at y 60 from x 20 to 100 is now vertical at x 119 − 60.
    for y in 25..=95 {
        assert_eq!(rgb(saved.get_pixel(59, y)), 0x000000, "stroke at (59, {y})");
    }
    assert_eq!(
        rgb(saved.get_pixel(59, 10)),
        YELLOW,
        "before the stroke's start"
    );
    assert_eq!(rgb(saved.get_pixel(20, 60)), YELLOW, "beside the stroke");
    assert_eq!(rgb(saved.get_pixel(100, 150)), YELLOW);
}

/// Processes whose command line contains `needle`: (pid, command line).
fn processes_with(needle: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        if let Ok(raw) = std::fs::read(entry.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&raw).replace('\0', " ");
            if cmd.contains(needle) {
                out.push((pid, cmd));
            }
        }
    }
    out
}

/// Kills the process `pid` when dropped (ypaint outlives the ydoc that started it).
struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.0.to_string()])
            .status();
    }
}

#[test]
fn a_part_outlives_its_container_through_the_save_set() {
    let _watchdog = Watchdog::start("a_part_outlives_its_container_through_the_save_set");
    let d = Display::start();
    let (doc, w, top) = start_with_drawing(&d);
    let part = edit_in_place(&d, w, top);
    let container = d.conn.query_tree(part).reply().unwrap().parent;
    let needle = format!("--embed-into {:#x}", container.0);
    let found = processes_with(&needle);
    let [(pid, cmd)] = &found[..] else {
        panic!("not one ypaint for {needle:?}: {found:?}")
    };
    let _reaper = KillOnDrop(*pid);
    assert!(cmd.contains("ypaint"), "{cmd}");
    let (ox, oy) = origin_in_root(&d, part);

    // ydoc dies (killed): its windows go, the part's is rescued to the root in place.
    let err = doc.err.clone(); // ypaint writes to ydoc's stderr
    drop(doc);
    eventually("the part's window is a top-level window", || {
        d.conn
            .query_tree(part)
            .reply()
            .is_ok_and(|t| t.parent == d.conn.root())
    });
    assert_eq!(
        origin_in_root(&d, part),
        (ox, oy),
        "where it was on the screen"
    );
    let attrs = d.conn.get_window_attributes(part).reply().unwrap();
    assert_eq!(attrs.map_state, yonder_protocol::reply::MapState::Viewable);
    // ypaint goes on: a stroke on its canvas shows.
    let canvas = |x: i32, y: i32| (ox + x, oy + PAINT_TOOLBAR_H + y);
    d.drag(canvas(20, 60), canvas(120, 60));
    eventually("ypaint still paints", || {
        let px = d.read_window(part);
        px.at(70, PAINT_TOOLBAR_H + 60) == 0x000000
    });
    // It knows it has no container any more: Escape asks no one to end the editing.
    key(&d, keysym::ESCAPE);
    std::thread::sleep(Duration::from_millis(300));
    let said = std::fs::read_to_string(&err).unwrap();
    assert!(!said.contains("ypaint"), "ypaint complained:\n{said}");
    assert!(processes_with(&needle).len() == 1, "ypaint ended");
    // Its temporary picture file is left behind by the killed ydoc: tidy up.
    if let Some(file) = cmd.split_whitespace().last() {
        if let Some(dir) = std::path::Path::new(file).parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
