//! Tests of pixmap compositing: put_image, copy_area, copy_within and fill_solid.

use super::tests_shapes::{drawn, new_pm, rgba, RED};
use super::*;

/// A pixmap whose pixel (x, y) is opaque with red = x, green = y.
fn gradient(w: u32, h: u32) -> Pixmap {
    let mut pm = new_pm(w, h);
    for y in 0..h {
        for x in 0..w {
            let c = 0xFF00_0000 | (x & 0xFF) << 16 | (y & 0xFF) << 8;
            fill_solid(&mut pm, IRect::new(x as i32, y as i32, 1, 1), c);
        }
    }
    pm
}

#[test]
fn put_image_source_and_over() {
    let img = decode_image(ImageFormat::Rgba, 2, 1, &[255, 0, 0, 255, 0, 0, 255, 128]).unwrap();
    for (op, second) in [
        (Op::Over, [127u8, 127, 255, 255]),
        (Op::Source, [0, 0, 128, 128]),
    ] {
        let mut pm = new_pm(10, 10);
        fill_solid(&mut pm, IRect::new(0, 0, 10, 10), 0xFFFF_FFFF);
        let s = Style {
            op,
            ..Style::default()
        };
        assert_eq!(
            put_image(&mut pm, &s, 3, 4, &img),
            Some(IRect::new(3, 4, 2, 1))
        );
        assert_eq!(rgba(&pm, 3, 4), [255, 0, 0, 255]);
        let got = rgba(&pm, 4, 4);
        for i in 0..4 {
            assert!(
                (got[i] as i32 - second[i] as i32).abs() <= 1,
                "{op:?} {got:?}"
            );
        }
        assert_eq!(rgba(&pm, 5, 4), [255; 4]);
    }
    // Partly and fully outside, and clipped.
    let img = gradient(4, 4);
    let mut pm = new_pm(10, 10);
    assert_eq!(
        put_image(&mut pm, &Style::default(), -2, 8, &img),
        Some(IRect::new(0, 8, 2, 2))
    );
    assert_eq!(rgba(&pm, 0, 8), [2, 0, 0, 255]);
    assert_eq!(
        put_image(&mut pm, &Style::default(), i32::MAX, i32::MIN, &img),
        None
    );
    let clip = Clip::from_rects(&[IRect::new(5, 5, 1, 1)], 10, 10);
    let mut pm = new_pm(10, 10);
    put_image(
        &mut pm,
        &Style {
            clip: Some(&clip),
            ..Style::default()
        },
        4,
        4,
        &img,
    );
    assert_eq!(drawn(&pm), vec![(5, 5)]);
    assert_eq!(rgba(&pm, 5, 5), [1, 1, 0, 255]);
}

#[test]
fn copy_area_skips_parts_outside_the_source() {
    let src = gradient(8, 8);
    let mut dst = new_pm(20, 20);
    let d = copy_area(
        &src,
        &mut dst,
        &Style::default(),
        IRect::new(-2, 6, 5, 5),
        10,
        10,
    );
    // Only src (0..3, 6..8) exists; it lands at (12.., 10..).
    assert_eq!(d, Some(IRect::new(12, 10, 3, 2)));
    assert_eq!(drawn(&dst).len(), 6);
    assert_eq!(rgba(&dst, 12, 10), [0, 6, 0, 255]);
    assert_eq!(rgba(&dst, 14, 11), [2, 7, 0, 255]);
    let far = IRect::new(i32::MIN, i32::MIN, u32::MAX, u32::MAX);
    assert_eq!(
        copy_area(&src, &mut dst, &Style::default(), far, i32::MAX, i32::MAX),
        None
    );
    copy_area(&src, &mut dst, &Style::default(), far, i32::MIN, 0);
    copy_area(
        &src,
        &mut dst,
        &Style::default(),
        IRect::new(0, 0, 0, 0),
        0,
        0,
    );
}

/// Reference result of copying within a pixmap through an intermediate copy.
fn reference_copy(pm: &Pixmap, s: &Style, r: IRect, x: i32, y: i32) -> Pixmap {
    let snapshot = pm.clone();
    let mut out = pm.clone();
    copy_area(&snapshot, &mut out, s, r, x, y);
    out
}

#[test]
fn overlapping_copy_within_is_correct() {
    let base = gradient(30, 30);
    let clip = Clip::from_rects(
        &[IRect::new(0, 0, 30, 12), IRect::new(5, 15, 10, 10)],
        30,
        30,
    );
    let moves = [
        (0, -3),
        (0, 3),
        (-3, 0),
        (3, 0),
        (2, 2),
        (-2, -2),
        (4, -1),
        (0, 0),
    ];
    for &(dx, dy) in &moves {
        for op in [Op::Source, Op::Over] {
            for clipped in [false, true] {
                let s = Style {
                    op,
                    clip: clipped.then_some(&clip),
                    ..Style::default()
                };
                let r = IRect::new(5, 5, 20, 20);
                let expect = reference_copy(&base, &s, r, 5 + dx, 5 + dy);
                let mut pm = base.clone();
                let d = copy_within(&mut pm, &s, r, 5 + dx, 5 + dy);
                assert!(d.is_some());
                assert_eq!(
                    pm.data(),
                    expect.data(),
                    "move {dx},{dy} {op:?} clipped={clipped}"
                );
            }
        }
    }
    // Scrolling a whole pixmap up by one row.
    let mut pm = base.clone();
    copy_within(
        &mut pm,
        &Style {
            op: Op::Source,
            ..Style::default()
        },
        IRect::new(0, 1, 30, 29),
        0,
        0,
    );
    assert_eq!(rgba(&pm, 7, 0), [7, 1, 0, 255]);
    assert_eq!(rgba(&pm, 7, 28), [7, 29, 0, 255]);
    assert_eq!(rgba(&pm, 7, 29), [7, 29, 0, 255]);
    // Absurd requests.
    let s = Style::default();
    assert_eq!(
        copy_within(
            &mut pm,
            &s,
            IRect::new(i32::MAX, 0, u32::MAX, 5),
            i32::MIN,
            0
        ),
        None
    );
    copy_within(
        &mut pm,
        &s,
        IRect::new(i32::MIN, i32::MIN, u32::MAX, u32::MAX),
        0,
        0,
    );
    copy_within(&mut pm, &s, IRect::new(0, 0, 30, 30), i32::MAX, i32::MIN);
}

#[test]
fn fill_solid_replaces_without_blending() {
    let mut pm = new_pm(6, 6);
    fill_solid(&mut pm, IRect::new(0, 0, 6, 6), RED);
    assert_eq!(
        fill_solid(&mut pm, IRect::new(-3, -3, 5, 5), 0x0000_00FF),
        Some(IRect::new(0, 0, 2, 2))
    );
    assert_eq!(rgba(&pm, 1, 1), [0, 0, 0, 0]);
    assert_eq!(rgba(&pm, 2, 2), [255, 0, 0, 255]);
    assert_eq!(fill_solid(&mut pm, IRect::new(6, 0, 5, 5), RED), None);
}

/// Pseudo-random bytes (xorshift), so every channel and alpha value shows up.
fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

#[test]
fn put_raw_matches_decode_then_put_image() {
    // 13 wide: Rgbx goes as Rgba does (narrow); 21: its rows converted in one pass.
    for (w, h) in [(13u32, 9u32), (21, 9)] {
        put_raw_matches_decode_then_put_image_at(w, h);
    }
}

fn put_raw_matches_decode_then_put_image_at(w: u32, h: u32) {
    let clip = Clip::from_rects(&[IRect::new(0, 0, 30, 7), IRect::new(3, 12, 9, 11)], 30, 25);
    let spots = [
        (0, 0),
        (5, 4),
        (-4, -3),
        (25, 20),
        (-12, 24),
        (29, -8),
        (40, 0),
        (i32::MIN, i32::MIN),
        (i32::MAX, i32::MAX),
        (i32::MAX - 5, 3),
    ];
    // Translucent pixels anywhere, none (rows copied as they are), and only the last one
    // (the whole image's test fails, each row's but the last passes).
    let translucent = noise((w * h * 4) as usize, 7);
    let mut opaque = translucent.clone();
    opaque.iter_mut().skip(3).step_by(4).for_each(|a| *a = 255);
    let mut last = opaque.clone();
    *last.last_mut().unwrap() = 3;
    let images = [ImageFormat::Bgrx, ImageFormat::Rgba, ImageFormat::Rgbx]
        .into_iter()
        .flat_map(|f| [(f, &translucent), (f, &opaque), (f, &last)]);
    for (format, data) in images {
        let img = decode_image(format, w, h, data).unwrap();
        let raw = RawImage::packed(format, w, h, data).unwrap();
        // The same pixels 24 bytes into rows of 76 (a shared-memory layout), the gaps
        // translucent.
        let stride = w as usize * 4 + 24;
        let mut strided = vec![0xEE; 24 + stride * h as usize];
        for y in 0..h as usize {
            let row = &data[y * w as usize * 4..(y + 1) * w as usize * 4];
            strided[24 + y * stride..24 + y * stride + row.len()].copy_from_slice(row);
        }
        let strided = RawImage::strided(format, w, h, stride, &strided[24..]).unwrap();
        for op in [Op::Over, Op::Source, Op::Xor, Op::Add, Op::Clear] {
            for clipped in [false, true] {
                let s = Style {
                    op,
                    clip: clipped.then_some(&clip),
                    ..Style::default()
                };
                for &(x, y) in &spots {
                    let under = noise(30 * 25 * 4, 99);
                    let base = decode_image(ImageFormat::Rgba, 30, 25, &under).unwrap();
                    let mut expect = base.clone();
                    let want = put_image(&mut expect, &s, x, y, &img);
                    for raw in [&raw, &strided] {
                        let mut pm = base.clone();
                        let got = put_raw(&mut pm, &s, x, y, raw);
                        let what = format!("{format:?} {w}x{h} {op:?} clip={clipped} at {x},{y}");
                        assert_eq!(got, want, "{what}");
                        assert_eq!(pm.data(), expect.data(), "{what}");
                    }
                }
            }
        }
    }
}

#[test]
fn raw_images_are_checked_like_decoded_ones() {
    let data = vec![0u8; 4 * 6];
    assert!(RawImage::packed(ImageFormat::Bgrx, 3, 2, &data).is_ok());
    for (w, h, len) in [(3, 2, 23), (3, 2, 25), (0, 2, 0), (2, 0, 0)] {
        let r = RawImage::packed(ImageFormat::Bgrx, w, h, &data[..len.min(24)]);
        let d = decode_image(ImageFormat::Bgrx, w, h, &data[..len.min(24)]);
        assert_eq!(r.is_err(), d.is_err(), "{w}x{h} {len}");
    }
    let r = RawImage::packed(ImageFormat::Rgba, MAX_IMAGE_SIDE + 1, 1, &data);
    assert!(matches!(r, Err(ImageError::BadSize { .. })));
    assert!(RawImage::packed(ImageFormat::Png, 1, 1, &data[..4]).is_err());
    // Strided: the last row needs only its own pixels; short strides and data fail.
    assert!(RawImage::strided(ImageFormat::Bgrx, 2, 2, 12, &data[..20]).is_ok());
    assert!(RawImage::strided(ImageFormat::Bgrx, 2, 2, 12, &data[..19]).is_err());
    assert!(RawImage::strided(ImageFormat::Bgrx, 2, 2, 7, &data).is_err());
    assert!(RawImage::strided(ImageFormat::Bgrx, 2, 16384, usize::MAX, &data).is_err());
}

#[test]
fn swizzles_agree_on_any_alignment_and_length() {
    let src = noise(4 * 70, 3);
    for start in 0..4 {
        for n in [0usize, 1, 7, 8, 9, 33, 64] {
            let s = &src[start..start + 4 * n];
            let mut out = vec![0u8; 4 * n + 4];
            for off in 0..2 {
                super::images::swap_red_blue(s, &mut out[off..off + 4 * n], 0x5A);
                for (d, p) in out[off..].chunks_exact(4).zip(s.chunks_exact(4)) {
                    assert_eq!(d, [p[2], p[1], p[0], 0x5A]);
                }
            }
        }
    }
}

#[test]
fn opacity_of_rows_sees_every_pixel() {
    for n in [1usize, 15, 16, 17, 40, 100] {
        for hole in 0..n {
            let mut row = vec![255u8; 4 * n];
            assert!(super::compose::row_opaque(&row));
            row[4 * hole + 3] = 254;
            assert!(!super::compose::row_opaque(&row), "{n} {hole}");
            // Unaligned rows take the byte path.
            let mut shifted = vec![0u8; 4 * n + 1];
            shifted[1..].copy_from_slice(&row);
            assert!(!super::compose::row_opaque(&shifted[1..]));
        }
    }
}

/// Rows of every length a pixel row can have up to 20 pixels (the inline moves take 4 to
/// 16 pixels, the last move overlapping) come out exactly as their source, and nothing
/// around them is touched.
#[test]
fn short_rows_copy_exactly() {
    for px in 0..=20usize {
        let n = px * 4;
        let src: Vec<u8> = (0..n).map(|i| (i * 7 + 3) as u8).collect();
        let mut dst = vec![0xAAu8; n + 8];
        compose::copy_row(&mut dst[4..4 + n], &src);
        assert_eq!(&dst[4..4 + n], &src[..], "{px} pixels");
        assert!(
            dst[..4].iter().chain(&dst[4 + n..]).all(|&b| b == 0xAA),
            "{px} pixels: bytes around the row changed"
        );
    }
}

/// The damage worked out for a copy or put handed to a lane is what the drawing itself
/// returns, wherever the rectangles lie (inside, across each edge, outside, empty).
#[test]
fn lane_damage_is_the_drawings_own() {
    let spots = [-40, -3, 0, 5, 20, 36, 60];
    let sizes = [0, 1, 7, 37, 90];
    let (w, h) = (37, 29);
    for &x in &spots {
        for &y in &spots {
            for &size in &sizes {
                let r = IRect::new(x, y, size, size / 2 + 1);
                for &(tx, ty) in &[(0, 0), (4, -6), (-50, 2), (30, 28)] {
                    let mut pm = gradient(w, h);
                    let drawn = copy_within(&mut pm, &Style::default(), r, tx, ty);
                    let worked_out = unclipped_within_damage(w, h, r, tx, ty);
                    assert_eq!(drawn, worked_out, "copy of {r:?} to ({tx}, {ty})");
                }
                let bytes = vec![255u8; (r.width * r.height * 4) as usize];
                if let Ok(img) = RawImage::strided(
                    ImageFormat::Rgba,
                    r.width,
                    r.height,
                    r.width as usize * 4,
                    &bytes,
                ) {
                    let mut pm = gradient(w, h);
                    let drawn = put_raw(&mut pm, &Style::default(), x, y, &img);
                    let worked_out = unclipped_put_damage((w, h), x, y, r.width, r.height);
                    assert_eq!(drawn, worked_out, "put of {r:?}");
                }
            }
        }
    }
}

/// What `put_raw_sets_alpha` promises (the server then keeps believing a window opaque
/// after a shared-memory put): every pixel stored opaque whatever the bytes, because each
/// is read once with its alpha set; narrow Rgbx and Rgba, tested first, promise nothing.
#[test]
fn put_raw_sets_alpha_only_where_it_does() {
    for (format, w, sets) in [
        (ImageFormat::Bgrx, 3, true),
        (ImageFormat::Bgrx, 21, true),
        (ImageFormat::Rgbx, 15, false),
        (ImageFormat::Rgbx, 16, true),
        (ImageFormat::Rgbx, 21, true),
        (ImageFormat::Rgba, 21, false),
    ] {
        let data = noise(w * 5 * 4, 3);
        let img = RawImage::packed(format, w as u32, 5, &data).unwrap();
        assert_eq!(put_raw_sets_alpha(&img), sets, "{format:?} {w}");
        if sets {
            let mut pm = decode_image(ImageFormat::Rgba, 30, 8, &noise(30 * 8 * 4, 5)).unwrap();
            let s = Style::default();
            put_raw(&mut pm, &s, 2, 1, &img);
            let stored = get_image(&pm, IRect::new(2, 1, w as u32, 5), ImageFormat::Rgba);
            let opaque = stored.unwrap().chunks_exact(4).all(|p| p[3] == 255);
            assert!(opaque, "{format:?} {w}");
        }
    }
}
