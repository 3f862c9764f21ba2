//! Replays every input kept for the `web_input` fuzz target (files under
//! `tests/fuzz_regressions/web_input/`: seeds, and crashes it found) through the same
//! logic ([`fuzz_web`], shared with the target), without cargo-fuzz or a nightly
//! toolchain.

mod fuzz_web;

use yonder_test_support::regressions;

#[test]
fn web_input_regressions() {
    let dir = regressions::dir(env!("CARGO_MANIFEST_DIR"), "web_input");
    regressions::replay(&dir, fuzz_web::run);
}
