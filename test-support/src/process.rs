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
