//! Load: 200 clients drawing at once, each on its own connection and thread, while a
//! hostile client sends garbage, oversized frames, requests with bad ids, and floods the
//! server with expensive requests and never reads. Everyone else keeps getting answers
//! (the worst round trip is printed; only a generous bound is asserted), the server's
//! memory stays bounded, and nothing crashes.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder_protocol::request::{
    CreateWindow, GetImage, ImageFormat, PolyFillRectangle, WindowAttributes,
};
use yonder_protocol::{frame, make_id, Drawable, EventMask, GcId, Rect, Request, WindowId};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

const CLIENTS: usize = 200;
const ROUNDS: usize = 10;

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn hello_frame(s: &TestServer, space: u32) -> Vec<u8> {
    let hello = yonder_protocol::Hello {
        protocol: "yonder".into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: s.handle.cookie.to_vec(),
        app_name: "hostile".into(),
        id_space: space,
        resume: None,
        token: None,
    };
    let mut out = Vec::new();
    frame::encode_frame(&hello, &mut out);
    out
}

/// Whether a client named `hostile` is still connected.
fn hostile_connected(observer: &yonder::Connection) -> bool {
    let list = observer
        .list_clients()
        .reply()
        .expect("the observer is answered");
    list.clients.iter().any(|c| c.app_name == "hostile")
}

/// One round of hostility. Each round waits until the server has dropped all of its
/// connections, so that the hostile client is one client, not an unbounded number.
fn be_hostile(s: &TestServer, observer: &yonder::Connection, round: u32) {
    let connect = || UnixStream::connect(&s.handle.socket_path).ok();
    // Garbage instead of a hello.
    if let Some(mut g) = connect() {
        let _ = g.write_all(b"GET / HTTP/1.1\r\n\r\n\xc1\xc1\xc1\xc1");
    }
    // A hello, then a frame header announcing 64 MiB.
    let space = 0x0BAD_0000 + round * 2;
    if let Some(mut o) = connect() {
        let _ = o.write_all(&hello_frame(s, space));
        let _ = o.write_all(&(64u32 << 20).to_le_bytes());
    }
    // A hello, then bad ids and a flood of expensive requests, never reading.
    let space = space + 1;
    let Some(mut f) = connect() else { return };
    let _ = f.set_write_timeout(Some(Duration::from_secs(2)));
    let mut out = hello_frame(s, space);
    let win = WindowId(make_id(space, 1));
    let create = Request::CreateWindow(CreateWindow {
        id: win,
        parent: WindowId::ROOT,
        rect: Rect::new(0, 0, 512, 512),
        attributes: WindowAttributes::default(),
    });
    frame::encode_frame(&create, &mut out);
    for i in 0..200u64 {
        // A drawable and a GC that do not exist: an error each.
        let bad = Request::PolyFillRectangle(PolyFillRectangle {
            drawable: Drawable(0xdead_0000_0000 + i),
            gc: GcId(0xbeef),
            rects: vec![Rect::new(0, 0, 10, 10)],
        });
        frame::encode_frame(&bad, &mut out);
    }
    let get = Request::GetImage(GetImage {
        drawable: win.into(),
        rect: Rect::new(0, 0, 512, 512),
        format: ImageFormat::Bgrx,
    });
    // 1 MiB each: 40 MiB of replies, past the default --max-output-buffer of 32 MiB.
    for _ in 0..40 {
        frame::encode_frame(&get, &mut out);
    }
    // Written until the server closes the connection (or the write times out); then
    // the connection stays open, never read, until the server drops it for leaving
    // more than --max-output-buffer unread.
    let _ = f.write_all(&out);
    let end = Instant::now() + Duration::from_secs(20);
    while hostile_connected(observer) {
        assert!(
            Instant::now() < end,
            "the never-reading client is still connected"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(f);
}

#[test]
fn two_hundred_clients_and_a_hostile_one() {
    let s = TestServer::start();
    let observer = s.connect_trusted();
    observer.sync().unwrap();
    let before = rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(Mutex::new(before));
    let started = Instant::now();

    let (worst, hostile_rounds) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                let r = rss_kib();
                let mut p = peak.lock().unwrap();
                *p = (*p).max(r);
                drop(p);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let hostile = scope.spawn(|| {
            let watch = s.connect_trusted();
            let mut round = 0;
            while !stop.load(Ordering::Relaxed) {
                be_hostile(&s, &watch, round);
                round += 1;
            }
            round
        });
        let workers: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let s = &s;
                scope.spawn(move || {
                    let c = s.connect();
                    let x = (i % 20) as i32 * 16;
                    let y = (i / 20) as i32 * 16;
                    let w = window(&c, Rect::new(x, y, 16, 16), 0xFFFFFF, EventMask::EMPTY);
                    let g = gc(&c, w, (i as u32).wrapping_mul(0x010203));
                    let mut worst = Duration::ZERO;
                    for r in 0..ROUNDS {
                        let t = Instant::now();
                        c.poly_fill_rectangle(w, g, &[Rect::new(r as i32, 0, 4, 4)]);
                        c.sync().expect("a drawing client keeps getting answers");
                        worst = worst.max(t.elapsed());
                    }
                    let px = read(&c, w, Rect::new(0, 0, 1, 1)).at(0, 0);
                    assert_eq!(px, (i as u32).wrapping_mul(0x010203) & 0xFFFFFF);
                    worst
                })
            })
            .collect();
        let worst = workers
            .into_iter()
            .map(|h| h.join().expect("a client thread panicked"))
            .max()
            .unwrap_or_default();
        stop.store(true, Ordering::Relaxed);
        let rounds = hostile.join().unwrap();
        sampler.join().unwrap();
        (worst, rounds)
    });

    let grown = peak.lock().unwrap().saturating_sub(before);
    println!(
        "load: {CLIENTS} clients x {ROUNDS} round trips in {:.1} s beside {hostile_rounds} \
         hostile rounds; worst round trip {:.0} ms; peak RSS +{} MiB (clients included)",
        started.elapsed().as_secs_f64(),
        worst.as_secs_f64() * 1000.0,
        grown / 1024
    );
    assert!(
        worst < Duration::from_secs(10),
        "worst round trip {worst:?}"
    );
    assert!(grown < 1024 * 1024, "RSS grew by {grown} KiB");
    // The server is fine, and everyone's resources are gone.
    observer.sync().unwrap();
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let n = observer.list_clients().reply().unwrap().clients.len();
        if n == 1 {
            break;
        }
        assert!(Instant::now() < end, "{n} clients still listed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let tree = observer.query_tree(observer.root()).reply().unwrap();
    assert!(
        tree.children.is_empty(),
        "windows left: {:?}",
        tree.children
    );
}

/// The Unix socket's and plain TCP's connections are served by the state thread itself,
/// between commands (`net::server`), while TLS connections hand their requests over from
/// the runtime's workers. A TLS client that keeps the command queue full of heavy
/// drawing must not starve them: a Unix client's round trips all come back while the
/// flood goes on.
#[test]
fn a_tls_flood_does_not_starve_the_unix_socket() {
    const ROUND_TRIPS: usize = 50;
    let s = TestServer::start_with(|c| {
        c.listen_tls = true;
        c.tcp_addr = [127, 0, 0, 1].into();
    });
    let fingerprint = s
        .handle
        .tls_fingerprint
        .expect("a TLS server's fingerprint");
    let flooder = Connection::connect_with(yonder::ConnectOptions {
        display: Some(format!("tls:127.0.0.1:{}", s.handle.number)),
        fingerprint: Some(yonder::Fingerprint(fingerprint)),
        ..s.options()
    })
    .expect("connect over tls");
    let w = window(&flooder, Rect::new(0, 0, 16, 16), 0, EventMask::EMPTY);
    let p = flooder.new_pixmap_id();
    flooder.create_pixmap(p, w, 256, 256).check().unwrap();
    let g = gc(&flooder, w, 0x336699);
    let stop = &AtomicBool::new(false);
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let fills = std::thread::scope(|scope| {
        let flood = scope.spawn(move || {
            // Never synced: the command queue never runs dry (the TLS connection keeps
            // its four batches in flight) for as long as the test runs. Dropping
            // the connection at the end gives up what is still buffered (within 1 s).
            let mut fills = 0u64;
            while !stop.load(Ordering::Relaxed) {
                flooder.poly_fill_rectangle(p, g, &[Rect::new(0, 0, 256, 256)]);
                fills += 1;
            }
            fills
        });
        // Let the flood fill the queue first.
        std::thread::sleep(Duration::from_millis(200));
        scope.spawn(|| {
            let c = s.connect();
            let t = Instant::now();
            for _ in 0..ROUND_TRIPS {
                c.sync().expect("a round trip over the Unix socket");
            }
            println!(
                "{ROUND_TRIPS} round trips beside the flood: {:?}",
                t.elapsed()
            );
            let _ = done_tx.send(());
        });
        // Served, each takes about 30 ms here; starved (the Unix socket read only when
        // the queue runs dry), they took over a second each, which this bound catches.
        let served = done_rx.recv_timeout(Duration::from_secs(30));
        stop.store(true, Ordering::Relaxed);
        assert!(
            served.is_ok(),
            "the Unix client's round trips did not come back beside the TLS flood"
        );
        flood.join().expect("the flooding thread")
    });
    assert!(fills > 1000, "the flood sent only {fills} fills");
}
