//! `yonder`: the client library of the Yonder display system, what apps link to talk to a
//! display server (the role of Xlib/XCB/x11rb for X11).
//!
//! The API is blocking and x11rb-shaped:
//!
//! ```no_run
//! use yonder::prelude::*; // Connection and the request traits
//! use yonder::protocol::{request::WindowAttributes, Color, EventMask, Event, Rect};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = Connection::connect(None)?; // YONDER_DISPLAY; sends the hello, does not wait
//! let win = conn.new_window_id();
//! conn.create_window(win, conn.root(), Rect::new(0, 0, 300, 200), WindowAttributes {
//!     background: Some(Color::rgb(0x336699)),
//!     event_mask: Some(EventMask::EXPOSURE | EventMask::KEY_PRESS),
//!     ..Default::default()
//! });
//! conn.map_window(win);
//! loop {
//!     if let Some(Event::KeyPress(_)) = conn.wait_for_event()?.event() {
//!         break;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! - **Where the methods are.** [`Connection`]'s own methods open it, give its setup and
//!   ids, flush and take events. Its typed request methods (`create_window`,
//!   `poly_fill_rectangle`, `put_image`, ...) are provided by one extension trait per
//!   family of requests, all implemented for `Connection` and all listed on its page:
//!   [`WindowExt`], [`ResourceExt`], [`DrawExt`], [`PropertyExt`], [`InputExt`],
//!   [`TransferExt`], [`ShmExt`], and [`RequestExt`] for any [`protocol::Request`] value.
//!   `use yonder::prelude::*;` ([`prelude`]) brings them all into scope.
//! - Requests are buffered; each typed method returns a [`Cookie`] (request with a
//!   reply) or a [`VoidCookie`] at once. See [`cookie`] for what dropping, checking or
//!   ignoring them does with replies and errors.
//! - The client chooses its resource ids ([`Connection::generate_id`]), so it can create
//!   and draw before the setup reply arrives; [`Connection::setup`] waits for it.
//! - Events and unclaimed errors come from [`Connection::wait_for_event`],
//!   [`Connection::poll_for_event`] and [`Connection::wait_for_event_timeout`] as
//!   [`Incoming`].
//! - A [`Connection`] is `Send + Sync`; threads can share one.
//!
//! - Raw images take the cheapest way the connection allows: shared memory with a local
//!   server, lossless compression on TCP, else the request itself
//!   ([`DrawExt::put_image`], [`ImageOptions`]).
//! - `tls:HOST:N` displays are encrypted; the server is recognized by the pinned
//!   fingerprint of its certificate alone ([`Fingerprint`], [`tls`]).
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (directly or around a cycle).
//!
//! 1. `error`, `lock`, `display`, `auth`, `trust`, `tcp` — what exists before a
//!    connection: the error types, the one way to lock, TCP socket options, display
//!    names and socket paths, cookie and
//!    fingerprint lookup, the trusted cookie (the last three, and [`fingerprint`], are
//!    the `yonder-address` crate's rules, shared with the server, under the library's
//!    names).
//! 2. `event`, `slots`, `state`, `journal`, `lossless`, `swap`, `renumber` — the
//!    bookkeeping, pure data without I/O: the event-queue items, the table of live
//!    cookies, the routing of replies, errors and events; the journal of the app's
//!    server-side state, what a fresh server needs to recreate it (issue 12); QOI for raw
//!    images on slow links; the exchange of two id spaces in encoded messages and the
//!    atom numbers of each display (an app that moved keeps its ids and atoms).
//! 3. `tls`, `io`, `output`, `dial`, `ready` — bytes on the socket: the pinned-certificate
//!    TLS stream, the socket and frame decoding, the output buffer and its writes (and the
//!    written requests kept for a resume), reaching a display again and again; the one
//!    descriptor other event loops watch, and the wakers.
//! 4. `transport`, `cookie` — the sending core: sequence numbers, buffering and flushing,
//!    the reading token and every wait (`Transport`), and resuming a lost connection
//!    (`transport::reconnect`); the cookies that collect a request's reply or error, and
//!    the sends that make them.
//! 5. `shm`, `images` — how raw images travel over the transport: the shared-memory
//!    segment (with `async_events`' registration with tokio, the only places with
//!    `unsafe`), compression, or the request itself.
//! 6. `connection` — the [`Connection`]: the transport plus the image state; opening,
//!    setup, ids, flushing, events.
//! 7. `requests`, `prelude`, `guide`, `async_events` — the typed request methods, one
//!    sealed trait per family, implemented for `Connection`; the prelude that brings them
//!    into scope with the everyday protocol types; the guide (documentation only); events
//!    awaited on tokio (the `async` feature).
//!
//! A request's way, e.g. `conn.poly_fill_rectangle(..)`: `requests/draw.rs` (encodes the
//! slice straight into the output) → `transport.rs` (sequence number, buffering, flush)
//! → `output.rs` (the write loop) → `io.rs` (the socket).
#![deny(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "async")]
mod async_events;
pub mod auth;
mod connection;
pub mod cookie;
mod dial;
pub mod display;
pub mod error;
pub mod event;
pub mod guide;
pub use yonder_address::fingerprint;
mod images;
mod io;
mod journal;
mod lock;
mod lossless;
mod output;
pub mod prelude;
mod ready;
mod renumber;
mod requests;
mod shm;
mod slots;
mod state;
mod swap;
mod tcp;
pub mod tls;
mod transport;
pub mod trust;

#[cfg(feature = "async")]
pub use async_events::AsyncEvents;
pub use connection::{ConnectOptions, Connection};
pub use cookie::{Cookie, ReplyType, VoidCookie};
pub use dial::{Reconnect, DEFAULT_GIVE_UP};
pub use display::DisplayName;
pub use error::{ConnectError, ConnectionError, MoveError, ReplyError};
pub use event::{DisplayChange, Incoming, RequestError};
pub use fingerprint::Fingerprint;
pub use images::{Compression, ImageOptions, ImageStats, SHM_MIN_BYTES};
pub use io::MAX_INCOMING_FRAME;
pub use journal::Replay;
pub use ready::Waker;
pub use requests::{
    DrawExt, InputExt, PropertyExt, RequestExt, ResourceExt, SharedImage, SharedImageError, ShmExt,
    TransferExt, WindowExt, SELECTION_CHUNK,
};
/// The wire protocol crate, re-exported so apps need only this one dependency: every
/// message, event, reply and value type.
#[doc(inline)]
pub use yonder_protocol as protocol;
