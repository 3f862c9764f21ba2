//! Replies: the answers to requests that have one. On the wire a reply is
//! `[opcode, [fields...]]` with the opcode of the request it answers, inside the
//! server message `[0, seq, reply]`. Which request has which reply, and the one
//! [`crate::Reply`] enum, come from the table in [`crate::descriptor`].

use crate::geometry::{Color, Rect};
use crate::ids::{Atom, ClientId, EventMask, ModMask, WindowId};
use crate::request::ImageFormat;
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// Whether a window is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum MapState {
    /// Not mapped.
    Unmapped = 0,
    /// Mapped, but an ancestor is not.
    Unviewable = 1,
    /// Mapped and all ancestors mapped.
    Viewable = 2,
}

/// Answer to GetWindowAttributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowAttributesReply {
    /// Map state.
    pub map_state: MapState,
    /// Override-redirect flag.
    pub override_redirect: bool,
    /// Background color.
    pub background: Color,
    /// The asking client's event selection on the window.
    pub your_event_mask: EventMask,
    /// The union of all clients' selections.
    pub all_event_masks: EventMask,
    /// The client that created the window (0: the server).
    pub owner: ClientId,
}

/// Answer to GetGeometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeometryReply {
    /// The root window of the drawable's screen.
    pub root: WindowId,
    /// Position relative to the parent (0,0 for pixmaps) and size.
    pub rect: Rect,
}

/// Answer to QueryTree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryTreeReply {
    /// The root window.
    pub root: WindowId,
    /// The parent (NONE for the root).
    pub parent: WindowId,
    /// The children, bottom to top in stacking order.
    pub children: Vec<WindowId>,
}

/// Answer to InternAtom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternAtomReply {
    /// The atom, or NONE when `only_if_exists` and it does not exist.
    pub atom: Atom,
}

/// Answer to GetAtomName.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtomNameReply {
    /// The name.
    pub name: String,
}

/// Answer to GetProperty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyReply {
    /// The type, or NONE if the property does not exist.
    pub type_: Atom,
    /// The value (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}

/// Answer to ListProperties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPropertiesReply {
    /// The property names.
    pub atoms: Vec<Atom>,
}

/// Answer to GetInputFocus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFocusReply {
    /// The focus window, or NONE.
    pub window: WindowId,
}

/// Answer to QueryPointer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryPointerReply {
    /// The root window.
    pub root: WindowId,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// The child of the queried window that contains the pointer, or NONE.
    pub child: WindowId,
    /// Pointer x relative to the queried window.
    pub win_x: i32,
    /// Pointer y relative to the queried window.
    pub win_y: i32,
    /// Modifiers and buttons held.
    pub mask: ModMask,
}

/// Answer to Sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncReply {}

/// One connected client, in [`ListClientsReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientInfo {
    /// The server's number for it.
    pub id: ClientId,
    /// The app name from its hello.
    pub app_name: String,
    /// Its id space.
    pub id_space: u32,
    /// How many windows it owns.
    pub windows: u32,
    /// How many pixmaps it owns.
    pub pixmaps: u32,
    /// How many GCs it owns.
    pub gcs: u32,
    /// Added in 1.5: set when the client is detached (its connection was lost and the
    /// server keeps it for a resume, protocol.md §5.4): the seconds since then. Absent
    /// for a connected client, and always absent in a reply to a client before 1.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detached_secs: Option<u32>,
}

/// Answer to ListClients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListClientsReply {
    /// Every connected client, the asker included.
    pub clients: Vec<ClientInfo>,
}

/// Answer to GrantMove (1.6): a migration token for the app named in the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveTokenReply {
    /// 16 random bytes (MessagePack bin), presented in the moving app's hello.
    #[serde(with = "serde_bytes")]
    pub token: Vec<u8>,
    /// How long the token stays valid, in milliseconds from the reply.
    pub expires_ms: u32,
}

/// Answer to GetImage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageReply {
    /// Width of the image.
    pub width: u32,
    /// Height of the image.
    pub height: u32,
    /// Format of `data`.
    pub format: ImageFormat,
    /// The pixels or PNG file (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}

/// Answer to QueryTextExtents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextExtentsReply {
    /// Advance width of the whole text.
    pub width: u32,
    /// Highest ink above the baseline (positive up).
    pub ascent: i32,
    /// Lowest ink below the baseline (positive down).
    pub descent: i32,
    /// The font's ascent at this size.
    pub font_ascent: i32,
    /// The font's descent at this size.
    pub font_descent: i32,
}

/// Answer to QueryTextExtentsBatch (version 1.8): the extents of each text, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextExtentsBatchReply {
    /// One per text asked about.
    pub extents: Vec<TextExtentsReply>,
}

/// Answer to GetSelectionOwner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionOwnerReply {
    /// The owning window, or NONE.
    pub owner: WindowId,
}
