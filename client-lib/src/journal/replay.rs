//! The replay ([`Replay`]): the journal as the requests that recreate it on a fresh
//! server, encoded, in dependency order:
//!
//! 1. the replay's own GC (op Source, for checkpoint images), every pixmap and every GC
//!    (freed ones a log still uses too), all created on the root;
//! 2. the pixmaps' contents: every log merged in the order of the original sequence
//!    numbers, each base image (a PutImage per band) at its checkpoint's place, so a
//!    copy between pixmaps reads its source as it was;
//! 3. the GCs set back to their current state, the freed ones and the replay's freed;
//! 4. the windows, each tree from its top, parents before children, siblings bottom to
//!    top, with their current geometry and attributes (so no ConfigureWindow or
//!    ReparentWindow is needed);
//! 5. properties; the attributes we set on other clients' windows; the save-set;
//! 6. map state, children before their parents (one Expose pass per tree);
//! 7. selection ownership, with time 0 (now: the old server's times mean nothing).
//!
//! The replay sends what the app made and nothing else: a server that refuses part of
//! it (another client's window gone, a quota) answers those requests with errors.

use super::Journal;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::request::{
    ChangeSaveSet, ChangeWindowAttributes, CompositeOp, CreateGc, CreatePixmap, CreateWindow,
    FreeGc, GcValues, ImageFormat, MapWindow, PutImage, SetSelectionOwner,
};
use yonder_protocol::{Drawable, GcId, PixmapId, Point, Request, Seq, Timestamp, WindowId};

/// The requests that recreate an app's journaled server-side state on a fresh server,
/// encoded as frames back to back, ready to be written after a hello that proposes the
/// same id space. Made by [`Connection::journal_replay`](crate::Connection::journal_replay).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    /// The server's minor version: GC values of later versions are left out.
    minor: u16,
    frames: Vec<u8>,
    requests: u64,
    windows: Vec<WindowId>,
    pixmaps: Vec<PixmapId>,
    gcs: Vec<GcId>,
}

impl Replay {
    /// The encoded request frames, back to back.
    pub fn frames(&self) -> &[u8] {
        &self.frames
    }

    /// How many requests the frames hold (the sequence numbers they use up).
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The windows it creates, in creation order.
    pub fn windows(&self) -> &[WindowId] {
        &self.windows
    }

    /// The pixmaps it creates.
    pub fn pixmaps(&self) -> &[PixmapId] {
        &self.pixmaps
    }

    /// The live GCs it creates.
    pub fn gcs(&self) -> &[GcId] {
        &self.gcs
    }

    fn push(&mut self, request: &Request) {
        // A GC's text face is of 1.7 and its text antialiasing of 1.11: an older server
        // finds the GcValues' later fields malformed (protocol.md §5.3), and draws with
        // their defaults anyway.
        let plain = request.for_minor(self.minor);
        let request = plain.as_ref().unwrap_or(request);
        encode_request_frame(request, &mut self.frames);
        self.requests += 1;
    }

    fn push_frame(&mut self, frame: &[u8]) {
        // A GC snapshot in a pixmap's log holds every value: those of a later version
        // than the server's are left out, as in `push`.
        if let Some(plain) = super::frame_for_minor(frame, self.minor) {
            self.push(&plain);
            return;
        }
        self.frames.extend_from_slice(frame);
        self.requests += 1;
    }
}

/// Which parts of the state a replay recreates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Parts {
    /// Everything (a new session of the same display, protocol.md §5.4).
    All,
    /// All but steps 6 and 7: the windows stay unmapped and no selection is taken (a
    /// move's pre-copy, §5.5; the switch sends [`appearance`] later).
    Hidden,
}

/// The replay of `j` (see the module doc).
pub(super) fn build(j: &Journal, images: Images, parts: Parts, minor: u16) -> Replay {
    let mut out = Replay {
        minor,
        ..Replay::default()
    };
    let root = Drawable(WindowId::ROOT.0);
    let pixmaps = j.pixmaps.all();
    // 1. Resources that windows and contents use.
    let replay_gc = j.replay_gc();
    let uses_replay_gc = pixmaps.values().any(|p| p.base.is_some());
    if uses_replay_gc {
        out.push(&Request::CreateGc(CreateGc {
            id: replay_gc,
            drawable: root,
            values: GcValues {
                op: Some(CompositeOp::Source),
                ..GcValues::default()
            },
        }));
    }
    for (&id, p) in &pixmaps {
        out.push(&Request::CreatePixmap(CreatePixmap {
            id,
            drawable: root,
            width: p.width,
            height: p.height,
        }));
        out.pixmaps.push(id);
    }
    for r in j.gcs.creations() {
        out.push(&r);
    }
    out.gcs = j.gcs.live();
    // 2. Contents: every log merged by sequence number, bases at their place.
    enum Item<'a> {
        Base(PixmapId),
        Frame(&'a [u8]),
    }
    let mut items: Vec<(Seq, usize, Item<'_>)> = Vec::new();
    for (rank, (&id, p)) in pixmaps.iter().enumerate() {
        if let Some(base) = &p.base {
            items.push((base.seq, rank, Item::Base(id)));
        }
        items.extend(p.log.frames().map(|(seq, f)| (seq, rank, Item::Frame(f))));
    }
    // Stable: a pixmap's own frames keep their order.
    items.sort_by_key(|(seq, rank, _)| (*seq, *rank));
    for (_, _, item) in &items {
        match item {
            Item::Frame(f) => out.push_frame(f),
            Item::Base(id) => put_base(&mut out, *id, j, replay_gc, images),
        }
    }
    // 3. GCs back to their state.
    for r in j.gcs.settle(|gc| j.pixmaps.references(gc)) {
        out.push(&r);
    }
    if uses_replay_gc {
        out.push(&Request::FreeGc(FreeGc { gc: replay_gc }));
    }
    // 4. Windows.
    let order = j.windows.creation_order();
    for &id in &order {
        let w = j.windows.get(id).expect("in the journal");
        out.push(&Request::CreateWindow(CreateWindow {
            id,
            parent: w.parent,
            rect: w.rect,
            attributes: w.attributes.clone(),
        }));
    }
    // 5. Properties, what we set on others' windows, the save-set.
    for r in j.properties.replay() {
        out.push(&r);
    }
    for (&window, attributes) in j.windows.foreign() {
        out.push(&Request::ChangeWindowAttributes(ChangeWindowAttributes {
            window,
            attributes: attributes.clone(),
        }));
    }
    for &window in &j.save_set {
        out.push(&Request::ChangeSaveSet(ChangeSaveSet {
            window,
            insert: true,
        }));
    }
    if parts == Parts::All {
        for r in appearance(j) {
            out.push(&r);
        }
    }
    out.windows = order;
    out
}

/// Steps 6 and 7: the map state, children first (one Expose pass per tree), and the
/// selections owned, with time 0 (now: another server's times mean nothing).
pub(super) fn appearance(j: &Journal) -> Vec<Request> {
    let mut out = Vec::new();
    for &id in j.windows.creation_order().iter().rev() {
        if j.windows.get(id).is_some_and(|w| w.mapped) {
            out.push(Request::MapWindow(MapWindow { window: id }));
        }
    }
    for (&selection, &(owner, _)) in &j.selections {
        out.push(Request::SetSelectionOwner(SetSelectionOwner {
            selection,
            owner,
            time: Timestamp(0),
        }));
    }
    out
}

/// How the replay carries pixmap contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Images {
    /// As raw pixels (a local socket: copying is cheaper than compressing).
    Raw,
    /// Compressed (QOI, protocol.md §15.2) where that is at least 1/8 smaller: a
    /// network link to a server of 1.3 or later, where the bytes are the time.
    Lossless,
}

/// The PutImages of pixmap `id`'s base image, band by band.
fn put_base(out: &mut Replay, id: PixmapId, j: &Journal, gc: GcId, images: Images) {
    let Some(p) = j.pixmaps.get(id) else {
        return;
    };
    let Some(base) = &p.base else {
        return;
    };
    let row = 4 * p.width as usize;
    let rows = (super::pixmaps::BAND_PIXELS / p.width.max(1) as u64).max(1) as usize;
    for (i, band) in base.rgba.chunks(row * rows).enumerate() {
        let height = (band.len() / row) as u32;
        let packed = match images {
            Images::Lossless => crate::lossless::qoi(ImageFormat::Rgba, p.width, height, band),
            Images::Raw => None,
        };
        let (format, data) = match packed {
            Some(qoi) => (ImageFormat::Qoi, qoi),
            None => (ImageFormat::Rgba, band.to_vec()),
        };
        out.push(&Request::PutImage(PutImage {
            drawable: Drawable(id.0),
            gc,
            dst: Point::new(0, (i * rows) as i32),
            width: p.width,
            height,
            format,
            data,
        }));
    }
}
