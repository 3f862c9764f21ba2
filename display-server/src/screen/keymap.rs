//! Translating the host's input (winit's keys, buttons and wheel) into Yonder's terms:
//! X11 keysyms, X button numbers, wheel steps as buttons 4–7 plus precise scroll deltas.

use crate::command::InputEvent;
use winit::event::{MouseButton, MouseScrollDelta};
use winit::keyboard::{Key, KeyLocation, NamedKey};
use yonder_protocol::keysym;

/// The keysym of a key as the host reports it; None for keys Yonder does not name.
pub fn keysym_of(key: &Key, location: KeyLocation) -> Option<u32> {
    let right = location == KeyLocation::Right;
    match key {
        Key::Character(s) => s.chars().next().map(keysym::from_char),
        Key::Named(n) => Some(match n {
            NamedKey::Enter => keysym::RETURN,
            NamedKey::Tab => keysym::TAB,
            NamedKey::Space => keysym::SPACE,
            NamedKey::Backspace => keysym::BACKSPACE,
            NamedKey::Escape => keysym::ESCAPE,
            NamedKey::Delete => keysym::DELETE,
            NamedKey::Insert => keysym::INSERT,
            NamedKey::Home => keysym::HOME,
            NamedKey::End => keysym::END,
            NamedKey::PageUp => keysym::PAGE_UP,
            NamedKey::PageDown => keysym::PAGE_DOWN,
            NamedKey::ArrowLeft => keysym::LEFT,
            NamedKey::ArrowUp => keysym::UP,
            NamedKey::ArrowRight => keysym::RIGHT,
            NamedKey::ArrowDown => keysym::DOWN,
            NamedKey::Shift if right => keysym::SHIFT_R,
            NamedKey::Shift => keysym::SHIFT_L,
            NamedKey::Control if right => keysym::CONTROL_R,
            NamedKey::Control => keysym::CONTROL_L,
            NamedKey::Alt if right => keysym::ALT_R,
            NamedKey::Alt => keysym::ALT_L,
            NamedKey::Super if right => keysym::SUPER_R,
            NamedKey::Super => keysym::SUPER_L,
            NamedKey::CapsLock => keysym::CAPS_LOCK,
            NamedKey::F1 => keysym::F1,
            NamedKey::F2 => keysym::F1 + 1,
            NamedKey::F3 => keysym::F1 + 2,
            NamedKey::F4 => keysym::F1 + 3,
            NamedKey::F5 => keysym::F1 + 4,
            NamedKey::F6 => keysym::F1 + 5,
            NamedKey::F7 => keysym::F1 + 6,
            NamedKey::F8 => keysym::F1 + 7,
            NamedKey::F9 => keysym::F1 + 8,
            NamedKey::F10 => keysym::F1 + 9,
            NamedKey::F11 => keysym::F1 + 10,
            NamedKey::F12 => keysym::F1 + 11,
            _ => return None,
        }),
        _ => None,
    }
}

/// X's number for a mouse button (1 left, 2 middle, 3 right, 8 back, 9 forward).
pub fn button_number(b: MouseButton) -> Option<u8> {
    Some(match b {
        MouseButton::Left => 1,
        MouseButton::Middle => 2,
        MouseButton::Right => 3,
        MouseButton::Back => 8,
        MouseButton::Forward => 9,
        MouseButton::Other(n) => u8::try_from(n).ok().filter(|n| (10..=16).contains(n))?,
    })
}

/// Turns winit's wheel input into Yonder's (see [`crate::input::Wheel`]).
#[derive(Debug, Default)]
pub struct Wheel(crate::input::Wheel);

impl Wheel {
    /// The input events for one host wheel event.
    pub fn events(&mut self, delta: MouseScrollDelta) -> Vec<InputEvent> {
        match delta {
            MouseScrollDelta::LineDelta(x, y) => self.0.lines(x as f64, y as f64),
            MouseScrollDelta::PixelDelta(p) => self.0.pixels(p.x, p.y),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::LINE_PIXELS;

    #[test]
    fn keys_map_to_keysyms() {
        assert_eq!(
            keysym_of(&Key::Character("a".into()), KeyLocation::Standard),
            Some('a' as u32)
        );
        assert_eq!(
            keysym_of(&Key::Named(NamedKey::Enter), KeyLocation::Standard),
            Some(keysym::RETURN)
        );
        assert_eq!(
            keysym_of(&Key::Named(NamedKey::Shift), KeyLocation::Right),
            Some(keysym::SHIFT_R)
        );
        assert_eq!(
            keysym_of(&Key::Named(NamedKey::F12), KeyLocation::Standard),
            Some(0xFFC9)
        );
    }

    #[test]
    fn one_wheel_line_is_one_click() {
        let mut w = Wheel::default();
        let ev = w.events(MouseScrollDelta::LineDelta(0.0, 1.0));
        assert_eq!(
            ev[0],
            InputEvent::Scroll {
                dx: 0.0,
                dy: LINE_PIXELS
            }
        );
        assert_eq!(
            &ev[1..],
            &[
                InputEvent::Button {
                    button: 4,
                    pressed: true
                },
                InputEvent::Button {
                    button: 4,
                    pressed: false
                }
            ]
        );
        let ev = w.events(MouseScrollDelta::LineDelta(0.0, -1.0));
        assert!(ev.contains(&InputEvent::Button {
            button: 5,
            pressed: true
        }));
    }

    #[test]
    fn small_pixel_scrolls_accumulate() {
        let mut w = Wheel::default();
        let delta = || MouseScrollDelta::PixelDelta(winit::dpi::PhysicalPosition::new(0.0, 15.0));
        assert_eq!(w.events(delta()).len(), 1);
        assert_eq!(w.events(delta()).len(), 1);
        assert_eq!(w.events(delta()).len(), 3, "the third crosses one step");
    }
}
