//! Drawing requests: clear, copy, points, lines, rectangles, arcs, polygons, images, text.
//! Each draws into a window or pixmap with a graphics context; errors are Drawable, Gc,
//! Match (GC and drawable of different screens) and Value.

use crate::geometry::{Arc, Point, Rect, Segment};
use crate::ids::{Drawable, GcId, WindowId};
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// Paints an area of a window with its background. A zero width or height extends to the
/// window's edge (X's rule), so `[0,0,0,0]` clears the whole window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClearArea {
    /// The window.
    pub window: WindowId,
    /// The area, window-relative.
    pub rect: Rect,
    /// Also send an Expose for the area.
    pub exposures: bool,
}

/// Copies a rectangle from one drawable to another (or within one). A window's own pixels
/// are always available (every window has a backing store), so no GraphicsExpose exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyArea {
    /// Source drawable.
    pub src: Drawable,
    /// Destination drawable.
    pub dst: Drawable,
    /// GC (op and clip apply).
    pub gc: GcId,
    /// Source rectangle.
    pub src_rect: Rect,
    /// Destination top-left.
    pub dst_origin: Point,
}

/// Draws single pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolyPoint {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The points.
    #[serde(with = "crate::packed::items")]
    pub points: Vec<Point>,
}

/// Draws connected lines through the points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolyLine {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The vertices.
    #[serde(with = "crate::packed::items")]
    pub points: Vec<Point>,
}

/// Draws independent line segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolySegment {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The segments.
    #[serde(with = "crate::packed::items")]
    pub segments: Vec<Segment>,
}

/// Draws rectangle outlines (X's rule: the outline of `[x,y,w,h]` spans `w+1`×`h+1` pixels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolyRectangle {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The rectangles.
    #[serde(with = "crate::packed::items")]
    pub rects: Vec<Rect>,
}

/// Fills rectangles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolyFillRectangle {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The rectangles.
    #[serde(with = "crate::packed::items")]
    pub rects: Vec<Rect>,
}

/// Strokes arcs (ellipses when the extent is a full turn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolyArc {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The arcs.
    pub arcs: Vec<Arc>,
}

/// Fills arcs as pie slices or chords (GC arc mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolyFillArc {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The arcs.
    pub arcs: Vec<Arc>,
}

/// Fills a polygon (closed automatically; GC fill rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillPoly {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// The vertices (at least 3 for anything to show).
    #[serde(with = "crate::packed::items")]
    pub points: Vec<Point>,
}

/// Pixel data formats for images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum ImageFormat {
    /// 4 bytes per pixel: B, G, R, unused (a little-endian `0x00RRGGBB`, the screen's format).
    Bgrx = 0,
    /// 4 bytes per pixel: R, G, B, A with straight alpha.
    Rgba = 1,
    /// A PNG file.
    Png = 2,
    /// A JPEG file (put only).
    Jpeg = 3,
    /// A QOI image (version 1.3; put only), the lossless compression clients use on
    /// slow links. Its header's width and height must equal the request's; RGB data is
    /// opaque, RGBA data has straight alpha like [`ImageFormat::Rgba`].
    Qoi = 4,
    /// 4 bytes per pixel: R, G, B, unused (version 1.12; put only). Opaque whatever the
    /// fourth byte holds, as X's depth-24 images are: the server stores the pixels as
    /// they come, alpha set, without looking for translucent ones first.
    Rgbx = 5,
}

impl ImageFormat {
    /// Whether the format is raw pixels, 4 bytes each (`Bgrx`, `Rgba`, `Rgbx`).
    #[inline]
    pub fn is_raw(self) -> bool {
        matches!(
            self,
            ImageFormat::Bgrx | ImageFormat::Rgba | ImageFormat::Rgbx
        )
    }

    /// The minor version (of major 1) that added the format (protocol.md §5.3).
    #[inline]
    pub fn since_minor(self) -> u16 {
        match self {
            ImageFormat::Qoi => 3,
            ImageFormat::Rgbx => 12,
            _ => 0,
        }
    }

    /// The format in which a server of version 1.`minor` takes pixels of this one, when
    /// it is another: `Rgba` for `Rgbx` before 1.12, the pixels' fourth bytes set to 255
    /// first ([`opaque_alpha`]). None when the format goes as it is.
    #[inline]
    pub fn for_minor(self, minor: u16) -> Option<ImageFormat> {
        (self == ImageFormat::Rgbx && minor < self.since_minor()).then_some(ImageFormat::Rgba)
    }
}

/// Puts an image into a drawable at `dst`. For raw formats `width`×`height` gives the
/// layout (data must be exactly 4·w·h bytes, else Length error); for QOI they must equal
/// the file's header and 4·w·h may not exceed the frame limit (so a small frame cannot
/// inflate into a huge one); for PNG and JPEG the size comes from the file and
/// `width`/`height` are ignored (send 0). Undecodable data is a Value error. GC op and
/// clip apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutImage {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// Top-left of the image in the drawable.
    pub dst: Point,
    /// Width of a raw or QOI image.
    pub width: u32,
    /// Height of a raw or QOI image.
    pub height: u32,
    /// The data's format.
    pub format: ImageFormat,
    /// The pixels or file bytes (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}

impl PutImage {
    /// This put as a server of version 1.`minor` takes it: `Rgbx` pixels before 1.12 go
    /// as `Rgba` with every fourth byte 255 ([`opaque_alpha`]), the same picture. None
    /// when nothing changes.
    pub fn for_minor(&self, minor: u16) -> Option<PutImage> {
        let format = self.format.for_minor(minor)?;
        let mut put = self.clone();
        put.format = format;
        opaque_alpha(&mut put.data);
        Some(put)
    }
}

/// Sets the fourth byte of every 4-byte pixel to 255: `Rgbx` pixels become the `Rgba`
/// pixels of the same opaque picture (for a server older than 1.12, which has no `Rgbx`).
pub fn opaque_alpha(pixels: &mut [u8]) {
    for p in pixels.chunks_exact_mut(4) {
        p[3] = 255;
    }
}

/// Reads pixels back; reply [`crate::reply::ImageReply`]. For a window the result is what
/// the window shows: its own pixels with its mapped descendants drawn over them (not
/// including siblings or other windows that overlap it). The rectangle must lie inside the
/// drawable (Match error otherwise). The put-only formats (Jpeg, Qoi, Rgbx) are Value errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetImage {
    /// Source.
    pub drawable: Drawable,
    /// The area.
    pub rect: Rect,
    /// Bgrx, Rgba or Png.
    pub format: ImageFormat,
}

/// Draws UTF-8 text with the server's font at the GC's font size, the left end of the
/// baseline at `origin`, in the foreground color.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawText {
    /// Target.
    pub drawable: Drawable,
    /// GC.
    pub gc: GcId,
    /// Baseline start.
    pub origin: Point,
    /// The text.
    pub text: String,
}

/// Measures text at the GC's font size; reply [`crate::reply::TextExtentsReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryTextExtents {
    /// GC whose font size is used.
    pub gc: GcId,
    /// The text.
    pub text: String,
}

/// Measures several texts at the GC's face and font size in one round trip (version
/// 1.8); reply [`crate::reply::TextExtentsBatchReply`], one extents per text, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryTextExtentsBatch {
    /// GC whose face and font size are used.
    pub gc: GcId,
    /// The texts (at most [`MAX_TEXT_BATCH`]). Decoding keeps one more than that at most
    /// (so that the server can refuse the request) and skips the rest without storing
    /// them: a frame of millions of empty strings costs no memory.
    #[serde(deserialize_with = "bounded_texts")]
    pub texts: Vec<String>,
}

/// The most texts one QueryTextExtentsBatch may ask about.
pub const MAX_TEXT_BATCH: usize = 4096;

/// Reads an array of strings, keeping the first [`MAX_TEXT_BATCH`] + 1.
fn bounded_texts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Texts;
    impl<'de> serde::de::Visitor<'de> for Texts {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of strings")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut kept = Vec::new();
            while kept.len() <= MAX_TEXT_BATCH {
                match seq.next_element::<String>()? {
                    Some(t) => kept.push(t),
                    None => return Ok(kept),
                }
            }
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(kept)
        }
    }
    d.deserialize_seq(Texts)
}
