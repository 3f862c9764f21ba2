//! Puts clipped at window edges and read back through children, and overlapping copies
//! and copies from partly outside, read back exactly.

use super::*;
use yonder::prelude::*;

/// Puts a picture partly off a window's top-left and bottom-right edges, in the request
/// and from shared memory, with a mapped child covering part of the window: reading the
/// window back gives the picture where it landed, the child's background over it, and
/// the window's background elsewhere; the parent's own pixels under the child are kept.
#[test]
fn puts_are_clipped_at_window_edges_and_read_back_through_children() {
    let s = TestServer::start();
    let c = client(&s);
    let (ww, wh) = (150u32, 120u32);
    let win = window(
        &c,
        Rect::new(30, 20, ww, wh),
        0x123456,
        EventMask::default(),
    );
    let g = gc(&c, win, 0);
    let child = c.new_window_id();
    c.create_window(
        child,
        win,
        Rect::new(60, 50, 30, 20),
        yonder_protocol::request::WindowAttributes {
            background: Some(yonder_protocol::Color::rgb(0xABCDEF)),
            event_mask: None,
            override_redirect: None,
            cursor: None,
        },
    );
    c.map_window(child);
    // 100x90 Bgrx: 36000 bytes, over the shared-memory threshold.
    let (iw, ih) = (100u32, 90u32);
    for (shm, at) in [(false, Point::new(-30, -25)), (true, Point::new(80, 60))] {
        c.set_image_options(ImageOptions {
            shared_memory: shm,
            compression: Compression::Never,
        });
        let before = c.image_stats().shared_memory;
        let pic = picture(iw, ih, shm as u32 + 3);
        c.put_image(win, g, at, iw, ih, ImageFormat::Bgrx, pic.clone());
        let got = read_bgrx(&c, win, Rect::new(0, 0, ww, wh));
        assert_eq!(c.image_stats().shared_memory, before + shm as u64);
        let pic = opaque(&pic);
        for y in 0..wh as i32 {
            for x in 0..ww as i32 {
                let o = (y as usize * ww as usize + x as usize) * 4;
                let (ix, iy) = (x - at.x, y - at.y);
                let in_child = (60..90).contains(&x) && (50..70).contains(&y);
                let expect: [u8; 4] = if in_child {
                    [0xEF, 0xCD, 0xAB, 0]
                } else if (0..iw as i32).contains(&ix) && (0..ih as i32).contains(&iy) {
                    let i = (iy as usize * iw as usize + ix as usize) * 4;
                    pic[i..i + 4].try_into().unwrap()
                } else if !shm {
                    [0x56, 0x34, 0x12, 0]
                } else {
                    // The first put's pixels stay where the second did not land.
                    got[o..o + 4].try_into().unwrap()
                };
                assert_eq!(got[o..o + 4], expect, "shm={shm} at {x},{y}");
            }
        }
    }
    // Under the child, the parent keeps what was put there (unmapping shows it).
    c.unmap_window(child);
    let got = read_bgrx(&c, win, Rect::new(85, 65, 1, 1));
    let pic = opaque(&picture(iw, ih, 4));
    let i = ((65 - 60) as usize * iw as usize + (85 - 80) as usize) * 4;
    assert_eq!(got, pic[i..i + 4]);
}

/// CopyArea within a window in all four diagonal directions (source and destination
/// overlapping), and from a pixmap with the source rectangle partly outside it: the
/// window reads back as a model of the same copies computed here.
#[test]
fn overlapping_copies_and_copies_from_partly_outside_read_back_exactly() {
    let s = TestServer::start();
    let c = client(&s);
    let (ww, wh) = (64u32, 48u32);
    let win = window(
        &c,
        Rect::new(10, 10, ww, wh),
        0x000000,
        EventMask::default(),
    );
    let g = gc(&c, win, 0);
    c.set_image_options(ImageOptions {
        shared_memory: false,
        compression: Compression::Never,
    });
    let mut model = opaque(&picture(ww, wh, 9));
    c.put_image(
        win,
        g,
        Point::new(0, 0),
        ww,
        wh,
        ImageFormat::Bgrx,
        picture(ww, wh, 9),
    );
    // Copies `r` to `to` in the model (through a snapshot, as X defines it), clipped to
    // both the source and the destination.
    let copy = |model: &mut Vec<u8>, src: &[u8], (sw, sh): (u32, u32), r: Rect, to: Point| {
        let snap = src.to_vec();
        for y in 0..r.height as i32 {
            for x in 0..r.width as i32 {
                let (sx, sy) = (r.x + x, r.y + y);
                let (dx, dy) = (to.x + x, to.y + y);
                let inside = |x: i32, y: i32, w: u32, h: u32| {
                    (0..w as i32).contains(&x) && (0..h as i32).contains(&y)
                };
                if inside(sx, sy, sw, sh) && inside(dx, dy, ww, wh) {
                    let si = (sy as usize * sw as usize + sx as usize) * 4;
                    let di = (dy as usize * ww as usize + dx as usize) * 4;
                    model[di..di + 4].copy_from_slice(&snap[si..si + 4]);
                }
            }
        }
    };
    let r = Rect::new(10, 8, 40, 30);
    let near = [(5, 3), (-5, -3), (5, -3), (-5, 3), (0, 7), (9, 0)].map(|d| (r, d));
    // Moves by the height or more (the source rows wholly above or below the
    // destination's), one of them partly off the bottom edge.
    let far = [
        (Rect::new(4, 2, 30, 14), (1, 20)),
        (Rect::new(10, 30, 30, 14), (3, -25)),
        (Rect::new(20, 5, 40, 10), (-7, 36)),
    ];
    for (r, (dx, dy)) in near.into_iter().chain(far) {
        let to = Point::new(r.x + dx, r.y + dy);
        c.copy_area(win, win, g, r, to);
        let snap = model.clone();
        copy(&mut model, &snap, (ww, wh), r, to);
        assert_eq!(
            read_bgrx(&c, win, Rect::new(0, 0, ww, wh)),
            model,
            "move {dx},{dy}"
        );
    }
    // From a 20x20 pixmap, a rectangle hanging off its top-left and its bottom-right.
    let (p, pg) = pixmap(&c, 20, 20);
    let pic = picture(20, 20, 11);
    c.put_image(
        p,
        pg,
        Point::new(0, 0),
        20,
        20,
        ImageFormat::Bgrx,
        pic.clone(),
    );
    let pic = opaque(&pic);
    for (r, to) in [
        (Rect::new(-6, -4, 15, 12), Point::new(3, 30)),
        (Rect::new(12, 14, 15, 12), Point::new(50, 40)),
    ] {
        c.copy_area(p, win, g, r, to);
        copy(&mut model, &pic, (20, 20), r, to);
        assert_eq!(read_bgrx(&c, win, Rect::new(0, 0, ww, wh)), model, "{r:?}");
    }
}

#[test]
fn opaque_rgba_rows_land_exactly_and_translucent_ones_blend() {
    let s = TestServer::start();
    let c = client(&s);
    c.set_image_options(ImageOptions {
        shared_memory: false,
        compression: Compression::Never,
    });
    let w = window(&c, Rect::new(0, 0, 100, 40), 0xffffff, EventMask::EMPTY);
    let g = gc(&c, w, 0);
    // 64x12 RGBA: every third row half transparent, the others opaque.
    let rgba: Vec<u8> = (0..64 * 12u32)
        .flat_map(|i| {
            let a = if (i / 64) % 3 == 1 { 128 } else { 255 };
            [(i % 200) as u8, (i / 64 * 20) as u8, 40, a]
        })
        .collect();
    c.put_image(
        w,
        g,
        Point::new(3, 2),
        64,
        12,
        ImageFormat::Rgba,
        rgba.clone(),
    );
    let back = c
        .get_image(w, Rect::new(3, 2, 64, 12), ImageFormat::Rgba)
        .reply()
        .unwrap()
        .data;
    for (row, (got, put)) in back.chunks(64 * 4).zip(rgba.chunks(64 * 4)).enumerate() {
        if row % 3 == 1 {
            // Over white: each channel lies between the source's and 255, alpha 255.
            for (g, p) in got.chunks(4).zip(put.chunks(4)) {
                assert_eq!(g[3], 255, "row {row}");
                for k in 0..3 {
                    assert!(g[k] > p[k] && g[k] < 255, "row {row}: {g:?} from {p:?}");
                }
            }
        } else {
            assert_eq!(got, put, "opaque row {row} lands as it was");
        }
    }
}

/// Large images in the request go out in pieces (the frame's head from the library's
/// buffer, the pixels from the app's memory): pipelined with small requests before and
/// after them, into a window and into a pixmap copied onto it, with no round trip
/// between, every request lands in its place.
#[test]
fn large_puts_keep_their_place_among_small_requests() {
    let s = TestServer::start();
    let c = client(&s);
    c.set_image_options(ImageOptions {
        shared_memory: false,
        compression: Compression::Never,
    });
    let win = window(&c, Rect::new(5, 5, 240, 100), 0, EventMask::default());
    let g = gc(&c, win, 0x102030);
    let (pix, pg) = pixmap(&c, 110, 100);
    let (a, b) = (picture(110, 100, 1), picture(110, 100, 2));
    c.poly_fill_rectangle(win, g, &[Rect::new(0, 0, 240, 100)]);
    c.put_image(win, g, Point::new(0, 0), 110, 100, ImageFormat::Bgrx, &a);
    c.poly_fill_rectangle(win, g, &[Rect::new(10, 10, 5, 5)]);
    c.put_image(
        win,
        g,
        Point::new(20, 20),
        1,
        1,
        ImageFormat::Bgrx,
        [1, 2, 3, 0],
    );
    c.put_image(
        pix,
        pg,
        Point::new(0, 0),
        110,
        100,
        ImageFormat::Bgrx,
        b.clone(),
    );
    c.copy_area(pix, win, g, Rect::new(0, 0, 110, 100), Point::new(120, 0));
    c.poly_fill_rectangle(win, g, &[Rect::new(130, 10, 5, 5)]);
    let got = read_bgrx(&c, win, Rect::new(0, 0, 240, 100));
    let (a, b) = (opaque(&a), opaque(&b));
    let px = |buf: &[u8], w: usize, x: usize, y: usize| buf[(y * w + x) * 4..][..4].to_vec();
    assert_eq!(
        px(&got, 240, 12, 12),
        [0x30, 0x20, 0x10, 0],
        "the fill after A"
    );
    assert_eq!(px(&got, 240, 20, 20), [1, 2, 3, 0], "the small put after A");
    assert_eq!(
        px(&got, 240, 132, 12),
        [0x30, 0x20, 0x10, 0],
        "the fill after B"
    );
    assert_eq!(
        px(&got, 240, 115, 50),
        [0x30, 0x20, 0x10, 0],
        "the first fill"
    );
    for (x, y) in [(0, 0), (50, 60), (109, 99), (30, 5)] {
        assert_eq!(px(&got, 240, x, y), px(&a, 110, x, y), "A at {x},{y}");
        assert_eq!(px(&got, 240, 120 + x, y), px(&b, 110, x, y), "B at {x},{y}");
    }
}
