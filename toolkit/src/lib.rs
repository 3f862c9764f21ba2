//! `yonder-toolkit`: what most apps want on top of the `yonder` client library, the way a
//! toolkit sits on Xlib. Everything here is made of ordinary requests and events; an app
//! can use any part of it and do the rest with the library directly.
//!
//! * [`Window`] – a top-level (or embedded) window with a title, the close request, one
//!   graphics context and a back buffer that follows resizes; with [`Hints`], what it tells
//!   the window manager (a dialog, a splash screen; size limits; maximised or fullscreen;
//!   an icon).
//! * [`next_step`] and [`Deadline`] – one turn of the event loop: an event, a wake-up the
//!   app asked for, or the end.
//! * [`Toolbar`] – a strip of square buttons chosen by a press (swatches, sizes), with
//!   hit testing, and of command buttons.
//! * [`widgets`] – label, button, check box, text entry, list: drawn by the toolkit,
//!   measured on the client, fed the app's events.
//! * [`Clipboard`] – copy and paste of text and PNG images.
//! * [`Scale`] – logical pixels on HiDPI screens.
//! * [`transfer`] – selections and drag-and-drop: offering data ([`transfer::Offer`]),
//!   receiving it ([`transfer::Receiver`]), drag sources and drop targets,
//!   `text/uri-list`.
//! * [`embed`] – the embedding convention between a container and an in-place part.
//! * [`pixels`] – decoding image files and sending pixels in bands that fit a frame.
//!
//! What is one app's own idea (a clock face, a paint canvas) stays in the app.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `pixels`, `run`, `embed`, `scale` — image files and pixels in bands; the loop step;
//!    the embedding convention; logical pixels.
//! 2. `window` — the window with its back buffer.
//! 3. `toolbar`, `transfer`, `widgets` — buttons drawn into a window; selections and
//!    drag-and-drop (a drag's icon is an image in a window of its own); the widgets.
//! 4. `clipboard` — copy and paste on top of the selection helpers.
#![deny(missing_docs)]

mod clipboard;
pub mod embed;
pub mod pixels;
mod run;
mod scale;
mod toolbar;
pub mod transfer;
pub mod widgets;
mod window;

/// The server's fonts and its layout rule: text measured on the client, no round trip.
pub use yonder_fonts as fonts;

pub use clipboard::{Clipboard, Pasted};
pub use run::{next_step, Deadline, Step};
pub use scale::Scale;
pub use toolbar::{ButtonFace, Toolbar, BUTTON};
pub use window::{max_window_size, Hints, Window, WindowSpec, FRAME_ROOM};
