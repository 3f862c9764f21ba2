//! The architecture test, shared by every crate of the workspace (dev-only: no shipped
//! crate depends on it, and it depends on none of ours, so a crate's tests can use it
//! without building the others).
//!
//! - [`layers`]: reads a crate's sources and fails when a module uses one in a higher
//!   layer than its own, when two modules use each other, or when a module stands in no
//!   layer of the list its `lib.rs` states.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (this crate checks itself in
//! `tests/architecture.rs`).
//!
//! 1. `walk` — parsing the sources and resolving every path to the module it reaches.
//! 2. `graph` — loops in a module graph and how to report them.
//! 3. `layers` — the stated layers and the checks.

mod graph;
pub mod layers;
mod walk;

pub use layers::{assert_crate_layers, Crate, Use};
