//! The processes a run drives: the display server (killed with SIGKILL and started
//! again on the same display), the delay proxy between the apps and a network server
//! (killed and started again to cut the link), the apps; and what /proc says of a
//! process's CPU time and wake-ups.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Instant, SystemTime};

/// The moment a process said it was ready, on both clocks: `Instant` for our own
/// measurements, `SystemTime` to line up with the apps' `dial_unix_us`.
#[derive(Clone, Copy, Debug)]
pub struct Ready {
    pub at: Instant,
    pub wall: SystemTime,
}

impl Ready {
    fn now() -> Ready {
        Ready {
            at: Instant::now(),
            wall: SystemTime::now(),
        }
    }
}

/// Starts `cmd` with its stdout piped and its stderr appended to `log`, and reads stdout
/// until a line starting with `prefix`; returns the child, that line and when it came.
/// The rest of stdout is drained by a thread, so the process never blocks on it.
fn start(mut cmd: Command, log: &Path, prefix: &str) -> (Child, String, Ready) {
    let err = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap_or_else(|e| panic!("yreconnect: cannot open {}: {e}", log.display()));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("yreconnect: cannot start {cmd:?}: {e}"));
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::new();
    loop {
        line.clear();
        match out.read_line(&mut line) {
            Ok(0) | Err(_) => panic!(
                "yreconnect: {cmd:?} ended before saying `{prefix}` (see {})",
                log.display()
            ),
            Ok(_) if line.starts_with(prefix) => break,
            Ok(_) => {}
        }
    }
    let ready = Ready::now();
    drain(out);
    (child, line.trim().to_string(), ready)
}

fn drain(mut out: BufReader<ChildStdout>) {
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        while matches!(out.read_until(b'\n', &mut sink), Ok(n) if n > 0) {
            sink.clear();
        }
    });
}

/// Kills `child` with SIGKILL and reaps it.
pub fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// How to start the display server: always the same display, directory and flags, so
/// that a new one takes the place of the one killed (its cookies, atoms and checkpoint).
pub struct ServerCommand {
    pub binary: PathBuf,
    pub dir: PathBuf,
    pub number: u32,
    pub screen: String,
    /// `tcp` or `tls` (on 127.0.0.1), or none: the Unix socket only.
    pub listen: Option<&'static str>,
}

impl ServerCommand {
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.join("sockets")
    }

    pub fn cookie_file(&self) -> PathBuf {
        self.dir.join("cookies")
    }

    /// The display name of its Unix socket.
    pub fn unix_display(&self) -> String {
        format!(
            "unix:{}",
            self.socket_dir()
                .join(format!("display-{}", self.number))
                .display()
        )
    }

    /// Starts a server and waits until it serves; returns it and when it announced it.
    pub fn start(&self) -> (Child, Ready) {
        let mut cmd = Command::new(&self.binary);
        cmd.arg(format!(":{}", self.number))
            .args(["--headless", &self.screen])
            .args(["--no-window-manager", "--allow-synthetic-input"])
            .arg("--socket-dir")
            .arg(self.socket_dir())
            .arg("--cookie-file")
            .arg(self.cookie_file());
        if let Some(l) = self.listen {
            cmd.args(["--listen", l, "--tcp-addr", "127.0.0.1"]);
        }
        let (child, _, ready) = start(cmd, &self.dir.join("server.err"), "YONDER_DISPLAY=");
        (child, ready)
    }

    /// The cookie-file line named `name` (`:N`, `:N+trusted`): its fields.
    pub fn cookie_line(&self, name: &str) -> Vec<String> {
        let text = std::fs::read_to_string(self.cookie_file()).expect("the cookie file");
        text.lines()
            .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .find(|f| f.first().map(String::as_str) == Some(name))
            .unwrap_or_else(|| panic!("yreconnect: no cookie `{name}` in the cookie file"))
    }
}

/// How to start `bench/delay-proxy/delay_proxy.py` in front of a server's port.
pub struct ProxyCommand {
    pub script: PathBuf,
    pub port: u16,
    pub target: u16,
    pub delay_ms: u32,
    pub rate_mbit: u32,
    pub log: PathBuf,
}

impl ProxyCommand {
    /// Starts the proxy and waits until it accepts connections.
    pub fn start(&self) -> (Child, Ready) {
        let mut cmd = Command::new("python3");
        cmd.arg(&self.script)
            .args(["--listen", &self.port.to_string()])
            .args(["--target", &format!("127.0.0.1:{}", self.target)])
            .args(["--delay-ms", &self.delay_ms.to_string()])
            .args(["--rate-mbit", &self.rate_mbit.to_string()])
            .arg("--shared-rate");
        let (child, _, ready) = start(cmd, &self.log, "listening");
        (child, ready)
    }
}

/// The first port at or above `from` that 127.0.0.1 can bind now.
pub fn free_port(from: u16) -> u16 {
    (from..u16::MAX)
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .expect("a free port")
}

/// A process's CPU time (user + system, in clock ticks, its ended threads included) and
/// the context switches of each of its threads (voluntary and not: its wake-ups) so far.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    pub ticks: u64,
    switches: std::collections::HashMap<String, u64>,
}

impl Usage {
    /// Wake-ups since `before`: of the threads alive then and now, and all of those
    /// started since (a thread that ended meanwhile is not counted).
    pub fn switches_since(&self, before: &Usage) -> u64 {
        self.switches
            .iter()
            .map(|(tid, n)| n - before.switches.get(tid).copied().unwrap_or(0).min(*n))
            .sum()
    }
}

/// What /proc says of `pid` now; `None` once it is gone.
pub fn usage(pid: u32) -> Option<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces): utime and stime are
    // fields 14 and 15 of the line, 12 and 13 of these.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let mut switches = std::collections::HashMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
    {
        let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
            continue; // ended while we looked
        };
        let n = status
            .lines()
            .filter(|l| l.contains("ctxt_switches:"))
            .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum::<u64>();
        switches.insert(task.file_name().to_string_lossy().into_owned(), n);
    }
    Some(Usage { ticks, switches })
}
