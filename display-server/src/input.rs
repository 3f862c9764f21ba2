//! The input devices' state and what input does: pointer position and buttons, modifier
//! keys, the keyboard focus, the implicit grab while a button is held, and the
//! enter/leave bookkeeping. Real devices (the windowed screen) and FakeInput both feed
//! [`InputEvent`]s into [`State::handle_input`]. Pointer input passes the window manager
//! first ([`crate::wm`]): presses on frames and the drags they start are its own.

use crate::command::InputEvent;
use crate::command::{fail, HandlerResult};
use crate::state::State;
use yonder_protocol::event::{ButtonEvent, KeyEvent, MotionEvent, ScrollEvent};
use yonder_protocol::request::{FakeInput, FakeKind};
use yonder_protocol::ErrorCode;
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

    // FakeInput: [kind, detail, x, y]
    pub(crate) fn fake_input(&mut self, _c: ClientId, r: FakeInput) -> HandlerResult {
        if !self.allow_synthetic_input {
            return Err(fail(
                ErrorCode::Access,
                0,
                "synthetic input is disabled (start the server with --allow-synthetic-input)",
            ));
        }
        let button = || u8::try_from(r.detail).ok().filter(|b| (1..=16).contains(b));
        let ev = match r.kind {
            FakeKind::Motion => InputEvent::Motion(Point::new(r.x, r.y)),
            FakeKind::ButtonPress | FakeKind::ButtonRelease => InputEvent::Button {
                button: button()
                    .ok_or_else(|| fail(ErrorCode::Value, r.detail as u64, "buttons are 1..=16"))?,
                pressed: r.kind == FakeKind::ButtonPress,
            },
            FakeKind::KeyPress | FakeKind::KeyRelease => InputEvent::Key {
                keysym: r.detail,
                text: keysym::to_char(r.detail)
                    .filter(|_| r.kind == FakeKind::KeyPress)
                    .map(String::from)
                    .unwrap_or_default(),
                pressed: r.kind == FakeKind::KeyPress,
                repeat: false,
            },
        };
        self.handle_input(ev);
        Ok(None)
    }
}
