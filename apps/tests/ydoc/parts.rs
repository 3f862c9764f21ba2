//! Parts edited in place: ypaint run inside ydoc's window, and a part that outlives its
//! container through the save-set.

use super::*;
use yonder::prelude::*;
use yonder_test_support::process::{processes_with, Adopted};

// ---------------------------------------------------------------------------------------
// In-place editing

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
        px.count_in(Rect::new(MARGIN, 0, 200, 460), |p| p == YELLOW) == 200 * 120
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
        part = d.descendant_of_client(w, "ypaint");
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
    let _watchdog = watchdog("a_drawing_is_edited_in_place_with_ypaint");
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
        px.count_in(Rect::new(ox, oy, pw, PAINT_TOOLBAR_H as u32), |p| {
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
        px.count_in(Rect::new(MARGIN, top, 120, 200), |p| p == YELLOW) > 100 * 180
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

#[test]
fn a_part_outlives_its_container_through_the_save_set() {
    let _watchdog = watchdog("a_part_outlives_its_container_through_the_save_set");
    let d = Display::start();
    let (doc, w, top) = start_with_drawing(&d);
    let part = edit_in_place(&d, w, top);
    let container = d.conn.query_tree(part).reply().unwrap().parent;
    let needle = format!("--embed-into {:#x}", container.0);
    let found = processes_with(&needle);
    let [(pid, cmd)] = &found[..] else {
        panic!("not one ypaint for {needle:?}: {found:?}")
    };
    let _reaper = Adopted::new(*pid);
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
    d.key(keysym::ESCAPE);
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
