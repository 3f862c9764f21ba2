//! Text: the embedded faces (`yonder-fonts`' DejaVu Sans, Sans Bold and Sans Mono, each
//! parsed once), per face a bounded cache of glyph rasters keyed by (char, pixel size)
//! with ASCII tables for the size in use, text
//! layout shared by [`text_extents`] and [`draw_text`], and blending of glyph coverage
//! into a pixmap (whole words at a time for the common opaque colour, through
//! `glyph_blend.rs`, over each glyph row's inked columns only). Text without
//! antialiasing (`Style::text_antialias` false, X's core fonts) has glyphs of their own:
//! the coverage thresholded at half, drawn as runs of whole pixels.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use fontdue::Font;
use tiny_skia::Pixmap;
use yonder_fonts::{key_px, size_key, Face, Pen};

use super::clip::Region;
use super::compose::blend_pixel;
use super::glyph_blend::with_blend;
use super::raster::{word, words};
use super::{premul, union_opt, IRect, Op, Style};

/// The glyph cache is emptied when it holds more glyphs or raster bytes than this.
const CACHE_MAX_GLYPHS: usize = 4096;
const CACHE_MAX_BYTES: usize = 32 << 20;

/// Measurements of a string, in pixels, relative to the origin on the baseline: the
/// type clients measure into too (`yonder-fonts`), so both sides fill the same fields.
pub use yonder_fonts::Extents as TextExtents;

/// A rasterized glyph: coverage bitmap plus placement.
struct Glyph {
    xmin: i32,
    ymin: i32,
    width: usize,
    height: usize,
    advance: f32,
    coverage: Vec<u8>,
    /// An antialiased glyph: per row, the columns `l..r` holding all its non-zero
    /// coverage (`l == r`: none); empty for one without antialiasing.
    ink: Vec<(u16, u16)>,
    /// A glyph without antialiasing (coverage 0 or 255 only): its inked pixels as runs,
    /// row by row; empty for an antialiased one.
    runs: Vec<Run>,
    /// A glyph without antialiasing at most 32 pixels wide: per row, its inked columns as
    /// bits (bit `i`: column `i`), how a whole glyph is drawn; empty otherwise.
    masks: Vec<u32>,
}

/// Per row of a `width`-wide coverage bitmap of 0 and 255, its inked columns as bits;
/// empty if the glyph is wider than 32.
fn masks_of(coverage: &[u8], width: usize) -> Vec<u32> {
    if width == 0 || width > 32 {
        return Vec::new();
    }
    let bits =
        |row: &[u8]| (row.iter().enumerate()).fold(0, |m, (i, &k)| m | u32::from(k != 0) << i);
    coverage.chunks(width).map(bits).collect()
}

impl Glyph {
    /// The heap memory it holds (what the cache's bound counts).
    fn heap_bytes(&self) -> usize {
        self.coverage.len()
            + self.ink.len() * std::mem::size_of::<(u16, u16)>()
            + self.runs.len() * std::mem::size_of::<Run>()
            + self.masks.len() * std::mem::size_of::<u32>()
    }
}

/// Columns `l..r` of glyph row `row`, all fully covered.
#[derive(Clone, Copy)]
struct Run {
    row: u16,
    l: u16,
    r: u16,
}

/// The runs of full coverage of a `width`-wide coverage bitmap holding only 0 and 255.
fn runs_of(coverage: &[u8], width: usize) -> Vec<Run> {
    let mut runs = Vec::new();
    if width == 0 {
        return runs;
    }
    // Glyphs are at most a few hundred pixels a side (sizes are clamped).
    let narrow = |v: usize| v.min(u16::MAX as usize) as u16;
    for (row, cov) in coverage.chunks(width).enumerate() {
        let mut x = 0;
        while let Some(l) = cov[x..].iter().position(|&k| k != 0).map(|l| x + l) {
            let r = cov[l..]
                .iter()
                .position(|&k| k == 0)
                .map_or(width, |r| l + r);
            runs.push(Run {
                row: narrow(row),
                l: narrow(l),
                r: narrow(r),
            });
            x = r;
        }
    }
    runs
}

/// Per row of a `width`-wide coverage bitmap, the extent of its non-zero coverage.
fn ink_rows(coverage: &[u8], width: usize) -> Vec<(u16, u16)> {
    if width == 0 {
        return Vec::new();
    }
    coverage
        .chunks(width)
        .map(|row| {
            let l = row.iter().position(|&k| k != 0).unwrap_or(0);
            let r = row.iter().rposition(|&k| k != 0).map_or(l, |r| r + 1);
            // Glyph rows are at most a few hundred pixels wide (sizes are clamped).
            (
                l.min(u16::MAX as usize) as u16,
                r.min(u16::MAX as usize) as u16,
            )
        })
        .collect()
}

/// ASCII characters get a table per size (the size last used), so that the common case
/// costs an index instead of a hash lookup, glyph and kerning alike.
const ASCII: usize = 128;

/// A glyph's cache key: its character, its size key and whether it is antialiased.
type GlyphKey = (char, u32, bool);

#[derive(Default)]
struct GlyphCache {
    map: HashMap<GlyphKey, Arc<Glyph>>,
    bytes: usize,
    /// The size key the ASCII tables are for (0: none yet).
    ascii_key: u32,
    /// Glyphs of ASCII characters at `ascii_key`: antialiased at `c`, without at
    /// `ASCII + c`.
    ascii: Vec<Option<Arc<Glyph>>>,
    /// Kerning of ASCII pairs at `ascii_key`, `[left * ASCII + right]`; NaN: not known yet.
    kern: Vec<f32>,
}

struct FontData {
    font: &'static Font,
    cache: Mutex<GlyphCache>,
}

/// The embedded font of `face` (`yonder-fonts`), parsed on first use (`None` only if
/// parsing failed), with its own glyph cache.
fn font(face: Face) -> Option<&'static FontData> {
    static FONTS: [OnceLock<Option<FontData>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    FONTS[face as usize]
        .get_or_init(|| {
            Some(FontData {
                font: face.font()?,
                cache: Mutex::new(GlyphCache::default()),
            })
        })
        .as_ref()
}

/// Parses the default face (Sans) on a thread of its own, now, rather than on the state
/// thread at the first text drawn. fontdue parses every glyph's outline up front (tens of
/// milliseconds), and a restarted server gets its first text from every app at once, as
/// they replay their state and redraw (bench/reconnect.sh): the state thread would stall
/// them all meanwhile. Drawing before the parse is done waits for it (a `OnceLock`).
/// Bold and Mono are parsed at their first use instead: each parsed face holds its
/// outlines (about 10 MiB), and most sessions never draw them.
pub fn warm_up() {
    let spawned = std::thread::Builder::new()
        .name("yonder-font".into())
        .spawn(|| {
            font(Face::Sans);
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot parse the font ahead ({e}); it is parsed at first use");
    }
}

impl GlyphCache {
    /// Makes the ASCII tables those of size `key`.
    fn select(&mut self, key: u32) {
        if self.ascii_key != key {
            self.ascii_key = key;
            self.ascii.clear();
            self.ascii.resize(2 * ASCII, None);
            self.kern.clear();
            self.kern.resize(ASCII * ASCII, f32::NAN);
        }
    }

    /// The glyph of `ch` at the selected size `key`, antialiased or not (`aa`). Inlined
    /// into the layout loop: it is the per-character hot path of DrawText (perf showed it
    /// as a call costing 4 % of aa10text once the loop went through `Pen`).
    /// `AA` is a constant so that the layout loop keeps no register for it (as an
    /// argument it cost aa10text's blending loop an instruction a pixel, 4 %).
    #[inline(always)]
    fn glyph<const AA: bool>(&mut self, font: &Font, ch: char, key: u32) -> &Glyph {
        let c = ch as usize;
        if c < ASCII && self.ascii_key == key {
            let slot = if AA { c } else { ASCII + c };
            if self.ascii[slot].is_none() {
                self.ascii[slot] = Some(self.get(font, (ch, key, AA)));
            }
            return self.ascii[slot].as_deref().expect("just filled");
        }
        self.get(font, (ch, key, AA));
        &self.map[&(ch, key, AA)]
    }

    /// Kerning between `a` and `b` at the selected size `key` (`px` pixels).
    fn kerning(&mut self, font: &Font, a: char, b: char, key: u32, px: f32) -> f32 {
        let (ia, ib) = (a as usize, b as usize);
        if ia < ASCII && ib < ASCII && self.ascii_key == key {
            let k = &mut self.kern[ia * ASCII + ib];
            if k.is_nan() {
                *k = font.horizontal_kern(a, b, px).unwrap_or(0.0);
            }
            return *k;
        }
        font.horizontal_kern(a, b, px).unwrap_or(0.0)
    }

    fn get(&mut self, font: &Font, at: GlyphKey) -> Arc<Glyph> {
        if let Some(g) = self.map.get(&at) {
            return Arc::clone(g);
        }
        let (ch, key, aa) = at;
        // Missing characters map to glyph 0, the font's notdef box.
        let (m, mut coverage) = font.rasterize(ch, key_px(key));
        let ok = coverage.len() == m.width * m.height;
        if !aa {
            // Without antialiasing a pixel is inked when the glyph covers half of it.
            for k in &mut coverage {
                *k = if *k >= 128 { 255 } else { 0 };
            }
        }
        // Inked columns for the antialiased route, runs and masks for the other.
        let (ink, runs, masks) = match ok {
            true if aa => (ink_rows(&coverage, m.width), Vec::new(), Vec::new()),
            true => (
                Vec::new(),
                runs_of(&coverage, m.width),
                masks_of(&coverage, m.width),
            ),
            false => (Vec::new(), Vec::new(), Vec::new()),
        };
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
            ink,
            runs,
            masks,
        });
        let bytes = glyph.heap_bytes();
        if self.map.len() >= CACHE_MAX_GLYPHS || self.bytes + bytes > CACHE_MAX_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        self.bytes += bytes;
        self.map.insert(at, Arc::clone(&glyph));
        glyph
    }
}

/// Lays out `text` by the shared rule ([`Pen`]: clients measure with it too), calling
/// `f(pen_x, glyph)` for each glyph, antialiased or not (`AA`: the same advances);
/// returns the final pen position.
fn layout<const AA: bool>(
    fd: &FontData,
    key: u32,
    text: &str,
    mut f: impl FnMut(i64, &Glyph),
) -> i64 {
    let px = key_px(key);
    let mut cache = fd.cache.lock().unwrap_or_else(PoisonError::into_inner);
    cache.select(key);
    let mut pen = Pen::default();
    for ch in text.chars() {
        let x = pen.place(ch, |a, b| cache.kerning(fd.font, a, b, key, px));
        let g = cache.glyph::<AA>(fd.font, ch, key);
        f(x, g);
        pen.advance(g.advance);
    }
    pen.end()
}

/// Measures `text` (UTF-8) in `face` at `size_px` pixels per em.
pub fn text_extents(face: Face, size_px: f32, text: &str) -> TextExtents {
    let (Some(fd), Some(key)) = (font(face), size_key(size_px)) else {
        return TextExtents::default();
    };
    let mut e = TextExtents::default();
    if let Some(lm) = fd.font.horizontal_line_metrics(key_px(key)) {
        e.font_ascent = lm.ascent.ceil() as i32;
        e.font_descent = (-lm.descent).ceil() as i32;
    }
    // Left, right, ascent, descent.
    let mut ink: Option<(i64, i64, i64, i64)> = None;
    // Extents are those of the antialiased glyphs, whatever a GC draws with.
    let end = layout::<true>(fd, key, text, |pen, g| {
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

/// The visible part of glyph `g` drawn with its pen at `pen_x` on the baseline `base`,
/// and the glyph's top-left in pixmap coordinates.
fn glyph_area(g: &Glyph, pen_x: i64, base: i64, limit: IRect) -> Option<(IRect, i64, i64)> {
    if g.width == 0 || g.height == 0 {
        return None;
    }
    let gx = pen_x + g.xmin as i64;
    let gy = base - (g.ymin as i64 + g.height as i64);
    let r = IRect::from_ltrb(gx, gy, gx + g.width as i64, gy + g.height as i64)?;
    Some((r.intersect(&limit)?, gx, gy))
}

/// Draws `text` (UTF-8) with its origin at `(x, y_baseline)`, blending glyph coverage
/// (antialiased, or 0 and 255 only without `s.text_antialias`) with `s.color` using
/// `s.op` and `s.clip`. Returns the damaged area: the visible part of every glyph's box.
pub fn draw_text(
    pm: &mut Pixmap,
    s: &Style,
    face: Face,
    size_px: f32,
    x: i32,
    y_baseline: i32,
    text: &str,
) -> Option<IRect> {
    let fd = font(face)?;
    let key = size_key(size_px)?;
    let region = Region::resolve(s.clip, pm);
    let limit = region.limit(pm)?;
    let color = premul(s.color);
    // Opaque colour with `Over` and no clip: mix the colour into each pixel by coverage
    // on whole words (exactly the general operator's result, without its generality).
    let opaque = match (&region, s.op) {
        (Region::All, Op::Over) if color.is_opaque() => Some(word(color)),
        _ => None,
    };
    let stride = pm.width() as usize;
    let mut damage = None;
    let aa = s.text_antialias;
    if let (Some(c), false) = (opaque, aa) {
        // Without antialiasing: a whole glyph (the common case) row by row, each inked
        // bit a pixel, as X draws its glyphs; a glyph cut by the edge, or wider than 32,
        // as its runs of pixels, cut to what is visible.
        let pixels = words(pm);
        let (lx, ly, lr, lb) = (
            limit.x as i64,
            limit.y as i64,
            limit.right(),
            limit.bottom(),
        );
        // The whole glyphs' box, kept as edges (cheaper than a rectangle a glyph).
        let mut whole = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        layout::<false>(fd, key, text, |pen, g| {
            let gx = x as i64 + pen + g.xmin as i64;
            let gy = y_baseline as i64 - (g.ymin as i64 + g.height as i64);
            let (gr, gb) = (gx + g.width as i64, gy + g.height as i64);
            let inside = gx >= lx && gy >= ly && gr <= lr && gb <= lb;
            if inside && !g.masks.is_empty() {
                let Some(area) = pixels.get_mut(gy as usize * stride + gx as usize..) else {
                    return;
                };
                for (line, &mask) in area.chunks_mut(stride).zip(&g.masks) {
                    let mut m = mask;
                    while m != 0 {
                        if let Some(p) = line.get_mut(m.trailing_zeros() as usize) {
                            *p = c;
                        }
                        m &= m - 1;
                    }
                }
                whole = (
                    whole.0.min(gx),
                    whole.1.min(gy),
                    whole.2.max(gr),
                    whole.3.max(gb),
                );
                return;
            }
            let Some((r, gx, gy)) = glyph_area(g, x as i64 + pen, y_baseline as i64, limit) else {
                return;
            };
            // Visible glyph columns `x0..x1` and rows `y0..y1`.
            let (x0, x1) = (r.x as i64 - gx, r.right() - gx);
            let (y0, y1) = (r.y as i64 - gy, r.bottom() - gy);
            for run in &g.runs {
                let row = i64::from(run.row);
                let (l, rr) = (i64::from(run.l).max(x0), i64::from(run.r).min(x1));
                if row < y0 || row >= y1 || l >= rr {
                    continue;
                }
                let dst = (gy + row) as usize * stride + (gx + l) as usize;
                if let Some(out) = pixels.get_mut(dst..dst + (rr - l) as usize) {
                    out.fill(c);
                }
            }
            damage = union_opt(damage, Some(r));
        });
        return union_opt(damage, IRect::from_ltrb(whole.0, whole.1, whole.2, whole.3));
    }
    if let Some(c) = opaque {
        let pixels = words(pm);
        with_blend(c, |blend| {
            layout::<true>(fd, key, text, |pen, g| {
                let Some((r, gx, gy)) = glyph_area(g, x as i64 + pen, y_baseline as i64, limit)
                else {
                    return;
                };
                // Visible glyph columns `x0..x1`.
                let x0 = (r.x as i64 - gx) as usize;
                let x1 = x0 + r.width as usize;
                for py in r.y..r.bottom() as i32 {
                    let gr = (py as i64 - gy) as usize;
                    // Only the row's inked columns.
                    let Some(&(l, rr)) = g.ink.get(gr) else {
                        continue;
                    };
                    let (l, rr) = ((l as usize).max(x0), (rr as usize).min(x1));
                    if l >= rr {
                        continue;
                    }
                    let row = gr * g.width;
                    let dst = py as usize * stride + (gx + l as i64) as usize;
                    let n = rr - l;
                    let (Some(cov), Some(out)) = (
                        g.coverage.get(row + l..row + rr),
                        pixels.get_mut(dst..dst + n),
                    ) else {
                        continue;
                    };
                    for (p, &k) in out.iter_mut().zip(cov) {
                        match k {
                            0 => {}
                            255 => *p = c,
                            k => *p = blend.mix(*p, k),
                        }
                    }
                }
                damage = union_opt(damage, Some(r));
            })
        });
        return damage;
    }
    let pixels = pm.pixels_mut();
    let mut each = |pen: i64, g: &Glyph| {
        let Some((r, gx, gy)) = glyph_area(g, x as i64 + pen, y_baseline as i64, limit) else {
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
    };
    match aa {
        true => layout::<true>(fd, key, text, &mut each),
        false => layout::<false>(fd, key, text, &mut each),
    };
    damage
}
