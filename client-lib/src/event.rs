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

/// One item of the event queue. More kinds may come: match with a `_` arm.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// The connection to the display went away or came back (protocol.md §5.4). Only
    /// for apps that care: the library resumes by itself, and an app that ignores these
    /// sees a pause.
    Display(DisplayChange),
    /// Another thread called [`Waker::wake`](crate::Waker::wake) (only for apps that
    /// made a [`Waker`](crate::Waker) with [`Connection::waker`](crate::Connection::waker)).
    Woken,
}

/// What happened to the connection to the display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisplayChange {
    /// The connection was lost; the library is reconnecting. Requests are kept meanwhile
    /// and sent when it is back; waits for replies wait.
    Lost,
    /// The connection is back. `resumed`: the display kept everything (the session went
    /// on); else it is a new session on a display that knows nothing of the app's earlier
    /// windows.
    Back {
        /// The session went on.
        resumed: bool,
    },
    /// The app moved to another display (protocol.md §5.5): its windows are there now,
    /// and its requests go there.
    Moved {
        /// The display it is on now.
        to: String,
    },
    /// A move to another display failed: the app stays where it was, as it was.
    MoveFailed {
        /// The display it was to move to.
        to: String,
        /// Why it did not.
        reason: String,
    },
}

impl Incoming {
    /// The event, if this is one.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Incoming::Event { event, .. } => Some(event),
            _ => None,
        }
    }

    /// The event by value, if this is one.
    pub fn into_event(self) -> Option<Event> {
        match self {
            Incoming::Event { event, .. } => Some(event),
            _ => None,
        }
    }

    /// The request error, if this is one.
    pub fn error(&self) -> Option<&RequestError> {
        match self {
            Incoming::Error(e) => Some(e),
            _ => None,
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
