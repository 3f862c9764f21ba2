//! Selections (clipboard, primary), drag-and-drop and the save-set: the requests behind
//! compound documents. Data always flows through the server, lazily: an owner is asked
//! for a selection's content only when someone converts it, in the type asked for, and
//! sends it back in chunks of any number.

use crate::geometry::Point;
use crate::ids::{Atom, PixmapId, Timestamp, WindowId};
use serde::{Deserialize, Serialize};

/// The drag-and-drop actions are common types (events carry them too); here as well
/// because requests name them.
pub use crate::geometry::{DndAction, DndActions};

/// Makes `owner` the owner of `selection` (NONE: no owner). The previous owner gets
/// SelectionClear; clients selecting OWNER_CHANGE on the root get SelectionOwner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetSelectionOwner {
    /// The selection (e.g. CLIPBOARD, PRIMARY).
    pub selection: Atom,
    /// The owning window (must belong to the sender), or NONE.
    pub owner: WindowId,
    /// When the user action that took ownership happened (0: now).
    pub time: Timestamp,
}

/// Asks who owns a selection; reply [`crate::reply::SelectionOwnerReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetSelectionOwner {
    /// The selection.
    pub selection: Atom,
}

/// Asks for a selection's content in the type `target` (an atom naming a MIME type, or
/// TARGETS for the list of types offered). The owner gets a SelectionRequest; the data
/// arrives as SelectionData events tagged with `tag`, the last with `done` set. With no
/// owner, one SelectionData with `refused` comes back at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertSelection {
    /// The selection.
    pub selection: Atom,
    /// The type wanted.
    pub target: Atom,
    /// The requesting window (must belong to the sender).
    pub requestor: WindowId,
    /// A number of the requestor's choosing, echoed in the SelectionData events.
    pub tag: u32,
}

/// The owner's answer to a SelectionRequest: one chunk of the data. Send any number of
/// chunks (each within the frame limit), the last with `done`; or one with `refused` when
/// the type cannot be provided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendSelectionData {
    /// The transfer, from the SelectionRequest.
    pub transfer: u64,
    /// The bytes of this chunk (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
    /// This is the last chunk.
    pub done: bool,
    /// The owner cannot provide this type (implies done; `data` is ignored).
    pub refused: bool,
}

/// Starts a drag from `source`, which must hold the pointer (a button of the sender's was
/// pressed on it and is still down; else Match error). The server owns the pointer until
/// the button is released or Escape is pressed: it draws `icon` (if any) under the pointer
/// with its `hotspot` at the pointer, and tells windows that selected DND about the drag.
/// The selection YONDER_DND becomes owned by `source` for the data transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartDrag {
    /// The window the drag starts from.
    pub source: WindowId,
    /// The types offered (MIME atoms), best first.
    pub types: Vec<Atom>,
    /// The actions allowed.
    pub actions: DndActions,
    /// A pixmap to show under the pointer (copied at the start), or NONE.
    pub icon: PixmapId,
    /// The point of the icon that sits under the pointer.
    pub hotspot: Point,
}

/// A drop target's answer to DndEnter/DndPosition: whether it would accept a drop here,
/// and with which action. Forwarded to the source as a DndStatus event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndStatus {
    /// The target window (the current drag target, belonging to the sender).
    pub target: WindowId,
    /// Accept a drop at the last position.
    pub accept: bool,
    /// The action it would perform (must be one the source allows when accepting).
    pub action: DndAction,
}

/// The drop target says it is done with a drop (after fetching the data). Forwarded to
/// the source as DndFinished, so a move source can delete its copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndFinish {
    /// The target window the drop happened on.
    pub target: WindowId,
    /// Whether the data was taken.
    pub success: bool,
    /// The action performed.
    pub action: DndAction,
}

/// Adds or removes a window of *another* client to the sender's save-set: when the sender
/// disconnects, save-set windows inside its windows are reparented to the root (keeping
/// their screen position) and mapped instead of being destroyed with them. Embedding
/// containers put their parts' windows in their save-set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeSaveSet {
    /// The window.
    pub window: WindowId,
    /// Insert (true) or remove.
    pub insert: bool,
}
