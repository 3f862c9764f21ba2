//! The pixels of every drawable (`State::surfaces`): windows' backing stores and
//! pixmaps, by id, and the drawables whose drawing is under way on a rasterizer thread
//! (a lane, `render::lanes`).
//!
//! The state thread owns this map. A large drawing that reads nothing but its own
//! drawable and data it owns (a copy inside one window, a put from shared memory) may be
//! handed to the drawable's lane ([`Surfaces::hand`]): the pixmap moves into the lane and
//! the state thread goes on with the next request while a rasterizer thread draws. Every
//! other way to the pixels *settles* first: [`Surfaces::get`], [`Surfaces::get_mut`],
//! [`Surfaces::insert`], [`Surfaces::remove`] and [`Surfaces::settled`] take the pixmap
//! back from its lane with all its drawings done (drawing what no thread has started on
//! the calling thread). So every reader sees exactly what drawing on one thread would
//! have left, in request order, across drawables too. The sizes stay known while a
//! drawable is away: checking a request needs no pixels.
//!
//! Output that answers a client's own requests waits until every drawing it handed to
//! a lane is done ([`Surfaces::done_for`]): a reply or event that tells a client its
//! request was applied (which `yonder::SharedImage` takes as "the segment was read")
//! never overtakes the drawing. The state thread does not wait meanwhile: it goes on
//! with other clients' requests, the lanes go on drawing, and the lane thread that
//! finishes the drawing wakes the state thread to hand the output over (`dispatch`'s
//! flush). A lane lives on while drawings keep coming and nobody else looks at its
//! pixels.

use super::IdMap;
use crate::render::lanes::{Fault, Job, Lane};
use crate::render::Workers;
use std::sync::Arc;
use tiny_skia::Pixmap;
use yonder_protocol::{ClientId, Drawable};

/// Fewest pixels of a drawing handed to a lane: below it, handing it over (a lock, an
/// allocation, maybe a wake-up) would cost more than the drawing.
pub const LANE_MIN_PIXELS: u64 = 4096;

/// Most pixels of drawing waiting on one lane: past it the state thread settles the lane
/// (draws with it) before it queues more, so waiting work, and the shared segments and
/// memory it holds, stay bounded whatever the clients send. (A lane lives on while its
/// drawable's drawings keep coming and nobody looks at its pixels, so the bound is on
/// what waits, not on what was ever handed.)
const MOST_WAITING_PIXELS: u64 = 1 << 26;

/// A drawable whose pixmap is in a lane.
struct Away {
    /// The lane, shared with the lane thread drawing it (see `render::lanes` for why it
    /// is behind a lock).
    lane: Arc<Lane>,
    /// The pixmap's width and height.
    size: (u32, u32),
    /// The clients whose drawings were handed to the lane (a few at most: a client
    /// draws into its own windows), each with its last drawing's number there, so that
    /// a client's output waits only for its own drawings ([`Surfaces::done_for`]).
    clients: Vec<(ClientId, u64)>,
}

/// The drawables' pixels (see the module's note).
#[derive(Default)]
pub struct Surfaces {
    /// The pixels of every drawable no lane holds.
    here: IdMap<Drawable, Pixmap>,
    /// The drawables whose pixels a lane holds, with their drawings queued there.
    away: IdMap<Drawable, Away>,
    /// Faults of lane jobs, until the state thread reports them (`take_faults`).
    faults: Vec<Fault>,
    /// Notified by a lane thread when a drawing the state thread waits for is done
    /// ([`Surfaces::done_for`]); the state thread's loop waits on it beside its
    /// commands. A `Notify` because the lane threads are not the runtime's: it keeps
    /// one wake-up that comes while nobody waits.
    lanes_done: Arc<tokio::sync::Notify>,
}

impl Surfaces {
    /// The pixmap of `d`, settled.
    pub fn get(&mut self, d: &Drawable) -> Option<&Pixmap> {
        self.settle(d);
        self.here.get(d)
    }

    /// The pixmap of `d` to draw into, settled.
    pub fn get_mut(&mut self, d: &Drawable) -> Option<&mut Pixmap> {
        self.settle(d);
        self.here.get_mut(d)
    }

    /// The pixmaps of two different drawables, settled.
    pub fn get_disjoint_mut(&mut self, ds: [&Drawable; 2]) -> [Option<&mut Pixmap>; 2] {
        ds.iter().for_each(|d| self.settle(d));
        self.here.get_disjoint_mut(ds)
    }

    /// Stores the pixels of `d`, returning those it replaces (settled).
    pub fn insert(&mut self, d: Drawable, pm: Pixmap) -> Option<Pixmap> {
        self.settle(&d);
        self.here.insert(d, pm)
    }

    /// Removes the pixels of `d` (settled).
    pub fn remove(&mut self, d: &Drawable) -> Option<Pixmap> {
        self.settle(d);
        self.here.remove(d)
    }

    /// Whether `d` has pixels (here or in a lane).
    pub fn contains_key(&self, d: &Drawable) -> bool {
        self.here.contains_key(d) || self.away.contains_key(d)
    }

    /// The width and height of `d`'s pixels, without settling.
    pub fn size(&self, d: &Drawable) -> Option<(u32, u32)> {
        match self.here.get(d) {
            Some(pm) => Some((pm.width(), pm.height())),
            None => self.away.get(d).map(|a| a.size),
        }
    }

    /// Every drawable with pixels, in no order.
    pub fn keys(&self) -> impl Iterator<Item = &Drawable> {
        self.here.keys().chain(self.away.keys())
    }

    /// Every drawable and its size, in no order, without settling.
    pub fn sizes(&self) -> impl Iterator<Item = (Drawable, (u32, u32))> + '_ {
        let here = self.here.iter().map(|(d, p)| (*d, (p.width(), p.height())));
        here.chain(self.away.iter().map(|(d, a)| (*d, a.size)))
    }

    /// Whether every pixel of `d` is opaque, without settling: a drawable being drawn on
    /// a lane counts as opaque (it is checked once settled); None if `d` does not exist.
    pub fn opaque_unless_away(&self, d: &Drawable) -> Option<bool> {
        match self.here.get(d) {
            Some(p) => Some(crate::render::all_opaque(p)),
            None => self.away.contains_key(d).then_some(true),
        }
    }

    /// Every drawable's pixels, for the compositor: after [`Surfaces::settle_all`] (a
    /// drawable in a lane is missing from it).
    pub fn settled(&self) -> &IdMap<Drawable, Pixmap> {
        debug_assert!(self.away.is_empty(), "the lanes were not settled");
        &self.here
    }

    /// Whether `d`'s drawing is under way in a lane (for tests of the lanes).
    #[cfg(test)]
    pub fn is_away(&self, d: &Drawable) -> bool {
        self.away.contains_key(d)
    }

    /// Hands the drawing `job` of `d` (whose pixels exist) to `d`'s lane, to be drawn on
    /// one of `workers`' threads after the drawings handed before it; its pixels bound
    /// what may wait there. Drawn at once, here, when `workers` has no other thread.
    pub fn hand(&mut self, workers: &Workers, d: Drawable, job: Job) {
        if !workers.side_by_side() {
            if let Some(pm) = self.get_mut(&d) {
                (job.draw)(pm, Some(workers));
            }
            return;
        }
        if !self.away.contains_key(&d) {
            let Some(pm) = self.here.remove(&d) else {
                return;
            };
            let size = (pm.width(), pm.height());
            let done = self.lanes_done.clone();
            let lane = Lane::new(pm, Arc::new(move || done.notify_one()));
            self.away.insert(
                d,
                Away {
                    lane,
                    size,
                    clients: Vec::new(),
                },
            );
        }
        let away = self.away.get_mut(&d).expect("just put there");
        let client = job.client;
        let pushed = away.lane.push(job);
        match away.clients.iter_mut().find(|(c, _)| *c == client) {
            Some((_, last)) => *last = pushed.seq,
            None => away.clients.push((client, pushed.seq)),
        }
        if pushed.ask {
            workers.drain_lane(away.lane.clone());
        }
        if pushed.waiting >= MOST_WAITING_PIXELS {
            self.settle_with(&d, Some(workers));
        }
    }

    /// Takes `d`'s pixels back from its lane, every drawing handed to it done.
    fn settle(&mut self, d: &Drawable) {
        if !self.away.is_empty() {
            self.settle_with(d, None);
        }
    }

    /// [`Surfaces::settle`], the drawings left drawn here with `workers`' bands.
    fn settle_with(&mut self, d: &Drawable, workers: Option<&Workers>) {
        if let Some(away) = self.away.remove(d) {
            let (pm, faults) = away.lane.settle(workers);
            self.faults.extend(faults);
            self.here.insert(*d, pm);
        }
    }

    /// Takes every drawable's pixels back from the lanes: first those no thread is
    /// drawing (drawn here meanwhile), then, waiting, the rest.
    pub fn settle_all(&mut self, workers: &Workers) {
        loop {
            let idle = self.away.iter().find(|(_, a)| !a.lane.busy());
            let Some(d) = idle.or_else(|| self.away.iter().next()).map(|(d, _)| *d) else {
                return;
            };
            self.settle_with(&d, Some(workers));
        }
    }

    /// Whether every drawing `client` handed to a lane is done, so that what it hears
    /// now tells it the truth; if not, the lane thread that finishes the first one not
    /// done wakes the state thread ([`Surfaces::lanes_done`]). (The state thread draws
    /// them itself only on a lane no thread will drain, see `Lane::help`.)
    /// Nothing is taken back from the lanes: they go on with the next drawings.
    pub fn done_for(&self, client: ClientId, workers: &Workers) -> bool {
        self.away.values().all(|a| {
            let Some((_, seq)) = a.clients.iter().find(|(c, _)| *c == client) else {
                return true;
            };
            let (done, ask) = a.lane.help(*seq, Some(workers));
            if ask {
                workers.drain_lane(a.lane.clone());
            }
            done
        })
    }

    /// What the state thread's loop waits on, beside its commands, for drawings that
    /// clients' output waits for ([`Surfaces::done_for`]).
    pub fn lanes_done(&self) -> Arc<tokio::sync::Notify> {
        self.lanes_done.clone()
    }

    /// Whether any drawable's pixels are on a lane.
    pub fn any_away(&self) -> bool {
        !self.away.is_empty()
    }

    /// Takes back from the lanes every drawable one of whose drawings failed, so that
    /// the fault is reported ([`Surfaces::take_faults`]) without waiting for someone to
    /// look at its pixels.
    pub fn settle_faulted(&mut self, workers: &Workers) {
        while let Some(d) = self
            .away
            .iter()
            .find(|(_, a)| a.lane.faulted())
            .map(|(d, _)| *d)
        {
            self.settle_with(&d, Some(workers));
        }
    }

    /// The faults of lane drawings settled since the last call.
    pub fn take_faults(&mut self) -> Vec<Fault> {
        std::mem::take(&mut self.faults)
    }
}

#[cfg(test)]
#[path = "tests_surfaces.rs"]
mod tests;
