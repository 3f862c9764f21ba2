//! Screen backends behind one small trait: where composed frames go. The headless backend
//! (like Xvfb) keeps nothing beyond the compositor's framebuffer; the windowed backend
//! (winit + softbuffer) presents frames in a host window.

mod headless;
mod keymap;
pub mod winit;

pub use headless::Headless;

pub use crate::state::Screen;
