//! Thin aliased lines (X's zero-width lines): Bresenham's algorithm straight into the
//! [`Target`], for PolySegment and PolyLine with line width 0 or 1 and no anti-aliasing.
//!
//! A segment from `(x1, y1)` to `(x2, y2)` draws one pixel per step of its major axis,
//! both end points included; the minor coordinate at step `i` of `n` is the start's plus
//! `i·d/n` rounded to nearest (halves round away from the start). Only the steps whose
//! major coordinate lies inside the drawable are walked, so a segment of any length costs
//! at most the drawable's width or height.

use super::raster::Target;

/// Draws the thin segment `a`–`b`. With `skip_last`, the end point is left out (interior
/// joints of a poly-line, so that no pixel is drawn twice).
pub(crate) fn thin_segment(t: &mut Target, a: (i32, i32), b: (i32, i32), skip_last: bool) {
    let (x1, y1, x2, y2) = (a.0 as i64, a.1 as i64, b.0 as i64, b.1 as i64);
    let (dx, dy) = (x2 - x1, y2 - y1);
    let (adx, ady) = (dx.abs(), dy.abs());
    let x_major = adx >= ady;
    // Major axis: start, step, length; minor axis: start, step, length.
    let (maj0, maj_s, n, min0, min_s, m) = if x_major {
        (x1, dx.signum(), adx, y1, dy.signum(), ady)
    } else {
        (y1, dy.signum(), ady, x1, dx.signum(), adx)
    };
    let last = if skip_last { n - 1 } else { n };
    if last < 0 {
        return;
    }
    if n == 0 {
        t.pixel(x1, y1);
        return;
    }
    // Steps whose major coordinate is inside the drawable.
    let (lo, hi) = if x_major { t.cols() } else { t.rows() };
    let (i0, i1) = if maj_s > 0 {
        ((lo - maj0).max(0), (hi - 1 - maj0).min(last))
    } else {
        ((maj0 - (hi - 1)).max(0), (maj0 - lo).min(last))
    };
    if i0 > i1 {
        return;
    }
    // Minor offset at step i: floor((2·i·m + n) / (2·n)); `err` is that division's
    // remainder, carried from step to step.
    let num = 2 * i0 as i128 * m as i128 + n as i128;
    let den = 2 * n as i128;
    let mut minor = min0 + min_s * (num / den) as i64;
    let mut err = (num % den) as i64;
    let (den, step) = (den as i64, 2 * m);
    let mut major = maj0 + maj_s * i0;
    for _ in i0..=i1 {
        if x_major {
            t.pixel(major, minor);
        } else {
            t.pixel(minor, major);
        }
        major += maj_s;
        err += step;
        if err >= den {
            err -= den;
            minor += min_s;
        }
    }
}

/// Draws thin segments, each with both end points.
pub(crate) fn thin_segments(t: &mut Target, segs: &[(i32, i32, i32, i32)]) {
    for &(x1, y1, x2, y2) in segs {
        thin_segment(t, (x1, y1), (x2, y2), false);
    }
}

/// Draws a thin poly-line through `pts`: every joint once, both ends included (a closed
/// line's end is its start, drawn once too).
pub(crate) fn thin_poly_line(t: &mut Target, pts: &[(i32, i32)]) {
    let closed = pts.len() > 2 && pts.first() == pts.last();
    let n = pts.len();
    for (i, w) in pts.windows(2).enumerate() {
        let final_one = i + 2 == n;
        thin_segment(t, w[0], w[1], !final_one || closed);
    }
}
