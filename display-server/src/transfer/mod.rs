//! Moving data between clients: selections (clipboard, primary) with lazy, chunked,
//! server-mediated transfers; drag-and-drop on top of them; and the save-set that keeps
//! embedded parts alive when their container dies.
//!
//! All of it is plain data in [`Transfers`], owned by the state thread like the rest of
//! [`crate::state::State`], so a transfer, a drag and a client's disconnect can never
//! interleave half-way.

mod dnd;
mod saveset;
mod selection;

pub use dnd::Drag;

use std::collections::{HashMap, HashSet};
use yonder_protocol::request::DndAction;
use yonder_protocol::{Atom, ClientId, Timestamp, WindowId};

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
}

impl Transfers {
    fn next_transfer(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}
