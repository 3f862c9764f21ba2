//! Live migration (protocol.md §5.5) driven directly in the server's state: the ops of
//! `sessions` plus GrantMove, MoveClient and MoveDone with any values, and hellos that
//! present a token (granted, spent, forged, for another app) or a session's secret
//! instead of a cookie, decoded with `arbitrary`. A hostile token or move must cost
//! only its sender: nothing panics and the state's invariants hold after every step.
//! The interpreter is shared with the regression replay in
//! `display-server/tests/fuzz_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../display-server/tests/fuzz_ops/mod.rs"]
mod fuzz_ops;

fuzz_target!(|data: &[u8]| {
    fuzz_ops::moves::run(data);
});
