//! The rasterizer's threads (`--render-threads`, `render::bands`) change no pixel: the
//! same request streams of two clients at once, drawn by a server on one thread and by
//! one on two, read back exactly the same, window by window and on the screen. The
//! streams are large enough to be split into bands (fills, puts through shared memory
//! and in the request, copies between drawables and inside a window in every direction,
//! each operator the routes treat apart), and the two clients' windows overlap.

use std::thread;
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::{CompositeOp, GcValues, ImageFormat};
use yonder_protocol::{Color, EventMask, Point, Rect, WindowId};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

/// One client's drawing into its own window `w`; `seed` varies the pixels.
fn stream(c: &Connection, w: WindowId, seed: u32) {
    let gc_with = |fg: u32, op: CompositeOp| {
        let g = c.new_gc_id();
        let values = GcValues {
            foreground: Some(Color(fg)),
            op: Some(op),
            ..Default::default()
        };
        c.create_gc(g, w, values);
        g
    };
    let over = gc_with(0xFF00_0000 | (0x3355AA ^ seed), CompositeOp::Over);
    let translucent = gc_with(0x80C0_4020, CompositeOp::Over);
    let source = gc_with(0x6000_80FF, CompositeOp::Source);
    let xor = gc_with(0xFF77_1133, CompositeOp::Xor);
    c.poly_fill_rectangle(w, over, &[Rect::new(-10, 5, 400, 380)]);
    c.poly_fill_rectangle(w, translucent, &[Rect::new(30, 40, 350, 300)]);
    // Images with translucent pixels, one through shared memory (a local server), one in
    // the request (Bgrx is never shared).
    let (iw, ih) = (300u32, 280u32);
    let rgba: Vec<u8> = (0..iw * ih * 4)
        .map(|i| {
            if i % 4 == 3 && i % 28 == 3 {
                90
            } else {
                (i.wrapping_mul(seed + 7) % 251) as u8
            }
        })
        .collect();
    c.put_image(
        w,
        over,
        Point::new(60, 100),
        iw,
        ih,
        ImageFormat::Rgba,
        rgba.clone(),
    );
    c.put_image(
        w,
        source,
        Point::new(-20, 150),
        iw,
        ih,
        ImageFormat::Bgrx,
        rgba,
    );
    // A pixmap of the client's own, copied in with two operators.
    let pm = c.new_pixmap_id();
    c.create_pixmap(pm, w, 400, 400);
    c.poly_fill_rectangle(pm, translucent, &[Rect::new(0, 0, 400, 400)]);
    c.poly_fill_rectangle(pm, over, &[Rect::new(50, 50, 300, 300)]);
    c.copy_area(pm, w, over, Rect::new(0, 0, 400, 400), Point::new(10, 20));
    c.copy_area(pm, w, xor, Rect::new(20, 10, 380, 390), Point::new(0, 0));
    // Inside the window: sideways, by more than the height, overlapping up, down and
    // diagonally.
    for (from, to, size) in [
        ((0, 0), (15, 0), (400, 420)),
        ((15, 0), (0, 0), (400, 420)),
        ((0, 0), (5, 210), (400, 210)),
        ((5, 220), (0, 0), (400, 210)),
        ((0, 0), (0, 40), (410, 380)),
        ((0, 40), (10, 0), (400, 390)),
        ((20, 20), (0, 5), (400, 400)),
    ] {
        let r = Rect::new(from.0, from.1, size.0, size.1);
        c.copy_area(w, w, over, r, Point::new(to.0, to.1));
    }
    c.copy_area(w, w, xor, Rect::new(0, 0, 400, 300), Point::new(12, 0));
    // Through a clip of two large pieces (each split on its own): a put and a copy
    // between drawables.
    let clipped = gc_with(0xFF00_0000 | (0x884422 ^ seed), CompositeOp::Over);
    let pieces = [Rect::new(0, 0, 400, 200), Rect::new(10, 230, 380, 200)];
    c.set_clip_rectangles(clipped, Point::new(0, 0), Some(&pieces));
    let bgrx: Vec<u8> = (0..iw * ih * 4).map(|i| (i * 7 % 253) as u8).collect();
    c.put_image(
        w,
        clipped,
        Point::new(5, 60),
        iw,
        ih,
        ImageFormat::Bgrx,
        bgrx,
    );
    c.copy_area(pm, w, clipped, Rect::new(0, 0, 400, 400), Point::new(0, 15));
    c.sync().unwrap();
}

/// Runs both streams at once on a server of `threads` rasterizer threads; the windows'
/// pixels and the screen's.
fn run(threads: usize) -> Vec<Vec<u32>> {
    let s = TestServer::start_with(|c| c.render_threads = threads);
    let (a, b) = (s.connect_trusted(), s.connect_trusted());
    // The windows first, one after the other: their stacking is then the same in every
    // run (the screen is compared too).
    let wa = window(&a, Rect::new(0, 0, 420, 440), 0x203041, EventMask(0));
    let wb = window(&b, Rect::new(200, 150, 420, 440), 0x203042, EventMask(0));
    thread::scope(|scope| {
        scope.spawn(|| stream(&a, wa, 1));
        scope.spawn(|| stream(&b, wb, 2));
    });
    vec![
        read(&a, wa, Rect::new(0, 0, 420, 440)).data,
        read(&b, wb, Rect::new(0, 0, 420, 440)).data,
        screen(&a).data,
    ]
}

#[test]
fn two_rasterizer_threads_draw_what_one_draws() {
    let one = run(1);
    let two = run(2);
    for (what, (x, y)) in ["first window", "second window", "screen"]
        .iter()
        .zip(one.iter().zip(&two))
    {
        let first = x.iter().zip(y).position(|(p, q)| p != q);
        assert_eq!(first, None, "{what}: the first pixel that differs (index)");
        // Not a blank canvas: the streams drew many colours.
        let mut colours = x.clone();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 100, "{what}: {} colours", colours.len());
    }
}
