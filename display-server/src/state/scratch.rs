//! Reusable buffers for the drawing handlers: a poly request's items converted into the
//! rasterizer's types. Owned by the state thread like the rest of [`super::State`].
//!
//! Why: converting into a fresh `Vec` cost every small drawing request an allocation and
//! a free (a one-triangle FillPoly, a one-rectangle PolyFillRectangle), a noticeable
//! share of what such a request costs apart from its pixels. A handler takes a buffer
//! with [`take`], fills it, draws, and gives it back with [`give_back`].

use crate::render::{ArcSpec, IRect};

/// Largest buffer kept between requests, in items: one huge request does not pin its
/// memory for the rest of the server's life.
const KEPT_ITEMS: usize = 4096;

/// The buffers, empty between requests.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Points of PolyPoint, PolyLine and FillPoly.
    pub points: Vec<(i32, i32)>,
    /// Segments of PolySegment.
    pub segments: Vec<(i32, i32, i32, i32)>,
    /// Rectangles of PolyRectangle and PolyFillRectangle.
    pub rects: Vec<IRect>,
    /// Arcs of PolyArc and PolyFillArc.
    pub arcs: Vec<ArcSpec>,
}

/// Takes the buffer out of `slot`, empty, leaving an unallocated one in its place.
pub fn take<T>(slot: &mut Vec<T>) -> Vec<T> {
    let mut v = std::mem::take(slot);
    v.clear();
    v
}

/// Puts a buffer taken with [`take`] back, emptied, unless it grew too large to keep.
pub fn give_back<T>(slot: &mut Vec<T>, mut v: Vec<T>) {
    if v.capacity() <= KEPT_ITEMS {
        v.clear();
        *slot = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back_empty_and_large_ones_are_dropped() {
        let mut slot: Vec<(i32, i32)> = Vec::new();
        let mut v = take(&mut slot);
        v.extend([(1, 2), (3, 4)]);
        give_back(&mut slot, v);
        assert!(slot.is_empty() && slot.capacity() >= 2);
        let mut v = take(&mut slot);
        assert!(v.is_empty());
        v.resize(KEPT_ITEMS + 1, (0, 0));
        give_back(&mut slot, v);
        assert_eq!(slot.capacity(), 0);
    }
}
