//! The library's TLS stream against a scripted fake server speaking TLS (rustls, a
//! certificate made by rcgen) on 127.0.0.1: both sides writing megabytes before reading,
//! the server vanishing with or without a TLS close, a server that does not speak TLS,
//! and a display without a pinned fingerprint (no connection is even attempted).

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use yonder::prelude::*;
use yonder::protocol::handshake::Refusal;
use yonder::protocol::reply::SyncReply;
use yonder::protocol::request::ImageFormat;
use yonder::protocol::{
    encode_frame, Point, Reply, Request, Seq, ServerMessage, SetupResponse, TLS_PORT_BASE,
};
use yonder::{ConnectError, ConnectOptions, Connection, ConnectionError, Fingerprint};
use yonder_test_support::fake::COOKIE;

/// The server's end of one connection.
type Peer =
    yonder_test_support::fake::Peer<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>;

/// A fake server on the TLS port of some display number, for one client.
struct Server {
    number: u16,
    fingerprint: Fingerprint,
    thread: Option<JoinHandle<()>>,
}

/// Binds the TLS port of the first display number from 300 on that is free here.
fn bind() -> (u16, TcpListener) {
    for n in 300..500u16 {
        if let Ok(l) = TcpListener::bind(("127.0.0.1", TLS_PORT_BASE + n)) {
            return (n, l);
        }
    }
    panic!("no free port in 7900..8100");
}

impl Server {
    /// A server that does the TLS handshake, then runs `script`.
    fn tls(script: impl FnOnce(&mut Peer) + Send + 'static) -> Server {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let cert = params.self_signed(&key).unwrap();
        let fingerprint = Fingerprint::of_certificate(cert.der());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
        let config = Arc::new(config);
        Server::raw(fingerprint, move |tcp| {
            let conn = rustls::ServerConnection::new(config).unwrap();
            let mut peer = Peer::new(rustls::StreamOwned::new(conn, tcp));
            script(&mut peer);
        })
    }

    /// A server that runs `script` on the bare TCP connection.
    fn raw(fingerprint: Fingerprint, script: impl FnOnce(TcpStream) + Send + 'static) -> Server {
        let (number, listener) = bind();
        let thread = std::thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            script(tcp);
        });
        Server {
            number,
            fingerprint,
            thread: Some(thread),
        }
    }

    fn options(&self) -> ConnectOptions {
        ConnectOptions {
            display: Some(format!("tls:127.0.0.1:{}", self.number)),
            cookie: Some(COOKIE.to_vec()),
            fingerprint: Some(self.fingerprint),
            app_name: Some("tls-test".into()),
            ..ConnectOptions::default()
        }
    }

    fn join(mut self) {
        if let Some(t) = self.thread.take() {
            t.join().expect("the fake server's script failed");
        }
    }
}

#[test]
fn writer_reads_while_the_server_is_busy_writing_over_tls() {
    // Both sides send megabytes before reading: the client must read while it writes,
    // through TLS as through a plain socket.
    const N: usize = 200;
    const EVENTS: usize = 50_000;
    let server = Server::tls(|peer| {
        peer.accept();
        peer.flood_exposes(EVENTS);
        for _ in 0..N {
            assert!(matches!(peer.request(), Request::PutImage(_)));
        }
        assert!(matches!(peer.request(), Request::Sync(_)));
        let mut out = Vec::new();
        encode_frame(
            &ServerMessage::Reply {
                seq: Seq(N as u64 + 1),
                reply: Reply::Sync(SyncReply {}),
            },
            &mut out,
        );
        peer.send_bytes(&out);
        peer.frame();
    });
    let conn = Connection::connect_with(server.options()).expect("connect");
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
fn the_server_going_away_is_a_closed_connection() {
    // With a TLS close (close_notify), and without one (the TCP socket just closes).
    for clean in [true, false] {
        let server = Server::tls(move |peer| {
            peer.accept();
            assert!(matches!(peer.request(), Request::Sync(_)));
            if clean {
                // Dropping the rustls stream sends nothing; this closes it properly.
                peer.stream.conn.send_close_notify();
                peer.stream.flush().unwrap();
            }
        });
        let conn = Connection::connect_with(server.options()).expect("connect");
        conn.wait_for_setup().expect("setup");
        let got = conn.sync();
        assert!(
            matches!(got, Err(ConnectionError::Closed)),
            "clean={clean}: {got:?}"
        );
        server.join();
    }
}

#[test]
fn a_refusal_comes_through_tls() {
    let server = Server::tls(|peer| {
        peer.frame().expect("hello");
        let mut out = Vec::new();
        encode_frame(
            &SetupResponse::Refused(Refusal {
                reason: "wrong cookie for this display".into(),
            }),
            &mut out,
        );
        peer.send_bytes(&out);
    });
    let conn = Connection::connect_with(server.options()).expect("connect");
    match conn.wait_for_setup() {
        Err(ConnectError::Refused(r)) => assert_eq!(r, "wrong cookie for this display"),
        other => panic!("{other:?}"),
    }
    server.join();
}

#[test]
fn a_server_that_does_not_speak_tls_is_a_clear_error() {
    // A plaintext server answers the ClientHello with a Yonder refusal frame.
    let server = Server::raw(Fingerprint([1; 32]), |mut tcp| {
        let mut first = [0u8; 5];
        tcp.read_exact(&mut first).unwrap();
        let mut out = Vec::new();
        encode_frame(
            &SetupResponse::Refused(Refusal {
                reason: "hello rejected".into(),
            }),
            &mut out,
        );
        tcp.write_all(&out).unwrap();
        let _ = tcp.shutdown(std::net::Shutdown::Write);
        let _ = tcp.read_to_end(&mut Vec::new());
    });
    match Connection::connect_with(server.options()) {
        Err(ConnectError::Tls { address, reason }) => {
            assert!(address.contains(&format!("port {}", TLS_PORT_BASE + server.number)));
            assert!(reason.contains("does not speak TLS"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    server.join();
}

#[test]
fn without_a_fingerprint_nothing_is_sent() {
    // The lookup reads the environment; it must not hold a fingerprint for this test.
    if std::env::var_os("YONDER_FINGERPRINT").is_some()
        || std::env::var_os("YONDER_COOKIE_FILE").is_some()
    {
        println!("SKIPPED: YONDER_FINGERPRINT or YONDER_COOKIE_FILE is set");
        return;
    }
    let (number, listener) = bind();
    listener.set_nonblocking(true).unwrap();
    let opts = ConnectOptions {
        display: Some(format!("tls:127.0.0.1:{number}")),
        cookie: Some(COOKIE.to_vec()),
        ..ConnectOptions::default()
    };
    match Connection::connect_with(opts) {
        Err(e @ ConnectError::NoFingerprint(_)) => {
            let msg = e.to_string();
            assert!(msg.contains("YONDER_FINGERPRINT"), "{msg}");
            assert!(msg.contains("--print-cookie"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        listener.accept().is_err(),
        "the library connected without a fingerprint"
    );
}
