//! Numbers from a client at their extremes, the family of the fuzzer's crashes (issue 11):
//! image sizes near `u32::MAX`, a GetImage of 2⁶⁴ pixels, a window tree as deep as a
//! client likes. Each gets its error and the server, which these tests run in a debug
//! build with overflow checks, goes on serving every client.

use yonder_protocol::request::*;
use yonder_protocol::{
    Drawable, ErrorCode, GcId, Point, Rect, Reply, Request, ServerMessage, WindowId,
};
use yonder_test_support::raw::RawClient;
use yonder_test_support::server::*;

const MAX: u32 = u32::MAX;

fn create_window(id: u64, parent: u64, size: u32) -> Request {
    Request::CreateWindow(CreateWindow {
        id: WindowId(id),
        parent: WindowId(parent),
        rect: Rect::new(0, 0, size, size),
        attributes: WindowAttributes::default(),
    })
}

/// A client with a window (id 1) and a GC (id 2).
fn client_with_window(s: &TestServer) -> RawClient {
    let mut c = RawClient::connect(s, yonder_protocol::PROTOCOL_MINOR);
    let (w, gc) = (c.id(1), c.id(2));
    c.succeeds(create_window(w, 1, 8));
    c.succeeds(Request::CreateGc(CreateGc {
        id: GcId(gc),
        drawable: Drawable(w),
        values: GcValues::default(),
    }));
    c
}

#[test]
fn images_of_u32_max_sides_are_refused_in_every_format() {
    let s = TestServer::start();
    let mut c = client_with_window(&s);
    let (w, gc) = (c.id(1), c.id(2));
    for (format, data) in [
        (ImageFormat::Bgrx, vec![0; 8]),
        (ImageFormat::Rgba, vec![0; 8]),
        (
            ImageFormat::Qoi,
            b"qoif\xff\xff\xff\xff\xff\xff\xff\xff\x04\x00".to_vec(),
        ),
    ] {
        for (width, height) in [(MAX, MAX), (MAX, 2), (1 << 31, 1 << 31)] {
            let e = c.error_of(Request::PutImage(PutImage {
                drawable: Drawable(w),
                gc: GcId(gc),
                dst: Point::new(0, 0),
                width,
                height,
                format,
                data: data.clone(),
            }));
            assert!(
                matches!(
                    e.code,
                    ErrorCode::Value | ErrorCode::Alloc | ErrorCode::Length
                ),
                "{format:?} {width}x{height}: {e:?}"
            );
        }
    }
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
}

#[test]
fn a_get_image_of_u32_max_sides_is_refused_and_the_reader_goes_on() {
    // The connection's reader weighs a GetImage by its pixels before the state thread sees
    // it: 4 · (2³² − 1)² must neither overflow there nor end the connection.
    let s = TestServer::start();
    let mut c = client_with_window(&s);
    let w = c.id(1);
    for rect in [Rect::new(0, 0, MAX, MAX), Rect::new(0, 0, MAX, 1 << 30)] {
        let e = c.error_of(Request::GetImage(GetImage {
            drawable: Drawable(w),
            rect,
            format: ImageFormat::Bgrx,
        }));
        assert_eq!(e.code, ErrorCode::Match, "{e:?}");
    }
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
}

#[test]
fn the_window_tree_is_at_most_256_levels_deep() {
    let s = TestServer::start();
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    // A chain of 256 windows under the root, each the child of the one before.
    let ids: Vec<u64> = (1..=257).map(|n| c.id(n)).collect();
    let mut parent = 1;
    for id in &ids[..256] {
        c.send(&create_window(*id, parent, 1));
        parent = *id;
    }
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
    // The 257th level is refused, naming the window.
    let e = c.error_of(create_window(ids[256], ids[255], 1));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Alloc, ids[256]));
    // So is moving a two-level subtree under level 255.
    let (a, b) = (c.id(300), c.id(301));
    c.succeeds(create_window(a, 1, 1));
    c.succeeds(create_window(b, a, 1));
    let reparent = |window: u64, parent: u64| {
        Request::ReparentWindow(ReparentWindow {
            window: WindowId(window),
            parent: WindowId(parent),
            x: 0,
            y: 0,
        })
    };
    let e = c.error_of(reparent(a, ids[254]));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Alloc, a));
    c.succeeds(reparent(a, ids[253]));
    // Mapping the whole chain, composing it and destroying it from the top all work.
    for id in &ids[..256] {
        c.send(&Request::MapWindow(MapWindow {
            window: WindowId(*id),
        }));
    }
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
    c.succeeds(Request::DestroyWindow(DestroyWindow {
        window: WindowId(ids[0]),
    }));
    c.send(&Request::QueryTree(QueryTree {
        window: WindowId::ROOT,
    }));
    match c.next_answer() {
        ServerMessage::Reply {
            reply: Reply::QueryTree(t),
            ..
        } => assert!(!t.children.contains(&WindowId(ids[0]))),
        other => panic!("{other:?}"),
    }
}
