//! The server's state driven directly (no sockets) by a sequence of requests from a few
//! clients, disconnects, reconnects, host input and compositions, decoded from the input
//! with `arbitrary`. Nothing may panic and the state's invariants must hold after every
//! step. The interpreter is shared with the regression replay in
//! `display-server/tests/fuzz_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../display-server/tests/fuzz_ops/mod.rs"]
mod fuzz_ops;

fuzz_target!(|data: &[u8]| {
    fuzz_ops::run(data);
});
