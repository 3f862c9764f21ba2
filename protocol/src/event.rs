//! Events: what the server tells a client without being asked. Codes follow X11's event
//! numbers. On the wire an event is `[code, [fields...]]` inside the server message
//! `[1, seq, event, sent]`.

use crate::geometry::Rect;
use crate::geometry::{DndAction, DndActions};
use crate::ids::{Atom, ClientId, ModMask, Timestamp, WindowId};
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
        42 => SelectionClear(SelectionClearEvent),
        43 => SelectionOwner(SelectionOwnerEvent),
        44 => SelectionRequest(SelectionRequestEvent),
        45 => SelectionData(SelectionDataEvent),
        46 => DndEnter(DndEnterEvent),
        47 => DndPosition(DndPositionEvent),
        48 => DndLeave(DndLeaveEvent),
        49 => DndDrop(DndDropEvent),
        50 => DndStatus(DndStatusEvent),
        51 => DndFinished(DndFinishedEvent),
        52 => ServerEnding(ServerEndingEvent),
        53 => MoveRequest(MoveRequestEvent),
        54 => MoveOutcome(MoveOutcomeEvent),
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
            Event::SelectionClear(e) => e.owner,
            Event::SelectionOwner(e) => e.root,
            Event::SelectionRequest(e) => e.owner,
            Event::SelectionData(e) => e.requestor,
            Event::DndEnter(e) => e.target,
            Event::DndPosition(e) => e.target,
            Event::DndLeave(e) => e.target,
            Event::DndDrop(e) => e.target,
            Event::DndStatus(e) => e.source,
            Event::DndFinished(e) => e.source,
            Event::ServerEnding(e) => e.root,
            Event::MoveRequest(e) => e.root,
            Event::MoveOutcome(e) => e.root,
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

impl KeyEvent {
    /// The text this key inserts into a text field: `text` when it is printable and no
    /// Control, Alt or Super key is held; else empty. `text` itself is what the keyboard
    /// produced, control characters included: Backspace gives `"\u{8}"`, Return `"\r"`,
    /// Tab `"\t"`, Escape `"\u{1b}"`, Delete `"\u{7f}"`, and Ctrl+C gives `"c"` with
    /// [`ModMask::CONTROL`] held. Editing keys are recognised by [`KeyEvent::keysym`]
    /// ([`crate::keysym`]) and shortcuts by [`KeyEvent::shortcut`], so an app needs no
    /// filtering of its own.
    pub fn typed(&self) -> &str {
        let chord = ModMask::CONTROL | ModMask::MOD1 | ModMask::MOD4;
        if self.modifiers.intersects(chord) || self.text.chars().any(char::is_control) {
            return "";
        }
        &self.text
    }

    /// The shortcut this key is, when Control is held: the lowercase character of its
    /// key (`Some('c')` for Ctrl+C and Ctrl+Shift+C alike), else `None`.
    pub fn shortcut(&self) -> Option<char> {
        if !self.modifiers.contains(ModMask::CONTROL) {
            return None;
        }
        let c = crate::keysym::to_char(self.keysym)?;
        (!c.is_control()).then(|| c.to_lowercase().next().unwrap_or(c))
    }
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

/// The receiver's window lost ownership of a selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionClearEvent {
    /// The window that owned it.
    pub owner: WindowId,
    /// The selection.
    pub selection: Atom,
    /// When.
    pub time: Timestamp,
}

/// A selection changed owner; sent to clients that selected OWNER_CHANGE on the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionOwnerEvent {
    /// The root window.
    pub root: WindowId,
    /// The selection.
    pub selection: Atom,
    /// The new owner, or NONE.
    pub owner: WindowId,
    /// When.
    pub time: Timestamp,
}

/// Someone wants the receiver's selection in type `target`: answer with SendSelectionData
/// requests carrying `transfer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionRequestEvent {
    /// The owner window.
    pub owner: WindowId,
    /// The transfer to answer (server-assigned).
    pub transfer: u64,
    /// The window asking.
    pub requestor: WindowId,
    /// The selection.
    pub selection: Atom,
    /// The type wanted.
    pub target: Atom,
}

/// A chunk of selection data for the requestor of ConvertSelection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionDataEvent {
    /// The requesting window.
    pub requestor: WindowId,
    /// The requestor's tag from ConvertSelection.
    pub tag: u32,
    /// The selection.
    pub selection: Atom,
    /// The type.
    pub target: Atom,
    /// This chunk's bytes (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
    /// Last chunk.
    pub done: bool,
    /// No data: no owner, the owner refused the type, or the owner went away.
    pub refused: bool,
}

/// A drag entered a window that selected DND.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndEnterEvent {
    /// The drop-target window.
    pub target: WindowId,
    /// The window the drag started from.
    pub source: WindowId,
    /// The types offered.
    pub types: Vec<Atom>,
    /// The actions allowed.
    pub actions: DndActions,
}

/// The drag moved over the target: answer with a DndStatus request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndPositionEvent {
    /// The drop-target window.
    pub target: WindowId,
    /// Pointer x relative to the target.
    pub x: i32,
    /// Pointer y relative to the target.
    pub y: i32,
    /// Pointer x on the root.
    pub root_x: i32,
    /// Pointer y on the root.
    pub root_y: i32,
    /// Server time.
    pub time: Timestamp,
}

/// The drag left the target (or was cancelled over it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndLeaveEvent {
    /// The drop-target window.
    pub target: WindowId,
}

/// The data was dropped on the target (which had accepted): fetch it with ConvertSelection
/// of YONDER_DND, then send DndFinish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndDropEvent {
    /// The drop-target window.
    pub target: WindowId,
    /// Drop x relative to the target.
    pub x: i32,
    /// Drop y relative to the target.
    pub y: i32,
    /// The action the target accepted with.
    pub action: DndAction,
    /// Server time.
    pub time: Timestamp,
}

/// The target's answer, for the drag source (cursor feedback).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndStatusEvent {
    /// The drag source window.
    pub source: WindowId,
    /// The target under the pointer.
    pub target: WindowId,
    /// Whether it would accept a drop.
    pub accept: bool,
    /// With which action.
    pub action: DndAction,
}

/// The drag is over: dropped and finished by the target (`success`), or cancelled
/// (Escape, released over nothing or over a window that refused, the target went away).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DndFinishedEvent {
    /// The drag source window.
    pub source: WindowId,
    /// The target, or NONE when the drag was cancelled before a drop.
    pub target: WindowId,
    /// The target took the data.
    pub success: bool,
    /// The action performed (Move: delete the source's copy).
    pub action: DndAction,
}

/// The server is about to stop (1.5, protocol.md §5.4): sent to every client of 1.5 or
/// later just before a clean stop. With `restart` a server will come back on the same
/// display (an upgrade, `yonder-server --restart`): a client may wait for it and
/// resume. Without it the display ends for good: a client should close its windows as
/// if the window manager had asked (save, then exit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerEndingEvent {
    /// The root window.
    pub root: WindowId,
    /// A server comes back on this display.
    pub restart: bool,
}

/// Someone asks this client to move to another display (1.6, protocol.md §5.5): sent by
/// the display the client is on, after a MoveClient from the client itself or a trusted
/// client. The client connects to `to` presenting `token`, moves its windows there, and
/// reports with MoveDone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveRequestEvent {
    /// The root window.
    pub root: WindowId,
    /// The display to move to (a display name).
    pub to: String,
    /// The token the other display granted (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub token: Vec<u8>,
    /// The client that asked.
    pub mover: ClientId,
}

/// How a move that this client asked for ended (1.6, protocol.md §5.5): the moved
/// client's MoveDone, or its connection ending before it said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveOutcomeEvent {
    /// The root window.
    pub root: WindowId,
    /// The client asked to move.
    pub client: ClientId,
    /// It moved.
    pub moved: bool,
    /// Why not, when it did not.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(keysym: u32, text: &str, modifiers: ModMask) -> KeyEvent {
        KeyEvent {
            window: WindowId(1),
            time: Timestamp(0),
            x: 0,
            y: 0,
            root_x: 0,
            root_y: 0,
            keysym,
            text: text.into(),
            modifiers,
            repeat: false,
        }
    }

    #[test]
    fn typed_text_leaves_out_control_characters_and_chords() {
        assert_eq!(key(0xe9, "é", ModMask::EMPTY).typed(), "é");
        assert_eq!(key(0x41, "A", ModMask::SHIFT).typed(), "A");
        assert_eq!(
            key(crate::keysym::BACKSPACE, "\u{8}", ModMask::EMPTY).typed(),
            ""
        );
        assert_eq!(key(crate::keysym::RETURN, "\r", ModMask::EMPTY).typed(), "");
        assert_eq!(key(0x63, "c", ModMask::CONTROL).typed(), "");
        assert_eq!(key(0x63, "c", ModMask::MOD1).typed(), "");
    }

    #[test]
    fn shortcuts_are_the_key_with_control() {
        assert_eq!(key(0x63, "c", ModMask::CONTROL).shortcut(), Some('c'));
        let shifted = ModMask::CONTROL | ModMask::SHIFT;
        assert_eq!(key(0x43, "C", shifted).shortcut(), Some('c'));
        assert_eq!(key(0x63, "c", ModMask::EMPTY).shortcut(), None);
        assert_eq!(
            key(crate::keysym::TAB, "\t", ModMask::CONTROL).shortcut(),
            None
        );
    }
}
