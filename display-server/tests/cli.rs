//! The `yonder-server` binary as a user runs it: readiness line, socket and cookie files
//! and their modes, local and TCP clients sharing one screen, `--print-cookie`, a second
//! server on a taken display, picking a free display number, and a clean stop on SIGTERM;
//! and protocol.md §2.3's synopsis against `--help`.
//!
//! The client library reads `XDG_RUNTIME_DIR` and `YONDER_COOKIE_FILE` from the process
//! environment, so every check lives in ONE test function, which sets them first (this
//! file is its own test process, so no other test sees them).
//!
//! Every wait has a timeout, and a watchdog kills the spawned servers (which makes any
//! client call blocked on them fail) if the whole test takes far too long.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{Color, EventMask, Rect, WindowId};
use yonder_test_support::process::{wait_child, Watchdog};
use yonder_test_support::server::ServerProcess;

const SERVER: &str = env!("CARGO_BIN_EXE_yonder-server");
/// Generous bound for anything that should take milliseconds.
const WAIT: Duration = Duration::from_secs(10);
/// The whole test must finish within this, or the watchdog kills the servers.
const WATCHDOG: Duration = Duration::from_secs(120);

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
        yonder_address::paths::socket_path(&self.runtime_dir.join("yonder"), n)
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
    let _watchdog = Watchdog::start("server_command_line", WATCHDOG);
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
    let mut server = ServerProcess::spawn(env.command(&[
        ":57",
        "--headless",
        "320x200",
        "--no-window-manager",
        "--listen",
        "tcp",
        "--tcp-addr",
        "127.0.0.1",
    ]));
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
        // protocol.md §5.2: millimetres at 96 dpi, rounded down (84.67 and 52.92).
        assert_eq!((screen.width_mm, screen.height_mm), (84, 52), "{name}");
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
    let mut other = ServerProcess::spawn(env.command(&["--headless", "64x64"]));
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
    assert_eq!(
        (screen.width_mm, screen.height_mm),
        (16, 16),
        "16.93 mm rounded down"
    );
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

/// protocol.md §2.3's synopsis names every option `yonder-server --help` lists. (It runs
/// only `--help`, and reads no environment.)
#[test]
fn the_spec_synopsis_lists_every_option() {
    let spec = include_str!("../../protocol.md");
    let start = spec.find("### 2.3 Starting a server").expect("§2.3");
    let synopsis = &spec[start..start + spec[start..].find("This section").expect("its prose")];
    let out = Command::new(SERVER)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let options: std::collections::BTreeSet<&str> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .filter(|w| !["--help", "--version"].contains(w))
        .collect();
    assert!(options.len() >= 14, "{help}");
    for o in options {
        assert!(
            ["[", "| ", "yonder-server "]
                .iter()
                .any(|before| synopsis.contains(&format!("{before}{o} "))
                    || synopsis.contains(&format!("{before}{o}]"))),
            "§2.3's synopsis lacks {o}:\n{synopsis}"
        );
    }
}

#[test]
fn print_web_url_gives_the_address_with_its_credential() {
    let _watchdog = Watchdog::start(
        "print_web_url_gives_the_address_with_its_credential",
        WATCHDOG,
    );
    let tmp = tempfile::tempdir().unwrap();
    let env = Env {
        runtime_dir: tmp.path().to_path_buf(),
        cookie_file: tmp.path().join("cookies"),
    };
    // Before the display served browsers there is no credential, and it says so.
    let (status, _, err) = run(&env, &["--print-web-url", ":61"]);
    assert!(!status.success());
    assert!(err.contains("--listen web"), "{err}");
    let server =
        ServerProcess::spawn(env.command(&[":61", "--headless", "320x200", "--listen", "web"]));
    assert_eq!(server.line(), "YONDER_DISPLAY=:61");
    for (flags, line) in [(&[][..], ":61+web"), (&["--view-only"][..], ":61+view")] {
        let args = [&["--print-web-url", ":61"][..], flags].concat();
        let (status, out, err) = run(&env, &args);
        assert!(status.success(), "{err}");
        let cookie = env.cookie_hex(line).expect("the credential's line");
        assert_eq!(out, format!("http://127.0.0.1:8161/#cookie={cookie}\n"));
    }
    // The page is served there.
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", 8161)).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8161\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<canvas id=\"screen\""), "{page}");
    server.stop();
}
