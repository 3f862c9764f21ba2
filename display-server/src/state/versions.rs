//! What a client's protocol version lets it use (protocol.md §5.3): the server speaks to
//! each client as a server of that client's version would. A request, an event-mask bit,
//! a field or a value that a later version added gets the error an older server gives
//! (a Request error for a request it does not know; a Value error for the rest, where an
//! older server would have closed the connection on a value it cannot decode).

use super::State;
use crate::command::fail;
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{ClientId, ErrorCode, EventMask, ProtocolError, Request, SINCE_MINOR};

/// The Request error for `opcode`, of a later version than the connection's 1.`minor`
/// (the dispatcher compares `SINCE_MINOR[opcode]` with the client's minor itself, inline,
/// and calls this only when the request is too new).
#[cold]
#[inline(never)]
pub fn too_new(opcode: u8, minor: u16) -> ProtocolError {
    let since = SINCE_MINOR[opcode as usize];
    let name = Request::name_of(opcode).unwrap_or("?");
    fail(
        ErrorCode::Request,
        opcode as u64,
        format!(
            "{name} ({opcode}) is a request of version 1.{since}; this connection speaks 1.{minor}"
        ),
    )
}

impl State {
    /// The minor version client `c` speaks (the server's own for a client that is gone).
    pub fn minor_of(&self, c: ClientId) -> u16 {
        self.clients
            .get(&c)
            .map_or(yonder_protocol::PROTOCOL_MINOR, |cl| cl.minor)
    }

    /// A Value error (naming the mask) if `mask` sets a bit that client `c`'s version
    /// does not define: reserved bits in every version, `SCROLL` before 1.1,
    /// `OWNER_CHANGE` and `DND` before 1.2 (§8.3).
    pub fn check_event_mask(&self, c: ClientId, mask: EventMask) -> Result<(), ProtocolError> {
        let minor = self.minor_of(c);
        let undefined = mask.0 & !EventMask::defined_in(minor).0;
        if undefined == 0 {
            return Ok(());
        }
        Err(fail(
            ErrorCode::Value,
            mask.0 as u64,
            format!(
                "event mask {:#x} sets bits {undefined:#x}, which version 1.{minor} does not \
                 define (§8.3)",
                mask.0
            ),
        ))
    }

    /// The window attributes' event mask as [`State::check_event_mask`], and a `cursor`
    /// (a field of 1.1) from a client of 1.0 is a Value error naming the cursor.
    pub fn check_attributes(&self, c: ClientId, a: &WindowAttributes) -> Result<(), ProtocolError> {
        if let Some(mask) = a.event_mask {
            self.check_event_mask(c, mask)?;
        }
        match a.cursor {
            Some(cursor) if self.minor_of(c) < 1 => Err(fail(
                ErrorCode::Value,
                cursor as u64,
                "the cursor field of WindowAttributes is of version 1.1; this connection \
                 speaks 1.0, whose WindowAttributes has 3 fields",
            )),
            _ => Ok(()),
        }
    }

    /// A `font_face` (a field of 1.7) in GC values from a client of 1.6 or earlier, or a
    /// `text_antialias` (of 1.11) from one of 1.10 or earlier, is a Value error naming
    /// the value.
    pub fn check_gc_values(&self, c: ClientId, v: &GcValues) -> Result<(), ProtocolError> {
        let minor = self.minor_of(c);
        let later = |field: &str, since: u16, value: u64| {
            Err(fail(
                ErrorCode::Value,
                value,
                format!(
                    "the {field} field of GcValues is of version 1.{since}; this connection \
                     speaks 1.{minor}, whose GcValues has {} fields",
                    GcValues::fields_of(minor)
                ),
            ))
        };
        let (face_since, aa_since) = (GcValues::FONT_FACE_SINCE, GcValues::TEXT_ANTIALIAS_SINCE);
        match (v.font_face, v.text_antialias) {
            (Some(face), _) if minor < face_since => later("font_face", face_since, face.into()),
            (_, Some(aa)) if minor < aa_since => later("text_antialias", aa_since, aa.into()),
            _ => Ok(()),
        }
    }

    /// A Value error (naming the format) for an image format of a later version than
    /// client `c`'s (`Qoi` is of 1.3).
    pub fn check_image_format(&self, c: ClientId, f: ImageFormat) -> Result<(), ProtocolError> {
        // Formats of 1.0 need no look at the client (a lookup a put).
        let since = f.since_minor();
        if since == 0 {
            return Ok(());
        }
        let minor = self.minor_of(c);
        if since <= minor {
            return Ok(());
        }
        Err(fail(
            ErrorCode::Value,
            f as u64,
            format!("image format {f:?} is of version 1.{since}; this connection speaks 1.{minor}"),
        ))
    }
}
