//! The `moves` fuzz target's grammar (protocol.md §5.5): the ops of `sessions` plus the
//! ways into live migration — GrantMove, MoveClient and MoveDone from any slot with
//! any names, tokens and targets, and hellos that present a token (granted, spent,
//! forged, for another app, of any length) or only a session's secret instead of a
//! cookie. A hostile token or move must cost only its sender: the harness's invariants
//! hold after every op, and a refused hello changes nothing but the token's own state.

use super::sessions::SessionOp;
use super::{Harness, CLIENTS, MAX_OPS};
use arbitrary::{Arbitrary, Unstructured};
use tokio::sync::mpsc;
use yonder_protocol::handshake::Resume;
use yonder_protocol::request as rq;
use yonder_protocol::{ClientId, Request};
use yonder_server::clients::session;
use yonder_server::command::{ClientLink, Credential, Incoming};
use yonder_server::dispatch;

/// The app names tokens are granted for and hellos give.
const NAMES: [&str; 3] = ["fuzz-0", "fuzz-1", "yclock"];

/// One step.
#[derive(Debug, Arbitrary)]
pub enum MoveOp {
    /// An op of the `sessions` grammar.
    Session(SessionOp),
    /// The slot's client asks for a token (any name, or one of [`NAMES`]).
    Grant {
        /// Which slot.
        client: u8,
        /// A name of [`NAMES`], else `raw`.
        name: Option<u8>,
        /// Any other name.
        raw: String,
    },
    /// The slot's client asks a client to move.
    Move {
        /// Which slot asks.
        client: u8,
        /// The client asked, as a slot (else a raw client number).
        target: Option<u8>,
        /// A raw client number.
        raw: u32,
        /// The display to go to.
        to: String,
        /// A token the harness saw granted (by index), else `bytes`.
        token: Option<u8>,
        /// Any bytes.
        bytes: Vec<u8>,
    },
    /// The slot's client says how a move ended.
    Done {
        /// Which slot.
        client: u8,
        /// It moved.
        moved: bool,
        /// Why not.
        reason: String,
    },
    /// A hello into the slot with a token instead of a cookie.
    TokenHello {
        /// Which slot.
        client: u8,
        /// A token the harness saw granted (by index), else `bytes`.
        token: Option<u8>,
        /// Any bytes.
        bytes: Vec<u8>,
        /// The app name, of [`NAMES`].
        name: u8,
        /// With a resume choosing the numbering.
        next_seq: Option<u64>,
    },
    /// A hello resuming the slot's session with its secret alone (no cookie).
    SecretHello {
        /// Which slot.
        client: u8,
        /// The session's own secret, else a forged one.
        right_secret: bool,
    },
}

/// Runs one input of the `moves` target; panics on a server panic or a broken invariant.
pub fn run(data: &[u8]) -> usize {
    let mut u = Unstructured::new(data);
    let mut ops = Vec::new();
    while !u.is_empty() && ops.len() < MAX_OPS {
        match MoveOp::arbitrary(&mut u) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    let n = ops.len();
    let mut h = Harness::new(2);
    let mut tokens = Vec::new();
    for op in ops {
        h.apply_move(op, &mut tokens);
    }
    h.check();
    for i in 0..CLIENTS {
        h.disconnect(i);
    }
    h.check();
    n
}

impl Harness {
    /// Applies one op of the moves grammar; `tokens` are the ones granted so far.
    pub fn apply_move(&mut self, op: MoveOp, tokens: &mut Vec<Vec<u8>>) {
        let slot = |c: u8| c as usize % CLIENTS;
        let pick = |tokens: &Vec<Vec<u8>>, i: Option<u8>, bytes: Vec<u8>| match i {
            Some(i) if !tokens.is_empty() => tokens[i as usize % tokens.len()].clone(),
            _ => bytes,
        };
        match op {
            MoveOp::Session(op) => {
                self.apply_session(op);
                return;
            }
            MoveOp::Grant { client, name, raw } => {
                let app_name = match name {
                    Some(i) => NAMES[i as usize % NAMES.len()].to_string(),
                    None => raw,
                };
                // The token travels in the reply; the harness takes it from the state.
                let before = self.state.moves.newest();
                if self.request(slot(client), Request::GrantMove(rq::GrantMove { app_name })) {
                    match self.state.moves.newest() {
                        Some(t) if Some(t) != before => tokens.push(t.to_vec()),
                        _ => {}
                    }
                }
            }
            MoveOp::Move {
                client,
                target,
                raw,
                to,
                token,
                bytes,
            } => {
                let target = match target {
                    Some(t) => self.slots[slot(t)].id.unwrap_or(ClientId(raw)),
                    None => ClientId(raw),
                };
                let token = pick(tokens, token, bytes);
                let r = Request::MoveClient(rq::MoveClient {
                    client: target,
                    to,
                    token,
                });
                self.request(slot(client), r);
            }
            MoveOp::Done {
                client,
                moved,
                reason,
            } => {
                self.request(
                    slot(client),
                    Request::MoveDone(rq::MoveDone { moved, reason }),
                );
            }
            MoveOp::TokenHello {
                client,
                token,
                bytes,
                name,
                next_seq,
            } => {
                let i = slot(client);
                let mut hello = self.hello_for(i);
                hello.cookie = Vec::new();
                hello.app_name = NAMES[name as usize % NAMES.len()].to_string();
                hello.resume = next_seq.map(|n| Resume {
                    secret: Vec::new(),
                    oldest: n.max(1),
                    next_seq: n.max(1),
                });
                let token = pick(tokens, token, bytes);
                hello.token = Some(token.clone());
                self.hello(i, hello, Credential::Token(token));
            }
            MoveOp::SecretHello {
                client,
                right_secret,
            } => {
                let i = slot(client);
                let holder = self.slots[i].id.and_then(|id| self.state.clients.get(&id));
                let processed = holder.map_or(0, |c| c.seq.0);
                let secret = match (holder, right_secret) {
                    (Some(c), true) => c.secret.to_vec(),
                    _ => vec![0x5A; 16],
                };
                let mut hello = self.hello_for(i);
                hello.cookie = Vec::new();
                hello.resume = Some(Resume {
                    secret,
                    oldest: processed + 1,
                    next_seq: processed + 1,
                });
                self.hello(i, hello, Credential::Secret);
            }
        }
        self.settle();
    }

    /// The slot's client sends `r`, if it is connected; returns whether it was.
    fn request(&mut self, i: usize, r: Request) -> bool {
        let Some(id) = self.slots[i].id else {
            return false;
        };
        if self
            .state
            .clients
            .get(&id)
            .is_none_or(|c| c.detached.is_some())
        {
            return false;
        }
        dispatch::handle_request(&mut self.state, id, Incoming::Request(r));
        true
    }

    /// A hello into slot `i` with `credential` (as the connection task would pass it).
    fn hello(&mut self, i: usize, hello: yonder_protocol::Hello, credential: Credential) {
        let (tx, rx) = mpsc::unbounded_channel();
        self.connects = self.connects.wrapping_add(1);
        let link = ClientLink {
            serial: 2000 + self.connects as u64,
            credential,
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
