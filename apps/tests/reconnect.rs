//! Real apps survive a broken network link (protocol.md §5.4): `ypaint` with strokes on
//! its canvas and `yclock` ticking reach a display over TCP through a proxy; the test
//! cuts every link of the proxy, as when a router between them dies. The server keeps
//! both apps detached, their windows on the screen; the apps keep running, come back by
//! themselves, and go on: the same processes, the same windows with the same pixels, a
//! new stroke drawn, the clock ticking.

use std::time::Duration;
use yonder::prelude::*;
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::Rect;
use yonder_test_support::apps::{eventually, spawn, watchdog, Display, Observer};
use yonder_test_support::home::Home;
use yonder_test_support::proxy::Proxy;

const YCLOCK: &str = env!("CARGO_BIN_EXE_yclock");
const YPAINT: &str = env!("CARGO_BIN_EXE_ypaint");
const INFO: &str = env!("CARGO_BIN_EXE_yonder-info");
/// ypaint's toolbar height (see its module doc).
const TOOLBAR_H: i32 = 36;
const BLACK: u32 = 0x000000;
/// The red swatch of ypaint's toolbar.
const RED: u32 = 0xe53935;

/// Whether every client named in `names` is connected (`true`) or detached (`false`).
fn all(d: &Display, names: &[&str], connected: bool) -> bool {
    let clients = d.conn.list_clients().reply().expect("list_clients");
    names.iter().all(|n| {
        clients
            .clients
            .iter()
            .any(|c| c.app_name == *n && c.detached_secs.is_none() == connected)
    })
}

#[test]
fn apps_survive_a_cut_link_and_go_on() {
    let _watchdog = watchdog("apps_survive_a_cut_link_and_go_on");
    let d = Display::start_with(|c| {
        c.listen_tcp = true;
        c.tcp_addr = std::net::IpAddr::from([127, 0, 0, 1]);
    });
    let proxy = Proxy::start(d.handle.tcp_port.expect("a TCP port"));
    let cookie = hex::encode(d.handle.cookie);
    let env = [
        ("YONDER_DISPLAY", proxy.display()),
        ("YONDER_COOKIE", cookie.clone()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut paint = spawn(
        YPAINT,
        &["--exit-after", "120", "--size", "300x200", "picture.png"],
        d.dir.path(),
        &env,
    );
    let mut clock = spawn(YCLOCK, &["--exit-after", "120"], d.dir.path(), &env);
    let canvas_win = d.window_of("ypaint");
    let clock_win = d.window_of("yclock");
    // No window manager: both sit at (0, 0). The clock goes aside, off the canvas.
    d.conn.configure_window(ConfigureWindow {
        window: clock_win,
        x: Some(400),
        y: Some(0),
        width: None,
        height: None,
        stack_mode: None,
        sibling: None,
    });
    d.conn.sync().expect("sync");
    let canvas = |x: i32, y: i32| (x, y + TOOLBAR_H);
    // Drawn whole, toolbar included (ypaint then takes input).
    eventually("the canvas is shown", || {
        let px = d.read_window(canvas_win);
        let (x, y) = canvas(299, 199);
        px.at(x, y) == 0xffffff && px.count_in(Rect::new(0, 0, 300, 36), |p| p == RED) > 0
    });
    let line = |y: i32| {
        let px = d.read_window(canvas_win);
        (50..250).all(|x| {
            let (x, y) = canvas(x, y);
            px.at(x, y) == BLACK
        })
    };
    d.drag(canvas(40, 60), canvas(260, 60));
    eventually("the first stroke is shown", || line(60));

    // The link stays down until the test has looked.
    proxy.accept(false);
    proxy.cut();
    eventually("both apps are detached, kept by the server", || {
        all(&d, &["ypaint", "yclock"], false)
    });
    let info = d.run(INFO, &[]);
    info.assert_success("yonder-info");
    assert!(
        info.stdout.contains("waiting to resume"),
        "yonder-info shows the detached apps:\n{}",
        info.stdout
    );
    assert!(line(60), "the stroke stays on the screen meanwhile");
    std::thread::sleep(Duration::from_millis(500));
    assert!(paint.child.try_wait().unwrap().is_none(), "ypaint runs on");
    assert!(clock.child.try_wait().unwrap().is_none(), "yclock runs on");
    proxy.accept(true);

    eventually("both apps came back by themselves", || {
        all(&d, &["ypaint", "yclock"], true)
    });
    assert!(paint.child.try_wait().unwrap().is_none(), "ypaint runs on");
    assert!(clock.child.try_wait().unwrap().is_none(), "yclock runs on");
    // The same windows, their contents intact.
    assert_eq!(d.window_of("ypaint"), canvas_win);
    assert_eq!(d.window_of("yclock"), clock_win);
    assert!(line(60), "the first stroke is still there");
    // ypaint takes input again: a second stroke.
    d.drag(canvas(40, 140), canvas(260, 140));
    eventually("the second stroke is shown", || line(140));
    // The clock ticks on: its face changes within a few seconds.
    let (w, h) = d.size_of(clock_win);
    let face = |d: &Display| {
        yonder_test_support::client::read(&d.conn, clock_win, Rect::new(0, 0, w, h)).data
    };
    let before = face(&d);
    std::thread::sleep(Duration::from_millis(1100));
    eventually("the clock's hands move", || face(&d) != before);
}

#[test]
fn apps_survive_their_server_killed_and_restarted() {
    let _watchdog = watchdog("apps_survive_their_server_killed_and_restarted");
    let home = Home::new(640, 480);
    let mut server = home.serve();
    let env = home.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut paint = spawn(
        YPAINT,
        &["--exit-after", "120", "--size", "300x200", "picture.png"],
        home.dir.path(),
        &env,
    );
    let mut clock = spawn(YCLOCK, &["--exit-after", "120"], home.dir.path(), &env);
    let o = home.observer();
    let mut found = None;
    eventually("ypaint and yclock show their windows", || {
        found = o
            .mapped_window_of("ypaint")
            .zip(o.mapped_window_of("yclock"));
        found.is_some()
    });
    let (canvas_win, clock_win) = found.unwrap();
    o.conn.configure_window(ConfigureWindow {
        window: clock_win,
        x: Some(400),
        y: Some(0),
        width: None,
        height: None,
        stack_mode: None,
        sibling: None,
    });
    let line = |o: &Observer, y: i32| {
        let px = o.read_window(canvas_win).data;
        let w = o.conn.get_geometry(canvas_win).reply().unwrap().rect.width as usize;
        (50..250).all(|x| px[(y + TOOLBAR_H) as usize * w + x] & 0xffffff == BLACK)
    };
    eventually("the canvas takes input", || {
        o.read_window(canvas_win)
            .data
            .iter()
            .any(|p| p & 0xffffff == RED)
    });
    o.drag((40, 60 + TOOLBAR_H), (260, 60 + TOOLBAR_H));
    eventually("the first stroke is shown", || line(&o, 60));
    let before = o.read_window(canvas_win).data;
    // Let the server's checkpoint see where the clock was put (debounced, ≤ 1 s).
    std::thread::sleep(Duration::from_millis(1200));

    server.child.kill().expect("kill -9 the server");
    server.child.wait().unwrap();
    drop(o);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        paint.child.try_wait().unwrap().is_none(),
        "ypaint outlives its server"
    );
    assert!(
        clock.child.try_wait().unwrap().is_none(),
        "yclock outlives its server"
    );

    let _server = home.serve();
    let o = home.observer();
    eventually("both apps are back with the same windows", || {
        o.mapped_window_of("ypaint") == Some(canvas_win)
            && o.mapped_window_of("yclock") == Some(clock_win)
    });
    eventually("ypaint's picture is back, pixel for pixel", || {
        o.read_window(canvas_win).data == before
    });
    let g = o.conn.get_geometry(clock_win).reply().unwrap();
    assert_eq!(g.rect.x, 400, "the clock is where it was put");
    o.drag((40, 140 + TOOLBAR_H), (260, 140 + TOOLBAR_H));
    eventually("a new stroke after the restart", || line(&o, 140));
    let face = o.read_window(clock_win).data;
    eventually("the clock ticks on", || {
        o.read_window(clock_win).data != face
    });
    assert!(paint.child.try_wait().unwrap().is_none());
    assert!(clock.child.try_wait().unwrap().is_none());
}
