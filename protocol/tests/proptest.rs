//! Property tests of the codec. For arbitrary requests, replies, events, errors, hellos
//! and setup responses (strategies in `strategies/`, every variant of every enum):
//! `encode_frame` → `split_frame` → decode gives the same value back, alone and in a
//! stream of frames. And no decoder panics on arbitrary bytes, nor on valid frames with
//! bytes changed or cut off. Coverage tests check that the strategies reach every wire
//! code, so a request or event added later without a strategy fails here.

mod strategies;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde::Serialize;
use std::collections::BTreeSet;
use strategies::request;
use strategies::server::{
    event, hello, protocol_error, reply, server_message, setup_response, ERROR_CODES,
};
use yonder_protocol::frame::{encode_frame, split_frame, MAX_FRAME_LEN};
use yonder_protocol::handshake::{decode_hello, decode_setup_response};
use yonder_protocol::message::{decode_request, decode_server_message};
use yonder_protocol::{DecodeError, Event, Reply, Request, Seq, ServerMessage, SetupResponse};

/// Encodes `v` as one frame and splits it back: the body.
fn framed<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    encode_frame(v, &mut out);
    let (start, end) = split_frame(&out, MAX_FRAME_LEN)
        .expect("within the limit")
        .expect("a whole frame");
    assert_eq!(end, out.len(), "the frame is the whole buffer");
    out[start..end].to_vec()
}

/// Runs every decoder on `body`; they may fail but never panic.
fn decode_everything(body: &[u8]) {
    let _ = decode_request(body);
    let _ = decode_server_message(body);
    let _ = decode_hello(body);
    let _ = decode_setup_response(body);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn requests_round_trip(req in request()) {
        prop_assert_eq!(decode_request(&framed(&req)), Ok(req));
    }

    #[test]
    fn replies_round_trip(seq in any::<u64>(), reply in reply()) {
        let msg = ServerMessage::Reply { seq: Seq(seq), reply };
        prop_assert_eq!(decode_server_message(&framed(&msg)), Ok(msg));
    }

    #[test]
    fn events_round_trip(seq in any::<u64>(), event in event(), sent in any::<bool>()) {
        let msg = ServerMessage::Event { seq: Seq(seq), event, sent };
        prop_assert_eq!(decode_server_message(&framed(&msg)), Ok(msg));
    }

    #[test]
    fn errors_round_trip(seq in any::<u64>(), error in protocol_error()) {
        let msg = ServerMessage::Error { seq: Seq(seq), error };
        prop_assert_eq!(decode_server_message(&framed(&msg)), Ok(msg));
    }

    #[test]
    fn hellos_round_trip(h in hello()) {
        prop_assert_eq!(decode_hello(&framed(&h)), Ok(h));
    }

    #[test]
    fn setup_responses_round_trip(s in setup_response()) {
        prop_assert_eq!(decode_setup_response(&framed(&s)), Ok(s));
    }

    /// Many frames in one buffer, read as a reader would: whatever has arrived so far is
    /// split, never a frame before all of it is there, and all come back in order.
    #[test]
    fn streams_of_frames_round_trip(
        reqs in prop::collection::vec(request(), 0..8),
        msgs in prop::collection::vec(server_message(), 0..8),
        arrived in any::<Index>(),
    ) {
        let mut buf = Vec::new();
        for r in &reqs {
            encode_frame(r, &mut buf);
        }
        let mut got = Vec::new();
        let mut at = 0;
        let cut = arrived.index(buf.len() + 1);
        while let Some((s, e)) = split_frame(&buf[at..cut], MAX_FRAME_LEN).unwrap() {
            got.push(decode_request(&buf[at + s..at + e]).unwrap());
            at += e;
        }
        prop_assert!(got.len() <= reqs.len());
        while let Some((s, e)) = split_frame(&buf[at..], MAX_FRAME_LEN).unwrap() {
            got.push(decode_request(&buf[at + s..at + e]).unwrap());
            at += e;
        }
        prop_assert_eq!(at, buf.len());
        prop_assert_eq!(got, reqs);

        let mut buf = Vec::new();
        for m in &msgs {
            encode_frame(m, &mut buf);
        }
        let mut got = Vec::new();
        let mut at = 0;
        while let Some((s, e)) = split_frame(&buf[at..], MAX_FRAME_LEN).unwrap() {
            got.push(decode_server_message(&buf[at + s..at + e]).unwrap());
            at += e;
        }
        prop_assert_eq!(got, msgs);
    }

    /// `[opcode, anything]` with an opcode no request has is an unknown opcode (answered
    /// with a Request error), not a malformed frame (which closes the connection).
    #[test]
    fn unknown_opcodes_are_told_apart(opcode in any::<u8>(), body in any::<Vec<u32>>()) {
        prop_assume!(!Request::is_known_code(opcode));
        let wire = framed(&(opcode, body));
        prop_assert_eq!(decode_request(&wire), Err(DecodeError::UnknownOpcode(opcode)));
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        max in prop_oneof![Just(MAX_FRAME_LEN), 0usize..64],
    ) {
        decode_everything(&bytes);
        let mut at = 0;
        while let Ok(Some((s, e))) = split_frame(&bytes[at..], max) {
            prop_assert!(s <= e && at + e <= bytes.len() && e - s <= max);
            decode_everything(&bytes[at + s..at + e]);
            at += e;
        }
    }

    /// Valid bodies with a few bytes changed, and cut short: close to valid is where
    /// decoders go wrong.
    #[test]
    fn decoders_never_panic_on_damaged_frames(
        req in request(),
        msg in server_message(),
        edits in prop::collection::vec((any::<Index>(), any::<u8>()), 1..4),
        cut in any::<Index>(),
    ) {
        for mut body in [framed(&req), framed(&msg)] {
            for (i, b) in &edits {
                let i = i.index(body.len());
                body[i] = *b;
            }
            decode_everything(&body);
            decode_everything(&body[..cut.index(body.len() + 1)]);
        }
    }
}

/// The wire codes that 4000 values drawn from `strategy` carry.
fn codes_reached<S: Strategy>(strategy: S, code: impl Fn(&S::Value) -> u8) -> BTreeSet<u8> {
    let mut runner = TestRunner::deterministic();
    (0..4000)
        .map(|_| code(&strategy.new_tree(&mut runner).unwrap().current()))
        .collect()
}

fn known(is_known: impl Fn(u8) -> bool) -> BTreeSet<u8> {
    (0..=255).filter(|c| is_known(*c)).collect()
}

#[test]
fn request_strategy_covers_every_request() {
    assert_eq!(
        codes_reached(request(), Request::code),
        known(Request::is_known_code)
    );
}

#[test]
fn reply_strategy_covers_every_reply() {
    assert_eq!(
        codes_reached(reply(), Reply::code),
        known(Reply::is_known_code)
    );
}

#[test]
fn event_strategy_covers_every_event() {
    assert_eq!(
        codes_reached(event(), Event::code),
        known(Event::is_known_code)
    );
}

#[test]
fn error_strategy_covers_every_error_code() {
    let reached = codes_reached(protocol_error(), |e| e.code as u8);
    // Every byte that decodes as an error code is listed.
    assert_eq!(reached, decodable::<yonder_protocol::ErrorCode>());
    assert_eq!(reached.len(), ERROR_CODES.len());
}

/// The bytes that decode as a value of the fieldless enum `T`.
fn decodable<T: serde::de::DeserializeOwned>() -> BTreeSet<u8> {
    (0..=255u8)
        .filter(|c| rmp_serde::from_slice::<T>(&[*c]).is_ok())
        .collect()
}

#[test]
fn enum_lists_hold_every_value() {
    use strategies::{CURSORS, DND_ACTIONS, IMAGE_FORMATS};
    let codes = |v: Vec<u8>| v.into_iter().collect::<BTreeSet<u8>>();
    assert_eq!(
        codes(CURSORS.iter().map(|c| *c as u8).collect()),
        decodable::<yonder_protocol::request::Cursor>()
    );
    assert_eq!(
        codes(IMAGE_FORMATS.iter().map(|c| *c as u8).collect()),
        decodable::<yonder_protocol::request::ImageFormat>()
    );
    assert_eq!(
        codes(DND_ACTIONS.iter().map(|c| *c as u8).collect()),
        decodable::<yonder_protocol::request::DndAction>()
    );
}

#[test]
fn setup_strategy_covers_both_answers() {
    let reached = codes_reached(setup_response(), |s| match s {
        SetupResponse::Accepted(_) => 0,
        SetupResponse::Refused(_) => 1,
    });
    assert_eq!(reached, BTreeSet::from([0, 1]));
}
