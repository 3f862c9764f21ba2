//! Window-manager behaviour on a bare [`State`] (no sockets, no runtime): the pointer
//! shape over frames and during drags, redrawing frames only when they change, the close
//! state machine without the alarm task, and the switch that turns it all off.

use super::{CloseState, CLOSE_TIMEOUT};
use crate::command::Incoming;
use crate::command::InputEvent;
use crate::dispatch;
use crate::dispatch::state_thread;
use crate::focus;
use crate::input;
use crate::state::State;
use crate::wm::close;
use std::time::Instant;
use tokio::sync::mpsc;
use yonder_protocol::request::{
    ChangeProperty, CreateWindow, Cursor, MapWindow, PropMode, WindowAttributes,
};
use yonder_protocol::{atoms, make_id, ClientId, Point, Rect, Request, WindowId};

struct Setup {
    state: State,
    client: ClientId,
    // Keeps the client's output channel open.
    _out: mpsc::UnboundedReceiver<Vec<u8>>,
}

fn setup(window_manager: bool) -> Setup {
    let (state, client, out) =
        crate::state::test_support::state_with_client(320, 240, window_manager);
    Setup {
        state,
        client,
        _out: out,
    }
}

impl Setup {
    fn request(&mut self, r: Request) {
        dispatch::handle_request(&mut self.state, self.client, Incoming::Request(r));
    }

    /// Creates and maps a top-level window number `n` at `rect`.
    fn window(&mut self, n: u32, rect: Rect) -> WindowId {
        let id = WindowId(make_id(7, n));
        self.request(Request::CreateWindow(CreateWindow {
            id,
            parent: WindowId::ROOT,
            rect,
            attributes: WindowAttributes::default(),
        }));
        self.request(Request::MapWindow(MapWindow { window: id }));
        id
    }

    fn input(&mut self, ev: InputEvent) {
        input::handle_input(&mut self.state, ev);
    }

    fn motion(&mut self, x: i32, y: i32) {
        self.input(InputEvent::Motion(Point::new(x, y)));
    }

    fn button(&mut self, pressed: bool) {
        self.input(InputEvent::Button { button: 1, pressed });
    }

    fn close_state(&self, w: WindowId) -> Option<CloseState> {
        self.state.wm.managed.get(&w).map(|m| m.close)
    }
}

#[test]
fn the_pointer_shape_follows_frame_parts_and_drags() {
    let mut s = setup(true);
    // Frame: (96, 26) to (184, 114).
    s.window(1, Rect::new(100, 50, 80, 60));
    s.motion(182, 112);
    assert_eq!(s.state.input.cursor, Cursor::NwseResize, "over the grip");
    s.motion(120, 30);
    assert_eq!(s.state.input.cursor, Cursor::Default, "over the title bar");
    s.button(true);
    assert_eq!(s.state.input.cursor, Cursor::Move, "moving");
    s.motion(130, 40);
    assert_eq!(s.state.input.cursor, Cursor::Move);
    s.button(false);
    assert_eq!(s.state.input.cursor, Cursor::Default, "the drag ended");
    // The window followed: (+10, +10). Now resize from the grip at (192, 122).
    s.motion(192, 122);
    s.button(true);
    s.motion(200, 130);
    assert_eq!(s.state.input.cursor, Cursor::NwseResize, "resizing");
    s.button(false);
    let w = s.state.windows[&WindowId(make_id(7, 1))].rect;
    assert_eq!(w, Rect::new(110, 60, 88, 68));
}

#[test]
fn frames_are_redrawn_only_when_what_they_show_changes() {
    let mut s = setup(true);
    let w = s.window(1, Rect::new(100, 50, 80, 60));
    state_thread::present(&mut s.state);
    assert!(
        s.state.wm.managed[&w].decoration.is_some(),
        "drawn for the screen"
    );
    s.state.refresh_decorations();
    assert!(
        !s.state.framebuffer.has_damage(),
        "nothing changed, nothing redrawn"
    );
    let active = |s: &Setup| {
        s.state.wm.managed[&w]
            .decoration
            .as_ref()
            .unwrap()
            .key
            .active
    };
    assert!(active(&s), "a new window has the focus");
    focus::set_focus(&mut s.state, WindowId::ROOT);
    s.state.refresh_decorations();
    assert!(s.state.framebuffer.has_damage(), "focus changes the frame");
    assert!(!active(&s));
    state_thread::present(&mut s.state);
    s.request(Request::ChangeProperty(ChangeProperty {
        window: w,
        property: atoms::WM_NAME,
        type_: atoms::STRING,
        mode: PropMode::Replace,
        data: b"Renamed".to_vec(),
    }));
    s.state.refresh_decorations();
    assert!(
        s.state.framebuffer.has_damage(),
        "a new title changes the frame"
    );
    assert_eq!(
        s.state.wm.managed[&w]
            .decoration
            .as_ref()
            .unwrap()
            .key
            .title,
        "Renamed"
    );
}

#[test]
fn an_expired_close_request_offers_force_quit_before_killing() {
    let mut s = setup(true);
    let w = s.window(1, Rect::new(100, 50, 80, 60));
    s.request(Request::ChangeProperty(ChangeProperty {
        window: w,
        property: atoms::WM_PROTOCOLS,
        type_: atoms::ATOM,
        mode: PropMode::Replace,
        data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
    }));
    assert!(close::supports_delete_window(&s.state, w));
    let click = |s: &mut Setup| {
        s.motion(172, 38);
        s.button(true);
        s.button(false);
    };
    click(&mut s);
    assert!(matches!(s.close_state(w), Some(CloseState::Asked { .. })));
    close::wm_tick(&mut s.state);
    assert!(
        matches!(s.close_state(w), Some(CloseState::Asked { .. })),
        "too early"
    );
    // Pretend the request is old: no alarm runs here, so the click itself notices.
    let old = Instant::now() - CLOSE_TIMEOUT;
    s.state.wm.managed.get_mut(&w).unwrap().close = CloseState::Asked { at: old };
    click(&mut s);
    assert_eq!(
        s.close_state(w),
        Some(CloseState::NotResponding),
        "offered, not killed"
    );
    assert!(s.state.clients.contains_key(&s.client));
    click(&mut s);
    assert!(!s.state.clients.contains_key(&s.client), "killed");
    assert!(!s.state.windows.contains_key(&w));
    assert!(s.state.wm.managed.is_empty());
}

#[test]
fn unmapping_answers_a_close_request() {
    let mut s = setup(true);
    let w = s.window(1, Rect::new(100, 50, 80, 60));
    s.state.wm.managed.get_mut(&w).unwrap().close = CloseState::NotResponding;
    s.request(Request::UnmapWindow(
        yonder_protocol::request::UnmapWindow { window: w },
    ));
    assert_eq!(s.close_state(w), Some(CloseState::Idle));
}

#[test]
fn without_the_window_manager_nothing_is_managed() {
    let mut s = setup(false);
    let w = s.window(1, Rect::new(0, 0, 80, 60));
    assert!(s.state.wm.managed.is_empty());
    assert_eq!(s.state.frame_rect(w), None);
    assert_eq!(
        s.state.windows[&w].rect,
        Rect::new(0, 0, 80, 60),
        "not placed"
    );
    s.motion(10, 10);
    s.button(true);
    assert_eq!(s.state.input.focus, WindowId::ROOT, "no click-to-focus");
    assert!(s.state.wm.drag.is_none());
}

#[test]
fn children_and_the_root_are_not_managed() {
    let mut s = setup(true);
    let top = s.window(1, Rect::new(100, 50, 80, 60));
    let child = WindowId(make_id(7, 2));
    s.request(Request::CreateWindow(CreateWindow {
        id: child,
        parent: top,
        rect: Rect::new(0, 0, 10, 10),
        attributes: WindowAttributes::default(),
    }));
    s.request(Request::MapWindow(MapWindow { window: child }));
    assert!(s.state.is_manageable(top));
    assert!(!s.state.is_manageable(child));
    assert!(!s.state.is_manageable(WindowId::ROOT));
    assert_eq!(s.state.frame_rect(child), None);
    assert_eq!(s.state.frame_rect(top), Some(Rect::new(96, 26, 88, 88)));
}

#[test]
fn a_maximised_window_follows_the_screen_and_goes_back_to_where_it_was() {
    use yonder_protocol::hints::WmStates;
    let mut s = setup(true);
    let r = Rect::new(100, 50, 80, 60);
    let w = s.window(1, r);
    crate::handlers::wm_hints::states::set_states(&mut s.state, w, WmStates::MAXIMIZED);
    let rect = |s: &Setup| s.state.windows[&w].rect;
    assert_eq!(rect(&s), Rect::new(4, 24, 320 - 8, 240 - 28));
    crate::dispatch::screen_change::resize_screen(&mut s.state, 400, 300);
    assert_eq!(
        rect(&s),
        Rect::new(4, 24, 400 - 8, 300 - 28),
        "it follows the screen"
    );
    crate::handlers::wm_hints::states::set_states(&mut s.state, w, WmStates::default());
    assert_eq!(rect(&s), r, "back where it was");
}

#[test]
fn what_is_under_a_still_pointer_follows_the_windows_mapped_moved_and_unmapped() {
    use yonder_protocol::request::{ConfigureWindow, UnmapWindow};
    let mut s = setup(true);
    s.motion(50, 200);
    // Many windows away from the pointer change nothing under it.
    for n in 1..=40 {
        s.window(
            n,
            Rect::new(150 + (n as i32 % 8) * 10, 40 + (n as i32 / 8) * 10, 20, 20),
        );
        assert_eq!(s.state.input.pointer_window, WindowId::ROOT);
    }
    // One mapped under it is entered; moved away, left.
    let b = s.window(41, Rect::new(30, 180, 60, 40));
    assert_eq!(s.state.input.pointer_window, b, "mapped under the pointer");
    s.request(Request::ConfigureWindow(ConfigureWindow {
        window: b,
        x: Some(200),
        ..Default::default()
    }));
    assert_eq!(s.state.input.pointer_window, WindowId::ROOT, "moved away");
    // A frame's grip brought under it shapes the pointer; unmapped, the shape goes.
    // Frame of a 40x40 window at (14, 164): (10, 140) to (58, 208), grip at its corner.
    let a = WindowId(make_id(7, 1));
    s.request(Request::ConfigureWindow(ConfigureWindow {
        window: a,
        x: Some(14),
        y: Some(164),
        width: Some(40),
        height: Some(40),
        ..Default::default()
    }));
    s.motion(56, 206);
    s.motion(50, 200);
    s.state.update_cursor();
    assert_eq!(s.state.input.pointer_window, a, "inside the window");
    s.request(Request::ConfigureWindow(ConfigureWindow {
        window: a,
        x: Some(10),
        y: Some(160),
        ..Default::default()
    }));
    s.state.update_cursor();
    assert_eq!(
        s.state.input.cursor,
        Cursor::NwseResize,
        "the window moved so that its grip is under the still pointer"
    );
    s.request(Request::UnmapWindow(UnmapWindow { window: a }));
    s.state.update_cursor();
    assert_eq!(s.state.input.cursor, Cursor::Default, "unmapped");
    assert_eq!(s.state.input.pointer_window, WindowId::ROOT);
}

#[test]
fn a_frame_that_comes_back_with_override_redirect_off_shows_what_changed_meanwhile() {
    use yonder_protocol::request::ChangeWindowAttributes;
    let mut s = setup(true);
    let w = s.window(1, Rect::new(100, 50, 80, 60));
    state_thread::present(&mut s.state);
    let set_or = |s: &mut Setup, on: bool| {
        s.request(Request::ChangeWindowAttributes(ChangeWindowAttributes {
            window: w,
            attributes: WindowAttributes {
                override_redirect: Some(on),
                ..Default::default()
            },
        }))
    };
    // The pointer on the title bar: the frame goes from under it.
    s.motion(120, 30);
    assert!(s.state.frame_at(Point::new(120, 30)).is_some());
    set_or(&mut s, true);
    s.state.update_cursor();
    assert_eq!(
        s.state.frame_at(Point::new(120, 30)),
        None,
        "no frame any more"
    );
    s.request(Request::ChangeProperty(ChangeProperty {
        window: w,
        property: atoms::WM_NAME,
        type_: atoms::STRING,
        mode: PropMode::Replace,
        data: b"Meanwhile".to_vec(),
    }));
    state_thread::present(&mut s.state);
    set_or(&mut s, false);
    state_thread::present(&mut s.state);
    let title = &s.state.wm.managed[&w]
        .decoration
        .as_ref()
        .unwrap()
        .key
        .title;
    assert_eq!(title, "Meanwhile");
    assert!(
        s.state.frame_at(Point::new(120, 30)).is_some(),
        "the frame is back"
    );
}
