//! The client library against a scripted fake server on a Unix socket in a temporary
//! directory: handshake, replies, errors through cookies and the event queue, ordering,
//! refusal, failures, and two threads sharing a connection.

use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use yonder::prelude::*;
use yonder::protocol::handshake::Refusal;
use yonder::protocol::reply::{GeometryReply, InputFocusReply, PropertyReply, SyncReply};
use yonder::protocol::request::{CloseDownMode, GcValues, ImageFormat, WindowAttributes};
use yonder::protocol::{
    atoms, make_id, ErrorCode, Event, Point, Rect, Reply, Request, Seq, SetupResponse, WindowId,
    PROTOCOL_MAJOR, PROTOCOL_MINOR,
};
use yonder::{
    Compression, ConnectError, ConnectOptions, Connection, ConnectionError, ImageOptions, Incoming,
    ReplyError,
};
use yonder_test_support::fake::{setup_for, COOKIE};

/// The server's end of one connection.
type Peer = yonder_test_support::fake::Peer<UnixStream>;

/// A running fake server for one client.
struct Server {
    _dir: tempfile::TempDir,
    display: String,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(script: impl FnOnce(&mut Peer) + Send + 'static) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("display-9");
        let listener = UnixListener::bind(&path).unwrap();
        let thread = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut peer = Peer::new(stream);
            script(&mut peer);
        });
        Server {
            _dir: dir,
            display: format!("unix:{}", path.display()),
            thread: Some(thread),
        }
    }

    fn options(&self) -> ConnectOptions {
        ConnectOptions {
            display: Some(self.display.clone()),
            cookie: Some(COOKIE.to_vec()),
            app_name: Some("fake-test".into()),
            ..ConnectOptions::default()
        }
    }

    fn connect(&self) -> Connection {
        Connection::connect_with(self.options()).unwrap()
    }

    /// Waits for the script to end, failing the test if it panicked.
    fn join(mut self) {
        if let Some(t) = self.thread.take() {
            t.join().expect("the fake server's script failed");
        }
    }
}

/// Answers the client's hello with a setup of version 1.`minor`; returns the client's
/// id space.
fn accept_as(peer: &mut Peer, minor: u16) -> u32 {
    let hello = peer.hello();
    let mut setup = setup_for(hello.id_space);
    setup.minor = minor;
    peer.setup(&SetupResponse::Accepted(setup));
    hello.id_space
}

/// Takes the next request, which must be a Sync, and answers it as request `seq`.
fn answer_sync(peer: &mut Peer, seq: u64) {
    match peer.request() {
        Request::Sync(_) => peer.reply(seq, Reply::Sync(SyncReply {})),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hello_setup_and_a_typed_reply() {
    let server = Server::start(|peer| {
        let hello = peer.accept();
        assert_eq!(hello.protocol, "yonder");
        assert_eq!((hello.major, hello.minor), (PROTOCOL_MAJOR, PROTOCOL_MINOR));
        assert_eq!(hello.cookie, COOKIE);
        assert_eq!(hello.app_name, "fake-test");
        assert_ne!(hello.id_space, 0);
        match peer.request() {
            Request::GetGeometry(g) => assert_eq!(g.drawable.0, WindowId::ROOT.0),
            other => panic!("{other:?}"),
        }
        peer.reply(
            1,
            Reply::Geometry(GeometryReply {
                root: WindowId::ROOT,
                rect: Rect::new(0, 0, 800, 600),
            }),
        );
        // Dropping the connection ends the session on purpose (protocol.md §5.4).
        match peer.request() {
            Request::SetCloseDownMode(m) => assert_eq!(m.mode, CloseDownMode::Destroy),
            other => panic!("{other:?}"),
        }
        assert!(peer.frame().is_none(), "the client closes after the test");
    });
    let conn = server.connect();
    let geometry = conn.get_geometry(conn.root()).reply().unwrap();
    assert_eq!(geometry.rect, Rect::new(0, 0, 800, 600));
    let setup = conn.setup().unwrap();
    assert_eq!(setup.vendor, "fake-server");
    assert_eq!(setup.id_space, conn.id_space());
    assert_eq!(conn.screen().unwrap().width, 800);
    assert_eq!(conn.atom_by_name("WM_NAME").unwrap(), Some(atoms::WM_NAME));
    assert_eq!(conn.atom_by_name("NOPE").unwrap(), None);
    drop(conn);
    server.join();
}

#[test]
fn requests_sent_before_the_setup_arrive_in_order() {
    let (tx, rx) = mpsc::channel();
    let server = Server::start(move |peer| {
        let hello = peer.hello();
        // Every request is read before the setup reply is sent.
        let reqs: Vec<Request> = (0..5).map(|_| peer.request()).collect();
        let names: Vec<&str> = reqs.iter().map(|r| r.name()).collect();
        assert_eq!(
            names,
            [
                "CreateWindow",
                "CreateGc",
                "PolyFillRectangle",
                "MapWindow",
                "Sync"
            ]
        );
        if let Request::CreateWindow(cw) = &reqs[0] {
            assert_eq!(cw.id.0, make_id(hello.id_space, 1));
        }
        tx.send(()).unwrap();
        peer.setup(&SetupResponse::Accepted(setup_for(hello.id_space)));
        peer.reply(5, Reply::Sync(SyncReply {}));
    });
    let conn = server.connect();
    let win = conn.new_window_id();
    let gc = conn.new_gc_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(1, 2, 30, 40),
        WindowAttributes::default(),
    );
    conn.create_gc(gc, win, GcValues::default());
    conn.poly_fill_rectangle(win, gc, &[Rect::new(0, 0, 5, 5)]);
    conn.map_window(win);
    let sync = conn.send_sync();
    conn.flush().unwrap();
    rx.recv_timeout(Duration::from_secs(10))
        .expect("server got the requests");
    assert_eq!(sync.seq(), Seq(5));
    sync.reply().unwrap();
    server.join();
}

#[test]
fn error_of_a_dropped_void_cookie_comes_through_the_event_queue() {
    let server = Server::start(|peer| {
        peer.accept();
        assert!(matches!(peer.request(), Request::MapWindow(_)));
        peer.error(1, ErrorCode::Window, 5);
        peer.expose(1, WindowId(77));
    });
    let conn = server.connect();
    conn.map_window(WindowId(0xDEAD));
    match conn.wait_for_event().unwrap() {
        Incoming::Error(e) => {
            assert_eq!(e.seq, Seq(1));
            assert_eq!(e.error.code, ErrorCode::Window);
        }
        other => panic!("{other:?}"),
    }
    let ev = conn.wait_for_event().unwrap();
    assert_eq!(ev.event().map(Event::window), Some(WindowId(77)));
    server.join();
}

#[test]
fn check_reports_the_error_of_its_request() {
    let server = Server::start(|peer| {
        peer.accept();
        assert!(matches!(peer.request(), Request::MapWindow(_)));
        peer.error(1, ErrorCode::Window, 5);
        peer.answer_sync(2);
        assert!(matches!(peer.request(), Request::UnmapWindow(_)));
        peer.answer_sync(4);
        assert!(matches!(peer.request(), Request::DestroyWindow(_)));
        peer.error(5, ErrorCode::Access, 4);
        peer.answer_sync(6);
        peer.frame();
    });
    let conn = server.connect();
    match conn.map_window(WindowId(0xDEAD)).check() {
        Err(ReplyError::Protocol(e)) => {
            assert_eq!(e.code, ErrorCode::Window);
            assert_eq!(e.opcode, 5);
        }
        other => panic!("{other:?}"),
    }
    conn.unmap_window(WindowId(3)).check().unwrap();
    conn.destroy_window(WindowId(4)).ignore_error();
    conn.sync().unwrap();
    assert_eq!(
        conn.poll_for_event().unwrap(),
        None,
        "checked and ignored errors stay out"
    );
    drop(conn);
    server.join();
}

#[test]
fn reply_cookies_get_errors_and_dropped_ones_queue_them() {
    let server = Server::start(|peer| {
        peer.accept();
        for seq in 1..=3 {
            assert!(matches!(peer.request(), Request::GetProperty(_)));
            match seq {
                2 => peer.reply(
                    2,
                    Reply::Property(PropertyReply {
                        type_: atoms::UTF8_STRING,
                        data: b"hi".to_vec(),
                    }),
                ),
                _ => peer.error(seq, ErrorCode::Window, 15),
            }
        }
        peer.answer_sync(4);
        peer.frame();
    });
    let conn = server.connect();
    let failing = conn.get_property(WindowId(9), atoms::WM_NAME, false);
    let ok = conn.get_property(WindowId(1), atoms::WM_NAME, false);
    drop(conn.get_property(WindowId(9), atoms::WM_NAME, false));
    assert!(matches!(failing.reply(), Err(ReplyError::Protocol(_))));
    assert_eq!(ok.reply().unwrap().data, b"hi");
    conn.sync().unwrap();
    let queued = conn
        .poll_for_event()
        .unwrap()
        .expect("the dropped cookie's error");
    assert_eq!(queued.error().map(|e| e.seq), Some(Seq(3)));
    drop(conn);
    server.join();
}

#[test]
fn refusal_is_a_clear_error() {
    const REASON: &str = "wrong cookie for display :9";
    let refuse = |peer: &mut Peer| {
        peer.hello();
        peer.setup(&SetupResponse::Refused(Refusal {
            reason: REASON.into(),
        }));
    };
    let server = Server::start(refuse);
    let conn = server.connect();
    match conn.wait_for_setup() {
        Err(ConnectError::Refused(r)) => assert_eq!(r, REASON),
        other => panic!("{other:?}"),
    }
    server.join();

    let server = Server::start(refuse);
    let conn = server.connect();
    match conn.get_input_focus().reply() {
        Err(ReplyError::Connection(ConnectionError::Refused(r))) => assert_eq!(r, REASON),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        conn.wait_for_event(),
        Err(ConnectionError::Refused(_))
    ));
    server.join();
}

#[test]
fn server_closing_and_garbage_are_connection_errors() {
    let server = Server::start(|peer| {
        peer.accept();
    });
    let conn = server.connect();
    assert!(matches!(conn.sync(), Err(ConnectionError::Closed)));
    assert!(matches!(conn.flush(), Err(ConnectionError::Closed)));
    server.join();

    let server = Server::start(|peer| {
        peer.accept();
        peer.send_bytes(&[3, 0, 0, 0, 0xc1, 0xc1, 0xc1]);
        peer.frame();
    });
    let conn = server.connect();
    assert!(matches!(
        conn.wait_for_event(),
        Err(ConnectionError::Malformed(_))
    ));
    drop(conn);
    server.join();

    let server = Server::start(|peer| {
        peer.accept();
        peer.request();
        peer.reply(1, Reply::Sync(SyncReply {}));
        peer.frame();
    });
    let conn = server.connect();
    let wrong = conn.get_input_focus().reply();
    assert!(
        matches!(
            wrong,
            Err(ReplyError::Connection(ConnectionError::Malformed(_)))
        ),
        "{wrong:?}"
    );
    drop(conn);
    server.join();

    // A reply to a request that was never sent.
    let server = Server::start(|peer| {
        peer.accept();
        peer.request();
        peer.reply(2, Reply::Sync(SyncReply {}));
        peer.frame();
    });
    let conn = server.connect();
    let wrong = conn.send_sync().reply();
    assert!(
        matches!(
            wrong,
            Err(ReplyError::Connection(ConnectionError::Malformed(_)))
        ),
        "{wrong:?}"
    );
    drop(conn);
    server.join();
}

#[test]
fn timeouts_and_polls_return_none_without_events() {
    let (tx, rx) = mpsc::channel();
    let server = Server::start(move |peer| {
        peer.accept();
        peer.answer_sync(1);
        peer.expose(1, WindowId(5));
        tx.send(()).unwrap();
        peer.frame();
    });
    let conn = server.connect();
    conn.sync().unwrap();
    rx.recv_timeout(Duration::from_secs(10)).unwrap();
    // The Expose is in the socket, not yet read: even a zero timeout finds it.
    let ev = conn.wait_for_event_timeout(Duration::ZERO).unwrap();
    assert!(matches!(
        ev.and_then(Incoming::into_event),
        Some(Event::Expose(_))
    ));
    let start = std::time::Instant::now();
    assert_eq!(
        conn.wait_for_event_timeout(Duration::from_millis(50))
            .unwrap(),
        None
    );
    assert!(start.elapsed() >= Duration::from_millis(50));
    assert_eq!(conn.poll_for_event().unwrap(), None);
    assert_eq!(conn.wait_for_event_timeout(Duration::ZERO).unwrap(), None);
    drop(conn);
    server.join();
}

#[test]
fn large_requests_flush_on_their_own() {
    let (tx, rx) = mpsc::channel();
    let server = Server::start(move |peer| {
        peer.accept();
        match peer.request() {
            Request::PutImage(p) => assert_eq!(p.data.len(), 100_000),
            other => panic!("{other:?}"),
        }
        tx.send(()).unwrap();
        peer.frame();
    });
    let conn = server.connect();
    let gc = conn.new_gc_id();
    conn.put_image(
        conn.root(),
        gc,
        Point::new(0, 0),
        25_000,
        1,
        ImageFormat::Bgrx,
        vec![0; 100_000],
    );
    rx.recv_timeout(Duration::from_secs(10))
        .expect("a request over 64 KiB is sent without an explicit flush");
    drop(conn);
    server.join();
}

#[test]
fn writer_reads_while_the_server_is_busy_writing() {
    // Both sides send megabytes before reading: the client must read while it writes.
    const N: usize = 200;
    const EVENTS: usize = 50_000;
    let server = Server::start(|peer| {
        peer.accept();
        peer.flood_exposes(EVENTS);
        for _ in 0..N {
            assert!(matches!(peer.request(), Request::PutImage(_)));
        }
        peer.answer_sync(N as u64 + 1);
        peer.frame();
    });
    let conn = server.connect();
    for _ in 0..N {
        let gc = conn.new_gc_id();
        conn.put_image(
            conn.root(),
            gc,
            Point::new(0, 0),
            0,
            0,
            ImageFormat::Png,
            vec![0; 50_000],
        );
    }
    conn.sync().unwrap();
    let mut events = 0;
    while conn.poll_for_event().unwrap().is_some() {
        events += 1;
    }
    assert_eq!(events, EVENTS);
    drop(conn);
    server.join();
}

#[test]
fn another_thread_can_round_trip_while_one_waits_for_events() {
    let server = Server::start(|peer| {
        peer.accept();
        assert!(matches!(peer.request(), Request::GetInputFocus(_)));
        peer.reply(
            1,
            Reply::InputFocus(InputFocusReply {
                window: WindowId(42),
            }),
        );
        peer.answer_sync(2);
        peer.expose(2, WindowId(8));
        peer.frame();
    });
    let conn = server.connect();
    conn.setup().unwrap();
    std::thread::scope(|s| {
        let waiter = s.spawn(|| conn.wait_for_event_timeout(Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(100)); // let the waiter start reading
        let focus = conn.get_input_focus().reply().unwrap();
        assert_eq!(focus.window, WindowId(42));
        conn.sync().unwrap();
        let ev = waiter.join().unwrap().unwrap().expect("the Expose");
        assert_eq!(ev.event().map(Event::window), Some(WindowId(8)));
    });
    drop(conn);
    server.join();
}

#[test]
fn connect_errors_are_clear() {
    let opts = |display: &str| ConnectOptions {
        display: Some(display.into()),
        cookie: Some(COOKIE.to_vec()),
        app_name: None,
        ..ConnectOptions::default()
    };
    assert!(matches!(
        Connection::connect_with(opts("nonsense")),
        Err(ConnectError::BadDisplay { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("unix:{}", dir.path().join("display-1").display());
    match Connection::connect_with(opts(&missing)) {
        Err(e @ ConnectError::Io { .. }) => assert!(e.to_string().contains("display-1"), "{e}"),
        other => panic!("{other:?}"),
    }
    let short_cookie = ConnectOptions {
        cookie: Some(vec![1, 2, 3]),
        ..opts(":1")
    };
    assert!(matches!(
        Connection::connect_with(short_cookie),
        Err(ConnectError::BadCookie(_))
    ));
}

#[test]
fn no_operation_sends_nothing_to_a_display_before_1_9() {
    let server = Server::start(|peer| {
        accept_as(peer, 8);
        // The first request after the NoOperations is number 1: none of them came.
        answer_sync(peer, 1);
        match peer.request() {
            Request::SetCloseDownMode(_) => {}
            other => panic!("{other:?}"),
        }
    });
    let conn = server.connect();
    conn.setup().unwrap();
    for _ in 0..3 {
        conn.no_operation();
    }
    conn.sync().unwrap();
    drop(conn);
    server.join();
}

#[test]
fn own_ids_go_relative_to_a_1_10_display_and_in_full_to_an_older_one() {
    for minor in [10u16, 9] {
        let (tx, rx) = mpsc::channel();
        let server = Server::start(move |peer| {
            let space = accept_as(peer, minor);
            // The bytes as they came: two MapWindows, then a Sync.
            tx.send((space, peer.frame().unwrap(), peer.frame().unwrap()))
                .unwrap();
            answer_sync(peer, 3);
            peer.frame();
        });
        let conn = server.connect();
        conn.setup().unwrap();
        let own = WindowId(yonder::protocol::make_id(conn.id_space(), 40));
        conn.map_window(own);
        conn.map_window(WindowId::ROOT);
        conn.sync().unwrap();
        let (space, mine, root) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(root, [0x92, 5, 0x91, 0x01], "another's id goes in full");
        let mut full = vec![0x92, 5, 0x91, 0xcf];
        full.extend(own.0.to_be_bytes());
        assert_eq!(space, conn.id_space());
        match minor {
            // −40: the shortest signed form, `d0 d8`.
            10 => assert_eq!(mine, [0x92, 5, 0x91, 0xd0, 0xd8], "relative on 1.10"),
            _ => assert_eq!(mine, full, "in full before 1.10"),
        }
        drop(conn);
        server.join();
    }
}

/// `Rgbx` images, small (in the output buffer) and large (their pixels written from the
/// app's own memory after their frame's head), reach a display of this version as they
/// were given, and a 1.11 display as the `Rgba` of the same opaque picture; each frame is
/// whole (the Sync after them decodes).
#[test]
fn rgbx_images_small_and_large_go_as_rgba_to_a_display_before_1_12() {
    let sizes = [(2u32, 1u32), (100, 100), (300, 30)];
    let picture =
        |(w, h): (u32, u32)| -> Vec<u8> { (0..w * h * 4).map(|i| (i * 7 % 251) as u8).collect() };
    for minor in [yonder::protocol::PROTOCOL_MINOR, 11] {
        let (tx, rx) = mpsc::channel();
        let server = Server::start(move |peer| {
            accept_as(peer, minor);
            let puts: Vec<Request> = sizes.iter().map(|_| peer.request()).collect();
            answer_sync(peer, sizes.len() as u64 + 1);
            tx.send(puts).unwrap();
            peer.frame();
        });
        let conn = server.connect();
        conn.setup().unwrap();
        conn.set_image_options(ImageOptions {
            shared_memory: false,
            compression: Compression::Never,
        });
        let gc = conn.new_gc_id();
        for (w, h) in sizes {
            let pic = picture((w, h));
            conn.put_image(
                conn.root(),
                gc,
                Point::new(1, 2),
                w,
                h,
                ImageFormat::Rgbx,
                &pic,
            );
        }
        conn.sync().unwrap();
        let puts = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        for (put, size) in puts.into_iter().zip(sizes) {
            let Request::PutImage(put) = put else {
                panic!("{put:?}")
            };
            let mut expected = picture(size);
            let format = match minor {
                11 => {
                    expected
                        .iter_mut()
                        .skip(3)
                        .step_by(4)
                        .for_each(|a| *a = 255);
                    ImageFormat::Rgba
                }
                _ => ImageFormat::Rgbx,
            };
            assert_eq!(
                (put.format, put.width, put.height, put.dst),
                (format, size.0, size.1, Point::new(1, 2)),
                "1.{minor}"
            );
            assert!(
                put.data == expected,
                "1.{minor} {size:?}: the pixels differ"
            );
        }
        drop(conn);
        server.join();
    }
}

/// A GC's values of a later version than the display's are left out of what the
/// library sends (protocol.md §5.3: an older display finds them malformed): to a 1.10
/// display `text_antialias` (1.11) goes without, to a 1.6 one `font_face` (1.7) too.
#[test]
fn gc_values_of_later_versions_are_left_out_for_an_older_display() {
    for minor in [yonder::protocol::PROTOCOL_MINOR, 10, 6] {
        let (tx, rx) = mpsc::channel();
        let server = Server::start(move |peer| {
            accept_as(peer, minor);
            let gc = peer.request();
            answer_sync(peer, 2);
            tx.send(gc).unwrap();
            peer.frame();
        });
        let conn = server.connect();
        conn.setup().unwrap();
        let gc = conn.new_gc_id();
        conn.create_gc(
            gc,
            WindowId::ROOT,
            GcValues {
                font_face: Some(2),
                text_antialias: Some(false),
                ..GcValues::default()
            },
        );
        conn.sync().unwrap();
        let got = match rx.recv_timeout(Duration::from_secs(10)).unwrap() {
            Request::CreateGc(r) => (r.values.font_face, r.values.text_antialias),
            other => panic!("{other:?}"),
        };
        let expected = match minor {
            10 => (Some(2), None),
            6 => (None, None),
            _ => (Some(2), Some(false)),
        };
        assert_eq!(got, expected, "1.{minor}");
        drop(conn);
        server.join();
    }
}
