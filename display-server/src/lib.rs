//! The Yonder display server as a library, so integration tests can run it in-process.
pub mod render;
