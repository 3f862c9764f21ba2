//! What a client's output costs while it is on its way: the bytes the state thread has
//! handed to the connection's writer task and the writer has not yet written to the
//! socket, and the server's way of ending a connection from the state side.
//!
//! Why a counter shared by two threads: the state thread must know how much a client
//! already owes before it queues more (a client that never reads would otherwise make
//! the server's memory grow without end, see `--max-output-buffer`), and only the writer
//! task knows when bytes have left. (A Unix or plain TCP connection's writer runs on the
//! state thread itself, see `net::server`; a TLS one's on another.) An [`AtomicUsize`]
//! is the heart of what they share: the state thread adds what it hands over, the writer
//! subtracts what it wrote. The connection's reader also waits on it ([`Outbox::room`])
//! before it hands over more requests, with the bytes not yet handed, whether the writer
//! still runs, and a [`Notify`] the writer wakes it with; no lock is held across an
//! `.await`.
//!
//! The short way for replies: on a Unix socket the outbox also holds the socket's write
//! half, and when nothing waits at the writer (`queued` is 0) the state thread writes a
//! flush itself with one nonblocking `try_write`, sparing a round trip the hop to the
//! writer task. Whatever that write
//! does not take goes to the writer as before, so the order on the wire holds (the
//! writer has nothing older), and a client that never reads still never blocks the
//! state thread. The writer task writes through the same half ([`SharedUnixWrite`]).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::AsyncWrite;
use tokio::net::unix::OwnedWriteHalf;
use tokio::sync::Notify;

/// One connection's output accounting and its "close now" signal. Shared (in an `Arc`)
/// by the state thread's `state::Client` and the connection's reader and writer
/// tasks.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Bytes handed to the writer and not yet written to the socket.
    queued: AtomicUsize,
    /// Bytes the state thread has queued for the client and not yet handed over (its
    /// `Client::out`, as of its last message): [`Outbox::room`] counts them too, so a
    /// reader given a turn in the middle of a burst sees what the burst has answered.
    unflushed: AtomicUsize,
    /// Set once by [`Outbox::close`]; never cleared.
    closed: AtomicBool,
    /// Wakes the reader and writer tasks when the connection is closed.
    notify: Notify,
    /// Wakes a reader waiting in [`Outbox::room`] when the writer wrote.
    progress: Notify,
    /// Set when a reader waited in [`Outbox::room`] for `stall` and nothing was written;
    /// cleared by the next write.
    stalled: AtomicBool,
    /// Set when the writer task has stopped (the socket failed, or the connection
    /// ended): nothing queued will be written any more, so [`Outbox::room`] does not
    /// wait.
    writer_ended: AtomicBool,
    /// The Unix socket's write half, for the state thread's direct writes (None for
    /// TCP and TLS, whose writes stay with the writer task).
    direct: Option<Arc<OwnedWriteHalf>>,
}

impl Outbox {
    /// An empty outbox, open.
    pub fn new() -> Arc<Outbox> {
        Arc::new(Outbox::default())
    }

    /// An empty outbox whose owner may write straight to `half` (see the module doc).
    pub fn with_direct(half: Arc<OwnedWriteHalf>) -> Arc<Outbox> {
        Arc::new(Outbox {
            direct: Some(half),
            ..Outbox::default()
        })
    }

    /// Writes what it can of `bytes` to the socket at once, without waiting, if that
    /// keeps the order: only when nothing is queued at the writer. Returns how many
    /// bytes went (0 when none could, or the way is closed; an error is left for the
    /// writer task to meet). Called by the state thread only.
    pub fn try_write_direct(&self, bytes: &[u8]) -> usize {
        match &self.direct {
            Some(half) if self.queued() == 0 && !self.is_closed() => {
                half.try_write(bytes).unwrap_or(0)
            }
            _ => 0,
        }
    }

    /// Bytes handed to the writer and not yet written.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }

    /// The state thread hands `n` more bytes to the writer.
    pub fn handed(&self, n: usize) {
        self.queued.fetch_add(n, Ordering::AcqRel);
    }

    /// The state thread's bytes for the client not yet handed over (see the field).
    pub fn set_unflushed(&self, n: usize) {
        self.unflushed.store(n, Ordering::Relaxed);
    }

    /// The writer task has stopped (see the field).
    pub fn writer_ended(&self) {
        self.writer_ended.store(true, Ordering::Release);
        self.progress.notify_waiters();
    }

    /// Bytes on their way that a reader's [`Outbox::room`] weighs: handed to the writer
    /// and not yet written, and not yet handed.
    fn owed(&self) -> usize {
        self.queued() + self.unflushed.load(Ordering::Relaxed)
    }

    /// The writer wrote `n` bytes (or dropped them with the connection).
    pub fn written(&self, n: usize) {
        let _ = self
            .queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |q| {
                Some(q.saturating_sub(n))
            });
        self.stalled.store(false, Ordering::Release);
        self.progress.notify_waiters();
    }

    /// Waits while more than `mark` bytes are owed the client (at the writer, or not yet
    /// handed to it) and the writer keeps writing: the connection's reader calls it
    /// before it hands over more requests, so that a client whose replies are large (pipelined GetImages) is read only as fast
    /// as it reads them. The writer may run only when the state thread waits (see
    /// `net::server`); without this pause the state thread could answer batch after
    /// batch while the first answers were still being written, and take a client that
    /// reads for one that does not (`--max-output-buffer`). A client that does not read
    /// at all still meets that limit: after `stall` without a write the wait gives up,
    /// and does not wait again until the writer has written.
    pub async fn room(&self, mark: usize, stall: std::time::Duration) {
        let waits = || {
            self.owed() > mark
                && !self.stalled.load(Ordering::Acquire)
                && !self.writer_ended.load(Ordering::Acquire)
                && !self.is_closed()
        };
        while waits() {
            let progress = self.progress.notified();
            tokio::pin!(progress);
            progress.as_mut().enable();
            // Looked at again now that a write cannot go unnoticed.
            if !waits() {
                return;
            }
            if tokio::time::timeout(stall, progress).await.is_err() {
                self.stalled.store(true, Ordering::Release);
                return;
            }
        }
    }

    /// Ends the connection from the server's side: the reader stops reading and the
    /// writer stops writing, so the socket closes even if the client never reads.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }

    /// Whether [`Outbox::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Resolves once the connection is closed by the server.
    pub async fn closed(&self) {
        loop {
            // Register before looking at the flag, so a close between the two is not
            // missed (notify_waiters wakes only futures that exist).
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }
}

/// The writer task's side of a Unix socket whose write half is shared with the state
/// thread's direct writes: `AsyncWrite` through `&` access (readiness plus `try_write`).
pub struct SharedUnixWrite(pub Arc<OwnedWriteHalf>);

impl AsyncWrite for SharedUnixWrite {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let sock: &tokio::net::UnixStream = (*self.0).as_ref();
        loop {
            ready!(sock.poll_write_ready(cx))?;
            match sock.try_write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                other => return Poll::Ready(other),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let sock: &tokio::net::UnixStream = (*self.0).as_ref();
        Poll::Ready(rustix::net::shutdown(sock, rustix::net::Shutdown::Write).map_err(Into::into))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_never_goes_below_zero() {
        let o = Outbox::new();
        o.handed(10);
        o.handed(5);
        o.written(12);
        assert_eq!(o.queued(), 3);
        o.written(7);
        assert_eq!(o.queued(), 0);
    }

    #[test]
    fn close_wakes_a_waiter() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let o = Outbox::new();
        let o2 = o.clone();
        rt.block_on(async move {
            let waiter = tokio::spawn(async move { o2.closed().await });
            tokio::task::yield_now().await;
            o.close();
            tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
                .await
                .expect("woken")
                .unwrap();
            // Already closed: resolves at once.
            o.closed().await;
        });
    }
}
