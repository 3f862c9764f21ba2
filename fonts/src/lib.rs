//! `yonder-fonts`: the fonts Yonder draws text with, shared by the server (which draws
//! them) and the clients (which lay text out without asking the server), and the one
//! rule for where each glyph goes, so that a client's measurements are the server's to
//! the pixel.
//!
//! * [`Face`] – the faces (DejaVu Sans, Sans Bold, Sans Mono): their data, parsed once,
//!   and a digest of the data, so that two programs can tell whether they have the same
//!   font.
//! * [`Pen`] and [`size_key`] – the layout rule: sizes quantised to a quarter pixel,
//!   kerning and advances summed in `f64`, each glyph at the rounded pen position.
//! * [`Metrics`] – a face's measurements on the client: widths, caret positions, the
//!   character under a point, line heights, ink extents.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `face`, `pen` — the font data; the layout rule.
//! 2. `metrics` — measuring text with both.
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod face;
mod metrics;
mod pen;

pub use face::Face;
pub use metrics::{Extents, LineMetrics, Metrics};
pub use pen::{finite, key_px, size_key, Pen, MAX_PX, MIN_PX, SIZE_STEPS};
