//! The harness of tests of the windowed screen under Xvfb: an X server of our own, the
//! real `yonder-server --window` on it, xdotool for input and screenshots of the host
//! window. Without Xvfb (or xdotool, or ImageMagick's `import`) the tests skip with a
//! message starting `SKIPPED:`, unless `YONDER_REQUIRE_XVFB=1` (CI), which makes that a
//! failure.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use yonder::{ConnectOptions, Connection};

/// Kills a child process when dropped.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        // SIGTERM first: Xvfb then removes its lock file and socket, which SIGKILL would
        // leave behind for every later run to step around.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let end = Instant::now() + Duration::from_secs(3);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether X display `n` is in use: its lock file names a live process. (A lock left by a
/// killed server is stale; Xvfb replaces it.)
fn display_in_use(n: u32) -> bool {
    match std::fs::read_to_string(format!("/tmp/.X{n}-lock")) {
        Ok(pid) => Path::new(&format!("/proc/{}", pid.trim())).exists(),
        Err(_) => false,
    }
}

/// An Xvfb server with a yonder-server window on it.
pub struct Host {
    pub x_display: String,
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub cookie: Vec<u8>,
    pub wid: String,
    pub server: Guard,
    _xvfb: Guard,
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts Xvfb and a windowed `server` (the `yonder-server` binary: Cargo's
/// `CARGO_BIN_EXE_yonder-server` in the server's tests, else
/// [`crate::process::built_binary`]) of `w`×`h` on it, or None (skip) when Xvfb is not
/// installed and not required.
pub fn host(server: &Path, w: u32, h: u32) -> Option<Host> {
    let tools = ["Xvfb", "xdotool", "import"];
    let missing: Vec<_> = tools.iter().filter(|t| !have(t)).collect();
    if !missing.is_empty() {
        if std::env::var("YONDER_REQUIRE_XVFB").as_deref() == Ok("1") {
            panic!("YONDER_REQUIRE_XVFB=1 but {missing:?} not installed (apt-get install xvfb xdotool imagemagick)");
        }
        eprintln!(
            "SKIPPED: {missing:?} not installed; set YONDER_REQUIRE_XVFB=1 to make this an error"
        );
        return None;
    }
    let (xvfb, x_display) = start_xvfb();
    let dir = tempfile::tempdir().unwrap();
    let sockets = dir.path().join("sockets");
    let cookies = dir.path().join("cookies");
    let mut child = Command::new(server)
        .args(["--window", &format!("{w}x{h}"), "--socket-dir"])
        .arg(&sockets)
        .arg("--cookie-file")
        .arg(&cookies)
        .env("DISPLAY", &x_display)
        .env("YONDER_LOG", "warn,winit=error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("yonder-server runs");
    let stdout = child.stdout.take().unwrap();
    let server = Guard(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("yonder-server prints its display");
    let n = line
        .strip_prefix("YONDER_DISPLAY=:")
        .and_then(|n| n.parse::<u32>().ok())
        .expect("display line");
    let text = std::fs::read_to_string(&cookies).unwrap();
    // The trusted cookie: these tests read the screen (protocol.md §19).
    let hexc = text
        .lines()
        .find_map(|l| l.strip_prefix(&format!(":{n}+trusted ")))
        .unwrap();
    let wid = xdo(
        &x_display,
        &["search", "--sync", "--name", &format!("^Yonder :{n}$")],
    )
    .lines()
    .next()
    .unwrap()
    .to_string();
    Some(Host {
        x_display,
        socket: yonder_address::paths::socket_path(&sockets, n),
        cookie: hex::decode(hexc.trim()).unwrap(),
        wid,
        server,
        dir,
        _xvfb: xvfb,
    })
}

fn start_xvfb() -> (Guard, String) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    for _ in 0..40 {
        let n = 180 + (std::process::id() % 97) * 3 + NEXT.fetch_add(1, Ordering::Relaxed) % 300;
        if display_in_use(n) {
            continue;
        }
        // A socket left by a killed server would look ready before Xvfb listens.
        let socket = format!("/tmp/.X11-unix/X{n}");
        if Path::new(&socket).exists() && std::fs::remove_file(&socket).is_err() {
            continue;
        }
        let child = Command::new("Xvfb")
            .args([
                &format!(":{n}"),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs");
        let mut g = Guard(child);
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (g, format!(":{n}"));
            }
            if let Ok(Some(_)) = g.0.try_wait() {
                break; // display taken by someone else meanwhile
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("could not start Xvfb");
}

/// Runs xdotool on the X display; returns its stdout.
pub fn xdo(x_display: &str, args: &[&str]) -> String {
    let out = Command::new("timeout")
        .arg("20")
        .arg("xdotool")
        .args(args)
        .env("DISPLAY", x_display)
        .output()
        .expect("xdotool runs");
    assert!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Host {
    pub fn connect(&self) -> Connection {
        Connection::connect_with(ConnectOptions {
            display: Some(format!("unix:{}", self.socket.display())),
            cookie: Some(self.cookie.clone()),
            app_name: Some("xvfb-test".into()),
            ..ConnectOptions::default()
        })
        .expect("connect")
    }

    pub fn xdo(&self, args: &[&str]) -> String {
        xdo(&self.x_display, args)
    }

    /// A screenshot of the host window, as the X server shows it.
    pub fn shot(&self) -> image::RgbImage {
        let path = self.dir.path().join("shot.png");
        let status = Command::new("import")
            .args(["-window", &self.wid])
            .arg(&path)
            .env("DISPLAY", &self.x_display)
            .status()
            .expect("import runs");
        assert!(status.success());
        image::open(&path).unwrap().to_rgb8()
    }

    /// Waits until the host window shows `rgb` at (x, y); panics after 10 s.
    pub fn wait_pixel(&self, x: u32, y: u32, rgb: [u8; 3]) {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            let img = self.shot();
            let got = img.get_pixel(x, y).0;
            if got == rgb {
                return;
            }
            assert!(
                Instant::now() < end,
                "pixel ({x},{y}) is {got:?}, expected {rgb:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
