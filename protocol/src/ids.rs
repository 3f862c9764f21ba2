//! Newtypes for everything that is a number on the wire but must not be mixed up:
//! resource ids, atoms, sequence numbers, timestamps, client ids and bit masks.
//!
//! Resource ids are 64-bit and chosen by the *client*, so it can create and draw into its
//! first window before the setup reply arrives (and keep its ids when it moves to another
//! server). An id is `space << 32 | n`: `space` is the client's id space, a random nonzero
//! 32-bit number it proposes in its hello, and `n` (nonzero) counts up. Windows, pixmaps
//! and graphics contexts share one id space per client; space 0 is the server's own (the
//! root window). Atoms are server-assigned 32-bit numbers with their own namespace.
//!
//! **Relative ids** (protocol 1.10, protocol.md §6.1): in a request, an id of the sender's
//! own space may be written as the negative integer −n (1 to 5 bytes instead of 9, 9
//! past 2³¹). Which space is "own" is not in the message: the codec takes it from the
//! thread that encodes or decodes, set for the duration of one call by
//! [`encode_relative_to`] (the client library, writing a request to a 1.10 display) and
//! [`decode_relative_to`] (the server, reading a client's request). Outside those calls ids are written in full and a
//! negative id does not decode. Why a thread-local and not a parameter: the ids sit
//! anywhere in the serde-derived request types, and threading a context through serde
//! would mean a hand-written `DeserializeSeed` for each of them.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident($int:ty)) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $int);

        impl $name {
            /// The "no such thing" value, 0 on the wire.
            pub const NONE: $name = $name(0);
            /// Whether this is the NONE value.
            pub fn is_none(self) -> bool { self.0 == 0 }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:#x}", self.0)
            }
        }
    };
}

/// [`id_type!`] for the 64-bit resource ids, whose serde form may be relative (see the
/// module's note).
macro_rules! resource_id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub u64);

        impl $name {
            /// The "no such thing" value, 0 on the wire.
            pub const NONE: $name = $name(0);
            /// Whether this is the NONE value.
            pub fn is_none(self) -> bool { self.0 == 0 }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match relative(self.0) {
                    Some(n) => s.serialize_i64(-(n as i64)),
                    None => s.serialize_u64(self.0),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_u64(IdVisitor).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:#x}", self.0)
            }
        }
    };
}

resource_id_type!(
    /// A window. The root window of screen 0 is [`WindowId::ROOT`].
    WindowId
);
resource_id_type!(
    /// An offscreen drawable.
    PixmapId
);
resource_id_type!(
    /// A graphics context: the drawing state (color, line width, clip...) used by draw requests.
    GcId
);
resource_id_type!(
    /// A window or a pixmap: anything that can be drawn into.
    Drawable
);
id_type!(
    /// An interned string, used for property names, types and message types.
    Atom(u32)
);
id_type!(
    /// A connected client, as numbered by the server (for display and administration).
    ClientId(u32)
);
id_type!(
    /// A shared-memory segment (version 1.3, the `SHM` extension): a number the client
    /// chooses in ShmAttach, private to its connection (no two clients' segments meet).
    ShmSegment(u32)
);

impl WindowId {
    /// The root window of the (single) screen; server-owned, never destroyed.
    pub const ROOT: WindowId = WindowId(1);
}

impl From<WindowId> for Drawable {
    fn from(w: WindowId) -> Drawable {
        Drawable(w.0)
    }
}

impl From<PixmapId> for Drawable {
    fn from(p: PixmapId) -> Drawable {
        Drawable(p.0)
    }
}

/// A resource id is `space << ID_SPACE_SHIFT | n`.
pub const ID_SPACE_SHIFT: u32 = 32;

/// The id space (owner) of the resource with this raw id; 0 is the server itself.
pub fn id_space_of(raw_id: u64) -> u32 {
    (raw_id >> ID_SPACE_SHIFT) as u32
}

/// The resource id number `n` in id space `space`.
pub fn make_id(space: u32, n: u32) -> u64 {
    (space as u64) << ID_SPACE_SHIFT | n as u64
}

thread_local! {
    /// The own id space of the request being encoded on this thread (0: none, ids in
    /// full): see the module's note.
    static ENCODING_FOR: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// The own id space of the request being decoded on this thread (0: none, a
    /// relative id does not decode).
    static DECODING_FOR: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Puts back a thread-local's value when dropped (also when `f` panics).
struct Restore(&'static std::thread::LocalKey<std::cell::Cell<u32>>, u32);

impl Drop for Restore {
    #[inline(always)]
    fn drop(&mut self) {
        self.0.with(|c| c.set(self.1));
    }
}

/// Inlined into each caller: it wraps every request the library sends, where a call
/// and its frame cost a NoOperation a third of its instructions.
#[inline(always)]
fn with_space<R>(
    key: &'static std::thread::LocalKey<std::cell::Cell<u32>>,
    space: u32,
    f: impl FnOnce() -> R,
) -> R {
    let _restore = Restore(key, key.with(|c| c.replace(space)));
    f()
}

/// Runs `f` (which encodes requests for a 1.10 display) writing the ids of id space
/// `space` relative, as −n (§6.1), and the poly requests' items packed where shorter
/// (`packed`, §8.2); `space` 0 writes every id in full and every list as an array.
#[inline(always)]
pub fn encode_relative_to<R>(space: u32, f: impl FnOnce() -> R) -> R {
    with_space(&ENCODING_FOR, space, f)
}

/// Runs `f` (which decodes requests) reading a relative id −n as `n` in id space
/// `space` (protocol 1.10, §6.1); `space` 0 refuses relative ids.
#[inline(always)]
pub fn decode_relative_to<R>(space: u32, f: impl FnOnce() -> R) -> R {
    with_space(&DECODING_FOR, space, f)
}

/// The id space requests are being encoded for on this thread, for a 1.10 display (0:
/// ids in full and items in arrays, for a display of any version): a frame just encoded
/// is decoded again in it (the library's atom renumbering).
pub fn encoding_space() -> u32 {
    ENCODING_FOR.with(|c| c.get())
}

/// `n` when `raw` is to be written relative: an id of the space being encoded for, with
/// a nonzero number.
#[inline(always)]
pub fn relative(raw: u64) -> Option<u32> {
    let space = ENCODING_FOR.with(|c| c.get());
    (space != 0 && id_space_of(raw) == space && raw as u32 != 0).then_some(raw as u32)
}

/// The full id that the relative id −`n` names where requests are decoded now; None
/// outside [`decode_relative_to`], or when `n` is 0 or past 32 bits.
#[inline(always)]
pub fn resolve_relative(n: u64) -> Option<u64> {
    let space = DECODING_FOR.with(|c| c.get());
    let n = u32::try_from(n).ok().filter(|n| *n != 0)?;
    (space != 0).then(|| make_id(space, n))
}

/// Reads an id: a `u64`, or a negative integer where relative ids apply.
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a resource id: a u64, or -n for the sender's own id n (1.10)")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
        if v >= 0 {
            return Ok(v as u64);
        }
        resolve_relative(v.unsigned_abs()).ok_or_else(|| {
            E::custom(format!(
                "relative id {v}: only a request's ids may be relative, and only -1 to -{}",
                u32::MAX
            ))
        })
    }
}

/// A request's sequence number: the n-th request a client sent after its hello is number n
/// (starting at 1). Neither side sends it with requests; both count.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Seq(pub u64);

/// Server time in milliseconds since the server started (wraps after ~49 days).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub u32);

macro_rules! mask_type {
    ($(#[$m:meta])* $name:ident($int:ty) { $( $(#[$cm:meta])* $c:ident = $v:expr; )* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $int);

        impl $name {
            $( $(#[$cm])* pub const $c: $name = $name($v); )*
            /// No bit set.
            pub const EMPTY: $name = $name(0);
            /// Whether every bit of `other` is set in `self`.
            pub fn contains(self, other: $name) -> bool { self.0 & other.0 == other.0 }
            /// Whether any bit of `other` is set in `self`.
            pub fn intersects(self, other: $name) -> bool { self.0 & other.0 != 0 }
            /// Whether no bit is set.
            pub fn is_empty(self) -> bool { self.0 == 0 }
        }

        impl std::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, o: $name) -> $name { $name(self.0 | o.0) }
        }
        impl std::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, o: $name) { self.0 |= o.0 }
        }
        impl std::ops::BitAnd for $name {
            type Output = $name;
            fn bitand(self, o: $name) -> $name { $name(self.0 & o.0) }
        }
        impl std::ops::Not for $name {
            type Output = $name;
            fn not(self) -> $name { $name(!self.0) }
        }
    };
}

mask_type!(
    /// Which events a client wants from a window (X11's event-mask bits, same values).
    EventMask(u32) {
        /// Key press events.
        KEY_PRESS = 1 << 0;
        /// Key release events.
        KEY_RELEASE = 1 << 1;
        /// Button press (and wheel) events.
        BUTTON_PRESS = 1 << 2;
        /// Button release events.
        BUTTON_RELEASE = 1 << 3;
        /// Pointer entering the window.
        ENTER_WINDOW = 1 << 4;
        /// Pointer leaving the window.
        LEAVE_WINDOW = 1 << 5;
        /// Pointer motion.
        POINTER_MOTION = 1 << 6;
        /// Exposure (content must be redrawn).
        EXPOSURE = 1 << 15;
        /// Configure, map, unmap and destroy of the window itself.
        STRUCTURE_NOTIFY = 1 << 17;
        /// Configure, map, unmap and destroy of the window's children.
        SUBSTRUCTURE_NOTIFY = 1 << 19;
        /// Focus in and out.
        FOCUS_CHANGE = 1 << 21;
        /// Property changes.
        PROPERTY_CHANGE = 1 << 22;
        /// Precise scroll events (Yonder's own bit; X has none).
        SCROLL = 1 << 25;
        /// Selection owner changes (select on the root).
        OWNER_CHANGE = 1 << 26;
        /// Drag-and-drop events: the window accepts drops (like XdndAware).
        DND = 1 << 27;
    }
);

mask_type!(
    /// Modifier keys and pointer buttons held during an input event (X11's values).
    ModMask(u16) {
        /// Shift.
        SHIFT = 1 << 0;
        /// Caps Lock.
        LOCK = 1 << 1;
        /// Control.
        CONTROL = 1 << 2;
        /// Alt.
        MOD1 = 1 << 3;
        /// Num Lock.
        MOD2 = 1 << 4;
        /// Super / logo key.
        MOD4 = 1 << 6;
        /// Pointer button 1 (left).
        BUTTON1 = 1 << 8;
        /// Pointer button 2 (middle).
        BUTTON2 = 1 << 9;
        /// Pointer button 3 (right).
        BUTTON3 = 1 << 10;
        /// Pointer button 4 (wheel up).
        BUTTON4 = 1 << 11;
        /// Pointer button 5 (wheel down).
        BUTTON5 = 1 << 12;
    }
);

impl EventMask {
    /// The bits version 1.`minor` defines (protocol.md §8.3): the others are reserved and
    /// a server answers a mask with any of them by a Value error.
    pub const fn defined_in(minor: u16) -> EventMask {
        let base = EventMask::KEY_PRESS.0
            | EventMask::KEY_RELEASE.0
            | EventMask::BUTTON_PRESS.0
            | EventMask::BUTTON_RELEASE.0
            | EventMask::ENTER_WINDOW.0
            | EventMask::LEAVE_WINDOW.0
            | EventMask::POINTER_MOTION.0
            | EventMask::EXPOSURE.0
            | EventMask::STRUCTURE_NOTIFY.0
            | EventMask::SUBSTRUCTURE_NOTIFY.0
            | EventMask::FOCUS_CHANGE.0
            | EventMask::PROPERTY_CHANGE.0;
        let v1_1 = if minor >= 1 { EventMask::SCROLL.0 } else { 0 };
        let v1_2 = if minor >= 2 {
            EventMask::OWNER_CHANGE.0 | EventMask::DND.0
        } else {
            0
        };
        EventMask(base | v1_1 | v1_2)
    }
}

impl ModMask {
    /// The mask bit of pointer button `b` (1..=5), or empty for other buttons.
    pub fn button(b: u8) -> ModMask {
        if (1..=5).contains(&b) {
            ModMask(1 << (7 + b as u16))
        } else {
            ModMask::EMPTY
        }
    }
}
