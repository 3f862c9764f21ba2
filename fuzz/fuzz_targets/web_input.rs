//! Arbitrary bytes through the web viewer's ways in: as an HTTP request head judged by the
//! server, and as a page's WebSocket message parsed and turned into input. None may
//! panic. The logic is shared with the regression replay in
//! `display-server/tests/fuzz_web_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../display-server/tests/fuzz_web/mod.rs"]
mod fuzz_web;

fuzz_target!(|data: &[u8]| fuzz_web::run(data));
