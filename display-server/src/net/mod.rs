//! The network side, on tokio runtimes (the Unix socket's and plain TCP's on the state
//! thread, TLS and the web's on the runtime's workers; [`server`] says why): the accept
//! loops and the server's start and stop ([`server`]), each client's connection (its reader and writer tasks,
//! [`connection`], with [`read_half`] taking file descriptors off Unix sockets), the TLS
//! handshake ([`tls`]) and TCP keepalive ([`keepalive`]); and the web viewer's port
//! ([`web`]: request heads judged by [`web_head`], each viewer's socket in
//! [`web_viewer`], its page's messages in [`web_input`] and its frames in [`web_frame`],
//! the clipboard and dropped files through [`web_bridge`],
//! protocol.md §20). It reaches the state thread only
//! through [`crate::command::Command`]s on the channel in [`Shared`].

pub mod catch;
pub mod connection;
pub mod keepalive;
pub mod read_half;
pub mod server;
pub mod tls;
pub mod web;
pub mod web_bridge;
pub mod web_frame;
pub mod web_head;
pub mod web_input;
pub mod web_viewer;

use crate::auth::Cookie;
use crate::command::Command;
use tokio::sync::mpsc;

/// What every connection task needs.
pub struct Shared {
    /// The display's cookie.
    pub cookie: Cookie,
    /// The display's trusted cookie: a client presenting it is not isolated (§19).
    pub trusted_cookie: Cookie,
    /// To the state thread.
    pub commands: mpsc::Sender<Command>,
    /// Largest request body.
    pub max_frame_len: usize,
    /// Offer shared-memory images to Unix-socket clients.
    pub shm: bool,
    /// The next connection's serial ([`crate::command::ClientLink::serial`]).
    pub serials: std::sync::atomic::AtomicU64,
    /// Unwritten output past which a connection's reader waits before it hands over
    /// more requests ([`crate::outbox::Outbox::room`]): a quarter of
    /// `--max-output-buffer`.
    pub output_pause: usize,
    /// Writer tasks still running: a stopping server lets them hand over what its
    /// clients were last sent (ServerEnding among it) before the runtime goes.
    pub writers: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}
