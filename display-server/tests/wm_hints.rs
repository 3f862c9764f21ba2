//! The window-manager hints of protocol.md §16.7 through the real server, as a user would
//! see them (screen pixels, the stack) and as the apps get them (Configure events,
//! `_NET_WM_STATE`): maximising by the title bar's button and by EWMH's request,
//! fullscreen, the icon in the title bar, dialogs over their windows, windows without a
//! frame and their layers, and the size hints at the first map.

use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::event::ClientMessage;
use yonder_protocol::hints::{Icon, WindowType, WmStates, NET_WM_ICON, NET_WM_STATE};
use yonder_protocol::request::{PropMode, WindowAttributes};
use yonder_protocol::{atoms, Atom, Color, Event, EventMask, Rect, Size, WindowId};
use yonder_server::wm::{BORDER, INACTIVE_TITLE, TITLE_HEIGHT};
use yonder_test_support::client::*;
use yonder_test_support::server::*;
use yonder_test_support::wm::*;

fn atom(conn: &Connection, name: &str) -> Atom {
    conn.intern_atom(name, false).reply().unwrap().atom
}

fn atoms_bytes(conn: &Connection, names: &[&str]) -> Vec<u8> {
    names
        .iter()
        .flat_map(|n| atom(conn, n).0.to_le_bytes())
        .collect()
}

/// A top-level window with properties set before it is mapped (the way hints are given).
fn hinted(conn: &Connection, rect: Rect, bg: u32, props: &[(&str, Atom, Vec<u8>)]) -> WindowId {
    let w = conn.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(bg)),
        event_mask: Some(EventMask::STRUCTURE_NOTIFY | EventMask::PROPERTY_CHANGE),
        ..Default::default()
    };
    conn.create_window(w, conn.root(), rect, attrs);
    for (name, type_, data) in props {
        conn.change_property(w, atom(conn, name), *type_, PropMode::Replace, data.clone());
    }
    conn.map_window(w);
    conn.sync().unwrap();
    w
}

/// The states named in `w`'s `_NET_WM_STATE`.
fn states(conn: &Connection, w: WindowId) -> WmStates {
    let p = conn
        .get_property(w, atom(conn, NET_WM_STATE), false)
        .reply()
        .unwrap();
    let names: Vec<String> = yonder_protocol::hints::atom_list(&p.data)
        .map(|a| conn.get_atom_name(Atom(a)).reply().unwrap().name)
        .collect();
    WmStates::from_names(names.iter().map(String::as_str))
}

fn screen_size(conn: &Connection) -> Size {
    geometry(conn, conn.root()).size()
}

/// The stacking order of the root's mapped children, bottom to top, among `of`.
fn order(conn: &Connection, of: &[WindowId]) -> Vec<WindowId> {
    let tree = conn.query_tree(conn.root()).reply().unwrap();
    tree.children
        .into_iter()
        .filter(|c| of.contains(c))
        .collect()
}

#[test]
fn the_maximise_button_fills_the_screen_and_a_second_click_restores() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let r = Rect::new(60, 60, 120, 80);
    let w = titled(&app, r, 0x00FF00, EventMask::STRUCTURE_NOTIFY, "Max");
    let scr = screen_size(&app);
    // The button's middle: 36 pixels left of the frame's right end.
    let (bx, by) = (r.x + r.width as i32 + BORDER as i32 - 36, r.y - 12);
    assert!(
        ink(&app, Rect::new(bx - 6, by - 6, 13, 13), INACTIVE_TITLE) > 10
            || ink(
                &app,
                Rect::new(bx - 6, by - 6, 13, 13),
                yonder_server::wm::ACTIVE_TITLE
            ) > 10,
        "the maximise button is drawn"
    );
    drain(&app);
    click(&input, bx, by);
    let full = Rect::new(
        BORDER as i32,
        TITLE_HEIGHT as i32,
        scr.width - 2 * BORDER,
        scr.height - TITLE_HEIGHT - BORDER,
    );
    wait_for(
        &app,
        "the Configure event of the maximised window",
        |e| matches!(e, Event::Configure(c) if c.window == w && c.rect == full),
    );
    assert_eq!(geometry(&app, w), full);
    assert!(states(&app, w).maximized(), "_NET_WM_STATE says maximised");
    let px = screen(&app);
    assert_eq!(px.at(BORDER as i32, TITLE_HEIGHT as i32), 0x00FF00);
    assert_eq!(
        px.at(scr.width as i32 - BORDER as i32 - 1, scr.height as i32 - 5),
        0x00FF00,
        "the window reaches the bottom-right, inside its frame"
    );
    // A drag on the title bar of a maximised window does not move it.
    drag(&input, 100, 10, 300, 200);
    assert_eq!(geometry(&app, w), full);
    // Its button is now at the screen's right end.
    click(&input, scr.width as i32 - 36, 12);
    assert_eq!(geometry(&app, w), r, "restored where it was");
    assert_eq!(states(&app, w), WmStates::default());
}

#[test]
fn fullscreen_asked_before_the_map_covers_the_screen_without_a_frame() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let r = Rect::new(80, 70, 100, 60);
    let under = titled(
        &app,
        Rect::new(200, 150, 100, 60),
        0x0000FF,
        EventMask::EMPTY,
        "Under",
    );
    let fs = atoms_bytes(&app, &[WmStates::FULLSCREEN]);
    let w = hinted(&app, r, 0xFF0000, &[(NET_WM_STATE, atoms::ATOM, fs)]);
    let scr = screen_size(&app);
    assert_eq!(geometry(&app, w), Rect::new(0, 0, scr.width, scr.height));
    let px = screen(&app);
    assert_eq!(
        px.count(0xFF0000),
        (scr.width * scr.height) as usize,
        "no frame, nothing above"
    );
    assert_eq!(order(&app, &[w, under]), [under, w]);
    // Leaving fullscreen by EWMH's request to the root (action 0: remove).
    state_request(&app, w, 0, WmStates::FULLSCREEN, None);
    // Back where the window manager placed it (the position asked for) with its frame.
    assert_eq!(geometry(&app, w), r);
    assert_eq!(states(&app, w), WmStates::default());
    let px = screen(&app);
    assert_eq!(px.at(r.x, r.y), 0xFF0000);
    assert_ne!(px.at(r.x, r.y - 12), 0xFF0000, "the title bar is back");
    assert_eq!(px.at(250, 180), 0x0000FF, "the window below shows again");
}

#[test]
fn the_icon_shows_at_the_left_of_the_title_bar() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let r = Rect::new(60, 60, 160, 80);
    let w = titled(&app, r, 0x00FF00, EventMask::EMPTY, "Icon");
    app.set_input_focus(app.root());
    app.sync().unwrap();
    // Where the icon goes: 8 pixels into the bar, 16 × 16, centred vertically.
    let spot = Rect::new(r.x - BORDER as i32 + 8, r.y - 20, 16, 16);
    let before = read(&app, app.root(), spot);
    assert_eq!(before.count(0xFF8000), 0);
    let orange = Icon {
        width: 32,
        height: 32,
        argb: vec![0xFFFF_8000; 32 * 32],
    };
    app.change_property(
        w,
        atom(&app, NET_WM_ICON),
        atoms::CARDINAL,
        PropMode::Replace,
        orange.encode(),
    );
    app.sync().unwrap();
    let after = read(&app, app.root(), spot);
    assert_eq!(
        after.count(0xFF8000),
        16 * 16,
        "the icon, scaled to 16 × 16"
    );
    // The title moved right of it: the old title's first pixels are bar again.
    app.delete_property(w, atom(&app, NET_WM_ICON));
    app.sync().unwrap();
    assert_eq!(
        read(&app, app.root(), spot).count(0xFF8000),
        0,
        "gone with the property"
    );
}

#[test]
fn a_dialog_is_centred_over_its_window_and_raised_with_it() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let other = s.connect_trusted();
    let input = s.connect();
    // The test screen is 320 × 240.
    let parent_rect = Rect::new(60, 60, 160, 120);
    let parent = titled(&app, parent_rect, 0x00FF00, EventMask::EMPTY, "Main");
    let dialog = hinted(
        &app,
        Rect::new(0, 0, 80, 40),
        0xFF00FF,
        &[
            (
                "WM_TRANSIENT_FOR",
                atoms::WINDOW,
                parent.0.to_le_bytes().to_vec(),
            ),
            (
                "_NET_WM_WINDOW_TYPE",
                atoms::ATOM,
                atoms_bytes(&app, &[WindowType::Dialog.atom_name()]),
            ),
        ],
    );
    // Frames: the main window's 168 × 148 at (56, 36); the dialog's 88 × 68 centred on it.
    assert_eq!(
        geometry(&app, dialog),
        Rect::new(56 + 40 + 4, 36 + 40 + 24, 80, 40)
    );
    // Another app's window covers both in part; a click on the main window brings the
    // dialog too.
    let cover = titled(
        &other,
        Rect::new(150, 60, 150, 120),
        0x0000FF,
        EventMask::EMPTY,
        "Cover",
    );
    assert_eq!(
        order(&app, &[parent, dialog, cover]),
        [parent, dialog, cover]
    );
    assert_eq!(screen(&app).at(160, 120), 0x0000FF, "covered");
    click(&input, 70, 170);
    assert_eq!(
        order(&app, &[parent, dialog, cover]),
        [cover, parent, dialog]
    );
    let px = screen(&app);
    assert_eq!(px.at(160, 120), 0xFF00FF, "the dialog on top");
    assert_eq!(px.at(200, 170), 0x00FF00, "then its window");
}

#[test]
fn docks_and_splash_screens_show_bare_and_docks_stay_above() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let scr = screen_size(&app);
    let type_of = |t: WindowType| {
        vec![(
            "_NET_WM_WINDOW_TYPE",
            atoms::ATOM,
            atoms_bytes(&app, &[t.atom_name()]),
        )]
    };
    let focus_before = app.get_input_focus().reply().unwrap().window;
    let dock = hinted(
        &app,
        Rect::new(0, 0, scr.width, 20),
        0xFFFF00,
        &type_of(WindowType::Dock),
    );
    assert_eq!(
        geometry(&app, dock),
        Rect::new(0, 0, scr.width, 20),
        "kept at (0, 0)"
    );
    assert_eq!(
        app.get_input_focus().reply().unwrap().window,
        focus_before,
        "a dock does not take the focus"
    );
    let splash = hinted(
        &app,
        Rect::new(0, 0, 100, 50),
        0x00FFFF,
        &type_of(WindowType::Splash),
    );
    let centred = Rect::new(
        (scr.width as i32 - 100) / 2,
        (scr.height as i32 - 50) / 2,
        100,
        50,
    );
    assert_eq!(
        geometry(&app, splash),
        centred,
        "a splash screen is centred"
    );
    let px = screen(&app);
    assert_eq!(
        px.at(centred.x + 50, centred.y - 5),
        ROOT_BG,
        "no title bar"
    );
    assert_eq!(px.at(10, 22), ROOT_BG, "no frame below the dock");
    // A normal window mapped later and clicked stays below the dock.
    let normal = titled(
        &app,
        Rect::new(20, 10, 200, 100),
        0x00FF00,
        EventMask::EMPTY,
        "Normal",
    );
    click(&input, 100, 80);
    assert_eq!(order(&app, &[dock, normal]), [normal, dock]);
    assert_eq!(
        screen(&app).at(100, 10),
        0xFFFF00,
        "the dock covers the window"
    );
}

#[test]
fn the_size_hints_hold_at_the_first_map() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let hints = yonder_server::wm::SizeHints {
        min: Some(Size::new(120, 90)),
        ..Default::default()
    };
    let w = hinted(
        &app,
        Rect::new(50, 60, 40, 30),
        0x00FF00,
        &[(
            "WM_NORMAL_HINTS",
            atom(&app, "WM_SIZE_HINTS"),
            hints.encode(),
        )],
    );
    wait_for(
        &app,
        "a Configure event to the minimum before the Map",
        |e| matches!(e, Event::Configure(c) if c.window == w && c.rect.size() == Size::new(120, 90)),
    );
    assert_eq!(geometry(&app, w), Rect::new(50, 60, 120, 90));
}

/// `_NET_WM_STATE` request `data`: action, two state atoms, source.
fn state_request(conn: &Connection, w: WindowId, action: u32, a: &str, b: Option<&str>) {
    let data: Vec<u8> = [action, atom(conn, a).0, b.map_or(0, |b| atom(conn, b).0), 1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let message = Event::ClientMessage(ClientMessage {
        window: w,
        type_: atom(conn, NET_WM_STATE),
        data,
    });
    conn.send_event(conn.root(), EventMask::SUBSTRUCTURE_NOTIFY, message);
    conn.sync().unwrap();
}

#[test]
fn ewmh_requests_add_toggle_and_remove_and_only_the_owner_steers() {
    let s = TestServer::start_managed();
    let app = s.connect();
    let stranger = s.connect();
    let r = Rect::new(60, 60, 120, 80);
    let w = titled(&app, r, 0x00FF00, EventMask::EMPTY, "States");
    let scr = screen_size(&app);
    // Another untrusted client can neither maximise it by request nor by property.
    state_request(
        &stranger,
        w,
        1,
        WmStates::MAXIMIZED_HORZ,
        Some(WmStates::MAXIMIZED_VERT),
    );
    let both = atoms_bytes(&stranger, &[WmStates::FULLSCREEN]);
    stranger.change_property(
        w,
        atom(&stranger, NET_WM_STATE),
        atoms::ATOM,
        PropMode::Replace,
        both,
    );
    stranger.sync().unwrap();
    assert_eq!(geometry(&app, w), r, "a stranger does not steer the window");
    // Its own client: toggle across, add down, remove across, toggle down.
    state_request(&app, w, 2, WmStates::MAXIMIZED_HORZ, None);
    assert_eq!(
        geometry(&app, w),
        Rect::new(4, r.y, scr.width - 8, r.height)
    );
    state_request(&app, w, 1, WmStates::MAXIMIZED_VERT, None);
    assert_eq!(
        geometry(&app, w),
        Rect::new(4, 24, scr.width - 8, scr.height - 28)
    );
    assert!(states(&app, w).maximized());
    state_request(&app, w, 0, WmStates::MAXIMIZED_HORZ, None);
    assert_eq!(
        geometry(&app, w),
        Rect::new(r.x, 24, r.width, scr.height - 28)
    );
    state_request(&app, w, 2, WmStates::MAXIMIZED_VERT, None);
    assert_eq!(geometry(&app, w), r, "back where it was");
    assert_eq!(states(&app, w), WmStates::default());
}

#[test]
fn a_dialog_of_a_fullscreen_window_is_above_it_and_a_dialog_of_a_dialog_above_both() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let fs = atoms_bytes(&app, &[WmStates::FULLSCREEN]);
    let main = hinted(
        &app,
        Rect::new(10, 40, 100, 60),
        0x0000FF,
        &[(NET_WM_STATE, atoms::ATOM, fs)],
    );
    let dialog_of = |parent: WindowId, bg: u32| {
        hinted(
            &app,
            Rect::new(0, 0, 80, 40),
            bg,
            &[
                (
                    "WM_TRANSIENT_FOR",
                    atoms::WINDOW,
                    parent.0.to_le_bytes().to_vec(),
                ),
                (
                    "_NET_WM_WINDOW_TYPE",
                    atoms::ATOM,
                    atoms_bytes(&app, &[WindowType::Dialog.atom_name()]),
                ),
            ],
        )
    };
    let dialog = dialog_of(main, 0xFF00FF);
    assert_eq!(order(&app, &[main, dialog]), [main, dialog]);
    let d = geometry(&app, dialog);
    assert_eq!(
        screen(&app).at(d.x + 40, d.y + 20),
        0xFF00FF,
        "the dialog shows"
    );
    let inner = dialog_of(dialog, 0x00FFFF);
    assert_eq!(order(&app, &[main, dialog, inner]), [main, dialog, inner]);
    // A click on the fullscreen window raises it with both dialogs, in order.
    click(&input, 5, 5);
    assert_eq!(order(&app, &[main, dialog, inner]), [main, dialog, inner]);
    let i = geometry(&app, inner);
    assert_eq!(screen(&app).at(i.x + 40, i.y + 20), 0x00FFFF);
    assert_eq!(
        screen(&app).at(2, 2),
        0x0000FF,
        "the fullscreen window around them"
    );
}

#[test]
fn a_press_focuses_a_fullscreen_window_but_not_a_dock() {
    let s = TestServer::start_managed();
    let app = s.connect_trusted();
    let input = s.connect();
    let focus = |c: &Connection| c.get_input_focus().reply().unwrap().window;
    let dock_type = atoms_bytes(&app, &[WindowType::Dock.atom_name()]);
    let dock = hinted(
        &app,
        Rect::new(0, 200, 320, 40),
        0xFFFF00,
        &[("_NET_WM_WINDOW_TYPE", atoms::ATOM, dock_type)],
    );
    app.set_input_focus(app.root());
    app.sync().unwrap();
    click(&input, 50, 220);
    assert_eq!(
        focus(&app),
        app.root(),
        "a press on a dock does not focus it"
    );
    let fs = atoms_bytes(&app, &[WmStates::FULLSCREEN]);
    let full = hinted(
        &app,
        Rect::new(10, 40, 100, 60),
        0x0000FF,
        &[(NET_WM_STATE, atoms::ATOM, fs)],
    );
    app.set_input_focus(app.root());
    app.sync().unwrap();
    click(&input, 50, 50);
    assert_eq!(focus(&app), full, "the fullscreen window took the focus");
    assert_eq!(order(&app, &[dock, full]), [dock, full], "above the dock");
}
