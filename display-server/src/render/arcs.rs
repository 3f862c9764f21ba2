//! X11 arcs ([`ArcSpec`], in `geom.rs`: bounding box plus angles in 1/64 degree):
//! conversion of an arc to a tiny-skia path of cubic Béziers, and [`stroke_arcs`] /
//! [`fill_arcs`] (pie or chord).
//! Whole aliased ellipses (thin outlines and fills) go row by row through `ellipse.rs`,
//! their spans cached per size by `span_cache.rs`.

use std::f64::consts::{FRAC_PI_2, TAU};

use tiny_skia::{FillRule, PathBuilder, Pixmap};

use super::clip::Region;
use super::ellipse;
use super::geom::{add_polygon, add_polyline, ArcSpec, Pt, SafeBox};
use super::raster::Target;
use super::shapes::{fill_path_styled, stroke_path_styled};
use super::span_cache::{EllipseDrawer, Kind};
use super::{center_offset, union_opt, IRect, Style};

/// One full turn in X's 1/64 degree units.
const FULL_CIRCLE: i64 = 360 * 64;

/// Outlines arcs (X PolyArc) with the style's line width and cap; each arc is drawn on its own.
pub fn stroke_arcs(pm: &mut Pixmap, s: &Style, arcs: &[ArcSpec]) -> Option<IRect> {
    let region = Region::resolve(s.clip, pm);
    region.limit(pm)?;
    let off = center_offset(s.antialias);
    let bx = SafeBox::for_stroke(pm, s);
    let mut budget = REQUEST_FLAT_SEGMENTS;
    let mut damage = None;
    let thin = s.line_width <= 1 && !s.antialias;
    let mut drawer = EllipseDrawer::new(Kind::Outline);
    if thin && arcs.iter().all(ellipse::applies) {
        let mut t = Target::new(pm, s, &region)?;
        for a in arcs {
            drawer.draw(&mut t, a);
        }
        return t.damage();
    }
    for a in arcs {
        if a.angle2 == 0 {
            continue;
        }
        if thin && ellipse::applies(a) {
            let mut t = Target::new(pm, s, &region)?;
            drawer.draw(&mut t, a);
            damage = union_opt(damage, t.damage());
            continue;
        }
        if let Some(path) = arc_path(a, off, ArcClose::Open, &bx, &mut budget) {
            damage = union_opt(damage, stroke_path_styled(pm, s, &region, &path));
        }
    }
    damage
}

/// Fills arcs (X PolyFillArc) as pie slices or chords according to `s.pie_slice`.
pub fn fill_arcs(pm: &mut Pixmap, s: &Style, arcs: &[ArcSpec]) -> Option<IRect> {
    let region = Region::resolve(s.clip, pm);
    region.limit(pm)?;
    // Same geometry as the outline so that fill + outline of one box line up, as in X.
    let off = center_offset(s.antialias);
    let close = if s.pie_slice {
        ArcClose::Pie
    } else {
        ArcClose::Chord
    };
    let bx = SafeBox::for_fill(pm);
    let mut budget = REQUEST_FLAT_SEGMENTS;
    let mut damage = None;
    let mut drawer = EllipseDrawer::new(Kind::Fill);
    if !s.antialias && arcs.iter().all(ellipse::applies) {
        let mut t = Target::new(pm, s, &region)?;
        for a in arcs {
            drawer.draw(&mut t, a);
        }
        return t.damage();
    }
    for a in arcs {
        if a.angle2 == 0 || a.width == 0 || a.height == 0 {
            continue;
        }
        if !s.antialias && ellipse::applies(a) {
            let mut t = Target::new(pm, s, &region)?;
            drawer.draw(&mut t, a);
            damage = union_opt(damage, t.damage());
            continue;
        }
        if let Some(path) = arc_path(a, off, close, &bx, &mut budget) {
            damage = union_opt(
                damage,
                fill_path_styled(pm, s, &region, &path, FillRule::Winding),
            );
        }
    }
    damage
}

/// How an arc's path is closed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ArcClose {
    Open,
    Pie,
    Chord,
}

/// Maps X's geometric angle (ray from the centre) to the ellipse's parametric angle,
/// keeping whole turns so that the mapping is monotonic.
fn parametric(theta: f64, rx: f64, ry: f64) -> f64 {
    if rx <= 0.0 || ry <= 0.0 {
        return theta;
    }
    let turns = (theta / TAU).floor();
    let phi = theta - turns * TAU;
    let mut t = (rx * phi.sin()).atan2(ry * phi.cos());
    if t < 0.0 {
        t += TAU;
    }
    turns * TAU + t
}

/// Most line segments used to flatten an arc that extends far outside the pixmap.
const MAX_FLAT_SEGMENTS: f64 = (1 << 17) as f64;

/// Line segments one request may flatten its arcs into, all arcs together. Past it each
/// further arc that extends outside the pixmap gets the least (8, coarser but still the
/// arc's shape): a request of 800 000 screen-crossing arcs of radius 2³⁰ would otherwise
/// compute 10¹¹ points and stall the server for every client.
const REQUEST_FLAT_SEGMENTS: usize = 1 << 20;

/// Builds the path of an arc; coordinates are shifted by `off` (pixel-centre convention).
/// Arcs within `bx` become cubic Béziers; larger ones are flattened and clipped to `bx`.
/// `budget`: the segments the request may still flatten into (see
/// [`REQUEST_FLAT_SEGMENTS`]); what this arc uses is taken from it.
fn arc_path(
    a: &ArcSpec,
    off: f32,
    close: ArcClose,
    bx: &SafeBox,
    budget: &mut usize,
) -> Option<tiny_skia::Path> {
    let rx = a.width as f64 / 2.0;
    let ry = a.height as f64 / 2.0;
    let cx = a.x as f64 + rx + off as f64;
    let cy = a.y as f64 + ry + off as f64;
    let extent = (a.angle2 as i64).clamp(-FULL_CIRCLE, FULL_CIRCLE);
    let full = extent.abs() == FULL_CIRCLE;
    let deg = |v: i64| (v as f64 / 64.0).to_radians();
    let t0 = parametric(deg(a.angle1 as i64), rx, ry);
    let t1 = if full {
        t0 + extent.signum() as f64 * TAU
    } else {
        parametric(deg(a.angle1 as i64 + extent), rx, ry)
    };
    let sweep = t1 - t0;
    // Screen coordinates: y grows downwards, so counter-clockwise means -sin.
    let point = |t: f64| (cx + rx * t.cos(), cy - ry * t.sin());
    let closed = close != ArcClose::Open || full;
    let mut pb = PathBuilder::new();

    // The arc, its pie lines and chord all lie in the ellipse's box: one that misses the
    // safe box (which holds everything that can reach the pixmap) draws nothing, and is
    // not flattened into up to 2¹⁷ segments for nothing.
    if bx.misses_rect(cx - rx, cy - ry, cx + rx, cy + ry) {
        return None;
    }
    // Likewise the curve of an open arc when the box lies inside the ellipse (which is
    // convex: its four corners inside put the whole box inside, the curve outside it).
    let inside = |(x, y): Pt| {
        let (u, v) = ((x - cx) / rx, (y - cy) / ry);
        u * u + v * v < 1.0
    };
    if close == ArcClose::Open && rx > 0.0 && ry > 0.0 && bx.corners().into_iter().all(inside) {
        return None;
    }
    if !bx.contains_rect(cx - rx, cy - ry, cx + rx, cy + ry) {
        // Flatten with segments whose sagitta stays around a tenth of a pixel.
        let step = (0.8 / rx.max(ry).max(1.0)).sqrt();
        let most = MAX_FLAT_SEGMENTS.min(*budget as f64).max(8.0);
        let n = (sweep.abs() / step).ceil().clamp(8.0, most) as usize;
        *budget = budget.saturating_sub(n);
        let mut pts: Vec<Pt> = Vec::with_capacity(n + 2);
        if close == ArcClose::Pie && !full {
            pts.push((cx, cy));
        }
        pts.extend((0..=n).map(|i| {
            point(if i == n {
                t1
            } else {
                t0 + sweep * i as f64 / n as f64
            })
        }));
        if close == ArcClose::Open {
            add_polyline(&mut pb, &pts, full, bx);
        } else {
            add_polygon(&mut pb, &pts, bx);
        }
        return pb.finish();
    }

    let deriv = |t: f64| (-rx * t.sin(), -ry * t.cos());
    let start = point(t0);
    if close == ArcClose::Pie && !full {
        pb.move_to(cx as f32, cy as f32);
        pb.line_to(start.0 as f32, start.1 as f32);
    } else {
        pb.move_to(start.0 as f32, start.1 as f32);
    }
    let n = ((sweep.abs() / FRAC_PI_2).ceil() as usize).clamp(1, 4);
    let dt = sweep / n as f64;
    let k = 4.0 / 3.0 * (dt / 4.0).tan();
    for i in 0..n {
        let ta = t0 + dt * i as f64;
        let tb = if i + 1 == n { t1 } else { ta + dt };
        let (pa, pe) = (point(ta), point(tb));
        let (da, de) = (deriv(ta), deriv(tb));
        pb.cubic_to(
            (pa.0 + k * da.0) as f32,
            (pa.1 + k * da.1) as f32,
            (pe.0 - k * de.0) as f32,
            (pe.1 - k * de.1) as f32,
            pe.0 as f32,
            pe.1 as f32,
        );
    }
    if closed {
        pb.close();
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path of `a` as the first arc of a request.
    fn path(a: &ArcSpec, close: ArcClose, bx: &SafeBox) -> Option<tiny_skia::Path> {
        arc_path(a, 0.0, close, bx, &mut REQUEST_FLAT_SEGMENTS.clone())
    }

    #[test]
    fn a_request_flattens_its_arcs_into_a_bounded_number_of_segments() {
        let bx = SafeBox::around(&Pixmap::new(64, 64).unwrap(), 4.0);
        // A circle of radius 2^19 through the pixmap: 5 087 segments at full precision.
        let through = ArcSpec {
            x: -(1 << 20),
            y: 32 - (1 << 19),
            width: 1 << 20,
            height: 1 << 20,
            angle1: 0,
            angle2: 360 * 64,
        };
        let mut budget = 8_000;
        assert!(arc_path(&through, 0.0, ArcClose::Open, &bx, &mut budget).is_some());
        assert_eq!(budget, 8_000 - 5_087);
        // The rest of the budget, then the least: still drawn.
        assert!(arc_path(&through, 0.0, ArcClose::Open, &bx, &mut budget).is_some());
        assert_eq!(budget, 0);
        assert!(arc_path(&through, 0.0, ArcClose::Pie, &bx, &mut budget).is_some());
        assert_eq!(budget, 0);
    }

    #[test]
    fn parametric_is_identity_for_circles_and_monotonic() {
        for deg in [-720.0f64, -90.0, 0.0, 45.0, 90.0, 180.0, 359.0, 720.0] {
            let th = deg.to_radians();
            assert!((parametric(th, 5.0, 5.0) - th).abs() < 1e-9, "{deg}");
        }
        let mut prev = f64::NEG_INFINITY;
        for i in -800..800 {
            let t = parametric(i as f64 * 0.01, 10.0, 3.0);
            assert!(t >= prev);
            prev = t;
        }
    }

    #[test]
    fn arcs_that_cannot_reach_the_pixmap_make_no_path() {
        let bx = SafeBox::around(&Pixmap::new(64, 64).unwrap(), 4.0);
        let arc = |x: i32, y: i32, side: u32| ArcSpec {
            x,
            y,
            width: side,
            height: side,
            angle1: 0,
            angle2: 360 * 64,
        };
        // Far away, and a huge circle around the pixmap: nothing to flatten.
        assert!(path(&arc(1 << 30, 1 << 30, 100), ArcClose::Open, &bx).is_none());
        let around = arc(i32::MIN, i32::MIN, u32::MAX);
        assert!(path(&around, ArcClose::Open, &bx).is_none());
        // Filled, the same circle covers the pixmap; and one through the pixmap is drawn.
        assert!(path(&around, ArcClose::Pie, &bx).is_some());
        let through = arc(-(1 << 20), 32 - (1 << 19), 1 << 20);
        assert!(path(&through, ArcClose::Open, &bx).is_some());
    }

    #[test]
    fn quarter_arc_path_ends_on_axes() {
        let a = ArcSpec {
            x: 0,
            y: 0,
            width: 20,
            height: 10,
            angle1: 0,
            angle2: 90 * 64,
        };
        let bx = SafeBox::around(&Pixmap::new(30, 30).unwrap(), 4.0);
        let p = path(&a, ArcClose::Open, &bx).unwrap();
        let b = p.bounds();
        assert!((b.left() - 10.0).abs() < 1e-3 && (b.right() - 20.0).abs() < 1e-3);
        assert!(b.top().abs() < 1e-3 && (b.bottom() - 5.0).abs() < 1e-3);
    }
}
