//! The built-in window manager through the real server, driven the way a user would drive
//! it (FakeInput motion and clicks) and checked by what a user would see (screen pixels)
//! and what the apps get (events): frames, moving, resizing, click-to-focus, crossing over
//! frames, placement, and override-redirect windows left alone. Closing is in
//! `wm_close.rs`.

use yonder::prelude::*;
use yonder_protocol::request::{FakeKind, PropMode, WindowAttributes};
use yonder_protocol::{atoms, Color, Event, EventMask, Point, Rect, Size};
use yonder_server::wm::{ACTIVE_TITLE, BORDER, GRIP_COLOR, INACTIVE_TITLE, TITLE_HEIGHT};
use yonder_test_support::client::*;
use yonder_test_support::server::*;
use yonder_test_support::wm::*;

#[test]
fn frame_shows_title_bar_close_button_and_borders_outside_the_window() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let r = Rect::new(60, 60, 120, 80);
    let w = titled(&app, r, 0x00FF00, EventMask::EMPTY, "Hello");
    assert_eq!(geometry(&app, w), r, "the client keeps its geometry");
    // The new window took the focus: the frame of a window without it is checked here.
    app.set_input_focus(app.root());
    app.sync().unwrap();
    let scr = screen(&app);
    assert_eq!(
        scr.at(120, 37),
        INACTIVE_TITLE,
        "title bar above the window"
    );
    assert_eq!(scr.at(57, 100), INACTIVE_TITLE, "left border");
    assert_eq!(scr.at(182, 100), INACTIVE_TITLE, "right border");
    assert_eq!(scr.at(100, 142), INACTIVE_TITLE, "bottom border");
    assert_eq!(scr.at(182, 142), GRIP_COLOR, "resize grip in the corner");
    assert_eq!(scr.at(100, 100), 0x00FF00, "the window itself");
    assert_eq!(scr.at(60, 60), 0x00FF00, "the window's top-left pixel");
    assert_eq!(scr.at(55, 100), ROOT_BG, "left of the frame");
    assert_eq!(scr.at(100, 35), ROOT_BG, "above the frame");
    assert_eq!(scr.at(100, 144), ROOT_BG, "below the frame");
    assert!(
        ink(&app, Rect::new(64, 38, 50, 20), INACTIVE_TITLE) > 30,
        "the title's text is drawn"
    );
    let (cx, cy) = close_button(r);
    assert!(
        ink(&app, Rect::new(cx - 6, cy - 6, 13, 13), INACTIVE_TITLE) > 10,
        "the close button's × is drawn"
    );
    assert_eq!(
        ink(&app, Rect::new(120, 38, 10, 20), INACTIVE_TITLE),
        0,
        "plain bar between title and the maximise button"
    );
    assert!(
        ink(&app, Rect::new(cx - 30, cy - 6, 13, 13), INACTIVE_TITLE) > 10,
        "the maximise button's square is drawn"
    );
    let own = read(&app, w, Rect::new(0, 0, 120, 80));
    assert_eq!(
        own.count(0x00FF00),
        120 * 80,
        "GetImage of a window has no frame"
    );

    // A new title redraws the bar; a long one is cut before the close button.
    let before = read(&app, app.root(), Rect::new(56, 36, 128, 24)).data;
    app.change_property(
        w,
        atoms::NET_WM_NAME,
        atoms::UTF8_STRING,
        PropMode::Replace,
        "A very long title that cannot fit in the bar",
    );
    app.sync().unwrap();
    let after = read(&app, app.root(), Rect::new(56, 36, 128, 24)).data;
    assert_ne!(before, after, "the title bar shows the new title");
    assert_eq!(
        ink(&app, Rect::new(cx - 12, 37, 3, 22), INACTIVE_TITLE),
        0,
        "the truncated title stops before the close button"
    );
}

#[test]
fn dragging_the_title_bar_moves_the_window() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let mask = EventMask::STRUCTURE_NOTIFY | EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE;
    let w = titled(&app, Rect::new(40, 60, 100, 60), 0xFF0000, mask, "Move me");
    drain(&app);
    drag(&input, 70, 45, 170, 95);
    assert_eq!(
        geometry(&app, w),
        Rect::new(140, 110, 100, 60),
        "moved by (+100, +50)"
    );
    let evs = drain_events(&app);
    assert!(
        evs.iter().any(|e| matches!(e, Event::Configure(c)
            if c.window == w && c.rect == Rect::new(140, 110, 100, 60))),
        "{evs:?}"
    );
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::ButtonPress(_) | Event::ButtonRelease(_))),
        "presses on the frame are not the client's: {evs:?}"
    );
    let scr = screen(&app);
    assert_eq!(scr.at(70, 45), ROOT_BG, "nothing left at the old title bar");
    assert_eq!(scr.at(50, 80), ROOT_BG, "nothing left at the old window");
    assert_eq!(scr.at(37, 80), ROOT_BG, "nothing left at the old border");
    assert_eq!(
        scr.at(200, 87),
        ACTIVE_TITLE,
        "title bar at the new place, focused"
    );
    assert_eq!(scr.at(150, 120), 0xFF0000, "the window at the new place");
    assert_eq!(app.get_input_focus().reply().unwrap().window, w);
}

#[test]
fn resizing_from_the_grip() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let mask = EventMask::STRUCTURE_NOTIFY | EventMask::EXPOSURE;
    let w = titled(
        &app,
        Rect::new(40, 60, 100, 60),
        0x0000FF,
        mask,
        "Resize me",
    );
    drain(&app);
    // The frame's bottom-right corner is at (143, 123).
    drag(&input, 142, 122, 172, 142);
    assert_eq!(geometry(&app, w), Rect::new(40, 60, 130, 80));
    let evs = drain_events(&app);
    assert!(
        evs.iter().any(|e| matches!(e, Event::Configure(c)
            if c.window == w && c.rect == Rect::new(40, 60, 130, 80))),
        "{evs:?}"
    );
    assert!(
        evs.iter().any(|e| matches!(e, Event::Expose(x)
            if x.window == w && x.rect == Rect::new(0, 0, 130, 80))),
        "{evs:?}"
    );
    let scr = screen(&app);
    assert_eq!(scr.at(165, 135), 0x0000FF, "the window grew");
    assert_eq!(scr.at(172, 142), GRIP_COLOR, "the grip followed the corner");
    assert_eq!(scr.at(143, 123), 0x0000FF, "the old corner is inside now");
    // Not smaller than 32 × 32.
    drag(&input, 172, 142, 0, 0);
    assert_eq!(geometry(&app, w), Rect::new(40, 60, 32, 32));
}

/// protocol.md §16.2: a resize by the user keeps to the app's size hints
/// (`WM_NORMAL_HINTS`): minimum, maximum and increments.
#[test]
fn resizing_keeps_to_the_size_hints() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let w = titled(
        &app,
        Rect::new(40, 60, 100, 60),
        0x0000FF,
        EventMask::EMPTY,
        "Hints",
    );
    let hints = yonder_server::wm::SizeHints {
        min: Some(Size::new(90, 50)),
        max: Some(Size::new(200, 150)),
        increment: Some(Size::new(10, 10)),
        base: Some(Size::new(0, 0)),
        aspect: None,
    };
    let name = |n: &str| app.intern_atom(n, false).reply().unwrap().atom;
    app.change_property(
        w,
        name("WM_NORMAL_HINTS"),
        name("WM_SIZE_HINTS"),
        PropMode::Replace,
        hints.encode(),
    );
    app.sync().unwrap();
    // The corner at (143, 123): far in, then far out.
    drag(&input, 142, 122, 0, 0);
    assert_eq!(geometry(&app, w), Rect::new(40, 60, 90, 50), "the minimum");
    drag(&input, 133, 113, 600, 400);
    assert_eq!(
        geometry(&app, w),
        Rect::new(40, 60, 200, 150),
        "the maximum"
    );
    // In steps of 10: 200 - 27 = 173 becomes 170.
    drag(&input, 243, 213, 216, 186);
    assert_eq!(
        geometry(&app, w),
        Rect::new(40, 60, 170, 120),
        "the increments"
    );
}

#[test]
fn click_to_focus_raises_and_focuses() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let mask = EventMask::FOCUS_CHANGE | EventMask::BUTTON_PRESS;
    let a = titled(&app, Rect::new(40, 60, 100, 80), 0xFF0000, mask, "A");
    let b = titled(&app, Rect::new(80, 90, 100, 80), 0x0000FF, mask, "B");
    assert_eq!(screen(&app).at(100, 110), 0x0000FF, "b starts on top");
    drain(&app);

    click(&input, 50, 70); // inside a, outside b
    let evs = drain_events(&app);
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::FocusIn(f) if f.window == a)),
        "{evs:?}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::ButtonPress(p) if p.window == a && (p.x, p.y) == (10, 10))),
        "the click still reaches the client: {evs:?}"
    );
    assert_eq!(
        app.query_tree(app.root()).reply().unwrap().children,
        vec![b, a]
    );
    let scr = screen(&app);
    assert_eq!(scr.at(100, 110), 0xFF0000, "a raised over b");
    assert_eq!(scr.at(90, 37), ACTIVE_TITLE, "a's title bar is active");
    assert_eq!(scr.at(182, 100), INACTIVE_TITLE, "b's border is inactive");

    click(&input, 170, 160); // inside b, outside a
    let evs = drain_events(&app);
    let focus: Vec<_> = evs
        .iter()
        .filter(|e| matches!(e, Event::FocusIn(_) | Event::FocusOut(_)))
        .collect();
    assert!(
        matches!(focus.as_slice(), [Event::FocusOut(o), Event::FocusIn(i)] if o.window == a && i.window == b),
        "{evs:?}"
    );
    assert_eq!(
        app.query_tree(app.root()).reply().unwrap().children,
        vec![a, b]
    );
    let scr = screen(&app);
    assert_eq!(scr.at(100, 110), 0x0000FF, "b raised over a");
    assert_eq!(
        scr.at(90, 37),
        INACTIVE_TITLE,
        "a's title bar is inactive again"
    );
    assert_eq!(scr.at(182, 100), ACTIVE_TITLE, "b's border is active");
}

#[test]
fn pointer_over_a_frame_is_over_no_client_window() {
    let s = TestServer::start_managed();
    let app = s.connect();
    let input = s.connect();
    let mask = EventMask::ENTER_WINDOW | EventMask::LEAVE_WINDOW | EventMask::POINTER_MOTION;
    let w = titled(&app, Rect::new(60, 60, 100, 80), 0xFFFFFF, mask, "Cross");
    input.fake_input(FakeKind::Motion, 0, 100, 100);
    input.fake_input(FakeKind::Motion, 0, 100, 45); // the title bar
    input.fake_input(FakeKind::Motion, 0, 90, 48);
    input.fake_input(FakeKind::Motion, 0, 100, 100);
    input.sync().unwrap();
    let evs = drain_events(&app);
    let kinds: Vec<&str> = evs
        .iter()
        .map(|e| match e {
            Event::Enter(x) if x.window == w => "enter",
            Event::Leave(x) if x.window == w => "leave",
            Event::Motion(x) if x.window == w => "motion",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["enter", "motion", "leave", "enter", "motion"],
        "{evs:?}"
    );
    let q = app.query_pointer(app.root()).reply().unwrap();
    assert_eq!(q.child, w);
}

#[test]
fn placement_cascades_windows_at_the_origin_and_keeps_title_bars_on_screen() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let a = titled(
        &app,
        Rect::new(0, 0, 100, 60),
        0xFF0000,
        EventMask::STRUCTURE_NOTIFY,
        "A",
    );
    let b = titled(
        &app,
        Rect::new(0, 0, 100, 60),
        0x00FF00,
        EventMask::STRUCTURE_NOTIFY,
        "B",
    );
    let c = titled(
        &app,
        Rect::new(150, 5, 60, 60),
        0x0000FF,
        EventMask::STRUCTURE_NOTIFY,
        "C",
    );
    let (ga, gb, gc) = (geometry(&app, a), geometry(&app, b), geometry(&app, c));
    assert_ne!(
        ga.origin(),
        gb.origin(),
        "two windows at (0, 0) do not pile up"
    );
    for g in [ga, gb, gc] {
        assert!(
            g.x >= BORDER as i32 && g.y >= TITLE_HEIGHT as i32,
            "title bar on screen: {g:?}"
        );
        assert!(g.right() <= 320 && g.bottom() <= 240, "{g:?}");
    }
    assert_eq!(gc, Rect::new(150, 24, 60, 60), "moved down just enough");
    let evs = drain_events(&app);
    for (w, g) in [(a, ga), (b, gb), (c, gc)] {
        assert!(
            evs.iter()
                .any(|e| matches!(e, Event::Configure(x) if x.window == w && x.rect == g)),
            "{w:?} told where it went: {evs:?}"
        );
    }
    // The last window mapped has the focus.
    let scr = screen(&app);
    assert_eq!(scr.at(ga.x + 30, ga.y - 20), INACTIVE_TITLE);
    assert_eq!(scr.at(gb.x + 30, gb.y - 20), INACTIVE_TITLE);
    assert_eq!(scr.at(gc.x + 30, gc.y - 20), ACTIVE_TITLE);
}

/// protocol.md §16.4: a requested client origin `(x, y)` other than `(0, 0)` is kept when
/// the whole frame (a 4-pixel border, a 24-pixel title bar) is on the screen, else moved
/// just enough that it is; a frame larger than the screen gets its left or top edge at
/// the screen's.
#[test]
fn placement_keeps_the_frame_on_the_screen() {
    let s = TestServer::start_with(|c| {
        c.window_manager = true;
        c.screen_width = 640;
        c.screen_height = 480;
    });
    let app = s.connect_trusted();
    let placed = |x: i32, y: i32, w: u32, h: u32| {
        let w = titled(
            &app,
            Rect::new(x, y, w, h),
            0xFF0000,
            EventMask::STRUCTURE_NOTIFY,
            "P",
        );
        geometry(&app, w).origin()
    };
    // The whole frame (58 wide) fits at x = 570, and it stays there.
    assert_eq!(placed(570, 100, 50, 50), Point::new(570, 100));
    // Right: the frame's right edge at the screen's (640 - 4 - 50 = 586).
    assert_eq!(placed(600, 100, 50, 50), Point::new(586, 100));
    assert_eq!(placed(5000, 100, 50, 50), Point::new(586, 100));
    // Left and top: the frame's left border and the title bar at the screen's edge.
    assert_eq!(placed(-30, 10, 50, 50), Point::new(4, 24));
    // Bottom: the frame's bottom border at the screen's (480 - 4 - 50 = 426).
    assert_eq!(placed(100, 470, 50, 50), Point::new(100, 426));
    assert_eq!(placed(100, 900, 50, 50), Point::new(100, 426));
    // Wider than the screen: the title bar's left end shown.
    assert_eq!(placed(50, 50, 700, 50), Point::new(4, 50));
}

#[test]
fn override_redirect_windows_are_left_alone() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let normal = titled(
        &app,
        Rect::new(40, 60, 100, 80),
        0xFF0000,
        EventMask::FOCUS_CHANGE,
        "N",
    );
    let menu = app.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(0x00FF00)),
        event_mask: Some(EventMask::BUTTON_PRESS | EventMask::FOCUS_CHANGE),
        override_redirect: Some(true),
        cursor: None,
    };
    app.create_window(menu, app.root(), Rect::new(0, 0, 60, 40), attrs);
    app.map_window(menu);
    app.sync().unwrap();
    assert_eq!(geometry(&app, menu), Rect::new(0, 0, 60, 40), "not placed");
    let menu2 = app.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(0x00FFFF)),
        override_redirect: Some(true),
        ..Default::default()
    };
    app.create_window(menu2, app.root(), Rect::new(200, 100, 60, 40), attrs);
    app.map_window(menu2);
    app.sync().unwrap();
    let scr = screen(&app);
    assert_eq!(scr.at(230, 90), ROOT_BG, "no title bar above it");
    assert_eq!(scr.at(198, 120), ROOT_BG, "no border beside it");
    assert_eq!(scr.at(230, 120), 0x00FFFF);

    click(&input, 60, 100); // focus the normal window
    drain(&app);
    click(&input, 10, 10); // the menu
    let evs = drain_events(&app);
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::ButtonPress(p) if p.window == menu)),
        "{evs:?}"
    );
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::FocusIn(_) | Event::FocusOut(_))),
        "a click on an override-redirect window does not move the focus: {evs:?}"
    );
    assert_eq!(app.get_input_focus().reply().unwrap().window, normal);
    let tree = app.query_tree(app.root()).reply().unwrap().children;
    assert_eq!(
        tree,
        vec![normal, menu, menu2],
        "the normal window stays below the menus"
    );
}

#[test]
fn a_new_window_takes_the_focus_unless_the_user_types_into_another_app() {
    let s = TestServer::start_managed();
    let first = s.connect();
    let second = s.connect();
    let input = s.connect();
    let focus = |c: &Connection| c.get_input_focus().reply().unwrap().window;
    let key = |ks: u32| {
        input.fake_input(FakeKind::KeyPress, ks, 0, 0);
        input.fake_input(FakeKind::KeyRelease, ks, 0, 0);
        input.sync().unwrap();
    };
    // The pointer is away from where the windows go: keys reach a window only through
    // the focus.
    input.fake_input(FakeKind::Motion, 0, 600, 400);
    input.sync().unwrap();
    let mask = EventMask::FOCUS_CHANGE | EventMask::KEY_PRESS;
    let a = titled(&first, Rect::new(40, 60, 100, 80), 0xFF0000, mask, "A");
    assert_eq!(focus(&first), a, "a new window takes the focus");
    drain(&first);
    key(u32::from(b'x'));
    let evs = drain_events(&first);
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::KeyPress(k) if k.window == a && k.text == "x")),
        "a key typed right after the window appeared reaches it: {evs:?}"
    );

    // The user is typing into A when another app's window appears: it does not take the
    // keys meant for A.
    key(u32::from(b'y'));
    let b = titled(&second, Rect::new(200, 60, 100, 80), 0x0000FF, mask, "B");
    assert_eq!(
        focus(&first),
        a,
        "a window mapped while the user types takes the focus"
    );
    key(u32::from(b'z'));
    assert!(
        drain_events(&first)
            .iter()
            .any(|e| matches!(e, Event::KeyPress(k) if k.window == a && k.text == "z")),
        "the keys still go to A"
    );
    assert!(
        !drain_events(&second)
            .iter()
            .any(|e| matches!(e, Event::KeyPress(_) | Event::FocusIn(_))),
        "B got keys or the focus"
    );

    // A dialog of the app being typed into takes the focus even so.
    key(u32::from(b'w'));
    let dialog = titled(&first, Rect::new(60, 200, 80, 60), 0x00FF00, mask, "Dialog");
    assert_eq!(
        focus(&first),
        dialog,
        "the focused app's new window takes the focus"
    );

    // Once the user has stopped typing, a new window takes the focus again; one mapped
    // again after an unmap does not.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let c = titled(&second, Rect::new(200, 200, 80, 60), 0x00FFFF, mask, "C");
    assert_eq!(focus(&first), c);
    second.unmap_window(b);
    second.map_window(b);
    second.sync().unwrap();
    assert_eq!(focus(&first), c, "a window mapped again took the focus");
}

/// A window whose WM_HINTS say it takes no input (ICCCM's input flag with `input` 0) is
/// not given the focus when it appears.
#[test]
fn a_window_that_takes_no_input_is_not_focused_on_map() {
    let s = TestServer::start_managed();
    let app = s.connect();
    let a = titled(
        &app,
        Rect::new(40, 60, 100, 80),
        0xFF0000,
        EventMask::EMPTY,
        "A",
    );
    assert_eq!(app.get_input_focus().reply().unwrap().window, a);
    let b = app.new_window_id();
    app.create_window(
        b,
        app.root(),
        Rect::new(200, 60, 100, 80),
        WindowAttributes::default(),
    );
    let hints: Vec<u8> = [1u32, 0, 0, 0, 0, 0, 0, 0, 0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let name = app.intern_atom("WM_HINTS", false).reply().unwrap().atom;
    app.change_property(b, name, name, PropMode::Replace, hints);
    app.map_window(b);
    app.sync().unwrap();
    assert_eq!(
        app.get_input_focus().reply().unwrap().window,
        a,
        "a window that takes no input took the focus"
    );
}
