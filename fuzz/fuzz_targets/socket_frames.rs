//! The server's read path (hello, input buffer, frame splitting, batching, descriptors
//! paired with ShmAttach) fed a stream in reads of fuzzed sizes, over an in-memory stream
//! or a Unix socket pair with descriptors at arbitrary points. The items handed to a fake
//! state thread must be those a model decodes from the whole stream at once. The logic
//! is shared with the regression replay in `display-server/tests/fuzz_socket_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../display-server/tests/fuzz_socket/mod.rs"]
mod fuzz_socket;

fuzz_target!(|data: &[u8]| fuzz_socket::run(data));
