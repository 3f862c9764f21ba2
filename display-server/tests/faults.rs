//! Faults: real client processes killed with SIGKILL at random moments, a connection that
//! ends in the middle of a frame, a drag whose source is killed, a selection owner killed
//! in the middle of a transfer. Every resource of the dead is freed (ListClients,
//! QueryTree), the other clients go on, and a drag from a killed source ends cleanly for
//! its target (DndLeave).
//!
//! The client processes are this test binary run again with `YONDER_FAULT_ROLE` set: the
//! ignored test [`child`] then plays that role against the display in its environment
//! (see [`spawn_child`]), so no separate helper binary is needed.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::request::{DndActions, FakeKind, GcValues, PropMode, WindowAttributes};
use yonder_protocol::{
    atoms, frame, Color, Event, EventMask, PixmapId, Point, Rect, Timestamp, WindowId,
};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

const ROLE_ENV: &str = "YONDER_FAULT_ROLE";

/// A client process; killed (SIGKILL) and reaped when dropped.
struct ChildClient {
    child: Child,
    out: BufReader<ChildStdout>,
}

impl ChildClient {
    /// The next progress message the child prints (`FAULT message`; the test harness
    /// prints text of its own around it).
    fn line(&mut self) -> String {
        loop {
            let mut l = String::new();
            let n = self.out.read_line(&mut l).expect("child stdout");
            assert!(n > 0, "the child ended early");
            // libtest may have printed `test child ... ` on the same line first.
            if let Some((_, m)) = l.trim().split_once("FAULT ") {
                return m.to_string();
            }
        }
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for ChildClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs this test binary as a client playing `role` on `s`'s display.
fn spawn_child(s: &TestServer, role: &str) -> ChildClient {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(ROLE_ENV, role)
        .env("YONDER_DISPLAY", s.handle.unix_display())
        .env("YONDER_COOKIE", hex::encode(s.handle.cookie))
        .env("YONDER_COOKIE_FILE", s.dir.path().join("none"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(s.dir.path().join(format!("{role}.err"))).unwrap())
        .spawn()
        .expect("spawn the test binary as a client");
    let out = BufReader::new(child.stdout.take().unwrap());
    ChildClient { child, out }
}

/// A small random number generator (xorshift), seeded from the clock; the seed is printed.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64
            | 1;
        println!("faults: seed {seed}");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Waits until only the clients named in `names` (the test's own) are connected, and no
/// window but `windows` is on the root.
fn wait_until_only(observer: &Connection, names: &[&str], windows: &[WindowId]) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let clients = observer.list_clients().reply().unwrap().clients;
        let tree = observer.query_tree(observer.root()).reply().unwrap();
        let extra: Vec<String> = clients
            .iter()
            .filter(|c| !names.contains(&c.app_name.as_str()))
            .map(|c| {
                format!(
                    "{} ({} windows, {} pixmaps)",
                    c.app_name, c.windows, c.pixmaps
                )
            })
            .collect();
        let stray: Vec<&WindowId> = tree
            .children
            .iter()
            .filter(|w| !windows.contains(w))
            .collect();
        if extra.is_empty() && stray.is_empty() {
            return;
        }
        assert!(
            Instant::now() < end,
            "left behind: clients {extra:?}, windows {stray:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn named(s: &TestServer, name: &str, trusted: bool) -> Connection {
    let base = if trusted {
        s.trusted_options()
    } else {
        s.options()
    };
    let c = Connection::connect_with(yonder::ConnectOptions {
        app_name: Some(name.into()),
        ..base
    })
    .unwrap();
    c.sync().unwrap();
    c
}

#[test]
fn clients_killed_at_random_moments_leave_nothing_behind() {
    let s = TestServer::start();
    let observer = named(&s, "observer", true);
    let survivor = named(&s, "survivor", false);
    let sw = window(
        &survivor,
        Rect::new(200, 150, 40, 40),
        0x00FF00,
        EventMask::EXPOSURE,
    );
    let g = gc(&survivor, sw, 0xFF0000);
    let mut rng = Rng::new();
    for round in 0..3 {
        let children: Vec<ChildClient> = (0..4).map(|_| spawn_child(&s, "drawer")).collect();
        // Some are killed while they set up, some while they draw.
        for mut c in children {
            if rng.below(2) == 0 {
                let _ = c.line(); // "ready": its resources exist
            }
            std::thread::sleep(Duration::from_millis(rng.below(150)));
            c.kill();
        }
        // A raw connection that dies in the middle of a frame.
        let mut raw = UnixStream::connect(&s.handle.socket_path).unwrap();
        let mut hello = Vec::new();
        frame::encode_frame(
            &yonder_protocol::Hello {
                protocol: "yonder".into(),
                major: yonder_protocol::PROTOCOL_MAJOR,
                minor: yonder_protocol::PROTOCOL_MINOR,
                cookie: s.handle.cookie.to_vec(),
                app_name: "half-a-frame".into(),
                id_space: 0x4A1F_0000 + round,
                resume: None,
                token: None,
            },
            &mut hello,
        );
        raw.write_all(&hello).unwrap();
        raw.write_all(&[40, 0, 0, 0, 0x92, 0x01]).unwrap(); // 40 bytes announced, 2 sent
        drop(raw);

        wait_until_only(&observer, &["observer", "survivor"], &[sw]);
        // The survivor goes on drawing and reading its window.
        survivor.poly_fill_rectangle(sw, g, &[Rect::new(0, 0, 10 + round, 10)]);
        assert_eq!(
            read(&survivor, sw, Rect::new(0, 0, 1, 1)).at(0, 0),
            0xFF0000
        );
    }
}

#[test]
fn a_drag_whose_source_is_killed_ends_with_dnd_leave_for_the_target() {
    let s = TestServer::start();
    let observer = named(&s, "observer", true);
    let user = named(&s, "user", false);
    let target = named(&s, "target", false);
    let tgt = window(
        &target,
        Rect::new(200, 50, 80, 80),
        0x0000FF,
        EventMask::DND,
    );
    let mut source = spawn_child(&s, "drag-source");
    assert_eq!(source.line(), "ready"); // its window is at (20, 50), 80×80

    user.fake_input(FakeKind::Motion, 0, 60, 90);
    user.fake_input(FakeKind::ButtonPress, 1, 0, 0);
    user.sync().unwrap();
    assert_eq!(source.line(), "dragging");
    user.fake_input(FakeKind::Motion, 0, 230, 90);
    user.sync().unwrap();
    wait_for(&target, "DndEnter", |e| matches!(e, Event::DndEnter(_)));

    source.kill();
    let e = wait_for(&target, "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(matches!(&e, Event::DndLeave(l) if l.target == tgt), "{e:?}");
    wait_until_only(&observer, &["observer", "user", "target"], &[tgt]);
    // Input is ordinary again: the release and a click reach nobody's drag.
    user.fake_input(FakeKind::ButtonRelease, 1, 0, 0);
    user.sync().unwrap();
    assert!(!drain_events(&target)
        .iter()
        .any(|e| matches!(e, Event::DndDrop(_) | Event::DndPosition(_))));
}

#[test]
fn a_selection_owner_killed_mid_transfer_refuses_the_requestor() {
    let s = TestServer::start();
    let observer = named(&s, "observer", true);
    let requestor = named(&s, "requestor", false);
    let rw = window(
        &requestor,
        Rect::new(0, 0, 10, 10),
        0xFFFFFF,
        EventMask::EMPTY,
    );
    let mut owner = spawn_child(&s, "selection-owner");
    assert_eq!(owner.line(), "ready");
    requestor
        .convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, rw, 7)
        .check()
        .unwrap();
    assert_eq!(owner.line(), "asked");
    owner.kill();
    let e = wait_for(&requestor, "the refused SelectionData", |e| {
        matches!(e, Event::SelectionData(_))
    });
    match e {
        Event::SelectionData(d) => assert!(d.refused && d.tag == 7, "{d:?}"),
        _ => unreachable!(),
    }
    wait_until_only(&observer, &["observer", "requestor"], &[rw]);
    let owner_now = requestor
        .get_selection_owner(atoms::CLIPBOARD)
        .reply()
        .unwrap();
    assert_eq!(owner_now.owner, WindowId::NONE);
}

/// The client side of the tests above, in a process of its own. Does nothing unless run
/// by [`spawn_child`].
#[test]
#[ignore = "run as a child process by the tests of this file"]
fn child() {
    let Ok(role) = std::env::var(ROLE_ENV) else {
        return;
    };
    let conn = Connection::connect(None).expect("child connects");
    let say = |s: &str| {
        println!("FAULT {s}");
        let _ = std::io::stdout().flush();
    };
    match role.as_str() {
        "drawer" => {
            let w = window(
                &conn,
                Rect::new(10, 10, 120, 90),
                0x336699,
                EventMask::EXPOSURE,
            );
            let pm = conn.new_pixmap_id();
            conn.create_pixmap(pm, w, 64, 64);
            let g = conn.new_gc_id();
            conn.create_gc(
                g,
                pm,
                GcValues {
                    foreground: Some(Color::rgb(0xFF8800)),
                    ..Default::default()
                },
            );
            conn.change_property(
                w,
                atoms::WM_NAME,
                atoms::STRING,
                PropMode::Replace,
                b"drawer".to_vec(),
            );
            let child = conn.new_window_id();
            conn.create_window(
                child,
                w,
                Rect::new(5, 5, 20, 20),
                WindowAttributes::default(),
            );
            conn.map_window(child);
            conn.sync().unwrap();
            say("ready");
            for i in 0.. {
                conn.poly_fill_rectangle(pm, g, &[Rect::new(i % 60, 0, 4, 4)]);
                conn.copy_area(pm, w, g, Rect::new(0, 0, 64, 64), Point::new(i % 50, 10));
                if i % 20 == 0 {
                    let _ = conn.sync();
                }
            }
        }
        "drag-source" => {
            let mask = EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE;
            let w = window(&conn, Rect::new(20, 50, 80, 80), 0xFF0000, mask);
            say("ready");
            loop {
                if let Ok(Incoming::Event {
                    event: Event::ButtonPress(_),
                    ..
                }) = conn.wait_for_event()
                {
                    break;
                }
            }
            conn.start_drag(
                w,
                &[atoms::TEXT_PLAIN_UTF8],
                DndActions::COPY,
                PixmapId::NONE,
                Point::new(0, 0),
            )
            .check()
            .expect("start_drag");
            say("dragging");
            loop {
                let _ = conn.wait_for_event();
            }
        }
        "selection-owner" => {
            let w = window(&conn, Rect::new(0, 0, 10, 10), 0xFFFFFF, EventMask::EMPTY);
            conn.set_selection_owner(atoms::CLIPBOARD, w, Timestamp(0))
                .check()
                .unwrap();
            say("ready");
            loop {
                if let Ok(Incoming::Event {
                    event: Event::SelectionRequest(_),
                    ..
                }) = conn.wait_for_event()
                {
                    break;
                }
            }
            say("asked"); // and never answers
            loop {
                let _ = conn.wait_for_event();
            }
        }
        other => panic!("unknown role {other}"),
    }
}
