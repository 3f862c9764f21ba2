//! Drawing split into bands (`bands`): every route that splits gives, bit for bit, what
//! one thread gives, on pixmaps with opaque and translucent pixels, with each operator
//! the routes treat apart, and for copies inside one pixmap in every direction.

use super::bands::{self, Workers};
use super::tests_shapes::new_pm;
use super::*;

/// A 320×600 pixmap of varied pixels, every seventh translucent.
fn noisy(seed: u32) -> Pixmap {
    let mut pm = new_pm(320, 600);
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    for (i, p) in pm.data_mut().chunks_exact_mut(4).enumerate() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let [r, g, b, _] = x.to_le_bytes();
        let a = if i % 7 == 0 { 128 } else { 255 };
        // Premultiplied: no colour above the alpha.
        p.copy_from_slice(&[r.min(a), g.min(a), b.min(a), a]);
    }
    pm
}

/// Two threads, the test's own the first (one pool a thread: one a test).
fn two() -> Workers {
    let two = Workers::new(2);
    assert!(!two.splits_here(), "not before the start");
    assert_eq!(two.start(), 2);
    assert!(two.splits_here(), "the pool starts on this thread");
    two
}

/// `draw` on a fresh noisy pixmap with one thread and with `two`; both results.
fn both(
    two: &Workers,
    seed: u32,
    draw: impl Fn(&mut Pixmap, Option<&Workers>),
) -> (Pixmap, Pixmap) {
    let (mut one_pm, mut two_pm) = (noisy(seed), noisy(seed));
    draw(&mut one_pm, None);
    draw(&mut two_pm, Some(two));
    (one_pm, two_pm)
}

fn assert_same(what: &str, (a, b): (Pixmap, Pixmap)) {
    let diff = a.pixels().iter().zip(b.pixels()).position(|(x, y)| x != y);
    assert_eq!(diff, None, "{what}: first differing pixel (index)");
}

#[test]
fn large_drawings_split_and_small_ones_do_not() {
    let w = Workers::new(2);
    assert_eq!(w.bands(300, 300), 2);
    assert_eq!(w.bands(100, 100), 1, "below MIN_PIXELS");
    assert_eq!(w.bands(20, 5000), 1, "too few rows for two bands");
    assert_eq!(Workers::new(1).bands(300, 300), 1);
    // On many cores, bands of at least 32 Ki pixels: a 256×256 fill gets two, not 16.
    assert_eq!(Workers::new(32).bands(256, 256), 2);
    assert_eq!(Workers::new(32).bands(1000, 1000), 30);
    assert_eq!(bands::split(10..21, 2), vec![10..15, 15..21]);
}

#[test]
fn fills_are_the_same_on_two_threads() {
    let two = two();
    for (op, color) in [
        (Op::Over, 0xFF12_3456),
        (Op::Source, 0x8012_3456),
        (Op::Clear, 0),
    ] {
        let rects = [IRect::new(-5, 3, 290, 280), IRect::new(40, 10, 300, 400)];
        let pair = both(&two, 1, |pm, workers| {
            let s = Style {
                op,
                color,
                workers,
                ..Style::default()
            };
            fill_rects(pm, &s, &rects);
        });
        assert_same(&format!("fill {op:?}"), pair);
    }
}

/// A rectangle narrower than a wide row but tall enough to split goes the large route:
/// it is split on two threads, and exactly its pixels change, with one thread and with
/// two.
#[test]
fn a_tall_narrow_fill_covers_exactly_its_rectangle() {
    let two = two();
    for workers in [None, Some(&two)] {
        let mut pm = new_pm(80, 2100);
        let s = Style {
            op: Op::Source,
            color: 0x8012_3456,
            workers,
            ..Style::default()
        };
        // 40 × 2100 visible: 84 000 pixels, over MIN_PIXELS, in rows of 40 words.
        let splits = bands::SPLITS.get();
        let damage = fill_rects(&mut pm, &s, &[IRect::new(3, -5, 40, 2200)]);
        assert_eq!(damage, Some(IRect::new(3, 0, 40, 2100)));
        assert_eq!(
            bands::SPLITS.get() - splits,
            usize::from(workers.is_some()),
            "split on two threads only"
        );
        let want = premul(0x8012_3456);
        for (i, p) in pm.pixels().iter().enumerate() {
            let x = i % 80;
            let inside = (3..43).contains(&x);
            let expected = if inside {
                want
            } else {
                PremultipliedColorU8::TRANSPARENT
            };
            assert_eq!(
                *p,
                expected,
                "pixel {i} (x {x}), on two threads: {}",
                workers.is_some()
            );
        }
    }
}

#[test]
fn puts_are_the_same_on_two_threads() {
    let two = two();
    let (w, h) = (290u32, 270u32);
    let bytes: Vec<u8> = (0..w * h * 4).map(|i| (i * 37 % 251) as u8).collect();
    for format in [ImageFormat::Bgrx, ImageFormat::Rgba] {
        for op in [Op::Over, Op::Source, Op::Add] {
            let img = RawImage::packed(format, w, h, &bytes).unwrap();
            let pair = both(&two, 2, |pm, workers| {
                let s = Style {
                    op,
                    workers,
                    ..Style::default()
                };
                put_raw(pm, &s, 17, -9, &img);
            });
            assert_same(&format!("put {format:?} {op:?}"), pair);
        }
    }
}

#[test]
fn copies_between_pixmaps_are_the_same_on_two_threads() {
    let two = two();
    let src = noisy(9);
    for op in [Op::Over, Op::Source, Op::Xor] {
        let pair = both(&two, 3, |pm, workers| {
            let s = Style {
                op,
                workers,
                ..Style::default()
            };
            copy_area(&src, pm, &s, IRect::new(10, 5, 300, 290), 3, 8);
        });
        assert_same(&format!("copy {op:?}"), pair);
    }
}

#[test]
fn copies_inside_a_pixmap_are_the_same_on_two_threads() {
    let two = two();
    // Sideways, by more than the height both ways, and the overlapping moves (which stay
    // on one thread): each compared with one thread, and with the copy through a
    // separate pixmap, which is what "as if the source were read first" means.
    let moves = [
        (0i32, 0i32, 9i32, 0i32),
        (9, 0, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 5, 300),
        (5, 320, 0, 2),
        (0, 0, 7, 30),
        (7, 30, 0, 0),
        (10, 10, 0, 25),
    ];
    for (sx, sy, dx, dy) in moves {
        let h = if (sy - dy).abs() >= 250 { 250 } else { 260 };
        for op in [Op::Over, Op::Source] {
            let r = IRect::new(sx, sy, 300, h);
            let pair = both(&two, 4, |pm, workers| {
                let s = Style {
                    op,
                    workers,
                    ..Style::default()
                };
                copy_within(pm, &s, r, dx, dy);
            });
            let mut through = noisy(4);
            let snapshot = through.clone();
            let s = Style {
                op,
                ..Style::default()
            };
            copy_area(&snapshot, &mut through, &s, r, dx, dy);
            assert_same(
                &format!("move {r:?} to {dx},{dy} {op:?} vs a copy"),
                (through, pair.1.clone()),
            );
            assert_same(&format!("move {r:?} to {dx},{dy} {op:?}"), pair);
        }
    }
}
