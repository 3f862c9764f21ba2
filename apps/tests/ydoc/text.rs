//! Text: typed, saved with Ctrl+S and shown again; selected, copied and pasted into a
//! second ydoc.

use super::*;
use yonder::prelude::*;

// ---------------------------------------------------------------------------------------

#[test]
fn typed_text_is_saved_and_shows_again() {
    let _watchdog = watchdog("typed_text_is_saved_and_shows_again");
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
    d.type_text("Hello Yondr");
    d.key(keysym::LEFT);
    d.type_text("e");
    d.key(keysym::END);
    d.key(keysym::RETURN);
    d.type_text("Second line");
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
        px.count_in(Rect::new(MARGIN, MARGIN, 300, 20), dark) > 40
    });
    let first = first_ink_row(&px, 0).expect("ink");
    let second = first_ink_row(&px, first + 22).expect("a second line");
    assert!(second - first < 40, "lines at {first} and {second}");
    // "Hello Yonder" at 16 pixels is about 100 pixels wide; nothing far right of it.
    let line = Rect::new(MARGIN, MARGIN, 300, 20);
    let right = Rect::new(MARGIN + 60, MARGIN, 50, 20);
    assert!(px.count_in(right, dark) > 10, "the text's end is not shown");
    let beyond = Rect::new(MARGIN + 150, MARGIN, 150, 20);
    assert_eq!(px.count_in(beyond, dark), 0, "ink beyond the text");
    assert!(px.count_in(line, dark) > 100);
}

#[test]
fn text_copied_in_one_ydoc_pastes_into_another() {
    let _watchdog = watchdog("text_copied_in_one_ydoc_pastes_into_another");
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
    d.type_text("copy me please");
    d.input(FakeKind::KeyPress, keysym::SHIFT_L, 0, 0);
    for _ in 0.."please".len() {
        d.key(keysym::LEFT);
    }
    d.input(FakeKind::KeyRelease, keysym::SHIFT_L, 0, 0);
    d.chord(keysym::CONTROL_L, 'c' as u32);
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
    d.chord(keysym::CONTROL_L, 'v' as u32);
    eventually("the pasted text shows", || {
        d.read_window(b)
            .count_in(Rect::new(MARGIN, MARGIN, 200, 20), dark)
            > 20
    });
    let recs = save(&d, "b.ydoc", |r| !r.is_empty());
    assert_eq!(texts(&recs), ["please"]);
}
