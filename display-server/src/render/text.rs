//! Text: the single embedded font (DejaVu Sans regular, loaded once), a bounded cache of
//! glyph rasters keyed by (char, pixel size), text layout shared by [`text_extents`] and
//! [`draw_text`], and blending of glyph coverage into a pixmap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use fontdue::{Font, FontSettings};
use tiny_skia::Pixmap;

use super::clip::Region;
use super::compose::blend_pixel;
use super::{premul, union_opt, IRect, Style};

/// Smallest and largest pixel sizes rendered; requests are clamped into this range.
const MIN_PX: f32 = 1.0;
const MAX_PX: f32 = 256.0;
/// Sizes are quantised to 1/4 pixel for caching.
const SIZE_STEPS: f32 = 4.0;
/// The glyph cache is emptied when it holds more glyphs or raster bytes than this.
const CACHE_MAX_GLYPHS: usize = 4096;
const CACHE_MAX_BYTES: usize = 32 << 20;

/// Measurements of a string, in pixels, relative to the origin on the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TextExtents {
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
    /// Leftmost ink column relative to the origin (X's `lbearing`; may be negative).
    pub left: i32,
    /// One past the rightmost ink column relative to the origin (X's `rbearing`).
    pub right: i32,
}

/// A rasterized glyph: coverage bitmap plus placement.
struct Glyph {
    xmin: i32,
    ymin: i32,
    width: usize,
    height: usize,
    advance: f32,
    coverage: Vec<u8>,
}

#[derive(Default)]
struct GlyphCache {
    map: HashMap<(char, u32), Arc<Glyph>>,
    bytes: usize,
}

struct FontData {
    font: Font,
    cache: Mutex<GlyphCache>,
}

/// The embedded font, parsed on first use (`None` only if parsing failed).
fn font() -> Option<&'static FontData> {
    static FONT: OnceLock<Option<FontData>> = OnceLock::new();
    FONT.get_or_init(|| {
        let font = Font::from_bytes(dejavu::sans::regular(), FontSettings::default()).ok()?;
        Some(FontData {
            font,
            cache: Mutex::new(GlyphCache::default()),
        })
    })
    .as_ref()
}

/// Quantised size key, or `None` for non-positive / non-finite sizes.
fn size_key(size_px: f32) -> Option<u32> {
    if !size_px.is_finite() || size_px <= 0.0 {
        return None;
    }
    Some((size_px.clamp(MIN_PX, MAX_PX) * SIZE_STEPS).round() as u32)
}

impl GlyphCache {
    fn get(&mut self, font: &Font, ch: char, key: u32) -> Arc<Glyph> {
        if let Some(g) = self.map.get(&(ch, key)) {
            return Arc::clone(g);
        }
        // Missing characters map to glyph 0, the font's notdef box.
        let (m, coverage) = font.rasterize(ch, key as f32 / SIZE_STEPS);
        let ok = coverage.len() == m.width * m.height;
        let glyph = Arc::new(Glyph {
            xmin: m.xmin,
            ymin: m.ymin,
            width: if ok { m.width } else { 0 },
            height: if ok { m.height } else { 0 },
            advance: if m.advance_width.is_finite() {
                m.advance_width
            } else {
                0.0
            },
            coverage: if ok { coverage } else { Vec::new() },
        });
        if self.map.len() >= CACHE_MAX_GLYPHS || self.bytes + glyph.coverage.len() > CACHE_MAX_BYTES
        {
            self.map.clear();
            self.bytes = 0;
        }
        self.bytes += glyph.coverage.len();
        self.map.insert((ch, key), Arc::clone(&glyph));
        glyph
    }
}

/// Lays out `text`, calling `f(pen_x, glyph)` for each glyph; returns the final pen position.
fn layout(fd: &FontData, key: u32, text: &str, mut f: impl FnMut(i64, &Glyph)) -> i64 {
    let px = key as f32 / SIZE_STEPS;
    let mut cache = fd.cache.lock().unwrap_or_else(PoisonError::into_inner);
    let mut pen = 0.0f64;
    let mut prev: Option<char> = None;
    for ch in text.chars() {
        if let Some(p) = prev {
            pen += fd.font.horizontal_kern(p, ch, px).unwrap_or(0.0) as f64;
        }
        let g = cache.get(&fd.font, ch, key);
        f(pen.round() as i64, &g);
        pen += g.advance as f64;
        prev = Some(ch);
    }
    pen.round() as i64
}

/// Measures `text` (UTF-8) at `size_px` pixels per em.
pub fn text_extents(size_px: f32, text: &str) -> TextExtents {
    let (Some(fd), Some(key)) = (font(), size_key(size_px)) else {
        return TextExtents::default();
    };
    let mut e = TextExtents::default();
    if let Some(lm) = fd.font.horizontal_line_metrics(key as f32 / SIZE_STEPS) {
        e.font_ascent = lm.ascent.ceil() as i32;
        e.font_descent = (-lm.descent).ceil() as i32;
    }
    let mut ink: Option<(i64, i64, i64, i64)> = None; // left, right, ascent, descent
    let end = layout(fd, key, text, |pen, g| {
        if g.width == 0 || g.height == 0 {
            return;
        }
        let l = pen + g.xmin as i64;
        let r = l + g.width as i64;
        let a = g.ymin as i64 + g.height as i64;
        let d = -(g.ymin as i64);
        ink = Some(match ink {
            None => (l, r, a, d),
            Some((l0, r0, a0, d0)) => (l0.min(l), r0.max(r), a0.max(a), d0.max(d)),
        });
    });
    let clamp = |v: i64| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
    e.width = end.clamp(0, u32::MAX as i64) as u32;
    if let Some((l, r, a, d)) = ink {
        (e.left, e.right, e.ascent, e.descent) = (clamp(l), clamp(r), clamp(a), clamp(d));
    }
    e
}

/// Draws `text` (UTF-8) with its origin at `(x, y_baseline)`, blending anti-aliased glyph
/// coverage with `s.color` using `s.op` and `s.clip`. Returns the damaged area.
pub fn draw_text(
    pm: &mut Pixmap,
    s: &Style,
    size_px: f32,
    x: i32,
    y_baseline: i32,
    text: &str,
) -> Option<IRect> {
    let fd = font()?;
    let key = size_key(size_px)?;
    let region = Region::resolve(s.clip, pm);
    let limit = region.limit(pm)?;
    let color = premul(s.color);
    let stride = pm.width() as usize;
    let pixels = pm.pixels_mut();
    let mut damage = None;
    layout(fd, key, text, |pen, g| {
        if g.width == 0 || g.height == 0 {
            return;
        }
        let gx = x as i64 + pen + g.xmin as i64;
        let gy = y_baseline as i64 - (g.ymin as i64 + g.height as i64);
        let Some(r) = IRect::from_ltrb(gx, gy, gx + g.width as i64, gy + g.height as i64)
            .and_then(|r| r.intersect(&limit))
        else {
            return;
        };
        for py in r.y..r.bottom() as i32 {
            let row = (py as i64 - gy) as usize * g.width;
            for px in r.x..r.right() as i32 {
                let cov = g
                    .coverage
                    .get(row + (px as i64 - gx) as usize)
                    .copied()
                    .unwrap_or(0);
                if cov == 0 || !region.allows(px, py) {
                    continue;
                }
                if let Some(p) = pixels.get_mut(py as usize * stride + px as usize) {
                    *p = blend_pixel(s.op, color, *p, cov);
                }
            }
        }
        damage = union_opt(damage, Some(r));
    });
    damage
}
