//! Input requests: focus, pointer query, synthetic input (XTEST's role), and the
//! administrative requests sync and list-clients.

use crate::ids::WindowId;
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// Gives the keyboard focus to a window (NONE: key events are discarded). The window must
/// be viewable, else Match error. Sends FocusOut/FocusIn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetInputFocus {
    /// The new focus window, or NONE.
    pub window: WindowId,
}

/// Asks which window has the focus; reply [`crate::reply::InputFocusReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetInputFocus {}

/// Asks where the pointer is, relative to `window`; reply [`crate::reply::QueryPointerReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryPointer {
    /// The window the coordinates are relative to.
    pub window: WindowId,
}

/// The kind of a synthetic input event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum FakeKind {
    /// Press the key whose keysym is `detail`.
    KeyPress = 2,
    /// Release the key whose keysym is `detail`.
    KeyRelease = 3,
    /// Press pointer button `detail` (4/5 are the wheel, 6/7 horizontal wheel).
    ButtonPress = 4,
    /// Release pointer button `detail`.
    ButtonRelease = 5,
    /// Move the pointer to (x, y) in root coordinates.
    Motion = 6,
}

/// Injects input as if from the real devices. Refused (Access error) unless the server was
/// started with `--allow-synthetic-input`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FakeInput {
    /// What happens.
    pub kind: FakeKind,
    /// Keysym for keys, button number for buttons, 0 for motion.
    pub detail: u32,
    /// Root x for motion.
    pub x: i32,
    /// Root y for motion.
    pub y: i32,
}

/// Does nothing but answer ([`crate::reply::SyncReply`]): a round trip. When the reply
/// arrives, every earlier request has been carried out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sync {}

/// Does nothing (version 1.9; X's NoOperation). It has no reply, cannot fail on a 1.9
/// connection, and still takes a sequence number: a padding or keep-alive request, and
/// the floor of what a request costs. Senders use its shortest encoding, the 7 bytes of
/// [`NoOperation::FRAME`], which a server may count where it reads them without decoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoOperation {}

impl NoOperation {
    /// Its whole frame in the shortest encoding: the length 3, then `[28, []]`.
    pub const FRAME: [u8; 7] = [3, 0, 0, 0, 0x92, 28, 0x90];
    /// Its body, the frame without the length.
    pub const BODY: [u8; 3] = [Self::FRAME[4], Self::FRAME[5], Self::FRAME[6]];
}

/// Lists the connected clients; reply [`crate::reply::ListClientsReply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListClients {}

/// What the server does with a client's resources when its connection ends without the
/// client closing the session itself (1.5, protocol.md §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum CloseDownMode {
    /// Free everything at once, as for every client before 1.5.
    Destroy = 0,
    /// Keep the client detached for the server's grace period, so that it can resume.
    Retain = 1,
}

/// Sets the client's [`CloseDownMode`] (1.5). A client ending its session on purpose
/// sends `Destroy` and then closes its connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetCloseDownMode {
    /// The new mode.
    pub mode: CloseDownMode,
}
