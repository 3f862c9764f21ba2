//! Events for async code (the `async` feature): [`AsyncEvents::next_event`] awaits the
//! connection's next event on tokio, through the connection's descriptor in tokio's
//! reactor (`AsyncFd`). Requests need no async form: they are buffered and never wait
//! (a reply is a [`crate::Cookie`], whose wait blocks; ask from `spawn_blocking` when
//! it may be long).

use crate::connection::Connection;
use crate::error::ConnectionError;
use crate::event::Incoming;
use std::os::fd::{AsFd, OwnedFd};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// A connection's events as a stream of awaits. Made by [`AsyncEvents::new`] inside a
/// tokio runtime.
pub struct AsyncEvents<'c> {
    conn: &'c Connection,
    fd: AsyncFd<OwnedFd>,
}

impl std::fmt::Debug for AsyncEvents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncEvents").finish_non_exhaustive()
    }
}

impl<'c> AsyncEvents<'c> {
    /// Registers `conn`'s descriptor with the current tokio runtime. Fails outside a
    /// runtime (or one without I/O enabled), or when no descriptor is left.
    pub fn new(conn: &'c Connection) -> std::io::Result<AsyncEvents<'c>> {
        let fd = conn.as_fd().try_clone_to_owned()?;
        #[allow(unsafe_code)]
        // SAFETY: tokio needs the descriptor to stay open and the same for the AsyncFd's
        // life; an OwnedFd it owns is exactly that (closed only when the AsyncFd drops it).
        let fd = unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }
            .map_err(std::io::Error::from)?;
        Ok(AsyncEvents { conn, fd })
    }

    /// The next event, unclaimed error, display change or wake-up; flushes what is
    /// buffered first, as every event wait does. Cancel-safe: dropping the future loses
    /// nothing.
    pub async fn next_event(&mut self) -> Result<Incoming, ConnectionError> {
        loop {
            if let Some(item) = self.conn.poll_for_event()? {
                return Ok(item);
            }
            let mut ready = match self.fd.readable().await {
                Ok(r) => r,
                Err(e) => return Err(ConnectionError::Io(std::sync::Arc::new(e))),
            };
            // Drained by the poll above; tokio re-arms on the next readiness.
            ready.clear_ready();
        }
    }
}
