//! Blending of one opaque colour into pixels by 8-bit coverage (anti-aliased glyphs),
//! with memo tables kept while the colour stays: the colour's share `c·k/255` per coverage `k`, and a
//! small direct-mapped cache of whole results by (destination, coverage) — text sits
//! on few distinct pixel values (a plain background, or the same text drawn again), so
//! most partial pixels repeat a combination already computed.
//!
//! Results are exactly those of the general operator for an opaque `Over` (each channel
//! `c·k/255 + d·(255−k)/255`, each product rounded as `mul255` rounds).
//!
//! One blender lives on each drawing thread ([`with_blend`]) and keeps its memo from one
//! text request to the next while the colour stays: making a new one for each request
//! cleared 10 KiB, 64 instructions a character of an 80-character line.

use std::cell::RefCell;

/// `x·k/255` rounded, on channels 0 and 2 of `x` (bytes in 16-bit lanes).
#[inline]
fn lanes(x: u32, k: u32) -> u32 {
    const LANES: u32 = 0x00FF_00FF;
    let t = (x & LANES) * k + 0x0080_0080;
    ((t + ((t >> 8) & LANES)) >> 8) & LANES
}

/// `x·k/255` rounded, channel by channel.
#[inline]
fn scale(x: u32, k: u32) -> u32 {
    lanes(x, k) | (lanes(x >> 8, k) << 8)
}

/// `c` over `d` at coverage `k` for an opaque `c`, without tables (the reference).
#[cfg(test)]
pub(crate) fn mix(c: u32, d: u32, k: u32) -> u32 {
    // No channel sum exceeds 255, so adding the scaled words never carries across.
    scale(c, k) + scale(d, 255 - k)
}

/// Entries of the result cache (a power of two).
const SLOTS: usize = 1024;

/// Blends one opaque colour word by coverage, remembering what it has computed.
pub(crate) struct GlyphBlend {
    color: u32,
    /// `scale(color, k)`, 0 while unknown (never 0 once known: the alpha byte is `k`).
    share: [u32; 256],
    /// Results by slot: the destination, the coverage (0: empty slot) and the result.
    dest: [u32; SLOTS],
    cov: [u8; SLOTS],
    out: [u32; SLOTS],
}

impl GlyphBlend {
    /// A blender of `color`, which must be an opaque premultiplied word.
    pub(crate) fn new(color: u32) -> Self {
        GlyphBlend {
            color,
            share: [0; 256],
            dest: [0; SLOTS],
            cov: [0; SLOTS],
            out: [0; SLOTS],
        }
    }

    /// Makes this the blender of `color`: its memo stays when the colour is the one it
    /// has (a colour's results never change), and is forgotten otherwise (the shares and
    /// the slots' coverage, 2 KiB; results behind an empty slot are never read).
    pub(crate) fn set_color(&mut self, color: u32) {
        if color != self.color {
            self.color = color;
            self.share = [0; 256];
            self.cov = [0; SLOTS];
        }
    }

    /// The colour word over destination `d` at coverage `k` (1..=254).
    #[inline]
    pub(crate) fn mix(&mut self, d: u32, k: u8) -> u32 {
        // Coverage 0 marks an empty slot, whose destination and result may be another
        // colour's (`set_color` clears only the coverage); 0 and 255 never get here.
        debug_assert!((1..=254).contains(&k), "coverage {k}");
        let slot = ((d ^ (k as u32).wrapping_mul(0x0101_0101)).wrapping_mul(0x9E37_79B1) >> 22)
            as usize
            % SLOTS;
        if self.cov[slot] == k && self.dest[slot] == d {
            return self.out[slot];
        }
        let i = k as usize;
        let mut share = self.share[i];
        if share == 0 {
            share = scale(self.color, k as u32);
            self.share[i] = share;
        }
        let v = share + scale(d, 255 - k as u32);
        (self.dest[slot], self.cov[slot], self.out[slot]) = (d, k, v);
        v
    }
}

thread_local! {
    /// This thread's blender. Thread-local, not in `State`: text is drawn by free
    /// functions on pixmaps, on the state thread (the bands of `bands` never draw text),
    /// so in practice there is one; a thread-local needs no lock and no owner to thread it
    /// through. Boxed: 10 KiB off the thread's stack.
    static BLEND: RefCell<Box<GlyphBlend>> = RefCell::new(Box::new(GlyphBlend::new(0)));
}

/// Runs `f` with this thread's blender, set to `color` (an opaque premultiplied word).
pub(crate) fn with_blend<R>(color: u32, f: impl FnOnce(&mut GlyphBlend) -> R) -> R {
    BLEND.with_borrow_mut(|b| {
        b.set_color(color);
        f(b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::compose::blend_pixel;
    use crate::render::raster::word;
    use crate::render::Op;
    use tiny_skia::PremultipliedColorU8;

    #[test]
    fn memo_blending_matches_the_general_operator() {
        let mut seed = 5u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            seed >> 8
        };
        let mut blend = GlyphBlend::new(0);
        for _ in 0..50 {
            let [r, g, b] = [next() as u8, next() as u8, next() as u8];
            let c = PremultipliedColorU8::from_rgba(r, g, b, 255).unwrap();
            // One blender for every colour, as `with_blend` keeps it: what it remembers
            // for one colour must not leak into the next.
            blend.set_color(word(c));
            for _ in 0..400 {
                // Premultiplied destinations, a few of them repeated (the memo's case).
                let a = if next() % 3 == 0 { 255 } else { next() as u8 };
                let ch = |v: u32| (v % (a as u32 + 1)) as u8;
                let (dr, dg, db) = if next() % 2 == 0 {
                    (ch(7), ch(200), ch(90))
                } else {
                    (ch(next()), ch(next()), ch(next()))
                };
                let d = PremultipliedColorU8::from_rgba(dr, dg, db, a).unwrap();
                let k = 1 + (next() % 254) as u8;
                let want = word(blend_pixel(Op::Over, c, d, k));
                assert_eq!(blend.mix(word(d), k), want, "{c:?} {d:?} {k}");
                assert_eq!(mix(word(c), word(d), k as u32), want);
            }
        }
    }
}
