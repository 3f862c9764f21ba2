//! Moving data between clients through the real server: selections (clipboard) with
//! lazy, chunked transfers; drag and drop driven by synthetic input, with the drag icon
//! and pointer shape the user sees; and the save-set that keeps embedded parts alive.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming, ReplyError};
use yonder_protocol::event::{
    DndEnterEvent, DndFinishedEvent, DndPositionEvent, DndStatusEvent, SelectionDataEvent,
    SelectionRequestEvent,
};
use yonder_protocol::reply::MapState;
use yonder_protocol::request::{Cursor, DndAction, DndActions, FakeKind, WindowAttributes};
use yonder_protocol::{
    atoms, keysym, Atom, Color, ErrorCode, Event, EventMask, PixmapId, Point, Rect, WindowId,
};
use yonder_server::compositor::Compositor;
use yonder_server::screen::Screen;
use yonder_server::ServerConfig;

const ROOT_BG: u32 = 0x2e3440;
const RED: u32 = 0xFF0000;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// What a recording screen was last asked to show.
#[derive(Default)]
struct Shown {
    pixels: Vec<u32>,
    width: u32,
    cursor: Option<Cursor>,
}

/// A screen that keeps a copy of every presented frame and the pointer shape, so tests
/// see exactly what a user would (GetImage repaints from the window tree instead).
struct Recorder {
    size: (u32, u32),
    shown: Arc<Mutex<Shown>>,
}

impl Screen for Recorder {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn present(&mut self, fb: &Compositor, _damage: &[Rect]) {
        let mut s = self.shown.lock().unwrap();
        s.pixels.clone_from(&fb.pixels);
        s.width = fb.width;
    }

    fn set_cursor(&mut self, cursor: Cursor) {
        self.shown.lock().unwrap().cursor = Some(cursor);
    }
}

/// A server without window manager whose screen records what it shows.
fn start_recorded() -> (TestServer, Arc<Mutex<Shown>>) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        socket_dir: Some(dir.path().join("sockets")),
        cookie_file: Some(dir.path().join("cookies")),
        screen_width: SCREEN_W,
        screen_height: SCREEN_H,
        allow_synthetic_input: true,
        window_manager: false,
        ..ServerConfig::default()
    };
    let shown = Arc::new(Mutex::new(Shown::default()));
    let screen = Box::new(Recorder {
        size: (SCREEN_W, SCREEN_H),
        shown: shown.clone(),
    });
    let handle = yonder_server::start(config, screen).expect("server starts");
    (TestServer { handle, dir }, shown)
}

/// Two round trips: the server has presented everything `conn` caused before (it presents
/// after each burst of commands, and the second Sync is read only after the first reply).
fn settle(conn: &Connection) {
    conn.sync().unwrap();
    conn.sync().unwrap();
}

/// The pixel at (x, y) of the last frame the screen showed.
fn shown_pixel(conn: &Connection, shown: &Mutex<Shown>, x: i32, y: i32) -> u32 {
    settle(conn);
    let s = shown.lock().unwrap();
    s.pixels[y as usize * s.width as usize + x as usize]
}

/// The pointer shape the screen shows.
fn shown_cursor(conn: &Connection, shown: &Mutex<Shown>) -> Cursor {
    settle(conn);
    shown.lock().unwrap().cursor.unwrap_or(Cursor::Default)
}

/// Every event up to and including the first matching `pred` (at most 5 s).
fn events_until(conn: &Connection, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let end = Instant::now() + Duration::from_secs(5);
    let mut out = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}; got {out:?}");
        match conn.wait_for_event_timeout(left).expect("connection alive") {
            Some(Incoming::Event { event, .. }) => {
                let hit = pred(&event);
                out.push(event);
                if hit {
                    return out;
                }
            }
            Some(Incoming::Error(e)) => panic!("unexpected error while waiting for {what}: {e}"),
            None => {}
        }
    }
}

/// The protocol error code of a checked request.
fn error_code(r: Result<(), ReplyError>) -> ErrorCode {
    match r {
        Err(ReplyError::Protocol(p)) => p.code,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

/// Asserts that nothing went wrong for `conn` (no unclaimed request errors queued).
fn assert_no_errors(conn: &Connection) {
    let errors: Vec<_> = drain(conn)
        .into_iter()
        .filter_map(|i| i.error().cloned())
        .collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:?}");
}

/// Waits for the SelectionRequest an owner gets.
fn selection_request(owner: &Connection) -> SelectionRequestEvent {
    match wait_for(owner, "SelectionRequest", |e| {
        matches!(e, Event::SelectionRequest(_))
    }) {
        Event::SelectionRequest(r) => r,
        _ => unreachable!(),
    }
}

/// Collects the SelectionData events carrying `tag` up to the one with `done` (at most
/// `secs` seconds).
fn selection_data(requestor: &Connection, tag: u32, secs: u64) -> Vec<SelectionDataEvent> {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut chunks = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out waiting for selection data; got {} chunks",
            chunks.len()
        );
        match requestor
            .wait_for_event_timeout(left)
            .expect("connection alive")
        {
            Some(Incoming::Event {
                event: Event::SelectionData(d),
                ..
            }) if d.tag == tag => {
                let done = d.done;
                chunks.push(d);
                if done {
                    return chunks;
                }
            }
            Some(Incoming::Error(e)) => panic!("unexpected error while waiting for data: {e}"),
            _ => {}
        }
    }
}

/// The bytes of all chunks, in order.
fn joined(chunks: &[SelectionDataEvent]) -> Vec<u8> {
    chunks.iter().flat_map(|c| c.data.iter().copied()).collect()
}

/// Makes `conn` select `mask` on `w` (e.g. another client's window, or the root).
fn select(conn: &Connection, w: WindowId, mask: EventMask) {
    conn.change_window_attributes(
        w,
        WindowAttributes {
            event_mask: Some(mask),
            ..Default::default()
        },
    );
    conn.sync().unwrap();
}

/// Waits until the server has handled a client's disconnect: `watcher` (selecting
/// SUBSTRUCTURE_NOTIFY on the root) sees that client's top-level `gone_window` destroyed.
fn wait_destroyed(watcher: &Connection, gone_window: WindowId) {
    wait_for(
        watcher,
        "the dead client's window to be destroyed",
        |e| matches!(e, Event::Destroy(d) if d.window == gone_window),
    );
}

/// A window of `conn` usable as a selection owner or requestor (unmapped, 1×1).
fn plain_window(conn: &Connection) -> WindowId {
    let w = conn.new_window_id();
    conn.create_window(w, conn.root(), Rect::new(0, 0, 1, 1), Default::default());
    conn.sync().unwrap();
    w
}

// ---------------------------------------------------------------------------------------
// Selections
// ---------------------------------------------------------------------------------------

#[test]
fn clipboard_text_travels_from_owner_to_requestor() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0))
        .check()
        .unwrap();
    assert_eq!(
        b.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        aw
    );

    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 42);
    b.sync().unwrap();
    let req = selection_request(&a);
    assert_eq!(
        (req.owner, req.requestor, req.selection, req.target),
        (aw, bw, atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8)
    );
    let text = "Grüße aus Yonder — copied text";
    let (first, second) = text.as_bytes().split_at(7);
    a.send_selection_data(req.transfer, first.to_vec(), false);
    a.send_selection_data(req.transfer, second.to_vec(), true);
    a.sync().unwrap();

    let chunks = selection_data(&b, 42, 5);
    assert_eq!(chunks.len(), 2, "{chunks:?}");
    for c in &chunks {
        assert_eq!(
            (c.requestor, c.tag, c.selection, c.target),
            (bw, 42, atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8)
        );
        assert!(!c.refused);
    }
    assert!(!chunks[0].done && chunks[1].done);
    assert_eq!(String::from_utf8(joined(&chunks)).unwrap(), text);

    // A second paste asks the owner again (nothing is cached), here whole in one call.
    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 43);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_bytes(req.transfer, text.as_bytes());
    a.sync().unwrap();
    let chunks = selection_data(&b, 43, 5);
    assert_eq!(chunks.len(), 1);
    assert_eq!(joined(&chunks), text.as_bytes());
    assert_no_errors(&a);
    assert_no_errors(&b);
}

#[test]
fn five_mebibytes_arrive_whole_and_in_order() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    let data: Vec<u8> = (0..5u32 << 20)
        .map(|i| (i % 251) as u8 ^ (i >> 20) as u8)
        .collect();

    b.convert_selection(atoms::CLIPBOARD, atoms::IMAGE_PNG, bw, 5);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_bytes(req.transfer, &data); // 1 MiB chunks
    a.sync().unwrap();

    let chunks = selection_data(&b, 5, 30);
    assert_eq!(chunks.len(), 5, "one event per chunk");
    assert!(chunks.iter().all(|c| c.data.len() == 1 << 20));
    assert!(chunks[..4].iter().all(|c| !c.done));
    let got = joined(&chunks);
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the data arrived changed or out of order");
    assert_no_errors(&a);
}

#[test]
fn targets_conversion_lists_the_offered_types() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    b.convert_selection(atoms::CLIPBOARD, atoms::TARGETS, bw, 1);
    b.sync().unwrap();
    let req = selection_request(&a);
    assert_eq!(req.target, atoms::TARGETS);
    let offered = [atoms::TARGETS, atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING];
    let bytes: Vec<u8> = offered.iter().flat_map(|a| a.0.to_le_bytes()).collect();
    a.send_selection_bytes(req.transfer, &bytes);
    a.sync().unwrap();
    let chunks = selection_data(&b, 1, 5);
    let list: Vec<Atom> = joined(&chunks)
        .chunks_exact(4)
        .map(|c| Atom(u32::from_le_bytes(c.try_into().unwrap())))
        .collect();
    assert_eq!(list, offered);
    assert_eq!(chunks.last().unwrap().target, atoms::TARGETS);
    let names: Vec<String> = list
        .iter()
        .map(|a| b.get_atom_name(*a).reply().unwrap().name)
        .collect();
    assert_eq!(
        names,
        ["TARGETS", "text/plain;charset=utf-8", "UTF8_STRING"]
    );
}

#[test]
fn refused_types_and_selections_without_owner() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();

    // The owner has text only: it refuses a PNG.
    b.convert_selection(atoms::CLIPBOARD, atoms::IMAGE_PNG, bw, 9);
    b.sync().unwrap();
    let req = selection_request(&a);
    assert_eq!(req.target, atoms::IMAGE_PNG);
    a.refuse_selection(req.transfer).check().unwrap();
    let chunks = selection_data(&b, 9, 5);
    assert_eq!(chunks.len(), 1);
    assert!(
        chunks[0].refused && chunks[0].done && chunks[0].data.is_empty(),
        "{chunks:?}"
    );
    assert_eq!(chunks[0].target, atoms::IMAGE_PNG);
    // The transfer is over: more data for it is an error.
    assert_eq!(
        error_code(
            a.send_selection_data(req.transfer, b"late".to_vec(), true)
                .check()
        ),
        ErrorCode::Value
    );

    // Nobody owns PRIMARY: the answer comes at once, without any owner being asked.
    b.convert_selection(atoms::PRIMARY, atoms::TEXT_PLAIN_UTF8, bw, 10);
    b.sync().unwrap();
    let evs = drain_events(&b);
    let refused: Vec<_> = evs
        .iter()
        .filter(|e| matches!(e, Event::SelectionData(d) if d.tag == 10 && d.refused && d.done && d.data.is_empty() && d.selection == atoms::PRIMARY))
        .collect();
    assert_eq!(refused.len(), 1, "{evs:?}");
    assert!(!drain_events(&a)
        .iter()
        .any(|e| matches!(e, Event::SelectionRequest(_))));
    assert_eq!(
        b.get_selection_owner(atoms::PRIMARY).reply().unwrap().owner,
        WindowId::NONE
    );

    // Requests that make no sense.
    assert_eq!(
        error_code(
            b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, aw, 1)
                .check()
        ),
        ErrorCode::Match,
        "the requestor must be the sender's window"
    );
    assert_eq!(
        error_code(
            b.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0))
                .check()
        ),
        ErrorCode::Match,
        "nobody takes ownership for another client's window"
    );
    assert_eq!(
        error_code(
            b.convert_selection(Atom(0xFFFF), atoms::TEXT_PLAIN_UTF8, bw, 1)
                .check()
        ),
        ErrorCode::Atom
    );
    assert_eq!(
        error_code(a.send_selection_data(12345, Vec::new(), true).check()),
        ErrorCode::Value
    );
    assert_eq!(
        b.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        aw
    );
}

#[test]
fn ownership_changes_are_announced_and_the_old_owner_is_cleared() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::OWNER_CHANGE);
    let aw = plain_window(&a);
    let bw = plain_window(&b);

    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    let e = wait_for(&watcher, "A's ownership", |e| {
        matches!(e, Event::SelectionOwner(_))
    });
    assert!(
        matches!(&e, Event::SelectionOwner(o) if o.root == watcher.root() && o.selection == atoms::CLIPBOARD && o.owner == aw),
        "{e:?}"
    );

    b.set_selection_owner(atoms::CLIPBOARD, bw, yonder_protocol::Timestamp(0));
    b.sync().unwrap();
    let e = wait_for(&a, "SelectionClear", |e| {
        matches!(e, Event::SelectionClear(_))
    });
    assert!(
        matches!(&e, Event::SelectionClear(c) if c.owner == aw && c.selection == atoms::CLIPBOARD),
        "{e:?}"
    );
    let e = wait_for(&watcher, "B's ownership", |e| {
        matches!(e, Event::SelectionOwner(_))
    });
    assert!(
        matches!(&e, Event::SelectionOwner(o) if o.owner == bw),
        "{e:?}"
    );
    assert_eq!(
        a.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        bw
    );
    assert!(
        !drain_events(&b)
            .iter()
            .any(|e| matches!(e, Event::SelectionClear(_))),
        "the new owner is not cleared"
    );

    // A paste now goes to B, not A.
    let aw2 = plain_window(&a);
    a.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, aw2, 3);
    a.sync().unwrap();
    let req = selection_request(&b);
    b.send_selection_bytes(req.transfer, b"from B");
    b.sync().unwrap();
    assert_eq!(joined(&selection_data(&a, 3, 5)), b"from B");

    // Giving up ownership (NONE) tells the watchers; other selections are unaffected.
    b.set_selection_owner(atoms::PRIMARY, bw, yonder_protocol::Timestamp(0));
    b.set_selection_owner(
        atoms::CLIPBOARD,
        WindowId::NONE,
        yonder_protocol::Timestamp(0),
    );
    b.sync().unwrap();
    let evs = events_until(
        &watcher,
        "CLIPBOARD without owner",
        |e| matches!(e, Event::SelectionOwner(o) if o.selection == atoms::CLIPBOARD && o.owner == WindowId::NONE),
    );
    assert!(evs.iter().any(
        |e| matches!(e, Event::SelectionOwner(o) if o.selection == atoms::PRIMARY && o.owner == bw)
    ));
    assert_eq!(
        a.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );
    assert_eq!(
        a.get_selection_owner(atoms::PRIMARY).reply().unwrap().owner,
        bw
    );
}

#[test]
fn owner_disconnecting_mid_transfer_refuses_and_frees_the_selection() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::OWNER_CHANGE);
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    wait_for(
        &watcher,
        "A's ownership",
        |e| matches!(e, Event::SelectionOwner(o) if o.owner == aw),
    );

    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 77);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_data(req.transfer, b"half of it".to_vec(), false);
    a.sync().unwrap();
    drop(a); // killed before the last chunk

    let chunks = selection_data(&b, 77, 5);
    assert_eq!(chunks.len(), 2, "{chunks:?}");
    assert_eq!(chunks[0].data, b"half of it");
    assert!(!chunks[0].done && !chunks[0].refused);
    assert!(
        chunks[1].done && chunks[1].refused && chunks[1].data.is_empty(),
        "{chunks:?}"
    );
    let e = wait_for(&watcher, "CLIPBOARD without owner", |e| {
        matches!(e, Event::SelectionOwner(_))
    });
    assert!(
        matches!(&e, Event::SelectionOwner(o) if o.selection == atoms::CLIPBOARD && o.owner == WindowId::NONE),
        "{e:?}"
    );
    assert_eq!(
        b.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );
    // A new paste is refused at once.
    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 78);
    b.sync().unwrap();
    let chunks = selection_data(&b, 78, 5);
    assert!(chunks.len() == 1 && chunks[0].refused);
}

#[test]
fn requestor_disconnecting_mid_transfer_leaves_the_owner_unharmed() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let c = s.connect();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    let cw = plain_window(&c);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();

    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 1);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_data(req.transfer, b"first".to_vec(), false);
    a.sync().unwrap();
    drop(b); // the pasting application was closed
    wait_destroyed(&watcher, bw);
    // The owner cannot know: the rest of its answer is quietly dropped, without errors.
    a.send_selection_data(req.transfer, b"second".to_vec(), false)
        .check()
        .unwrap();
    a.send_selection_data(req.transfer, b"last".to_vec(), true)
        .check()
        .unwrap();
    // The transfer is over now, so a stray chunk is an error again.
    assert_eq!(
        error_code(
            a.send_selection_data(req.transfer, Vec::new(), true)
                .check()
        ),
        ErrorCode::Value
    );

    // The owner still serves other pastes.
    c.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, cw, 2);
    c.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_bytes(req.transfer, b"for C");
    a.sync().unwrap();
    assert_eq!(joined(&selection_data(&c, 2, 5)), b"for C");
    assert_no_errors(&a);
}

// ---------------------------------------------------------------------------------------
// Drag and drop
// ---------------------------------------------------------------------------------------

const SRC_BG: u32 = 0xFFFFFF;
const TGT_BG: u32 = 0x0000FF;
/// The source window, left.
const SRC: Rect = Rect {
    x: 20,
    y: 40,
    width: 120,
    height: 120,
};
/// The drop target, right of it.
const TGT: Rect = Rect {
    x: 180,
    y: 40,
    width: 120,
    height: 120,
};

/// A drag source (client `a`, window `src`) and a drop target (client `b`, window `tgt`,
/// selecting DND) side by side; `user` drives the pointer and keyboard.
struct Dnd {
    shown: Arc<Mutex<Shown>>,
    user: Connection,
    a: Option<Connection>,
    b: Option<Connection>,
    src: WindowId,
    tgt: WindowId,
    /// Last, so it is dropped after the clients.
    _server: TestServer,
}

fn dnd_scene() -> Dnd {
    let (s, shown) = start_recorded();
    let user = s.connect_trusted();
    select(&user, user.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let a = s.connect();
    let b = s.connect();
    let src = window(
        &a,
        SRC,
        SRC_BG,
        EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE | EventMask::POINTER_MOTION,
    );
    let tgt = window(&b, TGT, TGT_BG, EventMask::DND | EventMask::BUTTON_PRESS);
    drain(&a);
    drain(&b);
    Dnd {
        _server: s,
        shown,
        user,
        a: Some(a),
        b: Some(b),
        src,
        tgt,
    }
}

impl Dnd {
    fn a(&self) -> &Connection {
        self.a.as_ref().expect("the source is alive")
    }

    fn b(&self) -> &Connection {
        self.b.as_ref().expect("the target is alive")
    }

    /// Kills the source application (its socket closes without a goodbye).
    fn kill_a(&mut self) {
        self.a = None;
    }

    /// Kills the target application.
    fn kill_b(&mut self) {
        self.b = None;
    }

    fn motion(&self, x: i32, y: i32) {
        self.user.fake_input(FakeKind::Motion, 0, x, y);
        self.user.sync().unwrap();
    }

    fn button(&self, pressed: bool) {
        let kind = if pressed {
            FakeKind::ButtonPress
        } else {
            FakeKind::ButtonRelease
        };
        self.user.fake_input(kind, 1, 0, 0);
        self.user.sync().unwrap();
    }

    fn key(&self, ks: u32, pressed: bool) {
        let kind = if pressed {
            FakeKind::KeyPress
        } else {
            FakeKind::KeyRelease
        };
        self.user.fake_input(kind, ks, 0, 0);
        self.user.sync().unwrap();
    }

    /// A 16×16 red pixmap of `a`'s, for the drag icon.
    fn red_icon(&self) -> PixmapId {
        let pm = self.a().new_pixmap_id();
        self.a().create_pixmap(pm, self.src, 16, 16);
        let g = gc(self.a(), self.src, RED);
        self.a()
            .poly_fill_rectangle(pm, g, &[Rect::new(0, 0, 16, 16)]);
        self.a().sync().unwrap();
        pm
    }

    /// The user presses button 1 at (x, y) in the source; the source sees the press and
    /// starts a drag of UTF-8 text (copy or move) with a red 16×16 icon held at its middle.
    fn press_and_start_drag(&self, x: i32, y: i32) {
        self.motion(x, y);
        self.button(true);
        wait_for(
            self.a(),
            "the press that starts the drag",
            |e| matches!(e, Event::ButtonPress(p) if p.window == self.src && p.button == 1),
        );
        let icon = self.red_icon();
        self.a()
            .start_drag(
                self.src,
                &[atoms::TEXT_PLAIN_UTF8],
                DndActions::COPY | DndActions::MOVE,
                icon,
                Point::new(8, 8),
            )
            .check()
            .expect("start_drag while the button is held");
    }

    /// Moves into the target and waits for its DndEnter and DndPosition.
    fn enter_target(&self, x: i32, y: i32) -> (DndEnterEvent, DndPositionEvent) {
        self.motion(x, y);
        let enter = match wait_for(self.b(), "DndEnter", |e| matches!(e, Event::DndEnter(_))) {
            Event::DndEnter(e) => e,
            _ => unreachable!(),
        };
        let pos = match wait_for(self.b(), "DndPosition", |e| {
            matches!(e, Event::DndPosition(_))
        }) {
            Event::DndPosition(p) => p,
            _ => unreachable!(),
        };
        (enter, pos)
    }

    /// The usual start: press in the source at (50, 90), start the drag, move into the
    /// target at (230, 90), which accepts with `action`; returns the source's DndStatus.
    fn drag_into_accepting_target(&self, action: DndAction) -> DndStatusEvent {
        self.press_and_start_drag(50, 90);
        self.enter_target(230, 90);
        self.b().dnd_status(self.tgt, true, action).check().unwrap();
        self.status_for_source()
    }

    /// Releases the button and waits for the target's DndDrop.
    fn drop_and_wait(&self) {
        self.button(false);
        wait_for(self.b(), "DndDrop", |e| matches!(e, Event::DndDrop(_)));
    }

    fn status_for_source(&self) -> DndStatusEvent {
        match wait_for(self.a(), "DndStatus", |e| matches!(e, Event::DndStatus(_))) {
            Event::DndStatus(s) => s,
            _ => unreachable!(),
        }
    }

    fn finished_for_source(&self) -> DndFinishedEvent {
        match wait_for(self.a(), "DndFinished", |e| {
            matches!(e, Event::DndFinished(_))
        }) {
            Event::DndFinished(f) => f,
            _ => unreachable!(),
        }
    }

    /// The root's pixel as GetImage shows it.
    fn root_pixel(&self, x: i32, y: i32) -> u32 {
        read(&self.user, self.user.root(), Rect::new(x, y, 1, 1)).at(x, y)
    }

    /// The pixel as the screen shows it.
    fn screen_pixel(&self, x: i32, y: i32) -> u32 {
        shown_pixel(&self.user, &self.shown, x, y)
    }

    fn cursor(&self) -> Cursor {
        shown_cursor(&self.user, &self.shown)
    }

    /// Asserts the 16×16 icon is drawn with its middle at (px, py), both in a screenshot
    /// and on the screen.
    fn assert_icon_at(&self, px: i32, py: i32) {
        let shot = read(
            &self.user,
            self.user.root(),
            Rect::new(px - 10, py - 10, 20, 20),
        );
        for (x, y) in [
            (px, py),
            (px - 8, py - 8),
            (px + 7, py - 8),
            (px - 8, py + 7),
            (px + 7, py + 7),
        ] {
            assert_eq!(
                shot.at(x, y),
                RED,
                "GetImage of the root shows the icon at ({x},{y})"
            );
            assert_eq!(
                self.screen_pixel(x, y),
                RED,
                "the screen shows the icon at ({x},{y})"
            );
        }
        assert_eq!(shot.count(RED), 256, "exactly the 16×16 icon is red");
    }
}

#[test]
fn drag_and_drop_moves_text_from_source_to_target() {
    let d = dnd_scene();
    d.press_and_start_drag(50, 90);
    d.assert_icon_at(50, 90);
    assert_eq!(
        d.cursor(),
        Cursor::NotAllowed,
        "no drop target under the pointer yet"
    );

    // Into the target: it is told what is offered and where the pointer is.
    let (enter, pos) = d.enter_target(200, 60);
    assert_eq!(enter.target, d.tgt);
    assert_eq!(enter.source, d.src);
    assert_eq!(enter.types, vec![atoms::TEXT_PLAIN_UTF8]);
    assert_eq!(enter.actions, DndActions::COPY | DndActions::MOVE);
    assert_eq!(
        (pos.target, pos.x, pos.y, pos.root_x, pos.root_y),
        (d.tgt, 20, 20, 200, 60)
    );
    assert_eq!(
        d.root_pixel(50, 90),
        SRC_BG,
        "the icon left the source (screenshot)"
    );
    assert_eq!(
        d.screen_pixel(50, 90),
        SRC_BG,
        "the icon left no trail on the screen"
    );
    d.assert_icon_at(200, 60);
    assert_eq!(
        d.cursor(),
        Cursor::NotAllowed,
        "the target has not answered yet"
    );

    // The target would accept a move: the source hears it, the pointer shows it.
    d.b()
        .dnd_status(d.tgt, true, DndAction::Move)
        .check()
        .unwrap();
    let st = d.status_for_source();
    assert_eq!(
        (st.source, st.target, st.accept, st.action),
        (d.src, d.tgt, true, DndAction::Move)
    );
    assert_eq!(
        d.cursor(),
        Cursor::Grabbing,
        "the pointer shows the accepted move at once"
    );

    d.motion(230, 90);
    let e = wait_for(d.b(), "DndPosition", |e| matches!(e, Event::DndPosition(_)));
    assert!(
        matches!(&e, Event::DndPosition(p) if (p.x, p.y) == (50, 50)),
        "{e:?}"
    );
    d.assert_icon_at(230, 90);
    assert_eq!(
        d.screen_pixel(200, 60),
        TGT_BG,
        "no trail of the icon's previous place"
    );
    d.b()
        .dnd_status(d.tgt, true, DndAction::Copy)
        .check()
        .unwrap();
    assert_eq!(d.status_for_source().action, DndAction::Copy);
    assert_eq!(d.cursor(), Cursor::Copy);
    d.b()
        .dnd_status(d.tgt, true, DndAction::Move)
        .check()
        .unwrap();
    d.status_for_source();

    // Drop.
    d.button(false);
    let e = wait_for(d.b(), "DndDrop", |e| matches!(e, Event::DndDrop(_)));
    assert!(
        matches!(&e, Event::DndDrop(x) if x.target == d.tgt && (x.x, x.y) == (50, 50) && x.action == DndAction::Move),
        "{e:?}"
    );
    assert_eq!(
        d.root_pixel(230, 90),
        TGT_BG,
        "the icon is gone (screenshot)"
    );
    assert_eq!(
        d.screen_pixel(230, 90),
        TGT_BG,
        "the icon is gone from the screen"
    );
    assert_eq!(d.screen_pixel(222, 82), TGT_BG);
    assert_eq!(d.cursor(), Cursor::Default);

    // The target fetches the data through YONDER_DND, owned by the source.
    assert_eq!(
        d.b()
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner,
        d.src
    );
    d.b()
        .convert_selection(atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, d.tgt, 99);
    d.b().sync().unwrap();
    let req = selection_request(d.a());
    assert_eq!(
        (req.owner, req.selection, req.target, req.requestor),
        (d.src, atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, d.tgt)
    );
    d.a()
        .send_selection_bytes(req.transfer, "dragged text ✓".as_bytes());
    d.a().sync().unwrap();
    assert_eq!(
        joined(&selection_data(d.b(), 99, 5)),
        "dragged text ✓".as_bytes()
    );
    d.b()
        .dnd_finish(d.tgt, true, DndAction::Move)
        .check()
        .unwrap();

    let evs = events_until(d.a(), "DndFinished", |e| matches!(e, Event::DndFinished(_)));
    let fin = match evs.last() {
        Some(Event::DndFinished(f)) => f.clone(),
        _ => unreachable!(),
    };
    assert_eq!(
        fin,
        DndFinishedEvent {
            source: d.src,
            target: d.tgt,
            success: true,
            action: DndAction::Move
        }
    );
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::Motion(_) | Event::ButtonRelease(_))),
        "the drag owned the pointer: the source saw no motion or release: {evs:?}"
    );
    assert_eq!(
        error_code(d.b().dnd_finish(d.tgt, true, DndAction::Move).check()),
        ErrorCode::Match,
        "finished only once"
    );

    // Input is normal again: a click on the target reaches it.
    d.button(true);
    let e = wait_for(d.b(), "a normal click", |e| {
        matches!(e, Event::ButtonPress(_))
    });
    assert!(
        matches!(&e, Event::ButtonPress(p) if p.window == d.tgt && (p.x, p.y) == (50, 50)),
        "{e:?}"
    );
    d.button(false);
    assert_no_errors(d.a());
    assert_no_errors(d.b());
}

#[test]
fn start_drag_needs_a_button_held_on_the_senders_window() {
    let d = dnd_scene();
    let icon = d.red_icon();
    let types = [atoms::TEXT_PLAIN_UTF8];
    let start = |w, types: &[Atom], actions, icon| {
        error_code(
            d.a()
                .start_drag(w, types, actions, icon, Point::new(0, 0))
                .check(),
        )
    };
    d.motion(50, 90);
    assert_eq!(
        start(d.src, &types, DndActions::COPY, icon),
        ErrorCode::Match,
        "no button held"
    );

    // A button held on someone else's window does not do either.
    d.motion(200, 90);
    d.button(true);
    assert_eq!(
        start(d.src, &types, DndActions::COPY, icon),
        ErrorCode::Match,
        "the button is held on B's window"
    );
    d.button(false);

    d.motion(50, 90);
    d.button(true);
    assert_eq!(
        start(d.tgt, &types, DndActions::COPY, icon),
        ErrorCode::Match,
        "the source must be the sender's"
    );
    assert_eq!(
        start(d.src, &[], DndActions::COPY, icon),
        ErrorCode::Value,
        "no types"
    );
    assert_eq!(
        start(d.src, &types, DndActions(0), icon),
        ErrorCode::Value,
        "no actions"
    );
    assert_eq!(
        start(d.src, &types, DndActions::COPY, PixmapId(d.src.0)),
        ErrorCode::Pixmap,
        "a window is no icon"
    );
    d.button(false);

    // Nothing started: motion and release reach the source as usual, the target hears nothing.
    d.button(true);
    d.motion(60, 100);
    d.button(false);
    let evs = drain_events(d.a());
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::Motion(m) if m.window == d.src)),
        "{evs:?}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::ButtonRelease(r) if r.window == d.src)),
        "{evs:?}"
    );
    let evs = drain_events(d.b());
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::DndEnter(_) | Event::DndPosition(_))),
        "{evs:?}"
    );
    assert_eq!(
        d.a()
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );
}

#[test]
fn escape_cancels_the_drag_and_nothing_is_transferred() {
    let d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);

    d.key(keysym::ESCAPE, true);
    let e = wait_for(d.b(), "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(
        matches!(&e, Event::DndLeave(l) if l.target == d.tgt),
        "{e:?}"
    );
    let fin = d.finished_for_source();
    assert_eq!(
        fin,
        DndFinishedEvent {
            source: d.src,
            target: WindowId::NONE,
            success: false,
            action: DndAction::None
        }
    );
    assert_eq!(d.root_pixel(230, 90), TGT_BG, "the icon is gone");
    assert_eq!(
        d.screen_pixel(230, 90),
        TGT_BG,
        "the icon is gone from the screen"
    );
    assert_eq!(d.cursor(), Cursor::Default);

    // The user lets go of the button: no drop, the pointer is the source's again.
    d.key(keysym::ESCAPE, false);
    d.motion(240, 100);
    d.button(false);
    let evs = drain_events(d.b());
    assert!(
        !evs.iter().any(|e| matches!(
            e,
            Event::DndDrop(_) | Event::DndPosition(_) | Event::DndEnter(_)
        )),
        "{evs:?}"
    );
    let evs = drain_events(d.a());
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::SelectionRequest(_) | Event::DndFinished(_))),
        "{evs:?}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::ButtonRelease(r) if r.window == d.src)),
        "{evs:?}"
    );
    assert_eq!(
        error_code(d.b().dnd_finish(d.tgt, true, DndAction::Copy).check()),
        ErrorCode::Match,
        "there was no drop to finish"
    );
}

#[test]
fn a_drop_the_target_refused_fails() {
    let d = dnd_scene();
    d.press_and_start_drag(50, 90);
    d.enter_target(230, 90);
    assert_eq!(
        error_code(d.b().dnd_status(d.tgt, true, DndAction::Link).check()),
        ErrorCode::Value,
        "the source allows copy and move only"
    );
    d.b()
        .dnd_status(d.tgt, false, DndAction::None)
        .check()
        .unwrap();
    let st = d.status_for_source();
    assert_eq!(
        (st.target, st.accept, st.action),
        (d.tgt, false, DndAction::None)
    );
    assert_eq!(d.cursor(), Cursor::NotAllowed);

    d.button(false);
    let e = wait_for(d.b(), "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(
        matches!(&e, Event::DndLeave(l) if l.target == d.tgt),
        "{e:?}"
    );
    let fin = d.finished_for_source();
    assert!(
        !fin.success && fin.target == WindowId::NONE && fin.action == DndAction::None,
        "{fin:?}"
    );
    assert!(!drain_events(d.b())
        .iter()
        .any(|e| matches!(e, Event::DndDrop(_))));
    assert!(!drain_events(d.a())
        .iter()
        .any(|e| matches!(e, Event::SelectionRequest(_))));
    assert_eq!(d.screen_pixel(230, 90), TGT_BG, "the icon is gone");
}

#[test]
fn a_drop_over_no_target_fails() {
    let d = dnd_scene();
    d.press_and_start_drag(50, 90);
    d.motion(160, 200); // the root: nobody takes drops there
    assert_eq!(d.cursor(), Cursor::NotAllowed);
    d.button(false);
    let fin = d.finished_for_source();
    assert!(!fin.success && fin.target == WindowId::NONE, "{fin:?}");
    assert!(!drain_events(d.b())
        .iter()
        .any(|e| matches!(e, Event::DndEnter(_) | Event::DndDrop(_))));
    assert_eq!(d.screen_pixel(160, 200), ROOT_BG, "the icon is gone");
}

#[test]
fn source_killed_mid_drag_ends_it_and_input_returns_to_normal() {
    let mut d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Move);
    d.assert_icon_at(230, 90);

    d.kill_a(); // the source application is killed while the user drags
    let e = wait_for(d.b(), "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(
        matches!(&e, Event::DndLeave(l) if l.target == d.tgt),
        "{e:?}"
    );
    wait_destroyed(&d.user, d.src);
    assert_eq!(
        d.root_pixel(230, 90),
        TGT_BG,
        "the icon is gone (screenshot)"
    );
    assert_eq!(
        d.screen_pixel(230, 90),
        TGT_BG,
        "the icon is gone from the screen"
    );
    assert_eq!(
        d.cursor(),
        Cursor::Default,
        "the pointer no longer shows a drag"
    );
    assert_eq!(
        d.b()
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );

    // The user lets go and clicks the target: ordinary input reaches it.
    d.motion(240, 100);
    d.button(false);
    assert!(!drain_events(d.b())
        .iter()
        .any(|e| matches!(e, Event::DndDrop(_) | Event::DndPosition(_))));
    d.button(true);
    let e = wait_for(d.b(), "a normal click", |e| {
        matches!(e, Event::ButtonPress(_))
    });
    assert!(
        matches!(&e, Event::ButtonPress(p) if p.window == d.tgt && (p.x, p.y) == (60, 60)),
        "{e:?}"
    );
    d.button(false);
    assert_no_errors(d.b());
}

#[test]
fn target_killed_after_the_drop_fails_the_drag() {
    let mut d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);
    d.drop_and_wait();
    d.kill_b(); // dies before taking the data

    let fin = d.finished_for_source();
    assert_eq!(
        fin,
        DndFinishedEvent {
            source: d.src,
            target: d.tgt,
            success: false,
            action: DndAction::None
        }
    );
    assert_no_errors(d.a());
}

#[test]
fn source_killed_after_the_drop_lets_the_target_finish_quietly() {
    let mut d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);
    d.drop_and_wait();
    d.kill_a();
    wait_destroyed(&d.user, d.src);

    // The target does what the protocol says after a drop; the data is just not there.
    d.b()
        .convert_selection(atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, d.tgt, 5);
    d.b().sync().unwrap();
    let chunks = selection_data(d.b(), 5, 5);
    assert!(chunks.len() == 1 && chunks[0].refused, "{chunks:?}");
    d.b()
        .dnd_finish(d.tgt, false, DndAction::None)
        .check()
        .expect("finishing a drop whose source went away is no error");
    assert_no_errors(d.b());
}

#[test]
fn target_window_destroyed_mid_drag() {
    let d = dnd_scene();
    assert!(d.drag_into_accepting_target(DndAction::Copy).accept);
    assert_eq!(d.cursor(), Cursor::Copy);
    d.b().destroy_window(d.tgt);
    d.b().sync().unwrap();
    let st = d.status_for_source();
    assert_eq!(
        (st.target, st.accept),
        (d.tgt, false),
        "the source hears the target is gone"
    );
    assert_eq!(
        d.cursor(),
        Cursor::NotAllowed,
        "nothing to drop on any more"
    );
    d.assert_icon_at(230, 90);
    d.button(false);
    let fin = d.finished_for_source();
    assert!(!fin.success && fin.target == WindowId::NONE, "{fin:?}");
    assert_eq!(d.screen_pixel(230, 90), ROOT_BG);
}

// ---------------------------------------------------------------------------------------
// The save-set
// ---------------------------------------------------------------------------------------

const CONTAINER: Rect = Rect {
    x: 40,
    y: 30,
    width: 200,
    height: 150,
};
/// The part inside the container, relative to it.
const PART: Rect = Rect {
    x: 20,
    y: 10,
    width: 60,
    height: 40,
};

/// A container window of `c` with a part window of `p` inside it; `p` draws a red
/// square at (5, 5) of its part. Returns (container, part).
fn embed(c: &Connection, p: &Connection) -> (WindowId, WindowId) {
    let w = window(c, CONTAINER, 0x0000FF, EventMask::EMPTY);
    let part = p.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(0x00FF00)),
        event_mask: Some(EventMask::STRUCTURE_NOTIFY),
        ..Default::default()
    };
    p.create_window(part, w, PART, attrs);
    p.map_window(part);
    let g = gc(p, part, RED);
    p.poly_fill_rectangle(part, g, &[Rect::new(5, 5, 10, 10)]);
    p.sync().unwrap();
    let scr = screen(p);
    assert_eq!(
        scr.at(62, 42),
        0x00FF00,
        "the part shows inside the container"
    );
    assert_eq!(scr.at(67, 47), RED);
    assert_eq!(scr.at(45, 35), 0x0000FF);
    (w, part)
}

#[test]
fn save_set_keeps_a_part_alive_when_its_container_dies() {
    let s = TestServer::start();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let c = s.connect();
    let p = s.connect_trusted();
    let (w, part) = embed(&c, &p);
    c.change_save_set(part, true).check().unwrap();
    drain(&p);

    drop(c); // the container application dies
    wait_destroyed(&watcher, w);

    let tree = p.query_tree(part).reply().unwrap();
    assert_eq!(tree.parent, p.root(), "the part is now a top-level");
    assert!(p
        .query_tree(p.root())
        .reply()
        .unwrap()
        .children
        .contains(&part));
    assert_eq!(
        p.get_geometry(part).reply().unwrap().rect,
        Rect::new(60, 40, 60, 40),
        "at the same place on the screen"
    );
    assert_eq!(
        p.get_window_attributes(part).reply().unwrap().map_state,
        MapState::Viewable
    );
    let evs = drain_events(&p);
    assert!(
        evs.iter().any(|e| matches!(e, Event::Configure(x) if x.window == part && x.rect == Rect::new(60, 40, 60, 40))),
        "{evs:?}"
    );
    assert!(
        !evs.iter().any(|e| matches!(e, Event::Destroy(_))),
        "{evs:?}"
    );
    let scr = screen(&p);
    assert_eq!(scr.at(62, 42), 0x00FF00, "the part is still on the screen");
    assert_eq!(scr.at(67, 47), RED, "with what it drew");
    assert_eq!(scr.at(45, 35), ROOT_BG, "the container is gone");
    assert!(p.get_geometry(w).reply().is_err());
}

#[test]
fn without_a_save_set_entry_the_part_dies_with_its_container() {
    let s = TestServer::start();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let c = s.connect();
    let p = s.connect_trusted();
    let (w, part) = embed(&c, &p);
    // In and out again: the entry is gone.
    c.change_save_set(part, true);
    c.change_save_set(part, false).check().unwrap();
    drop(c);
    wait_destroyed(&watcher, w);
    let e = wait_for(&p, "the part's destruction", |e| {
        matches!(e, Event::Destroy(_))
    });
    assert!(matches!(&e, Event::Destroy(d) if d.window == part), "{e:?}");
    assert!(p.get_geometry(part).reply().is_err());
    assert_eq!(screen(&p).at(67, 47), ROOT_BG);
}

#[test]
fn save_set_takes_only_other_clients_windows() {
    let s = TestServer::start();
    let c = s.connect();
    let p = s.connect_trusted();
    let (w, part) = embed(&c, &p);
    assert_eq!(
        error_code(c.change_save_set(w, true).check()),
        ErrorCode::Match,
        "its own window"
    );
    assert_eq!(
        error_code(p.change_save_set(part, true).check()),
        ErrorCode::Match,
        "its own window"
    );
    assert_eq!(
        error_code(c.change_save_set(WindowId(part.0 + 1000), true).check()),
        ErrorCode::Window,
        "no such window"
    );
    c.change_save_set(part, true).check().unwrap();
}
