//! Arbitrary bytes through every decoder a peer's bytes reach: the frame splitter, then
//! each frame as a request (what the server does), a server message (what the client
//! library does) and a hello. None may panic. The logic is shared with the regression
//! replay in `protocol/tests/fuzz_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../protocol/tests/fuzz_logic/frame_decode.rs"]
mod frame_decode;

fuzz_target!(|data: &[u8]| frame_decode::run(data));
