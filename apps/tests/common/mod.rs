//! The harness of the apps' tests: a real server in this process (without its window
//! manager, so windows are exactly where their apps put them) on a socket in a temporary
//! directory, apps run as child processes against it, synthetic input, and reading pixels
//! back.
//!
//! The apps find the server through `YONDER_DISPLAY=unix:PATH` and `YONDER_COOKIE`.
//! Every wait has a timeout; spawned apps are killed when their guard drops; a watchdog
//! kills them and aborts the test process if a test takes far too long.

// Each test file uses a different part of the harness.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_protocol::reply::MapState;
use yonder_protocol::request::{FakeKind, ImageFormat};
use yonder_protocol::{ClientId, Rect, WindowId};
use yonder_server::screen::Headless;
use yonder_server::{ServerConfig, ServerHandle};

pub const SCREEN_W: u32 = 640;
pub const SCREEN_H: u32 = 480;
/// Generous bound for anything that should take milliseconds.
pub const WAIT: Duration = Duration::from_secs(15);
/// A test must finish within this, or the watchdog ends the test process.
pub const WATCHDOG: Duration = Duration::from_secs(300);

/// Pids of the apps still running, for the watchdog.
pub static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills every live app and aborts the process if the test has not finished after
/// [`WATCHDOG`]. Ends quietly when dropped.
pub struct Watchdog {
    _cancel: mpsc::Sender<()>,
}

impl Watchdog {
    pub fn start(test: &'static str) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(WATCHDOG) {
                eprintln!("apps test {test}: watchdog fired after {WATCHDOG:?}, aborting");
                for pid in LIVE.lock().unwrap().iter() {
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                }
                std::process::abort();
            }
        });
        Watchdog { _cancel: tx }
    }
}

/// A server in this process on a socket in a temporary directory, and a client of it
/// for the test to look with and to inject input through.
pub struct Display {
    pub handle: ServerHandle,
    pub dir: TempDir,
    pub conn: Connection,
}

impl Display {
    pub fn start() -> Display {
        Display::start_with(|_| {})
    }

    pub fn start_with(f: impl FnOnce(&mut ServerConfig)) -> Display {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig {
            socket_dir: Some(dir.path().join("sockets")),
            cookie_file: Some(dir.path().join("cookies")),
            screen_width: SCREEN_W,
            screen_height: SCREEN_H,
            allow_synthetic_input: true,
            window_manager: false,
            ..ServerConfig::default()
        };
        f(&mut config);
        let screen = Box::new(Headless::new(SCREEN_W, SCREEN_H));
        let handle = yonder_server::start(config, screen).expect("server starts");
        // The observer is trusted: it reads the apps' windows and the screen, which an
        // ordinary client may not (protocol.md §19).
        let conn = Connection::connect_with(ConnectOptions {
            display: Some(handle.unix_display()),
            cookie: Some(handle.trusted_cookie.to_vec()),
            app_name: Some("observer".into()),
            ..ConnectOptions::default()
        })
        .expect("connect");
        conn.setup().expect("setup");
        Display { handle, dir, conn }
    }

    /// Runs `bin` with `args` in the background, with the display's name and cookie in
    /// its environment and the temporary directory as its working directory. The
    /// trusted cookie is there too (`YONDER_TRUSTED_COOKIE`), but an app uses it only
    /// when it asks for trust (`yonder-shot`); the others stay isolated.
    pub fn spawn(&self, bin: &str, args: &[&str]) -> App {
        self.spawn_with_cookie(bin, args, &hex::encode(self.handle.cookie))
    }

    /// [`Display::spawn`] with `cookie` (hex) in place of the display's.
    pub fn spawn_with_cookie(&self, bin: &str, args: &[&str], cookie: &str) -> App {
        spawn(
            bin,
            args,
            self.dir.path(),
            &[
                ("YONDER_DISPLAY", self.handle.unix_display().as_str()),
                ("YONDER_COOKIE", cookie),
                (
                    "YONDER_TRUSTED_COOKIE",
                    hex::encode(self.handle.trusted_cookie).as_str(),
                ),
            ],
        )
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// The viewable top-level window of the client named `name`, once there is one.
    pub fn window_of(&self, name: &str) -> WindowId {
        let mut found = None;
        eventually(&format!("{name} has a window on the screen"), || {
            found = self.mapped_window_of(name);
            found.is_some()
        });
        found.unwrap()
    }

    /// Runs `bin` with `args` to its end (at most [`WAIT`]).
    pub fn run(&self, bin: &str, args: &[&str]) -> Finished {
        self.spawn(bin, args).finish()
    }

    /// The connected client whose app name is `name`, if any.
    pub fn client(&self, name: &str) -> Option<ClientId> {
        let clients = self.conn.list_clients().reply().expect("list_clients");
        clients
            .clients
            .iter()
            .find(|c| c.app_name == name)
            .map(|c| c.id)
    }

    /// The root's children, bottom to top.
    pub fn top_levels(&self) -> Vec<WindowId> {
        let root = self.conn.root();
        self.conn
            .query_tree(root)
            .reply()
            .expect("query_tree on the root")
            .children
    }

    /// The viewable top-level window of the client named `name`, if there is one.
    pub fn mapped_window_of(&self, name: &str) -> Option<WindowId> {
        let owner = self.client(name)?;
        self.top_levels().into_iter().find(|w| {
            // The window may be destroyed between the two requests: then it is not ours.
            self.conn
                .get_window_attributes(*w)
                .reply()
                .is_ok_and(|a| a.owner == owner && a.map_state == MapState::Viewable)
        })
    }

    /// The window's size.
    pub fn size_of(&self, w: WindowId) -> (u32, u32) {
        let g = self.conn.get_geometry(w).reply().expect("get_geometry");
        (g.rect.width, g.rect.height)
    }

    /// What the whole of window `w` shows.
    pub fn read_window(&self, w: WindowId) -> Pixels {
        let (width, height) = self.size_of(w);
        read(&self.conn, w, Rect::new(0, 0, width, height))
    }

    /// Synthetic input, carried out before this returns.
    pub fn input(&self, kind: FakeKind, detail: u32, x: i32, y: i32) {
        self.conn.fake_input(kind, detail, x, y);
        self.conn.sync().expect("sync after input");
    }

    /// Button 1 pressed at `from`, dragged in small steps to `to`, released.
    pub fn drag(&self, from: (i32, i32), to: (i32, i32)) {
        self.input(FakeKind::Motion, 0, from.0, from.1);
        self.input(FakeKind::ButtonPress, 1, from.0, from.1);
        let steps = 12;
        for i in 1..=steps {
            let x = from.0 + (to.0 - from.0) * i / steps;
            let y = from.1 + (to.1 - from.1) * i / steps;
            self.input(FakeKind::Motion, 0, x, y);
        }
        self.input(FakeKind::ButtonRelease, 1, to.0, to.1);
    }

    /// What the screen (the root window) shows in `rect`.
    pub fn read_screen(&self, rect: Rect) -> Pixels {
        read(&self.conn, self.conn.root(), rect)
    }

    /// One pixel of the screen.
    pub fn pixel(&self, x: i32, y: i32) -> u32 {
        self.read_screen(Rect::new(x, y, 1, 1)).data[0]
    }

    pub fn click(&self, x: i32, y: i32) {
        self.input(FakeKind::Motion, 0, x, y);
        self.input(FakeKind::ButtonPress, 1, x, y);
        self.input(FakeKind::ButtonRelease, 1, x, y);
    }
}

pub static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Runs `bin` in `dir` with `env` added; stdout and stderr go to files in `dir`.
pub fn spawn(bin: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> App {
    let name = Path::new(bin).file_name().unwrap().to_string_lossy();
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = dir.join(format!("{name}-{n}.out"));
    let err = dir.join(format!("{name}-{n}.err"));
    let child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("YONDER_COOKIE_FILE", dir.join("no-such-cookie-file"))
        .env("XDG_RUNTIME_DIR", dir.join("no-such-runtime-dir"))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {bin}: {e}"));
    LIVE.lock().unwrap().push(child.id());
    App {
        name: name.into_owned(),
        child,
        out,
        err,
    }
}

/// A running app; dropping it kills it.
pub struct App {
    pub name: String,
    pub child: Child,
    pub out: PathBuf,
    pub err: PathBuf,
}

/// What an app left behind.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl App {
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Waits (at most `limit`) for the app to exit by itself.
    pub fn finish_within(mut self, limit: Duration) -> Finished {
        let end = Instant::now() + limit;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            assert!(
                Instant::now() < end,
                "{} did not exit within {limit:?}; stdout:\n{}\nstderr:\n{}",
                self.name,
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Finished {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }

    pub fn finish(self) -> Finished {
        self.finish_within(WAIT)
    }

    /// SIGKILL, and reap it.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Finished {
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.status.success(),
            "{what}: {}\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        LIVE.lock().unwrap().retain(|p| *p != self.child.id());
    }
}

/// Polls `cond` until it holds, panicking with `what` after [`WAIT`].
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Pixels as 0xRRGGBB, row-major.
pub struct Pixels {
    pub rect: Rect,
    pub data: Vec<u32>,
}

impl Pixels {
    /// The pixel at (x, y) in the coordinates of the drawable read.
    pub fn at(&self, x: i32, y: i32) -> u32 {
        let (lx, ly) = ((x - self.rect.x) as usize, (y - self.rect.y) as usize);
        self.data[ly * self.rect.width as usize + lx]
    }

    /// How many pixels of `r` satisfy `pred`.
    pub fn count(&self, r: Rect, pred: impl Fn(u32) -> bool) -> usize {
        let mut n = 0;
        for y in r.y..r.y + r.height as i32 {
            for x in r.x..r.x + r.width as i32 {
                n += pred(self.at(x, y)) as usize;
            }
        }
        n
    }

    /// Every pixel of `r` (in drawable coordinates) that is not `rgb`, as (x, y, value).
    pub fn not(&self, r: Rect, rgb: u32) -> Vec<(i32, i32, u32)> {
        let mut out = Vec::new();
        for y in r.y..r.y + r.height as i32 {
            for x in r.x..r.x + r.width as i32 {
                if self.at(x, y) != rgb {
                    out.push((x, y, self.at(x, y)));
                }
            }
        }
        out
    }
}

pub fn read(conn: &Connection, d: impl Into<yonder_protocol::Drawable>, rect: Rect) -> Pixels {
    let img = conn
        .get_image(d, rect, ImageFormat::Bgrx)
        .reply()
        .expect("get_image");
    assert_eq!((img.width, img.height), (rect.width, rect.height));
    let data = img
        .data
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], 0]))
        .collect();
    Pixels { rect, data }
}
