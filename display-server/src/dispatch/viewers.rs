//! The state thread's side of the web viewers (protocol.md §20): one coming, one taking
//! the pixels it has not seen, one going. While any viewer watches, the screen is composed
//! even when no window shows it (headless), and composed damage is added to each viewer's
//! dirty area ([`crate::state::viewers`]).

use crate::command::{ViewerFrame, ViewerId};
use crate::dispatch::{self, screen_change};
use crate::state::State;
use std::sync::Arc;
use yonder_protocol::Rect;

/// A viewer comes: the screen is composed from now on (a headless server composes all of
/// it afresh, its framebuffer was left stale) and the viewer has all of it to see.
pub fn attach(s: &mut State, wake: Arc<tokio::sync::Notify>) -> (ViewerId, u32, u32) {
    let (w, h) = (s.framebuffer.width, s.framebuffer.height);
    if !s.frames_shown {
        s.frames_shown = true;
        s.framebuffer.damage(Rect::new(0, 0, w, h));
    }
    let id = s.viewers.attach(wake, w, h);
    tracing::info!(
        viewer = id.0,
        viewers = s.viewers.len(),
        "a web viewer watches"
    );
    (id, w, h)
}

/// The pixels viewer `id` has not seen, composed first if damage waits; None when it is
/// not attached.
pub fn pull(s: &mut State, id: ViewerId) -> Option<ViewerFrame> {
    if s.framebuffer.has_damage() {
        dispatch::present(s);
    }
    let dirty = s.viewers.take(id)?;
    let fb = &s.framebuffer;
    let screen = Rect::new(0, 0, fb.width, fb.height);
    let rects = dirty
        .iter()
        .filter_map(|r| r.intersect(&screen))
        .map(|r| {
            let mut px = Vec::with_capacity(r.width as usize * r.height as usize);
            for y in r.y..r.y + r.height as i32 {
                let start = y as usize * fb.width as usize + r.x as usize;
                px.extend_from_slice(&fb.pixels[start..start + r.width as usize]);
            }
            (r, px)
        })
        .collect();
    Some(ViewerFrame {
        width: fb.width,
        height: fb.height,
        rects,
        cursor: s.input.cursor,
    })
}

/// Viewer `id` asks for a `width` × `height` screen: the screen takes it when its size is
/// the server's to change (headless), and the root window and every client follow as
/// for a resized host window.
pub fn resize(s: &mut State, id: ViewerId, width: u32, height: u32) -> bool {
    let (width, height) = (
        width.clamp(64, s.max_drawable_side),
        height.clamp(64, s.max_drawable_side),
    );
    if !s.viewers.has(id) || !s.screen.resize_to(width, height) {
        return false;
    }
    tracing::info!(
        viewer = id.0,
        width,
        height,
        "a web viewer resized the screen"
    );
    screen_change::resize_screen(s, width, height);
    s.viewers.all_dirty(width, height);
    true
}

/// A viewer goes; with the last one a headless screen stops being composed.
pub fn detach(s: &mut State, id: ViewerId) {
    if s.viewers.detach(id) {
        tracing::info!(
            viewer = id.0,
            viewers = s.viewers.len(),
            "a web viewer left"
        );
    }
    if s.viewers.is_empty() {
        s.frames_shown = s.screen.shows_frames();
    }
}
