//! The state thread's side of the web viewers (protocol.md §20): one coming, one taking
//! the pixels it has not seen, one going. While any viewer watches, the screen is composed
//! even when no window shows it (headless), and composed damage is added to each viewer's
//! dirty area ([`crate::state::viewers`]).

use crate::command::{ViewerFrame, ViewerId};
use crate::dispatch::{self, screen_change};
use crate::state::viewers::CopyArea;
use crate::state::{Framebuffer, State};
use std::sync::Arc;
use yonder_protocol::{Point, Rect};

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
    let (copies, mut dirty) = s.viewers.take(id)?;
    let fb = &s.framebuffer;
    let screen = Rect::new(0, 0, fb.width, fb.height);
    // Overlapping areas are read once: past the screen's area in all, the bounding box.
    let area: u64 = dirty.iter().map(|r| r.width as u64 * r.height as u64).sum();
    if area > fb.width as u64 * fb.height as u64 {
        let all = dirty.iter().fold(dirty[0], |a, r| a.union(r));
        dirty = vec![all];
    }
    let copies = copies
        .into_iter()
        .map(|c| (c.dst(), Point::new(c.src.x, c.src.y)))
        .collect();
    let rects = dirty
        .iter()
        .filter_map(|r| r.intersect(&screen))
        .map(|r| (r, rows(fb, r)))
        .collect();
    Some(ViewerFrame {
        width: fb.width,
        height: fb.height,
        copies,
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
/// new character costs the viewers that character's tiles only. With `moves` (windows
/// that moved whole this burst), the pages are first told to copy those areas, and the
/// tiles where they moved to are compared with the pixels that were copied there: a
/// window dragged unchanged costs nothing but the area it uncovered.
pub fn changed(fb: &Framebuffer, before: Before, moves: &[CopyArea]) -> (Vec<CopyArea>, Vec<Rect>) {
    let screen = Rect::new(0, 0, fb.width, fb.height);
    let resized = before
        .0
        .iter()
        .any(|(r, _)| r.x as u32 + r.width > fb.width || r.y as u32 + r.height > fb.height);
    if resized {
        // The screen changed size meanwhile: all of it is new.
        return (Vec::new(), before.0.into_iter().map(|(r, _)| r).collect());
    }
    // Each move clipped so that both ends are on the screen, kept only where composing
    // repainted all of its destination.
    let copies: Vec<CopyArea> = moves
        .iter()
        .filter_map(|c| {
            let moved_screen = Rect::new(-c.dx, -c.dy, fb.width, fb.height);
            let src = c.src.intersect(&screen)?.intersect(&moved_screen)?;
            let c = CopyArea {
                src,
                dx: c.dx,
                dy: c.dy,
            };
            let covered = before
                .0
                .iter()
                .any(|(r, _)| r.intersect(&c.dst()) == Some(c.dst()));
            (covered && (c.dx, c.dy) != (0, 0)).then_some(c)
        })
        .fold(Vec::new(), |mut kept: Vec<CopyArea>, c| {
            // The page copies in order: a copy touching an earlier one's destination
            // would read or cover pixels that one moved; its area is compared as damage.
            let clash = kept.iter().any(|k| {
                k.dst().intersect(&c.src).is_some() || k.dst().intersect(&c.dst()).is_some()
            });
            if !clash {
                kept.push(c);
            }
            kept
        });
    let old = Old {
        fb,
        before: &before,
    };
    let mut out: Vec<Rect> = Vec::new();
    for (r, kept) in &before.0 {
        // The rectangles of the tile row above, to grow downwards.
        let mut above: Vec<usize> = Vec::new();
        for ty in (0..r.height).step_by(TILE) {
            let mut row: Vec<Rect> = Vec::new();
            for tx in (0..r.width).step_by(TILE) {
                let tile = Rect::new(
                    r.x + tx as i32,
                    r.y + ty as i32,
                    (TILE as u32).min(r.width - tx),
                    (TILE as u32).min(r.height - ty),
                );
                if !old.differs(tile, *r, kept, &copies) {
                    continue;
                }
                match row.last_mut() {
                    Some(last) if last.x + last.width as i32 == tile.x => last.width += tile.width,
                    _ => row.push(tile),
                }
            }
            above = join(&mut out, &above, row);
        }
    }
    (copies, out)
}

/// Adds a tile row's runs to `out`, each growing the rectangle of the row above (indices
/// `above`) that has its span, else as a new one; returns the row's indices.
fn join(out: &mut Vec<Rect>, above: &[usize], row: Vec<Rect>) -> Vec<usize> {
    row.into_iter()
        .map(|run| {
            let grows = above.iter().copied().find(|&i| {
                let a = out[i];
                a.x == run.x && a.width == run.width && a.y + a.height as i32 == run.y
            });
            match grows {
                Some(i) => {
                    out[i].height += run.height;
                    i
                }
                None => {
                    out.push(run);
                    out.len() - 1
                }
            }
        })
        .collect()
}

/// The framebuffer as it was before composing: the kept pixels under the damage, and
/// elsewhere the framebuffer itself (composing changed nothing there).
struct Old<'a> {
    fb: &'a Framebuffer,
    before: &'a Before,
}

impl Old<'_> {
    /// Whether `tile` (inside damage area `area`, whose old pixels are `kept`) now differs
    /// from what the page shows there: the old pixels, or where a copy lands, the ones it
    /// copied.
    fn differs(&self, tile: Rect, area: Rect, kept: &[u32], copies: &[CopyArea]) -> bool {
        let stride = self.fb.width as usize;
        let under_copy = copies.iter().any(|c| c.dst().intersect(&tile).is_some());
        (tile.y..tile.y + tile.height as i32).any(|y| {
            let new =
                &self.fb.pixels[y as usize * stride + tile.x as usize..][..tile.width as usize];
            if !under_copy {
                let at = (y - area.y) as usize * area.width as usize + (tile.x - area.x) as usize;
                return new != &kept[at..at + tile.width as usize];
            }
            new.iter().enumerate().any(|(i, p)| {
                let x = tile.x + i as i32;
                let from = copies
                    .iter()
                    .find(|c| c.dst().contains(Point::new(x, y)))
                    .map_or((x, y), |c| (x - c.dx, y - c.dy));
                *p != self.at(from.0, from.1)
            })
        })
    }

    fn at(&self, x: i32, y: i32) -> u32 {
        for (r, px) in &self.before.0 {
            if r.contains(Point::new(x, y)) {
                return px[(y - r.y) as usize * r.width as usize + (x - r.x) as usize];
            }
        }
        self.fb.pixels[y as usize * self.fb.width as usize + x as usize]
    }
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
