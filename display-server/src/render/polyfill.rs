//! Aliased polygon fills with few edges, row by row into the [`Target`] (FillPoly's
//! common case: triangles, quads, small convex or star shapes).
//!
//! A pixel is filled when the point 1/64 pixel right of and below its top-left corner is
//! inside the polygon by the style's rule, the same sampling as the path route (which
//! offsets vertices by just under half a pixel): left and top edges falling on pixel
//! boundaries are included, right and bottom ones excluded. All arithmetic is exact
//! integer arithmetic in 1/64 pixel, so the result never depends on rounding.

use super::raster::{fill_words, Target};

/// Most vertices taken here (each row looks at every edge); more go the path route.
pub(crate) const MAX_VERTICES: usize = 64;
/// Largest coordinate magnitude taken here, so the products stay within `i64`.
const MAX_COORD: i64 = 1 << 24;

/// Whether `pts` can be filled here.
pub(crate) fn applies(pts: &[(i32, i32)]) -> bool {
    (3..=MAX_VERTICES).contains(&pts.len())
        && pts
            .iter()
            .all(|&(x, y)| (x as i64).abs() <= MAX_COORD && (y as i64).abs() <= MAX_COORD)
}

/// `ceil(n / d)` for `d > 0`.
fn ceil_div(n: i64, d: i64) -> i64 {
    -((-n).div_euclid(d))
}

/// A non-horizontal edge from `(xa, ya)` to `(xb, yb)`, with its sampled row range and
/// its crossing column, stepped from row to row without dividing.
///
/// The crossing of sample row `sy` (in 1/64 pixel) is the first column whose sample
/// point (`64·px + 1`) is at or right of the edge: `ceil(v / D)` with `D = 64·|dy|` and
/// `v = sign(dy)·(64·xa·dy + (sy − 64·ya)·dx) − |dy|`. From one row to the next `v`
/// grows by `S = sign(dy)·64·dx`, so the column is kept as `col` and a remainder `rem`
/// (`v = col·D − rem`, `0 ≤ rem < D`) and stepped by `S`'s quotient and remainder: two
/// additions and a carry, where a division a row and edge cost a small triangle a third
/// of its time (an integer division takes tens of cycles).
#[derive(Clone, Copy, Default)]
struct Edge {
    /// `64·min(ya, yb)` and `64·max(ya, yb)`: the sample rows it crosses lie in between.
    lo: i64,
    hi: i64,
    /// The crossing column at the current sample row, and the remainder.
    col: i64,
    rem: i64,
    /// `D`, and `S = step·D + step_rem` (`0 ≤ step_rem < D`).
    den: i64,
    step: i64,
    step_rem: i64,
    /// +1 for an edge going down, −1 for one going up.
    dir: i32,
}

impl Edge {
    /// The edge from `(xa, ya)` to `(xb, yb)` (`ya != yb`), its crossing at sample row
    /// `sy`.
    fn new((xa, ya): (i64, i64), (xb, yb): (i64, i64), sy: i64) -> Edge {
        let (dx, dy) = (xb - xa, yb - ya);
        let sign = dy.signum();
        let den = 64 * dy.abs();
        let v = sign * (64 * xa * dy + (sy - 64 * ya) * dx) - dy.abs();
        let col = ceil_div(v, den);
        let s = sign * 64 * dx;
        Edge {
            lo: 64 * ya.min(yb),
            hi: 64 * ya.max(yb),
            col,
            rem: col * den - v,
            den,
            step: s.div_euclid(den),
            step_rem: s.rem_euclid(den),
            dir: sign as i32,
        }
    }

    /// Moves the crossing to the next sample row (64 further down).
    #[inline(always)]
    fn next_row(&mut self) {
        let t = self.rem - self.step_rem;
        let carry = (t < 0) as i64;
        self.col += self.step + carry;
        self.rem = t + carry * self.den;
    }
}

/// Fills the polygon through `pts` (which [`applies`]), closed back to the first point.
pub(crate) fn fill_polygon(t: &mut Target, pts: &[(i32, i32)], even_odd: bool) {
    let rows = t.rows();
    let (cx0, cx1) = t.cols();
    if let Some(w) = t.plain_word() {
        // No clip, no blending: rows go straight into the pixels (each span clamped to
        // the drawable's columns; rows are within its rows), the damage added once.
        let stride = t.stride();
        let mut d = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        let px = t.words_mut();
        let mut emit = |y: i64, xa: i64, xb: i64| {
            let (xa, xb) = (xa.max(cx0), xb.min(cx1));
            if xa >= xb {
                return;
            }
            d = (d.0.min(xa), d.1.min(y), d.2.max(xb), d.3.max(y + 1));
            let row = y as usize * stride;
            if let Some(out) = px.get_mut(row + xa as usize..row + xb as usize) {
                fill_words(out, w);
            }
        };
        spans(pts, even_odd, rows, &mut emit);
        if d.0 < d.2 {
            t.add_damage(d.0, d.1, d.2, d.3);
        }
    } else {
        spans(pts, even_odd, rows, &mut |y, xa, xb| t.span(y, xa, xb));
    }
}

/// Produces the polygon's spans `(y, xa, xb)` for rows `rows.0..rows.1`, in order.
fn spans(
    pts: &[(i32, i32)],
    even_odd: bool,
    rows: (i64, i64),
    emit: &mut impl FnMut(i64, i64, i64),
) {
    // Fixed arrays instead of allocations, small ones for the common small polygons
    // (clearing them is part of the cost).
    if pts.len() <= SMALL {
        spans_with::<SMALL>(pts, even_odd, rows, emit)
    } else {
        spans_with::<MAX_VERTICES>(pts, even_odd, rows, emit)
    }
}

/// Vertex count up to which the small arrays serve.
const SMALL: usize = 8;

/// [`spans`] with room for `N` edges and crossings (`pts` beyond `N` are ignored).
fn spans_with<const N: usize>(
    pts: &[(i32, i32)],
    even_odd: bool,
    (top, bottom): (i64, i64),
    emit: &mut impl FnMut(i64, i64, i64),
) {
    let pts = &pts[..pts.len().min(N)];
    let (ymin, ymax) = pts.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &(_, y)| {
        (lo.min(y as i64), hi.max(y as i64))
    });
    // Sample rows: 64·py + 1 must lie strictly between ymin and ymax (in 1/64 units).
    let y0 = ymin.max(top);
    let y1 = ymax.min(bottom);
    if y0 >= y1 {
        return;
    }
    let mut edges = [Edge::default(); N];
    let mut ne = 0;
    for (i, &(xa, ya)) in pts.iter().enumerate() {
        let (xb, yb) = pts[(i + 1) % pts.len()];
        if ya == yb {
            continue;
        }
        let (a, b) = ((xa as i64, ya as i64), (xb as i64, yb as i64));
        edges[ne] = Edge::new(a, b, 64 * y0 + 1);
        ne += 1;
    }
    let edges = &mut edges[..ne];
    let mut crossings = [(0i64, 0i32); N];
    for py in y0..y1 {
        let sy = 64 * py + 1;
        let mut nc = 0;
        for e in edges.iter_mut() {
            if sy >= e.lo && sy <= e.hi {
                let c = (e.col, e.dir);
                // Insertion into the sorted prefix (a handful of crossings per row).
                let mut j = nc;
                while j > 0 && crossings[j - 1].0 > c.0 {
                    crossings[j] = crossings[j - 1];
                    j -= 1;
                }
                crossings[j] = c;
                nc += 1;
            }
            e.next_row();
        }
        let mut winding = 0;
        for pair in crossings[..nc].windows(2) {
            winding += pair[0].1;
            let inside = if even_odd {
                winding % 2 != 0
            } else {
                winding != 0
            };
            if inside {
                emit(py, pair[0].0, pair[1].0);
            }
        }
    }
}
