//! Decoder behaviour the spec promises: unknown opcodes, truncated, trailing and misshapen
//! bodies, wider integers, every bin width, optional fields, frames back to back and
//! oversized ones.

use super::session::*;
use super::*;
use yonder_protocol::event::*;
use yonder_protocol::frame::FrameError;
use yonder_protocol::reply::*;
use yonder_protocol::request::*;

fn body_of(name: &str) -> Vec<u8> {
    let gd = goldens().into_iter().find(|g| g.name == name).unwrap();
    hex::decode(gd.hex).unwrap()[HEADER_LEN..].to_vec()
}

#[test]
fn unknown_opcode_is_reported_as_such() {
    // [99, []] and [200, [1, "x"]]: well-formed, unknown opcode.
    assert_eq!(
        decode_request(&hex::decode("926390").unwrap()),
        Err(DecodeError::UnknownOpcode(99))
    );
    assert_eq!(
        decode_request(&hex::decode("92ccc89201a178").unwrap()),
        Err(DecodeError::UnknownOpcode(200))
    );
    // Opcode 0 is not a request either.
    assert_eq!(
        decode_request(&hex::decode("920090").unwrap()),
        Err(DecodeError::UnknownOpcode(0))
    );
}

fn is_malformed(r: Result<Request, DecodeError>) -> bool {
    matches!(r, Err(DecodeError::Malformed(_)))
}

#[test]
fn truncated_bodies_are_malformed() {
    for gd in goldens() {
        if let Msg::Request(_) = gd.msg {
            let body = hex::decode(gd.hex).unwrap()[HEADER_LEN..].to_vec();
            for cut in 0..body.len() {
                assert!(
                    is_malformed(decode_request(&body[..cut])),
                    "{} cut at {cut}",
                    gd.name
                );
            }
        }
    }
}

#[test]
fn trailing_bytes_are_malformed() {
    for gd in goldens() {
        if let Msg::Request(_) = gd.msg {
            let mut body = hex::decode(gd.hex).unwrap()[HEADER_LEN..].to_vec();
            body.push(0xc0);
            assert!(is_malformed(decode_request(&body)), "{}", gd.name);
        }
    }
}

#[test]
fn wrong_shapes_are_malformed() {
    for h in [
        "c0",                   // nil
        "90",                   // []
        "9116",                 // [22]
        "93169090",             // [22, [], []]
        "8216901790",           // a map
        "92c390",               // [true, []]
        "92cd010090",           // [256, []]: not a u8 opcode
        "92ff90",               // [-1, []]
        "9216c0",               // Sync with nil body
        "921691c0",             // Sync with one field too many
        "92079101",             // ConfigureWindow with one field of 7
        "92339301940000010109", // GetImage with format 9 (not an ImageFormat)
    ] {
        assert!(
            is_malformed(decode_request(&hex::decode(h).unwrap())),
            "{h} should be malformed"
        );
    }
}

#[test]
fn decoders_accept_wider_integers() {
    // Sync with its opcode as uint32, uint8, int8 and uint64.
    for h in [
        "92ce0000001690",
        "92cc1690",
        "92d01690",
        "92cf000000000000001690",
    ] {
        assert_eq!(
            decode_request(&hex::decode(h).unwrap()),
            Ok(Request::Sync(Sync {})),
            "{h}"
        );
    }
    // MapWindow of the root with the id as uint64 (minimal is the fixint 01).
    assert_eq!(
        decode_request(&hex::decode("920591cf0000000000000001").unwrap()),
        Ok(Request::MapWindow(MapWindow {
            window: WindowId::ROOT
        }))
    );
    // ReparentWindow with y = -4 as int32 and x = 10 as int64; the array as array16.
    let wide = "9208dc0004cf5eed000100000004cf7a11ce0000000001d3000000000000000ad2fffffffc";
    assert_eq!(
        decode_request(&hex::decode(wide).unwrap()),
        decode_request(&body_of("ReparentWindow"))
    );
    // A float64 where the field is f32 (msgpack libraries that only write float64).
    let wide_float = "922192cf5eed0001000000029ac0c0c0c0cb4030000000000000c0c0c0c0c0";
    assert_eq!(
        decode_request(&hex::decode(wide_float).unwrap()),
        Ok(Request::ChangeGc(ChangeGc {
            gc: GC,
            values: GcValues {
                font_size: Some(16.0),
                ..GcValues::default()
            }
        }))
    );
    // A server message with a wider seq.
    assert_eq!(
        decode_server_message(&hex::decode("9300cf0000000000000016921690").unwrap()),
        Ok(ServerMessage::Reply {
            seq: Seq(22),
            reply: Reply::Sync(SyncReply {})
        })
    );
}

#[test]
fn bytes_fields_accept_every_bin_width() {
    // ChangeProperty [WIN, _NET_WM_NAME, UTF8_STRING, Replace, "abc"] with the data as bin8,
    // bin16 and bin32.
    for bin in ["c403616263", "c50003616263", "c600000003616263"] {
        let h = format!("920d95cf5eed000100000001100800{bin}");
        assert_eq!(
            decode_request(&hex::decode(&h).unwrap()),
            Ok(Request::ChangeProperty(ChangeProperty {
                window: WIN,
                property: atoms::NET_WM_NAME,
                type_: atoms::UTF8_STRING,
                mode: PropMode::Replace,
                data: b"abc".to_vec(),
            })),
            "{h}"
        );
    }
}

#[test]
fn window_attributes_cursor_may_be_omitted() {
    // A 1.0 client's WindowAttributes have 3 elements; `cursor` (added in 1.1) is then
    // absent. These are the CreateWindow and ChangeWindowAttributes examples of 1.0.
    let create = "920194cf5eed00010000000101946450cd0280cd01e093cefff0f0f0ce0002800fc0";
    let mut want = body_of("CreateWindow");
    assert_eq!(
        decode_request(&hex::decode(create).unwrap()),
        decode_request(&want)
    );
    let change = "920292cf5eed00010000000193c0ce0002804fc0";
    want = body_of("ChangeWindowAttributes");
    let Ok(Request::ChangeWindowAttributes(mut r)) = decode_request(&want) else {
        panic!("ChangeWindowAttributes golden");
    };
    r.attributes.cursor = None;
    assert_eq!(
        decode_request(&hex::decode(change).unwrap()),
        Ok(Request::ChangeWindowAttributes(r))
    );
    // Two elements are still too few, five too many; a cursor above 18 is malformed.
    for h in [
        "920292cf5eed00010000000192c0ce0002804f",
        "920292cf5eed00010000000195c0ce0002804fc003c0",
        "920292cf5eed00010000000194c0c0c013",
    ] {
        assert!(
            is_malformed(decode_request(&hex::decode(h).unwrap())),
            "{h} should be malformed"
        );
    }
    // Every listed cursor value decodes.
    for v in 0..=18u8 {
        let h = format!("920292cf5eed00010000000194c0c0c0{v:02x}");
        assert!(
            decode_request(&hex::decode(&h).unwrap()).is_ok(),
            "cursor {v}"
        );
    }
}

#[test]
fn dnd_action_values() {
    // DndAction is an enumeration: 0, 1, 2 and 4 decode, 3 and 8 are malformed. The body
    // is the DndStatus example's with its last byte (the action) replaced.
    let status = |action: u8| format!("924193cfed17000100000001c3{action:02x}");
    for (v, want) in [
        (0, DndAction::None),
        (1, DndAction::Copy),
        (2, DndAction::Move),
        (4, DndAction::Link),
    ] {
        assert_eq!(
            decode_request(&hex::decode(status(v)).unwrap()),
            Ok(Request::DndStatus(DndStatus {
                target: EDITOR,
                accept: true,
                action: want
            })),
            "action {v}"
        );
    }
    for v in [3, 8] {
        assert!(
            is_malformed(decode_request(&hex::decode(status(v)).unwrap())),
            "action {v}"
        );
    }
    // DndActions is a bit set: bits beyond COPY, MOVE and LINK decode (the server ignores
    // them). StartDrag's example with actions 0xff (uint 8).
    let start = "924095cf5eed000100000001921408ccffcf5eed000100000003920808";
    let Ok(Request::StartDrag(r)) = decode_request(&hex::decode(start).unwrap()) else {
        panic!("StartDrag with actions 0xff");
    };
    assert_eq!(r.actions, DndActions(0xff));
}

#[test]
fn event_sent_flag_may_be_omitted() {
    // [1, 5, [19, [WIN, WIN, false]]]: three elements, `sent` left out, means false.
    let h = "930105921393cf5eed000100000001cf5eed000100000001c2";
    assert_eq!(
        decode_server_message(&hex::decode(h).unwrap()),
        Ok(ServerMessage::Event {
            seq: Seq(5),
            event: Event::Map(MapEvent {
                event: WIN,
                window: WIN,
                override_redirect: false
            }),
            sent: false
        })
    );
}

#[test]
fn frames_split_back_to_back() {
    let mut stream = Vec::new();
    let reqs: Vec<Request> = goldens()
        .into_iter()
        .filter_map(|g| match g.msg {
            Msg::Request(r) => Some(r),
            _ => None,
        })
        .collect();
    for r in &reqs {
        encode_frame(r, &mut stream);
    }
    let mut rest = &stream[..];
    let mut got = Vec::new();
    while let Some((s, e)) = split_frame(rest, MAX_FRAME_LEN).unwrap() {
        got.push(decode_request(&rest[s..e]).unwrap());
        rest = &rest[e..];
    }
    assert!(rest.is_empty());
    assert_eq!(got, reqs);
}

#[test]
fn oversized_frames_are_refused_from_the_header() {
    let mut h = ((MAX_FRAME_LEN + 1) as u32).to_le_bytes().to_vec();
    assert_eq!(
        split_frame(&h, MAX_FRAME_LEN),
        Err(FrameError::TooLarge {
            len: MAX_FRAME_LEN + 1,
            max: MAX_FRAME_LEN
        })
    );
    h = (MAX_FRAME_LEN as u32).to_le_bytes().to_vec();
    assert_eq!(split_frame(&h, MAX_FRAME_LEN), Ok(None));
}

#[test]
fn predefined_atoms_are_numbered_from_one() {
    let s = setup();
    for (i, (name, atom)) in s.atoms.iter().enumerate() {
        assert_eq!(atom.0 as usize, i + 1, "{name}");
    }
    assert_eq!(s.atoms.len(), 24);
}

#[test]
fn a_setup_for_a_client_before_1_4_has_two_limits() {
    // What a 1.4 server sends a 1.3 client (and what a 1.3 server sends anyone): the
    // limits without `max_drawable_pixels`, which decode as None and encode back the same.
    let older = Setup {
        limits: yonder_protocol::handshake::Limits {
            max_drawable_pixels: None,
            ..setup().limits
        },
        ..setup()
    };
    let mut frame = Vec::new();
    encode_frame(&SetupResponse::Accepted(older.clone()), &mut frame);
    let limits_at = hex::encode(&frame)
        .find("92ce01000000cd4000")
        .map(|i| i / 2);
    assert!(limits_at.is_some(), "the limits are [16777216, 16384]");
    match yonder_protocol::handshake::decode_setup_response(&frame[HEADER_LEN..]).unwrap() {
        SetupResponse::Accepted(s) => assert_eq!(s, older),
        other => panic!("{other:?}"),
    }
    let mut newer = Vec::new();
    encode_frame(&SetupResponse::Accepted(setup()), &mut newer);
    assert_eq!(
        newer.len(),
        frame.len() + 5,
        "the third limit is `ce 02 00 00 00`"
    );
}

/// `[17, [window 1, mask 0, event]]` with the event's bytes given.
fn send_event_frame(event: &[u8]) -> Vec<u8> {
    let mut body = vec![0x92, 17, 0x93, 0x01, 0x00];
    body.extend_from_slice(event);
    body
}

#[test]
fn a_sent_event_that_does_not_fit_is_a_bad_value_not_a_malformed_frame() {
    let bad = |event: &[u8]| decode_request(&send_event_frame(event));
    // [99, [1, "x"]]: no event has code 99.
    match bad(&[0x92, 99, 0x92, 0x01, 0xa1, b'x']) {
        Err(DecodeError::BadValue {
            opcode,
            value,
            message,
        }) => {
            assert_eq!((opcode, value), (17, 99));
            assert!(message.contains("code 99"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // [34, []] and [12, []]: an unknown code, and Expose without its fields.
    for (event, code) in [(&[0x92, 34, 0x90][..], 34), (&[0x92, 12, 0x90][..], 12)] {
        match bad(event) {
            Err(DecodeError::BadValue { value, .. }) => assert_eq!(value, code),
            other => panic!("{other:?}"),
        }
    }
    // Not even [code, body]: a bad value, code 0.
    assert!(matches!(
        bad(&[0xa3, b'a', b'b', b'c']),
        Err(DecodeError::BadValue { value: 0, .. })
    ));
    // A frame broken elsewhere stays malformed: a string for the window, a missing
    // event, bytes after the event.
    assert!(is_malformed(decode_request(&[
        0x92, 17, 0x93, 0xa1, b'w', 0x00, 0x90
    ])));
    assert!(is_malformed(decode_request(&[0x92, 17, 0x92, 0x01, 0x00])));
    let mut trailing = send_event_frame(&[0x92, 12, 0x90]);
    trailing.push(0xc0);
    assert!(is_malformed(decode_request(&trailing)));
    // And a good one decodes, an integer where a float is due included (normalised).
    let screen_change = [
        0x92, 41, 0x94, 0x01, 0xcd, 0x02, 0x80, 0xcd, 0x01, 0xe0, 0x01,
    ];
    match decode_request(&send_event_frame(&screen_change)) {
        Ok(Request::SendEvent(r)) => match r.event {
            Event::ScreenChange(e) => assert_eq!((e.width, e.scale_factor), (640, 1.0)),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}
