//! Pixel compositing between pixmaps: the per-pixel operator math (shared with text and
//! points), [`put_image`], [`put_raw`] (raw pixels without a pixmap), [`copy_area`], [`copy_within`] (overlap-safe scrolling) and
//! [`fill_solid`]. All of these work on whole pixels, so the clip is applied exactly through
//! its rectangle list rather than its mask.

use std::cell::RefCell;

use tiny_skia::{Pixmap, PremultipliedColorU8};

use super::bands;
use super::clip::Region;
use super::images::{swap_red_blue, RawImage};
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

/// Composites one row of premultiplied RGBA bytes (`src.len() == dst.len()`).
fn composite_row(op: Op, src: &[u8], dst: &mut [u8]) {
    match op {
        Op::Source => dst.copy_from_slice(src),
        Op::Clear => dst.fill(0),
        // An opaque source row covers the destination: a plain copy.
        Op::Over if row_opaque(src) => dst.copy_from_slice(src),
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
fn row_range(stride: u32, x: i32, y: i32, w: u32) -> std::ops::Range<usize> {
    let start = (y as usize * stride as usize + x as usize) * 4;
    start..start + w as usize * 4
}

/// Draws `img` with its top-left corner at `(x, y)` (X PutImage), honouring `s.op`
/// (`Over` blends by the image's alpha, `Source` replaces) and `s.clip`.
pub fn put_image(pm: &mut Pixmap, s: &Style, x: i32, y: i32, img: &Pixmap) -> Option<IRect> {
    copy_area(img, pm, s, pixmap_rect(img), x, y)
}

/// Draws raw pixels with their top-left corner at `(x, y)`: the same pixels as
/// [`decode_image`](super::decode_image) followed by [`put_image`], without the
/// intermediate pixmap. Opaque `Bgrx` with `Over` or `Source` (the common case) is one
/// swizzle from the image's rows straight into the pixmap's; anything else converts one
/// row at a time and composites it.
pub fn put_raw(pm: &mut Pixmap, s: &Style, x: i32, y: i32, img: &RawImage) -> Option<IRect> {
    let (w, h) = img.size();
    let region = Region::resolve(s.clip, pm);
    let area = pixmap_rect(pm);
    let pw = pm.width();
    let data = pm.data_mut();
    // Opaque pixels replace what is under them: Bgrx rows are swizzled straight into
    // place, and Rgba rows whose alpha is all 255 (the storage's own bytes, since
    // premultiplying by 255 changes nothing) are copied as they are. A small image is
    // tested whole first, in one pass (a test a row cost a 10×10 put a fifth of its
    // instructions); a large one, or one not all opaque, a row at a time, just before
    // the row is copied from the cache (a whole 500×500 image tested first and then
    // copied, out of the cache by then, cost putimage500 and shmput500 a tenth).
    let replaces = matches!(s.op, Op::Over | Op::Source);
    let direct = img.format() == ImageFormat::Bgrx && replaces;
    let storage = img.format() == ImageFormat::Rgba && replaces;
    let small = w as usize * h as usize <= MAX_TESTED_WHOLE;
    let opaque = storage && small && image_opaque(img);
    // How each row goes into place.
    let put_row = |src: &[u8], dst: &mut [u8]| {
        if direct {
            swap_red_blue(src, dst, 255);
        } else if opaque || (storage && row_opaque(src)) {
            dst.copy_from_slice(src);
        } else {
            with_row(|row_buf| {
                row_buf.clear();
                row_buf.resize(src.len(), 0);
                img.premultiply_row(src, row_buf);
                composite_row(s.op, row_buf, dst);
            });
        }
    };
    region.for_pieces(area, IRect::new(x, y, w, h), |p| {
        // Inside the image: `p` lies within `x..x+w` × `y..y+h`.
        let from = (
            (p.x as i64 - x as i64) as usize,
            (p.y as i64 - y as i64) as usize,
        );
        if bands::bands(s.workers, p.height as usize, p.width as usize) == 1 {
            let (bytes, src_stride) = img.bytes();
            let source = (bytes, src_stride, from.1 * src_stride + from.0 * 4);
            each_row(data, pw as usize * 4, p, source, put_row);
            return;
        }
        let cols = columns(p);
        let rows = p.y as usize..p.bottom() as usize;
        bands::for_rows(
            s.workers,
            data,
            pw as usize * 4,
            rows,
            p.width as usize,
            |y, row| {
                let src = img.row(from.0, from.1 + (y - p.y as usize), p.width as usize);
                if let (Some(src), Some(dst)) = (src, row.get_mut(cols.clone())) {
                    put_row(src, dst);
                }
            },
        );
    })
}

/// Calls `f(source row, destination row)` for each row of piece `p` of `data` (rows
/// `stride` bytes apart), the source's rows `src_stride` bytes apart in `src` from byte
/// `at` on, row after row on this thread: a plain loop, as the banded route's row
/// lookups (the source's row, the destination's columns, the band's row) cost a
/// 100×100 opaque put a fifth of its instructions and a 500×500 one 5 %.
fn each_row(
    data: &mut [u8],
    stride: usize,
    p: IRect,
    (src, src_stride, mut at): (&[u8], usize, usize),
    f: impl Fn(&[u8], &mut [u8]),
) {
    let len = p.width as usize * 4;
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
fn columns(p: IRect) -> std::ops::Range<usize> {
    p.x as usize * 4..p.right() as usize * 4
}

/// Copies `src_rect` of `src` to `(dst_x, dst_y)` in `dst` (X CopyArea) with `s.op` and
/// `s.clip`. Parts of `src_rect` outside `src` are not copied.
pub fn copy_area(
    src: &Pixmap,
    dst: &mut Pixmap,
    s: &Style,
    src_rect: IRect,
    dst_x: i32,
    dst_y: i32,
) -> Option<IRect> {
    let (dx, dy) = (
        dst_x as i64 - src_rect.x as i64,
        dst_y as i64 - src_rect.y as i64,
    );
    let visible = src_rect.intersect(&pixmap_rect(src))?.translate(dx, dy)?;
    let region = Region::resolve(s.clip, dst);
    let area = pixmap_rect(dst);
    let sw = src.width();
    let dw = dst.width();
    let src_data = src.data();
    let dst_data = dst.data_mut();
    let op = copy_op(s);
    let copy_row = |sb: &[u8], db: &mut [u8]| {
        check_opaque(s, sb);
        composite_row(op, sb, db);
    };
    region.for_pieces(area, visible, |p| {
        let (sx, sy) = ((p.x as i64 - dx) as i32, (p.y as i64 - dy) as i32);
        if bands::bands(s.workers, p.height as usize, p.width as usize) == 1 {
            let source = (src_data, sw as usize * 4, row_range(sw, sx, sy, 0).start);
            each_row(dst_data, dw as usize * 4, p, source, copy_row);
            return;
        }
        let cols = columns(p);
        let rows = p.y as usize..p.bottom() as usize;
        bands::for_rows(
            s.workers,
            dst_data,
            dw as usize * 4,
            rows,
            p.width as usize,
            |y, row| {
                let sr = row_range(sw, sx, sy + (y - p.y as usize) as i32, p.width);
                if let (Some(sb), Some(db)) = (src_data.get(sr), row.get_mut(cols.clone())) {
                    copy_row(sb, db);
                }
            },
        );
    })
}

thread_local! {
    /// Reusable snapshot buffer for overlapping copies.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}
/// Larger snapshot buffers are released after use.
const MAX_KEPT_SCRATCH: usize = 16 << 20;

/// Copies `src_rect` to `(dst_x, dst_y)` inside one pixmap (scrolling). Overlapping source
/// and destination are handled correctly: the result is as if the source were copied first.
pub fn copy_within(
    pm: &mut Pixmap,
    s: &Style,
    src_rect: IRect,
    dst_x: i32,
    dst_y: i32,
) -> Option<IRect> {
    let (dx, dy) = (
        dst_x as i64 - src_rect.x as i64,
        dst_y as i64 - src_rect.y as i64,
    );
    let area = pixmap_rect(pm);
    let src_vis = src_rect.intersect(&area)?;
    let visible = src_vis.translate(dx, dy)?;
    let region = Region::resolve(s.clip, pm);
    let dst_vis = visible.intersect(&region.limit(pm)?)?;
    // The source pixels that will actually be read.
    let needed = dst_vis.translate(-dx, -dy)?;
    let w = pm.width();

    if matches!(region, Region::All) {
        move_rows(s, pm.data_mut(), w as usize * 4, needed, dst_vis);
        return Some(dst_vis);
    }

    with_scratch(|buf| {
        // Snapshot the needed source rows.
        buf.clear();
        for row in 0..needed.height as i32 {
            if let Some(src) = pm
                .data()
                .get(row_range(w, needed.x, needed.y + row, needed.width))
            {
                buf.extend_from_slice(src);
            }
        }
        let damage = if buf.len() == needed.width as usize * needed.height as usize * 4 {
            let snap_stride = needed.width;
            let data = pm.data_mut();
            region.for_pieces(area, dst_vis, |p| {
                let (sx, sy) = (
                    (p.x as i64 - dx) as i32 - needed.x,
                    (p.y as i64 - dy) as i32 - needed.y,
                );
                for row in 0..p.height as i32 {
                    let sr = row_range(snap_stride, sx, sy + row, p.width);
                    let dr = row_range(w, p.x, p.y + row, p.width);
                    if let (Some(sb), Some(db)) = (buf.get(sr), data.get_mut(dr)) {
                        check_opaque(s, sb);
                        composite_row(copy_op(s), sb, db);
                    }
                }
            })
        } else {
            None
        };
        damage
    })
}

/// The operator a copy composites its rows with: `Over` from a source known to be
/// opaque replaces what is under it, as `Source` does, without testing each row.
fn copy_op(s: &Style) -> Op {
    match s.op {
        Op::Over if s.source_opaque => Op::Source,
        op => op,
    }
}

/// In debug builds, that a row of a source said to be opaque is (a write that should
/// have made the server forget it, `state::opaque`, and did not).
#[inline]
fn check_opaque(s: &Style, row: &[u8]) {
    if cfg!(debug_assertions) && s.source_opaque {
        assert!(
            row_opaque(row),
            "a drawable known to be opaque has a translucent pixel"
        );
    }
}

/// [`copy_within`] without a clip: the rows of `src` (a rectangle of the pixmap whose rows
/// are `data`, `stride` bytes each) go to `dst`, its translate, each row composited with
/// `s.op` as if the whole source had been read first.
///
/// One thread goes row by row in the order that never reads an overwritten row (bottom
/// up when moving down); opaque rows (or `Source`) move with memmove, others are
/// composited from a copy of the row. A large copy whose rows each read only their own
/// row (a move sideways) or rows it never writes (a move by its height or more) is split
/// into bands drawn at once (`bands`). A move up or down by less than its height is not:
/// each band would read rows another one writes, and copying those first (tried) made a
/// 500×500 copy a third slower on two cores than on one.
fn move_rows(s: &Style, data: &mut [u8], stride: usize, src: IRect, dst: IRect) {
    let h = dst.height as usize;
    let rows = dst.y as usize..dst.y as usize + h;
    let shift = dst.y as i64 - src.y as i64;
    if rows.end * stride > data.len() || (src.y as usize + h) * stride > data.len() {
        return;
    }
    let (scols, dcols) = (columns(src), columns(dst));
    let separate = shift.unsigned_abs() as usize >= h;
    let op = copy_op(s);
    let n = bands::bands(s.workers, h, dst.width as usize);
    if n > 1 && shift == 0 {
        bands::for_rows(
            s.workers,
            data,
            stride,
            rows,
            dst.width as usize,
            |_, row| {
                check_opaque(s, &row[scols.clone()]);
                move_row(op, row, scols.clone(), dcols.start);
            },
        );
    } else if n > 1 && separate {
        // The source rows lie wholly above or below the destination's.
        let split = if shift > 0 { rows.start } else { rows.end };
        let (above, below) = data.split_at_mut(split * stride);
        let (read, write, first): (&[u8], &mut [u8], usize) = match shift > 0 {
            true => (above, below, rows.start),
            false => (below, above, 0),
        };
        let read_base = if shift > 0 { 0 } else { split };
        let rel = rows.start - first..rows.end - first;
        bands::for_rows(
            s.workers,
            write,
            stride,
            rel,
            dst.width as usize,
            |y, row| {
                let r = (y + first) as i64 - shift - read_base as i64;
                let from = &read[r as usize * stride..][scols.clone()];
                check_opaque(s, from);
                composite_row(op, from, &mut row[dcols.clone()]);
            },
        );
    } else {
        for i in 0..h {
            let d = if shift > 0 {
                rows.end - 1 - i
            } else {
                rows.start + i
            };
            let at = (d as i64 - shift) as usize * stride;
            let sr = at + scols.start..at + scols.end;
            let dr = d * stride + dcols.start;
            check_opaque(s, &data[sr.clone()]);
            move_row(op, data, sr, dr);
        }
    }
}

/// Composites the bytes `sr` of `data` onto those from `to` on (the same length), which
/// may overlap them: opaque rows (or `Source`) with memmove, others from a copy.
#[inline]
fn move_row(op: Op, data: &mut [u8], sr: std::ops::Range<usize>, to: usize) {
    if op == Op::Source || (op == Op::Over && row_opaque(&data[sr.clone()])) {
        data.copy_within(sr, to);
    } else {
        with_row(|row| {
            row.clear();
            row.extend_from_slice(&data[sr.clone()]);
            composite_row(op, row, &mut data[to..to + sr.len()]);
        });
    }
}

thread_local! {
    /// Reusable copy of one row, per thread (each band's own).
    static ROW: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the thread's reusable row buffer (a fresh one if it is unavailable).
fn with_row<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    ROW.with(|cell| match cell.try_borrow_mut() {
        Ok(mut row) => f(&mut row),
        Err(_) => f(&mut Vec::new()),
    })
}

/// Runs `f` with the thread's reusable scratch buffer (a fresh one if it is unavailable).
fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
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

/// Whether filling `r` with `s` leaves every pixel of `pm` opaque: `r` covers it, and an
/// opaque colour replaces what was there (`Over` or `Source`, no clip).
pub fn paints_all(pm: &Pixmap, s: &Style, r: IRect) -> bool {
    let covers = r.x <= 0 && r.y <= 0 && r.right() >= pm.width() as i64;
    covers
        && r.bottom() >= pm.height() as i64
        && matches!(s.op, Op::Over | Op::Source)
        && s.color >> 24 == 0xFF
        && s.clip.is_none()
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
