//! What input does: host devices (the windowed screen) and FakeInput both feed
//! [`InputEvent`]s into [`handle_input`], which updates the devices' state
//! (`state::InputState`) and sends key, button, motion and scroll events. Pointer input
//! passes a drag ([`crate::transfer`]) and the window manager ([`crate::wm`]) first:
//! presses on frames and the drags they start are theirs. Focus and crossing events are
//! [`crate::focus`]'s.

use crate::command::InputEvent;
use crate::command::{fail, HandlerResult};
use crate::events;
use crate::focus;
use crate::state::State;
use crate::transfer::dnd;
use crate::wm::interact;
use yonder_protocol::event::{ButtonEvent, KeyEvent, MotionEvent, ScrollEvent};
use yonder_protocol::request::{FakeInput, FakeKind};
use yonder_protocol::ErrorCode;
use yonder_protocol::{keysym, ClientId, Event, EventMask, ModMask, Point, WindowId};

/// Pixels one wheel line stands for in scroll events.
pub const LINE_PIXELS: f64 = 20.0;
/// Pixels of precise scrolling that make one wheel step (button 4–7 click).
pub const PIXELS_PER_STEP: f64 = 40.0;

/// Turns a host's wheel (the window's, a web viewer's) into a precise scroll event plus
/// whole steps as clicks of buttons 4–7. Fractions of a step are kept between calls.
/// Positive deltas move the content down and right: the wheel turned up (button 4).
#[derive(Debug, Default)]
pub struct Wheel {
    acc_x: f64,
    acc_y: f64,
}

impl Wheel {
    /// A wheel that turned by lines: a line is one step.
    pub fn lines(&mut self, x: f64, y: f64) -> Vec<InputEvent> {
        self.steps((x * LINE_PIXELS, x), (y * LINE_PIXELS, y))
    }

    /// Precise scrolling by pixels: 40 make a step.
    pub fn pixels(&mut self, x: f64, y: f64) -> Vec<InputEvent> {
        self.steps((x, x / PIXELS_PER_STEP), (y, y / PIXELS_PER_STEP))
    }

    /// (pixels, steps) across and down.
    fn steps(&mut self, (dx, sx): (f64, f64), (dy, sy): (f64, f64)) -> Vec<InputEvent> {
        if !dx.is_finite() || !dy.is_finite() {
            return Vec::new();
        }
        let mut out = vec![InputEvent::Scroll { dx, dy }];
        self.acc_x += sx;
        self.acc_y += sy;
        for (acc, up, down) in [(&mut self.acc_y, 4u8, 5u8), (&mut self.acc_x, 6, 7)] {
            // A huge delta clicks at most a screenful of steps, not millions.
            *acc = acc.clamp(-64.0, 64.0);
            while *acc >= 1.0 {
                *acc -= 1.0;
                click(&mut out, up);
            }
            while *acc <= -1.0 {
                *acc += 1.0;
                click(&mut out, down);
            }
        }
        out
    }
}

fn click(out: &mut Vec<InputEvent>, button: u8) {
    for pressed in [true, false] {
        out.push(InputEvent::Button { button, pressed });
    }
}

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

/// Applies one input event: updates the devices' state and sends the events.
pub fn handle_input(s: &mut State, ev: InputEvent) {
    match ev {
        InputEvent::Motion(p) => pointer_motion(s, p),
        InputEvent::Scroll { dx, dy } => scroll(s, dx, dy),
        InputEvent::Button { button, pressed } => pointer_button(s, button, pressed),
        InputEvent::Key {
            keysym,
            text,
            pressed,
            repeat,
        } => key(s, keysym, text, pressed, repeat),
    }
    s.update_cursor();
}

fn pointer_motion(s: &mut State, p: Point) {
    let (w, h) = (s.framebuffer.width as i32, s.framebuffer.height as i32);
    let p = Point::new(p.x.clamp(0, w - 1), p.y.clamp(0, h - 1));
    if p == s.input.pointer {
        return;
    }
    s.input.pointer = p;
    if dnd::dnd_motion(s, p) {
        return;
    }
    if interact::wm_motion(s, p) {
        return;
    }
    focus::update_pointer_window(s);
    let time = s.now();
    let modifiers = s.input_mask();
    deliver_pointer_event(s, EventMask::POINTER_MOTION, |window, rel| {
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
fn pointer_target(s: &State, mask: EventMask) -> Option<(WindowId, Vec<ClientId>)> {
    match s.input.grab {
        Some(g) => events::propagate_input(s, g, mask, Some(g)),
        None => events::propagate_input(s, s.input.pointer_window, mask, None),
    }
}

/// Sends the event `make` builds (from the window and the pointer relative to it) to
/// the [`Self::pointer_target`] of `mask`, if any.
fn deliver_pointer_event(s: &mut State, mask: EventMask, make: impl Fn(WindowId, Point) -> Event) {
    if let Some((w, to)) = pointer_target(s, mask) {
        let p = s.input.pointer;
        events::deliver_input_to(s, w, &to, p, make);
    }
}

fn pointer_button(s: &mut State, button: u8, pressed: bool) {
    let bit = ModMask::button(button);
    if pressed == s.input.buttons.contains(bit) && !bit.is_empty() {
        return; // already in that state
    }
    if dnd::dnd_button(s, bit, pressed) {
        return;
    }
    if interact::wm_button(s, button, pressed) {
        return;
    }
    let p = s.input.pointer;
    let time = s.now();
    let modifiers = s.input_mask();
    let mask = if pressed {
        EventMask::BUTTON_PRESS
    } else {
        EventMask::BUTTON_RELEASE
    };
    let target = pointer_target(s, mask);
    if pressed {
        if s.input.grab.is_none() {
            // The implicit grab: the window that got the press keeps the pointer.
            let pointer_window = s.input.pointer_window;
            s.input.grab =
                events::propagate_input(s, pointer_window, EventMask::BUTTON_PRESS, None)
                    .map(|(w, _)| w);
        }
        s.input.buttons |= bit;
    } else {
        s.input.buttons = s.input.buttons & !bit;
    }
    if let Some((w, to)) = target {
        events::deliver_input_to(s, w, &to, p, |window, rel| {
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
    if !pressed && (s.input.buttons & ModMask(0x1F00)).is_empty() && s.input.grab.take().is_some() {
        focus::update_pointer_window(s);
    }
}

fn scroll(s: &mut State, delta_x: f64, delta_y: f64) {
    if s.transfers.drag.is_some() {
        return; // the drag owns the pointer
    }
    let p = s.input.pointer;
    let time = s.now();
    let modifiers = s.input_mask();
    deliver_pointer_event(s, EventMask::SCROLL, |window, rel| {
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

fn key(s: &mut State, ks: u32, text: String, pressed: bool, repeat: bool) {
    let modifiers = s.input_mask();
    let bit = modifier_bit(ks);
    if pressed {
        s.input.last_key = Some(s.now());
        s.input.modifiers |= bit;
    } else {
        s.input.modifiers = s.input.modifiers & !bit;
    }
    // During a drag keys are the drag's (Escape cancels), but modifiers still count.
    if dnd::dnd_key(s, ks, pressed) {
        return;
    }
    let focus = s.input.focus;
    if focus.is_none() {
        return;
    }
    // Like X: keys go to the window under the pointer if it is inside the focus
    // window, else to the focus window itself.
    let pw = s.input.pointer_window;
    let source = if s.is_ancestor_or_self(focus, pw) {
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
    let Some((w, to)) = events::propagate_input(s, source, mask, stop) else {
        return;
    };
    let p = s.input.pointer;
    let time = s.now();
    let text = if pressed { text } else { String::new() };
    events::deliver_input_to(s, w, &to, p, |window, rel| {
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
pub(crate) fn fake_input(s: &mut State, _c: ClientId, r: FakeInput) -> HandlerResult {
    if !s.allow_synthetic_input {
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
    handle_input(s, ev);
    Ok(None)
}
