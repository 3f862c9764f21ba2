//! The connection's version (protocol.md §5.3), the shape check of SendEvent's event
//! (§9.17) and the errors' `bad_value`s (§12), through byte-level clients of each version.

use yonder_protocol::event::ScreenChangeEvent;
use yonder_protocol::request::*;
use yonder_protocol::{
    Atom, Drawable, ErrorCode, Event, EventMask, GcId, PixmapId, Point, Rect, Reply, Request,
    ServerMessage, ShmSegment, Timestamp, WindowId,
};
use yonder_test_support::client::*;
use yonder_test_support::raw::RawClient;
use yonder_test_support::server::*;

fn create_window(id: u64, rect: Rect, attributes: WindowAttributes) -> Request {
    Request::CreateWindow(CreateWindow {
        id: WindowId(id),
        parent: WindowId::ROOT,
        rect,
        attributes,
    })
}

fn put_image(
    w: u64,
    gc: u64,
    (width, height): (u32, u32),
    f: ImageFormat,
    data: Vec<u8>,
) -> Request {
    Request::PutImage(PutImage {
        drawable: Drawable(w),
        gc: GcId(gc),
        dst: Point::new(0, 0),
        width,
        height,
        format: f,
        data,
    })
}

#[test]
fn a_1_0_client_is_served_as_a_1_0_server_would() {
    let s = TestServer::start_with(|c| c.shm = true);
    let mut c = RawClient::connect(&s, 0);
    let w1 = c.id(1);
    // Its setup: no SHM (of 1.3), Limits of two fields (the third is of 1.4).
    assert!(c.setup.extensions.is_empty());
    assert_eq!(c.setup.limits.max_drawable_pixels, None);
    assert!(hex::encode(&c.setup_body).contains("92ce01000000cd4000"));
    assert_eq!(c.setup.minor, yonder_protocol::PROTOCOL_MINOR);

    // A request of 1.2: a Request error naming the opcode, and the connection goes on.
    let e = c.error_of(Request::SetSelectionOwner(SetSelectionOwner {
        selection: Atom(3),
        owner: WindowId::NONE,
        time: Timestamp(0),
    }));
    assert_eq!(
        (e.code, e.bad_value, e.opcode),
        (ErrorCode::Request, 60, 60)
    );
    assert!(e.message.contains("version 1.2"), "{}", e.message);

    // SCROLL (of 1.1) in a 1.0 event mask, and a cursor (a field of 1.1).
    let scroll = EventMask::EXPOSURE | EventMask::SCROLL;
    let attrs = WindowAttributes {
        event_mask: Some(scroll),
        ..Default::default()
    };
    let e = c.error_of(create_window(w1, Rect::new(0, 0, 10, 10), attrs));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, scroll.0 as u64));
    let attrs = WindowAttributes {
        cursor: Some(Cursor::Text),
        ..Default::default()
    };
    let e = c.error_of(create_window(w1, Rect::new(0, 0, 10, 10), attrs));
    assert_eq!(
        (e.code, e.bad_value),
        (ErrorCode::Value, Cursor::Text as u64)
    );

    // What 1.0 has works: the same window with the bits of 1.0.
    let attrs = WindowAttributes {
        event_mask: Some(EventMask::EXPOSURE | EventMask::KEY_PRESS),
        ..Default::default()
    };
    c.succeeds(create_window(w1, Rect::new(0, 0, 10, 10), attrs));
}

#[test]
fn a_1_2_client_gets_no_shared_memory_and_no_qoi() {
    let s = TestServer::start_with(|c| c.shm = true);
    let mut c = RawClient::connect(&s, 2);
    let w1 = c.id(1);
    assert!(c.setup.extensions.is_empty(), "{:?}", c.setup.extensions);
    // A 1.3 client of the same server on the same socket is offered SHM.
    let newer = RawClient::connect(&s, 3);
    assert_eq!(newer.setup.extensions, ["SHM"]);
    assert_eq!(newer.setup.limits.max_drawable_pixels, None);

    // OWNER_CHANGE is of 1.2: fine here.
    let attrs = WindowAttributes {
        event_mask: Some(EventMask::OWNER_CHANGE),
        ..Default::default()
    };
    c.succeeds(create_window(w1, Rect::new(0, 0, 4, 4), attrs));
    let (w, gc) = (c.id(1), c.id(2));
    c.succeeds(Request::CreateGc(CreateGc {
        id: GcId(gc),
        drawable: Drawable(w),
        values: GcValues::default(),
    }));
    // QOI is of 1.3: a Value error naming the format, before the data is looked at.
    let e = c.error_of(put_image(w, gc, (1, 1), ImageFormat::Qoi, vec![0; 3]));
    assert_eq!((e.code, e.bad_value, e.opcode), (ErrorCode::Value, 4, 50));
    // ShmDetach is of 1.3: a Request error.
    let e = c.error_of(Request::ShmDetach(ShmDetach {
        segment: ShmSegment(1),
    }));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Request, 71));
    // Raw pixels work.
    c.succeeds(put_image(
        w,
        gc,
        (1, 1),
        ImageFormat::Bgrx,
        vec![0, 0, 255, 0],
    ));
}

#[test]
fn reserved_event_mask_bits_are_refused_in_every_version() {
    let s = TestServer::start();
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let w1 = c.id(1);
    assert_eq!(c.setup.limits.max_drawable_pixels, Some(1 << 25));
    let reserved = EventMask(EventMask::EXPOSURE.0 | 1 << 7);
    let attrs = WindowAttributes {
        event_mask: Some(reserved),
        ..Default::default()
    };
    let e = c.error_of(create_window(w1, Rect::new(0, 0, 4, 4), attrs));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, reserved.0 as u64));
    c.succeeds(create_window(w1, Rect::new(0, 0, 4, 4), Default::default()));
    let e = c.error_of(Request::ChangeWindowAttributes(ChangeWindowAttributes {
        window: WindowId(w1),
        attributes: WindowAttributes {
            event_mask: Some(EventMask(1 << 31)),
            ..Default::default()
        },
    }));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 1 << 31));
    let e = c.error_of(Request::SendEvent(SendEvent {
        destination: WindowId(w1),
        event_mask: EventMask(1 << 28),
        event: Event::ScreenChange(ScreenChangeEvent {
            root: WindowId::ROOT,
            width: 1,
            height: 1,
            scale_factor: 1.0,
        }),
    }));
    assert_eq!(
        (e.code, e.bad_value, e.opcode),
        (ErrorCode::Value, 1 << 28, 17)
    );
}

#[test]
fn bad_values_name_the_offending_value() {
    let s = TestServer::start();
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let (w1, p2) = (c.id(1), c.id(2));
    // A zero side: that side (the width when both are out of range).
    let e = c.error_of(create_window(w1, Rect::new(0, 0, 0, 5), Default::default()));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 0));
    let e = c.error_of(create_window(
        w1,
        Rect::new(0, 0, 20000, 5),
        Default::default(),
    ));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 20000));
    let e = c.error_of(create_window(
        w1,
        Rect::new(0, 0, 5, 16385),
        Default::default(),
    ));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 16385));
    // Within the sides, over the pixels: Alloc naming the new drawable.
    let pixmap = |id: u64, w: u32, h: u32| {
        Request::CreatePixmap(CreatePixmap {
            id: PixmapId(id),
            drawable: Drawable(1),
            width: w,
            height: h,
        })
    };
    let e = c.error_of(pixmap(p2, 16384, 16384));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Alloc, p2));
    // Exactly the limit is allowed: 16384 × 2048 = 33,554,432 pixels (128 MiB, within the
    // client's default quota of 256 MiB).
    let p4 = c.id(4);
    c.succeeds(pixmap(p4, 16384, 2048));
    let e = c.error_of(pixmap(p2, 16384, 2049));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Alloc, p2));
    c.succeeds(Request::FreePixmap(FreePixmap {
        pixmap: PixmapId(p4),
    }));

    // GC values: the value itself.
    c.succeeds(create_window(w1, Rect::new(0, 0, 4, 4), Default::default()));
    let (w, gc) = (c.id(1), c.id(3));
    let gc_with = |values: GcValues| {
        Request::CreateGc(CreateGc {
            id: GcId(gc),
            drawable: Drawable(w),
            values,
        })
    };
    let e = c.error_of(gc_with(GcValues {
        line_width: Some(4097),
        ..Default::default()
    }));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 4097));
    let e = c.error_of(gc_with(GcValues {
        font_size: Some(600.5),
        ..Default::default()
    }));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 600));
    c.succeeds(gc_with(GcValues {
        line_width: Some(4096),
        ..Default::default()
    }));
    // A raw image of the wrong length: Length with the bytes received.
    let e = c.error_of(put_image(w, gc, (1, 2), ImageFormat::Bgrx, vec![0; 7]));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Length, 7));
    let e = c.error_of(put_image(w, gc, (1, 2), ImageFormat::Rgba, vec![0; 9]));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Length, 9));
}

#[test]
fn a_sent_event_that_does_not_fit_its_code_is_a_value_error_and_reaches_no_one() {
    let s = TestServer::start();
    let receiver = s.connect();
    let w = window(
        &receiver,
        Rect::new(0, 0, 10, 10),
        0xffffff,
        EventMask::EMPTY,
    );
    drain(&receiver);
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    // [17, [w, 0, event]] with the events of protocol.md §9.17, by hand.
    let bad: [(&[u8], u64); 4] = [
        (&[0x92, 99, 0x92, 0x01, 0xa1, b'x'], 99), // [99, [1, "x"]]
        (&[0x92, 34, 0x90], 34),                   // [34, []]
        (&[0x92, 12, 0x90], 12),                   // [12, []]: Expose without fields
        (&[0xa1, b'x'], 0),                        // "x": not [code, body]
    ];
    for (event, code) in bad {
        let mut body = vec![0x92, 17, 0x93, 0xcf];
        body.extend_from_slice(&w.0.to_be_bytes());
        body.push(0x00);
        body.extend_from_slice(event);
        c.send_body(&body);
        match c.next_answer() {
            ServerMessage::Error { error, .. } => {
                assert_eq!(
                    (error.code, error.bad_value, error.opcode),
                    (ErrorCode::Value, code, 17)
                )
            }
            other => panic!("{other:?}"),
        }
    }
    // The connection goes on, and the receiver saw none of them.
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
    assert!(drain_events(&receiver).is_empty());
    let _ = w;

    // A ScreenChange whose scale_factor is the integer 1 and whose width is a uint 64
    // arrives re-encoded: the float 1.0, the width as short as it fits.
    let mut raw_receiver = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let rw = raw_receiver.id(1);
    raw_receiver.succeeds(create_window(rw, Rect::new(0, 0, 4, 4), Default::default()));
    let mut body = vec![0x92, 17, 0x93, 0xcf];
    body.extend_from_slice(&rw.to_be_bytes());
    body.extend_from_slice(&[
        0x00, 0x92, 41, 0x94, 0x01, 0xcf, 0, 0, 0, 0, 0, 0, 0x02, 0x80,
    ]);
    body.extend_from_slice(&[0x10, 0x01]);
    c.send_body(&body);
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
    let event = yonder_test_support::raw::read_frame(&mut raw_receiver.sock).unwrap();
    // [1, seq, [41, [1, 640, 16, 1.0]], true]
    let want = "94010292299401cd028010cb3ff0000000000000c3";
    assert_eq!(hex::encode(&event), want);

    // A frame broken outside the event is still malformed: the connection closes.
    c.send_body(&[0x92, 17, 0x93, 0xa1, b'w', 0x00, 0x92, 12, 0x90]);
    assert!(c.is_closed());
    drain(&receiver);
}

#[test]
fn each_version_has_its_own_mask_bits_and_fields() {
    let s = TestServer::start();
    // 1.1: SCROLL yes, OWNER_CHANGE and DND (of 1.2) no.
    let mut c = RawClient::connect(&s, 1);
    let w1 = c.id(1);
    let with_mask = |mask: EventMask| WindowAttributes {
        event_mask: Some(mask),
        ..Default::default()
    };
    c.succeeds(create_window(
        w1,
        Rect::new(0, 0, 4, 4),
        with_mask(EventMask::SCROLL),
    ));
    for bit in [EventMask::OWNER_CHANGE, EventMask::DND] {
        let e = c.error_of(Request::ChangeWindowAttributes(ChangeWindowAttributes {
            window: WindowId(w1),
            attributes: with_mask(bit),
        }));
        assert_eq!((e.code, e.bad_value), (ErrorCode::Value, bit.0 as u64));
    }
    // A cursor is fine in 1.1 ...
    let cursor = WindowAttributes {
        cursor: Some(Cursor::Pointer),
        ..Default::default()
    };
    let change = |w: u64, attributes: WindowAttributes| {
        Request::ChangeWindowAttributes(ChangeWindowAttributes {
            window: WindowId(w),
            attributes,
        })
    };
    c.succeeds(change(w1, cursor.clone()));
    // ... not in 1.0, nor SCROLL in its SendEvent.
    let mut old = RawClient::connect(&s, 0);
    let o1 = old.id(1);
    old.succeeds(create_window(o1, Rect::new(0, 0, 4, 4), Default::default()));
    let e = old.error_of(change(o1, cursor));
    assert_eq!(
        (e.code, e.bad_value),
        (ErrorCode::Value, Cursor::Pointer as u64)
    );
    let e = old.error_of(Request::SendEvent(SendEvent {
        destination: WindowId(o1),
        event_mask: EventMask::SCROLL,
        event: Event::ScreenChange(ScreenChangeEvent {
            root: WindowId::ROOT,
            width: 1,
            height: 1,
            scale_factor: 1.0,
        }),
    }));
    assert_eq!(
        (e.code, e.bad_value),
        (ErrorCode::Value, EventMask::SCROLL.0 as u64)
    );
    // The 1.0 client does not see the 1.1 client's SCROLL among the window's masks.
    let ask = |w: u64| {
        Request::GetWindowAttributes(GetWindowAttributes {
            window: WindowId(w),
        })
    };
    for (client, minor_sees_scroll) in [(&mut old, false), (&mut c, true)] {
        client.send(&ask(w1));
        match client.next_answer() {
            ServerMessage::Reply {
                reply: Reply::WindowAttributes(a),
                ..
            } => assert_eq!(
                a.all_event_masks.contains(EventMask::SCROLL),
                minor_sees_scroll
            ),
            other => panic!("{other:?}"),
        }
    }
    // GetImage as QOI is of 1.3 (a Value error naming the format before anything else).
    let mut v2 = RawClient::connect(&s, 2);
    let own = v2.id(1);
    v2.succeeds(create_window(
        own,
        Rect::new(0, 0, 4, 4),
        Default::default(),
    ));
    let e = v2.error_of(Request::GetImage(GetImage {
        drawable: Drawable(own),
        rect: Rect::new(0, 0, 1, 1),
        format: ImageFormat::Qoi,
    }));
    assert_eq!((e.code, e.bad_value, e.opcode), (ErrorCode::Value, 4, 51));
}

#[test]
fn a_request_of_a_later_version_is_unknown_whatever_its_body() {
    let s = TestServer::start();
    let mut c = RawClient::connect(&s, 0);
    // [60, []]: no valid SetSelectionOwner of 1.2, but to a 1.0 connection just an
    // unknown opcode, answered and skipped.
    c.send_body(&[0x92, 60, 0x90]);
    match c.next_answer() {
        ServerMessage::Error { seq, error } => {
            assert_eq!(
                (seq.0, error.code, error.bad_value),
                (1, ErrorCode::Request, 60)
            )
        }
        other => panic!("{other:?}"),
    }
    // The same for a deferred (state-thread-decoded) one of 1.3: ShmPutImage with junk.
    c.send_body(&[0x92, 72, 0xa1, b'x']);
    match c.next_answer() {
        ServerMessage::Error { error, .. } => {
            assert_eq!((error.code, error.bad_value), (ErrorCode::Request, 72))
        }
        other => panic!("{other:?}"),
    }
    c.succeeds(Request::GetInputFocus(GetInputFocus {}));
    // A 1.4 connection finds the same frame malformed, and is closed.
    let mut newer = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    newer.send_body(&[0x92, 60, 0x90]);
    assert!(newer.is_closed());
}

#[test]
fn windows_have_the_pixel_limit_too_and_the_setup_says_it() {
    let s = TestServer::start_with(|c| c.max_drawable_pixels = 10_000);
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    assert_eq!(c.setup.limits.max_drawable_pixels, Some(10_000));
    let (w1, w2) = (c.id(1), c.id(2));
    let e = c.error_of(create_window(
        w1,
        Rect::new(0, 0, 101, 100),
        Default::default(),
    ));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Alloc, w1));
    c.succeeds(create_window(
        w2,
        Rect::new(0, 0, 100, 100),
        Default::default(),
    ));
    let grow = |height: u32| {
        Request::ConfigureWindow(ConfigureWindow {
            window: WindowId(w2),
            x: None,
            y: None,
            width: None,
            height: Some(height),
            stack_mode: None,
            sibling: None,
        })
    };
    let e = c.error_of(grow(101));
    assert_eq!((e.code, e.bad_value, e.opcode), (ErrorCode::Alloc, w2, 7));
    c.succeeds(grow(50));
}

/// Version 1.7's text faces: the setup names them (with their digests) only for 1.7
/// clients; `font_face` from a 1.6 client is a Value error naming the face; a 1.7 client
/// gets a Value error for a face the server lacks, and measures another width in Mono.
#[test]
fn text_faces_are_of_1_7() {
    let s = TestServer::start();
    let mut old = RawClient::connect(&s, 6);
    assert!(old.setup.fonts.is_empty(), "a 1.6 client got fonts");
    assert!(old.setup.session.is_some());
    let gc = |c: &RawClient| GcId(c.id(1));
    let with_face = |c: &RawClient, face: u8| {
        Request::CreateGc(CreateGc {
            id: gc(c),
            drawable: Drawable(WindowId::ROOT.0),
            values: GcValues {
                font_face: Some(face),
                ..GcValues::default()
            },
        })
    };
    let e = old.error_of(with_face(&old, 1));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 1), "{e:?}");
    assert!(e.message.contains("1.7"), "{}", e.message);

    let mut new = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let names: Vec<(u8, &str)> = new
        .setup
        .fonts
        .iter()
        .map(|f| (f.face, f.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (0, "DejaVu Sans"),
            (1, "DejaVu Sans Bold"),
            (2, "DejaVu Sans Mono")
        ]
    );
    let e = new.error_of(with_face(&new, 3));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 3), "{e:?}");
    new.succeeds(with_face(&new, 2));
    let width = |c: &mut RawClient| {
        c.send(&Request::QueryTextExtents(QueryTextExtents {
            gc: gc(c),
            text: "iiii".into(),
        }));
        match c.next_answer() {
            ServerMessage::Reply {
                reply: Reply::TextExtents(t),
                ..
            } => t.width,
            other => panic!("{other:?}"),
        }
    };
    let mono = width(&mut new);
    new.succeeds(Request::ChangeGc(ChangeGc {
        gc: gc(&new),
        values: GcValues {
            font_face: Some(0),
            ..GcValues::default()
        },
    }));
    let sans = width(&mut new);
    assert!(
        mono > sans,
        "Mono's i ({mono}) is as narrow as Sans' ({sans})"
    );
}

/// Version 1.11's text without antialiasing: `text_antialias` from a 1.10 (or 1.6)
/// client is a Value error naming it; a 1.11 client's text drawn without it is only
/// foreground and untouched pixels, read back, where the default antialiased text has
/// pixels between.
#[test]
fn text_without_antialiasing_is_of_1_11() {
    let s = TestServer::start();
    let with = |c: &RawClient, n: u32, aa: bool| {
        Request::CreateGc(CreateGc {
            id: GcId(c.id(n)),
            drawable: Drawable(WindowId::ROOT.0),
            values: GcValues {
                font_size: Some(13.0),
                text_antialias: Some(aa),
                ..GcValues::default()
            },
        })
    };
    for (minor, fields) in [(10, "11 fields"), (6, "10 fields")] {
        let mut old = RawClient::connect(&s, minor);
        let e = old.error_of(with(&old, 1, false));
        assert_eq!((e.code, e.bad_value), (ErrorCode::Value, 0), "{e:?}");
        assert!(
            e.message.contains("1.11") && e.message.contains(fields),
            "{}",
            e.message
        );
    }
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let (w, h) = (200u32, 24u32);
    let white = GcId(c.id(9));
    c.succeeds(Request::CreateGc(CreateGc {
        id: white,
        drawable: Drawable(WindowId::ROOT.0),
        values: GcValues {
            foreground: Some(yonder_protocol::Color(0xffff_ffff)),
            ..GcValues::default()
        },
    }));
    // Per GC, the grey levels its text leaves on white: black, white, between.
    let levels = |c: &mut RawClient, n: u32, gc: Request| {
        c.succeeds(gc);
        let p = Drawable(c.id(100 + n));
        c.succeeds(Request::CreatePixmap(CreatePixmap {
            id: PixmapId(p.0),
            drawable: Drawable(WindowId::ROOT.0),
            width: w,
            height: h,
        }));
        c.succeeds(Request::PolyFillRectangle(PolyFillRectangle {
            drawable: p,
            gc: white,
            rects: vec![Rect::new(0, 0, w, h)],
        }));
        c.succeeds(Request::DrawText(DrawText {
            drawable: p,
            gc: GcId(c.id(n)),
            origin: Point::new(2, 16),
            text: "Hello, World! gjpq @&%".into(),
        }));
        c.send(&Request::GetImage(GetImage {
            drawable: p,
            rect: Rect::new(0, 0, w, h),
            format: ImageFormat::Bgrx,
        }));
        let img = match c.next_answer() {
            ServerMessage::Reply {
                reply: Reply::Image(img),
                ..
            } => img,
            other => panic!("{other:?}"),
        };
        let mut count = [0usize; 3];
        for px in img.data.chunks(4) {
            count[match px[..3] {
                [0, 0, 0] => 0,
                [255, 255, 255] => 1,
                _ => 2,
            }] += 1;
        }
        count
    };
    let gc = with(&c, 1, false);
    let crisp = levels(&mut c, 1, gc);
    assert!(crisp[0] > 100 && crisp[2] == 0, "{crisp:?}");
    let gc = with(&c, 2, true);
    let smooth = levels(&mut c, 2, gc);
    assert!(smooth[2] > 100, "{smooth:?}");
}

/// protocol.md §9.54: QueryTextExtentsBatch (1.8) answers what QueryTextExtents answers
/// for each text, in order, in one reply; more than 4096 texts are a Length error; to a
/// 1.7 connection it is an unknown request.
#[test]
fn measuring_many_texts_at_once_is_of_1_8() {
    let s = TestServer::start();
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let gc = GcId(c.id(1));
    c.succeeds(Request::CreateGc(CreateGc {
        id: gc,
        drawable: Drawable(WindowId::ROOT.0),
        values: GcValues {
            font_size: Some(20.0),
            font_face: Some(1),
            ..GcValues::default()
        },
    }));
    let texts = ["W", "Wi", "Wid", "", "Width ü"];
    let one = |c: &mut RawClient, text: &str| {
        c.send(&Request::QueryTextExtents(QueryTextExtents {
            gc,
            text: text.into(),
        }));
        match c.next_answer() {
            ServerMessage::Reply {
                reply: Reply::TextExtents(t),
                ..
            } => t,
            other => panic!("{other:?}"),
        }
    };
    let each: Vec<_> = texts.iter().map(|t| one(&mut c, t)).collect();
    c.send(&Request::QueryTextExtentsBatch(QueryTextExtentsBatch {
        gc,
        texts: texts.iter().map(|t| t.to_string()).collect(),
    }));
    match c.next_answer() {
        ServerMessage::Reply {
            reply: Reply::TextExtentsBatch(b),
            ..
        } => assert_eq!(b.extents, each),
        other => panic!("{other:?}"),
    }
    assert!(each[0].width < each[2].width && each[3].width == 0);
    let e = c.error_of(Request::QueryTextExtentsBatch(QueryTextExtentsBatch {
        gc,
        texts: vec![String::new(); MAX_TEXT_BATCH + 1],
    }));
    assert_eq!(
        (e.code, e.bad_value),
        (ErrorCode::Length, MAX_TEXT_BATCH as u64 + 1)
    );
    let e = c.error_of(Request::QueryTextExtentsBatch(QueryTextExtentsBatch {
        gc: GcId(c.id(9)),
        texts: vec!["x".into()],
    }));
    assert_eq!(e.code, ErrorCode::Gc);

    let mut old = RawClient::connect(&s, 7);
    let e = old.error_of(Request::QueryTextExtentsBatch(QueryTextExtentsBatch {
        gc: GcId(old.id(1)),
        texts: vec!["x".into()],
    }));
    assert_eq!((e.code, e.bad_value), (ErrorCode::Request, 54));
}

#[test]
fn no_operation_is_of_1_9_and_takes_a_sequence_number_each() {
    let s = TestServer::start();
    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let missing = |c: &RawClient, n| {
        Request::MapWindow(MapWindow {
            window: WindowId(c.id(n)),
        })
    };
    let error_seq = |c: &mut RawClient| match c.next_answer() {
        ServerMessage::Error { seq, error } => {
            assert_eq!(error.code, ErrorCode::Window);
            seq.0
        }
        other => panic!("{other:?}"),
    };
    // A run the reader counts (one write a frame: the reader takes them in as many reads
    // as the socket gives; reads split at chosen sizes are the socket_frames fuzz
    // target's), then a request that fails: its error names the run's length + 1.
    for _ in 0..1000 {
        c.send_body(&NoOperation::BODY);
    }
    c.send(&missing(&c, 1));
    assert_eq!(error_seq(&mut c), 1001);
    // One between two failing requests; one in another encoding (the opcode as a uint 8,
    // which every decoder must take, protocol.md §1), decoded and counted the same.
    c.send_body(&NoOperation::BODY);
    c.send(&missing(&c, 2));
    assert_eq!(error_seq(&mut c), 1003);
    c.send_body(&[0x92, 0xcc, 28, 0x90]);
    c.send(&Request::Sync(Sync {}));
    match c.next_answer() {
        ServerMessage::Reply { seq, .. } => assert_eq!(seq.0, 1005),
        other => panic!("{other:?}"),
    }
    // A 1.8 connection: a request of a later version.
    let mut old = RawClient::connect(&s, 8);
    old.send_body(&NoOperation::BODY);
    match old.next_answer() {
        ServerMessage::Error { seq, error } => assert_eq!(
            (seq.0, error.code, error.bad_value),
            (1, ErrorCode::Request, 28)
        ),
        other => panic!("{other:?}"),
    }
    old.succeeds(Request::GetInputFocus(GetInputFocus {}));
}

#[test]
fn the_library_numbers_no_operations_as_the_server_does() {
    use yonder::prelude::*;
    let s = TestServer::start();
    let conn = s.connect();
    let synced = conn.send_sync();
    let first = synced.seq().0;
    synced.reply().unwrap();
    for _ in 0..500 {
        conn.no_operation();
    }
    // Each took a number, and the library's count and the server's agree: the error of
    // the request after the run (no cookie waits for it: it goes to the event queue)
    // carries the number the library gave that request. Waited for with a deadline, so
    // that counts that disagree fail rather than hang.
    let bogus = WindowId(yonder_protocol::make_id(conn.id_space(), 999));
    let seq = conn.map_window(bogus).seq();
    assert_eq!(seq.0, first + 501);
    conn.flush().unwrap();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let error = loop {
        match conn.poll_for_event().unwrap() {
            Some(yonder::Incoming::Error(e)) => break e,
            Some(_) => {}
            None if std::time::Instant::now() < end => {
                std::thread::sleep(std::time::Duration::from_millis(5))
            }
            None => panic!("no error came for the request after the run"),
        }
    };
    assert_eq!((error.seq, error.error.code), (seq, ErrorCode::Window));
}

#[test]
fn relative_ids_name_the_senders_own_whatever_its_version() {
    let s = TestServer::start();
    for minor in [yonder_protocol::PROTOCOL_MINOR, 9, 0] {
        let mut c = RawClient::connect(&s, minor);
        // A window 1 made with its id in full, then named relative, −1: mapped, and its
        // geometry read through −1.
        c.succeeds(create_window(
            c.id(1),
            Rect::new(5, 6, 70, 80),
            WindowAttributes::default(),
        ));
        c.send_body(&[0x92, 5, 0x91, 0xff]); // MapWindow −1
        c.send_body(&[0x92, 9, 0x91, 0xff]); // GetGeometry −1
        match c.next_answer() {
            ServerMessage::Reply {
                reply: Reply::Geometry(g),
                ..
            } => assert_eq!((g.rect.x, g.rect.width), (5, 70), "1.{minor}"),
            other => panic!("1.{minor}: {other:?}"),
        }
        // The MapWindow −1 mapped window 1 itself: asked by its full id.
        c.send(&Request::GetWindowAttributes(GetWindowAttributes {
            window: WindowId(c.id(1)),
        }));
        match c.next_answer() {
            ServerMessage::Reply {
                reply: Reply::WindowAttributes(a),
                ..
            } => assert_eq!(
                a.map_state,
                yonder_protocol::reply::MapState::Viewable,
                "1.{minor}"
            ),
            other => panic!("1.{minor}: {other:?}"),
        }
        // −200 (`d1`): an id of the sender's space that does not exist; its error names
        // the full id.
        c.send_body(&[0x92, 5, 0x91, 0xd1, 0xff, 0x38]);
        match c.next_answer() {
            ServerMessage::Error { error, .. } => {
                assert_eq!(
                    (error.code, error.bad_value),
                    (ErrorCode::Window, c.id(200))
                )
            }
            other => panic!("1.{minor}: {other:?}"),
        }
        // Past 32 bits: no id of anyone's, a malformed frame (§1).
        c.send_body(&[0x92, 5, 0x91, 0xd3, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0]);
        assert!(
            c.is_closed(),
            "1.{minor}: a relative id past 32 bits ends the connection"
        );
    }
}

/// Version 1.12's `Rgbx`: from a 1.11 connection a Value error naming the format, in
/// PutImage and ShmPutImage alike; never readable with GetImage.
#[test]
fn rgbx_images_are_of_1_12() {
    let s = TestServer::start();
    // A window and a GC on it, of client `c`.
    let window_and_gc = |c: &mut RawClient| {
        let (w, gc) = (c.id(1), c.id(2));
        c.succeeds(create_window(w, Rect::new(0, 0, 8, 8), Default::default()));
        c.succeeds(Request::CreateGc(CreateGc {
            id: GcId(gc),
            drawable: Drawable(w),
            values: GcValues::default(),
        }));
        (w, gc)
    };
    let mut old = RawClient::connect(&s, 11);
    let (w, gc) = window_and_gc(&mut old);
    let e = old.error_of(put_image(
        w,
        gc,
        (1, 1),
        ImageFormat::Rgbx,
        vec![1, 2, 3, 0],
    ));
    assert_eq!((e.code, e.bad_value, e.opcode), (ErrorCode::Value, 5, 50));
    assert!(e.message.contains("1.12"), "{}", e.message);
    let e = old.error_of(Request::ShmPutImage(ShmPutImage {
        drawable: Drawable(w),
        gc: GcId(gc),
        dst: Point::new(0, 0),
        width: 1,
        height: 1,
        format: ImageFormat::Rgbx,
        segment: ShmSegment(1),
        offset: 0,
        stride: 4,
    }));
    assert_eq!((e.code, e.bad_value, e.opcode), (ErrorCode::Value, 5, 72));
    // The same picture as Rgba works there.
    old.succeeds(put_image(
        w,
        gc,
        (1, 1),
        ImageFormat::Rgba,
        vec![1, 2, 3, 255],
    ));

    let mut c = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let (w, gc) = window_and_gc(&mut c);
    c.succeeds(put_image(
        w,
        gc,
        (1, 1),
        ImageFormat::Rgbx,
        vec![1, 2, 3, 0],
    ));
    let e = c.error_of(Request::GetImage(GetImage {
        drawable: Drawable(w),
        rect: Rect::new(0, 0, 1, 1),
        format: ImageFormat::Rgbx,
    }));
    assert_eq!((e.code, e.bad_value, e.opcode), (ErrorCode::Value, 5, 51));
}
