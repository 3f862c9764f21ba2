//! [`WindowExt`]: window requests (create, attributes, destroy, map, unmap, configure,
//! reparent, geometry and tree).

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::{Cookie, VoidCookie};
use yonder_protocol::reply::{GeometryReply, QueryTreeReply, WindowAttributesReply};
use yonder_protocol::request::{
    ChangeWindowAttributes, ConfigureWindow, CreateWindow, DestroyWindow, GetGeometry,
    GetWindowAttributes, MapWindow, QueryTree, ReparentWindow, UnmapWindow, WindowAttributes,
};
use yonder_protocol::{Drawable, Rect, WindowId};

/// Window requests: create, attributes, destroy, map, unmap, configure, reparent,
/// geometry and tree.
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait WindowExt: Sealed {
    /// Creates an unmapped window `id` (from [`Connection::new_window_id`]) as the topmost
    /// child of `parent`, at `rect` relative to the parent.
    fn create_window(
        &self,
        id: WindowId,
        parent: WindowId,
        rect: Rect,
        attributes: WindowAttributes,
    ) -> VoidCookie<'_> {
        self.conn().void_request(CreateWindow {
            id,
            parent,
            rect,
            attributes,
        })
    }

    /// Changes the window attributes that are `Some` (the event mask is this client's).
    fn change_window_attributes(
        &self,
        window: WindowId,
        attributes: WindowAttributes,
    ) -> VoidCookie<'_> {
        self.conn()
            .void_request(ChangeWindowAttributes { window, attributes })
    }

    /// Asks for a window's attributes.
    fn get_window_attributes(&self, window: WindowId) -> Cookie<'_, WindowAttributesReply> {
        self.conn().reply_request(GetWindowAttributes { window })
    }

    /// Destroys a window and its descendants.
    fn destroy_window(&self, window: WindowId) -> VoidCookie<'_> {
        self.conn().void_request(DestroyWindow { window })
    }

    /// Maps a window.
    fn map_window(&self, window: WindowId) -> VoidCookie<'_> {
        self.conn().void_request(MapWindow { window })
    }

    /// Unmaps a window.
    fn unmap_window(&self, window: WindowId) -> VoidCookie<'_> {
        self.conn().void_request(UnmapWindow { window })
    }

    /// Moves, resizes and/or restacks `values.window` (fields left `None` are unchanged).
    fn configure_window(&self, values: ConfigureWindow) -> VoidCookie<'_> {
        self.conn().void_request(values)
    }

    /// Moves `window` under `parent`, at (x, y) relative to it.
    fn reparent_window(
        &self,
        window: WindowId,
        parent: WindowId,
        x: i32,
        y: i32,
    ) -> VoidCookie<'_> {
        self.conn().void_request(ReparentWindow {
            window,
            parent,
            x,
            y,
        })
    }

    /// Asks for a window's or pixmap's geometry.
    fn get_geometry(&self, drawable: impl Into<Drawable>) -> Cookie<'_, GeometryReply> {
        self.conn().reply_request(GetGeometry {
            drawable: drawable.into(),
        })
    }

    /// Asks for a window's root, parent and children.
    fn query_tree(&self, window: WindowId) -> Cookie<'_, QueryTreeReply> {
        self.conn().reply_request(QueryTree { window })
    }
}

impl WindowExt for Connection {}
