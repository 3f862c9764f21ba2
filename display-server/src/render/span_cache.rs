//! Span lists of whole aliased ellipses, computed once per size and reused: PolyArc and
//! PolyFillArc draw the same circle many times, and working out its rows (exact integer
//! tests per pixel, see `ellipse.rs`) costs far more than storing its pixels.
//!
//! A [`Shape`] is the list of spans `ellipse.rs` produces for a box at the origin (the
//! geometry is translation invariant: every test is on integer offsets from the box), so
//! drawing from the cache gives exactly the pixels, in the same order, as drawing row by
//! row. This file owns the per-thread cache, bounded in entries and in box size, and
//! [`EllipseDrawer`], which keeps the last shape at hand for a request's run of arcs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::ellipse;
use super::geom::ArcSpec;
use super::raster::{fill_words, SpanSink, Target};

/// Largest box side whose spans are cached; larger ellipses are drawn row by row (their
/// pixels dominate the cost anyway, and most of their rows may be clipped away).
pub(crate) const MAX_CACHED_SIDE: u32 = 1024;
/// The cache is emptied when it holds this many shapes.
const MAX_ENTRIES: usize = 256;

/// Which rendering of an ellipse a shape holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// The thin outline (PolyArc, line width 0 or 1).
    Outline,
    /// The fill (PolyFillArc).
    Fill,
}

/// Pixels `l..r` of row `dy`, relative to the box's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    dy: i32,
    l: i32,
    r: i32,
}

/// The spans of one ellipse at the origin, in drawing order, and their bounding box.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    spans: Vec<Span>,
    /// `l, t, r, b` of all spans (exclusive right and bottom); meaningless when empty.
    bounds: (i64, i64, i64, i64),
}

impl SpanSink for Shape {
    fn rows(&self) -> (i64, i64) {
        (i64::MIN / 4, i64::MAX / 4)
    }

    fn span(&mut self, y: i64, xa: i64, xb: i64) {
        if xa >= xb {
            return;
        }
        // Boxes are at most `MAX_CACHED_SIDE` wide and the origin is 0: all fit in `i32`.
        self.spans.push(Span {
            dy: y as i32,
            l: xa as i32,
            r: xb as i32,
        });
        let b = &mut self.bounds;
        *b = (b.0.min(xa), b.1.min(y), b.2.max(xb), b.3.max(y + 1));
    }
}

impl Shape {
    /// Records the spans of an ellipse of `width × height` in `kind`.
    fn record(kind: Kind, width: u32, height: u32) -> Shape {
        let a = ArcSpec {
            x: 0,
            y: 0,
            width,
            height,
            angle1: 0,
            angle2: 360 * 64,
        };
        let mut s = Shape {
            spans: Vec::new(),
            bounds: (i64::MAX, i64::MAX, i64::MIN, i64::MIN),
        };
        match kind {
            Kind::Outline => ellipse::outline_ellipse(&mut s, &a),
            Kind::Fill => ellipse::fill_ellipse(&mut s, &a),
        }
        s.spans.shrink_to_fit();
        s
    }

    /// The shape's bounds at `(x, y)`, `None` when it draws nothing; else whether they lie
    /// wholly inside `t`'s drawable area, or `None` when they lie wholly outside.
    fn placement(&self, t: &Target, x: i64, y: i64) -> Option<bool> {
        if self.spans.is_empty() {
            return None;
        }
        let (l, top, r, b) = self.bounds;
        let (l, top, r, b) = (x + l, y + top, x + r, y + b);
        let ((cx0, cx1), (ry0, ry1)) = (t.cols(), t.rows());
        if r <= cx0 || l >= cx1 || b <= ry0 || top >= ry1 {
            return None;
        }
        Some(l >= cx0 && r <= cx1 && top >= ry0 && b <= ry1)
    }

    /// Draws the shape span by span (clipped, blended) with its box's corner at `(x, y)`.
    fn draw_spans(&self, t: &mut Target, x: i64, y: i64) {
        for s in &self.spans {
            t.span(y + s.dy as i64, x + s.l as i64, x + s.r as i64);
        }
    }

    /// The shape's stores for rows `stride` words apart.
    fn plan(&self, stride: usize) -> Plan {
        let at = |s: &Span| s.dy as usize * stride + s.l as usize;
        let pixels: usize = self.spans.iter().map(|s| (s.r - s.l) as usize).sum();
        if pixels < 4 * self.spans.len() {
            // Short spans (outlines): one store per pixel beats a fill per span.
            Plan::Pixels(
                self.spans
                    .iter()
                    .flat_map(|s| (0..(s.r - s.l) as usize).map(move |i| at(s) + i))
                    .collect(),
            )
        } else {
            Plan::Runs(
                self.spans
                    .iter()
                    .map(|s| (at(s), (s.r - s.l) as usize))
                    .collect(),
            )
        }
    }
}

/// A shape's stores for one row stride, relative to the word of its box's top-left corner.
enum Plan {
    /// Single words.
    Pixels(Vec<usize>),
    /// Runs of words: start and length.
    Runs(Vec<(usize, usize)>),
}

impl Plan {
    /// Stores `w` at every word of the plan, counted from `base`.
    fn store(&self, px: &mut [u32], base: usize, w: u32) {
        match self {
            Plan::Pixels(offs) => {
                for &o in offs {
                    if let Some(p) = px.get_mut(base + o) {
                        *p = w;
                    }
                }
            }
            Plan::Runs(runs) => {
                for &(o, n) in runs {
                    if let Some(out) = px.get_mut(base + o..base + o + n) {
                        fill_words(out, w);
                    }
                }
            }
        }
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<(Kind, u32, u32), Rc<Shape>>> = RefCell::new(HashMap::new());
}

/// The cached shape of a `width × height` ellipse in `kind`, recorded on first use.
fn lookup(kind: Kind, width: u32, height: u32) -> Rc<Shape> {
    CACHE.with(|c| {
        let mut map = c.borrow_mut();
        if let Some(s) = map.get(&(kind, width, height)) {
            return Rc::clone(s);
        }
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        let s = Rc::new(Shape::record(kind, width, height));
        map.insert((kind, width, height), Rc::clone(&s));
        s
    })
}

/// The shape of the last size drawn, and its plan for the target's stride.
struct Last {
    width: u32,
    height: u32,
    shape: Rc<Shape>,
    /// Built on first need.
    plan: Option<Plan>,
}

/// Draws whole ellipses of one kind, keeping the shape of the last size drawn.
pub(crate) struct EllipseDrawer {
    kind: Kind,
    last: Option<Last>,
}

impl EllipseDrawer {
    /// A drawer of outlines or fills.
    pub(crate) fn new(kind: Kind) -> Self {
        EllipseDrawer { kind, last: None }
    }

    /// Draws the whole ellipse of `a` (which `ellipse::applies`) into `t`. One drawer
    /// serves one target (the plans it keeps are for that target's stride).
    pub(crate) fn draw(&mut self, t: &mut Target, a: &ArcSpec) {
        let (w, h) = (a.width, a.height);
        if w > MAX_CACHED_SIDE || h > MAX_CACHED_SIDE {
            match self.kind {
                Kind::Outline => ellipse::outline_ellipse(t, a),
                Kind::Fill => ellipse::fill_ellipse(t, a),
            }
            return;
        }
        let last = match &mut self.last {
            Some(l) if (l.width, l.height) == (w, h) => l,
            slot => slot.insert(Last {
                width: w,
                height: h,
                shape: lookup(self.kind, w, h),
                plan: None,
            }),
        };
        let (x, y) = (a.x as i64, a.y as i64);
        let Some(inside) = last.shape.placement(t, x, y) else {
            return;
        };
        match (inside, t.plain_word()) {
            (true, Some(word)) => {
                // Wholly visible, no clip, no blending: straight stores, all inside the
                // drawable (which lies inside the pixmap).
                let (l, top, r, b) = last.shape.bounds;
                t.add_damage(x + l, y + top, x + r, y + b);
                let stride = t.stride();
                let plan = last.plan.get_or_insert_with(|| last.shape.plan(stride));
                let base = y as usize * stride + x as usize;
                plan.store(t.words_mut(), base, word);
            }
            _ => last.shape.draw_spans(t, x, y),
        }
    }
}
