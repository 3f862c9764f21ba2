//! Replays every input the `frame_decode` fuzz target ever crashed on (files under
//! `tests/fuzz_regressions/frame_decode/`, with a few edge inputs made by hand) through
//! the same logic, so a fixed crash stays fixed without cargo-fuzz or a nightly toolchain.

#[path = "fuzz_logic/frame_decode.rs"]
mod frame_decode;

use std::path::Path;

#[test]
fn frame_decode_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/frame_decode");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("the regression directory exists") {
        let path = entry.expect("readable directory").path();
        let data = std::fs::read(&path).expect("readable input");
        eprintln!("replaying {}", path.display());
        frame_decode::run(&data);
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}

#[test]
fn frame_decode_smoke() {
    // A few hand-made inputs: empty, a header alone, a huge header, a valid Sync frame.
    frame_decode::run(&[]);
    frame_decode::run(&[1, 0, 0, 0]);
    frame_decode::run(&[0xff, 0xff, 0xff, 0xff, 0x92]);
    frame_decode::run(&[3, 0, 0, 0, 0x92, 22, 0x90]);
    // Relative ids (§6.1) in the space the first four bytes make: MapWindow −1, a
    // PolyFillRectangle −1 −2, a CopyArea with each relative form, and out of range.
    frame_decode::run(&[4, 0, 0, 0, 0x92, 5, 0x91, 0xff]);
    frame_decode::run(&[
        11, 0, 0, 0, 0x92, 46, 0x93, 0xff, 0xfe, 0x91, 0x94, 10, 10, 100, 50,
    ]);
    let mut copy = vec![
        0x92, 41, 0x95, 0xd0, 0x80, 0xd1, 0x80, 0x00, 0xd2, 0x80, 0, 0, 0,
    ];
    copy.extend([0x94, 0, 0, 1, 1, 0x92, 0, 0]);
    let mut framed = (copy.len() as u32).to_le_bytes().to_vec();
    framed.extend(&copy);
    frame_decode::run(&framed);
    frame_decode::run(&[
        11, 0, 0, 0, 0x92, 5, 0x91, 0xd3, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0,
    ]);
    frame_decode::run(&[4, 0, 0, 0, 0x92, 5, 0x91, 0xd0, 0x00]);
}

/// Deeply nested arrays and maps where a request or event body belongs: the decoder must
/// refuse them without running out of stack (this test runs on a 2 MiB test thread).
#[test]
fn deep_nesting_is_refused() {
    let framed = |body: Vec<u8>| {
        let mut f = (body.len() as u32).to_le_bytes().to_vec();
        f.extend(body);
        f
    };
    let nested = |head: &[u8], level: &[u8], tail: &[u8]| {
        let mut b = head.to_vec();
        for _ in 0..50_000 {
            b.extend_from_slice(level);
        }
        b.extend_from_slice(tail);
        b
    };
    // Sync: [22, [[[...]]]]
    frame_decode::run(&framed(nested(&[0x92, 22], &[0x91], &[0xc0])));
    // Sync: [22, {nil: {nil: ...}}]
    frame_decode::run(&framed(nested(&[0x92, 22], &[0x81, 0xc0], &[0xc0])));
    // An event message: [1, 0, [33, [[[...]]]], false]
    frame_decode::run(&framed(nested(
        &[0x94, 1, 0, 0x92, 33],
        &[0x91],
        &[0xc0, 0xc2],
    )));
}
