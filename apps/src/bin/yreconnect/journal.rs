//! The library's `yonder-journal:` lines (`YONDER_DEBUG_JOURNAL=1`,
//! client-lib/src/transport/stats.rs) in the apps' stderr: one per app each time its
//! connection came back.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One `event=back` line.
#[derive(Clone, Debug)]
pub struct BackLine {
    pub resumed: bool,
    /// The journal's memory, bytes.
    pub bytes: u64,
    pub replay_requests: u64,
    pub replay_bytes: u64,
    /// Time to build the replay.
    pub build: Duration,
    pub attempts: u64,
    /// When the successful attempt started dialing.
    pub dialed: SystemTime,
    /// When it had the setup and had written what it had to send.
    pub done: SystemTime,
}

/// The `event=back` lines of the log at `path`.
pub fn back_lines(path: &Path) -> Vec<BackLine> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("yonder-journal: "))
        .filter_map(|l| {
            let f: HashMap<&str, &str> = l.split(' ').filter_map(|kv| kv.split_once('=')).collect();
            if f.get("event") != Some(&"back") {
                return None;
            }
            let n = |k: &str| f.get(k).and_then(|v| v.parse::<u64>().ok());
            Some(BackLine {
                resumed: f.get("resumed") == Some(&"true"),
                bytes: n("bytes")?,
                replay_requests: n("replay_requests")?,
                replay_bytes: n("replay_bytes")?,
                build: Duration::from_micros(n("build_us")?),
                attempts: n("attempts")?,
                dialed: UNIX_EPOCH + Duration::from_micros(n("dial_unix_us")?),
                done: UNIX_EPOCH + Duration::from_micros(n("done_unix_us")?),
            })
        })
        .collect()
}
