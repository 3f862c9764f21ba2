//! The logic of the `client_messages` fuzz target (`fuzz/fuzz_targets/client_messages.rs`),
//! shared with its regression replay (`tests/fuzz_regressions.rs`): a hostile server's
//! bytes through the library's real reading, decoding and routing, consumed as an app
//! would.
//!
//! A real [`Connection`] opens a Unix socket to a listener this file holds; the "server"
//! reads the hello, then writes its whole part at once and closes its writing side (so
//! every wait ends): a setup response (mostly a valid one), then messages — replies,
//! errors and events with sequence numbers near the app's requests and far from them,
//! well-formed or with a byte patched, arbitrary bodies, raw bytes. The app meanwhile
//! sends requests with and without reply cookies, waits on replies, checks and drops
//! cookies, polls and waits for events; at the end it waits for events until the
//! connection reports its end.
//!
//! Checked: nothing panics and nothing hangs (the final drain ends within one wait per
//! message sent); when the server sent only well-formed messages, a reply or error a
//! cookie returns is one the server sent for that cookie's request; and when any frame
//! does not decode, the connection ends with a protocol error, never as a clean close.

use arbitrary::{Arbitrary, Unstructured};
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use yonder::prelude::*;
use yonder::protocol::event::{ExposeEvent, FocusEvent};
use yonder::protocol::frame::encode_body;
use yonder::protocol::handshake::{decode_hello, Refusal};
use yonder::protocol::message::decode_server_message;
use yonder::protocol::reply::{GeometryReply, InputFocusReply, InternAtomReply, SyncReply};
use yonder::protocol::request::{GetInputFocus, MapWindow};
use yonder::protocol::{
    encode_frame, split_frame, Atom, ErrorCode, Event, ProtocolError, Rect, Reply, Request, Seq,
    ServerMessage, SetupResponse, WindowId,
};
use yonder::{ConnectOptions, Connection, ConnectionError, Cookie, ReplyError, VoidCookie};
use yonder_test_support::fake::{setup_for, COOKIE};

/// Most app steps and server messages one input makes (the socket's buffers hold them).
const MAX_STEPS: usize = 256;
/// Most bytes the server writes (less than a Unix socket's buffer: written at once).
const MAX_SERVER_BYTES: usize = 128 * 1024;

/// One fuzz input.
#[derive(Debug, Arbitrary)]
pub struct Input {
    /// The setup response.
    pub setup: SetupKind,
    /// What the server sends after it.
    pub server: Vec<Msg>,
    /// What the app does.
    pub app: Vec<Step>,
}

/// How the server answers the hello.
#[derive(Debug, Arbitrary)]
pub enum SetupKind {
    /// A valid setup.
    Valid,
    /// A setup granting another id space (the client must refuse it).
    OtherIdSpace,
    /// A refusal.
    Refused(String),
    /// These bytes as the setup frame's body.
    Raw(Vec<u8>),
}

/// One message from the server.
#[derive(Debug, Arbitrary)]
pub enum Msg {
    /// A reply of kind `.1` to request `.0`.
    Reply(SeqRef, u8),
    /// An error of kind `.1` for request `.0`.
    Error(SeqRef, u8),
    /// An event of kind `.1` after request `.0`, sent with SendEvent if `.2`.
    Event(SeqRef, u8, bool),
    /// A reply, error or event as above with byte `.1` of its body set to `.2`.
    Patched(Box<Msg>, u16, u8),
    /// A correct frame header around these bytes.
    Body(Vec<u8>),
    /// Raw bytes (a broken or oversized header, a partial frame).
    Bytes(Vec<u8>),
}

/// A sequence number: the app's requests are 1, 2, ...; a few far ones.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum SeqRef {
    /// Request `n` (0 is before any request).
    Near(u8),
    /// Far past anything sent.
    Far(u64),
}

impl SeqRef {
    fn seq(self) -> Seq {
        match self {
            SeqRef::Near(n) => Seq(n as u64),
            SeqRef::Far(n) => Seq(n | 1 << 40),
        }
    }
}

/// One thing the app does.
#[derive(Debug, Arbitrary)]
pub enum Step {
    /// GetGeometry, keeping its typed cookie.
    GetGeometry,
    /// GetInputFocus, keeping its typed cookie.
    GetInputFocus,
    /// InternAtom, keeping its typed cookie.
    InternAtom,
    /// GetInputFocus with a cookie that takes any reply.
    AnyReply,
    /// MapWindow with a void cookie kept (checked later).
    Checked,
    /// A request with a reply whose cookie the app drops at once.
    DropAtOnce,
    /// A MapWindow, fire and forget.
    FireAndForget,
    /// Waits for the reply of (or checks) kept cookie `.0` (modulo how many are kept).
    Collect(u8),
    /// Drops kept cookie `.0`.
    Drop(u8),
    /// Discards kept cookie `.0`'s reply and errors.
    Discard(u8),
    /// Polls for an event.
    Poll,
    /// Waits for an event.
    Wait,
    /// Waits for the setup.
    Setup,
    /// Flushes.
    Flush,
}

/// A cookie the app keeps.
enum Kept<'c> {
    Geometry(Cookie<'c, GeometryReply>),
    Focus(Cookie<'c, InputFocusReply>),
    Atom(Cookie<'c, InternAtomReply>),
    Any(Cookie<'c, Reply>),
    Void(VoidCookie<'c>),
}

fn reply_of(kind: u8) -> Reply {
    match kind % 5 {
        0 => Reply::Sync(SyncReply {}),
        1 => Reply::Geometry(GeometryReply {
            root: WindowId::ROOT,
            rect: Rect::new(-1, 2, 3, u32::MAX),
        }),
        2 => Reply::InputFocus(InputFocusReply {
            window: WindowId(kind as u64),
        }),
        3 => Reply::InternAtom(InternAtomReply {
            atom: Atom(kind as u32),
        }),
        _ => Reply::InputFocus(InputFocusReply {
            window: WindowId::NONE,
        }),
    }
}

fn error_of(kind: u8) -> ProtocolError {
    let code = match kind % 4 {
        0 => ErrorCode::Request,
        1 => ErrorCode::Value,
        2 => ErrorCode::Window,
        _ => ErrorCode::Match,
    };
    ProtocolError {
        code,
        bad_value: kind as u64,
        opcode: kind,
        message: "fuzz".into(),
    }
}

fn event_of(kind: u8) -> Event {
    let window = WindowId(kind as u64 >> 2);
    match kind % 3 {
        0 => Event::Expose(ExposeEvent {
            window,
            rect: Rect::new(0, 0, 1, 1),
            count: kind as u32,
        }),
        1 => Event::FocusIn(FocusEvent { window }),
        _ => Event::FocusOut(FocusEvent { window }),
    }
}

impl Msg {
    /// The message, if this is a well-formed one.
    fn message(&self) -> Option<ServerMessage> {
        Some(match *self {
            Msg::Reply(seq, kind) => ServerMessage::Reply {
                seq: seq.seq(),
                reply: reply_of(kind),
            },
            Msg::Error(seq, kind) => ServerMessage::Error {
                seq: seq.seq(),
                error: error_of(kind),
            },
            Msg::Event(seq, kind, sent) => ServerMessage::Event {
                seq: seq.seq(),
                event: event_of(kind),
                sent,
            },
            _ => return None,
        })
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Msg::Patched(inner, at, byte) => {
                let mut body = match inner.message() {
                    Some(m) => encode_body(&m),
                    None => return inner.write(out),
                };
                let i = *at as usize % body.len();
                body[i] = *byte;
                out.extend_from_slice(&(body.len() as u32).to_le_bytes());
                out.extend_from_slice(&body);
            }
            Msg::Body(body) => {
                out.extend_from_slice(&(body.len() as u32).to_le_bytes());
                out.extend_from_slice(body);
            }
            Msg::Bytes(bytes) => out.extend_from_slice(bytes),
            _ => encode_frame(&self.message().expect("well-formed"), out),
        }
    }
}

/// The listener every run connects to, and its display name.
///
/// Shared by every run in the process, so runs take turns (see [`check`]): two tests
/// running at once would otherwise each accept the other's connection and play their
/// script to the wrong client.
fn listener() -> &'static (UnixListener, String) {
    static LISTENER: std::sync::OnceLock<(UnixListener, String)> = std::sync::OnceLock::new();
    LISTENER.get_or_init(|| {
        // Kept for the life of the process (the directory is left behind in /tmp).
        let dir = tempfile::tempdir().expect("a temporary directory").keep();
        let path = dir.join("display-fuzz");
        let listener = UnixListener::bind(&path).expect("bind");
        (listener, format!("unix:{}", path.display()))
    })
}

/// Runs one input.
pub fn run(data: &[u8]) {
    if let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) {
        check(&input);
    }
}

/// Runs one decoded input.
pub fn check(input: &Input) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A run that failed an assertion still leaves the listener fit for the next.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (listener, display) = listener();
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(display.clone()),
        cookie: Some(COOKIE.to_vec()),
        app_name: Some("fuzz".into()),
        ..ConnectOptions::default()
    })
    .expect("connect to the fuzz listener");
    let (mut server, _) = listener.accept().expect("accept");
    let hello = read_hello(&mut server);

    // The server's whole part, written at once.
    let mut out = Vec::new();
    let setup = match &input.setup {
        SetupKind::Valid => Some(SetupResponse::Accepted(setup_for(hello.id_space))),
        SetupKind::OtherIdSpace => Some(SetupResponse::Accepted(setup_for(hello.id_space ^ 1))),
        SetupKind::Refused(reason) => Some(SetupResponse::Refused(Refusal {
            reason: reason.clone(),
        })),
        SetupKind::Raw(body) => {
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(body);
            None
        }
    };
    if let Some(setup) = setup {
        encode_frame(&setup, &mut out);
    }
    let msgs = &input.server[..input.server.len().min(MAX_STEPS)];
    for m in msgs {
        m.write(&mut out);
    }
    out.truncate(MAX_SERVER_BYTES);
    server
        .write_all(&out)
        .expect("the whole part fits the socket's buffer");
    server
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");

    // Only well-formed messages after a valid setup: results can be checked exactly.
    let clean = matches!(input.setup, SetupKind::Valid)
        && msgs.iter().all(|m| m.message().is_some())
        && out.len() < MAX_SERVER_BYTES;
    let sent: Vec<ServerMessage> = msgs.iter().filter_map(Msg::message).collect();
    let replied = |seq: Seq, reply: &Reply| {
        sent.iter().any(
            |m| matches!(m, ServerMessage::Reply { seq: s, reply: r } if *s == seq && r == reply),
        )
    };
    let failed = |seq: Seq, error: &ProtocolError| {
        sent.iter().any(
            |m| matches!(m, ServerMessage::Error { seq: s, error: e } if *s == seq && e == error),
        )
    };
    let check_reply = |seq: Seq, got: Result<Reply, ReplyError>| match got {
        Ok(reply) if clean => assert!(replied(seq, &reply), "{seq:?}: {reply:?} not sent"),
        Err(ReplyError::Protocol(e)) if clean => {
            assert!(failed(seq, &e), "{seq:?}: {e:?} not sent")
        }
        _ => {}
    };

    let mut kept: Vec<Kept<'_>> = Vec::new();
    let focus = || Request::GetInputFocus(GetInputFocus {});
    let map = || {
        Request::MapWindow(MapWindow {
            window: WindowId(conn.generate_id()),
        })
    };
    for step in input.app.iter().take(MAX_STEPS) {
        match step {
            Step::GetGeometry => kept.push(Kept::Geometry(conn.get_geometry(conn.root()))),
            Step::GetInputFocus => kept.push(Kept::Focus(conn.get_input_focus())),
            Step::InternAtom => kept.push(Kept::Atom(conn.intern_atom("FUZZ", false))),
            Step::AnyReply => kept.push(Kept::Any(conn.send_request_with_reply(focus()))),
            Step::Checked => kept.push(Kept::Void(conn.send_request_checked(map()))),
            Step::DropAtOnce => drop(conn.get_input_focus()),
            Step::FireAndForget => {
                conn.send_request(map());
            }
            Step::Collect(i) | Step::Drop(i) | Step::Discard(i) if !kept.is_empty() => {
                let cookie = kept.remove(*i as usize % kept.len());
                match step {
                    Step::Collect(_) => collect(cookie, &check_reply),
                    Step::Drop(_) => drop(cookie),
                    _ => discard(cookie),
                }
            }
            Step::Collect(_) | Step::Drop(_) | Step::Discard(_) => {}
            Step::Poll => {
                let _ = conn.poll_for_event();
            }
            Step::Wait => {
                let _ = conn.wait_for_event();
            }
            Step::Setup => {
                let _ = conn.setup();
            }
            Step::Flush => {
                let _ = conn.flush();
            }
        }
    }
    drop(kept);

    // The rest of the server's part, then the end: one event at most per message.
    let mut end = None;
    for _ in 0..=msgs.len() + 1 {
        if let Err(e) = conn.wait_for_event() {
            end = Some(e);
            break;
        }
    }
    let end = end.expect("the connection ends after the server's last message");
    if broken(&out) {
        assert!(
            !matches!(end, ConnectionError::Closed),
            "a frame that does not decode is a protocol error, not a close"
        );
    }
}

/// Waits for a kept cookie's outcome.
fn collect(cookie: Kept<'_>, check: &impl Fn(Seq, Result<Reply, ReplyError>)) {
    match cookie {
        Kept::Geometry(c) => {
            let seq = c.seq();
            check(seq, c.reply().map(Reply::Geometry))
        }
        Kept::Focus(c) => {
            let seq = c.seq();
            check(seq, c.reply().map(Reply::InputFocus))
        }
        Kept::Atom(c) => {
            let seq = c.seq();
            check(seq, c.reply().map(Reply::InternAtom))
        }
        Kept::Any(c) => {
            let seq = c.seq();
            check(seq, c.reply())
        }
        Kept::Void(c) => {
            let _ = c.check();
        }
    }
}

fn discard(cookie: Kept<'_>) {
    match cookie {
        Kept::Geometry(c) => c.discard_reply_and_errors(),
        Kept::Focus(c) => c.discard_reply_and_errors(),
        Kept::Atom(c) => c.discard_reply_and_errors(),
        Kept::Any(c) => c.discard_reply_and_errors(),
        Kept::Void(c) => c.ignore_error(),
    }
}

/// Whether the server's bytes, read as the client does, hold a frame that does not
/// decode (or is oversized) before they end.
fn broken(bytes: &[u8]) -> bool {
    let mut at = 0;
    let mut setup = true;
    loop {
        match split_frame(&bytes[at..], yonder::MAX_INCOMING_FRAME) {
            Ok(Some((start, end))) => {
                let body = &bytes[at + start..at + end];
                let ok = match setup {
                    true => rmp_serde::from_slice::<SetupResponse>(body).is_ok(),
                    false => decode_server_message(body).is_ok(),
                };
                if !ok {
                    return true;
                }
                setup = false;
                at += end;
            }
            Ok(None) => return false,
            Err(_) => return true,
        }
    }
}

/// Reads the client's hello off the server's end.
fn read_hello(server: &mut UnixStream) -> yonder::protocol::Hello {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Ok(Some((s, e))) = split_frame(&buf, 1 << 16) {
            return decode_hello(&buf[s..e]).expect("the library's hello decodes");
        }
        let n = server.read(&mut chunk).expect("read the hello");
        assert!(n > 0, "the client closed before its hello");
        buf.extend_from_slice(&chunk[..n]);
    }
}
