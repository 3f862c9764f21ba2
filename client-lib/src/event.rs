//! What the event queue holds: [`Incoming`], an event or the error of a request whose
//! cookie was dropped (like in Xlib/x11rb). Plain data; the queue itself is in `state`,
//! and [`Connection::wait_for_event`](crate::Connection::wait_for_event) and its siblings
//! take from it.

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
        /// True when the event came through SendEvent, from any client (the receiver
        /// included), or is the window manager's close ClientMessage; false for every
        /// event the server makes itself (protocol.md §7).
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
