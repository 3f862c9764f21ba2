//! The one table of requests: for each, its opcode, name, reply and the flags the server
//! and the library need. Every other list of requests is derived from it: the [`Request`]
//! and [`Reply`] enums and their serde tags, [`Request::has_reply`], each struct's
//! [`RequestInfo`] (which ties a request to its reply type, as x11rb's `ReplyRequest`
//! does), the server's per-opcode tables ([`DEFERRABLE`]) and the fast codec's opcodes.
//!
//! protocol.md's Appendix B prints the same table; `tests/descriptor.rs` fails when the
//! two disagree. Adding a request starts with a row here.

use crate::reply::*;
use crate::request::*;

/// What the protocol says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Descriptor {
    /// Its opcode, the first element of its frame (`[opcode, body]`).
    pub opcode: u8,
    /// Its name, which is also its struct's and its [`Request`] variant's.
    pub name: &'static str,
    /// Its reply's [`Reply`] variant (tagged with the request's opcode), or `None` for a
    /// request that only an error can answer.
    pub reply: Option<&'static str>,
    /// The minor version (of major 1) that added it: a client sends it only to a server
    /// of that minor version or a later one (protocol.md §5.3).
    pub since_minor: u16,
    /// Its decoded form owns heap memory (a list of items, pixels, text), so a server may
    /// leave the decoding to the thread that applies it: see [`DEFERRABLE`].
    pub deferrable: bool,
    /// The plain form of its body is decoded by hand (the private `fast_decode`).
    pub fast_decode: bool,
    /// [`crate::fast_encode`] writes it by hand (for ChangeGc: when it carries no values).
    pub fast_encode: bool,
}

impl Descriptor {
    /// Whether the server answers the request with a reply.
    pub const fn has_reply(&self) -> bool {
        self.reply.is_some()
    }
}

/// A flag of a row of the table (see the [`Descriptor`] field of the same name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// [`Descriptor::deferrable`].
    Deferrable,
    /// [`Descriptor::fast_decode`].
    FastDecode,
    /// [`Descriptor::fast_encode`].
    FastEncode,
}

impl Flag {
    /// Whether `flags` holds this flag (a `const fn`, for the table's rows).
    pub const fn is_in(self, flags: &[Flag]) -> bool {
        let mut i = 0;
        while i < flags.len() {
            if flags[i] as u8 == self as u8 {
                return true;
            }
            i += 1;
        }
        false
    }
}

/// A request struct: its row of the table and, at the type level, its reply.
///
/// `Reply` is the reply's struct (which implements [`ReplyType`]), or [`NoReply`]: so a
/// library method can return a cookie typed by the request, `Cookie<Q::Reply>`.
pub trait RequestInfo: Into<Request> {
    /// Its row of [`REQUESTS`].
    const DESCRIPTOR: Descriptor;
    /// Its opcode.
    const OPCODE: u8 = Self::DESCRIPTOR.opcode;
    /// Its name.
    const NAME: &'static str = Self::DESCRIPTOR.name;
    /// Whether the server answers it with a reply.
    const HAS_REPLY: bool = Self::DESCRIPTOR.has_reply();
    /// The struct of its reply, or [`NoReply`].
    type Reply;
}

/// The `Reply` of a request that has none: only an error can answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReply {}

/// A typed reply: the payload of one [`Reply`] variant (or [`Reply`] itself, for any).
pub trait ReplyType: Sized {
    /// Takes the payload out of the right variant; gives the reply back if it is another.
    fn from_reply(reply: Reply) -> Result<Self, Reply>;
}

impl ReplyType for Reply {
    fn from_reply(reply: Reply) -> Result<Reply, Reply> {
        Ok(reply)
    }
}

requests! {
    /// Every request, tagged with its opcode. The server's dispatcher has one `match` on it.
    pub enum Request;
    /// Every reply, tagged with the opcode of its request.
    pub enum Reply;
    /// Every request's row, by opcode (ascending, each opcode once).
    pub const REQUESTS;

    1 => CreateWindow,
    2 => ChangeWindowAttributes,
    3 => GetWindowAttributes -> WindowAttributes(WindowAttributesReply),
    4 => DestroyWindow,
    5 => MapWindow,
    6 => UnmapWindow,
    7 => ConfigureWindow,
    8 => ReparentWindow,
    9 => GetGeometry -> Geometry(GeometryReply),
    10 => QueryTree -> QueryTree(QueryTreeReply),
    11 => InternAtom -> InternAtom(InternAtomReply),
    12 => GetAtomName -> AtomName(AtomNameReply),
    13 => ChangeProperty,
    14 => DeleteProperty,
    15 => GetProperty -> Property(PropertyReply),
    16 => ListProperties -> ListProperties(ListPropertiesReply),
    17 => SendEvent,
    18 => SetInputFocus,
    19 => GetInputFocus -> InputFocus(InputFocusReply),
    20 => QueryPointer -> QueryPointer(QueryPointerReply),
    21 => FakeInput,
    22 => Sync -> Sync(SyncReply) [FastDecode],
    23 => ListClients -> ListClients(ListClientsReply),
    24 => SetCloseDownMode since 5,
    25 => GrantMove -> MoveToken(MoveTokenReply) since 6,
    26 => MoveClient since 6,
    27 => MoveDone since 6,
    28 => NoOperation [FastEncode] since 9,
    30 => CreatePixmap,
    31 => FreePixmap,
    32 => CreateGc,
    33 => ChangeGc [FastDecode, FastEncode],
    34 => SetClipRectangles,
    35 => FreeGc,
    40 => ClearArea,
    41 => CopyArea [FastDecode, FastEncode],
    42 => PolyPoint [Deferrable, FastDecode, FastEncode],
    43 => PolyLine [Deferrable, FastDecode, FastEncode],
    44 => PolySegment [Deferrable, FastDecode, FastEncode],
    45 => PolyRectangle [Deferrable, FastDecode, FastEncode],
    46 => PolyFillRectangle [Deferrable, FastDecode, FastEncode],
    47 => PolyArc [Deferrable, FastDecode, FastEncode],
    48 => PolyFillArc [Deferrable, FastDecode, FastEncode],
    49 => FillPoly [Deferrable, FastDecode, FastEncode],
    50 => PutImage [Deferrable, FastDecode, FastEncode],
    51 => GetImage -> Image(ImageReply),
    52 => DrawText [Deferrable],
    53 => QueryTextExtents -> TextExtents(TextExtentsReply),
    54 => QueryTextExtentsBatch -> TextExtentsBatch(TextExtentsBatchReply) since 8,
    60 => SetSelectionOwner since 2,
    61 => GetSelectionOwner -> SelectionOwner(SelectionOwnerReply) since 2,
    62 => ConvertSelection since 2,
    63 => SendSelectionData since 2,
    64 => StartDrag since 2,
    65 => DndStatus since 2,
    66 => DndFinish since 2,
    67 => ChangeSaveSet since 2,
    70 => ShmAttach since 3,
    71 => ShmDetach since 3,
    72 => ShmPutImage [FastDecode, FastEncode] since 3,
}

/// A check at compile time: the rows are in ascending order of opcode, each opcode once.
const _: () = {
    let mut i = 1;
    while i < REQUESTS.len() {
        assert!(REQUESTS[i - 1].opcode < REQUESTS[i].opcode);
        i += 1;
    }
};

/// Each opcode's row, or `None` for an unknown opcode: one load per lookup.
const BY_OPCODE: [Option<&Descriptor>; 256] = {
    let mut t = [None; 256];
    let mut i = 0;
    while i < REQUESTS.len() {
        t[REQUESTS[i].opcode as usize] = Some(&REQUESTS[i]);
        i += 1;
    }
    t
};

/// The row of `opcode`, if a request has that opcode.
pub const fn descriptor(opcode: u8) -> Option<&'static Descriptor> {
    BY_OPCODE[opcode as usize]
}

/// [`Descriptor::deferrable`] by opcode (false for unknown opcodes): for a server's
/// reader, which asks it of every frame, one load.
pub const DEFERRABLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < REQUESTS.len() {
        t[REQUESTS[i].opcode as usize] = REQUESTS[i].deferrable;
        i += 1;
    }
    t
};

/// [`Descriptor::since_minor`] by opcode (0 for unknown opcodes, which are refused
/// anyway): a server checks each request against its client's version with one load.
pub const SINCE_MINOR: [u16; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < REQUESTS.len() {
        t[REQUESTS[i].opcode as usize] = REQUESTS[i].since_minor;
        i += 1;
    }
    t
};

impl Request {
    /// This request as a server of version 1.`minor` takes it: the GcValues of CreateGc
    /// and ChangeGc without the fields of later versions ([`GcValues::for_minor`]), a
    /// PutImage's `Rgbx` pixels before 1.12 as the `Rgba` of the same picture
    /// ([`PutImage::for_minor`]); None when nothing changes (every other request).
    pub fn for_minor(&self, minor: u16) -> Option<Request> {
        use Request as R;
        match self {
            R::CreateGc(r) => r.values.for_minor(minor).map(|values| {
                R::CreateGc(CreateGc {
                    values,
                    ..r.clone()
                })
            }),
            R::ChangeGc(r) => r.values.for_minor(minor).map(|values| {
                R::ChangeGc(ChangeGc {
                    values,
                    ..r.clone()
                })
            }),
            R::PutImage(r) => r.for_minor(minor).map(R::PutImage),
            _ => None,
        }
    }

    /// Whether a request of `opcode` may hold fields of a later version than some
    /// server's (see [`Request::for_minor`]): the others need no look.
    pub fn may_hold_later_fields(opcode: u8) -> bool {
        opcode == CreateGc::OPCODE || opcode == ChangeGc::OPCODE || opcode == PutImage::OPCODE
    }
}
