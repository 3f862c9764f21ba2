//! The envelopes: what a server frame holds ([`ServerMessage`]) and how a client frame is
//! decoded into a [`Request`] with a clean distinction between "unknown opcode" (answered
//! with a Request error, the connection goes on) and "malformed" (the connection closes).

use crate::descriptor::{Reply, Request};
use crate::error::ProtocolError;
use crate::event::Event;
use crate::ids::Seq;
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A frame from the server after the setup response.
///
/// Wire forms: `[0, seq, reply]`, `[1, seq, event, sent]`, `[2, seq, error]`. For an event,
/// `seq` is the number of the last request the server had processed when it was generated.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    /// The reply to request `seq`.
    Reply {
        /// The request it answers.
        seq: Seq,
        /// The reply.
        reply: Reply,
    },
    /// An event.
    Event {
        /// The last request processed.
        seq: Seq,
        /// The event.
        event: Event,
        /// True when another client sent it with SendEvent.
        sent: bool,
    },
    /// Request `seq` failed.
    Error {
        /// The failed request.
        seq: Seq,
        /// What went wrong.
        error: ProtocolError,
    },
}

impl Serialize for ServerMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ServerMessage::Reply { seq, reply } => {
                let mut t = s.serialize_tuple(3)?;
                t.serialize_element(&0u8)?;
                t.serialize_element(seq)?;
                t.serialize_element(reply)?;
                t.end()
            }
            ServerMessage::Event { seq, event, sent } => {
                let mut t = s.serialize_tuple(4)?;
                t.serialize_element(&1u8)?;
                t.serialize_element(seq)?;
                t.serialize_element(event)?;
                t.serialize_element(sent)?;
                t.end()
            }
            ServerMessage::Error { seq, error } => {
                let mut t = s.serialize_tuple(3)?;
                t.serialize_element(&2u8)?;
                t.serialize_element(seq)?;
                t.serialize_element(error)?;
                t.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ServerMessage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a server message [kind, seq, body, ...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<ServerMessage, A::Error> {
                let kind: u8 = a
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let seq: Seq = a
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                let missing = || A::Error::invalid_length(2, &"a message body");
                Ok(match kind {
                    0 => ServerMessage::Reply {
                        seq,
                        reply: a.next_element()?.ok_or_else(missing)?,
                    },
                    1 => {
                        let event = a.next_element()?.ok_or_else(missing)?;
                        let sent = a.next_element()?.unwrap_or(false);
                        ServerMessage::Event { seq, event, sent }
                    }
                    2 => ServerMessage::Error {
                        seq,
                        error: a.next_element()?.ok_or_else(missing)?,
                    },
                    k => {
                        return Err(A::Error::custom(format_args!(
                            "unknown server message kind {k}"
                        )))
                    }
                })
            }
        }
        d.deserialize_seq(V)
    }
}

/// Why a request frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Well-formed `[opcode, body]` with an opcode this server does not know. The server
    /// answers with a Request error and goes on.
    #[error("unknown opcode {0}")]
    UnknownOpcode(u8),
    /// Not a valid request at all; the server closes the connection.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A well-formed request of a known opcode with one field that the protocol does not
    /// allow, which the server answers with a Value error and goes on: today only the
    /// event of a SendEvent, whose code is unknown or whose body does not fit its code
    /// (protocol.md §9.17). `value` is the error's `bad_value`: the event's code.
    #[error("{message}")]
    BadValue {
        /// The request's opcode.
        opcode: u8,
        /// The offending value.
        value: u64,
        /// A sentence for a human.
        message: String,
    },
}

/// Decodes one request body (the bytes of a frame after its length).
pub fn decode_request(body: &[u8]) -> Result<Request, DecodeError> {
    let (opcode, rest) = request_header(body)?;
    // The hot requests' plain form, by hand; anything else (and every error) via serde.
    match crate::fast_decode::decode_hot(opcode, rest) {
        Some(req) => Ok(req),
        None => decode_body_via_serde(body),
    }
}

/// [`decode_request`] on a connection of version 1.`minor` (protocol.md §5.3): a request
/// of a later version is, to it, an unknown opcode, whatever its body holds, as it is to
/// a server of that version ([`DecodeError::UnknownOpcode`], with the request's opcode).
#[inline]
pub fn decode_request_of(body: &[u8], minor: u16) -> Result<Request, DecodeError> {
    if minor < crate::PROTOCOL_MINOR {
        let (opcode, _) = request_header(body)?;
        if crate::descriptor::SINCE_MINOR[opcode as usize] > minor {
            return Err(DecodeError::UnknownOpcode(opcode));
        }
    }
    decode_request(body)
}

/// [`decode_request`] through serde alone, never the hand-written decoder: the
/// reference the hand-written one is tested against (`tests/fast_codec.rs`).
#[doc(hidden)]
pub fn decode_request_via_serde(body: &[u8]) -> Result<Request, DecodeError> {
    request_header(body)?;
    decode_body_via_serde(body)
}

/// Checks the `[opcode, body]` envelope: the known opcode and the bytes of its body.
fn request_header(body: &[u8]) -> Result<(u8, &[u8]), DecodeError> {
    // The usual form first: a fixarray of 2 and a positive-fixint opcode.
    if let [0x92, opcode @ 0..=0x7f, rest @ ..] = body {
        return match Request::is_known_code(*opcode) {
            true => Ok((*opcode, rest)),
            false => Err(DecodeError::UnknownOpcode(*opcode)),
        };
    }
    let mut rd = body;
    let len = rmp::decode::read_array_len(&mut rd)
        .map_err(|e| DecodeError::Malformed(format!("not an array: {e:?}")))?;
    if len != 2 {
        return Err(DecodeError::Malformed(format!(
            "request array has {len} elements, not 2"
        )));
    }
    let opcode: u8 = rmp::decode::read_int(&mut rd)
        .map_err(|e| DecodeError::Malformed(format!("bad opcode: {e:?}")))?;
    if !Request::is_known_code(opcode) {
        return Err(DecodeError::UnknownOpcode(opcode));
    }
    Ok((opcode, rd))
}

/// The whole request (envelope included) through serde, with no bytes left over.
fn decode_body_via_serde(body: &[u8]) -> Result<Request, DecodeError> {
    match decode_whole::<Request>(body) {
        Ok(req) => Ok(req),
        // Only a SendEvent's event can be wrong without the frame being malformed.
        Err(e) => Err(bad_sent_event(body, e)),
    }
}

/// One MessagePack value of type `T` filling `bytes` exactly.
fn decode_whole<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = rmp_serde::Deserializer::new(std::io::Cursor::new(bytes));
    let value = T::deserialize(&mut de).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    match de.position() == bytes.len() as u64 {
        true => Ok(value),
        false => Err(DecodeError::Malformed(
            "trailing bytes after the value".into(),
        )),
    }
}

/// Why a SendEvent frame that serde refused was refused: [`DecodeError::BadValue`] when
/// only its event is wrong (the envelope, destination and mask are well-formed and the
/// event is one MessagePack value), else `whole`, the frame's own [`DecodeError::Malformed`].
fn bad_sent_event(body: &[u8], whole: DecodeError) -> DecodeError {
    let Some(event) = sent_event_bytes(body) else {
        return whole;
    };
    let mut rd = event;
    let code = match rmp::decode::read_array_len(&mut rd) {
        Ok(2) => rmp::decode::read_int::<u64, _>(&mut rd).unwrap_or(0),
        _ => 0,
    };
    let known = u8::try_from(code).ok().and_then(Event::name_of);
    let message = match (known, decode_whole::<Event>(event)) {
        (Some(name), Err(DecodeError::Malformed(why))) => {
            format!("SendEvent: the {name} event (code {code}) does not fit its shape: {why}")
        }
        _ => format!("SendEvent: the event is not [code, body] with a code of §11 (code {code})"),
    };
    DecodeError::BadValue {
        opcode: crate::request::SendEvent::OPCODE,
        value: code,
        message,
    }
}

/// The bytes of a SendEvent's event, when everything else in the frame is well-formed:
/// `[17, [destination, event_mask, event]]` with the event one MessagePack value that
/// ends the frame.
fn sent_event_bytes(body: &[u8]) -> Option<&[u8]> {
    let mut rd = body;
    (rmp::decode::read_array_len(&mut rd).ok()? == 2).then_some(())?;
    let opcode: u8 = rmp::decode::read_int(&mut rd).ok()?;
    (opcode == crate::request::SendEvent::OPCODE).then_some(())?;
    (rmp::decode::read_array_len(&mut rd).ok()? == 3).then_some(())?;
    rmp::decode::read_int::<u64, _>(&mut rd).ok()?;
    rmp::decode::read_int::<u32, _>(&mut rd).ok()?;
    decode_whole::<serde::de::IgnoredAny>(rd).ok()?;
    Some(rd)
}

/// Decodes one server message body.
pub fn decode_server_message(body: &[u8]) -> Result<ServerMessage, DecodeError> {
    rmp_serde::from_slice(body).map_err(|e| DecodeError::Malformed(e.to_string()))
}
