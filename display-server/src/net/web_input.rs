//! What a web viewer's page says (protocol.md §20.4): its JSON messages parsed, and its
//! input turned into the host input a window would give ([`InputEvent`]s). Pure functions,
//! the fuzz target of the WebSocket's way in.
//!
//! Keys come as the browser names them, `KeyboardEvent.key` and `.code`: `key` is what the
//! user's layout made of the press (`"a"`, `"A"`, `"é"`, `"Enter"`), so the keysym follows
//! from it whatever the layout. A dead key (`key` is `"Dead"`) and an input method's
//! composition type nothing themselves: the page sends what they composed as `text`,
//! typed as a press and release of that character's keysym.

use crate::command::InputEvent;
use crate::input::Wheel;
use serde::Deserialize;
use yonder_protocol::{keysym, Point};

/// The longest message a page may send, in bytes; a longer one ends the viewer. Large
/// content (a clipboard, a dropped file) comes in chunks of at most [`MAX_CHUNK`].
pub const MAX_MESSAGE: usize = 64 * 1024;
/// The most base64 characters of data one chunk may carry.
pub const MAX_CHUNK: usize = 48 * 1024;
/// The most characters one `text` message may type.
pub const MAX_TEXT_CHARS: usize = 256;

/// One message from the page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum PageMessage {
    /// The credential: the first message, and only then.
    Hello {
        /// The cookie, in hex.
        cookie: String,
    },
    /// The page painted frame `seq`.
    Ack {
        /// The frame's number.
        seq: u32,
    },
    /// The pointer moved to (x, y) on the screen.
    Move {
        /// Screen x.
        x: f64,
        /// Screen y.
        y: f64,
    },
    /// A mouse button went down or up: the DOM's `MouseEvent.button` (0 left, 1 middle,
    /// 2 right, 3 back, 4 forward).
    Button {
        /// The DOM's button number.
        b: u8,
        /// Down.
        down: bool,
    },
    /// The wheel turned: the DOM's `WheelEvent` deltas and `deltaMode`.
    Wheel {
        /// `deltaX`.
        dx: f64,
        /// `deltaY`.
        dy: f64,
        /// `deltaMode`: 0 pixels, 1 lines, 2 pages.
        #[serde(default)]
        mode: u8,
    },
    /// A key went down or up.
    Key {
        /// `KeyboardEvent.key`.
        key: String,
        /// `KeyboardEvent.code`.
        #[serde(default)]
        code: String,
        /// `KeyboardEvent.location` (2: the right-hand one of a pair).
        #[serde(default)]
        location: u8,
        /// Down.
        down: bool,
        /// Auto-repeat.
        #[serde(default)]
        repeat: bool,
    },
    /// Text composed by a dead key or an input method.
    Text {
        /// What was composed.
        text: String,
    },
    /// A chunk of the browser's clipboard, for a paste in the display: the bytes of one
    /// type, in base64; `last` ends the whole clipboard, which then replaces the
    /// display's.
    Clip {
        /// The MIME type: `text/plain` or `image/png`.
        mime: String,
        /// Base64 of up to 36 KiB.
        data: String,
        /// The clipboard is complete.
        #[serde(default)]
        last: bool,
    },
    /// A chunk of a file dropped on the page at screen point (x, y); `last` ends it, and
    /// the display then gets it as a drag-and-drop.
    Drop {
        /// Screen x of the drop.
        x: f64,
        /// Screen y of the drop.
        y: f64,
        /// The file's MIME type as the browser names it.
        mime: String,
        /// The file's name.
        #[serde(default)]
        name: String,
        /// Base64 of up to 36 KiB.
        data: String,
        /// The file is complete.
        #[serde(default)]
        last: bool,
    },
    /// Make the screen this size (the page's, when the user asks for it).
    Resize {
        /// Width in screen pixels.
        w: u32,
        /// Height in screen pixels.
        h: u32,
    },
}

/// Why a page's message is refused (the viewer then ends with this as the reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadMessage(pub String);

/// The bytes of a chunk's base64 `data`, or why not.
pub fn chunk_bytes(data: &str) -> Result<Vec<u8>, BadMessage> {
    use base64::Engine;
    if data.len() > MAX_CHUNK {
        return Err(BadMessage(format!(
            "a chunk of {} base64 characters; at most {MAX_CHUNK}",
            data.len()
        )));
    }
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| BadMessage(format!("a chunk that is not base64: {e}")))
}

/// Parses one text message of the page.
pub fn parse(text: &str) -> Result<PageMessage, BadMessage> {
    if text.len() > MAX_MESSAGE {
        return Err(BadMessage(format!(
            "a message of {} bytes; at most {MAX_MESSAGE}",
            text.len()
        )));
    }
    serde_json::from_str(text).map_err(|e| BadMessage(format!("not a viewer message: {e}")))
}

/// Turns a page's input into host input; `screen` is the screen's size, which pointer
/// positions are kept inside. Messages that are not input give nothing.
pub fn input(msg: &PageMessage, screen: (u32, u32), wheel: &mut Wheel) -> Vec<InputEvent> {
    match msg {
        PageMessage::Move { x, y } => {
            let clamp = |v: f64, max: u32| {
                if v.is_finite() {
                    v.clamp(0.0, max.saturating_sub(1) as f64) as i32
                } else {
                    0
                }
            };
            vec![InputEvent::Motion(Point::new(
                clamp(*x, screen.0),
                clamp(*y, screen.1),
            ))]
        }
        PageMessage::Button { b, down } => {
            let button = match b {
                0 => 1,
                1 => 2,
                2 => 3,
                3 => 8,
                4 => 9,
                _ => return Vec::new(),
            };
            vec![InputEvent::Button {
                button,
                pressed: *down,
            }]
        }
        // The DOM's positive deltaY scrolls down (the wheel turned towards the user);
        // Yonder's positive dy is the wheel turned up.
        PageMessage::Wheel { dx, dy, mode } => match mode {
            0 => wheel.pixels(-dx, -dy),
            1 => wheel.lines(-dx, -dy),
            2 => wheel.lines(-dx * 10.0, -dy * 10.0),
            _ => Vec::new(),
        },
        PageMessage::Key {
            key,
            location,
            down,
            repeat,
            ..
        } => {
            let Some(keysym) = keysym_of(key, *location) else {
                return Vec::new();
            };
            let mut chars = key.chars();
            let text = match (chars.next(), chars.next(), *down) {
                (Some(c), None, true) if !c.is_control() => c.to_string(),
                _ => String::new(),
            };
            vec![InputEvent::Key {
                keysym,
                text,
                pressed: *down,
                repeat: *repeat,
            }]
        }
        PageMessage::Text { text } => text
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_TEXT_CHARS)
            .flat_map(|c| {
                let keysym = keysym::from_char(c);
                [true, false].map(|pressed| InputEvent::Key {
                    keysym,
                    text: if pressed {
                        c.to_string()
                    } else {
                        String::new()
                    },
                    pressed,
                    repeat: false,
                })
            })
            .collect(),
        PageMessage::Hello { .. }
        | PageMessage::Ack { .. }
        | PageMessage::Resize { .. }
        | PageMessage::Clip { .. }
        | PageMessage::Drop { .. } => Vec::new(),
    }
}

/// The keysym of a key the DOM names `key` at `location` (2: right); None for keys that
/// type nothing themselves (dead keys, an input method's) or that Yonder does not name.
pub fn keysym_of(key: &str, location: u8) -> Option<u32> {
    let right = location == 2;
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then(|| keysym::from_char(c));
    }
    Some(match key {
        "Enter" => keysym::RETURN,
        "Tab" => keysym::TAB,
        "Backspace" => keysym::BACKSPACE,
        "Escape" => keysym::ESCAPE,
        "Delete" => keysym::DELETE,
        "Insert" => keysym::INSERT,
        "Home" => keysym::HOME,
        "End" => keysym::END,
        "PageUp" => keysym::PAGE_UP,
        "PageDown" => keysym::PAGE_DOWN,
        "ArrowLeft" => keysym::LEFT,
        "ArrowUp" => keysym::UP,
        "ArrowRight" => keysym::RIGHT,
        "ArrowDown" => keysym::DOWN,
        "Shift" if right => keysym::SHIFT_R,
        "Shift" => keysym::SHIFT_L,
        "Control" if right => keysym::CONTROL_R,
        "Control" => keysym::CONTROL_L,
        "Alt" if right => keysym::ALT_R,
        "Alt" => keysym::ALT_L,
        "AltGraph" => keysym::ISO_LEVEL3_SHIFT,
        "Meta" | "OS" | "Super" if right => keysym::SUPER_R,
        "Meta" | "OS" | "Super" => keysym::SUPER_L,
        "CapsLock" => keysym::CAPS_LOCK,
        f if f.len() <= 3 && f.starts_with('F') => {
            let n: u32 = f[1..].parse().ok().filter(|n| (1..=12).contains(n))?;
            keysym::F1 + n - 1
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: &str, down: bool) -> PageMessage {
        PageMessage::Key {
            key: key.into(),
            code: String::new(),
            location: 0,
            down,
            repeat: false,
        }
    }

    #[test]
    fn messages_parse_and_bad_ones_are_refused() {
        assert_eq!(
            parse(r#"{"t":"hello","cookie":"ab12"}"#),
            Ok(PageMessage::Hello {
                cookie: "ab12".into()
            })
        );
        assert_eq!(
            parse(r#"{"t":"key","key":"é","code":"Digit2","down":true}"#),
            Ok(PageMessage::Key {
                key: "é".into(),
                code: "Digit2".into(),
                location: 0,
                down: true,
                repeat: false
            })
        );
        for bad in [
            "",
            "{}",
            r#"{"t":"launch"}"#,
            r#"{"t":"move","x":"a"}"#,
            "[1]",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let long = format!(r#"{{"t":"text","text":"{}"}}"#, "a".repeat(MAX_MESSAGE));
        assert!(parse(&long).unwrap_err().0.contains("at most"));
    }

    #[test]
    fn keys_map_to_keysyms_by_what_the_layout_made() {
        assert_eq!(keysym_of("a", 0), Some('a' as u32));
        assert_eq!(keysym_of("€", 0), Some(keysym::from_char('€')));
        assert_eq!(keysym_of("Shift", 2), Some(keysym::SHIFT_R));
        assert_eq!(keysym_of("F12", 0), Some(0xFFC9));
        assert_eq!(keysym_of("F13", 0), None);
        assert_eq!(keysym_of("Dead", 0), None);
        assert_eq!(keysym_of("Process", 0), None);
        assert_eq!(keysym_of("\u{7f}", 0), None);
        // A printable press types its character; a release and a named key type nothing.
        let w = &mut Wheel::default();
        let typed = |m: &PageMessage| match &input(m, (10, 10), &mut Wheel::default())[..] {
            [InputEvent::Key { text, .. }] => text.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(typed(&key("ß", true)), "ß");
        assert_eq!(typed(&key("ß", false)), "");
        assert_eq!(typed(&key("Enter", true)), "");
        assert!(input(&key("Dead", true), (10, 10), w).is_empty());
    }

    #[test]
    fn composed_text_is_typed_as_keys() {
        let ev = input(
            &PageMessage::Text {
                text: "é€".into()
            },
            (10, 10),
            &mut Wheel::default(),
        );
        assert_eq!(ev.len(), 4);
        assert_eq!(
            ev[0],
            InputEvent::Key {
                keysym: keysym::from_char('é'),
                text: "é".into(),
                pressed: true,
                repeat: false
            }
        );
        let long = PageMessage::Text {
            text: "x".repeat(10_000),
        };
        assert_eq!(
            input(&long, (10, 10), &mut Wheel::default()).len(),
            2 * MAX_TEXT_CHARS
        );
    }

    #[test]
    fn the_pointer_stays_on_the_screen_and_the_wheel_turns_the_x_way() {
        let w = &mut Wheel::default();
        let m = |x, y| {
            input(
                &PageMessage::Move { x, y },
                (100, 50),
                &mut Wheel::default(),
            )
        };
        assert_eq!(m(-5.0, 500.0), vec![InputEvent::Motion(Point::new(0, 49))]);
        assert_eq!(m(f64::NAN, 3.7), vec![InputEvent::Motion(Point::new(0, 3))]);
        // deltaY 100 pixels down: content up, button 5 (twice: 40 pixels a step).
        let ev = input(
            &PageMessage::Wheel {
                dx: 0.0,
                dy: 100.0,
                mode: 0,
            },
            (100, 50),
            w,
        );
        assert_eq!(
            ev[0],
            InputEvent::Scroll {
                dx: -0.0,
                dy: -100.0
            }
        );
        let fives = ev
            .iter()
            .filter(|e| {
                **e == InputEvent::Button {
                    button: 5,
                    pressed: true,
                }
            })
            .count();
        assert_eq!(fives, 2);
        let huge = PageMessage::Wheel {
            dx: 0.0,
            dy: 1e300,
            mode: 1,
        };
        assert!(input(&huge, (100, 50), w).len() <= 1 + 2 * 64);
    }
}
