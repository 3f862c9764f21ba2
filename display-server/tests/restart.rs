//! A display that outlives its server (protocol.md §6.2, §16.6): the `yonder-server`
//! binary is killed with SIGKILL and started again on the same display, and two apps
//! (raw clients keeping their id spaces, as the library's replay does) recreate their
//! windows; what spans the apps comes back from the checkpoint: the stacking order, where
//! the user moved a window, one app's window inside the other's (the embedded one created
//! first), the save-set, the focus and the atoms' numbers. Besides: the checkpoint is on
//! disk soon after a change without any shutdown, and a clean stop writes the last change;
//! a damaged one is logged and ignored, and `--forget-state` starts afresh.
//!
//! Every wait is bounded; nothing asserts how fast the server was.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_protocol::request::{
    ChangeSaveSet, CreateWindow, InternAtom, MapWindow, SetInputFocus, WindowAttributes,
};
use yonder_protocol::{make_id, Atom, Color, Rect, Reply, Request, ServerMessage, WindowId};
use yonder_server::checkpoint::{file, Checkpoint, Files};
use yonder_server::wm::TITLE_HEIGHT;
use yonder_test_support::client::read;
use yonder_test_support::raw::{hello, RawClient};
use yonder_test_support::server::{ServerProcess, TestServer, WAIT};
use yonder_test_support::wm::{click, drag};

const SERVER: &str = env!("CARGO_BIN_EXE_yonder-server");
/// The document editor's id space, and the paint program's (its part).
const DOC: u32 = 0x5eed_0001;
const PAINT: u32 = 0xed17_0001;

fn win(space: u32, n: u32) -> WindowId {
    WindowId(make_id(space, n))
}

/// A display's directory (socket and cookie file) that servers come and go on.
struct Display {
    dir: tempfile::TempDir,
}

impl Display {
    fn new() -> Display {
        Display {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn sockets(&self) -> PathBuf {
        self.dir.path().join("sockets")
    }

    fn cookies(&self) -> PathBuf {
        self.dir.path().join("cookies")
    }

    fn socket(&self) -> PathBuf {
        yonder_address::paths::socket_path(&self.sockets(), 0)
    }

    fn files(&self) -> Files {
        Files::beside(&self.socket())
    }

    /// Starts `yonder-server :0` here (window manager on, synthetic input allowed) and
    /// waits until it serves.
    fn start(&self, extra: &[&str]) -> ServerProcess {
        let mut cmd = Command::new(SERVER);
        cmd.args([":0", "--headless", "640x480", "--allow-synthetic-input"])
            .arg("--socket-dir")
            .arg(self.sockets())
            .arg("--cookie-file")
            .arg(self.cookies())
            .args(extra)
            .env("YONDER_LOG", "info");
        let server = ServerProcess::spawn(cmd);
        assert_eq!(server.ready(), ":0");
        server
    }

    fn cookie(&self, name: &str) -> Vec<u8> {
        yonder_server::auth::read_cookie(&self.cookies(), name)
            .expect("the cookie file has the display's cookies")
            .to_vec()
    }

    /// An app with id space `space`, speaking bytes.
    fn app(&self, space: u32) -> RawClient {
        let h = yonder_protocol::Hello {
            id_space: space,
            ..hello(yonder_protocol::PROTOCOL_MINOR, self.cookie(":0"))
        };
        RawClient::connect_at(&self.socket(), h)
    }

    /// A trusted client, to look at the screen and drive the pointer.
    fn observer(&self) -> Connection {
        Connection::connect_with(ConnectOptions {
            display: Some(format!("unix:{}", self.socket().display())),
            cookie: Some(self.cookie(":0+trusted")),
            app_name: Some("observer".into()),
            ..ConnectOptions::default()
        })
        .expect("the observer connects")
    }
}

fn create(app: &mut RawClient, id: WindowId, parent: WindowId, rect: Rect, rgb: u32) {
    app.succeeds(Request::CreateWindow(CreateWindow {
        id,
        parent,
        rect,
        attributes: WindowAttributes {
            background: Some(Color::rgb(rgb)),
            ..Default::default()
        },
    }));
}

fn map(app: &mut RawClient, window: WindowId) {
    app.succeeds(Request::MapWindow(MapWindow { window }));
}

fn intern(app: &mut RawClient, name: &str) -> Atom {
    app.send(&Request::InternAtom(InternAtom {
        name: name.into(),
        only_if_exists: false,
    }));
    match app.next_answer() {
        ServerMessage::Reply {
            reply: Reply::InternAtom(r),
            ..
        } => r.atom,
        other => panic!("InternAtom {name}: {other:?}"),
    }
}

/// Waits (at most [`WAIT`]) until the state file in `path` satisfies `ok`.
fn on_disk(path: &Path, ok: impl Fn(&Checkpoint) -> bool) -> Checkpoint {
    let end = Instant::now() + WAIT;
    loop {
        let c = file::read(path).ok().flatten();
        match c {
            Some(c) if ok(&c) => return c,
            _ if Instant::now() > end => panic!("the checkpoint on disk is {c:?}"),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn parent_of(o: &Connection, w: WindowId) -> WindowId {
    o.query_tree(w).reply().expect("the window exists").parent
}

#[test]
fn after_a_kill_the_apps_windows_come_back_stacked_placed_embedded_and_focused() {
    let display = Display::new();
    let (ta, ca, tb, pb) = (win(DOC, 1), win(DOC, 2), win(PAINT, 1), win(PAINT, 2));
    let ta_rect = Rect::new(100, 100, 200, 150);
    let ca_rect = Rect::new(20, 30, 120, 90);
    let tb_rect = Rect::new(360, 100, 150, 120);
    let pb_rect = Rect::new(8, 6, 60, 40);
    // What each app does, then and again after the restart (the same requests).
    let doc_windows = |doc: &mut RawClient| {
        create(doc, ta, WindowId::ROOT, ta_rect, 0x00aa00);
        create(doc, ca, ta, ca_rect, 0x808080);
        map(doc, ca);
        map(doc, ta);
    };
    let paint_windows = |paint: &mut RawClient| {
        create(paint, tb, WindowId::ROOT, tb_rect, 0x0000ff);
        create(paint, pb, ca, pb_rect, 0xff0000);
        map(paint, tb);
        map(paint, pb);
    };

    let mut server = display.start(&[]);
    let mut doc = display.app(DOC);
    let mut paint = display.app(PAINT);
    doc_windows(&mut doc);
    paint_windows(&mut paint);
    doc.succeeds(Request::ChangeSaveSet(ChangeSaveSet {
        window: pb,
        insert: true,
    }));
    let stroke = intern(&mut paint, "YONDER_TEST_STROKE");
    // The user drags the paint window by its title bar, then clicks the document's title
    // bar (raising it); the document gives its part the focus.
    let o = display.observer();
    let title = |r: Rect| (r.x + 20, r.y - TITLE_HEIGHT as i32 / 2);
    let (x, y) = title(tb_rect);
    drag(&o, x, y, x - 100, y + 200);
    let moved = Rect::new(260, 300, 150, 120);
    assert_eq!(o.get_geometry(tb).reply().unwrap().rect, moved);
    let (x, y) = title(ta_rect);
    click(&o, x, y);
    doc.succeeds(Request::SetInputFocus(SetInputFocus { window: pb }));
    // On disk soon, with no shutdown.
    let saved = on_disk(&display.files().state, |c| c.focus == pb);
    let tops: Vec<_> = saved
        .top_levels
        .iter()
        .map(|p| (p.window, p.rect))
        .collect();
    assert_eq!(tops, [(tb, moved), (ta, ta_rect)]);
    assert_eq!(saved.embedded.len(), 1);
    assert_eq!(
        (saved.embedded[0].window, saved.embedded[0].parent),
        (pb, ca)
    );
    drop(o);

    server.child.kill().unwrap();
    server.wait(WAIT);
    let _server = display.start(&[]);
    // The part comes back first: its parent, the document's window, does not exist yet.
    let mut paint = display.app(PAINT);
    paint_windows(&mut paint);
    assert_eq!(
        intern(&mut paint, "YONDER_TEST_STROKE"),
        stroke,
        "the same number"
    );
    let fresh = intern(&mut paint, "YONDER_TEST_NEW");
    assert!(fresh.0 > stroke.0, "a new name comes after the logged ones");
    let o = display.observer();
    assert_eq!(
        parent_of(&o, pb),
        WindowId::ROOT,
        "held until its parent is back"
    );
    let attrs = o.get_window_attributes(pb).reply().unwrap();
    assert_eq!(attrs.map_state, yonder_protocol::reply::MapState::Unmapped);
    let mut doc = display.app(DOC);
    doc_windows(&mut doc);

    let stack = o.query_tree(WindowId::ROOT).reply().unwrap().children;
    let place = |w| stack.iter().position(|x| *x == w).unwrap();
    assert!(
        place(tb) < place(ta),
        "the document above the paint window: {stack:?}"
    );
    assert_eq!(
        o.get_geometry(tb).reply().unwrap().rect,
        moved,
        "where the user put it"
    );
    assert_eq!(o.get_geometry(ta).reply().unwrap().rect, ta_rect);
    assert_eq!(
        parent_of(&o, pb),
        ca,
        "the part is back inside the document"
    );
    assert_eq!(o.get_geometry(pb).reply().unwrap().rect, pb_rect);
    assert_eq!(o.get_input_focus().reply().unwrap().window, pb);
    let shown = read(&o, WindowId::ROOT, Rect::new(0, 0, 640, 480));
    let inside = |r: Rect| (r.x + 4, r.y + 4);
    let (px, py) = inside(Rect::new(
        ta_rect.x + ca_rect.x + pb_rect.x,
        ta_rect.y + ca_rect.y + pb_rect.y,
        1,
        1,
    ));
    assert_eq!(
        shown.at(px, py),
        0xff0000,
        "the part shows inside the document"
    );
    let (bx, by) = inside(moved);
    assert_eq!(
        shown.at(bx, by),
        0x0000ff,
        "the paint window shows where it was moved"
    );

    // The save-set came back too: when the document goes, its part is rescued.
    drop(doc);
    let end = Instant::now() + WAIT;
    while parent_of(&o, pb) != WindowId::ROOT {
        assert!(Instant::now() < end, "the part was not rescued to the root");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_damaged_checkpoint_is_logged_and_ignored() {
    let display = Display::new();
    std::fs::create_dir_all(display.sockets()).unwrap();
    std::fs::write(display.files().state, b"yonder-state\0\0\0\0\x01\0\xc1\xc1").unwrap();
    std::fs::write(display.files().atoms, b"not an atom log").unwrap();
    let server = display.start(&[]);
    assert!(
        server.stderr_shows("ignoring the display's checkpoint"),
        "{}",
        server.stderr()
    );
    assert!(server.stderr_shows("ignoring the atom log"));
    let mut app = display.app(DOC);
    let w = win(DOC, 1);
    create(
        &mut app,
        w,
        WindowId::ROOT,
        Rect::new(50, 60, 70, 80),
        0x123456,
    );
    map(&mut app, w);
    let fresh = intern(&mut app, "YONDER_TEST_FIRST");
    assert_eq!(
        fresh.0 as usize,
        yonder_protocol::atoms::PREDEFINED.len() + 1
    );
    // The server writes a good checkpoint in its place.
    on_disk(&display.files().state, |c| {
        c.top_levels.iter().any(|p| p.window == w)
    });
}

#[test]
fn atoms_keep_their_numbers_across_restarts_until_the_state_is_forgotten() {
    let s = TestServer::start();
    let conn = s.connect();
    let one = conn
        .intern_atom("YONDER_TEST_ONE", false)
        .reply()
        .unwrap()
        .atom;
    let two = conn
        .intern_atom("YONDER_TEST_TWO", false)
        .reply()
        .unwrap()
        .atom;
    drop(conn);
    let s = s.restart_with(|_| {});
    let conn = s.connect();
    // Asked in another order: the numbers are the names', not the order's.
    assert_eq!(
        conn.intern_atom("YONDER_TEST_TWO", true)
            .reply()
            .unwrap()
            .atom,
        two
    );
    assert_eq!(
        conn.intern_atom("YONDER_TEST_ONE", false)
            .reply()
            .unwrap()
            .atom,
        one
    );
    let three = conn
        .intern_atom("YONDER_TEST_THREE", false)
        .reply()
        .unwrap()
        .atom;
    assert_eq!(three.0, two.0 + 1);
    drop(conn);
    let s = s.restart_with(|c| c.forget_state = true);
    let conn = s.connect();
    assert_eq!(
        conn.intern_atom("YONDER_TEST_TWO", true)
            .reply()
            .unwrap()
            .atom,
        Atom::NONE,
        "forgotten"
    );
    let first = yonder_protocol::atoms::PREDEFINED.len() as u32 + 1;
    assert_eq!(
        conn.intern_atom("YONDER_TEST_THREE", false)
            .reply()
            .unwrap()
            .atom
            .0,
        first
    );
}

#[test]
fn a_moved_window_is_on_disk_soon_and_the_file_is_the_owners_alone() {
    let s = TestServer::start_managed();
    let files = Files::beside(&s.handle.socket_path);
    let app = s.connect();
    let w = yonder_test_support::client::window(
        &app,
        Rect::new(40, 50, 60, 30),
        0xabcdef,
        yonder_protocol::EventMask::EMPTY,
    );
    on_disk(&files.state, |c| c.top_levels.iter().any(|p| p.window == w));
    app.configure_window(yonder_protocol::request::ConfigureWindow {
        window: w,
        x: Some(90),
        y: Some(70),
        ..Default::default()
    });
    app.sync().unwrap();
    let c = on_disk(&files.state, |c| {
        c.top_levels.iter().any(|p| p.window == w && p.rect.x == 90)
    });
    assert_eq!(c.top_levels.last().unwrap().rect, Rect::new(90, 70, 60, 30));
    use std::os::unix::fs::PermissionsExt;
    for f in [&files.state, &files.atoms] {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

#[test]
fn a_clean_restart_writes_the_last_change_and_a_returning_app_finds_it() {
    let s = TestServer::start();
    let h = |s: &TestServer| yonder_protocol::Hello {
        id_space: DOC,
        ..hello(yonder_protocol::PROTOCOL_MINOR, s.handle.cookie.to_vec())
    };
    let w = win(DOC, 1);
    let asked = Rect::new(10, 10, 50, 40);
    let mut app = RawClient::connect_with(&s, h(&s));
    create(&mut app, w, WindowId::ROOT, asked, 0x00ff00);
    map(&mut app, w);
    // Moved and resized by someone else (a window manager, a user's tool) just before
    // the stop: written by the stop itself if not before.
    let other = s.connect();
    other.configure_window(yonder_protocol::request::ConfigureWindow {
        window: w,
        x: Some(100),
        y: Some(120),
        width: Some(60),
        height: Some(50),
        ..Default::default()
    });
    other.sync().unwrap();
    // The apps are connected when the server stops (an app that leaves takes its windows
    // with it, out of the checkpoint too).
    let s = s.restart_with(|_| {});
    drop((app, other));
    let mut app = RawClient::connect_with(&s, h(&s));
    create(&mut app, w, WindowId::ROOT, asked, 0x00ff00);
    map(&mut app, w);
    let o = s.connect();
    assert_eq!(
        o.get_geometry(w).reply().unwrap().rect,
        Rect::new(100, 120, 60, 50)
    );
}

/// `yonder-server --restart :0` takes the running server's place: the old one tells its
/// clients a server comes back and ends, the new one serves the same display, and an
/// app of the old one is back on the new one with its window.
#[test]
fn the_restart_flag_takes_the_running_servers_place_and_its_apps_follow() {
    let d = Display::new();
    let mut old = d.start(&[]);
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(format!("unix:{}", d.socket().display())),
        cookie: Some(d.cookie(":0")),
        app_name: Some("follower".into()),
        ..ConnectOptions::default()
    })
    .expect("connect");
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(60, 80, 30, 20),
        Default::default(),
    );
    conn.map_window(win);
    conn.sync().unwrap();
    // Where the window manager put it.
    let placed = conn.get_geometry(win).reply().unwrap().rect;
    let new = d.start(&["--restart"]);
    let status = old.wait(WAIT);
    assert!(status.success(), "the old server ends cleanly: {status}");
    let mut heard = false;
    let mut back = false;
    let end = Instant::now() + WAIT;
    while !(heard && back) {
        assert!(Instant::now() < end, "heard {heard}, back {back}");
        match conn.wait_for_event_timeout(Duration::from_secs(1)) {
            Ok(Some(yonder::Incoming::Event {
                event: yonder_protocol::Event::ServerEnding(e),
                ..
            })) => {
                assert!(e.restart, "a restart says a server comes back");
                heard = true;
            }
            Ok(Some(yonder::Incoming::Display(yonder::DisplayChange::Back { .. }))) => back = true,
            Ok(_) => {}
            Err(e) => panic!("the app should follow the display: {e}"),
        }
    }
    // The replay is in the new server's hands once a round trip of the app's is back
    // (Back says it was sent, not that another connection can see it yet).
    conn.sync().expect("sync on the new server");
    let o = d.observer();
    assert_eq!(
        o.get_geometry(win)
            .reply()
            .expect("the window is back")
            .rect,
        placed
    );
    drop(new);
}
