//! Tests of the cached fast paths (`span_cache.rs`) against the row-by-row routes they
//! replace: identical pixels and damage, whatever the position, clip, colour or operator;
//! the direct route of thin lines (`lines.rs`) against their blending route; the
//! allocation-free polygon fill (`polyfill.rs`) against its former version.

use super::clip::Region;
use super::ellipse;
use super::raster::Target;
use super::span_cache::{EllipseDrawer, Kind};
use super::tests_shapes::new_pm;
use super::*;

/// Draws `arcs` with the cached drawer and row by row; asserts equal pixels and damage.
fn same_as_row_by_row(kind: Kind, s: &Style, arcs: &[ArcSpec], w: u32, h: u32) {
    let (mut fast, mut slow) = (new_pm(w, h), new_pm(w, h));
    // Some background, so that blending operators have something to work on.
    for pm in [&mut fast, &mut slow] {
        fill_solid(pm, IRect::new(0, 0, w / 2, h), 0xFF20_40C0);
    }
    let region = Region::resolve(s.clip, &fast);
    let mut drawer = EllipseDrawer::new(kind);
    let d_fast = Target::new(&mut fast, s, &region).and_then(|mut t| {
        for a in arcs {
            drawer.draw(&mut t, a);
        }
        t.damage()
    });
    let d_slow = Target::new(&mut slow, s, &region).and_then(|mut t| {
        for a in arcs {
            match kind {
                Kind::Outline => ellipse::outline_ellipse(&mut t, a),
                Kind::Fill => ellipse::fill_ellipse(&mut t, a),
            }
        }
        t.damage()
    });
    assert_eq!(d_fast, d_slow, "{kind:?} {arcs:?} damage");
    assert!(fast.data() == slow.data(), "{kind:?} {arcs:?} pixels");
}

fn circle(x: i32, y: i32, w: u32, h: u32) -> ArcSpec {
    ArcSpec {
        x,
        y,
        width: w,
        height: h,
        angle1: 0,
        angle2: 360 * 64,
    }
}

#[test]
fn cached_ellipses_match_row_by_row_everywhere() {
    let clip_rects = [IRect::new(3, 2, 20, 30), IRect::new(30, 25, 17, 9)];
    let clip = Clip::from_rects(&clip_rects, 50, 40);
    let styles = [
        Style::solid(0xFFFF_0000),
        Style::solid(0x80FF_0000),
        Style {
            op: Op::Xor,
            ..Style::solid(0xFF00_FF00)
        },
        Style {
            op: Op::Clear,
            ..Style::solid(0xFF00_FF00)
        },
        Style {
            clip: Some(&clip),
            ..Style::solid(0xFFFF_0000)
        },
        Style {
            clip: Some(&clip),
            ..Style::solid(0x40FF_0000)
        },
    ];
    let sizes = [
        (1, 1),
        (2, 2),
        (3, 5),
        (10, 10),
        (11, 11),
        (13, 7),
        (30, 22),
        (49, 39),
    ];
    let spots = [
        (0, 0),
        (5, 4),
        (-3, -2),
        (45, 35),
        (-20, 10),
        (10, -30),
        (60, 5),
    ];
    for s in &styles {
        for kind in [Kind::Outline, Kind::Fill] {
            for &(w, h) in &sizes {
                for &(x, y) in &spots {
                    same_as_row_by_row(kind, s, &[circle(x, y, w, h)], 50, 40);
                }
                // A run of one size (the drawer's last shape), then another size.
                let run: Vec<ArcSpec> = spots
                    .iter()
                    .map(|&(x, y)| circle(x, y, w, h))
                    .chain([circle(7, 9, h, w)])
                    .collect();
                same_as_row_by_row(kind, s, &run, 50, 40);
            }
        }
    }
}

#[test]
fn cached_ellipses_survive_extreme_coordinates_and_sizes() {
    let s = Style::solid(0xFFFF_0000);
    for kind in [Kind::Outline, Kind::Fill] {
        for (x, y) in [
            (i32::MIN, i32::MIN),
            (i32::MAX, i32::MAX),
            (i32::MAX - 5, 3),
            (3, i32::MIN + 2),
            (-1024, -1024),
        ] {
            for (w, h) in [(10, 10), (1024, 1024), (1025, 3), (2000, 2000)] {
                same_as_row_by_row(kind, &s, &[circle(x, y, w, h)], 40, 30);
            }
        }
        // Large shapes straddling the drawable (cached and row-by-row sizes).
        for (w, h) in [(1024, 1024), (1025, 1025), (60, 2000)] {
            same_as_row_by_row(kind, &s, &[circle(-500, -490, w, h)], 40, 30);
            same_as_row_by_row(kind, &s, &[circle(-20, -15, w, h)], 40, 30);
        }
    }
}

#[test]
fn poly_arc_requests_use_the_cache_and_match_the_path_route_bounds() {
    // Through the public entry points: whole circles among partial arcs.
    let mut pm = new_pm(64, 64);
    let arcs = [
        circle(2, 2, 10, 10),
        ArcSpec {
            angle2: 90 * 64,
            ..circle(20, 20, 10, 10)
        },
        circle(40, 40, 10, 10),
    ];
    let d = stroke_arcs(&mut pm, &Style::solid(0xFFFF_0000), &arcs).unwrap();
    assert!(d.contains(2, 2) && d.contains(50, 50));
    let d = fill_arcs(&mut pm, &Style::solid(0xFF00_FF00), &arcs).unwrap();
    assert!(d.contains(3, 3) && d.contains(49, 49));
}

/// The pixels a thin poly-line or segment list draws, in a colour that takes the direct
/// route (opaque) or the blending one (see-through); compared by position only.
fn line_pixels(
    pts: &[(i32, i32)],
    color: u32,
    as_segments: bool,
) -> (Vec<(i32, i32)>, Option<IRect>) {
    let mut pm = new_pm(40, 30);
    let s = Style::solid(color);
    let d = if as_segments {
        let segs: Vec<_> = pts
            .windows(2)
            .map(|w| (w[0].0, w[0].1, w[1].0, w[1].1))
            .collect();
        segments(&mut pm, &s, &segs)
    } else {
        poly_line(&mut pm, &s, pts)
    };
    (super::tests_shapes::drawn(&pm), d)
}

#[test]
fn direct_thin_lines_match_the_blending_route() {
    let mut seed = 7u32;
    let mut next = |m: i32| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (seed >> 8) as i32 % m
    };
    for _ in 0..400 {
        let n = 2 + next(5) as usize;
        let mut pts: Vec<(i32, i32)> = (0..n).map(|_| (next(50) - 5, next(40) - 5)).collect();
        if next(4) == 0 {
            pts.push(pts[0]); // closed
        }
        if next(5) == 0 {
            pts[1] = pts[0]; // zero-length piece
        }
        for as_segments in [false, true] {
            let (fast, df) = line_pixels(&pts, 0xFFFF_0000, as_segments);
            let (slow, ds) = line_pixels(&pts, 0x80FF_0000, as_segments);
            assert_eq!(fast, slow, "{pts:?} segments={as_segments}");
            assert_eq!(df, ds, "{pts:?} segments={as_segments} damage");
        }
    }
    // Extreme coordinates take the clipped route without overflow.
    for pts in [
        vec![(i32::MIN, i32::MIN), (i32::MAX, i32::MAX)],
        vec![(5, 5), (i32::MAX, 5), (5, i32::MIN)],
    ] {
        for as_segments in [false, true] {
            let (fast, _) = line_pixels(&pts, 0xFFFF_0000, as_segments);
            let (slow, _) = line_pixels(&pts, 0x80FF_0000, as_segments);
            assert_eq!(fast, slow, "{pts:?}");
        }
    }
}

/// The row-wise polygon fill as it was before its edges were set up once per call (with
/// an allocated, sorted crossing list): the reference for the allocation-free version.
fn reference_polygon(t: &mut Target, pts: &[(i32, i32)], even_odd: bool) {
    let (top, bottom) = t.rows();
    let ymin = pts.iter().map(|p| p.1 as i64).min().unwrap_or(0);
    let ymax = pts.iter().map(|p| p.1 as i64).max().unwrap_or(0);
    let mut crossings: Vec<(i64, i32)> = Vec::new();
    for py in ymin.max(top)..ymax.min(bottom) {
        let sy = 64 * py + 1;
        crossings.clear();
        for (i, &(xa, ya)) in pts.iter().enumerate() {
            let (xb, yb) = pts[(i + 1) % pts.len()];
            let (xa, ya, xb, yb) = (xa as i64, ya as i64, xb as i64, yb as i64);
            let (lo, hi) = (64 * ya.min(yb), 64 * ya.max(yb));
            if sy < lo || sy > hi || ya == yb {
                continue;
            }
            let (mut n, mut d) = (64 * xa * (yb - ya) + (sy - 64 * ya) * (xb - xa), yb - ya);
            if d < 0 {
                (n, d) = (-n, -d);
            }
            let col = -((-(n - d)).div_euclid(64 * d));
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

#[test]
fn polygon_fill_matches_its_reference() {
    let clip = Clip::from_rects(
        &[IRect::new(4, 3, 25, 20), IRect::new(20, 20, 15, 9)],
        40,
        30,
    );
    let mut seed = 11u32;
    let mut next = |m: i32| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (seed >> 8) as i32 % m
    };
    // Far vertices too (up to polyfill's largest coordinates): long, steep and shallow
    // edges whose crossings start far from their first vertex and take large steps
    // and remainders from row to row; some with two far vertices (an edge 2^25 wide).
    let far = [-(1 << 24), -(1 << 20), -70_001, 70_003, 1 << 20, 1 << 24];
    for i in 0..800 {
        let n = 3 + next(6) as usize;
        let mut pts: Vec<(i32, i32)> = (0..n).map(|_| (next(60) - 10, next(50) - 10)).collect();
        for _ in 0..(i >= 600) as usize + (i >= 700) as usize {
            let k = next(n as i32) as usize;
            pts[k] = match next(3) {
                0 => (far[next(6) as usize], next(50) - 10),
                1 => (next(60) - 10, far[next(6) as usize]),
                _ => (far[next(6) as usize], far[next(6) as usize]),
            };
        }
        if i % 7 == 0 {
            pts[1].1 = pts[0].1; // horizontal edge
        }
        for even_odd in [true, false] {
            for color in [0xFFFF_0000, 0x80FF_0000] {
                let s = Style {
                    even_odd,
                    clip: (i % 3 == 0).then_some(&clip),
                    ..Style::solid(color)
                };
                let (mut a, mut b) = (new_pm(40, 30), new_pm(40, 30));
                let ra = Region::resolve(s.clip, &a);
                let da = Target::new(&mut a, &s, &ra).and_then(|mut t| {
                    super::polyfill::fill_polygon(&mut t, &pts, even_odd);
                    t.damage()
                });
                let db = Target::new(&mut b, &s, &ra).and_then(|mut t| {
                    reference_polygon(&mut t, &pts, even_odd);
                    t.damage()
                });
                assert_eq!(da, db, "{pts:?}");
                assert!(a.data() == b.data(), "{pts:?} even_odd={even_odd}");
            }
        }
    }
}
