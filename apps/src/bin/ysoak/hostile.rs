//! Hostile clients, one thread each, over and over: garbage instead of a hello, a hello
//! frame claiming gigabytes, an oversized request after a good hello, a flood of
//! requests, a client that asks for large replies and never reads them, and a TCP
//! client that stops half-way through its hello. Each must cost the server nothing
//! lasting: the ones the server must drop are checked to be dropped in time.

use super::Counters;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::handshake::decode_setup_response;
use yonder_protocol::request::{CreatePixmap, GcValues, GetImage, ImageFormat};
use yonder_protocol::{
    encode_frame, make_id, Drawable, Hello, PixmapId, Rect, Request, SetupResponse,
};

/// The kinds of hostile client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Random bytes instead of a hello.
    Garbage,
    /// A hello frame whose length says 4 GiB.
    OversizedHello,
    /// A good hello, then a request frame longer than the limit.
    OversizedFrame,
    /// A good client sending no-op requests as fast as it can.
    Flood,
    /// A good hello, then GetImages of the whole screen, never reading a reply.
    NeverReading,
    /// Half a hello over TCP, then silence.
    HalfOpenTcp,
}

/// Every kind, one thread each.
pub const KINDS: [Kind; 6] = [
    Kind::Garbage,
    Kind::OversizedHello,
    Kind::OversizedFrame,
    Kind::Flood,
    Kind::NeverReading,
    Kind::HalfOpenTcp,
];

/// Where and how to connect.
pub struct Target {
    /// Display name, for the library's connections.
    pub display: String,
    /// The Unix socket, for hand-made connections.
    pub socket: PathBuf,
    /// The TCP address, for the half-open client.
    pub tcp: Option<String>,
    /// The display's cookie.
    pub cookie: Vec<u8>,
}

/// How long the server may take to drop a connection it must drop (the hello timeout is
/// 10 s; the rest is a margin for a loaded machine).
const DROP_TIME: Duration = Duration::from_secs(20);

/// Runs hostile clients of `kind` until `stop`.
pub fn run(kind: Kind, t: &Target, stop: &AtomicBool, c: &Counters) {
    let mut seed = 0x1234_5678_9abc_def0u64 ^ kind as u64;
    while !stop.load(Ordering::Relaxed) {
        c.hostile.fetch_add(1, Ordering::Relaxed);
        let dropped = match kind {
            Kind::Garbage => garbage(t, &mut seed),
            Kind::OversizedHello => oversized_hello(t),
            Kind::OversizedFrame => oversized_frame(t),
            Kind::Flood => flood(t, stop),
            Kind::NeverReading => never_reading(t),
            Kind::HalfOpenTcp => half_open(t),
        };
        if let Err(e) = dropped {
            c.hostile_unclosed.fetch_add(1, Ordering::Relaxed);
            eprintln!("ysoak: hostile {kind:?}: {e}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn io(e: std::io::Error) -> String {
    e.to_string()
}

/// Waits until the peer closes `s` (EOF or reset), reading and dropping what it sends.
fn closed_by_server(s: &mut impl Read) -> Result<(), String> {
    let end = Instant::now() + DROP_TIME;
    let mut buf = [0; 4096];
    while Instant::now() < end {
        match s.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Ok(()),
        }
    }
    Err("the server kept the connection open".into())
}

fn unix(t: &Target) -> Result<UnixStream, String> {
    let s = UnixStream::connect(&t.socket).map_err(io)?;
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(io)?;
    s.set_write_timeout(Some(Duration::from_secs(5)))
        .map_err(io)?;
    Ok(s)
}

fn hello_frame(t: &Target) -> Vec<u8> {
    static SPACE: AtomicU32 = AtomicU32::new(0x5A0C_0000);
    let hello = Hello {
        protocol: yonder_protocol::PROTOCOL_NAME.into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: t.cookie.clone(),
        app_name: "ysoak-hostile".into(),
        id_space: SPACE.fetch_add(1, Ordering::Relaxed),
        resume: None,
        token: None,
    };
    let mut out = Vec::new();
    encode_frame(&hello, &mut out);
    out
}

/// A good hello; returns the root window and the client's id space once the setup came.
fn handshake(s: &mut UnixStream, t: &Target) -> Result<(u64, u32), String> {
    s.write_all(&hello_frame(t)).map_err(io)?;
    let mut len = [0; 4];
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(io)?;
    s.read_exact(&mut len).map_err(io)?;
    let mut body = vec![0; u32::from_le_bytes(len) as usize];
    s.read_exact(&mut body).map_err(io)?;
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(io)?;
    match decode_setup_response(&body) {
        Ok(SetupResponse::Accepted(setup)) => Ok((setup.screens[0].root.0, setup.id_space)),
        Ok(SetupResponse::Refused(r)) => Err(format!("refused: {}", r.reason)),
        Err(e) => Err(format!("setup: {e}")),
    }
}

fn garbage(t: &Target, seed: &mut u64) -> Result<(), String> {
    let mut s = unix(t)?;
    let mut bytes: Vec<u8> = (0..2048)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed as u8
        })
        .collect();
    // A whole frame of junk, so the server need not wait for the rest of it.
    let n = (bytes.len() - 4) as u32;
    bytes[..4].copy_from_slice(&n.to_le_bytes());
    let _ = s.write_all(&bytes);
    closed_by_server(&mut s)
}

fn oversized_hello(t: &Target) -> Result<(), String> {
    let mut s = unix(t)?;
    let _ = s.write_all(&0xFFFF_FFF0u32.to_le_bytes());
    let _ = s.write_all(&[0x95; 64]);
    closed_by_server(&mut s)
}

fn oversized_frame(t: &Target) -> Result<(), String> {
    let mut s = unix(t)?;
    handshake(&mut s, t)?;
    let _ = s.write_all(&0x7FFF_FFF0u32.to_le_bytes());
    let _ = s.write_all(&[0x92; 4096]);
    closed_by_server(&mut s)
}

/// A flood is allowed (the server schedules it fairly); it must not starve the others,
/// which is what their round trips show.
fn flood(t: &Target, stop: &AtomicBool) -> Result<(), String> {
    let conn = Connection::connect(Some(&t.display)).map_err(|e| e.to_string())?;
    let gc = conn.new_gc_id();
    conn.create_gc(gc, conn.root(), GcValues::default());
    for _ in 0..20 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        for _ in 0..10_000 {
            conn.change_gc(gc, GcValues::default());
        }
        conn.sync().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The server must drop it once its unread output passes the limit (32 MiB by default).
fn never_reading(t: &Target) -> Result<(), String> {
    let mut s = unix(t)?;
    let (root, space) = handshake(&mut s, t)?;
    // Its own pixmap: an untrusted client may not read the screen (§19).
    let pixmap = PixmapId(make_id(space, 1));
    let mut frame = Vec::new();
    let create = Request::CreatePixmap(CreatePixmap {
        id: pixmap,
        drawable: Drawable(root),
        width: 1024,
        height: 768,
    });
    encode_request_frame(&create, &mut frame);
    s.write_all(&frame).map_err(io)?;
    let req = Request::GetImage(GetImage {
        drawable: Drawable(pixmap.0),
        rect: Rect::new(0, 0, 1024, 768),
        format: ImageFormat::Bgrx,
    });
    frame.clear();
    encode_request_frame(&req, &mut frame);
    let end = Instant::now() + DROP_TIME;
    while Instant::now() < end {
        if s.write_all(&frame).is_err() {
            return Ok(()); // closed by the server
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Err("the server kept a client that never reads".into())
}

fn half_open(t: &Target) -> Result<(), String> {
    let Some(addr) = &t.tcp else { return Ok(()) };
    let mut s = std::net::TcpStream::connect(addr).map_err(io)?;
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(io)?;
    let hello = hello_frame(t);
    s.write_all(&hello[..hello.len() / 2]).map_err(io)?;
    closed_by_server(&mut s)
}
