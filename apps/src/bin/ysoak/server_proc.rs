//! The server process as /proc shows it: resident memory, open descriptors, threads.

use std::path::PathBuf;

/// One look at the server.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Resident set size, KiB.
    pub rss_kib: u64,
    /// Open file descriptors.
    pub fds: u64,
    /// Threads.
    pub threads: u64,
}

/// The server's /proc directory.
pub struct ServerProc(PathBuf);

impl ServerProc {
    /// The process `pid`.
    pub fn new(pid: u32) -> ServerProc {
        ServerProc(PathBuf::from(format!("/proc/{pid}")))
    }

    /// Its figures now; `None` when it is gone (or a zombie).
    pub fn sample(&self) -> Option<Sample> {
        let status = std::fs::read_to_string(self.0.join("status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        };
        if status
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'))
        {
            return None;
        }
        Some(Sample {
            rss_kib: field("VmRSS:")?,
            threads: field("Threads:")?,
            fds: std::fs::read_dir(self.0.join("fd")).ok()?.count() as u64,
        })
    }
}
