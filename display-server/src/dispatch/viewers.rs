//! The state thread's side of the web viewers (protocol.md §20): one coming, one taking
//! the pixels it has not seen, one going. While any viewer watches, the screen is composed
//! even when no window shows it (headless), and composed damage is added to each viewer's
//! dirty area ([`crate::state::viewers`]).

use crate::command::{ViewerFrame, ViewerId};
use crate::dispatch::{self, screen_change};
use crate::state::{Framebuffer, State};
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

/// Tiles compared to find what composing changed.
const TILE: usize = 16;

/// The framebuffer's pixels under its pending damage, before composing: what the viewers
/// were last shown there.
pub struct Before(Vec<(Rect, Vec<u32>)>);

/// Keeps the pixels composing is about to repaint, when a viewer watches (None else).
pub fn before(s: &State) -> Option<Before> {
    if !s.viewers.any() {
        return None;
    }
    let fb = &s.framebuffer;
    let screen = Rect::new(0, 0, fb.width, fb.height);
    let areas = fb
        .pending()
        .iter()
        .filter_map(|r| r.intersect(&screen))
        .map(|r| (r, rows(fb, r)))
        .collect();
    Some(Before(areas))
}

/// The pixels of `r` (inside the screen), row by row.
fn rows(fb: &Framebuffer, r: Rect) -> Vec<u32> {
    let mut px = Vec::with_capacity(r.width as usize * r.height as usize);
    for y in r.y..r.y + r.height as i32 {
        let start = y as usize * fb.width as usize + r.x as usize;
        px.extend_from_slice(&fb.pixels[start..start + r.width as usize]);
    }
    px
}

/// What composing really changed within the areas of `before`, as rectangles of whole
/// 16-pixel tiles (clipped to the areas): a window that redraws all of itself for one
/// new character costs the viewers that character's tiles only.
pub fn changed(fb: &Framebuffer, before: Before) -> Vec<Rect> {
    let stride = fb.width as usize;
    let mut out: Vec<Rect> = Vec::new();
    for (r, old) in before.0 {
        if r.x as u32 + r.width > fb.width || r.y as u32 + r.height > fb.height {
            // The screen changed size meanwhile: all of it is new.
            out.push(r);
            continue;
        }
        let (w, h) = (r.width as usize, r.height as usize);
        // Runs of changed tiles in the previous tile row, to grow downwards.
        let mut above: Vec<usize> = Vec::new();
        for ty in (0..h).step_by(TILE) {
            let th = TILE.min(h - ty);
            let mut row: Vec<Rect> = Vec::new();
            for tx in (0..w).step_by(TILE) {
                let tw = TILE.min(w - tx);
                let differs = (ty..ty + th).any(|y| {
                    let new = (r.y as usize + y) * stride + r.x as usize + tx;
                    fb.pixels[new..new + tw] != old[y * w + tx..y * w + tx + tw]
                });
                if !differs {
                    continue;
                }
                let x = r.x + tx as i32;
                match row.last_mut() {
                    Some(last) if last.x + last.width as i32 == x => last.width += tw as u32,
                    _ => row.push(Rect::new(x, r.y + ty as i32, tw as u32, th as u32)),
                }
            }
            let mut grown = Vec::new();
            for run in row {
                let joined = above.iter().copied().find(|&i| {
                    let a = out[i];
                    a.x == run.x && a.width == run.width && a.y + a.height as i32 == run.y
                });
                match joined {
                    Some(i) => {
                        out[i].height += run.height;
                        grown.push(i);
                    }
                    None => {
                        grown.push(out.len());
                        out.push(run);
                    }
                }
            }
            above = grown;
        }
    }
    out
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
