//! The event queue: what it holds ([`Incoming`]: an event, or the error of a request whose
//! cookie was dropped, like in Xlib/x11rb) and the [`Connection`] methods that take from it.

use crate::connection::Connection;
use crate::error::ConnectionError;
use crate::transport::Wait;
use std::time::{Duration, Instant};
use yonder_protocol::{Event, ProtocolError, Seq};

/// The error of one request, reported through the event queue.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("request {} failed: {error}", .seq.0)]
pub struct RequestError {
    /// The failed request's sequence number.
    pub seq: Seq,
    /// What went wrong.
    pub error: ProtocolError,
}

/// One item of the event queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// An event.
    Event {
        /// The event.
        event: Event,
        /// True when another client sent it with SendEvent.
        sent: bool,
    },
    /// A request failed and no cookie was waiting for its result.
    Error(RequestError),
}

impl Incoming {
    /// The event, if this is one.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Incoming::Event { event, .. } => Some(event),
            Incoming::Error(_) => None,
        }
    }

    /// The event by value, if this is one.
    pub fn into_event(self) -> Option<Event> {
        match self {
            Incoming::Event { event, .. } => Some(event),
            Incoming::Error(_) => None,
        }
    }

    /// The request error, if this is one.
    pub fn error(&self) -> Option<&RequestError> {
        match self {
            Incoming::Error(e) => Some(e),
            Incoming::Event { .. } => None,
        }
    }
}

impl Connection {
    /// The next event or unclaimed error, waiting as long as it takes. Flushes first.
    pub fn wait_for_event(&self) -> Result<Incoming, ConnectionError> {
        match self.wait_until(Wait::Block, |st| st.events.pop_front())? {
            Some(incoming) => Ok(incoming),
            None => Err(ConnectionError::Closed),
        }
    }

    /// The next event or unclaimed error if one is queued or can be read without waiting.
    /// Flushes first (which waits only if the server does not take our requests). When
    /// another thread is reading the socket, only the queue is looked at.
    pub fn poll_for_event(&self) -> Result<Option<Incoming>, ConnectionError> {
        self.wait_until(Wait::Poll, |st| st.events.pop_front())
    }

    /// The next event or unclaimed error, waiting at most `timeout` (`Ok(None)` when it
    /// runs out). Flushes first.
    pub fn wait_for_event_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<Incoming>, ConnectionError> {
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86400 * 365));
        self.wait_until(Wait::Until(deadline), |st| st.events.pop_front())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::event::FocusEvent;
    use yonder_protocol::{ErrorCode, WindowId};

    #[test]
    fn accessors() {
        let ev = Incoming::Event {
            event: Event::FocusIn(FocusEvent {
                window: WindowId(5),
            }),
            sent: false,
        };
        assert_eq!(ev.event().map(|e| e.window()), Some(WindowId(5)));
        assert!(ev.error().is_none());
        let err = Incoming::Error(RequestError {
            seq: Seq(3),
            error: ProtocolError {
                code: ErrorCode::Window,
                bad_value: 9,
                opcode: 5,
                message: "no such window".into(),
            },
        });
        assert!(err.event().is_none());
        assert_eq!(err.error().map(|e| e.seq), Some(Seq(3)));
        let text = err.error().unwrap().to_string();
        assert!(
            text.contains("request 3") && text.contains("MapWindow"),
            "{text}"
        );
        assert!(err.into_event().is_none());
    }
}
