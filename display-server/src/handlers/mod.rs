//! Request handlers, one file per concern. Each handler checks every argument before it
//! changes anything, so a failed request leaves the state untouched, and returns a reply
//! or an error for the requesting client only.

mod atom;
mod dnd;
mod draw;
mod image;
mod input;
mod property;
mod resource;
mod saveset;
mod selection;
mod shm;
mod window;
mod window_config;

pub use crate::state::MAX_DRAWABLE_PIXELS;
