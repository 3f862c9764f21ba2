//! The interned atoms, and what interning costs the client that asks. Atoms are shared by
//! every client and never freed (protocol.md §6.2), so a client interning names without
//! end would grow the server for good: the classic X11 atom flood. Each new atom is
//! therefore charged to the client that made it, against its own count and bytes of
//! names, and all atoms together against a server-wide count (`config::Bounds`); a client
//! past its share gets Alloc and the others go on interning. Interning a name that exists
//! is free, and the predefined atoms belong to nobody.
//!
//! A client's charge ends with it, the atoms stay: the server-wide count is what bounds
//! the atoms of clients that came and went.

use super::State;
use crate::command::fail;
use std::collections::HashMap;
use yonder_protocol::{atoms, Atom, ClientId, ErrorCode, ProtocolError};

/// The interned atoms, both ways.
#[derive(Default)]
pub struct Atoms {
    names: Vec<String>,
    by_name: HashMap<String, Atom>,
}

impl Atoms {
    pub(super) fn with_predefined() -> Atoms {
        let mut a = Atoms::default();
        for name in atoms::PREDEFINED {
            a.intern(name);
        }
        a
    }
    /// The atom for `name`, creating it, charged to nobody: for the server's own names.
    /// A client's go through [`State::intern_for`].
    pub fn intern(&mut self, name: &str) -> Atom {
        if let Some(a) = self.by_name.get(name) {
            return *a;
        }
        self.names.push(name.to_owned());
        let atom = Atom(self.names.len() as u32);
        self.by_name.insert(name.to_owned(), atom);
        atom
    }
    /// The atom for `name`, if it exists.
    pub fn lookup(&self, name: &str) -> Option<Atom> {
        self.by_name.get(name).copied()
    }
    /// The name of `atom`.
    pub fn name(&self, atom: Atom) -> Option<&str> {
        (atom.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.names.get(i))
            .map(String::as_str)
    }
    /// How many atoms exist, the predefined ones included.
    pub fn len(&self) -> usize {
        self.names.len()
    }
    /// Never true: the predefined atoms always exist.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    /// The atoms after the first `n`, in the order they were made (for the atom log).
    pub fn since(&self, n: usize) -> impl Iterator<Item = (Atom, &str)> {
        self.names
            .iter()
            .enumerate()
            .skip(n)
            .map(|(i, name)| (Atom(i as u32 + 1), name.as_str()))
    }
    /// Interns the atoms of a display's atom log (`checkpoint::atom_log`), each with its
    /// logged number, charged to nobody, at most `max` atoms in all. Stops at the first
    /// record it cannot take (a number that is not the next one, as a server with other
    /// predefined atoms would see; a name that is not one; the bound) and says why; the
    /// atoms before it are kept.
    pub fn load_log(
        &mut self,
        log: &[(Atom, String)],
        max: usize,
        max_name: usize,
    ) -> Result<(), String> {
        for (atom, name) in log {
            let next = self.names.len() as u32 + 1;
            if atom.0 != next {
                return Err(format!("atom {} ({name:?}) where {next} was next", atom.0));
            }
            if name.is_empty() || name.len() > max_name || self.by_name.contains_key(name) {
                return Err(format!("atom {} has the name {name:?}", atom.0));
            }
            if self.names.len() >= max {
                return Err(format!("the limit of {max} atoms (--max-atoms) is reached"));
            }
            self.intern(name);
        }
        Ok(())
    }
}

impl State {
    /// The atom for `name`, creating it for `client` if it does not exist yet: Alloc,
    /// naming the limit, when that would pass the client's count or bytes of atoms or
    /// the server's count of atoms. Nothing changes on an error.
    pub fn intern_for(&mut self, client: ClientId, name: &str) -> Result<Atom, ProtocolError> {
        if let Some(a) = self.atoms.lookup(name) {
            return Ok(a);
        }
        let b = self.bounds;
        if self.atoms.len() >= b.max_atoms as usize {
            return Err(fail(
                ErrorCode::Alloc,
                0,
                format!(
                    "the server holds its limit of {} atoms, which are never freed; \
                     only existing names can be interned (yonder-server --max-atoms)",
                    b.max_atoms
                ),
            ));
        }
        if let Some(c) = self.clients.get_mut(&client) {
            let held = &mut c.held;
            if held.atoms >= b.max_client_atoms {
                return Err(fail(
                    ErrorCode::Alloc,
                    0,
                    format!(
                        "{} created its limit of {} atoms (yonder-server --max-client-atoms)",
                        c.app_name, b.max_client_atoms
                    ),
                ));
            }
            if held.atom_bytes + name.len() as u64 > b.max_client_atom_bytes {
                return Err(fail(
                    ErrorCode::Alloc,
                    0,
                    format!(
                        "{} created atoms of {} bytes of names, this one would pass its \
                         limit of {} bytes",
                        c.app_name, held.atom_bytes, b.max_client_atom_bytes
                    ),
                ));
            }
            held.atoms += 1;
            held.atom_bytes += name.len() as u64;
        }
        Ok(self.atoms.intern(name))
    }
}

#[cfg(test)]
mod tests {
    use crate::state::test_support::state_with_client;
    use yonder_protocol::ErrorCode;

    #[test]
    fn new_atoms_are_charged_to_their_creator_and_existing_ones_are_free() {
        let (mut s, c, _rx) = state_with_client(16, 16, false);
        s.bounds.max_client_atoms = 2;
        let a = s.intern_for(c, "ONE").unwrap();
        s.intern_for(c, "TWO").unwrap();
        assert_eq!(s.intern_for(c, "ONE").unwrap(), a, "re-interning is free");
        assert_eq!(s.intern_for(c, "PRIMARY").unwrap().0, 1, "predefined: free");
        let before = s.atoms.len();
        let e = s.intern_for(c, "THREE").unwrap_err();
        assert_eq!(e.code, ErrorCode::Alloc);
        assert!(e.message.contains("--max-client-atoms"), "{}", e.message);
        assert_eq!(s.atoms.len(), before, "a refused atom is not made");
        assert_eq!(s.clients[&c].held.atoms, 2);
        assert_eq!(s.clients[&c].held.atom_bytes, 6);
    }

    #[test]
    fn the_server_wide_count_and_the_bytes_of_names_are_bounded() {
        let (mut s, c, _rx) = state_with_client(16, 16, false);
        s.bounds.max_client_atom_bytes = 10;
        s.intern_for(c, "0123456789").unwrap();
        let e = s.intern_for(c, "X").unwrap_err();
        assert_eq!(e.code, ErrorCode::Alloc);
        assert!(e.message.contains("10 bytes"), "{}", e.message);
        s.bounds.max_atoms = s.atoms.len() as u32;
        s.clients.get_mut(&c).unwrap().held = Default::default();
        let e = s.intern_for(c, "Y").unwrap_err();
        assert!(e.message.contains("--max-atoms"), "{}", e.message);
    }
}
