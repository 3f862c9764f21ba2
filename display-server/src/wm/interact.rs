//! What the pointer does to managed windows: hit testing of frames ([`hit_test`],
//! [`State::frame_at`]), click-to-focus, and the press on a frame that becomes a move
//! drag, a resize drag or a close click ([`Drag`]). `input.rs` calls [`State::wm_button`]
//! and [`State::wm_motion`] first; what they consume never reaches a client.
//!
//! A frame belongs to no client window: for crossing, motion and `QueryPointer` the
//! pointer over a frame is over the root (see `window_at`), and a press on it is the
//! window manager's alone. While a drag lasts, the pointer is the window manager's the way
//! an implicit grab makes it a client's: no crossing events, no motion to clients.

use super::{frame_of, CLOSE_WIDTH, GRIP, MIN_SIZE, TITLE_HEIGHT};
use crate::state::State;
use yonder_protocol::request::{ConfigureWindow, Cursor, StackMode};
use yonder_protocol::{ModMask, Point, Rect, Size, WindowId};

/// The button bits of a modifier mask (buttons 1–5).
const ALL_BUTTONS: ModMask = ModMask(0x1F00);

/// A part of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramePart {
    /// The title bar, except the close button: moves the window.
    Title,
    /// The close button at the title bar's right end.
    Close,
    /// The bottom-right corner: resizes the window.
    Grip,
    /// The rest of the border.
    Border,
}

/// Which part of the frame around the client rectangle `client` is at `p` (None inside
/// the client or outside the frame).
pub fn hit_test(client: Rect, p: Point) -> Option<FramePart> {
    let f = frame_of(client);
    if !f.contains(p) || client.contains(p) {
        return None;
    }
    let (right, bottom) = (f.right(), f.bottom());
    let (x, y) = (p.x as i64, p.y as i64);
    if y < f.y as i64 + TITLE_HEIGHT as i64 {
        return Some(if x >= right - CLOSE_WIDTH as i64 {
            FramePart::Close
        } else {
            FramePart::Title
        });
    }
    if x >= right - GRIP as i64 && y >= bottom - GRIP as i64 {
        return Some(FramePart::Grip);
    }
    Some(FramePart::Border)
}

/// What a press on a frame turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DragKind {
    /// Moving `window`: it keeps its offset from the pointer.
    Move {
        /// The window.
        window: WindowId,
        /// The pointer where the press happened.
        from: Point,
        /// The window's position then.
        origin: Point,
    },
    /// Resizing `window` from its bottom-right corner.
    Resize {
        /// The window.
        window: WindowId,
        /// The pointer where the press happened.
        from: Point,
        /// The window's size then.
        size: Size,
    },
    /// A press on the close button of `window`; a release on it closes.
    Close {
        /// The window.
        window: WindowId,
    },
    /// Nothing to do, but the press and its release are the window manager's.
    Swallow,
}

impl DragKind {
    /// The window the drag acts on.
    pub fn window(&self) -> Option<WindowId> {
        match *self {
            DragKind::Move { window, .. }
            | DragKind::Resize { window, .. }
            | DragKind::Close { window } => Some(window),
            DragKind::Swallow => None,
        }
    }
}

/// A press on a frame, held until its button is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drag {
    /// The button pressed.
    pub button: u8,
    /// What it does.
    pub kind: DragKind,
}

impl State {
    /// The frame at root point `p`, if the topmost thing there is a frame (not a window).
    pub fn frame_at(&self, p: Point) -> Option<(WindowId, FramePart)> {
        let root = self.windows.get(&WindowId::ROOT)?;
        for c in root.children.iter().rev() {
            let Some(win) = self.windows.get(c) else {
                continue;
            };
            if !win.mapped {
                continue;
            }
            if win.rect.contains(p) {
                return None;
            }
            if self.wm.is_framed(win) {
                if let Some(part) = hit_test(win.rect, p) {
                    return Some((*c, part));
                }
            }
        }
        None
    }

    /// Hook for a button going down or up. Returns true when the window manager consumed
    /// it: a press on a frame, and every button until all are up again. The drag's action
    /// (ending a move, closing) happens when its own button is released. A press in a
    /// managed window's client area raises and focuses the window, and is then delivered
    /// as usual (false).
    pub(crate) fn wm_button(&mut self, button: u8, pressed: bool) -> bool {
        if !self.wm.enabled {
            return false;
        }
        let bit = ModMask::button(button);
        if let Some(drag) = self.wm.drag {
            if pressed {
                self.input.buttons |= bit;
            } else {
                self.input.buttons = self.input.buttons & !bit;
            }
            if !pressed && button == drag.button {
                if let Some(d) = &mut self.wm.drag {
                    d.kind = DragKind::Swallow;
                }
                self.finish_drag(drag.kind);
            }
            if !pressed && (self.input.buttons & ALL_BUTTONS).is_empty() {
                self.wm.drag = None;
                self.update_pointer_window();
            }
            return true;
        }
        if !pressed || self.input.grab.is_some() {
            return false;
        }
        let p = self.input.pointer;
        let Some((w, part)) = self.frame_at(p) else {
            if (1..=3).contains(&button) {
                self.click_to_focus();
            }
            return false;
        };
        self.input.buttons |= bit;
        let kind = match (button, part) {
            (1, _) => {
                self.raise_and_focus(w);
                let rect = self.windows.get(&w).map(|x| x.rect).unwrap_or_default();
                match part {
                    FramePart::Title => DragKind::Move {
                        window: w,
                        from: p,
                        origin: rect.origin(),
                    },
                    FramePart::Grip => DragKind::Resize {
                        window: w,
                        from: p,
                        size: rect.size(),
                    },
                    FramePart::Close => DragKind::Close { window: w },
                    FramePart::Border => DragKind::Swallow,
                }
            }
            _ => DragKind::Swallow,
        };
        self.wm.drag = Some(Drag { button, kind });
        true
    }

    /// Hook for pointer motion to `p`: moves or resizes the window being dragged. Returns
    /// true when a press on a frame is held (the motion is then not a client's).
    pub(crate) fn wm_motion(&mut self, p: Point) -> bool {
        let Some(drag) = self.wm.drag else {
            return false;
        };
        match drag.kind {
            DragKind::Move {
                window,
                from,
                origin,
            } => {
                let x = origin.x.saturating_add(p.x - from.x);
                let y = origin.y.saturating_add(p.y - from.y);
                self.wm_configure(
                    window,
                    ConfigureWindow {
                        x: Some(x),
                        y: Some(y),
                        ..Default::default()
                    },
                );
            }
            DragKind::Resize { window, from, size } => {
                let max = self.max_drawable_side.max(MIN_SIZE) as i64;
                let grow = |side: u32, d: i32| (side as i64 + d as i64).clamp(MIN_SIZE as i64, max);
                let width = grow(size.width, p.x - from.x) as u32;
                let height = grow(size.height, p.y - from.y) as u32;
                let now = self.windows.get(&window).map(|x| x.rect.size());
                if now != Some(Size::new(width, height)) {
                    self.wm_configure(
                        window,
                        ConfigureWindow {
                            width: Some(width),
                            height: Some(height),
                            ..Default::default()
                        },
                    );
                }
            }
            DragKind::Close { .. } | DragKind::Swallow => {}
        }
        true
    }

    /// The pointer shape the window manager wants: Move or NwseResize while dragging, and
    /// over a frame the arrow (NwseResize on the grip). None leaves it to the windows.
    pub fn wm_cursor(&self) -> Option<Cursor> {
        if let Some(d) = self.wm.drag {
            return Some(match d.kind {
                DragKind::Move { .. } => Cursor::Move,
                DragKind::Resize { .. } => Cursor::NwseResize,
                _ => Cursor::Default,
            });
        }
        if !self.wm.enabled || self.input.grab.is_some() {
            return None;
        }
        match self.frame_at(self.input.pointer)? {
            (_, FramePart::Grip) => Some(Cursor::NwseResize),
            _ => Some(Cursor::Default),
        }
    }

    fn finish_drag(&mut self, kind: DragKind) {
        if let DragKind::Close { window } = kind {
            if self.frame_at(self.input.pointer) == Some((window, FramePart::Close)) {
                self.wm_close_clicked(window);
            }
        }
    }

    /// Click-to-focus: a press inside a managed window (or one of its descendants) raises
    /// and focuses it. Override-redirect windows are left alone.
    fn click_to_focus(&mut self) {
        let path = self.ancestry(self.input.pointer_window);
        let Some(top) = path.get(1).copied() else {
            return;
        };
        if self
            .windows
            .get(&top)
            .is_some_and(|win| self.wm.is_framed(win))
        {
            self.raise_and_focus(top);
        }
    }

    /// Raises `w` above every other normal top-level (override-redirect windows such as
    /// menus and tooltips stay above it) and gives it the focus, unless the focus already
    /// is inside it (a client may have focused one of its subwindows).
    fn raise_and_focus(&mut self, w: WindowId) {
        let above = self.windows.get(&WindowId::ROOT).and_then(|root| {
            let at = root.children.iter().position(|c| *c == w)?;
            root.children[at + 1..].iter().rev().copied().find(|c| {
                self.windows
                    .get(c)
                    .is_some_and(|x| x.mapped && !x.override_redirect)
            })
        });
        if let Some(sibling) = above {
            self.wm_configure(
                w,
                ConfigureWindow {
                    stack_mode: Some(StackMode::Above),
                    sibling: Some(sibling),
                    ..Default::default()
                },
            );
        }
        if !self.is_ancestor_or_self(w, self.input.focus) {
            self.set_focus(w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_test_finds_each_part() {
        // Frame: (96, 26) to (184, 114); client (100, 50) to (180, 110).
        let c = Rect::new(100, 50, 80, 60);
        let at = |x, y| hit_test(c, Point::new(x, y));
        assert_eq!(at(120, 80), None, "client area");
        assert_eq!(at(95, 40), None, "left of the frame");
        assert_eq!(at(120, 25), None, "above the frame");
        assert_eq!(at(184, 60), None, "right of the frame");
        assert_eq!(at(96, 26), Some(FramePart::Title));
        assert_eq!(at(150, 49), Some(FramePart::Title));
        assert_eq!(at(159, 30), Some(FramePart::Title));
        assert_eq!(at(160, 30), Some(FramePart::Close));
        assert_eq!(at(183, 49), Some(FramePart::Close));
        assert_eq!(at(97, 80), Some(FramePart::Border));
        assert_eq!(at(181, 80), Some(FramePart::Border));
        assert_eq!(at(120, 112), Some(FramePart::Border));
        assert_eq!(at(183, 113), Some(FramePart::Grip));
        assert_eq!(at(168, 112), Some(FramePart::Grip));
        assert_eq!(at(181, 98), Some(FramePart::Grip));
        assert_eq!(at(167, 112), Some(FramePart::Border));
        assert_eq!(at(181, 97), Some(FramePart::Border));
    }

    #[test]
    fn frame_parts_are_outside_a_minimal_client() {
        let c = Rect::new(10, 30, 1, 1);
        assert_eq!(hit_test(c, Point::new(10, 30)), None);
        assert_eq!(
            hit_test(c, Point::new(6, 6)),
            Some(FramePart::Close),
            "a frame narrower than the close button is all close button"
        );
        assert_eq!(hit_test(c, Point::new(14, 34)), Some(FramePart::Grip));
    }
}
