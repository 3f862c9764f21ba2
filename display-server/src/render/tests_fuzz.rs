//! Randomised robustness test: every path-based primitive with random geometry (including
//! extreme coordinates) must not panic and must only change pixels inside its reported
//! damage and the clip.

use super::tests_shapes::new_pm;
use super::*;

/// Tiny deterministic PRNG (xorshift64*) for the fuzz test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A coordinate from one of several magnitudes, including extreme ones.
    fn coord(&mut self) -> i32 {
        let v = self.next();
        match v % 5 {
            0 => (v >> 8) as i32 % 40 - 5,
            1 => (v >> 8) as i32 % 400 - 200,
            2 => (v >> 8) as i32 % 100_000,
            3 => (v >> 8) as i32,
            _ => [i32::MIN, i32::MAX, -1, 0][(v >> 8) as usize % 4],
        }
    }
}

#[test]
fn random_geometry_does_not_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let clip = Clip::from_rects(
        &[IRect::new(3, 3, 20, 10), IRect::new(0, 20, 30, 5)],
        33,
        29,
    );
    for round in 0..400 {
        let mut pm = new_pm(33, 29);
        let s = Style {
            line_width: [0, 1, 2, 5, 40, 70_000][round % 6],
            antialias: round % 2 == 0,
            even_odd: round % 3 == 0,
            pie_slice: round % 4 < 2,
            cap: [CapStyle::Butt, CapStyle::Round, CapStyle::Square][round % 3],
            join: [JoinStyle::Miter, JoinStyle::Round, JoinStyle::Bevel][round / 3 % 3],
            op: [Op::Over, Op::Source, Op::Xor][round % 3],
            clip: (round % 5 == 0).then_some(&clip),
            ..Style::solid(0xC0_12_34_56)
        };
        let pts: Vec<(i32, i32)> = (0..2 + round % 5)
            .map(|_| (rng.coord(), rng.coord()))
            .collect();
        let seg: Vec<(i32, i32, i32, i32)> = pts
            .windows(2)
            .map(|w| (w[0].0, w[0].1, w[1].0, w[1].1))
            .collect();
        let arc = ArcSpec {
            x: rng.coord(),
            y: rng.coord(),
            width: rng.coord().unsigned_abs(),
            height: rng.coord().unsigned_abs(),
            angle1: rng.coord(),
            angle2: rng.coord(),
        };
        let rect = IRect::new(
            rng.coord(),
            rng.coord(),
            rng.coord().unsigned_abs(),
            rng.coord().unsigned_abs(),
        );
        type Draw<'a> = Box<dyn Fn(&mut Pixmap) -> Option<IRect> + 'a>;
        let draws: [Draw; 7] = [
            Box::new(|pm| poly_line(pm, &s, &pts)),
            Box::new(|pm| segments(pm, &s, &seg)),
            Box::new(|pm| fill_polygon(pm, &s, &pts)),
            Box::new(|pm| stroke_arcs(pm, &s, &[arc])),
            Box::new(|pm| fill_arcs(pm, &s, &[arc])),
            Box::new(|pm| stroke_rects(pm, &s, &[rect])),
            Box::new(|pm| fill_rects(pm, &s, &[rect])),
        ];
        for draw in &draws {
            let before = pm.clone();
            let damage = draw(&mut pm);
            if let Some(d) = damage {
                assert!(
                    d.x >= 0 && d.y >= 0 && d.right() <= 33 && d.bottom() <= 29,
                    "{d:?}"
                );
            }
            for y in 0..29 {
                for x in 0..33 {
                    if before.pixel(x, y) != pm.pixel(x, y) {
                        let inside = damage.is_some_and(|d| d.contains(x as i32, y as i32));
                        assert!(
                            inside,
                            "round {round}: ({x},{y}) changed outside {damage:?}"
                        );
                        if let Some(c) = s.clip {
                            assert!(c.contains(x as i32, y as i32));
                        }
                    }
                }
            }
        }
    }
}
