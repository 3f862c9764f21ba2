//! Test harness: a real server (headless) on a temporary socket, and real clients.
#![allow(dead_code)]

pub mod wm;

use std::time::{Duration, Instant};
use tempfile::TempDir;
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection, Incoming};
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{Color, Event, EventMask, GcId, Rect, WindowId};
use yonder_server::screen::Headless;
use yonder_server::{ServerConfig, ServerHandle};

pub const SCREEN_W: u32 = 320;
pub const SCREEN_H: u32 = 240;

/// A server running in this process, on a socket in a temporary directory.
pub struct TestServer {
    pub handle: ServerHandle,
    pub dir: TempDir,
}

impl TestServer {
    /// A server with a bare screen: no window manager, so windows are exactly where their
    /// clients put them (what most tests assume).
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// A server whose built-in window manager frames, places and focuses top-levels.
    pub fn start_managed() -> TestServer {
        TestServer::start_with(|c| c.window_manager = true)
    }

    pub fn start_with(f: impl FnOnce(&mut ServerConfig)) -> TestServer {
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
        let screen = Box::new(Headless::new(config.screen_width, config.screen_height));
        let handle = yonder_server::start(config, screen).expect("server starts");
        TestServer { handle, dir }
    }

    /// An ordinary (untrusted, isolated) client's options.
    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            display: Some(self.handle.unix_display()),
            cookie: Some(self.handle.cookie.to_vec()),
            app_name: Some("test".into()),
            ..ConnectOptions::default()
        }
    }

    /// A trusted client's options: the display's trusted cookie, so that the test can
    /// read the whole screen and other clients' windows (protocol.md §19).
    pub fn trusted_options(&self) -> ConnectOptions {
        ConnectOptions {
            cookie: Some(self.handle.trusted_cookie.to_vec()),
            app_name: Some("trusted-test".into()),
            ..self.options()
        }
    }

    /// An ordinary client, isolated from the others.
    pub fn connect(&self) -> Connection {
        Connection::connect_with(self.options()).expect("connect")
    }

    /// A trusted client: it may read the screen and select input anywhere.
    pub fn connect_trusted(&self) -> Connection {
        Connection::connect_with(self.trusted_options()).expect("connect trusted")
    }
}

/// Creates and maps a top-level window with the given background and event mask, and
/// waits until it is on the screen.
pub fn window(conn: &Connection, rect: Rect, bg: u32, mask: EventMask) -> WindowId {
    let w = conn.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(bg)),
        event_mask: Some(mask),
        override_redirect: None,
        cursor: None,
    };
    conn.create_window(w, conn.root(), rect, attrs);
    conn.map_window(w);
    conn.sync().unwrap();
    w
}

/// A GC drawing with `fg`.
pub fn gc(conn: &Connection, w: WindowId, fg: u32) -> GcId {
    let g = conn.new_gc_id();
    conn.create_gc(
        g,
        w,
        GcValues {
            foreground: Some(Color::rgb(fg)),
            ..Default::default()
        },
    );
    g
}

/// The pixels of an area, as 0xRRGGBB values, row-major.
pub struct Pixels {
    pub rect: Rect,
    pub data: Vec<u32>,
}

impl Pixels {
    /// The pixel at (x, y) relative to the drawable read.
    pub fn at(&self, x: i32, y: i32) -> u32 {
        let (lx, ly) = ((x - self.rect.x) as usize, (y - self.rect.y) as usize);
        self.data[ly * self.rect.width as usize + lx]
    }
    /// How many pixels have this color.
    pub fn count(&self, rgb: u32) -> usize {
        self.data.iter().filter(|p| **p == rgb).count()
    }
}

/// Reads pixels back with GetImage (Bgrx).
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

/// Reads the whole screen.
pub fn screen(conn: &Connection) -> Pixels {
    read(conn, conn.root(), Rect::new(0, 0, SCREEN_W, SCREEN_H))
}

/// Waits (at most 5 s) for an event matching `pred`, returning it; other events are skipped.
pub fn wait_for(conn: &Connection, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Event {
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}");
        if let Some(Incoming::Event { event, .. }) =
            conn.wait_for_event_timeout(left).expect("connection alive")
        {
            if pred(&event) {
                return event;
            }
        }
    }
}

/// Every event (and error) that arrives within a short while.
pub fn drain(conn: &Connection) -> Vec<Incoming> {
    conn.sync().unwrap();
    let mut out = Vec::new();
    while let Some(i) = conn.poll_for_event().unwrap() {
        out.push(i);
    }
    out
}

/// Just the events of [`drain`].
pub fn drain_events(conn: &Connection) -> Vec<Event> {
    drain(conn)
        .into_iter()
        .filter_map(|i| i.into_event())
        .collect()
}
