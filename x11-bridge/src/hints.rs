//! An X window's hints to its window manager, carried to its Yonder window, where the
//! display's window manager honours them (protocol.md §16.2, §16.7): ICCCM's size hints
//! and `WM_HINTS`, `WM_CLASS`, `WM_TRANSIENT_FOR` (the X parent's Yonder window), and
//! EWMH's window type, states and icon. The layouts are X's, so values are copied as
//! they are: 32-bit items become little-endian `u32`s, atoms are translated by name, a
//! window by its mirror. Copied when a window is first shown and again whenever the
//! program changes one.

use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use yonder::prelude::*;
use yonder_protocol::request::PropMode;
use yonder_protocol::{atoms, WindowId};

/// How a hint's value is carried over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 32-bit numbers (CARDINAL, WM_SIZE_HINTS, WM_HINTS), as little-endian `u32`s.
    Words,
    /// Atoms, translated by name.
    Atoms,
    /// A window: its mirror's Yonder window, as a little-endian `u64`.
    Window,
    /// Bytes (`WM_CLASS`).
    Bytes,
}

/// The hints carried, by name, with their Yonder type's name.
const HINTS: [(&str, &str, Kind); 7] = [
    ("WM_NORMAL_HINTS", "WM_SIZE_HINTS", Kind::Words),
    ("WM_HINTS", "WM_HINTS", Kind::Words),
    ("WM_CLASS", "STRING", Kind::Bytes),
    ("WM_TRANSIENT_FOR", "WINDOW", Kind::Window),
    ("_NET_WM_WINDOW_TYPE", "ATOM", Kind::Atoms),
    ("_NET_WM_STATE", "ATOM", Kind::Atoms),
    ("_NET_WM_ICON", "CARDINAL", Kind::Words),
];

/// The largest value read, in 32-bit units (an icon of 512 × 512 and its sizes).
const MAX_WORDS: u32 = 1 << 18;

/// The X atoms of the hints.
pub struct HintAtoms(Vec<xproto::Atom>);

impl HintAtoms {
    /// Interns the hints' names on the X server.
    pub fn intern(x: &RustConnection) -> Result<HintAtoms, String> {
        let cookies: Vec<_> = HINTS
            .iter()
            .map(|(name, _, _)| x.intern_atom(false, name.as_bytes()))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let atoms = cookies
            .into_iter()
            .map(|c| c.reply().map(|r| r.atom).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        Ok(HintAtoms(atoms))
    }

    /// Whether `atom` is one of the hints.
    pub fn is_hint(&self, atom: xproto::Atom) -> bool {
        self.0.contains(&atom)
    }
}

/// Copies X window `xw`'s hints (all, or only `only`) to Yonder window `yw` on `conn`.
/// `window_of` gives an X window's Yonder window.
pub fn copy(
    x: &RustConnection,
    atoms: &HintAtoms,
    xw: xproto::Window,
    conn: &Connection,
    yw: WindowId,
    only: Option<xproto::Atom>,
    window_of: impl Fn(xproto::Window) -> Option<WindowId>,
) {
    let wanted: Vec<usize> = (0..HINTS.len())
        .filter(|&i| only.is_none_or(|a| atoms.0[i] == a))
        .collect();
    let replies: Vec<_> = wanted
        .iter()
        .map(|&i| {
            x.get_property(false, xw, atoms.0[i], xproto::AtomEnum::ANY, 0, MAX_WORDS)
                .ok()
        })
        .collect();
    for (&i, cookie) in wanted.iter().zip(replies) {
        let (name, type_name, kind) = HINTS[i];
        let Some(reply) = cookie.and_then(|c| c.reply().ok()) else {
            continue;
        };
        let name_atom = yonder_atom(conn, name);
        if reply.type_ == u32::from(xproto::AtomEnum::NONE) {
            if let Some(a) = name_atom {
                conn.delete_property(yw, a);
            }
            continue;
        }
        let data = match kind {
            Kind::Bytes => reply.value.clone(),
            Kind::Words => words(&reply).flat_map(u32::to_le_bytes).collect(),
            Kind::Atoms => words(&reply)
                .filter_map(|a| {
                    let name = x.get_atom_name(a).ok()?.reply().ok()?.name;
                    yonder_atom(conn, &String::from_utf8_lossy(&name))
                })
                .flat_map(|a| a.0.to_le_bytes())
                .collect(),
            Kind::Window => match words(&reply).next().and_then(&window_of) {
                Some(w) => w.0.to_le_bytes().to_vec(),
                None => continue,
            },
        };
        let (Some(name), Some(type_)) = (name_atom, yonder_atom(conn, type_name)) else {
            continue;
        };
        conn.change_property(yw, name, type_, PropMode::Replace, data);
    }
}

/// The 32-bit items of a property reply (none for other formats).
fn words(reply: &xproto::GetPropertyReply) -> impl Iterator<Item = u32> + '_ {
    reply.value32().into_iter().flatten()
}

/// The Yonder atom named `name` on `conn` (predefined ones without asking).
pub fn yonder_atom(conn: &Connection, name: &str) -> Option<yonder_protocol::Atom> {
    match name {
        "WM_CLASS" => Some(atoms::WM_CLASS),
        "WM_TRANSIENT_FOR" => Some(atoms::WM_TRANSIENT_FOR),
        "STRING" => Some(atoms::STRING),
        "WINDOW" => Some(atoms::WINDOW),
        "ATOM" => Some(atoms::ATOM),
        "CARDINAL" => Some(atoms::CARDINAL),
        _ => conn.intern_atom(name, false).reply().ok().map(|r| r.atom),
    }
}
