//! Sessions (protocol.md §5.4): a client whose connection is lost is kept detached for
//! the grace period when its close-down mode says so, and resumes on a new connection
//! with its session's secret; an id space alone never takes over another client; a
//! resume that cannot continue starts a new session; clients hear when the server ends.
//!
//! Raw clients on the Unix socket choose `Retain` themselves (the default there is
//! `Destroy`, since a Unix socket ends with its process); one test checks the TCP
//! default.

use std::io::Write;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Incoming;
use yonder_protocol::event::ServerEndingEvent;
use yonder_protocol::handshake::{decode_setup_response, Resume};
use yonder_protocol::request::{
    CloseDownMode, CreateWindow, MapWindow, SetCloseDownMode, WindowAttributes,
};
use yonder_protocol::{
    frame, Event, EventMask, Hello, Rect, Reply, Request, ServerMessage, SetupResponse, WindowId,
};
use yonder_test_support::raw::{hello, read_frame, RawClient};
use yonder_test_support::server::TestServer;

/// A raw 1.5 client that keeps its session when its connection goes.
fn retained(s: &TestServer) -> (RawClient, Hello) {
    let h = hello(5, s.handle.cookie.to_vec());
    let mut c = RawClient::connect_with(s, h.clone());
    c.send(&Request::SetCloseDownMode(SetCloseDownMode {
        mode: CloseDownMode::Retain,
    }));
    (c, h)
}

/// Creates and maps a window of `c` (id 1) selecting Exposure and StructureNotify, then
/// syncs: requests 1 to 3 after the close-down mode (so 4 requests, a Sync last).
fn window(c: &mut RawClient) -> WindowId {
    let w = WindowId(c.id(1));
    c.send(&Request::CreateWindow(CreateWindow {
        id: w,
        parent: WindowId::ROOT,
        rect: Rect::new(10, 20, 64, 48),
        attributes: WindowAttributes {
            event_mask: Some(EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY),
            ..Default::default()
        },
    }));
    c.succeeds(Request::MapWindow(MapWindow { window: w }));
    w
}

/// The hello of the client of `h` coming back.
fn resuming(h: &Hello, secret: &[u8], oldest: u64, next_seq: u64) -> Hello {
    Hello {
        resume: Some(Resume {
            secret: secret.to_vec(),
            oldest,
            next_seq,
        }),
        token: None,
        ..h.clone()
    }
}

/// Sends `h` on a new Unix connection; the setup response.
fn try_hello(s: &TestServer, h: &Hello) -> SetupResponse {
    let mut sock = std::os::unix::net::UnixStream::connect(&s.handle.socket_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut out = Vec::new();
    frame::encode_frame(h, &mut out);
    sock.write_all(&out).unwrap();
    decode_setup_response(&read_frame(&mut sock).expect("a setup response")).unwrap()
}

/// The clients as a watcher sees them: (app name, id space, detached seconds).
fn clients(watcher: &yonder::Connection) -> Vec<(u32, Option<u32>)> {
    let list = watcher.list_clients().reply().expect("list clients");
    list.clients
        .iter()
        .map(|c| (c.id_space, c.detached_secs))
        .collect()
}

/// Waits until `cond` holds on the watcher's list of clients.
fn until_clients(
    watcher: &yonder::Connection,
    what: &str,
    cond: impl Fn(&[(u32, Option<u32>)]) -> bool,
) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let now = clients(watcher);
        if cond(&now) {
            return;
        }
        assert!(Instant::now() < end, "{what}: {now:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn window_exists(watcher: &yonder::Connection, w: WindowId) -> bool {
    watcher.get_geometry(w).reply().is_ok()
}

#[test]
fn a_lost_client_is_kept_detached_and_resumes_with_its_windows() {
    let s = TestServer::start();
    let watcher = s.connect();
    let (mut c, h) = retained(&s);
    let secret = c
        .setup
        .session
        .clone()
        .expect("a 1.5 setup has a session")
        .secret;
    assert_eq!(secret.len(), 16);
    let w = window(&mut c);
    // SetCloseDownMode, CreateWindow, MapWindow, Sync: 4 requests processed.
    drop(c);
    until_clients(&watcher, "the client shows as detached", |l| {
        l.iter().any(|(sp, d)| *sp == h.id_space && d.is_some())
    });
    assert!(window_exists(&watcher, w), "its window is kept");

    // It comes back: it holds requests from 5 on (none), its next is 5.
    let mut back = RawClient::connect_with(&s, resuming(&h, &secret, 5, 5));
    let session = back.setup.session.clone().expect("a session");
    assert!(session.resumed, "{session:?}");
    assert_eq!((session.last_seq, session.secret), (4, secret.clone()));
    // It hears where its window is and that it must redraw it.
    let mut configure = false;
    let mut expose = false;
    while !(configure && expose) {
        match back.next_message() {
            ServerMessage::Event {
                event: Event::Configure(e),
                ..
            } if e.window == w => {
                assert_eq!(e.rect, Rect::new(10, 20, 64, 48));
                configure = true;
            }
            ServerMessage::Event {
                event: Event::Expose(e),
                ..
            } if e.window == w => expose = true,
            other => panic!("unexpected {other:?}"),
        }
    }
    // Its next request is number 5.
    back.send(&Request::Sync(yonder_protocol::request::Sync {}));
    match back.next_answer() {
        ServerMessage::Reply { seq, .. } => assert_eq!(seq.0, 5),
        other => panic!("{other:?}"),
    }
    until_clients(&watcher, "connected again", |l| {
        l.iter().any(|(sp, d)| *sp == h.id_space && d.is_none())
    });
    assert!(window_exists(&watcher, w));
}

#[test]
fn requests_the_server_never_saw_are_sent_again_after_the_resume() {
    let s = TestServer::start();
    let (mut c, h) = retained(&s);
    let secret = c.setup.session.clone().unwrap().secret;
    c.send(&Request::Sync(yonder_protocol::request::Sync {}));
    assert!(matches!(c.next_answer(), ServerMessage::Reply { seq, .. } if seq.0 == 2));
    drop(c);
    // SetCloseDownMode and Sync (1, 2) were processed. The client had also sent a
    // CreateWindow (3) that was lost with the link: it comes back holding requests from 3
    // on, its next one 4.
    let mut back = RawClient::connect_with(&s, resuming(&h, &secret, 3, 4));
    let session = back.setup.session.clone().unwrap();
    assert!(session.resumed, "{session:?}");
    assert_eq!(session.last_seq, 2);
    let w = WindowId(back.id(1));
    back.send(&Request::CreateWindow(CreateWindow {
        id: w,
        parent: WindowId::ROOT,
        rect: Rect::new(0, 0, 8, 8),
        attributes: WindowAttributes::default(),
    }));
    back.send(&Request::GetGeometry(
        yonder_protocol::request::GetGeometry { drawable: w.into() },
    ));
    match back.next_answer() {
        ServerMessage::Reply {
            seq,
            reply: Reply::Geometry(g),
        } => {
            assert_eq!(seq.0, 4, "the resent CreateWindow was 3");
            assert_eq!(g.rect.width, 8);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_id_space_without_its_secret_takes_over_nothing() {
    let s = TestServer::start();
    let watcher = s.connect();
    let (mut c, h) = retained(&s);
    let w = window(&mut c);
    // While connected, and once detached.
    for detached in [false, true] {
        if detached {
            drop(std::mem::replace(&mut c, RawClient::connect(&s, 5)));
            until_clients(&watcher, "detached", |l| {
                l.iter().any(|(sp, d)| *sp == h.id_space && d.is_some())
            });
        }
        let plain = try_hello(&s, &h);
        assert!(
            matches!(&plain, SetupResponse::Refused(r) if r.reason.contains("in use by another client")),
            "a plain hello with the id space: {plain:?}"
        );
        let forged = try_hello(&s, &resuming(&h, &[7; 16], 1, 100));
        assert!(
            matches!(&forged, SetupResponse::Refused(r) if r.reason.contains("secret is not its own")),
            "a resume with a wrong secret: {forged:?}"
        );
        assert!(window_exists(&watcher, w), "the window stays its owner's");
    }
}

#[test]
fn a_resume_that_cannot_continue_starts_a_new_session() {
    let s = TestServer::start();
    let watcher = s.connect();
    let (mut c, h) = retained(&s);
    let secret = c.setup.session.clone().unwrap().secret;
    let w = window(&mut c);
    drop(c);
    until_clients(&watcher, "detached", |l| {
        l.iter().any(|(sp, d)| *sp == h.id_space && d.is_some())
    });
    // Requests 5 to 9 are lost and the client holds only 10 on: a new session.
    let back = RawClient::connect_with(&s, resuming(&h, &secret, 10, 12));
    let session = back.setup.session.clone().unwrap();
    assert!(!session.resumed);
    assert_eq!(session.last_seq, 11, "requests go on from next_seq");
    assert_ne!(session.secret, secret, "a new session has a new secret");
    assert!(
        !window_exists(&watcher, w),
        "the old session's window is gone"
    );

    // A client claiming fewer requests than the server processed is refused.
    let (mut c2, h2) = retained(&s);
    let secret2 = c2.setup.session.clone().unwrap().secret;
    window(&mut c2);
    let bad = try_hello(&s, &resuming(&h2, &secret2, 1, 2));
    assert!(
        matches!(&bad, SetupResponse::Refused(r) if r.reason.contains("bad resume")),
        "{bad:?}"
    );
    // A resume of an id space nobody holds is a new session numbered from next_seq.
    let h3 = hello(5, s.handle.cookie.to_vec());
    let mut fresh = RawClient::connect_with(&s, resuming(&h3, &[1; 16], 40, 41));
    assert_eq!(fresh.setup.session.clone().unwrap().last_seq, 40);
    fresh.send(&Request::Sync(yonder_protocol::request::Sync {}));
    match fresh.next_answer() {
        ServerMessage::Reply { seq, .. } => assert_eq!(seq.0, 41),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_resume_takes_over_a_connection_the_server_thought_alive() {
    let s = TestServer::start();
    let (mut old, h) = retained(&s);
    let secret = old.setup.session.clone().unwrap().secret;
    let w = window(&mut old);
    let back = RawClient::connect_with(&s, resuming(&h, &secret, 5, 5));
    assert!(back.setup.session.clone().unwrap().resumed);
    // The old connection is closed; what it still sends is ignored.
    assert!(old.is_closed(), "the old connection ends");
    let mut back = back;
    back.succeeds(Request::MapWindow(MapWindow { window: w }));
}

#[test]
fn detached_clients_are_freed_when_the_grace_period_ends() {
    let s = TestServer::start_with(|c| c.detach_grace = Duration::from_millis(300));
    let watcher = s.connect();
    let (mut c, h) = retained(&s);
    let w = window(&mut c);
    drop(c);
    let t = Instant::now();
    until_clients(&watcher, "freed after the grace period", |l| {
        l.iter().all(|(sp, _)| *sp != h.id_space)
    });
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    assert!(!window_exists(&watcher, w));
}

#[test]
fn a_client_that_ends_its_session_or_uses_a_unix_socket_is_freed_at_once() {
    let s = TestServer::start();
    let watcher = s.connect();
    // Destroy after Retain: freed at once.
    let (mut c, h) = retained(&s);
    window(&mut c);
    c.succeeds(Request::SetCloseDownMode(SetCloseDownMode {
        mode: CloseDownMode::Destroy,
    }));
    drop(c);
    until_clients(&watcher, "freed at once", |l| {
        l.iter().all(|(sp, _)| *sp != h.id_space)
    });
    // The default on a Unix socket is Destroy; and a 1.4 client is never kept.
    for minor in [5, 4] {
        let mut c = RawClient::connect(&s, minor);
        let space = c.setup.id_space;
        window(&mut c);
        drop(c);
        until_clients(&watcher, "a Unix client is freed at once", |l| {
            l.iter().all(|(sp, _)| *sp != space)
        });
    }
    // The library's connection ends its session when dropped.
    let conn = s.connect();
    let space = conn.id_space();
    drop(conn);
    until_clients(&watcher, "the library's client is gone", |l| {
        l.iter().all(|(sp, _)| *sp != space)
    });
}

#[test]
fn over_tcp_a_client_is_kept_by_default() {
    let s = TestServer::start_with(|c| {
        c.listen_tcp = true;
        c.tcp_addr = std::net::IpAddr::from([127, 0, 0, 1]);
    });
    let watcher = s.connect();
    let port = s.handle.tcp_port.expect("a TCP port");
    let h = hello(5, s.handle.cookie.to_vec());
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut out = Vec::new();
    frame::encode_frame(&h, &mut out);
    sock.write_all(&out).unwrap();
    let body = yonder_test_support::raw::read_frame(&mut sock).expect("a setup response");
    assert!(matches!(
        decode_setup_response(&body).unwrap(),
        SetupResponse::Accepted(_)
    ));
    drop(sock);
    until_clients(&watcher, "a TCP client is detached", |l| {
        l.iter().any(|(sp, d)| *sp == h.id_space && d.is_some())
    });
}

#[test]
fn clients_hear_that_the_server_ends_and_whether_it_comes_back() {
    for restart in [false, true] {
        let s = TestServer::start();
        let conn = s.connect();
        let mut old = RawClient::connect(&s, 4);
        conn.sync().unwrap();
        let TestServer { handle, dir } = s;
        match restart {
            true => handle.shutdown_for_restart(),
            false => handle.shutdown(),
        }
        let ending = loop {
            match conn.wait_for_event_timeout(Duration::from_secs(10)) {
                Ok(Some(Incoming::Event {
                    event: Event::ServerEnding(e),
                    ..
                })) => break e,
                Ok(Some(_)) => continue,
                other => panic!("no ServerEnding: {other:?}"),
            }
        };
        assert_eq!(
            ending,
            ServerEndingEvent {
                root: WindowId::ROOT,
                restart
            }
        );
        // A 1.4 client hears nothing: its connection just ends.
        assert!(old.is_closed());
        drop(dir);
    }
}

#[test]
fn a_client_that_breaks_the_protocol_is_freed_not_kept() {
    let s = TestServer::start();
    let watcher = s.connect();
    let (mut c, h) = retained(&s);
    let w = window(&mut c);
    // Not MessagePack: the server ends the connection for it.
    c.send_body(&[0xc1, 0xc1, 0xc1]);
    assert!(c.is_closed());
    until_clients(&watcher, "freed at once", |l| {
        l.iter().all(|(sp, _)| *sp != h.id_space)
    });
    assert!(!window_exists(&watcher, w));
}
