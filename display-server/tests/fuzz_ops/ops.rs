//! The op vocabulary of the `server_state` fuzz target: what happens at each step, and
//! the small pools that ids, atoms, coordinates and sizes are drawn from.

use super::request::Req;
use super::{space_of, CLIENTS, IDS_PER_CLIENT};
use arbitrary::{Arbitrary, Unstructured};
use yonder_protocol::{make_id, Atom, Point, Rect, WindowId};

/// One step. Most steps are requests (see the `Arbitrary` impl below).
#[derive(Debug)]
pub enum Op {
    /// A request from client slot `client`.
    Request {
        /// Which slot sends it (modulo [`CLIENTS`]; nothing happens if it is not connected).
        client: u8,
        /// The request.
        req: Req,
    },
    /// A well-formed frame with an unknown opcode.
    Unknown {
        /// Sender.
        client: u8,
        /// Opcode.
        opcode: u8,
    },
    /// The client's connection ends.
    Disconnect {
        /// Which.
        client: u8,
    },
    /// A client connects in a free slot (same id space as its predecessor).
    Reconnect {
        /// Which.
        client: u8,
    },
    /// The client's writer went away: its channel is closed but it is still connected.
    DropReceiver {
        /// Which.
        client: u8,
    },
    /// Input from the host's devices.
    Input(HostInput),
    /// The host window was resized.
    Resize {
        /// New width.
        width: u16,
        /// New height.
        height: u16,
    },
    /// The host's scale factor changed.
    Rescale(f64),
    /// The window manager's close alarm fired.
    Tick,
    /// Compose and show the damage.
    Present,
}

/// Weighted by hand: with every variant equally likely (the derive's way), nine steps in
/// ten would not be requests, and clients would rarely live long enough to build much.
impl<'a> Arbitrary<'a> for Op {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Op> {
        let client: u8 = u.arbitrary()?;
        Ok(match u.int_in_range(0u8..=63)? {
            0..=47 => Op::Request {
                client,
                req: u.arbitrary()?,
            },
            48..=51 => Op::Input(u.arbitrary()?),
            52..=54 => Op::Present,
            55 => Op::Unknown {
                client,
                opcode: u.arbitrary()?,
            },
            56 => Op::Disconnect { client },
            57 | 58 => Op::Reconnect { client },
            59 => Op::DropReceiver { client },
            60 => Op::Resize {
                width: u.arbitrary()?,
                height: u.arbitrary()?,
            },
            61 => Op::Rescale(u.arbitrary()?),
            _ => Op::Tick,
        })
    }
}

/// Input as the windowed screen would deliver it.
#[derive(Arbitrary, Debug)]
pub enum HostInput {
    /// Pointer to a position (mostly on screen).
    Motion(Coord, Coord),
    /// A button.
    Button(u8, bool),
    /// Precise scrolling.
    Scroll(f64, f64),
    /// A key.
    Key(Keysym, bool, bool),
}

/// A keysym: mostly the interesting ones.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Keysym {
    /// Escape (cancels drags).
    Escape,
    /// A letter.
    Letter(u8),
    /// Shift, Control, Alt (modifiers).
    Modifier(u8),
    /// Anything.
    Any(u32),
}

impl Keysym {
    pub(crate) fn value(self) -> u32 {
        match self {
            Keysym::Escape => yonder_protocol::keysym::ESCAPE,
            Keysym::Letter(b) => b'a' as u32 + (b % 26) as u32,
            Keysym::Modifier(b) => [0xFFE1, 0xFFE3, 0xFFE9, 0xFFEB, 0xFFE5][b as usize % 5],
            Keysym::Any(v) => v,
        }
    }
}

/// A coordinate: mostly small (on the 64×48 screen), sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Coord {
    /// -128..=127.
    Small(i8),
    /// Anything.
    Any(i32),
    /// i32::MIN or i32::MAX.
    Extreme(bool),
}

impl Coord {
    pub(crate) fn value(self) -> i32 {
        match self {
            Coord::Small(v) => v as i32,
            Coord::Any(v) => v,
            Coord::Extreme(max) => {
                if max {
                    i32::MAX
                } else {
                    i32::MIN
                }
            }
        }
    }
}

/// A size: mostly small, sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Dim {
    /// 0..=255.
    Small(u8),
    /// Anything.
    Any(u32),
}

impl Dim {
    pub(crate) fn value(self) -> u32 {
        match self {
            Dim::Small(v) => v as u32,
            Dim::Any(v) => v,
        }
    }
}

/// A point.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct P(pub Coord, pub Coord);

impl P {
    pub(crate) fn value(self) -> Point {
        Point::new(self.0.value(), self.1.value())
    }
}

/// A rectangle.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct R(pub Coord, pub Coord, pub Dim, pub Dim);

impl R {
    pub(crate) fn value(self) -> Rect {
        Rect::new(
            self.0.value(),
            self.1.value(),
            self.2.value(),
            self.3.value(),
        )
    }
}

/// A resource id from the pool.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Id {
    /// Number `n` of the sender's own space.
    Own(u8),
    /// Number `n` of another slot's space.
    Other(u8, u8),
    /// The root window.
    Root,
    /// NONE.
    None,
    /// Anything.
    Garbage(u64),
}

impl Id {
    pub(crate) fn raw(self, sender: usize) -> u64 {
        let n = |n: u8| 1 + n as u32 % IDS_PER_CLIENT;
        match self {
            Id::Own(k) => make_id(space_of(sender), n(k)),
            Id::Other(slot, k) => make_id(space_of(slot as usize % CLIENTS), n(k)),
            Id::Root => WindowId::ROOT.0,
            Id::None => 0,
            Id::Garbage(v) => v,
        }
    }
}

/// The name of an atom to intern: one the server acts on when a property or message
/// carries it (the window manager's hints, protocol.md §16.2 and §16.7), or anything.
#[derive(Arbitrary, Debug, Clone)]
pub enum AtomName {
    /// One of [`KNOWN_NAMES`].
    Known(u8),
    /// Anything.
    Any(String),
}

/// Names whose atoms change what the server does.
pub const KNOWN_NAMES: &[&str] = &[
    "_NET_WM_STATE",
    "_NET_WM_STATE_MAXIMIZED_HORZ",
    "_NET_WM_STATE_MAXIMIZED_VERT",
    "_NET_WM_STATE_FULLSCREEN",
    "_NET_WM_WINDOW_TYPE",
    "_NET_WM_WINDOW_TYPE_DIALOG",
    "_NET_WM_WINDOW_TYPE_DOCK",
    "_NET_WM_WINDOW_TYPE_SPLASH",
    "_NET_WM_WINDOW_TYPE_DESKTOP",
    "_NET_WM_ICON",
    "WM_NORMAL_HINTS",
    "WM_HINTS",
];

impl AtomName {
    pub(crate) fn value(self) -> String {
        match self {
            AtomName::Known(i) => KNOWN_NAMES[i as usize % KNOWN_NAMES.len()].to_string(),
            AtomName::Any(name) => name,
        }
    }
}

/// An atom: predefined, small or anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum AtomRef {
    /// One of the predefined atoms.
    Predefined(u8),
    /// 0..=40: predefined, interned by a client, or not yet.
    Small(u8),
    /// Anything.
    Any(u32),
}

impl AtomRef {
    pub(crate) fn value(self) -> Atom {
        match self {
            AtomRef::Predefined(i) => {
                Atom(1 + i as u32 % yonder_protocol::atoms::PREDEFINED.len() as u32)
            }
            AtomRef::Small(v) => Atom(v as u32 % 41),
            AtomRef::Any(v) => Atom(v),
        }
    }
}
