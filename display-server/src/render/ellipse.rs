//! Whole aliased ellipses, row by row into a [`SpanSink`]: the thin outline of PolyArc
//! and the fill of PolyFillArc when the arc is a full turn (partial arcs, wide or
//! anti-aliased outlines take the path route in `arcs.rs`).
//!
//! Geometry, in doubled integer coordinates so that everything is exact: the ellipse of
//! the box `x, y, w, h` has its centre at `(2x + w, 2y + h) / 2` and radii `w/2`, `h/2`.
//! - The outline is the boundary of the set of pixels whose centres lie inside or on the
//!   ellipse grown by half a pixel (radii `(w + 1)/2`, `(h + 1)/2`): the pixels nearest
//!   the curve, as the midpoint algorithm picks them. Its extremes are `x` and `x + w`
//!   (like a thin rectangle outline, `w + 1` pixels across), every pixel is drawn once,
//!   and the pixels are 8-connected.
//! - The fill covers the pixels whose centres, nudged by 1/64 pixel right and down, lie
//!   strictly inside: `w` pixels across like a filled rectangle, as X fills arcs (and as
//!   the path route with its 1/64 offset does).

use super::geom::ArcSpec;
use super::raster::SpanSink;

/// Largest box side taken by the row-wise route (its products stay within 64-bit
/// factors); larger ellipses, beyond any screen, take the path route.
pub(crate) const MAX_SIDE: u32 = 1 << 15;

/// Whether `a` can be drawn here: a whole, non-degenerate ellipse of a modest size.
pub(crate) fn applies(a: &ArcSpec) -> bool {
    (a.angle2 as i64).abs() >= 360 * 64
        && (1..=MAX_SIDE).contains(&a.width)
        && (1..=MAX_SIDE).contains(&a.height)
}

/// `a · b` without overflow (one widening multiply).
fn mul(a: u64, b: u64) -> u128 {
    a as u128 * b as u128
}

/// The pixel columns `l..r` (half-open) that `inside` accepts, `inside` accepting one
/// interval whose ends are within a pixel or two of `c ∓ half`.
fn row_span(c: f64, half: f64, inside: impl Fn(i64) -> bool) -> Option<(i64, i64)> {
    // Truncation is at most one off the floor or ceiling; the loops settle the ends.
    let mut l = (c - half) as i64;
    let mut r = (c + half) as i64;
    while inside(l - 1) {
        l -= 1;
    }
    while l <= r && !inside(l) {
        l += 1;
    }
    while inside(r + 1) {
        r += 1;
    }
    while r >= l && !inside(r) {
        r -= 1;
    }
    (l <= r).then_some((l, r + 1))
}

/// An ellipse box in doubled coordinates: centre `(cx2, cy2) / 2`, radii `w / 2`, `h / 2`.
struct Box2 {
    cx2: i64,
    cy2: i64,
    w: u64,
    h: u64,
}

impl Box2 {
    /// The ellipse of `a`, its doubled radii grown by `grow`.
    fn new(a: &ArcSpec, grow: u32) -> Box2 {
        Box2 {
            cx2: 2 * a.x as i64 + a.width as i64,
            cy2: 2 * a.y as i64 + a.height as i64,
            w: (a.width + grow) as u64,
            h: (a.height + grow) as u64,
        }
    }

    /// Pixel columns of row `py` whose centres are inside or on the ellipse:
    /// `dx²·h² + dy²·w² ≤ w²·h²` in doubled offsets.
    fn closed_span(&self, py: i64) -> Option<(i64, i64)> {
        let dy = (2 * py - self.cy2).unsigned_abs();
        if dy > self.h {
            return None;
        }
        let (ww, hh) = (self.w * self.w, self.h * self.h);
        let rhs = mul(ww, hh - dy * dy);
        let inside = |px: i64| {
            let dx = (2 * px - self.cx2).unsigned_abs();
            dx <= self.w && mul(dx * dx, hh) <= rhs
        };
        let f = dy as f64 / self.h as f64;
        let half = self.w as f64 / 2.0 * (1.0 - f * f).max(0.0).sqrt();
        row_span(self.cx2 as f64 / 2.0, half, inside)
    }

    /// Pixel columns of row `py` whose centres nudged by 1/64 pixel right and down are
    /// strictly inside the ellipse; offsets in 1/128 pixel (64 × doubled, plus 2).
    fn open_span(&self, py: i64) -> Option<(i64, i64)> {
        let dy = (64 * (2 * py - self.cy2) + 2).unsigned_abs();
        let (wq, hq) = (64 * self.w, 64 * self.h);
        if dy >= hq {
            return None;
        }
        let (ww, hh) = (wq * wq, hq * hq);
        let rhs = mul(ww, hh - dy * dy);
        let inside = |px: i64| {
            let dx = (64 * (2 * px - self.cx2) + 2).unsigned_abs();
            dx < wq && mul(dx * dx, hh) < rhs
        };
        let f = dy as f64 / hq as f64;
        let half = self.w as f64 / 2.0 * (1.0 - f * f).max(0.0).sqrt();
        row_span(self.cx2 as f64 / 2.0 - 1.0 / 64.0, half, inside)
    }
}

/// Fills the whole ellipse of `a` (which [`applies`]).
pub(crate) fn fill_ellipse(t: &mut impl SpanSink, a: &ArcSpec) {
    let e = Box2::new(a, 0);
    let (top, bottom) = t.rows();
    let y0 = (a.y as i64).max(top);
    let y1 = (a.y as i64 + a.height as i64 + 1).min(bottom);
    for py in y0..y1 {
        if let Some((l, r)) = e.open_span(py) {
            t.span(py, l, r);
        }
    }
}

/// Draws the thin outline of the whole ellipse of `a` (which [`applies`]).
pub(crate) fn outline_ellipse(t: &mut impl SpanSink, a: &ArcSpec) {
    // Half a pixel more on each side: the doubled radii grow by one.
    let e = Box2::new(a, 1);
    let (top, bottom) = t.rows();
    let y0 = (a.y as i64).max(top);
    let y1 = (a.y as i64 + a.height as i64 + 1).min(bottom);
    if y0 >= y1 {
        return;
    }
    let mut above = e.closed_span(y0 - 1);
    let mut here = e.closed_span(y0);
    for py in y0..y1 {
        let below = e.closed_span(py + 1);
        if let Some((l, r)) = here {
            // Interior: inside this row's span with both horizontal neighbours, and
            // inside the rows above and below. Spans are nested around the centre, so
            // the interior is one interval and the outline is what is left on each side.
            let (mut il, mut ir) = (l + 1, r - 1);
            for s in [above, below] {
                match s {
                    Some((sl, sr)) => (il, ir) = (il.max(sl), ir.min(sr)),
                    None => (il, ir) = (0, 0),
                }
            }
            if il >= ir {
                t.span(py, l, r);
            } else {
                t.span(py, l, il);
                t.span(py, ir, r);
            }
        }
        above = here;
        here = below;
    }
}
