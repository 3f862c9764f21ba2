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

use std::path::Path;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_protocol::request::{FakeKind, GcValues, WindowAttributes};
use yonder_protocol::{atoms, Color, Rect, WindowId};
use yonder_server::wm::{BORDER, TITLE_HEIGHT};
use yonder_server::ServerHandle;
use yonder_test_support::apps::{eventually, watchdog, Display, SCREEN_H, SCREEN_W};
use yonder_test_support::client::read;

const HELLO: &str = env!("CARGO_BIN_EXE_hello");
const SHOT: &str = env!("CARGO_BIN_EXE_yonder-shot");
const INFO: &str = env!("CARGO_BIN_EXE_yonder-info");

/// hello's window: 400x300, white, with a blue rectangle at (20, 20, 120, 80) in it.
const HELLO_W: u32 = 400;
const HELLO_H: u32 = 300;
const WHITE: u32 = 0xffffff;
const BLUE: u32 = 0x3b82f6;

/// A display with the window manager on, as a user has it.
fn start() -> Display {
    Display::start_with(|c| c.window_manager = true)
}

/// Waits until a `hello` placed at (x, y) has its window mapped and drawn.
fn wait_for_hello(d: &Display, x: i32, y: i32) -> WindowId {
    let mut found = None;
    eventually("hello's window is mapped and drawn", || {
        found = d.mapped_window_of("hello");
        found.is_some() && d.pixel(x + 30, y + 30) == BLUE
    });
    found.unwrap()
}

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
    let _watchdog = watchdog("hello_draws_is_described_and_shot_and_quits_on_a_key");
    let d = start();
    let root_bg = d.pixel(10, 10);
    let hello = d.spawn(HELLO, &["--exit-after", "20", "--x", "30", "--y", "40"]);
    let win = wait_for_hello(&d, 30, 40);

    // What is on the screen: the white window at (30, 40, 400, 300), with the blue
    // rectangle at (20, 20, 120, 80) inside it, i.e. (50, 60)..(170, 140) on the screen.
    let screen = d.read_screen(Rect::new(0, 0, SCREEN_W, SCREEN_H));
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
    let _watchdog = watchdog("killed_hello_leaves_no_trace_and_others_go_on");
    let d = start();
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
    let win = wait_for_hello(&d, 30, 40);
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
    let _watchdog = watchdog("hello_exits_by_itself_after_the_given_time");
    let d = start();
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
    let _watchdog = watchdog("wrong_cookie_is_reported");
    let d = start();
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
