//! Tests of text drawing and measurement, and of image decoding / reading back.

use super::tests_shapes::{drawn, new_pm, rgba, RED};
use super::*;
use yonder_fonts::Face;

#[test]
fn text_draws_only_inside_its_extents() {
    for size in [12.0, 14.0, 16.0, 40.0] {
        for text in ["Hello, World! gjpq", "Ünïcødé ✓ \u{10FFFF}\u{E000}", "_"] {
            let e = text_extents(Face::Sans, size, text);
            assert!(
                e.width > 0 && e.font_ascent > 0 && e.font_descent > 0,
                "{e:?}"
            );
            assert!(
                e.ascent <= e.font_ascent + 2 && e.descent <= e.font_descent + 2,
                "{e:?}"
            );
            let (x, y) = (20, 60);
            let mut pm = new_pm(700, 120);
            let d = draw_text(&mut pm, &Style::solid(RED), Face::Sans, size, x, y, text).unwrap();
            let px = drawn(&pm);
            assert!(px.len() > 5, "{text}");
            let inside = |px: i32, py: i32| {
                px >= x + e.left && px < x + e.right && py >= y - e.ascent && py < y + e.descent
            };
            assert!(
                px.iter().all(|&(a, b)| inside(a, b) && d.contains(a, b)),
                "{text} {e:?}"
            );
            assert!(e.left >= -2 && e.right <= e.width as i32 + 4, "{e:?}");
        }
    }
}

#[test]
fn text_is_legible_at_small_sizes() {
    // "l" at 13 px is a vertical stem of solid pixels.
    let mut pm = new_pm(20, 20);
    draw_text(
        &mut pm,
        &Style::solid(0xFF00_0000),
        Face::Sans,
        13.0,
        5,
        15,
        "l",
    );
    let strong = drawn(&pm)
        .iter()
        .filter(|&&(x, y)| rgba(&pm, x as u32, y as u32)[3] > 150)
        .count();
    assert!(strong >= 7, "{strong}");
    // Different strings give different widths; a space advances without ink.
    assert!(
        text_extents(Face::Sans, 14.0, "WWW").width > text_extents(Face::Sans, 14.0, "iii").width
    );
    let sp = text_extents(Face::Sans, 14.0, " ");
    assert!(sp.width > 0 && sp.left == 0 && sp.right == 0);
    assert_eq!(text_extents(Face::Sans, 14.0, "").width, 0);
}

#[test]
fn text_honours_clip_and_op() {
    let clip = Clip::from_rects(&[IRect::new(0, 0, 12, 40)], 60, 40);
    let mut pm = new_pm(60, 40);
    let s = Style {
        clip: Some(&clip),
        ..Style::solid(RED)
    };
    draw_text(&mut pm, &s, Face::Sans, 16.0, 2, 25, "MMMM");
    let px = drawn(&pm);
    assert!(!px.is_empty() && px.iter().all(|&(x, _)| x < 12));
    // Source with a translucent colour replaces covered pixels instead of blending.
    for (op, max_alpha) in [(Op::Over, 255u8), (Op::Source, 128)] {
        let mut pm = new_pm(60, 40);
        fill_solid(&mut pm, IRect::new(0, 0, 60, 40), 0xFFFF_FFFF);
        let s = Style {
            op,
            ..Style::solid(0x8000_0000)
        };
        draw_text(&mut pm, &s, Face::Sans, 16.0, 2, 25, "MMMM");
        let min_alpha = (0..40)
            .flat_map(|y| (0..60).map(move |x| (x, y)))
            .map(|(x, y)| rgba(&pm, x, y)[3])
            .min();
        assert!(min_alpha.unwrap() <= max_alpha);
        if op == Op::Over {
            assert_eq!(min_alpha, Some(255));
        }
    }
}

#[test]
fn absurd_text_requests_do_not_panic() {
    let mut pm = new_pm(10, 10);
    let s = Style::solid(RED);
    for size in [0.0, -5.0, f32::NAN, f32::INFINITY, 1e30, 0.01, 300.0] {
        text_extents(Face::Sans, size, "abc");
        draw_text(&mut pm, &s, Face::Sans, size, 0, 5, "abc");
        draw_text(
            &mut pm,
            &s,
            Face::Sans,
            size,
            i32::MAX,
            i32::MIN,
            "abc\n\t\0",
        );
        draw_text(&mut pm, &s, Face::Sans, size, i32::MIN, i32::MAX, "");
    }
    assert_eq!(
        draw_text(&mut pm, &s, Face::Sans, f32::NAN, 0, 5, "abc"),
        None
    );
    assert_eq!(
        text_extents(Face::Sans, -1.0, "abc"),
        TextExtents::default()
    );
    let long = "x".repeat(100_000);
    assert!(text_extents(Face::Sans, 12.0, &long).width > 100_000);
    draw_text(&mut pm, &s, Face::Sans, 12.0, -50_000, 8, &long);
}

#[test]
fn raw_image_round_trips() {
    let bgrx: Vec<u8> = (0..6u8).flat_map(|i| [i * 10, i * 20, i * 30, 0]).collect();
    let pm = decode_image(ImageFormat::Bgrx, 3, 2, &bgrx).unwrap();
    assert_eq!(rgba(&pm, 1, 0), [30, 20, 10, 255]);
    assert_eq!(
        get_image(&pm, IRect::new(0, 0, 3, 2), ImageFormat::Bgrx).unwrap(),
        bgrx
    );
    let part = get_image(&pm, IRect::new(1, 1, 2, 1), ImageFormat::Bgrx).unwrap();
    assert_eq!(part, bgrx[16..24].to_vec());

    let rgba_in = vec![
        255, 0, 0, 255, 0, 255, 0, 128, 10, 20, 30, 0, 200, 100, 50, 51,
    ];
    let pm = decode_image(ImageFormat::Rgba, 2, 2, &rgba_in).unwrap();
    let out = get_image(&pm, IRect::new(0, 0, 2, 2), ImageFormat::Rgba).unwrap();
    for (i, (a, b)) in out.iter().zip(&rgba_in).enumerate() {
        // Fully transparent pixels lose their colour; translucent ones round slightly.
        let tolerance = if i / 4 == 2 { 255 } else { 3 };
        assert!(
            (*a as i32 - *b as i32).abs() <= tolerance,
            "byte {i}: {a} vs {b}"
        );
    }
    let png = get_image(&pm, IRect::new(0, 0, 2, 2), ImageFormat::Png).unwrap();
    let back = decode_image(ImageFormat::Png, 0, 0, &png).unwrap();
    assert_eq!(back.data(), pm.data());
}

#[test]
fn jpeg_decodes() {
    use ::image::codecs::jpeg::JpegEncoder;
    use ::image::ImageEncoder;
    let rgb: Vec<u8> = (0..16 * 8).flat_map(|_| [200u8, 40, 40]).collect();
    let mut jpg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpg, 95)
        .write_image(&rgb, 16, 8, ::image::ExtendedColorType::Rgb8)
        .unwrap();
    let pm = decode_image(ImageFormat::Jpeg, 1, 1, &jpg).unwrap();
    assert_eq!((pm.width(), pm.height()), (16, 8));
    let p = rgba(&pm, 5, 5);
    assert!(
        (p[0] as i32 - 200).abs() < 8 && p[1] < 60 && p[3] == 255,
        "{p:?}"
    );
}

#[test]
fn bad_images_are_errors() {
    let e = decode_image(ImageFormat::Bgrx, 2, 2, &[0; 15]).unwrap_err();
    assert!(
        matches!(
            e,
            ImageError::BadLength {
                expected: 16,
                actual: 15,
                ..
            }
        ),
        "{e}"
    );
    assert!(matches!(
        decode_image(ImageFormat::Rgba, 2, 2, &[0; 17]),
        Err(ImageError::BadLength { .. })
    ));
    for (w, h) in [
        (0, 5),
        (5, 0),
        (16385, 1),
        (16384, 16384),
        (u32::MAX, u32::MAX),
    ] {
        let e = decode_image(ImageFormat::Rgba, w, h, &[0; 16]).unwrap_err();
        assert!(matches!(e, ImageError::BadSize { .. }), "{w}x{h}: {e}");
    }
    assert!(matches!(
        decode_image(ImageFormat::Png, 1, 1, b"not a png"),
        Err(ImageError::Decode { .. })
    ));
    assert!(matches!(
        decode_image(ImageFormat::Jpeg, 1, 1, &[]),
        Err(ImageError::Decode { .. })
    ));
    let pm = new_pm(4, 4);
    for r in [
        IRect::new(0, 0, 5, 4),
        IRect::new(-1, 0, 2, 2),
        IRect::new(0, 0, 0, 0),
        IRect::new(3, 3, u32::MAX, 1),
    ] {
        assert!(matches!(
            get_image(&pm, r, ImageFormat::Rgba),
            Err(ImageError::OutOfBounds { .. })
        ));
    }
    let e = get_image(&pm, IRect::new(0, 0, 4, 4), ImageFormat::Jpeg).unwrap_err();
    assert!(matches!(e, ImageError::Unsupported(ImageFormat::Jpeg)));
    assert!(!e.to_string().is_empty());
}

#[test]
fn opaque_text_word_route_matches_the_general_route() {
    // A clip leaving out one far corner pixel forces the general (pixel by pixel) route.
    let clip = Clip::from_rects(
        &[IRect::new(0, 0, 200, 39), IRect::new(0, 39, 199, 1)],
        200,
        40,
    );
    let mut fast = new_pm(200, 40);
    let mut slow = new_pm(200, 40);
    for pm in [&mut fast, &mut slow] {
        fill_solid(pm, IRect::new(0, 0, 200, 40), 0xFF20_4060);
        fill_solid(pm, IRect::new(50, 0, 60, 40), 0x8010_1010);
    }
    let text = "Hello, Wörld! 0123 {[()]} ÿ";
    for (size, text_antialias) in [(9.0, true), (13.0, true), (21.5, true), (13.0, false)] {
        let ink = Style {
            text_antialias,
            ..Style::solid(0xFFE0_C010)
        };
        let y = 30 + size as i32 / 4;
        let fast_damage = draw_text(&mut fast, &ink, Face::Sans, size, 3, y, text);
        let s = Style {
            clip: Some(&clip),
            ..ink
        };
        let slow_damage = draw_text(&mut slow, &s, Face::Sans, size, 3, y, text);
        assert_eq!(fast_damage, slow_damage, "{size} {text_antialias}");
    }
    assert_eq!(fast.data(), slow.data());
}

/// Text without antialiasing (X's core fonts) leaves every pixel either untouched or the
/// foreground, in each face and on either route; antialiased text has pixels between.
#[test]
fn text_without_antialiasing_is_foreground_or_nothing() {
    let (bg, fg) = (0xFF20_4060u32, 0xFFE0_C010u32);
    let clip = Clip::from_rects(&[IRect::new(0, 0, 300, 40)], 300, 40);
    let text = "Hello, Wörld! gjpq 0123 @&%";
    for face in Face::ALL {
        for (text_antialias, clipped) in [(false, false), (false, true), (true, false)] {
            let mut pm = new_pm(300, 40);
            fill_solid(&mut pm, IRect::new(0, 0, 300, 40), bg);
            let s = Style {
                text_antialias,
                clip: clipped.then_some(&clip),
                ..Style::solid(fg)
            };
            let damage = draw_text(&mut pm, &s, face, 13.0, 2, 25, text).unwrap();
            // RGBA bytes (opaque: premultiplied is straight).
            let (fg_px, bg_px) = ([0xe0, 0xc0, 0x10, 0xff], [0x20, 0x40, 0x60, 0xff]);
            let px: Vec<&[u8]> = pm.data().chunks(4).collect();
            let inked = px.iter().filter(|&&p| p == fg_px).count();
            let between = px.iter().filter(|&&p| p != fg_px && p != bg_px).count();
            assert!(
                inked + between > 150,
                "{face:?} aa {text_antialias}: {inked} inked"
            );
            assert_eq!(between == 0, !text_antialias, "{face:?}: {between} between");
            // The glyphs' boxes are the damage, and the advances those of the extents.
            for (i, &p) in px.iter().enumerate() {
                let (x, y) = ((i % 300) as i32, (i / 300) as i32);
                if p != bg_px {
                    assert!(damage.contains(x, y), "{face:?} ({x}, {y}) {damage:?}");
                }
            }
            let e = text_extents(face, 13.0, text);
            assert!(
                damage.right() <= 2 + i64::from(e.right) + 1,
                "{damage:?} {e:?}"
            );
        }
    }
}

#[test]
fn opaque_text_word_route_matches_the_general_route_at_the_edges() {
    // As above, with text running off every edge (rows and inked columns cut short),
    // and without antialiasing (runs cut short; at 40 pixels glyphs wider than 32, whole
    // ones drawn by their runs rather than their row masks).
    let clip = Clip::from_rects(
        &[IRect::new(0, 0, 120, 29), IRect::new(0, 29, 119, 1)],
        120,
        30,
    );
    let text = "gjpqy AVWM |{}| Wörld";
    for (x, y) in [
        (-7, 5),
        (60, 3),
        (-30, 35),
        (90, 20),
        (i32::MIN, 10),
        (5, i32::MAX),
    ] {
        for (size, text_antialias) in [(10.0, true), (13.0, false), (40.0, true), (40.0, false)] {
            let mut fast = new_pm(120, 30);
            let mut slow = new_pm(120, 30);
            for pm in [&mut fast, &mut slow] {
                fill_solid(pm, IRect::new(0, 0, 120, 30), 0xFF10_2030);
                fill_solid(pm, IRect::new(30, 0, 20, 30), 0xFF80_8080);
            }
            let ink = Style {
                text_antialias,
                ..Style::solid(0xFFE0_C010)
            };
            let fast_damage = draw_text(&mut fast, &ink, Face::Sans, size, x, y, text);
            let s = Style {
                clip: Some(&clip),
                ..ink
            };
            let slow_damage = draw_text(&mut slow, &s, Face::Sans, size, x, y, text);
            assert_eq!(
                fast_damage, slow_damage,
                "({x}, {y}) {size} {text_antialias}"
            );
            // The clip's missing corner pixel is the one allowed difference.
            let diff: Vec<usize> = (0..fast.data().len() / 4 - 1)
                .filter(|&i| fast.data()[4 * i..4 * i + 4] != slow.data()[4 * i..4 * i + 4])
                .collect();
            assert!(
                diff.is_empty(),
                "({x}, {y}) {size}: {:?}",
                &diff[..diff.len().min(8)]
            );
        }
    }
}

/// A client measuring with `yonder-fonts` gets exactly what the server measures and
/// draws by: widths, ink and line metrics, for kerned pairs, fractional sizes (the
/// quarter-pixel steps), text outside ASCII (the cache's other path) and characters the
/// font lacks.
#[test]
fn client_metrics_equal_the_servers() {
    let texts = [
        "AVATAR To Ty Wa",
        "Hello, World! gjpq",
        "Ünïcødé ✓ €ß é",
        "\u{10FFFF}\u{E000} missing",
        "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
        "",
    ];
    for face in Face::ALL {
        let client = yonder_fonts::Metrics::of(face).expect("font");
        for size in [1.0, 7.3, 11.0, 12.5, 13.0, 14.0, 16.25, 40.0, 511.9, 600.0] {
            for text in texts {
                let s = text_extents(face, size, text);
                let c = client.extents(size, text);
                assert_eq!(s, c, "{face:?} {size} px {text:?}");
                assert_eq!(
                    client.width(size, text),
                    s.width,
                    "{face:?} {size} px {text:?}"
                );
            }
        }
    }
}
