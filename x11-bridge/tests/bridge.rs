//! `yonder-x11` with real X programs from Debian's x11-apps on a real Yonder server: their
//! windows show as Yonder windows of their own apps with their pixels, pointer motion
//! reaches them, the display's close button closes them, and a bridge killed without
//! warning leaves no X server or program behind. Without Xvfb or x11-apps the tests skip
//! (`SKIPPED:`), unless `YONDER_REQUIRE_XVFB=1` (CI).

#[path = "common/bridge_x.rs"]
mod bridge_x;

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use x11rb::rust_connection::RustConnection;
use yonder::prelude::*;
use yonder_protocol::request::FakeKind;
use yonder_protocol::WindowId;
use yonder_server::ServerConfig;
use yonder_test_support::apps::{eventually, eventually_within, watchdog, App, Display};
use yonder_test_support::process::{built_binary, Watchdog};

/// Whether `program` is on the `PATH`.
fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the X programs these tests run are installed; a skip message otherwise.
fn have_x_programs() -> bool {
    if ["Xvfb", "xlogo", "xeyes"].iter().all(|p| installed(p)) {
        return true;
    }
    assert!(
        std::env::var("YONDER_REQUIRE_XVFB").as_deref() != Ok("1"),
        "Xvfb and x11-apps are required (apt-get install xvfb x11-apps)"
    );
    eprintln!("SKIPPED: yonder-x11 tests need Xvfb and x11-apps");
    false
}

/// Whether `program` is installed; a skip message otherwise (a failure in CI).
fn have(program: &str) -> bool {
    let found = installed(program);
    if !found {
        assert!(
            std::env::var("YONDER_REQUIRE_XVFB").as_deref() != Ok("1"),
            "{program} is required"
        );
        eprintln!("SKIPPED: {program} is not installed");
    }
    found
}

/// Test `name`'s watchdog, if Xvfb, x11-apps and the programs it `needs` are installed
/// (none: the test skips).
fn ready(name: &'static str, needs: &[&str]) -> Option<Watchdog> {
    if !have_x_programs() || !needs.iter().all(|p| have(p)) {
        return None;
    }
    Some(watchdog(name))
}

/// [`ready`], and a display configured by `configure`.
fn start_with(
    name: &'static str,
    needs: &[&str],
    configure: impl FnOnce(&mut ServerConfig),
) -> Option<(Watchdog, Display)> {
    let w = ready(name, needs)?;
    Some((w, Display::start_with(configure)))
}

/// [`ready`], and a display.
fn start(name: &'static str, needs: &[&str]) -> Option<(Watchdog, Display)> {
    start_with(name, needs, |_| {})
}

/// The bridge running `program` on display `d`, saying its traffic on stderr
/// (`YONDER_X11_STATS`).
fn bridge(d: &Display, program: &[&str]) -> App {
    let bin = built_binary("yonder-x11");
    let mut args = vec!["--"];
    args.extend_from_slice(program);
    let display = d.handle.unix_display();
    let cookie: String = d.handle.cookie.iter().map(|b| format!("{b:02x}")).collect();
    yonder_test_support::apps::spawn(
        &bin.to_string_lossy(),
        &args,
        d.dir.path(),
        &[
            ("YONDER_DISPLAY", display.as_str()),
            ("YONDER_COOKIE", cookie.as_str()),
            ("YONDER_X11_STATS", "1"),
        ],
    )
}

/// The bridge's last traffic line: scrolls, puts, bytes put, bytes grabbed.
fn traffic(app: &App) -> Option<[u64; 4]> {
    let err = std::fs::read_to_string(&app.err).ok()?;
    let line = err
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("yonder-x11: stats: "))?;
    let n: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    n.try_into().ok()
}

/// A connection to the X server of the bridge `app`, with its cookie.
fn x_of(app: &App) -> RustConnection {
    let (n, authority) = bridge_x::display_of(app);
    bridge_x::connect(n, &bridge_x::cookie(&authority)).expect("connect to the bridge's X server")
}

/// xterm with `args` through the bridge on `d`: the bridge, and xterm's Yonder window.
fn xterm_on(d: &Display, args: &[&str]) -> (App, WindowId) {
    let program = [&["xterm"], args].concat();
    let app = bridge(d, &program);
    (app, d.window_of("xterm"))
}

/// The black pixels of Yonder window `w` (xterm's text).
fn ink(d: &Display, w: WindowId) -> usize {
    d.read_window(w).data.iter().filter(|p| **p == 0).count()
}

/// Waits until xterm's window `w` shows its first line of text.
fn first_line_shows(d: &Display, w: WindowId) {
    eventually("xterm shows its first line", || {
        d.read_window(w)
            .count_in(yonder_protocol::Rect::new(0, 0, 100, 14), |p| p == 0)
            > 20
    });
}

/// xlogo's command line for a window of `geometry`, black on white.
fn xlogo(geometry: &str) -> [&str; 7] {
    [
        "xlogo",
        "-geometry",
        geometry,
        "-bg",
        "white",
        "-fg",
        "black",
    ]
}

#[test]
fn xlogo_shows_as_an_app_of_its_own_and_the_close_button_ends_it() {
    let Some((_w, d)) = start(
        "xlogo_shows_as_an_app_of_its_own_and_the_close_button_ends_it",
        &[],
    ) else {
        return;
    };
    let app = bridge(&d, &xlogo("120x100"));
    let w = d.window_of("xlogo");
    assert_eq!(d.size_of(w), (120, 100));
    // Its own pixels: the white background and the black logo.
    eventually("xlogo's pixels reach the Yonder window", || {
        let p = d.read_window(w);
        p.count(0xFFFFFF) > 1000 && p.count(0x000000) > 500
    });
    assert!(d.client("xlogo").is_some(), "xlogo is a client of its own");
    // The display's close button: xlogo takes WM_DELETE_WINDOW and ends; so does the
    // bridge, whose program it was.
    let finished = {
        d.conn.send_event(
            w,
            yonder_protocol::EventMask::EMPTY,
            yonder_protocol::Event::ClientMessage(yonder_protocol::event::ClientMessage {
                window: w,
                type_: yonder_protocol::atoms::WM_PROTOCOLS,
                data: yonder_protocol::atoms::WM_DELETE_WINDOW
                    .0
                    .to_le_bytes()
                    .to_vec(),
            }),
        );
        d.conn.sync().unwrap();
        app.finish_within(Duration::from_secs(10))
    };
    assert!(finished.status.success(), "{}", finished.stderr);
    eventually("xlogo's window is gone", || {
        d.mapped_window_of("xlogo").is_none()
    });
}

#[test]
fn xeyes_follows_the_pointer_and_a_killed_bridge_leaves_nothing_behind() {
    let Some((_w, d)) = start(
        "xeyes_follows_the_pointer_and_a_killed_bridge_leaves_nothing_behind",
        &[],
    ) else {
        return;
    };
    let app = bridge(&d, &["xeyes", "-geometry", "150x100"]);
    let (x, _) = bridge_x::display_of(&app);
    let w = d.window_of("xeyes");
    let origin = d.conn.get_geometry(w).reply().unwrap().rect;
    let mut before = d.read_window(w).data;
    eventually("xeyes draws", || {
        before = d.read_window(w).data;
        before.iter().any(|p| *p != before[0])
    });
    // Pointer motion far left, then far right of the eyes: the pupils move.
    d.input(FakeKind::Motion, 0, origin.x + 2, origin.y + 50);
    eventually_within(Duration::from_secs(10), "the eyes look left", || {
        let now = d.read_window(w).data;
        let moved = now != before;
        before = now;
        moved
    });
    let left = d.read_window(w).data;
    d.input(FakeKind::Motion, 0, origin.x + 148, origin.y + 50);
    eventually_within(Duration::from_secs(10), "the eyes look right", || {
        d.read_window(w).data != left
    });

    // SIGKILL: no chance to clean up; its X server and xeyes die with it.
    let pid = app.child.id();
    Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    drop(app);
    let lock = format!("/tmp/.X{x}-lock");
    eventually("the bridge's Xvfb is gone", || {
        std::fs::read_to_string(&lock)
            .ok()
            .map(|p| Path::new(&format!("/proc/{}", p.trim())).exists())
            != Some(true)
    });
    eventually("xeyes is gone from the display", || {
        d.mapped_window_of("xeyes").is_none()
    });
}

#[test]
fn typing_into_xterm_runs_the_command_and_shows_its_output() {
    let Some((_w, d)) = start(
        "typing_into_xterm_runs_the_command_and_shows_its_output",
        &["xterm"],
    ) else {
        return;
    };
    let (_app, w) = xterm_on(&d, &["-geometry", "50x8", "-e", "sh"]);
    eventually("xterm shows its prompt", || ink(&d, w) > 20);
    let before = ink(&d, w);
    let origin = d.conn.get_geometry(w).reply().unwrap().rect;
    d.click(origin.x + 20, origin.y + 20);
    // `>` is on a shifted key: the bridge holds Shift for it.
    d.type_text("echo hello-yonder > out.txt");
    d.key(yonder_protocol::keysym::RETURN);
    eventually("the command ran in xterm's shell", || {
        std::fs::read_to_string(d.path("out.txt")).is_ok_and(|t| t == "hello-yonder\n")
    });
    eventually("the typed line shows in the Yonder window", || {
        ink(&d, w) > before + 100
    });
}

/// Keys typed on a display without a window manager go to the window under the pointer:
/// an xterm that appears under a pointer that does not move gets them (X's focus goes
/// to it with the first key, wherever X's own pointer was).
#[test]
fn keys_reach_an_xterm_that_appears_under_a_still_pointer() {
    let Some((_w, d)) = start(
        "keys_reach_an_xterm_that_appears_under_a_still_pointer",
        &["xterm"],
    ) else {
        return;
    };
    d.input(FakeKind::Motion, 0, 60, 40);
    let (_app, w) = xterm_on(&d, &["-geometry", "40x6+0+0", "-e", "sh"]);
    eventually("xterm shows its prompt", || ink(&d, w) > 20);
    d.type_text("echo still > out.txt");
    d.key(yonder_protocol::keysym::RETURN);
    eventually("the command ran in xterm's shell", || {
        std::fs::read_to_string(d.path("out.txt")).is_ok_and(|t| t == "still\n")
    });
}

#[test]
fn a_gtk_combo_box_opens_its_list_under_itself_and_a_choice_reaches_the_program() {
    let Some((_w, d)) = start(
        "a_gtk_combo_box_opens_its_list_under_itself_and_a_choice_reaches_the_program",
        &["zenity"],
    ) else {
        return;
    };
    let app = bridge(
        &d,
        &[
            "zenity",
            "--forms",
            "--title=Form",
            "--add-combo=Fruit",
            "--combo-values=apple|banana|cherry",
        ],
    );
    let w = d.window_of("zenity");
    let form = d.conn.get_geometry(w).reply().unwrap().rect;
    // The combo box: right of its label, in the form's first row.
    let combo = (form.x + 105, form.y + 53);
    let popup = |d: &Display| {
        d.top_levels().into_iter().find_map(|t| {
            let a = d.conn.get_window_attributes(t).reply().ok()?;
            let r = d.conn.get_geometry(t).reply().ok()?.rect;
            let mapped = a.map_state != yonder_protocol::reply::MapState::Unmapped;
            (mapped && a.override_redirect && r.height > 40 && r.width > 40).then_some(r)
        })
    };
    let mut list = None;
    eventually("the combo box's list opens", || {
        if list.is_none() {
            d.click(combo.0, combo.1);
            std::thread::sleep(Duration::from_millis(300));
        }
        list = popup(&d);
        list.is_some()
    });
    let list = list.unwrap();
    // Under the box (or over it, GTK puts the chosen row on the box), not at the
    // screen's corner, and as wide as the box's column.
    assert!(
        (list.x - combo.0).abs() < 60 && (list.y - combo.1).abs() < 60,
        "the list at {list:?}, the box at {combo:?}"
    );
    // The second of the three rows, then OK (the form's bottom-right button).
    d.click(
        list.x + list.width as i32 / 2,
        list.y + list.height as i32 / 2,
    );
    eventually("the list closes", || popup(&d).is_none());
    d.click(
        form.x + form.width as i32 - 50,
        form.y + form.height as i32 - 25,
    );
    let done = app.finish_within(Duration::from_secs(10));
    assert_eq!(
        done.stdout.lines().last(),
        Some("banana"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_resize_by_the_displays_window_manager_reaches_the_x_program_and_hints_carry_over() {
    let Some((_w, d)) = start_with(
        "a_resize_by_the_displays_window_manager_reaches_the_x_program",
        &[],
        |c| c.window_manager = true,
    ) else {
        return;
    };
    let _app = bridge(&d, &xlogo("100x100"));
    let w = d.window_of("xlogo");
    let class = d
        .conn
        .get_property(w, yonder_protocol::atoms::WM_CLASS, false)
        .reply()
        .unwrap();
    assert_eq!(class.data, b"xlogo\0XLogo\0", "WM_CLASS carried over");
    let black = |d: &Display| d.read_window(w).count(0x000000);
    eventually("xlogo draws", || black(&d) > 300);
    let small = black(&d);
    // The grip: the frame's bottom-right corner, outside the window.
    let r = d.conn.get_geometry(w).reply().unwrap().rect;
    let grip = (r.x + r.width as i32 + 2, r.y + r.height as i32 + 2);
    d.drag(grip, (grip.0 + 100, grip.1 + 80));
    eventually("the Yonder window grew", || d.size_of(w) == (200, 180));
    // xlogo draws its logo to its window's size: the X window got the new size.
    eventually("the logo grew with the window", || black(&d) > small * 2);
}

#[test]
fn an_x_program_survives_its_display_server_killed_and_restarted() {
    use yonder_test_support::apps::spawn;
    use yonder_test_support::home::Home;
    let Some(_w) = ready(
        "an_x_program_survives_its_display_server_killed_and_restarted",
        &[],
    ) else {
        return;
    };
    let mut home = Home::new(640, 480);
    let mut server = home.serve();
    let env = home.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bin = built_binary("yonder-x11");
    let args = [["--"].as_slice(), &xlogo("90x90")].concat();
    let mut app = spawn(&bin.to_string_lossy(), &args, home.dir.path(), &env);
    let x = x_of(&app);
    let x_screen = || {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xproto::ConnectionExt as _;
        let g = x
            .get_geometry(x.setup().roots[0].root)
            .unwrap()
            .reply()
            .unwrap();
        (g.width, g.height)
    };
    assert_eq!(x_screen(), (640, 480), "the X screen is the display's size");
    let o = home.observer();
    let w = o.window_of("xlogo");
    eventually("xlogo draws", || o.read_window(w).count(0x000000) > 300);
    let before = o.read_window(w).data;

    server.child.kill().expect("kill -9 the server");
    server.child.wait().unwrap();
    drop(o);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "the bridge outlives its display server: {}",
        std::fs::read_to_string(&app.err).unwrap_or_default()
    );

    // It comes back with a larger screen: the X screen follows.
    home.set_screen(800, 600);
    let _server = home.serve();
    let o = home.observer();
    let again = o.window_of("xlogo");
    assert_eq!(again, w, "the same window, made again by the library");
    eventually("xlogo's pixels are back", || {
        o.read_window(w).data == before
    });
    eventually("the X screen has the display's new size", || {
        x_screen() == (800, 600)
    });
}

#[test]
fn an_x_program_moves_to_another_display_and_goes_on_there() {
    let Some(_w) = ready(
        "an_x_program_moves_to_another_display_and_goes_on_there",
        &["xclock"],
    ) else {
        return;
    };
    let a = Display::start();
    let b = Display::start();
    let _app = bridge(
        &a,
        &["xclock", "-digital", "-update", "1", "-strftime", "%T"],
    );
    let w = a.window_of("xclock");
    let face = |d: &Display| d.read_window(w).data;
    let first = face(&a);
    eventually("xclock ticks on A", || face(&a) != first);
    let lines = yonder_test_support::apps::cookie_lines(&[&a, &b]);
    yonder_test_support::apps::move_window(
        &built_binary("yonder-move").to_string_lossy(),
        a.dir.path(),
        w,
        &a.handle.unix_display(),
        &b.handle.unix_display(),
        &lines,
    );
    eventually("xclock's window is on B", || {
        b.conn.get_geometry(w).reply().is_ok()
    });
    eventually("and gone from A", || {
        a.conn.get_geometry(w).reply().is_err()
    });
    let there = face(&b);
    eventually("xclock ticks on B", || face(&b) != there);
}

#[test]
fn the_selection_goes_from_xterm_to_a_yonder_app_and_back() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use yonder_protocol::atoms;
    let Some((_w, d)) = start(
        "the_selection_goes_from_xterm_to_a_yonder_app_and_back",
        &["xterm"],
    ) else {
        return;
    };
    let (_app, w) = xterm_on(
        &d,
        &[
            "-geometry",
            "40x6",
            "-e",
            "sh",
            "-c",
            "echo copy-me; exec sh",
        ],
    );
    let o = d.conn.get_geometry(w).reply().unwrap().rect;
    first_line_shows(&d, w);
    // A triple click selects xterm's first line: xterm owns PRIMARY, and through the
    // bridge so does its Yonder connection.
    for _ in 0..3 {
        d.click(o.x + 10, o.y + 6);
    }
    eventually("xterm's Yonder connection owns PRIMARY", || {
        d.conn
            .get_selection_owner(atoms::PRIMARY)
            .reply()
            .unwrap()
            .owner
            == w
    });
    // A Yonder app pastes it.
    let me = d.conn.new_window_id();
    d.conn.create_window(
        me,
        d.conn.root(),
        yonder_protocol::Rect::new(0, 0, 1, 1),
        Default::default(),
    );
    d.conn
        .convert_selection(atoms::PRIMARY, atoms::TEXT_PLAIN_UTF8, me, 7);
    d.conn.flush().unwrap();
    let mut got = Vec::new();
    let end = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        assert!(std::time::Instant::now() < end, "no selection data came");
        match d.conn.poll_for_event().unwrap() {
            Some(yonder::Incoming::Event {
                event: yonder_protocol::Event::SelectionData(s),
                ..
            }) if s.tag == 7 => {
                assert!(!s.refused, "the bridge refused the paste");
                got.extend_from_slice(&s.data);
                if s.done {
                    break;
                }
            }
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    assert_eq!(String::from_utf8_lossy(&got).trim(), "copy-me");

    // Back: another Yonder app copies; a middle click pastes it into xterm's shell.
    let stop = Arc::new(AtomicBool::new(false));
    let owner = {
        let stop = stop.clone();
        let options = yonder::ConnectOptions {
            display: Some(d.handle.unix_display()),
            cookie: Some(d.handle.cookie.to_vec()),
            ..Default::default()
        };
        std::thread::spawn(move || {
            let c = yonder::Connection::connect_with(options).unwrap();
            let win = c.new_window_id();
            c.create_window(
                win,
                c.root(),
                yonder_protocol::Rect::new(0, 0, 1, 1),
                Default::default(),
            );
            c.set_selection_owner(atoms::PRIMARY, win, Default::default());
            c.flush().unwrap();
            while !stop.load(Ordering::Relaxed) {
                match c.poll_for_event().unwrap() {
                    Some(yonder::Incoming::Event {
                        event: yonder_protocol::Event::SelectionRequest(r),
                        ..
                    }) => {
                        match r.target {
                            atoms::TEXT_PLAIN_UTF8 | atoms::UTF8_STRING => {
                                c.send_selection_bytes(r.transfer, b"echo pasted-back > out.txt");
                            }
                            _ => {
                                c.refuse_selection(r.transfer);
                            }
                        }
                        c.flush().unwrap();
                    }
                    Some(_) => {}
                    None => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        })
    };
    eventually("the other app owns PRIMARY", || {
        d.conn
            .get_selection_owner(atoms::PRIMARY)
            .reply()
            .unwrap()
            .owner
            != w
    });
    std::thread::sleep(Duration::from_millis(200));
    d.input(FakeKind::Motion, 0, o.x + 20, o.y + 40);
    d.input(FakeKind::ButtonPress, 2, o.x + 20, o.y + 40);
    d.input(FakeKind::ButtonRelease, 2, o.x + 20, o.y + 40);
    // The paste goes through the bridge and the other app: Return once it has arrived
    // (an early Return only runs an empty line).
    eventually("the pasted command ran in xterm's shell", || {
        d.key(yonder_protocol::keysym::RETURN);
        std::thread::sleep(Duration::from_millis(200));
        std::fs::read_to_string(d.path("out.txt")).is_ok_and(|t| t == "pasted-back\n")
    });
    stop.store(true, Ordering::Relaxed);
    owner.join().unwrap();
}

/// xterm scrolling line after line: the Yonder window shows exactly what the X window
/// does, and the bridge says it sent the scrolls as copies of the window onto itself and
/// only the rows that changed. And xterm's window is managed as ICCCM and EWMH say.
#[test]
fn a_scrolling_xterm_shows_the_same_pixels_on_the_display_as_in_x() {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{self, ConnectionExt as _};
    let Some((_w, d)) = start(
        "a_scrolling_xterm_shows_the_same_pixels_on_the_display_as_in_x",
        &["xterm"],
    ) else {
        return;
    };
    let (app, w) = xterm_on(
        &d,
        &[
            "-geometry",
            "30x8+0+0",
            "-e",
            "sh",
            "-c",
            "for i in $(seq 1 40); do echo line-$i; sleep 0.03; done; touch done; exec sh",
        ],
    );
    eventually("the lines have all been written", || {
        d.path("done").exists()
    });
    let x = x_of(&app);
    let root = x.setup().roots[0].root;
    let size = d.size_of(w);
    // xterm's top-level X window: the mapped child of the root of the Yonder window's size.
    let xw = x
        .query_tree(root)
        .unwrap()
        .reply()
        .unwrap()
        .children
        .into_iter()
        .find(|c| {
            let g = x.get_geometry(*c).unwrap().reply().unwrap();
            let a = x.get_window_attributes(*c).unwrap().reply().unwrap();
            a.map_state == xproto::MapState::VIEWABLE && (g.width as u32, g.height as u32) == size
        })
        .expect("xterm's X window");
    eventually("the Yonder window shows what the X window does", || {
        let image = x
            .get_image(
                xproto::ImageFormat::Z_PIXMAP,
                xw,
                0,
                0,
                size.0 as u16,
                size.1 as u16,
                !0,
            )
            .unwrap()
            .reply()
            .unwrap();
        let theirs: Vec<u32> = image
            .data
            .chunks_exact(4)
            .map(|p| u32::from_le_bytes([p[0], p[1], p[2], 0]))
            .collect();
        let ours = d.read_window(w).data;
        ours.len() == theirs.len() && ours.iter().zip(&theirs).all(|(a, b)| a & 0xff_ffff == *b)
    });
    // And it is text: the last line written is there, in black on white.
    let black = d
        .read_window(w)
        .data
        .iter()
        .filter(|p| **p & 0xff_ffff == 0)
        .count();
    assert!(
        black > 100,
        "xterm's window shows no text ({black} black pixels)"
    );
    // The scrolls went as copies, the lines scrolled in as the only pixels sent: less
    // than a third of what was taken out of the X server.
    eventually("the bridge says it scrolled", || {
        traffic(&app).is_some_and(|[scrolls, _, put, grabbed]| scrolls >= 10 && put * 3 < grabbed)
    });

    // Managed as ICCCM and EWMH say: WM_STATE Normal, and the display's focus given to
    // the Yonder window is X's focus and _NET_ACTIVE_WINDOW.
    let atom = |name: &str| {
        x.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let words = |w: u32, name: &str| -> Vec<u32> {
        x.get_property(false, w, atom(name), xproto::AtomEnum::ANY, 0, 8)
            .unwrap()
            .reply()
            .unwrap()
            .value32()
            .map(|v| v.collect())
            .unwrap_or_default()
    };
    assert_eq!(words(xw, "WM_STATE"), vec![1, 0], "WM_STATE is Normal");
    // The focus elsewhere, then back on xterm's window.
    let other = d.conn.new_window_id();
    d.conn.create_window(
        other,
        d.conn.root(),
        yonder_protocol::Rect::new(400, 300, 50, 50),
        Default::default(),
    );
    d.conn.map_window(other);
    d.conn.set_input_focus(other);
    d.conn.sync().unwrap();
    eventually("the X focus leaves xterm with the display's", || {
        x.get_input_focus().unwrap().reply().unwrap().focus != xw
            && words(root, "_NET_ACTIVE_WINDOW") != vec![xw]
    });
    d.conn.set_input_focus(w);
    d.conn.sync().unwrap();
    eventually("the X focus follows the display's", || {
        x.get_input_focus().unwrap().reply().unwrap().focus == xw
            && words(root, "_NET_ACTIVE_WINDOW") == vec![xw]
    });
}

/// A file dragged from yfiles onto a GTK 3 text entry (zenity's): the bridge plays the
/// Yonder drag as XDND, GTK takes the file's path as text, and zenity prints it.
#[test]
fn a_file_dragged_from_yfiles_lands_in_a_gtk_entry() {
    use yonder_protocol::{atoms, Rect};
    let Some((_w, d)) = start_with(
        "a_file_dragged_from_yfiles_lands_in_a_gtk_entry",
        &["zenity"],
        |c| {
            c.screen_width = 1024;
            c.screen_height = 768;
        },
    ) else {
        return;
    };
    let files = d.path("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("dropped.txt"), "a file").unwrap();
    let yfiles = built_binary("yfiles");
    let _files = d.spawn(
        &yfiles.to_string_lossy(),
        &["--x", "0", "--y", "0", &files.to_string_lossy()],
    );
    let fw = d.window_of("yfiles");
    let app = bridge(&d, &["zenity", "--entry", "--text=Drop here"]);
    let zw = d.window_of("zenity");
    let z = d.conn.get_geometry(zw).reply().unwrap().rect;
    eventually("zenity has drawn its entry", || {
        d.read_window(zw)
            .count_in(Rect::new(0, 0, z.width, z.height), |p| p != 0xffffff)
            > 500
    });
    // yfiles' second icon (the first is `..`): its layout's margins and cells.
    let icon = (8 + 88 + 20 + 24, 28 + 8 + 6 + 24);
    eventually("yfiles shows the file", || {
        d.read_window(fw)
            .count_in(Rect::new(icon.0 - 24, icon.1 - 24, 48, 48), |p| {
                p != 0xffffff
            })
            > 100
    });
    d.input(FakeKind::Motion, 0, icon.0, icon.1);
    d.input(FakeKind::ButtonPress, 1, icon.0, icon.1);
    for k in 1..=4 {
        d.input(FakeKind::Motion, 0, icon.0 + 3 * k, icon.1 + 2 * k);
    }
    eventually("yfiles has started the drag", || {
        d.conn
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner
            == fw
    });
    // Over the entry (under the label), in steps, and dropped there.
    let entry = (z.x + z.width as i32 / 2, z.y + 52);
    let from = (icon.0 + 12, icon.1 + 8);
    for i in 1..=10 {
        d.input(
            FakeKind::Motion,
            0,
            from.0 + (entry.0 - from.0) * i / 10,
            from.1 + (entry.1 - from.1) * i / 10,
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    // The entry's text area (inside its frame): dark pixels are text.
    let text_area = Rect::new(entry.0 - z.x - 75, entry.1 - z.y - 8, 150, 16);
    let dark = |d: &Display| {
        d.read_window(zw)
            .count_in(text_area, |p| (p >> 16 & 0xff) < 0x80)
    };
    let empty = dark(&d);
    std::thread::sleep(Duration::from_millis(300));
    d.input(FakeKind::ButtonRelease, 1, entry.0, entry.1);
    eventually("the dropped path shows in the entry", || {
        dark(&d) > empty + 30
    });
    d.click(entry.0, entry.1);
    d.key(yonder_protocol::keysym::RETURN);
    let done = app.finish_within(Duration::from_secs(10));
    let path = files.join("dropped.txt");
    assert_eq!(
        done.stdout.lines().last().unwrap_or_default(),
        path.to_string_lossy(),
        "zenity printed no dropped path: {}",
        done.stderr
    );
    assert!(path.exists(), "a copy, not a move: the file stays");
}

/// The clipboard (X's CLIPBOARD, Yonder's CLIPBOARD) between xterm and ydoc, both ways:
/// ydoc's Ctrl+C pasted into xterm's shell, xterm's selection pasted with Ctrl+V in ydoc.
#[test]
fn the_clipboard_goes_from_xterm_to_ydoc_and_back() {
    use yonder_protocol::{atoms, keysym};
    let Some((_w, d)) = start("the_clipboard_goes_from_xterm_to_ydoc_and_back", &["xterm"]) else {
        return;
    };
    let command = "echo pasted-back > out.txt";
    let file = format!("ydoc 1\ntext {}\n{command}\n", command.len());
    std::fs::write(d.path("paper.ydoc"), file).unwrap();
    let ydoc = built_binary("ydoc");
    let _doc = d.spawn(
        &ydoc.to_string_lossy(),
        &[
            "--size",
            "330x150",
            "--x",
            "300",
            "--y",
            "300",
            "paper.ydoc",
        ],
    );
    let doc = d.window_of("ydoc");
    // xterm's selections go to CLIPBOARD, and its middle click pastes CLIPBOARD.
    let (_app, w) = xterm_on(
        &d,
        &[
            "-xrm",
            "XTerm*selectToClipboard: true",
            "-geometry",
            "40x6+0+0",
            "-e",
            "sh",
            "-c",
            "echo copy-me; exec sh",
        ],
    );
    let o = d.conn.get_geometry(w).reply().unwrap().rect;
    first_line_shows(&d, w);
    let owner = |d: &Display| {
        d.conn
            .get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner
    };

    // ydoc copies its first paragraph; a middle click pastes it into xterm's shell.
    let g = d.conn.get_geometry(doc).reply().unwrap().rect;
    d.click(g.x + 300, g.y + 20);
    d.key(keysym::HOME);
    d.chord(keysym::SHIFT_L, keysym::END);
    d.chord(keysym::CONTROL_L, 'c' as u32);
    eventually("ydoc owns CLIPBOARD", || {
        let now = owner(&d);
        now != w && now != yonder_protocol::WindowId::NONE
    });
    d.input(FakeKind::Motion, 0, o.x + 20, o.y + 40);
    d.input(FakeKind::ButtonPress, 2, o.x + 20, o.y + 40);
    d.input(FakeKind::ButtonRelease, 2, o.x + 20, o.y + 40);
    eventually("the command copied in ydoc ran in xterm's shell", || {
        d.key(keysym::RETURN);
        std::thread::sleep(Duration::from_millis(200));
        std::fs::read_to_string(d.path("out.txt")).is_ok_and(|t| t == "pasted-back\n")
    });

    // Back: xterm's first line selected; in ydoc, a new paragraph after the command and
    // Ctrl+V; saved once the paste is in.
    for _ in 0..3 {
        d.click(o.x + 10, o.y + 6);
    }
    eventually("xterm's Yonder connection owns CLIPBOARD", || {
        owner(&d) == w
    });
    d.click(g.x + 300, g.y + 20);
    d.key(keysym::END);
    d.key(keysym::RETURN);
    d.chord(keysym::CONTROL_L, 'v' as u32);
    let saved = d.path("paper.ydoc");
    eventually("ydoc saves the text pasted from xterm", || {
        d.chord(keysym::CONTROL_L, 's' as u32);
        std::thread::sleep(Duration::from_millis(200));
        std::fs::read_to_string(&saved).is_ok_and(|t| t.contains("\ncopy-me\n"))
    });
}

/// A Yonder app's 1 MiB selection pasted by an X program: it comes in pieces (ICCCM's
/// INCR), whole and in order. The X program is this test, reading as ICCCM says.
#[test]
fn a_large_yonder_selection_reaches_an_x_program_in_pieces() {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{self, ConnectionExt as _};
    use x11rb::protocol::Event as XEvent;
    use yonder_protocol::atoms;
    let Some((_w, d)) = start(
        "a_large_yonder_selection_reaches_an_x_program_in_pieces",
        &[],
    ) else {
        return;
    };
    let app = bridge(&d, &["xlogo"]);
    d.window_of("xlogo");
    // A Yonder app owns CLIPBOARD with 1 MiB of text.
    let text: Vec<u8> = (0..(1u32 << 20)).map(|i| b'a' + (i % 26) as u8).collect();
    let owner = d.conn.new_window_id();
    d.conn.create_window(
        owner,
        d.conn.root(),
        yonder_protocol::Rect::new(0, 0, 1, 1),
        Default::default(),
    );
    d.conn
        .set_selection_owner(atoms::CLIPBOARD, owner, Default::default());
    d.conn.sync().unwrap();

    let x = x_of(&app);
    let root = x.setup().roots[0].root;
    let atom = |name: &str| {
        x.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let (clipboard, utf8, incr, prop) = (
        atom("CLIPBOARD"),
        atom("UTF8_STRING"),
        atom("INCR"),
        atom("PASTE"),
    );
    let me = x.generate_id().unwrap();
    let aux = xproto::CreateWindowAux::new().event_mask(xproto::EventMask::PROPERTY_CHANGE);
    x.create_window(
        0,
        me,
        root,
        0,
        0,
        1,
        1,
        0,
        xproto::WindowClass::INPUT_ONLY,
        0,
        &aux,
    )
    .unwrap();
    eventually("the bridge owns X's CLIPBOARD", || {
        x.get_selection_owner(clipboard)
            .unwrap()
            .reply()
            .unwrap()
            .owner
            != x11rb::NONE
    });
    x.convert_selection(me, clipboard, utf8, prop, x11rb::CURRENT_TIME)
        .unwrap();
    x.flush().unwrap();
    let end = std::time::Instant::now() + Duration::from_secs(20);
    let mut got: Vec<u8> = Vec::new();
    let mut pieces = 0;
    let mut in_pieces = false;
    // Answers the Yonder side's request for the value meanwhile.
    let mut answered = false;
    loop {
        assert!(std::time::Instant::now() < end, "the paste did not finish");
        if !answered {
            if let Some(yonder::Incoming::Event {
                event: yonder_protocol::Event::SelectionRequest(r),
                ..
            }) = d.conn.poll_for_event().unwrap()
            {
                d.conn.send_selection_bytes(r.transfer, &text);
                d.conn.flush().unwrap();
                answered = true;
            }
        }
        let Some(e) = x.poll_for_event().unwrap() else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        let read = |x: &RustConnection| {
            x.get_property(true, me, prop, xproto::AtomEnum::ANY, 0, u32::MAX / 4)
                .unwrap()
                .reply()
                .unwrap()
        };
        match e {
            XEvent::SelectionNotify(s) => {
                assert_eq!(s.property, prop, "the paste was refused");
                let p = read(&x);
                assert_eq!(p.type_, incr, "1 MiB comes in pieces");
                in_pieces = true;
            }
            XEvent::PropertyNotify(p)
                if in_pieces && p.atom == prop && p.state == xproto::Property::NEW_VALUE =>
            {
                let p = read(&x);
                x.flush().unwrap();
                if p.value.is_empty() {
                    break;
                }
                assert_eq!(p.type_, utf8);
                pieces += 1;
                got.extend_from_slice(&p.value);
            }
            _ => {}
        }
    }
    assert!(pieces >= 4, "{pieces} pieces");
    assert_eq!(got.len(), text.len());
    assert!(got == text, "the pieces are the value, in order");
}

/// A hostile X program: a window of the largest size X allows, hints that lie about
/// their size or name nothing, a dialog of itself, a flood of selection changes. The
/// bridge and the display go on, and a well-behaved program beside it still works.
#[test]
fn a_hostile_x_program_harms_neither_the_bridge_nor_the_display() {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{self, ConnectionExt as _};
    use x11rb::wrapper::ConnectionExt as _;
    let Some((_w, d)) = start_with(
        "a_hostile_x_program_harms_neither_the_bridge_nor_the_display",
        &[],
        |c| c.window_manager = true,
    ) else {
        return;
    };
    let mut app = bridge(&d, &xlogo("80x80"));
    let (n, authority) = bridge_x::display_of(&app);
    let good = d.window_of("xlogo");
    // Without the bridge's cookie, no connection (another local user has none).
    let connect = |cookie: &[u8]| bridge_x::connect(n, cookie);
    assert!(
        connect(&[]).is_err(),
        "the bridge's X server admits a client without its cookie"
    );
    assert!(
        connect(&[7; 16]).is_err(),
        "the bridge's X server admits a wrong cookie"
    );
    let x = connect(&bridge_x::cookie(&authority)).expect("connect to the bridge's X server");
    let screen = 0;
    let root = x.setup().roots[screen].root;
    let intern = |name: &str| {
        x.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let huge = x.generate_id().unwrap();
    x.create_window(
        0,
        huge,
        root,
        0,
        0,
        32767,
        32767,
        0,
        xproto::WindowClass::INPUT_OUTPUT,
        0,
        &Default::default(),
    )
    .unwrap();
    let garbage = vec![0xA5u8; 200_000];
    for (name, type_) in [
        ("WM_NAME", "STRING"),
        ("_NET_WM_NAME", "UTF8_STRING"),
        ("WM_CLASS", "STRING"),
    ] {
        x.change_property8(
            xproto::PropMode::REPLACE,
            huge,
            intern(name),
            intern(type_),
            &garbage,
        )
        .unwrap();
    }
    // An icon that says 1024 × 1024 and holds four pixels; size hints of three words;
    // types and states that name no atom; a dialog of itself.
    let words = |v: &[u32]| v.to_vec();
    for (name, type_, value) in [
        ("_NET_WM_ICON", "CARDINAL", words(&[1024, 1024, 1, 2, 3, 4])),
        (
            "WM_NORMAL_HINTS",
            "WM_SIZE_HINTS",
            words(&[0xFFFF_FFFF, 1, 2]),
        ),
        // Atoms that name nothing, then 100 000 real ones: not 100 000 round trips on
        // either side.
        (
            "_NET_WM_WINDOW_TYPE",
            "ATOM",
            [words(&[0xFFFF_FFF0, 12345]), vec![1; 100_000]].concat(),
        ),
        ("_NET_WM_STATE", "ATOM", words(&[0xFFFF_FFF1])),
        ("WM_TRANSIENT_FOR", "WINDOW", words(&[huge])),
    ] {
        x.change_property32(
            xproto::PropMode::REPLACE,
            huge,
            intern(name),
            intern(type_),
            &value,
        )
        .unwrap();
    }
    x.map_window(huge).unwrap();
    let clipboard = intern("CLIPBOARD");
    for _ in 0..500 {
        x.set_selection_owner(huge, clipboard, x11rb::CURRENT_TIME)
            .unwrap();
        x.set_selection_owner(x11rb::NONE, clipboard, x11rb::CURRENT_TIME)
            .unwrap();
    }
    x.flush().unwrap();
    x.sync().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "the bridge died: {}",
        std::fs::read_to_string(&app.err).unwrap_or_default()
    );
    // The display answers, the well-behaved program's window is there and drawn.
    let p = d.read_window(good);
    assert!(p.count(0xFFFFFF) > 1000 && p.count(0x000000) > 100);
    // And the bridge still serves X programs: the hostile window goes, another comes.
    x.destroy_window(huge).unwrap();
    let fine = x.generate_id().unwrap();
    let aux = xproto::CreateWindowAux::new().background_pixel(0x00ff00);
    x.create_window(
        0,
        fine,
        root,
        300,
        200,
        40,
        30,
        0,
        xproto::WindowClass::INPUT_OUTPUT,
        0,
        &aux,
    )
    .unwrap();
    x.map_window(fine).unwrap();
    x.flush().unwrap();
    eventually("a well-behaved window of the same client shows", || {
        d.top_levels().into_iter().any(|w| {
            d.conn
                .get_geometry(w)
                .reply()
                .is_ok_and(|g| g.rect.size() == yonder_protocol::Size::new(40, 30))
                && d.read_window(w).count(0x00FF00) == 40 * 30
        })
    });
}

#[test]
fn sigterm_ends_the_bridge_cleanly() {
    let Some((_w, d)) = start("sigterm_ends_the_bridge_cleanly", &[]) else {
        return;
    };
    let app = bridge(&d, &["xlogo"]);
    let (n, authority) = bridge_x::display_of(&app);
    d.window_of("xlogo");
    Command::new("kill")
        .arg(app.child.id().to_string())
        .status()
        .unwrap();
    let done = app.finish_within(Duration::from_secs(10));
    assert!(done.status.success(), "{}", done.stderr);
    // Xvfb stopped with SIGTERM removes its lock; the bridge removes its authority file.
    eventually("the X server's lock is gone", || {
        !Path::new(&format!("/tmp/.X{n}-lock")).exists()
    });
    assert!(
        !Path::new(&authority).exists(),
        "the authority file is left"
    );
    eventually("xlogo's window is gone", || {
        d.mapped_window_of("xlogo").is_none()
    });
}
