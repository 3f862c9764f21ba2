//! Golden bytes: every message kind of the protocol, built as a value, encoded with the real
//! encoder and compared with a hex constant; then decoded back from the hex and compared with
//! the value. The same hex strings are the examples printed in `protocol.md`, and a test
//! below checks that the spec's ```hex blocks and this table are the same set, so the spec
//! and the code cannot drift apart.
//!
//! To regenerate after a deliberate wire change, run
//! `YONDER_GOLDEN_PRINT=1 cargo test -p yonder-protocol --test golden print_goldens -- --nocapture`:
//! it prints every message's actual hex, the ```hex block for the spec and a MessagePack
//! rendering of the body (made by the small independent decoder at the end of this file).
//!
//! One test binary, one module per message family: the table is [`goldens`], the families'
//! parts in the spec's order.

mod decoding;
mod draw;
mod errors;
mod events;
mod handshake;
mod migrate;
mod print;
mod replies;
mod session;
mod transfer;
mod window;

use print::spec_block;
use yonder_protocol::frame::{encode_frame, split_frame, HEADER_LEN, MAX_FRAME_LEN};
use yonder_protocol::message::decode_server_message;
use yonder_protocol::*;

/// One message of any kind, as its decoder sees it.
#[derive(Debug, Clone, PartialEq)]
enum Msg {
    Hello(Hello),
    Setup(SetupResponse),
    Request(Request),
    /// A request of a client of id space `.0` on a 1.10 connection, its own ids relative
    /// (§6.1).
    OwnRequest(u32, Request),
    Server(ServerMessage),
}

impl Msg {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Msg::Hello(m) => encode_frame(m, &mut out),
            Msg::Setup(m) => encode_frame(m, &mut out),
            Msg::Request(m) => encode_frame(m, &mut out),
            Msg::OwnRequest(space, m) => {
                // The hand-written encoder (the library's) writes the same bytes as serde.
                let mut fast = Vec::new();
                encode_relative_to(*space, || {
                    encode_frame(m, &mut out);
                    yonder_protocol::fast_encode::encode_request_frame(m, &mut fast);
                });
                assert_eq!(out, fast, "fast and serde encodings of {m:?}");
            }
            Msg::Server(m) => encode_frame(m, &mut out),
        }
        out
    }

    /// Decodes a body with the decoder that applies to this kind of message.
    fn decode_like(&self, body: &[u8]) -> Msg {
        match self {
            Msg::Hello(_) => Msg::Hello(rmp_serde::from_slice(body).expect("hello decodes")),
            Msg::Setup(_) => Msg::Setup(rmp_serde::from_slice(body).expect("setup decodes")),
            Msg::Request(_) => Msg::Request(decode_request(body).expect("request decodes")),
            Msg::OwnRequest(space, _) => {
                let decoded = decode_relative_to(*space, || decode_request(body));
                // Through serde alone too: both decoders resolve relative ids.
                let via_serde = decode_relative_to(*space, || {
                    yonder_protocol::message::decode_request_via_serde(body)
                });
                assert_eq!(decoded, via_serde);
                // Without the connection's space a relative id means nothing.
                assert!(decode_request(body).is_err(), "decodes without a space");
                Msg::OwnRequest(*space, decoded.expect("request decodes"))
            }
            Msg::Server(_) => {
                Msg::Server(decode_server_message(body).expect("server message decodes"))
            }
        }
    }
}

struct Golden {
    /// Title, as used in protocol.md.
    name: &'static str,
    msg: Msg,
    /// The whole frame (length prefix and body), lowercase hex.
    hex: &'static str,
}

/// The table: one entry per message of the protocol (at least one per request opcode, reply,
/// event and error code, plus the hello and both setup responses).
fn goldens() -> Vec<Golden> {
    [
        handshake::messages(),
        window::requests(),
        draw::requests(),
        transfer::requests(),
        draw::shm_requests(),
        replies::replies(),
        events::events(),
        transfer::events(),
        errors::errors(),
        migrate::messages(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

// ---------------------------------------------------------------------------------------
// The golden tests.

#[test]
fn every_message_encodes_to_its_golden_bytes() {
    let mut wrong = Vec::new();
    for gd in goldens() {
        let got = hex::encode(gd.msg.encode());
        if got != gd.hex {
            wrong.push(format!("{}:\n  want {}\n  got  {}", gd.name, gd.hex, got));
        }
    }
    assert!(wrong.is_empty(), "encodings changed:\n{}", wrong.join("\n"));
}

#[test]
fn every_golden_decodes_to_its_value() {
    for gd in goldens() {
        let frame = hex::decode(gd.hex).unwrap();
        let (start, end) = split_frame(&frame, MAX_FRAME_LEN)
            .unwrap()
            .unwrap_or_else(|| panic!("{}: incomplete frame", gd.name));
        assert_eq!(start, HEADER_LEN);
        assert_eq!(end, frame.len(), "{}: length prefix", gd.name);
        assert_eq!(
            gd.msg.decode_like(&frame[start..end]),
            gd.msg,
            "{}",
            gd.name
        );
    }
}

#[test]
fn names_are_unique() {
    let mut names: Vec<_> = goldens().iter().map(|g| g.name).collect();
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n);
}

#[test]
fn every_code_has_a_golden() {
    let all = goldens();
    let mut request_codes = Vec::new();
    let mut reply_codes = Vec::new();
    let mut event_codes = Vec::new();
    let mut error_codes = Vec::new();
    let (mut hello, mut accepted, mut refused) = (false, false, false);
    for gd in &all {
        match &gd.msg {
            Msg::Hello(_) => hello = true,
            Msg::Setup(SetupResponse::Accepted(_)) => accepted = true,
            Msg::Setup(SetupResponse::Refused(_)) => refused = true,
            Msg::Request(r) | Msg::OwnRequest(_, r) => request_codes.push(r.code()),
            Msg::Server(ServerMessage::Reply { reply, .. }) => reply_codes.push(reply.code()),
            Msg::Server(ServerMessage::Event { event, .. }) => event_codes.push(event.code()),
            Msg::Server(ServerMessage::Error { error, .. }) => error_codes.push(error.code as u8),
        }
    }
    assert!(hello && accepted && refused);
    for code in 0..=u8::MAX {
        if Request::is_known_code(code) {
            assert!(
                request_codes.contains(&code),
                "no golden for request {code}"
            );
        }
        if Reply::is_known_code(code) {
            assert!(reply_codes.contains(&code), "no golden for reply {code}");
        }
        if Event::is_known_code(code) {
            assert!(event_codes.contains(&code), "no golden for event {code}");
        }
        if rmp_serde::from_slice::<ErrorCode>(&rmp_serde::to_vec(&code).unwrap()).is_ok() {
            assert!(
                error_codes.contains(&code),
                "no golden for error code {code}"
            );
        }
    }
    // And each request with a reply has its reply golden under the same code.
    for gd in &all {
        if let Msg::Request(r) = &gd.msg {
            assert_eq!(
                r.has_reply(),
                reply_codes.contains(&r.code()),
                "{}: has_reply vs reply goldens",
                gd.name
            );
        }
    }
}

/// Whitespace-free lowercase contents of every ```hex block of protocol.md, with the line
/// each block starts on.
fn spec_hex_blocks() -> Vec<(usize, String)> {
    let spec = include_str!("../../../protocol.md");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in spec.lines().enumerate() {
        let t = line.trim();
        match &mut current {
            None if t == "```hex" => current = Some((i + 1, String::new())),
            None => {}
            Some(_) if t.starts_with("```") => blocks.push(current.take().unwrap()),
            Some((_, s)) => s.extend(t.chars().filter(|c| !c.is_whitespace())),
        }
    }
    assert!(
        current.is_none(),
        "unterminated ```hex block in protocol.md"
    );
    blocks
        .into_iter()
        .map(|(l, s)| (l, s.to_ascii_lowercase()))
        .collect()
}

#[test]
fn spec_examples_are_exactly_the_goldens() {
    let blocks = spec_hex_blocks();
    let all = goldens();
    for gd in &all {
        assert!(
            blocks.iter().any(|(_, b)| b == gd.hex),
            "protocol.md lacks the example for {}:\n{}",
            gd.name,
            spec_block(gd.hex)
        );
    }
    for (line, b) in &blocks {
        assert!(
            all.iter().any(|gd| gd.hex == b.as_str()),
            "protocol.md line {line}: hex block is not a golden message (stale example?)"
        );
    }
}
