//! The display server's rasterizer: everything that turns drawing requests into
//! pixels of a [`tiny_skia::Pixmap`].
//!
//! This file owns the shared vocabulary of the module ([`IRect`], [`Op`], [`CapStyle`],
//! [`JoinStyle`], [`Style`]) plus small private helpers (colour conversion, paint
//! construction, damage computation). The drawing primitives live in the sibling files:
//!
//! * `clip.rs`    – [`Clip`] (rectangle-list clips, cached per GC and pixmap size)
//! * `shapes.rs`  – rectangles, points, lines, segments, polygons
//! * `arcs.rs`    – X arcs (stroked, pie and chord fills)
//! * `geom.rs`    – clipping of huge geometry before it reaches tiny-skia
//! * `raster.rs`  – the direct span/pixel target of the aliased fast paths
//! * `lines.rs`   – thin aliased lines (Bresenham)
//! * `ellipse.rs` – whole aliased ellipses, outlined or filled, row by row
//! * `span_cache.rs` – those ellipses' spans, cached per size and reused
//! * `polyfill.rs` – aliased fills of polygons with few vertices, row by row
//! * `text.rs`    – the embedded DejaVu Sans font, glyph cache and text drawing
//! * `glyph_blend.rs` – blending an opaque colour by glyph coverage, with memo tables
//! * `images.rs`  – image decoding/encoding ([`decode_image`], [`get_image`])
//! * `compose.rs` – pixel compositing: [`put_raw`], [`fill_solid`]
//! * `copies.rs`  – [`copy_area`], [`put_image`] and [`copy_within`] (overlap-safe scrolling)
//! * `screen.rs`  – conversion to/from the XRGB screen framebuffer
//! * `bands.rs`   – large drawings' rows split into bands drawn on several threads ([`Workers`])
//! * `work.rs`    – upper bounds of the pixels a drawing request touches, before drawing
//!
//! Geometry follows X11: integer coordinates of lines and arcs name pixel centres, fills of
//! `x, y, w, h` cover pixels `x..x+w` × `y..y+h`, thin lines include both end points. Every
//! drawing function returns the damaged area (clamped to the pixmap) or `None`.

mod arcs;
mod bands;
mod clip;
mod compose;
mod copies;
mod ellipse;
mod geom;
mod glyph_blend;
mod images;
pub mod lanes;
mod lines;
mod polyfill;
mod raster;
mod screen;
mod shapes;
mod span_cache;
mod text;
pub mod work;

#[cfg(test)]
mod tests_arcs_clip;
#[cfg(test)]
mod tests_bands;
#[cfg(test)]
mod tests_cache;
#[cfg(test)]
mod tests_compose;
#[cfg(test)]
mod tests_fast;
#[cfg(test)]
mod tests_fuzz;
#[cfg(test)]
mod tests_shapes;
#[cfg(test)]
mod tests_text_image;

pub use arcs::{fill_arcs, stroke_arcs};
pub use bands::Workers;
pub use clip::Clip;
pub use compose::{all_opaque, fill_solid, put_raw, put_raw_sets_alpha, unclipped_put_damage};
pub use copies::{copy_area, copy_within, put_image, unclipped_within_damage};
pub use geom::ArcSpec;
pub use images::{
    decode_image, get_image, ImageError, ImageFormat, RawImage, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE,
};
pub use screen::{blit_to_xrgb, xrgb_to_pixmap};
pub use shapes::{
    draw_points, fill_polygon, fill_rects, paints_all, poly_line, segments, stroke_rects,
};
pub use text::{draw_text, text_extents, warm_up as warm_up_font, TextExtents};
pub use tiny_skia::Pixmap;

use tiny_skia::{BlendMode, Color, Paint, PremultipliedColorU8};

/// Integer rectangle in pixmap coordinates (x, y may be negative; width/height unsigned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct IRect {
    /// Left edge (inclusive).
    pub x: i32,
    /// Top edge (inclusive).
    pub y: i32,
    /// Width in pixels; 0 means empty.
    pub width: u32,
    /// Height in pixels; 0 means empty.
    pub height: u32,
}

impl IRect {
    /// Creates a rectangle from its origin and size.
    pub const fn new(x: i32, y: i32, width: u32, height: u32) -> Self {
        IRect {
            x,
            y,
            width,
            height,
        }
    }

    /// Builds a rectangle from left/top/right/bottom edges (right and bottom exclusive).
    /// The edges are clamped into the representable range; returns `None` when empty.
    #[inline]
    pub fn from_ltrb(left: i64, top: i64, right: i64, bottom: i64) -> Option<IRect> {
        let l = left.clamp(i32::MIN as i64, i32::MAX as i64);
        let t = top.clamp(i32::MIN as i64, i32::MAX as i64);
        let r = right.min(l + u32::MAX as i64);
        let b = bottom.min(t + u32::MAX as i64);
        if r <= l || b <= t {
            return None;
        }
        Some(IRect::new(
            l as i32,
            t as i32,
            (r - l) as u32,
            (b - t) as u32,
        ))
    }

    /// True when the rectangle covers no pixel.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// Exclusive right edge (`x + width`), computed without overflow.
    #[inline]
    pub fn right(&self) -> i64 {
        self.x as i64 + self.width as i64
    }

    /// Exclusive bottom edge (`y + height`), computed without overflow.
    #[inline]
    pub fn bottom(&self) -> i64 {
        self.y as i64 + self.height as i64
    }

    /// True when pixel `(x, y)` lies inside the rectangle.
    #[inline]
    pub fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && (x as i64) < self.right() && y >= self.y && (y as i64) < self.bottom()
    }

    /// The common part of two rectangles, or `None` if they do not overlap.
    #[inline]
    pub fn intersect(&self, other: &IRect) -> Option<IRect> {
        IRect::from_ltrb(
            (self.x as i64).max(other.x as i64),
            (self.y as i64).max(other.y as i64),
            self.right().min(other.right()),
            self.bottom().min(other.bottom()),
        )
    }

    /// The smallest rectangle containing both (an empty rectangle is ignored).
    /// Sizes saturate at `u32::MAX`.
    #[inline]
    pub fn union(&self, other: &IRect) -> IRect {
        if self.is_empty() {
            return *other;
        }
        if other.is_empty() {
            return *self;
        }
        IRect::from_ltrb(
            (self.x as i64).min(other.x as i64),
            (self.y as i64).min(other.y as i64),
            self.right().max(other.right()),
            self.bottom().max(other.bottom()),
        )
        .unwrap_or(*self)
    }

    /// Moves the rectangle by `(dx, dy)`; `None` if the result leaves the `i32` range.
    pub fn translate(&self, dx: i64, dy: i64) -> Option<IRect> {
        let x = i32::try_from(self.x as i64 + dx).ok()?;
        let y = i32::try_from(self.y as i64 + dy).ok()?;
        Some(IRect::new(x, y, self.width, self.height))
    }
}

/// Union of two optional damage rectangles.
#[inline]
pub(crate) fn union_opt(a: Option<IRect>, b: Option<IRect>) -> Option<IRect> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.union(&b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Compositing operator, mapped onto [`tiny_skia::BlendMode`].
///
/// `Xor` is the Porter-Duff xor (`BlendMode::Xor`), not a bitwise xor of pixel values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Op {
    /// Source over destination (alpha blending).
    #[default]
    Over,
    /// Replace the destination with the source.
    Source,
    /// Clear the destination to transparent black.
    Clear,
    /// Porter-Duff xor.
    Xor,
    /// Saturating addition (`BlendMode::Plus`).
    Add,
    /// Multiply.
    Multiply,
    /// Screen.
    Screen,
}

impl Op {
    /// The tiny-skia blend mode implementing this operator.
    pub fn blend_mode(self) -> BlendMode {
        match self {
            Op::Over => BlendMode::SourceOver,
            Op::Source => BlendMode::Source,
            Op::Clear => BlendMode::Clear,
            Op::Xor => BlendMode::Xor,
            Op::Add => BlendMode::Plus,
            Op::Multiply => BlendMode::Multiply,
            Op::Screen => BlendMode::Screen,
        }
    }
}

/// How the ends of wide lines are drawn (thin lines always include both end points).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CapStyle {
    /// Square end exactly at the end point.
    #[default]
    Butt,
    /// Half-disc around the end point.
    Round,
    /// Square end extended by half the line width.
    Square,
}

/// How corners of wide poly-lines and rectangle outlines are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JoinStyle {
    /// Sharp corner (falls back to bevel below X's 11° miter limit).
    #[default]
    Miter,
    /// Rounded corner.
    Round,
    /// Cut-off corner.
    Bevel,
}

/// How to draw: the parts of an X11 graphics context the rasterizer needs.
#[derive(Clone, Copy, Debug)]
pub struct Style<'a> {
    /// Colour as `0xAARRGGBB`, straight (non-premultiplied) alpha.
    pub color: u32,
    /// Line width in pixels; 0 (and 1) draw thin one-pixel lines like X.
    pub line_width: u32,
    /// Anti-alias edges of lines, arcs and polygons.
    pub antialias: bool,
    /// Anti-alias text; without, each glyph pixel is the colour or untouched (X's core
    /// fonts).
    pub text_antialias: bool,
    /// Compositing operator.
    pub op: Op,
    /// Polygon fill rule: even-odd (true) or winding (false).
    pub even_odd: bool,
    /// Arc fill mode: pie slice (true) or chord (false).
    pub pie_slice: bool,
    /// Cap style of wide lines.
    pub cap: CapStyle,
    /// Join style of wide lines.
    pub join: JoinStyle,
    /// Optional clip; must have been built for the target pixmap's size to be fast.
    pub clip: Option<&'a Clip>,
    /// Threads that may draw a large drawing's rows at once; `None`: the caller's alone.
    pub workers: Option<&'a Workers>,
    /// A copy's source is known to hold only opaque pixels (`state::opaque`): an `Over`
    /// copy moves its rows as they are, without testing them (debug builds test anyway,
    /// and fail on a translucent one).
    pub source_opaque: bool,
}

impl Default for Style<'_> {
    fn default() -> Self {
        Style {
            color: 0xFF00_0000,
            line_width: 0,
            antialias: false,
            text_antialias: true,
            op: Op::Over,
            even_odd: true,
            pie_slice: true,
            cap: CapStyle::Butt,
            join: JoinStyle::Miter,
            clip: None,
            workers: None,
            source_opaque: false,
        }
    }
}

impl<'a> Style<'a> {
    /// This style, its large drawings split among `workers`.
    pub fn with_workers(self, workers: &'a Workers) -> Style<'a> {
        Style {
            workers: Some(workers),
            ..self
        }
    }

    /// This style for a drawing on a lane (`lanes`): nothing borrowed, so it has no clip
    /// (clipped drawings are not handed to lanes) and no threads of its own (the lanes
    /// are the parallelism).
    pub fn unclipped_alone(&self) -> Style<'static> {
        debug_assert!(self.clip.is_none(), "a clipped drawing on a lane");
        Style {
            color: self.color,
            line_width: self.line_width,
            antialias: self.antialias,
            text_antialias: self.text_antialias,
            op: self.op,
            even_odd: self.even_odd,
            pie_slice: self.pie_slice,
            cap: self.cap,
            join: self.join,
            clip: None,
            workers: None,
            source_opaque: self.source_opaque,
        }
    }

    /// A default style (thin, aliased, `Over`, no clip) drawing with `color`.
    pub fn solid(color: u32) -> Self {
        Style {
            color,
            ..Style::default()
        }
    }
}

/// Splits `0xAARRGGBB` into straight `[r, g, b, a]`.
pub(crate) fn argb_parts(color: u32) -> [u8; 4] {
    let [a, r, g, b] = color.to_be_bytes();
    [r, g, b, a]
}

/// Rounded `a * b / 255` for 8-bit values.
pub(crate) fn mul255(a: u32, b: u32) -> u32 {
    let t = a * b + 128;
    (t + (t >> 8)) >> 8
}

/// The premultiplied pixel value of a `0xAARRGGBB` colour.
pub(crate) fn premul(color: u32) -> PremultipliedColorU8 {
    let [r, g, b, a] = argb_parts(color);
    let a32 = a as u32;
    PremultipliedColorU8::from_rgba(
        mul255(r as u32, a32) as u8,
        mul255(g as u32, a32) as u8,
        mul255(b as u32, a32) as u8,
        a,
    )
    .unwrap_or(PremultipliedColorU8::TRANSPARENT)
}

/// A tiny-skia paint for the style's colour, operator and anti-aliasing.
pub(crate) fn paint_for(s: &Style) -> Paint<'static> {
    let [r, g, b, a] = argb_parts(s.color);
    let mut paint = Paint::default();
    paint.set_color(Color::from_rgba8(r, g, b, a));
    paint.blend_mode = s.op.blend_mode();
    paint.anti_alias = s.antialias;
    paint
}

/// The whole area of a pixmap.
pub(crate) fn pixmap_rect(pm: &Pixmap) -> IRect {
    IRect::new(0, 0, pm.width(), pm.height())
}

/// Offset added to integer coordinates before rasterizing lines, arcs and (aliased)
/// polygons. X puts integer coordinates at pixel centres; tiny-skia at pixel corners.
/// Aliased drawing uses slightly less than a half pixel so that boundaries falling exactly
/// on pixel centres follow X's "left/top included, right/bottom excluded" rule.
pub(crate) fn center_offset(antialias: bool) -> f32 {
    if antialias {
        0.5
    } else {
        0.5 - 1.0 / 64.0
    }
}

/// Converts float bounds (plus `pad` pixels) into a damage rectangle clamped to `limit`.
pub(crate) fn damage_from_bounds(
    l: f32,
    t: f32,
    r: f32,
    b: f32,
    pad: f32,
    limit: IRect,
) -> Option<IRect> {
    if !(l.is_finite() && t.is_finite() && r.is_finite() && b.is_finite()) {
        return Some(limit);
    }
    let conv = |v: f32| (v as f64).clamp(-4.0e18, 4.0e18) as i64;
    let rect = IRect::from_ltrb(
        conv((l - pad).floor()),
        conv((t - pad).floor()),
        conv((r + pad).ceil()) + 1,
        conv((b + pad).ceil()) + 1,
    )?;
    rect.intersect(&limit)
}
