//! Copies from drawables the server knows to be opaque (`state::opaque`): an `Over` copy
//! from one moves its pixels as they are, and the knowledge ends with every write that
//! can leave a translucent pixel. Each test reads back what a user would see; the server
//! under test is a debug build, whose copies also check every row they take from a
//! drawable said to be opaque (a wrong belief fails the request's client, so the reads
//! below fail too).

use yonder::prelude::*;
use yonder_protocol::request::{CompositeOp, GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{Color, EventMask, GcId, Point, Rect, WindowId};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

fn gc_op(c: &yonder::Connection, w: WindowId, fg: u32, op: CompositeOp, aa: bool) -> GcId {
    let g = c.new_gc_id();
    let values = GcValues {
        foreground: Some(Color(fg)),
        op: Some(op),
        antialias: Some(aa),
        line_width: Some(if aa { 3 } else { 0 }),
        ..Default::default()
    };
    c.create_gc(g, w, values);
    g
}

/// What fails here is the debug build's check of each row taken (the copy of an opaque
/// source is exact either way): run in release, this test cannot fail.
#[test]
fn anything_drawn_over_an_opaque_window_copies_exactly() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 300, 200), 0xFFFFFF, EventMask(0));
    let aa = gc_op(&c, w, 0xC0_20_60_A0, CompositeOp::Over, true);
    let translucent = gc_op(&c, w, 0x60_FF_00_00, CompositeOp::Over, false);
    let text = gc_op(&c, w, 0xFF_10_10_10, CompositeOp::Over, true);
    // Anti-aliased lines, a translucent fill, text and an image with translucent pixels,
    // all Over: the window stays opaque.
    c.poly_line(
        w,
        aa,
        &[Point::new(3, 5), Point::new(140, 90), Point::new(20, 110)],
    );
    c.poly_fill_rectangle(w, translucent, &[Rect::new(30, 20, 90, 70)]);
    c.draw_text(w, text, Point::new(10, 60), "Yonder, opaque");
    let img: Vec<u8> = (0..40 * 30 * 4)
        .map(|i| if i % 4 == 3 { (i % 251) as u8 } else { 0 })
        .collect();
    c.put_image(w, aa, Point::new(60, 40), 40, 30, ImageFormat::Rgba, img);
    let before = read(&c, w, Rect::new(0, 0, 150, 120));
    c.copy_area(w, w, aa, Rect::new(0, 0, 150, 120), Point::new(150, 80));
    let after = read(&c, w, Rect::new(150, 80, 150, 120));
    assert_eq!(
        before.data, after.data,
        "the copy is the source, pixel for pixel"
    );
    assert!(drain(&c).is_empty(), "no error");
}

#[test]
fn a_translucent_write_ends_the_knowledge() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 200, 100), 0xFFFFFF, EventMask(0));
    let blue = gc_op(&c, w, 0xFF_00_00_FF, CompositeOp::Over, false);
    // Source writes translucent red into the opaque window...
    let source = gc_op(&c, w, 0x80_FF_00_00, CompositeOp::Source, false);
    c.poly_fill_rectangle(w, source, &[Rect::new(0, 0, 50, 50)]);
    c.poly_fill_rectangle(w, blue, &[Rect::new(100, 0, 50, 50)]);
    // ...so an Over copy of it onto blue blends: half red, half blue.
    c.copy_area(w, w, blue, Rect::new(0, 0, 50, 50), Point::new(100, 0));
    let p = read(&c, w, Rect::new(100, 0, 50, 50));
    let px = p.at(120, 20);
    assert!(
        (0x78..=0x88).contains(&(px >> 16)) && (0x78..=0x88).contains(&(px & 0xFF)),
        "red over blue, not red replacing it: {px:06x}"
    );
    assert!(drain(&c).is_empty(), "no error");
}

#[test]
fn a_translucent_background_cleared_ends_the_knowledge() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 200, 100), 0x00FF00, EventMask(0));
    let attrs = WindowAttributes {
        background: Some(Color(0x00_00_00_00)),
        ..Default::default()
    };
    c.change_window_attributes(w, attrs);
    c.clear_area(w, Rect::new(0, 0, 50, 50), false);
    let red = gc_op(&c, w, 0xFF_FF_00_00, CompositeOp::Over, false);
    c.poly_fill_rectangle(w, red, &[Rect::new(100, 0, 50, 50)]);
    // The cleared corner is transparent now: copied Over red, it leaves red.
    c.copy_area(w, w, red, Rect::new(0, 0, 50, 50), Point::new(100, 0));
    assert_eq!(read(&c, w, Rect::new(100, 0, 50, 50)).at(120, 20), 0xFF0000);
    assert!(drain(&c).is_empty(), "no error");
}

#[test]
fn a_pixmap_filled_whole_is_opaque_until_an_xor() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 200, 100), 0xFF0000, EventMask(0));
    let pm = c.new_pixmap_id();
    c.create_pixmap(pm, w, 50, 50);
    let green = gc_op(&c, w, 0xFF_00_FF_00, CompositeOp::Over, false);
    c.poly_fill_rectangle(pm, green, &[Rect::new(-5, -5, 60, 60)]);
    c.copy_area(pm, w, green, Rect::new(0, 0, 50, 50), Point::new(0, 0));
    assert_eq!(read(&c, w, Rect::new(0, 0, 50, 50)).count(0x00FF00), 2500);
    // Xor of opaque onto opaque leaves nothing: copied Over the red, the red stays.
    let xor = gc_op(&c, w, 0xFF_00_00_FF, CompositeOp::Xor, false);
    c.poly_fill_rectangle(pm, xor, &[Rect::new(0, 0, 50, 50)]);
    c.copy_area(pm, w, green, Rect::new(0, 0, 50, 50), Point::new(100, 0));
    assert_eq!(read(&c, w, Rect::new(100, 0, 50, 50)).count(0xFF0000), 2500);
    assert!(drain(&c).is_empty(), "no error");
}

#[test]
fn a_resize_with_a_translucent_background_ends_the_knowledge() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 100, 50), 0x00FF00, EventMask(0));
    let attrs = WindowAttributes {
        background: Some(Color(0x00_00_00_00)),
        ..Default::default()
    };
    c.change_window_attributes(w, attrs);
    c.configure_window(yonder_protocol::request::ConfigureWindow {
        window: w,
        x: None,
        y: None,
        width: Some(200),
        height: Some(50),
        stack_mode: None,
        sibling: None,
    });
    // The new columns are the transparent background: copied Over red, red stays.
    let red = gc_op(&c, w, 0xFF_FF_00_00, CompositeOp::Over, false);
    c.poly_fill_rectangle(w, red, &[Rect::new(0, 0, 50, 50)]);
    c.copy_area(w, w, red, Rect::new(120, 0, 50, 50), Point::new(0, 0));
    assert_eq!(read(&c, w, Rect::new(0, 0, 50, 50)).count(0xFF0000), 2500);
    assert!(drain(&c).is_empty(), "no error");
}

#[test]
fn a_pixmap_freed_and_made_again_starts_unknown() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 100, 50), 0xFF0000, EventMask(0));
    let green = gc_op(&c, w, 0xFF_00_FF_00, CompositeOp::Over, false);
    let pm = c.new_pixmap_id();
    c.create_pixmap(pm, w, 50, 50);
    c.poly_fill_rectangle(pm, green, &[Rect::new(0, 0, 50, 50)]);
    c.free_pixmap(pm);
    // The same id, new (transparent) pixels.
    c.create_pixmap(pm, w, 50, 50);
    c.copy_area(pm, w, green, Rect::new(0, 0, 50, 50), Point::new(0, 0));
    assert_eq!(read(&c, w, Rect::new(0, 0, 50, 50)).count(0xFF0000), 2500);
    assert!(drain(&c).is_empty(), "no error");
}

#[test]
fn fills_that_leave_a_pixel_translucent_make_nothing_known() {
    // A covering fill that is translucent, clipped, Add (not taken as keeping opacity),
    // or not the request's first rectangle: the pixmap is not believed opaque, and a
    // copy of it Over red shows the red through its transparent part.
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(&c, Rect::new(0, 0, 100, 50), 0xFF0000, EventMask(0));
    let translucent = gc_op(&c, w, 0x40_00_FF_00, CompositeOp::Over, false);
    let clipped = gc_op(&c, w, 0xFF_00_FF_00, CompositeOp::Over, false);
    c.set_clip_rectangles(clipped, Point::new(0, 0), Some(&[Rect::new(0, 0, 25, 50)]));
    let add = gc_op(&c, w, 0xFF_00_FF_00, CompositeOp::Add, false);
    let over = gc_op(&c, w, 0xFF_00_FF_00, CompositeOp::Over, false);
    let cases: [(GcId, &[Rect]); 4] = [
        (translucent, &[Rect::new(0, 0, 50, 50)]),
        (clipped, &[Rect::new(0, 0, 50, 50)]),
        (add, &[Rect::new(0, 0, 50, 25)]),
        (over, &[Rect::new(0, 0, 50, 25), Rect::new(0, 0, 50, 50)]),
    ];
    for (i, (gc, rects)) in cases.into_iter().enumerate() {
        let pm = c.new_pixmap_id();
        c.create_pixmap(pm, w, 50, 50);
        c.poly_fill_rectangle(pm, gc, rects);
        // The last case's second rectangle covers everything: that pixmap is opaque in
        // fact, just not known to be; the others keep a transparent part.
        let red = gc_op(&c, w, 0xFF_FF_00_00, CompositeOp::Over, false);
        c.poly_fill_rectangle(w, red, &[Rect::new(0, 0, 50, 50)]);
        c.copy_area(pm, w, red, Rect::new(0, 0, 50, 50), Point::new(0, 0));
        let p = read(&c, w, Rect::new(0, 0, 50, 50));
        let red_left = p.count(0xFF0000);
        match i {
            0 => assert_eq!(red_left, 0, "translucent green over red everywhere"),
            1 => assert_eq!(red_left, 25 * 50, "clipped: the right half stays red"),
            2 => assert_eq!(red_left, 50 * 25, "Add: the bottom half stays red"),
            _ => assert_eq!(p.count(0x00FF00), 2500, "two rectangles: green throughout"),
        }
        c.free_pixmap(pm);
    }
    assert!(drain(&c).is_empty(), "no error");
}
