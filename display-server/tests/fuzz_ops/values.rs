//! The values inside fuzzed requests: image data, window attributes, GC values, events
//! for SendEvent and shared-memory sizes, each drawn from bytes and turned into protocol
//! values, with small pools where a good choice matters (valid images, real memfds).

use super::ops::*;
use arbitrary::Arbitrary;
use yonder_protocol::event::{
    ClientMessage, DestroyEvent, DndDropEvent, ExposeEvent, FocusEvent, KeyEvent,
    SelectionRequestEvent,
};
use yonder_protocol::geometry::Arc as ArcGeom;
use yonder_protocol::request::{self as rq, Cursor};
use yonder_protocol::{Color, Event, EventMask, ModMask, Point, Rect, Timestamp, WindowId};

/// Image data for PutImage.
#[derive(Arbitrary, Debug)]
pub enum ImageData {
    /// Raw pixels of exactly the right length for the request's size (capped).
    Exact(u8),
    /// A valid PNG of the given size (1..=16 each side).
    Png(u8, u8),
    /// A valid JPEG of the given size (1..=16 each side).
    Jpeg(u8, u8),
    /// A valid QOI image of the request's size (capped at 64×64), RGB or RGBA.
    Qoi(bool),
    /// Any bytes.
    Bytes(Vec<u8>),
}

/// Window attributes.
#[derive(Arbitrary, Debug, Default)]
pub struct Attrs {
    pub background: Option<u32>,
    pub event_mask: Option<u32>,
    pub override_redirect: Option<bool>,
    pub cursor: Option<u8>,
}

impl Attrs {
    pub(crate) fn value(self) -> rq::WindowAttributes {
        rq::WindowAttributes {
            background: self.background.map(Color),
            event_mask: self.event_mask.map(mask),
            override_redirect: self.override_redirect,
            cursor: self.cursor.map(cursor),
        }
    }
}

/// An event mask from fuzzed bits: most of the time only bits the protocol defines (so
/// selection and delivery are exercised), one time in 16 the bits as they come (so the
/// Value error of reserved bits is too).
pub(crate) fn mask(bits: u32) -> EventMask {
    match bits & 0xf {
        0 => EventMask(bits),
        _ => EventMask(bits & EventMask::defined_in(yonder_protocol::PROTOCOL_MINOR).0),
    }
}

pub(crate) fn cursor(v: u8) -> Cursor {
    use Cursor::*;
    const ALL: [Cursor; 19] = [
        Inherit, Default, Pointer, Text, Crosshair, Move, Wait, Progress, NotAllowed, Help, Grab,
        Grabbing, EwResize, NsResize, NwseResize, NeswResize, Copy, Alias, Hidden,
    ];
    ALL[v as usize % ALL.len()]
}

/// GC values.
#[derive(Arbitrary, Debug)]
pub struct GcVals {
    pub foreground: Option<u32>,
    pub background: Option<u32>,
    pub line_width: Option<Dim>,
    pub antialias: Option<bool>,
    pub font_size: Option<f32>,
    pub op: Option<u8>,
    pub fill_rule: Option<bool>,
    pub arc_mode: Option<bool>,
    pub cap_style: Option<u8>,
    pub join_style: Option<u8>,
    /// Any number: faces the server lacks must be Value errors.
    pub font_face: Option<u8>,
    pub text_antialias: Option<bool>,
}

impl GcVals {
    pub(crate) fn value(self) -> rq::GcValues {
        use rq::CompositeOp as O;
        const OPS: [O; 7] = [
            O::Over,
            O::Source,
            O::Clear,
            O::Xor,
            O::Add,
            O::Multiply,
            O::Screen,
        ];
        use rq::{ArcMode, CapStyle, FillRule, JoinStyle};
        rq::GcValues {
            foreground: self.foreground.map(Color),
            background: self.background.map(Color),
            line_width: self.line_width.map(Dim::value),
            antialias: self.antialias,
            text_antialias: self.text_antialias,
            font_size: self.font_size,
            op: self.op.map(|o| OPS[o as usize % OPS.len()]),
            fill_rule: self.fill_rule.map(|w| {
                if w {
                    FillRule::Winding
                } else {
                    FillRule::EvenOdd
                }
            }),
            arc_mode: self
                .arc_mode
                .map(|c| if c { ArcMode::Chord } else { ArcMode::PieSlice }),
            cap_style: self
                .cap_style
                .map(|c| [CapStyle::Butt, CapStyle::Round, CapStyle::Square][c as usize % 3]),
            join_style: self
                .join_style
                .map(|j| [JoinStyle::Miter, JoinStyle::Round, JoinStyle::Bevel][j as usize % 3]),
            font_face: self.font_face,
        }
    }
}

/// An event for SendEvent.
#[derive(Arbitrary, Debug)]
pub enum Ev {
    /// A client message (data may exceed the limit).
    ClientMessage(Id, AtomRef, Vec<u8>, Option<u16>),
    /// A key press.
    Key(Id, Keysym, String),
    /// An expose.
    Expose(Id, R),
    /// A destroy notification.
    Destroy(Id, Id),
    /// Focus in.
    FocusIn(Id),
    /// A selection request.
    SelectionRequest(Id, u64, Id, AtomRef, AtomRef),
    /// A drop.
    DndDrop(Id, Coord, Coord),
}

impl Ev {
    pub(crate) fn value(self, s: usize) -> Event {
        let w = |i: Id| WindowId(i.raw(s));
        match self {
            Ev::ClientMessage(win, type_, mut data, pad) => {
                // Sometimes exceed the 4096-byte limit without needing that many input bytes.
                if let Some(n) = pad {
                    data.resize(n as usize, 0);
                }
                Event::ClientMessage(ClientMessage {
                    window: w(win),
                    type_: type_.value(),
                    data,
                })
            }
            Ev::Key(win, k, text) => Event::KeyPress(KeyEvent {
                window: w(win),
                time: Timestamp(0),
                x: 0,
                y: 0,
                root_x: 0,
                root_y: 0,
                keysym: k.value(),
                text,
                modifiers: ModMask::EMPTY,
                repeat: false,
            }),
            Ev::Expose(win, r) => Event::Expose(ExposeEvent {
                window: w(win),
                rect: r.value(),
                count: 0,
            }),
            Ev::Destroy(e, win) => Event::Destroy(DestroyEvent {
                event: w(e),
                window: w(win),
            }),
            Ev::FocusIn(win) => Event::FocusIn(FocusEvent { window: w(win) }),
            Ev::SelectionRequest(owner, transfer, requestor, selection, target) => {
                Event::SelectionRequest(SelectionRequestEvent {
                    owner: w(owner),
                    transfer,
                    requestor: w(requestor),
                    selection: selection.value(),
                    target: target.value(),
                })
            }
            Ev::DndDrop(target, x, y) => Event::DndDrop(DndDropEvent {
                target: w(target),
                x: x.value(),
                y: y.value(),
                action: rq::DndAction::Copy,
                time: Timestamp(0),
            }),
        }
    }
}

/// A size or offset in a shared-memory segment: mostly near the small segments' sizes.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ShmSize {
    /// 0..=65535.
    Small(u16),
    /// Anything.
    Any(u64),
}

impl ShmSize {
    pub(crate) fn value(self) -> u64 {
        match self {
            ShmSize::Small(v) => v as u64,
            ShmSize::Any(v) => v,
        }
    }
}

/// What comes with a ShmAttach frame.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ShmFd {
    /// No descriptor.
    None,
    /// A memfd of this length, sealed against shrinking (what the server wants).
    Sealed(u16),
    /// A memfd of this length without seals.
    Unsealed(u16),
}

impl ShmFd {
    pub(crate) fn open(self) -> Option<std::os::fd::OwnedFd> {
        use rustix::fs::{MemfdFlags, SealFlags};
        let (len, seal) = match self {
            ShmFd::None => return None,
            ShmFd::Sealed(len) => (len, true),
            ShmFd::Unsealed(len) => (len, false),
        };
        let flags = MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING;
        let fd = rustix::fs::memfd_create("fuzz", flags).expect("memfd");
        rustix::fs::ftruncate(&fd, len as u64).expect("ftruncate");
        rustix::io::pwrite(&fd, &vec![0x5a; len as usize], 0).expect("pwrite");
        if seal {
            rustix::fs::fcntl_add_seals(&fd, SealFlags::SHRINK).expect("seal");
        }
        Some(fd)
    }
}

/// Segment numbers come from a small pool (0 is invalid).
pub(crate) fn segment(v: u8) -> yonder_protocol::ShmSegment {
    yonder_protocol::ShmSegment(v as u32 % 5)
}

pub(crate) fn image_format(v: u8) -> rq::ImageFormat {
    use rq::ImageFormat as F;
    [F::Bgrx, F::Rgba, F::Png, F::Jpeg, F::Qoi, F::Rgbx][v as usize % 6]
}

pub(crate) fn dnd_action(v: u8) -> rq::DndAction {
    use rq::DndAction as A;
    [A::None, A::Copy, A::Move, A::Link][v as usize % 4]
}

pub(crate) fn arcs(v: Vec<(R, Coord, Coord)>) -> Vec<ArcGeom> {
    v.into_iter()
        .map(|(r, a1, a2)| {
            let r = r.value();
            ArcGeom {
                x: r.x,
                y: r.y,
                width: r.width,
                height: r.height,
                angle1: a1.value(),
                angle2: a2.value(),
            }
        })
        .collect()
}

pub(crate) fn points(v: Vec<P>) -> Vec<Point> {
    v.into_iter().map(P::value).collect()
}

pub(crate) fn rects(v: Vec<R>) -> Vec<Rect> {
    v.into_iter().map(R::value).collect()
}

/// A small encoded image of `w`×`h` (1..=16) in `format`.
pub(crate) fn encoded_image(w: u8, h: u8, format: image::ImageFormat) -> Vec<u8> {
    let (w, h) = (1 + w as u32 % 16, 1 + h as u32 % 16);
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8 * 16, y as u8 * 16, 99]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}
