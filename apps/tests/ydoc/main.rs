//! `ydoc`, the compound-document editor, as a user meets it, against a real server in
//! this process (see `yonder_test_support::apps`), driven by synthetic input:
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
//!
//! One test binary: [`text`], [`drops`], [`parts`]; the helpers they share are here.

mod drops;
mod parts;
mod text;

use std::time::{Duration, Instant};
use yonder::{Connection, Incoming};
use yonder_protocol::request::{DndAction, DndActions, FakeKind};
use yonder_protocol::{keysym, Event, Rect, WindowId};
use yonder_test_support::apps::*;
use yonder_test_support::client::Pixels;

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
        d.chord(keysym::CONTROL_L, 's' as u32);
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
        px.count_in(Rect::new(MARGIN, MARGIN, 4, 10), |p| p == CARET) > 0
            || px.count_in(Rect::new(MARGIN, MARGIN, 300, 20), dark) > 0
    });
}

/// The first row at or below `from` with text ink in columns `MARGIN..MARGIN + 250`.
fn first_ink_row(px: &Pixels, from: i32) -> Option<i32> {
    let bottom = px.rect.y + px.rect.height as i32;
    (from..bottom).find(|y| px.count_in(Rect::new(MARGIN, *y, 250, 1), dark) > 0)
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
