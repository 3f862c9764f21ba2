//! One top-level X window and the Yonder window that shows it: created with the X
//! window's size, title and kind (override-redirect windows — menus, tooltips — stay
//! override-redirect, at their exact place on the screen), its damaged areas copied out
//! of the X server and put into the Yonder window, coalesced until the bridge's next turn.

use x11rb::protocol::damage::Damage;
use x11rb::protocol::xproto::{self, ConnectionExt as _, ImageFormat as XImageFormat};
use x11rb::rust_connection::RustConnection;
use yonder::prelude::*;
use yonder_protocol::request::{ImageFormat, PropMode, WindowAttributes};
use yonder_protocol::{atoms, EventMask, Point, Rect, WindowId};

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
        | EventMask::FOCUS_CHANGE.0,
);

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
    /// Geometries the bridge asked the X server for because the display moved or resized
    /// the Yonder window, oldest first: the X server's notes of them are not sent back
    /// (during a drag, an older one would undo the newer).
    pub asked: std::collections::VecDeque<Rect>,
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
            rect,
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
            asked: Default::default(),
        }
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

    /// Copies what changed out of X window `xw` into the Yonder window, with `gc`.
    pub fn copy(&mut self, x: &RustConnection, xw: xproto::Window, conn: &Connection, gc: GcId) {
        let Some(r) = self.dirty.take() else {
            return;
        };
        let clamp = |v: i32| v.clamp(0, i16::MAX as i32) as i16;
        let size = |v: u32| v.min(u16::MAX as u32) as u16;
        let reply = x
            .get_image(
                XImageFormat::Z_PIXMAP,
                xw,
                clamp(r.x),
                clamp(r.y),
                size(r.width),
                size(r.height),
                !0,
            )
            .ok()
            .and_then(|c| c.reply().ok());
        let Some(image) = reply else {
            return;
        };
        // Depth 24 in 32 bits per pixel, least significant byte first: B, G, R, unused.
        if image.data.len() != r.width as usize * r.height as usize * 4 {
            return;
        }
        conn.put_image(
            self.window,
            gc,
            Point::new(r.x, r.y),
            r.width,
            r.height,
            ImageFormat::Bgrx,
            image.data,
        );
    }
}
