//! How many pixels a drawing request may touch, worked out before it is drawn: honest
//! upper bounds of what the rasterizer routes of this module's siblings do, for the
//! per-request cap of `handlers::draw` and the state thread's budget of a batch
//! (protocol.md §19.3). Each kind of request's items is an [`Items`]: the most one item
//! can touch, known without looking at the items (the quick check that keeps small
//! requests free), and an estimate that looks at each. No item counts more than the
//! drawable's area (no route touches a pixel outside it, nor one inside it more than a
//! few times). Clips are ignored: they only take pixels away.
//!
//! Nothing here draws or knows the server's state; the "pixels" counted are the unit of
//! the cap and the budget, not a measure of nanoseconds.

use super::span_cache::MAX_CACHED_SIDE;
use super::{polyfill, ArcSpec, IRect};

/// A drawing request's items, as the rasterizer takes them, and the bounds of their work
/// in a drawable of `w × h` drawn `lw` wide (the GC's line width).
pub trait Items {
    /// Whether the per-request cap applies (not to images, which their frame bounds).
    const CAPPED: bool = true;
    /// How many items.
    fn count(&self) -> u64;
    /// The most pixels any one item can touch: without looking at the items.
    fn each(&self, lw: u32, w: u32, h: u32) -> u64;
    /// An upper bound of all the items' pixels, looking at each: a quick one when that
    /// is within `cap`, else the closest this module has.
    fn estimate(&self, lw: u32, w: u32, h: u32, cap: u64) -> u64;
}

/// Pixels of the drawable `w × h`.
fn area(w: u32, h: u32) -> u64 {
    w as u64 * h as u64
}

/// Pixels of the rectangle `l..r` × `t..b` (exclusive right and bottom) inside `w × h`.
#[inline]
fn inside(l: i64, t: i64, r: i64, b: i64, w: u32, h: u32) -> u64 {
    let cols = r.min(w as i64) - l.max(0);
    let rows = b.min(h as i64) - t.max(0);
    (cols.max(0) * rows.max(0)) as u64
}

/// Rows `t..b` inside a drawable `h` rows high.
fn rows_inside(t: i64, b: i64, h: u32) -> u64 {
    (b.min(h as i64) - t.max(0)).max(0) as u64
}

/// The line width that strokes cost: thin lines (0 or 1) are one pixel wide.
fn width(line_width: u32) -> u64 {
    line_width.max(1) as u64
}

/// The most a thin line (or outline) touches of each row or column it crosses, in a
/// drawable of `w × h`: the aliased route walks only the steps inside the drawable, one
/// pixel each; the anti-aliased one about two pixels a step, and a few beyond the edges.
fn thin_line(w: u32, h: u32) -> u64 {
    (2 * w.max(h) as u64 + 32).min(area(w, h))
}

/// The least `2^k − 1` at least every side whose bits `sides` ORs together: a bound of
/// all the items' widths and heights.
fn widest(sides: u32) -> u64 {
    (u32::MAX >> sides.leading_zeros()) as u64
}

/// `count` items of at most `each` pixels, if within `cap`; else what `careful` finds.
fn quick_or(count: u64, each: u64, cap: u64, careful: impl FnOnce() -> u64) -> u64 {
    match count.saturating_mul(each) {
        quick if quick <= cap => quick,
        _ => careful(),
    }
}

/// PolyFillRectangle: each rectangle's part inside the drawable. With the OR of all the
/// rectangles' widths and heights (see [`widest`]).
pub struct FillRects<'a>(pub &'a [IRect], pub u32);

impl Items for FillRects<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, _: u32, w: u32, h: u32) -> u64 {
        area(w, h)
    }

    fn estimate(&self, _: u32, w: u32, h: u32, cap: u64) -> u64 {
        let s = widest(self.1);
        quick_or(self.count(), s.min(w as u64) * s.min(h as u64), cap, || {
            self.0
                .iter()
                .map(|r| inside(r.x as i64, r.y as i64, r.right(), r.bottom(), w, h))
                .sum()
        })
    }
}

/// PolyRectangle: a thin outline crosses each row and column of the drawable at most
/// twice; a wide one is its perimeter (through pixel centres, `w + 1` by `h + 1` pixels)
/// times the line width, plus the corners' joins (a miter reaches out about 1.5 widths
/// at a right angle). With the OR of all the rectangles' widths and heights (see
/// [`widest`]).
pub struct StrokeRects<'a>(pub &'a [IRect], pub u32);

impl StrokeRects<'_> {
    fn one(width: u64, height: u64, lw: u64, most: u64) -> u64 {
        ((2 * (width + height) + 4 + 4 * lw) * lw).min(most)
    }
}

impl Items for StrokeRects<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, lw: u32, w: u32, h: u32) -> u64 {
        // Thin: its sides cross each row and each column at most twice, a thin line
        // each (see `thin_line`).
        match lw <= 1 {
            true => (4 * (w as u64 + h as u64) + 64).min(area(w, h)),
            false => area(w, h),
        }
    }

    fn estimate(&self, lw: u32, w: u32, h: u32, cap: u64) -> u64 {
        let most = self.each(lw, w, h);
        let lw = width(lw);
        let s = widest(self.1);
        quick_or(self.count(), Self::one(s, s, lw, most), cap, || {
            self.0
                .iter()
                .map(|r| Self::one(r.width as u64, r.height as u64, lw, most))
                .sum()
        })
    }
}

/// PolyPoint: one pixel a point.
pub struct Points(pub usize);

impl Items for Points {
    fn count(&self) -> u64 {
        self.0 as u64
    }

    fn each(&self, _: u32, _: u32, _: u32) -> u64 {
        1
    }

    fn estimate(&self, _: u32, _: u32, _: u32, _: u64) -> u64 {
        self.count()
    }
}

/// The most pixels a line of `n` items touches each: a thin one crosses the drawable
/// once; a wide one is at most the drawable.
fn line_each(lw: u32, w: u32, h: u32) -> u64 {
    match lw <= 1 {
        true => thin_line(w, h),
        false => area(w, h),
    }
}

/// One segment `a`–`b` stroked `lw` wide with `ends` widths of caps and joins: its
/// length along the major axis (both end points included) plus the ends, times the
/// width, at most `most`.
fn segment(a: (i32, i32), b: (i32, i32), lw: u64, ends: u64, most: u64) -> u64 {
    let dx = (a.0 as i64 - b.0 as i64).unsigned_abs();
    let dy = (a.1 as i64 - b.1 as i64).unsigned_abs();
    ((dx.max(dy) + 1 + ends * lw) * lw).min(most)
}

/// PolySegment: each segment with its two caps (at most half a width each, square or
/// round).
pub struct Segments<'a>(pub &'a [(i32, i32, i32, i32)]);

impl Items for Segments<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, lw: u32, w: u32, h: u32) -> u64 {
        line_each(lw, w, h)
    }

    fn estimate(&self, lw: u32, w: u32, h: u32, _: u64) -> u64 {
        let (most, lw) = (self.each(lw, w, h), width(lw));
        self.0
            .iter()
            .map(|&(x1, y1, x2, y2)| segment((x1, y1), (x2, y2), lw, 1, most))
            .sum()
    }
}

/// PolyLine: each segment with room for its joins (a miter reaches out up to X's miter
/// limit, about 5.2 widths, over a width at most) and the line's caps.
pub struct PolyLine<'a>(pub &'a [(i32, i32)]);

impl Items for PolyLine<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, lw: u32, w: u32, h: u32) -> u64 {
        line_each(lw, w, h)
    }

    fn estimate(&self, lw: u32, w: u32, h: u32, _: u64) -> u64 {
        let (most, lw) = (self.each(lw, w, h), width(lw));
        self.0
            .windows(2)
            .map(|p| segment(p[0], p[1], lw, 6, most))
            .sum::<u64>()
            .max(self.0.len().min(1) as u64)
    }
}

/// The rows of an arc's box (`height + 1` pixels) inside a drawable `h` rows high.
fn arc_rows(a: &ArcSpec, h: u32) -> u64 {
    rows_inside(a.y as i64, a.y as i64 + a.height as i64 + 1, h)
}

/// The rows of a box `height` high that recording its ellipse's spans for the cache
/// works through (`span_cache.rs`, for boxes up to its side), wherever the arc lies: an
/// arc outside the drawable, of a size not yet cached, costs them all the same.
fn record_rows(width: u64, height: u64) -> u64 {
    let cached = width.max(height) <= MAX_CACHED_SIDE as u64;
    cached as u64 * (height + 1)
}

/// [`record_rows`] at most, of any box whose sides are at most `s`.
fn record_most(s: u64) -> u64 {
    s.min(MAX_CACHED_SIDE as u64) + 1
}

/// What one arc can cost at most: the drawable, and the recording of its spans.
fn arc_each(w: u32, h: u32) -> u64 {
    area(w, h) + MAX_CACHED_SIDE as u64 + 1
}

/// PolyArc: an arc's length is at most its box's perimeter; times the width, plus its
/// caps, plus the rows of its box inside the drawable (the row-by-row routes visit each)
/// and those of recording it. With the OR of all the arcs' widths and heights (see
/// [`widest`]).
pub struct StrokeArcs<'a>(pub &'a [ArcSpec], pub u32);

impl StrokeArcs<'_> {
    /// An arc of a box `width × height`, with `rows` of it in the drawable and `record`
    /// rows to record.
    fn one(width: u64, height: u64, rows: u64, record: u64, lw: u64, most: u64) -> u64 {
        ((2 * (width + height) + 4 + 2 * lw) * lw + rows).min(most) + record
    }
}

impl Items for StrokeArcs<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, _: u32, w: u32, h: u32) -> u64 {
        arc_each(w, h)
    }

    fn estimate(&self, lw: u32, w: u32, h: u32, cap: u64) -> u64 {
        let (most, lw) = (area(w, h), width(lw));
        let s = widest(self.1);
        let rows = (s + 1).min(h as u64);
        let quick = Self::one(s, s, rows, record_most(s), lw, most);
        quick_or(self.count(), quick, cap, || {
            self.0
                .iter()
                .map(|a| {
                    let (width, height) = (a.width as u64, a.height as u64);
                    let (rows, record) = (arc_rows(a, h), record_rows(width, height));
                    Self::one(width, height, rows, record, lw, most)
                })
                .sum()
        })
    }
}

/// PolyFillArc: each arc's box (`w + 1` by `h + 1` pixels at most) inside the drawable,
/// plus its rows (the row-by-row routes visit each) and those of recording it. With the
/// OR of all the arcs' widths and heights.
pub struct FillArcs<'a>(pub &'a [ArcSpec], pub u32);

impl Items for FillArcs<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, _: u32, w: u32, h: u32) -> u64 {
        arc_each(w, h)
    }

    fn estimate(&self, _: u32, w: u32, h: u32, cap: u64) -> u64 {
        let most = area(w, h);
        let s = widest(self.1);
        let (cols, rows) = ((s + 1).min(w as u64), (s + 1).min(h as u64));
        let quick = (cols * rows + rows).min(most) + record_most(s);
        quick_or(self.count(), quick, cap, || {
            self.0
                .iter()
                .map(|a| {
                    let (l, t) = (a.x as i64, a.y as i64);
                    let (r, b) = (l + a.width as i64 + 1, t + a.height as i64 + 1);
                    let fill = (inside(l, t, r, b, w, h) + arc_rows(a, h)).min(most);
                    fill + record_rows(a.width as u64, a.height as u64)
                })
                .sum()
        })
    }
}

/// FillPoly: the polygon's box inside the drawable (its spans, disjoint in each row, lie
/// there), plus the edge work of either route: the row-by-row fill (`polyfill.rs`, up to
/// its most vertices) looks at every edge on every row of the box; the path route (and
/// tiny-skia's scan converter) at each edge on the rows it crosses, and at the edges its
/// clipping adds along the sides of the safe box (at most two for each edge that leaves
/// the drawable, each over the box's rows). Its items are its points.
pub struct Polygon<'a>(pub &'a [(i32, i32)]);

impl Items for Polygon<'_> {
    fn count(&self) -> u64 {
        self.0.len() as u64
    }

    fn each(&self, _: u32, w: u32, h: u32) -> u64 {
        area(w, h)
    }

    fn estimate(&self, _: u32, w: u32, h: u32, _: u64) -> u64 {
        let pts = self.0;
        let Some(&(x0, y0)) = pts.first() else {
            return 0;
        };
        let (mut l, mut t, mut r, mut b) = (x0 as i64, y0 as i64, x0 as i64, y0 as i64);
        let (mut edge_rows, mut leaving) = (0u64, 0u64);
        let out = |x: i32, y: i32| x < 0 || y < 0 || x as i64 >= w as i64 || y as i64 >= h as i64;
        for (i, &(xa, ya)) in pts.iter().enumerate() {
            let (xb, yb) = pts[(i + 1) % pts.len()];
            (l, t, r, b) = (
                l.min(xa as i64),
                t.min(ya as i64),
                r.max(xa as i64),
                b.max(ya as i64),
            );
            let (top, bottom) = (ya.min(yb) as i64, ya.max(yb) as i64 + 1);
            edge_rows += rows_inside(top, bottom, h) + 1;
            leaving += (out(xa, ya) || out(xb, yb)) as u64;
        }
        let rows = rows_inside(t, b + 1, h);
        let fill = inside(l, t, r + 1, b + 1, w, h);
        let row_by_row = match pts.len() <= polyfill::MAX_VERTICES {
            true => rows * pts.len() as u64,
            false => 0, // polygons of more vertices take the path route
        };
        let path = edge_rows + 2 * leaving * rows;
        fill + row_by_row.max(path)
    }
}

/// DrawText: each character's glyph box at `size` pixels (its ink lies within a square
/// of about the size, and a pixel of margin around). Its items are the text's bytes (at
/// least its characters, and counted for free).
pub struct Text<'a> {
    /// The text.
    pub text: &'a str,
    /// The font size in pixels.
    pub size: f32,
}

impl Items for Text<'_> {
    fn count(&self) -> u64 {
        self.text.len() as u64
    }

    fn each(&self, _: u32, w: u32, h: u32) -> u64 {
        let side = self.size.clamp(0.0, 1e6).ceil() as u64 + 2;
        (side * side).min(area(w, h))
    }

    fn estimate(&self, lw: u32, w: u32, h: u32, _: u64) -> u64 {
        self.text.chars().count() as u64 * self.each(lw, w, h)
    }
}

/// PutImage and ShmPutImage: one image, at most the drawable; not capped (the frame or
/// the shared segment bounds its size).
pub struct Image;

impl Items for Image {
    const CAPPED: bool = false;

    fn count(&self) -> u64 {
        1
    }

    fn each(&self, _: u32, w: u32, h: u32) -> u64 {
        area(w, h)
    }

    fn estimate(&self, lw: u32, w: u32, h: u32, _: u64) -> u64 {
        self.each(lw, w, h)
    }
}

#[cfg(test)]
#[path = "tests_work.rs"]
mod tests;
