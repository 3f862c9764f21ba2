//! A bug of the server's, met while handling one client's request, costs that client its
//! connection and nothing else (issue 11). The request that panics on purpose is an
//! InternAtom of `_YONDER_TEST_PANIC`, which exists only with the `fault-injection`
//! feature that this crate's tests turn on.

use std::process::Command;
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_protocol::request::{InternAtom, Sync};
use yonder_protocol::{EventMask, Rect, Request};
use yonder_test_support::client::*;
use yonder_test_support::raw::RawClient;
use yonder_test_support::server::*;

fn panicking_request() -> Request {
    Request::InternAtom(InternAtom {
        name: "_YONDER_TEST_PANIC".into(),
        only_if_exists: false,
    })
}

#[test]
fn a_panicking_request_costs_only_its_client() {
    let s = TestServer::start();
    let good = s.connect();
    let w = window(&good, Rect::new(0, 0, 20, 20), 0x123456, EventMask::EMPTY);

    // What the faulty client was owed before arrives; then its connection ends.
    let mut bad = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    bad.send(&Request::Sync(Sync {}));
    bad.send(&panicking_request());
    match bad.next_answer() {
        yonder_protocol::ServerMessage::Reply { seq, .. } => assert_eq!(seq.0, 1),
        other => panic!("{other:?}"),
    }
    assert!(bad.is_closed(), "the faulty client is disconnected");

    // Everyone else goes on, with their windows and pixels.
    good.sync().unwrap();
    assert_eq!(read(&good, w, Rect::new(0, 0, 1, 1)).at(0, 0), 0x123456);
    let clients = good.list_clients().reply().unwrap().clients;
    assert_eq!(clients.len(), 1, "{clients:?}");
    // The change the handler made before it failed is whole, and stays.
    let was_here = good
        .intern_atom("_YONDER_TEST_PANIC_WAS_HERE", true)
        .reply();
    assert!(was_here.unwrap().atom.0 != 0);
    // New clients are served too, again and again.
    for _ in 0..3 {
        let mut again = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
        again.send(&panicking_request());
        assert!(again.is_closed());
    }
    let late = s.connect();
    late.sync().unwrap();
}

/// A server process on a temporary socket, and how to connect to it as `app`.
fn server_process() -> (
    ServerProcess,
    tempfile::TempDir,
    impl Fn(&str) -> ConnectOptions,
) {
    let dir = tempfile::tempdir().unwrap();
    let cookies = dir.path().join("cookies");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yonder-server"));
    cmd.args(["--headless", "64x64", "--no-window-manager"])
        .arg("--socket-dir")
        .arg(dir.path().join("s"))
        .arg("--cookie-file")
        .arg(&cookies)
        .env_remove("YONDER_LOG")
        .env_remove("YONDER_DISPLAY");
    let server = ServerProcess::spawn(cmd);
    let display = server.ready();
    let n: u32 = display.trim_start_matches(':').parse().unwrap();
    let text = std::fs::read_to_string(&cookies).unwrap();
    let cookie = text
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{display} ")))
        .map(|rest| hex::decode(rest.split_whitespace().next().unwrap()).unwrap())
        .expect("the display's cookie line");
    let socket = yonder_address::paths::socket_path(&dir.path().join("s"), n);
    let options = move |app: &str| ConnectOptions {
        display: Some(format!("unix:{}", socket.display())),
        cookie: Some(cookie.clone()),
        app_name: Some(app.into()),
        ..Default::default()
    };
    (server, dir, options)
}

#[test]
fn the_failure_is_logged_naming_the_request() {
    let (server, _dir, options) = server_process();
    let bad = Connection::connect_with(options("faulty")).unwrap();
    assert!(bad
        .intern_atom("_YONDER_TEST_PANIC", false)
        .reply()
        .is_err());
    assert!(
        server.stderr_shows("InternAtom"),
        "stderr:\n{}",
        server.stderr()
    );
    assert!(server.stderr_shows("disconnecting that client"));
    // And the server still serves.
    let good = Connection::connect_with(options("good")).unwrap();
    good.sync().unwrap();
}

#[test]
fn a_failure_outside_any_request_ends_the_server_with_status_70() {
    // A bug while a client leaves has no client to blame: the server must not go on
    // accepting connections with its state thread gone.
    let (mut server, _dir, options) = server_process();
    // `other` ends with its connection: an app that waits for its display to come back
    // instead is apps/tests/reconnect.rs's.
    let other = Connection::connect_with(ConnectOptions {
        reconnect: yonder::Reconnect::ExitAtOnce,
        ..options("other")
    })
    .unwrap();
    other.sync().unwrap();
    let leaving = Connection::connect_with(options("_YONDER_TEST_PANIC_ON_LEAVE")).unwrap();
    leaving.sync().unwrap();
    drop(leaving);
    let status = server.wait(std::time::Duration::from_secs(10));
    assert_eq!(status.code(), Some(70), "stderr:\n{}", server.stderr());
    assert!(
        server.stderr_shows("failed outside any client's request"),
        "stderr:\n{}",
        server.stderr()
    );
    // Its other client sees the end of the connection, not a hang.
    assert!(other.sync().is_err());
}

#[test]
fn a_panic_in_a_connection_s_reader_ends_that_connection_cleanly() {
    // A GetImage 0xFA17 wide makes the reader itself fail (with `fault-injection`): the
    // client must be disconnected and freed, not left in the state holding its slot.
    let s = TestServer::start();
    let good = s.connect();
    let mut bad = RawClient::connect(&s, yonder_protocol::PROTOCOL_MINOR);
    let w = bad.id(1);
    bad.send(&Request::CreateWindow(
        yonder_protocol::request::CreateWindow {
            id: yonder_protocol::WindowId(w),
            parent: yonder_protocol::WindowId::ROOT,
            rect: Rect::new(0, 0, 4, 4),
            attributes: Default::default(),
        },
    ));
    bad.send(&Request::GetImage(yonder_protocol::request::GetImage {
        drawable: yonder_protocol::Drawable(w),
        rect: Rect::new(0, 0, 0xFA17, 1),
        format: yonder_protocol::request::ImageFormat::Bgrx,
    }));
    assert!(bad.is_closed());
    let end = std::time::Instant::now() + WAIT;
    loop {
        let clients = good.list_clients().reply().unwrap().clients;
        if clients.len() == 1 {
            break;
        }
        assert!(std::time::Instant::now() < end, "still there: {clients:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let tree = good.query_tree(good.root()).reply().unwrap();
    assert!(!tree.children.contains(&yonder_protocol::WindowId(w)));
}
