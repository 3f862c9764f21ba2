//! How many pixels a drawing request may touch, worked out before it is drawn: honest
//! upper bounds of what the rasterizer routes of this module's siblings do for each item,
//! for the per-request cap of `handlers::draw` (protocol.md §19.3). Each estimator takes
//! the items as the rasterizer gets them and the drawable's size `w × h`; every item counts
//! at most the drawable's area (no route touches a pixel outside it, nor any pixel of it
//! more than a few times). Clips are ignored: they only ever take pixels away.
//!
//! Nothing here draws or knows the server's state; the pixels counted are what the cap
//! and the fairness budget of the state thread are measured in, not nanoseconds.

use super::{polyfill, ArcSpec, IRect};

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

/// PolyFillRectangle: each rectangle's part inside the drawable.
pub fn fill_rects(rects: &[IRect], w: u32, h: u32) -> u64 {
    rects
        .iter()
        .map(|r| inside(r.x as i64, r.y as i64, r.right(), r.bottom(), w, h))
        .sum()
}

/// PolyRectangle: each outline's perimeter (through pixel centres, `w + 1` by `h + 1`
/// pixels) times the line width, plus the corners' joins (a miter reaches out about
/// 1.5 widths at a right angle).
pub fn stroke_rects(rects: &[IRect], line_width: u32, w: u32, h: u32) -> u64 {
    let lw = width(line_width);
    let most = area(w, h);
    rects
        .iter()
        .map(|r| {
            let perimeter = 2 * (r.width as u64 + r.height as u64) + 4;
            ((perimeter + 4 * lw) * lw).min(most)
        })
        .sum()
}

/// PolyPoint: one pixel a point.
pub fn points(n: usize) -> u64 {
    n as u64
}

/// One segment `a`–`b` stroked `lw` wide with `ends` widths of caps and joins: its
/// length along the major axis (both end points included) plus the ends, times the
/// width. A thin line draws one pixel per step of the major axis; a wide one is covered
/// by that length and width.
fn segment(a: (i32, i32), b: (i32, i32), lw: u64, ends: u64, most: u64) -> u64 {
    let dx = (a.0 as i64 - b.0 as i64).unsigned_abs();
    let dy = (a.1 as i64 - b.1 as i64).unsigned_abs();
    ((dx.max(dy) + 1 + ends * lw) * lw).min(most)
}

/// PolySegment: each segment with its two caps (at most half a width each, square or
/// round).
pub fn segments(segs: &[(i32, i32, i32, i32)], line_width: u32, w: u32, h: u32) -> u64 {
    let (lw, most) = (width(line_width), area(w, h));
    segs.iter()
        .map(|&(x1, y1, x2, y2)| segment((x1, y1), (x2, y2), lw, 1, most))
        .sum()
}

/// PolyLine: each segment with room for its joins (a miter reaches out up to X's miter
/// limit, about 5.2 widths, over a width at most) and the line's caps.
pub fn poly_line(pts: &[(i32, i32)], line_width: u32, w: u32, h: u32) -> u64 {
    let (lw, most) = (width(line_width), area(w, h));
    pts.windows(2)
        .map(|p| segment(p[0], p[1], lw, 6, most))
        .sum::<u64>()
        .max(pts.len().min(1) as u64)
}

/// PolyArc: each arc's length is at most its box's perimeter; times the width, plus its
/// caps; the rows of its box inside the drawable for the row-by-row routes.
pub fn stroke_arcs(arcs: &[ArcSpec], line_width: u32, w: u32, h: u32) -> u64 {
    let (lw, most) = (width(line_width), area(w, h));
    arcs.iter()
        .map(|a| {
            let perimeter = 2 * (a.width as u64 + a.height as u64) + 4;
            let rows = rows_inside(a.y as i64, a.y as i64 + a.height as i64 + 1, h);
            ((perimeter + 2 * lw) * lw + rows).min(most)
        })
        .sum()
}

/// PolyFillArc: each arc's box (`w + 1` by `h + 1` pixels at most) inside the drawable,
/// plus its rows (the row-by-row routes look at each).
pub fn fill_arcs(arcs: &[ArcSpec], w: u32, h: u32) -> u64 {
    let most = area(w, h);
    arcs.iter()
        .map(|a| {
            let (l, t) = (a.x as i64, a.y as i64);
            let (r, b) = (l + a.width as i64 + 1, t + a.height as i64 + 1);
            (inside(l, t, r, b, w, h) + rows_inside(t, b, h)).min(most)
        })
        .sum()
}

/// FillPoly: the polygon's box inside the drawable (its spans, disjoint in each row, lie
/// there), plus the edge work of either route: the row-by-row fill (`polyfill.rs`, up to
/// its most vertices) looks at every edge on every row of the box; the path route (and
/// tiny-skia's scan converter) at each edge on the rows
/// it crosses, and at the edges its clipping adds along the sides of the safe box (at
/// most two for each edge that leaves the drawable, each over the box's rows).
pub fn fill_polygon(pts: &[(i32, i32)], w: u32, h: u32) -> u64 {
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

/// DrawText: each character's glyph box at `size` pixels (its ink lies within a square
/// of about the size, and a pixel of margin around), at most the drawable's area.
pub fn text(chars: usize, size: f32, w: u32, h: u32) -> u64 {
    let side = size.clamp(0.0, 1e6).ceil() as u64 + 2;
    (side * side).min(area(w, h)) * chars as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc(x: i32, y: i32, width: u32, height: u32) -> ArcSpec {
        ArcSpec {
            x,
            y,
            width,
            height,
            angle1: 0,
            angle2: 360 * 64,
        }
    }

    #[test]
    fn fills_count_only_what_lies_inside_the_drawable() {
        let r = |x, y, w, h| IRect::new(x, y, w, h);
        assert_eq!(fill_rects(&[r(0, 0, 10, 10)], 100, 100), 100);
        assert_eq!(fill_rects(&[r(-5, -5, 10, 10)], 100, 100), 25);
        assert_eq!(fill_rects(&[r(95, 0, 10, 1)], 100, 100), 5);
        assert_eq!(fill_rects(&[r(200, 0, 10, 10), r(0, 0, 0, 9)], 100, 100), 0);
        // Huge rectangles are the drawable at most, and many add up exactly.
        let huge = r(i32::MIN, i32::MIN, u32::MAX, u32::MAX);
        assert_eq!(fill_rects(&[huge; 3], 8192, 4096), 3 << 25);
        let far = r(i32::MAX, i32::MAX, u32::MAX, u32::MAX);
        assert_eq!(fill_rects(&[far], 8192, 4096), 0);
    }

    #[test]
    fn outlines_go_by_perimeter_and_width_clamped_to_the_drawable() {
        let r = IRect::new(0, 0, 10, 20);
        // Thin: the 11 × 21 outline (60 pixels) is within the bound.
        let thin = stroke_rects(&[r], 0, 100, 100);
        assert!((60..=100).contains(&thin), "{thin}");
        assert_eq!(stroke_rects(&[r], 1, 100, 100), thin);
        // Wide: about width times perimeter.
        let wide = stroke_rects(&[r], 4, 100, 100);
        assert!(wide >= 4 * 60 && wide <= 5 * thin, "{wide}");
        // Never more than the drawable, however large.
        let huge = IRect::new(-10, -10, u32::MAX, u32::MAX);
        assert_eq!(stroke_rects(&[huge, huge], 4096, 64, 32), 2 * 64 * 32);
        assert_eq!(points(7), 7);
    }

    #[test]
    fn lines_go_by_their_major_axis() {
        // A thin segment draws max(|dx|, |dy|) + 1 pixels; the bound is a little more.
        let s = segments(&[(0, 0, 30, 10)], 0, 100, 100);
        assert!((31..=40).contains(&s), "{s}");
        assert_eq!(segments(&[(0, 0, 10, 30)], 0, 100, 100), s);
        // Width multiplies; a point-long segment still counts.
        assert!(segments(&[(0, 0, 30, 10)], 5, 100, 100) >= 5 * 31);
        assert!(segments(&[(3, 3, 3, 3)], 0, 100, 100) >= 1);
        // Clamped per segment to the drawable.
        let long = (i32::MIN, 0, i32::MAX, 0);
        assert_eq!(segments(&[long; 4], 4096, 10, 10), 400);
        // A poly-line: its segments with room for joins.
        let line = poly_line(&[(0, 0), (30, 0), (30, 30)], 0, 100, 100);
        assert!((61..=80).contains(&line), "{line}");
        assert_eq!(poly_line(&[(5, 5)], 0, 100, 100), 1);
        assert_eq!(poly_line(&[], 0, 100, 100), 0);
    }

    #[test]
    fn arcs_go_by_their_box() {
        // A thin circle of diameter 20: about 63 pixels of outline, 21 rows.
        let o = stroke_arcs(&[arc(0, 0, 20, 20)], 0, 100, 100);
        assert!((63..=120).contains(&o), "{o}");
        // A fill: its 21 × 21 box and rows.
        assert_eq!(fill_arcs(&[arc(0, 0, 20, 20)], 100, 100), 21 * 21 + 21);
        assert_eq!(fill_arcs(&[arc(-10, -10, 20, 20)], 100, 100), 11 * 11 + 11);
        assert_eq!(fill_arcs(&[arc(500, 500, 20, 20)], 100, 100), 0);
        // Giant arcs: the drawable at most each.
        let giant = arc(i32::MIN / 2, i32::MIN / 2, u32::MAX, u32::MAX);
        assert_eq!(fill_arcs(&[giant; 2], 50, 40), 2 * 2000);
        assert_eq!(stroke_arcs(&[giant], 4096, 50, 40), 2000);
    }

    #[test]
    fn polygons_count_their_box_and_their_edges_rows() {
        // A triangle in a 10 × 10 box: its box, plus 3 edges looked at on 11 rows.
        let tri = [(0, 0), (10, 0), (0, 10)];
        assert_eq!(fill_polygon(&tri, 100, 100), 11 * 11 + 11 * 3);
        // Far outside: nothing to fill, and the edges cost a little.
        let away = [(1000, 1000), (1010, 1000), (1000, 1010)];
        assert_eq!(fill_polygon(&away, 100, 100), 3);
        // Many vertices: the edge work grows with the rows each edge crosses.
        let zigzag: Vec<(i32, i32)> = (0..1000).map(|i| (i % 2 * 50, i / 10)).collect();
        let z = fill_polygon(&zigzag, 100, 100);
        assert!(z >= 51 * 100 + 1000 && z <= 51 * 100 + 4000, "{z}");
        assert_eq!(fill_polygon(&[], 100, 100), 0);
        // Huge coordinates stay within bounds (no overflow) and clip.
        let huge = [(i32::MIN, i32::MIN), (i32::MAX, i32::MIN), (0, i32::MAX)];
        let hz = fill_polygon(&huge, 64, 64);
        assert!(hz >= 64 * 64 && hz <= 64 * 64 + 3 * 64 + 3 + 6 * 64, "{hz}");
    }

    #[test]
    fn text_goes_by_characters_and_size() {
        assert_eq!(text(10, 14.0, 1000, 1000), 10 * 16 * 16);
        assert_eq!(text(1, 13.5, 1000, 1000), 16 * 16);
        // A glyph larger than the drawable counts the drawable.
        assert_eq!(text(3, 512.0, 10, 10), 300);
        assert_eq!(text(0, 512.0, 10, 10), 0);
    }
}
