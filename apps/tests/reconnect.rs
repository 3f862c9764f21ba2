//! Real apps survive losing their display (protocol.md §5.4): `ypaint` with strokes on
//! its canvas and `yclock` ticking, as processes of their own.
//!
//! * A cut link: they reach the display over TCP through a proxy whose links the test
//!   cuts, as when a proxy between them dies.
//! * A link down in network namespaces: the display's host and the apps' host are two
//!   namespaces joined by a veth pair, whose apps' end the test takes down long enough
//!   for the server's keepalive to declare the link dead, then up again (needs root;
//!   SKIPPED outside CI without it).
//! * The server killed with SIGKILL and started again on the same display.
//!
//! Each time the apps keep running, come back by themselves, and go on: the same
//! processes, the same windows with the same pixels, a new stroke drawn, the clock
//! ticking.

use std::path::Path;
use std::time::Duration;
use yonder::prelude::*;
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::{Rect, WindowId};
use yonder_test_support::apps::{
    eventually, eventually_within, spawn, watchdog, App, Display, Observer,
};
use yonder_test_support::home::Home;
use yonder_test_support::netns::NetPair;
use yonder_test_support::proxy::Proxy;

const YCLOCK: &str = env!("CARGO_BIN_EXE_yclock");
const YPAINT: &str = env!("CARGO_BIN_EXE_ypaint");
const INFO: &str = env!("CARGO_BIN_EXE_yonder-info");
/// ypaint's toolbar height (see its module doc).
const TOOLBAR_H: i32 = 36;
const BLACK: u32 = 0x000000;
/// The red swatch of ypaint's toolbar.
const RED: u32 = 0xe53935;

/// The two apps under test and their windows.
struct Apps {
    paint: App,
    clock: App,
    canvas: WindowId,
    clock_win: WindowId,
}

impl Apps {
    /// Starts ypaint and yclock in `dir` with `env`, through `launcher` when it is not
    /// empty (a command the app's path and arguments are appended to); once `o` sees
    /// their windows, moves the clock off the canvas (there is no window manager) and
    /// waits until the canvas takes input.
    fn start(o: &Observer, dir: &Path, env: &[(&str, String)], launcher: &[&str]) -> Apps {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let run = |bin: &str, args: &[&str]| match launcher.split_first() {
            Some((program, words)) => {
                let all: Vec<&str> = words.iter().chain([&bin]).chain(args).copied().collect();
                spawn(program, &all, dir, &env)
            }
            None => spawn(bin, args, dir, &env),
        };
        let paint = run(
            YPAINT,
            &["--exit-after", "120", "--size", "300x200", "picture.png"],
        );
        let clock = run(YCLOCK, &["--exit-after", "120"]);
        let mut found = None;
        eventually("ypaint and yclock show their windows", || {
            found = o
                .mapped_window_of("ypaint")
                .zip(o.mapped_window_of("yclock"));
            found.is_some()
        });
        let (canvas, clock_win) = found.unwrap();
        o.conn.configure_window(ConfigureWindow {
            window: clock_win,
            x: Some(400),
            y: Some(0),
            width: None,
            height: None,
            stack_mode: None,
            sibling: None,
        });
        o.conn.sync().expect("sync");
        let apps = Apps {
            paint,
            clock,
            canvas,
            clock_win,
        };
        // Drawn whole, toolbar included (ypaint then takes input).
        eventually("the canvas is shown", || {
            let px = o.read_window(canvas);
            px.at(299, 199 + TOOLBAR_H) == 0xffffff
                && px.count_in(Rect::new(0, 0, 300, 36), |p| p == RED) > 0
        });
        apps
    }

    /// Whether the canvas shows a black stroke across row `y`.
    fn line(&self, o: &Observer, y: i32) -> bool {
        let px = o.read_window(self.canvas);
        (50..250).all(|x| px.at(x, y + TOOLBAR_H) == BLACK)
    }

    /// Draws a stroke across row `y` of the canvas and waits until it shows.
    fn stroke(&self, o: &Observer, y: i32, what: &str) {
        o.drag((40, y + TOOLBAR_H), (260, y + TOOLBAR_H));
        eventually(what, || self.line(o, y));
    }

    /// Both processes still run.
    fn assert_running(&mut self, when: &str) {
        assert!(
            self.paint.child.try_wait().unwrap().is_none(),
            "ypaint runs on {when}"
        );
        assert!(
            self.clock.child.try_wait().unwrap().is_none(),
            "yclock runs on {when}"
        );
    }

    /// The same windows as before are shown.
    fn assert_same_windows(&self, o: &Observer) {
        eventually("both apps show the same windows", || {
            o.mapped_window_of("ypaint") == Some(self.canvas)
                && o.mapped_window_of("yclock") == Some(self.clock_win)
        });
    }

    /// The clock's face changes within a few seconds.
    fn assert_clock_ticks(&self, o: &Observer) {
        let face = o.read_window(self.clock_win).data;
        eventually("the clock's hands move", || {
            o.read_window(self.clock_win).data != face
        });
    }
}

/// Whether every client named in `names` is connected (`true`) or detached (`false`).
fn all(o: &Observer, names: &[&str], connected: bool) -> bool {
    let clients = o.conn.list_clients().reply().expect("list_clients");
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
    let env = [
        ("YONDER_DISPLAY", proxy.display()),
        ("YONDER_COOKIE", hex::encode(d.handle.cookie)),
    ];
    let mut apps = Apps::start(&d, d.dir.path(), &env, &[]);
    apps.stroke(&d, 60, "the first stroke is shown");

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
    assert!(
        apps.line(&d, 60),
        "the stroke stays on the screen meanwhile"
    );
    std::thread::sleep(Duration::from_millis(500));
    apps.assert_running("while detached");
    proxy.accept(true);

    eventually("both apps came back by themselves", || {
        all(&d, &["ypaint", "yclock"], true)
    });
    apps.assert_running("after the resume");
    apps.assert_same_windows(&d);
    assert!(apps.line(&d, 60), "the first stroke is still there");
    apps.stroke(&d, 140, "a second stroke is shown");
    apps.assert_clock_ticks(&d);
}

#[test]
fn apps_survive_their_link_down_between_two_hosts() {
    let Some(net) = NetPair::or_skip("apps_survive_their_link_down_between_two_hosts") else {
        return;
    };
    let _watchdog = watchdog("apps_survive_their_link_down_between_two_hosts");
    let home = Home::new(640, 480);
    // The server declares a silent link dead after 6 s of keepalive.
    let _server = home.serve_with(
        &net.on_server(),
        &[
            "--listen",
            "tcp",
            "--tcp-addr",
            &net.server_addr,
            "--keepalive",
            "6",
        ],
    );
    let env = [
        ("YONDER_DISPLAY", format!("{}:0", net.server_addr)),
        ("YONDER_COOKIE", hex::encode(home.cookie(":0"))),
    ];
    // The test looks from the display's host, through its Unix socket.
    let o = home.observer();
    let mut apps = Apps::start(&o, home.dir.path(), &env, &net.on_app());
    apps.stroke(&o, 60, "the first stroke is shown");
    let before = o.read_window(apps.canvas).data;

    net.link(false).expect("the link goes down");
    eventually_within(
        Duration::from_secs(30),
        "the server's keepalive finds the link dead and keeps both apps detached",
        || all(&o, &["ypaint", "yclock"], false),
    );
    assert!(
        apps.line(&o, 60),
        "the stroke stays on the screen meanwhile"
    );
    apps.assert_running("with the link down");
    net.link(true).expect("the link comes back");

    // The apps notice their old connection is gone (the server's answer to it, or their
    // own keepalive), dial again and resume.
    eventually_within(
        Duration::from_secs(60),
        "both apps came back by themselves",
        || all(&o, &["ypaint", "yclock"], true),
    );
    apps.assert_running("after the resume");
    apps.assert_same_windows(&o);
    assert_eq!(
        o.read_window(apps.canvas).data,
        before,
        "the picture intact"
    );
    apps.stroke(&o, 140, "a second stroke is shown");
    apps.assert_clock_ticks(&o);
}

#[test]
fn apps_survive_their_server_killed_and_restarted() {
    let _watchdog = watchdog("apps_survive_their_server_killed_and_restarted");
    let home = Home::new(640, 480);
    let mut server = home.serve();
    let o = home.observer();
    let mut apps = Apps::start(&o, home.dir.path(), &home.env(), &[]);
    apps.stroke(&o, 60, "the first stroke is shown");
    let before = o.read_window(apps.canvas).data;
    // Let the server's checkpoint see where the clock was put (debounced, ≤ 1 s).
    std::thread::sleep(Duration::from_millis(1200));

    server.child.kill().expect("kill -9 the server");
    server.child.wait().unwrap();
    drop(o);
    std::thread::sleep(Duration::from_millis(300));
    apps.assert_running("without a server");

    let _server = home.serve();
    let o = home.observer();
    apps.assert_same_windows(&o);
    eventually("ypaint's picture is back, pixel for pixel", || {
        o.read_window(apps.canvas).data == before
    });
    let g = o.conn.get_geometry(apps.clock_win).reply().unwrap();
    assert_eq!(g.rect.x, 400, "the clock is where it was put");
    apps.stroke(&o, 140, "a new stroke after the restart");
    apps.assert_clock_ticks(&o);
    apps.assert_running("after the restart");
}
