//! The input devices' state and what input does: pointer position and buttons, modifier
//! keys, the keyboard focus, the implicit grab while a button is held, and the
//! enter/leave bookkeeping. Real devices (the windowed screen) and FakeInput both feed
//! [`InputEvent`]s into [`State::handle_input`]. Pointer input passes the window manager
//! first ([`crate::wm`]): presses on frames and the drags they start are its own.

use crate::command::InputEvent;
use crate::state::State;
use yonder_protocol::event::{
    ButtonEvent, CrossingEvent, FocusEvent, KeyEvent, MotionEvent, ScrollEvent,
};
use yonder_protocol::request::Cursor;
use yonder_protocol::{keysym, ClientId, Event, EventMask, ModMask, Point, WindowId};

fn modifier_bit(ks: u32) -> ModMask {
    match ks {
        keysym::SHIFT_L | keysym::SHIFT_R => ModMask::SHIFT,
        keysym::CONTROL_L | keysym::CONTROL_R => ModMask::CONTROL,
        keysym::ALT_L | keysym::ALT_R => ModMask::MOD1,
        keysym::SUPER_L | keysym::SUPER_R => ModMask::MOD4,
        keysym::CAPS_LOCK => ModMask::LOCK,
        _ => ModMask::EMPTY,
    }
}

impl State {
    /// Applies one input event: updates the devices' state and sends the events.
    pub fn handle_input(&mut self, ev: InputEvent) {
        match ev {
            InputEvent::Motion(p) => self.pointer_motion(p),
            InputEvent::Scroll { dx, dy } => self.scroll(dx, dy),
            InputEvent::Button { button, pressed } => self.pointer_button(button, pressed),
            InputEvent::Key {
                keysym,
                text,
                pressed,
                repeat,
            } => self.key(keysym, text, pressed, repeat),
        }
        self.update_cursor();
    }

    fn pointer_motion(&mut self, p: Point) {
        let (w, h) = (
            self.framebuffer.width as i32,
            self.framebuffer.height as i32,
        );
        let p = Point::new(p.x.clamp(0, w - 1), p.y.clamp(0, h - 1));
        if p == self.input.pointer {
            return;
        }
        self.input.pointer = p;
        if self.dnd_motion(p) {
            return;
        }
        if self.wm_motion(p) {
            return;
        }
        self.update_pointer_window();
        let time = self.now();
        let modifiers = self.input_mask();
        self.deliver_pointer_event(EventMask::POINTER_MOTION, |window, rel| {
            Event::Motion(MotionEvent {
                window,
                time,
                x: rel.x,
                y: rel.y,
                root_x: p.x,
                root_y: p.y,
                modifiers,
            })
        });
    }

    /// Where a pointer event selected by `mask` goes: from the grab window (and no
    /// further up) while there is a grab, else from the window under the pointer.
    fn pointer_target(&self, mask: EventMask) -> Option<(WindowId, Vec<ClientId>)> {
        match self.input.grab {
            Some(g) => self.propagate_input(g, mask, Some(g)),
            None => self.propagate_input(self.input.pointer_window, mask, None),
        }
    }

    /// Sends the event `make` builds (from the window and the pointer relative to it) to
    /// the [`Self::pointer_target`] of `mask`, if any.
    fn deliver_pointer_event(&mut self, mask: EventMask, make: impl Fn(WindowId, Point) -> Event) {
        if let Some((w, to)) = self.pointer_target(mask) {
            let p = self.input.pointer;
            self.deliver_input_to(w, &to, p, make);
        }
    }

    fn pointer_button(&mut self, button: u8, pressed: bool) {
        let bit = ModMask::button(button);
        if pressed == self.input.buttons.contains(bit) && !bit.is_empty() {
            return; // already in that state
        }
        if self.dnd_button(bit, pressed) {
            return;
        }
        if self.wm_button(button, pressed) {
            return;
        }
        let p = self.input.pointer;
        let time = self.now();
        let modifiers = self.input_mask();
        let mask = if pressed {
            EventMask::BUTTON_PRESS
        } else {
            EventMask::BUTTON_RELEASE
        };
        let target = self.pointer_target(mask);
        if pressed {
            if self.input.grab.is_none() {
                // The implicit grab: the window that got the press keeps the pointer.
                self.input.grab = self
                    .propagate_input(self.input.pointer_window, EventMask::BUTTON_PRESS, None)
                    .map(|(w, _)| w);
            }
            self.input.buttons |= bit;
        } else {
            self.input.buttons = self.input.buttons & !bit;
        }
        if let Some((w, to)) = target {
            self.deliver_input_to(w, &to, p, |window, rel| {
                let e = ButtonEvent {
                    window,
                    time,
                    x: rel.x,
                    y: rel.y,
                    root_x: p.x,
                    root_y: p.y,
                    button,
                    modifiers,
                };
                if pressed {
                    Event::ButtonPress(e)
                } else {
                    Event::ButtonRelease(e)
                }
            });
        }
        if !pressed
            && (self.input.buttons & ModMask(0x1F00)).is_empty()
            && self.input.grab.take().is_some()
        {
            self.update_pointer_window();
        }
    }

    fn scroll(&mut self, delta_x: f64, delta_y: f64) {
        if self.transfers.drag.is_some() {
            return; // the drag owns the pointer
        }
        let p = self.input.pointer;
        let time = self.now();
        let modifiers = self.input_mask();
        self.deliver_pointer_event(EventMask::SCROLL, |window, rel| {
            Event::Scroll(ScrollEvent {
                window,
                time,
                x: rel.x,
                y: rel.y,
                root_x: p.x,
                root_y: p.y,
                delta_x,
                delta_y,
                modifiers,
            })
        });
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
        }
    }

    fn key(&mut self, ks: u32, text: String, pressed: bool, repeat: bool) {
        let modifiers = self.input_mask();
        let bit = modifier_bit(ks);
        if pressed {
            self.input.modifiers |= bit;
        } else {
            self.input.modifiers = self.input.modifiers & !bit;
        }
        // During a drag keys are the drag's (Escape cancels), but modifiers still count.
        if self.dnd_key(ks, pressed) {
            return;
        }
        let focus = self.input.focus;
        if focus.is_none() {
            return;
        }
        // Like X: keys go to the window under the pointer if it is inside the focus
        // window, else to the focus window itself.
        let pw = self.input.pointer_window;
        let source = if self.is_ancestor_or_self(focus, pw) {
            pw
        } else {
            focus
        };
        let stop = if focus == WindowId::ROOT {
            None
        } else {
            Some(focus)
        };
        let mask = if pressed {
            EventMask::KEY_PRESS
        } else {
            EventMask::KEY_RELEASE
        };
        let Some((w, to)) = self.propagate_input(source, mask, stop) else {
            return;
        };
        let p = self.input.pointer;
        let time = self.now();
        let text = if pressed { text } else { String::new() };
        self.deliver_input_to(w, &to, p, |window, rel| {
            let e = KeyEvent {
                window,
                time,
                x: rel.x,
                y: rel.y,
                root_x: p.x,
                root_y: p.y,
                keysym: ks,
                text: text.clone(),
                modifiers,
                repeat,
            };
            if pressed {
                Event::KeyPress(e)
            } else {
                Event::KeyRelease(e)
            }
        });
    }

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
