//! The transport's side of readiness (`crate::ready`): waking whoever waits for the
//! connection (the threads on `changed`, and the descriptor of an app with its own event
//! loop), putting a new socket in the descriptor's watch, and the event wait that a
//! `Waker` can interrupt.

use super::{connection_error, Inner, Wait};
use crate::error::ConnectionError;
use crate::event::Incoming;
use crate::io::Stream;
use crate::lock::lock;
use crate::ready::Waker;
use crate::state::State;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

impl Inner {
    /// Wakes the threads waiting on `changed` and, when the app uses the descriptor,
    /// raises it if something waits in the queue (or the connection failed): what the
    /// app's own poll leaves behind, an event read while another thread waited for a
    /// reply, the display going and coming back.
    pub(super) fn notify(&self) {
        self.changed.notify_all();
        if self.armed.load(Ordering::Acquire) {
            let st = lock(&self.state);
            if !st.events.is_empty() || st.broken.is_some() {
                self.ready.raise();
            }
        }
    }

    /// Puts `stream` in place of the socket (a resume or a move), and in the ready
    /// descriptor's watch.
    pub(super) fn set_stream(&self, stream: Stream) {
        let mut now = lock(&self.stream);
        self.ready.watch(&stream);
        *now = Arc::new(stream);
    }

    /// The descriptor other event loops poll (readable: call `poll_for_event` until it
    /// returns nothing).
    pub(crate) fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.armed.store(true, Ordering::Release);
        self.ready.fd()
    }

    /// A waker for other threads.
    pub(crate) fn waker(&self) -> Waker {
        self.armed.store(true, Ordering::Release);
        self.ready.waker()
    }

    /// The next event, unclaimed error or wake (`take`: the queue's and the waker's),
    /// as `wait` allows. With the descriptor or a waker in use the wait is a poll of the
    /// socket and then a wait on the descriptor, so that a waker interrupts it; without,
    /// the reading thread blocks on the socket itself.
    pub(crate) fn wait_event(&self, wait: Wait) -> Result<Option<Incoming>, ConnectionError> {
        let armed = self.armed.load(Ordering::Acquire);
        let ready = &self.ready;
        let take = |st: &mut State| {
            st.take_event()
                .or_else(|| (armed && ready.take_woken()).then_some(Incoming::Woken))
        };
        if !armed {
            return self.wait_until(wait, take);
        }
        loop {
            // Lowered before the look: a raise after it is never lost.
            ready.lower();
            if let Some(x) = self.wait_until(Wait::Poll, take)? {
                return Ok(Some(x));
            }
            let timeout = match wait {
                Wait::Poll => return Ok(None),
                Wait::Block => None,
                Wait::Until(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Ok(None),
                },
            };
            if let Err(e) = ready.wait(timeout) {
                return Err(self.fail(connection_error(e)));
            }
        }
    }
}
