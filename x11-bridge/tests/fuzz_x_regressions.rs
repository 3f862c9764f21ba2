//! Replays every input kept for the `x_client` fuzz target (files under
//! `tests/fuzz_regressions/x_client/`: seeds, and what it found) through the same logic
//! ([`fuzz_x`], shared with the target), without cargo-fuzz or a nightly toolchain: each
//! a hostile X program on a bridge that must stay up, with its display. Without Xvfb the
//! test skips (`SKIPPED:`), unless `YONDER_REQUIRE_XVFB=1` (CI).

mod fuzz_x;

use yonder_test_support::regressions;

#[test]
fn x_client_regressions() {
    let have = |p: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {p}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("Xvfb") {
        assert!(
            std::env::var("YONDER_REQUIRE_XVFB").as_deref() != Ok("1"),
            "Xvfb is required (apt-get install xvfb)"
        );
        eprintln!("SKIPPED: the x_client regressions need Xvfb");
        return;
    }
    let _w = yonder_test_support::apps::watchdog("x_client_regressions");
    let dir = regressions::dir(env!("CARGO_MANIFEST_DIR"), "x_client");
    regressions::replay(&dir, fuzz_x::run);
}
