//! The output buffer ([`Output`]): the encoded requests not yet written, the descriptors
//! that go with them, the request counter, and the write loop that hands them to the
//! socket. When to flush and what to do while a write cannot proceed is the
//! `transport`'s business; this module only moves the bytes.
//!
//! Over the network the output also keeps what it wrote until the server has answered
//! something later ([`Resend`]): after a lost link, a resumed session sends again what
//! the server never processed (protocol.md §5.4).
//!
//! File descriptors (a shared-memory segment's memfd, sent with its ShmAttach) wait in
//! the output next to the offset of their frame. A write pass writes up to that offset
//! with plain writes and then starts the frame with a `sendmsg` carrying the descriptor,
//! so the server receives it with the frame's first byte (protocol.md §15.3).

use crate::io::{is_would_block, Stream};
use crate::renumber::Renumber;
use crate::swap::Swap;
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The output buffer is flushed as soon as it holds this much.
pub(crate) const FLUSH_THRESHOLD: usize = 64 * 1024;
/// A PutImage's pixels at least this long go to the socket from where they are, after
/// their frame's head, not copied into the buffer first ([`Output::write_all`]'s tail):
/// at 500×500 the copy cost as much as the server's whole put.
pub(crate) const DIRECT_MIN: usize = 32 * 1024;
/// How long one write call may block before the writer checks for incoming data.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_millis(5);
/// Most bytes of written requests kept for sending again after a resume; past it the
/// oldest go (a resume that needs them starts a new session instead).
pub(crate) const RESEND_LIMIT: usize = 4 << 20;

/// Requests written but not yet known to be processed, kept to be sent again after a
/// resume: whole buffers as they were written (no copy), each with the sequence numbers
/// of its first and last frame, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Resend {
    chunks: VecDeque<(u64, u64, Vec<u8>)>,
    bytes: usize,
}

impl Resend {
    /// Forgets the chunks the server has processed (`acked`: the highest sequence number
    /// it has answered anything for) and the oldest past [`RESEND_LIMIT`].
    fn trim(&mut self, acked: u64) {
        while let Some((_, last, bytes)) = self.chunks.front() {
            if *last > acked && self.bytes <= RESEND_LIMIT {
                break;
            }
            self.bytes -= bytes.len();
            self.chunks.pop_front();
        }
    }
}

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
    /// Keep written requests for a resume (a network connection of a 1.5 session).
    retain: bool,
    /// The last request written to the socket (or kept as if written, while detached).
    written: u64,
    /// The requests kept for a resume.
    resend: Resend,
    /// The app's ids go out in another id space (it moved where its own was taken).
    swap: Option<Swap>,
    /// The app's atoms go out under the display's numbers (it moved): only set where
    /// they differ.
    renumber: Option<Arc<Renumber>>,
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
        let start = self.buf.len();
        encode(&mut self.buf);
        if let Some(r) = &self.renumber {
            crate::renumber::frames_out(r, &mut self.buf, start);
        }
        if let Some(swap) = &self.swap {
            swap.frames(&mut self.buf[start..]);
        }
        self.buf.len() >= FLUSH_THRESHOLD
    }

    /// Whether the last frame pushed may end in a tail written from elsewhere
    /// ([`Output::write_all`]): not while frames are rewritten as they are pushed (their
    /// ids or atoms), which needs them whole, nor while written frames are kept for a
    /// resume (the tail would be copied into the buffer all the same).
    #[inline]
    pub(crate) fn takes_tail(&self) -> bool {
        !self.dead && !self.retain && self.swap.is_none() && self.renumber.is_none()
    }

    /// Appends `tail` to the buffer: the rest of the last frame, which cannot be written
    /// from where it is (it is kept for a resume).
    pub(crate) fn append_tail(&mut self, tail: &[u8]) {
        if !self.dead {
            self.buf.extend_from_slice(tail);
        }
    }

    /// From now on, every frame pushed has `swap`'s two id spaces exchanged (`None`:
    /// as encoded).
    pub(crate) fn set_swap(&mut self, swap: Option<Swap>) {
        self.swap = swap;
    }

    /// From now on, every frame pushed has its atoms renumbered by `renumber` (none
    /// where the app's numbers are the display's).
    pub(crate) fn set_renumber(&mut self, renumber: &Arc<Renumber>) {
        self.renumber = renumber.rewrites().then(|| renumber.clone());
    }

    /// Appends a frame that went out before exactly as it did (its ids and atoms are
    /// the display's already): a request asked again after a resume.
    pub(crate) fn push_as_sent(&mut self, frame: &[u8]) -> bool {
        if self.dead {
            return false;
        }
        self.buf.extend_from_slice(frame);
        self.buf.len() >= FLUSH_THRESHOLD
    }

    /// From now on written requests are kept for a resume (and trimmed by
    /// [`Output::acked`]); those already written are not.
    pub(crate) fn start_retaining(&mut self) {
        self.retain = true;
        self.written = self.seq - self.frames_unwritten();
    }

    /// Whether written requests are kept for a resume.
    pub(crate) fn retains(&self) -> bool {
        self.retain
    }

    /// The server has processed every request up to `acked`: their copies can go.
    pub(crate) fn acked(&mut self, acked: u64) {
        self.resend.trim(acked);
    }

    /// The number of the last request handed out (the next is one more).
    pub(crate) fn last_seq(&self) -> u64 {
        self.seq
    }

    /// The oldest request that can still be sent again: every request from it on is
    /// kept or not yet written.
    pub(crate) fn oldest_kept(&self) -> u64 {
        match self.resend.chunks.front() {
            Some((first, _, _)) => *first,
            None => self.written + 1,
        }
    }

    /// While no connection is up: the buffered requests count as written (kept for the
    /// resume, within [`RESEND_LIMIT`]), so that an app sending meanwhile does not grow
    /// the buffer without bound.
    pub(crate) fn park(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let first = self.written + 1;
        self.written = self.seq;
        let chunk = std::mem::take(&mut self.buf);
        self.resend.bytes += chunk.len();
        self.resend.chunks.push_back((first, self.seq, chunk));
        self.fds.clear();
        self.resend.trim(0);
    }

    /// After a resume in which the server had processed requests up to `processed`:
    /// the buffer becomes every kept request after it, then what was not yet written,
    /// to be sent on the new connection. The caller checked that `processed + 1` is at
    /// least [`Output::oldest_kept`].
    pub(crate) fn rewind(&mut self, processed: u64) {
        let mut again = Vec::new();
        for (first, last, bytes) in self.resend.chunks.drain(..) {
            if last <= processed {
                continue;
            }
            let skip = processed.saturating_sub(first - 1);
            again.extend_from_slice(&bytes[frames_len(&bytes, skip)..]);
        }
        again.append(&mut self.buf);
        self.buf = again;
        self.resend.bytes = 0;
        self.written = processed;
        self.dead = false;
    }

    /// The frames of the requests `wanted` picks by sequence number, among those kept or
    /// not yet written, with their numbers: what a reconnection asks again.
    pub(crate) fn frames_of(&self, wanted: impl Fn(u64) -> bool) -> Vec<(u64, Vec<u8>)> {
        let chunks = self.resend.chunks.iter().map(|(f, l, b)| (*f, *l, &b[..]));
        let unwritten = std::iter::once((self.written + 1, self.seq, &self.buf[..]));
        let mut found = Vec::new();
        for (first, last, bytes) in chunks.chain(unwritten) {
            // Numbered only when the frames are exactly the requests first..=last (the
            // hello, which has no number, may lead the first buffer).
            if yonder_protocol::frames(bytes).count() as u64 != (last + 1).saturating_sub(first) {
                continue;
            }
            for (seq, frame) in (first..).zip(yonder_protocol::frames(bytes)) {
                if wanted(seq) {
                    found.push((seq, frame.to_vec()));
                }
            }
        }
        found
    }

    /// A new session (protocol.md §5.4) numbered on after `processed`: nothing kept or
    /// buffered is sent any more (the journal's replay recreates the state instead).
    pub(crate) fn new_session(&mut self, processed: u64) {
        self.resend.chunks.clear();
        self.resend.bytes = 0;
        self.buf.clear();
        self.fds.clear();
        self.seq = processed;
        self.written = processed;
        self.dead = false;
    }

    /// How many whole frames the buffer holds (requests handed out, not yet written).
    fn frames_unwritten(&self) -> u64 {
        yonder_protocol::frames(&self.buf).count() as u64
    }

    /// Stops buffering for good: drops what is left (the connection failed).
    pub(crate) fn kill(&mut self) {
        self.dead = true;
        self.buf = Vec::new();
        self.fds.clear();
    }

    /// Writes everything buffered, then `tail`: the rest of the last frame, written from
    /// where it is (a large image's pixels; empty for none). When a write cannot proceed
    /// (it timed out or would block) `on_block` runs and the write is tried again, until
    /// `give_up` passes. An error leaves the buffer as it was, `tail` appended (whole
    /// frames, for a resume); the caller decides (see `transport`). Kept for a resume,
    /// the tail is copied into the buffer first.
    ///
    /// Inlined into the transport's flush, its only caller: as a separate call it cost
    /// each flush ~65 more instructions, 1.5 % of a round trip (callgrind, `yperf --latency`).
    #[inline]
    pub(crate) fn write_all(
        &mut self,
        stream: &Stream,
        give_up: Option<Instant>,
        mut tail: &[u8],
        mut on_block: impl FnMut(),
    ) -> io::Result<()> {
        if self.retain && !tail.is_empty() {
            self.buf.extend_from_slice(tail);
            tail = &[];
        }
        match self.write_loop(stream, give_up, tail, &mut on_block) {
            Ok(()) => {}
            Err(e) => {
                self.buf.extend_from_slice(tail);
                return Err(e);
            }
        }
        debug_assert!(self.fds.is_empty());
        if self.retain {
            // Kept whole for a resume; a buffer the kept ones no longer need is reused.
            let first = self.written + 1;
            self.written = self.seq;
            if first <= self.seq {
                let spare = match self.resend.chunks.len() {
                    n if n > 0 && self.resend.bytes > RESEND_LIMIT => {
                        let (_, _, b) = self.resend.chunks.pop_front().expect("n > 0");
                        self.resend.bytes -= b.len();
                        b
                    }
                    _ => Vec::with_capacity(FLUSH_THRESHOLD),
                };
                let chunk = std::mem::replace(&mut self.buf, spare);
                self.resend.bytes += chunk.len();
                self.resend.chunks.push_back((first, self.seq, chunk));
            }
            self.buf.clear();
            return Ok(());
        }
        self.written = self.seq;
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

impl Output {
    /// [`Output::write_all`]'s writes: the buffer, then `tail`, in as few calls as the
    /// socket takes (the two together in one `writev` where no descriptor is due).
    #[inline]
    fn write_loop(
        &mut self,
        stream: &Stream,
        give_up: Option<Instant>,
        tail: &[u8],
        on_block: &mut impl FnMut(),
    ) -> io::Result<()> {
        let (len, total) = (self.buf.len(), self.buf.len() + tail.len());
        let mut written = 0;
        loop {
            // Plain writes stop at the next descriptor's frame, which starts a sendmsg.
            let next_fd = self.fds.front().map(|(at, _)| *at);
            let sent = match next_fd {
                // All handed over; a TLS stream may still hold encrypted bytes, and they
                // may wait for the socket like any write.
                _ if written == total => match stream.flush_pending() {
                    Ok(()) => return Ok(()),
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
                None if written >= len => stream.write(&tail[written - len..]),
                None if tail.is_empty() => stream.write(&self.buf[written..]),
                None => stream.write_pair(&self.buf[written..], tail),
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
    }
}

/// The length of the first `n` whole frames of `bytes` (all of them if fewer).
fn frames_len(bytes: &[u8], n: u64) -> usize {
    yonder_protocol::frames(bytes)
        .take(usize::try_from(n).unwrap_or(usize::MAX))
        .map(<[u8]>::len)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame of `n` bytes of body, each the byte `tag`.
    fn frame(tag: u8, n: usize) -> Vec<u8> {
        let mut f = (n as u32).to_le_bytes().to_vec();
        f.extend(std::iter::repeat_n(tag, n));
        f
    }

    fn push(out: &mut Output, tag: u8) {
        out.next_seq();
        out.push(None, |b| b.extend(frame(tag, 3)));
    }

    /// What `out` would write next, as the tags of its frames.
    fn tags(out: &Output) -> Vec<u8> {
        out.buf.chunks(7).map(|f| f[4]).collect()
    }

    #[test]
    fn a_resume_sends_again_exactly_what_the_server_did_not_process() {
        let mut out = Output::default();
        push(&mut out, 0); // sent before retaining: never kept
        out.start_retaining();
        assert_eq!(out.written, 0, "request 1 is not written yet");
        out.buf.clear();
        out.written = 1;
        for tag in 2..=4 {
            push(&mut out, tag);
        }
        // Written in one piece (as a flush does), then two more parked while detached.
        let (first, chunk) = (out.written + 1, std::mem::take(&mut out.buf));
        out.written = out.seq;
        out.resend.bytes += chunk.len();
        out.resend.chunks.push_back((first, out.seq, chunk));
        push(&mut out, 5);
        out.park();
        push(&mut out, 6);
        assert_eq!(out.oldest_kept(), 2);
        // The server processed up to 3: 4 and 5 again, then 6.
        out.rewind(3);
        assert_eq!(tags(&out), vec![4, 5, 6]);
        assert_eq!(out.oldest_kept(), 4);
    }

    #[test]
    fn the_frames_asked_for_are_found_by_their_numbers() {
        let mut out = Output::default();
        // A hello with no number, then requests 1 and 2, parked with it: that buffer
        // cannot be numbered, so nothing is taken from it.
        out.push(None, |b| b.extend(frame(99, 3)));
        push(&mut out, 1);
        push(&mut out, 2);
        out.park();
        for tag in 3..=5 {
            push(&mut out, tag);
        }
        out.park();
        push(&mut out, 6);
        push(&mut out, 7);
        let found = out.frames_of(|seq| [2, 4, 7].contains(&seq));
        let got: Vec<(u64, u8)> = found.iter().map(|(seq, f)| (*seq, f[4])).collect();
        assert_eq!(got, vec![(4, 4), (7, 7)]);
    }

    #[test]
    fn acknowledged_and_overflowing_requests_are_dropped_oldest_first() {
        let mut out = Output::default();
        out.start_retaining();
        for tag in 1..=3 {
            push(&mut out, tag);
            out.park();
        }
        out.acked(1);
        assert_eq!(out.oldest_kept(), 2);
        let big = RESEND_LIMIT / 2 + 1;
        for tag in [7, 8] {
            out.next_seq();
            out.push(None, |b| b.extend(frame(tag, big)));
            out.park();
        }
        // Past the limit: 2, 3 and the first big one went.
        assert_eq!(out.oldest_kept(), 5);
        assert!(out.resend.bytes <= RESEND_LIMIT);
    }
}
