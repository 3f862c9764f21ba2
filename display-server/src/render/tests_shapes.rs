//! Tests of the straight-edged primitives (rectangles, points, lines, polygons), reading
//! pixels back from the pixmap; also the pixel helpers shared by the other test files.

use super::*;

pub(crate) const RED: u32 = 0xFFFF_0000;

pub(crate) fn new_pm(w: u32, h: u32) -> Pixmap {
    Pixmap::new(w, h).unwrap()
}

/// All pixels with non-zero alpha.
pub(crate) fn drawn(pm: &Pixmap) -> Vec<(i32, i32)> {
    let mut v = Vec::new();
    for y in 0..pm.height() {
        for x in 0..pm.width() {
            if pm.pixel(x, y).unwrap().alpha() != 0 {
                v.push((x as i32, y as i32));
            }
        }
    }
    v
}

pub(crate) fn rgba(pm: &Pixmap, x: u32, y: u32) -> [u8; 4] {
    let p = pm.pixel(x, y).unwrap();
    [p.red(), p.green(), p.blue(), p.alpha()]
}

fn rect_pixels(r: IRect) -> Vec<(i32, i32)> {
    let mut v = Vec::new();
    for y in r.y..r.bottom() as i32 {
        for x in r.x..r.right() as i32 {
            v.push((x, y));
        }
    }
    v
}

#[test]
fn fill_rect_is_exact() {
    for aa in [false, true] {
        for color in [RED, 0x80FF_0000] {
            let mut pm = new_pm(30, 30);
            let s = Style {
                antialias: aa,
                ..Style::solid(color)
            };
            let r = IRect::new(10, 10, 5, 5);
            assert_eq!(fill_rects(&mut pm, &s, &[r]), Some(r));
            assert_eq!(drawn(&pm), rect_pixels(r));
        }
    }
}

#[test]
fn fill_rects_clamps_absurd_rects() {
    let mut pm = new_pm(8, 6);
    let s = Style::solid(RED);
    assert_eq!(fill_rects(&mut pm, &s, &[]), None);
    assert_eq!(
        fill_rects(
            &mut pm,
            &s,
            &[IRect::new(i32::MAX, i32::MAX, u32::MAX, u32::MAX)]
        ),
        None
    );
    assert_eq!(fill_rects(&mut pm, &s, &[IRect::new(3, 3, 0, 10)]), None);
    let all = IRect::new(i32::MIN, i32::MIN, u32::MAX, u32::MAX);
    let d = fill_rects(&mut pm, &s, &[IRect::new(-5, -5, 6, 6), all]);
    assert_eq!(d, Some(IRect::new(0, 0, 8, 6)));
    assert_eq!(drawn(&pm).len(), 48);
}

#[test]
fn thin_segment_includes_both_end_points() {
    for width in [0, 1] {
        let mut pm = new_pm(20, 20);
        let s = Style {
            line_width: width,
            ..Style::solid(RED)
        };
        let d = segments(&mut pm, &s, &[(0, 5, 9, 5)]).unwrap();
        assert_eq!(drawn(&pm), rect_pixels(IRect::new(0, 5, 10, 1)));
        assert!(d.contains(0, 5) && d.contains(9, 5));

        let mut pm = new_pm(20, 20);
        segments(&mut pm, &s, &[(3, 2, 3, 12), (1, 1, 7, 3)]);
        let px = drawn(&pm);
        for y in 2..=12 {
            assert!(px.contains(&(3, y)), "vertical pixel {y}");
        }
        assert!(px.contains(&(1, 1)) && px.contains(&(7, 3)));
        assert!(!px.contains(&(3, 13)) && !px.contains(&(8, 3)));
    }
}

#[test]
fn zero_length_thin_segment_draws_one_pixel() {
    let mut pm = new_pm(10, 10);
    segments(&mut pm, &Style::solid(RED), &[(4, 4, 4, 4)]);
    assert_eq!(drawn(&pm), vec![(4, 4)]);
}

#[test]
fn wide_line_covers_its_rectangle() {
    let mut pm = new_pm(20, 20);
    let s = Style {
        line_width: 3,
        ..Style::solid(RED)
    };
    segments(&mut pm, &s, &[(0, 5, 9, 5)]);
    assert_eq!(drawn(&pm), rect_pixels(IRect::new(0, 4, 9, 3)));
    let mut pm = new_pm(20, 20);
    let s = Style {
        cap: CapStyle::Square,
        ..s
    };
    segments(&mut pm, &s, &[(2, 5, 9, 5)]);
    let px = drawn(&pm);
    assert!(px.contains(&(1, 5)) && px.contains(&(10, 5)) && !px.contains(&(12, 5)));
}

#[test]
fn poly_line_draws_corners_and_ends() {
    let mut pm = new_pm(20, 20);
    poly_line(&mut pm, &Style::solid(RED), &[(2, 2), (12, 2), (12, 9)]);
    let px = drawn(&pm);
    for p in [(2, 2), (7, 2), (12, 2), (12, 5), (12, 9)] {
        assert!(px.contains(&p), "{p:?}");
    }
    assert_eq!(px.len(), 11 + 7);
    assert_eq!(poly_line(&mut pm, &Style::solid(RED), &[(1, 1)]), None);
    assert_eq!(poly_line(&mut pm, &Style::solid(RED), &[]), None);
}

#[test]
fn antialiased_line_stays_near_its_path() {
    let mut pm = new_pm(40, 40);
    let s = Style {
        antialias: true,
        line_width: 2,
        ..Style::solid(RED)
    };
    let d = segments(&mut pm, &s, &[(5, 5, 30, 20)]).unwrap();
    let px = drawn(&pm);
    assert!(px.len() > 25);
    for &(x, y) in &px {
        assert!(d.contains(x, y));
        // Distance from the line through (5,5) and (30,20).
        let (dx, dy) = (25.0f32, 15.0f32);
        let dist =
            ((x as f32 - 5.0) * dy - (y as f32 - 5.0) * dx).abs() / (dx * dx + dy * dy).sqrt();
        assert!(dist < 3.0, "({x},{y}) at {dist}");
    }
}

#[test]
fn stroke_rect_outline_is_w_plus_one() {
    let mut pm = new_pm(20, 20);
    let r = IRect::new(2, 3, 5, 4);
    let d = stroke_rects(&mut pm, &Style::solid(RED), &[r]).unwrap();
    assert_eq!(d, IRect::new(2, 3, 6, 5));
    let px = drawn(&pm);
    assert_eq!(px.len(), 2 * 6 + 2 * 3);
    assert!(px.contains(&(7, 7)) && !px.contains(&(4, 5)));
    // Wide outline: a ring 3 pixels thick centred on the thin outline.
    let mut pm = new_pm(20, 20);
    let s = Style {
        line_width: 3,
        ..Style::solid(RED)
    };
    stroke_rects(&mut pm, &s, &[IRect::new(4, 4, 8, 8)]);
    let px = drawn(&pm);
    assert!(px.contains(&(3, 3)) && px.contains(&(13, 13)) && px.contains(&(5, 8)));
    assert!(!px.contains(&(2, 2)) && !px.contains(&(14, 8)) && !px.contains(&(8, 8)));
    // Degenerate rectangles do not panic.
    stroke_rects(
        &mut pm,
        &Style::solid(RED),
        &[
            IRect::new(1, 1, 0, 0),
            IRect::new(-9, i32::MAX, 5, u32::MAX),
        ],
    );
    stroke_rects(
        &mut pm,
        &s,
        &[IRect::new(1, 1, 0, 0), IRect::new(i32::MIN, 3, u32::MAX, 3)],
    );
}

#[test]
fn points_are_exact() {
    let mut pm = new_pm(10, 10);
    let d = draw_points(
        &mut pm,
        &Style::solid(RED),
        &[(1, 2), (9, 9), (-1, 0), (10, 3), (i32::MIN, i32::MAX)],
    );
    assert_eq!(drawn(&pm), vec![(1, 2), (9, 9)]);
    assert_eq!(d, Some(IRect::new(1, 2, 9, 8)));
    assert_eq!(draw_points(&mut pm, &Style::solid(RED), &[(-1, -1)]), None);
}

#[test]
fn polygon_fills_interior() {
    let mut pm = new_pm(30, 30);
    fill_polygon(&mut pm, &Style::solid(RED), &[(2, 2), (22, 2), (2, 22)]);
    let px = drawn(&pm);
    assert!(px.contains(&(3, 3)) && px.contains(&(10, 5)) && px.contains(&(5, 15)));
    assert!(!px.contains(&(20, 20)) && !px.contains(&(23, 2)) && !px.contains(&(2, 23)));
    // An axis-aligned polygon covers exactly what fill_rects covers.
    for aa in [false, true] {
        let mut pm = new_pm(30, 30);
        let s = Style {
            antialias: aa,
            ..Style::solid(RED)
        };
        fill_polygon(&mut pm, &s, &[(10, 10), (15, 10), (15, 15), (10, 15)]);
        assert_eq!(drawn(&pm), rect_pixels(IRect::new(10, 10, 5, 5)));
    }
    assert_eq!(
        fill_polygon(&mut pm, &Style::solid(RED), &[(1, 1), (5, 5)]),
        None
    );
    fill_polygon(&mut pm, &Style::solid(RED), &[(1, 1), (5, 5), (9, 9)]);
}

#[test]
fn fill_rule_matters_for_a_pentagram() {
    let star = [(15, 1), (24, 28), (1, 10), (29, 10), (6, 28)];
    let mut even = new_pm(30, 30);
    fill_polygon(
        &mut even,
        &Style {
            even_odd: true,
            ..Style::solid(RED)
        },
        &star,
    );
    let mut wind = new_pm(30, 30);
    fill_polygon(
        &mut wind,
        &Style {
            even_odd: false,
            ..Style::solid(RED)
        },
        &star,
    );
    assert_eq!(rgba(&even, 15, 16)[3], 0);
    assert_eq!(rgba(&wind, 15, 16)[3], 255);
    assert_eq!(rgba(&even, 15, 5)[3], 255);
}
