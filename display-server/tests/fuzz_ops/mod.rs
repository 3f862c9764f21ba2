//! The op interpreter behind the `server_state` fuzz target (`fuzz/fuzz_targets/
//! server_state.rs`) and its regression replay (`tests/fuzz_regressions.rs`): both include
//! this file, so a crashing input found by the fuzzer replays here byte for byte.
//!
//! The input bytes become, through `arbitrary`, a few clients and a sequence of [`Op`]s:
//! requests from one client, disconnects and reconnects, host input, screen resizes and
//! compositions, applied to a [`State`] with a small headless screen and no sockets. Ids
//! come from a small pool (each client's own ids, the other clients' ids, ROOT, NONE and
//! garbage) so that requests hit real resources, including other clients'. The clients
//! differ as connections do: trusted or not, with shared-memory images (ShmAttach comes
//! with a real memfd, sealed or not) or without.
//!
//! Checked: nothing panics; every frame the server queues for a client decodes; and after
//! every op the invariants of [`Harness::check`] hold (a sound window tree, nothing left of
//! disconnected clients, a framebuffer of the screen's size).

use arbitrary::{Arbitrary, Unstructured};
use tokio::sync::mpsc;
use yonder_protocol::handshake::{decode_setup_response, SetupResponse};
use yonder_protocol::message::decode_server_message;
use yonder_protocol::{frame, ClientId, Drawable, Hello, Point, Rect, WindowId};
use yonder_server::command::{ClientLink, Command, Incoming, InputEvent};
use yonder_server::config::ServerConfig;
use yonder_server::screen::Headless;
use yonder_server::state::State;
use yonder_server::{clients, dispatch};

pub mod moves;
pub mod ops;
pub mod request;
pub mod sessions;
pub mod values;

pub use ops::*;

/// How many client slots there are (2 or 3 are connected at the start).
pub const CLIENTS: usize = 3;
/// The screen: small, so composing stays cheap.
pub const SCREEN: (u32, u32) = (64, 48);
/// Resource numbers `1..=IDS_PER_CLIENT` form each client's pool.
pub(crate) const IDS_PER_CLIENT: u32 = 6;
/// Id space of slot `i` is `SPACE_BASE + i` (kept across reconnects, so stale ids of a
/// previous connection name the new connection's resources).
const SPACE_BASE: u32 = 0x51;
/// Longest op sequence one input runs (keeps each execution fast).
const MAX_OPS: usize = 256;
/// Largest window or pixmap side in this server (keeps allocations small).
const MAX_SIDE: u32 = 512;

/// Decodes a fuzz input: how many clients connect at the start (2 or 3), and the ops.
/// Decoding does not depend on the server's state, so the ops can be read up front.
pub fn decode(data: &[u8]) -> (usize, Vec<Op>) {
    let mut u = Unstructured::new(data);
    let initial = if u.arbitrary::<bool>().unwrap_or(false) {
        3
    } else {
        2
    };
    let mut ops = Vec::new();
    while !u.is_empty() && ops.len() < MAX_OPS {
        match Op::arbitrary(&mut u) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    (initial, ops)
}

/// Runs one fuzz input and returns how many ops it applied; panics on a server panic or
/// a broken invariant. Every client disconnects at the end, leaving nothing behind.
pub fn run(data: &[u8]) -> usize {
    let (initial, ops) = decode(data);
    let n = ops.len();
    let mut h = Harness::new(initial);
    for op in ops {
        h.apply(op);
    }
    dispatch::present(&mut h.state);
    h.check();
    for i in 0..CLIENTS {
        h.disconnect(i);
    }
    h.check();
    n
}

/// The id space of client slot `slot`.
pub(crate) fn space_of(slot: usize) -> u32 {
    SPACE_BASE + slot as u32
}

/// One client slot.
#[derive(Default)]
struct Slot {
    /// Its client number while connected.
    id: Option<ClientId>,
    /// The receiving end of its output channel (None once dropped).
    rx: Option<mpsc::UnboundedReceiver<Vec<u8>>>,
    /// Bytes received and not yet split into frames.
    buf: Vec<u8>,
    /// Whether the setup response was seen on this connection.
    setup_seen: bool,
}

/// A server state and its clients.
pub struct Harness {
    /// The server's state.
    pub state: State,
    slots: Vec<Slot>,
    /// Every client number that has disconnected.
    gone: Vec<ClientId>,
    /// Connections made so far: slot 2's version cycles through 1.0 to the current one
    /// with them, so the checks of every version run (protocol.md §5.3).
    connects: u16,
}

impl Harness {
    /// A state with `initial` clients connected.
    pub fn new(initial: usize) -> Harness {
        let config = ServerConfig {
            screen_width: SCREEN.0,
            screen_height: SCREEN.1,
            allow_synthetic_input: true,
            window_manager: true,
            max_drawable_side: MAX_SIDE,
            ..ServerConfig::default()
        };
        let state = State::new(&config, Box::new(Headless::new(SCREEN.0, SCREEN.1)));
        let mut h = Harness {
            state,
            slots: (0..CLIENTS).map(|_| Slot::default()).collect(),
            gone: Vec::new(),
            connects: 0,
        };
        for i in 0..initial.min(CLIENTS) {
            h.connect(i);
        }
        h
    }

    fn connect(&mut self, i: usize) {
        if self.slots[i].id.is_some() {
            return;
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let hello = self.hello_for(i);
        // The slots differ in what their connection gives them: slot 0 is a trusted local
        // client, slot 1 an untrusted local one, slot 2 a trusted one on TCP (no
        // shared-memory images).
        let link = ClientLink {
            shm: i != 2,
            trusted: i != 1,
            ..ClientLink::default()
        };
        self.connects = self.connects.wrapping_add(1);
        let id = self
            .state
            .connect_client(hello, tx, link)
            .expect("a free id space is accepted");
        self.slots[i] = Slot {
            id: Some(id),
            rx: Some(rx),
            buf: Vec::new(),
            setup_seen: false,
        };
    }

    /// The hello of slot `i`'s next connection.
    fn hello_for(&self, i: usize) -> Hello {
        Hello {
            protocol: yonder_protocol::PROTOCOL_NAME.into(),
            major: yonder_protocol::PROTOCOL_MAJOR,
            minor: match i {
                2 => self.connects % (yonder_protocol::PROTOCOL_MINOR + 1),
                _ => yonder_protocol::PROTOCOL_MINOR,
            },
            cookie: vec![0; 16],
            app_name: format!("fuzz-{i}"),
            id_space: space_of(i),
            resume: None,
            token: None,
        }
    }

    fn disconnect(&mut self, i: usize) {
        if let Some(id) = self.slots[i].id.take() {
            clients::disconnect(&mut self.state, id, "fuzz");
            self.gone.push(id);
            self.slots[i].rx = None;
        }
    }

    /// Applies one op, then hands output to the clients, reads it back and checks.
    pub fn apply(&mut self, op: Op) {
        let slot = |c: u8| c as usize % CLIENTS;
        match op {
            Op::Request { client, req } => {
                let s = slot(client);
                if let Some(id) = self.slots[s].id {
                    let transfers: Vec<u64> =
                        self.state.transfers.pending.keys().copied().collect();
                    let incoming = req.build(s, &transfers);
                    dispatch::handle_request(&mut self.state, id, incoming);
                }
            }
            Op::Unknown { client, opcode } => {
                if let Some(id) = self.slots[slot(client)].id {
                    dispatch::handle_request(&mut self.state, id, Incoming::Unknown(opcode));
                }
            }
            Op::Disconnect { client } => self.disconnect(slot(client)),
            Op::Reconnect { client } => self.connect(slot(client)),
            Op::DropReceiver { client } => self.slots[slot(client)].rx = None,
            Op::Input(input) => {
                let ev = match input {
                    HostInput::Motion(x, y) => InputEvent::Motion(Point::new(x.value(), y.value())),
                    HostInput::Button(b, pressed) => InputEvent::Button {
                        button: 1 + b % 8,
                        pressed,
                    },
                    HostInput::Scroll(dx, dy) => InputEvent::Scroll { dx, dy },
                    HostInput::Key(k, pressed, repeat) => {
                        let keysym = k.value();
                        InputEvent::Key {
                            keysym,
                            text: yonder_protocol::keysym::to_char(keysym)
                                .filter(|_| pressed)
                                .map(String::from)
                                .unwrap_or_default(),
                            pressed,
                            repeat,
                        }
                    }
                };
                dispatch::apply_command(&mut self.state, Command::Input(ev));
            }
            Op::Resize { width, height } => {
                dispatch::apply_command(
                    &mut self.state,
                    Command::ScreenResized {
                        width: width as u32 % 128,
                        height: height as u32 % 128,
                    },
                );
            }
            Op::Rescale(scale) => {
                dispatch::apply_command(&mut self.state, Command::ScaleChanged(scale));
            }
            Op::Tick => {
                dispatch::apply_command(&mut self.state, Command::Tick);
            }
            Op::Present => dispatch::present(&mut self.state),
        }
        self.settle();
    }

    /// After an op: hands output to the clients, reads it back, notices clients the
    /// server ended, and checks.
    fn settle(&mut self) {
        dispatch::flush_clients(&mut self.state);
        self.read_output();
        // The server may end a client itself (the window manager's force quit, unread
        // output past its limit): that client is gone, and everything checked of gone
        // clients must hold of it too.
        for i in 0..self.slots.len() {
            if let Some(id) = self.slots[i].id {
                if !self.state.clients.contains_key(&id) {
                    self.slots[i].id = None;
                    self.slots[i].rx = None;
                    self.gone.push(id);
                }
            }
        }
        self.check();
    }

    /// Every frame queued for a client must decode: the setup response first, then server
    /// messages.
    fn read_output(&mut self) {
        for slot in &mut self.slots {
            let Some(rx) = slot.rx.as_mut() else {
                continue;
            };
            while let Ok(chunk) = rx.try_recv() {
                slot.buf.extend_from_slice(&chunk);
            }
            let mut at = 0;
            while let Some((start, end)) =
                frame::split_frame(&slot.buf[at..], usize::MAX).expect("no frame limit")
            {
                let body = &slot.buf[at + start..at + end];
                if slot.setup_seen {
                    if let Err(e) = decode_server_message(body) {
                        panic!("server sent an undecodable message ({e}): {body:02x?}");
                    }
                } else {
                    match decode_setup_response(body) {
                        Ok(SetupResponse::Accepted(_)) => slot.setup_seen = true,
                        other => panic!("bad setup response: {other:?}"),
                    }
                }
                at += end;
            }
            slot.buf.drain(..at);
        }
    }

    /// The invariants that must hold between any two ops.
    pub fn check(&self) {
        let st = &self.state;
        // The tree, the backing stores, the id spaces and every running total.
        if let Err(broken) = st.check_invariants() {
            panic!("{broken}");
        }
        for win in st.windows.values() {
            for (c, _) in &win.selections {
                assert!(st.clients.contains_key(c), "selection of gone client {c}");
            }
        }
        // Clients and their id spaces.
        for (i, slot) in self.slots.iter().enumerate() {
            let space = space_of(i);
            match slot.id {
                Some(id) => {
                    assert_eq!(st.spaces.get(&space), Some(&id), "space of slot {i}");
                    assert!(st.clients.contains_key(&id));
                }
                None => {
                    assert!(!st.spaces.contains_key(&space), "space of gone slot {i}");
                    let mine = |raw: u64| yonder_protocol::id_space_of(raw) == space;
                    assert!(
                        !st.windows.keys().any(|w| mine(w.0)),
                        "windows of gone slot {i} remain"
                    );
                    assert!(
                        !st.surfaces.keys().any(|d| mine(d.0)),
                        "pixmaps of gone slot {i} remain"
                    );
                    assert!(
                        !st.gcs.keys().any(|g| mine(g.0)),
                        "GCs of gone slot {i} remain"
                    );
                }
            }
        }
        let gone_requestors = st
            .transfers
            .pending
            .values()
            .filter(|p| !st.clients.contains_key(&p.requestor_client))
            .count();
        assert!(
            gone_requestors <= yonder_server::state::transfer::MAX_ABANDONED_TRANSFERS,
            "{gone_requestors} transfers of departed requestors kept"
        );
        assert!(
            st.transfers.dropped.len() <= yonder_server::state::transfer::MAX_DROPS_AWAITING,
            "{} drops await their finish",
            st.transfers.dropped.len()
        );
        for id in &self.gone {
            assert!(
                !st.clients.contains_key(id),
                "gone client {id} still listed"
            );
            let (w, p, g) = st.client_resources(*id);
            assert!(w.is_empty() && p.is_empty() && g.is_empty());
            let t = &st.transfers;
            assert!(
                !t.owners.values().any(|o| o.client == *id),
                "gone client {id} owns a selection"
            );
            // Transfers it owed are refused; those it asked for stay open for their
            // owner to finish (protocol.md §17.2), within the server-wide bound.
            assert!(
                !t.pending.values().any(|p| p.owner == *id),
                "transfer owed by gone client {id} pending"
            );
            assert!(
                !t.save_sets.contains_key(id),
                "save-set of gone client {id}"
            );
            assert!(
                !t.dropped.iter().any(|d| d.source_client == *id),
                "drop of gone client {id} pending"
            );
            assert!(
                !matches!(&t.drag, Some(d) if d.client == *id),
                "drag of gone client {id} goes on"
            );
        }
        // Selections and drags name live windows.
        for o in st.transfers.owners.values() {
            assert!(st.windows.contains_key(&o.window), "selection owner gone");
        }
        if let Some(d) = &st.transfers.drag {
            assert!(st.windows.contains_key(&d.source), "drag source gone");
        }
        // The window manager manages live windows only.
        for w in st.wm.managed.keys() {
            assert!(st.windows.contains_key(w), "managed window {w} gone");
        }
        // Input.
        let f = st.input.focus;
        assert!(f.is_none() || st.windows.contains_key(&f), "focus {f} gone");
        if let Some(g) = st.input.grab {
            assert!(st.windows.contains_key(&g), "grab window {g} gone");
        }
        // The screen.
        let c = &st.framebuffer;
        assert_eq!(c.pixels.len(), c.width as usize * c.height as usize);
        assert_eq!(
            st.windows[&WindowId::ROOT].rect,
            Rect::new(0, 0, c.width, c.height),
            "root is the screen"
        );
        let root = st.surfaces.size(&Drawable(WindowId::ROOT.0));
        assert_eq!(root, Some((c.width, c.height)));
        let p = st.input.pointer;
        assert!(
            p.x >= 0 && p.y >= 0 && (p.x as u32) < c.width && (p.y as u32) < c.height,
            "pointer {p:?} off the screen"
        );
    }
}
