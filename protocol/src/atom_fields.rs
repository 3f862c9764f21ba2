//! Every atom a message carries (protocol.md §6.2): the fields typed [`Atom`], and the
//! atoms inside data that says it holds atoms — a property of type `ATOM`, selection data
//! for the target `TARGETS`, a `WM_PROTOCOLS` client message. What a client that
//! renumbers atoms (one that moved to another display, §5.5) rewrites, and nothing else
//! of the protocol holds an atom.
//!
//! Data inside a SendSelectionData names no target; the client knows it from the
//! SelectionRequest it answers ([`Request::visit_atoms`] takes that as `targets_data`).

use crate::atoms::{ATOM, TARGETS, WM_PROTOCOLS};
use crate::descriptor::{Reply, Request};
use crate::error::{ErrorCode, ProtocolError};
use crate::event::Event;
use crate::ids::Atom;
use crate::message::ServerMessage;
use crate::request::{
    ChangeProperty, ConvertSelection, DeleteProperty, GetAtomName, GetProperty, GetSelectionOwner,
    SendEvent, SendSelectionData, SetSelectionOwner, StartDrag,
};

/// Calls `f` on each little-endian `u32` of `data` as an atom (a trailing part of fewer
/// than four bytes is left alone).
pub fn visit_atom_list(data: &mut [u8], f: &mut dyn FnMut(&mut Atom)) {
    for chunk in data.chunks_exact_mut(4) {
        let mut atom = Atom(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
        f(&mut atom);
        chunk.copy_from_slice(&atom.0.to_le_bytes());
    }
}

impl Request {
    /// Whether a request of `opcode` may carry an atom: the others need no look.
    pub fn may_carry_atoms(opcode: u8) -> bool {
        [
            GetAtomName::OPCODE,
            ChangeProperty::OPCODE,
            DeleteProperty::OPCODE,
            GetProperty::OPCODE,
            SendEvent::OPCODE,
            SetSelectionOwner::OPCODE,
            GetSelectionOwner::OPCODE,
            ConvertSelection::OPCODE,
            SendSelectionData::OPCODE,
            StartDrag::OPCODE,
        ]
        .contains(&opcode)
    }

    /// Calls `f` on every atom the request carries. `targets_data`: the data of a
    /// SendSelectionData is a `TARGETS` list (the client knows it from the request it
    /// answers).
    pub fn visit_atoms(&mut self, targets_data: bool, f: &mut dyn FnMut(&mut Atom)) {
        match self {
            Request::GetAtomName(r) => f(&mut r.atom),
            Request::ChangeProperty(r) => {
                f(&mut r.property);
                // The type is looked at before it is renumbered: ATOM is predefined.
                if r.type_ == ATOM {
                    visit_atom_list(&mut r.data, f);
                }
                f(&mut r.type_);
            }
            Request::DeleteProperty(r) => f(&mut r.property),
            Request::GetProperty(r) => f(&mut r.property),
            Request::SendEvent(r) => r.event.visit_atoms(f),
            Request::SetSelectionOwner(r) => f(&mut r.selection),
            Request::GetSelectionOwner(r) => f(&mut r.selection),
            Request::ConvertSelection(r) => {
                f(&mut r.selection);
                f(&mut r.target);
            }
            Request::SendSelectionData(r) if targets_data => visit_atom_list(&mut r.data, f),
            Request::StartDrag(r) => r.types.iter_mut().for_each(f),
            _ => {}
        }
    }
}

impl Event {
    /// Calls `f` on every atom the event carries.
    pub fn visit_atoms(&mut self, f: &mut dyn FnMut(&mut Atom)) {
        match self {
            Event::Property(e) => f(&mut e.atom),
            Event::ClientMessage(e) => {
                if e.type_ == WM_PROTOCOLS {
                    let n = e.data.len().min(4);
                    visit_atom_list(&mut e.data[..n], f);
                }
                f(&mut e.type_);
            }
            Event::SelectionClear(e) => f(&mut e.selection),
            Event::SelectionOwner(e) => f(&mut e.selection),
            Event::SelectionRequest(e) => {
                f(&mut e.selection);
                f(&mut e.target);
            }
            Event::SelectionData(e) => {
                if e.target == TARGETS {
                    visit_atom_list(&mut e.data, f);
                }
                f(&mut e.selection);
                f(&mut e.target);
            }
            Event::DndEnter(e) => e.types.iter_mut().for_each(f),
            _ => {}
        }
    }
}

impl Reply {
    /// Calls `f` on every atom the reply carries.
    pub fn visit_atoms(&mut self, f: &mut dyn FnMut(&mut Atom)) {
        match self {
            Reply::InternAtom(r) => f(&mut r.atom),
            Reply::Property(r) => {
                if r.type_ == ATOM {
                    visit_atom_list(&mut r.data, f);
                }
                f(&mut r.type_);
            }
            Reply::ListProperties(r) => r.atoms.iter_mut().for_each(f),
            _ => {}
        }
    }
}

impl ProtocolError {
    /// Calls `f` on the atom an Atom error names (its bad value).
    pub fn visit_atoms(&mut self, f: &mut dyn FnMut(&mut Atom)) {
        if self.code == ErrorCode::Atom {
            if let Ok(n) = u32::try_from(self.bad_value) {
                let mut atom = Atom(n);
                f(&mut atom);
                self.bad_value = atom.0 as u64;
            }
        }
    }
}

impl ServerMessage {
    /// Calls `f` on every atom the message carries.
    pub fn visit_atoms(&mut self, f: &mut dyn FnMut(&mut Atom)) {
        match self {
            ServerMessage::Reply { reply, .. } => reply.visit_atoms(f),
            ServerMessage::Event { event, .. } => event.visit_atoms(f),
            ServerMessage::Error { error, .. } => error.visit_atoms(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ClientMessage, PropertyEvent, PropertyState, SelectionDataEvent};
    use crate::ids::{Timestamp, WindowId};
    use crate::reply::{InternAtomReply, PropertyReply};
    use crate::request::PropMode;

    /// Adds 100 to every atom, so a test sees which were visited.
    fn bump(a: &mut Atom) {
        a.0 += 100;
    }

    fn list(atoms: &[u32]) -> Vec<u8> {
        atoms.iter().flat_map(|a| a.to_le_bytes()).collect()
    }

    #[test]
    fn an_atom_property_has_its_data_renumbered_and_others_do_not() {
        for (type_, data, want) in [
            (ATOM, list(&[30, 31]), list(&[130, 131])),
            (crate::atoms::CARDINAL, list(&[30]), list(&[30])),
        ] {
            let mut r = Request::ChangeProperty(ChangeProperty {
                window: WindowId(1 << 32 | 1),
                property: Atom(40),
                type_,
                mode: PropMode::Replace,
                data,
            });
            assert!(Request::may_carry_atoms(ChangeProperty::OPCODE));
            r.visit_atoms(false, &mut bump);
            let Request::ChangeProperty(c) = r else {
                unreachable!()
            };
            assert_eq!((c.property, c.type_), (Atom(140), Atom(type_.0 + 100)));
            assert_eq!(c.data, want);
        }
    }

    #[test]
    fn replies_events_and_errors_are_renumbered() {
        let mut r = Reply::Property(PropertyReply {
            type_: ATOM,
            data: list(&[50, 51]),
        });
        r.visit_atoms(&mut bump);
        assert_eq!(
            r,
            Reply::Property(PropertyReply {
                type_: Atom(ATOM.0 + 100),
                data: list(&[150, 151]),
            })
        );
        let mut r = Reply::InternAtom(InternAtomReply { atom: Atom(60) });
        r.visit_atoms(&mut bump);
        assert_eq!(r, Reply::InternAtom(InternAtomReply { atom: Atom(160) }));

        let mut e = Event::SelectionData(SelectionDataEvent {
            requestor: WindowId(1 << 32 | 1),
            tag: 1,
            selection: Atom(3),
            target: TARGETS,
            data: list(&[70]),
            done: true,
            refused: false,
        });
        e.visit_atoms(&mut bump);
        let Event::SelectionData(d) = &e else {
            unreachable!()
        };
        assert_eq!((d.selection, d.data.clone()), (Atom(103), list(&[170])));

        let mut e = Event::ClientMessage(ClientMessage {
            window: WindowId(1 << 32 | 1),
            type_: WM_PROTOCOLS,
            data: list(&[80, 81]),
        });
        e.visit_atoms(&mut bump);
        let Event::ClientMessage(m) = &e else {
            unreachable!()
        };
        // Only the protocol's atom, the first four bytes.
        assert_eq!(m.data, list(&[180, 81]));

        let mut e = Event::Property(PropertyEvent {
            window: WindowId(1 << 32 | 1),
            atom: Atom(90),
            state: PropertyState::NewValue,
            time: Timestamp(0),
        });
        e.visit_atoms(&mut bump);
        assert!(matches!(
            e,
            Event::Property(PropertyEvent {
                atom: Atom(190),
                ..
            })
        ));

        let mut err = ProtocolError {
            code: ErrorCode::Atom,
            bad_value: 95,
            opcode: GetAtomName::OPCODE,
            message: String::new(),
        };
        err.visit_atoms(&mut bump);
        assert_eq!(err.bad_value, 195);
    }

    #[test]
    fn selection_data_sent_is_a_list_only_for_targets() {
        let data = |targets| {
            let mut r = Request::SendSelectionData(SendSelectionData {
                transfer: 7,
                data: list(&[20, 21]),
                done: true,
                refused: false,
            });
            r.visit_atoms(targets, &mut bump);
            match r {
                Request::SendSelectionData(s) => s.data,
                _ => unreachable!(),
            }
        };
        assert_eq!(data(true), list(&[120, 121]));
        assert_eq!(data(false), list(&[20, 21]));
    }

    #[test]
    fn requests_said_to_carry_none_carry_none() {
        let mut seen = 0;
        let mut r = Request::Sync(crate::request::Sync {});
        r.visit_atoms(true, &mut |_| seen += 1);
        assert_eq!(seen, 0);
        assert!(!Request::may_carry_atoms(crate::request::Sync::OPCODE));
    }
}
