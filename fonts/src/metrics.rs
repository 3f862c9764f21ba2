//! Measuring text on the client, by the server's rule ([`Pen`]) with the server's fonts:
//! widths, caret positions, hit testing, line metrics and ink extents, with no round
//! trip (fontdue computes each glyph's metrics from its outline: no raster, no cache).

use crate::face::Face;
use crate::pen::{finite, key_px, size_key, Pen};
use fontdue::Font;

/// Measurements of a string, in pixels, relative to the origin on the baseline: the
/// same numbers as the server's QueryTextExtents reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Extents {
    /// Advance width: where the next string would start.
    pub width: u32,
    /// Ink extent above the baseline (largest over the glyphs drawn).
    pub ascent: i32,
    /// Ink extent below the baseline.
    pub descent: i32,
    /// The font's ascent at this size (line metrics, independent of the text).
    pub font_ascent: i32,
    /// The font's descent at this size, positive below the baseline.
    pub font_descent: i32,
    /// Leftmost ink column relative to the origin (may be negative).
    pub left: i32,
    /// One past the rightmost ink column relative to the origin.
    pub right: i32,
}

/// A face's line metrics at one size, in whole pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LineMetrics {
    /// Above the baseline.
    pub ascent: i32,
    /// Below the baseline (positive).
    pub descent: i32,
    /// From one baseline to the next: ascent, descent and the font's line gap.
    pub height: i32,
}

/// A face, ready to measure with.
#[derive(Clone, Copy)]
pub struct Metrics {
    face: Face,
    font: &'static Font,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").field("face", &self.face).finish()
    }
}

impl Metrics {
    /// The measurements of `face` (parsing it at the first call).
    pub fn of(face: Face) -> Option<Metrics> {
        Some(Metrics {
            face,
            font: face.font()?,
        })
    }

    /// The face measured.
    pub fn face(&self) -> Face {
        self.face
    }

    /// Calls `f(pen_x, ch)` for each character of `text` at `size_px`, and returns the
    /// final pen position (the width). A size that is not positive lays out nothing.
    fn lay_out(&self, size_px: f32, text: &str, mut f: impl FnMut(i64, char)) -> i64 {
        let Some(key) = size_key(size_px) else {
            return 0;
        };
        let px = key_px(key);
        let mut pen = Pen::default();
        for ch in text.chars() {
            let x = pen.place(ch, |a, b| {
                self.font.horizontal_kern(a, b, px).unwrap_or(0.0)
            });
            f(x, ch);
            pen.advance(finite(self.font.metrics(ch, px).advance_width));
        }
        pen.end()
    }

    /// The advance width of `text` at `size_px` pixels.
    pub fn width(&self, size_px: f32, text: &str) -> u32 {
        self.lay_out(size_px, text, |_, _| {})
            .clamp(0, i64::from(u32::MAX)) as u32
    }

    /// Where a caret goes before each character of `text` and after the last, in pixels
    /// from the origin: `chars + 1` positions, the first 0, the last the width. Index
    /// `i` is the caret before the `i`-th character (not byte).
    pub fn carets(&self, size_px: f32, text: &str) -> Vec<i32> {
        let mut out = Vec::with_capacity(text.len() + 1);
        let clamp = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        let end = self.lay_out(size_px, text, |x, _| out.push(clamp(x)));
        out.push(clamp(end));
        out
    }

    /// The caret position (a character index, `0..=chars`) nearest to `x` pixels from
    /// the origin: where a click at `x` puts the caret.
    pub fn caret_at(&self, size_px: f32, text: &str, x: i32) -> usize {
        let carets = self.carets(size_px, text);
        let mut best = 0;
        for (i, &c) in carets.iter().enumerate() {
            if (c - x).abs() < (carets[best] - x).abs() {
                best = i;
            }
        }
        best
    }

    /// The face's line metrics at `size_px`.
    pub fn line(&self, size_px: f32) -> LineMetrics {
        let Some(key) = size_key(size_px) else {
            return LineMetrics::default();
        };
        match self.font.horizontal_line_metrics(key_px(key)) {
            Some(lm) => {
                let ascent = lm.ascent.ceil() as i32;
                let descent = (-lm.descent).ceil() as i32;
                let height = (lm.new_line_size.ceil() as i32).max(ascent + descent);
                LineMetrics {
                    ascent,
                    descent,
                    height,
                }
            }
            None => LineMetrics::default(),
        }
    }

    /// `text`'s full extents at `size_px`: what the server's QueryTextExtents answers.
    pub fn extents(&self, size_px: f32, text: &str) -> Extents {
        let Some(key) = size_key(size_px) else {
            return Extents::default();
        };
        let px = key_px(key);
        let line = self.line(size_px);
        let mut e = Extents {
            font_ascent: line.ascent,
            font_descent: line.descent,
            ..Extents::default()
        };
        let mut ink: Option<(i64, i64, i64, i64)> = None; // left, right, ascent, descent
        let end = self.lay_out(size_px, text, |pen, ch| {
            let m = self.font.metrics(ch, px);
            if m.width == 0 || m.height == 0 {
                return;
            }
            let l = pen + i64::from(m.xmin);
            let r = l + m.width as i64;
            let a = i64::from(m.ymin) + m.height as i64;
            let d = -i64::from(m.ymin);
            ink = Some(match ink {
                None => (l, r, a, d),
                Some((l0, r0, a0, d0)) => (l0.min(l), r0.max(r), a0.max(a), d0.max(d)),
            });
        });
        let clamp = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        e.width = end.clamp(0, i64::from(u32::MAX)) as u32;
        if let Some((l, r, a, d)) = ink {
            (e.left, e.right, e.ascent, e.descent) = (clamp(l), clamp(r), clamp(a), clamp(d));
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_run_from_zero_to_the_width() {
        let m = Metrics::of(Face::Sans).expect("font");
        let c = m.carets(14.0, "Wave é");
        assert_eq!(c.len(), 7);
        assert_eq!(c[0], 0);
        assert_eq!(*c.last().unwrap() as u32, m.width(14.0, "Wave é"));
        assert!(c.windows(2).all(|w| w[0] <= w[1]), "{c:?}");
        assert_eq!(m.caret_at(14.0, "Wave é", -5), 0);
        assert_eq!(m.caret_at(14.0, "Wave é", 10_000), 6);
        assert_eq!(m.caret_at(14.0, "Wave é", c[3] + 1), 3);
        assert_eq!(m.carets(14.0, ""), vec![0]);
    }

    #[test]
    fn mono_is_one_width_and_bold_is_wider() {
        let mono = Metrics::of(Face::Mono).expect("font");
        assert_eq!(mono.width(20.0, "iiii"), mono.width(20.0, "WWWW"));
        let sans = Metrics::of(Face::Sans).expect("font");
        let bold = Metrics::of(Face::SansBold).expect("font");
        assert!(bold.width(20.0, "Heading") > sans.width(20.0, "Heading"));
        let line = sans.line(14.0);
        assert!(
            line.ascent > 0 && line.descent > 0 && line.height >= 14,
            "{line:?}"
        );
        assert_eq!(sans.width(-1.0, "abc"), 0);
    }
}
