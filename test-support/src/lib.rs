//! Test set-up shared by every crate's tests (dev-only, never published).
//!
//! - [`server`]: THE way to start a real server: headless, in this process, on a socket in a
//!   temporary directory, with its cookies there too ([`server::TestServer`]); and the
//!   `yonder-server` binary as a child process for the tests of the command line
//!   ([`server::ServerProcess`]).
//! - [`client`]: what a test client does with a server: windows, GCs, reading pixels back,
//!   waiting for events.
//! - [`apps`]: programs run as child processes against a [`server::TestServer`], with a
//!   trusted observer, a watchdog and bounded waits (the apps' and examples' smoke tests).
//! - [`fake`]: a byte-level fake server, the peer of the client library's tests.
//! - [`raw`]: a byte-level client of a [`server::TestServer`]: any hello version,
//!   hand-made or malformed frames.
//! - [`xvfb`]: Xvfb with the real `yonder-server --window` on it; skips without Xvfb
//!   unless `YONDER_REQUIRE_XVFB=1`.
//! - [`wm`]: the window-manager tests' helpers: titled top-levels, clicks and drags,
//!   where the parts of a frame are.
//! - [`process`]: child processes of a test: a registry the watchdog kills, bounded waits.
//! - [`regressions`]: replaying the inputs a fuzz target crashed on.
//! - [`proxy`]: a TCP proxy whose links a test cuts (lost links, protocol.md §5.4).
//! - [`home`]: a display's directory that `yonder-server` processes come and go on
//!   (killed and started again under running apps, protocol.md §5.4, §16.6).
//! - [`netns`]: two network namespaces joined by a veth pair, standing for two hosts
//!   whose link a test takes down and up.
//! - [`browser`]: headless Chromium driven through its DevTools protocol (the web
//!   viewer's tests); skips without Chromium unless `YONDER_REQUIRE_BROWSER=1`.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `process`, `fake`, `regressions`, `proxy`, `netns`, `browser` — child processes
//!    and the watchdog; the byte-level fake server; replaying fuzz inputs; a proxy whose
//!    links can be cut; two hosts in network namespaces; a headless browser.
//! 2. `server` — the test server, in this process or as a child process.
//! 3. `raw` — a byte-level client of the test server.
//! 4. `client` — what a test client does with a server.
//! 5. `wm`, `apps`, `xvfb` — window-manager helpers, apps as child processes, Xvfb.
//! 6. `home` — server processes that come and go under running apps.

pub mod apps;
pub mod browser;
pub mod client;
pub mod fake;
pub mod home;
pub mod netns;
pub mod process;
pub mod proxy;
pub mod raw;
pub mod regressions;
pub mod server;
pub mod wm;
pub mod xvfb;
