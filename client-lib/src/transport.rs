//! Moving bytes: encoding requests into the output buffer and flushing it, the reading
//! token and the read pass that routes what arrives, and the one waiting loop behind
//! every blocking call (replies, checks, events, setup).
//!
//! Reading: one thread at a time holds the reading token (`State::reading`). It reads
//! with no lock held, then routes the decoded messages under the state lock and wakes
//! everyone waiting on `Connection::changed`; each waiter then looks for what it wants.
//!
//! Writing: a flush holds the output lock across its write calls. Writes time out after
//! [`WRITE_TIMEOUT`]; a write that cannot proceed reads what the server sent (when no
//! other thread is reading), since a server blocked on writing to us stops reading too.
//! The same holds for the encrypted bytes a TLS stream keeps after taking a write: the
//! flush ends only once they are out too.
//!
//! File descriptors (a shared-memory segment's memfd, sent with its ShmAttach) wait in
//! the output next to the offset of their frame. A flush writes up to that offset with
//! plain writes and then starts the frame with a `sendmsg` carrying the descriptor, so the
//! server receives it with the frame's first byte (protocol.md §15.3).

use crate::connection::Connection;
use crate::error::{ConnectionError, ReplyError};
use crate::io::{Filled, Msg, ReadMode};
use crate::state::{message_seq, State};
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::request::Sync;
use yonder_protocol::{encode_frame, Hello, Reply, Request, Seq, Setup, SetupResponse};

/// The output buffer is flushed as soon as it holds this much.
pub(crate) const FLUSH_THRESHOLD: usize = 64 * 1024;
/// How long one write call may block before the writer checks for incoming data.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_millis(5);
/// How long dropping the connection keeps trying to send what is left.
const DROP_FLUSH_LIMIT: Duration = Duration::from_secs(1);

/// The output side: the encoded requests not yet written, and the request counter.
#[derive(Debug, Default)]
pub(crate) struct Output {
    buf: Vec<u8>,
    /// Descriptors to send, each with the offset in `buf` of the frame it goes with.
    fds: VecDeque<(usize, OwnedFd)>,
    /// Number of requests sent so far (the last sequence number handed out).
    seq: u64,
    /// A write failed: nothing more is buffered or sent.
    dead: bool,
}

/// How long a wait may last.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    Block,
    Poll,
    Until(Instant),
}

/// Locks, ignoring poisoning: no invariant of ours spans a panic in user code, which
/// never runs under our locks anyway.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn is_would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn connection_error(e: io::Error) -> ConnectionError {
    use io::ErrorKind::*;
    match e.kind() {
        BrokenPipe | ConnectionReset | ConnectionAborted | WriteZero | UnexpectedEof => {
            ConnectionError::Closed
        }
        _ => ConnectionError::from(e),
    }
}

impl Connection {
    /// Encodes and sends the hello, the one frame that is not a request.
    pub(crate) fn send_hello_frame(&self, msg: &Hello) -> Result<(), ConnectionError> {
        let mut out = lock(&self.out);
        encode_frame(msg, &mut out.buf);
        self.flush_locked(&mut out, None)
    }

    /// Buffers a request and gives it the next sequence number. `cookie`: whether a cookie
    /// will follow the request, and if so whether the request has a reply.
    pub(crate) fn send_tracked(&self, request: &Request, cookie: Option<bool>) -> Seq {
        self.send_tracked_with_fd(request, cookie, None)
    }

    /// [`Connection::send_tracked`], with a file descriptor sent along with the frame's
    /// first byte (Unix sockets only; the caller checks).
    pub(crate) fn send_tracked_with_fd(
        &self,
        request: &Request,
        cookie: Option<bool>,
        fd: Option<OwnedFd>,
    ) -> Seq {
        self.send_encoded(cookie, fd, |buf| encode_request_frame(request, buf))
    }

    /// Buffers the frame `encode` appends (exactly one request frame) and gives it the
    /// next sequence number; `cookie` and `fd` as in [`Connection::send_tracked_with_fd`].
    /// The drawing methods encode their slices here directly, with no `Request` built.
    pub(crate) fn send_encoded(
        &self,
        cookie: Option<bool>,
        fd: Option<OwnedFd>,
        encode: impl FnOnce(&mut Vec<u8>),
    ) -> Seq {
        let mut out = lock(&self.out);
        out.seq += 1;
        let seq = out.seq;
        self.requests_sent.store(seq, Ordering::Release);
        if let Some(expects_reply) = cookie {
            lock(&self.state).track(seq, expects_reply);
        }
        if !out.dead {
            if let Some(fd) = fd {
                let at = out.buf.len();
                out.fds.push_back((at, fd));
            }
            encode(&mut out.buf);
            if out.buf.len() >= FLUSH_THRESHOLD {
                // A failure is recorded in the state and reported by the next wait.
                let _ = self.flush_locked(&mut out, None);
            }
        }
        Seq(seq)
    }

    /// Sends every buffered request.
    pub fn flush(&self) -> Result<(), ConnectionError> {
        let mut out = lock(&self.out);
        self.flush_locked(&mut out, None)
    }

    pub(crate) fn flush_on_drop(&self) {
        let mut out = lock(&self.out);
        let _ = self.flush_locked(&mut out, Some(Instant::now() + DROP_FLUSH_LIMIT));
    }

    fn flush_locked(
        &self,
        out: &mut Output,
        give_up: Option<Instant>,
    ) -> Result<(), ConnectionError> {
        if out.dead {
            return Err(self.fail(ConnectionError::Closed));
        }
        let broken = lock(&self.state).broken.clone();
        if let Some(e) = broken {
            // Nothing will be sent any more: stop buffering.
            out.dead = true;
            out.buf = Vec::new();
            out.fds.clear();
            return Err(e);
        }
        let mut written = 0;
        let result = loop {
            // Plain writes stop at the next descriptor's frame, which starts a sendmsg.
            let next_fd = out.fds.front().map(|(at, _)| *at);
            let sent = match next_fd {
                // All handed over; a TLS stream may still hold encrypted bytes, and they
                // may wait for the socket like any write.
                _ if written == out.buf.len() => match self.stream.flush_pending() {
                    Ok(()) => break Ok(()),
                    Err(e) => Err(e),
                },
                Some(at) if at == written => {
                    let fd = out.fds.front().map(|(_, fd)| fd.as_fd()).expect("front");
                    let n = self.stream.send_with_fd(&out.buf[written..], fd);
                    if matches!(n, Ok(n) if n > 0) {
                        // On its way: our copy of the descriptor can close.
                        out.fds.pop_front();
                    }
                    n
                }
                Some(at) => self.stream.write(&out.buf[written..at]),
                None => self.stream.write(&out.buf[written..]),
            };
            match sent {
                Ok(0) => break Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_would_block(&e) => {
                    if give_up.is_some_and(|t| Instant::now() >= t) {
                        break Err(e);
                    }
                    self.drain_if_idle();
                }
                Err(e) => break Err(e),
            }
        };
        match result {
            Ok(()) => {
                debug_assert!(out.fds.is_empty());
                // A buffer grown by a large request shrinks back once the requests are
                // small again, not after each large one: an app putting large images one
                // after another would otherwise regrow it (copies, page faults) every time.
                let flushed = out.buf.len();
                out.buf.clear();
                if out.buf.capacity() > 4 * FLUSH_THRESHOLD && flushed <= FLUSH_THRESHOLD {
                    out.buf.shrink_to(2 * FLUSH_THRESHOLD);
                }
                Ok(())
            }
            Err(e) => {
                out.dead = true;
                out.buf = Vec::new();
                out.fds.clear();
                // A server that refuses a client says why, then closes: read that first.
                self.drain_if_idle();
                Err(self.fail(connection_error(e)))
            }
        }
    }

    /// Reads what is available, unless another thread is reading already.
    fn drain_if_idle(&self) {
        {
            let mut st = lock(&self.state);
            if st.reading || st.broken.is_some() {
                drop(st);
                std::thread::yield_now();
                return;
            }
            st.reading = true;
        }
        self.read_pass(ReadMode::Poll);
    }

    /// One read and the routing of every whole frame received. The caller holds the
    /// reading token; this gives it back and wakes the waiters.
    fn read_pass(&self, mode: ReadMode) {
        let mut msgs = Vec::new();
        let outcome = {
            let mut input = lock(&self.input);
            let filled = input.fill(&self.stream, mode);
            match (input.decode(&mut msgs), filled) {
                (Err(e), _) => Err(ConnectionError::Malformed(e)),
                (Ok(()), Err(e)) => Err(connection_error(e)),
                (Ok(()), Ok(Filled::Eof)) => Err(ConnectionError::Closed),
                (Ok(()), Ok(_)) => Ok(()),
            }
        };
        let mut st = lock(&self.state);
        for msg in msgs {
            if st.broken.is_some() {
                break;
            }
            match msg {
                Msg::Setup(SetupResponse::Accepted(setup)) => {
                    if let Err(e) = self.accept_setup(setup) {
                        st.fail(e);
                    }
                }
                Msg::Setup(SetupResponse::Refused(r)) => {
                    st.fail(ConnectionError::Refused(r.reason));
                }
                Msg::Server(m) => {
                    // Counted before it could be flushed, so an honest server is never ahead.
                    let sent = self.requests_sent.load(Ordering::Acquire);
                    match message_seq(&m) {
                        Seq(n) if n > sent => {
                            st.fail(ConnectionError::Malformed(format!(
                                "a message for request {n}, but only {sent} were sent"
                            )));
                        }
                        _ => st.apply(m),
                    }
                }
            }
        }
        if let Err(e) = outcome {
            st.fail(e);
        }
        st.reading = false;
        drop(st);
        self.changed.notify_all();
    }

    /// Flushes, then reads until `cond` yields something, the connection fails, or `wait`
    /// runs out (`Ok(None)`). `cond` runs under the state lock and must be quick.
    pub(crate) fn wait_until<T>(
        &self,
        wait: Wait,
        mut cond: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<Option<T>, ConnectionError> {
        // What we wait for may need requests still in the buffer. A failure is recorded
        // in the state; what already arrived can still be collected below.
        let _ = self.flush();
        let mut polled = false;
        let mut st = lock(&self.state);
        loop {
            if let Some(t) = cond(&mut st) {
                return Ok(Some(t));
            }
            if let Some(e) = &st.broken {
                return Err(e.clone());
            }
            // Out of time: a poll, or a deadline that passed (even a zero timeout gets one
            // look at what the socket already holds).
            let expired = match wait {
                Wait::Block => false,
                Wait::Poll => true,
                Wait::Until(deadline) => Instant::now() >= deadline,
            };
            if expired && polled {
                return Ok(None);
            }
            if st.reading {
                // Another thread reads; it wakes us after routing what it got.
                st = match wait {
                    _ if expired => return Ok(None),
                    Wait::Until(deadline) => {
                        let left = deadline.saturating_duration_since(Instant::now());
                        self.changed
                            .wait_timeout(st, left)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    _ => self
                        .changed
                        .wait(st)
                        .unwrap_or_else(PoisonError::into_inner),
                };
                continue;
            }
            let mode = match wait {
                _ if expired => ReadMode::Poll,
                Wait::Until(deadline) => ReadMode::Until(deadline),
                _ => ReadMode::Block,
            };
            st.reading = true;
            drop(st);
            self.read_pass(mode);
            polled = true;
            st = lock(&self.state);
        }
    }

    /// [`Connection::wait_until`] with no time limit.
    fn wait_blocking<T>(
        &self,
        cond: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<T, ConnectionError> {
        match self.wait_until(Wait::Block, cond)? {
            Some(t) => Ok(t),
            // A blocking wait ends only with a value or an error.
            None => Err(ConnectionError::Closed),
        }
    }

    /// Records a failure of the connection; returns the error in force.
    pub(crate) fn fail(&self, err: ConnectionError) -> ConnectionError {
        let err = lock(&self.state).fail(err);
        self.changed.notify_all();
        err
    }

    pub(crate) fn wait_until_setup(&self) -> Result<&Setup, ConnectionError> {
        self.wait_blocking(|_| self.setup.get())
    }

    pub(crate) fn wait_for_reply(&self, seq: Seq) -> Result<Reply, ReplyError> {
        self.wait_blocking(|st| st.take_reply(seq.0))?
    }

    pub(crate) fn check_seq(&self, seq: Seq) -> Result<(), ReplyError> {
        let known = lock(&self.state).take_check(seq.0);
        let outcome = match known {
            Some(outcome) => outcome,
            None => {
                // Nothing after the request has arrived yet: a round trip settles it.
                self.send_plain(&Request::Sync(Sync {}));
                self.wait_blocking(|st| st.take_check(seq.0))?
            }
        };
        outcome.map_err(ReplyError::Protocol)
    }

    pub(crate) fn forget_seq(&self, seq: Seq) {
        if lock(&self.state).forget(seq.0) {
            self.changed.notify_all();
        }
    }

    pub(crate) fn ignore_seq(&self, seq: Seq) {
        lock(&self.state).ignore(seq.0);
    }
}
