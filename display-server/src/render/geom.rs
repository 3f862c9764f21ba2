//! Geometry preprocessing for the path-based primitives: building tiny-skia paths from
//! points while clipping them to a "safe box" around the pixmap, so that huge client
//! coordinates never reach tiny-skia's fixed-point scan converter (which misbehaves far
//! outside its range). Clipping is exact for what lands inside the pixmap: segments keep
//! their slope (Liang–Barsky) and polygons keep their winding (Sutherland–Hodgman).

use tiny_skia::{PathBuilder, Pixmap};

use super::Style;

/// Widest line drawn; wider requests are clamped (X line widths are 16-bit).
pub(crate) const MAX_LINE_WIDTH: u32 = 32767;

/// An X arc: part of the ellipse inscribed in the box `x, y, width, height`.
///
/// Angles are in 1/64 degree, 0 is three o'clock and positive is counter-clockwise;
/// `angle2` is the extent relative to `angle1`. `|angle2| >= 360 * 64` is a full ellipse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ArcSpec {
    /// Left of the bounding box.
    pub x: i32,
    /// Top of the bounding box.
    pub y: i32,
    /// Width of the bounding box (the ellipse's major/minor axis).
    pub width: u32,
    /// Height of the bounding box.
    pub height: u32,
    /// Start angle, 1/64 degree.
    pub angle1: i32,
    /// Extent, 1/64 degree, relative to `angle1`.
    pub angle2: i32,
}

/// A point in pixmap coordinates.
pub(crate) type Pt = (f64, f64);

/// An axis-aligned box; geometry outside it cannot affect the pixmap.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SafeBox {
    l: f64,
    t: f64,
    r: f64,
    b: f64,
}

impl SafeBox {
    /// The pixmap area grown by `margin` pixels on every side.
    pub(crate) fn around(pm: &Pixmap, margin: f64) -> SafeBox {
        SafeBox {
            l: -margin,
            t: -margin,
            r: pm.width() as f64 + margin,
            b: pm.height() as f64 + margin,
        }
    }

    /// The box for stroking with `s`: wide enough that strokes, caps and miter joins of
    /// anything outside it cannot reach the pixmap.
    pub(crate) fn for_stroke(pm: &Pixmap, s: &Style) -> SafeBox {
        let w = s.line_width.min(MAX_LINE_WIDTH) as f64;
        SafeBox::around(pm, w * 6.0 + 4.0)
    }

    /// The box for filling: just outside the pixmap.
    pub(crate) fn for_fill(pm: &Pixmap) -> SafeBox {
        SafeBox::around(pm, 4.0)
    }

    fn contains(&self, p: Pt) -> bool {
        p.0 >= self.l && p.0 <= self.r && p.1 >= self.t && p.1 <= self.b
    }

    /// True when the box contains the rectangle `l..r` × `t..b`.
    pub(crate) fn contains_rect(&self, l: f64, t: f64, r: f64, b: f64) -> bool {
        self.contains((l, t)) && self.contains((r, b))
    }

    /// The box's four corners.
    pub(crate) fn corners(&self) -> [Pt; 4] {
        [
            (self.l, self.t),
            (self.r, self.t),
            (self.l, self.b),
            (self.r, self.b),
        ]
    }

    /// Whether the rectangle from (l, t) to (r, b) lies wholly outside the box.
    pub(crate) fn misses_rect(&self, l: f64, t: f64, r: f64, b: f64) -> bool {
        r < self.l || l > self.r || b < self.t || t > self.b
    }
}

/// Clips segment `a`–`b` to the box (Liang–Barsky); `None` if it misses the box.
fn clip_segment(a: Pt, b: Pt, bx: &SafeBox) -> Option<(Pt, Pt)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - bx.l),
        (dx, bx.r - a.0),
        (-dy, a.1 - bx.t),
        (dy, bx.b - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
            continue;
        }
        let r = q / p;
        if p < 0.0 {
            if r > t1 {
                return None;
            }
            t0 = t0.max(r);
        } else {
            if r < t0 {
                return None;
            }
            t1 = t1.min(r);
        }
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}

fn f(p: Pt) -> (f32, f32) {
    (p.0 as f32, p.1 as f32)
}

/// Adds a poly-line through `pts` (closed back to the start if `closed`), clipped to `bx`.
/// Pieces cut by the box become separate sub-paths; cuts lie outside the pixmap.
pub(crate) fn add_polyline(pb: &mut PathBuilder, pts: &[Pt], closed: bool, bx: &SafeBox) {
    let Some(&first) = pts.first() else { return };
    if pts.iter().all(|&p| bx.contains(p)) {
        pb.move_to(f(first).0, f(first).1);
        for &p in &pts[1..] {
            pb.line_to(f(p).0, f(p).1);
        }
        if closed {
            pb.close();
        }
        return;
    }
    let n = pts.len();
    // For closed lines start at an outside vertex, so that inside joins are kept.
    let start = if closed {
        pts.iter().position(|&p| !bx.contains(p)).unwrap_or(0)
    } else {
        0
    };
    let count = if closed { n } else { n - 1 };
    let mut pen: Option<Pt> = None;
    for i in 0..count {
        let a = pts[(start + i) % n];
        let b = pts[(start + i + 1) % n];
        match clip_segment(a, b, bx) {
            Some((ca, cb)) => {
                if pen != Some(ca) {
                    pb.move_to(f(ca).0, f(ca).1);
                }
                pb.line_to(f(cb).0, f(cb).1);
                pen = Some(cb);
            }
            None => pen = None,
        }
    }
}

/// Adds the closed polygon through `pts`, clipped to `bx` (Sutherland–Hodgman).
pub(crate) fn add_polygon(pb: &mut PathBuilder, pts: &[Pt], bx: &SafeBox) {
    let clipped;
    let poly = if pts.iter().all(|&p| bx.contains(p)) {
        pts
    } else {
        let mut poly = pts.to_vec();
        for edge in 0..4 {
            poly = clip_to_edge(&poly, edge, bx);
        }
        clipped = poly;
        &clipped
    };
    if poly.len() < 3 {
        return;
    }
    pb.move_to(f(poly[0]).0, f(poly[0]).1);
    for &p in &poly[1..] {
        pb.line_to(f(p).0, f(p).1);
    }
    pb.close();
}

/// One Sutherland–Hodgman pass against edge 0 (left), 1 (right), 2 (top) or 3 (bottom).
fn clip_to_edge(poly: &[Pt], edge: u8, bx: &SafeBox) -> Vec<Pt> {
    let inside = |p: Pt| match edge {
        0 => p.0 >= bx.l,
        1 => p.0 <= bx.r,
        2 => p.1 >= bx.t,
        _ => p.1 <= bx.b,
    };
    let cross = |a: Pt, b: Pt| -> Pt {
        if edge < 2 {
            let x = if edge == 0 { bx.l } else { bx.r };
            let t = (x - a.0) / (b.0 - a.0);
            (x, a.1 + t * (b.1 - a.1))
        } else {
            let y = if edge == 2 { bx.t } else { bx.b };
            let t = (y - a.1) / (b.1 - a.1);
            (a.0 + t * (b.0 - a.0), y)
        }
    };
    let mut out = Vec::with_capacity(poly.len() + 4);
    let Some(&last) = poly.last() else { return out };
    let mut prev = last;
    for &cur in poly {
        match (inside(prev), inside(cur)) {
            (true, true) => out.push(cur),
            (true, false) => out.push(cross(prev, cur)),
            (false, true) => {
                out.push(cross(prev, cur));
                out.push(cur);
            }
            (false, false) => {}
        }
        prev = cur;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_clipping_keeps_slope() {
        let bx = SafeBox {
            l: 0.0,
            t: 0.0,
            r: 10.0,
            b: 10.0,
        };
        let (a, b) = clip_segment((-10.0, -5.0), (20.0, 10.0), &bx).unwrap();
        assert_eq!(a, (0.0, 0.0));
        assert_eq!(b, (10.0, 5.0));
        assert!(clip_segment((-10.0, -5.0), (-1.0, 10.0), &bx).is_none());
        assert_eq!(
            clip_segment((1.0, 1.0), (2.0, 2.0), &bx),
            Some(((1.0, 1.0), (2.0, 2.0)))
        );
    }

    #[test]
    fn polygon_clipping_stays_in_box() {
        let bx = SafeBox {
            l: 0.0,
            t: 0.0,
            r: 10.0,
            b: 10.0,
        };
        let tri = [(-1e12, -1e12), (1e12, 5.0), (5.0, 1e12)];
        let mut poly = tri.to_vec();
        for e in 0..4 {
            poly = clip_to_edge(&poly, e, &bx);
        }
        assert!(poly.len() >= 3);
        assert!(poly.iter().all(|&p| bx.contains(p)));
    }
}
