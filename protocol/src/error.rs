//! Protocol errors: a request failed. They arrive asynchronously as `[2, seq, error]`, seq
//! being the failed request's number, and only to the client that sent it.

use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// The kind of error (X11's numbers where X has the same error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum ErrorCode {
    /// Unknown opcode.
    Request = 1,
    /// A numeric value out of range.
    Value = 2,
    /// No such window.
    Window = 3,
    /// No such pixmap.
    Pixmap = 4,
    /// No such atom.
    Atom = 5,
    /// Arguments that do not fit together.
    Match = 8,
    /// No such window or pixmap.
    Drawable = 9,
    /// Not allowed.
    Access = 10,
    /// Out of memory or over quota.
    Alloc = 11,
    /// No such graphics context.
    Gc = 13,
    /// The id is outside the client's space or already in use.
    IdChoice = 14,
    /// Data of the wrong length.
    Length = 16,
    /// The server failed to carry out a valid request.
    Implementation = 17,
}

/// A failed request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtocolError {
    /// What kind of error.
    pub code: ErrorCode,
    /// The offending value (an id, a number), or 0.
    pub bad_value: u64,
    /// The failed request's opcode.
    pub opcode: u8,
    /// A sentence for a human.
    pub message: String,
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let req = crate::Request::name_of(self.opcode).unwrap_or("unknown request");
        write!(
            f,
            "{:?} error in {} (value {:#x}): {}",
            self.code, req, self.bad_value, self.message
        )
    }
}

impl std::error::Error for ProtocolError {}
