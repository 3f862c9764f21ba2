//! Tests of the direct (row-wise) routes for aliased primitives against the path route
//! and against the properties X gives thin lines, ellipses and polygons.

use super::tests_shapes::{drawn, new_pm, RED};
use super::*;

/// Half-transparent red: forces the blending (pixel by pixel) route.
const SEE_THROUGH: u32 = 0x80FF_0000;

fn seg_pixels(seg: (i32, i32, i32, i32), color: u32) -> Vec<(i32, i32)> {
    let mut pm = new_pm(64, 64);
    segments(&mut pm, &Style::solid(color), &[seg]);
    drawn(&pm)
}

#[test]
fn thin_segments_step_once_per_major_pixel_from_end_to_end() {
    for i in 0..300i32 {
        let seg = (
            (i * 7) % 70 - 3,
            (i * 3) % 66 - 1,
            (i * 37) % 72 - 4,
            (i * 53) % 68 - 2,
        );
        let (x1, y1, x2, y2) = seg;
        let px = seg_pixels(seg, RED);
        assert_eq!(
            px,
            seg_pixels(seg, SEE_THROUGH),
            "{seg:?}: both routes agree"
        );
        let inside = |x: i32, y: i32| (0..64).contains(&x) && (0..64).contains(&y);
        for (x, y) in [(x1, y1), (x2, y2)] {
            assert_eq!(px.contains(&(x, y)), inside(x, y), "{seg:?}: end ({x},{y})");
        }
        let (dx, dy) = (x2 - x1, y2 - y1);
        let n = dx.abs().max(dy.abs());
        for &(x, y) in &px {
            // Every pixel is the line's nearest on its major step.
            let dist = if dx.abs() >= dy.abs() {
                ((y - y1) as f64 - (x - x1) as f64 * dy as f64 / dx as f64).abs()
            } else {
                ((x - x1) as f64 - (y - y1) as f64 * dx as f64 / dy as f64).abs()
            };
            assert!(n == 0 || dist <= 0.5, "{seg:?}: ({x},{y}) is {dist} off");
        }
        let visible = (0..=n)
            .filter(|k| {
                let t = if n == 0 { 0.0 } else { *k as f64 / n as f64 };
                let (x, y) = (x1 as f64 + t * dx as f64, y1 as f64 + t * dy as f64);
                // Ties (exact halves) may go either way; only count clear cases.
                let near = |v: f64| (v - v.round()).abs() < 0.49 || v == v.round();
                near(x) && near(y) && inside(x.round() as i32, y.round() as i32)
            })
            .count();
        assert!(px.len() >= visible && px.len() <= n as usize + 1, "{seg:?}");
    }
}

#[test]
fn whole_ellipses_row_by_row_agree_with_the_path_route() {
    for (w, h) in [
        (10u32, 10u32),
        (11, 11),
        (100, 100),
        (7, 13),
        (40, 20),
        (3, 3),
        (101, 57),
    ] {
        let full = ArcSpec {
            x: 3,
            y: 4,
            width: w,
            height: h,
            angle1: 0,
            angle2: 360 * 64,
        };
        // Two half arcs take the path route.
        let halves = [
            ArcSpec {
                angle2: 180 * 64,
                ..full
            },
            ArcSpec {
                angle1: 180 * 64,
                angle2: 180 * 64,
                ..full
            },
        ];
        for fill in [true, false] {
            let draw = |arcs: &[ArcSpec], color| {
                let mut pm = new_pm(120, 120);
                let s = Style::solid(color);
                if fill {
                    fill_arcs(&mut pm, &s, arcs);
                } else {
                    stroke_arcs(&mut pm, &s, arcs);
                }
                drawn(&pm)
            };
            let fast = draw(&[full], RED);
            assert_eq!(
                fast,
                draw(&[full], SEE_THROUGH),
                "{w}x{h}: both routes agree"
            );
            let path = draw(&halves, RED);
            // Only pixels next to the curve may differ: each pixel of either is at most
            // one pixel away from one of the other.
            let near = |a: &[(i32, i32)], b: &[(i32, i32)]| {
                a.iter().all(|&(x, y)| {
                    b.iter()
                        .any(|&(u, v)| (x - u).abs() <= 1 && (y - v).abs() <= 1)
                })
            };
            assert!(
                near(&fast, &path) && near(&path, &fast),
                "{w}x{h} fill={fill}"
            );
            let ratio = fast.len() as f64 / path.len() as f64;
            assert!((0.8..1.25).contains(&ratio), "{w}x{h} fill={fill}: {ratio}");
            // Inside the box (fills: w × h; outlines: w + 1 × h + 1).
            let grow = if fill { 0 } else { 1 };
            assert!(fast
                .iter()
                .all(|&(x, y)| (3..3 + (w + grow) as i32).contains(&x)
                    && (4..4 + (h + grow) as i32).contains(&y)));
        }
    }
}

#[test]
fn small_polygons_row_by_row_match_the_path_route_exactly() {
    let polys: [&[(i32, i32)]; 5] = [
        &[(2, 2), (22, 2), (2, 22)],
        &[(0, 0), (14, 7), (0, 14)],
        &[(5, 1), (30, 9), (12, 27), (1, 15)],
        &[(15, 1), (19, 29), (1, 10), (29, 10), (11, 29)],
        &[(3, 3), (40, 5), (7, 41), (-5, 20)],
    ];
    for p in polys {
        for even_odd in [true, false] {
            let s = Style {
                even_odd,
                ..Style::solid(RED)
            };
            let mut fast = new_pm(60, 60);
            fill_polygon(&mut fast, &s, p);
            // More vertices than the row-wise route takes: the same shape by path.
            let many: Vec<_> = p.iter().flat_map(|&q| [q; 20]).collect();
            let mut path = new_pm(60, 60);
            fill_polygon(&mut path, &s, &many);
            assert_eq!(drawn(&fast), drawn(&path), "{p:?} even_odd={even_odd}");
        }
    }
}
