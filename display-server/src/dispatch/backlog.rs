//! The state thread's set-aside work ([`Backlog`]): what it stopped applying to keep a
//! client's heavy drawing from stalling the others, kept per client in arrival order and
//! handed out in turns, round robin. This file owns the queues and their order only;
//! applying them, and when, is `state_thread`'s.
//!
//! Why it exists: a batch of a client's requests is applied in one go, and a batch of
//! heavy but legal drawing (up to 64 requests of up to `--max-request-pixels` each) could
//! take seconds. So a batch stops once it has drawn `State::batch_work_budget` pixels and
//! its rest waits here; the other clients' commands are applied meanwhile, and each
//! client with a backlog gets one budget's slice per turn.
//!
//! Order per client is kept: while a client has a backlog, its later batches and its
//! disconnection queue up behind it (the batch's permit stays held meanwhile, so the
//! connection can have no more batches waiting than before).

use crate::command::{Command, Incoming};
use std::collections::VecDeque;
use tokio::sync::OwnedSemaphorePermit;
use yonder_protocol::ClientId;

/// One piece of a client's set-aside work.
pub enum Pending {
    /// The requests of a batch not yet applied, in order.
    Requests {
        /// The connection it came over.
        link: u64,
        /// The rest of the batch.
        rest: std::vec::IntoIter<Incoming>,
        /// The bodies of its raw requests (ranges of the whole batch's bodies).
        bodies: Vec<u8>,
        /// The batch's permit, returned (dropped) once the batch is applied.
        permit: OwnedSemaphorePermit,
    },
    /// The connection ended: applied after everything before it.
    Disconnect {
        /// The connection that ended.
        link: u64,
        /// Why (for the log).
        reason: String,
        /// The link went, rather than the client breaking the protocol.
        lost: bool,
    },
}

/// Every client's set-aside work, in turn order.
///
/// Owned by the state thread alone (a local of its loop), so no lock. A `VecDeque` of
/// clients rather than a map: only clients with heavy work are in it, few at a time, and
/// the front is whose turn it is.
#[derive(Default)]
pub struct Backlog {
    turns: VecDeque<(ClientId, VecDeque<Pending>)>,
}

impl Backlog {
    /// True when no client has set-aside work.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }

    /// How many clients have set-aside work.
    pub fn len(&self) -> usize {
        self.turns.len()
    }

    /// Whether `client` has set-aside work.
    pub fn has(&self, client: ClientId) -> bool {
        self.turns.iter().any(|(c, _)| *c == client)
    }

    /// Sets `cmd` aside behind its client's backlog when the client has one (its
    /// requests and its disconnection); gives back every other command, to be applied
    /// now.
    pub fn hold(&mut self, cmd: Command) -> Option<Command> {
        if self.turns.is_empty() {
            return Some(cmd);
        }
        let client = match &cmd {
            Command::Requests { client, .. } | Command::Disconnect { client, .. } => *client,
            _ => return Some(cmd),
        };
        let Some((_, queue)) = self.turns.iter_mut().find(|(c, _)| *c == client) else {
            return Some(cmd);
        };
        queue.push_back(match cmd {
            Command::Requests {
                link,
                batch,
                bodies,
                permit,
                ..
            } => Pending::Requests {
                link,
                rest: batch.into_iter(),
                bodies,
                permit,
            },
            Command::Disconnect {
                link, reason, lost, ..
            } => Pending::Disconnect { link, reason, lost },
            _ => unreachable!("matched above"),
        });
        None
    }

    /// Sets `work` aside for `client`, after what it already has (its turn comes after
    /// the others' when it had none).
    pub fn set_aside(&mut self, client: ClientId, work: Pending) {
        match self.turns.iter_mut().find(|(c, _)| *c == client) {
            Some((_, queue)) => queue.push_back(work),
            None => self.turns.push_back((client, VecDeque::from([work]))),
        }
    }

    /// The client whose turn it is, with its work (taken out; give back what is left
    /// with [`Backlog::end_turn`]).
    pub fn next_turn(&mut self) -> Option<(ClientId, VecDeque<Pending>)> {
        self.turns.pop_front()
    }

    /// Ends `client`'s turn: what is left of its work goes to the back of the line.
    pub fn end_turn(&mut self, client: ClientId, rest: VecDeque<Pending>) {
        if !rest.is_empty() {
            self.turns.push_back((client, rest));
        }
    }

    /// Drops the work of the clients that are gone (disconnected by the server itself:
    /// forced to quit, or not reading its output), returning their permits.
    pub fn retain(&mut self, mut present: impl FnMut(ClientId) -> bool) {
        self.turns.retain(|(c, _)| present(*c));
    }
}
