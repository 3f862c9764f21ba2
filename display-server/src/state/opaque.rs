//! Which drawables are known to hold only opaque pixels ([`Opaque`]), so that an `Over`
//! copy from one moves its rows without testing each for translucent pixels (that test
//! was 10 of the 26 thousand instructions of a 100×100 window-to-window copy).
//!
//! Why the knowledge holds: `Over` onto an opaque pixel leaves it opaque, whatever is
//! drawn and with whatever coverage (result alpha `a + 255·(255 − a)/255 = 255`, exact
//! in the rasterizer's arithmetic and in tiny-skia's), so only a drawing with another
//! operator, a ClearArea with a translucent background, a ShmPutImage whose alpha is
//! tested rather than set (the client may change its memory while the server reads it:
//! `render::put_raw_sets_alpha`), or new pixels (a new or resized
//! surface) can end it. Those are the places that call [`Opaque::forget`]; a drawable is
//! marked only where its every pixel was just made opaque: a window created or resized
//! with an opaque background (keeping a marked window's old pixels), and a rectangle
//! fill covering the whole drawable with an opaque colour. Debug builds check each row a
//! copy takes for opaque (`render::compose`), and `State::check_invariants` (after a
//! failed request and after every fuzzing op) every pixel of every drawable in the set,
//! so a write that should have forgotten and did not fails the tests.

use super::id_hash::IdHashBuilder;
use crate::render::Op;
use std::collections::HashSet;
use yonder_protocol::Drawable;

/// The drawables whose pixels are all opaque, as far as the server knows (a drawable
/// not in it may still be).
#[derive(Debug, Default)]
pub struct Opaque(HashSet<Drawable, IdHashBuilder>);

impl Opaque {
    /// Whether every pixel of `d` is known to be opaque.
    #[inline]
    pub fn contains(&self, d: Drawable) -> bool {
        self.0.contains(&d)
    }

    /// Every pixel of `d` was just made opaque.
    pub fn mark(&mut self, d: Drawable) {
        self.0.insert(d);
    }

    /// `d`'s pixels were replaced or may have become translucent.
    pub fn forget(&mut self, d: Drawable) {
        self.0.remove(&d);
    }

    /// `Err` naming the first drawable in the set that `opaque` says is gone (`None`) or
    /// not wholly opaque.
    pub fn check(&self, opaque: impl Fn(Drawable) -> Option<bool>) -> Result<(), String> {
        for &d in &self.0 {
            match opaque(d) {
                Some(true) => {}
                Some(false) => return Err(format!("{d} is believed opaque and is not")),
                None => return Err(format!("{d} is believed opaque and has no pixels")),
            }
        }
        Ok(())
    }

    /// Before a drawing into `d` with `op` (so that one failing half-way leaves nothing
    /// believed): only `Over` is taken to keep opaque pixels opaque (`Add`, `Multiply`
    /// and `Screen` would too, by the same arithmetic, but are rare enough not to be worth
    /// proving in every route).
    #[inline]
    pub fn drawn(&mut self, d: Drawable, op: Op) {
        if op != Op::Over {
            self.forget(d);
        }
    }
}
