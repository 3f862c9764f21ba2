//! The child processes of a test (servers, apps, examples): a registry of the live ones, a
//! watchdog that kills them when a test takes far too long, bounded waits and signals.
//!
//! Every child a helper of this crate spawns is registered in [`LIVE`] until it is reaped,
//! so that a hung test never leaves processes behind.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// Pids of the children still running, for the watchdog.
pub static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Records a spawned child's pid in [`LIVE`].
pub fn register(child: &Child) {
    LIVE.lock().unwrap().push(child.id());
}

/// Removes a reaped child's pid from [`LIVE`].
pub fn unregister(pid: u32) {
    LIVE.lock().unwrap().retain(|p| *p != pid);
}

/// Sends `signal` (as `kill` spells it: `-TERM`, `-KILL`) to `pid`, quietly.
pub fn kill(signal: &str, pid: u32) {
    let _ = Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The processes whose command line contains `needle`: (pid, command line with its
/// arguments joined by spaces). For processes a test's programs start themselves.
pub fn processes_with(needle: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        if let Ok(raw) = std::fs::read(entry.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&raw).replace('\0', " ");
            if cmd.contains(needle) {
                out.push((pid, cmd));
            }
        }
    }
    out
}

/// A process a test's program started (a grandchild of the test, such as the ypaint a
/// ydoc runs): registered in [`LIVE`] for the watchdog and killed when dropped, so that it
/// does not outlive the test when its parent dies first.
pub struct Adopted {
    pub pid: u32,
}

impl Adopted {
    pub fn new(pid: u32) -> Adopted {
        LIVE.lock().unwrap().push(pid);
        Adopted { pid }
    }

    /// Whether the process runs (exists and is not a zombie).
    pub fn alive(&self) -> bool {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)) else {
            return false;
        };
        // `pid (comm) S ...`: the state follows the last parenthesis.
        let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
        !state.is_some_and(|s| s.starts_with('Z') || s.starts_with('X'))
    }
}

impl Drop for Adopted {
    fn drop(&mut self) {
        if self.alive() {
            kill("-KILL", self.pid);
        }
        unregister(self.pid);
    }
}

/// How long the watchdog waits, after killing the children, for the test to end by
/// itself (a client call blocked on a killed server fails, and the test panics with its
/// own message) before it aborts the process.
const GRACE: Duration = Duration::from_secs(10);

/// Kills every live child if the test has not finished within its limit, then aborts the
/// process if the test still has not ended [`GRACE`] later. Ends quietly when dropped.
pub struct Watchdog {
    _cancel: mpsc::Sender<()>,
}

impl Watchdog {
    /// A watchdog for `test`, firing after `limit`.
    pub fn start(test: &'static str, limit: Duration) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            // Dropping the sender wakes the thread with `Disconnected`.
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                eprintln!("test {test}: watchdog fired after {limit:?}, killing its children");
                for pid in LIVE.lock().unwrap().iter() {
                    kill("-KILL", *pid);
                }
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(GRACE) {
                    eprintln!("test {test}: still running, aborting");
                    std::process::abort();
                }
            }
        });
        Watchdog { _cancel: tx }
    }
}

/// Polls `child` until it exits or `timeout` passes.
pub fn wait_child(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let end = Instant::now() + timeout;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return Some(s);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A binary of this workspace built next to the running test's executable
/// (`target/debug/NAME`, or `target/debug/examples/NAME` for an example): for binaries of
/// another package, which Cargo gives no `CARGO_BIN_EXE_` for. `cargo test --workspace`
/// (and `scripts/test.sh`) builds them all first.
pub fn built_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|d| d.parent()).unwrap();
    let bin = dir.join(name);
    assert!(
        bin.exists(),
        "{} not built: run `cargo build --workspace --all-targets` first",
        bin.display()
    );
    bin
}
