//! Programs run as child processes against a real server: a [`TestServer`] without window
//! manager (so windows are exactly where their programs put them) and a trusted observer
//! client of it to look with and inject input through; the programs, spawned with the
//! display's name and cookie, synthetic input, and reading pixels back. Used by the apps'
//! tests and the client library's example smoke tests.
//!
//! The programs find the server through `YONDER_DISPLAY=unix:PATH` and `YONDER_COOKIE`.
//! Every wait has a timeout; spawned programs are killed when their guard drops; a
//! [`watchdog`] kills them and ends the test process if a test takes far too long.

use crate::client::{read, Pixels};
use crate::process::{self, Watchdog};
use crate::server::TestServer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_protocol::reply::MapState;
use yonder_protocol::request::FakeKind;
use yonder_protocol::{atoms, keysym, ClientId, Rect, WindowId};
use yonder_server::{ServerConfig, ServerHandle};

/// The screen size of a [`Display`].
pub const SCREEN_W: u32 = 640;
pub const SCREEN_H: u32 = 480;
/// Generous bound for anything that should take milliseconds.
pub const WAIT: Duration = Duration::from_secs(15);
/// A test must finish within this, or the watchdog ends the test process.
pub const WATCHDOG: Duration = Duration::from_secs(300);

/// The watchdog of a test that runs programs: [`WATCHDOG`] long.
pub fn watchdog(test: &'static str) -> Watchdog {
    Watchdog::start(test, WATCHDOG)
}

/// A server in this process on a socket in a temporary directory, and a trusted client of
/// it for the test to look with and to inject input through (its [`Observer`], whose
/// methods and `conn` a `Display` offers as its own).
pub struct Display {
    pub handle: ServerHandle,
    pub dir: TempDir,
    observer: Observer,
}

impl std::ops::Deref for Display {
    type Target = Observer;

    fn deref(&self) -> &Observer {
        &self.observer
    }
}

impl Display {
    pub fn start() -> Display {
        Display::start_with(|_| {})
    }

    pub fn start_with(f: impl FnOnce(&mut ServerConfig)) -> Display {
        let TestServer { handle, dir } = TestServer::start_with(|c| {
            c.screen_width = SCREEN_W;
            c.screen_height = SCREEN_H;
            f(c)
        });
        let observer = Observer::connect(ConnectOptions {
            display: Some(handle.unix_display()),
            cookie: Some(handle.trusted_cookie.to_vec()),
            ..ConnectOptions::default()
        });
        Display {
            handle,
            dir,
            observer,
        }
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

    /// Runs `bin` with `args` to its end (at most [`WAIT`]).
    pub fn run(&self, bin: &str, args: &[&str]) -> Finished {
        self.spawn(bin, args).finish()
    }
}

/// A trusted client of a display for a test to look with and to inject input through;
/// the programs under test never see it. It reads the apps' windows and the screen, which
/// an ordinary client may not (protocol.md §19).
pub struct Observer {
    pub conn: Connection,
}

impl Observer {
    /// Connects as `observer` with `options` (whose cookie must be the display's trusted
    /// one), once the setup is there.
    pub fn connect(options: ConnectOptions) -> Observer {
        let conn = Connection::connect_with(ConnectOptions {
            app_name: Some("observer".into()),
            ..options
        })
        .expect("the observer connects");
        conn.setup().expect("setup");
        Observer { conn }
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

    /// The connected client whose app name is `name`, if any.
    pub fn client(&self, name: &str) -> Option<ClientId> {
        let clients = self.conn.list_clients().reply().expect("list_clients");
        clients
            .clients
            .iter()
            .find(|c| c.app_name == name)
            .map(|c| c.id)
    }

    /// The window of the client named `name` inside `w`'s subtree (an embedded part),
    /// if any.
    pub fn descendant_of_client(&self, w: WindowId, name: &str) -> Option<WindowId> {
        let owner = self.client(name)?;
        let mut todo = vec![w];
        while let Some(x) = todo.pop() {
            let Ok(tree) = self.conn.query_tree(x).reply() else {
                continue;
            };
            for c in tree.children {
                if self
                    .conn
                    .get_window_attributes(c)
                    .reply()
                    .is_ok_and(|a| a.owner == owner)
                {
                    return Some(c);
                }
                todo.push(c);
            }
        }
        None
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

    /// A key pressed and released (`ks` a keysym).
    pub fn key(&self, ks: u32) {
        self.input(FakeKind::KeyPress, ks, 0, 0);
        self.input(FakeKind::KeyRelease, ks, 0, 0);
    }

    /// `text` typed, one key per character.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(keysym::from_char(c));
        }
    }

    /// `ks` with `modifier` (a modifier's keysym) held.
    pub fn chord(&self, modifier: u32, ks: u32) {
        self.input(FakeKind::KeyPress, modifier, 0, 0);
        self.key(ks);
        self.input(FakeKind::KeyRelease, modifier, 0, 0);
    }

    /// Window `w`'s title (`WM_NAME`).
    pub fn title_of(&self, w: WindowId) -> String {
        let p = self
            .conn
            .get_property(w, atoms::WM_NAME, false)
            .reply()
            .expect("get_property WM_NAME");
        String::from_utf8_lossy(&p.data).into_owned()
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

/// Numbers the output files of spawned programs.
static NEXT: AtomicU32 = AtomicU32::new(0);

/// Runs `bin` in `dir` with `env` added; stdout and stderr go to files in `dir`. The
/// program sees no cookie file and no runtime directory of the user's.
pub fn spawn(bin: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> App {
    let name = Path::new(bin).file_name().unwrap().to_string_lossy();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let out = dir.join(format!("{name}-{n}.out"));
    let err = dir.join(format!("{name}-{n}.err"));
    // No cookie file or runtime directory of the user's, unless `env` names one.
    let child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("YONDER_COOKIE_FILE", dir.join("no-such-cookie-file"))
        .env("XDG_RUNTIME_DIR", dir.join("no-such-runtime-dir"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {bin}: {e}"));
    process::register(&child);
    App {
        name: name.into_owned(),
        child,
        out,
        err,
    }
}

/// A running program; dropping it kills it.
pub struct App {
    pub name: String,
    pub child: Child,
    pub out: PathBuf,
    pub err: PathBuf,
}

/// What a program left behind.
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

    /// Waits (at most `limit`) for the program to exit by itself.
    pub fn finish_within(mut self, limit: Duration) -> Finished {
        let status = process::wait_child(&mut self.child, limit).unwrap_or_else(|| {
            panic!(
                "{} did not exit within {limit:?}; stdout:\n{}\nstderr:\n{}",
                self.name,
                self.stdout(),
                self.stderr()
            )
        });
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
        process::unregister(self.child.id());
    }
}

/// Polls `cond` until it holds, panicking with `what` after [`WAIT`].
pub fn eventually(what: &str, cond: impl FnMut() -> bool) {
    eventually_within(WAIT, what, cond);
}

/// [`eventually`] with a limit of its own, for what takes longer by design (a dead
/// link noticed by keepalive).
pub fn eventually_within(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !cond() {
        assert!(
            Instant::now() < end,
            "timed out waiting {limit:?} until {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The cookie-file lines that let a mover move apps between `displays` (each display's
/// cookie and trusted cookie).
pub fn cookie_lines(displays: &[&Display]) -> String {
    let mut s = String::new();
    for d in displays {
        let name = d.handle.unix_display();
        s += &format!("{name} {}\n", hex::encode(d.handle.cookie));
        s += &format!("{name}+trusted {}\n", hex::encode(d.handle.trusted_cookie));
    }
    s
}

/// Runs the mover `mover` (`yonder-move`) as `--window W --from FROM --to TO` in `dir`,
/// with a cookie file holding `lines` (the trusted cookie of FROM, a cookie of TO, as
/// [`cookie_lines`] writes them); returns its stdout, or panics with what it said.
pub fn move_window(
    mover: &str,
    dir: &Path,
    w: WindowId,
    from: &str,
    to: &str,
    lines: &str,
) -> String {
    let file = dir.join("mover-cookies");
    std::fs::write(&file, lines).unwrap();
    let window = format!("{:#x}", w.0);
    let done = spawn(
        mover,
        &["--window", &window, "--from", from, "--to", to],
        dir,
        &[("YONDER_COOKIE_FILE", file.to_str().unwrap())],
    )
    .finish_within(WAIT);
    assert!(
        done.status.success(),
        "yonder-move failed: {}{}",
        done.stdout,
        done.stderr
    );
    done.stdout
}
