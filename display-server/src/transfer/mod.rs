//! Moving data between clients, beyond the requests themselves (those are in
//! `handlers`): selections (clipboard, primary) with lazy, chunked,
//! server-mediated transfers, and drag-and-drop on top of them, as the pointer moves and
//! as windows and clients go.
//!
//! All of it is plain data in [`Transfers`], owned by the state thread like the rest of
//! [`crate::state::State`], so a transfer, a drag and a client's disconnect can never
//! interleave half-way.

pub mod dnd;
pub mod selection;

pub use crate::state::transfer::*;
