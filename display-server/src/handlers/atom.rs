//! Atoms: InternAtom and GetAtomName. What a new atom costs its creator is
//! `state::atoms`'s.

use crate::command::{fail, HandlerResult};
use crate::state::State;
use yonder_protocol::reply::{AtomNameReply, InternAtomReply};
use yonder_protocol::request::{GetAtomName, InternAtom};
use yonder_protocol::{Atom, ClientId, ErrorCode, Reply};

/// Longest atom name in bytes.
pub const MAX_ATOM_NAME: usize = 256;

// InternAtom: [name, only_if_exists] → [atom]
pub(crate) fn intern_atom(s: &mut State, c: ClientId, r: InternAtom) -> HandlerResult {
    #[cfg(feature = "fault-injection")]
    if r.name == "_YONDER_TEST_PANIC" {
        // A server bug, on purpose, after a first change to the state (tests/containment.rs).
        s.atoms.intern("_YONDER_TEST_PANIC_WAS_HERE");
        panic!("deliberate panic for the fault-containment tests");
    }
    if r.name.is_empty() || r.name.len() > MAX_ATOM_NAME {
        return Err(fail(
            ErrorCode::Value,
            r.name.len() as u64,
            format!("atom names are 1..={MAX_ATOM_NAME} bytes"),
        ));
    }
    let atom = if r.only_if_exists {
        s.atoms.lookup(&r.name).unwrap_or(Atom::NONE)
    } else {
        s.intern_for(c, &r.name)?
    };
    Ok(Some(Reply::InternAtom(InternAtomReply { atom })))
}

// GetAtomName: [atom] → [name]
pub(crate) fn get_atom_name(s: &mut State, _c: ClientId, r: GetAtomName) -> HandlerResult {
    let name = s.atoms.name(r.atom).ok_or_else(|| {
        fail(
            ErrorCode::Atom,
            r.atom.0 as u64,
            format!("no atom {}", r.atom.0),
        )
    })?;
    Ok(Some(Reply::AtomName(AtomNameReply {
        name: name.to_owned(),
    })))
}
