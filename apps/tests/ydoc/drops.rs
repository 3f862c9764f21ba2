//! Drops: a PNG dropped on ydoc (this test is the drag source) becomes an image part,
//! shown and saved; dropped text goes into the paragraph.

use super::*;
use yonder::prelude::*;

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
    let _watchdog = watchdog("dropped_pictures_and_text_go_into_the_document");
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
        px.count_in(Rect::new(0, 0, 400, 300), |p| p == GREEN) == 60 * 40
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
