//! The state thread's side of the display's checkpoint (protocol.md §16.6): noting the
//! changes that call for a new one, making a [`Checkpoint`] from the state, and handing it
//! and new atoms to the writer thread (`checkpoint::writer`), never doing I/O itself.
//!
//! The handlers that change what spans clients (a top-level created, destroyed, moved or
//! restacked; a window put into or out of another client's window; a save-set; the focus)
//! call [`Persist::mark`] or one of its forms: one store, nothing per request beyond it.
//! At the end of a burst, [`State::save_checkpoint`] makes a checkpoint when something
//! changed and the last one is [`SAVE_INTERVAL`] old, else the state thread's alarm is set
//! for that moment; so a change is written within about a quarter second, and the file at
//! most four times a second however busy the display. New atoms go to the writer at the
//! end of the burst that made them, without waiting.
//!
//! A checkpoint costs the top-levels plus the embedded windows, not every window: the
//! windows inside another client's window are kept in a set as they are created,
//! reparented and destroyed ([`Persist::placed`]).

use super::{IdMap, State};
use crate::checkpoint::{Checkpoint, Embedded, Placed, SaveSetEntry, Writer};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use yonder_protocol::{id_space_of, WindowId};

/// Least time between two checkpoints written.
pub const SAVE_INTERVAL: Duration = Duration::from_millis(250);

/// What the state keeps for its checkpoint. Owned by the state thread, like the rest of
/// [`State`].
#[derive(Default)]
pub struct Persist {
    /// The writer thread; None when nothing is written (unit tests).
    writer: Option<Writer>,
    /// Where the state thread publishes when it next has checkpoint work (a checkpoint
    /// due, a restoration's deadline) for the alarm task, which sends a Tick then.
    alarm: Option<watch::Sender<Option<Instant>>>,
    /// The deadline last published.
    published: Option<Instant>,
    /// Something the checkpoint holds changed since the last one.
    dirty: bool,
    /// When the next checkpoint may be made (None: at once).
    next_save: Option<Instant>,
    /// Atoms, the predefined ones included, already handed to the writer.
    atoms_logged: usize,
    /// Windows inside a window of another client (their parent's id space is neither
    /// theirs nor the server's). Every entry is a window that exists: entries go with
    /// their windows (`State::forget_for_checkpoint`), so the set is bounded by the
    /// windows (protocol.md §19.3).
    embedded: IdMap<WindowId, ()>,
}

/// Whether `w`, a child of `parent`, sits inside another client's window.
fn is_embedding(w: WindowId, parent: WindowId) -> bool {
    let p = id_space_of(parent.0);
    p != 0 && p != id_space_of(w.0)
}

impl Persist {
    /// Starts writing through `writer`, with `atoms_logged` atoms on the log already;
    /// returns the receiving end of the alarm, for the task that wakes the state thread.
    pub fn attach(
        &mut self,
        writer: Writer,
        atoms_logged: usize,
    ) -> watch::Receiver<Option<Instant>> {
        let (tx, rx) = watch::channel(None);
        self.writer = Some(writer);
        self.alarm = Some(tx);
        self.atoms_logged = atoms_logged;
        rx
    }

    /// Something the checkpoint holds changed.
    pub fn mark(&mut self) {
        self.dirty = true;
    }

    /// Hook: `w` was created as, or moved to be, a child of `parent`.
    pub fn placed(&mut self, w: WindowId, parent: WindowId) {
        let was = if is_embedding(w, parent) {
            self.embedded.insert(w, ()).is_some()
        } else {
            self.embedded.remove(&w).is_some()
        };
        if parent == WindowId::ROOT || was || is_embedding(w, parent) {
            self.dirty = true;
        }
    }

    /// Hook: `w`, a child of `parent`, was moved, resized or restacked.
    pub fn configured(&mut self, w: WindowId, parent: WindowId) {
        if parent == WindowId::ROOT || self.embedded.contains_key(&w) {
            self.dirty = true;
        }
    }

    /// The embedded windows, in no order.
    pub fn embedded(&self) -> impl Iterator<Item = WindowId> + '_ {
        self.embedded.keys().copied()
    }

    /// `Err` naming an entry of the checkpoint's tables that is not an existing window.
    pub fn check(&self, exists: impl Fn(WindowId) -> bool) -> Result<(), String> {
        match self.embedded().find(|w| !exists(*w)) {
            Some(w) => Err(format!(
                "the embedded windows list {w}, which does not exist"
            )),
            None => Ok(()),
        }
    }

    /// When the next checkpoint is due (`now` at the earliest), if one is waiting.
    pub fn due(&self, now: Instant) -> Option<Instant> {
        (self.writer.is_some() && self.dirty).then(|| self.next_save.map_or(now, |t| t.max(now)))
    }

    /// Publishes the alarm's next deadline, when it changed or the last one passed (the
    /// alarm task waits for a fresh one after each Tick it sent).
    pub fn publish_alarm(&mut self, next: Option<Instant>, now: Instant) {
        let Some(tx) = &self.alarm else {
            return;
        };
        if next != self.published || self.published.is_some_and(|p| now >= p) {
            tx.send_replace(next);
            self.published = next;
        }
    }
}

impl State {
    /// Hook: `w` is being destroyed; the checkpoint's tables forget it.
    pub fn forget_for_checkpoint(&mut self, w: WindowId) {
        if self.persist.embedded.remove(&w).is_some() {
            self.persist.dirty = true;
        }
        if let Some(r) = &mut self.restoring {
            r.window_gone(w);
        }
    }

    /// Whether the end of the burst has checkpoint work: a checkpoint or atoms to hand
    /// over, or a restoration under way.
    pub fn checkpoint_work(&self) -> bool {
        let writing = self.persist.writer.is_some()
            && (self.persist.dirty || self.atoms.len() > self.persist.atoms_logged);
        writing || self.restoring.is_some() || self.persist.published.is_some()
    }

    /// Hands new atoms to the writer, and a checkpoint when one is due at `now`.
    pub fn save_checkpoint(&mut self, now: Instant) {
        let Some(writer) = &self.persist.writer else {
            return;
        };
        if self.atoms.len() > self.persist.atoms_logged {
            let fresh = self
                .atoms
                .since(self.persist.atoms_logged)
                .map(|(a, n)| (a, n.to_owned()))
                .collect();
            writer.log_atoms(fresh);
            self.persist.atoms_logged = self.atoms.len();
        }
        if self.persist.due(now).is_some_and(|t| now >= t) {
            writer.save(self.checkpoint());
            self.persist.dirty = false;
            self.persist.next_save = Some(now + SAVE_INTERVAL);
        }
    }

    /// Writes the last checkpoint and waits until it is on disk (a clean shutdown, before
    /// the clients are disconnected); nothing is written after it.
    pub fn final_checkpoint(&mut self) {
        self.persist.dirty = true;
        self.persist.next_save = None;
        self.save_checkpoint(Instant::now());
        if let Some(w) = self.persist.writer.take() {
            w.finish();
        }
    }

    /// The checkpoint of the state as it is: the clients' top-levels bottom to top, the
    /// embedded windows, the save-sets and the focus; with what a restoration under way
    /// still waits for, so that a crash while apps come back loses none of it.
    pub fn checkpoint(&self) -> Checkpoint {
        let top_levels = self
            .windows
            .get(&WindowId::ROOT)
            .map_or_else(Vec::new, |root| {
                let held =
                    |w: WindowId| self.restoring.as_ref().is_some_and(|r| r.held(w).is_some());
                root.children
                    .iter()
                    .filter(|w| id_space_of(w.0) != 0 && !held(**w))
                    .filter_map(|w| {
                        let rect = self.windows.get(w)?.rect;
                        Some(Placed { window: *w, rect })
                    })
                    .collect()
            });
        let mut embedded: Vec<Embedded> = self
            .persist
            .embedded()
            .filter_map(|w| {
                let win = self.windows.get(&w)?;
                Some(Embedded {
                    window: w,
                    parent: win.parent,
                    rect: win.rect,
                })
            })
            .collect();
        let mut save_sets: Vec<SaveSetEntry> = self
            .transfers
            .save_sets
            .iter()
            .filter_map(|(c, set)| Some((self.clients.get(c)?.id_space, set)))
            .flat_map(|(space, set)| set.iter().map(move |w| SaveSetEntry { space, window: *w }))
            .collect();
        let focus = match self.input.focus {
            f if id_space_of(f.0) != 0 => f,
            _ => WindowId::NONE,
        };
        let mut c = Checkpoint {
            top_levels,
            embedded: Vec::new(),
            save_sets: Vec::new(),
            focus,
        };
        if let Some(r) = &self.restoring {
            r.add_pending(&mut c, &self.windows);
        }
        embedded.append(&mut c.embedded);
        save_sets.append(&mut c.save_sets);
        embedded.sort_by_key(|e| e.window);
        embedded.dedup_by_key(|e| e.window);
        save_sets.sort_by_key(|e| (e.space, e.window));
        save_sets.dedup();
        c.embedded = embedded;
        c.save_sets = save_sets;
        c.bound();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_to_what_spans_clients_call_for_a_checkpoint() {
        let mut p = Persist::default();
        let (top, child, part) = (
            WindowId(7 << 32 | 1),
            WindowId(7 << 32 | 2),
            WindowId(8 << 32 | 1),
        );
        p.placed(child, top);
        p.configured(child, top);
        assert!(!p.dirty, "an app's own child window is its own business");
        p.placed(top, WindowId::ROOT);
        assert!(p.dirty, "a top-level");
        p.dirty = false;
        p.placed(part, child);
        assert!(
            p.dirty && p.embedded.contains_key(&part),
            "a window in another's"
        );
        p.dirty = false;
        p.configured(part, child);
        assert!(p.dirty, "an embedded window moved");
        p.dirty = false;
        p.placed(part, WindowId(8 << 32 | 5));
        assert!(
            p.dirty && !p.embedded.contains_key(&part),
            "taken out of it"
        );
    }
}
