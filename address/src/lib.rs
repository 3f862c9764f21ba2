//! `yonder-address`: where a Yonder display is and what it takes to get in. The one home
//! of these rules for the server and the client library alike (protocol.md §2.1, §2.2,
//! §3 and §19.2); neither keeps a copy of its own.
//!
//! It owns the display names (`:N`, `host:N`, `[v6]:N`, `tls:host:N`, `unix:PATH`) and the
//! addresses and ports they lead to, the socket directory, the cookie file (where it is,
//! its line format, reading it and rewriting it atomically), the client's lookup rules
//! for the cookie, the trusted cookie and the certificate fingerprint, and where a
//! display's TLS key and certificate are stored. It does no network I/O and has no async
//! runtime: binding, connecting and handshakes belong to the server and the library.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `hex` — (private) hex digits of cookies and fingerprints.
//! 2. `fingerprint` — a certificate's SHA-256 fingerprint and how it is spelled.
//! 3. `paths` — the socket directory and socket paths, the cookie file's location, the
//!    key and certificate files of a TLS display.
//! 4. `name` — display names, the addresses they lead to, TCP and TLS ports.
//! 5. `cookie_file` — one cookie-file line, reading lines, rewriting the file.
//! 6. `lookup` — the client's lookup rules over the environment and the cookie file.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cookie_file;
pub mod fingerprint;
mod hex;
pub mod lookup;
pub mod name;
pub mod paths;

pub use cookie_file::{Cookie, CookieLine, COOKIE_LEN, TRUSTED_SUFFIX};
pub use fingerprint::{Fingerprint, FINGERPRINT_PREFIX};
pub use lookup::{CookieSources, LookupError};
pub use name::{Address, BadDisplay, DisplayName, DISPLAY_ENV};
