//! Tests of the geometric primitives (rectangles, points, lines, polygons, arcs) and clips,
//! reading pixels back from the pixmap.

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

#[test]
fn arcs_fill_and_stroke_their_box() {
    let a = ArcSpec {
        x: 5,
        y: 5,
        width: 20,
        height: 20,
        angle1: 0,
        angle2: 360 * 64,
    };
    for aa in [false, true] {
        let s = Style {
            antialias: aa,
            ..Style::solid(RED)
        };
        let mut pm = new_pm(40, 40);
        let d = fill_arcs(&mut pm, &s, &[a]).unwrap();
        let px = drawn(&pm);
        assert!(px.contains(&(15, 15)) && px.contains(&(6, 15)) && !px.contains(&(6, 6)));
        assert!(px
            .iter()
            .all(|&(x, y)| (4..=26).contains(&x) && (4..=26).contains(&y)));
        assert!(px.iter().all(|&(x, y)| d.contains(x, y)));
        let mut pm = new_pm(40, 40);
        stroke_arcs(&mut pm, &s, &[a]);
        let px = drawn(&pm);
        assert!(!px.contains(&(15, 15)) && px.contains(&(25, 15)) && px.contains(&(15, 5)));
        assert!(px.contains(&(5, 15)) && px.contains(&(15, 25)) && !px.contains(&(26, 15)));
    }
}

#[test]
fn pie_and_chord_differ() {
    let a = ArcSpec {
        x: 0,
        y: 0,
        width: 40,
        height: 40,
        angle1: 0,
        angle2: 90 * 64,
    };
    let mut pie = new_pm(41, 41);
    fill_arcs(
        &mut pie,
        &Style {
            pie_slice: true,
            ..Style::solid(RED)
        },
        &[a],
    );
    let mut chord = new_pm(41, 41);
    fill_arcs(
        &mut chord,
        &Style {
            pie_slice: false,
            ..Style::solid(RED)
        },
        &[a],
    );
    // Upper-right quadrant only (angles are counter-clockwise from 3 o'clock).
    assert_eq!(rgba(&pie, 30, 10)[3], 255);
    assert_eq!(rgba(&chord, 32, 8)[3], 255);
    assert_eq!(rgba(&pie, 22, 18)[3], 255);
    assert_eq!(rgba(&chord, 22, 18)[3], 0);
    assert_eq!(rgba(&pie, 10, 10)[3], 0);
    assert_eq!(rgba(&pie, 30, 30)[3], 0);
    // Negative extent goes clockwise: lower-right quadrant.
    let mut cw = new_pm(41, 41);
    fill_arcs(
        &mut cw,
        &Style::solid(RED),
        &[ArcSpec {
            angle2: -90 * 64,
            ..a
        }],
    );
    assert_eq!(rgba(&cw, 30, 30)[3], 255);
    assert_eq!(rgba(&cw, 30, 10)[3], 0);
}

#[test]
fn absurd_geometry_does_not_panic() {
    let mut pm = new_pm(16, 16);
    for aa in [false, true] {
        for width in [0, 1, 2, 7, 1000, u32::MAX] {
            for join in [JoinStyle::Miter, JoinStyle::Round, JoinStyle::Bevel] {
                let s = Style {
                    antialias: aa,
                    line_width: width,
                    join,
                    cap: CapStyle::Round,
                    ..Style::solid(RED)
                };
                let big = [
                    (i32::MIN, i32::MIN),
                    (i32::MAX, i32::MAX),
                    (0, i32::MAX),
                    (5, 5),
                    (5, 5),
                ];
                poly_line(&mut pm, &s, &big);
                segments(
                    &mut pm,
                    &s,
                    &[
                        (i32::MIN, 0, i32::MAX, 0),
                        (3, 3, 3, 3),
                        (0, 0, 1, i32::MIN),
                    ],
                );
                fill_polygon(&mut pm, &s, &big);
                stroke_rects(
                    &mut pm,
                    &s,
                    &[IRect::new(i32::MIN, i32::MIN, u32::MAX, u32::MAX)],
                );
                let arcs = [
                    ArcSpec {
                        x: i32::MIN,
                        y: i32::MAX,
                        width: u32::MAX,
                        height: u32::MAX,
                        angle1: i32::MIN,
                        angle2: i32::MAX,
                    },
                    ArcSpec {
                        x: 3,
                        y: 3,
                        width: 0,
                        height: 9,
                        angle1: 10,
                        angle2: -i32::MAX,
                    },
                    ArcSpec {
                        x: 3,
                        y: 3,
                        width: 0,
                        height: 0,
                        angle1: 0,
                        angle2: 64,
                    },
                    ArcSpec {
                        x: 3,
                        y: 3,
                        width: 5,
                        height: 5,
                        angle1: i32::MAX,
                        angle2: i32::MIN,
                    },
                ];
                stroke_arcs(&mut pm, &s, &arcs);
                fill_arcs(&mut pm, &s, &arcs);
                draw_points(&mut pm, &s, &big);
            }
        }
    }
    let s = Style::solid(RED);
    assert_eq!(fill_arcs(&mut pm, &s, &[]), None);
    assert_eq!(stroke_arcs(&mut pm, &s, &[]), None);
    assert_eq!(segments(&mut pm, &s, &[]), None);
    assert_eq!(stroke_rects(&mut pm, &s, &[]), None);
    assert_eq!(fill_polygon(&mut pm, &s, &[]), None);
    // Pixmaps wider than tiny-skia's tile size take its tiled path.
    let mut wide = new_pm(9000, 3);
    segments(
        &mut wide,
        &Style {
            antialias: true,
            ..s
        },
        &[(0, 1, 8999, 1)],
    );
    assert_eq!(rgba(&wide, 8500, 1)[3], 255);
}

#[test]
fn clip_restricts_every_primitive() {
    let rects = [
        IRect::new(0, 0, 5, 5),
        IRect::new(10, 10, 5, 5),
        IRect::new(3, 3, 4, 4),
    ];
    let clip = Clip::from_rects(&rects, 20, 20);
    assert!(
        clip.contains(0, 0) && clip.contains(6, 6) && !clip.contains(7, 7) && !clip.contains(-1, 0)
    );
    assert_eq!(clip.bounds(), Some(IRect::new(0, 0, 15, 15)));
    let inside = |x: i32, y: i32| rects.iter().any(|r| r.contains(x, y));
    let s = Style {
        clip: Some(&clip),
        ..Style::solid(0x80FF_0000)
    };
    let all = IRect::new(0, 0, 20, 20);
    let mut pm = new_pm(20, 20);
    fill_rects(&mut pm, &s, &[all]);
    let px = drawn(&pm);
    assert_eq!(px.len(), 25 + 25 + 16 - 4);
    assert!(px.iter().all(|&(x, y)| inside(x, y)));
    // Overlapping clip rectangles must not blend twice.
    assert_eq!(rgba(&pm, 4, 4), rgba(&pm, 0, 0));

    let mut pm = new_pm(20, 20);
    let s = Style {
        line_width: 2,
        antialias: true,
        ..s
    };
    segments(&mut pm, &s, &[(0, 0, 19, 19), (0, 12, 19, 12)]);
    fill_arcs(
        &mut pm,
        &s,
        &[ArcSpec {
            x: 0,
            y: 0,
            width: 19,
            height: 19,
            angle1: 0,
            angle2: 360 * 64,
        }],
    );
    draw_points(&mut pm, &s, &[(8, 8), (1, 1)]);
    let px = drawn(&pm);
    assert!(px.contains(&(1, 1)) && px.contains(&(12, 12)));
    assert!(px.iter().all(|&(x, y)| inside(x, y)));

    // An empty clip draws nothing.
    let none = Clip::from_rects(&[], 20, 20);
    let s = Style {
        clip: Some(&none),
        ..Style::solid(RED)
    };
    let mut pm = new_pm(20, 20);
    assert_eq!(fill_rects(&mut pm, &s, &[all]), None);
    assert_eq!(segments(&mut pm, &s, &[(0, 0, 19, 19)]), None);
    assert!(drawn(&pm).is_empty());
}

#[test]
fn clip_with_many_rects_or_foreign_size() {
    // More rectangles than the piecewise limit: the mask path is used.
    let rects: Vec<IRect> = (0..100)
        .map(|i| IRect::new(i % 50 * 2, i / 50 * 4, 1, 2))
        .collect();
    let clip = Clip::from_rects(&rects, 100, 10);
    assert!(clip.rects().len() > 64);
    let mut pm = new_pm(100, 10);
    let s = Style {
        clip: Some(&clip),
        ..Style::solid(RED)
    };
    fill_rects(&mut pm, &s, &[IRect::new(0, 0, 100, 10)]);
    assert_eq!(drawn(&pm).len(), 200);
    // A clip built for another size is rebuilt for this pixmap.
    let clip = Clip::from_rects(&[IRect::new(2, 2, 3, 3)], 50, 50);
    let mut pm = new_pm(4, 4);
    let s = Style {
        clip: Some(&clip),
        ..Style::solid(RED)
    };
    fill_rects(&mut pm, &s, &[IRect::new(0, 0, 4, 4)]);
    assert_eq!(drawn(&pm), vec![(2, 2), (3, 2), (2, 3), (3, 3)]);
    // A clip covering everything and a zero-size clip.
    let full = Clip::from_rects(&[IRect::new(-5, -5, 100, 100)], 4, 4);
    assert!(full.covers_all() && full.contains(3, 3));
    let zero = Clip::from_rects(&[IRect::new(0, 0, 5, 5)], 0, 0);
    assert!(zero.is_empty() && !zero.contains(0, 0));
}

#[test]
fn source_replaces_and_over_blends() {
    let half_red = 0x80FF_0000;
    let white = |pm: &mut Pixmap| fill_solid(pm, IRect::new(0, 0, 40, 40), 0xFFFF_FFFF);
    for prim in 0..3 {
        for (op, expect) in [
            (Op::Over, [255u8, 127, 127, 255]),
            (Op::Source, [128, 0, 0, 128]),
        ] {
            let mut pm = new_pm(40, 40);
            white(&mut pm);
            let s = Style {
                op,
                ..Style::solid(half_red)
            };
            match prim {
                0 => fill_rects(&mut pm, &s, &[IRect::new(5, 5, 10, 10)]),
                1 => fill_polygon(&mut pm, &s, &[(5, 5), (15, 5), (15, 15), (5, 15)]),
                _ => draw_points(&mut pm, &s, &[(8, 8)]),
            };
            let got = rgba(&pm, 8, 8);
            for i in 0..4 {
                assert!(
                    (got[i] as i32 - expect[i] as i32).abs() <= 2,
                    "{prim} {op:?}: {got:?}"
                );
            }
            assert_eq!(rgba(&pm, 30, 30), [255; 4]);
        }
    }
    let mut pm = new_pm(4, 4);
    white(&mut pm);
    for op in [Op::Clear, Op::Xor, Op::Add, Op::Multiply, Op::Screen] {
        let s = Style {
            op,
            ..Style::solid(half_red)
        };
        fill_rects(&mut pm, &s, &[IRect::new(0, 0, 2, 2)]);
        draw_points(&mut pm, &s, &[(3, 3)]);
        segments(&mut pm, &s, &[(0, 3, 3, 3)]);
    }
}
