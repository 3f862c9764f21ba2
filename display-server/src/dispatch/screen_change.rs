//! The screen itself changing: the host window resized (the root window follows, clients
//! get its Configure and a ScreenChange event) or moved to a monitor with another scale.

use crate::events;
use crate::focus;
use crate::handlers::window_config;
use crate::render::{self, IRect};
use crate::state::State;
use yonder_protocol::event::ScreenChangeEvent;
use yonder_protocol::{Drawable, Event, EventMask, Point, Rect, WindowId};

/// Resizes the screen and the root window to width × height.
pub fn resize_screen(s: &mut State, width: u32, height: u32) {
    let (width, height) = (
        width.clamp(1, s.max_drawable_side),
        height.clamp(1, s.max_drawable_side),
    );
    if (width, height) == (s.framebuffer.width, s.framebuffer.height) {
        return;
    }
    s.framebuffer.resize(width, height);
    let bg = s
        .windows
        .get(&WindowId::ROOT)
        .map(|r| r.background)
        .unwrap_or_default();
    if let Some(mut pm) = tiny_skia::Pixmap::new(width, height) {
        render::fill_solid(&mut pm, IRect::new(0, 0, width, height), bg.0);
        s.surfaces.insert(Drawable(WindowId::ROOT.0), pm);
        s.opaque.forget(Drawable(WindowId::ROOT.0));
    }
    if let Some(root) = s.windows.get_mut(&WindowId::ROOT) {
        root.rect = Rect::new(0, 0, width, height);
    }
    s.framebuffer.damage(Rect::new(0, 0, width, height));
    s.wm.restyle_all();
    // The web viewers see all of the new screen (composing compares with a framebuffer
    // that is blank now), and copies of the old one no longer apply.
    s.viewers.all_dirty(width, height);
    // The pointer stays on the screen, as motion keeps it (found by fuzzing: a shrink
    // left it outside until the next motion).
    let p = s.input.pointer;
    s.input.pointer = Point::new(p.x.min(width as i32 - 1), p.y.min(height as i32 - 1));
    window_config::notify_configure(s, WindowId::ROOT);
    crate::handlers::wm_hints::states::screen_resized(s);
    announce_screen(s);
    focus::update_pointer_window(s);
}

/// The host's scale factor changed.
pub fn rescale_screen(s: &mut State, scale: f64) {
    if scale.is_finite() && scale > 0.0 && scale != s.scale_factor {
        s.scale_factor = scale;
        announce_screen(s);
    }
}

fn announce_screen(s: &mut State) {
    let e = ScreenChangeEvent {
        root: WindowId::ROOT,
        width: s.framebuffer.width,
        height: s.framebuffer.height,
        scale_factor: s.scale_factor,
    };
    events::deliver(
        s,
        WindowId::ROOT,
        EventMask::STRUCTURE_NOTIFY,
        Event::ScreenChange(e),
    );
}
