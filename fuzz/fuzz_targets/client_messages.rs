//! A hostile server's bytes to the client library: a real `Connection` over a Unix
//! socket reads a setup and then replies, errors, events and garbage while the app
//! sends requests, waits on cookies and takes events. Nothing may panic or hang; the
//! logic is shared with the regression replay in `client-lib/tests/fuzz_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../client-lib/tests/fuzz_logic/client_messages.rs"]
mod client_messages;

fuzz_target!(|data: &[u8]| client_messages::run(data));
