//! A window measures text through the server when the display's fonts are not the
//! toolkit's (here forced with `YONDER_MEASURE_ON_SERVER=1`, so that this display's
//! fonts, which are the toolkit's, give the expected answers): the carets of a text in
//! one batch request (protocol.md §9.54), each answer kept, and the same numbers as the
//! client's own metrics. Its own test binary: the variable is the process's.

use yonder::prelude::*;
use yonder::Connection;
use yonder_fonts::{Face, Metrics};
use yonder_protocol::request::ImageFormat;
use yonder_protocol::{EventMask, Rect};
use yonder_test_support::server::*;
use yonder_toolkit::widgets::TextEntry;
use yonder_toolkit::{Window, WindowSpec};

/// How many requests `f` sends on `conn` (the sequence numbers of two markers around it).
fn requests_sent(conn: &Connection, f: impl FnOnce()) -> u64 {
    let before = conn.get_input_focus().seq().0;
    f();
    conn.get_input_focus().seq().0 - before - 1
}

#[test]
fn carets_come_from_the_server_in_one_batch_when_the_fonts_differ() {
    let s = TestServer::start();
    let conn = s.connect();
    let win = Window::open(
        &conn,
        WindowSpec {
            title: "measure",
            rect: Rect::new(10, 10, 100, 40),
            background: 0xFFFFFF,
            events: EventMask::EMPTY,
        },
    );
    let text = "Wide ü text";
    let local = Metrics::of(Face::SansBold).unwrap();
    let mut carets = Vec::new();
    std::env::set_var("YONDER_MEASURE_ON_SERVER", "1");
    let asked = requests_sent(&conn, || carets = win.carets_in(Face::SansBold, 17.0, text));
    assert_eq!(asked, 2, "the GC's font, then one batch of every prefix");
    assert_eq!(
        carets,
        local.carets(17.0, text),
        "the server's widths are the font's"
    );
    let again = requests_sent(&conn, || {
        assert_eq!(win.carets_in(Face::SansBold, 17.0, text), carets);
        assert_eq!(
            win.measure_in(Face::SansBold, 17.0, "Wide").width,
            carets[4] as u32
        );
    });
    assert_eq!(again, 0, "answers are kept");
    let extents = win.measure_in(Face::Mono, 11.0, "iii");
    assert_eq!(
        extents.width,
        Metrics::of(Face::Mono).unwrap().width(11.0, "iii")
    );

    // A text entry drawn on such a display asks once per new text, and its caret stands
    // where the display's font puts it.
    let mut entry = TextEntry::new();
    entry.rect = Rect::new(0, 0, 100, 26);
    entry.set_text("Hello");
    let draw =
        |entry: &TextEntry| requests_sent(&conn, || entry.draw(&win, win.back().into(), true));
    let first = draw(&entry);
    let second = draw(&entry);
    assert_eq!(
        first - second,
        4,
        "the line's and the carets' questions, each after its font"
    );
    entry.set_text("Hello!");
    assert_eq!(
        draw(&entry) - second,
        2,
        "only the new prefix is asked about"
    );
    win.present();
    let caret = 6 + Metrics::of(Face::Sans).unwrap().carets(14.0, "Hello!")[6];
    let row = conn
        .get_image(win.id, Rect::new(0, 13, 100, 1), ImageFormat::Rgba)
        .reply()
        .unwrap()
        .data;
    let accent = |x: i32| row[x as usize * 4..x as usize * 4 + 3] == [0x1e, 0x66, 0xf5];
    assert!(
        accent(caret) && accent(caret + 1),
        "the caret after the last glyph"
    );

    std::env::remove_var("YONDER_MEASURE_ON_SERVER");
    let local_asks = requests_sent(&conn, || {
        assert_eq!(
            win.carets_in(Face::Sans, 13.0, "new"),
            Metrics::of(Face::Sans).unwrap().carets(13.0, "new")
        );
    });
    assert_eq!(local_asks, 0, "the same fonts: measured on the client");
}
