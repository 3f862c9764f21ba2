//! TLS displays (`--listen tls`, `tls:HOST:N`): a client that pins the right certificate
//! fingerprint connects and draws, with pixels read back through the TLS connection; a
//! wrong fingerprint and a missing or wrong cookie are refused with clear messages; a
//! plaintext client on the TLS port is told where to go; and the command line keeps the
//! display's key and certificate (mode 0600) across restarts, prints the fingerprint with
//! `--print-cookie`, and warns about plain TCP.
//!
//! Servers listen on 127.0.0.1 only. Every wait is bounded.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectError, ConnectOptions, Connection, Fingerprint};
use yonder_protocol::request::ImageFormat;
use yonder_protocol::{frame, EventMask, Hello, Point, Rect, SetupResponse, TCP_PORT_BASE};
use yonder_test_support::client::{gc, read, window};
use yonder_test_support::server::{ServerProcess, TestServer};

const SERVER: &str = env!("CARGO_BIN_EXE_yonder-server");
/// Generous bound for anything that should take milliseconds.
const WAIT: Duration = Duration::from_secs(10);

fn tls_server() -> TestServer {
    TestServer::start_with(|c| {
        c.listen_tls = true;
        c.tcp_addr = [127, 0, 0, 1].into();
    })
}

fn pin(s: &TestServer) -> Fingerprint {
    Fingerprint(
        s.handle
            .tls_fingerprint
            .expect("a TLS server has a fingerprint"),
    )
}

fn tls_options(s: &TestServer, fingerprint: Fingerprint) -> ConnectOptions {
    ConnectOptions {
        display: Some(format!("tls:127.0.0.1:{}", s.handle.number)),
        fingerprint: Some(fingerprint),
        ..s.options()
    }
}

/// Deterministic noise: compresses badly, so it travels as raw bytes.
fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x2545_f491_u32;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 4 == 3 {
                0
            } else {
                x as u8
            }
        })
        .collect()
}

#[test]
fn a_pinned_client_draws_over_tls() {
    let s = tls_server();
    assert_eq!(
        s.handle.tls_port,
        Some(yonder_protocol::TLS_PORT_BASE + s.handle.number as u16)
    );
    let conn = Connection::connect_with(tls_options(&s, pin(&s))).expect("connect over TLS");
    let setup = conn.wait_for_setup().expect("setup over TLS");
    assert!(
        setup.extensions.is_empty(),
        "no shared memory over the network"
    );

    let w = window(
        &conn,
        Rect::new(10, 20, 200, 150),
        0x204080,
        EventMask::EXPOSURE,
    );
    let g = gc(&conn, w, 0xff8000);
    conn.poly_fill_rectangle(w, g, &[Rect::new(20, 30, 40, 50)]);
    let px = read(&conn, w, Rect::new(0, 0, 200, 150));
    assert_eq!(px.at(5, 5), 0x204080, "background");
    assert_eq!(px.at(25, 35), 0xff8000, "fill");
    assert_eq!(px.count(0xff8000), 40 * 50);

    // Megabytes each way without waiting for a reply: many TLS records, and writes that
    // wait for the socket while the replies to earlier requests pile up unread (the
    // library reads them meanwhile, or both sides would stall).
    let (iw, ih) = (200u32, 150u32);
    let image = noise((iw * ih * 4) as usize);
    for _ in 0..16 {
        conn.put_image(
            w,
            g,
            Point::new(0, 0),
            iw,
            ih,
            ImageFormat::Bgrx,
            image.clone(),
        );
        let _ = conn.get_image(w, Rect::new(0, 0, iw, ih), ImageFormat::Bgrx);
    }
    let back = conn
        .get_image(w, Rect::new(0, 0, iw, ih), ImageFormat::Bgrx)
        .reply()
        .expect("get_image over TLS");
    let opaque =
        |d: &[u8]| -> Vec<u8> { d.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect() };
    assert!(
        opaque(&back.data) == opaque(&image),
        "the image read back over TLS differs"
    );

    // One thread blocked reading (no event comes) while another makes round trips: the
    // reader holds no lock the writer needs.
    yonder_test_support::client::drain(&conn);
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| conn.wait_for_event_timeout(Duration::from_secs(2)));
        std::thread::sleep(Duration::from_millis(100));
        let start = Instant::now();
        for _ in 0..20 {
            conn.sync().expect("sync while another thread reads");
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "round trips waited for the reader"
        );
        let waited = waiter
            .join()
            .unwrap()
            .expect("the reading thread saw no failure");
        assert!(waited.is_none(), "unexpected {waited:?}");
    });

    // A local client sees what the TLS client drew.
    let local = s.connect_trusted();
    let root = read(&local, local.root(), Rect::new(10, 20, 200, 150));
    assert_eq!(root.data, read(&conn, w, Rect::new(0, 0, 200, 150)).data);
}

#[test]
fn a_wrong_fingerprint_is_refused() {
    let s = tls_server();
    let wrong = Fingerprint([0x42; 32]);
    match Connection::connect_with(tls_options(&s, wrong)) {
        Err(ConnectError::FingerprintMismatch { expected, got, .. }) => {
            assert_eq!(expected, wrong);
            assert_eq!(got, pin(&s));
        }
        other => panic!("a wrong fingerprint gave {other:?}"),
    }
    let msg = Connection::connect_with(tls_options(&s, wrong))
        .unwrap_err()
        .to_string();
    for part in [
        "not the display",
        &format!("sha256={}", "42".repeat(32)),
        &pin(&s).to_string(),
        "--print-cookie",
    ] {
        assert!(msg.contains(part), "{part:?} missing from: {msg}");
    }
    // The server is unharmed.
    let good = Connection::connect_with(tls_options(&s, pin(&s))).expect("connect");
    good.sync().expect("the server still serves");
}

/// Sends `hello` over a TLS connection made with the library's pinning configuration
/// and returns the server's first frame, decoded.
fn raw_tls_hello(port: u16, fingerprint: Fingerprint, hello: &Hello) -> SetupResponse {
    let tcp = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    tcp.set_read_timeout(Some(WAIT)).unwrap();
    let conn = rustls::ClientConnection::new(
        yonder::tls::client_config(fingerprint),
        ServerName::try_from("localhost").unwrap(),
    )
    .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut out = Vec::new();
    frame::encode_frame(hello, &mut out);
    tls.write_all(&out).expect("write the hello");
    let mut back = Vec::new();
    // The server sends its refusal and closes the TLS session properly.
    tls.read_to_end(&mut back).expect("read to the TLS close");
    let (start, end) = frame::split_frame(&back, 1 << 20)
        .expect("a valid frame")
        .expect("a whole frame");
    assert_eq!(end, back.len(), "nothing after the refusal");
    yonder_protocol::handshake::decode_setup_response(&back[start..end]).expect("decodes")
}

#[test]
fn a_missing_or_wrong_cookie_is_refused_through_tls() {
    let s = tls_server();
    let hello = Hello {
        protocol: "yonder".into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: Vec::new(),
        app_name: "raw-tls".into(),
        id_space: 0x7e57,
        resume: None,
        token: None,
    };
    match raw_tls_hello(s.handle.tls_port.unwrap(), pin(&s), &hello) {
        SetupResponse::Refused(r) => assert!(r.reason.contains("no cookie"), "{}", r.reason),
        other => panic!("a hello without a cookie was answered with {other:?}"),
    }
    // The library reports the server's reason.
    let opts = ConnectOptions {
        cookie: Some(vec![0x5a; 16]),
        ..tls_options(&s, pin(&s))
    };
    let conn = Connection::connect_with(opts).expect("the TLS handshake succeeds");
    match conn.wait_for_setup() {
        Err(ConnectError::Refused(reason)) => {
            assert!(reason.contains("wrong cookie"), "{reason}")
        }
        other => panic!("a wrong cookie gave {other:?}"),
    }
}

#[test]
fn a_plaintext_client_on_the_tls_port_is_told_where_to_go() {
    let s = tls_server();
    let port = s.handle.tls_port.unwrap();
    let want = format!(
        "this port speaks TLS: connect with tls:127.0.0.1:{}",
        s.handle.number
    );
    // A Yonder client over plain TCP whose display number lands on the TLS port.
    let plain = ConnectOptions {
        display: Some(format!("127.0.0.1:{}", port - TCP_PORT_BASE)),
        ..s.options()
    };
    let conn = Connection::connect_with(plain).expect("the TCP connection opens");
    match conn.wait_for_setup() {
        Err(ConnectError::Refused(reason)) => assert_eq!(reason, want),
        other => panic!("a plaintext client on the TLS port got {other:?}"),
    }
    // Anything else that is not TLS gets the same frame.
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(WAIT)).unwrap();
    tcp.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let mut back = Vec::new();
    tcp.read_to_end(&mut back).unwrap();
    let (start, end) = frame::split_frame(&back, 1 << 20).unwrap().unwrap();
    match yonder_protocol::handshake::decode_setup_response(&back[start..end]) {
        Ok(SetupResponse::Refused(r)) => assert_eq!(r.reason, want),
        other => panic!("{other:?}"),
    }
}

// --- The command line ---

/// A `yonder-server` process with its runtime directory in `tmp` and its cookies in
/// `cookie_file`.
fn spawn_server(tmp: &Path, cookie_file: &Path, args: &[&str]) -> ServerProcess {
    let mut cmd = Command::new(SERVER);
    cmd.args(args)
        .env("XDG_RUNTIME_DIR", tmp)
        .env("YONDER_COOKIE_FILE", cookie_file)
        .env_remove("YONDER_LOG")
        .env_remove("YONDER_DISPLAY");
    ServerProcess::spawn(cmd)
}

/// `yonder-server --print-cookie :N`'s output.
fn print_cookie(cookie_file: &Path, n: u32) -> String {
    let out = Command::new(SERVER)
        .args(["--print-cookie", &format!(":{n}")])
        .env("YONDER_COOKIE_FILE", cookie_file)
        .output()
        .expect("run --print-cookie");
    assert!(
        out.status.success(),
        "--print-cookie: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Connects to `tls:127.0.0.1:N` with a cookie line as `--print-cookie` printed it,
/// draws, and reads the pixel back.
fn draw_with_line(n: u32, line: &str) {
    let parsed = yonder::auth::parse_cookie_line(line).expect("a cookie line");
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(format!("tls:127.0.0.1:{n}")),
        cookie: Some(yonder::auth::parse_cookie_hex(&parsed.cookie).expect("hex cookie")),
        fingerprint: Some(
            Fingerprint::parse(parsed.fingerprint.as_deref().expect("a fingerprint field"))
                .unwrap(),
        ),
        app_name: Some("tls-cli".into()),
        ..ConnectOptions::default()
    })
    .expect("connect with the printed line");
    let w = window(
        &conn,
        Rect::new(5, 5, 40, 30),
        0x10b981,
        EventMask::EXPOSURE,
    );
    assert_eq!(read(&conn, w, Rect::new(3, 3, 1, 1)).data, [0x10b981]);
}

#[test]
fn the_command_line_keeps_the_identity_and_prints_the_fingerprint() {
    const N: u32 = 61;
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state");
    let cookies = state.join("cookies");
    let args = [
        ":61",
        "--headless",
        "160x120",
        "--no-window-manager",
        "--listen",
        "tls",
        "--tcp-addr",
        "127.0.0.1",
    ];
    let server = spawn_server(tmp.path(), &cookies, &args);
    assert_eq!(server.line(), format!("YONDER_DISPLAY=:{N}"));

    // Key and certificate beside the cookie file, the owner's alone.
    let (key, crt) = (state.join("display-61.key"), state.join("display-61.crt"));
    assert_eq!(mode(&state), 0o700, "directory mode");
    assert_eq!(mode(&key), 0o600, "key mode");
    assert_eq!(mode(&crt), 0o600, "certificate mode");
    let cert = CertificateDer::from_pem_file(&crt).expect("a PEM certificate");
    let fingerprint = Fingerprint::of_certificate(&cert);

    // --print-cookie: `HOST:N HEX32 sha256=HEX64`, the certificate's fingerprint.
    let line = print_cookie(&cookies, N);
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.len(), 3, "{line:?}");
    assert!(fields[0].ends_with(":61"), "{line:?}");
    assert_eq!(fields[1].len(), 32, "{line:?}");
    assert_eq!(fields[2], fingerprint.to_string(), "{line:?}");
    // The server's own cookie-file line has it too, for local TLS clients.
    let own = std::fs::read_to_string(&cookies).unwrap();
    assert!(
        own.lines()
            .any(|l| l == format!(":61 {} {fingerprint}", fields[1])),
        "{own}"
    );
    draw_with_line(N, &line);
    assert!(
        !server.stderr().contains("unencrypted"),
        "TLS alone warns about plain TCP:\n{}",
        server.stderr()
    );
    let (key_bytes, crt_bytes) = (std::fs::read(&key).unwrap(), std::fs::read(&crt).unwrap());
    server.stop();

    // A restart reuses the key and certificate: the pinned fingerprint still holds.
    let server = spawn_server(tmp.path(), &cookies, &args);
    assert_eq!(server.line(), format!("YONDER_DISPLAY=:{N}"));
    assert_eq!(std::fs::read(&key).unwrap(), key_bytes, "the key changed");
    assert_eq!(
        std::fs::read(&crt).unwrap(),
        crt_bytes,
        "the certificate changed"
    );
    let again = print_cookie(&cookies, N);
    assert!(
        again.trim_end().ends_with(&fingerprint.to_string()),
        "{again:?}"
    );
    assert_eq!(
        again, line,
        "a restart keeps the display's cookie (protocol.md §3)"
    );
    draw_with_line(N, &again);
    // The old line's cookie is stale, but its fingerprint is what the new line has.
    server.stop();

    // Plain TCP says it is unencrypted.
    let plain = spawn_server(
        tmp.path(),
        &cookies,
        &[
            ":62",
            "--headless",
            "64x64",
            "--listen",
            "tcp",
            "--tcp-addr",
            "127.0.0.1",
        ],
    );
    assert_eq!(plain.line(), "YONDER_DISPLAY=:62");
    assert!(
        plain.stderr_shows("unencrypted"),
        "no warning for plain TCP:\n{}",
        plain.stderr()
    );
    assert!(
        !state.join("display-62.crt").exists(),
        "plain TCP made a certificate"
    );
    let line = print_cookie(&cookies, 62);
    assert_eq!(line.split_whitespace().count(), 2, "{line:?}");
    plain.stop();
}
