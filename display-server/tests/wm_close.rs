//! The close button through the real server: the polite WM_DELETE_WINDOW request, the
//! offer to force-quit an app that ignores it (after 2 s, without input) or does not
//! understand it, and the force quit itself.

use std::time::Duration;
use yonder::prelude::*;
use yonder_protocol::request::WindowAttributes;
use yonder_protocol::{atoms, Event, EventMask, Rect};
use yonder_server::wm::{ACTIVE_TITLE, NOT_RESPONDING_TITLE};
use yonder_test_support::client::*;
use yonder_test_support::server::*;
use yonder_test_support::wm::*;

#[test]
fn close_button_sends_wm_delete_window() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let r = Rect::new(60, 60, 100, 80);
    let w = titled(&app, r, 0xFFFFFF, EventMask::EMPTY, "Close me");
    supports_delete(&app, w);
    let (x, y) = close_button(r);
    click(&input, x, y);
    match wait_for(&app, "the close request", |e| {
        matches!(e, Event::ClientMessage(_))
    }) {
        Event::ClientMessage(m) => {
            assert_eq!(m.window, w);
            assert_eq!(m.type_, atoms::WM_PROTOCOLS);
            assert_eq!(m.data, atoms::WM_DELETE_WINDOW.0.to_le_bytes());
        }
        _ => unreachable!(),
    }
    // A press on × released elsewhere closes nothing.
    drag(&input, x, y, x - 60, y);
    app.sync().unwrap();
    assert!(
        !drain_events(&app)
            .iter()
            .any(|e| matches!(e, Event::ClientMessage(_))),
        "no second request"
    );
    app.destroy_window(w);
    app.sync().unwrap();
    let scr = screen(&app);
    assert_eq!(scr.at(80, 45), ROOT_BG, "the frame went with the window");
    assert_eq!(scr.at(100, 100), ROOT_BG);
}

#[test]
fn an_ignored_close_request_leads_to_force_quit() {
    let s = TestServer::start_managed();
    let watcher = s.connect_trusted();
    let app = s.connect();
    watcher.change_window_attributes(
        watcher.root(),
        WindowAttributes {
            event_mask: Some(EventMask::SUBSTRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    let r = Rect::new(60, 60, 100, 80);
    let w = titled(&app, r, 0xFFFFFF, EventMask::EMPTY, "Stubborn");
    supports_delete(&app, w);
    let (x, y) = close_button(r);
    click(&watcher, x, y);
    wait_for(&app, "the close request", |e| {
        matches!(e, Event::ClientMessage(_))
    });
    assert_eq!(
        screen(&watcher).at(130, 37),
        ACTIVE_TITLE,
        "asked, still waiting"
    );
    // The app ignores it. Without any input, the title bar turns to the offer to kill.
    std::thread::sleep(Duration::from_millis(2200));
    let scr = screen(&watcher);
    assert_eq!(
        scr.at(70, 37),
        NOT_RESPONDING_TITLE,
        "not responding after 2 s"
    );
    assert!(ink(&watcher, Rect::new(64, 38, 60, 20), NOT_RESPONDING_TITLE) > 30);
    click(&watcher, x, y);
    wait_for(
        &watcher,
        "the destroy of the killed app's window",
        |e| matches!(e, Event::Destroy(d) if d.window == w),
    );
    assert_eq!(
        screen(&watcher).at(100, 100),
        ROOT_BG,
        "its window disappeared"
    );
    assert_eq!(screen(&watcher).at(70, 45), ROOT_BG, "and its frame");
    assert_eq!(watcher.list_clients().reply().unwrap().clients.len(), 1);
    assert!(app.sync().is_err(), "the app was disconnected");
}

#[test]
fn a_window_without_wm_delete_window_is_offered_force_quit_at_once() {
    let s = TestServer::start_managed();
    let watcher = s.connect_trusted();
    let app = s.connect();
    let r = Rect::new(60, 60, 100, 80);
    let w = titled(&app, r, 0xFFFFFF, EventMask::EMPTY, "No protocols");
    let (x, y) = close_button(r);
    let before = read(&watcher, watcher.root(), Rect::new(56, 36, 108, 24)).data;
    click(&watcher, x, y);
    let bar = read(&watcher, watcher.root(), Rect::new(56, 36, 108, 24));
    assert_ne!(bar.data, before, "the title bar changed");
    assert_eq!(bar.at(70, 37), NOT_RESPONDING_TITLE);
    assert!(
        !drain_events(&app)
            .iter()
            .any(|e| matches!(e, Event::ClientMessage(_))),
        "nothing asked of an app that does not understand it"
    );
    assert_eq!(watcher.list_clients().reply().unwrap().clients.len(), 2);
    click(&watcher, x, y);
    watcher.sync().unwrap();
    assert_eq!(watcher.list_clients().reply().unwrap().clients.len(), 1);
    assert!(
        watcher.get_geometry(w).reply().is_err(),
        "its window is gone"
    );
    assert_eq!(screen(&watcher).at(100, 100), ROOT_BG);
}
