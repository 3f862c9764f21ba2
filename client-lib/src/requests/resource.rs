//! [`ResourceExt`]: pixmap and graphics-context requests.

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::VoidCookie;
use yonder_protocol::request::{
    ChangeGc, CreateGc, CreatePixmap, FreeGc, FreePixmap, GcValues, SetClipRectangles,
};
use yonder_protocol::{Drawable, GcId, PixmapId, Point, Rect};

/// Pixmap and graphics-context requests: create, change and free them.
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait ResourceExt: Sealed {
    /// Creates pixmap `id` (from [`Connection::new_pixmap_id`]) of width × height on the
    /// screen of `drawable`, initially transparent black.
    fn create_pixmap(
        &self,
        id: PixmapId,
        drawable: impl Into<Drawable>,
        width: u32,
        height: u32,
    ) -> VoidCookie<'_> {
        self.conn().void_request(CreatePixmap {
            id,
            drawable: drawable.into(),
            width,
            height,
        })
    }

    /// Frees a pixmap.
    fn free_pixmap(&self, pixmap: PixmapId) -> VoidCookie<'_> {
        self.conn().void_request(FreePixmap { pixmap })
    }

    /// Creates graphics context `id` (from [`Connection::new_gc_id`]) for the screen of
    /// `drawable`; values left `None` take their defaults.
    fn create_gc(
        &self,
        id: GcId,
        drawable: impl Into<Drawable>,
        values: GcValues,
    ) -> VoidCookie<'_> {
        self.conn().void_request(CreateGc {
            id,
            drawable: drawable.into(),
            values,
        })
    }

    /// Changes the GC values that are `Some`.
    fn change_gc(&self, gc: GcId, values: GcValues) -> VoidCookie<'_> {
        self.conn().void_request(ChangeGc { gc, values })
    }

    /// Clips drawing with `gc` to the union of `rects` offset by `origin`; `None` removes
    /// the clip, an empty slice clips everything.
    fn set_clip_rectangles(
        &self,
        gc: GcId,
        origin: Point,
        rects: Option<&[Rect]>,
    ) -> VoidCookie<'_> {
        self.conn().void_request(SetClipRectangles {
            gc,
            origin,
            rects: rects.map(<[Rect]>::to_vec),
        })
    }

    /// Frees a graphics context.
    fn free_gc(&self, gc: GcId) -> VoidCookie<'_> {
        self.conn().void_request(FreeGc { gc })
    }
}

impl ResourceExt for Connection {}
