//! Atom numbers across displays (protocol.md §5.5, §6.2): an app that moved keeps the
//! atom numbers it knows, and the library puts the display's on the wire.
//!
//! Each connection has one [`Renumber`], shared by its read buffer and its output. On the
//! display the app first connected to, the app's numbers are the display's: nothing is
//! rewritten, but every atom above the predefined ones that comes in (in a reply, an
//! event, a property of type `ATOM`) is noted, so that a move knows every number the app
//! may use. A move names them (GetAtomName on the old display), interns the names on the
//! new one, and gives the new connection a [`Renumber`] that maps both ways: requests out
//! from the app's numbers to the display's, messages in the other way. An atom the new
//! display sends that the app has never heard of keeps the display's number if the app
//! does not use that number for another atom, else gets a fresh one. The predefined atoms
//! are the same everywhere and never looked up: those that every display the app has been
//! on predefines (a display of 1.0 or 1.1 predefines 18, later ones 24; the setup lists
//! them). The bad value of an Atom error is renumbered, never noted.
//!
//! The data of a SendSelectionData is a list of atoms only when it answers a conversion
//! to `TARGETS`: the SelectionRequests asking for one are noted until their data is sent
//! (the last [`MAX_TARGETS`] of them).

use crate::lock::{lock, Mutex};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use yonder_protocol::atoms::{PREDEFINED, TARGETS};
use yonder_protocol::{Event, Request, ServerMessage};

/// How many conversions to `TARGETS` the app may leave unanswered before the oldest is
/// forgotten (its data, if it ever comes, then goes out as it is).
pub(crate) const MAX_TARGETS: usize = 16;

/// The first number given to an atom of the display whose own number the app already
/// uses for another atom (far above what a display hands out).
const FRESH_FROM: u32 = 0x8000_0000;

/// The atom numbers of one connection. Its lock is a leaf: nothing else is locked while
/// it is held (the read buffer and the output each take it for one message).
#[derive(Debug)]
pub(crate) struct Renumber {
    /// The app's numbers are the display's (the display the app first connected to).
    same: bool,
    /// Atoms up to this number are predefined alike on every display the app has been on
    /// (set once the first display's setup is in; until then, the present version's).
    fixed: AtomicU32,
    book: Mutex<Book>,
}

/// What a [`Renumber`] knows.
#[derive(Debug, Default)]
struct Book {
    /// Every atom the app has heard of, by the app's number: the display's number and,
    /// once known, the name.
    by_app: HashMap<u32, Known>,
    /// The display's numbers to the app's (only where they are not the same).
    by_display: HashMap<u32, u32>,
    /// The next fresh app number.
    fresh: u32,
    /// Transfers of a conversion to `TARGETS` whose data the app has still to send,
    /// oldest first.
    targets: VecDeque<u64>,
}

#[derive(Debug, Clone)]
struct Known {
    display: u32,
    name: Option<String>,
}

impl Renumber {
    /// The numbering of the display the app first connected to: the app's own.
    pub(crate) fn same() -> Renumber {
        Renumber {
            same: true,
            fixed: AtomicU32::new(PREDEFINED.len() as u32),
            book: Mutex::new(Book::default()),
        }
    }

    /// The display predefines `n` atoms (its setup's list): on the first display, the
    /// app's own predefined ones.
    pub(crate) fn predefines(&self, n: usize) {
        self.fixed.store(n as u32, Ordering::Release);
    }

    /// The number of atoms predefined alike here.
    pub(crate) fn fixed(&self) -> u32 {
        self.fixed.load(Ordering::Acquire)
    }

    /// A numbering of another display that predefines `fixed` atoms alike with those the
    /// app was on, and maps each app atom of `names` to its number there:
    /// `(app, display, name)`.
    pub(crate) fn mapped(
        fixed: u32,
        names: impl IntoIterator<Item = (u32, u32, String)>,
    ) -> Renumber {
        let mut book = Book {
            fresh: FRESH_FROM,
            ..Book::default()
        };
        for (app, display, name) in names {
            book.add(app, display, name);
        }
        Renumber {
            same: false,
            fixed: AtomicU32::new(fixed),
            book: Mutex::new(book),
        }
    }

    /// Whether requests out need a look (the app's numbers are not the display's).
    pub(crate) fn rewrites(&self) -> bool {
        !self.same
    }

    /// Whether a request of `opcode` needs decoding to be renumbered: it may carry an
    /// atom (and, for SendSelectionData, a `TARGETS` answer is under way).
    pub(crate) fn wants(&self, opcode: u8) -> bool {
        use yonder_protocol::request::SendSelectionData;
        match opcode {
            SendSelectionData::OPCODE => !lock(&self.book).targets.is_empty(),
            _ => Request::may_carry_atoms(opcode),
        }
    }

    /// Renumbers a request from the app's numbers to the display's. An atom the app
    /// never heard of goes out as it is (the display says whether it knows it).
    pub(crate) fn outgoing(&self, req: &mut Request) {
        if self.same {
            return;
        }
        let mut book = lock(&self.book);
        let targets = match req {
            Request::SendSelectionData(s) => {
                let at = book.targets.iter().position(|t| *t == s.transfer);
                if let (Some(i), true) = (at, s.done || s.refused) {
                    book.targets.remove(i);
                }
                at.is_some()
            }
            _ => false,
        };
        let fixed = self.fixed();
        req.visit_atoms(targets, &mut |a| {
            if a.0 > fixed {
                if let Some(k) = book.by_app.get(&a.0) {
                    a.0 = k.display;
                }
            }
        });
    }

    /// Renumbers a message from the display's numbers to the app's, noting atoms it has
    /// not seen before.
    pub(crate) fn incoming(&self, msg: &mut ServerMessage) {
        let fixed = self.fixed();
        if let ServerMessage::Error { error, .. } = msg {
            // A bad value is no atom the app has heard of: renumbered if known, not noted.
            if !self.same {
                let book = lock(&self.book);
                error.visit_atoms(&mut |a| {
                    if let Some(app) = book.by_display.get(&a.0).filter(|_| a.0 > fixed) {
                        a.0 = *app;
                    }
                });
            }
            return;
        }
        let mut any = false;
        msg.visit_atoms(&mut |a| any |= a.0 > fixed);
        let asks_targets = match msg {
            ServerMessage::Event {
                event: Event::SelectionRequest(r),
                ..
            } => (r.target == TARGETS && !self.same).then_some(r.transfer),
            _ => None,
        };
        if !any && asks_targets.is_none() {
            return;
        }
        let mut book = lock(&self.book);
        if let Some(transfer) = asks_targets {
            if book.targets.len() >= MAX_TARGETS {
                book.targets.pop_front();
            }
            book.targets.push_back(transfer);
        }
        let same = self.same;
        msg.visit_atoms(&mut |a| {
            if a.0 > fixed {
                a.0 = book.app_number(a.0, same);
            }
        });
    }

    /// Forgets the app's atom `app`: the display says it is no atom (a number the app
    /// made up and the display echoed), so there is nothing to carry.
    pub(crate) fn forget(&self, app: u32) {
        let mut book = lock(&self.book);
        if let Some(k) = book.by_app.remove(&app) {
            book.by_display.remove(&k.display);
        }
    }

    /// The app's atoms whose names are not known yet.
    pub(crate) fn unnamed(&self) -> Vec<u32> {
        let book = lock(&self.book);
        let mut v: Vec<u32> = book
            .by_app
            .iter()
            .filter(|(_, k)| k.name.is_none())
            .map(|(a, _)| *a)
            .collect();
        v.sort_unstable();
        v
    }

    /// Notes the name of the app's atom `app`.
    pub(crate) fn named(&self, app: u32, name: String) {
        if let Some(k) = lock(&self.book).by_app.get_mut(&app) {
            k.name = Some(name);
        }
    }

    /// The app's atoms with a name: `(app, name)`, ascending.
    pub(crate) fn names(&self) -> Vec<(u32, String)> {
        let book = lock(&self.book);
        let mut v: Vec<(u32, String)> = book
            .by_app
            .iter()
            .filter_map(|(a, k)| Some((*a, k.name.clone()?)))
            .collect();
        v.sort_unstable();
        v
    }

    /// Whether the app's atom `app` has a number here.
    pub(crate) fn knows(&self, app: u32) -> bool {
        lock(&self.book).by_app.contains_key(&app)
    }

    /// Adds the app's atom `app`, named `name`, as the display's `display`.
    pub(crate) fn add(&self, app: u32, display: u32, name: String) {
        lock(&self.book).add(app, display, name);
    }
}

impl Book {
    /// Adds the app's atom `app`, named `name`, as the display's `display`.
    fn add(&mut self, app: u32, display: u32, name: String) {
        self.by_app.insert(
            app,
            Known {
                display,
                name: Some(name),
            },
        );
        self.by_display.insert(display, app);
    }

    /// The app's number for the display's atom `display`, noted if new.
    fn app_number(&mut self, display: u32, same: bool) -> u32 {
        if same {
            self.by_app.entry(display).or_insert(Known {
                display,
                name: None,
            });
            return display;
        }
        if let Some(app) = self.by_display.get(&display) {
            return *app;
        }
        let mut app = display;
        if self.by_app.contains_key(&app) {
            app = self.fresh;
            while self.by_app.contains_key(&app) {
                app += 1;
            }
            self.fresh = app + 1;
        }
        self.by_app.insert(
            app,
            Known {
                display,
                name: None,
            },
        );
        self.by_display.insert(display, app);
        app
    }
}

/// Renumbers the requests of the whole frames in `buf` from `start` on, in place (a
/// frame's length may change).
pub(crate) fn frames_out(renumber: &Renumber, buf: &mut Vec<u8>, start: usize) {
    let mut at = start;
    while at + 4 <= buf.len() {
        let len = u32::from_le_bytes(buf[at..at + 4].try_into().expect("4 bytes")) as usize;
        let end = (at + 4).saturating_add(len).min(buf.len());
        let body = &buf[at + 4..end];
        let opcode = match body {
            [0x92, op @ 0..=0x7f, ..] => Some(*op),
            _ => None,
        };
        if opcode.is_some_and(|op| renumber.wants(op)) {
            // Encoded a moment ago, its own ids relative if they are: read back in the
            // space it was encoded for, and encoded again in it.
            let space = yonder_protocol::encoding_space();
            let decoded = yonder_protocol::decode_relative_to(space, || {
                yonder_protocol::message::decode_request(body)
            });
            if let Ok(mut req) = decoded {
                renumber.outgoing(&mut req);
                let mut frame = Vec::with_capacity(len + 4);
                yonder_protocol::fast_encode::encode_request_frame(&req, &mut frame);
                let new_end = at + frame.len();
                buf.splice(at..end, frame);
                at = new_end;
                continue;
            }
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::atoms::ATOM;
    use yonder_protocol::event::{PropertyEvent, PropertyState, SelectionRequestEvent};
    use yonder_protocol::reply::InternAtomReply;
    use yonder_protocol::request::{ChangeProperty, PropMode, SendSelectionData};
    use yonder_protocol::{encode_frame, Atom, Reply, Seq, Timestamp, WindowId};

    const W: WindowId = WindowId(1 << 32 | 1);

    fn interned(atom: u32) -> ServerMessage {
        ServerMessage::Reply {
            seq: Seq(1),
            reply: Reply::InternAtom(InternAtomReply { atom: Atom(atom) }),
        }
    }

    fn property(atom: u32) -> ServerMessage {
        ServerMessage::Event {
            seq: Seq(1),
            event: Event::Property(PropertyEvent {
                window: W,
                atom: Atom(atom),
                state: PropertyState::NewValue,
                time: Timestamp(0),
            }),
            sent: false,
        }
    }

    fn atom_in(m: &ServerMessage) -> u32 {
        match m {
            ServerMessage::Reply {
                reply: Reply::InternAtom(r),
                ..
            } => r.atom.0,
            ServerMessage::Event {
                event: Event::Property(p),
                ..
            } => p.atom.0,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_first_display_rewrites_nothing_and_notes_every_atom() {
        let r = Renumber::same();
        for n in [30, 31, 3] {
            let mut m = interned(n);
            r.incoming(&mut m);
            assert_eq!(atom_in(&m), n);
        }
        // Predefined atoms are not noted.
        assert_eq!(r.unnamed(), vec![30, 31]);
        r.named(30, "FOO".into());
        assert_eq!(r.names(), vec![(30, "FOO".into())]);
        assert!(!r.rewrites());
    }

    #[test]
    fn an_old_displays_atoms_past_its_eighteen_are_the_apps_own_and_errors_are_not_atoms() {
        let r = Renumber::same();
        r.predefines(18);
        let mut m = interned(20);
        r.incoming(&mut m);
        assert_eq!(r.unnamed(), vec![20], "an interned atom of a 1.1 display");
        let mut e = ServerMessage::Error {
            seq: Seq(1),
            error: yonder_protocol::ProtocolError {
                code: yonder_protocol::ErrorCode::Atom,
                bad_value: 999,
                opcode: 12,
                message: String::new(),
            },
        };
        r.incoming(&mut e);
        assert_eq!(r.unnamed(), vec![20], "a bad value is not noted");
        r.forget(20);
        assert!(r.unnamed().is_empty());
    }

    #[test]
    fn after_a_move_both_ways_are_mapped_and_a_taken_number_gets_a_fresh_one() {
        // On A, FOO was 30 and BAR 31; on B they are 40 and 30.
        let r = Renumber::mapped(24, [(30, 40, "FOO".into()), (31, 30, "BAR".into())]);
        let mut m = property(40);
        r.incoming(&mut m);
        assert_eq!(atom_in(&m), 30);
        let mut m = property(30);
        r.incoming(&mut m);
        assert_eq!(atom_in(&m), 31);
        // B's 31 is new to the app, which uses 31 for BAR: a fresh number.
        let mut m = property(31);
        r.incoming(&mut m);
        let fresh = atom_in(&m);
        assert_eq!(fresh, FRESH_FROM);
        // B's 50 is new and free: kept.
        let mut m = property(50);
        r.incoming(&mut m);
        assert_eq!(atom_in(&m), 50);

        let mut req = Request::ChangeProperty(ChangeProperty {
            window: W,
            property: Atom(30),
            type_: ATOM,
            mode: PropMode::Replace,
            data: [31u32, fresh, 50, 7]
                .iter()
                .flat_map(|a| a.to_le_bytes())
                .collect(),
        });
        let mut buf = vec![1, 2, 3];
        encode_frame(&req, &mut buf);
        frames_out(&r, &mut buf, 3);
        r.outgoing(&mut req);
        let Request::ChangeProperty(c) = &req else {
            unreachable!()
        };
        assert_eq!(c.property, Atom(40));
        let want: Vec<u8> = [30u32, 31, 50, 7]
            .iter()
            .flat_map(|a| a.to_le_bytes())
            .collect();
        assert_eq!(c.data, want);
        // The frame in the buffer says the same, after what was there before.
        assert_eq!(&buf[..3], &[1, 2, 3]);
        assert_eq!(
            yonder_protocol::message::decode_request(&buf[7..]).unwrap(),
            req
        );
    }

    #[test]
    fn a_targets_answer_is_renumbered_until_its_last_chunk() {
        let r = Renumber::mapped(24, [(30, 40, "FOO".into())]);
        let mut ask = ServerMessage::Event {
            seq: Seq(1),
            event: Event::SelectionRequest(SelectionRequestEvent {
                owner: W,
                transfer: 9,
                requestor: W,
                selection: Atom(3),
                target: TARGETS,
            }),
            sent: false,
        };
        r.incoming(&mut ask);
        assert!(r.wants(SendSelectionData::OPCODE));
        let answer = |done| {
            let mut req = Request::SendSelectionData(SendSelectionData {
                transfer: 9,
                data: 30u32.to_le_bytes().to_vec(),
                done,
                refused: false,
            });
            r.outgoing(&mut req);
            match req {
                Request::SendSelectionData(s) => {
                    u32::from_le_bytes(s.data[..4].try_into().unwrap())
                }
                _ => unreachable!(),
            }
        };
        assert_eq!(answer(false), 40);
        assert_eq!(answer(true), 40);
        // Done: later data of that transfer number is not a list.
        assert_eq!(answer(true), 30);
        assert!(!r.wants(SendSelectionData::OPCODE));
    }
}
