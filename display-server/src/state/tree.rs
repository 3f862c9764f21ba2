//! Queries on the window tree: absolute positions, viewability, visible areas, the window
//! under a point, ancestry and subtree walks, and screen damage. The window manager's
//! frames (see `state::wm`) count where the screen is concerned: a frame hides what is
//! below it, and damaging a managed window damages its frame too.

use super::State;
use crate::command::fail;
use yonder_protocol::event::ConfigureEvent;
use yonder_protocol::{ErrorCode, Point, ProtocolError, Rect, WindowId};

/// Most levels of windows under the root (its children are at level 1). A bound, so that
/// no client can build a chain deep enough to make a walk of the tree (composing a
/// frame, exposing, destroying) slow or deep (protocol.md §19.3).
pub const MAX_WINDOW_DEPTH: usize = 256;

impl State {
    /// The window's origin in root coordinates.
    pub fn abs_origin(&self, mut w: WindowId) -> Point {
        let (mut x, mut y) = (0i32, 0i32);
        while let Some(win) = self.windows.get(&w) {
            x = x.saturating_add(win.rect.x);
            y = y.saturating_add(win.rect.y);
            w = win.parent;
        }
        Point::new(x, y)
    }

    /// The window's rectangle in root coordinates.
    pub fn abs_rect(&self, w: WindowId) -> Option<Rect> {
        let win = self.windows.get(&w)?;
        let o = self.abs_origin(w);
        Some(Rect::new(o.x, o.y, win.rect.width, win.rect.height))
    }

    /// The Configure event telling `w`'s own selectors its present geometry and place in
    /// the stacking order (`above_sibling`: the sibling just below it, or none).
    pub fn configure_event(&self, w: WindowId) -> Option<ConfigureEvent> {
        let win = self.windows.get(&w)?;
        let above_sibling = self
            .windows
            .get(&win.parent)
            .and_then(|p| {
                let i = p.children.iter().position(|k| *k == w)?;
                i.checked_sub(1).map(|j| p.children[j])
            })
            .unwrap_or(WindowId::NONE);
        Some(ConfigureEvent {
            event: w,
            window: w,
            rect: win.rect,
            above_sibling,
            override_redirect: win.override_redirect,
        })
    }

    /// Mapped, and every ancestor mapped.
    pub fn is_viewable(&self, mut w: WindowId) -> bool {
        loop {
            match self.windows.get(&w) {
                Some(win) if win.mapped => {
                    if win.parent.is_none() {
                        return true;
                    }
                    w = win.parent;
                }
                _ => return false,
            }
        }
    }

    /// The part of the screen where the window (with its children) can show: its absolute
    /// rectangle clipped by every ancestor. None if not viewable or clipped away.
    pub fn visible_rect(&self, w: WindowId) -> Option<Rect> {
        if !self.is_viewable(w) {
            return None;
        }
        let mut r = self.abs_rect(w)?;
        let mut p = self.windows.get(&w)?.parent;
        while !p.is_none() {
            r = r.intersect(&self.abs_rect(p)?)?;
            p = self.windows.get(&p)?.parent;
        }
        Some(r)
    }

    /// Whether `a` is `b` or one of `b`'s ancestors.
    pub fn is_ancestor_or_self(&self, a: WindowId, mut b: WindowId) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.windows.get(&b) {
                Some(win) if !win.parent.is_none() => b = win.parent,
                _ => return false,
            }
        }
    }

    /// The window and all its descendants, children before parents (destroy order).
    pub fn subtree_postorder(&self, w: WindowId) -> Vec<WindowId> {
        let mut out = Vec::new();
        self.postorder_into(w, &mut out);
        out
    }

    /// Children before parents, in the order of `children`, with a stack of its own
    /// rather than the thread's (whatever the tree's depth).
    fn postorder_into(&self, w: WindowId, out: &mut Vec<WindowId>) {
        if !self.windows.contains_key(&w) {
            return;
        }
        // (window, index of its next child to visit)
        let mut stack = vec![(w, 0usize)];
        while let Some((top, next)) = stack.last_mut() {
            let children = self.windows.get(top).map_or(&[][..], |x| &x.children[..]);
            match children.get(*next) {
                Some(&c) => {
                    *next += 1;
                    if self.windows.contains_key(&c) {
                        stack.push((c, 0));
                    }
                }
                None => {
                    out.push(*top);
                    stack.pop();
                }
            }
        }
    }

    /// The window's level: 0 for the root, 1 for its children, and so on.
    pub fn depth(&self, mut w: WindowId) -> usize {
        let mut depth = 0;
        while let Some(win) = self.windows.get(&w) {
            if win.parent.is_none() {
                break;
            }
            depth += 1;
            w = win.parent;
        }
        depth
    }

    /// The levels of the window's subtree: 1 for a window without children.
    pub fn subtree_height(&self, w: WindowId) -> usize {
        let mut height = 0;
        let mut stack = vec![(w, 1usize)];
        while let Some((x, level)) = stack.pop() {
            if let Some(win) = self.windows.get(&x) {
                height = height.max(level);
                stack.extend(win.children.iter().map(|c| (*c, level + 1)));
            }
        }
        height
    }

    /// An Alloc error naming `window` if a subtree `height` levels high, put under
    /// `parent`, would go deeper than [`MAX_WINDOW_DEPTH`].
    pub fn check_depth(
        &self,
        window: WindowId,
        parent: WindowId,
        height: usize,
    ) -> Result<(), ProtocolError> {
        let deepest = self.depth(parent) + height;
        if deepest <= MAX_WINDOW_DEPTH {
            return Ok(());
        }
        Err(fail(
            ErrorCode::Alloc,
            window.0,
            format!(
                "the window tree may be at most {MAX_WINDOW_DEPTH} levels deep; this would \
                 make it {deepest}"
            ),
        ))
    }

    /// The deepest viewable window containing the root point (the root if none other). A
    /// frame belongs to no client window: over one, this is the root.
    pub fn window_at(&self, p: Point) -> WindowId {
        self.window_below(self.top_at(p), p)
    }

    /// The topmost mapped child of the root whose window or frame contains root point `p`.
    pub fn top_at(&self, p: Point) -> Option<WindowId> {
        let root = self.windows.get(&WindowId::ROOT)?;
        root.children.iter().rev().copied().find(|c| {
            self.windows.get(c).is_some_and(|win| {
                win.mapped
                    && (win.rect.contains(p) || self.frame_rect(*c).is_some_and(|f| f.contains(p)))
            })
        })
    }

    /// The deepest viewable window containing root point `p` inside `top`, the top-level
    /// there ([`State::top_at`]); the root when none is, or `p` is on `top`'s frame.
    pub fn window_below(&self, top: Option<WindowId>, p: Point) -> WindowId {
        let Some((mut w, mut origin)) = top
            .and_then(|t| self.windows.get(&t).map(|win| (t, win.rect)))
            .filter(|(_, r)| r.contains(p))
            .map(|(t, r)| (t, r.origin()))
        else {
            return WindowId::ROOT;
        };
        // Below the top-levels there are no frames.
        'descend: loop {
            let Some(win) = self.windows.get(&w) else {
                return WindowId::ROOT;
            };
            for c in win.children.iter().rev() {
                let Some(cw) = self.windows.get(c) else {
                    continue;
                };
                let r = cw.rect.translate(origin.x, origin.y);
                if cw.mapped && r.contains(p) {
                    w = *c;
                    origin = r.origin();
                    continue 'descend;
                }
            }
            return w;
        }
    }

    /// The child of the root that is `w` or holds it (none for the root and unknown ids).
    pub fn top_level(&self, mut w: WindowId) -> Option<WindowId> {
        loop {
            let parent = self.windows.get(&w)?.parent;
            if parent == WindowId::ROOT {
                return Some(w);
            }
            w = parent;
        }
    }

    /// The path from the root down to `w` (root first).
    pub fn ancestry(&self, mut w: WindowId) -> Vec<WindowId> {
        let mut path = Vec::new();
        while let Some(win) = self.windows.get(&w) {
            path.push(w);
            if win.parent.is_none() {
                break;
            }
            w = win.parent;
        }
        path.reverse();
        path
    }

    /// Adds the visible part of a window-relative area of `w` to the screen damage.
    pub fn damage_window_area(&mut self, w: WindowId, area: Rect) {
        if let Some(vis) = self.visible_rect(w) {
            let o = self.abs_origin(w);
            if let Some(r) = area.translate(o.x, o.y).intersect(&vis) {
                self.framebuffer.damage(r);
            }
        }
    }

    /// Like [`State::visible_rect`], but for a window that shows a frame, the frame's
    /// outer rectangle (which holds the window): what changes on the screen when the
    /// window appears, moves, restacks or goes.
    pub fn visible_rect_with_frame(&self, w: WindowId) -> Option<Rect> {
        self.frame_rect(w).or_else(|| self.visible_rect(w))
    }

    /// Adds the whole visible area of `w` (with its frame, if any) to the screen damage.
    pub fn damage_window(&mut self, w: WindowId) {
        if let Some(vis) = self.visible_rect_with_frame(w) {
            self.framebuffer.damage(vis);
        }
    }
}
