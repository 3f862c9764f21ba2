//! Live migration (protocol.md §5.5): an app moves with its windows from one display to
//! another while it runs. Two real servers in this process stand for two machines; a
//! mover holding both displays' cookies gets a token from the new display and asks the
//! old one to pass it on, as `yonder-move` does; the app's library does the rest while
//! its event loop runs on a thread of its own.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::event::MoveOutcomeEvent;
use yonder::protocol::request::WindowAttributes;
use yonder::protocol::request::{FakeKind, ImageFormat};
use yonder::protocol::{Atom, ClientId, Color, ErrorCode, Event, EventMask, GcId, Rect, WindowId};
use yonder::{Connection, DisplayChange, Incoming};
use yonder_test_support::client::gc;
use yonder_test_support::server::TestServer;

/// The app: a window of one colour, redrawn on each Expose with the colour of the moment
/// (`colour`), until `stop`. What the library says about displays goes to `changes`.
fn run_app(
    conn: &Connection,
    win: WindowId,
    gc_id: GcId,
    colour: &AtomicU32,
    stop: &AtomicBool,
    changes: &Mutex<Vec<DisplayChange>>,
) {
    while !stop.load(Ordering::Acquire) {
        match conn.wait_for_event_timeout(Duration::from_millis(20)) {
            Ok(Some(Incoming::Event {
                event: Event::Expose(_),
                ..
            })) => paint(conn, win, gc_id, colour.load(Ordering::Acquire)),
            Ok(Some(Incoming::Display(c))) => changes.lock().unwrap().push(c),
            Ok(Some(Incoming::Error(e))) => panic!("the app got an error: {e:?}"),
            Ok(_) => {}
            Err(e) => panic!("the app's connection failed: {e}"),
        }
    }
}

/// An app's event loop: each event to `on`, until `stop`; the connection must not fail.
fn serve_events(conn: &Connection, stop: &AtomicBool, mut on: impl FnMut(Event)) {
    while !stop.load(Ordering::Acquire) {
        match conn.wait_for_event_timeout(Duration::from_millis(20)) {
            Ok(Some(Incoming::Event { event, .. })) => on(event),
            Ok(_) => {}
            Err(e) => panic!("the app's connection failed: {e}"),
        }
    }
}

/// Sets `stop` when dropped, so that a failing test ends its app's loop (and the scope
/// waiting for it) instead of hanging.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// The display changes the app heard, once there are `n` (within 10 s).
fn heard(changes: &Mutex<Vec<DisplayChange>>, n: usize) -> Vec<DisplayChange> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let now = changes.lock().unwrap().clone();
        if now.len() >= n || Instant::now() > end {
            return now;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn paint(conn: &Connection, win: WindowId, gc_id: GcId, rgb: u32) {
    conn.change_gc(
        gc_id,
        yonder::protocol::request::GcValues {
            foreground: Some(Color::rgb(rgb)),
            ..Default::default()
        },
    );
    conn.poly_fill_rectangle(win, gc_id, &[Rect::new(4, 4, 32, 16)]);
    conn.flush().unwrap();
}

/// A mover's MoveOutcome, within 20 s.
fn outcome(mover: &Connection) -> MoveOutcomeEvent {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no MoveOutcome within 20 s");
        if let Some(Incoming::Event {
            event: Event::MoveOutcome(o),
            ..
        }) = mover.wait_for_event_timeout(left).unwrap()
        {
            return o;
        }
    }
}

/// The app's window on a display, seen by a trusted client there, or `None` if the
/// display has no such window.
/// Paints `rgb` until `watcher` sees it at (10, 10) of `seen_as` (the app's window as
/// the watcher's display names it), within 5 seconds: the app's thread may be painting an
/// Expose with the colour it read just before, and its request can come after this one.
fn paint_until_shown(
    conn: &Connection,
    win: WindowId,
    gc: GcId,
    watcher: &Connection,
    seen_as: WindowId,
    rgb: u32,
) {
    let end = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        paint(conn, win, gc, rgb);
        conn.sync().unwrap();
        let now = shown(watcher, seen_as).unwrap().at(10, 10) & 0xffffff;
        if now == rgb {
            return;
        }
        assert!(
            std::time::Instant::now() < end,
            "{rgb:#x} never showed: {now:#x}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn shown(watcher: &Connection, win: WindowId) -> Option<Vec<u32>> {
    let rect = Rect::new(0, 0, 40, 24);
    let img = watcher
        .get_image(win, rect, ImageFormat::Bgrx)
        .reply()
        .ok()?;
    Some(
        img.data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], 0]))
            .collect(),
    )
}

/// The pixel at (x, y) of what [`shown`] read.
trait At {
    fn at(&self, x: usize, y: usize) -> u32;
}

impl At for Vec<u32> {
    fn at(&self, x: usize, y: usize) -> u32 {
        self[y * 40 + x]
    }
}

/// Asks, as `yonder-move` does, that client `client` of `from` move to `to`; returns the
/// outcome.
fn move_app(
    from: &TestServer,
    to: &TestServer,
    client: ClientId,
    app_name: &str,
) -> MoveOutcomeEvent {
    let there = to.connect();
    let token = there.grant_move(app_name).reply().expect("a token").token;
    let mover = from.connect_trusted();
    mover
        .move_client(client, &to.display(), &token)
        .check()
        .expect("a trusted client may move an app");
    outcome(&mover)
}

/// The client of id space `space` on the display `watcher` is connected to.
fn client_of(watcher: &Connection, space: u32) -> ClientId {
    let clients = watcher.list_clients().reply().unwrap().clients;
    clients
        .iter()
        .find(|c| c.id_space == space)
        .unwrap_or_else(|| panic!("no client of id space {space:#x}: {clients:?}"))
        .id
}

struct App {
    conn: Connection,
    win: WindowId,
    gc: GcId,
}

fn app_on(s: &TestServer) -> App {
    let conn = s.connect();
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(30, 20, 40, 24),
        WindowAttributes {
            background: Some(Color::rgb(0x203040)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(win);
    let gc = gc(&conn, win, 0xcc2200);
    conn.sync().unwrap();
    App { conn, win, gc }
}

#[test]
fn an_app_moves_to_another_display_and_back_with_its_window_and_pixels() {
    let a = TestServer::start();
    let b = TestServer::start();
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    let colour = AtomicU32::new(0xcc2200);
    let stop = AtomicBool::new(false);
    let changes = Mutex::new(Vec::new());
    let watch_a = a.connect_trusted();
    let watch_b = b.connect_trusted();
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| run_app(&app.conn, app.win, app.gc, &colour, &stop, &changes));
        paint(&app.conn, app.win, app.gc, 0xcc2200);
        app.conn.sync().unwrap();
        let before = shown(&watch_a, app.win).expect("on A");
        assert_eq!(before.at(10, 10) & 0xffffff, 0xcc2200);

        let o = move_app(&a, &b, id, "test");
        assert!(o.moved, "the move failed: {}", o.reason);
        assert_eq!(o.client, id);
        // On B with the same id and the same pixels; gone from A.
        let on_b = shown(&watch_b, app.win).expect("the window is on B");
        assert_eq!(
            on_b.at(10, 10) & 0xffffff,
            0xcc2200,
            "drawn before it appeared"
        );
        assert_eq!(on_b.at(1, 1) & 0xffffff, 0x203040, "its background");
        let deadline = Instant::now() + Duration::from_secs(5);
        while shown(&watch_a, app.win).is_some() {
            assert!(Instant::now() < deadline, "the window stays on A");
            std::thread::sleep(Duration::from_millis(10));
        }
        // The app goes on, on B: its requests go there.
        colour.store(0x00aa44, Ordering::Release);
        paint_until_shown(&app.conn, app.win, app.gc, &watch_b, app.win, 0x00aa44);
        assert_eq!(app.conn.display_name(), b.display());

        // And back to A, with the pixels it has now.
        let id_b = client_of(&watch_b, app.conn.id_space());
        let o = move_app(&b, &a, id_b, "test");
        assert!(o.moved, "the move back failed: {}", o.reason);
        let back = shown(&watch_a, app.win).expect("back on A");
        assert_eq!(back.at(10, 10) & 0xffffff, 0x00aa44);
        assert_eq!(back.at(1, 1) & 0xffffff, 0x203040);
        assert_eq!(
            heard(&changes, 2),
            vec![
                DisplayChange::Moved { to: b.display() },
                DisplayChange::Moved { to: a.display() }
            ]
        );
        stop.store(true, Ordering::Release);
    });
}

#[test]
fn bad_tokens_are_refused_and_the_app_stays_intact() {
    let a = TestServer::start();
    let b = TestServer::start();
    // Another display whose tokens expire after 300 ms (30 s by default).
    let brief = TestServer::start_with(|c| c.move_token_ttl = Duration::from_millis(300));
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    let colour = AtomicU32::new(0xcc2200);
    let stop = AtomicBool::new(false);
    let changes = Mutex::new(Vec::new());
    let watch_a = a.connect_trusted();
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| run_app(&app.conn, app.win, app.gc, &colour, &stop, &changes));
        paint(&app.conn, app.win, app.gc, 0xcc2200);
        app.conn.sync().unwrap();
        let mover = a.connect_trusted();
        // The move of client `id` to `to` with `token` fails, saying `why`.
        let refused = |to: &TestServer, token: &[u8], why: &str| {
            mover.move_client(id, &to.display(), token).check().unwrap();
            let o = outcome(&mover);
            assert!(!o.moved);
            assert!(o.reason.contains(why), "{}", o.reason);
        };
        // A token B never granted.
        refused(&b, &[0x42; 16], "not one this display granted");
        // A token for another app.
        let token = b
            .connect()
            .grant_move("someone-else")
            .reply()
            .unwrap()
            .token;
        refused(&b, &token, "granted for the app");
        // A token that expired before it was presented.
        let token = brief.connect().grant_move("test").reply().unwrap().token;
        std::thread::sleep(Duration::from_millis(400));
        refused(&brief, &token, "expired (tokens are valid 300 ms)");
        // The app is still on A, whole, and goes on drawing there.
        colour.store(0x3355ff, Ordering::Release);
        paint_until_shown(&app.conn, app.win, app.gc, &watch_a, app.win, 0x3355ff);
        // Nothing of it was left on B.
        let on_b = b.connect_trusted().list_clients().reply().unwrap();
        assert!(
            on_b.clients
                .iter()
                .all(|c| c.id_space != app.conn.id_space()),
            "{:?}",
            on_b.clients
        );
        let changes = heard(&changes, 3);
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(changes
            .iter()
            .all(|c| matches!(c, DisplayChange::MoveFailed { .. })));
        stop.store(true, Ordering::Release);
    });
}

#[test]
fn a_spent_token_is_refused_the_second_time() {
    let a = TestServer::start();
    let b = TestServer::start();
    let first = app_on(&a);
    let second = app_on(&a);
    let colour = AtomicU32::new(0xcc2200);
    let stop = AtomicBool::new(false);
    let (c1, c2) = (Mutex::new(Vec::new()), Mutex::new(Vec::new()));
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| run_app(&first.conn, first.win, first.gc, &colour, &stop, &c1));
        scope.spawn(|| run_app(&second.conn, second.win, second.gc, &colour, &stop, &c2));
        let token = b.connect().grant_move("test").reply().unwrap().token;
        let mover = a.connect_trusted();
        let id1 = first.conn.setup().unwrap().client_id;
        let id2 = second.conn.setup().unwrap().client_id;
        mover
            .move_client(id1, &b.display(), &token)
            .check()
            .unwrap();
        assert!(outcome(&mover).moved);
        mover
            .move_client(id2, &b.display(), &token)
            .check()
            .unwrap();
        let o = outcome(&mover);
        assert!(!o.moved);
        assert!(o.reason.contains("used already"), "{}", o.reason);
        assert!(matches!(heard(&c1, 1)[..], [DisplayChange::Moved { .. }]));
        assert!(matches!(
            heard(&c2, 1)[..],
            [DisplayChange::MoveFailed { .. }]
        ));
        stop.store(true, Ordering::Release);
    });
}

#[test]
fn an_ordinary_client_cannot_move_another() {
    let a = TestServer::start();
    let b = TestServer::start();
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    let token = b.connect().grant_move("test").reply().unwrap().token;
    let stranger = a.connect();
    let Err(yonder::ReplyError::Protocol(err)) =
        stranger.move_client(id, &b.display(), &token).check()
    else {
        panic!("an ordinary client may not move another");
    };
    assert_eq!(err.code, ErrorCode::Access);
    assert!(err.message.contains("trusted"), "{err}");
    // A trusted one may, but not a client that is not there.
    let trusted = a.connect_trusted();
    let Err(yonder::ReplyError::Protocol(err)) = trusted
        .move_client(ClientId(id.0 + 1000), &b.display(), &token)
        .check()
    else {
        panic!("no such client");
    };
    assert_eq!(err.code, ErrorCode::Value, "{err}");
}

#[test]
fn an_app_moves_itself_with_the_other_displays_cookie() {
    let a = TestServer::start();
    let b = TestServer::start();
    let app = app_on(&a);
    paint(&app.conn, app.win, app.gc, 0x445566);
    app.conn.sync().unwrap();
    // No display there: the app says why and stays.
    let err = app
        .conn
        .move_to("unix:/nonexistent/socket")
        .expect_err("no display there");
    assert!(err.reason.contains("nonexistent"), "{err}");
    assert_eq!(app.conn.display_name(), a.display());
    paint(&app.conn, app.win, app.gc, 0x445566);
    app.conn.sync().unwrap();
    let watch_a = a.connect_trusted();
    assert_eq!(
        shown(&watch_a, app.win).unwrap().at(10, 10) & 0xffffff,
        0x445566
    );

    // With B's cookie it goes, while its event loop runs on, and comes back the same way.
    let colour = AtomicU32::new(0x445566);
    let stop = AtomicBool::new(false);
    let changes = Mutex::new(Vec::new());
    let watch_b = b.connect_trusted();
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| run_app(&app.conn, app.win, app.gc, &colour, &stop, &changes));
        let cookie_b = b.options().cookie.unwrap();
        app.conn
            .move_to_with_cookie(&b.display(), &cookie_b)
            .expect("the app moves itself to B");
        assert_eq!(app.conn.display_name(), b.display());
        // (The failed try is heard of first.)
        let changes_now = heard(&changes, 2);
        assert!(
            matches!(
                &changes_now[..],
                [DisplayChange::MoveFailed { .. }, DisplayChange::Moved { to }]
                    if *to == b.display()
            ),
            "{changes_now:?}"
        );
        // Drawn on B after the move; gone from A.
        colour.store(0x99aa33, Ordering::Release);
        paint_until_shown(&app.conn, app.win, app.gc, &watch_b, app.win, 0x99aa33);
        // A hid it before it answered the switch's last Sync (the window itself goes
        // when the connection's end reaches A).
        assert!(
            watch_a
                .get_window_attributes(app.win)
                .reply()
                .is_ok_and(|w| w.map_state == yonder::protocol::reply::MapState::Unmapped)
                || watch_a.get_window_attributes(app.win).reply().is_err()
        );
        let cookie_a = a.options().cookie.unwrap();
        app.conn
            .move_to_with_cookie(&a.display(), &cookie_a)
            .expect("and back to A");
        assert_eq!(
            shown(&watch_a, app.win).unwrap().at(10, 10) & 0xffffff,
            0x99aa33
        );
    });
}

#[test]
fn an_app_whose_id_space_is_taken_on_the_other_display_keeps_its_ids() {
    use yonder_test_support::raw::{hello, RawClient};
    let a = TestServer::start();
    let b = TestServer::start();
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    // A client of B already holds the app's id space, with a window of the same id.
    let mut h = hello(yonder::protocol::PROTOCOL_MINOR, b.handle.cookie.to_vec());
    h.id_space = app.conn.id_space();
    let mut squatter = RawClient::connect_with(&b, h);
    squatter.send(&yonder::protocol::Request::CreateWindow(
        yonder::protocol::request::CreateWindow {
            id: app.win,
            parent: WindowId::ROOT,
            rect: Rect::new(200, 150, 10, 10),
            attributes: WindowAttributes {
                background: Some(Color::rgb(0x00ff00)),
                ..Default::default()
            },
        },
    ));
    squatter.send(&yonder::protocol::Request::Sync(
        yonder::protocol::request::Sync {},
    ));
    squatter.next_answer();
    let colour = AtomicU32::new(0xcc2200);
    let stop = AtomicBool::new(false);
    let changes = Mutex::new(Vec::new());
    let watch_b = b.connect_trusted();
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| run_app(&app.conn, app.win, app.gc, &colour, &stop, &changes));
        paint(&app.conn, app.win, app.gc, 0xcc2200);
        app.conn.sync().unwrap();
        let o = move_app(&a, &b, id, "test");
        assert!(o.moved, "the move failed: {}", o.reason);
        // On B the app has another id space, and its window another id there.
        let clients = watch_b.list_clients().reply().unwrap().clients;
        let moved = clients
            .iter()
            .find(|c| c.app_name == "test" && c.id_space != app.conn.id_space() && c.windows == 1)
            .unwrap_or_else(|| panic!("the app on B: {clients:?}"));
        let there = WindowId(yonder::protocol::make_id(moved.id_space, app.win.0 as u32));
        assert_eq!(
            shown(&watch_b, there).unwrap().at(10, 10) & 0xffffff,
            0xcc2200
        );
        // The squatter's window is untouched.
        let g = watch_b.get_geometry(app.win).reply().unwrap();
        assert_eq!(g.rect, Rect::new(200, 150, 10, 10));
        // The app keeps using its own ids: requests and replies are translated.
        let own = app
            .conn
            .get_geometry(app.win)
            .reply()
            .expect("its own id works on B");
        assert_eq!((own.rect.width, own.rect.height), (40, 24));
        let tree = app.conn.query_tree(app.conn.root()).reply().unwrap();
        assert!(tree.children.contains(&app.win), "{:?}", tree.children);
        colour.store(0x1122ee, Ordering::Release);
        paint_until_shown(&app.conn, app.win, app.gc, &watch_b, there, 0x1122ee);
        // And back to A, with its own space again.
        let o = move_app(&b, &a, moved.id, "test");
        assert!(o.moved, "the move back failed: {}", o.reason);
        let watch_a = a.connect_trusted();
        assert_eq!(
            shown(&watch_a, app.win).unwrap().at(10, 10) & 0xffffff,
            0x1122ee
        );
        assert_eq!(heard(&changes, 2).len(), 2);
    });
}

#[test]
fn a_selection_the_app_owns_moves_with_it() {
    use yonder::protocol::atoms;
    let a = TestServer::start();
    let b = TestServer::start();
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    app.conn
        .set_selection_owner(atoms::CLIPBOARD, app.win, yonder::protocol::Timestamp(0));
    app.conn.sync().unwrap();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        // The app answers every request for the clipboard with its text.
        scope.spawn(|| {
            serve_events(&app.conn, &stop, |event| {
                if let Event::SelectionRequest(r) = event {
                    app.conn
                        .send_selection_data(r.transfer, b"moved along".to_vec(), true);
                    app.conn.flush().unwrap();
                }
            })
        });
        let o = move_app(&a, &b, id, "test");
        assert!(o.moved, "{}", o.reason);
        let on_b = b.connect();
        let owner = on_b.get_selection_owner(atoms::CLIPBOARD).reply().unwrap();
        assert_eq!(owner.owner, app.win, "the app owns the clipboard on B");
        // A client of B pastes.
        let w = requestor(&on_b);
        on_b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, w, 7);
        on_b.flush().unwrap();
        assert_eq!(selection_data(&on_b), b"moved along");
        // A no longer has it.
        let on_a = a.connect();
        assert_eq!(
            on_a.get_selection_owner(atoms::CLIPBOARD)
                .reply()
                .unwrap()
                .owner,
            WindowId::NONE
        );
    });
}

/// The little-endian `u32` list of a property or selection of type `ATOM`.
fn atom_list(atoms: &[Atom]) -> Vec<u8> {
    atoms.iter().flat_map(|a| a.0.to_le_bytes()).collect()
}

/// A window of `conn`'s for a conversion's data to come to.
fn requestor(conn: &Connection) -> WindowId {
    let w = conn.new_window_id();
    conn.create_window(
        w,
        conn.root(),
        Rect::new(0, 0, 5, 5),
        WindowAttributes::default(),
    );
    w
}

/// Waits for the SelectionData of a conversion on `conn` (within 10 s).
fn selection_data(conn: &Connection) -> Vec<u8> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(Instant::now() < end, "no SelectionData");
        if let Some(Incoming::Event {
            event: Event::SelectionData(d),
            ..
        }) = conn.wait_for_event_timeout(Duration::from_secs(1)).unwrap()
        {
            return d.data;
        }
    }
}

#[test]
fn atoms_the_app_interned_keep_their_meaning_on_the_other_display() {
    use yonder::protocol::atoms;
    use yonder::protocol::request::PropMode;
    let a = TestServer::start();
    let b = TestServer::start();
    // B numbers its atoms otherwise: five names interned there first take the numbers
    // the app's atoms have on A.
    let on_b = b.connect();
    let padding: Vec<Atom> = (1..=5)
        .map(|i| {
            on_b.intern_atom(&format!("PADDING_{i}"), false)
                .reply()
                .unwrap()
                .atom
        })
        .collect();

    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    let prop = app.conn.intern_atom("YT_PROP", false).reply().unwrap().atom;
    let mime = app.conn.intern_atom("YT_MIME", false).reply().unwrap().atom;
    assert!(
        padding.contains(&prop) && padding.contains(&mime),
        "the test needs A's numbers taken on B"
    );
    app.conn.change_window_attributes(
        app.win,
        WindowAttributes {
            event_mask: Some(EventMask::EXPOSURE | EventMask::PROPERTY_CHANGE),
            ..Default::default()
        },
    );
    app.conn.change_property(
        app.win,
        prop,
        atoms::ATOM,
        PropMode::Replace,
        atom_list(&[mime]),
    );
    app.conn
        .set_selection_owner(atoms::CLIPBOARD, app.win, yonder::protocol::Timestamp(0));
    app.conn.sync().unwrap();
    // (What A said so far: the Expose of the mapping, YT_PROP's PropertyNotify.)
    while app.conn.poll_for_event().unwrap().is_some() {}

    let stop = AtomicBool::new(false);
    let properties_heard = Mutex::new(Vec::new());
    let targets_asked = Mutex::new(Vec::new());
    let late = AtomicU32::new(0);
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        // The app offers the clipboard as YT_MIME (its own number for it) and text, and
        // notes the properties it hears of.
        scope.spawn(|| {
            serve_events(&app.conn, &stop, |event| match event {
                Event::SelectionRequest(r) => {
                    targets_asked.lock().unwrap().push(r.target);
                    let data = match r.target {
                        atoms::TARGETS => atom_list(&[mime, atoms::TEXT_PLAIN_UTF8]),
                        t if t == mime => b"as YT_MIME".to_vec(),
                        _ => b"as text".to_vec(),
                    };
                    app.conn.send_selection_data(r.transfer, data, true);
                    app.conn.flush().unwrap();
                }
                Event::Property(p) => properties_heard.lock().unwrap().push(p.atom),
                // The first Expose is the one the library hands the app when the move's
                // pre-copy starts: an atom learnt then, and used at once, must reach B too.
                Event::Expose(_) if late.load(Ordering::Acquire) == 0 => {
                    let atom = app.conn.intern_atom("YT_LATE", false).reply().unwrap().atom;
                    late.store(atom.0, Ordering::Release);
                    app.conn.change_property(
                        app.win,
                        atom,
                        atoms::STRING,
                        PropMode::Replace,
                        b"late".to_vec(),
                    );
                    app.conn.flush().unwrap();
                }
                _ => {}
            })
        });
        let o = move_app(&a, &b, id, "test");
        assert!(o.moved, "{}", o.reason);
        assert_ne!(
            late.load(Ordering::Acquire),
            0,
            "the app was asked to redraw"
        );
        let late_b = on_b.intern_atom("YT_LATE", true).reply().unwrap().atom;
        assert_ne!(late_b, Atom::NONE, "YT_LATE was interned on B");
        let p = on_b.get_property(app.win, late_b, false).reply().unwrap();
        assert_eq!(p.data, b"late", "the property set during the pre-copy");

        // On B, the property is there under B's numbers, its ATOM data too.
        let prop_b = on_b.intern_atom("YT_PROP", true).reply().unwrap().atom;
        let mime_b = on_b.intern_atom("YT_MIME", true).reply().unwrap().atom;
        assert!(prop_b != prop && mime_b != mime, "B has other numbers");
        let p = on_b.get_property(app.win, prop_b, false).reply().unwrap();
        assert_eq!((p.type_, p.data), (atoms::ATOM, atom_list(&[mime_b])));

        // A client of B lists the clipboard's targets, and pastes as YT_MIME.
        let w = requestor(&on_b);
        on_b.convert_selection(atoms::CLIPBOARD, atoms::TARGETS, w, 1);
        on_b.flush().unwrap();
        assert_eq!(
            selection_data(&on_b),
            atom_list(&[mime_b, atoms::TEXT_PLAIN_UTF8])
        );
        on_b.convert_selection(atoms::CLIPBOARD, mime_b, w, 2);
        on_b.flush().unwrap();
        assert_eq!(selection_data(&on_b), b"as YT_MIME");
        assert_eq!(
            targets_asked.lock().unwrap().clone(),
            vec![atoms::TARGETS, mime]
        );

        // The app still reads its atoms with its own numbers.
        let p = app.conn.get_property(app.win, prop, false).reply().unwrap();
        assert_eq!((p.type_, p.data), (atoms::ATOM, atom_list(&[mime])));
        assert_eq!(
            app.conn.intern_atom("YT_MIME", true).reply().unwrap().atom,
            mime
        );
        assert_eq!(
            app.conn.get_atom_name(prop).reply().unwrap().name,
            "YT_PROP"
        );

        // An atom of B the app never knew, whose number on B is one the app uses for
        // another atom, reaches the app under a number of its own.
        let clash = padding[padding.iter().position(|p| *p == prop).unwrap()];
        // (The app heard of its own YT_PROP on A before the move.)
        properties_heard.lock().unwrap().clear();
        on_b.change_property(
            app.win,
            clash,
            atoms::STRING,
            PropMode::Replace,
            b"x".to_vec(),
        );
        on_b.sync().unwrap();
        let end = Instant::now() + Duration::from_secs(10);
        let heard = loop {
            if let Some(a) = properties_heard.lock().unwrap().first() {
                break *a;
            }
            assert!(Instant::now() < end, "the app heard of no property change");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_ne!(
            heard, prop,
            "B's atom is not mistaken for the app's YT_PROP"
        );
        let name = app.conn.get_atom_name(heard).reply().unwrap().name;
        assert_eq!(
            name,
            format!(
                "PADDING_{}",
                1 + padding.iter().position(|p| *p == clash).unwrap()
            )
        );
        let back = app
            .conn
            .get_property(app.win, heard, false)
            .reply()
            .unwrap();
        assert_eq!(back.data, b"x");

        // And home again: A's numbers are the app's, the fresh one is interned there.
        let id_b = client_of(&on_b, app.conn.setup().unwrap().id_space);
        let o = move_app(&b, &a, id_b, "test");
        assert!(o.moved, "{}", o.reason);
        let on_a = a.connect();
        let p = on_a.get_property(app.win, prop, false).reply().unwrap();
        assert_eq!((p.type_, p.data), (atoms::ATOM, atom_list(&[mime])));
        assert_eq!(
            app.conn.intern_atom("YT_MIME", true).reply().unwrap().atom,
            mime
        );
        let padding_on_a = on_a.intern_atom(&name, true).reply().unwrap().atom;
        assert_ne!(
            padding_on_a,
            Atom::NONE,
            "the app's atom {name} was interned on A"
        );
        assert_eq!(app.conn.get_atom_name(heard).reply().unwrap().name, name);
    });
}

#[test]
fn a_client_that_says_it_moved_leaves_the_screen_at_once_and_hears_no_more_events() {
    use yonder::protocol::reply::MapState;
    use yonder::protocol::request::MoveDone;
    let a = TestServer::start();
    let app = app_on(&a);
    app.conn.change_window_attributes(
        app.win,
        WindowAttributes {
            event_mask: Some(EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    let watcher = a.connect_trusted();
    watcher.change_window_attributes(
        watcher.root(),
        WindowAttributes {
            event_mask: Some(EventMask::SUBSTRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    watcher.sync().unwrap();
    app.conn.sync().unwrap();
    // (The Expose of its mapping, from before.)
    while app.conn.poll_for_event().unwrap().is_some() {}
    // What the library sends A at a move's switch (here without a move: the display
    // takes the client's word).
    app.conn
        .send_request_checked(yonder::protocol::Request::MoveDone(MoveDone {
            moved: true,
            reason: String::new(),
        }))
        .check()
        .expect("MoveDone is taken");
    // Its window left the screen while its connection is still open...
    let attrs = watcher.get_window_attributes(app.win).reply().unwrap();
    assert_eq!(attrs.map_state, MapState::Unmapped);
    // ...as others see it, with the usual event...
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(Instant::now() < end, "the watcher heard no Unmap");
        if let Some(Incoming::Event {
            event: Event::Unmap(u),
            ..
        }) = watcher
            .wait_for_event_timeout(Duration::from_secs(1))
            .unwrap()
        {
            assert_eq!(u.window, app.win);
            break;
        }
    }
    // ...and the client still gets its answers, but no event.
    app.conn.get_geometry(app.win).reply().unwrap();
    app.conn.sync().unwrap();
    while let Some(i) = app.conn.poll_for_event().unwrap() {
        assert!(
            !matches!(i, Incoming::Event { .. }),
            "an event after MoveDone: {i:?}"
        );
    }
}

#[test]
fn the_app_stays_home_when_the_other_display_dies_in_the_middle_of_the_move() {
    use yonder_test_support::home::Home;
    let a = TestServer::start();
    let home_b = Home::new(320, 240);
    let mut b = home_b.serve();
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    let stop = AtomicBool::new(false);
    let colour = AtomicU32::new(0x778899);
    let on_b = |cookie: &str| {
        Connection::connect_with(yonder::ConnectOptions {
            display: Some(home_b.display()),
            cookie: Some(home_b.cookie(cookie)),
            app_name: Some("b-side".into()),
            reconnect: yonder::Reconnect::ExitAtOnce,
            ..Default::default()
        })
        .unwrap()
    };
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        // An app slow to redraw: the pre-copy waits for its redraw, long enough for B to
        // die meanwhile.
        scope.spawn(|| {
            while !stop.load(Ordering::Acquire) {
                match app.conn.wait_for_event_timeout(Duration::from_millis(20)) {
                    Ok(Some(Incoming::Event {
                        event: Event::Expose(_),
                        ..
                    })) => {
                        std::thread::sleep(Duration::from_millis(400));
                        paint(&app.conn, app.win, app.gc, colour.load(Ordering::Acquire));
                    }
                    Ok(_) => {}
                    Err(e) => panic!("the app's connection failed: {e}"),
                }
            }
        });
        let token = on_b(":0").grant_move("test").reply().unwrap().token;
        let watch_b = on_b(":0+trusted");
        let mover = a.connect_trusted();
        mover
            .move_client(id, &home_b.display(), &token)
            .check()
            .unwrap();
        // The app's hidden copy arrives on B: B dies then.
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            let clients = watch_b.list_clients().reply().unwrap().clients;
            if clients.iter().any(|c| c.id_space == app.conn.id_space()) {
                break;
            }
            assert!(Instant::now() < end, "the app never reached B");
        }
        b.child.kill().unwrap();
        b.child.wait().unwrap();
        let o = outcome(&mover);
        assert!(!o.moved, "it cannot have moved");
        assert!(!o.reason.is_empty());
        // Still on A, whole, and going on.
        let watch_a = a.connect_trusted();
        assert!(shown(&watch_a, app.win).is_some());
        colour.store(0x445566, Ordering::Release);
        paint(&app.conn, app.win, app.gc, 0x445566);
        app.conn.sync().unwrap();
        let end = Instant::now() + Duration::from_secs(5);
        while shown(&watch_a, app.win).unwrap().at(10, 10) & 0xffffff != 0x445566 {
            assert!(Instant::now() < end, "the app no longer draws on A");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(app.conn.display_name(), a.display());
    });
}

#[test]
fn an_app_drawing_without_pause_loses_no_request_on_the_way() {
    let a = TestServer::start();
    let b = TestServer::start();
    let app = app_on(&a);
    let id = app.conn.setup().unwrap().client_id;
    let black = gc(&app.conn, app.win, 0x000000);
    let watch_b = b.connect_trusted();
    let drawn = AtomicU32::new(0);
    let all = 40 * 24;
    std::thread::scope(|scope| {
        // One pixel per request, the window filled in order; an Expose redraws what was
        // drawn so far. Whatever is lost on the way leaves a pixel of the background.
        scope.spawn(|| {
            let pixel = |i: u32| Rect::new((i % 40) as i32, (i / 40) as i32, 1, 1);
            for i in 0..all {
                app.conn.poly_fill_rectangle(app.win, black, &[pixel(i)]);
                app.conn.flush().unwrap();
                drawn.store(i + 1, Ordering::Release);
                std::thread::sleep(Duration::from_micros(300));
                while let Some(item) = app.conn.poll_for_event().unwrap() {
                    if let Incoming::Event {
                        event: Event::Expose(_),
                        ..
                    } = item
                    {
                        let done: Vec<Rect> = (0..=i).map(pixel).collect();
                        app.conn.poly_fill_rectangle(app.win, black, &done);
                    }
                }
            }
            app.conn.sync().unwrap();
        });
        while drawn.load(Ordering::Acquire) < all / 4 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let o = move_app(&a, &b, id, "test");
        assert!(o.moved, "{}", o.reason);
        assert!(
            drawn.load(Ordering::Acquire) < all,
            "the move happened while the app drew"
        );
    });
    let px = shown(&watch_b, app.win).expect("on B");
    let missing: Vec<usize> = (0..all as usize)
        .filter(|i| px[*i] & 0xffffff != 0)
        .collect();
    assert!(missing.is_empty(), "pixels never drawn on B: {missing:?}");
}

#[test]
fn an_app_moved_to_a_smaller_screen_stays_reachable() {
    let a = TestServer::start();
    let b = TestServer::start_with(|c| {
        c.window_manager = true;
        c.screen_width = 200;
        c.screen_height = 150;
    });
    let conn = a.connect();
    let win = conn.new_window_id();
    // In the bottom-right corner of A's 320×240 screen: off B's screen as it is.
    conn.create_window(
        win,
        conn.root(),
        Rect::new(260, 200, 50, 30),
        WindowAttributes {
            background: Some(Color::rgb(0x336699)),
            ..Default::default()
        },
    );
    conn.map_window(win);
    conn.sync().unwrap();
    let id = conn.setup().unwrap().client_id;
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| {
            while !stop.load(Ordering::Acquire) {
                let _ = conn.wait_for_event_timeout(Duration::from_millis(20));
            }
        });
        let o = move_app(&a, &b, id, "test");
        assert!(o.moved, "{}", o.reason);
        let watch_b = b.connect_trusted();
        // The window manager put the whole frame on B's screen.
        let (mut x, mut y) = (0, 0);
        let mut w = win;
        while w != WindowId::ROOT {
            let g = watch_b.get_geometry(w).reply().unwrap().rect;
            x += g.x;
            y += g.y;
            w = watch_b.query_tree(w).reply().unwrap().parent;
        }
        assert!(
            x >= 0 && y >= 0 && x + 50 <= 200 && y + 30 <= 150,
            "the window is at ({x}, {y}) on a 200×150 screen"
        );
        let screen = watch_b.get_image(WindowId::ROOT, Rect::new(x, y, 1, 1), ImageFormat::Bgrx);
        let p = screen.reply().unwrap().data;
        assert_eq!(u32::from_le_bytes([p[0], p[1], p[2], 0]), 0x336699);
        // The app's setup is B's now: its screen and its client number there (once its
        // library is done with the switch: A's MoveOutcome may come first).
        let end = Instant::now() + Duration::from_secs(10);
        while conn.display_name() != b.display() {
            assert!(Instant::now() < end, "the app never said it is on B");
            std::thread::sleep(Duration::from_millis(5));
        }
        let setup = conn.setup().unwrap();
        assert_eq!(
            (setup.screens[0].width, setup.screens[0].height),
            (200, 150)
        );
        assert_eq!(setup.client_id, client_of(&watch_b, conn.id_space()));
        assert_eq!(conn.screen().unwrap().width, 200);
    });
}

/// The runs of at least `min` pixels of `rgb` in row `y` of `px` (`width` wide), as
/// (start, end) x ranges.
fn runs(px: &[u32], width: usize, y: usize, rgb: u32, min: usize) -> Vec<(usize, usize)> {
    let row = &px[y * width..(y + 1) * width];
    let mut out = Vec::new();
    let mut x = 0;
    while x < width {
        if row[x] & 0xffffff == rgb {
            let start = x;
            while x < width && row[x] & 0xffffff == rgb {
                x += 1;
            }
            if x - start >= min {
                out.push((start, x));
            }
        } else {
            x += 1;
        }
    }
    out
}

#[test]
fn the_window_managers_move_button_moves_an_app_to_the_display_chosen_in_its_menu() {
    use yonder_server::config::Peer;
    let b = TestServer::start();
    let c = TestServer::start();
    let peer = |s: &TestServer| Peer {
        display: s.display(),
        cookie: Some(s.handle.cookie.to_vec()),
    };
    let peers = vec![peer(&b), peer(&c)];
    let a = TestServer::start_with(move |cfg| {
        cfg.window_manager = true;
        cfg.screen_width = 1280;
        cfg.screen_height = 400;
        cfg.peers = peers;
    });
    let conn = a.connect();
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(20, 60, 1200, 100),
        WindowAttributes {
            background: Some(Color::rgb(0x335577)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(win);
    conn.sync().unwrap();
    let stop = AtomicBool::new(false);
    let changes = Mutex::new(Vec::new());
    let watch = a.connect_trusted();
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| {
            while !stop.load(Ordering::Acquire) {
                if let Ok(Some(Incoming::Display(d))) =
                    conn.wait_for_event_timeout(Duration::from_millis(20))
                {
                    changes.lock().unwrap().push(d);
                }
            }
        });
        let client = watch.get_geometry(win).reply().unwrap().rect;
        let click = |x: i32, y: i32| {
            watch.fake_input(FakeKind::Motion, 0, x, y);
            watch.fake_input(FakeKind::ButtonPress, 1, x, y);
            watch.fake_input(FakeKind::ButtonRelease, 1, x, y);
            watch.sync().unwrap();
        };
        // The ⇄ button: left of the maximise and close buttons at the title bar's right end.
        let right = client.x + client.width as i32 + 4;
        let title_y = client.y - 24;
        click(right - 48 - 12, title_y + 12);
        // The menu opens in the title bar: its entries are underlined, in the order of
        // the displays; the second is C.
        let bar = Rect::new(client.x - 4, title_y, client.width + 8, 24);
        let entries = {
            let end = Instant::now() + Duration::from_secs(5);
            loop {
                let img = watch
                    .get_image(WindowId::ROOT, bar, ImageFormat::Bgrx)
                    .reply()
                    .unwrap();
                let px: Vec<u32> = img
                    .data
                    .chunks_exact(4)
                    .map(|p| u32::from_le_bytes([p[0], p[1], p[2], 0]))
                    .collect();
                let found = (0..24)
                    .map(|y| runs(&px, bar.width as usize, y, 0xffffff, 40))
                    .max_by_key(|r| r.len())
                    .unwrap();
                if found.len() == 2 {
                    break found;
                }
                assert!(Instant::now() < end, "no menu of two displays: {found:?}");
                std::thread::sleep(Duration::from_millis(20));
            }
        };
        let (from, to) = entries[1];
        click(bar.x + ((from + to) / 2) as i32, title_y + 12);
        let on_c = c.connect_trusted();
        let end = Instant::now() + Duration::from_secs(10);
        while on_c.get_geometry(win).reply().is_err() {
            assert!(Instant::now() < end, "the app did not reach C");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            heard(&changes, 1),
            vec![DisplayChange::Moved { to: c.display() }]
        );
        let end = Instant::now() + Duration::from_secs(5);
        while watch.get_geometry(win).reply().is_ok() {
            assert!(Instant::now() < end, "the window stays on A");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            b.connect_trusted().get_geometry(win).reply().is_err(),
            "not on B"
        );
    });
}
