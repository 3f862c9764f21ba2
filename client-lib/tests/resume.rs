//! A lost network link is invisible to an app (protocol.md §5.4): the library detaches,
//! keeps what the app sends, dials the display again and resumes the session, and the
//! app's windows, ids and waits go on. Each test runs a real server listening on TCP
//! (loopback) and a small proxy in between whose connections the test cuts: both ends
//! see the link end, as when a proxy or a router between them dies.

use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::request::{ImageFormat, WindowAttributes};
use yonder::protocol::{Color, EventMask, Rect};
use yonder::{ConnectOptions, Connection, ConnectionError, DisplayChange, Incoming, Reconnect};
use yonder_test_support::proxy::Proxy;
use yonder_test_support::server::TestServer;

fn tcp_server() -> TestServer {
    TestServer::start_with(|c| {
        c.listen_tcp = true;
        c.tcp_addr = std::net::IpAddr::from([127, 0, 0, 1]);
    })
}

fn through(s: &TestServer, proxy: &Proxy, reconnect: Reconnect) -> Connection {
    Connection::connect_with(ConnectOptions {
        display: Some(format!("127.0.0.1:{}", proxy.number)),
        cookie: Some(s.handle.cookie.to_vec()),
        app_name: Some("resume-test".into()),
        reconnect,
        ..ConnectOptions::default()
    })
    .expect("connect through the proxy")
}

/// The next item that is not an ordinary event, within 20 s.
fn next_change(conn: &Connection) -> Result<Incoming, ConnectionError> {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no display change within 20 s");
        match conn.wait_for_event_timeout(left)? {
            Some(Incoming::Event { .. }) | None => continue,
            Some(other) => return Ok(other),
        }
    }
}

#[test]
fn a_cut_link_is_resumed_and_the_app_goes_on_with_its_window() {
    let s = tcp_server();
    let proxy = Proxy::start(s.handle.tcp_port.unwrap());
    let watcher = s.connect_trusted();
    let conn = through(&s, &proxy, Reconnect::default());
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(20, 20, 40, 30),
        WindowAttributes {
            background: Some(Color::rgb(0x3366cc)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(win);
    conn.sync().expect("sync before the cut");

    proxy.cut();
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Lost)
    );
    // While the link is down the app goes on: this request waits in the library.
    conn.change_window_attributes(
        win,
        WindowAttributes {
            background: Some(Color::rgb(0xcc3300)),
            ..Default::default()
        },
    );
    conn.clear_area(win, Rect::default(), false);
    conn.flush().expect("sending while detached is fine");
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Back { resumed: true })
    );
    // The same window, with the change made while away; replies work again.
    let geometry = conn
        .get_geometry(win)
        .reply()
        .expect("a reply after the resume");
    assert_eq!(geometry.rect.width, 40);
    let pixels = yonder_test_support::client::read(&watcher, win, Rect::new(0, 0, 40, 30));
    assert_eq!(
        pixels.at(5, 5) & 0xffffff,
        0xcc3300,
        "the request sent while away"
    );
    // One client, resumed: no duplicate left behind.
    let clients = watcher.list_clients().reply().unwrap();
    let mine: Vec<_> = clients
        .clients
        .iter()
        .filter(|c| c.id_space == conn.id_space())
        .collect();
    assert_eq!(mine.len(), 1, "{:?}", clients.clients);
    assert!(mine[0].detached_secs.is_none());
}

/// Large images in the request survive a cut: one put just before the cut, in the first
/// write after the setup (where the link starts keeping what it writes for a resume, so
/// the frame must be whole by then, not a head whose pixels wait in the app's memory),
/// and one put while the link is down (kept with the requests waiting), each followed by
/// a small fill over part of it. After the resume the window shows all four, in order.
#[test]
fn large_images_put_around_a_cut_link_show_after_the_resume() {
    let s = tcp_server();
    let proxy = Proxy::start(s.handle.tcp_port.unwrap());
    let watcher = s.connect_trusted();
    let conn = through(&s, &proxy, Reconnect::default());
    conn.wait_for_setup().expect("setup");
    conn.set_image_options(yonder::ImageOptions {
        shared_memory: false,
        compression: yonder::Compression::Never,
    });
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(10, 10, 240, 100),
        WindowAttributes {
            background: Some(Color::rgb(0x000000)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(win);
    let gc = conn.new_gc_id();
    conn.create_gc(gc, win, Default::default());
    // 110×100 Rgbx: 44,000 bytes each, past the size written from where it is.
    let picture = |rgb: [u8; 3]| -> Vec<u8> { [rgb[0], rgb[1], rgb[2], 0].repeat(110 * 100) };
    let fill = |conn: &Connection, x: i32, rgb: u32| {
        conn.change_gc(
            gc,
            yonder::protocol::request::GcValues {
                foreground: Some(Color::rgb(rgb)),
                ..Default::default()
            },
        );
        conn.poly_fill_rectangle(win, gc, &[Rect::new(x, 0, 10, 10)]);
    };
    let put = |conn: &Connection, x: i32, rgb: [u8; 3]| {
        let at = yonder::protocol::Point::new(x, 0);
        conn.put_image(win, gc, at, 110, 100, ImageFormat::Rgbx, picture(rgb));
    };
    put(&conn, 0, [0x11, 0x22, 0x33]);
    fill(&conn, 0, 0x445566);
    conn.flush().expect("written before the cut");
    proxy.cut();
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Lost)
    );
    put(&conn, 120, [0x77, 0x88, 0x99]);
    fill(&conn, 120, 0xaabbcc);
    conn.flush().expect("sending while detached is fine");
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Back { resumed: true })
    );
    conn.sync().expect("a round trip after the resume");
    let pixels = yonder_test_support::client::read(&watcher, win, Rect::new(0, 0, 240, 100));
    let at = |x, y| pixels.at(x, y) & 0xffffff;
    assert_eq!(at(5, 5), 0x445566, "the fill after the first image");
    assert_eq!(at(50, 50), 0x112233, "the image put just before the cut");
    assert_eq!(at(125, 5), 0xaabbcc, "the fill after the second image");
    assert_eq!(
        at(200, 50),
        0x778899,
        "the image put while the link was down"
    );
    assert_eq!(at(235, 50), 0x000000, "the background beside them");
}

#[test]
fn an_app_that_chose_to_end_with_its_connection_gets_an_error_and_is_freed() {
    let s = tcp_server();
    let proxy = Proxy::start(s.handle.tcp_port.unwrap());
    let watcher = s.connect();
    let conn = through(&s, &proxy, Reconnect::ExitAtOnce);
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(0, 0, 10, 10),
        WindowAttributes::default(),
    );
    conn.sync().unwrap();
    let space = conn.id_space();
    proxy.cut();
    let err = loop {
        match conn.wait_for_event_timeout(Duration::from_secs(20)) {
            Ok(Some(Incoming::Event { .. })) => continue,
            Ok(other) => panic!("expected the end of the connection, got {other:?}"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, ConnectionError::Closed), "{err}");
    let end = Instant::now() + Duration::from_secs(10);
    while watcher
        .list_clients()
        .reply()
        .unwrap()
        .clients
        .iter()
        .any(|c| c.id_space == space)
    {
        assert!(Instant::now() < end, "the server still holds the app");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_app_gives_up_when_the_display_does_not_come_back_in_time() {
    let s = tcp_server();
    let proxy = Proxy::start(s.handle.tcp_port.unwrap());
    let conn = through(
        &s,
        &proxy,
        Reconnect::Wait {
            give_up: Some(Duration::from_millis(500)),
        },
    );
    conn.sync().unwrap();
    proxy.accept(false);
    proxy.cut();
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Lost)
    );
    let t = Instant::now();
    let err = conn.sync().expect_err("the display never came back");
    assert!(
        err.to_string().contains("did not come back"),
        "a clear reason: {err}"
    );
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
}

#[test]
fn a_server_that_no_longer_knows_the_app_gets_its_state_replayed() {
    // No grace period: the server frees the app when the link goes, as a restarted
    // server knows nothing of it. The resume then starts a new session, into which the
    // library replays the app's windows.
    let s = TestServer::start_with(|c| {
        c.listen_tcp = true;
        c.tcp_addr = std::net::IpAddr::from([127, 0, 0, 1]);
        c.detach_grace = Duration::ZERO;
    });
    let proxy = Proxy::start(s.handle.tcp_port.unwrap());
    let conn = through(&s, &proxy, Reconnect::default());
    let (win, _) = app_window(&conn);
    let watcher = s.connect();
    // The way back opens only once the server has freed the app (else the resume could
    // come first and take over a connection the server still thought alive).
    proxy.accept(false);
    proxy.cut();
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Lost)
    );
    let end = Instant::now() + Duration::from_secs(10);
    while watcher
        .list_clients()
        .reply()
        .unwrap()
        .clients
        .iter()
        .any(|c| c.id_space == conn.id_space())
    {
        assert!(Instant::now() < end, "the server still holds the app");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(watcher.get_geometry(win).reply().is_err(), "freed");
    // A question asked while away is asked again, and answered, once the app is back.
    let cookie = conn.get_geometry(win);
    proxy.accept(true);
    let g = cookie.reply().expect("answered by the new session");
    assert_eq!(g.rect, Rect::new(30, 40, 64, 48));
    conn.sync().expect("a sync on the new session");
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Back { resumed: false })
    );
    let g = watcher
        .get_geometry(win)
        .reply()
        .expect("the window is back");
    assert_eq!(g.rect, Rect::new(30, 40, 64, 48));
}

/// A window of `conn` that takes the close request, with a title and a pixmap drawn
/// into (what a new session must bring back).
fn app_window(conn: &Connection) -> (yonder::protocol::WindowId, yonder::protocol::PixmapId) {
    use yonder::protocol::atoms;
    use yonder::protocol::request::PropMode;
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(30, 40, 64, 48),
        WindowAttributes {
            background: Some(Color::rgb(0x224466)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.change_property(
        win,
        atoms::WM_PROTOCOLS,
        atoms::ATOM,
        PropMode::Replace,
        atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
    );
    conn.change_property(
        win,
        atoms::WM_NAME,
        atoms::UTF8_STRING,
        PropMode::Replace,
        b"a journaled window".to_vec(),
    );
    conn.map_window(win);
    let pix = conn.new_pixmap_id();
    conn.create_pixmap(pix, conn.root(), 16, 16);
    let gc = yonder_test_support::client::gc(conn, win, 0xff8800);
    conn.poly_fill_rectangle(pix, gc, &[Rect::new(0, 0, 16, 16)]);
    conn.poly_fill_rectangle(pix, gc, &[Rect::new(4, 4, 4, 4)]);
    conn.sync().expect("sync");
    (win, pix)
}

#[test]
fn an_upgraded_server_gets_the_apps_state_replayed() {
    let s = TestServer::start();
    let conn = s.connect();
    let (win, pix) = app_window(&conn);
    let s = s.upgrade_with(|_| {});
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Lost)
    );
    // Asked while no server runs: answered by the new one, after the replay.
    let title_asked_away = conn.get_property(win, yonder::protocol::atoms::WM_NAME, false);
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Back { resumed: false })
    );
    // The replay is in: a round trip of the app's behind it.
    conn.sync().expect("sync on the new session");
    // The same ids on the new server: the window with its title, the pixmap's pixels.
    let watcher = s.connect_trusted();
    let g = watcher
        .get_geometry(win)
        .reply()
        .expect("the window is back");
    assert_eq!(g.rect, Rect::new(30, 40, 64, 48));
    let title = watcher
        .get_property(win, yonder::protocol::atoms::WM_NAME, false)
        .reply()
        .unwrap();
    assert_eq!(title.data, b"a journaled window");
    assert_eq!(
        title_asked_away.reply().expect("asked again").data,
        b"a journaled window",
        "the app's own question asked while away is answered"
    );
    let px = yonder_test_support::client::read(&watcher, pix, Rect::new(0, 0, 16, 16));
    assert_eq!(px.at(0, 0) & 0xffffff, 0xff8800);
    // The app goes on drawing with its old ids.
    conn.copy_area(
        pix,
        win,
        yonder_test_support::client::gc(&conn, win, 0),
        Rect::new(0, 0, 16, 16),
        yonder::protocol::Point::new(0, 0),
    );
    conn.sync().expect("the app goes on");
    let shown = yonder_test_support::client::read(&watcher, win, Rect::new(0, 0, 16, 16));
    assert_eq!(shown.at(1, 1) & 0xffffff, 0xff8800);
}

#[test]
fn a_display_ending_for_good_asks_the_app_to_close_its_windows() {
    let s = TestServer::start();
    let conn = s.connect();
    let (win, _) = app_window(&conn);
    let TestServer { handle, dir } = s;
    handle.shutdown();
    let mut closed = false;
    let end = Instant::now() + Duration::from_secs(20);
    let err = loop {
        assert!(Instant::now() < end, "no end within 20 s");
        match conn.wait_for_event_timeout(Duration::from_secs(1)) {
            Ok(Some(Incoming::Event {
                event: yonder::protocol::Event::ClientMessage(m),
                sent: true,
            })) if m.window == win && m.type_ == yonder::protocol::atoms::WM_PROTOCOLS => {
                assert_eq!(
                    m.data,
                    yonder::protocol::atoms::WM_DELETE_WINDOW.0.to_le_bytes()
                );
                closed = true;
            }
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert!(closed, "the close request came before the end");
    assert!(matches!(err, ConnectionError::Closed), "{err}");
    drop(dir);
}

#[test]
fn a_server_of_another_size_tells_the_app_and_keeps_its_window_reachable() {
    let s = TestServer::start_with(|c| {
        c.window_manager = true;
        c.screen_width = 640;
        c.screen_height = 480;
    });
    let conn = s.connect();
    // The app follows the screen's size, as a desktop app placing its windows does.
    conn.change_window_attributes(
        conn.root(),
        WindowAttributes {
            event_mask: Some(EventMask::STRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(500, 380, 120, 80),
        WindowAttributes {
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(win);
    conn.sync().expect("sync");

    let s = s.upgrade_with(|c| {
        c.window_manager = true;
        c.screen_width = 320;
        c.screen_height = 240;
    });
    // Everything up to the display's return: a ScreenChange with the new size among it.
    let end = Instant::now() + Duration::from_secs(20);
    let mut screen = None;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "the display did not come back within 20 s");
        match conn.wait_for_event_timeout(left).unwrap() {
            Some(Incoming::Event {
                event: yonder::protocol::Event::ScreenChange(e),
                ..
            }) => screen = Some((e.width, e.height)),
            Some(Incoming::Display(DisplayChange::Back { .. })) => break,
            _ => {}
        }
    }
    assert_eq!(screen, Some((320, 240)), "the app hears of the new size");
    // The window is where the user can reach it: its title bar on the smaller screen.
    let watcher = s.connect_trusted();
    let end = Instant::now() + Duration::from_secs(10);
    let g = loop {
        if let Ok(g) = watcher.get_geometry(win).reply() {
            break g;
        }
        assert!(Instant::now() < end, "the window did not come back");
        std::thread::sleep(Duration::from_millis(20));
    };
    // With its frame: a 4-pixel border, a 24-pixel title bar.
    assert!(
        g.rect.x >= 4 && g.rect.x + 120 + 4 <= 320 && g.rect.y >= 24 && g.rect.y + 80 + 4 <= 240,
        "the window and its frame are on the 320×240 screen: {:?}",
        g.rect
    );
    assert_eq!((g.rect.width, g.rect.height), (120, 80), "its size is kept");
}

#[test]
fn a_replay_the_new_server_has_no_room_for_ends_with_a_clear_error() {
    // Over TCP, where a session is kept detached by default: the refused one must not be.
    let s = tcp_server();
    let proxy = Proxy::start(s.handle.tcp_port.unwrap());
    let conn = through(&s, &proxy, Reconnect::default());
    let (win, _) = app_window(&conn);
    // Three pixmaps of 1 MiB each (4 bytes a pixel), with something drawn in them.
    let gc = yonder_test_support::client::gc(&conn, win, 0x00ff00);
    for _ in 0..3 {
        let pix = conn.new_pixmap_id();
        conn.create_pixmap(pix, conn.root(), 512, 512);
        conn.poly_fill_rectangle(pix, gc, &[Rect::new(0, 0, 512, 512)]);
    }
    conn.sync().expect("the first server has room");
    // The new server lets a client hold 2 MiB.
    let s = s.upgrade_with(|c| {
        c.listen_tcp = true;
        c.tcp_addr = std::net::IpAddr::from([127, 0, 0, 1]);
        c.client_memory_quota = 2 << 20;
    });
    let end = Instant::now() + Duration::from_secs(20);
    let err = loop {
        assert!(Instant::now() < end, "no error within 20 s: the app hangs");
        match conn.sync() {
            Ok(()) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break e,
        }
    };
    let text = err.to_string();
    assert!(
        text.contains("did not take back the app's windows and resources")
            && text.contains("Alloc"),
        "a clear error: {text}"
    );
    // It stays: the app is not left half-restored.
    assert!(conn.sync().is_err());
    // And the session ended on purpose: the server frees what was replayed at once
    // instead of keeping the app detached for its grace period.
    let watcher = s.connect_trusted();
    let end = Instant::now() + Duration::from_secs(10);
    while watcher
        .list_clients()
        .reply()
        .unwrap()
        .clients
        .iter()
        .any(|c| c.id_space == conn.id_space())
    {
        assert!(
            Instant::now() < end,
            "the server still holds the refused app"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_image_put_through_shared_memory_after_an_upgrade_shows() {
    use yonder::protocol::request::ImageFormat;
    use yonder::protocol::Point;
    // 100 × 100 RGBA is above the size that goes through shared memory.
    let image = |rgb: u32| -> Vec<u8> {
        let [_, r, g, b] = rgb.to_be_bytes();
        [r, g, b, 0xff].repeat(100 * 100)
    };
    let s = TestServer::start();
    let conn = s.connect();
    let (win, _) = app_window(&conn);
    let pix = conn.new_pixmap_id();
    conn.create_pixmap(pix, conn.root(), 100, 100);
    let gc = yonder_test_support::client::gc(&conn, win, 0);
    let put = |rgb: u32| {
        let at = Point::new(0, 0);
        conn.put_image(pix, gc, at, 100, 100, ImageFormat::Rgba, image(rgb));
        conn.sync().expect("sync");
    };
    put(0x336699);
    assert_eq!(conn.image_stats().shared_memory, 1, "through shared memory");

    let s = s.upgrade_with(|_| {});
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Lost)
    );
    assert_eq!(
        next_change(&conn).unwrap(),
        Incoming::Display(DisplayChange::Back { resumed: false })
    );
    // The new server never saw the old segment: the library attaches a new one.
    put(0xcc3300);
    while let Some(i) = conn.poll_for_event().expect("connection") {
        assert!(
            !matches!(i, Incoming::Error(_)),
            "the put after the upgrade failed: {i:?}"
        );
    }
    let watcher = s.connect_trusted();
    let px = yonder_test_support::client::read(&watcher, pix, Rect::new(0, 0, 100, 100));
    assert_eq!(px.count(0xcc3300), 100 * 100, "the new picture");
    assert_eq!(
        conn.image_stats().shared_memory,
        2,
        "still through shared memory"
    );
}
