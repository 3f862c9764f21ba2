//! The embedding convention between a container (`ydoc`) and a part (`ypaint
//! --embed-into`), on top of plain protocol requests (protocol.md §18):
//!
//! * Messages are ClientMessage events of type `_YONDER_EMBED`, sent with SendEvent and
//!   an empty event mask (so they reach the client that created the destination window).
//!   Their data starts with a little-endian `u32` opcode:
//!
//!   | opcode | message | direction | rest of the data |
//!   |---|---|---|---|
//!   | 1 | EMBED_READY | part → container window | `u64` LE: the part's window |
//!   | 2 | ACTIVATE | container → part window | – |
//!   | 3 | DEACTIVATE | container → part window | – |
//!   | 4 | CONTENT_CHANGED | part → container window | – |
//!   | 5 | REQUEST_DEACTIVATE | part → container window | – |
//!
//! * The part publishes its content in the property `_YONDER_PART_DATA` of its own window,
//!   type `image/png`, before it sends CONTENT_CHANGED or REQUEST_DEACTIVATE, so the
//!   container always finds the current picture there.
//! * The part asks for another size by resizing its own window; the container, which
//!   selected SUBSTRUCTURE_NOTIFY on the window it made for the part, sees the Configure
//!   event and lays its document out again.
//!
//! This module is the shared vocabulary: the messages, and publishing and reading the
//! content. When to send what is each side's own business.

use yonder::prelude::*;
use yonder::{Connection, ConnectionError};
use yonder_protocol::event::ClientMessage;
use yonder_protocol::request::PropMode;
use yonder_protocol::{atoms, Event, EventMask, WindowId};

/// One message of the embedding convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedMessage {
    /// The part's window exists inside the container's window.
    EmbedReady {
        /// The part's window.
        part: WindowId,
    },
    /// In-place editing starts; the container gives the part the keyboard focus.
    Activate,
    /// Editing ends: the part publishes its content and goes away.
    Deactivate,
    /// The part's current content is in `_YONDER_PART_DATA`.
    ContentChanged,
    /// The user is done editing (Escape, the Done button).
    RequestDeactivate,
}

impl EmbedMessage {
    /// The opcode the message starts with.
    pub fn opcode(self) -> u32 {
        match self {
            EmbedMessage::EmbedReady { .. } => 1,
            EmbedMessage::Activate => 2,
            EmbedMessage::Deactivate => 3,
            EmbedMessage::ContentChanged => 4,
            EmbedMessage::RequestDeactivate => 5,
        }
    }

    /// The message's data.
    pub fn encode(self) -> Vec<u8> {
        let mut data = self.opcode().to_le_bytes().to_vec();
        if let EmbedMessage::EmbedReady { part } = self {
            data.extend_from_slice(&part.0.to_le_bytes());
        }
        data
    }

    /// Reads a message's data; `None` for an unknown opcode or missing bytes.
    pub fn decode(data: &[u8]) -> Option<EmbedMessage> {
        let op = u32::from_le_bytes(data.get(..4)?.try_into().ok()?);
        Some(match op {
            1 => EmbedMessage::EmbedReady {
                part: WindowId(u64::from_le_bytes(data.get(4..12)?.try_into().ok()?)),
            },
            2 => EmbedMessage::Activate,
            3 => EmbedMessage::Deactivate,
            4 => EmbedMessage::ContentChanged,
            5 => EmbedMessage::RequestDeactivate,
            _ => return None,
        })
    }

    /// The message an event carries, with the window it was sent to; `None` for any
    /// other event.
    pub fn from_event(e: &Event) -> Option<(WindowId, EmbedMessage)> {
        match e {
            Event::ClientMessage(m) if m.type_ == atoms::YONDER_EMBED => {
                Some((m.window, EmbedMessage::decode(&m.data)?))
            }
            _ => None,
        }
    }

    /// Sends the message to the client that created `to`.
    pub fn send(self, conn: &Connection, to: WindowId) {
        let m = ClientMessage {
            window: to,
            type_: atoms::YONDER_EMBED,
            data: self.encode(),
        };
        conn.send_event(to, EventMask::EMPTY, Event::ClientMessage(m));
    }
}

/// Bytes of a ChangeProperty frame besides its data, rounded up generously.
const PROPERTY_OVERHEAD: usize = 1024;

/// Publishes `png` as the part's content: `_YONDER_PART_DATA` of `window`, type
/// `image/png`, sent in pieces (Replace, then Append) that each fit in a frame.
pub fn publish(conn: &Connection, window: WindowId, png: &[u8]) -> Result<(), ConnectionError> {
    let max = conn.setup()?.limits.max_frame_len as usize;
    let piece = max.saturating_sub(PROPERTY_OVERHEAD).max(1024);
    let mut mode = PropMode::Replace;
    let mut rest = png;
    loop {
        let (now, later) = rest.split_at(piece.min(rest.len()));
        conn.change_property(
            window,
            atoms::YONDER_PART_DATA,
            atoms::IMAGE_PNG,
            mode,
            now.to_vec(),
        );
        mode = PropMode::Append;
        rest = later;
        if rest.is_empty() {
            return Ok(());
        }
    }
}

/// Reads the part's published content (a round trip): `Ok(None)` when `window` has none
/// yet (or not as `image/png`), an error when the window is gone.
pub fn read_content(
    conn: &Connection,
    window: WindowId,
) -> Result<Option<Vec<u8>>, yonder::ReplyError> {
    let p = conn
        .get_property(window, atoms::YONDER_PART_DATA, false)
        .reply()?;
    Ok((p.type_ == atoms::IMAGE_PNG && !p.data.is_empty()).then_some(p.data))
}

/// Parses a window id as given on a command line: `0x` hexadecimal or decimal.
pub fn parse_window(s: &str) -> Result<WindowId, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed
        .ok()
        .filter(|v| *v != 0)
        .map(WindowId)
        .ok_or_else(|| format!("not a window id: {s:?} (like 0x5eed000100000002)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let all = [
            EmbedMessage::EmbedReady {
                part: WindowId(0x5eed_0002_0000_0007),
            },
            EmbedMessage::Activate,
            EmbedMessage::Deactivate,
            EmbedMessage::ContentChanged,
            EmbedMessage::RequestDeactivate,
        ];
        for m in all {
            assert_eq!(EmbedMessage::decode(&m.encode()), Some(m));
        }
        assert_eq!(
            EmbedMessage::EmbedReady { part: WindowId(2) }.encode(),
            [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(EmbedMessage::decode(&[9, 0, 0, 0]), None);
        assert_eq!(EmbedMessage::decode(&[1, 0, 0, 0, 2]), None, "short id");
    }

    #[test]
    fn window_ids_parse() {
        assert_eq!(parse_window("0x1f"), Ok(WindowId(31)));
        assert_eq!(parse_window("31"), Ok(WindowId(31)));
        assert!(parse_window("0").is_err());
        assert!(parse_window("0xzz").is_err());
    }
}
