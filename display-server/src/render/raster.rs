//! The direct rasterizer's target: a pixmap's pixels as `u32` words, the drawable limit,
//! the clip, and the colour and operator of one drawing call. The aliased fast paths
//! (thin lines, ellipses, polygons, rectangles) reduce their shapes to horizontal spans
//! and single pixels and hand them here, so clipping, blending and damage live in one
//! place and every shape gets them alike.
//!
//! Why not tiny-skia for these: it builds a path, sets up edges and runs a general scan
//! converter per call, which costs tens of thousands of instructions for a 10-pixel
//! circle. An opaque span here is one `fill` of `u32`s.

use std::ops::Range;

use tiny_skia::{Pixmap, PremultipliedColorU8};

use super::bands::{self, Workers};
use super::clip::Region;
use super::compose::blend_pixel;
use super::{premul, IRect, Op, Style};

/// The pixels of `pm` as native-endian words (byte order R, G, B, A in memory).
pub(crate) fn words(pm: &mut Pixmap) -> &mut [u32] {
    // tiny-skia keeps pixels in a `Vec<u8>` that it already casts to 4-byte pixels, and
    // allocators return word-aligned blocks; the cast checks both.
    bytemuck::cast_slice_mut(pm.data_mut())
}

/// Stores `w` in every word of `out`: short runs one by one (no set-up cost), long ones
/// sixteen words per step so that the compiler emits unrolled wide stores.
#[inline]
pub(crate) fn fill_words(out: &mut [u32], w: u32) {
    let mut chunks = out.chunks_exact_mut(16);
    for c in &mut chunks {
        for p in c {
            *p = w;
        }
    }
    for p in chunks.into_remainder() {
        *p = w;
    }
}

/// The word of a premultiplied colour.
pub(crate) fn word(c: PremultipliedColorU8) -> u32 {
    u32::from_ne_bytes([c.red(), c.green(), c.blue(), c.alpha()])
}

fn color_of(w: u32) -> PremultipliedColorU8 {
    let [r, g, b, a] = w.to_ne_bytes();
    PremultipliedColorU8::from_rgba(r, g, b, a).unwrap_or(PremultipliedColorU8::TRANSPARENT)
}

/// The value every covered pixel takes when the result does not depend on the
/// destination (opaque `Over`, `Source`, `Clear`), else `None` (blend pixel by pixel).
pub(crate) fn direct_word(s: &Style) -> Option<u32> {
    let color = premul(s.color);
    match s.op {
        Op::Source => Some(word(color)),
        Op::Clear => Some(0),
        Op::Over if color.is_opaque() => Some(word(color)),
        _ => None,
    }
}

/// Anything that takes horizontal spans row by row: the [`Target`] itself, or a
/// recorder that keeps a shape's spans for later reuse (see `span_cache.rs`).
pub(crate) trait SpanSink {
    /// The rows worth producing, `top..bottom`.
    fn rows(&self) -> (i64, i64);
    /// Takes pixels `xa..xb` of row `y`.
    fn span(&mut self, y: i64, xa: i64, xb: i64);
}

impl SpanSink for Target<'_> {
    fn rows(&self) -> (i64, i64) {
        Target::rows(self)
    }

    #[inline]
    fn span(&mut self, y: i64, xa: i64, xb: i64) {
        Target::span(self, y, xa, xb)
    }
}

/// Where one call draws, and what it has drawn so far.
pub(crate) struct Target<'a> {
    px: &'a mut [u32],
    stride: usize,
    /// The drawable area (clip bounds included), as `x0..x1` × `y0..y1`.
    x0: i64,
    y0: i64,
    x1: i64,
    y1: i64,
    region: &'a Region<'a>,
    direct: Option<u32>,
    color: PremultipliedColorU8,
    op: Op,
    /// Bounding box of the pixels touched, as `l..r` × `t..b` (empty while `l >= r`).
    damage: (i64, i64, i64, i64),
}

impl<'a> Target<'a> {
    /// A target on `pm` for style `s`; `None` when the region lets nothing through.
    pub(crate) fn new(pm: &'a mut Pixmap, s: &Style, region: &'a Region<'a>) -> Option<Self> {
        let limit = region.limit(pm)?;
        let stride = pm.width() as usize;
        Some(Target {
            px: words(pm),
            stride,
            x0: limit.x as i64,
            y0: limit.y as i64,
            x1: limit.right(),
            y1: limit.bottom(),
            region,
            direct: direct_word(s),
            color: premul(s.color),
            op: s.op,
            damage: (i64::MAX, i64::MAX, i64::MIN, i64::MIN),
        })
    }

    /// The rows that can be drawn, `top..bottom`.
    pub(crate) fn rows(&self) -> (i64, i64) {
        (self.y0, self.y1)
    }

    /// The columns that can be drawn, `left..right`.
    pub(crate) fn cols(&self) -> (i64, i64) {
        (self.x0, self.x1)
    }

    /// Draws pixels `xa..xb` of row `y` (anything outside the limit is skipped).
    #[inline]
    pub(crate) fn span(&mut self, y: i64, xa: i64, xb: i64) {
        if y < self.y0 || y >= self.y1 {
            return;
        }
        let (xa, xb) = (xa.max(self.x0), xb.min(self.x1));
        if xa >= xb {
            return;
        }
        let d = &mut self.damage;
        *d = (d.0.min(xa), d.1.min(y), d.2.max(xb), d.3.max(y + 1));
        let row = y as usize * self.stride;
        let (a, b) = (row + xa as usize, row + xb as usize);
        match (self.region, self.direct) {
            (Region::All, Some(w)) => fill_words(&mut self.px[a..b], w),
            _ => {
                for x in xa..xb {
                    if self.region.allows(x as i32, y as i32) {
                        let p = &mut self.px[row + x as usize];
                        *p = match self.direct {
                            Some(w) => w,
                            None => word(blend_pixel(self.op, self.color, color_of(*p), 255)),
                        };
                    }
                }
            }
        }
    }

    /// Draws pixel `(x, y)` if it is inside the limit and the clip.
    #[inline]
    pub(crate) fn pixel(&mut self, x: i64, y: i64) {
        self.span(y, x, x + 1);
    }

    /// Row stride in pixels.
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// The word that covered pixels take when it can be stored without looking at the
    /// clip or the destination (no clip, destination-independent colour).
    pub(crate) fn plain_word(&self) -> Option<u32> {
        match self.region {
            Region::All => self.direct,
            _ => None,
        }
    }

    /// The pixels, for callers that check bounds themselves and use [`Target::plain_word`].
    pub(crate) fn words_mut(&mut self) -> &mut [u32] {
        self.px
    }

    /// Adds `l..r` × `t..b` (already inside the limit) to the damage.
    pub(crate) fn add_damage(&mut self, l: i64, t: i64, r: i64, b: i64) {
        let d = &mut self.damage;
        *d = (d.0.min(l), d.1.min(t), d.2.max(r), d.3.max(b));
    }

    /// The damaged area so far.
    pub(crate) fn damage(&self) -> Option<IRect> {
        let (l, t, r, b) = self.damage;
        IRect::from_ltrb(l, t, r, b)
    }
}

/// Fills integer rectangles with an opaque (or destination-independent) colour and no
/// clip: the common case of PolyFillRectangle, as straight row fills.
/// A large rectangle's rows are split among `workers` (see `bands`).
pub(crate) fn fill_rects_unclipped(
    pm: &mut Pixmap,
    w: u32,
    rects: &[IRect],
    workers: Option<&Workers>,
) -> Option<IRect> {
    let (pw, ph) = (pm.width() as i64, pm.height() as i64);
    let stride = pm.width() as usize;
    let px = words(pm);
    let (mut l, mut t, mut r, mut b) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
    for rect in rects {
        let x0 = (rect.x as i64).max(0);
        let y0 = (rect.y as i64).max(0);
        let x1 = rect.right().min(pw);
        let y1 = rect.bottom().min(ph);
        if x0 >= x1 || y0 >= y1 {
            continue;
        }
        (l, t, r, b) = (l.min(x0), t.min(y0), r.max(x1), b.max(y1));
        let (x0, x1, y0, y1) = (x0 as usize, x1 as usize, y0 as usize, y1 as usize);
        if x1 - x0 >= WIDE_ROW || y1 - y0 >= TALL {
            fill_large(workers, px, stride, y0..y1, x0..x1, w);
            continue;
        }
        // Narrow and short (rect1, rect10): a row at a time, short runs word by word.
        let mut row = y0 * stride;
        for _ in y0..y1 {
            px[row + x0..row + x1].fill(w);
            row += stride;
        }
    }
    IRect::from_ltrb(l, t, r, b)
}

/// Rectangles at least this tall go to [`fill_large`] whatever their width: narrower
/// than [`WIDE_ROW`], they are the only ones big enough to split among workers.
const TALL: usize = bands::MIN_PIXELS / WIDE_ROW;

/// A wide or tall rectangle's rows: split among `workers` when it is large enough (see
/// `bands`), with 256-bit stores when wide. Out of line, so that the loop of small
/// rectangles (rect1 is 1000 one-pixel rectangles a request) keeps its registers: with
/// the two large routes tested and entered inside the loop, a one-pixel rectangle cost
/// 101 instructions, now 98 (callgrind, the request's handler).
#[inline(never)]
fn fill_large(
    workers: Option<&Workers>,
    px: &mut [u32],
    stride: usize,
    rows: Range<usize>,
    cols: Range<usize>,
    w: u32,
) {
    let width = cols.len();
    if bands::bands(workers, rows.len(), width) > 1 {
        bands::for_rows(workers, px, stride, rows, width, |_, row| {
            fill_rows(row, 0, 0..1, cols.clone(), w)
        });
    } else {
        fill_rows(px, stride, rows, cols, w);
    }
}

/// Rows at least this wide are filled with 256-bit stores where the processor has them.
const WIDE_ROW: usize = 64;

/// Stores `w` in columns `cols` of each row of `rows` (rows of `stride` words): rows of
/// 64 words or more with 256-bit stores where the processor has them (the standard
/// library caches the check), a third faster than 128-bit ones on a 500×500 fill.
#[inline(always)]
fn fill_rows(px: &mut [u32], stride: usize, rows: Range<usize>, cols: Range<usize>, w: u32) {
    #[cfg(target_arch = "x86_64")]
    if cols.len() >= WIDE_ROW && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the function only needs AVX2, which the processor was just found to have.
        unsafe { fill_rows_avx2(px, stride, rows, cols, w) };
        return;
    }
    fill_rows_plain(px, stride, rows, cols, w);
}

/// [`fill_rows_plain`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fill_rows_avx2(px: &mut [u32], stride: usize, rows: Range<usize>, cols: Range<usize>, w: u32) {
    fill_rows_plain(px, stride, rows, cols, w);
}

/// Inlined so each caller's target features apply.
#[inline(always)]
fn fill_rows_plain(px: &mut [u32], stride: usize, rows: Range<usize>, cols: Range<usize>, w: u32) {
    for y in rows {
        let row = y * stride;
        px[row + cols.start..row + cols.end].fill(w);
    }
}
