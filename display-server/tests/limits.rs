//! Limits (protocol.md §19.3): the per-client quota of drawable memory, the maximum number
//! of clients, and the cap on a client's unread output, which disconnects a client that
//! never reads instead of letting the server's memory grow.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectError, Connection, ReplyError};
use yonder_protocol::request::{CreateWindow, GetImage, ImageFormat, PropMode, WindowAttributes};
use yonder_protocol::{atoms, frame, make_id, ErrorCode, EventMask, Rect, Request, WindowId};
use yonder_test_support::server::*;

fn code(r: Result<(), ReplyError>) -> ErrorCode {
    match r {
        Err(ReplyError::Protocol(p)) => p.code,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

/// This process's resident memory in KiB (the server runs in it).
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// The largest RSS seen (in KiB) while `f` runs, sampled every few milliseconds.
pub fn peak_rss_during(f: impl FnOnce()) -> u64 {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = rss_kib();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib());
                std::thread::sleep(Duration::from_millis(3));
            }
            peak.max(rss_kib())
        })
    };
    f();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sampler.join().unwrap()
}

/// The tests of this file run one at a time, so that one's memory does not show in
/// another's measurement.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A raw connection that has sent its hello (id space `space`) and read the setup.
fn raw_client(s: &TestServer, space: u32) -> UnixStream {
    let mut sock = UnixStream::connect(&s.handle.socket_path).unwrap();
    let hello = yonder_protocol::Hello {
        protocol: "yonder".into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: s.handle.cookie.to_vec(),
        app_name: "never-reads".into(),
        id_space: space,
        resume: None,
        token: None,
    };
    let mut out = Vec::new();
    frame::encode_frame(&hello, &mut out);
    sock.write_all(&out).unwrap();
    let mut len = [0u8; 4];
    sock.read_exact(&mut len).unwrap();
    let mut body = vec![0; u32::from_le_bytes(len) as usize];
    sock.read_exact(&mut body).unwrap();
    sock
}

/// Whether the server has closed `sock` (after what it had already sent).
fn closed_within(sock: &mut UnixStream, limit: Duration) -> bool {
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let end = Instant::now() + limit;
    let mut buf = vec![0u8; 1 << 16];
    while Instant::now() < end {
        match sock.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return true,
        }
    }
    false
}

/// Waits (without reading the never-reading client's socket, which would make it a
/// reading one) until the server no longer lists a client named `never-reads`.
fn dropped_within(watcher: &Connection, limit: Duration) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if !app_names(watcher).iter().any(|n| n == "never-reads") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn app_names(conn: &Connection) -> Vec<String> {
    let list = conn.list_clients().reply().unwrap();
    list.clients.into_iter().map(|c| c.app_name).collect()
}

#[test]
fn drawable_memory_quota_refuses_with_alloc_and_freeing_makes_room() {
    let _serial = serial();
    // 1 MiB: four 256×256 pixmaps (256 KiB each), or one 512×512 window.
    let s = TestServer::start_with(|c| c.client_memory_quota = 1 << 20);
    let a = s.connect();
    let mut pixmaps = Vec::new();
    for _ in 0..4 {
        let p = a.new_pixmap_id();
        a.create_pixmap(p, a.root(), 256, 256)
            .check()
            .expect("within the quota");
        pixmaps.push(p);
    }
    let over = a.new_pixmap_id();
    let e = a.create_pixmap(over, a.root(), 256, 256).check();
    match &e {
        Err(ReplyError::Protocol(p)) => {
            assert_eq!(p.code, ErrorCode::Alloc);
            assert!(p.message.contains("quota"), "{}", p.message);
        }
        other => panic!("{other:?}"),
    }
    let w = a.new_window_id();
    let r = a
        .create_window(w, a.root(), Rect::new(0, 0, 16, 16), Default::default())
        .check();
    assert_eq!(
        code(r),
        ErrorCode::Alloc,
        "a window's backing store counts too"
    );
    // Another client has its own quota.
    let b = s.connect();
    let pb = b.new_pixmap_id();
    b.create_pixmap(pb, b.root(), 256, 256)
        .check()
        .expect("b's own quota");

    // Freeing makes room again.
    a.free_pixmap(pixmaps.pop().unwrap());
    a.create_window(w, a.root(), Rect::new(0, 0, 128, 128), Default::default())
        .check()
        .expect("room after FreePixmap");
    // Growing a window is charged to its owner, whoever resizes it.
    let grow = yonder_protocol::request::ConfigureWindow {
        window: w,
        width: Some(256),
        height: Some(257),
        ..Default::default()
    };
    assert_eq!(
        code(b.configure_window(grow.clone()).check()),
        ErrorCode::Alloc
    );
    a.destroy_window(w);
    a.free_pixmap(pixmaps.pop().unwrap());
    a.create_window(w, a.root(), Rect::new(0, 0, 128, 128), Default::default())
        .check()
        .unwrap();
    a.configure_window(grow)
        .check()
        .expect("room after DestroyWindow");
    // A client that goes away frees its quota with its resources; a newcomer starts at 0.
    drop(a);
    let c = s.connect();
    for _ in 0..4 {
        let p = c.new_pixmap_id();
        c.create_pixmap(p, c.root(), 256, 256).check().unwrap();
    }
}

#[test]
fn one_client_more_than_the_maximum_is_refused_with_the_reason() {
    let _serial = serial();
    let s = TestServer::start_with(|c| c.max_clients = 3);
    let clients: Vec<Connection> = (0..3)
        .map(|_| {
            let c = s.connect();
            c.sync().unwrap();
            c
        })
        .collect();
    match Connection::connect_with(s.options()).and_then(|c| c.wait_for_setup().map(|_| ())) {
        Err(ConnectError::Refused(reason)) => {
            assert!(reason.contains("too many clients"), "{reason}");
            assert!(reason.contains('3'), "{reason}");
        }
        other => panic!("the fourth client got {other:?}"),
    }
    // One leaves: there is room again.
    drop(clients);
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let c = Connection::connect_with(s.options()).unwrap();
        match c.wait_for_setup() {
            Ok(_) => break,
            Err(e) if Instant::now() < end => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("no room after the others left: {e}"),
        }
    }
}

#[test]
fn a_client_that_never_reads_its_replies_is_disconnected_and_memory_stays_bounded() {
    let _serial = serial();
    let s = TestServer::start();
    let watcher = s.connect();
    let space = 0x0DEA_0001;
    let mut sock = raw_client(&s, space);
    let win = WindowId(make_id(space, 1));
    let mut out = Vec::new();
    let create = Request::CreateWindow(CreateWindow {
        id: win,
        parent: WindowId::ROOT,
        rect: Rect::new(0, 0, 1024, 1024),
        attributes: WindowAttributes::default(),
    });
    frame::encode_frame(&create, &mut out);
    sock.write_all(&out).unwrap();
    let before = rss_kib();
    // 64 GetImage of 4 MiB each: 256 MiB of replies if the server kept them all.
    let get = Request::GetImage(GetImage {
        drawable: win.into(),
        rect: Rect::new(0, 0, 1024, 1024),
        format: ImageFormat::Bgrx,
    });
    let mut many = Vec::new();
    for _ in 0..64 {
        frame::encode_frame(&get, &mut many);
    }
    let mut gone = false;
    let peak = peak_rss_during(|| {
        // The server may close the socket while this is still being written.
        let _ = sock.write_all(&many);
        gone = dropped_within(&watcher, Duration::from_secs(20));
    });
    assert!(gone, "the server kept a client that does not read");
    assert!(
        closed_within(&mut sock, Duration::from_secs(5)),
        "its socket is closed"
    );
    let grown = peak.saturating_sub(before);
    println!(
        "never-reading client (256 MiB of replies asked for): peak RSS grew by {} MiB",
        grown / 1024
    );
    assert!(grown < 160 * 1024, "RSS grew by {grown} KiB");
    // It is gone with its resources; the others go on.
    assert!(!app_names(&watcher).contains(&"never-reads".to_string()));
    assert!(watcher
        .query_tree(watcher.root())
        .reply()
        .unwrap()
        .children
        .is_empty());
}

#[test]
fn a_client_flooded_with_events_it_never_reads_is_disconnected() {
    let _serial = serial();
    let s = TestServer::start_with(|c| c.max_output_buffer = 128 << 10);
    let space = 0x0DEA_0002;
    let mut victim = raw_client(&s, space);
    let win = WindowId(make_id(space, 1));
    let mut out = Vec::new();
    frame::encode_frame(
        &Request::CreateWindow(CreateWindow {
            id: win,
            parent: WindowId::ROOT,
            rect: Rect::new(0, 0, 10, 10),
            attributes: WindowAttributes {
                event_mask: Some(EventMask::PROPERTY_CHANGE),
                ..Default::default()
            },
        }),
        &mut out,
    );
    victim.write_all(&out).unwrap();
    let other = s.connect();
    other.sync().unwrap();
    // Each change makes a Property event for the victim; it never reads them.
    for i in 0..50_000u32 {
        other
            .change_property(
                win,
                atoms::WM_NAME,
                atoms::STRING,
                PropMode::Replace,
                i.to_le_bytes(),
            )
            .ignore_error();
        if i % 1000 == 999 {
            let _ = other.sync();
        }
    }
    // About 1.5 MB of events against a limit of 128 KiB (and what the socket holds).
    assert!(
        dropped_within(&other, Duration::from_secs(20)),
        "still listed"
    );
    assert!(
        closed_within(&mut victim, Duration::from_secs(20)),
        "still connected"
    );
    // Its window went with it; the changer only got Window errors after that.
    other.sync().unwrap();
    assert!(!app_names(&other).contains(&"never-reads".to_string()));
}

/// The other side of the cap on unread output: a client that reads is not taken for one
/// that does not, however large the replies it asks for at once. 40 GetImages of a
/// 1000×800 window are 128 MB of replies, four times `--max-output-buffer`, all asked
/// before the first is read; the server reads such a client's requests only as fast as
/// it reads its replies (`Outbox::room`), and every reply comes.
#[test]
fn a_client_that_reads_gets_every_reply_of_pipelined_large_requests() {
    let _one = serial();
    let s = TestServer::start();
    let c = s.connect();
    let w = yonder_test_support::client::window(
        &c,
        Rect::new(0, 0, 1000, 800),
        0x123456,
        EventMask::EMPTY,
    );
    c.sync().unwrap();
    let cookies: Vec<_> = (0..40)
        .map(|_| c.get_image(w, Rect::new(0, 0, 1000, 800), ImageFormat::Rgba))
        .collect();
    for (i, cookie) in cookies.into_iter().enumerate() {
        let image = cookie
            .reply()
            .unwrap_or_else(|e| panic!("reply {i} of 40: {e}"));
        assert_eq!(image.data.len(), 1000 * 800 * 4, "reply {i}");
        assert_eq!(
            &image.data[..4],
            &[0x12, 0x34, 0x56, 0xFF],
            "reply {i}'s pixel"
        );
    }
    c.sync().expect("still connected");
}
