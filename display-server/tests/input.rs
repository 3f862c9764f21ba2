//! Synthetic input (FakeInput) through the real server: focus, keys, buttons with the
//! implicit grab, motion, enter/leave, buttons beyond 5, and the permission it needs.

use yonder::prelude::*;
use yonder_protocol::request::FakeKind;
use yonder_protocol::{keysym, ErrorCode, Event, EventMask, ModMask, Rect};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

#[test]
fn keys_reach_the_focused_window_with_text_and_modifiers() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(
        &c,
        Rect::new(100, 50, 80, 60),
        0xFFFFFF,
        EventMask::KEY_PRESS | EventMask::KEY_RELEASE | EventMask::FOCUS_CHANGE,
    );
    c.set_input_focus(w);
    c.fake_input(FakeKind::Motion, 0, 5, 5); // pointer outside the window: focus still wins
    c.fake_input(FakeKind::KeyPress, keysym::SHIFT_L, 0, 0);
    c.fake_input(FakeKind::KeyPress, 'A' as u32, 0, 0);
    c.fake_input(FakeKind::KeyRelease, 'A' as u32, 0, 0);
    c.fake_input(FakeKind::KeyRelease, keysym::SHIFT_L, 0, 0);
    let evs = drain_events(&c);
    assert!(
        matches!(&evs[0], Event::FocusIn(f) if f.window == w),
        "{evs:?}"
    );
    let presses: Vec<_> = evs
        .iter()
        .filter_map(|e| {
            if let Event::KeyPress(k) = e {
                Some(k.clone())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(presses.len(), 2);
    assert_eq!(presses[1].keysym, 'A' as u32);
    assert_eq!(presses[1].text, "A");
    assert!(presses[1].modifiers.contains(ModMask::SHIFT));
    assert_eq!(
        (presses[1].x, presses[1].y),
        (5 - 100, 5 - 50),
        "coordinates relative to the window"
    );
    assert_eq!(c.get_input_focus().reply().unwrap().window, w);
}

#[test]
fn buttons_motion_and_implicit_grab() {
    let s = TestServer::start();
    let c = s.connect();
    let mask = EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::POINTER_MOTION
        | EventMask::ENTER_WINDOW
        | EventMask::LEAVE_WINDOW;
    let a = window(&c, Rect::new(10, 10, 50, 50), 0xFF0000, mask);
    let b = window(&c, Rect::new(100, 10, 50, 50), 0x0000FF, mask);
    drain(&c);
    c.fake_input(FakeKind::Motion, 0, 20, 30);
    c.fake_input(FakeKind::ButtonPress, 1, 0, 0);
    c.fake_input(FakeKind::Motion, 0, 120, 30); // drag into b: the grab keeps events on a
    c.fake_input(FakeKind::ButtonRelease, 1, 0, 0);
    c.fake_input(FakeKind::ButtonPress, 4, 0, 0); // wheel over b
    c.fake_input(FakeKind::ButtonRelease, 4, 0, 0);
    let evs = drain_events(&c);
    let mut it = evs.iter();
    assert!(
        matches!(it.next(), Some(Event::Enter(e)) if e.window == a && (e.x, e.y) == (10, 20)),
        "{evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::Motion(m)) if m.window == a && (m.x, m.y) == (10, 20)),
        "{evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::ButtonPress(p)) if p.window == a && p.button == 1 && (p.x, p.y) == (10, 20)),
        "{evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::Motion(m)) if m.window == a && (m.x, m.y) == (110, 20) && m.modifiers.contains(ModMask::BUTTON1)),
        "grabbed motion is relative to a: {evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::ButtonRelease(r)) if r.window == a && r.button == 1),
        "{evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::Leave(l)) if l.window == a),
        "crossing after the grab ends: {evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::Enter(e)) if e.window == b),
        "{evs:?}"
    );
    assert!(
        matches!(it.next(), Some(Event::ButtonPress(p)) if p.window == b && p.button == 4 && (p.x, p.y) == (20, 20)),
        "{evs:?}"
    );
    let q = c.query_pointer(b).reply().unwrap();
    assert_eq!((q.root_x, q.root_y, q.win_x, q.win_y), (120, 30, 20, 20));
}

/// protocol.md §8.3, §9.21: buttons 6–16 have no ModMask bit and no held state: they
/// never show in a mask, and every press and every release is an event.
#[test]
fn buttons_above_5_are_not_in_the_mask_and_are_not_deduplicated() {
    let s = TestServer::start();
    let c = s.connect();
    let mask = EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE;
    let w = window(&c, Rect::new(10, 10, 50, 50), 0xFF0000, mask);
    c.fake_input(FakeKind::Motion, 0, 20, 30);
    drain(&c);
    for b in [6, 16] {
        c.fake_input(FakeKind::ButtonPress, b, 0, 0);
        c.fake_input(FakeKind::ButtonPress, b, 0, 0);
        let q = c.query_pointer(w).reply().unwrap();
        assert_eq!(q.mask, ModMask::EMPTY, "button {b} held: no bit");
        c.fake_input(FakeKind::ButtonRelease, b, 0, 0);
        c.fake_input(FakeKind::ButtonRelease, b, 0, 0);
        let evs = drain_events(&c);
        let kinds: Vec<(bool, u8, ModMask)> = evs
            .iter()
            .filter_map(|e| match e {
                Event::ButtonPress(p) => Some((true, p.button, p.modifiers)),
                Event::ButtonRelease(r) => Some((false, r.button, r.modifiers)),
                _ => None,
            })
            .collect();
        let none = ModMask::EMPTY;
        assert_eq!(
            kinds,
            [
                (true, b as u8, none),
                (true, b as u8, none),
                (false, b as u8, none),
                (false, b as u8, none)
            ],
            "{evs:?}"
        );
    }
    // Buttons 1–5 have their bit, and a second press of a held one does nothing.
    c.fake_input(FakeKind::ButtonPress, 5, 0, 0);
    c.fake_input(FakeKind::ButtonPress, 5, 0, 0);
    assert_eq!(c.query_pointer(w).reply().unwrap().mask, ModMask::BUTTON5);
    c.fake_input(FakeKind::ButtonRelease, 5, 0, 0);
    let presses = drain_events(&c)
        .iter()
        .filter(|e| matches!(e, Event::ButtonPress(_)))
        .count();
    assert_eq!(presses, 1);
}

#[test]
fn events_propagate_to_the_nearest_selecting_ancestor() {
    let s = TestServer::start();
    let c = s.connect();
    let parent = window(
        &c,
        Rect::new(0, 0, 100, 100),
        0xFFFFFF,
        EventMask::BUTTON_PRESS,
    );
    let child = c.new_window_id();
    c.create_window(child, parent, Rect::new(30, 30, 20, 20), Default::default());
    c.map_window(child);
    c.fake_input(FakeKind::Motion, 0, 35, 36);
    c.fake_input(FakeKind::ButtonPress, 3, 0, 0);
    let evs = drain_events(&c);
    assert!(
        evs.iter().any(
            |e| matches!(e, Event::ButtonPress(p) if p.window == parent && (p.x, p.y) == (35, 36))
        ),
        "{evs:?}"
    );
}

#[test]
fn synthetic_input_needs_permission() {
    let s = TestServer::start_with(|c| c.allow_synthetic_input = false);
    let c = s.connect();
    let err = c.fake_input(FakeKind::Motion, 0, 1, 1).check().unwrap_err();
    match err {
        yonder::ReplyError::Protocol(p) => assert_eq!(p.code, ErrorCode::Access),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.query_pointer(c.root()).reply().unwrap().root_x,
        0,
        "the pointer did not move"
    );
}
