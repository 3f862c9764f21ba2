//! The layout rule: where each glyph of a line of text goes. Sizes are quantised to a
//! quarter pixel; the pen starts at 0 and moves by each pair's kerning and each glyph's
//! advance, summed in `f64`; each glyph is drawn at the pen position rounded to the
//! nearest pixel; the text's width is the final pen position, rounded. The server draws
//! and measures with this rule and clients lay out with it, so they agree exactly.

/// Smallest and largest pixel sizes laid out (a GC's `font_size` range).
pub const MIN_PX: f32 = 1.0;
/// See [`MIN_PX`].
pub const MAX_PX: f32 = 512.0;
/// Sizes are quantised to `1 / SIZE_STEPS` pixel.
pub const SIZE_STEPS: f32 = 4.0;

/// The quantised size of `size_px` (in quarter pixels, clamped to the range), or `None`
/// for a size that is not a positive finite number.
pub fn size_key(size_px: f32) -> Option<u32> {
    if !size_px.is_finite() || size_px <= 0.0 {
        return None;
    }
    Some((size_px.clamp(MIN_PX, MAX_PX) * SIZE_STEPS).round() as u32)
}

/// The pixel size a quantised size stands for.
pub fn key_px(key: u32) -> f32 {
    key as f32 / SIZE_STEPS
}

/// The pen moving along a line of text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pen {
    x: f64,
    prev: Option<char>,
}

impl Pen {
    /// Where `ch`, the next character, is drawn (the rounded pen position), after the
    /// kerning between the previous character and it (`kern(previous, ch)`).
    #[inline]
    pub fn place(&mut self, ch: char, kern: impl FnOnce(char, char) -> f32) -> i64 {
        if let Some(p) = self.prev {
            self.x += f64::from(kern(p, ch));
        }
        self.prev = Some(ch);
        self.x.round() as i64
    }

    /// Moves past the character just placed, by its advance width: a finite number
    /// (a font's non-finite advance counts as 0: see [`finite`]).
    #[inline]
    pub fn advance(&mut self, advance: f32) {
        self.x += f64::from(advance);
    }

    /// The rounded pen position: the width of the text so far.
    pub fn end(&self) -> i64 {
        self.x.round() as i64
    }
}

/// `v`, or 0 when it is not finite: what a glyph's advance or kerning counts as.
#[inline]
pub fn finite(v: f32) -> f32 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}
