//! Moving data between clients, as data: selection owners, conversions under way, the
//! drag in progress, drops awaiting their finish, and each client's save-set. What the
//! requests and the pointer do with them is `transfer`'s (and the handlers').
//!
//! Owners and conversions change only through [`State::set_owner`],
//! [`State::add_transfer`] and [`State::remove_transfer`], which keep each client's
//! count of selections owned and conversions asked for (`Held`) against its bounds
//! (`config::Bounds`, protocol.md §19.3).

use super::State;
use crate::command::fail;
use std::collections::{HashMap, HashSet, VecDeque};
use tiny_skia::Pixmap;
use yonder_protocol::request::{DndAction, DndActions};
use yonder_protocol::{Atom, ClientId, ErrorCode, Point, ProtocolError, Rect, Timestamp, WindowId};

/// Who owns a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    /// The owning window.
    pub window: WindowId,
    /// Its client.
    pub client: ClientId,
    /// When ownership was taken.
    pub time: Timestamp,
}

/// A conversion under way: the owner was asked and has not sent its last chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// The selection's owner at the time of the request.
    pub owner: ClientId,
    /// The asking client.
    pub requestor_client: ClientId,
    /// The asking window.
    pub requestor: WindowId,
    /// The requestor's tag.
    pub tag: u32,
    /// The selection.
    pub selection: Atom,
    /// The type asked for.
    pub target: Atom,
}

/// A drop the target has not yet reported finished.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// The drag source's client.
    pub source_client: ClientId,
    /// The drag source window.
    pub source: WindowId,
    /// The target window.
    pub target: WindowId,
    /// The accepted action.
    pub action: DndAction,
}

/// Selections, transfers, the drag and the save-sets.
#[derive(Default)]
pub struct Transfers {
    /// Current owners by selection.
    pub owners: HashMap<Atom, Owner>,
    /// Conversions under way, by server-assigned id.
    pub pending: HashMap<u64, Transfer>,
    next_id: u64,
    /// The drag in progress, if any (there is one pointer, so at most one drag).
    pub drag: Option<Drag>,
    /// Drops awaiting DndFinish from their target.
    pub dropped: Vec<Dropped>,
    /// Each client's save-set.
    pub save_sets: HashMap<ClientId, HashSet<WindowId>>,
    /// Save-set entries of windows that do not exist yet (1.6, protocol.md §18.1): each
    /// joins its client's save-set when a window of that id is created inside one of the
    /// client's windows (a moving part arriving after its container). At most
    /// [`MAX_WAITING_SAVE_SET`] per client.
    pub save_sets_waiting: HashMap<ClientId, HashSet<WindowId>>,
    /// Transfers whose requestor left while they were open, oldest first (some may have
    /// ended since): at most [`MAX_ABANDONED_TRANSFERS`], the oldest dropped past it.
    pub abandoned: VecDeque<u64>,
}

/// Transfers of departed requestors kept open, server-wide (protocol.md §17.2, §19.3):
/// an owner may still answer them, but a requestor that asks and leaves, again and
/// again, of an owner that never answers must not grow the table without end.
pub const MAX_ABANDONED_TRANSFERS: usize = 4096;

/// Most save-set entries one client may have waiting for their windows.
pub const MAX_WAITING_SAVE_SET: usize = 64;

/// Drops awaiting DndFinish, server-wide (protocol.md §17.3, §19.3): a drop needs the
/// user's button, but a target that accepts and never finishes must not grow the list
/// without end either. Past it the oldest drop fails, as if its target had gone.
pub const MAX_DROPS_AWAITING: usize = 256;

impl Transfers {
    /// A fresh transfer id.
    pub fn next_transfer(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// A drag in progress.
pub struct Drag {
    /// The source's client.
    pub client: ClientId,
    /// The source window.
    pub source: WindowId,
    /// Types offered.
    pub types: Vec<Atom>,
    /// Actions allowed.
    pub actions: DndActions,
    /// The icon drawn under the pointer (a copy of the client's pixmap).
    pub icon: Option<Pixmap>,
    /// The icon's point under the pointer.
    pub hotspot: Point,
    /// The window under the pointer that accepts drags, if any.
    pub target: Option<WindowId>,
    /// The target's last answer.
    pub accept: bool,
    /// The action of that answer.
    pub action: DndAction,
    /// Where the icon was last drawn on the screen (damaged again when it moves away).
    pub shown: Option<Rect>,
}

impl Transfers {
    /// The drag icon and its top-left on the screen with the pointer at `pointer`.
    pub fn drag_icon(&self, pointer: Point) -> Option<(&Pixmap, Point)> {
        let d = self.drag.as_ref()?;
        Some((
            d.icon.as_ref()?,
            Point::new(
                pointer.x.saturating_sub(d.hotspot.x),
                pointer.y.saturating_sub(d.hotspot.y),
            ),
        ))
    }
}

impl State {
    /// Sets (or clears) the owner of `selection`, moving the count of selections owned
    /// from the previous owner's client to the new one's. Returns the previous owner.
    pub fn set_owner(&mut self, selection: Atom, new: Option<Owner>) -> Option<Owner> {
        if let Some(c) = new.as_ref().and_then(|o| self.clients.get_mut(&o.client)) {
            c.held.selections += 1;
        }
        let old = match new {
            Some(o) => self.transfers.owners.insert(selection, o),
            None => self.transfers.owners.remove(&selection),
        };
        if let Some(c) = old.as_ref().and_then(|o| self.clients.get_mut(&o.client)) {
            c.held.selections = c.held.selections.saturating_sub(1);
        }
        old
    }

    /// Checks that `client` may take `selection`: Alloc, naming `window`, when it
    /// owns its limit of selections and this is not one of them.
    pub fn check_selection_count(
        &self,
        client: ClientId,
        selection: Atom,
        window: WindowId,
    ) -> Result<(), ProtocolError> {
        let max = self.bounds.max_client_selections;
        let Some(c) = self.clients.get(&client) else {
            return Ok(());
        };
        let already = self
            .transfers
            .owners
            .get(&selection)
            .is_some_and(|o| o.client == client);
        if c.held.selections >= max && !already {
            return Err(fail(
                ErrorCode::Alloc,
                window.0,
                format!(
                    "{} owns its limit of {max} selections; it must give one up first",
                    c.app_name
                ),
            ));
        }
        Ok(())
    }

    /// Records a conversion asked for, charged to its requestor, and returns its id; or
    /// Alloc, naming the requestor window, when the requestor already waits for its
    /// limit of conversions.
    pub fn add_transfer(&mut self, t: Transfer) -> Result<u64, ProtocolError> {
        let max = self.bounds.max_client_conversions;
        if let Some(c) = self.clients.get_mut(&t.requestor_client) {
            if c.held.conversions >= max {
                return Err(fail(
                    ErrorCode::Alloc,
                    t.requestor.0,
                    format!(
                        "{} waits for its limit of {max} conversions; it must receive \
                         the last chunk of one first",
                        c.app_name
                    ),
                ));
            }
            c.held.conversions += 1;
        }
        let id = self.transfers.next_transfer();
        self.transfers.pending.insert(id, t);
        Ok(id)
    }

    /// Ends a conversion, crediting its requestor.
    pub fn remove_transfer(&mut self, id: u64) -> Option<Transfer> {
        let t = self.transfers.pending.remove(&id)?;
        if let Some(c) = self.clients.get_mut(&t.requestor_client) {
            c.held.conversions = c.held.conversions.saturating_sub(1);
        }
        Some(t)
    }
}
