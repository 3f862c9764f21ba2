//! Text measured on the client is what the server measures, for every face, over the
//! wire: the toolkit finds the server's fonts to be its own (the setup's digests) and its
//! measurements equal QueryTextExtents'; text drawn in Bold and Mono looks different from
//! Sans.

use yonder::prelude::*;
use yonder_test_support::client::read;
use yonder_test_support::server::TestServer;
use yonder_toolkit::fonts::Face;
use yonder_toolkit::{Window, WindowSpec};

#[test]
fn client_measurements_equal_the_servers_for_every_face() {
    let s = TestServer::start();
    let conn = s.connect();
    let win = Window::open(
        &conn,
        WindowSpec {
            title: "text",
            rect: Rect::new(0, 0, 400, 120),
            background: 0xffffff,
            events: EventMask::EMPTY,
        },
    );
    let gc = conn.new_gc_id();
    conn.create_gc(gc, win.id, GcValues::default());
    for face in Face::ALL {
        assert!(
            win.fonts_agree(face),
            "{face:?}: the server's font is another"
        );
        for px in [9.0, 13.0, 14.25, 22.0] {
            for text in ["Hello, Yonder!", "AVATAR Wo", "€ß é ✓", "iiiWWW"] {
                let values = GcValues {
                    font_size: Some(px),
                    font_face: Some(face.number()),
                    ..GcValues::default()
                };
                conn.change_gc(gc, values);
                let server = conn.query_text_extents(gc, text).reply().expect("reply");
                let client = win.measure_in(face, px, text);
                let pair = |w, a, d, fa, fd| (w, a, d, fa, fd);
                assert_eq!(
                    pair(
                        client.width,
                        client.ascent,
                        client.descent,
                        client.font_ascent,
                        client.font_descent
                    ),
                    pair(
                        server.width,
                        server.ascent,
                        server.descent,
                        server.font_ascent,
                        server.font_descent
                    ),
                    "{face:?} {px} px {text:?}"
                );
            }
        }
    }
    // Drawn in each face: three different pictures of the same word.
    let pictures: Vec<Vec<u32>> = Face::ALL
        .iter()
        .enumerate()
        .map(|(i, &face)| {
            let y = 30 + 35 * i as i32;
            win.text_in(win.id, Point::new(10, y), face, 20.0, 0x000000, "Yonder");
            conn.sync().expect("sync");
            read(&conn, win.id, Rect::new(10, y - 20, 120, 26)).data
        })
        .collect();
    assert!(
        pictures.iter().all(|p| p.iter().any(|&c| c != 0xffffff)),
        "nothing drawn"
    );
    assert_ne!(pictures[0], pictures[1], "Bold looks like Sans");
    assert_ne!(pictures[0], pictures[2], "Mono looks like Sans");
}
