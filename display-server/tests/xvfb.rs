//! The windowed screen under Xvfb: the app's pixels appear in the host window; xdotool's
//! clicks, motion, wheel and keys reach the app with window-relative coordinates and the
//! right keysyms; resizing the host window resizes the root; closing it stops the server.

use std::path::Path;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::request::WindowAttributes;
use yonder_protocol::{Color, Event, EventMask, Rect, WindowId};
use yonder_test_support::xvfb::{self, Host};

/// Xvfb with this package's `yonder-server --window` of `w`×`h` on it, or None (skip).
fn host(w: u32, h: u32) -> Option<Host> {
    xvfb::host(Path::new(env!("CARGO_BIN_EXE_yonder-server")), w, h)
}

fn window(c: &Connection, rect: Rect, rgb: u32, mask: EventMask) -> WindowId {
    let w = c.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(rgb)),
        event_mask: Some(mask),
        override_redirect: Some(true),
        cursor: None,
    };
    c.create_window(w, c.root(), rect, attrs);
    c.map_window(w);
    c.sync().unwrap();
    w
}

fn next_event(c: &Connection, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Event {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}");
        if let Some(Incoming::Event { event, .. }) = c.wait_for_event_timeout(left).unwrap() {
            if pred(&event) {
                return event;
            }
        }
    }
}

#[test]
fn app_pixels_show_in_the_host_window() {
    let Some(h) = host(640, 480) else { return };
    let c = h.connect();
    window(&c, Rect::new(50, 60, 100, 80), 0xFF0000, EventMask::EMPTY);
    h.wait_pixel(60, 70, [255, 0, 0]);
    h.wait_pixel(149, 139, [255, 0, 0]);
    let img = h.shot();
    assert_eq!(img.dimensions(), (640, 480));
    assert_eq!(
        img.get_pixel(150, 140).0,
        [0x2e, 0x34, 0x40],
        "root color outside the window"
    );
}

#[test]
fn xdotool_input_reaches_the_app() {
    let Some(h) = host(640, 480) else { return };
    let c = h.connect();
    let mask = EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::POINTER_MOTION
        | EventMask::KEY_PRESS
        | EventMask::ENTER_WINDOW
        | EventMask::SCROLL;
    let w = window(&c, Rect::new(100, 100, 200, 150), 0x00FF00, mask);
    h.wait_pixel(110, 110, [0, 255, 0]);
    h.xdo(&["windowfocus", "--sync", &h.wid]);
    h.xdo(&["mousemove", "--window", &h.wid, "130", "140"]);
    let e = next_event(&c, "enter", |e| matches!(e, Event::Enter(_)));
    assert!(matches!(&e, Event::Enter(x) if x.window == w));
    next_event(
        &c,
        "motion at (30, 40)",
        |e| matches!(e, Event::Motion(m) if (m.x, m.y) == (30, 40) && (m.root_x, m.root_y) == (130, 140)),
    );
    h.xdo(&["click", "3"]);
    let e = next_event(&c, "button 3 press", |e| matches!(e, Event::ButtonPress(_)));
    assert!(
        matches!(&e, Event::ButtonPress(b) if b.button == 3 && (b.x, b.y) == (30, 40) && b.window == w),
        "{e:?}"
    );
    next_event(
        &c,
        "button 3 release",
        |e| matches!(e, Event::ButtonRelease(b) if b.button == 3),
    );
    h.xdo(&["click", "4"]);
    let e = next_event(&c, "wheel up as button 4", |e| {
        matches!(e, Event::ButtonPress(_) | Event::Scroll(_))
    });
    match e {
        Event::Scroll(s) => {
            assert!(s.delta_y > 0.0, "{s:?}");
            next_event(
                &c,
                "button 4",
                |e| matches!(e, Event::ButtonPress(b) if b.button == 4),
            );
        }
        Event::ButtonPress(b) => assert_eq!(b.button, 4),
        _ => unreachable!(),
    }
    h.xdo(&["key", "a"]);
    let e = next_event(&c, "key a", |e| matches!(e, Event::KeyPress(_)));
    assert!(
        matches!(&e, Event::KeyPress(k) if k.keysym == 'a' as u32 && k.text == "a" && (k.x, k.y) == (30, 40)),
        "{e:?}"
    );
    h.xdo(&["key", "shift+b", "Return"]);
    let e = next_event(
        &c,
        "key B",
        |e| matches!(e, Event::KeyPress(k) if k.keysym != yonder_protocol::keysym::SHIFT_L),
    );
    assert!(
        matches!(&e, Event::KeyPress(k) if k.keysym == 'B' as u32 && k.text == "B" && k.modifiers.contains(yonder_protocol::ModMask::SHIFT)),
        "{e:?}"
    );
    let e = next_event(
        &c,
        "Return",
        |e| matches!(e, Event::KeyPress(k) if k.keysym != yonder_protocol::keysym::SHIFT_L),
    );
    assert!(
        matches!(&e, Event::KeyPress(k) if k.keysym == yonder_protocol::keysym::RETURN),
        "{e:?}"
    );
}

#[test]
fn resizing_the_host_window_resizes_the_root() {
    let Some(h) = host(640, 480) else { return };
    let c = h.connect();
    c.change_window_attributes(
        c.root(),
        WindowAttributes {
            event_mask: Some(EventMask::STRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    c.sync().unwrap();
    assert_eq!(c.screen().unwrap().width, 640);
    h.xdo(&["windowsize", &h.wid, "800", "600"]);
    let e = next_event(&c, "root configure", |e| matches!(e, Event::Configure(_)));
    assert!(
        matches!(&e, Event::Configure(x) if x.window == c.root() && x.rect == Rect::new(0, 0, 800, 600)),
        "{e:?}"
    );
    let e = next_event(&c, "screen change", |e| matches!(e, Event::ScreenChange(_)));
    assert!(
        matches!(&e, Event::ScreenChange(s) if (s.width, s.height) == (800, 600) && s.scale_factor > 0.0)
    );
    assert_eq!(
        c.get_geometry(c.root()).reply().unwrap().rect,
        Rect::new(0, 0, 800, 600)
    );
    h.wait_pixel(799, 599, [0x2e, 0x34, 0x40]);
}

#[test]
fn closing_the_host_window_disconnects_clients_cleanly() {
    let Some(mut h) = host(320, 240) else { return };
    let c = h.connect();
    c.sync().unwrap();
    h.xdo(&["windowclose", &h.wid]);
    let status = (0..100)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(100));
            h.server.0.try_wait().unwrap()
        })
        .expect("server exits when its window is closed");
    assert!(status.success(), "{status:?}");
    assert!(c.sync().is_err(), "the client sees its connection end");
    assert!(!h.socket.exists(), "the socket is removed");
}

#[test]
fn title_bar_drag_and_close_button_with_xdotool() {
    let Some(h) = host(640, 480) else { return };
    let c = h.connect();
    let w = c.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(0x0000FF)),
        event_mask: Some(EventMask::STRUCTURE_NOTIFY),
        override_redirect: None,
        cursor: None,
    };
    c.create_window(w, c.root(), Rect::new(100, 100, 200, 150), attrs);
    c.set_title(w, "drag me");
    let protocols = yonder_protocol::atoms::WM_DELETE_WINDOW
        .0
        .to_le_bytes()
        .to_vec();
    let (wm_protocols, atom) = (
        yonder_protocol::atoms::WM_PROTOCOLS,
        yonder_protocol::atoms::ATOM,
    );
    c.change_property(
        w,
        wm_protocols,
        atom,
        yonder_protocol::request::PropMode::Replace,
        protocols,
    );
    c.map_window(w);
    c.sync().unwrap();
    h.wait_pixel(150, 150, [0, 0, 255]);
    // The title bar is the 24 pixels above the window; drag it by (+100, +50).
    h.xdo(&["mousemove", "--window", &h.wid, "150", "88"]);
    h.xdo(&["mousedown", "1"]);
    h.xdo(&["mousemove", "--window", &h.wid, "200", "113"]);
    h.xdo(&["mousemove", "--window", &h.wid, "250", "138"]);
    h.xdo(&["mouseup", "1"]);
    next_event(
        &c,
        "configure at the new place",
        |e| matches!(e, Event::Configure(x) if x.window == w && (x.rect.x, x.rect.y) == (200, 150)),
    );
    assert_eq!(
        c.get_geometry(w).reply().unwrap().rect,
        Rect::new(200, 150, 200, 150)
    );
    h.wait_pixel(250, 200, [0, 0, 255]);
    // The close button is the right end of the title bar: the app is asked politely.
    h.xdo(&["mousemove", "--window", &h.wid, "392", "138"]);
    h.xdo(&["click", "1"]);
    let e = next_event(&c, "close request", |e| {
        matches!(e, Event::ClientMessage(_))
    });
    match e {
        Event::ClientMessage(m) => {
            assert_eq!((m.window, m.type_), (w, wm_protocols));
            assert_eq!(
                m.data,
                yonder_protocol::atoms::WM_DELETE_WINDOW.0.to_le_bytes()
            );
        }
        _ => unreachable!(),
    }
}
