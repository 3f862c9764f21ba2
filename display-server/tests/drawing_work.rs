//! The work of drawing is bounded (protocol.md §19.3): one drawing request may touch at
//! most `--max-request-pixels` pixels, as the server bounds them before drawing (past it:
//! Value, nothing drawn), and a batch of heavy but legal drawing stops after its budget
//! so that another client's round trip is not held up behind all of it.

use std::io::{Read, Write};
use yonder::prelude::*;
use yonder::{Connection, ReplyError};
use yonder_protocol::request::{
    CreateGc, CreatePixmap, GcValues, GetImage, GetInputFocus, ImageFormat, PolyFillRectangle, Sync,
};
use yonder_protocol::{
    frame, Color, Drawable, ErrorCode, GcId, PixmapId, ProtocolError, Rect, Reply, Request,
    ServerMessage, WindowId,
};
use yonder_test_support::client::*;
use yonder_test_support::raw::RawClient;
use yonder_test_support::server::*;

/// The Value error a refused request came back with.
fn value_error(r: Result<(), ReplyError>) -> ProtocolError {
    match r {
        Err(ReplyError::Protocol(p)) if p.code == ErrorCode::Value => p,
        other => panic!("expected a Value error, got {other:?}"),
    }
}

/// A `side`² pixmap of `conn` and a GC drawing red into it.
fn pixmap(conn: &Connection, side: u32) -> (PixmapId, GcId) {
    let p = conn.new_pixmap_id();
    conn.create_pixmap(p, WindowId::ROOT, side, side)
        .check()
        .unwrap();
    let gc = conn.new_gc_id();
    let values = GcValues {
        foreground: Some(Color::rgb(0xff0000)),
        ..GcValues::default()
    };
    conn.create_gc(gc, p, values).check().unwrap();
    (p, gc)
}

#[test]
fn a_fill_past_the_default_cap_fails_with_value_and_draws_nothing() {
    let s = TestServer::start();
    let conn = s.connect();
    let side = 1024; // 2^20 pixels
    let (p, gc) = pixmap(&conn, side);
    // 257 rectangles covering the whole pixmap: 2^28 + 2^20 pixels, past the 2^28 cap.
    let whole = Rect::new(0, 0, side, side);
    let e = value_error(conn.poly_fill_rectangle(p, gc, &[whole; 257]).check());
    let asked = 257u64 << 20;
    assert_eq!(e.bad_value, asked);
    assert!(
        e.message.contains(&asked.to_string())
            && e.message.contains(&(1u64 << 28).to_string())
            && e.message.contains("--max-request-pixels")
            && e.message.contains("split"),
        "{}",
        e.message
    );
    let px = read(&conn, p, whole);
    assert_eq!(px.count(0xff0000), 0, "nothing was drawn");
    // Rectangles count only their part inside the drawable: many that mostly miss it
    // are drawn (300 × 24² pixels).
    let corner = Rect::new(1000, 1000, side, side);
    conn.poly_fill_rectangle(p, gc, &[corner; 300])
        .check()
        .unwrap();
    let px = read(&conn, p, whole);
    assert_eq!(px.count(0xff0000), 24 * 24);
    assert_eq!(px.at(1000, 1000), 0xff0000);
}

#[test]
fn the_cap_is_a_flag_and_a_request_just_under_it_draws() {
    let cap = 1 << 16;
    let s = TestServer::start_with(|c| c.max_request_pixels = cap);
    let conn = s.connect();
    let (p, gc) = pixmap(&conn, 64); // 4096 pixels
    let whole = Rect::new(0, 0, 64, 64);
    // 16 whole fills are the cap exactly: drawn.
    conn.poly_fill_rectangle(p, gc, &[whole; 16])
        .check()
        .unwrap();
    assert_eq!(read(&conn, p, whole).count(0xff0000), 64 * 64);
    let blue = conn.new_gc_id();
    let values = GcValues {
        foreground: Some(Color::rgb(0x0000ff)),
        ..GcValues::default()
    };
    conn.create_gc(blue, p, values).check().unwrap();
    // 17 are one fill too many.
    let e = value_error(conn.poly_fill_rectangle(p, blue, &[whole; 17]).check());
    assert_eq!(e.bad_value, 17 * 4096);
    // Counted item by item: 15 whole fills and 4 quarters (half outside each way) are
    // the cap exactly; one pixel more is past it.
    let quarter = Rect::new(32, 32, 64, 64);
    let mut rects = vec![whole; 15];
    rects.extend([quarter; 4]);
    let mut over = rects.clone();
    over.push(Rect::new(0, 0, 1, 1));
    let e = value_error(conn.poly_fill_rectangle(p, blue, &over).check());
    assert_eq!(e.bad_value, cap + 1);
    assert_eq!(read(&conn, p, whole).count(0xff0000), 64 * 64, "unchanged");
    conn.poly_fill_rectangle(p, blue, &rects).check().unwrap();
    assert_eq!(read(&conn, p, whole).count(0x0000ff), 64 * 64);
}

/// Client A sends, in one write, a Sync, a batch of heavy but legal fills and then a
/// request with a reply. Once the Sync's answer shows that A's batch is under way, client B
/// asks for a round trip: B's reply comes while A's batch is still being drawn, slice by
/// slice, and A's own reply has not come yet. (Without the budget, A's whole batch would
/// be drawn before anything is answered.)
#[test]
fn another_clients_round_trip_is_served_between_a_heavy_batchs_slices() {
    // Each fill below is one budget: every slice of A's batch is one request.
    let (side, budget) = (2048, 1 << 22);
    let s = TestServer::start_with(|c| c.batch_work_budget = budget);
    let mut a = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let mut b = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let (p, gc) = (Drawable(a.id(1)), GcId(a.id(2)));
    a.succeeds(Request::CreatePixmap(CreatePixmap {
        id: PixmapId(p.0),
        drawable: Drawable(WindowId::ROOT.0),
        width: side,
        height: side,
    }));
    a.succeeds(Request::CreateGc(CreateGc {
        id: gc,
        drawable: p,
        values: GcValues {
            foreground: Some(Color::rgb(0x00ff00)),
            ..GcValues::default()
        },
    }));
    // Four requests so far (two with their Syncs): the Sync is number 5, the fills 6 to
    // 67, A's GetInputFocus 68.
    let heavy = Request::PolyFillRectangle(PolyFillRectangle {
        drawable: p,
        gc,
        rects: vec![Rect::new(0, 0, side, side)],
    });
    let mut bytes = Vec::new();
    frame::encode_frame(&Request::Sync(Sync {}), &mut bytes);
    for _ in 0..62 {
        frame::encode_frame(&heavy, &mut bytes);
    }
    frame::encode_frame(&Request::GetInputFocus(GetInputFocus {}), &mut bytes);
    a.sock.write_all(&bytes).unwrap();
    match a.next_answer() {
        ServerMessage::Reply {
            seq,
            reply: Reply::Sync(_),
        } => assert_eq!(seq.0, 5),
        other => panic!("{other:?}"),
    }
    // B's round trip, while A's batch is under way.
    b.send(&Request::GetInputFocus(GetInputFocus {}));
    match b.next_answer() {
        ServerMessage::Reply {
            reply: Reply::InputFocus(_),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    // A's work is still under way: nothing more has come for it yet.
    a.sock.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    match a.sock.read(&mut byte) {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("A was answered before B: {other:?}"),
    }
    a.sock.set_nonblocking(false).unwrap();
    // Then A gets its answer, after all its fills, in its order.
    match a.next_answer() {
        ServerMessage::Reply {
            seq,
            reply: Reply::InputFocus(_),
        } => assert_eq!(seq.0, 68),
        other => panic!("{other:?}"),
    }
    a.send(&Request::GetImage(GetImage {
        drawable: p,
        rect: Rect::new(side as i32 - 1, side as i32 - 1, 1, 1),
        format: ImageFormat::Bgrx,
    }));
    match a.next_answer() {
        ServerMessage::Reply {
            reply: Reply::Image(img),
            ..
        } => assert_eq!(img.data[..3], [0, 0xff, 0], "filled in green"),
        other => panic!("{other:?}"),
    }
}
