//! The pointer's shape: what the drag, the window manager's frames or the window under
//! the pointer ask for, and telling the screen (and the web viewers)
//! when it changes.

use super::wm::{DragKind, FramePart};
use super::State;
use yonder_protocol::request::{Cursor, DndAction};

impl State {
    /// The pointer shape during a drag.
    pub(crate) fn dnd_cursor(&self) -> Option<Cursor> {
        let d = self.transfers.drag.as_ref()?;
        Some(match (d.target, d.accept, d.action) {
            (Some(_), true, DndAction::Link) => Cursor::Alias,
            (Some(_), true, DndAction::Copy) => Cursor::Copy,
            (Some(_), true, _) => Cursor::Grabbing,
            _ => Cursor::NotAllowed,
        })
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

    /// The pointer shape of the window under the pointer (or of the grab window), walking
    /// up to the first ancestor that sets one; the window manager's over frames and
    /// while it drags.
    pub fn cursor_at_pointer(&self) -> Cursor {
        if let Some(c) = self.dnd_cursor() {
            return c;
        }
        if let Some(c) = self.wm_cursor() {
            return c;
        }
        let mut w = self.input.grab.unwrap_or(self.input.pointer_window);
        while let Some(win) = self.windows.get(&w) {
            if win.cursor != Cursor::Inherit {
                return win.cursor;
            }
            w = win.parent;
        }
        Cursor::Default
    }

    /// Tells the screen the pointer shape if it changed.
    pub fn update_cursor(&mut self) {
        let c = self.cursor_at_pointer();
        if c != self.input.cursor {
            self.input.cursor = c;
            self.screen.set_cursor(c);
            self.viewers.wake_all();
        }
    }
}
