//! Pixel compositing between pixmaps: the per-pixel operator math (shared with text and
//! points), the opacity test of rows, [`put_raw`] (raw pixels without a pixmap) and
//! [`fill_solid`], and the row walk ([`each_row`]) and scratch buffer the
//! copies (`copies`) share. All of these work on whole pixels, so the clip is applied
//! exactly through its rectangle list rather than its mask.

use std::cell::RefCell;

use tiny_skia::{Pixmap, PremultipliedColorU8};

use super::bands;
use super::clip::Region;
use super::images::{Convert, RawImage, Rows};
use super::{mul255, pixmap_rect, premul, IRect, ImageFormat, Op, Style};

/// Composites premultiplied `src` onto `dst` with `op`, scaled by `coverage` (0..=255).
pub(crate) fn blend_pixel(
    op: Op,
    src: PremultipliedColorU8,
    dst: PremultipliedColorU8,
    coverage: u8,
) -> PremultipliedColorU8 {
    let s = [src.red(), src.green(), src.blue(), src.alpha()];
    let d = [dst.red(), dst.green(), dst.blue(), dst.alpha()];
    let o = blend_rgba(op, s, d, coverage);
    PremultipliedColorU8::from_rgba(o[0], o[1], o[2], o[3])
        .unwrap_or(PremultipliedColorU8::TRANSPARENT)
}

/// The operator math on premultiplied RGBA bytes; the result is valid premultiplied data.
fn blend_rgba(op: Op, s: [u8; 4], d: [u8; 4], coverage: u8) -> [u8; 4] {
    let (sa, da) = (s[3] as u32, d[3] as u32);
    let mut out = [0u8; 4];
    for i in 0..4 {
        let (sc, dc) = (s[i] as u32, d[i] as u32);
        let v = match op {
            Op::Over => sc + mul255(dc, 255 - sa),
            Op::Source => sc,
            Op::Clear => 0,
            Op::Xor => mul255(sc, 255 - da) + mul255(dc, 255 - sa),
            Op::Add => sc + dc,
            Op::Multiply => mul255(sc, dc) + mul255(sc, 255 - da) + mul255(dc, 255 - sa),
            Op::Screen => sc + dc - mul255(sc, dc),
        }
        .min(255);
        out[i] = if coverage == 255 {
            v as u8
        } else {
            let c = coverage as u32;
            (mul255(v, c) + mul255(dc, 255 - c)).min(255) as u8
        };
    }
    for i in 0..3 {
        out[i] = out[i].min(out[3]);
    }
    out
}

/// Whether every pixel of a row of premultiplied RGBA bytes is opaque.
pub(super) fn row_opaque(row: &[u8]) -> bool {
    match bytemuck::try_cast_slice::<u8, u32>(row) {
        Ok(words) => words_opaque(words),
        Err(_) => row.chunks_exact(4).all(|p| p[3] == 255),
    }
}

/// [`row_opaque`] on native-endian words; compiled for AVX2 too, used where the
/// processor has it (the standard library caches the check).
fn words_opaque(words: &[u32]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the function only needs AVX2, which the processor was just found to have.
        return unsafe { words_opaque_avx2(words) };
    }
    words_opaque_portable(words)
}

/// [`words_opaque_portable`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn words_opaque_avx2(words: &[u32]) -> bool {
    words_opaque_portable(words)
}

/// Fixed blocks of 128 words, then of 32, scanned in vector registers (fully unrolled);
/// the first block with a non-opaque pixel ends the scan. Inlined so each caller's
/// target features apply.
#[inline(always)]
fn words_opaque_portable(words: &[u32]) -> bool {
    // The alpha bits that are clear anywhere, ORed together: zero when all are opaque
    // (an OR reduction tested against zero, which vectorizes into a single test).
    const ALPHA: u32 = u32::from_ne_bytes([0, 0, 0, 255]);
    #[inline(always)]
    fn clear<const N: usize>(b: &[u32]) -> u32 {
        let b: &[u32; N] = b.try_into().expect("a block of N");
        b.iter().fold(0, |a, &w| a | (!w & ALPHA))
    }
    let mut large = words.chunks_exact(128);
    for b in &mut large {
        if clear::<128>(b) != 0 {
            return false;
        }
    }
    let mut small = large.remainder().chunks_exact(32);
    for b in &mut small {
        if clear::<32>(b) != 0 {
            return false;
        }
    }
    small.remainder().iter().fold(0, |a, &w| a | (!w & ALPHA)) == 0
}

/// Whether every pixel of `pm` is opaque.
pub fn all_opaque(pm: &Pixmap) -> bool {
    row_opaque(pm.data())
}

/// Copies `src` into `dst`, a row of pixels (the same length): a short row, 16 to 64
/// bytes, in 16-byte moves inline, the last one overlapping the one before; any other
/// through `copy_from_slice`. A call to `memcpy` costs a 40-byte row (a 10×10 put's)
/// about 30 instructions, the moves 10.
#[inline(always)]
pub(super) fn copy_row(dst: &mut [u8], src: &[u8]) {
    let n = dst.len();
    if !(16..=64).contains(&n) || src.len() != n {
        dst.copy_from_slice(src);
        return;
    }
    let mut i = 0;
    while i + 16 < n {
        dst[i..i + 16].copy_from_slice(&src[i..i + 16]);
        i += 16;
    }
    dst[n - 16..].copy_from_slice(&src[n - 16..]);
}

/// Composites one row of premultiplied RGBA bytes (`src.len() == dst.len()`).
pub(super) fn composite_row(op: Op, src: &[u8], dst: &mut [u8]) {
    match op {
        Op::Source => copy_row(dst, src),
        Op::Clear => dst.fill(0),
        // An opaque source row covers the destination: a plain copy.
        Op::Over if row_opaque(src) => copy_row(dst, src),
        Op::Over => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                match s[3] {
                    0 => {}
                    255 => d.copy_from_slice(s),
                    sa => {
                        let inv = 255 - sa as u32;
                        for i in 0..4 {
                            d[i] = (s[i] as u32 + mul255(d[i] as u32, inv)).min(255) as u8;
                        }
                    }
                }
            }
        }
        _ => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                let o = blend_rgba(op, [s[0], s[1], s[2], s[3]], [d[0], d[1], d[2], d[3]], 255);
                d.copy_from_slice(&o);
            }
        }
    }
}

/// Byte range of row `y`, columns `x..x+w`, in a pixmap of `stride` pixels per row.
pub(super) fn row_range(stride: u32, x: i32, y: i32, w: u32) -> std::ops::Range<usize> {
    let start = (y as usize * stride as usize + x as usize) * 4;
    start..start + w as usize * 4
}

/// What an unclipped [`put_raw`] of a `width × height` image at `(x, y)` into a pixmap of
/// `pm_size` changes (what it returns), worked out without the pixels: for a put handed
/// to a lane.
pub fn unclipped_put_damage(
    pm_size: (u32, u32),
    x: i32,
    y: i32,
    width: u32,
    height: u32,
) -> Option<IRect> {
    IRect::new(x, y, width, height).intersect(&IRect::new(0, 0, pm_size.0, pm_size.1))
}

/// Draws raw pixels with their top-left corner at `(x, y)`: the same pixels as
/// [`decode_image`](super::decode_image) followed by [`put_image`](super::put_image), without the
/// intermediate pixmap. Opaque `Bgrx` or `Rgbx` with `Over` or `Source` (the common case)
/// is one conversion (a swizzle, or alpha set) from the image's rows straight into the
/// pixmap's; anything else converts one row at a time and composites it.
pub fn put_raw(pm: &mut Pixmap, s: &Style, x: i32, y: i32, img: &RawImage) -> Option<IRect> {
    let (w, h) = img.size();
    let region = Region::resolve(s.clip, pm);
    let area = pixmap_rect(pm);
    let pw = pm.width();
    let data = pm.data_mut();
    // Opaque pixels replace what is under them: Bgrx and Rgbx rows are converted straight
    // into place (one call for all the rows of a piece drawn on this thread), and Rgba
    // rows whose alpha is all 255 (the storage's own bytes, since premultiplying by 255
    // changes nothing) are copied as they are. A small image is
    // tested whole first, in one pass (a test a row cost a 10×10 put a fifth of its
    // instructions); a large one, or one not all opaque, a row at a time, just before
    // the row is copied from the cache (a whole 500×500 image tested first and then
    // copied, out of the cache by then, cost putimage500 and shmput500 a tenth).
    let replaces = matches!(s.op, Op::Over | Op::Source);
    let direct = match img.format() {
        ImageFormat::Bgrx => Some(Convert::SwapRedBlue(255)),
        ImageFormat::Rgbx => Some(Convert::SetAlpha),
        _ => None,
    }
    .filter(|_| replaces);
    // Rgbx rows of a few pixels are tested and copied as Rgba ones are (the call into
    // the AVX2 code, even once for all the rows, cost a 10×10 put 3 % of its
    // instructions): a copy when their fourth bytes are 255, as they usually are.
    let narrow_rgbx = direct == Some(Convert::SetAlpha) && w < NARROW;
    let storage = (img.format() == ImageFormat::Rgba || narrow_rgbx) && replaces;
    let small = w as usize * h as usize <= MAX_TESTED_WHOLE;
    let opaque = storage && small && image_opaque(img);
    // How each row goes into place: an image known opaque by a copy inlined in the row
    // loop (a call a row, with its saved registers, cost a 100×100 put a fifth of its
    // instructions), anything else out of line.
    let put_row = |src: &[u8], dst: &mut [u8]| {
        if opaque {
            copy_row(dst, src);
        } else {
            put_row_tested(s.op, img, direct, storage, src, dst);
        }
    };
    region.for_pieces(area, IRect::new(x, y, w, h), |p| {
        // Inside the image: `p` lies within `x..x+w` × `y..y+h`.
        let from = (
            (p.x as i64 - x as i64) as usize,
            (p.y as i64 - y as i64) as usize,
        );
        let (bytes, src_stride) = img.bytes();
        let at = from.1 * src_stride + from.0 * 4;
        let (width, height) = (p.width as usize, p.height as usize);
        match direct {
            Some(how) if !narrow_rgbx && bands::bands(s.workers, height, width) <= 1 => Rows {
                src: bytes,
                src_at: at,
                src_stride,
                dst: &mut *data,
                dst_at: (p.y as usize * pw as usize + p.x as usize) * 4,
                dst_stride: pw as usize * 4,
                width,
                height,
            }
            .convert(how),
            _ => each_row(
                s.workers,
                data,
                pw as usize * 4,
                p,
                (bytes, src_stride, at),
                put_row,
            ),
        }
    })
}

/// Whether [`put_raw`] of `img` with `Over` or `Source` stores only opaque pixels even
/// when the image's bytes change while it reads them (shared memory): so where each
/// pixel is read once and its alpha set (`Bgrx`, and `Rgbx` wide enough not to go as
/// `Rgba` does), not where the alpha is tested first and the bytes copied after.
pub fn put_raw_sets_alpha(img: &RawImage) -> bool {
    match img.format() {
        ImageFormat::Bgrx => true,
        ImageFormat::Rgbx => img.size().0 >= NARROW,
        _ => false,
    }
}

/// Calls `f(source row, destination row)` for each row of piece `p` of `data` (rows
/// `stride` bytes apart), the source's rows `src_stride` bytes apart in `src` from byte
/// `at` on. A large piece is split into bands drawn at once (`bands`); any other goes
/// row after row on this thread, in a plain loop: the banded route's row lookups (the
/// destination's columns, the band's row) cost a 100×100 opaque put a fifth of its
/// instructions and a 500×500 one 5 %.
#[inline]
pub(super) fn each_row(
    workers: Option<&bands::Workers>,
    data: &mut [u8],
    stride: usize,
    p: IRect,
    (src, src_stride, mut at): (&[u8], usize, usize),
    f: impl Fn(&[u8], &mut [u8]) + Sync,
) {
    let len = p.width as usize * 4;
    if bands::bands(workers, p.height as usize, p.width as usize) > 1 {
        let cols = columns(p);
        let rows = p.y as usize..p.bottom() as usize;
        bands::for_rows(workers, data, stride, rows, p.width as usize, |y, row| {
            let at = at + (y - p.y as usize) * src_stride;
            if let (Some(s), Some(d)) = (src.get(at..at + len), row.get_mut(cols.clone())) {
                f(s, d);
            }
        });
        return;
    }
    let mut to = p.y as usize * stride + p.x as usize * 4;
    for _ in 0..p.height {
        let (Some(s), Some(d)) = (src.get(at..at + len), data.get_mut(to..to + len)) else {
            return;
        };
        f(s, d);
        at += src_stride;
        to += stride;
    }
}

/// One row of a raw image into place, its opacity not known: `direct` (opaque Bgrx or
/// Rgbx replacing what is under it) converted, `storage` (Rgba replacing) copied if the
/// row is opaque, anything else premultiplied and composited with `op`.
#[inline(never)]
fn put_row_tested(
    op: Op,
    img: &RawImage,
    direct: Option<Convert>,
    storage: bool,
    src: &[u8],
    dst: &mut [u8],
) {
    if let Some(how) = direct {
        Rows::one(src, dst).convert(how);
    } else if storage && row_opaque(src) {
        copy_row(dst, src);
    } else {
        with_scratch(|row_buf| {
            row_buf.clear();
            row_buf.resize(src.len(), 0);
            img.premultiply_row(src, row_buf);
            composite_row(op, row_buf, dst);
        });
    }
}

/// Rgbx images narrower than this (in pixels) go as Rgba ones do.
const NARROW: u32 = 16;

/// The most pixels of a raw image tested for opacity as a whole (128 KiB, within the
/// second-level cache).
const MAX_TESTED_WHOLE: usize = 32 * 1024;

/// Whether every pixel of `img` is opaque: packed rows in one scan.
fn image_opaque(img: &RawImage) -> bool {
    let (w, h) = img.size();
    match img.row(0, 0, w as usize * h as usize) {
        Some(all) if img.is_packed() => row_opaque(all),
        _ => (0..h as usize).all(|y| img.row(0, y, w as usize).is_some_and(row_opaque)),
    }
}

/// The bytes of columns `p.x..p.x+p.width` within a row (`p` inside its pixmap).
pub(super) fn columns(p: IRect) -> std::ops::Range<usize> {
    p.x as usize * 4..p.right() as usize * 4
}

thread_local! {
    /// Reusable snapshot buffer for overlapping copies.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}
/// Larger snapshot buffers are released after use.
const MAX_KEPT_SCRATCH: usize = 16 << 20;

/// Runs `f` with the thread's reusable scratch buffer (a fresh one if it is unavailable).
pub(super) fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let taken = SCRATCH.try_with(|cell| {
        cell.try_borrow_mut()
            .ok()
            .map(|mut b| std::mem::take(&mut *b))
    });
    let mut buf = match taken {
        Ok(Some(b)) => b,
        _ => Vec::new(),
    };
    let res = f(&mut buf);
    if buf.capacity() <= MAX_KEPT_SCRATCH {
        let _ = SCRATCH.try_with(|cell| {
            if let Ok(mut b) = cell.try_borrow_mut() {
                *b = buf;
            }
        });
    }
    res
}

/// Replaces the pixels of `r` (clamped to the pixmap) with `color`, ignoring any clip and
/// operator: used for window backgrounds.
pub fn fill_solid(pm: &mut Pixmap, r: IRect, color: u32) -> Option<IRect> {
    let r = r.intersect(&pixmap_rect(pm))?;
    write_span_rect(pm, r, premul(color));
    Some(r)
}

/// Overwrites every pixel of `r` (which should lie inside `pm`) with `c`.
pub(crate) fn write_span_rect(pm: &mut Pixmap, r: IRect, c: PremultipliedColorU8) {
    let stride = pm.width() as usize;
    let pixels = pm.pixels_mut();
    for y in r.y as usize..r.bottom() as usize {
        let start = y * stride + r.x as usize;
        if let Some(row) = pixels.get_mut(start..start + r.width as usize) {
            row.fill(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_and_dispatched_opacity_scans_agree() {
        let opaque = u32::from_ne_bytes([1, 2, 3, 255]);
        let clear = u32::from_ne_bytes([1, 2, 3, 254]);
        for n in [0usize, 1, 31, 32, 33, 127, 128, 129, 200, 500] {
            let mut row = vec![opaque; n];
            assert!(words_opaque(&row) && words_opaque_portable(&row));
            for hole in 0..n {
                row[hole] = clear;
                assert!(!words_opaque(&row), "{n} {hole}");
                assert!(!words_opaque_portable(&row), "{n} {hole}");
                row[hole] = opaque;
            }
        }
    }
}
