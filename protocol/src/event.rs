//! Events: what the server tells a client without being asked. Codes follow X11's event
//! numbers. On the wire an event is `[code, [fields...]]` inside the server message
//! `[1, seq, event, sent]`.

use crate::geometry::Rect;
use crate::ids::{Atom, ModMask, Timestamp, WindowId};
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

tagged! {
    /// Every event.
    pub enum Event ("event") {
        2 => KeyPress(KeyEvent),
        3 => KeyRelease(KeyEvent),
        4 => ButtonPress(ButtonEvent),
        5 => ButtonRelease(ButtonEvent),
        6 => Motion(MotionEvent),
        7 => Enter(CrossingEvent),
        8 => Leave(CrossingEvent),
        9 => FocusIn(FocusEvent),
        10 => FocusOut(FocusEvent),
        12 => Expose(ExposeEvent),
        17 => Destroy(DestroyEvent),
        18 => Unmap(UnmapEvent),
        19 => Map(MapEvent),
        22 => Configure(ConfigureEvent),
        28 => Property(PropertyEvent),
        33 => ClientMessage(ClientMessage),
        40 => Scroll(ScrollEvent),
        41 => ScreenChange(ScreenChangeEvent),
    }
}

impl Event {
    /// The window the event is reported on (the one whose selection delivered it).
    pub fn window(&self) -> WindowId {
        match self {
            Event::KeyPress(e) | Event::KeyRelease(e) => e.window,
            Event::ButtonPress(e) | Event::ButtonRelease(e) => e.window,
            Event::Motion(e) => e.window,
            Event::Enter(e) | Event::Leave(e) => e.window,
            Event::FocusIn(e) | Event::FocusOut(e) => e.window,
            Event::Expose(e) => e.window,
            Event::Destroy(e) => e.event,
            Event::Unmap(e) => e.event,
            Event::Map(e) => e.event,
            Event::Configure(e) => e.event,
            Event::Property(e) => e.window,
            Event::ClientMessage(e) => e.window,
            Event::Scroll(e) => e.window,
            Event::ScreenChange(e) => e.root,
        }
    }
}

/// A key press or release, sent to the focus window (or its nearest ancestor that selected it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyEvent {
    /// The window reported on.
    pub window: WindowId,
    /// Server time.
    pub time: Timestamp,
    /// Pointer x relative to `window`.
    pub x: i32,
    /// Pointer y relative to `window`.
    pub y: i32,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// The key's symbol (X11 keysym values, see [`crate::keysym`]).
    pub keysym: u32,
    /// The text the key produces (empty for function keys and releases).
    pub text: String,
    /// Modifiers and buttons held *before* this event.
    pub modifiers: ModMask,
    /// True for an auto-repeated press.
    pub repeat: bool,
}

/// A pointer button press or release; buttons 4/5 (6/7) are one wheel step up/down (left/right).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ButtonEvent {
    /// The window reported on.
    pub window: WindowId,
    /// Server time.
    pub time: Timestamp,
    /// Pointer x relative to `window`.
    pub x: i32,
    /// Pointer y relative to `window`.
    pub y: i32,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// Button number: 1 left, 2 middle, 3 right, 4–7 wheel.
    pub button: u8,
    /// Modifiers and buttons held *before* this event.
    pub modifiers: ModMask,
}

/// Pointer motion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MotionEvent {
    /// The window reported on.
    pub window: WindowId,
    /// Server time.
    pub time: Timestamp,
    /// Pointer x relative to `window`.
    pub x: i32,
    /// Pointer y relative to `window`.
    pub y: i32,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// Modifiers and buttons held.
    pub modifiers: ModMask,
}

/// The pointer entered or left a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossingEvent {
    /// The window entered or left.
    pub window: WindowId,
    /// Server time.
    pub time: Timestamp,
    /// Pointer x relative to `window`.
    pub x: i32,
    /// Pointer y relative to `window`.
    pub y: i32,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// Modifiers and buttons held.
    pub modifiers: ModMask,
}

/// The keyboard focus arrived at or left a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FocusEvent {
    /// The window.
    pub window: WindowId,
}

/// Part of a window must be redrawn. `count` is how many more Expose events for the same
/// window follow right behind this one (0 on the last), so a client can redraw once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExposeEvent {
    /// The window.
    pub window: WindowId,
    /// The damaged area, window-relative.
    pub rect: Rect,
    /// Expose events still to come for this window in this batch.
    pub count: u32,
}

/// A window was destroyed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestroyEvent {
    /// The window whose selection reported it (itself, or its parent for SUBSTRUCTURE_NOTIFY).
    pub event: WindowId,
    /// The destroyed window.
    pub window: WindowId,
}

/// A window was unmapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmapEvent {
    /// The window whose selection reported it.
    pub event: WindowId,
    /// The unmapped window.
    pub window: WindowId,
}

/// A window was mapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapEvent {
    /// The window whose selection reported it.
    pub event: WindowId,
    /// The mapped window.
    pub window: WindowId,
    /// Its override-redirect flag.
    pub override_redirect: bool,
}

/// A window's position, size or stacking changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigureEvent {
    /// The window whose selection reported it.
    pub event: WindowId,
    /// The changed window.
    pub window: WindowId,
    /// Its new geometry, relative to its parent.
    pub rect: Rect,
    /// The sibling just below it, or NONE if it is at the bottom.
    pub above_sibling: WindowId,
    /// Its override-redirect flag.
    pub override_redirect: bool,
}

/// What happened to a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum PropertyState {
    /// Set or changed.
    NewValue = 0,
    /// Deleted.
    Deleted = 1,
}

/// A property changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyEvent {
    /// The window.
    pub window: WindowId,
    /// The property.
    pub atom: Atom,
    /// New value or deleted.
    pub state: PropertyState,
    /// Server time.
    pub time: Timestamp,
}

/// A message from one client to another (through SendEvent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientMessage {
    /// The window it is about.
    pub window: WindowId,
    /// What kind of message (e.g. WM_PROTOCOLS).
    pub type_: Atom,
    /// The payload (MessagePack bin, at most 4096 bytes).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}

/// Precise scrolling (touchpads, smooth wheels), besides the button 4–7 events that whole
/// wheel steps generate. Selected with [`crate::EventMask::SCROLL`]; delivered like button
/// events (to the window under the pointer, propagating up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrollEvent {
    /// The window reported on.
    pub window: WindowId,
    /// Server time.
    pub time: Timestamp,
    /// Pointer x relative to `window`.
    pub x: i32,
    /// Pointer y relative to `window`.
    pub y: i32,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// Horizontal scroll in pixels (positive: content moves right, i.e. scroll left).
    pub delta_x: f64,
    /// Vertical scroll in pixels (positive: content moves down, i.e. scroll up).
    pub delta_y: f64,
    /// Modifiers and buttons held.
    pub modifiers: ModMask,
}

/// The screen changed size or scale factor (the host window was resized or moved to
/// another monitor). Sent to every client that selected STRUCTURE_NOTIFY on the root, after
/// the root's own Configure event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenChangeEvent {
    /// The root window.
    pub root: WindowId,
    /// New width in pixels.
    pub width: u32,
    /// New height in pixels.
    pub height: u32,
    /// Device pixels per logical pixel.
    pub scale_factor: f64,
}
