//! A toolkit window's hints reach the window manager (protocol.md §16.7): a dialog opened
//! with `Window::open_hinted` is centred over its main window with its icon in the title
//! bar, and `Window::set_states` maximises a window and brings it back.

use yonder::prelude::*;
use yonder_protocol::hints::{Icon, WindowType, WmStates};
use yonder_protocol::{Event, EventMask, Rect};
use yonder_test_support::client::*;
use yonder_test_support::server::*;
use yonder_test_support::wm::geometry;
use yonder_toolkit::{Hints, Window, WindowSpec};

fn spec(title: &str, rect: Rect, background: u32) -> WindowSpec<'_> {
    WindowSpec {
        title,
        rect,
        background,
        events: EventMask::EMPTY,
    }
}

#[test]
fn a_dialog_opens_over_its_window_with_its_icon_and_a_window_maximises() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    // The screen is 320 × 240; the main window's frame is 168 × 148 at (56, 36).
    let mut main = Window::open(&app, spec("Main", Rect::new(60, 60, 160, 120), 0x00FF00));
    app.sync().unwrap();
    let icon = Icon {
        width: 16,
        height: 16,
        argb: vec![0xFFFF_8000; 256],
    };
    let hints = Hints {
        kind: WindowType::Dialog,
        transient_for: Some(main.id),
        icons: std::slice::from_ref(&icon),
        ..Hints::default()
    };
    let dialog = Window::open_hinted(
        &app,
        spec("Dialog", Rect::new(0, 0, 120, 40), 0xFF00FF),
        &hints,
    )
    .expect("hints");
    app.sync().unwrap();
    // Its 128 × 68 frame centred on the main one's.
    let d = geometry(&app, dialog.id);
    assert_eq!(d, Rect::new(56 + 20 + 4, 36 + 40 + 24, 120, 40));
    let bar = read(&app, app.root(), Rect::new(d.x - 4 + 8, d.y - 20, 16, 16));
    assert_eq!(
        bar.count(0xFF8000),
        256,
        "the dialog's icon in its title bar"
    );

    drain(&app);
    main.set_states(WmStates::MAXIMIZED).expect("states");
    let full = Rect::new(4, 24, 320 - 8, 240 - 28);
    let e = wait_for(
        &app,
        "the main window's Configure event",
        |e| matches!(e, Event::Configure(c) if c.window == main.id && c.rect == full),
    );
    let Event::Configure(c) = e else {
        unreachable!()
    };
    assert!(main.configure(&c), "a new back buffer for the new size");
    assert_eq!(main.size(), full.size());
    main.set_states(WmStates::default()).expect("states");
    app.sync().unwrap();
    assert_eq!(geometry(&app, main.id), Rect::new(60, 60, 160, 120), "back");
}
