//! The Yonder display server as a library: `main.rs` is a thin command line around
//! [`start`], and integration tests run the same server in-process on a temporary
//! socket.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (directly or around a cycle).
//!
//! 1. `config`, `command`, `outbox`, `secret`, `spare_pixels` — plain data shared by
//!    every thread: the server's settings, the messages between threads (commands, decoded
//!    requests, input, handler results), a client's output accounting shared by the state
//!    thread and its writer, random secrets compared in constant time (cookies, sessions),
//!    and the buffers large images' pixels are read into, used again.
//! 2. `render`, `shm`, `checkpoint` — pixels and bytes with no server state: the
//!    rasterizer, mapped shared-memory segments, and the display's checkpoint files.
//! 3. `state` — everything the server knows, as data owned by the state thread: clients,
//!    windows, drawables, GCs, atoms, input, the window manager's and transfers' state, the
//!    framebuffer and its damage, the `Screen` trait; lookups, tree walks, quota and
//!    isolation checks. State's methods live here and nowhere else.
//! 4. `compose` — painting the window tree (and frames, and the drag icon) into pixels.
//! 5. `events` — delivering events to the clients that selected them.
//! 6. `focus` — the keyboard focus and the window under the pointer (focus and crossing
//!    events).
//! 7. `transfer` — selections, drag-and-drop and their upkeep as windows and clients go.
//! 8. `handlers` — one function per request, one file per request family.
//! 9. `clients` — a client leaving: its save-set rescued, everything it owned freed.
//! 10. `wm`, `restore` — the built-in window manager's actions: click-to-focus, frame
//!     drags (moves and resizes through ConfigureWindow), the close button and force quit;
//!     and the display's checkpoint read at start, kept written, and brought back as a
//!     restarted server's apps recreate their windows.
//! 11. `input` — host and synthetic input, routed to a drag, the window manager or clients.
//! 12. `dispatch` — the one `match` over requests, and the state thread's work per command
//!     and per burst (output handed over, damage composed and presented).
//! 13. `net`, `auth`, `display` — sockets and tasks: start and stop, accept loops,
//!     connections, TLS, keepalive, the web viewers' port and sockets (and their
//!     clipboard bridge, a client of the display); cookies; display names and socket
//!     paths.
//! 14. `screen` — the screen backends (headless, and winit, which owns the main thread and
//!     starts the server).
//!
//! # A request's way through
//!
//! A client's frame is read by its connection task ([`net::connection`]; a Unix or plain
//! TCP socket's runs on the state thread itself while it waits, see [`net::server`]; on
//! Unix sockets [`net::read_half`] also takes the file descriptors of shared-memory
//! segments, which [`shm`] maps), decoded (or, for common drawing requests, kept raw) and sent in a
//! [`command::Command::Requests`] batch over the command channel to the state thread
//! ([`dispatch::run`], started by [`net::server`]). There [`dispatch::apply_command`] hands
//! each request to [`dispatch::handle_request`], whose one `match` delegates to a function
//! in [`handlers`] taking `&mut State`; the handler checks its arguments against [`state`],
//! draws through [`render`] into the drawable's backing store and marks the damage in the
//! framebuffer. A reply, event or error is queued on the client ([`state::Client`]) and
//! handed to its writer task after the client's batch, or at the end of the burst, once
//! the drawings it handed to lanes are done (`render::lanes`); at the burst's end
//! [`dispatch::present`] also has [`compose`] paint the damage and gives the framebuffer
//! to the [`screen`] backend. A
//! PolyFillRectangle crosses `net/connection.rs` → `command.rs` →
//! `dispatch/state_thread.rs` → `dispatch/mod.rs` → `handlers/draw.rs` (with
//! `state/lookup.rs`, `state/gc.rs`, `state/tree.rs`, `state/framebuffer.rs`) →
//! `render/shapes.rs`.
//!
//! [`wm`] is the built-in window manager (frames, placement, click-to-focus,
//! move/resize/close), hooked into input, mapping and composition. Over the network,
//! [`net::tls`] does the handshake on the TLS port (and keeps the display's certificate)
//! before [`net::connection`] takes over, and [`net::keepalive`] makes a peer that vanished
//! without closing count as closed.

pub mod auth;
pub mod checkpoint;
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
pub mod restore;
pub mod screen;
pub mod secret;
pub mod shm;
pub mod spare_pixels;
pub mod state;
pub mod transfer;
pub mod wm;

pub use config::ServerConfig;
pub use net::server::{start, ServerHandle};
