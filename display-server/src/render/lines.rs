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
    /// The drawable area, `x0..x0 + w` × `y0..y0 + h`, inside the pixels (checked by
    /// [`Fast::of`]: what makes the direct route's stores sound).
    x0: i64,
    y0: i64,
    w: u64,
    h: u64,
    stride: i64,
    word: u32,
}

impl Fast {
    /// The direct route's parameters, if `t` has no clip and a destination-independent
    /// colour, and its area lies inside its pixels (always so for a well-made target).
    fn of(t: &mut Target) -> Option<Fast> {
        let word = t.plain_word()?;
        let ((x0, x1), (y0, y1)) = (t.cols(), t.rows());
        let stride = t.stride();
        let fits = x0 >= 0 && y0 >= 0 && x0 <= x1 && y0 <= y1 && x1 as usize <= stride;
        let rows = y1 as usize;
        if !fits
            || rows
                .checked_mul(stride)
                .is_none_or(|n| n > t.words_mut().len())
        {
            return None;
        }
        Some(Fast {
            x0,
            y0,
            w: (x1 - x0) as u64,
            h: (y1 - y0) as u64,
            stride: stride as i64,
            word,
        })
    }

    /// Whether pixel `(x, y)` is inside the area: one unsigned compare an axis.
    #[inline]
    fn inside(&self, x: i64, y: i64) -> bool {
        ((x - self.x0) as u64) < self.w && ((y - self.y0) as u64) < self.h
    }

    /// Whether the box `l..=r` × `t..=b` lies inside the area.
    fn contains(&self, (l, t, r, b): (i64, i64, i64, i64)) -> bool {
        self.inside(l, t) && self.inside(r, b)
    }

    /// Draws segment `a`–`b` into `t` (the target `self` was made from) as
    /// [`thin_segment`] does when both ends lie inside the area (every pixel of it then
    /// does too), its ends' box added to the damage; returns false, drawing nothing,
    /// otherwise.
    #[inline(always)]
    fn segment(&self, t: &mut Target, a: (i32, i32), b: (i32, i32), skip_last: bool) -> bool {
        let inside = |(x, y): (i32, i32)| self.inside(x as i64, y as i64);
        if !(inside(a) && inside(b)) {
            return false;
        }
        let (l, r) = (a.0.min(b.0) as i64, a.0.max(b.0) as i64);
        let (top, bottom) = (a.1.min(b.1) as i64, a.1.max(b.1) as i64);
        t.add_damage(l, top, r + 1, bottom + 1);
        // SAFETY: both ends were just found inside the area; the pixels are the target's.
        unsafe { self.draw(t.words_mut(), a, b, skip_last) };
        true
    }

    /// Draws segment `a`–`b` into `px` as [`thin_segment`] does.
    ///
    /// # Safety
    ///
    /// Both ends must lie inside the area ([`Fast::inside`]), and `px` must be the
    /// pixels of the target `self` was made from ([`Fast::of`]).
    #[inline(always)]
    unsafe fn draw(&self, px: &mut [u32], a: (i32, i32), b: (i32, i32), skip_last: bool) {
        let (x1, y1, x2, y2) = (a.0 as i64, a.1 as i64, b.0 as i64, b.1 as i64);
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
            return;
        }
        let idx = y1 * self.stride + x1;
        if m == 0 && maj_d.abs() == 1 {
            // A row: one fill.
            let first = if maj_d > 0 { idx } else { idx - (count - 1) };
            px[first as usize..(first + count) as usize].fill(self.word);
            return;
        }
        let p = px.as_mut_ptr().wrapping_offset(idx as isize);
        // SAFETY: every pixel of the segment lies in the box of its two ends, which are
        // inside the area (the caller's promise); the area lies inside `px` (`Fast::of`:
        // its columns within the stride, its rows within the slice). The walk stores
        // only at the segment's pixels, starting at its first.
        unsafe {
            walk(
                p,
                self.word,
                count,
                (n, m),
                (maj_d as isize, min_d as isize),
            )
        };
    }
}

/// The box `l..=r` × `t..=b` of `pts`, as `(l, t, r, b)`; `None` for no point. One pass
/// of minima and maxima.
fn extent(mut pts: impl Iterator<Item = (i32, i32)>) -> Option<(i64, i64, i64, i64)> {
    let (x, y) = pts.next()?;
    let (l, t, r, b) = pts.fold((x, y, x, y), |(l, t, r, b), (x, y)| {
        (l.min(x), t.min(y), r.max(x), b.max(y))
    });
    Some((l as i64, t as i64, r as i64, b as i64))
}

/// Stores `word` at the `count` pixels of a segment's Bresenham walk from `p`: `n` and
/// `m` its major and minor lengths (`m <= n`, `n > 0` unless `count` is 1), `maj_d` and
/// `min_d` the pointer steps along its axes. Straight and diagonal walks take one step
/// a pixel. Others take the minor step behind a branch marked cold: without the mark
/// the compiler turns it into conditional moves, 9 instructions a pixel; with it, 4 and
/// 3 more at a minor step, as X's loop (thin lines' server instructions, callgrind,
/// 1000 objects: seg10 189.5 k -> 170.6 k, line10 241.7 k -> 210.4 k). The mark only
/// lays the step out of line; the processor predicts the branch as any other.
///
/// # Safety
///
/// Every pixel of the walk must lie inside the slice `p` was taken from. Between stores
/// `p` only moves (`wrapping_offset`), so it may end outside.
#[inline(always)]
unsafe fn walk(mut p: *mut u32, word: u32, count: i64, (n, m): (i64, i64), steps: (isize, isize)) {
    let (maj_d, min_d) = steps;
    if m == 0 || m == n {
        let d = if m == 0 { maj_d } else { maj_d + min_d };
        for _ in 0..count {
            // SAFETY: the caller's promise; each store is at a pixel of the walk.
            unsafe { p.write(word) };
            p = p.wrapping_offset(d);
        }
        return;
    }
    // The error term less 2n: the minor step is due when it reaches 0.
    let (den, step) = (2 * n, 2 * m);
    let mut err = -n;
    for _ in 0..count {
        // SAFETY: as above.
        unsafe { p.write(word) };
        p = p.wrapping_offset(maj_d);
        err += step;
        if err >= 0 {
            std::hint::cold_path();
            err -= den;
            p = p.wrapping_offset(min_d);
        }
    }
}

/// Draws thin segments, each with both end points. When every end lies inside the area
/// (the common case: one pass over the ends tells), the segments are drawn with no test
/// of their own and the ends' box is the damage; otherwise each is tested.
pub(crate) fn thin_segments(t: &mut Target, segs: &[(i32, i32, i32, i32)]) {
    let Some(fast) = Fast::of(t) else {
        for &(x1, y1, x2, y2) in segs {
            thin_segment(t, (x1, y1), (x2, y2), false);
        }
        return;
    };
    if let Some(e) = extent(
        segs.iter()
            .flat_map(|&(x1, y1, x2, y2)| [(x1, y1), (x2, y2)]),
    )
    .filter(|&e| fast.contains(e))
    {
        let px = t.words_mut();
        for &(x1, y1, x2, y2) in segs {
            // SAFETY: every end lies in the extent, which lies inside the area; `px` is
            // the target's.
            unsafe { fast.draw(px, (x1, y1), (x2, y2), false) };
        }
        t.add_damage(e.0, e.1, e.2 + 1, e.3 + 1);
        return;
    }
    for &(x1, y1, x2, y2) in segs {
        let (a, b) = ((x1, y1), (x2, y2));
        if !fast.segment(t, a, b, false) {
            thin_segment(t, a, b, false);
        }
    }
}

/// Draws a thin poly-line through `pts`: every joint once, both ends included (a closed
/// line's end is its start, drawn once too). As [`thin_segments`], a line whose every
/// joint lies inside the area is drawn with no test a segment.
pub(crate) fn thin_poly_line(t: &mut Target, pts: &[(i32, i32)]) {
    let closed = pts.len() > 2 && pts.first() == pts.last();
    let n = pts.len();
    let fast = Fast::of(t);
    if let Some(fast) = fast {
        if let Some(e) = extent(pts.iter().copied()).filter(|&e| fast.contains(e)) {
            let px = t.words_mut();
            for (i, w) in pts.windows(2).enumerate() {
                let skip_last = i + 2 != n || closed;
                // SAFETY: every joint lies in the extent, which lies inside the area; `px`
                // is the target's.
                unsafe { fast.draw(px, w[0], w[1], skip_last) };
            }
            if n >= 2 {
                t.add_damage(e.0, e.1, e.2 + 1, e.3 + 1);
            }
            return;
        }
    }
    for (i, w) in pts.windows(2).enumerate() {
        let skip_last = i + 2 != n || closed;
        if !fast.is_some_and(|f| f.segment(t, w[0], w[1], skip_last)) {
            thin_segment(t, w[0], w[1], skip_last);
        }
    }
}
