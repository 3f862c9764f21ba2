//! Every running total the bounds are checked against, counted again from the tables it
//! sums up ([`State::recount`]), and compared with what is kept ([`State::check_counts`]):
//! per client its drawables' bytes, its windows, pixmaps and GCs, its windows' property
//! bytes, the selections it owns, the conversions it waits for and its GCs' clip
//! rectangles; server-wide the root's property bytes and the cached clips' bytes.
//!
//! The totals are kept up to date by the few functions that change those tables
//! (`quota`, `transfer`); a total that drifted would let a client past its bound or
//! refuse it below it. Atoms are not recounted: the atom table does not record who made
//! an entry (the charge ends with the client, the atom stays).
//!
//! Like the rest of [`State::check_invariants`], this walks every table: for the moment
//! after a failure and for the tests and the fuzz harness, never for the hot path.

use super::quota::{drawable_bytes, property_cost};
use super::State;
use std::collections::HashMap;
use yonder_protocol::{id_space_of, ClientId};

/// A client's totals, as kept or as counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientCounts {
    /// Bytes of its windows' backing stores and its pixmaps.
    pub drawable_bytes: u64,
    /// Its windows, pixmaps and GCs.
    pub resources: u32,
    /// What its windows' properties are charged.
    pub property_bytes: u64,
    /// Selections it owns.
    pub selections: u32,
    /// Conversions it asked for that are under way.
    pub conversions: u32,
    /// Clip rectangles its GCs hold.
    pub clip_rects: u64,
}

/// Every total, as kept or as counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// By client.
    pub clients: HashMap<ClientId, ClientCounts>,
    /// What the root window's properties are charged.
    pub root_property_bytes: u64,
    /// Bytes of the GCs' cached clips, as charged.
    pub clip_cache_bytes: u64,
}

impl State {
    /// The totals as the state keeps them.
    pub fn kept_counts(&self) -> Counts {
        let clients = self
            .clients
            .values()
            .map(|c| {
                let counts = ClientCounts {
                    drawable_bytes: c.drawable_bytes,
                    resources: c.held.resources,
                    property_bytes: c.held.property_bytes,
                    selections: c.held.selections,
                    conversions: c.held.conversions,
                    clip_rects: c.held.clip_rects,
                };
                (c.id, counts)
            })
            .collect();
        Counts {
            clients,
            root_property_bytes: self.root_property_bytes,
            clip_cache_bytes: self.clip_cache_bytes,
        }
    }

    /// The totals counted again from the tables.
    pub fn recount(&self) -> Counts {
        let by_space: HashMap<u32, ClientId> =
            self.clients.values().map(|c| (c.id_space, c.id)).collect();
        let mut clients: HashMap<ClientId, ClientCounts> = self
            .clients
            .keys()
            .map(|id| (*id, ClientCounts::default()))
            .collect();
        let mut root_property_bytes = 0;
        // Walk each table once, adding to the owner's entry.
        let owner = |raw: u64| by_space.get(&id_space_of(raw)).copied();
        for (d, (w, h)) in self.surfaces.sizes() {
            if let Some(c) = owner(d.0).and_then(|c| clients.get_mut(&c)) {
                c.drawable_bytes += drawable_bytes(w, h);
                c.resources += 1;
            }
        }
        for (g, gc) in &self.gcs {
            if let Some(c) = owner(g.0).and_then(|c| clients.get_mut(&c)) {
                c.resources += 1;
                c.clip_rects += gc.clip_len() as u64;
            }
        }
        for (w, win) in &self.windows {
            let cost: u64 = win
                .properties
                .values()
                .map(|p| property_cost(p.data.len()))
                .sum();
            if *w == yonder_protocol::WindowId::ROOT {
                root_property_bytes += cost;
            } else if let Some(c) = owner(w.0).and_then(|c| clients.get_mut(&c)) {
                c.property_bytes += cost;
            }
        }
        for o in self.transfers.owners.values() {
            if let Some(c) = clients.get_mut(&o.client) {
                c.selections += 1;
            }
        }
        for t in self.transfers.pending.values() {
            if let Some(c) = clients.get_mut(&t.requestor_client) {
                c.conversions += 1;
            }
        }
        Counts {
            clients,
            root_property_bytes,
            clip_cache_bytes: self.gcs.values().map(|g| g.clip_charged).sum(),
        }
    }

    /// `Err` naming the first total that differs from its recount.
    pub fn check_counts(&self) -> Result<(), String> {
        let (kept, counted) = (self.kept_counts(), self.recount());
        for (id, k) in &kept.clients {
            let c = counted.clients.get(id).copied().unwrap_or_default();
            if *k != c {
                return Err(format!(
                    "client {}'s totals drifted: kept {k:?}, counted {c:?}",
                    id.0
                ));
            }
        }
        if kept.root_property_bytes != counted.root_property_bytes {
            return Err(format!(
                "the root's property bytes drifted: kept {}, counted {}",
                kept.root_property_bytes, counted.root_property_bytes
            ));
        }
        if kept.clip_cache_bytes != counted.clip_cache_bytes {
            return Err(format!(
                "the cached clips' bytes drifted: kept {}, counted {}",
                kept.clip_cache_bytes, counted.clip_cache_bytes
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::command::Incoming;
    use crate::state::test_support::state_with_client;
    use yonder_protocol::request::{
        ChangeProperty, CreateGc, CreatePixmap, CreateWindow, PropMode,
    };
    use yonder_protocol::{make_id, Atom, Drawable, GcId, PixmapId, Rect, Request, WindowId};

    #[test]
    fn kept_totals_match_their_recount_and_a_drift_is_named() {
        let (mut s, c, _rx) = state_with_client(64, 64, false);
        let w = WindowId(make_id(7, 1));
        let requests = [
            Request::CreateWindow(CreateWindow {
                id: w,
                parent: WindowId::ROOT,
                rect: Rect::new(0, 0, 8, 4),
                attributes: Default::default(),
            }),
            Request::CreatePixmap(CreatePixmap {
                id: PixmapId(make_id(7, 2)),
                drawable: Drawable(w.0),
                width: 3,
                height: 3,
            }),
            Request::CreateGc(CreateGc {
                id: GcId(make_id(7, 3)),
                drawable: Drawable(w.0),
                values: Default::default(),
            }),
            Request::ChangeProperty(ChangeProperty {
                window: w,
                property: Atom(1),
                type_: Atom(1),
                mode: PropMode::Replace,
                data: vec![1, 2, 3],
            }),
        ];
        for r in requests {
            crate::dispatch::handle_request(&mut s, c, Incoming::Request(r));
        }
        let kept = s.kept_counts();
        let mine = kept.clients[&c];
        assert_eq!(mine.resources, 3, "{mine:?}");
        assert_eq!(mine.drawable_bytes, 4 * (8 * 4 + 3 * 3), "{mine:?}");
        assert_eq!(
            mine.property_bytes,
            3 + super::super::quota::PROPERTY_OVERHEAD
        );
        assert_eq!(kept, s.recount());
        assert_eq!(s.check_invariants(), Ok(()));
        s.clients.get_mut(&c).unwrap().held.resources += 1;
        let drift = s.check_invariants().unwrap_err();
        assert!(drift.contains("drifted"), "{drift}");
    }
}
