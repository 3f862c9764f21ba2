//! `yonder`: the client library of the Yonder display system, what apps link to talk to a
//! display server (the role of Xlib/XCB/x11rb for X11).
//!
//! The API is blocking and x11rb-shaped:
//!
//! ```no_run
//! use yonder::protocol::{request::WindowAttributes, Color, EventMask, Event, Rect};
//! use yonder::Connection;
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
//!   ([`Connection::put_image`], [`ImageOptions`]).
//! - `tls:HOST:N` displays are encrypted; the server is recognized by the pinned
//!   fingerprint of its certificate alone ([`Fingerprint`], [`tls`]).
//!
//! Modules: [`display`] (display names, socket paths), [`auth`] (cookie and fingerprint
//! lookup), [`fingerprint`], [`tls`] (the pinned-certificate check, the TLS stream),
//! `connection` (opening, setup, ids), `transport` (buffers, reading, waiting), `io`
//! (socket, frame decoding), `state` (routing replies, errors and events), [`cookie`],
//! `requests` (typed request methods), `images` (how raw images travel), `shm` (the
//! memory of a shared-memory segment: the one place with `unsafe`), [`event`], [`error`].
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod auth;
mod connection;
pub mod cookie;
pub mod display;
pub mod error;
pub mod event;
pub mod fingerprint;
mod images;
mod io;
mod lock;
mod output;
mod requests;
mod shm;
mod slots;
mod state;
pub mod tls;
mod transport;
pub mod trust;

pub use connection::{ConnectOptions, Connection};
pub use cookie::{Cookie, ReplyType, VoidCookie};
pub use display::DisplayName;
pub use error::{ConnectError, ConnectionError, ReplyError};
pub use event::{Incoming, RequestError};
pub use fingerprint::Fingerprint;
pub use images::{Compression, ImageOptions, ImageStats, SHM_MIN_BYTES};
pub use io::MAX_INCOMING_FRAME;
/// The wire protocol crate, re-exported so apps need only this one dependency.
pub use yonder_protocol as protocol;
