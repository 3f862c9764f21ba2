//! The output buffer ([`Output`]): the encoded requests not yet written, the descriptors
//! that go with them, the request counter, and the write loop that hands them to the
//! socket. When to flush and what to do while a write cannot proceed is the
//! `transport`'s business; this module only moves the bytes.
//!
//! File descriptors (a shared-memory segment's memfd, sent with its ShmAttach) wait in
//! the output next to the offset of their frame. A write pass writes up to that offset
//! with plain writes and then starts the frame with a `sendmsg` carrying the descriptor,
//! so the server receives it with the frame's first byte (protocol.md §15.3).

use crate::io::{is_would_block, Stream};
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

/// The output buffer is flushed as soon as it holds this much.
pub(crate) const FLUSH_THRESHOLD: usize = 64 * 1024;
/// How long one write call may block before the writer checks for incoming data.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_millis(5);

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

impl Output {
    /// Counts one more request; returns its sequence number.
    #[inline]
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Whether a write failed (or the connection did): nothing is buffered any more.
    #[inline]
    pub(crate) fn is_dead(&self) -> bool {
        self.dead
    }

    /// Appends the frame `encode` writes, with `fd` to go along with its first byte.
    /// Returns whether the buffer now holds enough to be flushed. Does nothing once dead.
    #[inline]
    pub(crate) fn push(&mut self, fd: Option<OwnedFd>, encode: impl FnOnce(&mut Vec<u8>)) -> bool {
        if self.dead {
            return false;
        }
        if let Some(fd) = fd {
            let at = self.buf.len();
            self.fds.push_back((at, fd));
        }
        encode(&mut self.buf);
        self.buf.len() >= FLUSH_THRESHOLD
    }

    /// Stops buffering for good: drops what is left (the connection failed).
    pub(crate) fn kill(&mut self) {
        self.dead = true;
        self.buf = Vec::new();
        self.fds.clear();
    }

    /// Writes everything buffered. When a write cannot proceed (it timed out or would
    /// block) `on_block` runs and the write is tried again, until `give_up` passes. An
    /// error leaves the buffer as it is; the caller decides (see `transport`).
    ///
    /// Inlined into the transport's flush, its only caller: as a separate call it cost
    /// each flush ~65 more instructions, 1.5 % of a round trip (callgrind, `yperf --latency`).
    #[inline]
    pub(crate) fn write_all(
        &mut self,
        stream: &Stream,
        give_up: Option<Instant>,
        mut on_block: impl FnMut(),
    ) -> io::Result<()> {
        let mut written = 0;
        loop {
            // Plain writes stop at the next descriptor's frame, which starts a sendmsg.
            let next_fd = self.fds.front().map(|(at, _)| *at);
            let sent = match next_fd {
                // All handed over; a TLS stream may still hold encrypted bytes, and they
                // may wait for the socket like any write.
                _ if written == self.buf.len() => match stream.flush_pending() {
                    Ok(()) => break,
                    Err(e) => Err(e),
                },
                Some(at) if at == written => {
                    let fd = self.fds.front().map(|(_, fd)| fd.as_fd()).expect("front");
                    let n = stream.send_with_fd(&self.buf[written..], fd);
                    if matches!(n, Ok(n) if n > 0) {
                        // On its way: our copy of the descriptor can close.
                        self.fds.pop_front();
                    }
                    n
                }
                Some(at) => stream.write(&self.buf[written..at]),
                None => stream.write(&self.buf[written..]),
            };
            match sent {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_would_block(&e) => {
                    if give_up.is_some_and(|t| Instant::now() >= t) {
                        return Err(e);
                    }
                    on_block();
                }
                Err(e) => return Err(e),
            }
        }
        debug_assert!(self.fds.is_empty());
        // A buffer grown by a large request shrinks back once the requests are small
        // again, not after each large one: an app putting large images one after another
        // would otherwise regrow it (copies, page faults) every time.
        let flushed = self.buf.len();
        self.buf.clear();
        if self.buf.capacity() > 4 * FLUSH_THRESHOLD && flushed <= FLUSH_THRESHOLD {
            self.buf.shrink_to(2 * FLUSH_THRESHOLD);
        }
        Ok(())
    }
}
