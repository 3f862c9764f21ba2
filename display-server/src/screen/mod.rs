//! Screen backends behind one small trait ([`Screen`], declared in `state` because the
//! state owns its screen): where composed frames go. The headless backend (like Xvfb)
//! keeps nothing beyond the state's framebuffer; the windowed backend
//! (winit + softbuffer) presents frames in a host window.

mod headless;
mod keymap;
pub mod winit;

pub use headless::Headless;

pub use crate::state::Screen;
