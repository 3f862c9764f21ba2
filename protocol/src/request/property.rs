//! Atom and property requests, and client-to-client events.

use crate::event::Event;
use crate::ids::{Atom, EventMask, WindowId};
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// Returns the atom for a name, creating it unless `only_if_exists`; reply
/// [`crate::reply::InternAtomReply`] (atom 0 when it does not exist and was not created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternAtom {
    /// The name (1..=256 bytes of UTF-8).
    pub name: String,
    /// Do not create the atom if it is new.
    pub only_if_exists: bool,
}

/// Returns an atom's name; reply [`crate::reply::AtomNameReply`]. Error: Atom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetAtomName {
    /// The atom.
    pub atom: Atom,
}

/// How [`ChangeProperty`] combines new data with the old value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum PropMode {
    /// Replace the whole value (and the type).
    Replace = 0,
    /// Insert before the old value (types must match, else Match error).
    Prepend = 1,
    /// Add after the old value (types must match, else Match error).
    Append = 2,
}

/// Sets a window property. Numbers inside property data are little-endian by convention:
/// u32 for types CARDINAL and ATOM, u64 for WINDOW and PIXMAP ids. Sends
/// PropertyNotify(NewValue) to clients selecting PROPERTY_CHANGE on the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeProperty {
    /// The window.
    pub window: WindowId,
    /// The property name.
    pub property: Atom,
    /// The type of the data (e.g. UTF8_STRING).
    pub type_: Atom,
    /// Replace, prepend or append.
    pub mode: PropMode,
    /// The value (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}

/// Removes a property (PropertyNotify(Deleted) if it existed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteProperty {
    /// The window.
    pub window: WindowId,
    /// The property name.
    pub property: Atom,
}

/// Reads a property; reply [`crate::reply::PropertyReply`] (type 0 and no data if absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetProperty {
    /// The window.
    pub window: WindowId,
    /// The property name.
    pub property: Atom,
    /// Delete it after reading (only if it existed).
    pub delete: bool,
}

/// Lists the property names set on a window; reply [`crate::reply::ListPropertiesReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListProperties {
    /// The window.
    pub window: WindowId,
}

/// Sends an event to the clients that selected `event_mask` on `destination`, or, when
/// `event_mask` is empty, to the client that created `destination`. The event arrives
/// marked as sent (`sent = true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendEvent {
    /// The window to deliver to.
    pub destination: WindowId,
    /// Which selections receive it (empty: the window's creator).
    pub event_mask: EventMask,
    /// The event (usually [`crate::event::ClientMessage`]).
    pub event: Event,
}
