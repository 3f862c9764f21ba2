//! The `sessions` fuzz target's grammar (protocol.md §5.4): the ops of `server_state`
//! plus lost links, resumed hellos (with the right or a wrong secret, any `oldest` and
//! `next_seq` around what the server processed, any version) and expiring grace periods.
//! A hostile client resuming with nonsense must cost only itself: the harness's
//! invariants hold after every op, and a refused resume changes nothing.
//!
//! A separate grammar, so that the inputs kept for `server_state` keep their meaning.

use super::{Harness, Op, CLIENTS, MAX_OPS};
use arbitrary::{Arbitrary, Unstructured};
use tokio::sync::mpsc;
use yonder_protocol::handshake::Resume;
use yonder_protocol::request::CloseDownMode;
use yonder_server::clients::session;
use yonder_server::command::ClientLink;

/// One step.
#[derive(Debug, Arbitrary)]
pub enum SessionOp {
    /// An op of the `server_state` grammar (a detached client sends no requests).
    Base(Op),
    /// The slot's connection is lost (its close-down mode decides what follows).
    LoseLink {
        /// Which slot.
        client: u8,
    },
    /// The slot's client sets its close-down mode.
    Mode {
        /// Which slot.
        client: u8,
        /// Retain, else Destroy.
        retain: bool,
    },
    /// A hello resuming the slot's id space.
    Resume {
        /// Which slot.
        client: u8,
        /// With the session's own secret, else a forged one.
        right_secret: bool,
        /// `oldest` as an offset around the server's last processed request (−8..+8).
        oldest: i8,
        /// `next_seq` as an offset around it.
        next: i8,
        /// The hello's minor version (modulo the current one + 1).
        minor: u8,
        /// Over a Unix socket (else the network).
        unix: bool,
    },
    /// Every grace period ends now.
    Expire,
}

/// Runs one input of the `sessions` target; panics on a server panic or a broken
/// invariant.
pub fn run(data: &[u8]) -> usize {
    let mut u = Unstructured::new(data);
    let initial = if u.arbitrary::<bool>().unwrap_or(false) {
        3
    } else {
        2
    };
    let mut ops = Vec::new();
    while !u.is_empty() && ops.len() < MAX_OPS {
        match SessionOp::arbitrary(&mut u) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    let n = ops.len();
    let mut h = Harness::new(initial);
    for op in ops {
        h.apply_session(op);
    }
    h.check();
    for i in 0..CLIENTS {
        h.disconnect(i);
    }
    h.check();
    n
}

impl Harness {
    /// Applies one op of the sessions grammar, then checks as [`Harness::apply`] does.
    pub fn apply_session(&mut self, op: SessionOp) {
        let slot = |c: u8| c as usize % CLIENTS;
        match op {
            SessionOp::Base(op) => {
                let detached = match &op {
                    Op::Request { client, .. } | Op::Unknown { client, .. } => {
                        self.is_detached(slot(*client))
                    }
                    _ => false,
                };
                if !detached {
                    self.apply(op);
                }
                return;
            }
            SessionOp::LoseLink { client } => {
                let i = slot(client);
                if let Some(id) = self.slots[i].id {
                    let link = self.state.clients[&id].link;
                    session::connection_lost(&mut self.state, id, link, "fuzz: link lost");
                    self.slots[i].rx = None;
                }
            }
            SessionOp::Mode { client, retain } => {
                if let Some(id) = self.slots[slot(client)].id {
                    if let Some(c) = self.state.clients.get_mut(&id) {
                        c.close_down = match retain {
                            true => CloseDownMode::Retain,
                            false => CloseDownMode::Destroy,
                        };
                    }
                }
            }
            SessionOp::Resume {
                client,
                right_secret,
                oldest,
                next,
                minor,
                unix,
            } => self.resume(slot(client), right_secret, oldest, next, minor, unix),
            SessionOp::Expire => {
                self.state.detach_grace = std::time::Duration::ZERO;
                session::expire_detached(&mut self.state);
                self.state.detach_grace = yonder_server::config::DEFAULT_DETACH_GRACE;
            }
        }
        self.settle();
    }

    fn is_detached(&self, i: usize) -> bool {
        self.slots[i]
            .id
            .and_then(|id| self.state.clients.get(&id))
            .is_some_and(|c| c.detached.is_some())
    }

    fn resume(&mut self, i: usize, right: bool, oldest: i8, next: i8, minor: u8, unix: bool) {
        let holder = self.slots[i].id.and_then(|id| self.state.clients.get(&id));
        let processed = holder.map_or(0, |c| c.seq.0);
        let secret = match (holder, right) {
            (Some(c), true) => c.secret.to_vec(),
            _ => vec![0xA5; 16],
        };
        let around = |d: i8| processed.saturating_add_signed(d as i64);
        let (tx, rx) = mpsc::unbounded_channel();
        let mut hello = self.hello_for(i);
        hello.minor = minor as u16 % (yonder_protocol::PROTOCOL_MINOR + 1);
        hello.resume = Some(Resume {
            secret,
            oldest: around(oldest),
            next_seq: around(next),
        });
        self.connects = self.connects.wrapping_add(1);
        let link = ClientLink {
            serial: 1000 + self.connects as u64,
            unix,
            ..ClientLink::default()
        };
        if let Ok(id) = session::connect(&mut self.state, hello, tx, link) {
            if let Some(old) = self.slots[i].id.filter(|old| *old != id) {
                self.gone.push(old);
            }
            self.slots[i].id = Some(id);
            self.slots[i].rx = Some(rx);
            self.slots[i].buf.clear();
            self.slots[i].setup_seen = false;
        }
    }
}
