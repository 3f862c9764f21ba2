//! Moving data between clients, as data: selection owners, conversions under way, the
//! drag in progress, drops awaiting their finish, and each client's save-set. What the
//! requests and the pointer do with them is `transfer`'s (and the handlers').

use std::collections::{HashMap, HashSet};
use tiny_skia::Pixmap;
use yonder_protocol::request::{DndAction, DndActions};
use yonder_protocol::{Atom, ClientId, Point, Rect, Timestamp, WindowId};

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
