//! Window requests: create, destroy, map, unmap, configure, reparent, attributes, tree.

use crate::geometry::{Color, Rect};
use crate::ids::{Drawable, EventMask, WindowId};
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// Window attributes. In [`CreateWindow`] an absent value takes the default; in
/// [`ChangeWindowAttributes`] an absent value stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowAttributes {
    /// Background color painted on expose and clear (default: opaque white).
    pub background: Option<Color>,
    /// Events this client wants from the window (default: none).
    pub event_mask: Option<EventMask>,
    /// Bypass window management: no decorations, not managed (menus, tooltips). Default false.
    pub override_redirect: Option<bool>,
    /// The pointer's shape over the window (default: inherited from the parent; the root's
    /// is [`Cursor::Default`]). Added in 1.1: may be left out.
    #[serde(default)]
    pub cursor: Option<Cursor>,
}

/// Named pointer shapes (the CSS cursor names, as winit has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum Cursor {
    /// Inherit from the parent window (the root's is the arrow).
    #[default]
    Inherit = 0,
    /// The platform's default arrow.
    Default = 1,
    /// A hand, for links and buttons.
    Pointer = 2,
    /// A text-insertion bar.
    Text = 3,
    /// A crosshair.
    Crosshair = 4,
    /// Four arrows: something will move.
    Move = 5,
    /// Busy.
    Wait = 6,
    /// Busy, but still interactive.
    Progress = 7,
    /// Not allowed.
    NotAllowed = 8,
    /// Help.
    Help = 9,
    /// An open hand: can be grabbed.
    Grab = 10,
    /// A closed hand: being dragged.
    Grabbing = 11,
    /// Horizontal resize.
    EwResize = 12,
    /// Vertical resize.
    NsResize = 13,
    /// Diagonal resize (top-left to bottom-right).
    NwseResize = 14,
    /// Diagonal resize (top-right to bottom-left).
    NeswResize = 15,
    /// Copy (drag and drop).
    Copy = 16,
    /// Alias / link (drag and drop).
    Alias = 17,
    /// No pointer shown.
    Hidden = 18,
}

/// Creates an unmapped window as the topmost child of `parent`. Errors: Window (parent),
/// IdChoice (id not in the client's space or in use), Value (zero or too-large size), Alloc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateWindow {
    /// The new window's id, chosen by the client.
    pub id: WindowId,
    /// Its parent; may belong to another client (embedding).
    pub parent: WindowId,
    /// Position relative to the parent's origin, and size (both sides ≥ 1).
    pub rect: Rect,
    /// Initial attributes.
    pub attributes: WindowAttributes,
}

/// Changes attributes of a window. The event mask set is the *sending* client's selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeWindowAttributes {
    /// The window.
    pub window: WindowId,
    /// The values to change.
    pub attributes: WindowAttributes,
}

/// Asks for a window's attributes; reply [`crate::reply::WindowAttributesReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetWindowAttributes {
    /// The window.
    pub window: WindowId,
}

/// Destroys a window and all its descendants (DestroyNotify for each, innermost first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestroyWindow {
    /// The window; destroying the root is an Access error.
    pub window: WindowId,
}

/// Maps a window: it becomes viewable if all its ancestors are mapped, and gets an Expose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapWindow {
    /// The window.
    pub window: WindowId,
}

/// Unmaps a window: it and its descendants stop being drawn; the area below is exposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmapWindow {
    /// The window.
    pub window: WindowId,
}

/// Where to restack a window among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum StackMode {
    /// On top of `sibling`, or of all siblings when there is none.
    Above = 0,
    /// Just below `sibling`, or below all siblings when there is none.
    Below = 1,
}

/// Moves, resizes and/or restacks a window. Absent values are unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigureWindow {
    /// The window.
    pub window: WindowId,
    /// New x relative to the parent.
    pub x: Option<i32>,
    /// New y relative to the parent.
    pub y: Option<i32>,
    /// New width (≥ 1).
    pub width: Option<u32>,
    /// New height (≥ 1).
    pub height: Option<u32>,
    /// New stacking position.
    pub stack_mode: Option<StackMode>,
    /// The sibling `stack_mode` is relative to (Match error if not a sibling).
    pub sibling: Option<WindowId>,
}

/// Moves a window under a new parent (which may belong to another client), at (x, y).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReparentWindow {
    /// The window.
    pub window: WindowId,
    /// The new parent; Match error if it is the window itself or one of its descendants.
    pub parent: WindowId,
    /// New x relative to the new parent.
    pub x: i32,
    /// New y relative to the new parent.
    pub y: i32,
}

/// Asks for a drawable's geometry; reply [`crate::reply::GeometryReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetGeometry {
    /// A window or pixmap.
    pub drawable: Drawable,
}

/// Asks for a window's parent and children; reply [`crate::reply::QueryTreeReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryTree {
    /// The window.
    pub window: WindowId,
}
