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
    let (cols, rows) = (t.cols(), t.rows());
    let inside = |x: i64, y: i64| x >= cols.0 && x < cols.1 && y >= rows.0 && y < rows.1;
    let (i0, i1, mut minor, end_minor, mut err) = if inside(x1, y1) && inside(x2, y2) {
        // Wholly inside (the common case): no clipping, and small enough for i64.
        let q_last = (2 * last * m + n) / (2 * n);
        (0, last, min0, min0 + min_s * q_last, n)
    } else {
        match clip_steps(t, x_major, (maj0, maj_s, n, min0, min_s, m), last) {
            Some(v) => v,
            None => return,
        }
    };
    let (den, step) = (2 * n, 2 * m);
    let mut major = maj0 + maj_s * i0;
    let major_end = maj0 + maj_s * i1;
    let (x, y) = if x_major {
        (major, minor)
    } else {
        (minor, major)
    };
    let (xe, ye) = if x_major {
        (major_end, end_minor)
    } else {
        (end_minor, major_end)
    };
    if let Some(w) = t.plain_word() {
        // No clip, no blending: store words, the index walking along with the position.
        let stride = t.stride() as isize;
        let (maj_d, min_d) = if x_major {
            (maj_s as isize, min_s as isize * stride)
        } else {
            (maj_s as isize * stride, min_s as isize)
        };
        t.add_damage(x.min(xe), y.min(ye), x.max(xe) + 1, y.max(ye) + 1);
        let mut idx = y as isize * stride + x as isize;
        let px = t.words_mut();
        for _ in i0..=i1 {
            px[idx as usize] = w;
            idx += maj_d;
            err += step;
            let carry = (err >= den) as i64;
            err -= carry * den;
            idx += carry as isize * min_d;
        }
        return;
    }
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

/// The steps `i0..=i1` of a segment that land inside the drawable, with the minor
/// coordinate and the error term at `i0` and the minor coordinate at `i1`; `None` when
/// no step does. `axes` is (major start, major step, major length, minor start, minor
/// step, minor length).
fn clip_steps(
    t: &Target,
    x_major: bool,
    axes: (i64, i64, i64, i64, i64, i64),
    last: i64,
) -> Option<(i64, i64, i64, i64, i64)> {
    let (maj0, maj_s, n, min0, min_s, m) = axes;
    // Steps whose major coordinate is inside the drawable...
    let (lo, hi) = if x_major { t.cols() } else { t.rows() };
    let (mut i0, mut i1) = if maj_s > 0 {
        ((lo - maj0).max(0), (hi - 1 - maj0).min(last))
    } else {
        ((maj0 - (hi - 1)).max(0), (maj0 - lo).min(last))
    };
    // ...and whose minor coordinate is too. The minor offset at step i is
    // q(i) = floor((2·i·m + n) / (2·n)), which is monotonic in i.
    let (mlo, mhi) = if x_major { t.rows() } else { t.cols() };
    let (qa, qb) = if min_s >= 0 {
        (mlo - min0, mhi - 1 - min0)
    } else {
        (min0 - (mhi - 1), min0 - mlo)
    };
    let (n2, m2) = (2 * n as i128, 2 * m as i128);
    if m == 0 {
        if qa > 0 || qb < 0 {
            return None;
        }
    } else {
        // q(i) >= qa  <=>  i >= ceil((2n·qa − n) / 2m); q(i) <= qb likewise.
        let ceil = |v: i128| -((-v).div_euclid(m2));
        let ia = ceil(n2 * qa as i128 - n as i128);
        let ib = ceil(n2 * (qb as i128 + 1) - n as i128) - 1;
        i0 = i0.max(ia.clamp(0, i64::MAX as i128) as i64);
        i1 = i1.min(ib.clamp(-1, i64::MAX as i128) as i64);
    }
    if i0 > i1 {
        return None;
    }
    let q = |i: i64| (2 * i as i128 * m as i128 + n as i128) / n2;
    let (minor, end_minor) = (min0 + min_s * q(i0) as i64, min0 + min_s * q(i1) as i64);
    let err = ((2 * i0 as i128 * m as i128 + n as i128) % n2) as i64;
    Some((i0, i1, minor, end_minor, err))
}

/// What an unclipped, unblended target needs for the direct route of [`Fast::segment`]:
/// copied out once per request so that each segment's set-up is a few comparisons.
#[derive(Clone, Copy)]
struct Fast {
    /// The drawable area, `x0..x1` × `y0..y1`.
    x0: i64,
    x1: i64,
    y0: i64,
    y1: i64,
    stride: i64,
    word: u32,
}

impl Fast {
    /// The direct route's parameters, if `t` has no clip and a destination-independent colour.
    fn of(t: &Target) -> Option<Fast> {
        let word = t.plain_word()?;
        let ((x0, x1), (y0, y1)) = (t.cols(), t.rows());
        Some(Fast {
            x0,
            x1,
            y0,
            y1,
            stride: t.stride() as i64,
            word,
        })
    }

    /// Draws segment `a`–`b` as [`thin_segment`] does when both ends lie inside the
    /// drawable (every pixel of it then does too); returns false, drawing nothing,
    /// otherwise.
    #[inline]
    fn segment(&self, t: &mut Target, a: (i32, i32), b: (i32, i32), skip_last: bool) -> bool {
        let (x1, y1, x2, y2) = (a.0 as i64, a.1 as i64, b.0 as i64, b.1 as i64);
        let inside = |x: i64, y: i64| x >= self.x0 && x < self.x1 && y >= self.y0 && y < self.y1;
        if !(inside(x1, y1) && inside(x2, y2)) {
            return false;
        }
        let (dx, dy) = (x2 - x1, y2 - y1);
        let (adx, ady) = (dx.abs(), dy.abs());
        let (sx, sy) = (dx.signum(), dy.signum() * self.stride);
        let (n, m, maj_d, min_d) = if adx >= ady {
            (adx, ady, sx, sy)
        } else {
            (ady, adx, sy, sx)
        };
        // Pixels drawn: steps 0..=n, or 0..n without the end point.
        let count = n + 1 - skip_last as i64;
        if count <= 0 {
            return true;
        }
        t.add_damage(x1.min(x2), y1.min(y2), x1.max(x2) + 1, y1.max(y2) + 1);
        let (den, step) = (2 * n, 2 * m);
        let mut err = n;
        let mut idx = y1 * self.stride + x1;
        let px = t.words_mut();
        for _ in 0..count {
            if let Some(p) = px.get_mut(idx as usize) {
                *p = self.word;
            }
            idx += maj_d;
            err += step;
            if err >= den {
                err -= den;
                idx += min_d;
            }
        }
        true
    }
}

/// Draws thin segments, each with both end points.
pub(crate) fn thin_segments(t: &mut Target, segs: &[(i32, i32, i32, i32)]) {
    let fast = Fast::of(t);
    for &(x1, y1, x2, y2) in segs {
        let (a, b) = ((x1, y1), (x2, y2));
        if !fast.is_some_and(|f| f.segment(t, a, b, false)) {
            thin_segment(t, a, b, false);
        }
    }
}

/// Draws a thin poly-line through `pts`: every joint once, both ends included (a closed
/// line's end is its start, drawn once too).
pub(crate) fn thin_poly_line(t: &mut Target, pts: &[(i32, i32)]) {
    let closed = pts.len() > 2 && pts.first() == pts.last();
    let n = pts.len();
    let fast = Fast::of(t);
    for (i, w) in pts.windows(2).enumerate() {
        let skip_last = i + 2 != n || closed;
        if !fast.is_some_and(|f| f.segment(t, w[0], w[1], skip_last)) {
            thin_segment(t, w[0], w[1], skip_last);
        }
    }
}
