//! Requests: what a client asks of the server. One struct per request, grouped by concern
//! in the submodules. Their opcodes, replies and flags, and the one [`crate::Request`] enum
//! that tags each with its opcode, come from the table in [`crate::descriptor`].
//!
//! On the wire a request is `[opcode, [field, field, ...]]` (a struct is an array of its
//! fields in declaration order). Requests carry no sequence number: the n-th request after
//! the hello is number n, on both sides. Trailing fields marked `#[serde(default)]` may be
//! left out by older clients.

mod draw;
mod input;
mod migrate;
mod property;
mod resource;
mod shm;
mod transfer;
mod window;

pub use draw::*;
pub use input::*;
pub use migrate::*;
pub use property::*;
pub use resource::*;
pub use shm::*;
pub use transfer::*;
pub use window::*;
