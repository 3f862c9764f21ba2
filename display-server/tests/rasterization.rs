//! The rasterization rules of protocol.md ("Pixels", before §9.40), drawn through the real
//! server and read back with GetImage: the exact rules pixel by pixel (each expected set is
//! worked out here from the spec's formula, not from the server's code), the blend
//! formulas byte by byte, and the ±1 px bound of the shapes that are not exact.

mod raster_rules;

use std::collections::BTreeSet;
use std::f64::consts::TAU;

use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::geometry::Arc;
use yonder_protocol::request::CapStyle::{self, Butt, Round, Square};
use yonder_protocol::request::CompositeOp::{
    self as Op, Add, Clear, Multiply, Over, Screen, Source, Xor,
};
use yonder_protocol::request::{FillRule, GcValues, ImageFormat};
use yonder_protocol::{Color, Drawable, EventMask, GcId, PixmapId, Point, Rect, Segment};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

use raster_rules::*;

const WHITE: u32 = 0xFFFFFF;
/// All of a canvas.
const AREA: Rect = Rect::new(0, 0, SIDE as u32, SIDE as u32);

/// An opaque `SIDE` × `SIDE` pixmap filled with `bg` (`0xRRGGBB`).
fn canvas(c: &Connection, bg: u32) -> PixmapId {
    let p = c.new_pixmap_id();
    c.create_pixmap(p, c.root(), SIDE as u32, SIDE as u32);
    let g = gc(c, p, 0xFF00_0000 | bg, |_| {});
    c.poly_fill_rectangle(p, g, &[AREA]);
    p
}

/// A GC drawing in `color` (`0xAARRGGBB`), its other values set by `f`.
fn gc(c: &Connection, d: impl Into<Drawable>, color: u32, f: impl FnOnce(&mut GcValues)) -> GcId {
    let mut v = GcValues {
        foreground: Some(Color(color)),
        ..Default::default()
    };
    f(&mut v);
    let g = c.new_gc_id();
    c.create_gc(g, d, v);
    g
}

fn seg(((x1, y1), (x2, y2)): (Px, Px)) -> Segment {
    Segment { x1, y1, x2, y2 }
}

fn points(pts: &[Px]) -> Vec<Point> {
    pts.iter().map(|&(x, y)| Point::new(x, y)).collect()
}

/// The pixels of a canvas that are not `bg`.
fn ink(c: &Connection, p: PixmapId, bg: u32) -> BTreeSet<Px> {
    let px = read(c, p, AREA);
    all_pixels().filter(|&(x, y)| px.at(x, y) != bg).collect()
}

/// Straight RGBA bytes of pixels `0..n` of row 0, read with GetImage `Rgba`.
fn rgba_row(c: &Connection, d: impl Into<Drawable>, n: u32) -> Vec<[u8; 4]> {
    let img = c.get_image(d, Rect::new(0, 0, n, 1), ImageFormat::Rgba);
    let data = img.reply().expect("get_image").data;
    let pixel = |p: &[u8]| [p[0], p[1], p[2], p[3]];
    data.chunks_exact(4).map(pixel).collect()
}

fn assert_same(got: &BTreeSet<Px>, want: &BTreeSet<Px>, what: &str) {
    let extra: Vec<_> = got.difference(want).collect();
    let missing: Vec<_> = want.difference(got).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: extra {extra:?}, missing {missing:?}"
    );
}

// ---- Lines ----

#[test]
fn thin_lines_are_the_rounded_lines_with_both_ends() {
    let s = TestServer::start();
    let c = s.connect();
    let segs = [
        ((2, 2), (12, 2)),
        ((2, 5), (2, 15)),
        ((5, 5), (15, 15)),
        ((20, 2), (24, 4)),   // halves round away from the start...
        ((24, 10), (20, 8)),  // ...so the reverse line differs
        ((30, 3), (37, 20)),  // steep
        ((40, 40), (70, 29)), // shallow, rightwards and up
        ((50, 60), (50, 60)), // a point
        ((12, 30), (3, 30)),  // leftwards along a row
        ((8, 45), (8, 33)),   // up a column
        ((30, 50), (22, 42)), // up and left, diagonal
        ((60, 20), (45, 25)), // shallow, leftwards and down
    ];
    let want: BTreeSet<Px> = segs.into_iter().flat_map(thin_line).collect();
    assert!(want.contains(&(21, 3)) && want.contains(&(21, 8)) && !want.contains(&(21, 9)));
    for width in [0, 1] {
        let p = canvas(&c, WHITE);
        let g = gc(&c, p, 0xFF00_00FF, |v| v.line_width = Some(width));
        c.poly_segment(p, g, &segs.map(seg));
        assert_same(&ink(&c, p, WHITE), &want, &format!("line width {width}"));
    }
    // The same with one segment running off the pixmap (each segment then tested on
    // its own): the others as before, and that one's pixels inside.
    let off = ((70, 60), (95, 72));
    let inside = |&(x, y): &Px| (0..SIDE).contains(&x) && (0..SIDE).contains(&y);
    let mut want_off = want.clone();
    want_off.extend(thin_line(off).into_iter().filter(inside));
    let p = canvas(&c, WHITE);
    let g = gc(&c, p, 0xFF00_00FF, |_| {});
    let mut with_off = segs.map(seg).to_vec();
    with_off.push(seg(off));
    c.poly_segment(p, g, &with_off);
    assert_same(&ink(&c, p, WHITE), &want_off, "one segment off the pixmap");
    // A closed poly-line, opaque: its segments' pixels.
    let joints = [(50, 5), (65, 5), (65, 20), (55, 27), (42, 12), (50, 5)];
    let want: BTreeSet<Px> = joints
        .windows(2)
        .flat_map(|w| thin_line((w[0], w[1])))
        .collect();
    let p = canvas(&c, WHITE);
    let g = gc(&c, p, 0xFF00_00FF, |_| {});
    c.poly_line(p, g, &points(&joints));
    assert_same(&ink(&c, p, WHITE), &want, "poly-line");
}

#[test]
fn thin_joints_and_outlines_are_drawn_once() {
    let s = TestServer::start();
    let c = s.connect();
    let p = canvas(&c, WHITE);
    // Half-transparent black over white: 0x7f7f7f once, 0x3f3f3f twice.
    let g = gc(&c, p, 0x8000_0000, |_| {});
    c.poly_line(p, g, &points(&[(5, 5), (20, 5), (20, 20), (5, 20), (5, 5)]));
    c.poly_line(p, g, &points(&[(40, 40), (40, 40)]));
    c.poly_line(p, g, &points(&[(60, 60)]));
    c.poly_segment(p, g, &[seg(((30, 5), (45, 5))), seg(((45, 5), (45, 20)))]);
    // Wide lines of one request are one shape; rectangles are blended one by one.
    let cross = [seg(((50, 30), (70, 30))), seg(((60, 22), (60, 38)))];
    let wide = gc(&c, p, 0x8000_0000, |v| v.line_width = Some(3));
    c.poly_segment(p, wide, &cross);
    c.poly_fill_rectangle(
        p,
        g,
        &[Rect::new(50, 45, 10, 10), Rect::new(55, 50, 10, 10)],
    );
    let px = read(&c, p, AREA);
    assert_eq!(px.count_in(Rect::new(0, 0, 25, 25), |v| v == 0x7F7F7F), 60);
    assert_eq!(px.count_in(Rect::new(0, 0, 25, 25), |v| v != WHITE), 60);
    assert_eq!(px.at(40, 40), 0x7F7F7F, "equal points: one pixel");
    assert_eq!(px.at(60, 60), WHITE, "one point draws nothing");
    assert_eq!(px.at(45, 5), 0x3F3F3F, "PolySegment: drawn twice");
    assert_eq!(px.at(44, 5), 0x7F7F7F);
    assert_eq!((px.at(60, 30), px.at(61, 31)), (0x7F7F7F, 0x7F7F7F));
    assert_eq!((px.at(57, 52), px.at(52, 47)), (0x404040, 0x7F7F7F));

    // Thin outlines: (w + 1) × (h + 1) pixels, each once.
    let p = canvas(&c, WHITE);
    let rects = [
        Rect::new(5, 5, 6, 4),
        Rect::new(20, 20, 0, 0),
        Rect::new(30, 5, 5, 0),
    ];
    c.poly_rectangle(p, g, &rects);
    let mut want = BTreeSet::new();
    for r in rects {
        let (x2, y2) = (r.x + r.width as i32, r.y + r.height as i32);
        want.extend((r.x..=x2).flat_map(|x| [(x, r.y), (x, y2)]));
        want.extend((r.y..=y2).flat_map(|y| [(r.x, y), (x2, y)]));
    }
    assert_same(&ink(&c, p, WHITE), &want, "outlines");
    let px = read(&c, p, AREA);
    let once = want.iter().all(|&(x, y)| px.at(x, y) == 0x7F7F7F);
    assert!(once, "each pixel once");
}

#[test]
fn wide_axis_aligned_lines_are_the_sampled_stroke() {
    let s = TestServer::start();
    let c = s.connect();
    let p = canvas(&c, WHITE);
    let mut boxes = Vec::new();
    let styles = [(3, Butt), (4, Butt), (3, Square), (4, Square)];
    for (i, (width, cap)) in styles.into_iter().enumerate() {
        let g = gc(&c, p, 0xFF00_0000, |v| {
            (v.line_width, v.cap_style) = (Some(width), Some(cap))
        });
        let (y, x) = (5 + 10 * i as i32, 45 + 8 * i as i32);
        // Rightwards, and upwards: the direction does not matter.
        c.poly_segment(p, g, &[seg(((5, y), (30, y))), seg(((x, 70), (x, 50)))]);
        let h = width as f64 / 2.0;
        let e = if cap == Square { h } else { 0.0 };
        let (y, x) = (y as f64, x as f64);
        boxes.extend([
            (5.0 - e, y - h, 30.0 + e, y + h),
            (x - h, 50.0 - e, x + h, 70.0 + e),
        ]);
    }
    assert_same(&ink(&c, p, WHITE), &sampled_boxes(&boxes), "wide segments");
    // Width 3, Butt, from x 5 to 30 at y 5: columns 5..=29, rows 4..=6.
    let first = sampled_boxes(&boxes[..1]);
    assert!(first.len() == 75 && first.contains(&(5, 4)) && first.contains(&(29, 6)));

    // A Miter-joined L and a wide rectangle outline (Miter corners).
    let p = canvas(&c, WHITE);
    let g = gc(&c, p, 0xFF00_0000, |v| v.line_width = Some(4));
    c.poly_line(p, g, &points(&[(10, 60), (40, 60), (40, 75)]));
    let g = gc(&c, p, 0xFF00_0000, |v| v.line_width = Some(3));
    c.poly_rectangle(p, g, &[Rect::new(50, 10, 20, 20)]);
    let want = sampled_boxes(&[
        (10.0, 58.0, 42.0, 62.0),
        (38.0, 58.0, 42.0, 75.0),
        (48.5, 8.5, 71.5, 11.5),
        (48.5, 28.5, 71.5, 31.5),
        (48.5, 8.5, 51.5, 31.5),
        (68.5, 8.5, 71.5, 31.5),
    ]);
    assert_same(&ink(&c, p, WHITE), &want, "miter joins");
}

// ---- Polygons and ellipses ----

#[test]
fn fill_poly_takes_the_pixels_whose_sample_point_is_inside() {
    let s = TestServer::start();
    let c = s.connect();
    let star: &[Px] = &[(40, 2), (52, 38), (21, 16), (59, 16), (28, 38)];
    let shapes = [
        &[(3, 43), (35, 47), (12, 77)][..],                  // a triangle
        &[(45, 45), (78, 45), (78, 78), (60, 60), (45, 78)], // concave
        &[(2, 2), (12, 2), (12, 12), (2, 12)],               // as PolyFillRectangle
        star,
    ];
    for (rule, even_odd) in [(FillRule::EvenOdd, true), (FillRule::Winding, false)] {
        let p = canvas(&c, WHITE);
        let g = gc(&c, p, 0xFF00_00FF, |v| v.fill_rule = Some(rule));
        for pts in shapes {
            c.fill_poly(p, g, &points(pts));
        }
        let want: BTreeSet<Px> = shapes
            .iter()
            .flat_map(|pts| polygon(pts, even_odd))
            .collect();
        assert_same(&ink(&c, p, WHITE), &want, &format!("{rule:?}"));
        // The star's centre: empty by EvenOdd, filled by Winding; the square: 10 × 10.
        assert_eq!(want.contains(&(40, 22)), !even_odd);
        assert_eq!(want.iter().filter(|&&(x, y)| x < 20 && y < 20).count(), 100);
    }
}

#[test]
fn whole_ellipses_are_exact() {
    let s = TestServer::start();
    let c = s.connect();
    let boxes = [
        Rect::new(3, 3, 20, 20),
        Rect::new(30, 4, 25, 14),
        Rect::new(60, 5, 1, 1),
        Rect::new(62, 20, 7, 3),
        Rect::new(5, 35, 40, 31),
    ];
    let arcs = boxes.map(Arc::ellipse);
    let p = canvas(&c, WHITE);
    let g = gc(&c, p, 0xFF00_8000, |_| {});
    c.poly_arc(p, g, &arcs);
    let want: BTreeSet<Px> = boxes.into_iter().flat_map(ellipse_outline).collect();
    assert_same(&ink(&c, p, WHITE), &want, "outlines");
    // Like a thin PolyRectangle: columns x ..= x + w.
    assert!(want.contains(&(3, 13)) && want.contains(&(23, 13)) && !want.contains(&(24, 13)));

    let p = canvas(&c, WHITE);
    c.poly_fill_arc(p, g, &arcs);
    let want: BTreeSet<Px> = boxes.into_iter().flat_map(ellipse_fill).collect();
    assert_same(&ink(&c, p, WHITE), &want, "fills");
    // Like PolyFillRectangle: columns x .. x + w.
    assert!(want.contains(&(3, 13)) && want.contains(&(22, 13)) && !want.contains(&(23, 13)));
}

// ---- Within ±1 px ----

/// Checks the ±1 px rule for black drawn on white onto `p`: every ink pixel (a unit
/// square) comes within 1 of the ideal shape; for an area, every pixel whose centre is at
/// least 1 inside is fully drawn; for a thin shape, each of its points is within 1 of the
/// centre of an ink pixel.
fn within_one(c: &Connection, p: PixmapId, shape: &[(f64, f64)], area: bool, what: &str) {
    let (got, px) = (ink(c, p, WHITE), read(c, p, AREA));
    let dist = |x: f64, y: f64| dist(shape, area, x, y);
    assert!(!got.is_empty(), "{what}: nothing drawn");
    let grid = || (0..=10).map(|i| i as f64 / 10.0 - 0.5);
    for (x, y) in got.iter().map(|&(x, y)| (x as f64, y as f64)) {
        // The square's nearest point: its centre, unless that is over 1 away.
        let square = grid().flat_map(|u| grid().map(move |v| (x + u, y + v)));
        let d = match dist(x, y) {
            d if d <= 1.0 => d,
            _ => square.map(|(u, v)| dist(u, v)).fold(f64::MAX, f64::min),
        };
        assert!(d <= 1.0, "{what}: ({x}, {y}) is {d:.2} away");
    }
    for (x, y) in all_pixels().filter(|&(x, y)| area && dist(x as f64, y as f64) <= -1.0) {
        assert_eq!(px.at(x, y), 0, "{what}: ({x}, {y}) is deep inside");
    }
    for &(x, y) in shape.iter().filter(|_| !area) {
        let near = |&(u, v): &Px| (u as f64 - x).hypot(v as f64 - y) <= 1.0;
        assert!(got.iter().any(near), "{what}: ({x:.1}, {y:.1}) not drawn");
    }
}

/// What a ±1 px case draws.
enum Draw {
    Arc(Arc),
    FillArc(Arc),
    Poly(Vec<Px>),
    Line(u32, CapStyle),
}

#[test]
fn other_shapes_stay_within_one_pixel() {
    let s = TestServer::start();
    let c = s.connect();
    // The circle of box (10, 10, 60, 60), and its part from 30° through 135° more.
    let circle = |a: f64| (40.0 + 30.0 * a.cos(), 40.0 - 30.0 * a.sin());
    let (a0, a1) = (30f64.to_radians(), 165f64.to_radians());
    let arc_at = |t: f64| circle(a0 + (a1 - a0) * t);
    let arc = Arc::ellipse(Rect::new(10, 10, 60, 60));
    let part = Arc {
        angle1: 30 * 64,
        angle2: 135 * 64,
        ..arc
    };
    let pie = [vec![(40.0, 40.0)], curve(200, arc_at)].concat();
    // 45° of the ellipse of box (2, 20, 76, 40): angles are those of rays from the centre.
    let ray = |a: f64| 1.0 / (a.cos().powi(2) / 1444.0 + a.sin().powi(2) / 400.0).sqrt();
    let flat = Arc {
        angle2: 45 * 64,
        ..Arc::ellipse(Rect::new(2, 20, 76, 40))
    };
    let flat_at = |t: f64| {
        let a = t * TAU / 8.0;
        (40.0 + ray(a) * a.cos(), 40.0 - ray(a) * a.sin())
    };
    // A 100-gon (FillPoly beyond 64 points) on integer points, and a triangle.
    let gon = curve(99, |t| circle(t * TAU * 0.99)).into_iter();
    let gon: Vec<Px> = gon
        .map(|(x, y)| (x.round() as i32, y.round() as i32))
        .collect();
    let triangle = vec![(5, 5), (70, 20), (20, 70)];
    let f = |pts: &[Px]| pts.iter().map(|&(x, y)| (x as f64, y as f64)).collect();
    // Lines from (5, 70) to (70, 20).
    let (a, b) = ((5.0, 70.0), (70.0, 20.0));
    let thin = curve(40, |t| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
    let (band, stadium) = (stroke(a, b, 5.0, false), stroke(a, b, 5.0, true));
    let both = [
        ("arc", Draw::Arc(part), curve(200, arc_at), false),
        ("ellipse arc", Draw::Arc(flat), curve(200, flat_at), false),
        ("pie", Draw::FillArc(part), pie, true),
        ("100 points", Draw::Poly(gon.clone()), f(&gon), true),
        ("butt", Draw::Line(10, Butt), band, true),
        ("round", Draw::Line(10, Round), stadium, true),
    ];
    let aa_only = [
        (
            "circle",
            Draw::Arc(arc),
            curve(200, |t| circle(t * TAU)),
            false,
        ),
        ("thin line", Draw::Line(0, Butt), thin, false),
        ("triangle", Draw::Poly(triangle.clone()), f(&triangle), true),
    ];
    let cases = both.iter().flat_map(|t| [(t, false), (t, true)]);
    for ((name, draw, shape, area), aa) in cases.chain(aa_only.iter().map(|t| (t, true))) {
        let p = canvas(&c, WHITE);
        let (w, cap) = match draw {
            Draw::Line(w, cap) => (*w, *cap),
            _ => (0, Butt),
        };
        let g = gc(&c, p, 0xFF00_0000, |v| {
            (v.antialias, v.line_width, v.cap_style) = (Some(aa), Some(w), Some(cap))
        });
        match draw {
            Draw::Arc(a) => c.poly_arc(p, g, &[*a]),
            Draw::FillArc(a) => c.poly_fill_arc(p, g, &[*a]),
            Draw::Poly(pts) => c.fill_poly(p, g, &points(pts)),
            Draw::Line(..) => c.poly_segment(p, g, &[seg(((5, 70), (70, 20)))]),
        };
        within_one(&c, p, shape, *area, &format!("{name}, antialias {aa}"));
    }
}

// ---- Blending ----

/// Source and destination colours (`0xAARRGGBB`) the blend tests combine.
const SOURCES: [u32; 4] = [0x80FF_0000, 0xC033_99CC, 0x40FF_FFFF, 0xFF20_40F0];
const DESTS: [u32; 3] = [0xFFFF_FFFF, 0xFF30_6090, 0x9010_A0E0];
const OPS: [Op; 7] = [Over, Source, Clear, Xor, Add, Multiply, Screen];

/// A 3 × 1 pixmap whose pixel `i` holds `DESTS[i]`, written with `Source`.
fn dest_pixmap(c: &Connection) -> PixmapId {
    let p = c.new_pixmap_id();
    c.create_pixmap(p, c.root(), DESTS.len() as u32, 1);
    for (i, &d) in DESTS.iter().enumerate() {
        let g = gc(c, p, d, |v| v.op = Some(Source));
        c.poly_fill_rectangle(p, g, &[Rect::new(i as i32, 0, 1, 1)]);
    }
    p
}

/// The expected premultiplied result of an op, a source and a destination colour.
type Want = fn(Op, u32, u32) -> [u32; 4];

/// Draws each source with each op onto the destinations with `draw`, and compares.
/// The GC has line width `width`.
fn check_blends(c: &Connection, width: u32, draw: impl Fn(PixmapId, GcId), want: Want) {
    for op in OPS {
        for src in SOURCES {
            let p = dest_pixmap(c);
            draw(
                p,
                gc(c, p, src, |v| {
                    (v.op, v.line_width) = (Some(op), Some(width))
                }),
            );
            let got = rgba_row(c, p, DESTS.len() as u32);
            let want: Vec<_> = DESTS.iter().map(|&d| straight(want(op, src, d))).collect();
            assert_eq!(got, want, "{op:?} {src:08x} onto {DESTS:08x?}");
        }
    }
}

#[test]
fn points_images_and_copies_blend_by_formula_a() {
    let s = TestServer::start();
    let c = s.connect();
    // The spec's example: 0x80ff0000 Over opaque white.
    assert_eq!(
        blend_a(Over, premul(0x80FF_0000), premul(0xFFFF_FFFF), 255),
        [255, 127, 127, 255]
    );
    let a: Want = |op, src, d| blend_a(op, premul(src), premul(d), 255);
    let pts = points(&[(0, 0), (1, 0), (2, 0)]);
    check_blends(&c, 0, |p, g| drop(c.poly_point(p, g, &pts)), a);
    // PutImage (1 × 1 in the request; 64 × 64 by shared memory where the server offers it)
    // and CopyArea of each source colour.
    for (side, copy) in [(1u32, false), (64, false), (1, true)] {
        for op in [Over, Xor, Multiply, Screen] {
            for src in SOURCES {
                let p = dest_pixmap(&c);
                let g = gc(&c, p, 0xFF00_0000, |v| v.op = Some(op));
                let [al, r, gr, b] = src.to_be_bytes();
                let data = [r, gr, b, al].repeat((side * side) as usize);
                if copy {
                    let from = c.new_pixmap_id();
                    c.create_pixmap(from, c.root(), 1, 1);
                    let gs = gc(&c, from, 0, |v| v.op = Some(Source));
                    c.put_image(from, gs, Point::new(0, 0), 1, 1, ImageFormat::Rgba, data);
                    c.copy_area(from, p, g, Rect::new(0, 0, 1, 1), Point::new(1, 0));
                } else {
                    c.put_image(p, g, Point::new(1, 0), side, side, ImageFormat::Rgba, data);
                }
                let want = straight(a(op, src, DESTS[1]));
                let what = (op, src, side, copy);
                assert_eq!(rgba_row(&c, p, 2)[1], want, "{what:x?}");
            }
        }
    }
}

#[test]
fn rectangle_fills_and_wide_lines_blend_by_formula_b() {
    let s = TestServer::start();
    let c = s.connect();
    let b: Want = |op, src, d| blend_b(op, premul(src), premul(d));
    let rect = [Rect::new(0, 0, 3, 1)];
    check_blends(&c, 0, |p, g| drop(c.poly_fill_rectangle(p, g, &rect)), b);
    // Width 2 from (0, 1) to (3, 1): rows 0 and 1, columns 0 to 2.
    let line = [seg(((0, 1), (3, 1)))];
    check_blends(&c, 2, |p, g| drop(c.poly_segment(p, g, &line)), b);
    // Some case tells formula B from formula A.
    let differs = OPS.iter().any(|&op| {
        let a = |src, d| blend_a(op, premul(src), premul(d), 255);
        SOURCES
            .iter()
            .any(|&src| DESTS.iter().any(|&d| a(src, d) != b(op, src, d)))
    });
    assert!(differs);
}

// ---- Text and ClearArea ----

#[test]
fn text_sits_on_its_baseline_and_blends_by_coverage() {
    let s = TestServer::start();
    let c = s.connect();
    let (x, y) = (10, 40);
    let g = gc(&c, c.root(), 0xFF00_0000, |v| v.font_size = Some(20.0));
    // "H" stands on the baseline, the top edge of row y: its ink ends in row y − 1. The
    // ink of "Hjy" takes exactly the rows of its extents.
    let mut last = None;
    for text in ["H", "Hjy"] {
        let e = c.query_text_extents(g, text).reply().unwrap();
        let black = canvas(&c, WHITE);
        c.draw_text(black, g, Point::new(x, y), text);
        let inked = ink(&c, black, WHITE);
        let rows: BTreeSet<i32> = inked.iter().map(|p| p.1).collect();
        let (top, bottom) = (*rows.first().unwrap(), *rows.last().unwrap());
        let want = (y - e.ascent, y + e.descent - 1);
        assert_eq!((top, bottom), want, "{text}: {e:?}");
        assert!(text != "H" || bottom == y - 1);
        last = Some((black, inked));
    }
    // Black on white gives each pixel's coverage, 255 − value; the same text in colour onto
    // another background is formula A at that coverage.
    let (black, inked) = last.unwrap();
    let cover = read(&c, black, AREA);
    let bg = 0x30_60_90;
    for (color, op) in [
        (0xFFC8_6432, Over),
        (0x80C8_6432, Over),
        (0xFFC8_6432, Screen),
    ] {
        let p = canvas(&c, bg);
        let gt = gc(&c, p, color, |v| {
            (v.font_size, v.op) = (Some(20.0), Some(op))
        });
        c.draw_text(p, gt, Point::new(x, y), "Hjy");
        let got = read(&c, p, AREA);
        for &(px, py) in &inked {
            let k = 255 - (cover.at(px, py) & 0xFF);
            let [r, gr, b, _] = blend_a(op, premul(color), premul(0xFF00_0000 | bg), k);
            let what = (color, op, px, py, k);
            assert_eq!(got.at(px, py), r << 16 | gr << 8 | b, "{what:x?}");
        }
        assert!(ink(&c, p, bg).is_subset(&inked), "{color:x} {op:?}");
    }
}

#[test]
fn clear_area_replaces_exactly_the_area() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 40, 30), WHITE, EventMask::EMPTY);
    let g = gc(&c, w, 0xFFFF_0000, |_| {});
    c.poly_fill_rectangle(w, g, &[Rect::new(0, 0, 40, 30)]);
    c.clear_area(w, Rect::new(3, 4, 5, 6), false);
    c.clear_area(w, Rect::new(30, 20, 0, 0), false);
    let px = read(&c, w, Rect::new(0, 0, 40, 30));
    assert_eq!(px.count(WHITE), 5 * 6 + 10 * 10);
    assert_eq!(px.count_in(Rect::new(3, 4, 5, 6), |v| v == WHITE), 30);
    assert_eq!(px.count_in(Rect::new(30, 20, 10, 10), |v| v == WHITE), 100);
}
