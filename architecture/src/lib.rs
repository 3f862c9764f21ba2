//! The architecture test, shared by every crate of the workspace (dev-only: no shipped
//! crate depends on it, and it depends on none of ours, so a crate's tests can use it
//! without building the others).
//!
//! - [`layers`]: reads a crate's sources and fails when a module uses one in a higher
//!   layer than its own, when two modules use each other, or when a module stands in no
//!   layer of the list its `lib.rs` states.

pub mod layers;

pub use layers::{assert_crate_layers, Crate, Use};
