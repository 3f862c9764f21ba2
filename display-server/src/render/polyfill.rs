//! Aliased polygon fills with few edges, row by row into the [`Target`] (FillPoly's
//! common case: triangles, quads, small convex or star shapes).
//!
//! A pixel is filled when the point 1/64 pixel right of and below its top-left corner is
//! inside the polygon by the style's rule, the same sampling as the path route (which
//! offsets vertices by just under half a pixel): left and top edges falling on pixel
//! boundaries are included, right and bottom ones excluded. All arithmetic is exact
//! integer arithmetic in 1/64 pixel, so the result never depends on rounding.

use super::raster::Target;

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

/// Fills the polygon through `pts` (which [`applies`]), closed back to the first point.
pub(crate) fn fill_polygon(t: &mut Target, pts: &[(i32, i32)], even_odd: bool) {
    let (top, bottom) = t.rows();
    let ymin = pts.iter().map(|p| p.1 as i64).min().unwrap_or(0);
    let ymax = pts.iter().map(|p| p.1 as i64).max().unwrap_or(0);
    // Sample rows: 64·py + 1 must lie strictly between ymin and ymax (in 1/64 units).
    let y0 = ymin.max(top);
    let y1 = ymax.min(bottom);
    let mut crossings: Vec<(i64, i32)> = Vec::with_capacity(pts.len());
    for py in y0..y1 {
        let sy = 64 * py + 1;
        crossings.clear();
        for (i, &(xa, ya)) in pts.iter().enumerate() {
            let (xb, yb) = pts[(i + 1) % pts.len()];
            let (xa, ya, xb, yb) = (xa as i64, ya as i64, xb as i64, yb as i64);
            let (lo, hi) = (64 * ya.min(yb), 64 * ya.max(yb));
            if sy < lo || sy > hi || ya == yb {
                continue;
            }
            // The edge's x at the sample row, in 1/64 pixel: n / d with d > 0.
            let (mut n, mut d) = (64 * xa * (yb - ya) + (sy - 64 * ya) * (xb - xa), yb - ya);
            if d < 0 {
                (n, d) = (-n, -d);
            }
            // First column whose sample point (64·px + 1) is at or right of the crossing.
            let col = ceil_div(n - d, 64 * d);
            crossings.push((col, if yb > ya { 1 } else { -1 }));
        }
        crossings.sort_unstable_by_key(|c| c.0);
        let mut winding = 0;
        for pair in crossings.windows(2) {
            winding += pair[0].1;
            let inside = if even_odd {
                winding % 2 != 0
            } else {
                winding != 0
            };
            if inside {
                t.span(py, pair[0].0, pair[1].0);
            }
        }
    }
}
