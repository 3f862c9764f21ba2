//! Pixmap and graphics-context requests.

use crate::connection::Connection;
use crate::cookie::VoidCookie;
use yonder_protocol::request::{
    ChangeGc, CreateGc, CreatePixmap, FreeGc, FreePixmap, GcValues, SetClipRectangles,
};
use yonder_protocol::{Drawable, GcId, PixmapId, Point, Rect, Request};

impl Connection {
    /// Creates pixmap `id` (from [`Connection::new_pixmap_id`]) of width × height on the
    /// screen of `drawable`, initially transparent black.
    pub fn create_pixmap(
        &self,
        id: PixmapId,
        drawable: impl Into<Drawable>,
        width: u32,
        height: u32,
    ) -> VoidCookie<'_> {
        self.void_request(Request::CreatePixmap(CreatePixmap {
            id,
            drawable: drawable.into(),
            width,
            height,
        }))
    }

    /// Frees a pixmap.
    pub fn free_pixmap(&self, pixmap: PixmapId) -> VoidCookie<'_> {
        self.void_request(Request::FreePixmap(FreePixmap { pixmap }))
    }

    /// Creates graphics context `id` (from [`Connection::new_gc_id`]) for the screen of
    /// `drawable`; values left `None` take their defaults.
    pub fn create_gc(
        &self,
        id: GcId,
        drawable: impl Into<Drawable>,
        values: GcValues,
    ) -> VoidCookie<'_> {
        self.void_request(Request::CreateGc(CreateGc {
            id,
            drawable: drawable.into(),
            values,
        }))
    }

    /// Changes the GC values that are `Some`.
    pub fn change_gc(&self, gc: GcId, values: GcValues) -> VoidCookie<'_> {
        self.void_request(Request::ChangeGc(ChangeGc { gc, values }))
    }

    /// Clips drawing with `gc` to the union of `rects` offset by `origin`; `None` removes
    /// the clip, an empty slice clips everything.
    pub fn set_clip_rectangles(
        &self,
        gc: GcId,
        origin: Point,
        rects: Option<&[Rect]>,
    ) -> VoidCookie<'_> {
        self.void_request(Request::SetClipRectangles(SetClipRectangles {
            gc,
            origin,
            rects: rects.map(<[Rect]>::to_vec),
        }))
    }

    /// Frees a graphics context.
    pub fn free_gc(&self, gc: GcId) -> VoidCookie<'_> {
        self.void_request(Request::FreeGc(FreeGc { gc }))
    }
}
