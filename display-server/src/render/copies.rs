//! Copies of pixels between and inside pixmaps: [`copy_area`] (X CopyArea between two
//! drawables, and [`put_image`] of a decoded image) and [`copy_within`] (inside one,
//! overlap-safe, for scrolling), each row
//! composited with the GC's operator; an `Over` copy from a drawable known to be opaque
//! (`Style::source_opaque`) moves rows as they are.

use tiny_skia::Pixmap;

use super::bands;
use super::clip::Region;
use super::compose::{columns, composite_row, each_row, row_opaque, row_range, with_scratch};
use super::images::{Convert, Rows};
use super::{pixmap_rect, IRect, Op, Style};

/// Draws `img` with its top-left corner at `(x, y)` (X PutImage), honouring `s.op`
/// (`Over` blends by the image's alpha, `Source` replaces) and `s.clip`.
pub fn put_image(pm: &mut Pixmap, s: &Style, x: i32, y: i32, img: &Pixmap) -> Option<IRect> {
    copy_area(img, pm, s, pixmap_rect(img), x, y)
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
    let (dx, dy) = shift(src_rect, dst_x, dst_y);
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
    // The common copy (Source, or Over from an opaque source): each row one memcpy, with
    // no operator to choose a row (that choice cost a 100×100 copy a fifth of its
    // instructions).
    let plain_row = |sb: &[u8], db: &mut [u8]| {
        check_opaque(s, sb);
        db.copy_from_slice(sb);
    };
    region.for_pieces(area, visible, |p| {
        let (sx, sy) = ((p.x as i64 - dx) as i32, (p.y as i64 - dy) as i32);
        let source = (src_data, sw as usize * 4, row_range(sw, sx, sy, 0).start);
        let banded = bands::bands(s.workers, p.height as usize, p.width as usize) > 1;
        match op {
            Op::Source if !banded => {
                check_opaque_rows(s, src_data, source.1, source.2, p);
                Rows {
                    src: src_data,
                    src_at: source.2,
                    src_stride: source.1,
                    dst: &mut *dst_data,
                    dst_at: p.y as usize * dw as usize * 4 + p.x as usize * 4,
                    dst_stride: dw as usize * 4,
                    width: p.width as usize,
                    height: p.height as usize,
                }
                .convert(Convert::Copy)
            }
            Op::Source => each_row(s.workers, dst_data, dw as usize * 4, p, source, plain_row),
            _ => each_row(s.workers, dst_data, dw as usize * 4, p, source, copy_row),
        }
    })
}

/// What an unclipped [`copy_within`] of a `width × height` pixmap changes (what it
/// returns), worked out without the pixels: for a copy handed to a lane.
pub fn unclipped_within_damage(
    width: u32,
    height: u32,
    src_rect: IRect,
    dst_x: i32,
    dst_y: i32,
) -> Option<IRect> {
    let (dx, dy) = shift(src_rect, dst_x, dst_y);
    let area = IRect::new(0, 0, width, height);
    src_rect
        .intersect(&area)?
        .translate(dx, dy)?
        .intersect(&area)
}

/// Copies `src_rect` to `(dst_x, dst_y)` inside one pixmap (scrolling). Overlapping source
/// and destination are handled correctly: the result is as if the source were copied first.
pub fn copy_within(
    pm: &mut Pixmap,
    s: &Style,
    src_rect: IRect,
    dst_x: i32,
    dst_y: i32,
) -> Option<IRect> {
    let (dx, dy) = shift(src_rect, dst_x, dst_y);
    let area = pixmap_rect(pm);
    let w = pm.width();
    let region = Region::resolve(s.clip, pm);
    if matches!(region, Region::All) {
        // The same damage a lane is told of before the drawing.
        let dst_vis = unclipped_within_damage(w, pm.height(), src_rect, dst_x, dst_y)?;
        let needed = dst_vis.translate(-dx, -dy)?;
        move_rows(s, pm.data_mut(), w as usize * 4, needed, dst_vis);
        return Some(dst_vis);
    }
    let visible = src_rect.intersect(&area)?.translate(dx, dy)?;
    let dst_vis = visible.intersect(&region.limit(pm)?)?;
    // The source pixels that will actually be read.
    let needed = dst_vis.translate(-dx, -dy)?;

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

/// How far a copy of `src_rect` to `(dst_x, dst_y)` moves each pixel, wide enough that
/// no coordinate overflows.
fn shift(src_rect: IRect, dst_x: i32, dst_y: i32) -> (i64, i64) {
    (
        dst_x as i64 - src_rect.x as i64,
        dst_y as i64 - src_rect.y as i64,
    )
}

/// The operator a copy composites its rows with: `Over` from a source known to be
/// opaque replaces what is under it, as `Source` does, without testing each row.
fn copy_op(s: &Style) -> Op {
    match s.op {
        Op::Over if s.source_opaque => Op::Source,
        op => op,
    }
}

/// [`check_opaque`] for each row of the `p`-sized area of `src` that starts at `at`
/// (rows `stride` bytes apart).
#[inline]
fn check_opaque_rows(s: &Style, src: &[u8], stride: usize, at: usize, p: IRect) {
    if cfg!(debug_assertions) && s.source_opaque {
        let len = p.width as usize * 4;
        for r in 0..p.height as usize {
            if let Some(row) = src.get(at + r * stride..at + r * stride + len) {
                check_opaque(s, row);
            }
        }
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
    } else if separate && (n > 1 || op == Op::Source) {
        // The source rows lie wholly above or below the destination's.
        let split = if shift > 0 { rows.start } else { rows.end };
        let (above, below) = data.split_at_mut(split * stride);
        let (read, write, first): (&[u8], &mut [u8], usize) = match shift > 0 {
            true => (above, below, rows.start),
            false => (below, above, 0),
        };
        let read_base = if shift > 0 { 0 } else { split };
        let rel = rows.start - first..rows.end - first;
        if n == 1 {
            // One thread, replacing: every row in one vector loop (a memmove a row cost a
            // 100×100 copy a tenth of its time in calls).
            let src_at = (rows.start as i64 - shift) as usize - read_base;
            let at = src_at * stride + scols.start;
            check_opaque_rows(s, read, stride, at, dst);
            return Rows {
                src: read,
                src_at: at,
                src_stride: stride,
                dst: write,
                dst_at: rel.start * stride + dcols.start,
                dst_stride: stride,
                width: dst.width as usize,
                height: h,
            }
            .convert(Convert::Copy);
        }
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
        with_scratch(|row| {
            row.clear();
            row.extend_from_slice(&data[sr.clone()]);
            composite_row(op, row, &mut data[to..to + sr.len()]);
        });
    }
}
