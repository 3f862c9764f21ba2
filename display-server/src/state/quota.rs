//! The per-client memory quota: every backing store (a window's pixels) and pixmap is
//! charged to the client whose id space its id is in, 4 bytes a pixel, whoever asked for
//! it to be made or resized. [`Client::drawable_bytes`] is the running total; every change
//! of `State::surfaces` for a client's drawable goes through [`State::put_surface`] and
//! [`State::take_surface`] here, so the total cannot drift from what is really held.
//! The root (the server's) is charged to nobody.
//!
//! A request that would take a client past its quota fails with Alloc (protocol.md §19.3)
//! before anything is allocated; freeing a pixmap or destroying a window makes room again.
//!
//! [`Client::drawable_bytes`]: super::Client::drawable_bytes

use super::State;
use crate::command::fail;
use tiny_skia::Pixmap;
use yonder_protocol::{Drawable, ErrorCode, ProtocolError};

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
        let after = c.drawable_bytes.saturating_sub(release).saturating_add(add);
        if add > release && after > self.memory_quota {
            return Err(fail(
                ErrorCode::Alloc,
                id,
                format!(
                    "over the per-client quota of drawable memory: {} holds {} bytes of \
                     windows and pixmaps, this needs {} more, the limit is {} \
                     (yonder-server --client-memory-quota)",
                    c.app_name,
                    c.drawable_bytes,
                    add - release,
                    self.memory_quota
                ),
            ));
        }
        Ok(())
    }

    /// Stores the pixels of `d` (replacing any), charging its owner.
    pub(crate) fn put_surface(&mut self, d: Drawable, pm: Pixmap) {
        let add = drawable_bytes(pm.width(), pm.height());
        let old = self.surfaces.insert(d, pm);
        let release = old.map_or(0, |o| drawable_bytes(o.width(), o.height()));
        if let Some(c) = self.owner_of(d.0).and_then(|c| self.clients.get_mut(&c)) {
            c.drawable_bytes = c.drawable_bytes.saturating_sub(release) + add;
        }
    }

    /// Removes the pixels of `d`, crediting its owner.
    pub(crate) fn take_surface(&mut self, d: Drawable) -> Option<Pixmap> {
        let old = self.surfaces.remove(&d)?;
        if let Some(c) = self.owner_of(d.0).and_then(|c| self.clients.get_mut(&c)) {
            c.drawable_bytes = c
                .drawable_bytes
                .saturating_sub(drawable_bytes(old.width(), old.height()));
        }
        Some(old)
    }
}
