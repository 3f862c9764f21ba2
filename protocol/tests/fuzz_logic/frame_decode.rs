//! The logic of the `frame_decode` fuzz target (`fuzz/fuzz_targets/frame_decode.rs`),
//! shared with the regression replay in `tests/fuzz_regressions.rs`: arbitrary bytes go
//! through the frame splitter and every decoder. Nothing may panic, and whatever decodes
//! must encode again to bytes that decode to the same encoding (a value the decoder
//! accepts is one the encoder can send). The bytes are also read as a window's size hints
//! (`WM_NORMAL_HINTS`, a property any client sets and the window manager reads): any
//! value gives hints whose resizes stay within the window manager's bounds. They are also
//! read as a window's icons (`_NET_WM_ICON`, §16.7): every icon read is whole and within
//! bounds, and encodes back to the bytes it came from. Every body is also decoded as a
//! request of a client whose id space is the input's first four bytes (relative ids,
//! §6.1): what decodes names the same ids written relative or in full.

use serde::Serialize;
use yonder_protocol::frame::{encode_body, split_frame, MAX_FRAME_LEN};
use yonder_protocol::handshake::{decode_hello, decode_setup_response};
use yonder_protocol::message::{decode_request, decode_server_message, DecodeError};

/// Runs one input: the bytes as one body, then as a stream of frames.
pub fn run(data: &[u8]) {
    size_hints(data);
    icons(data);
    let space = data
        .get(..4)
        .map_or(1, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]).max(1));
    let decode_all = |body: &[u8]| {
        decode_all(body);
        relative(space, body);
    };
    decode_all(data);
    let mut at = 0;
    while let Ok(Some((start, end))) = split_frame(&data[at..], MAX_FRAME_LEN) {
        assert!(
            start <= end && at + end <= data.len(),
            "frame inside the buffer"
        );
        decode_all(&data[at + start..at + end]);
        at += end;
    }
}

/// Every decoder on one body.
fn decode_all(body: &[u8]) {
    match decode_request(body) {
        Ok(req) => {
            let again = encode_body(&req);
            let back = decode_request(&again).expect("a re-encoded request decodes");
            assert_eq!(encode_body(&back), again, "request re-encodes the same");
        }
        // Only a SendEvent's event can be a bad value in a well-formed frame (§9.17).
        Err(DecodeError::BadValue { opcode, .. }) => assert_eq!(opcode, 17),
        Err(_) => {}
    }
    if let Ok(msg) = decode_server_message(body) {
        stable(&msg, |b| decode_server_message(b).ok());
    }
    if let Ok(hello) = decode_hello(body) {
        stable(&hello, |b| decode_hello(b).ok());
    }
    if let Ok(setup) = decode_setup_response(body) {
        stable(&setup, |b| decode_setup_response(b).ok());
    }
}

/// `body` as a request of a client of id space `space`: one that decodes encodes again,
/// relative or in full, to bytes that decode to it (in full: on a connection of any
/// space, the ids being whole).
fn relative(space: u32, body: &[u8]) {
    use yonder_protocol::{decode_relative_to, encode_relative_to};
    let Ok(req) = decode_relative_to(space, || decode_request(body)) else {
        return;
    };
    let short = encode_relative_to(space, || encode_body(&req));
    let back = decode_relative_to(space, || decode_request(&short));
    assert_eq!(
        back.as_ref(),
        Ok(&req),
        "relative re-encoding decodes the same"
    );
    let full = encode_body(&req);
    assert!(short.len() <= full.len(), "relative ids are never longer");
    assert_eq!(
        decode_request(&full).as_ref(),
        Ok(&req),
        "in full it decodes the same"
    );
}

/// Encoding `v` and decoding it gives a value that encodes to the same bytes (compared as
/// bytes, so NaN floats compare equal).
fn stable<T: Serialize>(v: &T, decode: impl Fn(&[u8]) -> Option<T>) {
    let again = encode_body(v);
    let back = decode(&again).expect("a re-encoded message decodes");
    assert_eq!(encode_body(&back), again, "message re-encodes the same");
}

/// The bytes as size hints, constraining resizes to sizes from the bytes themselves.
fn size_hints(data: &[u8]) {
    use yonder_protocol::hints::SizeHints;
    use yonder_protocol::Size;
    let hints = SizeHints::parse(data);
    let word = |i: usize| {
        data.get(i..i + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (floor, ceiling) = (32, 16384);
    for want in [
        Size::new(word(72), word(76)),
        Size::new(0, 0),
        Size::new(u32::MAX, u32::MAX),
    ] {
        let got = hints.constrain(want, floor, ceiling);
        let within = |v: u32| (floor..=ceiling).contains(&v);
        assert!(
            within(got.width) && within(got.height),
            "{hints:?} {want:?} {got:?}"
        );
        // Consistent minimum and maximum inside the bounds are kept (what the user sees:
        // a window never resized past what its app allows).
        if let (Some(lo), Some(hi)) = (hints.min, hints.max) {
            let ok = |l: u32, h: u32| floor <= l && l <= h && h <= ceiling;
            if ok(lo.width, hi.width) && ok(lo.height, hi.height) {
                let fits = |v: u32, l: u32, h: u32| l <= v && v <= h;
                assert!(
                    fits(got.width, lo.width, hi.width) && fits(got.height, lo.height, hi.height),
                    "{hints:?} {want:?} {got:?}"
                );
            }
        }
    }
    assert_eq!(
        SizeHints::parse(&hints.encode()),
        hints,
        "hints re-encode the same"
    );
}

/// The bytes as `_NET_WM_ICON`: the icons read are a prefix of the bytes, each whole.
fn icons(data: &[u8]) {
    use yonder_protocol::hints::{Icon, MAX_ICON_SIDE};
    let icons = Icon::parse_all(data);
    let mut again = Vec::new();
    for i in &icons {
        assert!((1..=MAX_ICON_SIDE).contains(&i.width) && (1..=MAX_ICON_SIDE).contains(&i.height));
        assert_eq!(i.argb.len(), i.width as usize * i.height as usize);
        again.extend(i.encode());
    }
    assert_eq!(
        &data[..again.len()],
        &again[..],
        "icons re-encode to their bytes"
    );
    if let Some(best) = Icon::best(data, 16) {
        assert!(icons.contains(&best));
    }
}
