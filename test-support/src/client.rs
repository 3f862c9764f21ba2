//! What a test client does with a real server: creates windows and GCs, reads pixels back
//! (GetImage, as 0xRRGGBB values) and waits, bounded, for events.

use crate::server::{SCREEN_H, SCREEN_W};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{Color, Event, EventMask, GcId, Rect, WindowId};

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
    /// The pixel at (x, y) in the coordinates of the drawable read.
    pub fn at(&self, x: i32, y: i32) -> u32 {
        let (lx, ly) = ((x - self.rect.x) as usize, (y - self.rect.y) as usize);
        self.data[ly * self.rect.width as usize + lx]
    }

    /// How many pixels have this color.
    pub fn count(&self, rgb: u32) -> usize {
        self.data.iter().filter(|p| **p == rgb).count()
    }

    /// How many pixels of `r` (in drawable coordinates) satisfy `pred`.
    pub fn count_in(&self, r: Rect, pred: impl Fn(u32) -> bool) -> usize {
        let mut n = 0;
        for y in r.y..r.y + r.height as i32 {
            for x in r.x..r.x + r.width as i32 {
                n += pred(self.at(x, y)) as usize;
            }
        }
        n
    }

    /// Every pixel of `r` (in drawable coordinates) that is not `rgb`, as (x, y, value).
    pub fn not(&self, r: Rect, rgb: u32) -> Vec<(i32, i32, u32)> {
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

/// Reads the whole screen of a [`crate::server::TestServer`] of the default size.
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
