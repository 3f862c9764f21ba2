//! Clipping: [`Clip`], a clip region built once from a rectangle list (e.g. an X GC clip
//! translated to pixmap coordinates), and `Region`, the per-call resolution of an optional
//! clip against the pixmap actually drawn on.
//!
//! A clip keeps both a byte mask (for tiny-skia path rendering) and an equivalent list of
//! disjoint, y-banded rectangles (for exact and fast rectangle-based operations).

use std::borrow::Cow;

use tiny_skia::{Mask, Pixmap};

use super::{pixmap_rect, IRect};

/// A clip built from a list of rectangles (already translated to pixmap coordinates).
///
/// Build it once per (GC clip, pixmap size) and reuse it: construction allocates a
/// `width × height` byte mask, drawing with it does not allocate.
#[derive(Clone, Debug)]
pub struct Clip {
    width: u32,
    height: u32,
    /// Disjoint rectangles sorted by band (y), then x; clamped to the pixmap.
    rects: Vec<IRect>,
    bounds: Option<IRect>,
    /// `None` when the clip is empty or covers the whole pixmap.
    mask: Option<Mask>,
}

impl Clip {
    /// Builds a clip for a `pixmap_width × pixmap_height` pixmap from possibly overlapping
    /// rectangles. Parts outside the pixmap are dropped; an empty list clips everything away.
    pub fn from_rects(rects: &[IRect], pixmap_width: u32, pixmap_height: u32) -> Clip {
        let area = IRect::new(0, 0, pixmap_width, pixmap_height);
        let mut clamped = rects.iter().filter_map(|r| r.intersect(&area));
        let mut clip = Clip {
            width: pixmap_width,
            height: pixmap_height,
            rects: Vec::new(),
            bounds: None,
            mask: None,
        };
        let Some(first) = clamped.next() else {
            return clip;
        };
        let mut mask = match Mask::new(pixmap_width, pixmap_height) {
            Some(m) => m,
            None => return clip,
        };
        let rects: Vec<IRect> = std::iter::once(first).chain(clamped).collect();
        let bounds = rects.iter().skip(1).fold(first, |b, r| b.union(r));
        // Bands first, then the mask from them: every pixel is written at most once,
        // however many rectangles overlap (4096 screen-sized ones would otherwise fill
        // the mask 4096 times over).
        clip.rects = bands_from_rects(&rects);
        let stride = pixmap_width as usize;
        let data = mask.data_mut();
        for r in &clip.rects {
            for y in r.y as usize..r.bottom() as usize {
                let start = y * stride + r.x as usize;
                if let Some(row) = data.get_mut(start..start + r.width as usize) {
                    row.fill(255);
                }
            }
        }
        clip.bounds = Some(bounds);
        let full = clip.rects.len() == 1 && clip.rects[0] == area;
        if !full {
            clip.mask = Some(mask);
        }
        clip
    }

    /// The heap memory it holds: its rectangles and its mask.
    pub fn heap_bytes(&self) -> u64 {
        (self.rects.capacity() * std::mem::size_of::<IRect>()) as u64
            + self.mask.as_ref().map_or(0, |m| m.data().len() as u64)
    }

    /// True when pixel `(x, y)` may be drawn.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        let Some(b) = self.bounds else { return false };
        if !b.contains(x, y) {
            return false;
        }
        match &self.mask {
            None => true,
            Some(m) => {
                let i = y as usize * self.width as usize + x as usize;
                m.data().get(i).is_some_and(|&v| v != 0)
            }
        }
    }

    /// Bounding box of the drawable area, `None` if nothing can be drawn.
    pub fn bounds(&self) -> Option<IRect> {
        self.bounds
    }

    /// The clip as disjoint rectangles, sorted top to bottom, then left to right.
    pub fn rects(&self) -> &[IRect] {
        &self.rects
    }

    /// The pixmap size this clip was built for.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// True when the clip lets nothing through.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_none()
    }

    /// True when the clip covers its whole pixmap (it then clips nothing).
    pub fn covers_all(&self) -> bool {
        self.bounds.is_some() && self.mask.is_none()
    }

    /// The mask for tiny-skia (`None` if empty or full).
    pub(crate) fn mask(&self) -> Option<&Mask> {
        self.mask.as_ref()
    }
}

/// The union of `rects` (non-empty, inside the pixmap) as disjoint rectangles in bands:
/// each stretch of rows between two rectangle edges becomes the runs of pixels its rows
/// have (touching or overlapping rectangles make one run), and a stretch with the same
/// runs as the one above it extends that band. The same rectangles a scan of the union's
/// pixels, row by row, would give, in O(edges × rectangles) instead of O(pixels).
fn bands_from_rects(rects: &[IRect]) -> Vec<IRect> {
    let mut edges: Vec<i32> = rects
        .iter()
        .flat_map(|r| [r.y, r.bottom() as i32])
        .collect();
    edges.sort_unstable();
    edges.dedup();
    let mut out: Vec<IRect> = Vec::new();
    let mut band_start = 0usize; // index in `out` of the current band's first rect
    let mut prev_runs: Vec<(i32, i32)> = Vec::new();
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for w in edges.windows(2) {
        let (y0, y1) = (w[0], w[1]);
        runs.clear();
        runs.extend(
            rects
                .iter()
                .filter(|r| r.y <= y0 && (r.bottom() as i32) >= y1)
                .map(|r| (r.x, r.right() as i32)),
        );
        runs.sort_unstable();
        let mut merged = 0;
        for i in 0..runs.len() {
            if merged > 0 && runs[i].0 <= runs[merged - 1].1 {
                runs[merged - 1].1 = runs[merged - 1].1.max(runs[i].1);
            } else {
                runs[merged] = runs[i];
                merged += 1;
            }
        }
        runs.truncate(merged);
        let height = (y1 - y0) as u32;
        if !runs.is_empty() && runs == prev_runs && out.len() > band_start {
            for r in &mut out[band_start..] {
                r.height += height;
            }
        } else {
            band_start = out.len();
            out.extend(
                runs.iter()
                    .map(|&(s, e)| IRect::new(s, y0, (e - s) as u32, height)),
            );
        }
        std::mem::swap(&mut prev_runs, &mut runs);
    }
    out
}

/// An optional clip resolved against a particular pixmap.
pub(crate) enum Region<'c> {
    /// Everything inside the pixmap may be drawn.
    All,
    /// Nothing may be drawn.
    Nothing,
    /// Drawing is restricted to the clip.
    Clipped(Cow<'c, Clip>),
}

impl<'c> Region<'c> {
    /// Resolves `clip` for `pm`; a clip built for another size is rebuilt (slow path).
    pub(crate) fn resolve(clip: Option<&'c Clip>, pm: &Pixmap) -> Region<'c> {
        let Some(c) = clip else { return Region::All };
        let c = if c.size() == (pm.width(), pm.height()) {
            Cow::Borrowed(c)
        } else {
            Cow::Owned(Clip::from_rects(c.rects(), pm.width(), pm.height()))
        };
        if c.is_empty() {
            Region::Nothing
        } else if c.covers_all() {
            Region::All
        } else {
            Region::Clipped(c)
        }
    }

    /// The mask to hand to tiny-skia.
    pub(crate) fn mask(&self) -> Option<&Mask> {
        match self {
            Region::Clipped(c) => c.mask(),
            _ => None,
        }
    }

    /// The area of `pm` that may be drawn, `None` if nothing.
    pub(crate) fn limit(&self, pm: &Pixmap) -> Option<IRect> {
        match self {
            Region::All => Some(pixmap_rect(pm)),
            Region::Nothing => None,
            Region::Clipped(c) => c.bounds(),
        }
    }

    /// True when pixel `(x, y)` (already known to be inside the pixmap) may be drawn.
    pub(crate) fn allows(&self, x: i32, y: i32) -> bool {
        match self {
            Region::All => true,
            Region::Nothing => false,
            Region::Clipped(c) => c.contains(x, y),
        }
    }

    /// Calls `f` for each disjoint piece of `r ∩ pm ∩ region`; returns the damage.
    pub(crate) fn for_pieces(
        &self,
        pm_area: IRect,
        r: IRect,
        mut f: impl FnMut(IRect),
    ) -> Option<IRect> {
        let r = r.intersect(&pm_area)?;
        match self {
            Region::All => {
                f(r);
                Some(r)
            }
            Region::Nothing => None,
            Region::Clipped(c) => {
                let r = r.intersect(&c.bounds()?)?;
                let mut damage: Option<IRect> = None;
                for cr in c.rects() {
                    if cr.y as i64 >= r.bottom() {
                        break;
                    }
                    if let Some(p) = cr.intersect(&r) {
                        f(p);
                        damage = Some(damage.map_or(p, |d| d.union(&p)));
                    }
                }
                damage
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The union's rows scanned pixel by pixel, merging identical rows: the reference
    /// `bands_from_rects` must equal.
    fn scanned(rects: &[IRect], w: i32, h: i32) -> Vec<IRect> {
        let on = |x: i32, y: i32| rects.iter().any(|r| r.contains(x, y));
        let mut out: Vec<IRect> = Vec::new();
        let (mut band_start, mut prev): (usize, Vec<(i32, i32)>) = (0, Vec::new());
        for y in 0..h {
            let mut runs = Vec::new();
            let mut x = 0;
            while x < w {
                if on(x, y) {
                    let s = x;
                    while x < w && on(x, y) {
                        x += 1;
                    }
                    runs.push((s, x));
                } else {
                    x += 1;
                }
            }
            if !runs.is_empty() && runs == prev && out.len() > band_start {
                out[band_start..].iter_mut().for_each(|r| r.height += 1);
            } else {
                band_start = out.len();
                out.extend(
                    runs.iter()
                        .map(|&(s, e)| IRect::new(s, y, (e - s) as u32, 1)),
                );
            }
            prev = runs;
        }
        out
    }

    #[test]
    fn bands_are_the_union_scanned_row_by_row() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as u32
        };
        for round in 0..300 {
            let n = 1 + next(8);
            let rects: Vec<IRect> = (0..n)
                .map(|_| {
                    let (x, y) = (next(24) as i32, next(24) as i32);
                    IRect::new(x, y, 1 + next(12), 1 + next(12))
                })
                .collect();
            assert_eq!(
                bands_from_rects(&rects),
                scanned(&rects, 40, 40),
                "round {round}: {rects:?}"
            );
        }
    }

    #[test]
    fn many_screen_sized_rectangles_make_one() {
        let rects = vec![IRect::new(0, 0, 4096, 2048); 4096];
        let clip = Clip::from_rects(&rects, 4096, 2048);
        assert_eq!(clip.rects, vec![IRect::new(0, 0, 4096, 2048)]);
        assert!(clip.contains(4095, 2047));
    }
}
