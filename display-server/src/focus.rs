//! The keyboard focus and the window under the pointer: moving the focus (with its
//! FocusIn/FocusOut), following the pointer window as windows map, unmap, move and go
//! (with Enter/Leave), and forgetting a window that is destroyed.

use crate::state::State;
use yonder_protocol::event::{CrossingEvent, FocusEvent};
use yonder_protocol::{Event, EventMask, Point, WindowId};

impl State {
    /// Recomputes the window under the pointer and sends Leave/Enter for the windows the
    /// pointer left and entered. Called after motion and after any change of the tree.
    /// While a grab is held, crossing events are not sent (X sends them only to the grab).
    pub fn update_pointer_window(&mut self) {
        let new = self.window_at(self.input.pointer);
        let old = self.input.pointer_window;
        // While a grab (or a window manager drag) is held, crossing is not reported (X
        // reports it only to the grab); the windows crossed are announced when it ends.
        let held = self.input.grab.is_some() || self.wm.drag.is_some();
        if (new == old && self.windows.contains_key(&old)) || held {
            return;
        }
        self.input.pointer_window = new;
        let old_path = self.ancestry(old);
        let new_path = self.ancestry(new);
        let p = self.input.pointer;
        let time = self.now();
        let modifiers = self.input_mask();
        let crossing = |window, rel: Point| CrossingEvent {
            window,
            time,
            x: rel.x,
            y: rel.y,
            root_x: p.x,
            root_y: p.y,
            modifiers,
        };
        // Crossing events do not propagate; each window's own client (or a trusted
        // one) hears of it.
        for w in old_path.iter().rev().filter(|w| !new_path.contains(w)) {
            let to = self.input_recipients(*w, EventMask::LEAVE_WINDOW, self.owner_of(w.0));
            self.deliver_input_to(*w, &to, p, |window, rel| {
                Event::Leave(crossing(window, rel))
            });
        }
        for w in new_path.iter().filter(|w| !old_path.contains(w)) {
            let to = self.input_recipients(*w, EventMask::ENTER_WINDOW, self.owner_of(w.0));
            self.deliver_input_to(*w, &to, p, |window, rel| {
                Event::Enter(crossing(window, rel))
            });
        }
    }

    /// Moves the keyboard focus, sending FocusOut and FocusIn.
    pub fn set_focus(&mut self, w: WindowId) {
        let old = self.input.focus;
        if old == w {
            return;
        }
        self.input.focus = w;
        if !old.is_none() {
            self.deliver(
                old,
                EventMask::FOCUS_CHANGE,
                Event::FocusOut(FocusEvent { window: old }),
            );
        }
        if !w.is_none() {
            self.deliver(
                w,
                EventMask::FOCUS_CHANGE,
                Event::FocusIn(FocusEvent { window: w }),
            );
        }
    }

    /// After `w` stopped being viewable: the focus reverts to the pointer root if it was
    /// inside, and a grab inside it ends.
    pub fn window_gone(&mut self, w: WindowId) {
        let focus = self.input.focus;
        if !focus.is_none()
            && focus != WindowId::ROOT
            && (!self.windows.contains_key(&focus) || self.is_ancestor_or_self(w, focus))
        {
            self.set_focus(WindowId::ROOT);
        }
        if let Some(g) = self.input.grab {
            if !self.windows.contains_key(&g) || self.is_ancestor_or_self(w, g) {
                self.input.grab = None;
            }
        }
    }
}
