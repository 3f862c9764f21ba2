//! The Yonder wire protocol as data: message types, framing and the MessagePack codec.
//!
//! This crate owns *what* travels on a connection, never *how*: it does no I/O, has no
//! async runtime and no `unsafe`. The display server and the client library both build on
//! it, so the two can never disagree about a byte. `protocol.md` at the repository root is
//! the normative description; the golden tests in `tests/golden/` pin every message to
//! the hex examples printed there.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `tagged`, `ids`, `geometry`, `atoms`, `keysym`, `hints` — the `tagged!` macro;
//!    newtypes for resource ids, atoms, coordinates, colors, masks and drag actions; the
//!    predefined atoms and the keysym table; the size hints a window manager honours.
//! 2. `frame`, `packed` — the length-prefixed framing and the sans-I/O frame splitter;
//!    the packed form of a poly request's points, segments and rectangles (1.10).
//! 3. `event` — one struct per event and the [`Event`] enum.
//! 4. `request`, `reply` — one struct per request, one per reply.
//! 5. `descriptor` — the one table of requests (opcode, name, reply, flags) and what is
//!    generated from it: the [`Request`] and [`Reply`] enums, [`RequestInfo`], [`REQUESTS`].
//! 6. `error` — protocol errors and their codes.
//! 7. `fast_decode`, `fast_encode` — the hot requests by hand, byte for byte what serde
//!    writes and reads.
//! 8. `message`, `handshake` — what the server sends ([`ServerMessage`]: replies, events,
//!    errors) and decoding a request frame; the client's hello and the server's setup reply.
//! 9. `atom_fields` — every atom a message carries, for a client that renumbers atoms.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[macro_use]
mod tagged;

pub mod atom_fields;
pub mod atoms;
pub mod descriptor;
pub mod error;
pub mod event;
mod fast_decode;
pub mod fast_encode;
pub mod frame;
pub mod geometry;
pub mod handshake;
pub mod hints;
pub mod ids;
pub mod keysym;
pub mod message;
pub mod packed;
pub mod reply;
pub mod request;

pub use descriptor::{
    Descriptor, NoReply, Reply, ReplyType, Request, RequestInfo, REQUESTS, SINCE_MINOR,
};
pub use error::{ErrorCode, ProtocolError};
pub use event::Event;
pub use fast_decode::put_image_head;
pub use frame::{encode_frame, frames, split_frame, FrameError, Frames, MAX_FRAME_LEN};
pub use geometry::{Color, Point, Rect, Segment, Size};
pub use handshake::{FontFace, Hello, Refusal, Resume, Session, Setup, SetupResponse};
pub use ids::*;
pub use message::{decode_request, decode_request_of, DecodeError, ServerMessage};

/// Protocol major version: a client and server must agree on it exactly.
pub const PROTOCOL_MAJOR: u16 = 1;
/// Protocol minor version: additions that older peers can ignore.
pub const PROTOCOL_MINOR: u16 = 12;
/// The setup's `extensions` entry of a server that takes shared-memory images (ShmAttach,
/// ShmDetach, ShmPutImage) on this connection: only Unix-socket connections get it.
pub const SHM_EXTENSION: &str = "SHM";
/// The first element of every hello: tells a Yonder server apart from anything else.
pub const PROTOCOL_NAME: &str = "yonder";
/// The TCP port of display `N` is `TCP_PORT_BASE + N`.
pub const TCP_PORT_BASE: u16 = 7100;
/// The TLS port of display `N` is `TLS_PORT_BASE + N` (a server started with
/// `--listen tls`; the display name is `tls:HOST:N`).
pub const TLS_PORT_BASE: u16 = 7600;
/// The web viewer's port of display `N` is `WEB_PORT_BASE + N` (a server started with
/// `--listen web`; protocol.md §20).
pub const WEB_PORT_BASE: u16 = 8100;
