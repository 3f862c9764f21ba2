//! The socket and the read buffer. [`Stream`] is a Unix socket, a TCP socket or a TLS
//! connection, usable through `&self` (one thread may read while another writes);
//! [`Input`] accumulates what the server sends and turns it into decoded messages. No
//! routing: the `transport` module decides when to read, and `state` where each message
//! goes. (A TLS stream locks its own state briefly, see `tls`.)
//!
//! A Unix socket can also carry a file descriptor with the bytes of a write
//! ([`Stream::send_with_fd`]): how a shared-memory segment reaches the server.

use crate::display::Address;
use crate::renumber::Renumber;
use crate::swap::Swap;
use crate::tls::TlsStream;
use std::io::{self, IoSlice, Read, Write};
use std::mem::MaybeUninit;
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};
use yonder_protocol::message::decode_server_message;
use yonder_protocol::{split_frame, ServerMessage, SetupResponse};

/// The largest frame body accepted from the server (big images come back in one frame).
pub const MAX_INCOMING_FRAME: usize = 64 * 1024 * 1024;

/// How much to ask the socket for per read.
const READ_CHUNK: usize = 64 * 1024;

/// A connected socket.
#[derive(Debug)]
pub(crate) enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
    /// Boxed: the TLS state is large, and a connection has one stream for its life.
    Tls(Box<TlsStream>),
}

impl Stream {
    /// Connects to a Unix or TCP `addr`; TCP gets `TCP_NODELAY` (requests are small and
    /// latency matters). TLS needs a pinned fingerprint: [`TlsStream::connect`].
    pub(crate) fn connect(addr: &Address) -> io::Result<Stream> {
        match addr {
            Address::Unix(path) => UnixStream::connect(path).map(Stream::Unix),
            Address::Tcp { host, port } => {
                let s = crate::tcp::connect(host, *port)?;
                crate::tcp::tune_tcp(&s)?;
                Ok(Stream::Tcp(s))
            }
            Address::Tls { .. } => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a TLS address needs a certificate fingerprint",
            )),
        }
    }

    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => (&*s).read(buf),
            Stream::Tcp(s) => (&*s).read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }

    /// Writes (some of) `buf`. A TLS stream may keep the encrypted bytes for later:
    /// [`Stream::flush_pending`] sends them.
    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => (&*s).write(buf),
            Stream::Tcp(s) => (&*s).write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    /// Writes (some of) `first` then `second`, in one call where the stream allows it
    /// (`writev`; a TLS stream takes `first` alone).
    pub(crate) fn write_pair(&self, first: &[u8], second: &[u8]) -> io::Result<usize> {
        let both = [io::IoSlice::new(first), io::IoSlice::new(second)];
        match self {
            Stream::Unix(s) => (&*s).write_vectored(&both),
            Stream::Tcp(s) => (&*s).write_vectored(&both),
            Stream::Tls(s) => s.write(first),
        }
    }

    /// Sends what earlier writes left in the stream (only TLS keeps any). `WouldBlock` or
    /// `TimedOut`: some is still waiting; call again (after reading, see `transport`).
    pub(crate) fn flush_pending(&self) -> io::Result<()> {
        match self {
            Stream::Unix(_) | Stream::Tcp(_) => Ok(()),
            Stream::Tls(s) => s.flush(),
        }
    }

    /// Writes (some of) `buf` with `fd` attached as `SCM_RIGHTS` to its first byte. When
    /// this returns `Ok(n)` with `n > 0` the descriptor is on its way; on an error it is
    /// not. Only Unix sockets carry descriptors.
    pub(crate) fn send_with_fd(&self, buf: &[u8], fd: BorrowedFd<'_>) -> io::Result<usize> {
        use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
        let Stream::Unix(s) = self else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "file descriptors travel over Unix sockets only",
            ));
        };
        let fds = [fd];
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        control.push(SendAncillaryMessage::ScmRights(&fds));
        Ok(rustix::net::sendmsg(
            s,
            &[IoSlice::new(buf)],
            &mut control,
            SendFlags::NOSIGNAL,
        )?)
    }

    /// The socket's descriptor (under the TLS, for a TLS stream).
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Unix(s) => s.as_fd(),
            Stream::Tcp(s) => s.as_fd(),
            Stream::Tls(s) => s.tcp().as_fd(),
        }
    }

    /// Whether this is a Unix socket (a local server: shared memory may work).
    pub(crate) fn is_unix(&self) -> bool {
        matches!(self, Stream::Unix(_))
    }

    /// Note: this flag belongs to the open file, so it also affects writes. Only the thread
    /// holding the reading token sets it, and only for the length of one poll.
    fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_nonblocking(on),
            Stream::Tcp(s) => s.set_nonblocking(on),
            Stream::Tls(s) => s.tcp().set_nonblocking(on),
        }
    }

    /// Ends the connection both ways, for every holder of the stream: the server sees
    /// it end, and reads here return the end.
    pub(crate) fn shutdown(&self) -> io::Result<()> {
        let how = std::net::Shutdown::Both;
        match self {
            Stream::Unix(s) => s.shutdown(how),
            Stream::Tcp(s) => s.shutdown(how),
            Stream::Tls(s) => s.tcp().shutdown(how),
        }
    }

    pub(crate) fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_read_timeout(t),
            Stream::Tcp(s) => s.set_read_timeout(t),
            Stream::Tls(s) => s.tcp().set_read_timeout(t),
        }
    }

    pub(crate) fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_write_timeout(t),
            Stream::Tcp(s) => s.set_write_timeout(t),
            Stream::Tls(s) => s.tcp().set_write_timeout(t),
        }
    }
}

/// How long one read may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadMode {
    /// Until at least one byte (or end of stream) arrives.
    Block,
    /// Not at all: take what is already there.
    Poll,
    /// Until the deadline at most.
    Until(Instant),
}

/// What one [`Input::fill`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filled {
    /// Some bytes.
    Data,
    /// Nothing (poll or timeout).
    Nothing,
    /// The server closed its side.
    Eof,
}

/// One decoded frame from the server.
#[derive(Debug)]
pub(crate) enum Msg {
    /// The first frame. Boxed: a setup is large, and with it inline every message was
    /// moved by `memcpy` on its way to the state (twice more per reply, callgrind).
    Setup(Box<SetupResponse>),
    /// Any later frame.
    Server(ServerMessage),
}

/// The read buffer: bytes `buf[start..end]` are received but not yet decoded. `buf` is
/// initialized storage, zeroed when it grows and never per read.
#[derive(Debug, Default)]
pub(crate) struct Input {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    setup_seen: bool,
    eof: bool,
    /// The receive timeout currently set on the socket.
    read_timeout: Option<Duration>,
    /// The display's id space for the app is not the app's own: messages come in with
    /// the two exchanged back (see `swap`).
    swap: Option<Swap>,
    /// The atoms of messages in, renumbered to the app's (and noted).
    renumber: Option<Arc<Renumber>>,
}

/// Whether a read or write only ran out of time (or would have blocked).
pub(crate) fn is_would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Input {
    /// The read buffer of a connection whose setup was read already (a resumed one).
    /// Exchanges `swap`'s id spaces in every message decoded from now on.
    pub(crate) fn set_swap(&mut self, swap: Option<Swap>) {
        self.swap = swap;
    }

    /// Renumbers (and notes) the atoms of every message decoded from now on.
    pub(crate) fn set_renumber(&mut self, renumber: &Arc<Renumber>) {
        self.renumber = Some(renumber.clone());
    }

    pub(crate) fn after_setup() -> Input {
        Input {
            setup_seen: true,
            ..Input::default()
        }
    }

    /// Reads from the socket into the buffer, waiting as `mode` allows.
    pub(crate) fn fill(&mut self, stream: &Stream, mode: ReadMode) -> io::Result<Filled> {
        if self.eof {
            return Ok(Filled::Eof);
        }
        match mode {
            ReadMode::Block => {
                self.set_timeout(stream, None)?;
                self.read_once(stream)
            }
            ReadMode::Until(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return self.poll(stream);
                }
                self.set_timeout(stream, Some(left))?;
                match self.read_once(stream) {
                    Err(e) if is_would_block(&e) => Ok(Filled::Nothing),
                    other => other,
                }
            }
            ReadMode::Poll => self.poll(stream),
        }
    }

    fn set_timeout(&mut self, stream: &Stream, t: Option<Duration>) -> io::Result<()> {
        if self.read_timeout != t {
            stream.set_read_timeout(t)?;
            self.read_timeout = t;
        }
        Ok(())
    }

    /// Reads everything available without blocking.
    fn poll(&mut self, stream: &Stream) -> io::Result<Filled> {
        stream.set_nonblocking(true)?;
        let mut got = Filled::Nothing;
        // Bounded, so a server that never stops talking cannot keep a poll going forever.
        let mut reads_left = 64;
        let result = loop {
            if reads_left == 0 {
                break Ok(got);
            }
            reads_left -= 1;
            match self.read_once(stream) {
                Ok(Filled::Data) => got = Filled::Data,
                Ok(other) => break Ok(other),
                Err(e) if is_would_block(&e) => break Ok(got),
                Err(e) => break Err(e),
            }
        };
        // Writes must block again (with their timeout) whatever happened.
        let restored = stream.set_nonblocking(false);
        let filled = result?;
        restored?;
        Ok(filled)
    }

    /// One `read` call (retried on EINTR).
    fn read_once(&mut self, stream: &Stream) -> io::Result<Filled> {
        if self.buf.len() - self.end < READ_CHUNK / 4 {
            // Low on free space: move the undecoded rest to the front, grow if still low.
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.buf.len() - self.end < READ_CHUNK / 4 {
                let grown = (self.end + READ_CHUNK).max(2 * self.buf.len());
                self.buf.resize(grown, 0);
            }
        }
        let result = loop {
            match stream.read(&mut self.buf[self.end..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        self.end += *result.as_ref().unwrap_or(&0);
        match result? {
            0 => {
                self.eof = true;
                Ok(Filled::Eof)
            }
            _ => Ok(Filled::Data),
        }
    }

    /// Decodes every whole frame in the buffer into `out`. An error (oversized or
    /// undecodable frame) is fatal for the connection; frames before it are in `out`.
    pub(crate) fn decode(&mut self, out: &mut Vec<Msg>) -> Result<(), String> {
        let result = loop {
            let rest = &self.buf[self.start..self.end];
            let (body_start, body_end) = match split_frame(rest, MAX_INCOMING_FRAME) {
                Ok(Some(range)) => range,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e.to_string()),
            };
            let (s, e) = (self.start + body_start, self.start + body_end);
            if let (Some(swap), true) = (&self.swap, self.setup_seen) {
                swap.message(&mut self.buf[s..e]);
            }
            let body = &self.buf[s..e];
            let msg = if self.setup_seen {
                decode_server_message(body)
                    .map(|mut m| {
                        if let Some(r) = &self.renumber {
                            r.incoming(&mut m);
                        }
                        Msg::Server(m)
                    })
                    .map_err(|e| format!("undecodable message: {e}"))
            } else {
                rmp_serde::from_slice::<SetupResponse>(body)
                    .map(|r| Msg::Setup(Box::new(r)))
                    .map_err(|e| format!("undecodable setup response: {e}"))
            };
            self.start = e;
            match msg {
                Ok(m) => {
                    self.setup_seen = true;
                    out.push(m);
                }
                Err(e) => break Err(e),
            }
        };
        self.compact();
        result
    }

    /// Starts over at the front once everything is decoded (a partial frame is moved only
    /// when the free space runs low, see `read_once`); gives back the memory of a huge
    /// frame.
    fn compact(&mut self) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.buf.len() > 4 * READ_CHUNK {
                self.buf = vec![0; READ_CHUNK];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::handshake::Refusal;
    use yonder_protocol::reply::SyncReply;
    use yonder_protocol::{encode_frame, Reply, Seq};

    fn input_with(bytes: &[u8]) -> Input {
        Input {
            buf: bytes.to_vec(),
            end: bytes.len(),
            ..Input::default()
        }
    }

    #[test]
    fn decodes_setup_then_messages_and_keeps_partial_frames() {
        let mut bytes = Vec::new();
        encode_frame(
            &SetupResponse::Refused(Refusal {
                reason: "no".into(),
            }),
            &mut bytes,
        );
        encode_frame(
            &ServerMessage::Reply {
                seq: Seq(1),
                reply: Reply::Sync(SyncReply {}),
            },
            &mut bytes,
        );
        let cut = bytes.len() - 2;
        let mut input = input_with(&bytes[..cut]);
        let mut out = Vec::new();
        input.decode(&mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert!(matches!(&out[0], Msg::Setup(r) if matches!(**r, SetupResponse::Refused(_))));
        input.buf.truncate(input.end);
        input.buf.extend_from_slice(&bytes[cut..]);
        input.end = input.buf.len();
        input.decode(&mut out).unwrap();
        assert!(matches!(
            out[1],
            Msg::Server(ServerMessage::Reply { seq: Seq(1), .. })
        ));
        assert_eq!(input.start, input.end);
    }

    #[test]
    fn reads_many_frames_across_reads_and_a_huge_one() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut bytes = Vec::new();
        encode_frame(
            &SetupResponse::Refused(Refusal { reason: "x".into() }),
            &mut bytes,
        );
        let n = 50_000u64;
        for i in 0..n {
            let reply = Reply::Sync(SyncReply {});
            encode_frame(&ServerMessage::Reply { seq: Seq(i), reply }, &mut bytes);
        }
        // One frame larger than the buffer: it grows, then shrinks back.
        let big = ServerMessage::Error {
            seq: Seq(n),
            error: yonder_protocol::ProtocolError {
                code: yonder_protocol::ErrorCode::Value,
                bad_value: 0,
                opcode: 0,
                message: "y".repeat(5 * READ_CHUNK),
            },
        };
        encode_frame(&big, &mut bytes);
        let writer = std::thread::spawn(move || (&a).write_all(&bytes));
        let stream = Stream::Unix(b);
        let mut input = Input::default();
        let mut out = Vec::new();
        while input.fill(&stream, ReadMode::Block).unwrap() == Filled::Data {
            input.decode(&mut out).unwrap();
        }
        writer.join().unwrap().unwrap();
        assert_eq!(out.len() as u64, n + 2);
        for (i, m) in out[1..=n as usize].iter().enumerate() {
            assert!(
                matches!(m, Msg::Server(ServerMessage::Reply { seq, .. }) if seq.0 == i as u64)
            );
        }
        assert!(matches!(&out[n as usize + 1], Msg::Server(m) if *m == big));
        assert!(input.buf.len() <= 4 * READ_CHUNK);
    }

    #[test]
    fn garbage_and_oversized_frames_are_errors() {
        let mut input = input_with(&[3, 0, 0, 0, 0xc1, 0xc1, 0xc1]);
        assert!(input.decode(&mut Vec::new()).is_err());
        let huge = (MAX_INCOMING_FRAME as u32 + 1).to_le_bytes();
        let mut input = input_with(&huge);
        input.setup_seen = true;
        assert!(input.decode(&mut Vec::new()).is_err());
    }
}
