//! Request handlers: one function per request (`fn(s: &mut State, client, request) ->
//! HandlerResult`), one file per request family, called from the one `match` in
//! `dispatch`. Each handler checks every argument before it changes anything, so
//! a failed request leaves the state untouched, and returns a reply or an error for the
//! requesting client only. Only FakeInput lives elsewhere (`input::fake_input`):
//! it feeds the device input that sits above the window manager.
//!
//! `wm_hints` is the window manager's side of the requests: what a first MapWindow, a
//! change of a managed window's hints (ChangeProperty, DeleteProperty) and EWMH's
//! `_NET_WM_STATE` request (SendEvent) do to the window (protocol.md §16.7). It lives
//! with the handlers that call it, below `wm` (which calls it too, for the title bar's
//! buttons and click-to-raise).

pub mod atom;
pub mod dnd;
pub mod draw;
pub mod image;
pub mod input;
pub mod migrate;
pub mod property;
pub mod resource;
pub mod saveset;
pub mod selection;
pub mod shm;
pub mod window;
pub mod window_config;
pub mod wm_hints;
