//! The bridge's private X server: Xvfb on a free X display number (it picks one and says
//! which through `-displayfd`), with a framebuffer of the size asked (the screen's size is
//! `screen`'s to set), listening on its Unix socket
//! only and admitting only clients with its cookie (a fresh MIT-MAGIC-COOKIE-1 in an
//! authority file of the bridge's, mode 0600: other local users cannot connect); and the
//! programs started on it, with that file in `XAUTHORITY`. Each child gets SIGKILL when the bridge dies
//! (`PR_SET_PDEATHSIG`), so a bridge killed without warning leaves nothing behind; a
//! bridge that ends normally stops them itself.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Xvfb may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running Xvfb, stopped when dropped.
pub struct XServer {
    child: Child,
    /// Its display number: X programs use `DISPLAY=:N`.
    pub display: u32,
    /// The cookie it admits.
    pub cookie: [u8; 16],
    /// The directory of its authority file (removed when dropped).
    auth_dir: std::path::PathBuf,
}

/// The authority protocol Xvfb checks.
pub const AUTH_NAME: &[u8] = b"MIT-MAGIC-COOKIE-1";

impl XServer {
    /// Starts Xvfb with a `width` × `height` screen, on display `wanted` or the first free one.
    pub fn start(width: u32, height: u32, wanted: Option<u32>) -> Result<XServer, String> {
        let cookie = random_cookie()?;
        let auth_dir = std::env::temp_dir().join(format!("yonder-x11-{}", std::process::id()));
        std::fs::create_dir_all(&auth_dir).map_err(|e| format!("{}: {e}", auth_dir.display()))?;
        let auth = auth_dir.join("Xauthority");
        write_authority(&auth, &cookie)?;
        let (read, write) = rustix::pipe::pipe().map_err(|e| format!("pipe: {e}"))?;
        let mut cmd = Command::new("Xvfb");
        if let Some(n) = wanted {
            cmd.arg(format!(":{n}"));
        }
        cmd.arg("-auth").arg(&auth);
        cmd.args(["-displayfd", &write.as_raw_fd().to_string()])
            .args(["-screen", "0", &format!("{width}x{height}x24")])
            .args(["-nolisten", "tcp", "-noreset"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        die_with_parent(&mut cmd);
        let child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "Xvfb is not installed (Debian: apt-get install xvfb)".to_string()
            }
            _ => format!("cannot start Xvfb: {e}"),
        })?;
        drop(write);
        let mut server = XServer {
            child,
            display: 0,
            cookie,
            auth_dir,
        };
        server.display = read_display(read, &mut server.child)?;
        Ok(server)
    }

    /// The authority file X programs need to connect (`XAUTHORITY`).
    pub fn authority(&self) -> std::path::PathBuf {
        self.auth_dir.join("Xauthority")
    }

    /// Starts `program` (with its arguments) on this X server.
    pub fn spawn(&self, program: &[String]) -> Result<Child, String> {
        let (name, args) = program.split_first().ok_or("no program to run")?;
        let mut cmd = Command::new(name);
        cmd.args(args)
            .env("DISPLAY", format!(":{}", self.display))
            .env("XAUTHORITY", self.authority())
            // Toolkits that would rather talk to a Wayland compositor talk to this X server.
            .env_remove("WAYLAND_DISPLAY")
            .env("GDK_BACKEND", "x11")
            .env("QT_QPA_PLATFORM", "xcb");
        die_with_parent(&mut cmd);
        cmd.spawn().map_err(|e| format!("cannot start {name}: {e}"))
    }
}

impl Drop for XServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.auth_dir);
        // SIGTERM lets Xvfb remove its lock file and socket.
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32);
        if let Some(pid) = pid {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let end = Instant::now() + Duration::from_secs(2);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The display number Xvfb writes on `-displayfd` once it accepts connections.
fn read_display(read: std::os::fd::OwnedFd, child: &mut Child) -> Result<u32, String> {
    let mut pipe = std::fs::File::from(read);
    let end = Instant::now() + START_TIMEOUT;
    let mut text = String::new();
    let mut buf = [0u8; 32];
    // The pipe closes when Xvfb exits; a line arrives when it is ready.
    while !text.ends_with('\n') {
        if Instant::now() > end {
            return Err("Xvfb did not start within 10 seconds".into());
        }
        // Waits for the line at most until the end, so a hung Xvfb cannot hang the bridge.
        let left = end.saturating_duration_since(Instant::now());
        let timeout = rustix::event::Timespec {
            tv_sec: left.as_secs() as i64,
            tv_nsec: left.subsec_nanos() as i64,
        };
        let mut fds = [rustix::event::PollFd::new(
            &pipe,
            rustix::event::PollFlags::IN,
        )];
        if rustix::event::poll(&mut fds, Some(&timeout)).unwrap_or(0) == 0 {
            continue;
        }
        match pipe.read(&mut buf) {
            Ok(0) => {
                let status = child.try_wait().ok().flatten();
                return Err(format!("Xvfb exited before it was ready ({status:?})"));
            }
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e) => return Err(format!("reading Xvfb's display number: {e}")),
        }
    }
    text.trim()
        .parse()
        .map_err(|_| format!("Xvfb said {text:?} for its display number"))
}

/// Makes the child get SIGKILL when the bridge's thread that started it dies.
fn die_with_parent(cmd: &mut Command) {
    let hook = || {
        rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
            .map_err(std::io::Error::from)
    };
    // SAFETY: the hook runs in the child between fork and exec and makes one system call
    // (prctl), which is async-signal-safe; it allocates nothing and takes no lock.
    unsafe {
        cmd.pre_exec(hook);
    }
}

/// 16 random bytes.
fn random_cookie() -> Result<[u8; 16], String> {
    let mut cookie = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut cookie))
        .map_err(|e| format!("no random bytes for the X cookie: {e}"))?;
    Ok(cookie)
}

/// Writes an X authority file admitting `cookie` on any display of this machine (one
/// entry: family "wild", no address or display number; big-endian lengths), mode 0600.
fn write_authority(path: &std::path::Path, cookie: &[u8; 16]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut entry = Vec::new();
    entry.extend_from_slice(&0xFFFFu16.to_be_bytes());
    for field in [&b""[..], b"", AUTH_NAME, cookie] {
        entry.extend_from_slice(&(field.len() as u16).to_be_bytes());
        entry.extend_from_slice(field);
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(&entry))
        .map_err(|e| format!("{}: {e}", path.display()))
}
