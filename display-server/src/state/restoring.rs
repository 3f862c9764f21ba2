//! A loaded checkpoint while its windows come back (protocol.md §16.6): which top-levels
//! are still to be placed and where they stood, which windows go back inside another
//! client's window, which of them are held (created before their parent came back), the
//! save-set entries and the focus still to be given back, and what other clients changed
//! of windows not back yet. Data and queries only; what is done with them when apps
//! recreate their windows is `restore`'s.
//!
//! Bounded: every table is at most a checkpoint's [`crate::checkpoint::MAX_ENTRIES`];
//! entries only ever go, but for the deferred changes (bounded the same), and the whole
//! restoration ends [`RESTORE_TIME`] after the server started, or earlier when nothing
//! is left.

use super::IdMap;
use crate::checkpoint::{Checkpoint, Embedded, Placed, SaveSetEntry, MAX_ENTRIES};
use crate::state::Window;
use std::time::{Duration, Instant};
use yonder_protocol::request::WindowAttributes;
use yonder_protocol::{ClientId, Rect, WindowId};

/// How long after its start a restarted server waits for the windows of its checkpoint.
pub const RESTORE_TIME: Duration = Duration::from_secs(600);
/// How long a window whose parent (another client's window) has not come back yet is
/// held for it; then it becomes a top-level window of its own.
pub const HOLD_TIME: Duration = Duration::from_secs(60);

/// The most windows of the checkpoint one client may have attribute changes deferred on
/// (a part selects events on its container: one).
pub const DEFERRED_PER_CLIENT: usize = 64;

/// A window created before its parent came back: it waits, unmapped, under the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// The end of its wait.
    pub until: Instant,
    /// Its client mapped it (and did not unmap it since): it is mapped when it goes into
    /// its parent, or when its wait ends.
    pub mapped: bool,
}

/// What a restoration still waits for.
pub struct Restoring {
    /// When it ends, whatever is left.
    pub until: Instant,
    /// Top-levels not mapped again yet, with their geometry.
    tops: IdMap<WindowId, Rect>,
    /// The place of every top-level of the checkpoint in its stacking order, bottom 0.
    slots: IdMap<WindowId, u32>,
    /// Windows not back inside their parent yet.
    embeds: IdMap<WindowId, Embedded>,
    /// Windows held for their parent.
    held: IdMap<WindowId, Held>,
    /// Save-set entries not restored yet.
    save_sets: Vec<SaveSetEntry>,
    /// The focus to give back when the window is viewable (NONE: none).
    focus: WindowId,
    /// Other clients' ChangeWindowAttributes of windows of the checkpoint not back yet,
    /// in arrival order, carried out when the window is created.
    deferred: Vec<(WindowId, ClientId, WindowAttributes)>,
}

impl Restoring {
    /// The restoration of `c`, started at `now`.
    pub fn new(mut c: Checkpoint, now: Instant) -> Restoring {
        c.bound();
        Restoring {
            until: now + RESTORE_TIME,
            tops: c.top_levels.iter().map(|p| (p.window, p.rect)).collect(),
            slots: c
                .top_levels
                .iter()
                .enumerate()
                .map(|(i, p)| (p.window, i as u32))
                .collect(),
            embeds: c.embedded.iter().map(|e| (e.window, *e)).collect(),
            held: IdMap::default(),
            save_sets: c.save_sets,
            focus: match c.focus {
                f if f == WindowId::ROOT => WindowId::NONE,
                f => f,
            },
            deferred: Vec::new(),
        }
    }

    /// Whether nothing is left to restore.
    pub fn is_done(&self) -> bool {
        self.tops.is_empty()
            && self.embeds.is_empty()
            && self.save_sets.is_empty()
            && self.focus.is_none()
    }

    /// The next moment something ends: a window's hold, or the restoration.
    pub fn deadline(&self) -> Instant {
        self.held
            .values()
            .map(|h| h.until)
            .fold(self.until, Instant::min)
    }

    /// How many top-levels, embedded windows and save-set entries are left (for the log).
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.tops.len(), self.embeds.len(), self.save_sets.len())
    }

    /// The geometry of `w`, a top-level of the checkpoint mapped for the first time since;
    /// it is placed once.
    pub fn take_top(&mut self, w: WindowId) -> Option<Rect> {
        self.tops.remove(&w)
    }

    /// The place of `w` in the checkpoint's stacking order, bottom 0.
    pub fn slot(&self, w: WindowId) -> Option<u32> {
        self.slots.get(&w).copied()
    }

    /// Where `w` goes back inside another client's window, while it has not.
    pub fn embedding(&self, w: WindowId) -> Option<Embedded> {
        self.embeds.get(&w).copied()
    }

    /// `w` is held for its parent until `until` at the latest.
    pub fn hold(&mut self, w: WindowId, until: Instant) {
        self.held.insert(
            w,
            Held {
                until,
                mapped: false,
            },
        );
    }

    /// How `w` is held, if it is.
    pub fn held(&self, w: WindowId) -> Option<Held> {
        self.held.get(&w).copied()
    }

    /// The client of held window `w` mapped it (`true`) or unmapped it.
    pub fn set_held_mapped(&mut self, w: WindowId, mapped: bool) {
        if let Some(h) = self.held.get_mut(&w) {
            h.mapped = mapped;
        }
    }

    /// The held windows whose parent is `parent`.
    pub fn waiting_for(&self, parent: WindowId) -> Vec<WindowId> {
        let mut v: Vec<WindowId> = self
            .held
            .keys()
            .filter(|w| self.embeds.get(w).is_some_and(|e| e.parent == parent))
            .copied()
            .collect();
        v.sort();
        v
    }

    /// The held windows whose wait ended at `now`.
    pub fn expired(&self, now: Instant) -> Vec<WindowId> {
        let mut v: Vec<WindowId> = self
            .held
            .iter()
            .filter(|(_, h)| now >= h.until)
            .map(|(w, _)| *w)
            .collect();
        v.sort();
        v
    }

    /// `Err` naming a held window that does not exist.
    pub fn check(&self, exists: impl Fn(WindowId) -> bool) -> Result<(), String> {
        match self.held.keys().find(|w| !exists(**w)) {
            Some(w) => Err(format!("held window {w} does not exist")),
            None => Ok(()),
        }
    }

    /// Every held window (for the end of the restoration).
    pub fn all_held(&self) -> Vec<WindowId> {
        let mut v: Vec<WindowId> = self.held.keys().copied().collect();
        v.sort();
        v
    }

    /// `w` is back inside its parent, or will not be: its embedding is done with.
    pub fn embedding_done(&mut self, w: WindowId) {
        self.embeds.remove(&w);
        self.held.remove(&w);
    }

    /// Takes the save-set entries for which `ready` holds.
    pub fn take_save_sets(&mut self, ready: impl Fn(&SaveSetEntry) -> bool) -> Vec<SaveSetEntry> {
        let (now, later): (Vec<_>, Vec<_>) = self.save_sets.drain(..).partition(|e| ready(e));
        self.save_sets = later;
        now
    }

    /// Whether `w` is a window of the checkpoint: a top-level, a window inside another
    /// client's window, or such a window's parent.
    pub fn knows(&self, w: WindowId) -> bool {
        self.slots.contains_key(&w)
            || self.embeds.contains_key(&w)
            || self.embeds.values().any(|e| e.parent == w)
    }

    /// Keeps client `c`'s change of the attributes of `w`, a window of the checkpoint not
    /// back yet, for when `w` is created; false when [`MAX_ENTRIES`] are kept already.
    ///
    /// One entry per window and client, later changes merged into it, and at most
    /// [`DEFERRED_PER_CLIENT`] windows a client: a client sending change after change
    /// costs only itself, never another app's deferred selection.
    pub fn defer_attributes(&mut self, w: WindowId, c: ClientId, a: WindowAttributes) -> bool {
        if let Some((_, _, kept)) = self.deferred.iter_mut().find(|d| d.0 == w && d.1 == c) {
            kept.background = a.background.or(kept.background);
            kept.event_mask = a.event_mask.or(kept.event_mask);
            kept.override_redirect = a.override_redirect.or(kept.override_redirect);
            kept.cursor = a.cursor.or(kept.cursor);
            return true;
        }
        let mine = self.deferred.iter().filter(|d| d.1 == c).count();
        if mine >= DEFERRED_PER_CLIENT || self.deferred.len() >= MAX_ENTRIES {
            return false;
        }
        self.deferred.push((w, c, a));
        true
    }

    /// The changes of `w`'s attributes kept for its creation, in arrival order.
    pub fn take_deferred(&mut self, w: WindowId) -> Vec<(ClientId, WindowAttributes)> {
        let (now, later): (Vec<_>, Vec<_>) = self.deferred.drain(..).partition(|d| d.0 == w);
        self.deferred = later;
        now.into_iter().map(|(_, c, a)| (c, a)).collect()
    }

    /// Whether the save-set of the client of id space `space` is still to get `w` back.
    pub fn save_set_waits(&self, space: u32, w: WindowId) -> bool {
        self.save_sets
            .iter()
            .any(|e| e.space == space && e.window == w)
    }

    /// The client of id space `space` took `w` out of its save-set before `w` came back.
    pub fn drop_save_set(&mut self, space: u32, w: WindowId) {
        self.save_sets
            .retain(|e| !(e.space == space && e.window == w));
    }

    /// The focus still to give back (NONE: none).
    pub fn focus(&self) -> WindowId {
        self.focus
    }

    /// The focus was given back (or will not be).
    pub fn focus_done(&mut self) {
        self.focus = WindowId::NONE;
    }

    /// Hook: `w` is destroyed. A held window's wait ends with it; a top-level or
    /// embedding not restored yet stays, for a window of that id created later.
    pub fn window_gone(&mut self, w: WindowId) {
        if self.held.remove(&w).is_some() {
            self.embeds.remove(&w);
        }
    }

    /// Adds to `c` (a checkpoint of the live state) what is still to be restored: the
    /// top-levels not created again, each put just above the highest window below it in
    /// the old stacking order; the embeddings and save-set entries not restored; the
    /// focus, when no client window has it now.
    pub fn add_pending(&self, c: &mut Checkpoint, windows: &IdMap<WindowId, Window>) {
        let mut missing: Vec<(u32, Placed)> = self
            .tops
            .iter()
            .filter(|(w, _)| !windows.contains_key(w))
            .filter_map(|(w, r)| {
                Some((
                    self.slot(*w)?,
                    Placed {
                        window: *w,
                        rect: *r,
                    },
                ))
            })
            .collect();
        missing.sort_by_key(|(slot, _)| *slot);
        // The live windows of the old order, by slot: a missing window of slot k goes
        // right after the last live window of a lower slot, and that index only grows
        // with k.
        let mut live: Vec<(u32, usize)> = c
            .top_levels
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((self.slot(p.window)?, i)))
            .collect();
        live.sort();
        let (mut j, mut after) = (0, 0);
        let mut inserts = Vec::with_capacity(missing.len());
        for (slot, p) in missing {
            while j < live.len() && live[j].0 < slot {
                after = after.max(live[j].1 + 1);
                j += 1;
            }
            inserts.push((after, p));
        }
        let old = std::mem::take(&mut c.top_levels);
        let mut inserts = inserts.into_iter().peekable();
        for (i, p) in old.into_iter().enumerate() {
            while let Some((_, q)) = inserts.next_if(|(at, _)| *at <= i) {
                c.top_levels.push(q);
            }
            c.top_levels.push(p);
        }
        c.top_levels.extend(inserts.map(|(_, q)| q));
        c.embedded.extend(
            self.embeds
                .values()
                .filter(|e| self.held.contains_key(&e.window) || !windows.contains_key(&e.window))
                .copied(),
        );
        c.save_sets.extend(self.save_sets.iter().copied());
        if c.focus.is_none() {
            c.focus = self.focus;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::Color;

    fn placed(n: u64) -> Placed {
        Placed {
            window: WindowId(n << 32 | 1),
            rect: Rect::new(n as i32, 0, 10, 10),
        }
    }

    #[test]
    fn windows_not_back_keep_their_place_among_those_that_are() {
        let old = Checkpoint {
            top_levels: (1..=5).map(placed).collect(),
            ..Default::default()
        };
        let r = Restoring::new(old, Instant::now());
        // Back: 4 and 2 (the user raised 2 above 4 since), and a new window 9.
        let mut windows = IdMap::default();
        for n in [4, 2, 9] {
            let p = placed(n);
            let w = Window::new(p.window, WindowId::ROOT, p.rect, Color::WHITE, true);
            windows.insert(p.window, w);
        }
        let mut c = Checkpoint {
            top_levels: [4, 2, 9].map(placed).to_vec(),
            ..Default::default()
        };
        r.add_pending(&mut c, &windows);
        let order: Vec<u64> = c.top_levels.iter().map(|p| p.window.0 >> 32).collect();
        assert_eq!(order, [1, 4, 2, 3, 5, 9]);
    }
}
