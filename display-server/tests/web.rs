//! The web viewer in a real browser (protocol.md §20): headless Chromium opens the
//! display's page, and the tests read its canvas back and drive it with DevTools input.
//! They skip without Chromium unless `YONDER_REQUIRE_BROWSER=1` (CI).

use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::{EventMask, Rect};
use yonder_server::ServerConfig;
use yonder_test_support::browser::{Browser, Button, Page};
use yonder_test_support::client::*;
use yonder_test_support::server::*;
use yonder_test_support::wm::{geometry, titled};

fn web(c: &mut ServerConfig) {
    c.listen_web = true;
    c.web.port = Some(0);
}

/// A display serving web viewers, a browser, and the page opened with `url`.
fn open(s: &TestServer, browser: &Browser, url: &str, w: u32, h: u32) -> Page {
    let _ = s;
    let mut page = browser.open(url, w, h);
    page.wait_for(
        "window.yonder && (window.yonder.frames > 0 || window.yonder.refused)",
        Duration::from_secs(20),
    );
    page
}

/// Waits until the page's canvas equals the screen as GetImage reads it.
fn wait_same(page: &mut Page, c: &Connection) {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let screen = screen(c);
        let canvas = page.canvas();
        assert_eq!(canvas.dimensions(), (SCREEN_W, SCREEN_H));
        let diff = canvas
            .enumerate_pixels()
            .filter(|(x, y, p)| {
                let v = (p[0] as u32) << 16 | (p[1] as u32) << 8 | p[2] as u32;
                screen.at(*x as i32, *y as i32) != v
            })
            .count();
        if diff == 0 {
            return;
        }
        assert!(
            Instant::now() < until,
            "the page's canvas differs from the screen in {diff} pixels"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_page_shows_the_screen_pixel_for_pixel_and_follows_it() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let s = TestServer::start_with(web);
    let c = s.connect_trusted();
    let w = window(
        &c,
        Rect::new(40, 30, 200, 120),
        0x3366CC,
        EventMask::EXPOSURE,
    );
    let g = gc(&c, w, 0xF0E0D0);
    c.poly_fill_rectangle(w, g, &[Rect::new(10, 10, 50, 40)]);
    c.draw_text(
        w,
        g,
        yonder_protocol::Point::new(20, 90),
        "Yonder on the web: éß€",
    );
    c.sync().unwrap();
    let url = s.handle.web_url.clone().expect("a web address");
    let mut page = open(&s, &browser, &url, 1000, 800);
    assert_eq!(page.stat("connected"), true);
    wait_same(&mut page, &c);
    // Later drawing reaches the page as damage, and only as damage.
    let frames = page.stat("frames").as_u64().unwrap();
    let bytes = page.stat("bytes").as_u64().unwrap();
    c.poly_fill_rectangle(w, g, &[Rect::new(100, 20, 30, 30)]);
    c.sync().unwrap();
    wait_same(&mut page, &c);
    page.wait_for(
        &format!("window.yonder.frames > {frames}"),
        Duration::from_secs(5),
    );
    let more = page.stat("bytes").as_u64().unwrap() - bytes;
    assert!(more < 2000, "a 30×30 change sent {more} bytes");
    // Nothing travels while the screen is still.
    let (f, b) = (page.stat("frames"), page.stat("bytes"));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!((page.stat("frames"), page.stat("bytes")), (f, b));
}

#[test]
fn the_credential_is_checked_and_the_address_bar_forgets_it() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let s = TestServer::start_with(web);
    let url = s.handle.web_url.clone().unwrap();
    let base = url.split_once('#').unwrap().0.to_owned();
    // The app cookie and the trusted cookie's neighbour: refused, no frame.
    for (cookie, why) in [
        (hex(&s.handle.cookie), "an app's cookie"),
        (
            "00112233445566778899aabbccddeeff".to_owned(),
            "a wrong cookie",
        ),
    ] {
        let mut page = open(&s, &browser, &format!("{base}#cookie={cookie}"), 800, 600);
        let refused = page.stat("refused");
        assert!(
            refused
                .as_str()
                .is_some_and(|r| r.contains("does not admit")),
            "{why}: {refused}"
        );
        assert_eq!(
            page.stat("frames"),
            0,
            "{why}: no frame before the credential"
        );
        let shown = page.eval("document.getElementById('reason').textContent");
        assert!(shown.as_str().unwrap().contains("Refused"), "{shown}");
    }
    // No credential at all: the page asks for it.
    let mut page = browser.open(&base, 800, 600);
    page.wait_for(
        "!document.getElementById('ask').hidden",
        Duration::from_secs(10),
    );
    // The right one: admitted, and gone from the address bar.
    let mut page = open(&s, &browser, &url, 800, 600);
    assert_eq!(page.stat("connected"), true);
    let href = page.eval("location.href");
    assert!(!href.as_str().unwrap().contains("cookie"), "{href}");
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn a_page_of_another_site_may_not_open_the_socket() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let s = TestServer::start_with(web);
    let port = s.handle.web_port.unwrap();
    // Served under another name (localhost is a name of this display; the test asks for
    // the socket from a page whose origin is another one: a data: URL).
    let mut page = browser.open("data:text/html,<p>elsewhere</p>", 400, 300);
    let result = page.eval(&format!(
        "new Promise((done) => {{ const ws = new WebSocket('ws://127.0.0.1:{port}/ws'); \
         ws.onopen = () => done('open'); ws.onerror = () => done('refused'); }})"
    ));
    assert_eq!(result, "refused");
}

#[test]
fn clicks_drags_keys_and_the_wheel_reach_the_display() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let s = TestServer::start_with(|c| {
        web(c);
        c.window_manager = true;
    });
    let c = s.connect();
    let mask = EventMask::KEY_PRESS
        | EventMask::KEY_RELEASE
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::EXPOSURE
        | EventMask::STRUCTURE_NOTIFY;
    let w = titled(&c, Rect::new(0, 0, 200, 120), 0xEEEEEE, mask, "typed into");
    let url = s.handle.web_url.clone().unwrap();
    let mut page = open(&s, &browser, &url, 1000, 800);
    let r = geometry(&c, w);
    // A click in the window focuses it and reaches it as a button.
    let p = page.at(r.x as f64 + 20.0, r.y as f64 + 20.0);
    page.mouse("mouseMoved", p, Button::None);
    page.mouse("mousePressed", p, Button::Left);
    page.mouse("mouseReleased", p, Button::Left);
    wait_for(
        &c,
        "the click",
        |e| matches!(e, yonder_protocol::Event::ButtonPress(b) if b.button == 1 && (b.x, b.y) == (20, 20)),
    );
    // Keys, by what the layout made of them.
    page.key("a", "KeyA", 65, "a", 0);
    page.key("ß", "Minus", 189, "ß", 0);
    let mut typed = String::new();
    let until = Instant::now() + Duration::from_secs(5);
    while typed != "aß" {
        assert!(Instant::now() < until, "typed {typed:?}");
        if let Some(Incoming::Event {
            event: yonder_protocol::Event::KeyPress(k),
            ..
        }) = c
            .wait_for_event_timeout(Duration::from_millis(200))
            .unwrap()
        {
            typed.push_str(&k.text);
        }
    }
    // The wheel: down is button 5.
    page.wheel(p, 120.0);
    wait_for(
        &c,
        "the wheel",
        |e| matches!(e, yonder_protocol::Event::ButtonPress(b) if b.button == 5),
    );
}

/// Sends a request head to the web port and returns the status line of the answer.
fn status_of(port: u16, head: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0; 1024];
    while !got.windows(2).any(|w| w == b"\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn requests_naming_another_site_are_refused_without_a_browser() {
    let s = TestServer::start_with(web);
    let port = s.handle.web_port.unwrap();
    let upgrade = |host: &str, origin: &str| {
        format!(
            "GET /ws HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        )
    };
    let me = format!("127.0.0.1:{port}");
    // Another site's page (no Sec-Fetch-Site: an old browser, or a script).
    let st = status_of(port, &upgrade(&me, "http://evil.example"));
    assert!(st.starts_with("HTTP/1.1 403"), "{st}");
    // A rebound DNS name: the Host is not this display's.
    let st = status_of(
        port,
        &upgrade(&format!("evil.example:{port}"), "http://evil.example"),
    );
    assert!(st.starts_with("HTTP/1.1 403"), "{st}");
    // This display's own page: the upgrade is answered.
    let st = status_of(port, &upgrade(&me, &format!("http://{me}")));
    assert!(st.starts_with("HTTP/1.1 101"), "{st}");
    let st = status_of(
        port,
        &format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"),
    );
    assert!(st.starts_with("HTTP/1.1 200"), "{st}");
}

/// Key presses `c` receives within `wait`, as text.
fn typed(c: &Connection, wait: Duration) -> String {
    let mut text = String::new();
    let until = Instant::now() + wait;
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        if let Some(Incoming::Event {
            event: yonder_protocol::Event::KeyPress(k),
            ..
        }) = c.wait_for_event_timeout(left).unwrap()
        {
            text.push_str(&k.text);
        }
    }
    text
}

#[test]
fn several_pages_of_different_sizes_share_one_screen_and_a_view_only_one_cannot_type() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let s = TestServer::start_with(web);
    let c = s.connect_trusted();
    let w = window(
        &c,
        Rect::new(10, 10, 300, 200),
        0x88AA44,
        EventMask::KEY_PRESS,
    );
    c.set_input_focus(w);
    c.change_window_attributes(
        c.root(),
        yonder_protocol::request::WindowAttributes {
            event_mask: Some(EventMask::STRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    c.sync().unwrap();
    let drive = s.handle.web_url.clone().unwrap();
    let view = s.handle.web_view_url.clone().unwrap();
    let mut big = open(&s, &browser, &drive, 1100, 900);
    let mut small = open(&s, &browser, &view, 400, 300);
    let mut small2 = open(&s, &browser, &drive, 320, 240);
    for p in [&mut big, &mut small, &mut small2] {
        wait_same(p, &c);
    }
    // Each page scales the one screen to itself; the screen keeps its size.
    let css_width = |p: &mut Page| p.eval("document.getElementById('screen').clientWidth");
    assert_eq!(css_width(&mut big), SCREEN_W);
    assert!(css_width(&mut small).as_u64().unwrap() < 400);
    assert_eq!(small.stat("viewOnly"), true);
    let g = c.get_geometry(c.root()).reply().unwrap();
    assert_eq!((g.rect.width, g.rect.height), (SCREEN_W, SCREEN_H));
    // The view-only page's keys are ignored; the others' arrive in order.
    small.key("x", "KeyX", 88, "x", 0);
    assert_eq!(typed(&c, Duration::from_millis(500)), "");
    big.key("y", "KeyY", 89, "y", 0);
    small2.key("z", "KeyZ", 90, "z", 0);
    assert_eq!(typed(&c, Duration::from_millis(800)), "yz");
    // A view-only page cannot resize the screen; a driving one can, when asked.
    small.eval("document.getElementById('fitscreen').click()");
    assert!(small.eval("document.getElementById('fitscreen').hidden") == true);
    big.eval("document.getElementById('fitscreen').click()");
    let (vw, vh) = {
        let v = big.eval("[document.getElementById('view').clientWidth, document.getElementById('view').clientHeight]");
        (v[0].as_u64().unwrap() as u32, v[1].as_u64().unwrap() as u32)
    };
    wait_for(
        &c,
        "the screen's new size",
        |e| matches!(e, yonder_protocol::Event::ScreenChange(sc) if (sc.width, sc.height) == (vw, vh)),
    );
    small.wait_for(
        &format!("window.yonder.width === {vw} && window.yonder.height === {vh}"),
        Duration::from_secs(10),
    );
}

#[test]
fn a_page_that_stops_reading_does_not_grow_the_server() {
    use tungstenite::Message;
    let s = TestServer::start_with(web);
    let port = s.handle.web_port.unwrap();
    let url = s.handle.web_url.clone().unwrap();
    let cookie = url.split_once("#cookie=").unwrap().1.to_owned();
    // A viewer that presents its credential and then never reads nor acknowledges.
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = tungstenite::client::IntoClientRequest::into_client_request(format!(
        "ws://127.0.0.1:{port}/ws"
    ))
    .unwrap();
    req.headers_mut().insert(
        "Origin",
        format!("http://127.0.0.1:{port}").parse().unwrap(),
    );
    let (mut stuck, _) = tungstenite::client(req, stream).unwrap();
    stuck
        .send(Message::text(format!(
            r#"{{"t":"hello","cookie":"{cookie}"}}"#
        )))
        .unwrap();
    // The whole screen changes, again and again: each frame would be ~1 MB of pixels.
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, SCREEN_W, SCREEN_H), 0, EventMask::EMPTY);
    let g = gc(&c, w, 0);
    let paint = |rounds: u32| {
        for i in 0..rounds {
            let noise: Vec<u8> = (0..SCREEN_W * 40 * 4)
                .map(|j| (j.wrapping_mul(2654435761).wrapping_add(i * 77) >> 7) as u8)
                .collect();
            for band in 0..SCREEN_H / 40 {
                c.put_image(
                    w,
                    g,
                    yonder_protocol::Point::new(0, (band * 40) as i32),
                    SCREEN_W,
                    40,
                    yonder_protocol::request::ImageFormat::Bgrx,
                    noise.clone(),
                );
            }
            c.sync().unwrap();
        }
    };
    let rss = || {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        statm
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse::<u64>()
            .unwrap()
            * 4096
    };
    paint(20);
    let before = rss();
    paint(200);
    let grown = rss().saturating_sub(before);
    assert!(
        grown < 24 << 20,
        "the server grew by {} MiB while a viewer did not read",
        grown >> 20
    );
    // What the page was sent meanwhile: the welcome and at most two frames, never a
    // frame per change (it acknowledged none).
    stuck
        .get_mut()
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut frames_sent = 0;
    while let Ok(m) = stuck.read() {
        if let Message::Binary(b) = m {
            assert_eq!(b[0], 1, "a frame");
            frames_sent += 1;
        }
    }
    assert!(
        (1..=2).contains(&frames_sent),
        "{frames_sent} frames to a page that acknowledged none"
    );
    // The display still answers, and another viewer still gets frames.
    let (mut fresh, _) = {
        let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let mut req = tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://127.0.0.1:{port}/ws"
        ))
        .unwrap();
        req.headers_mut().insert(
            "Origin",
            format!("http://127.0.0.1:{port}").parse().unwrap(),
        );
        tungstenite::client(req, stream).unwrap()
    };
    fresh
        .send(Message::text(format!(
            r#"{{"t":"hello","cookie":"{cookie}"}}"#
        )))
        .unwrap();
    let mut frames = 0;
    while frames == 0 {
        if let Message::Binary(b) = fresh.read().unwrap() {
            assert_eq!(b[0], 1, "a frame");
            frames += 1;
        }
    }
    eprintln!("grew {} KiB over 200 full-screen changes", grown >> 10);
}

#[test]
fn https_with_a_certificate_the_user_gives() {
    // A certificate and key as the user would bring them (here: made like a display's).
    let certs = tempfile::tempdir().unwrap();
    yonder_server::net::tls::Identity::load_or_create(certs.path(), 9).unwrap();
    let cert = yonder_server::net::tls::cert_path(certs.path(), 9);
    let key = yonder_server::net::tls::key_path(certs.path(), 9);
    let Some(browser) = Browser::launch_with(&["--ignore-certificate-errors"]) else {
        return;
    };
    let s = TestServer::start_with(|c| {
        web(c);
        c.web.cert = Some((cert, key));
    });
    let url = s.handle.web_url.clone().unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let c = s.connect_trusted();
    let w = window(
        &c,
        Rect::new(30, 30, 100, 80),
        0xCC3366,
        EventMask::EXPOSURE,
    );
    let _ = w;
    c.sync().unwrap();
    let mut page = open(&s, &browser, &url, 1000, 800);
    assert_eq!(page.eval("location.protocol"), "https:");
    wait_same(&mut page, &c);
    // Plain HTTP on that port gets no page.
    let port = s.handle.web_port.unwrap();
    let st = status_of(
        port,
        &format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    );
    assert!(!st.starts_with("HTTP/1.1 200"), "{st}");

    // Beyond loopback without a certificate given: HTTPS with the display's own.
    let s = TestServer::start_with(|c| {
        web(c);
        c.web.addr = [0, 0, 0, 0].into();
    });
    let url = s.handle.web_url.clone().unwrap();
    assert!(url.starts_with("https://"), "{url}");
    let port = s.handle.web_port.unwrap();
    let credential = url.split_once('#').unwrap().1;
    let c = s.connect_trusted();
    let local = format!("https://127.0.0.1:{port}/#{credential}");
    let mut page = open(&s, &browser, &local, 800, 600);
    assert_eq!(page.stat("connected"), true);
    wait_same(&mut page, &c);
}

#[test]
fn the_pointer_shape_follows_the_window_and_a_touch_is_a_click() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let s = TestServer::start_with(web);
    let c = s.connect();
    let w = c.new_window_id();
    c.create_window(
        w,
        c.root(),
        Rect::new(50, 50, 200, 100),
        yonder_protocol::request::WindowAttributes {
            background: Some(yonder_protocol::Color::rgb(0xFFFFFF)),
            event_mask: Some(EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE),
            cursor: Some(yonder_protocol::request::Cursor::Text),
            ..Default::default()
        },
    );
    c.map_window(w);
    c.sync().unwrap();
    let url = s.handle.web_url.clone().unwrap();
    let mut page = open(&s, &browser, &url, 1000, 800);
    let cursor = "document.getElementById('screen').style.cursor";
    let outside = page.at(10.0, 10.0);
    page.mouse("mouseMoved", outside, Button::None);
    page.wait_for(&format!("{cursor} === 'default'"), Duration::from_secs(5));
    let inside = page.at(100.0, 80.0);
    page.mouse("mouseMoved", inside, Button::None);
    page.wait_for(&format!("{cursor} === 'text'"), Duration::from_secs(5));
    // A finger's tap is button 1 where it touched.
    let tap = page.at(60.0, 70.0);
    page.touch("touchStart", tap);
    page.touch("touchEnd", tap);
    wait_for(
        &c,
        "the tap",
        |e| matches!(e, yonder_protocol::Event::ButtonPress(b) if b.button == 1 && (b.x, b.y) == (10, 20)),
    );
}
