//! `YONDER_DEBUG_JOURNAL=1`: one line on stderr each time a lost connection comes back,
//! and one when the connection ends, saying what the journal costs this app (its bytes)
//! and what coming back took (attempts, the replay's size and the time to build it).
//! `bench/reconnect.sh` reads these lines; anyone can, to see what surviving the display
//! costs an app.
//!
//! The variable is read once, when the transport is made; nothing here runs on the path of
//! a request (only on a resume and at the end).
//!
//! ```text
//! yonder-journal: app=ypaint pid=4242 event=back resumed=false bytes=486913 \
//!     replay_requests=31 replay_bytes=481230 build_us=212 attempts=3 detached_ms=412 \
//!     dial_unix_us=1796300000123456 done_unix_us=1796300000223456
//! yonder-journal: app=ypaint pid=4242 event=exit bytes=486913
//! ```
//!
//! `dial_unix_us` is when the successful attempt started and `done_unix_us` when it had
//! the setup and had written the replay (microseconds since the Unix epoch, to line up
//! with other processes' clocks); `build_us` the time to turn the journal into the
//! replay's frames, under the output lock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The environment variable that turns the lines on (`1`).
pub(crate) const DEBUG_JOURNAL_ENV: &str = "YONDER_DEBUG_JOURNAL";

/// Whether the lines are asked for (read once per transport).
pub(crate) fn enabled() -> bool {
    std::env::var(DEBUG_JOURNAL_ENV).is_ok_and(|v| v == "1")
}

/// What one successful attempt to come back did.
#[derive(Debug, Clone, Copy)]
pub(super) struct Back {
    /// The server kept the session (no replay).
    pub resumed: bool,
    /// Requests and bytes of the journal's replay (0 when resumed).
    pub replay_requests: u64,
    pub replay_bytes: usize,
    /// Time to build the replay.
    pub build: Duration,
    /// When the attempt started dialing.
    pub dialed: SystemTime,
    /// When it was done: the setup read, the replay or the requests the server missed
    /// written.
    pub done: SystemTime,
}

/// Prints the line for a connection that came back.
pub(super) fn report_back(
    app: &str,
    journal_bytes: usize,
    back: &Back,
    attempts: u32,
    detached: Duration,
) {
    let unix_us = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap_or_default().as_micros();
    eprintln!(
        "yonder-journal: app={app} pid={} event=back resumed={} bytes={journal_bytes} \
         replay_requests={} replay_bytes={} build_us={} attempts={attempts} detached_ms={} \
         dial_unix_us={} done_unix_us={}",
        std::process::id(),
        back.resumed,
        back.replay_requests,
        back.replay_bytes,
        back.build.as_micros(),
        detached.as_millis(),
        unix_us(back.dialed),
        unix_us(back.done),
    );
}

/// Prints the line for a connection that ends.
pub(super) fn report_exit(app: &str, journal_bytes: usize) {
    eprintln!(
        "yonder-journal: app={app} pid={} event=exit bytes={journal_bytes}",
        std::process::id()
    );
}

/// Prints the line for a move to another display (protocol.md §5.5): what went ahead
/// (the hidden replay, the copy in rounds) and the freeze (the output lock held by the
/// switch).
pub(super) fn report_move(
    app: &str,
    to: &str,
    journal_bytes: usize,
    body_bytes: usize,
    copied_bytes: usize,
    rounds: u32,
    freeze: Duration,
) {
    eprintln!(
        "yonder-journal: app={app} pid={} event=moved to={to} bytes={journal_bytes} \
         replay_bytes={body_bytes} \
         copied_bytes={copied_bytes} rounds={rounds} freeze_us={}",
        std::process::id(),
        freeze.as_micros(),
    );
}
