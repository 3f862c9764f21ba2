//! The messages between threads, as plain data: what the I/O side and the screen send
//! the state thread ([`Command`], with a client's decoded frames as [`Incoming`] and its
//! connection's facts as [`ClientLink`]), host input ([`InputEvent`]), and what a
//! request handler answers ([`HandlerResult`], errors built with [`fail`]).
//!
//! Nothing here does anything: every other layer may use these types, and this module
//! uses none of the crate's (but the output accounting in [`crate::outbox`]).

use crate::outbox::Outbox;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use yonder_protocol::{ClientId, ErrorCode, Hello, Point, ProtocolError, Reply, Request};

/// What the I/O side (and the screen backend) asks of the state thread.
pub enum Command {
    /// A client passed authentication; register it and queue its setup reply.
    Connect {
        /// Its hello. Boxed: a command is moved several times on its way to the state
        /// thread (channel, backlog, step), and the hot `Requests` is small; with the
        /// hello inline every command was large enough to be copied by `memcpy`, which
        /// cost each batch ~300 instructions (callgrind, yperf roundtrip).
        hello: Box<Hello>,
        /// Where its frames go.
        tx: mpsc::UnboundedSender<Vec<u8>>,
        /// Shared-memory images offered, trusted or not, output accounting.
        link: ClientLink,
        /// The client's number, or why it is refused.
        reply: oneshot::Sender<Result<ClientId, String>>,
    },
    /// Requests decoded from one read, in order.
    Requests {
        /// From whom.
        client: ClientId,
        /// Over which of its connections ([`ClientLink::serial`]): a batch of a
        /// connection the client no longer uses (it resumed on another) is dropped.
        link: u64,
        /// The requests.
        batch: Vec<Incoming>,
        /// The bodies of its [`Incoming::Raw`] frames.
        bodies: Vec<u8>,
        /// One of the connection's few batch permits, returned (dropped) once the batch
        /// is applied: a flooding client can have only that many batches waiting, so
        /// the others' batches are never far behind in the queue.
        permit: tokio::sync::OwnedSemaphorePermit,
    },
    /// A client's connection ended; free everything it owned.
    Disconnect {
        /// Who.
        client: ClientId,
        /// Which of its connections ended ([`ClientLink::serial`]); ignored when the
        /// client uses another by now.
        link: u64,
        /// Why (for the log).
        reason: String,
        /// The link went (a client may then be kept for a resume); false when the
        /// client broke the protocol (it is freed whatever its close-down mode).
        lost: bool,
    },
    /// Input from the screen's devices.
    Input(InputEvent),
    /// The host window was resized (window backend).
    ScreenResized {
        /// New width in pixels.
        width: u32,
        /// New height in pixels.
        height: u32,
    },
    /// The host's scale factor changed (window backend).
    ScaleChanged(f64),
    /// A deadline passed (sent by an alarm task, only while one is pending): a close
    /// request's (the window manager offers to force-quit apps that did not answer), a
    /// detached client's grace period (it is freed), or the checkpoint's (a write due, a
    /// restoration's hold or end; done at the burst's end).
    Tick,
    /// The window manager's move of `client` to display `to` got its token there (from a
    /// thread of its own, `wm::migrate`): the client is asked to move (protocol.md §5.5).
    MoveGranted {
        /// The client to move.
        client: ClientId,
        /// The display to move to.
        to: String,
        /// The token that display granted.
        token: Vec<u8>,
    },
    /// A web viewer presented its credential: it starts watching the screen (all of it
    /// dirty); `wake` is notified whenever there is more for it to take.
    ViewerAttach {
        /// Notified when the viewer's dirty area grows or the pointer's shape changes.
        wake: Arc<tokio::sync::Notify>,
        /// Its number and the screen's size.
        reply: oneshot::Sender<(ViewerId, u32, u32)>,
    },
    /// A web viewer has room for another frame: the pixels it has not seen.
    ViewerPull {
        /// Which viewer.
        viewer: ViewerId,
        /// What it has not seen; None when it is not attached.
        reply: oneshot::Sender<Option<ViewerFrame>>,
    },
    /// A web viewer's page went.
    ViewerDetach(ViewerId),
    /// A driving web viewer asks for the screen to be `width` × `height` (its page's
    /// size); refused on a screen whose size follows a window.
    ViewerResize {
        /// Which viewer.
        viewer: ViewerId,
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
        /// Whether it was done.
        reply: oneshot::Sender<bool>,
    },
    /// Stop the server; `restart`: a server will come back on this display, and the
    /// clients are told so (protocol.md §5.4).
    Shutdown {
        /// Tell the clients a server comes back.
        restart: bool,
    },
}

/// What a handler returns: a reply for requests that have one, or an error for the client.
pub type HandlerResult = Result<Option<Reply>, ProtocolError>;

/// Builds an error; the dispatcher fills in the opcode.
pub fn fail(code: ErrorCode, bad_value: u64, message: impl Into<String>) -> ProtocolError {
    ProtocolError {
        code,
        bad_value,
        opcode: 0,
        message: message.into(),
    }
}

/// One entry of a client's batch: a decoded frame (a request, or the opcode of one this
/// server does not know), a frame left for the state thread to decode, or a run of
/// NoOperations counted by the reader.
#[derive(Debug)]
pub enum Incoming {
    /// A request.
    Request(Request),
    /// A ShmAttach with the file descriptor that came with its frame, if one did.
    ShmAttach(
        yonder_protocol::request::ShmAttach,
        Option<std::os::fd::OwnedFd>,
    ),
    /// A well-formed frame with an unknown opcode.
    Unknown(u8),
    /// A well-formed request with a value the protocol does not allow, found while
    /// decoding ([`yonder_protocol::DecodeError::BadValue`]): answered with a Value error.
    BadValue {
        /// The request's opcode.
        opcode: u8,
        /// The error's `bad_value`.
        value: u64,
        /// The error's message.
        message: String,
    },
    /// This many NoOperation requests in a row (version 1.9), counted by the reader from
    /// their frames ([`yonder_protocol::request::NoOperation::BODY`]) without decoding:
    /// each takes a sequence number and does nothing else.
    NoOperations(u64),
    /// A frame body not yet decoded: these bytes of its batch's bodies (see
    /// `connection::deferred`), decoded on the state thread.
    Raw(std::ops::Range<usize>),
}

/// What the connection task tells the state thread about a new client.
#[derive(Debug, Default)]
pub struct ClientLink {
    /// This connection's number, unique for the server's life: a client that resumes
    /// on a new connection leaves the commands of its old one behind.
    pub serial: u64,
    /// It is a Unix socket: its end means the client process ended (so the default
    /// close-down mode is Destroy, protocol.md §5.4).
    pub unix: bool,
    /// Offer it shared-memory images (it is on a Unix socket and they are allowed).
    pub shm: bool,
    /// It presented the display's trusted cookie.
    pub trusted: bool,
    /// What it presented instead of a cookie, checked by the state thread (1.6).
    pub credential: Credential,
    /// Its output accounting, shared with its writer task.
    pub outbox: Arc<Outbox>,
}

/// How a hello proves it may connect, beyond what the connection task checked itself
/// (protocol.md §5.5).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum Credential {
    /// One of the display's cookies (checked already).
    #[default]
    Cookie,
    /// No cookie but a migration token: it must be one this display granted for the
    /// hello's app name, unexpired and unused.
    Token(Vec<u8>),
    /// No cookie, a resume: only the session's secret admits it, and only back into
    /// that session (an app that came with a token has no cookie of this display).
    Secret,
}

/// A web viewer's number, unique for the server's life (protocol.md §20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ViewerId(pub u64);

/// What a web viewer has not seen yet, taken from the composed framebuffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewerFrame {
    /// The screen's width now.
    pub width: u32,
    /// The screen's height now.
    pub height: u32,
    /// Areas that moved, to copy first, in order: where to, and from where.
    pub copies: Vec<(yonder_protocol::Rect, yonder_protocol::Point)>,
    /// The changed areas, each with its `0x00RRGGBB` pixels row by row.
    pub rects: Vec<(yonder_protocol::Rect, Vec<u32>)>,
    /// The pointer's shape now.
    pub cursor: yonder_protocol::request::Cursor,
}

/// One input happening, in root coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum InputEvent {
    /// The pointer moved to a root position.
    Motion(Point),
    /// A button went down or up.
    Button {
        /// Button number (1 left, 2 middle, 3 right, 4–7 wheel).
        button: u8,
        /// Down (true) or up.
        pressed: bool,
    },
    /// Precise scrolling, in pixels (whole wheel steps come as buttons 4–7 too).
    Scroll {
        /// Horizontal delta.
        dx: f64,
        /// Vertical delta.
        dy: f64,
    },
    /// A key went down or up.
    Key {
        /// Its keysym.
        keysym: u32,
        /// The text it types (presses only).
        text: String,
        /// Down (true) or up.
        pressed: bool,
        /// Auto-repeat.
        repeat: bool,
    },
}

/// Commands are moved by value through the channel, the backlog and the run loop: kept
/// within a few words, they are copied inline instead of by `memcpy` (see
/// `Command::Connect::hello`).
const _: () = assert!(std::mem::size_of::<Command>() <= 96);

/// The message a panic was raised with (a request's on the state thread, a drawing's on
/// a lane thread, a task's), as it is logged and told to the client.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}
