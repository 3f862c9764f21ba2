//! Moving data between clients: selections (clipboard, primary) with lazy, chunked,
//! server-mediated transfers; drag-and-drop on top of them; and the save-set that keeps
//! embedded parts alive when their container dies.
//!
//! All of it is plain data in [`Transfers`], owned by the state thread like the rest of
//! [`crate::state::State`], so a transfer, a drag and a client's disconnect can never
//! interleave half-way.

pub mod dnd;
pub mod selection;

pub use crate::state::transfer::*;
