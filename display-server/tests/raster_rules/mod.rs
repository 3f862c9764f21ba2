//! The rules of protocol.md's "Pixels" (before §9.40), written out from the spec alone
//! (not from the server's code) for `rasterization.rs` to compare the server with: which
//! pixels the exact shapes take, the blend formulas, and the ideal shapes of the ±1 px
//! cases as polygons and polylines.

use std::collections::BTreeSet;
use std::f64::consts::TAU;

use yonder_protocol::request::CompositeOp::{
    self as Op, Add, Clear, Multiply, Over, Screen, Source, Xor,
};
use yonder_protocol::Rect;

/// The side of the tests' pixmaps.
pub const SIDE: i32 = 80;

/// A pixel.
pub type Px = (i32, i32);

/// Every pixel of a `SIDE` × `SIDE` pixmap.
pub fn all_pixels() -> impl Iterator<Item = Px> {
    (0..SIDE).flat_map(|y| (0..SIDE).map(move |x| (x, y)))
}

// ---- Exact shapes ----

/// A thin line: both ends, the minor offset ⌊(2·i·m + n) / (2·n)⌋ at step i.
pub fn thin_line((a, b): (Px, Px)) -> Vec<Px> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (n, m) = (dx.abs().max(dy.abs()), dx.abs().min(dy.abs()));
    let step = |i: i32| {
        let q = if n == 0 { 0 } else { (2 * i * m + n) / (2 * n) };
        match dx.abs() >= dy.abs() {
            true => (a.0 + i * dx.signum(), a.1 + q * dy.signum()),
            false => (a.0 + q * dx.signum(), a.1 + i * dy.signum()),
        }
    };
    (0..=n).map(step).collect()
}

/// Pixels whose sample point (x + 1/64, y + 1/64) lies in a union of boxes `[l, r] × [t, b]`.
pub fn sampled_boxes(boxes: &[(f64, f64, f64, f64)]) -> BTreeSet<Px> {
    let inside = |(x, y): Px| {
        let (sx, sy) = (x as f64 + 1.0 / 64.0, y as f64 + 1.0 / 64.0);
        boxes
            .iter()
            .any(|&(l, t, r, b)| l <= sx && sx <= r && t <= sy && sy <= b)
    };
    all_pixels().filter(|&p| inside(p)).collect()
}

/// FillPoly's rule in exact integers (1/64 pixel): the crossings right of the sample point.
pub fn polygon(pts: &[Px], even_odd: bool) -> BTreeSet<Px> {
    let winding = |(x, y): Px| {
        let (sx, sy) = (64 * x as i64 + 1, 64 * y as i64 + 1);
        let mut w = 0;
        for (i, &(xa, ya)) in pts.iter().enumerate() {
            let (xb, yb) = pts[(i + 1) % pts.len()];
            let (xa, ya, dx, dy) = (xa as i64, ya as i64, (xb - xa) as i64, (yb - ya) as i64);
            let (lo, hi) = (64 * ya.min(ya + dy), 64 * ya.max(ya + dy));
            // The crossing's x, times 64·|dy|, against the sample's.
            if lo < sy
                && sy < hi
                && (64 * xa * dy + (sy - 64 * ya) * dx) * dy.signum() > sx * dy.abs()
            {
                w += dy.signum();
            }
        }
        w
    };
    let inside = |p: Px| {
        if even_odd {
            winding(p) % 2 != 0
        } else {
            winding(p) != 0
        }
    };
    all_pixels().filter(|&p| inside(p)).collect()
}

/// A thin whole ellipse: the pixels of the grown ellipse G whose 4 neighbours are not all in G.
pub fn ellipse_outline(r: Rect) -> BTreeSet<Px> {
    let (w, h) = (r.width as i64 + 1, r.height as i64 + 1);
    let in_g = |x: i32, y: i32| {
        let dx = 2 * (x - r.x) as i64 - r.width as i64;
        let dy = 2 * (y - r.y) as i64 - r.height as i64;
        dx * dx * h * h + dy * dy * w * w <= w * w * h * h
    };
    let inner = |x, y| {
        [(1, 0), (-1, 0), (0, 1), (0, -1)]
            .iter()
            .all(|&(u, v)| in_g(x + u, y + v))
    };
    all_pixels()
        .filter(|&(x, y)| in_g(x, y) && !inner(x, y))
        .collect()
}

/// A filled whole ellipse: sample points strictly inside, in 1/128 pixel.
pub fn ellipse_fill(r: Rect) -> BTreeSet<Px> {
    let (wq, hq) = (64 * r.width as i128, 64 * r.height as i128);
    let inside = |(x, y): Px| {
        let dx = 64 * (2 * (x - r.x) as i128 - r.width as i128) + 2;
        let dy = 64 * (2 * (y - r.y) as i128 - r.height as i128) + 2;
        dx * dx * hq * hq + dy * dy * wq * wq < wq * wq * hq * hq
    };
    all_pixels().filter(|&p| inside(p)).collect()
}

// ---- Blending ----

/// m(a, b) = a·b/255 rounded.
pub fn m(a: u32, b: u32) -> u32 {
    (a * b + 127) / 255
}

/// The premultiplied channels of `0xAARRGGBB`.
pub fn premul(color: u32) -> [u32; 4] {
    let [a, r, g, b] = color.to_be_bytes().map(u32::from);
    [m(r, a), m(g, a), m(b, a), a]
}

/// Formula A: `op` of source `s` onto destination `d` at coverage `k`.
pub fn blend_a(op: Op, s: [u32; 4], d: [u32; 4], k: u32) -> [u32; 4] {
    let (sa, da) = (s[3], d[3]);
    let o: [u32; 4] = std::array::from_fn(|i| {
        let (s, d) = (s[i], d[i]);
        let v = match op {
            Over => s + m(d, 255 - sa),
            Source => s,
            Clear => 0,
            Xor => m(s, 255 - da) + m(d, 255 - sa),
            Add => s + d,
            Multiply => m(s, d) + m(s, 255 - da) + m(d, 255 - sa),
            Screen => s + d - m(s, d),
        };
        (m(v.min(255), k) + m(d, 255 - k)).min(255)
    });
    [o[0].min(o[3]), o[1].min(o[3]), o[2].min(o[3]), o[3]]
}

/// Formula B (rectangles and wide lines): D(v) = (v + 255) >> 8 on the whole sum.
pub fn blend_b(op: Op, s: [u32; 4], d: [u32; 4]) -> [u32; 4] {
    let dd = |v: u32| (v + 255) >> 8;
    let (sa, da) = (s[3], d[3]);
    std::array::from_fn(|i| {
        let (s, d) = (s[i], d[i]);
        match op {
            Over => s + dd(d * (255 - sa)),
            Xor => dd(s * (255 - da) + d * (255 - sa)),
            Add => (s + d).min(255),
            Multiply => dd(s * (255 - da) + d * (255 - sa) + s * d),
            Screen => s + d - dd(s * d),
            Source | Clear => blend_a(op, [s; 4], [d; 4], 255)[0],
        }
    })
}

/// What GetImage `Rgba` returns for premultiplied channels `p`.
pub fn straight(p: [u32; 4]) -> [u8; 4] {
    let a = p[3];
    let un = |c: u32| match a {
        0 => 0,
        255 => c,
        _ => ((c * 255 + a / 2) / a).min(255),
    };
    [un(p[0]) as u8, un(p[1]) as u8, un(p[2]) as u8, a as u8]
}

// ---- Ideal shapes of the ±1 px cases ----

/// Points of `f(t)` for t = 0, 1/n, …, 1.
pub fn curve(n: usize, f: impl Fn(f64) -> (f64, f64)) -> Vec<(f64, f64)> {
    (0..=n).map(|i| f(i as f64 / n as f64)).collect()
}

/// The outline of the stroke of width 2·r along a–b, with Butt or Round caps.
pub fn stroke(a: (f64, f64), b: (f64, f64), r: f64, round: bool) -> Vec<(f64, f64)> {
    let turn = (b.1 - a.1).atan2(b.0 - a.0);
    let end = |(x, y): (f64, f64), from: f64| {
        let at = move |t: f64| from + t * TAU / 2.0;
        curve(if round { 50 } else { 1 }, move |t| {
            (x + r * at(t).cos(), y + r * at(t).sin())
        })
    };
    [end(b, turn - TAU / 4.0), end(a, turn + TAU / 4.0)].concat()
}

/// Distance from (x, y) to the polyline `pts`; for an `area`, to the closed polygon, signed
/// (negative inside, by even-odd).
pub fn dist(pts: &[(f64, f64)], area: bool, x: f64, y: f64) -> f64 {
    let (mut d, mut inside) = (f64::MAX, false);
    for (i, &(ax, ay)) in pts.iter().enumerate().take(pts.len() - !area as usize) {
        let (bx, by) = pts[(i + 1) % pts.len()];
        let (dx, dy) = (bx - ax, by - ay);
        let t = (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        d = d.min((x - ax - t * dx).hypot(y - ay - t * dy));
        inside ^= (ay > y) != (by > y) && x < ax + (y - ay) * dx / dy;
    }
    match inside && area {
        true => -d,
        false => d,
    }
}
