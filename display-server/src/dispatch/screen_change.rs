//! The screen itself changing: the host window resized (the root window follows, clients
//! get its Configure and a ScreenChange event) or moved to a monitor with another scale.

use crate::render::{self, IRect};
use crate::state::State;
use yonder_protocol::event::ScreenChangeEvent;
use yonder_protocol::{Drawable, Event, EventMask, Point, Rect, WindowId};

impl State {
    /// Resizes the screen and the root window to width × height.
    pub fn resize_screen(&mut self, width: u32, height: u32) {
        let (width, height) = (
            width.clamp(1, self.max_drawable_side),
            height.clamp(1, self.max_drawable_side),
        );
        if (width, height) == (self.framebuffer.width, self.framebuffer.height) {
            return;
        }
        self.framebuffer.resize(width, height);
        let bg = self
            .windows
            .get(&WindowId::ROOT)
            .map(|r| r.background)
            .unwrap_or_default();
        if let Some(mut pm) = tiny_skia::Pixmap::new(width, height) {
            render::fill_solid(&mut pm, IRect::new(0, 0, width, height), bg.0);
            self.surfaces.insert(Drawable(WindowId::ROOT.0), pm);
        }
        if let Some(root) = self.windows.get_mut(&WindowId::ROOT) {
            root.rect = Rect::new(0, 0, width, height);
        }
        self.framebuffer.damage(Rect::new(0, 0, width, height));
        // The pointer stays on the screen, as motion keeps it (found by fuzzing: a shrink
        // left it outside until the next motion).
        let p = self.input.pointer;
        self.input.pointer = Point::new(p.x.min(width as i32 - 1), p.y.min(height as i32 - 1));
        self.notify_configure(WindowId::ROOT);
        self.announce_screen();
        self.update_pointer_window();
    }

    /// The host's scale factor changed.
    pub fn rescale_screen(&mut self, scale: f64) {
        if scale.is_finite() && scale > 0.0 && scale != self.scale_factor {
            self.scale_factor = scale;
            self.announce_screen();
        }
    }

    fn announce_screen(&mut self) {
        let e = ScreenChangeEvent {
            root: WindowId::ROOT,
            width: self.framebuffer.width,
            height: self.framebuffer.height,
            scale_factor: self.scale_factor,
        };
        self.deliver(
            WindowId::ROOT,
            EventMask::STRUCTURE_NOTIFY,
            Event::ScreenChange(e),
        );
    }
}
