//! What Yonder's tests share. Dev-only: no shipped crate depends on it.
//!
//! - [`layers`]: the architecture test — reads a crate's sources and fails when a module
//!   uses one in a higher layer than its own, or two modules use each other.

pub mod layers;
