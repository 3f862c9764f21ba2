//! Every drawing primitive, drawn through the real server and read back with GetImage.

use yonder::prelude::*;
use yonder_protocol::geometry::Arc;
use yonder_protocol::request::{CompositeOp, GcValues, ImageFormat};
use yonder_protocol::{Color, EventMask, Point, Rect, Segment};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

const WHITE: u32 = 0xFFFFFF;
const RED: u32 = 0xFF0000;
const BLUE: u32 = 0x0000FF;

#[test]
fn fill_rectangles_exact_pixels() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(10, 10, 100, 80), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, RED);
    c.poly_fill_rectangle(w, g, &[Rect::new(5, 5, 10, 10), Rect::new(50, 40, 3, 2)]);
    let px = read(&c, w, Rect::new(0, 0, 100, 80));
    assert_eq!(px.at(5, 5), RED);
    assert_eq!(px.at(14, 14), RED);
    assert_eq!(px.at(15, 15), WHITE);
    assert_eq!(px.at(4, 5), WHITE);
    assert_eq!(px.count(RED), 100 + 6);
    // The same pixels on the screen, offset by the window's position.
    let scr = screen(&c);
    assert_eq!(scr.at(15, 15), RED);
    assert_eq!(scr.at(25, 25), WHITE);
}

#[test]
fn lines_segments_points_and_outlines() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 60, 60), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, BLUE);
    c.poly_segment(
        w,
        g,
        &[Segment {
            x1: 0,
            y1: 5,
            x2: 9,
            y2: 5,
        }],
    );
    c.poly_line(
        w,
        g,
        &[Point::new(20, 0), Point::new(20, 9), Point::new(29, 9)],
    );
    c.poly_point(w, g, &[Point::new(40, 40), Point::new(41, 41)]);
    c.poly_rectangle(w, g, &[Rect::new(30, 20, 10, 10)]);
    let px = read(&c, w, Rect::new(0, 0, 60, 60));
    for x in 0..=9 {
        assert_eq!(px.at(x, 5), BLUE, "segment pixel {x}");
    }
    assert_eq!(px.at(10, 5), WHITE);
    assert_eq!(px.at(20, 4), BLUE);
    assert_eq!(px.at(25, 9), BLUE);
    assert_eq!(px.at(40, 40), BLUE);
    assert_eq!(px.at(41, 41), BLUE);
    assert_eq!(px.at(42, 42), WHITE);
    // X's outline of [30, 20, 10, 10] spans 11x11 pixels; the inside stays white.
    assert_eq!(px.at(30, 20), BLUE);
    assert_eq!(px.at(40, 30), BLUE);
    assert_eq!(px.at(35, 25), WHITE);
}

#[test]
fn arcs_ellipses_and_polygons() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 200, 100), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, RED);
    c.poly_fill_arc(w, g, &[Arc::ellipse(Rect::new(10, 10, 40, 40))]);
    c.poly_arc(w, g, &[Arc::ellipse(Rect::new(60, 10, 40, 40))]);
    c.fill_poly(
        w,
        g,
        &[
            Point::new(120, 50),
            Point::new(160, 10),
            Point::new(190, 50),
        ],
    );
    // A quarter pie: only the upper right quadrant (0 to 90 degrees).
    c.poly_fill_arc(
        w,
        g,
        &[Arc {
            x: 10,
            y: 55,
            width: 40,
            height: 40,
            angle1: 0,
            angle2: 90 * 64,
        }],
    );
    let px = read(&c, w, Rect::new(0, 0, 200, 100));
    assert_eq!(px.at(30, 30), RED, "filled ellipse center");
    assert_eq!(px.at(11, 11), WHITE, "filled ellipse corner stays outside");
    assert_eq!(px.at(80, 30), WHITE, "stroked ellipse is hollow");
    assert_eq!(px.at(60, 30), RED, "stroked ellipse left edge");
    assert_eq!(px.at(155, 40), RED, "triangle inside");
    assert_eq!(px.at(125, 15), WHITE, "triangle outside");
    assert_eq!(px.at(40, 65), RED, "pie: upper right quadrant");
    assert_eq!(px.at(20, 85), WHITE, "pie: lower left quadrant is empty");
}

#[test]
fn text_sizes_up_to_512_are_drawn_at_their_size() {
    // GcValues allows font_size 1 to 512 (protocol.md §9.32): each size its own extents.
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 20, 20), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, 0x000000);
    let height_at = |size: f32| {
        c.change_gc(
            g,
            GcValues {
                font_size: Some(size),
                ..Default::default()
            },
        );
        let e = c.query_text_extents(g, "H").reply().unwrap();
        e.font_ascent + e.font_descent
    };
    let (h256, h384, h512) = (height_at(256.0), height_at(384.0), height_at(512.0));
    assert!(h256 < h384 && h384 < h512, "{h256} {h384} {h512}");
    assert!((h512 - 2 * h256).abs() <= 2, "{h256} {h512}");
}

#[test]
fn text_draws_within_its_extents() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 200, 60), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, 0x000000);
    c.change_gc(
        g,
        GcValues {
            font_size: Some(20.0),
            ..Default::default()
        },
    );
    let ext = c.query_text_extents(g, "Yonder").reply().unwrap();
    assert!(ext.width > 40 && ext.width < 120, "width {}", ext.width);
    assert!(ext.ascent > 8 && ext.font_ascent >= ext.ascent);
    c.draw_text(w, g, Point::new(10, 40), "Yonder");
    let px = read(&c, w, Rect::new(0, 0, 200, 60));
    let ink: Vec<(i32, i32)> = (0..60)
        .flat_map(|y| (0..200).map(move |x| (x, y)))
        .filter(|(x, y)| px.at(*x, *y) != WHITE)
        .collect();
    assert!(ink.len() > 100, "text left ink ({} pixels)", ink.len());
    for (x, y) in ink {
        assert!(x >= 9 && x <= 10 + ext.width as i32 + 1, "ink at x {x}");
        assert!(
            y >= 40 - ext.ascent - 1 && y <= 40 + ext.descent + 1,
            "ink at y {y}"
        );
    }
}

#[test]
fn put_image_raw_png_jpeg_and_get_image_formats() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 100, 100), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, 0);
    // Raw Bgrx: a 2x2 image of red, green, blue, gray.
    let raw = [0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 128, 128, 128, 0];
    c.put_image(w, g, Point::new(1, 1), 2, 2, ImageFormat::Bgrx, raw);
    // Rgba with half alpha over white.
    c.put_image(
        w,
        g,
        Point::new(10, 10),
        1,
        1,
        ImageFormat::Rgba,
        vec![0, 0, 0, 128],
    );
    // PNG and JPEG made by the image crate.
    let png_img = image::RgbaImage::from_pixel(4, 3, image::Rgba([0, 200, 0, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    png_img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    c.put_image(
        w,
        g,
        Point::new(20, 20),
        0,
        0,
        ImageFormat::Png,
        png.into_inner(),
    );
    let jpg_img = image::RgbImage::from_pixel(16, 16, image::Rgb([0, 0, 250]));
    let mut jpg = std::io::Cursor::new(Vec::new());
    jpg_img
        .write_to(&mut jpg, image::ImageFormat::Jpeg)
        .unwrap();
    c.put_image(
        w,
        g,
        Point::new(40, 40),
        0,
        0,
        ImageFormat::Jpeg,
        jpg.into_inner(),
    );
    let px = read(&c, w, Rect::new(0, 0, 100, 100));
    assert_eq!(px.at(1, 1), 0xFF0000);
    assert_eq!(px.at(2, 1), 0x00FF00);
    assert_eq!(px.at(1, 2), 0x0000FF);
    assert_eq!(px.at(2, 2), 0x808080);
    let half = px.at(10, 10);
    assert!(
        (0x7c..=0x84).contains(&(half & 0xFF)),
        "half-transparent black over white: {half:06x}"
    );
    assert_eq!(px.at(23, 22), 0x00C800);
    assert_eq!(px.at(24, 22), WHITE);
    let j = px.at(48, 48);
    assert!(j & 0xFF > 0xF0 && (j >> 16) < 0x10, "jpeg blue: {j:06x}");
    // Read back as Rgba and as PNG.
    let rgba = c
        .get_image(w, Rect::new(1, 1, 1, 1), ImageFormat::Rgba)
        .reply()
        .unwrap();
    assert_eq!(rgba.data, vec![255, 0, 0, 255]);
    let png = c
        .get_image(w, Rect::new(0, 0, 30, 30), ImageFormat::Png)
        .reply()
        .unwrap();
    let decoded = image::load_from_memory(&png.data).unwrap().to_rgba8();
    assert_eq!(decoded.dimensions(), (30, 30));
    assert_eq!(decoded.get_pixel(22, 21).0, [0, 200, 0, 255]);
}

#[test]
fn copy_area_between_pixmap_and_window_and_clear_area() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 100, 100), WHITE, EventMask::EMPTY);
    let p = c.new_pixmap_id();
    c.create_pixmap(p, w, 20, 20);
    let g = gc(&c, w, BLUE);
    c.poly_fill_rectangle(p, g, &[Rect::new(0, 0, 20, 20)]);
    c.change_gc(
        g,
        GcValues {
            foreground: Some(Color::rgb(RED)),
            ..Default::default()
        },
    );
    c.poly_fill_rectangle(p, g, &[Rect::new(5, 5, 5, 5)]);
    c.copy_area(p, w, g, Rect::new(0, 0, 20, 20), Point::new(50, 50));
    // Copy within the window (overlapping).
    c.copy_area(w, w, g, Rect::new(50, 50, 20, 20), Point::new(55, 50));
    let px = read(&c, w, Rect::new(0, 0, 100, 100));
    assert_eq!(px.at(50, 50), BLUE);
    assert_eq!(px.at(55 + 5, 55), RED, "copied within the window");
    assert_eq!(px.at(74, 69), BLUE);
    assert_eq!(px.at(75, 69), WHITE);
    // Pixmaps read back directly.
    let pp = read(&c, p, Rect::new(0, 0, 20, 20));
    assert_eq!(pp.at(7, 7), RED);
    // ClearArea with zero size clears to the edges.
    c.clear_area(w, Rect::new(60, 0, 0, 0), false);
    let px = read(&c, w, Rect::new(0, 0, 100, 100));
    assert_eq!(px.at(50, 50), BLUE);
    assert_eq!(px.at(60, 55), WHITE);
}

#[test]
fn gc_clip_and_operators() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 50, 50), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, RED);
    c.set_clip_rectangles(g, Point::new(10, 10), Some(&[Rect::new(0, 0, 5, 5)]));
    c.poly_fill_rectangle(w, g, &[Rect::new(0, 0, 50, 50)]);
    let px = read(&c, w, Rect::new(0, 0, 50, 50));
    assert_eq!(px.count(RED), 25);
    assert_eq!(px.at(12, 12), RED);
    c.set_clip_rectangles(g, Point::new(0, 0), None);
    // Source with a translucent color replaces; Over blends.
    c.change_gc(
        g,
        GcValues {
            foreground: Some(Color(0x80FF0000)),
            op: Some(CompositeOp::Over),
            ..Default::default()
        },
    );
    c.poly_fill_rectangle(w, g, &[Rect::new(30, 30, 5, 5)]);
    let px = read(&c, w, Rect::new(0, 0, 50, 50));
    let blended = px.at(31, 31);
    assert_eq!(blended >> 16, 0xFF);
    assert!(
        ((blended >> 8) & 0xFF).abs_diff(0x7F) <= 2,
        "over white: {blended:06x}"
    );
}
