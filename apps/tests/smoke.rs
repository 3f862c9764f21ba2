//! The apps as a user runs them, against a real server in this process: `hello` draws
//! its window and quits on a key or after `--exit-after`; `yonder-info` describes it;
//! `yonder-shot` saves the screen or one window; a killed app leaves no trace and does
//! not disturb other clients; a wrong cookie is reported as such.
//!
//! The apps find the server through `YONDER_DISPLAY=unix:PATH` and `YONDER_COOKIE`; this
//! process's own clients get the same through `ConnectOptions`, so nothing here touches
//! the test process's environment.
//!
//! Every wait has a timeout; spawned apps are killed when their guard drops; a watchdog
//! kills them and aborts the test process if a test takes far too long (a reply that never
//! comes would otherwise block forever).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use yonder::{ConnectOptions, Connection};
use yonder_protocol::reply::MapState;
use yonder_protocol::request::{FakeKind, GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{atoms, ClientId, Color, Rect, WindowId};
use yonder_server::screen::Headless;
use yonder_server::wm::{BORDER, TITLE_HEIGHT};
use yonder_server::{ServerConfig, ServerHandle};

const HELLO: &str = env!("CARGO_BIN_EXE_hello");
const SHOT: &str = env!("CARGO_BIN_EXE_yonder-shot");
const INFO: &str = env!("CARGO_BIN_EXE_yonder-info");

const SCREEN_W: u32 = 640;
const SCREEN_H: u32 = 480;
/// Generous bound for anything that should take milliseconds.
const WAIT: Duration = Duration::from_secs(10);
/// A test must finish within this, or the watchdog ends the test process.
const WATCHDOG: Duration = Duration::from_secs(120);

/// hello's window: 400x300, white, with a blue rectangle at (20, 20, 120, 80) in it.
const HELLO_W: u32 = 400;
const HELLO_H: u32 = 300;
const WHITE: u32 = 0xffffff;
const BLUE: u32 = 0x3b82f6;

/// Pids of the apps still running, for the watchdog.
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills every live app and aborts the process if the test has not finished after
/// [`WATCHDOG`]. Ends quietly when dropped.
struct Watchdog {
    _cancel: mpsc::Sender<()>,
}

impl Watchdog {
    fn start(test: &'static str) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(WATCHDOG) {
                eprintln!("smoke test {test}: watchdog fired after {WATCHDOG:?}, aborting");
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
/// for the test to look at the screen with.
struct Display {
    handle: ServerHandle,
    dir: TempDir,
    conn: Connection,
}

impl Display {
    fn start() -> Display {
        let dir = tempfile::tempdir().unwrap();
        let config = ServerConfig {
            socket_dir: Some(dir.path().join("sockets")),
            cookie_file: Some(dir.path().join("cookies")),
            screen_width: SCREEN_W,
            screen_height: SCREEN_H,
            allow_synthetic_input: true,
            ..ServerConfig::default()
        };
        let screen = Box::new(Headless::new(SCREEN_W, SCREEN_H));
        let handle = yonder_server::start(config, screen).expect("server starts");
        let conn = connect(&handle, "observer");
        Display { handle, dir, conn }
    }

    /// Runs `bin` with `args` in the background, with the display's name and cookie in
    /// its environment; stdout and stderr go to files.
    fn spawn(&self, bin: &str, args: &[&str]) -> App {
        self.spawn_with_cookie(bin, args, &hex::encode(self.handle.cookie))
    }

    fn spawn_with_cookie(&self, bin: &str, args: &[&str], cookie: &str) -> App {
        let name = Path::new(bin).file_name().unwrap().to_string_lossy();
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let out = self.dir.path().join(format!("{name}-{n}.out"));
        let err = self.dir.path().join(format!("{name}-{n}.err"));
        let child = Command::new(bin)
            .args(args)
            .current_dir(self.dir.path())
            .env("YONDER_DISPLAY", self.handle.unix_display())
            .env("YONDER_COOKIE", cookie)
            // Used only by apps that ask for trust (yonder-shot, protocol.md §19).
            .env(
                "YONDER_TRUSTED_COOKIE",
                hex::encode(self.handle.trusted_cookie),
            )
            .env(
                "YONDER_COOKIE_FILE",
                self.dir.path().join("no-such-cookie-file"),
            )
            .env(
                "XDG_RUNTIME_DIR",
                self.dir.path().join("no-such-runtime-dir"),
            )
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

    /// Runs `bin` with `args` to its end (at most [`WAIT`]).
    fn run(&self, bin: &str, args: &[&str]) -> Finished {
        self.spawn(bin, args).finish()
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// The connected client whose app name is `name`, if any.
    fn client(&self, name: &str) -> Option<ClientId> {
        let clients = self.conn.list_clients().reply().expect("list_clients");
        clients
            .clients
            .iter()
            .find(|c| c.app_name == name)
            .map(|c| c.id)
    }

    /// The root's children, bottom to top.
    fn top_levels(&self) -> Vec<WindowId> {
        let root = self.conn.root();
        self.conn
            .query_tree(root)
            .reply()
            .expect("query_tree on the root")
            .children
    }

    /// The viewable top-level window of the client named `name`, if there is one.
    fn mapped_window_of(&self, name: &str) -> Option<WindowId> {
        let owner = self.client(name)?;
        self.top_levels().into_iter().find(|w| {
            // The window may be destroyed between the two requests: then it is not ours.
            self.conn
                .get_window_attributes(*w)
                .reply()
                .is_ok_and(|a| a.owner == owner && a.map_state == MapState::Viewable)
        })
    }

    /// Waits until a `hello` placed at (x, y) has its window mapped and drawn.
    fn wait_for_hello(&self, x: i32, y: i32) -> WindowId {
        let mut found = None;
        eventually("hello's window is mapped and drawn", || {
            found = self.mapped_window_of("hello");
            found.is_some() && self.pixel(x + 30, y + 30) == BLUE
        });
        found.unwrap()
    }

    fn read(&self, rect: Rect) -> Pixels {
        read(&self.conn, self.conn.root(), rect)
    }

    fn pixel(&self, x: i32, y: i32) -> u32 {
        self.read(Rect::new(x, y, 1, 1)).data[0]
    }
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn connect(handle: &ServerHandle, name: &str) -> Connection {
    // Trusted: the test reads the whole screen (protocol.md §19).
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(handle.unix_display()),
        cookie: Some(handle.trusted_cookie.to_vec()),
        app_name: Some(name.into()),
        ..ConnectOptions::default()
    })
    .expect("connect");
    conn.setup().expect("setup");
    conn
}

/// A running app; dropping it kills it.
struct App {
    name: String,
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

/// What an app left behind.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl App {
    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Waits (at most [`WAIT`]) for the app to exit by itself.
    fn finish(mut self) -> Finished {
        let end = Instant::now() + WAIT;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            assert!(
                Instant::now() < end,
                "{} did not exit within {WAIT:?}; stdout:\n{}\nstderr:\n{}",
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

    /// SIGKILL, and reap it.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        LIVE.lock().unwrap().retain(|p| *p != self.child.id());
    }
}

impl Finished {
    fn assert_success(&self, what: &str) {
        assert!(
            self.status.success(),
            "{what}: {}\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

/// Polls `cond` until it holds, panicking with `what` after [`WAIT`].
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Pixels as 0xRRGGBB, row-major.
struct Pixels {
    rect: Rect,
    data: Vec<u32>,
}

impl Pixels {
    /// The pixel at (x, y) in the coordinates of the drawable read.
    fn at(&self, x: i32, y: i32) -> u32 {
        let (lx, ly) = ((x - self.rect.x) as usize, (y - self.rect.y) as usize);
        self.data[ly * self.rect.width as usize + lx]
    }

    /// Every pixel of `r` (in drawable coordinates) that is not `rgb`, as (x, y, value).
    fn not(&self, r: Rect, rgb: u32) -> Vec<(i32, i32, u32)> {
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

fn read(conn: &Connection, d: impl Into<yonder_protocol::Drawable>, rect: Rect) -> Pixels {
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

/// Loads a PNG written by yonder-shot.
fn load_png(path: &Path) -> image::RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8()
}

fn rgb_of(img: &image::RgbImage, x: u32, y: u32) -> u32 {
    let [r, g, b] = img.get_pixel(x, y).0;
    u32::from_be_bytes([0, r, g, b])
}

#[test]
fn hello_draws_is_described_and_shot_and_quits_on_a_key() {
    let _watchdog = Watchdog::start("hello_draws_is_described_and_shot_and_quits_on_a_key");
    let d = Display::start();
    let root_bg = d.pixel(10, 10);
    let hello = d.spawn(HELLO, &["--exit-after", "20", "--x", "30", "--y", "40"]);
    let win = d.wait_for_hello(30, 40);

    // What is on the screen: the white window at (30, 40, 400, 300), with the blue
    // rectangle at (20, 20, 120, 80) inside it, i.e. (50, 60)..(170, 140) on the screen.
    let screen = d.read(Rect::new(0, 0, SCREEN_W, SCREEN_H));
    assert_eq!(screen.at(30, 40), WHITE, "window's top left corner");
    assert_eq!(
        screen.at(30 + 399, 40 + 299),
        WHITE,
        "window's bottom right corner"
    );
    assert_eq!(screen.not(Rect::new(420, 330, 10, 10), WHITE), vec![]);
    // The built-in window manager's frame around it: a title bar above, a border on the
    // other sides, and the root beyond.
    let (b, t) = (BORDER as i32, TITLE_HEIGHT as i32);
    for (x, y, what) in [
        (29, 40, "left border"),
        (30, 39, "title bar"),
        (430, 339, "right border"),
        (429, 340, "bottom border"),
    ] {
        let px = screen.at(x, y);
        assert!(
            px != WHITE && px != root_bg,
            "{what} at ({x}, {y}) is {px:06x}: no frame"
        );
    }
    assert_eq!(screen.at(30 - b - 1, 40), root_bg, "left of the frame");
    assert_eq!(screen.at(30, 40 - t - 1), root_bg, "above the frame");
    assert_eq!(screen.at(430 + b, 339), root_bg, "right of the frame");
    assert_eq!(screen.at(429, 340 + b), root_bg, "below the frame");
    assert_eq!(screen.not(Rect::new(50, 60, 120, 80), BLUE), vec![]);
    for (x, y) in [
        (49, 60),
        (49, 139),
        (170, 60),
        (170, 139),
        (50, 59),
        (169, 140),
    ] {
        assert_ne!(
            screen.at(x, y),
            BLUE,
            "({x}, {y}) is just outside the blue rectangle"
        );
    }

    // Its title.
    let title = d
        .conn
        .get_property(win, atoms::WM_NAME, false)
        .reply()
        .expect("get_property WM_NAME");
    assert!(!title.type_.is_none(), "WM_NAME is not set");
    assert_eq!(String::from_utf8_lossy(&title.data), "hello");

    // yonder-info lists the client and the window with its title and geometry.
    let info = d.run(INFO, &[]);
    info.assert_success("yonder-info");
    let id = format!("{:#x}", win.0);
    let line = info
        .stdout
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("yonder-info does not show window {id}:\n{}", info.stdout));
    assert!(line.contains("\"hello\""), "no title in {line:?}");
    assert!(line.contains("400x300+30+40"), "no geometry in {line:?}");
    assert!(line.contains("viewable"), "not viewable: {line:?}");
    assert!(
        info.stdout
            .lines()
            .any(|l| l.contains("client") && l.contains("\"hello\"")),
        "yonder-info does not list the hello client:\n{}",
        info.stdout
    );
    assert!(
        info.stdout
            .contains(&format!("{SCREEN_W}x{SCREEN_H} pixels")),
        "yonder-info does not show the screen size:\n{}",
        info.stdout
    );

    // yonder-shot saves the whole screen...
    let shot = d.run(SHOT, &["screen.png"]);
    shot.assert_success("yonder-shot");
    assert!(
        shot.stdout.contains(&format!("{SCREEN_W}x{SCREEN_H}")),
        "yonder-shot says {:?}",
        shot.stdout
    );
    let img = load_png(&d.path("screen.png"));
    assert_eq!(img.dimensions(), (SCREEN_W, SCREEN_H));
    assert_eq!(rgb_of(&img, 60, 70), BLUE);
    assert_eq!(rgb_of(&img, 429, 339), WHITE);
    assert_eq!(rgb_of(&img, 10, 10), root_bg);

    // ...or one window.
    let shot = d.run(SHOT, &["--window", &id, "window.png"]);
    shot.assert_success("yonder-shot --window");
    let img = load_png(&d.path("window.png"));
    assert_eq!(img.dimensions(), (HELLO_W, HELLO_H));
    assert_eq!(rgb_of(&img, 30, 30), BLUE);
    assert_eq!(rgb_of(&img, 0, 0), WHITE);
    assert_eq!(rgb_of(&img, HELLO_W - 1, HELLO_H - 1), WHITE);

    // A key press in its window ends it, well before --exit-after.
    d.conn.set_input_focus(win);
    d.conn.fake_input(FakeKind::KeyPress, 'q' as u32, 0, 0);
    d.conn.fake_input(FakeKind::KeyRelease, 'q' as u32, 0, 0);
    d.conn.sync().expect("sync after the key");
    let done = hello.finish();
    done.assert_success("hello after a key press");
    assert!(
        done.stdout.contains("KeyPress"),
        "hello did not report the key:\n{}",
        done.stdout
    );
    assert!(
        !done.stdout.contains("time is up"),
        "hello ran out its time instead"
    );
    eventually("hello's window is gone", || !d.top_levels().contains(&win));
    eventually("hello is no longer a client", || {
        d.client("hello").is_none()
    });
    assert_eq!(d.pixel(60, 70), root_bg, "hello's pixels are gone");
    assert_eq!(d.pixel(30, 39), root_bg, "hello's frame is gone");
}

#[test]
fn killed_hello_leaves_no_trace_and_others_go_on() {
    let _watchdog = Watchdog::start("killed_hello_leaves_no_trace_and_others_go_on");
    let d = Display::start();
    let root_bg = d.pixel(60, 70);

    // Another client, started first, away from where hello goes (frames included).
    let other = connect(&d.handle, "witness");
    let ow = other.new_window_id();
    other.create_window(
        ow,
        other.root(),
        Rect::new(460, 40, 150, 100),
        WindowAttributes {
            background: Some(Color::rgb(0x204080)),
            ..Default::default()
        },
    );
    other.map_window(ow);
    let gc = other.new_gc_id();
    other.create_gc(
        gc,
        ow,
        GcValues {
            foreground: Some(Color::rgb(0xff8000)),
            ..Default::default()
        },
    );
    other.poly_fill_rectangle(ow, gc, &[Rect::new(10, 10, 40, 30)]);
    other.sync().expect("witness sync");
    let witness_ok = |when: &str| {
        other
            .sync()
            .unwrap_or_else(|e| panic!("witness sync {when}: {e}"));
        let px = read(&other, ow, Rect::new(0, 0, 150, 100));
        assert_eq!(
            px.not(Rect::new(10, 10, 40, 30), 0xff8000),
            vec![],
            "witness fill {when}"
        );
        assert_eq!(px.at(100, 80), 0x204080, "witness background {when}");
        assert_eq!(
            d.pixel(460 + 100, 40 + 80),
            0x204080,
            "witness on screen {when}"
        );
    };
    witness_ok("before hello");

    // Kill hello once it is up and drawing.
    let hello = d.spawn(HELLO, &["--exit-after", "20", "--x", "30", "--y", "40"]);
    let win = d.wait_for_hello(30, 40);
    hello.kill();
    eventually("the killed hello's window is gone", || {
        !d.top_levels().contains(&win)
    });
    eventually("the killed hello is no longer a client", || {
        d.client("hello").is_none()
    });
    assert_eq!(
        d.top_levels(),
        vec![ow],
        "only the witness's window is left"
    );
    assert_eq!(
        d.pixel(60, 70),
        root_bg,
        "hello's pixels are gone from the screen"
    );
    assert_eq!(
        d.pixel(30, 39),
        root_bg,
        "hello's frame is gone from the screen"
    );
    witness_ok("after hello was killed");

    // Kill it at whatever point of its start it has reached: the outcome is the same.
    for delay_ms in [0, 5, 20, 50] {
        let hello = d.spawn(HELLO, &["--exit-after", "20"]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        hello.kill();
        eventually("the killed hello is no longer a client", || {
            d.client("hello").is_none()
        });
        assert_eq!(
            d.top_levels(),
            vec![ow],
            "hello killed after {delay_ms} ms left a window"
        );
        witness_ok(&format!("after hello was killed after {delay_ms} ms"));
    }
}

#[test]
fn hello_exits_by_itself_after_the_given_time() {
    let _watchdog = Watchdog::start("hello_exits_by_itself_after_the_given_time");
    let d = Display::start();
    let started = Instant::now();
    let done = d.run(HELLO, &["--exit-after", "0.5"]);
    done.assert_success("hello --exit-after 0.5");
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "hello exited before its time"
    );
    assert!(
        done.stdout.contains("time is up"),
        "hello says:\n{}",
        done.stdout
    );
    eventually("hello is no longer a client", || {
        d.client("hello").is_none()
    });
    assert_eq!(d.top_levels(), vec![], "hello left a window");
}

#[test]
fn wrong_cookie_is_reported() {
    let _watchdog = Watchdog::start("wrong_cookie_is_reported");
    let d = Display::start();
    let done = d.spawn_with_cookie(INFO, &[], &"0".repeat(32)).finish();
    assert!(
        !done.status.success(),
        "yonder-info succeeded with a wrong cookie:\n{}",
        done.stdout
    );
    assert!(
        done.stderr.contains("cookie"),
        "the message does not mention the cookie:\n{}",
        done.stderr
    );
    assert_eq!(done.stdout, "", "yonder-info printed something");
    d.conn.sync().expect("the server goes on");
    assert!(d.client("yonder-info").is_none());
}
