//! X atoms by name: a set of them interned together, every InternAtom sent before the
//! first reply is read, so that a set costs one round trip, not one per name. Knows
//! nothing of which names the bridge needs: each user keeps its own.

use x11rb::connection::RequestConnection;
use x11rb::protocol::xproto::{self, ConnectionExt as _};

/// The X atoms named `names`, in their order (interned: made if none was).
pub fn intern_all<C: RequestConnection, S: AsRef<str>, const N: usize>(
    x: &C,
    names: [S; N],
) -> Result<[xproto::Atom; N], String> {
    let cookies = names
        .iter()
        .map(|name| x.intern_atom(false, name.as_ref().as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let mut atoms = [x11rb::NONE; N];
    for (atom, cookie) in atoms.iter_mut().zip(cookies) {
        *atom = cookie.reply().map_err(|e| e.to_string())?.atom;
    }
    Ok(atoms)
}
