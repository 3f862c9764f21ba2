//! The `yonder-server` binary as a user runs it: readiness line, socket and cookie files
//! and their modes, local and TCP clients sharing one screen, `--print-cookie`, a second
//! server on a taken display, picking a free display number, and a clean stop on SIGTERM.
//!
//! The client library reads `XDG_RUNTIME_DIR` and `YONDER_COOKIE_FILE` from the process
//! environment, so every check lives in ONE test function, which sets them first (this
//! file is its own test process, so no other test sees them).
//!
//! Every wait has a timeout, and a watchdog kills the spawned servers (which makes any
//! client call blocked on them fail) if the whole test takes far too long.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{Color, EventMask, Rect, WindowId};

const SERVER: &str = env!("CARGO_BIN_EXE_yonder-server");
/// Generous bound for anything that should take milliseconds.
const WAIT: Duration = Duration::from_secs(10);
/// The whole test must finish within this, or the watchdog kills the servers.
const WATCHDOG: Duration = Duration::from_secs(120);

/// Pids of the servers still running, for the watchdog.
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn kill(signal: &str, pid: u32) {
    let _ = Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Kills every live server if the test has not finished after [`WATCHDOG`]; a client call
/// blocked on a server then fails and the test ends with a panic.
struct Watchdog(Option<mpsc::Sender<()>>);

impl Watchdog {
    fn start() -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(WATCHDOG) {
                eprintln!("cli test: watchdog fired after {WATCHDOG:?}, killing the servers");
                for pid in LIVE.lock().unwrap().iter() {
                    kill("-KILL", *pid);
                }
            }
        });
        Watchdog(Some(tx))
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // Dropping the sender wakes the thread with `Disconnected`.
        self.0.take();
    }
}

/// A running `yonder-server`: its stdout lines arrive on a channel, its stderr is
/// collected; dropping it kills the process.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn spawn(env: &Env, args: &[&str]) -> Server {
        let mut child = env
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn yonder-server");
        LIVE.lock().unwrap().push(child.id());
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server {
            child,
            lines,
            stderr,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The next stdout line, waiting at most [`WAIT`].
    fn line(&self) -> String {
        match self.lines.recv_timeout(WAIT) {
            Ok(l) => l,
            Err(e) => panic!(
                "no line on the server's stdout ({e:?}); stderr:\n{}",
                self.stderr()
            ),
        }
    }

    /// Waits for the readiness line and returns the display it names.
    fn ready(&self) -> String {
        let line = self.line();
        let display = line
            .strip_prefix("YONDER_DISPLAY=")
            .unwrap_or_else(|| panic!("first stdout line is {line:?}"));
        display.to_string()
    }

    fn terminate(&self) {
        kill("-TERM", self.child.id());
    }

    fn wait(&mut self, timeout: Duration) -> ExitStatus {
        wait_child(&mut self.child, timeout).unwrap_or_else(|| {
            panic!(
                "server did not exit within {timeout:?}; stderr:\n{}",
                self.stderr()
            )
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        LIVE.lock().unwrap().retain(|p| *p != self.child.id());
    }
}

/// Polls `child` until it exits or `timeout` passes.
fn wait_child(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
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

/// Runs a short-lived `yonder-server` invocation to its end: (status, stdout, stderr).
fn run(env: &Env, args: &[&str]) -> (ExitStatus, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = env
        .command(args)
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("spawn yonder-server");
    let status = wait_child(&mut child, WAIT);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let out = std::fs::read_to_string(out).unwrap();
    let err = std::fs::read_to_string(err).unwrap();
    let status =
        status.unwrap_or_else(|| panic!("`yonder-server {args:?}` did not exit; stderr:\n{err}"));
    (status, out, err)
}

/// The environment every server and client of the test shares.
struct Env {
    runtime_dir: PathBuf,
    cookie_file: PathBuf,
}

impl Env {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(SERVER);
        c.args(args)
            .env("XDG_RUNTIME_DIR", &self.runtime_dir)
            .env("YONDER_COOKIE_FILE", &self.cookie_file)
            .env_remove("YONDER_COOKIE")
            .env_remove("YONDER_DISPLAY")
            .env_remove("YONDER_LOG")
            .stdin(Stdio::null());
        c
    }

    fn socket(&self, n: u32) -> PathBuf {
        self.runtime_dir.join("yonder").join(format!("display-{n}"))
    }

    /// The cookie file's `:N` line's hex, if there is one.
    fn cookie_hex(&self, display: &str) -> Option<String> {
        let text = std::fs::read_to_string(&self.cookie_file).ok()?;
        text.lines().find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next()? == display).then_some(())?;
            parts.next().map(str::to_string)
        })
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn is_socket(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_socket())
}

/// Creates and maps a window with background `bg`, fills `fill` in it with `fg`, and
/// waits until the server has done it all.
fn draw_window(conn: &Connection, rect: Rect, bg: u32, fill: Rect, fg: u32) -> WindowId {
    let w = conn.new_window_id();
    conn.create_window(
        w,
        conn.root(),
        rect,
        WindowAttributes {
            background: Some(Color::rgb(bg)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(w);
    let gc = conn.new_gc_id();
    conn.create_gc(
        gc,
        w,
        GcValues {
            foreground: Some(Color::rgb(fg)),
            ..Default::default()
        },
    );
    conn.poly_fill_rectangle(w, gc, &[fill]);
    let geom = conn.get_geometry(w).reply().expect("get_geometry");
    assert_eq!(geom.rect, rect, "the window is not where it was put");
    w
}

/// The screen pixel at (x, y), as 0xRRGGBB, read with GetImage on the root.
fn pixel(conn: &Connection, x: i32, y: i32) -> u32 {
    let img = conn
        .get_image(conn.root(), Rect::new(x, y, 1, 1), ImageFormat::Bgrx)
        .reply()
        .expect("get_image on the root");
    assert_eq!((img.width, img.height), (1, 1));
    u32::from_le_bytes([img.data[0], img.data[1], img.data[2], 0])
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into())
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn server_command_line() {
    let _watchdog = Watchdog::start();
    let tmp = tempfile::tempdir().unwrap();
    let env = Env {
        runtime_dir: tmp.path().to_path_buf(),
        cookie_file: tmp.path().join("cookies"),
    };
    // The clients of this process find sockets and cookies exactly as the user's apps do.
    std::env::set_var("XDG_RUNTIME_DIR", &env.runtime_dir);
    std::env::set_var("YONDER_COOKIE_FILE", &env.cookie_file);
    std::env::remove_var("YONDER_COOKIE");
    std::env::remove_var("YONDER_DISPLAY");

    // --- Start display :57 with TCP; it says when it is ready. Its screen is bare (no
    // window manager), so windows show exactly where the clients put them. ---
    let mut server = Server::spawn(
        &env,
        &[
            ":57",
            "--headless",
            "320x200",
            "--no-window-manager",
            "--listen",
            "tcp",
            "--tcp-addr",
            "127.0.0.1",
        ],
    );
    assert_eq!(server.line(), "YONDER_DISPLAY=:57");

    let socket = env.socket(57);
    assert!(is_socket(&socket), "{} is not a socket", socket.display());
    assert_eq!(
        mode(socket.parent().unwrap()),
        0o700,
        "socket directory mode"
    );
    assert_eq!(mode(&env.cookie_file), 0o600, "cookie file mode");
    let hex = env
        .cookie_hex(":57")
        .unwrap_or_else(|| panic!("no `:57` line in the cookie file"));
    assert!(is_hex32(&hex), "cookie {hex:?} is not 32 hex digits");
    let trusted_hex = env
        .cookie_hex(":57+trusted")
        .unwrap_or_else(|| panic!("no `:57+trusted` line in the cookie file"));
    assert!(
        is_hex32(&trusted_hex) && trusted_hex != hex,
        "{trusted_hex:?}"
    );

    // --- A local client and a TCP client share the screen. They read it, so they ask
    // for trust: the library finds the `:57+trusted` line for both display names. ---
    let trusted = |display: &str| {
        Connection::connect_with(yonder::ConnectOptions {
            display: Some(display.into()),
            trusted: true,
            ..Default::default()
        })
    };
    let local = trusted(":57").expect("connect to :57");
    let tcp = trusted("127.0.0.1:57").expect("connect to 127.0.0.1:57");
    for (name, conn) in [(":57", &local), ("127.0.0.1:57", &tcp)] {
        let screen = conn
            .screen()
            .unwrap_or_else(|e| panic!("setup over {name}: {e}"));
        assert_eq!(
            (screen.width, screen.height),
            (320, 200),
            "screen over {name}"
        );
    }
    // What the local client draws, the TCP client sees (the windows are where the built-in
    // window manager keeps them as asked, their frames apart)...
    draw_window(
        &local,
        Rect::new(10, 40, 100, 80),
        0x204080,
        Rect::new(10, 10, 30, 20),
        0xff8000,
    );
    assert_eq!(
        pixel(&tcp, 60, 100),
        0x204080,
        "local window background over tcp"
    );
    assert_eq!(pixel(&tcp, 25, 55), 0xff8000, "local fill over tcp");
    // ...and the other way round.
    draw_window(
        &tcp,
        Rect::new(150, 50, 100, 100),
        0x10b981,
        Rect::new(50, 50, 20, 20),
        0x7c3aed,
    );
    assert_eq!(
        pixel(&local, 160, 60),
        0x10b981,
        "tcp window background locally"
    );
    assert_eq!(pixel(&local, 205, 105), 0x7c3aed, "tcp fill locally");
    assert_eq!(
        pixel(&local, 25, 55),
        0xff8000,
        "the first window is untouched"
    );

    // --- --print-cookie shows the line to copy to another machine. ---
    let (status, out, err) = run(&env, &["--print-cookie", ":57"]);
    assert!(
        status.success(),
        "--print-cookie failed: {status}, stderr:\n{err}"
    );
    assert_eq!(out, format!("{}:57 {hex}\n", hostname()));

    // --- A second server on :57 is refused, and leaves the first one alone. ---
    let (status, out, err) = run(&env, &[":57", "--headless", "320x200"]);
    assert!(
        !status.success(),
        "a second server on :57 started; stdout:\n{out}"
    );
    assert!(err.contains(":57"), "stderr does not mention :57:\n{err}");
    assert!(out.is_empty(), "the refused server printed {out:?}");
    assert!(is_socket(&socket), "the refused server removed the socket");
    assert_eq!(env.cookie_hex(":57").as_deref(), Some(hex.as_str()));
    let again = Connection::connect(Some(":57")).expect("connect to :57 again");
    again.sync().expect("the first server still serves");
    drop(again);

    // --- Without a display argument, a free number is picked. ---
    let mut other = Server::spawn(&env, &["--headless", "64x64"]);
    let display = other.ready();
    let n: u32 = display
        .strip_prefix(':')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("printed display {display:?} is not :N"));
    assert_ne!(n, 57, "picked the taken display");
    assert!(is_socket(&env.socket(n)), "no socket for {display}");
    let other_hex = env
        .cookie_hex(&display)
        .expect("cookie line for the new display");
    assert_ne!(other_hex, hex, "two displays share a cookie");
    assert_eq!(env.cookie_hex(":57").as_deref(), Some(hex.as_str()));
    let conn = Connection::connect(Some(&display)).expect("connect to the picked display");
    let screen = conn.screen().expect("setup on the picked display");
    assert_eq!((screen.width, screen.height), (64, 64));
    drop(conn);
    other.terminate();
    let status = other.wait(WAIT);
    assert!(status.success(), "{status}; stderr:\n{}", other.stderr());
    assert!(!env.socket(n).exists(), "socket of {display} left behind");
    assert!(
        is_socket(&socket),
        "stopping the other server removed :57's socket"
    );

    // --- SIGTERM stops :57 cleanly; its clients see the connection close. ---
    server.terminate();
    let status = server.wait(WAIT);
    assert!(
        status.success(),
        "exit after SIGTERM: {status}; stderr:\n{}",
        server.stderr()
    );
    assert!(!socket.exists(), "socket left behind after SIGTERM");
    for (name, conn) in [(":57", &local), ("127.0.0.1:57", &tcp)] {
        let end = Instant::now() + WAIT;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "client over {name} never saw the close");
            match conn.wait_for_event_timeout(left) {
                Err(_) => break,
                Ok(_) => continue,
            }
        }
        assert!(
            conn.sync().is_err(),
            "sync over {name} after the server stopped"
        );
    }
    assert!(
        server.lines.recv_timeout(WAIT).is_err(),
        "more on stdout than the readiness line"
    );
    assert!(
        Connection::connect(Some(":57")).is_err(),
        "a client could connect to the stopped display"
    );
}
