//! A client that vanishes without closing (its network goes away) is noticed and its
//! resources freed within a bounded time (`--keepalive`).
//!
//! Two network namespaces joined by a veth pair stand for two machines: the server runs
//! in A (`--listen tcp --keepalive 4`), two clients connect from B, each makes a window.
//! Then B's end of the link goes down: no FIN, no RST, the clients' sockets stay open.
//! One client is idle (the keepalive probes find it gone); the server is writing to the
//! other when the link goes (an event sent to it: TCP_USER_TIMEOUT gives up on the
//! unacknowledged data). Both are then detached (kept for a resume, protocol.md §5.4),
//! and freed when the grace period (`--detach-grace 2`) ends. A local client watches on
//! the Unix socket: both must show as detached, and both windows must be destroyed
//! within 12 s.
//!
//! Needs root and iproute2 (`ip netns`); prints SKIPPED and passes without them outside
//! CI (`NetPair::or_skip`).

use std::os::fd::AsFd;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection, Incoming};
use yonder_protocol::event::ClientMessage;
use yonder_protocol::request::WindowAttributes;
use yonder_protocol::{Color, Event, EventMask, Rect, WindowId};
use yonder_test_support::netns::NetPair;
use yonder_test_support::server::ServerProcess;

const SERVER: &str = env!("CARGO_BIN_EXE_yonder-server");
const KEEPALIVE_SECS: u64 = 4;
/// The bound the test asserts: the keepalive total plus slack.
const NOTICE_WITHIN: Duration = Duration::from_secs(12);
/// How long the server keeps the vanished clients detached before freeing them.
const GRACE_SECS: u64 = 2;
const DISPLAY: u32 = 5;

/// Runs `f` on a thread that has entered network namespace `ns`: sockets it makes
/// belong to that namespace for their whole life, whichever thread uses them later.
fn in_namespace<T: Send>(ns: &str, f: impl FnOnce() -> T + Send) -> T {
    let path = Path::new("/run/netns").join(ns);
    std::thread::scope(|s| {
        s.spawn(|| {
            let file =
                std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            rustix::thread::move_into_link_name_space(
                file.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .expect("setns into the client's namespace");
            f()
        })
        .join()
        .expect("the thread in the namespace failed")
    })
}

fn cookie_line(file: &Path, name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text
        .lines()
        .filter_map(yonder::auth::parse_cookie_line)
        .find(|l| l.display == name)
        .unwrap_or_else(|| panic!("no `{name}` line in:\n{text}"));
    yonder::auth::parse_cookie_hex(&line.cookie).unwrap()
}

/// A client in B: one window, mapped, and the server has seen it all.
fn remote_client(addr: &str, cookie: &[u8], name: &str, x: i32) -> (Connection, WindowId) {
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(format!("{addr}:{DISPLAY}")),
        cookie: Some(cookie.to_vec()),
        app_name: Some(name.into()),
        ..ConnectOptions::default()
    })
    .expect("connect across the veth pair");
    let w = conn.new_window_id();
    conn.create_window(
        w,
        conn.root(),
        Rect::new(x, 10, 60, 40),
        WindowAttributes {
            background: Some(Color::rgb(0x336699)),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(w);
    conn.sync().expect("sync across the veth pair");
    (conn, w)
}

#[test]
fn a_vanished_client_is_noticed_and_freed() {
    let Some(net) = NetPair::or_skip("a_vanished_client_is_noticed_and_freed") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let cookies = tmp.path().join("cookies");
    let sockets = tmp.path().join("sockets");

    // The server in A, on its veth address.
    let [program, words @ ..] = net.on_server();
    let mut cmd = Command::new(program);
    cmd.args(words)
        .arg(SERVER)
        .args([
            &format!(":{DISPLAY}"),
            "--headless",
            "320x200",
            "--no-window-manager",
        ])
        .args(["--listen", "tcp", "--tcp-addr", &net.server_addr])
        .args(["--keepalive", &KEEPALIVE_SECS.to_string()])
        .args(["--detach-grace", &GRACE_SECS.to_string()])
        .arg("--socket-dir")
        .arg(&sockets)
        .env("YONDER_COOKIE_FILE", &cookies)
        .env("YONDER_LOG", "info")
        .env("NO_COLOR", "1");
    let server = ServerProcess::spawn(cmd);
    let stderr = || server.stderr();
    let first = server.line();
    assert_eq!(
        first,
        format!("YONDER_DISPLAY=:{DISPLAY}"),
        "the server did not start:\n{}",
        stderr()
    );

    // The watcher: a trusted local client on the Unix socket (not namespaced), told of
    // every top-level window's destruction.
    let watcher = Connection::connect_with(ConnectOptions {
        display: Some(format!("unix:{}/display-{DISPLAY}", sockets.display())),
        cookie: Some(cookie_line(&cookies, &format!(":{DISPLAY}+trusted"))),
        app_name: Some("watcher".into()),
        ..ConnectOptions::default()
    })
    .expect("the watcher connects");
    watcher.change_window_attributes(
        watcher.root(),
        WindowAttributes {
            event_mask: Some(EventMask::SUBSTRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    watcher.sync().expect("watcher sync");

    // Two clients in B.
    let cookie = cookie_line(&cookies, &format!(":{DISPLAY}"));
    let ((idle, idle_w), (busy, busy_w)) = in_namespace(&net.app_ns, || {
        (
            remote_client(&net.server_addr, &cookie, "idle-remote", 10),
            remote_client(&net.server_addr, &cookie, "busy-remote", 100),
        )
    });
    let clients = watcher.list_clients().reply().expect("list_clients");
    assert_eq!(clients.clients.len(), 3, "{:?}", clients.clients);

    // B's end of the cable is pulled: nothing is closed, nothing more gets through.
    net.link(false).expect("link down");
    let pulled = Instant::now();
    // The server writes to one of them now: that data is never acknowledged.
    watcher.send_event(
        busy_w,
        EventMask::EMPTY,
        Event::ClientMessage(ClientMessage {
            window: busy_w,
            type_: yonder_protocol::atoms::STRING,
            data: vec![0; 4096],
        }),
    );
    watcher.sync().expect("watcher sync");

    // Noticed: both are detached, their windows still there.
    loop {
        let clients = watcher.list_clients().reply().expect("list_clients");
        let detached = clients
            .clients
            .iter()
            .filter(|c| c.detached_secs.is_some())
            .count();
        if detached == 2 {
            println!(
                "keepalive {KEEPALIVE_SECS} s: both clients detached {:.1} s after their link \
                 went down",
                pulled.elapsed().as_secs_f64()
            );
            break;
        }
        assert!(
            pulled.elapsed() < NOTICE_WITHIN,
            "after {NOTICE_WITHIN:?} not both clients are detached: {:?}; server log:\n{}",
            clients.clients,
            stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut freed = Vec::new();
    while freed.len() < 2 {
        let left = (pulled + NOTICE_WITHIN).saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "after {NOTICE_WITHIN:?} only {freed:?} of the vanished clients' windows were \
             freed; server log:\n{}",
            stderr()
        );
        if let Some(Incoming::Event {
            event: Event::Destroy(d),
            ..
        }) = watcher
            .wait_for_event_timeout(left)
            .expect("the watcher's connection")
        {
            let who = if d.window == idle_w {
                "idle"
            } else if d.window == busy_w {
                "busy"
            } else {
                continue;
            };
            println!(
                "keepalive {KEEPALIVE_SECS} s: the {who} client's window was freed {:.1} s \
                 after its link went down",
                pulled.elapsed().as_secs_f64()
            );
            freed.push(who);
        }
    }
    let clients = watcher.list_clients().reply().expect("list_clients");
    assert_eq!(clients.clients.len(), 1, "{:?}", clients.clients);
    let log = stderr();
    let reasons: Vec<&str> = log.lines().filter(|l| l.contains("disconnected")).collect();
    println!("server log:\n{}", reasons.join("\n"));
    // The clients' sockets were never closed by their side.
    drop((idle, busy));
}
