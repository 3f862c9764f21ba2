//! [`DrawExt`], the drawing requests: clear, copy, points, lines, rectangles, arcs,
//! polygons, images and text. Each draws into a window or pixmap (`impl Into<Drawable>`)
//! with a GC. The poly requests are encoded straight from the caller's slice; PutImage
//! hands its pixels to the connection's `images`, which chooses how they travel. The
//! shared-memory requests themselves are in `shm`.

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::{Cookie, VoidCookie};
use crate::journal::Sent;
use yonder_protocol::fast_encode::{poly_frame, PolyItem};
use yonder_protocol::geometry::Arc;
use yonder_protocol::reply::{ImageReply, TextExtentsBatchReply, TextExtentsReply};
use yonder_protocol::request::{
    ClearArea, CopyArea, DrawText, FillPoly, GetImage, ImageFormat, PolyArc, PolyFillArc,
    PolyFillRectangle, PolyLine, PolyPoint, PolyRectangle, PolySegment, QueryTextExtents,
    QueryTextExtentsBatch,
};
use yonder_protocol::{Drawable, GcId, NoReply, Point, Rect, RequestInfo, Segment, WindowId};

/// A poly request (the caller pairs `opcode` with its item type), encoded straight from
/// the slice by the protocol crate's hand-written encoder: no `Request` is built.
/// `fills`: the rectangles of a PolyFillRectangle (the journal drops a pixmap's log
/// before a fill that covers it), empty for the others.
#[inline]
fn poly_request<'c, Q, T>(
    conn: &'c Connection,
    drawable: Drawable,
    gc: GcId,
    items: &[T],
    fills: &[Rect],
) -> VoidCookie<'c>
where
    Q: RequestInfo<Reply = NoReply>,
    T: PolyItem,
{
    let sent = Sent::Draw {
        drawable,
        gc,
        fills,
    };
    let seq = conn
        .transport
        .send_encoded(Some(Q::HAS_REPLY), None, sent, |buf| {
            poly_frame(Q::OPCODE, drawable, gc, items, buf)
        });
    VoidCookie::new(&conn.transport, seq)
}

/// Drawing requests: clear, copy, points, lines, rectangles, arcs, polygons, images (put
/// and get) and text. Each draws into a window or pixmap (`impl Into<Drawable>`) with a
/// GC. [`DrawExt::put_image`] chooses how raw pixels travel (shared memory, compression or
/// in the request).
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait DrawExt: Sealed {
    /// Paints `rect` of `window` with its background (zero width or height: to the edge;
    /// `Rect::default()` clears everything); with `exposures`, also sends an Expose.
    fn clear_area(&self, window: WindowId, rect: Rect, exposures: bool) -> VoidCookie<'_> {
        self.conn().void_request(ClearArea {
            window,
            rect,
            exposures,
        })
    }

    /// Copies `src_rect` of `src` to `dst` at `dst_origin`.
    fn copy_area(
        &self,
        src: impl Into<Drawable>,
        dst: impl Into<Drawable>,
        gc: GcId,
        src_rect: Rect,
        dst_origin: Point,
    ) -> VoidCookie<'_> {
        self.conn().void_request(CopyArea {
            src: src.into(),
            dst: dst.into(),
            gc,
            src_rect,
            dst_origin,
        })
    }

    /// Draws single pixels.
    fn poly_point(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        points: &[Point],
    ) -> VoidCookie<'_> {
        poly_request::<PolyPoint, _>(self.conn(), drawable.into(), gc, points, &[])
    }

    /// Draws connected lines through `points`.
    fn poly_line(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        points: &[Point],
    ) -> VoidCookie<'_> {
        poly_request::<PolyLine, _>(self.conn(), drawable.into(), gc, points, &[])
    }

    /// Draws independent line segments.
    fn poly_segment(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        segments: &[Segment],
    ) -> VoidCookie<'_> {
        poly_request::<PolySegment, _>(self.conn(), drawable.into(), gc, segments, &[])
    }

    /// Draws rectangle outlines.
    fn poly_rectangle(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        rects: &[Rect],
    ) -> VoidCookie<'_> {
        poly_request::<PolyRectangle, _>(self.conn(), drawable.into(), gc, rects, &[])
    }

    /// Fills rectangles.
    fn poly_fill_rectangle(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        rects: &[Rect],
    ) -> VoidCookie<'_> {
        poly_request::<PolyFillRectangle, _>(self.conn(), drawable.into(), gc, rects, rects)
    }

    /// Strokes arcs.
    fn poly_arc(&self, drawable: impl Into<Drawable>, gc: GcId, arcs: &[Arc]) -> VoidCookie<'_> {
        poly_request::<PolyArc, _>(self.conn(), drawable.into(), gc, arcs, &[])
    }

    /// Fills arcs (pie slices or chords, per the GC's arc mode).
    fn poly_fill_arc(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        arcs: &[Arc],
    ) -> VoidCookie<'_> {
        poly_request::<PolyFillArc, _>(self.conn(), drawable.into(), gc, arcs, &[])
    }

    /// Fills the polygon through `points` (closed automatically).
    fn fill_poly(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        points: &[Point],
    ) -> VoidCookie<'_> {
        poly_request::<FillPoly, _>(self.conn(), drawable.into(), gc, points, &[])
    }

    /// Reads back the pixels of `rect` in `drawable` (format Bgrx, Rgba or Png).
    fn get_image(
        &self,
        drawable: impl Into<Drawable>,
        rect: Rect,
        format: ImageFormat,
    ) -> Cookie<'_, ImageReply> {
        self.conn().reply_request(GetImage {
            drawable: drawable.into(),
            rect,
            format,
        })
    }

    /// Draws UTF-8 text in the GC's foreground and font size, the baseline starting at
    /// `origin`.
    fn draw_text(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        origin: Point,
        text: &str,
    ) -> VoidCookie<'_> {
        self.conn().void_request(DrawText {
            drawable: drawable.into(),
            gc,
            origin,
            text: text.to_string(),
        })
    }

    /// Measures `text` at the GC's font size.
    fn query_text_extents(&self, gc: GcId, text: &str) -> Cookie<'_, TextExtentsReply> {
        self.conn().reply_request(QueryTextExtents {
            gc,
            text: text.to_string(),
        })
    }

    /// Measures each of `texts` at the GC's face and font size, in one round trip
    /// (protocol.md §9.54; a server of 1.8 or later: an older one answers with a Request
    /// error, and [`DrawExt::query_text_extents`], pipelined, serves instead). At most
    /// `MAX_TEXT_BATCH` (4096) texts.
    fn query_text_extents_batch<S: AsRef<str>>(
        &self,
        gc: GcId,
        texts: &[S],
    ) -> Cookie<'_, TextExtentsBatchReply> {
        self.conn().reply_request(QueryTextExtentsBatch {
            gc,
            texts: texts.iter().map(|t| t.as_ref().to_string()).collect(),
        })
    }

    /// Puts an image into `drawable` with its top-left at `dst`. Raw formats (`Bgrx`,
    /// `Rgba`, `Rgbx`) need `data` of exactly 4·width·height bytes; for `Png`, `Jpeg` and
    /// `Qoi` see [`ImageFormat`] (PNG and JPEG: pass 0, 0). An opaque image is cheapest
    /// as `Rgbx`: the server then need not look at each pixel's alpha (a display older
    /// than protocol 1.12 gets it as `Rgba`, the library setting the fourth bytes). Keep
    /// an in-request image under the setup's `limits.max_frame_len`: send large images in
    /// bands. `data` is only borrowed: a large image in the request goes to the socket
    /// from it, as Xlib's XPutImage writes from the XImage, where the link allows it (a
    /// display of this library's version, not a network link kept for a resume, which
    /// keeps a copy of what it writes).
    ///
    /// A raw image travels the cheapest way this connection allows (see
    /// [`Connection::set_image_options`]): from shared memory on a local server that
    /// offers it (the request is then a ShmPutImage, so an error names that request),
    /// compressed on slow links, else in the request.
    #[allow(clippy::too_many_arguments)] // the request's own fields, in wire order
    fn put_image(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        dst: Point,
        width: u32,
        height: u32,
        format: ImageFormat,
        data: impl AsRef<[u8]>,
    ) -> VoidCookie<'_> {
        let put = (drawable.into(), gc, dst, width, height, format);
        self.conn()
            .images
            .put(&self.conn().transport, put, data.as_ref())
    }

    /// Puts a raw image (`Bgrx`, `Rgba` or `Rgbx`, else a Value error) that `fill` draws: it gets
    /// the 4·width·height bytes to write, rows top to bottom without padding. On a local
    /// server with shared memory those bytes are in the segment itself, so the pixels are
    /// never copied at all; otherwise they are sent as [`DrawExt::put_image`] would.
    /// What the bytes hold before `fill` writes them is not specified (an earlier image's
    /// pixels, or zeros): `fill` writes every one, as it would into a reused buffer.
    #[allow(clippy::too_many_arguments)] // put_image's arguments
    fn put_image_with(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        dst: Point,
        width: u32,
        height: u32,
        format: ImageFormat,
        fill: impl FnOnce(&mut [u8]),
    ) -> VoidCookie<'_> {
        let put = (drawable.into(), gc, dst, width, height, format);
        self.conn()
            .images
            .put_with(&self.conn().transport, put, fill)
    }
}

impl DrawExt for Connection {}
