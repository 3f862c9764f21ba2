//! One top-level X window and the Yonder window that shows it: created with the X
//! window's size, title and kind (override-redirect windows — menus, tooltips — stay
//! override-redirect, at their exact place on the screen), its damaged areas copied out
//! of the X server and put into the Yonder window, coalesced until the bridge's next turn.

use crate::grab::Grabber;
use crate::shadow::Shadow;
use x11rb::protocol::damage::Damage;
use x11rb::protocol::xproto;
use x11rb::rust_connection::RustConnection;
use yonder::prelude::*;
use yonder_protocol::request::{ImageFormat, PropMode, WindowAttributes};
use yonder_protocol::{atoms, EventMask, Point, Rect, Size, WindowId};

/// The Yonder events a mirror takes: what the user does in it, what the display's window
/// manager does to it, and what the display needs drawn again.
pub const EVENTS: EventMask = EventMask(
    EventMask::KEY_PRESS.0
        | EventMask::KEY_RELEASE.0
        | EventMask::BUTTON_PRESS.0
        | EventMask::BUTTON_RELEASE.0
        | EventMask::POINTER_MOTION.0
        | EventMask::STRUCTURE_NOTIFY.0
        | EventMask::EXPOSURE.0
        | EventMask::FOCUS_CHANGE.0
        | EventMask::DND.0,
);

/// The most bytes of pixels one GetImage asks the X server for.
pub const BAND_BYTES: usize = 4 << 20;

/// The least time between two copies of a window (60 a second): what a program draws
/// in a burst (xterm scrolling a command's output) travels as one frame, while a change
/// after a still moment (a key's echo) goes at once.
pub const FRAME: std::time::Duration = std::time::Duration::from_millis(16);

/// What a window's copies took out of the X server and sent to the display (raw pixel
/// bytes, before the library's compression).
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Traffic {
    pub grabbed: u64,
    pub scrolls: u64,
    pub puts: u64,
    pub put: u64,
}

impl std::ops::Add for Traffic {
    type Output = Traffic;
    fn add(self, o: Traffic) -> Traffic {
        Traffic {
            grabbed: self.grabbed + o.grabbed,
            scrolls: self.scrolls + o.scrolls,
            puts: self.puts + o.puts,
            put: self.put + o.put,
        }
    }
}

/// A top-level X window shown on the Yonder display.
pub struct Mirror {
    /// The X client it belongs to (its resource-id base): its app.
    pub app: u32,
    /// Its Yonder window.
    pub window: WindowId,
    /// The X server's damage object on it.
    pub damage: Damage,
    /// Where the X window is (root coordinates) and its size.
    pub rect: Rect,
    /// What changed since the last copy (window coordinates).
    pub dirty: Option<Rect>,
    /// What the Yonder window shows: only what differs from it travels.
    pub shadow: Shadow,
    /// What its copies took and sent.
    pub traffic: Traffic,
    /// When it was last copied.
    pub copied: Option<std::time::Instant>,
    /// Geometries the bridge asked the X server for because the display moved or resized
    /// the Yonder window, oldest first: the X server's notes of them are not sent back
    /// (during a drag, an older one would undo the newer).
    pub asked: std::collections::VecDeque<Rect>,
    /// Geometries the bridge gave the Yonder window because the X window moved, oldest
    /// first: the display's Configure events for them are not played back to X.
    pub told: std::collections::VecDeque<Rect>,
}

impl Mirror {
    /// Makes the Yonder window for an X window at `rect` (not mapped yet).
    pub fn create(
        conn: &Connection,
        app: u32,
        damage: Damage,
        rect: Rect,
        override_redirect: bool,
        title: &str,
    ) -> Mirror {
        let window = conn.new_window_id();
        conn.create_window(
            window,
            conn.root(),
            drawable(conn, rect),
            WindowAttributes {
                event_mask: Some(EVENTS),
                override_redirect: Some(override_redirect),
                ..Default::default()
            },
        );
        conn.set_title(window, title);
        conn.change_property(
            window,
            atoms::WM_PROTOCOLS,
            atoms::ATOM,
            PropMode::Replace,
            atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
        );
        Mirror {
            app,
            window,
            damage,
            rect,
            dirty: Some(Rect::new(0, 0, rect.width, rect.height)),
            shadow: Shadow::default(),
            traffic: Traffic::default(),
            copied: None,
            asked: Default::default(),
            told: Default::default(),
        }
    }

    /// Everything is to be copied and sent whole: the display lost the window's pixels
    /// (it came back, it is another one, it exposed the window) or the window's size
    /// changed.
    pub fn redraw_all(&mut self) {
        self.dirty = Some(Rect::new(0, 0, self.rect.width, self.rect.height));
        self.shadow.forget();
    }

    /// When its damage is to be copied: [`FRAME`] after the last copy, or `now` if it was
    /// never copied (none: nothing to copy).
    pub fn due(&self, now: std::time::Instant) -> Option<std::time::Instant> {
        self.dirty?;
        Some(self.copied.map_or(now, |t| t + FRAME))
    }

    /// Adds `area` (window coordinates) to what is to be copied.
    pub fn damaged(&mut self, area: Rect) {
        let whole = Rect::new(0, 0, self.rect.width, self.rect.height);
        let Some(area) = area.intersect(&whole) else {
            return;
        };
        self.dirty = Some(match self.dirty {
            Some(d) => d.union(&area),
            None => area,
        });
    }

    /// Copies what changed out of X window `xw` into the Yonder window, with `gc`: only
    /// what is on the X server's screen of `screen` (a window larger than the screen is
    /// not copied whole), in bands of at most [`BAND_BYTES`], so that no program's window
    /// costs the bridge more memory than that at a time.
    pub fn copy(
        &mut self,
        (x, grab): (&RustConnection, &mut Grabber),
        xw: xproto::Window,
        conn: &Connection,
        gc: GcId,
        screen: Size,
    ) {
        let Some(dirty) = self.dirty.take() else {
            return;
        };
        self.copied = Some(std::time::Instant::now());
        // The screen, in the window's coordinates.
        let on_screen = Rect::new(-self.rect.x, -self.rect.y, screen.width, screen.height);
        let Some(r) = dirty.intersect(&on_screen) else {
            return;
        };
        let rows = (BAND_BYTES / (r.width as usize * 4)).max(1) as u32;
        let mut y = r.y;
        while y < r.y.saturating_add_unsigned(r.height) {
            let h = rows.min((r.y.saturating_add_unsigned(r.height) - y) as u32);
            self.copy_band((x, grab), xw, conn, gc, Rect::new(r.x, y, r.width, h));
            y = y.saturating_add_unsigned(h);
        }
    }

    /// Copies `r` (window coordinates, within the window) out of the X server, and puts
    /// what differs from what the Yonder window shows (a scroll as a copy of the window
    /// onto itself, then the changed rows).
    fn copy_band(
        &mut self,
        (x, grab): (&RustConnection, &mut Grabber),
        xw: xproto::Window,
        conn: &Connection,
        gc: GcId,
        r: Rect,
    ) {
        let Some(image) = grab.grab(x, xw, r) else {
            return;
        };
        let size = Size::new(self.rect.width, self.rect.height);
        let plan = self.shadow.update(size, r, &image);
        self.traffic.grabbed += image.len() as u64;
        if let Some((src, dst)) = plan.scroll {
            conn.copy_area(self.window, self.window, gc, src, dst);
            self.traffic.scrolls += 1;
        }
        for put in plan.puts {
            self.traffic.puts += 1;
            self.traffic.put += put.width as u64 * put.height as u64 * 4;
            let cropped;
            let pixels: &[u8] = if put == r {
                &image
            } else {
                cropped = crate::shadow::crop(r, &image, put);
                &cropped
            };
            conn.put_image(
                self.window,
                gc,
                Point::new(put.x, put.y),
                put.width,
                put.height,
                ImageFormat::Bgrx,
                pixels,
            );
        }
    }
}

/// `rect` with each side within what the display lets a drawable have (a larger X window
/// shows its top-left part).
pub fn drawable(conn: &Connection, rect: Rect) -> Rect {
    let max = conn
        .setup()
        .map_or(16384, |s| s.limits.max_drawable_side)
        .max(1);
    Rect::new(
        rect.x,
        rect.y,
        rect.width.clamp(1, max),
        rect.height.clamp(1, max),
    )
}

/// Notes `r` in `queue` (at most 64 kept: the oldest go, if the other side dropped some).
pub fn remember(queue: &mut std::collections::VecDeque<Rect>, r: Rect) {
    queue.push_back(r);
    if queue.len() > 64 {
        queue.pop_front();
    }
}

/// Whether `r` is in `queue`; if so, it and everything before it is forgotten.
pub fn recall(queue: &mut std::collections::VecDeque<Rect>, r: Rect) -> bool {
    match queue.iter().position(|q| *q == r) {
        Some(i) => {
            queue.drain(..=i);
            true
        }
        None => false,
    }
}
