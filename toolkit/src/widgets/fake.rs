//! Events as the server sends them, for the widgets' unit tests.

use yonder_protocol::event::{ButtonEvent, KeyEvent, MotionEvent, ScrollEvent};
use yonder_protocol::{Event, ModMask, Point, Timestamp, WindowId};

/// A press or release of `button` at `p`.
pub fn button(button: u8, p: Point, time: u32) -> ButtonEvent {
    ButtonEvent {
        window: WindowId::ROOT,
        time: Timestamp(time),
        x: p.x,
        y: p.y,
        root_x: p.x,
        root_y: p.y,
        button,
        modifiers: ModMask::default(),
    }
}

/// Button 1 pressed at `p` at `time` (milliseconds).
pub fn press(p: Point, time: u32) -> Event {
    Event::ButtonPress(button(1, p, time))
}

/// Button 1 released at `p`.
pub fn release(p: Point) -> Event {
    Event::ButtonRelease(button(1, p, 0))
}

/// One wheel step: button 4 (up) or 5 (down) pressed at `p`.
pub fn wheel(b: u8, p: Point) -> Event {
    Event::ButtonPress(button(b, p, 0))
}

/// The pointer at `p`, button 1 held or not.
pub fn motion(p: Point, held: bool) -> Event {
    Event::Motion(MotionEvent {
        window: WindowId::ROOT,
        time: Timestamp(0),
        x: p.x,
        y: p.y,
        root_x: p.x,
        root_y: p.y,
        modifiers: if held {
            ModMask::BUTTON1
        } else {
            ModMask::default()
        },
    })
}

/// Precise scrolling at `p`: `delta_y` pixels (positive: the content moves down).
pub fn scroll(p: Point, delta_y: f64) -> Event {
    Event::Scroll(ScrollEvent {
        window: WindowId::ROOT,
        time: Timestamp(0),
        x: p.x,
        y: p.y,
        root_x: p.x,
        root_y: p.y,
        delta_x: 0.0,
        delta_y,
        modifiers: ModMask::default(),
    })
}

/// A press of the key `keysym`, no modifiers.
pub fn key(keysym: u32) -> KeyEvent {
    KeyEvent {
        window: WindowId::ROOT,
        time: Timestamp(0),
        x: 0,
        y: 0,
        root_x: 0,
        root_y: 0,
        keysym,
        text: String::new(),
        modifiers: ModMask::default(),
        repeat: false,
    }
}
