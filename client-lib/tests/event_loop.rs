//! Using a connection from another event loop: the descriptor (`AsFd`) is readable when
//! events wait and quiet when none do, the waker interrupts a wait from another thread,
//! and the descriptor stays the same and keeps working across a resumed connection.
//! Also what connecting says when no server is there.

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::request::WindowAttributes;
use yonder::protocol::{Color, Event, EventMask, Rect};
use yonder::{ConnectError, ConnectOptions, Connection, DisplayChange, Incoming, Reconnect};
use yonder_test_support::proxy::Proxy;
use yonder_test_support::server::TestServer;

/// Whether `conn`'s descriptor becomes readable within `ms` milliseconds.
fn readable(conn: &Connection, ms: u64) -> bool {
    let mut fds = [PollFd::new(conn, PollFlags::IN)];
    let t = Timespec {
        tv_sec: (ms / 1000) as i64,
        tv_nsec: ((ms % 1000) * 1_000_000) as i64,
    };
    poll(&mut fds, Some(&t)).expect("poll") > 0
}

/// A mapped window that wants exposures and key presses.
fn window(conn: &Connection) -> yonder::protocol::WindowId {
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(10, 10, 120, 80),
        WindowAttributes {
            background: Some(Color::rgb(0x336699)),
            event_mask: Some(EventMask::EXPOSURE | EventMask::KEY_PRESS),
            ..Default::default()
        },
    );
    conn.map_window(win);
    conn.flush().expect("flush");
    win
}

/// Sends `win`'s creator an Expose of it from another client (SendEvent, no mask).
fn poke(other: &Connection, win: yonder::protocol::WindowId) {
    let e = yonder::protocol::event::ExposeEvent {
        window: win,
        rect: Rect::new(0, 0, 1, 1),
        count: 0,
    };
    other.send_event(win, EventMask::EMPTY, Event::Expose(e));
    other.sync().expect("sync");
}

/// Waits on the descriptor and drains `poll_for_event` until an Expose of `win` came,
/// as a readiness loop does; within 10 s.
fn expose_through_fd(conn: &Connection, win: yonder::protocol::WindowId) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        while let Some(item) = conn.poll_for_event().expect("poll_for_event") {
            if let Some(Event::Expose(e)) = item.event() {
                if e.window == win {
                    return;
                }
            }
        }
        assert!(
            Instant::now() < end,
            "no Expose through the descriptor in 10 s"
        );
        readable(conn, 1000);
    }
}

#[test]
fn the_descriptor_is_readable_when_events_wait_and_quiet_when_drained() {
    let s = TestServer::start();
    let conn = s.connect();
    conn.setup().expect("setup");
    let fd = conn.as_fd().as_raw_fd();
    let win = window(&conn);
    expose_through_fd(&conn, win);
    // Drained: nothing more comes, and the descriptor stays quiet (a busy loop would
    // find it readable again and again).
    while conn.poll_for_event().expect("poll").is_some() {}
    assert!(
        !readable(&conn, 300),
        "the descriptor is readable with nothing to read"
    );
    // An event read while waiting for a reply (not by the loop itself) raises it.
    let other = s.connect();
    other.setup().expect("setup");
    poke(&other, win);
    conn.query_pointer(conn.root()).reply().expect("reply");
    assert!(
        readable(&conn, 5000),
        "an event queued by a reply wait does not show"
    );
    assert_eq!(conn.as_fd().as_raw_fd(), fd, "the descriptor changed");
}

#[test]
fn a_waker_interrupts_a_wait_from_another_thread() {
    let s = TestServer::start();
    let conn = s.connect();
    conn.setup().expect("setup");
    let waker = conn.waker();
    let started = Instant::now();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        waker.wake();
    });
    let got = loop {
        match conn
            .wait_for_event_timeout(Duration::from_secs(20))
            .expect("wait")
        {
            Some(Incoming::Event { .. }) => continue,
            other => break other,
        }
    };
    t.join().expect("waker thread");
    assert_eq!(got, Some(Incoming::Woken));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the wake came late"
    );
    // One wake is one Woken: the next wait times out.
    let next = conn
        .wait_for_event_timeout(Duration::from_millis(200))
        .expect("wait");
    assert!(
        !matches!(next, Some(Incoming::Woken)),
        "a second Woken for one wake"
    );
}

#[test]
fn the_descriptor_survives_a_resumed_connection() {
    let s = TestServer::start_with(|c| {
        c.listen_tcp = true;
        c.tcp_addr = std::net::IpAddr::from([127, 0, 0, 1]);
    });
    let proxy = Proxy::start(s.handle.tcp_port.expect("tcp port"));
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(format!("127.0.0.1:{}", proxy.number)),
        cookie: Some(s.handle.cookie.to_vec()),
        app_name: Some("event-loop-test".into()),
        reconnect: Reconnect::Wait {
            give_up: Some(Duration::from_secs(30)),
        },
        ..ConnectOptions::default()
    })
    .expect("connect");
    conn.setup().expect("setup");
    let fd = conn.as_fd().as_raw_fd();
    let win = window(&conn);
    expose_through_fd(&conn, win);
    proxy.cut();
    // The loss and the return arrive through the descriptor, not a busy loop.
    let end = Instant::now() + Duration::from_secs(30);
    let (mut lost, mut wakes) = (false, 0u32);
    loop {
        assert!(
            Instant::now() < end,
            "the connection did not come back in 30 s"
        );
        match conn.poll_for_event().expect("poll") {
            Some(Incoming::Display(DisplayChange::Lost)) => lost = true,
            Some(Incoming::Display(DisplayChange::Back { .. })) => break,
            Some(_) => {}
            None => {
                wakes += 1;
                readable(&conn, 1000);
            }
        }
    }
    assert!(lost, "no Lost before Back");
    assert!(wakes < 200, "{wakes} wakes while resuming: the loop spun");
    assert_eq!(conn.as_fd().as_raw_fd(), fd, "the descriptor changed");
    // The new socket is watched: drained, the descriptor is quiet; an event sent to the
    // window makes it readable before anything reads the socket.
    while conn.poll_for_event().expect("poll").is_some() {}
    assert!(
        !readable(&conn, 300),
        "readable with nothing to read after the resume"
    );
    let other = s.connect();
    other.setup().expect("setup");
    poke(&other, win);
    assert!(readable(&conn, 5000), "the resumed socket is not watched");
    expose_through_fd(&conn, win);
}

#[test]
fn no_server_is_named_as_such_before_any_cookie_is_looked_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("nothing-here");
    let err = Connection::connect_with(ConnectOptions {
        display: Some(format!("unix:{}", socket.display())),
        // No cookie anywhere: the missing server must be the news.
        cookie: None,
        ..ConnectOptions::default()
    })
    .expect_err("connected to nothing");
    let text = err.to_string();
    assert!(matches!(err, ConnectError::Io { .. }), "{text}");
    assert!(text.contains("is a server running"), "{text}");
    assert!(!text.contains("cookie"), "{text}");
}
