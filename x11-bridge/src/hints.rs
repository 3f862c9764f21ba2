//! An X window's hints to its window manager, carried to its Yonder window, where the
//! display's window manager honours them (protocol.md §16.2, §16.7): ICCCM's size hints
//! and `WM_HINTS`, `WM_CLASS`, `WM_TRANSIENT_FOR` (the X parent's Yonder window), and
//! EWMH's window type, states and icon. The layouts are X's, so values are copied as
//! they are: 32-bit items become little-endian `u32`s, atoms are translated by name, a
//! window by its mirror. Copied when a window is first shown and again whenever the
//! program changes one.

use std::collections::HashMap;
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
/// The most atoms of a list carried over (a window's types or states).
const MAX_ATOMS: usize = 32;

/// The Yonder atoms a program's hints usually need: asked for when its connection opens
/// (off the loop, [`preload`]), so that showing its first windows costs no round trip.
const PRELOAD: &[&str] = &[
    "WM_NORMAL_HINTS",
    "WM_SIZE_HINTS",
    "WM_HINTS",
    "_NET_WM_WINDOW_TYPE",
    "_NET_WM_STATE",
    "_NET_WM_ICON",
    "_NET_WM_WINDOW_TYPE_NORMAL",
    "_NET_WM_WINDOW_TYPE_DIALOG",
    "_NET_WM_WINDOW_TYPE_UTILITY",
    "_NET_WM_WINDOW_TYPE_MENU",
    "_NET_WM_WINDOW_TYPE_POPUP_MENU",
    "_NET_WM_WINDOW_TYPE_DROPDOWN_MENU",
    "_NET_WM_WINDOW_TYPE_TOOLTIP",
    "_NET_WM_WINDOW_TYPE_COMBO",
    "_NET_WM_WINDOW_TYPE_NOTIFICATION",
    "_NET_WM_WINDOW_TYPE_SPLASH",
    "_NET_WM_WINDOW_TYPE_DOCK",
    "_NET_WM_WINDOW_TYPE_TOOLBAR",
    "_NET_WM_WINDOW_TYPE_DND",
    "_NET_WM_WINDOW_TYPE_DESKTOP",
    "_NET_WM_STATE_MAXIMIZED_HORZ",
    "_NET_WM_STATE_MAXIMIZED_VERT",
    "_NET_WM_STATE_FULLSCREEN",
    "_NET_WM_STATE_MODAL",
    "_NET_WM_STATE_ABOVE",
    "_NET_WM_STATE_BELOW",
    "_NET_WM_STATE_SKIP_TASKBAR",
    "_NET_WM_STATE_SKIP_PAGER",
    "_NET_WM_STATE_HIDDEN",
    "_NET_WM_STATE_STICKY",
    "_NET_WM_STATE_DEMANDS_ATTENTION",
    "_NET_WM_STATE_FOCUSED",
];

/// [`PRELOAD`]'s atoms on `conn` (one round trip, on the thread that opened it).
pub fn preload(conn: &Connection) -> Vec<(String, yonder_protocol::Atom)> {
    let cookies: Vec<_> = PRELOAD.iter().map(|n| conn.intern_atom(n, false)).collect();
    PRELOAD
        .iter()
        .zip(cookies)
        .filter_map(|(n, c)| Some((n.to_string(), c.reply().ok()?.atom)))
        .collect()
}

/// Atom translations kept, so that a hint costs no round trip once its names are known:
/// X atoms' names (one X server), and Yonder atoms by name for each program (its
/// connection's display; forgotten when it goes to another, whose numbers differ).
#[derive(Default)]
pub struct Names {
    x: HashMap<u32, String>,
    yonder: HashMap<(u32, String), yonder_protocol::Atom>,
}

impl Names {
    /// The name of X atom `atom`.
    pub fn x_name(&mut self, x: &RustConnection, atom: xproto::Atom) -> Option<String> {
        if let Some(n) = self.x.get(&atom) {
            return Some(n.clone());
        }
        let name = x.get_atom_name(atom).ok()?.reply().ok()?.name;
        let name = String::from_utf8_lossy(&name).into_owned();
        self.x.insert(atom, name.clone());
        Some(name)
    }

    /// The Yonder atoms named `names` on program `app`'s connection `conn`; those not
    /// known yet asked for together (one round trip).
    pub fn yonder(
        &mut self,
        app: u32,
        conn: &Connection,
        names: &[&str],
    ) -> Vec<Option<yonder_protocol::Atom>> {
        let cookies: Vec<_> = names
            .iter()
            .map(|n| {
                let known =
                    predefined(n).or_else(|| self.yonder.get(&(app, n.to_string())).copied());
                match known {
                    Some(a) => Ok(a),
                    None => Err(conn.intern_atom(n, false)),
                }
            })
            .collect();
        names
            .iter()
            .zip(cookies)
            .map(|(n, c)| match c {
                Ok(a) => Some(a),
                Err(cookie) => {
                    let a = cookie.reply().ok()?.atom;
                    self.yonder.insert((app, n.to_string()), a);
                    Some(a)
                }
            })
            .collect()
    }

    /// Takes program `app`'s atoms asked for when its connection opened ([`preload`]).
    pub fn seed(&mut self, app: u32, atoms: Vec<(String, yonder_protocol::Atom)>) {
        for (name, atom) in atoms {
            self.yonder.insert((app, name), atom);
        }
    }

    /// Forgets program `app`'s Yonder atoms (its display changed).
    pub fn forget(&mut self, app: u32) {
        self.yonder.retain(|(a, _), _| *a != app);
    }
}

/// The X atoms of the hints, in [`HINTS`]' order.
pub struct HintAtoms([xproto::Atom; HINTS.len()]);

impl HintAtoms {
    /// Interns the hints' names on the X server (one round trip).
    pub fn intern(x: &RustConnection) -> Result<HintAtoms, String> {
        let names = HINTS.map(|(name, _, _)| name);
        Ok(HintAtoms(crate::xatom::intern_all(x, names)?))
    }

    /// Whether `atom` is one of the hints.
    pub fn is_hint(&self, atom: xproto::Atom) -> bool {
        self.0.contains(&atom)
    }
}

/// Where hints go: program `app`'s connection and window.
pub struct Target<'a> {
    /// The program (its resource-id base).
    pub app: u32,
    /// Its connection.
    pub conn: &'a Connection,
    /// The Yonder window.
    pub window: WindowId,
}

/// Copies X window `xw`'s hints (all, or only `only`) to `to`. `window_of` gives an X
/// window's Yonder window.
pub fn copy(
    x: &RustConnection,
    atoms: &HintAtoms,
    names: &mut Names,
    xw: xproto::Window,
    to: Target,
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
        let [name_atom, type_atom] = names.yonder(to.app, to.conn, &[name, type_name])[..] else {
            continue;
        };
        if reply.type_ == u32::from(xproto::AtomEnum::NONE) {
            if let Some(a) = name_atom {
                to.conn.delete_property(to.window, a);
            }
            continue;
        }
        let data = match kind {
            Kind::Bytes => reply.value.clone(),
            Kind::Words => words(&reply).flat_map(u32::to_le_bytes).collect(),
            Kind::Atoms => {
                let listed: Vec<String> = words(&reply)
                    .take(MAX_ATOMS)
                    .filter_map(|a| names.x_name(x, a))
                    .collect();
                let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
                names
                    .yonder(to.app, to.conn, &listed)
                    .into_iter()
                    .flatten()
                    .flat_map(|a| a.0.to_le_bytes())
                    .collect()
            }
            Kind::Window => match words(&reply).next().and_then(&window_of) {
                Some(w) => w.0.to_le_bytes().to_vec(),
                None => continue,
            },
        };
        let (Some(name), Some(type_)) = (name_atom, type_atom) else {
            continue;
        };
        to.conn
            .change_property(to.window, name, type_, PropMode::Replace, data);
    }
}

/// The 32-bit items of a property reply (none for other formats).
fn words(reply: &xproto::GetPropertyReply) -> impl Iterator<Item = u32> + '_ {
    reply.value32().into_iter().flatten()
}

/// The Yonder atom of a predefined name (protocol.md §6.2), known without asking.
fn predefined(name: &str) -> Option<yonder_protocol::Atom> {
    match name {
        "WM_CLASS" => Some(atoms::WM_CLASS),
        "WM_TRANSIENT_FOR" => Some(atoms::WM_TRANSIENT_FOR),
        "STRING" => Some(atoms::STRING),
        "WINDOW" => Some(atoms::WINDOW),
        "ATOM" => Some(atoms::ATOM),
        "CARDINAL" => Some(atoms::CARDINAL),
        _ => None,
    }
}
