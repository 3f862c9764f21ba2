//! The input devices' state as data: where the pointer is, what is held, where the focus
//! and the implicit grab are. What input does with it is `input`'s.

use yonder_protocol::request::Cursor;
use yonder_protocol::{ModMask, Point, Timestamp, WindowId};

/// The devices' state.
#[derive(Debug)]
pub struct InputState {
    /// Pointer position on the root.
    pub pointer: Point,
    /// Buttons held (button bits of ModMask).
    pub buttons: ModMask,
    /// Modifier keys held.
    pub modifiers: ModMask,
    /// The window the pointer is in (deepest viewable) as last announced by enter/leave;
    /// frozen while a grab is held.
    pub pointer_window: WindowId,
    /// The top-level at the pointer (its window or its frame is there; none over the bare
    /// root), with the point it was found for: what the pointer's shape and the frames'
    /// hit tests read, so that they do not walk every top-level after each burst. Found
    /// again with the window under the pointer (motion, and any change of the tree where
    /// the pointer is); another point is looked up afresh.
    pub pointer_top: (Point, Option<WindowId>),
    /// The pointer shape last shown.
    pub cursor: Cursor,
    /// The window holding the implicit grab while a button is down.
    pub grab: Option<WindowId>,
    /// The focus window; NONE discards keys; ROOT means "the window under the pointer"
    /// (X's PointerRoot), the default.
    pub focus: WindowId,
    /// When the last key was pressed (server time), for focus-stealing prevention.
    pub last_key: Option<Timestamp>,
}

impl Default for InputState {
    fn default() -> Self {
        InputState {
            pointer: Point::default(),
            buttons: ModMask::EMPTY,
            modifiers: ModMask::EMPTY,
            pointer_window: WindowId::ROOT,
            pointer_top: (Point::default(), None),
            grab: None,
            cursor: Cursor::Default,
            focus: WindowId::ROOT,
            last_key: None,
        }
    }
}
