//! A hostile X program against yonder-x11: arbitrary bytes read as X requests of one
//! client of the bridge's X server (windows of any geometry, the hints and XDND and
//! clipboard properties the bridge reads with any type and bytes, client messages of
//! every kind it answers, selections). The bridge must stay up and its display answer.
//! The logic is shared with the regression replay in
//! `x11-bridge/tests/fuzz_x_regressions.rs`. Needs Xvfb, and yonder-x11 built (its path
//! in `YONDER_X11`; `smoke.sh` and `long.sh` build it).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../x11-bridge/tests/fuzz_x/mod.rs"]
mod fuzz_x;

fuzz_target!(|data: &[u8]| fuzz_x::run(data));
