//! Helpers for the window-manager tests: titled top-level windows, clicks and drags with
//! FakeInput, and where the parts of a frame are.

use crate::client::read;
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::{FakeKind, PropMode, WindowAttributes};
use yonder_protocol::{atoms, Color, EventMask, Rect, WindowId};
use yonder_server::wm::{BORDER, TITLE_HEIGHT};

/// The root window's color.
pub const ROOT_BG: u32 = 0x2e3440;

/// Creates and maps a top-level window titled `title` (via `_NET_WM_NAME`).
pub fn titled(conn: &Connection, rect: Rect, bg: u32, mask: EventMask, title: &str) -> WindowId {
    let w = conn.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(bg)),
        event_mask: Some(mask),
        ..Default::default()
    };
    conn.create_window(w, conn.root(), rect, attrs);
    conn.change_property(
        w,
        atoms::NET_WM_NAME,
        atoms::UTF8_STRING,
        PropMode::Replace,
        title.as_bytes().to_vec(),
    );
    conn.map_window(w);
    conn.sync().unwrap();
    w
}

/// Says the window understands WM_DELETE_WINDOW.
pub fn supports_delete(conn: &Connection, w: WindowId) {
    conn.change_property(
        w,
        atoms::WM_PROTOCOLS,
        atoms::ATOM,
        PropMode::Replace,
        atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
    );
    conn.sync().unwrap();
}

/// Presses button 1 at (x, y), moves to (to_x, to_y), releases.
pub fn drag(conn: &Connection, x: i32, y: i32, to_x: i32, to_y: i32) {
    conn.fake_input(FakeKind::Motion, 0, x, y);
    conn.fake_input(FakeKind::ButtonPress, 1, 0, 0);
    conn.fake_input(FakeKind::Motion, 0, to_x, to_y);
    conn.fake_input(FakeKind::ButtonRelease, 1, 0, 0);
    conn.sync().unwrap();
}

/// Presses and releases button 1 at (x, y).
pub fn click(conn: &Connection, x: i32, y: i32) {
    drag(conn, x, y, x, y);
}

/// The middle of the close button of the window at `r`.
pub fn close_button(r: Rect) -> (i32, i32) {
    (
        r.x + r.width as i32 + BORDER as i32 - 12,
        r.y - TITLE_HEIGHT as i32 / 2,
    )
}

/// Pixels of `area` of the screen that are not `rgb`.
pub fn ink(conn: &Connection, area: Rect, rgb: u32) -> usize {
    let px = read(conn, conn.root(), area);
    px.data.len() - px.count(rgb)
}

/// The window's geometry as GetGeometry reports it.
pub fn geometry(conn: &Connection, w: WindowId) -> Rect {
    conn.get_geometry(w).reply().unwrap().rect
}
