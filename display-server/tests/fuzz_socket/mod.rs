//! The logic of the `socket_frames` fuzz target (`fuzz/fuzz_targets/socket_frames.rs`),
//! shared with its regression replay (`tests/fuzz_socket_regressions.rs`): the server's
//! real read path — [`net::connection::serve`] and [`net::connection::serve_unix`], with
//! their hello, `InBuf`, frame splitting, batching and descriptor pairing — fed a byte
//! stream in reads of fuzzed sizes, against a fake state thread that records what the
//! reader hands it.
//!
//! The stream is a hello (valid, with the wrong cookie, or raw bytes) and then pieces:
//! well-formed requests from a few templates (ShmAttach, deferred drawing, GetImage with
//! its cost, large PutImage frames that make the buffer grow), arbitrary bodies in a
//! correct frame header, and raw bytes (broken or oversized headers). It arrives in reads
//! of the scheduled sizes (an empty schedule is one byte at a time):
//!
//! - over an in-memory stream whose every read returns exactly the scheduled size (the
//!   TCP path, and the TLS path: `net::tls` hands its decrypted stream to the same
//!   `connection::serve`, so TLS adds no framing of its own);
//! - or over a real Unix socket pair, each scheduled chunk sent once the server has read
//!   the last, with memory-file descriptors sent along with the first byte of some
//!   ShmAttach frames and at arbitrary stray points.
//!
//! Checked: nothing panics; the hello is refused exactly when it is not a valid one; the
//! items the reader hands over, in order, are exactly those an independent model decodes
//! from the whole stream at once (so read boundaries do not matter); the connection ends
//! with the model's error when a frame is oversized or malformed, and as closed by the
//! client otherwise; descriptors are handed out oldest first, each once, and when every
//! ShmAttach carries its own descriptor on its first byte each gets exactly that one;
//! more than the allowed pending descriptors end the connection with an error.

use arbitrary::{Arbitrary, Unstructured};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use yonder_protocol::descriptor::DEFERRABLE;
use yonder_protocol::handshake::decode_hello;
use yonder_protocol::message::{decode_request_of, DecodeError};
use yonder_protocol::request::{
    FillPoly, GetImage, ImageFormat, NoOperation, PutImage, ShmAttach, Sync,
};
use yonder_protocol::{
    frame, ClientId, Drawable, GcId, Hello, Point, Rect, Request, ShmSegment, PROTOCOL_MAJOR,
    PROTOCOL_MINOR, PROTOCOL_NAME,
};
use yonder_server::command::{Command, Incoming};
use yonder_server::net::read_half::MAX_PENDING_FDS;
use yonder_server::net::{connection, Shared};

/// The display's cookie.
const COOKIE: [u8; 16] = *b"fuzz-socket-0123";
/// Largest hello frame the reader takes (`connection::MAX_HELLO_LEN`).
const MAX_HELLO_LEN: usize = 64 * 1024;
/// Most reads (or socket writes) one run makes; the last takes what is left.
const MAX_READS: usize = 2048;
/// Most reads on a Unix socket (each is a send, a wait and a `recvmsg`).
const MAX_UNIX_READS: usize = 128;

/// One fuzz input.
#[derive(Debug, Arbitrary)]
pub struct Input {
    /// Over a Unix socket pair (descriptors can travel) instead of an in-memory stream.
    pub unix: bool,
    /// The frame limit in force (`Shared::max_frame_len`).
    pub limit: Limit,
    /// The hello.
    pub hello: HelloKind,
    /// What follows it.
    pub pieces: Vec<Piece>,
    /// Read sizes, used in turn (0 counts as 1); empty: one byte at a time.
    pub reads: Vec<u16>,
}

/// The server's frame limit.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Limit {
    /// 64 bytes: most bodies are oversized.
    Tiny,
    /// 4 KiB.
    Small,
    /// The server's default, 16 MiB.
    Default,
}

impl Limit {
    fn bytes(self) -> usize {
        match self {
            Limit::Tiny => 64,
            Limit::Small => 4096,
            Limit::Default => 16 << 20,
        }
    }
}

/// How the connection starts.
#[derive(Debug, Arbitrary)]
pub enum HelloKind {
    /// A valid hello of this protocol minor version (taken modulo the current one + 1).
    Valid(u16),
    /// A valid hello with the wrong cookie: refused.
    WrongCookie,
    /// These bytes instead of a hello.
    Raw(Vec<u8>),
}

/// A part of the stream after the hello.
#[derive(Debug, Arbitrary)]
pub enum Piece {
    /// A well-formed request.
    Request(Template),
    /// A ShmAttach of segment `.0` and size `.1`, with a descriptor sent on its first
    /// byte if `.2` (over a Unix socket).
    ShmAttach(u8, u16, bool),
    /// A correct frame header around these body bytes.
    Body(Vec<u8>),
    /// A header claiming `.0` bytes, then the bytes of `.1` (a short or oversized frame).
    Header(u32, Vec<u8>),
    /// A PutImage frame of 48 to 176 KiB (`.0` modulo 32 steps of 4 KiB): past 48 KiB
    /// the input buffer must grow.
    Big(u8),
    /// A descriptor on the next byte, belonging to no ShmAttach.
    StrayFd,
}

/// Small well-formed requests of the kinds the reader treats apart.
#[derive(Debug, Arbitrary)]
pub enum Template {
    /// Plain, no reply.
    Sync,
    /// Deferred to the state thread (owns memory, small).
    FillPoly(u8),
    /// Costs its image's bytes in the batch.
    GetImage(u32, u32),
    /// A small PutImage (deferred).
    PutImage(u8),
}

impl Template {
    fn request(&self) -> Request {
        let drawable = Drawable(1);
        match *self {
            Template::Sync => Request::Sync(Sync {}),
            Template::FillPoly(n) => Request::FillPoly(FillPoly {
                drawable,
                gc: GcId(2),
                points: (0..n as i32).map(|i| Point { x: i, y: -i }).collect(),
            }),
            Template::GetImage(width, height) => Request::GetImage(GetImage {
                drawable,
                rect: Rect {
                    x: 0,
                    y: 0,
                    width,
                    height,
                },
                format: ImageFormat::Bgrx,
            }),
            Template::PutImage(n) => put_image(n as usize * 4),
        }
    }
}

fn put_image(bytes: usize) -> Request {
    Request::PutImage(PutImage {
        drawable: Drawable(1),
        gc: GcId(2),
        dst: Point { x: 0, y: 0 },
        width: (bytes / 4) as u32,
        height: 1,
        format: ImageFormat::Bgrx,
        data: vec![0x5a; bytes],
    })
}

/// The stream and the descriptors to send: `(byte position, index)`, in stream order.
struct Stream {
    bytes: Vec<u8>,
    fds: Vec<usize>,
}

fn hello_frame(minor: u16, cookie: &[u8]) -> Vec<u8> {
    let hello = Hello {
        protocol: PROTOCOL_NAME.into(),
        major: PROTOCOL_MAJOR,
        minor,
        cookie: cookie.to_vec(),
        app_name: "fuzz".into(),
        id_space: 7,
        resume: None,
        token: None,
    };
    let mut out = Vec::new();
    frame::encode_frame(&hello, &mut out);
    out
}

impl Input {
    fn stream(&self) -> Stream {
        let mut bytes = match &self.hello {
            HelloKind::Valid(minor) => hello_frame(minor % (PROTOCOL_MINOR + 1), &COOKIE),
            HelloKind::WrongCookie => hello_frame(PROTOCOL_MINOR, b"not-the-cookie!!"),
            HelloKind::Raw(b) => b.clone(),
        };
        let mut fds = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Request(t) => frame::encode_frame(&t.request(), &mut bytes),
                Piece::ShmAttach(segment, size, with_fd) => {
                    if *with_fd {
                        fds.push(bytes.len());
                    }
                    let r = Request::ShmAttach(ShmAttach {
                        segment: ShmSegment(*segment as u32),
                        size: *size as u64,
                    });
                    frame::encode_frame(&r, &mut bytes);
                }
                Piece::Body(body) => {
                    bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
                    bytes.extend_from_slice(body);
                }
                Piece::Header(len, rest) => {
                    bytes.extend_from_slice(&len.to_le_bytes());
                    bytes.extend_from_slice(rest);
                }
                Piece::Big(n) => {
                    let len = (12 + *n as usize % 32) * 4096;
                    frame::encode_frame(&put_image(len), &mut bytes)
                }
                Piece::StrayFd => fds.push(bytes.len()),
            }
        }
        // A descriptor on no byte at all is never sent.
        fds.retain(|&at| at < bytes.len());
        Stream { bytes, fds }
    }

    /// The read sizes for a stream of `len` bytes, at most `max` of them.
    fn chunks(&self, len: usize, max: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < len {
            let n = match out.len() + 1 >= max {
                true => len - at,
                false => (self.reads.get(out.len() % self.reads.len().max(1)))
                    .map_or(1, |&n| (n as usize).max(1))
                    .min(len - at),
            };
            out.push(n);
            at += n;
        }
        out
    }
}

/// What the reader handed the state thread, comparable with the model's.
#[derive(Debug, PartialEq)]
pub enum Item {
    /// A decoded request, as its encoding (floats compare as bytes).
    Request(Vec<u8>),
    /// A ShmAttach and the index of the descriptor it got.
    Shm(ShmAttach, Option<usize>),
    /// An unknown opcode.
    Unknown(u8),
    /// A bad value.
    BadValue(u8, u64, String),
    /// A body left to the state thread.
    Raw(Vec<u8>),
}

/// How the connection ended.
#[derive(Debug, PartialEq)]
pub enum End {
    /// Refused at the hello.
    Refused,
    /// Disconnected, for this reason.
    Disconnect(String),
}

/// What a run saw.
#[derive(Debug)]
pub struct Outcome {
    pub items: Vec<Item>,
    pub end: End,
    /// The runs of NoOperations the reader counted, as it handed them over.
    pub runs: Vec<u64>,
}

/// What the model expects: items, then the end (the error text, or `None` for the
/// client closing).
struct Model {
    refused: bool,
    items: Vec<Item>,
    fatal: Option<String>,
    /// Where each ShmAttach frame starts in the stream.
    shm_starts: Vec<usize>,
}

/// The reader's rule for leaving a body to the state thread (`connection::deferred`).
fn deferred(body: &[u8]) -> bool {
    match body {
        [0x92, op @ 0..=0x7f, ..] => DEFERRABLE[*op as usize] && body.len() <= 4096,
        _ => false,
    }
}

/// Decodes the whole stream at once, without the server.
fn model(stream: &Stream, max_frame_len: usize) -> Model {
    let bytes = &stream.bytes;
    let refused = Model {
        refused: true,
        items: vec![],
        fatal: None,
        shm_starts: vec![],
    };
    let hello = match frame::split_frame(bytes, MAX_HELLO_LEN) {
        Ok(Some((start, end))) => match decode_hello(&bytes[start..end]) {
            Ok(h) => (h, end),
            Err(_) => return refused,
        },
        _ => return refused,
    };
    let (hello, mut at) = hello;
    if hello.protocol != PROTOCOL_NAME || hello.major != PROTOCOL_MAJOR || hello.cookie != COOKIE {
        return refused;
    }
    let minor = hello.minor.min(PROTOCOL_MINOR);
    // The model gives the k-th ShmAttach the k-th descriptor (checked only where each
    // ShmAttach carries its own).
    let mut shm_starts = Vec::new();
    let mut items = Vec::new();
    let fatal = loop {
        match frame::split_frame(&bytes[at..], max_frame_len) {
            Ok(Some((start, end))) => {
                let body = &bytes[at + start..at + end];
                at += end;
                if deferred(body) {
                    items.push(Item::Raw(body.to_vec()));
                    continue;
                }
                items.push(match decode_request_of(body, minor) {
                    Ok(Request::ShmAttach(r)) => {
                        shm_starts.push(at - end);
                        Item::Shm(r, Some(shm_starts.len() - 1))
                    }
                    Ok(req) => Item::Request(frame::encode_body(&req)),
                    Err(DecodeError::UnknownOpcode(op)) => Item::Unknown(op),
                    Err(DecodeError::BadValue {
                        opcode,
                        value,
                        message,
                    }) => Item::BadValue(opcode, value, message),
                    Err(e @ DecodeError::Malformed(_)) => break Some(e.to_string()),
                });
            }
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    Model {
        refused: false,
        items,
        fatal,
        shm_starts,
    }
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    check(&input);
}

/// Runs one decoded input and checks it against the model; gives what the fake state
/// thread was handed.
pub fn check(input: &Input) -> Outcome {
    let stream = input.stream();
    let limit = input.limit.bytes();
    let unix = input.unix;
    let outcome = match unix {
        true => run_unix(input, &stream, limit),
        false => run_plain(input, &stream, limit),
    };
    let model = model(&stream, limit);
    if model.refused {
        assert_eq!(outcome.end, End::Refused, "an invalid hello is refused");
        assert!(outcome.items.is_empty());
        return outcome;
    }
    let End::Disconnect(reason) = &outcome.end else {
        panic!("a valid hello was refused: {outcome:?}");
    };
    let fd_error = reason.contains("file descriptors");
    if fd_error {
        assert!(unix, "descriptors only on Unix sockets");
        assert!(
            stream.fds.len() > MAX_PENDING_FDS,
            "{reason} with {} descriptors sent",
            stream.fds.len()
        );
    } else {
        let expected = match &model.fatal {
            Some(e) => e.as_str(),
            None => "connection closed by the client",
        };
        assert_eq!(reason, expected, "how the connection ended");
        assert_eq!(outcome.items.len(), model.items.len(), "{outcome:?}");
    }
    // Descriptors: oldest first, each once.
    let given: Vec<usize> = outcome
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Shm(_, fd) => *fd,
            _ => None,
        })
        .collect();
    assert!(given.windows(2).all(|w| w[0] < w[1]), "FIFO: {given:?}");
    // Every ShmAttach carries its own descriptor on its first byte and no other byte
    // carries one: then each gets exactly its own.
    let exact_fds = unix && stream.fds == model.shm_starts;
    assert!(outcome.items.len() <= model.items.len());
    for (got, want) in outcome.items.iter().zip(&model.items) {
        match (got, want) {
            (Item::Shm(a, fd), Item::Shm(b, k)) => {
                assert_eq!(a, b);
                match (unix, exact_fds) {
                    (false, _) => assert_eq!(*fd, None, "no descriptors over TCP"),
                    (true, true) => assert_eq!(fd, k, "a ShmAttach gets its own descriptor"),
                    (true, false) => {}
                }
            }
            _ => assert_eq!(got, want, "items in order, whatever the reads"),
        }
    }
    outcome
}

/// A stream whose every read returns the next scheduled size; writes are kept.
struct Scripted {
    data: Vec<u8>,
    at: usize,
    chunks: Vec<usize>,
    next: usize,
}

impl AsyncRead for Scripted {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = &mut *self;
        if let Some(&want) = this.chunks.get(this.next) {
            let n = want.min(buf.remaining());
            buf.put_slice(&this.data[this.at..this.at + n]);
            this.at += n;
            // A read the buffer cut short leaves the rest of the chunk for the next.
            match n == want {
                true => this.next += 1,
                false => this.chunks[this.next] -= n,
            }
        }
        std::task::Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

thread_local! {
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
}

fn shared(limit: usize) -> (Arc<Shared>, mpsc::Receiver<Command>) {
    let (commands, rx) = mpsc::channel(16);
    let shared = Shared {
        cookie: COOKIE,
        trusted_cookie: *b"fuzz-trusted-xyz",
        commands,
        max_frame_len: limit,
        output_pause: 8 << 20,
        shm: true,
        serials: std::sync::atomic::AtomicU64::new(1),
        writers: Default::default(),
    };
    (Arc::new(shared), rx)
}

/// The state thread's part: registers the client and records what it is handed. The
/// client's output sender is kept until the end (dropping it would end the connection).
async fn fake_state(mut rx: mpsc::Receiver<Command>, fd_ids: Vec<(u64, u64)>) -> Outcome {
    let mut items = Vec::new();
    let mut runs = Vec::new();
    let mut keep = Vec::new();
    while let Some(cmd) = rx.recv().await {
        match cmd {
            Command::Connect { tx, reply, .. } => {
                keep.push(tx);
                let _ = reply.send(Ok(ClientId(1)));
            }
            Command::Requests { batch, bodies, .. } => {
                for inc in batch {
                    // A run the reader counted: the model decodes each of them.
                    if let Incoming::NoOperations(n) = inc {
                        runs.push(n);
                        let one = frame::encode_body(&Request::NoOperation(NoOperation {}));
                        items.extend((0..n).map(|_| Item::Request(one.clone())));
                        continue;
                    }
                    items.push(match inc {
                        Incoming::Request(r) => Item::Request(frame::encode_body(&r)),
                        Incoming::ShmAttach(r, fd) => {
                            Item::Shm(r, fd.map(|fd| fd_index(&fd, &fd_ids)))
                        }
                        Incoming::Unknown(op) => Item::Unknown(op),
                        Incoming::BadValue {
                            opcode,
                            value,
                            message,
                        } => Item::BadValue(opcode, value, message),
                        Incoming::Raw(range) => Item::Raw(bodies[range].to_vec()),
                        Incoming::NoOperations(_) => unreachable!("expanded above"),
                    });
                }
            }
            Command::Disconnect { reason, .. } => {
                return Outcome {
                    items,
                    runs,
                    end: End::Disconnect(reason),
                }
            }
            _ => panic!("the reader sends only Connect, Requests and Disconnect"),
        }
    }
    assert!(items.is_empty(), "requests without a connection");
    Outcome {
        items,
        runs,
        end: End::Refused,
    }
}

/// Which of the sent descriptors this one is (by device and inode).
fn fd_index(fd: &OwnedFd, ids: &[(u64, u64)]) -> usize {
    let id = file_id(fd);
    ids.iter()
        .position(|&i| i == id)
        .expect("a descriptor the client sent")
}

fn file_id(fd: &OwnedFd) -> (u64, u64) {
    let st = rustix::fs::fstat(fd).expect("fstat");
    (st.st_dev, st.st_ino)
}

fn run_plain(input: &Input, stream: &Stream, limit: usize) -> Outcome {
    let chunks = input.chunks(stream.bytes.len(), MAX_READS);
    let io = Scripted {
        data: stream.bytes.clone(),
        at: 0,
        chunks,
        next: 0,
    };
    RUNTIME.with(|rt| {
        rt.block_on(async {
            let (shared, rx) = shared(limit);
            let state = tokio::spawn(fake_state(rx, vec![]));
            connection::serve(io, "fuzz".into(), shared).await;
            state.await.expect("the fake state thread")
        })
    })
}

fn run_unix(input: &Input, stream: &Stream, limit: usize) -> Outcome {
    let (server, client) = std::os::unix::net::UnixStream::pair().expect("a socket pair");
    server.set_nonblocking(true).expect("non-blocking");
    client.set_nonblocking(true).expect("non-blocking");
    // Another handle on the server's socket, to see how much it has not read yet.
    let probe = server.as_fd().try_clone_to_owned().expect("dup");
    let memfds: Vec<OwnedFd> = (0..stream.fds.len())
        .map(|_| rustix::fs::memfd_create("fuzz", rustix::fs::MemfdFlags::CLOEXEC).expect("memfd"))
        .collect();
    let ids = memfds.iter().map(file_id).collect();
    // Chunks end where a descriptor starts, so each goes with the first byte of a send.
    let mut sends = Vec::new();
    let mut at = 0;
    let mut fd = 0;
    for n in input.chunks(stream.bytes.len(), MAX_UNIX_READS) {
        let end = at + n;
        while at < end {
            let cut = stream.fds[fd..]
                .iter()
                .find(|&&p| p > at)
                .map_or(end, |&p| p.min(end));
            let with: Vec<usize> = (fd..stream.fds.len())
                .take_while(|&i| stream.fds[i] == at)
                .collect();
            fd += with.len();
            sends.push((at..cut, with));
            at = cut;
        }
    }
    RUNTIME.with(|rt| {
        rt.block_on(async {
            let (shared, rx) = shared(limit);
            let state = tokio::spawn(fake_state(rx, ids));
            let server = tokio::net::UnixStream::from_std(server).expect("register");
            let serving = tokio::spawn(connection::serve_unix(server, shared));
            for (range, with) in sends {
                let fds: Vec<_> = with.iter().map(|&i| memfds[i].as_fd()).collect();
                let mut sent = range.start;
                while sent < range.end && !serving.is_finished() {
                    match send(
                        &client,
                        &stream.bytes[sent..range.end],
                        &fds,
                        sent == range.start,
                    ) {
                        Ok(n) => sent += n,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            tokio::task::yield_now().await
                        }
                        Err(_) => break, // the server closed
                    }
                }
                // Until the server has read it all (or stopped reading for good).
                for _ in 0..100_000 {
                    if serving.is_finished() || rustix::io::ioctl_fionread(&probe).unwrap_or(0) == 0
                    {
                        break;
                    }
                    tokio::task::yield_now().await;
                }
            }
            let _ = client.shutdown(std::net::Shutdown::Write);
            serving.await.expect("the connection task");
            state.await.expect("the fake state thread")
        })
    })
}

/// One `sendmsg`, with the descriptors if `first`.
fn send(
    sock: &std::os::unix::net::UnixStream,
    bytes: &[u8],
    fds: &[std::os::fd::BorrowedFd<'_>],
    first: bool,
) -> std::io::Result<usize> {
    use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
    let mut space = [std::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(16))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if first && !fds.is_empty() {
        control.push(SendAncillaryMessage::ScmRights(&fds[..fds.len().min(16)]));
    }
    Ok(rustix::net::sendmsg(
        sock,
        &[std::io::IoSlice::new(bytes)],
        &mut control,
        SendFlags::NOSIGNAL,
    )?)
}
