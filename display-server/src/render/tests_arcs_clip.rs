//! Tests of arcs, clipping, operators and robustness against absurd input.

use super::tests_shapes::{drawn, new_pm, rgba, RED};
use super::*;

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
