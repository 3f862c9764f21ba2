//! What the state needs of a screen backend: the [`Screen`] trait, declared here because
//! the state owns its screen (the backends themselves are `screen`'s). A screen is
//! handed the [`Framebuffer`], plain pixels, never the compositor or the state.

use super::Framebuffer;
use yonder_protocol::request::Cursor;
use yonder_protocol::Rect;

/// A place that shows the composed screen.
pub trait Screen: Send {
    /// Screen size in pixels.
    fn size(&self) -> (u32, u32);
    /// Device pixels per logical pixel.
    fn scale_factor(&self) -> f64 {
        1.0
    }
    /// Shows the framebuffer; `damage` lists what changed since the last call.
    fn present(&mut self, fb: &Framebuffer, damage: &[Rect]);
    /// Whether anything looks at composed frames. A screen nobody sees (headless: clients
    /// read pixels back with GetImage, which composes from the windows' backing stores)
    /// says no, and the server then never composes: drawing costs only the drawing.
    fn shows_frames(&self) -> bool {
        true
    }
    /// Shows this pointer shape (the screen has a real pointer only in a window).
    fn set_cursor(&mut self, _cursor: Cursor) {}
    /// Takes a new size a web viewer asks for (protocol.md §20.4); false when this
    /// screen's size is not the server's to change (a window's follows the window).
    fn resize_to(&mut self, _width: u32, _height: u32) -> bool {
        false
    }
}
