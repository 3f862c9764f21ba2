//! The per-client memory quota and count of resources. Every backing store (a window's
//! pixels) and pixmap is charged to the client whose id space its id is in, 4 bytes a
//! pixel, whoever asked for it to be made or resized; so is every property of its
//! windows, its bytes plus [`PROPERTY_OVERHEAD`], whoever set it. [`Client::drawable_bytes`]
//! and [`Held::property_bytes`] are the running totals, and [`Held::resources`] counts its
//! windows, pixmaps and GCs. Every change of `State::surfaces` for a client's drawable
//! goes through [`State::put_surface`] and [`State::take_surface`] here, every GC through
//! [`State::put_gc`] and [`State::take_gc`], every window leaving through
//! [`State::take_window`] and every property through [`State::charge_property`], so the
//! totals cannot drift from what is really held.
//!
//! The root (the server's) is charged to nobody; its properties are charged to the
//! server, which has a quota of its own, the same size as a client's.
//!
//! A request that would take a client past its quota or count fails with Alloc
//! (protocol.md §19.3) before anything is allocated; freeing a pixmap or GC, deleting a
//! property or destroying a window makes room again.
//!
//! [`Client::drawable_bytes`]: super::Client::drawable_bytes
//! [`Held::property_bytes`]: super::Held::property_bytes
//! [`Held::resources`]: super::Held::resources

use super::{Gc, State, Window};
use crate::command::fail;
use tiny_skia::Pixmap;
use yonder_protocol::{ClientId, Drawable, ErrorCode, GcId, ProtocolError, WindowId};

/// What a property costs besides its bytes (its entry in the window's table, its name
/// and type): so that a window's count of properties is bounded by the quota too.
pub const PROPERTY_OVERHEAD: u64 = 64;

/// What a property of `len` bytes is charged.
pub fn property_cost(len: usize) -> u64 {
    len as u64 + PROPERTY_OVERHEAD
}

/// What the GCs' cached clips (a mask the size of the drawable drawn into, and its
/// rectangles) may hold together, server-wide. Past it a GC's clip is not kept between
/// drawings but built again for each: slower for the client drawing with it, never an
/// error, and 65 536 GCs of a client cannot each keep a 32 MiB mask.
pub const CLIP_CACHE_BUDGET: u64 = 256 << 20;

/// Bytes held by a drawable of `width` × `height` pixels.
pub fn drawable_bytes(width: u32, height: u32) -> u64 {
    4 * width as u64 * height as u64
}

impl State {
    /// Checks that the client owning `id` may go from holding `release` bytes for it to
    /// holding `add` bytes: an Alloc error when that passes its quota. Ids of the server
    /// (the root) and of unknown spaces pass.
    pub(crate) fn check_quota(&self, id: u64, add: u64, release: u64) -> Result<(), ProtocolError> {
        let Some(c) = self.owner_of(id).and_then(|c| self.clients.get(&c)) else {
            return Ok(());
        };
        let held = c.drawable_bytes + c.held.property_bytes;
        let after = held.saturating_sub(release).saturating_add(add);
        if add > release && after > self.memory_quota {
            return Err(fail(
                ErrorCode::Alloc,
                id,
                format!(
                    "over the per-client memory quota: {} holds {} bytes of windows, \
                     pixmaps and properties, this needs {} more, the limit is {} \
                     (yonder-server --client-memory-quota)",
                    c.app_name,
                    held,
                    add - release,
                    self.memory_quota
                ),
            ));
        }
        Ok(())
    }

    /// Checks that `client` may create one more window, pixmap or GC: an Alloc error
    /// naming `id` when it holds its limit.
    pub(crate) fn check_resource_count(
        &self,
        client: ClientId,
        id: u64,
    ) -> Result<(), ProtocolError> {
        let max = self.bounds.max_client_resources;
        match self.clients.get(&client) {
            Some(c) if c.held.resources >= max => Err(fail(
                ErrorCode::Alloc,
                id,
                format!(
                    "{} holds its limit of {max} windows, pixmaps and graphics contexts \
                     (yonder-server --max-client-resources)",
                    c.app_name
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Checks that the properties of `window` may go from costing `release` to `add`
    /// (see [`property_cost`]): charged to the window's owner, or for the root to the
    /// server's own quota.
    pub(crate) fn check_property_quota(
        &self,
        window: WindowId,
        add: u64,
        release: u64,
    ) -> Result<(), ProtocolError> {
        if window != WindowId::ROOT {
            return self.check_quota(window.0, add, release);
        }
        let after = self
            .root_property_bytes
            .saturating_sub(release)
            .saturating_add(add);
        if add > release && after > self.memory_quota {
            return Err(fail(
                ErrorCode::Alloc,
                window.0,
                format!(
                    "the root window's properties hold {} bytes, this needs {} more, the \
                     limit is {} (yonder-server --client-memory-quota)",
                    self.root_property_bytes,
                    add - release,
                    self.memory_quota
                ),
            ));
        }
        Ok(())
    }

    /// Records that the properties of `window` went from costing `release` to `add`.
    pub(crate) fn charge_property(&mut self, window: WindowId, add: u64, release: u64) {
        let total = if window == WindowId::ROOT {
            Some(&mut self.root_property_bytes)
        } else {
            let owner = self.owner_of(window.0);
            owner
                .and_then(|c| self.clients.get_mut(&c))
                .map(|c| &mut c.held.property_bytes)
        };
        if let Some(t) = total {
            *t = t.saturating_sub(release) + add;
        }
    }

    /// Replaces property `name` of `window` with `value`, charged to the window's owner
    /// (Alloc past the quota; nothing changes then). The caller checked the window, and
    /// tells the clients (PropertyNotify).
    pub(crate) fn replace_property(
        &mut self,
        window: WindowId,
        name: yonder_protocol::Atom,
        value: super::Property,
    ) -> Result<(), yonder_protocol::ProtocolError> {
        let old = self
            .windows
            .get(&window)
            .and_then(|w| w.properties.get(&name));
        let release = old.map_or(0, |p| property_cost(p.data.len()));
        let add = property_cost(value.data.len());
        self.check_property_quota(window, add, release)?;
        if let Some(w) = self.windows.get_mut(&window) {
            w.properties.insert(name, value);
            self.charge_property(window, add, release);
            self.wm.restyle(window);
        }
        Ok(())
    }

    /// Removes window `w` from the table (not from its parent's children), crediting its
    /// owner with its properties. Its backing store is [`State::take_surface`]'s.
    pub(crate) fn take_window(&mut self, w: WindowId) -> Option<Window> {
        let win = self.windows.remove(&w)?;
        let cost: u64 = win
            .properties
            .values()
            .map(|p| property_cost(p.data.len()))
            .sum();
        self.charge_property(w, 0, cost);
        Some(win)
    }

    /// Stores a new GC, counting it as its owner's resource.
    pub(crate) fn put_gc(&mut self, id: GcId, gc: Gc) {
        if self.gcs.insert(id, gc).is_none() {
            self.count_resource(id.0, true);
        }
    }

    /// Checks that GC `id`'s owner may go from the GC's clip rectangles to `rects` of them
    /// (an Alloc error past `Bounds::max_client_clip_rects`), and counts them if so.
    pub(crate) fn charge_clip_rects(
        &mut self,
        id: GcId,
        rects: usize,
    ) -> Result<(), ProtocolError> {
        let old = self.gcs.get(&id).map_or(0, Gc::clip_len) as u64;
        let max = self.bounds.max_client_clip_rects;
        let Some(c) = self.owner_of(id.0).and_then(|c| self.clients.get_mut(&c)) else {
            return Ok(());
        };
        let after = c.held.clip_rects.saturating_sub(old) + rects as u64;
        if rects as u64 > old && after > max {
            return Err(fail(
                ErrorCode::Alloc,
                id.0,
                format!(
                    "{}'s graphics contexts would hold {after} clip rectangles; the limit \
                     is {max} for a client",
                    c.app_name
                ),
            ));
        }
        c.held.clip_rects = after;
        Ok(())
    }

    /// Removes a GC, uncounting it, its clip rectangles and its cached clip.
    pub(crate) fn take_gc(&mut self, id: GcId) -> Option<Gc> {
        let _ = self.charge_clip_rects(id, 0);
        let gc = self.gcs.remove(&id)?;
        self.count_resource(id.0, false);
        self.clip_cache_bytes = self.clip_cache_bytes.saturating_sub(gc.clip_charged);
        Some(gc)
    }

    /// Counts GC `id`'s cached clip as it is now (after a drawing or a clip change) in the
    /// server's total, and forgets it if that passes [`CLIP_CACHE_BUDGET`].
    pub(crate) fn settle_clip_cache(&mut self, id: GcId) {
        let Some(gc) = self.gcs.get_mut(&id) else {
            return;
        };
        let now = gc.clip_cache_bytes();
        let others = self.clip_cache_bytes.saturating_sub(gc.clip_charged);
        if others.saturating_add(now) > CLIP_CACHE_BUDGET {
            gc.drop_clip_cache();
            gc.clip_charged = 0;
            self.clip_cache_bytes = others;
        } else {
            gc.clip_charged = now;
            self.clip_cache_bytes = others + now;
        }
    }

    fn count_resource(&mut self, id: u64, more: bool) {
        if let Some(c) = self.owner_of(id).and_then(|c| self.clients.get_mut(&c)) {
            let n = &mut c.held.resources;
            *n = if more { *n + 1 } else { n.saturating_sub(1) };
        }
    }

    /// Stores the pixels of `d` (replacing any), charging its owner. They are not known
    /// to be opaque until the caller marks them (`State::opaque`).
    pub(crate) fn put_surface(&mut self, d: Drawable, pm: Pixmap) {
        self.opaque.forget(d);
        let add = drawable_bytes(pm.width(), pm.height());
        let old = self.surfaces.insert(d, pm);
        if old.is_none() {
            self.count_resource(d.0, true);
        }
        let release = old.map_or(0, |o| drawable_bytes(o.width(), o.height()));
        if let Some(c) = self.owner_of(d.0).and_then(|c| self.clients.get_mut(&c)) {
            c.drawable_bytes = c.drawable_bytes.saturating_sub(release) + add;
        }
    }

    /// Removes the pixels of `d`, crediting its owner.
    pub(crate) fn take_surface(&mut self, d: Drawable) -> Option<Pixmap> {
        let old = self.surfaces.remove(&d)?;
        self.opaque.forget(d);
        self.count_resource(d.0, false);
        if let Some(c) = self.owner_of(d.0).and_then(|c| self.clients.get_mut(&c)) {
            c.drawable_bytes = c
                .drawable_bytes
                .saturating_sub(drawable_bytes(old.width(), old.height()));
        }
        Some(old)
    }
}
