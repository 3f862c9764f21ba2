//! The web viewers watching the screen (issue 14, protocol.md §20): for each, the screen
//! area composed since it last took pixels, and how to wake its task.
//!
//! A viewer is not a client: it reads the composed framebuffer and sends host input.
//! The state thread never waits on a viewer. It merges damage into the viewer's
//! dirty area (a few rectangles, merged into their bounding box past
//! [`MAX_DIRTY_RECTS`], so a viewer that does not take its pixels costs a constant amount
//! of memory) and wakes its task; the task takes the pixels when the page has room for
//! another frame (`net::web_viewer`).

use std::sync::Arc;
use tokio::sync::Notify;
use yonder_protocol::Rect;

/// Dirty rectangles kept apart before they merge into their bounding box.
pub const MAX_DIRTY_RECTS: usize = 24;

pub use crate::command::ViewerId;

/// Copies a viewer keeps for its next frame, at most; more become dirty areas.
pub const MAX_COPIES: usize = 32;

/// A screen area that moved: the page copies its own pixels from `src` to `src` moved
/// by `dx`, `dy` instead of receiving them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyArea {
    /// Where the pixels were.
    pub src: Rect,
    /// How far they moved, across.
    pub dx: i32,
    /// How far they moved, down.
    pub dy: i32,
}

impl CopyArea {
    /// Where the pixels are now.
    pub fn dst(&self) -> Rect {
        Rect::new(
            self.src.x + self.dx,
            self.src.y + self.dy,
            self.src.width,
            self.src.height,
        )
    }
}

/// One viewer as the state thread sees it.
pub struct Viewer {
    /// Its number.
    pub id: ViewerId,
    /// What changed on the screen since it last took pixels.
    dirty: Vec<Rect>,
    /// Areas that moved since, to copy before the dirty areas are painted.
    copies: Vec<CopyArea>,
    /// Wakes its task when `dirty` gains something. A `Notify` keeps one wake-up when
    /// nobody waits, so none is lost between the task's take and its next wait.
    wake: Arc<Notify>,
}

/// Every viewer, in the order they came.
#[derive(Default)]
pub struct Viewers {
    list: Vec<Viewer>,
    next: u64,
    /// Top-level windows moved whole during this burst (their visible area before the
    /// first move, and the total move): hints for composing's copies.
    moves: Vec<(yonder_protocol::WindowId, CopyArea)>,
}

impl Viewers {
    /// Whether any viewer is watching (the screen is then composed even when headless).
    pub fn any(&self) -> bool {
        !self.list.is_empty()
    }

    /// How many are watching.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether none is watching.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Adds a viewer that has yet to see all of a `width` × `height` screen.
    pub fn attach(&mut self, wake: Arc<Notify>, width: u32, height: u32) -> ViewerId {
        self.next += 1;
        let id = ViewerId(self.next);
        self.list.push(Viewer {
            id,
            dirty: vec![Rect::new(0, 0, width, height)],
            copies: Vec::new(),
            wake,
        });
        if let Some(v) = self.list.last() {
            v.wake.notify_one();
        }
        id
    }

    /// Removes a viewer; false when it was not there.
    pub fn detach(&mut self, id: ViewerId) -> bool {
        let before = self.list.len();
        self.list.retain(|v| v.id != id);
        self.list.len() != before
    }

    /// Adds composed damage to every viewer's dirty area and wakes them.
    pub fn damaged(&mut self, damage: &[Rect]) {
        if damage.is_empty() {
            return;
        }
        for v in &mut self.list {
            for r in damage {
                add(&mut v.dirty, *r);
            }
            v.wake.notify_one();
        }
    }

    /// Notes that top-level window `w`, whose visible area was `src`, moved by (dx, dy)
    /// unobscured: a hint for [`crate::dispatch::viewers::changed`]; successive moves
    /// of one window in a burst add up.
    pub fn moved(&mut self, w: yonder_protocol::WindowId, src: Rect, dx: i32, dy: i32) {
        if self.list.is_empty() {
            return;
        }
        match self.moves.iter_mut().find(|(m, _)| *m == w) {
            Some((_, c)) => {
                c.dx += dx;
                c.dy += dy;
            }
            None => self.moves.push((w, CopyArea { src, dx, dy })),
        }
    }

    /// Takes the burst's moves.
    pub fn take_moves(&mut self) -> Vec<CopyArea> {
        self.moves.drain(..).map(|(_, c)| c).collect()
    }

    /// Adds screen areas that moved (already clipped to the screen) to every viewer, as
    /// copies its page makes before painting the dirty areas. Where the page's pixels
    /// under a copy's source are stale (dirty, not yet sent), the copy carries them along:
    /// their moved place is dirty too. Past [`MAX_COPIES`], the destination is dirty.
    pub fn copied(&mut self, copies: &[CopyArea]) {
        for v in &mut self.list {
            for c in copies {
                if v.copies.len() >= MAX_COPIES {
                    add(&mut v.dirty, c.dst());
                    continue;
                }
                let stale: Vec<Rect> = v
                    .dirty
                    .iter()
                    .filter_map(|d| d.intersect(&c.src))
                    .map(|d| Rect::new(d.x + c.dx, d.y + c.dy, d.width, d.height))
                    .collect();
                for d in stale {
                    add(&mut v.dirty, d);
                }
                v.copies.push(*c);
            }
            if !copies.is_empty() {
                v.wake.notify_one();
            }
        }
    }

    /// Marks all of a (resized) `width` × `height` screen dirty for every viewer.
    pub fn all_dirty(&mut self, width: u32, height: u32) {
        for v in &mut self.list {
            v.copies.clear();
            v.dirty = vec![Rect::new(0, 0, width, height)];
            v.wake.notify_one();
        }
    }

    /// Wakes every viewer (something besides pixels changed: the pointer's shape).
    pub fn wake_all(&self) {
        for v in &self.list {
            v.wake.notify_one();
        }
    }

    /// Whether viewer `id` is attached.
    pub fn has(&self, id: ViewerId) -> bool {
        self.list.iter().any(|v| v.id == id)
    }

    /// Takes what viewer `id` has not seen: the copies to make first, then the dirty
    /// areas; None when it is not attached.
    pub fn take(&mut self, id: ViewerId) -> Option<(Vec<CopyArea>, Vec<Rect>)> {
        let v = self.list.iter_mut().find(|v| v.id == id)?;
        Some((std::mem::take(&mut v.copies), std::mem::take(&mut v.dirty)))
    }
}

/// Adds `r` to a dirty area: dropped when inside a rectangle there, replacing those
/// inside it; past [`MAX_DIRTY_RECTS`] the two rectangles whose union adds the least area
/// become that union.
fn add(dirty: &mut Vec<Rect>, r: Rect) {
    if r.width == 0 || r.height == 0 || dirty.iter().any(|d| d.intersect(&r) == Some(r)) {
        return;
    }
    dirty.retain(|d| r.intersect(d) != Some(*d));
    dirty.push(r);
    while dirty.len() > MAX_DIRTY_RECTS {
        let area = |r: &Rect| r.width as u64 * r.height as u64;
        let mut best = (u64::MAX, 0, 1);
        for i in 0..dirty.len() {
            for j in i + 1..dirty.len() {
                let u = dirty[i].union(&dirty[j]);
                let cost = area(&u).saturating_sub(area(&dirty[i]) + area(&dirty[j]));
                if cost < best.0 {
                    best = (cost, i, j);
                }
            }
        }
        let (_, i, j) = best;
        let u = dirty[i].union(&dirty[j]);
        dirty.swap_remove(j);
        dirty[i] = u;
        // The union may now cover others.
        dirty.retain(|d| d == &u || u.intersect(d) != Some(*d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_that_never_takes_keeps_a_bounded_area() {
        let mut v = Viewers::default();
        let id = v.attach(Arc::new(Notify::new()), 100, 100);
        assert_eq!(v.take(id), Some((vec![], vec![Rect::new(0, 0, 100, 100)])));
        for i in 0..10_000 {
            v.damaged(&[Rect::new(i % 97, i % 89, 1, 1)]);
        }
        let dirty = v.take(id).unwrap().1;
        assert!(dirty.len() <= MAX_DIRTY_RECTS, "{}", dirty.len());
        // Everything that changed is still in it.
        for i in 0..10_000 {
            let p = Rect::new(i % 97, i % 89, 1, 1);
            assert!(dirty.iter().any(|d| d.intersect(&p) == Some(p)), "{p:?}");
        }
        assert_eq!(v.take(id), Some((vec![], vec![])));
        assert!(v.detach(id));
        assert_eq!(v.take(id), None);
    }

    #[test]
    fn covered_damage_is_kept_once() {
        let mut v = Viewers::default();
        let id = v.attach(Arc::new(Notify::new()), 10, 10);
        v.take(id);
        v.damaged(&[
            Rect::new(2, 2, 2, 2),
            Rect::new(0, 0, 8, 8),
            Rect::new(1, 1, 1, 1),
        ]);
        assert_eq!(v.take(id), Some((vec![], vec![Rect::new(0, 0, 8, 8)])));
    }

    #[test]
    fn a_copy_carries_what_the_page_has_not_seen_yet() {
        let mut v = Viewers::default();
        let id = v.attach(Arc::new(Notify::new()), 100, 100);
        v.take(id);
        let c = CopyArea {
            src: Rect::new(0, 0, 10, 10),
            dx: 20,
            dy: 0,
        };
        v.copied(&[c]);
        assert_eq!(v.take(id), Some((vec![c], vec![])));
        // Something under the source not yet sent: it is sent where it lands as well.
        v.damaged(&[Rect::new(5, 5, 2, 2)]);
        v.copied(&[c]);
        let (copies, dirty) = v.take(id).unwrap();
        assert_eq!(copies, vec![c]);
        assert_eq!(dirty, vec![Rect::new(5, 5, 2, 2), Rect::new(25, 5, 2, 2)]);
    }
}
