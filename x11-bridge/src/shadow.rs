//! What a Yonder window shows, as the bridge last put it there: a copy of its pixels, by
//! which a fresh copy of the X window's damaged area is reduced to what really changed
//! before it travels. Two savings, both large for terminals and lists:
//!
//! * **Unchanged rows** are not sent, and a changed run of rows only from its first to its
//!   last changed column (X damage is coarse: xterm damages a whole line for a caret).
//! * **Vertical scrolls** are found (rows that are the old rows shifted by one distance)
//!   and done on the display with one CopyArea of the window onto itself; only the rows
//!   scrolled in travel. Xpra does the same for its scroll encoding.
//!
//! Rows are known or not: a row is known once an update covered its whole width. Unknown
//! rows count as changed, and a scroll only moves known rows, so a window only partly on
//! the X screen, or one the display lost (Expose), is simply sent as it is.

use yonder_protocol::{Point, Rect, Size};

/// The largest window with a copy: 4K, 33 MB (a larger one is sent without one).
const MAX_PIXELS: u64 = 3840 * 2160;

/// The most bytes all copies together hold: a program mapping hundreds of large windows
/// gets its later ones sent without a copy, not the bridge out of memory.
const BUDGET: usize = 256 << 20;

/// The bytes the copies hold now (the bridge has one thread; atomic for `static`'s sake).
static HELD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Rows changed before a scroll is looked for, and rows a scroll must move at least.
const MIN_SCROLL_ROWS: u32 = 4;

/// Separate runs of changed rows closer than this are sent as one.
const MERGE_GAP: u32 = 3;

/// More runs than this in one update are sent as their bounding rectangle.
const MAX_PUTS: usize = 16;

/// The bytes of one pixel (Bgrx).
const PX: usize = 4;

/// A window's pixels as last put on the display.
#[derive(Default)]
pub struct Shadow {
    size: Size,
    /// Bgrx rows of `size.width` pixels (empty: the window is too large for a copy).
    pixels: Vec<u8>,
    /// Per row: whether `pixels` holds what the display shows.
    known: Vec<bool>,
}

/// How to bring an area of the window up to date: first the scroll (copy `.0` of the
/// window to `.1`), then each rectangle put from the fresh pixels.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    pub scroll: Option<(Rect, Point)>,
    pub puts: Vec<Rect>,
}

impl Shadow {
    /// Forgets everything: the next updates are sent whole (after a resize, or when the
    /// display lost the window's pixels).
    pub fn forget(&mut self) {
        self.known.iter_mut().for_each(|k| *k = false);
    }

    /// Takes `image` (Bgrx rows of `r`, window coordinates) as the window's new pixels
    /// there, for a window of `size`, and says what must travel.
    pub fn update(&mut self, size: Size, r: Rect, image: &[u8]) -> Plan {
        let whole = Plan {
            scroll: None,
            puts: vec![r],
        };
        let inside = r.x >= 0
            && r.y >= 0
            && r.x as u64 + r.width as u64 <= size.width as u64
            && r.y as u64 + r.height as u64 <= size.height as u64;
        if !inside || image.len() != r.width as usize * r.height as usize * PX || r.width == 0 {
            return whole;
        }
        if self.size != size {
            self.release();
            self.size = size;
            self.known = vec![false; size.height as usize];
            let need = size.width as usize * size.height as usize * PX;
            let held = HELD.load(std::sync::atomic::Ordering::Relaxed);
            if size.width as u64 * size.height as u64 <= MAX_PIXELS && held + need <= BUDGET {
                self.pixels = vec![0; need];
                HELD.fetch_add(need, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if self.pixels.is_empty() {
            return whole;
        }
        let mut plan = Plan::default();
        let mut changed = self.changed_rows(r, image, 0);
        if changed.iter().filter(|c| **c).count() as u32 >= MIN_SCROLL_ROWS {
            plan.scroll = self
                .scroll_distance(r, image, &changed)
                .and_then(|dy| self.scroll(r, image, dy));
            if plan.scroll.is_some() {
                // The copy's rows moved: compared again.
                changed = self.changed_rows(r, image, 0);
            }
        }
        plan.puts = self.runs(r, image, &changed);
        // What the display will show.
        let full_width = r.x == 0 && r.width == size.width;
        for y in 0..r.height as usize {
            let dst = self.offset(r.x as usize, r.y as usize + y);
            let src = y * r.width as usize * PX;
            let n = r.width as usize * PX;
            self.pixels[dst..dst + n].copy_from_slice(&image[src..src + n]);
            if full_width {
                self.known[r.y as usize + y] = true;
            }
        }
        plan
    }

    /// Gives the copy's bytes back to the budget.
    fn release(&mut self) {
        let n = std::mem::take(&mut self.pixels).len();
        HELD.fetch_sub(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Byte offset of pixel (x, y).
    fn offset(&self, x: usize, y: usize) -> usize {
        (y * self.size.width as usize + x) * PX
    }

    /// Row `y` of the copy (window coordinates), the columns of `r`.
    fn old_row(&self, r: Rect, y: usize) -> &[u8] {
        let at = self.offset(r.x as usize, y);
        &self.pixels[at..at + r.width as usize * PX]
    }

    /// Row `y` of `image` (0 = r's top).
    fn new_row(r: Rect, image: &[u8], y: usize) -> &[u8] {
        let n = r.width as usize * PX;
        &image[y * n..(y + 1) * n]
    }

    /// Per row of `r`: whether the fresh row differs from the copy's row `dy` below it
    /// (or the copy's row is unknown or outside).
    fn changed_rows(&self, r: Rect, image: &[u8], dy: i64) -> Vec<bool> {
        (0..r.height as usize)
            .map(|y| {
                let old = r.y as i64 + y as i64 + dy;
                if old < 0 || old >= self.size.height as i64 || !self.known[old as usize] {
                    return true;
                }
                Shadow::new_row(r, image, y) != self.old_row(r, old as usize)
            })
            .collect()
    }

    /// The distance the content of `r` scrolled by (the copy's row `y + dy` is the fresh
    /// row `y`), if the changed rows say so clearly: voted by rows whose content appears
    /// once among the old rows.
    fn scroll_distance(&self, r: Rect, image: &[u8], changed: &[bool]) -> Option<i64> {
        use std::collections::HashMap;
        let mut old: HashMap<u64, Option<usize>> = HashMap::new();
        for y in 0..r.height as usize {
            let row = r.y as usize + y;
            if self.known[row] && !uniform(self.old_row(r, row)) {
                old.entry(hash(self.old_row(r, row)))
                    .and_modify(|v| *v = None)
                    .or_insert(Some(row));
            }
        }
        let mut votes: HashMap<i64, u32> = HashMap::new();
        for (y, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
            let row = Shadow::new_row(r, image, y);
            if uniform(row) {
                continue;
            }
            if let Some(Some(at)) = old.get(&hash(row)) {
                *votes
                    .entry(*at as i64 - (r.y as i64 + y as i64))
                    .or_default() += 1;
            }
        }
        let (dy, n) = votes.into_iter().max_by_key(|(dy, n)| (*n, -dy.abs()))?;
        (n >= MIN_SCROLL_ROWS && dy != 0).then_some(dy)
    }

    /// Moves the longest run of rows of `r` that the copy has `dy` rows lower (up, for a
    /// negative `dy`) into place in the copy, and returns it as a copy of the window onto
    /// itself; none if the run is too short.
    fn scroll(&mut self, r: Rect, image: &[u8], dy: i64) -> Option<(Rect, Point)> {
        let same = self.changed_rows(r, image, dy);
        let (mut best, mut run) = ((0, 0), 0);
        for (y, c) in same.iter().enumerate() {
            if *c {
                run = 0;
                continue;
            }
            run += 1;
            if run > best.1 - best.0 {
                best = (y + 1 - run, y + 1);
            }
        }
        let (a, b) = best;
        if ((b - a) as u32) < MIN_SCROLL_ROWS {
            return None;
        }
        let top = r.y as usize + a;
        let src_top = (top as i64 + dy) as usize;
        let n = r.width as usize * PX;
        let block: Vec<u8> = (src_top..src_top + (b - a))
            .flat_map(|row| self.old_row(r, row).to_vec())
            .collect();
        // The moved rows were known (the run compares known rows only); the rows they
        // land on become known only if the copy covers their whole width.
        let full_width = r.x == 0 && r.width == self.size.width;
        for (i, row) in block.chunks(n).enumerate() {
            let at = self.offset(r.x as usize, top + i);
            self.pixels[at..at + n].copy_from_slice(row);
            self.known[top + i] |= full_width;
        }
        let src = Rect::new(r.x, src_top as i32, r.width, (b - a) as u32);
        Some((src, Point::new(r.x, top as i32)))
    }

    /// The rectangles of `r` to put: runs of changed rows (close runs merged), each from its
    /// first to its last changed column.
    fn runs(&self, r: Rect, image: &[u8], changed: &[bool]) -> Vec<Rect> {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (y, c) in changed.iter().enumerate() {
            if !*c {
                continue;
            }
            match runs.last_mut() {
                Some((_, end)) if y - *end <= MERGE_GAP as usize => *end = y + 1,
                _ => runs.push((y, y + 1)),
            }
        }
        let rects: Vec<Rect> = runs
            .iter()
            .map(|&(a, b)| {
                let (mut left, mut right) = (r.width as usize, 0);
                for y in a..b {
                    let row = r.y as usize + y;
                    if !self.known[row] {
                        (left, right) = (0, r.width as usize);
                        break;
                    }
                    let (new, old) = (Shadow::new_row(r, image, y), self.old_row(r, row));
                    if let Some((l, rr)) = differing_columns(new, old) {
                        (left, right) = (left.min(l), right.max(rr));
                    }
                }
                if left >= right {
                    (left, right) = (0, r.width as usize);
                }
                Rect::new(
                    r.x + left as i32,
                    r.y + a as i32,
                    (right - left) as u32,
                    (b - a) as u32,
                )
            })
            .collect();
        if rects.len() > MAX_PUTS {
            let all = rects.iter().skip(1).fold(rects[0], |u, q| u.union(q));
            return vec![all];
        }
        rects
    }
}

impl Drop for Shadow {
    fn drop(&mut self) {
        self.release();
    }
}

/// The first and one past the last pixel column where two rows differ.
fn differing_columns(a: &[u8], b: &[u8]) -> Option<(usize, usize)> {
    let px = |i: usize| a[i * PX..i * PX + PX] != b[i * PX..i * PX + PX];
    let n = a.len() / PX;
    let first = (0..n).find(|&i| px(i))?;
    let last = (first..n).rev().find(|&i| px(i))?;
    Some((first, last + 1))
}

/// Whether a row is one colour (such rows say nothing about a scroll).
fn uniform(row: &[u8]) -> bool {
    row.chunks_exact(PX).all(|p| p == &row[..PX])
}

/// A fast hash of a row (FNV-1a over 8-byte words).
fn hash(row: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = row.chunks_exact(8);
    for w in &mut words {
        h = (h ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(0x100_0000_01b3);
    }
    for b in words.remainder() {
        h = (h ^ *b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// The Bgrx pixels of `sub` (within `r`) out of `image` (Bgrx rows of `r`).
pub fn crop(r: Rect, image: &[u8], sub: Rect) -> Vec<u8> {
    let (dx, dy) = ((sub.x - r.x) as usize, (sub.y - r.y) as usize);
    let stride = r.width as usize * PX;
    let n = sub.width as usize * PX;
    let mut out = Vec::with_capacity(n * sub.height as usize);
    for y in 0..sub.height as usize {
        let at = (dy + y) * stride + dx * PX;
        out.extend_from_slice(&image[at..at + n]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window of text-like rows: row y is a distinct pattern for line `y / 10`.
    fn page(width: u32, height: u32, first_line: u32) -> Vec<u8> {
        let mut v = Vec::new();
        for y in 0..height {
            let line = first_line + y / 10;
            for x in 0..width {
                let mix = (x + 1).wrapping_mul(2_654_435_761)
                    ^ (line + 1).wrapping_mul(40_503)
                    ^ (y % 10 + 1).wrapping_mul(9_973);
                let ink = (y % 10) < 7 && (mix >> 7) % 3 < 1;
                v.extend_from_slice(if ink {
                    &[0, 0, 0, 0]
                } else {
                    &[255, 255, 255, 0]
                });
            }
        }
        v
    }

    #[test]
    fn the_first_update_is_sent_whole_and_a_same_one_sends_nothing() {
        let (w, h) = (64, 50);
        let size = Size::new(w, h);
        let all = Rect::new(0, 0, w, h);
        let mut s = Shadow::default();
        let p = page(w, h, 0);
        assert_eq!(s.update(size, all, &p).puts, vec![all]);
        assert_eq!(s.update(size, all, &p), Plan::default());
    }

    #[test]
    fn a_changed_glyph_sends_its_columns_of_its_rows() {
        let (w, h) = (64, 50);
        let size = Size::new(w, h);
        let all = Rect::new(0, 0, w, h);
        let mut s = Shadow::default();
        let mut p = page(w, h, 0);
        s.update(size, all, &p);
        for y in 22..27 {
            for x in 30..36 {
                p[(y * 64 + x) * 4] = 9;
            }
        }
        let plan = s.update(size, all, &p);
        assert_eq!(plan.scroll, None);
        assert_eq!(plan.puts, vec![Rect::new(30, 22, 6, 5)]);
    }

    #[test]
    fn a_scroll_is_a_copy_and_only_the_new_lines_travel() {
        let (w, h) = (64, 100);
        let size = Size::new(w, h);
        let all = Rect::new(0, 0, w, h);
        let mut s = Shadow::default();
        s.update(size, all, &page(w, h, 0));
        // Two lines (20 rows) scrolled up: the content of rows 20.. is now at 0...
        let plan = s.update(size, all, &page(w, h, 2));
        assert_eq!(
            plan.scroll,
            Some((Rect::new(0, 20, w, 80), Point::new(0, 0)))
        );
        assert_eq!(plan.puts.len(), 1);
        let put = plan.puts[0];
        assert!(put.y >= 80 && put.height <= 20, "{put:?}");
        // ...and the copy is what the display shows now: nothing more to send.
        assert_eq!(s.update(size, all, &page(w, h, 2)), Plan::default());
    }

    #[test]
    fn forgotten_or_partly_covered_rows_are_sent_whole() {
        let (w, h) = (64, 50);
        let size = Size::new(w, h);
        let mut s = Shadow::default();
        let p = page(w, h, 0);
        let all = Rect::new(0, 0, w, h);
        s.update(size, all, &p);
        s.forget();
        assert_eq!(s.update(size, all, &p).puts, vec![all]);
        // Only the left half ever sent: its rows stay unknown.
        let mut t = Shadow::default();
        let left = Rect::new(0, 0, 32, 50);
        let half = crop(all, &p, left);
        t.update(size, left, &half);
        assert_eq!(t.update(size, left, &half).puts, vec![left]);
    }

    #[test]
    fn a_huge_window_or_bad_image_is_sent_as_it_is() {
        let mut s = Shadow::default();
        let big = Size::new(8000, 8000);
        let r = Rect::new(0, 0, 2, 1);
        assert_eq!(s.update(big, r, &[0; 8]).puts, vec![r]);
        assert_eq!(s.update(big, r, &[0; 8]).puts, vec![r]);
        let small = Size::new(2, 2);
        assert_eq!(s.update(small, r, &[0; 7]).puts, vec![r]);
        let outside = Rect::new(1, 1, 2, 2);
        assert_eq!(s.update(small, outside, &[0; 16]).puts, vec![outside]);
    }
}
