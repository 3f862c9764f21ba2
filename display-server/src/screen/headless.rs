//! The headless screen: a screen in memory only, like Xvfb. Nothing looks at composed
//! frames (clients read the screen back with GetImage on the root window, which composes
//! the windows' backing stores itself), so the server does not compose for it at all.

use super::Screen;
use crate::state::Framebuffer;
use yonder_protocol::Rect;

/// An in-memory screen, of the size it was made with until a web viewer asks for another.
pub struct Headless {
    width: u32,
    height: u32,
    /// Frames presented so far.
    pub frames: u64,
}

impl Headless {
    /// A screen of width × height.
    pub fn new(width: u32, height: u32) -> Headless {
        Headless {
            width,
            height,
            frames: 0,
        }
    }
}

impl Screen for Headless {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn present(&mut self, _fb: &Framebuffer, _damage: &[Rect]) {
        self.frames += 1;
    }

    fn shows_frames(&self) -> bool {
        false
    }

    fn resize_to(&mut self, width: u32, height: u32) -> bool {
        (self.width, self.height) = (width, height);
        true
    }
}
