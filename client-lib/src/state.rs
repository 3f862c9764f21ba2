//! The bookkeeping behind the state lock: which sequence numbers have a live cookie, the
//! replies and errors stored for them, the event queue, the reading token and whether the
//! connection has failed. Pure data, no I/O: the rules that route each server message
//! live here in one place.
//!
//! Routing: a reply goes to its cookie's slot, or is dropped when no cookie waits for it.
//! An error goes to its cookie's slot, or is dropped if it was ignored, or else joins the
//! event queue. Events always join the queue. The server processes requests in order, so
//! once any message with seq ≥ n has arrived, nothing more will come for request n.

use crate::error::{ConnectionError, ReplyError};
use crate::event::{Incoming, RequestError};
use crate::journal::News;
use crate::slots::{Slot, SlotState, Slots};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use yonder_protocol::event::ScreenChangeEvent;
use yonder_protocol::{ErrorCode, Event, ProtocolError, Reply, Seq, ServerMessage, Setup};

/// Everything behind the state lock.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Requests with a live cookie, by sequence number.
    pub(crate) slots: Slots,
    /// Requests whose errors are to be dropped (cookie's `ignore_error`).
    pub(crate) ignored: BTreeSet<u64>,
    /// Events and unclaimed errors, oldest first.
    pub(crate) events: VecDeque<Incoming>,
    /// The highest sequence number seen in anything from the server.
    pub(crate) last_seq: u64,
    /// The reading token: true while some thread reads the socket.
    pub(crate) reading: bool,
    /// Set once the connection has failed; returned by every later wait.
    pub(crate) broken: Option<ConnectionError>,
    /// Since when the connection is lost and being resumed (protocol.md §5.4): nobody
    /// reads, and waits wait for the reconnecting thread.
    pub(crate) detached: Option<std::time::Instant>,
    /// The server said it stops (ServerEnding, protocol.md §5.4): `true` when a server
    /// comes back, so the end of the connection is survived; `false` when the display
    /// ends for good, so it is not.
    pub(crate) ending: Option<bool>,
    /// The app was asked to close its windows for a display ending for good (once).
    pub(crate) close_asked: bool,
    /// Requests the library sent for itself (the journal's checkpoint GetImages), in
    /// order: their reply or error goes to `journal_news`, not to a cookie or the
    /// event queue.
    pub(crate) library: VecDeque<u64>,
    /// What the journal must learn (answers to `library` requests, selections lost),
    /// for the transport to hand over once this lock is released.
    pub(crate) journal_news: Vec<News>,
    /// The screen as the app last heard of it (the setup, then ScreenChange events): a
    /// server that comes back with another screen makes the app hear of it too.
    pub(crate) screen: Option<ScreenChangeEvent>,
    /// Moves asked of the app (MoveRequest events, protocol.md §5.5): the display to go
    /// to and the token to present there, for the transport to start once this lock is
    /// released.
    pub(crate) move_asked: Vec<(String, Vec<u8>)>,
    /// How many events the app has taken from `events` so far.
    pub(crate) events_taken: u64,
    /// `events_taken` when the app last looked for an event and found none: it had
    /// handled (and sent what it drew for) every event it took before.
    pub(crate) idle_at: u64,
    /// The requests of the journal's replay into the last new session (first, last):
    /// the server running out of room for them (an Alloc error: a quota, a limit) ends
    /// the connection with a clear error, since the app's state is then not there.
    pub(crate) replay: Option<(u64, u64)>,
    /// The server had no room for the replay: the session is to be ended on purpose
    /// (the transport does it, once this lock is released).
    pub(crate) replay_refused: bool,
    /// Requests whose reply was lost with a connection and that were asked again on the
    /// next (protocol.md §5.4): first number (the cookie's) → number on the wire now.
    reasked: BTreeMap<u64, u64>,
    /// The same, wire number → first number, to route the answers.
    reasked_wire: BTreeMap<u64, u64>,
}

/// A setup's (first) screen, as the ScreenChange event that would announce it.
pub(crate) fn screen_of(setup: &Setup) -> Option<ScreenChangeEvent> {
    setup.screens.first().map(|s| ScreenChangeEvent {
        root: s.root,
        width: s.width,
        height: s.height,
        scale_factor: s.scale_factor,
    })
}

/// The sequence number a server message carries.
pub(crate) fn message_seq(msg: &ServerMessage) -> Seq {
    match msg {
        ServerMessage::Reply { seq, .. }
        | ServerMessage::Event { seq, .. }
        | ServerMessage::Error { seq, .. } => *seq,
    }
}

impl State {
    /// The server (a new one, or the same after a lost link) shows `now`: the app hears
    /// of a change it missed as a ScreenChange event when it `watches` the screen
    /// (selected STRUCTURE_NOTIFY on the root), as it would from a live server.
    pub(crate) fn screen_is(&mut self, now: ScreenChangeEvent, watches: bool) {
        let changed = self.screen.as_ref().is_some_and(|was| *was != now);
        self.screen = Some(now.clone());
        if changed && watches {
            self.events.push_back(Incoming::Event {
                event: Event::ScreenChange(now),
                sent: false,
            });
        }
    }

    /// The next event or unclaimed error for the app, counted.
    pub(crate) fn take_event(&mut self) -> Option<Incoming> {
        let Some(item) = self.events.pop_front() else {
            self.idle_at = self.events_taken;
            return None;
        };
        self.events_taken += 1;
        Some(item)
    }

    /// Records the failure (the first one wins) and returns the error in force.
    pub(crate) fn fail(&mut self, err: ConnectionError) -> ConnectionError {
        self.broken.get_or_insert(err).clone()
    }

    /// A cookie was created for request `seq`.
    pub(crate) fn track(&mut self, seq: u64, expects_reply: bool) {
        self.slots.insert(
            seq,
            Slot {
                expects_reply,
                state: SlotState::Waiting,
            },
        );
    }

    /// Takes a reply or error to a request the library sent for itself; gives back
    /// anything else.
    fn for_library(&mut self, msg: ServerMessage) -> Option<ServerMessage> {
        let seq = message_seq(&msg);
        while let Some(s) = self.library.front().copied().filter(|&s| s < seq.0) {
            // Never answered (a connection broke): the journal counts it as failed.
            self.library.pop_front();
            self.journal_news.push(News::Checkpoint(Seq(s), None));
        }
        if self.library.front() != Some(&seq.0) || matches!(msg, ServerMessage::Event { .. }) {
            return Some(msg);
        }
        self.library.pop_front();
        self.saw(seq);
        let image = match msg {
            ServerMessage::Reply {
                reply: Reply::Image(image),
                ..
            } => Some(image),
            _ => None,
        };
        self.journal_news.push(News::Checkpoint(seq, image));
        None
    }

    /// Routes one message from the server.
    pub(crate) fn apply(&mut self, msg: ServerMessage) {
        let msg = match msg {
            ServerMessage::Event { .. } => msg,
            _ if self.library.is_empty() => msg,
            _ => match self.for_library(msg) {
                Some(msg) => msg,
                None => return,
            },
        };
        match msg {
            ServerMessage::Reply { seq, reply } => {
                self.saw(seq);
                let seq = self.first_number(seq);
                match self.slots.get_mut(seq.0) {
                    Some(slot) if matches!(slot.state, SlotState::Waiting) => {
                        slot.state = SlotState::Reply(Box::new(reply))
                    }
                    _ => {
                        self.ignored.remove(&seq.0);
                    }
                }
            }
            ServerMessage::Error { seq, error } => {
                self.saw(seq);
                if error.code == ErrorCode::Alloc
                    && self.replay.is_some_and(|(a, b)| (a..=b).contains(&seq.0))
                {
                    self.fail(ConnectionError::Refused(format!(
                        "the display did not take back the app's windows and resources \
                         after it came back: {error}"
                    )));
                    self.replay_refused = true;
                    return;
                }
                if self.ignored.remove(&seq.0) {
                    return;
                }
                let seq = self.first_number(seq);
                match self.slots.get_mut(seq.0) {
                    Some(slot) if matches!(slot.state, SlotState::Waiting) => {
                        slot.state = SlotState::Error(Box::new(error))
                    }
                    _ => self
                        .events
                        .push_back(Incoming::Error(RequestError { seq, error })),
                }
            }
            ServerMessage::Event { seq, event, sent } => {
                self.saw(seq);
                if let yonder_protocol::Event::ServerEnding(e) = &event {
                    self.ending = Some(e.restart);
                }
                // The library moves the app itself (the server's word only).
                if let (Event::MoveRequest(m), false) = (&event, sent) {
                    self.move_asked.push((m.to.clone(), m.token.clone()));
                    return;
                }
                // The server's word only: another client's SendEvent does not change
                // what the app knows of the screen.
                if let (Event::ScreenChange(e), false) = (&event, sent) {
                    self.screen = Some(e.clone());
                }
                if let Event::SelectionClear(e) = &event {
                    self.journal_news.push(News::SelectionLost {
                        selection: e.selection,
                        owner: e.owner,
                        seq,
                    });
                }
                self.events.push_back(Incoming::Event { event, sent });
            }
        }
        // Nothing more can come for requests before the last one seen.
        if self.ignored.first().is_some_and(|&s| s < self.last_seq) {
            self.ignored = self.ignored.split_off(&self.last_seq);
        }
    }

    fn saw(&mut self, seq: Seq) {
        self.last_seq = self.last_seq.max(seq.0);
    }

    /// The cookie's number of an answer to request `wire` (they differ for a request
    /// asked again on a later connection).
    #[inline]
    fn first_number(&mut self, wire: Seq) -> Seq {
        if self.reasked_wire.is_empty() {
            return wire;
        }
        match self.reasked_wire.remove(&wire.0) {
            Some(first) => Seq(first),
            None => wire,
        }
    }

    /// The number on the wire now of request `seq` (its cookie's number).
    #[inline]
    fn wire_number(&self, seq: u64) -> u64 {
        if self.reasked.is_empty() {
            return seq;
        }
        self.reasked.get(&seq).copied().unwrap_or(seq)
    }

    /// Request `seq`'s cookie is done with: its renumbering goes.
    fn settled(&mut self, seq: u64) {
        if let Some(wire) = self.reasked.remove(&seq) {
            self.reasked_wire.remove(&wire);
        }
    }

    /// Requests whose reply the old connection lost were sent again, `(first, wire)`:
    /// their cookies wait for the answers to the new numbers.
    pub(crate) fn asked_again(&mut self, renumbered: &[(u64, u64)]) {
        for &(first, wire) in renumbered {
            match self.slots.get_mut(first) {
                Some(slot) => {
                    slot.state = SlotState::Waiting;
                    self.reasked.insert(first, wire);
                    self.reasked_wire.insert(wire, first);
                }
                // Its cookie went meanwhile: nobody wants the answer.
                None => {
                    self.ignored.insert(wire);
                }
            }
        }
    }

    /// A resumed session: the server processed every request up to `processed`, and
    /// whatever it answered that has not arrived was lost with the old connection. A
    /// reply still awaited for one of them will not come (protocol.md §5.4).
    pub(crate) fn lost_through(&mut self, processed: u64) {
        self.slots.lose_replies_through(processed);
        // The library's own requests among them (checkpoints) failed for the journal.
        while let Some(s) = self.library.front().copied().filter(|&s| s <= processed) {
            self.library.pop_front();
            self.journal_news.push(News::Checkpoint(Seq(s), None));
        }
        self.last_seq = self.last_seq.max(processed);
    }

    /// A cookie was dropped: a stored error joins the event queue, a stored reply is
    /// dropped, and whatever comes later is routed as if there never was a cookie.
    /// Returns whether the event queue grew.
    pub(crate) fn forget(&mut self, seq: u64) -> bool {
        if !self.reasked.is_empty() {
            self.settled(seq);
        }
        match self.slots.remove(seq).map(|s| s.state) {
            Some(SlotState::Error(error)) => {
                self.events.push_back(Incoming::Error(RequestError {
                    seq: Seq(seq),
                    error: *error,
                }));
                true
            }
            _ => false,
        }
    }

    /// A cookie's owner does not care how the request ends: drop whatever comes for it.
    pub(crate) fn ignore(&mut self, seq: u64) {
        let wire = self.wire_number(seq);
        self.settled(seq);
        if let Some(Slot {
            state: SlotState::Waiting,
            ..
        }) = self.slots.remove(seq)
        {
            if self.last_seq < wire {
                self.ignored.insert(wire);
            }
        }
    }

    /// The outcome of request `seq` if it is known (a reply cookie waits on this).
    pub(crate) fn take_reply(&mut self, seq: u64) -> Option<Result<Reply, ReplyError>> {
        let Some(slot) = self.slots.get(seq) else {
            return Some(Err(ReplyError::Connection(ConnectionError::Malformed(
                format!("no record of request {seq}"),
            ))));
        };
        let wire = self.wire_number(seq);
        let done = match &slot.state {
            SlotState::Lost => true,
            SlotState::Waiting if !slot.expects_reply => self.last_seq >= wire,
            // In order: anything after `seq` means its reply was never sent.
            SlotState::Waiting => self.last_seq > wire,
            _ => true,
        };
        if !done {
            return None;
        }
        if wire != seq {
            self.settled(seq);
        }
        let slot = self.slots.remove(seq)?;
        Some(match slot.state {
            SlotState::Reply(r) => Ok(*r),
            SlotState::Error(e) => Err(ReplyError::Protocol(*e)),
            SlotState::Lost => Err(ReplyError::Lost(Seq(seq))),
            SlotState::Waiting if !slot.expects_reply => Err(ReplyError::NoReply(Seq(seq))),
            SlotState::Waiting => Err(ReplyError::Connection(self.fail(
                ConnectionError::Malformed(format!("no reply to request {seq}")),
            ))),
        })
    }

    /// Whether request `seq` is known to have succeeded or failed (a void cookie's check).
    pub(crate) fn take_check(&mut self, seq: u64) -> Option<Result<(), ProtocolError>> {
        let done = match self.slots.get(seq).map(|s| &s.state) {
            Some(SlotState::Waiting) => self.last_seq >= seq,
            _ => true,
        };
        if !done {
            return None;
        }
        Some(match self.slots.remove(seq).map(|s| s.state) {
            Some(SlotState::Error(e)) => Err(*e),
            _ => Ok(()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::event::FocusEvent;
    use yonder_protocol::reply::SyncReply;
    use yonder_protocol::{ErrorCode, Event, WindowId};

    fn err(seq: u64) -> ServerMessage {
        ServerMessage::Error {
            seq: Seq(seq),
            error: ProtocolError {
                code: ErrorCode::Value,
                bad_value: seq,
                opcode: 1,
                message: String::new(),
            },
        }
    }

    fn reply(seq: u64) -> ServerMessage {
        ServerMessage::Reply {
            seq: Seq(seq),
            reply: Reply::Sync(SyncReply {}),
        }
    }

    fn event(seq: u64) -> ServerMessage {
        ServerMessage::Event {
            seq: Seq(seq),
            event: Event::FocusIn(FocusEvent {
                window: WindowId(1),
            }),
            sent: false,
        }
    }

    #[test]
    fn errors_without_cookie_become_events() {
        let mut st = State::default();
        st.apply(err(1));
        st.apply(event(1));
        assert!(matches!(
            st.events[0],
            Incoming::Error(RequestError { seq: Seq(1), .. })
        ));
        assert!(st.events[1].event().is_some());
    }

    #[test]
    fn replies_and_errors_fill_slots() {
        let mut st = State::default();
        st.track(1, true);
        st.track(2, false);
        st.track(3, true);
        assert!(st.take_reply(1).is_none());
        assert!(st.take_check(2).is_none());
        st.apply(reply(1));
        st.apply(err(2));
        assert!(matches!(st.take_reply(1), Some(Ok(Reply::Sync(_)))));
        assert!(matches!(st.take_check(2), Some(Err(_))));
        // An event for request 3 does not prove its reply is missing; one for 4 does.
        st.apply(event(3));
        assert!(st.take_reply(3).is_none());
        st.apply(event(4));
        assert!(matches!(
            st.take_reply(3),
            Some(Err(ReplyError::Connection(ConnectionError::Malformed(_))))
        ));
        assert!(st.broken.is_some());
        assert!(st.events.iter().all(|e| e.error().is_none()));
    }

    #[test]
    fn void_check_succeeds_once_later_messages_arrive() {
        let mut st = State::default();
        st.track(5, false);
        st.apply(reply(4));
        assert!(st.take_check(5).is_none());
        st.apply(reply(6));
        assert_eq!(st.take_check(5), Some(Ok(())));
        assert!(st.slots.is_empty());
    }

    #[test]
    fn a_request_asked_again_is_answered_under_its_first_number() {
        let mut st = State::default();
        st.track(5, true);
        st.track(6, true);
        st.track(7, false);
        st.lost_through(7);
        // 99's cookie went before it was asked again: its answer goes nowhere.
        st.asked_again(&[(5, 12), (6, 13), (99, 14)]);
        assert!(st.take_reply(5).is_none(), "waits for the answer to 12");
        st.apply(reply(12));
        assert!(matches!(st.take_reply(5), Some(Ok(_))));
        // One dropped before its answer comes: the answer goes nowhere.
        st.ignore(6);
        st.apply(err(13));
        st.apply(err(14));
        assert!(
            st.events.is_empty(),
            "an ignored request's error is dropped"
        );
        assert!(st.reasked.is_empty() && st.reasked_wire.is_empty());
        assert!(matches!(st.take_check(7), Some(Ok(()))));
    }

    #[test]
    fn forget_and_ignore() {
        let mut st = State::default();
        st.track(1, false);
        st.track(2, false);
        st.track(3, true);
        st.apply(err(1));
        assert!(st.forget(1), "a stored error moves to the queue on drop");
        assert_eq!(st.events.len(), 1);
        st.ignore(2);
        st.forget(3);
        st.apply(err(2));
        st.apply(reply(3));
        st.apply(err(3));
        assert_eq!(
            st.events.len(),
            2,
            "ignored error dropped, dropped reply cookie's error queued"
        );
        assert!(st.ignored.is_empty() && st.slots.is_empty());
    }
}
