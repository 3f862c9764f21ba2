//! The examples that move things between apps, run as a user drives them on a real server:
//!
//! * `examples/drag.rs`: its chip dragged onto its own drop zone shows there; files
//!   dragged from another app (this test) show there; the chip dropped on another app's
//!   target (this test) arrives as its text;
//! * `examples/embed.rs`: the part's window is inside the container's and shows on the
//!   screen there; a click changes it, and the container shows the picture the part
//!   published; closing the container ends the part.
//!
//! The drag example runs with `YONDER_LOG=debug`, so the toolkit traces its side of the
//! drag-and-drop conversation on stderr; the tests wait on those lines where nothing on
//! the screen shows that it has taken a step (the target's answer reaching the source).

use std::time::Instant;
use yonder::prelude::*;
use yonder::protocol::event::ClientMessage;
use yonder::protocol::request::{DndAction, DndActions, FakeKind};
use yonder::Incoming;
use yonder_test_support::apps::{eventually, spawn, watchdog, App, Display, WAIT};
use yonder_test_support::process::built_binary;
use yonder_toolkit::transfer::{decode_atoms, encode_atoms, encode_uri_list};
use yonder_toolkit::widgets::theme;

/// The drag example's layout and chip (see its constants); its window is at the top
/// left of the screen, window and screen coordinates are the same (no window manager).
const CHIP: Rect = Rect::new(20, 50, 130, 32);
const ZONE: Rect = Rect::new(180, 20, 160, 120);
const CHIP_TEXT: &str = "Hello, Yonder";

/// The embed example's layout and colours (see its constants).
const SLOT: Point = Point::new(20, 40);
const COPY: Point = Point::new(170, 40);
const BLUE: u32 = 0x1e66f5;
const GREEN: u32 = 0x40a02b;

/// Starts the drag example, tracing its drag-and-drop conversation; returns it and its
/// window, once its drop zone is drawn.
fn start_drag_example(d: &Display) -> (App, WindowId) {
    let bin = built_binary("examples/drag");
    let cookie: String = d.handle.cookie.iter().map(|b| format!("{b:02x}")).collect();
    let app = spawn(
        &bin.to_string_lossy(),
        &["--exit-after", "60"],
        d.dir.path(),
        &[
            ("YONDER_DISPLAY", d.handle.unix_display().as_str()),
            ("YONDER_COOKIE", cookie.as_str()),
            ("YONDER_LOG", "debug"),
        ],
    );
    let win = d.window_of("drag");
    eventually("the drop zone is drawn", || {
        d.read_screen(ZONE).count(theme::FIELD) > 1000
    });
    (app, win)
}

fn center(r: Rect) -> (i32, i32) {
    (r.x + r.width as i32 / 2, r.y + r.height as i32 / 2)
}

/// Pixels of text in the ink colour inside the zone's rim: dark ones (the empty zone's
/// "Drop here" is faint, lighter than this).
fn ink_in_zone(d: &Display) -> usize {
    let inside = Rect::new(ZONE.x + 4, ZONE.y + 4, ZONE.width - 8, ZONE.height - 8);
    d.read_screen(inside).count_in(inside, |p| {
        let (r, g, b) = (p >> 16 & 0xff, p >> 8 & 0xff, p & 0xff);
        (r * 3 + g * 6 + b) / 10 < 120
    })
}

/// Waits until `app` has written `needle` to `out` (its stdout or stderr).
fn wait_output(app: &App, needle: &str, out: fn(&App) -> String) {
    eventually(&format!("{} says {needle:?}", app.name), || {
        out(app).contains(needle)
    });
}

/// Presses button 1 at `from` (screen) and moves away from it until `source` owns
/// YONDER_DND, i.e. its app has started the drag.
fn begin_drag(d: &Display, from: (i32, i32), source: WindowId) {
    d.input(FakeKind::Motion, 0, from.0, from.1);
    d.input(FakeKind::ButtonPress, 1, from.0, from.1);
    for k in 1..=4 {
        d.input(FakeKind::Motion, 0, from.0 + 3 * k, from.1 + 2 * k);
    }
    eventually("the drag has started", || {
        let owner = d.conn.get_selection_owner(atoms::YONDER_DND).reply();
        owner.expect("get_selection_owner").owner == source
    });
}

/// Moves the pointer to `to` in a few steps from wherever it is.
fn move_to(d: &Display, to: (i32, i32)) {
    let p = d
        .conn
        .query_pointer(d.conn.root())
        .reply()
        .expect("pointer");
    for i in 1..=8 {
        let x = p.root_x + (to.0 - p.root_x) * i / 8;
        let y = p.root_y + (to.1 - p.root_y) * i / 8;
        d.input(FakeKind::Motion, 0, x, y);
    }
}

/// Waits for the first event of the test's own client that `pick` takes (the others are
/// answered by `pick` or dropped).
fn wait_event<T>(conn: &Connection, what: &str, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    let end = Instant::now() + WAIT;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}");
        match conn.wait_for_event_timeout(left).expect("connection") {
            Some(Incoming::Event { event, .. }) => {
                if let Some(t) = pick(event) {
                    return t;
                }
            }
            Some(Incoming::Error(e)) => panic!("request failed while waiting for {what}: {e}"),
            _ => {}
        }
    }
}

/// A window of the test's own at `r`, selecting `events`.
fn own_window(conn: &Connection, r: Rect, events: EventMask) -> WindowId {
    let w = conn.new_window_id();
    let attributes = WindowAttributes {
        event_mask: Some(events),
        ..Default::default()
    };
    conn.create_window(w, conn.root(), r, attributes);
    conn.map_window(w);
    conn.sync().expect("sync");
    w
}

#[test]
fn the_drag_examples_chip_dropped_on_its_zone_shows_there() {
    let _watchdog = watchdog("the_drag_examples_chip_dropped_on_its_zone_shows_there");
    let d = Display::start();
    let (app, win) = start_drag_example(&d);
    assert_eq!(ink_in_zone(&d), 0, "the zone shows something already");

    begin_drag(&d, center(CHIP), win);
    move_to(&d, center(ZONE));
    // The zone lights up, and its answer reaches the chip.
    eventually("the zone's rim shows a drop would be taken", || {
        d.pixel(ZONE.x + 1, ZONE.y + 1) == theme::ACCENT
    });
    wait_output(&app, "status accept=true action=Copy", App::stderr);
    let (x, y) = center(ZONE);
    d.input(FakeKind::ButtonRelease, 1, x, y);

    wait_output(&app, &format!("drag: dropped {CHIP_TEXT}\n"), App::stdout);
    eventually("the zone shows the dropped text", || ink_in_zone(&d) > 20);
    wait_output(&app, "drag: the chip was taken (Copy)", App::stdout);
    assert_eq!(
        d.pixel(ZONE.x + 1, ZONE.y + 1),
        theme::RIM,
        "the rim is back"
    );
}

#[test]
fn the_drag_example_takes_files_dropped_from_another_app() {
    let _watchdog = watchdog("the_drag_example_takes_files_dropped_from_another_app");
    let d = Display::start();
    let (app, _win) = start_drag_example(&d);
    let files = [d.path("my notes.txt"), d.path("b.png")];

    // This test is the other app: it drags two files from a window of its own.
    let conn = &d.conn;
    let events = EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE;
    let src = own_window(conn, Rect::new(400, 300, 100, 100), events);
    d.input(FakeKind::Motion, 0, 450, 350);
    d.input(FakeKind::ButtonPress, 1, 450, 350);
    let types = [atoms::TEXT_URI_LIST, atoms::TEXT_PLAIN_UTF8];
    let actions = DndActions::COPY | DndActions::MOVE;
    conn.start_drag(src, &types, actions, PixmapId::NONE, Point::new(0, 0))
        .check()
        .expect("the drag starts");
    move_to(&d, center(ZONE));
    let action = wait_event(conn, "the zone's answer", |e| match e {
        Event::DndStatus(s) if s.source == src && s.accept => Some(s.action),
        _ => None,
    });
    assert_eq!(action, DndAction::Copy, "the zone copies");
    let (x, y) = center(ZONE);
    d.input(FakeKind::ButtonRelease, 1, x, y);
    let asked = wait_event(conn, "the zone asking for the files", |e| match e {
        Event::SelectionRequest(r) if r.owner == src && r.target != atoms::TARGETS => Some(r),
        Event::SelectionRequest(r) if r.owner == src => {
            conn.send_selection_bytes(r.transfer, &encode_atoms(&types));
            None
        }
        _ => None,
    });
    assert_eq!(
        asked.target,
        atoms::TEXT_URI_LIST,
        "files are asked as files"
    );
    conn.send_selection_bytes(asked.transfer, encode_uri_list(&files).as_bytes());
    let finished = wait_event(conn, "the drop's end", |e| match e {
        Event::DndFinished(f) if f.source == src => Some(f),
        _ => None,
    });
    assert!(finished.success, "{finished:?}");
    assert_eq!(finished.action, DndAction::Copy);

    for f in &files {
        wait_output(
            &app,
            &format!("drag: dropped {}\n", f.display()),
            App::stdout,
        );
    }
    eventually("the zone shows the files", || ink_in_zone(&d) > 20);
}

#[test]
fn the_drag_examples_chip_drops_on_another_apps_target() {
    let _watchdog = watchdog("the_drag_examples_chip_drops_on_another_apps_target");
    let d = Display::start();
    let (app, win) = start_drag_example(&d);

    // This test is the other app: a window taking drops, right of the example's.
    let conn = &d.conn;
    let target = own_window(conn, Rect::new(400, 200, 200, 200), EventMask::DND);
    begin_drag(&d, center(CHIP), win);
    move_to(&d, (500, 300));
    let offered = wait_event(conn, "the chip's drag coming over", |e| match e {
        Event::DndEnter(en) if en.target == target => Some(en),
        _ => None,
    });
    assert_eq!(offered.source, win);
    assert_eq!(offered.types, [atoms::TEXT_PLAIN_UTF8]);
    assert!(offered.actions.allows(DndAction::Copy));
    wait_event(conn, "the drag's position", |e| match e {
        Event::DndPosition(p) if p.target == target => Some(()),
        _ => None,
    });
    conn.dnd_status(target, true, DndAction::Copy);
    conn.flush().expect("flush");
    wait_output(&app, "status accept=true action=Copy", App::stderr);
    d.input(FakeKind::ButtonRelease, 1, 500, 300);

    wait_event(conn, "the drop", |e| match e {
        Event::DndDrop(dr) if dr.target == target => Some(()),
        // Later positions are answered alike.
        Event::DndPosition(p) if p.target == target => {
            conn.dnd_status(target, true, DndAction::Copy);
            None
        }
        _ => None,
    });
    // What the chip offers, and then its text.
    conn.convert_selection(atoms::YONDER_DND, atoms::TARGETS, target, 1);
    let mut got = (None, Vec::new());
    conn.convert_selection(atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, target, 2);
    wait_event(conn, "the chip's data", |e| match e {
        Event::SelectionData(s) if s.requestor == target => {
            assert!(!s.refused, "the chip refused {:?}", s.target);
            match s.tag {
                1 => got.0 = Some(decode_atoms(&s.data)),
                _ => got.1.extend_from_slice(&s.data),
            }
            (s.tag == 2 && s.done).then_some(())
        }
        _ => None,
    });
    assert_eq!(got.0, Some(vec![atoms::TEXT_PLAIN_UTF8, atoms::TARGETS]));
    assert_eq!(String::from_utf8(got.1).unwrap(), CHIP_TEXT);
    conn.dnd_finish(target, true, DndAction::Copy);
    conn.flush().expect("flush");
    wait_output(&app, "drag: the chip was taken (Copy)", App::stdout);
}

#[test]
fn the_embed_examples_part_shows_inside_the_container_and_publishes() {
    let _watchdog = watchdog("the_embed_examples_part_shows_inside_the_container_and_publishes");
    let d = Display::start();
    let bin = built_binary("examples/embed");
    let app = d.spawn(&bin.to_string_lossy(), &["--exit-after", "60"]);
    let win = d.window_of("embed");
    let origin = d.conn.get_geometry(win).reply().expect("geometry").rect;

    // The part's window, of the other process, is a child of the container's window, at
    // the place the container gave it.
    let mut part = None;
    eventually("the part's window is inside the container's", || {
        part = d.descendant_of_client(win, "embed-part");
        part.is_some()
    });
    let part = part.unwrap();
    let tree = d.conn.query_tree(part).reply().expect("query_tree");
    assert_eq!(tree.parent, win);
    eventually("the container has placed the part", || {
        d.conn
            .get_geometry(part)
            .reply()
            .expect("geometry")
            .rect
            .origin()
            == SLOT
    });

    // On the screen: the part inside the container, with the white rim of an active
    // part; beside it, the copy of its published picture.
    let (px, py) = (origin.x + SLOT.x, origin.y + SLOT.y);
    let (cx, cy) = (origin.x + COPY.x, origin.y + COPY.y);
    eventually("the active part shows in the container", || {
        d.pixel(px + 100, py + 15) == BLUE && d.pixel(px + 1, py + 1) == 0xffffff
    });
    eventually("the container shows the part's picture", || {
        d.pixel(cx + 100, cy + 15) == BLUE
    });

    // A click is the part's: its new colour shows, and so does its new picture.
    d.click(px + 60, py + 30);
    eventually("the part turns green", || {
        d.pixel(px + 100, py + 15) == GREEN
    });
    eventually("the container shows the new picture", || {
        d.pixel(cx + 100, cy + 15) == GREEN
    });

    // Closed, the container deactivates the part, which ends; then the container ends.
    let close = ClientMessage {
        window: win,
        type_: atoms::WM_PROTOCOLS,
        data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
    };
    d.conn
        .send_event(win, EventMask::EMPTY, Event::ClientMessage(close));
    d.conn.sync().expect("sync");
    app.finish().assert_success("the container");
    assert_eq!(d.client("embed-part"), None, "the part is still connected");
}
