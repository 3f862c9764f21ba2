//! The Yonder display server as a library: `main.rs` is a thin command line around
//! [`server::start`], and integration tests run the same server in-process on a
//! temporary socket.
//!
//! A request's way through: [`connection`] reads and decodes frames per client (one tokio
//! task each; on Unix sockets [`read_half`] also takes the file descriptors of
//! shared-memory segments, which [`shm`] maps) and sends them to the state thread
//! ([`server`]); [`dispatch`] applies them
//! in order to the one [`state::State`], delegating to [`handlers`]; drawing goes through
//! [`render`] into per-drawable backing stores; damage is composed by [`compositor`] and
//! shown by a [`screen`] backend; replies, events and errors go back through each
//! client's writer task. [`wm`] is the built-in window manager (frames, placement,
//! click-to-focus, move/resize/close), hooked into input, mapping and composition.
//! Over the network, [`tls`] does the handshake on the TLS port (and keeps the display's
//! certificate) before [`connection`] takes over, and [`keepalive`] makes a peer that
//! vanished without closing count as closed.

pub mod auth;
pub mod clients;
pub mod command;
pub mod compose;
pub mod config;
pub mod dispatch;
pub mod display;
pub mod events;
pub mod focus;
pub mod handlers;
pub mod input;
pub mod net;
pub mod outbox;
pub mod render;
pub mod screen;
pub mod shm;
pub mod state;
pub mod transfer;
pub mod wm;

pub use config::ServerConfig;
pub use net::server::{start, ServerHandle};
