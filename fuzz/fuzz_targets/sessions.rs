//! Sessions (protocol.md §5.4) driven directly in the server's state: the ops of
//! `server_state` plus lost links, resumed hellos with right or forged secrets and any
//! numbers, close-down modes and expiring grace periods, decoded with `arbitrary`. A
//! hostile resume must cost only its sender: nothing panics and the state's invariants
//! hold after every step. The interpreter is shared with the regression replay in
//! `display-server/tests/fuzz_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../display-server/tests/fuzz_ops/mod.rs"]
mod fuzz_ops;

fuzz_target!(|data: &[u8]| {
    fuzz_ops::sessions::run(data);
});
