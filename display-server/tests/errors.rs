//! Errors and faults: typed errors with the failed request's sequence number, refused
//! connections, and bad frames that close only the offending connection.

use std::io::Write;
use std::os::unix::net::UnixStream;
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::request::GcValues;
use yonder_protocol::{frame, Drawable, ErrorCode, EventMask, GcId, PixmapId, Rect, WindowId};
use yonder_test_support::client::*;
use yonder_test_support::raw::{self, RawClient};
use yonder_test_support::server::*;

#[test]
fn bad_ids_give_typed_errors_with_their_sequence_numbers() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 10, 10), 0, EventMask::EMPTY);
    let bogus = WindowId(yonder_protocol::make_id(c.id_space(), 999));
    let seq_map = c.map_window(bogus).seq();
    let seq_gc = c
        .poly_fill_rectangle(w, GcId(bogus.0), &[Rect::new(0, 0, 1, 1)])
        .seq();
    let seq_pix = c.free_pixmap(PixmapId(w.0)).seq();
    let foreign = WindowId(yonder_protocol::make_id(c.id_space().wrapping_add(1), 1));
    let other_space = c.new_window_id();
    let _ = other_space;
    let seq_id = c
        .create_window(foreign, c.root(), Rect::new(0, 0, 5, 5), Default::default())
        .seq();
    let seq_val = c
        .create_window(
            c.new_window_id(),
            c.root(),
            Rect::new(0, 0, 0, 5),
            Default::default(),
        )
        .seq();
    let g = c.new_gc_id();
    let seq_font = c
        .create_gc(
            g,
            w,
            GcValues {
                font_size: Some(-3.0),
                ..Default::default()
            },
        )
        .seq();
    let seq_draw = c.poly_fill_rectangle(Drawable(bogus.0), g, &[]).seq();
    let errors: Vec<_> = drain(&c)
        .into_iter()
        .filter_map(|i| {
            if let Incoming::Error(e) = i {
                Some(e)
            } else {
                None
            }
        })
        .collect();
    let got: Vec<_> = errors.iter().map(|e| (e.seq, e.error.code)).collect();
    assert_eq!(
        got,
        vec![
            (seq_map, ErrorCode::Window),
            (seq_gc, ErrorCode::Gc),
            (seq_pix, ErrorCode::Pixmap),
            (seq_id, ErrorCode::IdChoice),
            (seq_val, ErrorCode::Value),
            (seq_font, ErrorCode::Value),
            (seq_draw, ErrorCode::Drawable),
        ]
    );
    assert_eq!(errors[0].error.bad_value, bogus.0);
    assert_eq!(errors[0].error.opcode, 5, "MapWindow's opcode");
    // A checked request returns its error directly instead.
    let e = c.destroy_window(c.root()).check().unwrap_err();
    assert!(matches!(e, yonder::ReplyError::Protocol(p) if p.code == ErrorCode::Access));
}

#[test]
fn wrong_or_missing_cookie_is_refused_clearly() {
    let s = TestServer::start();
    let mut opts = s.options();
    opts.cookie = Some(vec![0; 16]);
    let err = Connection::connect_with(opts)
        .and_then(|c| c.wait_for_setup().map(|_| ()))
        .unwrap_err();
    assert!(err.to_string().contains("wrong cookie"), "{err}");
    // A client that presents no cookie at all (the library would refuse to try).
    let mut sock = UnixStream::connect(&s.handle.socket_path).unwrap();
    let mut out = Vec::new();
    frame::encode_frame(&raw::hello(0, Vec::new()), &mut out);
    sock.write_all(&out).unwrap();
    let answer = raw::read_frame(&mut sock).expect("a setup response");
    match yonder_protocol::handshake::decode_setup_response(&answer).unwrap() {
        yonder_protocol::SetupResponse::Refused(r) => {
            assert!(r.reason.contains("no cookie"), "{}", r.reason)
        }
        other => panic!("{other:?}"),
    }
    assert!(
        raw::read_frame(&mut sock).is_none(),
        "then the connection ends"
    );
    // The server still serves others.
    let c = s.connect();
    c.sync().unwrap();
}

#[test]
fn malformed_and_oversized_frames_close_only_that_connection() {
    let s = TestServer::start();
    let good = s.connect();
    let w = window(&good, Rect::new(0, 0, 20, 20), 0x123456, EventMask::EMPTY);

    let mut bad = RawClient::connect(&s, 0);
    bad.sock.write_all(&[3, 0, 0, 0, 0xc1, 0xc1, 0xc1]).unwrap(); // 0xc1 is never valid MessagePack
    assert!(bad.is_closed(), "malformed frame closes the connection");

    // The same for a drawing request, whose body the state thread decodes.
    let mut bad = RawClient::connect(&s, 0);
    bad.sock.write_all(&[3, 0, 0, 0, 0x92, 49, 0xc1]).unwrap();
    assert!(bad.is_closed(), "malformed FillPoly closes the connection");

    // What the requests before a bad frame earned still arrives before the end.
    let mut bad = RawClient::connect(&s, 0);
    let mut out = Vec::new();
    frame::encode_frame(&(250u8, Vec::<u8>::new()), &mut out);
    out.extend_from_slice(&[3, 0, 0, 0, 0x92, 49, 0xc1]);
    bad.sock.write_all(&out).unwrap();
    match yonder_protocol::message::decode_server_message(&raw::read_frame(&mut bad.sock).unwrap())
        .unwrap()
    {
        yonder_protocol::ServerMessage::Error { seq, error } => {
            assert_eq!((seq.0, error.code), (1, ErrorCode::Request))
        }
        other => panic!("expected the unknown opcode's error, got {other:?}"),
    }
    assert!(bad.is_closed(), "then the connection ends");

    let mut huge = RawClient::connect(&s, 0);
    huge.sock.write_all(&(64u32 << 20).to_le_bytes()).unwrap();
    assert!(huge.is_closed(), "oversized frame closes the connection");

    // Unknown opcodes are an error, not a disconnect.
    let mut odd = RawClient::connect(&s, 0);
    let mut out = Vec::new();
    frame::encode_frame(&(250u8, Vec::<u8>::new()), &mut out);
    odd.sock.write_all(&out).unwrap();
    match yonder_protocol::message::decode_server_message(&raw::read_frame(&mut odd.sock).unwrap())
        .unwrap()
    {
        yonder_protocol::ServerMessage::Error { seq, error } => {
            assert_eq!(
                (seq.0, error.code, error.opcode),
                (1, ErrorCode::Request, 250)
            );
        }
        other => panic!("{other:?}"),
    }

    // The good client saw nothing and goes on.
    good.sync().unwrap();
    assert_eq!(read(&good, w, Rect::new(0, 0, 1, 1)).at(0, 0), 0x123456);
    assert_eq!(good.list_clients().reply().unwrap().clients.len(), 2);
}

#[test]
fn requests_before_the_setup_reply_are_applied() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    // Everything below is sent before the client has read a single byte.
    let w = c.new_window_id();
    c.create_window(
        w,
        c.root(),
        Rect::new(5, 5, 30, 30),
        yonder_protocol::request::WindowAttributes {
            background: Some(yonder_protocol::Color::rgb(0xABCDEF)),
            ..Default::default()
        },
    );
    c.map_window(w);
    let g = gc(&c, w, 0x102030);
    c.poly_fill_rectangle(w, g, &[Rect::new(0, 0, 5, 5)]);
    let px = screen(&c);
    assert_eq!(px.at(6, 6), 0x102030);
    assert_eq!(px.at(20, 20), 0xABCDEF);
}
