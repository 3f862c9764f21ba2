//! The journal: the latest server-side state this app created, kept so that a fresh
//! server can be given it back (issue 12: apps that survive their display). It is the
//! state, not the request history: a window configured a hundred times is one window
//! record; only a pixmap's contents, which the library cannot redraw, keep requests (the
//! drawing since the pixmap's last checkpoint, bounded: see `pixmaps`).
//!
//! Pure data, no I/O: the transport feeds it every request it sends ([`Shared::note`],
//! under the output lock, so the journal sees requests in wire order), sends the
//! checkpoint GetImages it asks for, and hands it their replies. [`Journal::replay`]
//! gives the requests that recreate the state, in dependency order (`replay`).
//!
//! Resources are named by the app's own ids (`id_space << 32 | n`), so a replay on a
//! connection with the same id space recreates the same ids.
//!
//! # What is journaled, request by request
//!
//! | request | journaled as |
//! |---|---|
//! | CreateWindow (own id) | a window record: parent, geometry, attributes (`windows`) |
//! | ChangeWindowAttributes | merged into the own window's record; on another client's window (the root, an embedder's) the merged attributes (our event mask there) |
//! | DestroyWindow | removes the own window and its own descendants (also those under a destroyed foreign parent), their properties and selections |
//! | MapWindow, UnmapWindow | the own window's map state |
//! | ConfigureWindow | the own window's geometry merged; the stacking among our own siblings |
//! | ReparentWindow | the own window's parent and position (on top of its new siblings) |
//! | ChangeProperty, DeleteProperty | the folded value, on own windows and the root (`properties`) |
//! | GetProperty with `delete` | as DeleteProperty |
//! | CreatePixmap, FreePixmap | a pixmap record: size, contents (`pixmaps`) |
//! | CreateGc, ChangeGc, SetClipRectangles, FreeGc | a GC record: merged values, clip (`gcs`) |
//! | PolyPoint … FillPoly, PutImage, DrawText, CopyArea into a pixmap | the pixmap's log (CopyArea from a window or another client's drawable: a checkpoint instead) |
//! | ShmPutImage into a pixmap | from the library's own segment (`put_image`): a PutImage of a copy of the pixels in the log; from a segment of the app's (`ShmExt`), whose memory the library cannot read: a checkpoint |
//! | SetSelectionOwner | who of our windows owns each selection |
//! | ChangeSaveSet | the save-set (other clients' windows embedded in ours) |
//! | the same drawing into a window, ClearArea | not journaled: windows are redrawn on Expose |
//! | GetWindowAttributes, GetGeometry, QueryTree, InternAtom, GetAtomName, GetProperty, ListProperties, GetInputFocus, QueryPointer, Sync, ListClients, GetImage, QueryTextExtents, QueryTextExtentsBatch, GetSelectionOwner | not journaled: queries |
//! | SendEvent, ConvertSelection, SendSelectionData, StartDrag, DndStatus, DndFinish | not journaled: messages and transfers of the moment |
//! | SetInputFocus, FakeInput | not journaled: input is the user's; focus spans clients (the server's checkpoint) |
//! | ShmAttach, ShmDetach | not journaled: a segment is a descriptor of one connection; the image code attaches a new one |
//! | SetCloseDownMode | not journaled: the library chooses it for the session (an app that ends with its connection never starts a new session) |
//! | GrantMove, MoveClient, MoveDone | not journaled: moves of the moment, between displays |
//! | NoOperation | not journaled: it does nothing |
//!
//! Not journaled either, as state that spans clients (the server's checkpoint, plan step
//! 4): other clients' windows moved, restacked or mapped by this app, and where the
//! stacking of our windows lies among other clients' windows.

mod copy;
mod gcs;
mod pixlog;
mod pixmaps;
mod properties;
mod replay;
mod shared;
#[cfg(test)]
mod tests;
mod windows;

pub(crate) use copy::Copy;
pub(crate) use replay::Images;
pub use replay::Replay;
pub(crate) use shared::{Sent, Shared};

use gcs::Gcs;
use pixmaps::Pixmaps;
use properties::Properties;
use std::collections::{BTreeMap, BTreeSet};
use windows::Windows;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::reply::ImageReply;
use yonder_protocol::request::{
    ChangeGc, ChangeSaveSet, DeleteProperty, GcValues, GetProperty, PutImage, SetSelectionOwner,
    ShmPutImage,
};
use yonder_protocol::{atoms, EventMask, Seq, WindowId};
use yonder_protocol::{id_space_of, make_id, Atom, Drawable, GcId, PixmapId, Rect, Request};

/// The id number reserved in the app's id space for the GC the replay puts checkpoint
/// images with; `Connection::generate_id` never hands it out.
pub(crate) const REPLAY_GC_N: u32 = u32::MAX;

/// A resource id's bit in [`Journal::pixmap_filter`]: ids count up, so consecutive
/// ones get different bits.
#[inline]
pub(crate) fn filter_bit(raw_id: u64) -> u64 {
    1 << (raw_id % 64)
}

/// What arrived from the server that the journal must know, collected by the reader
/// under the state lock and handed over after it ([`Shared::learn`]).
#[derive(Debug)]
pub(crate) enum News {
    /// The answer to checkpoint GetImage `seq` (`None`: an error came).
    Checkpoint(Seq, Option<ImageReply>),
    /// SelectionClear: another client took `selection` from our `owner`, after the
    /// server had carried out request `seq`.
    SelectionLost {
        /// The selection.
        selection: Atom,
        /// Our window that owned it.
        owner: WindowId,
        /// The event's sequence number.
        seq: Seq,
    },
}

/// What a request may change, told without looking at the journal (no lock): most
/// requests are decided by their kind alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Touch {
    /// Nothing the journal keeps.
    Nothing,
    /// Resource state (windows, properties, GCs, pixmaps, selections, save-set).
    State,
    /// The contents of this drawable, journaled only if it is one of our pixmaps.
    Drawing(Drawable),
}

/// Whether GC values give nothing (a no-op ChangeGc, as apps send to reset a GC): each field
/// tested, which is cheaper than comparing with a default value built for it.
#[inline(always)]
fn no_values(v: &GcValues) -> bool {
    let GcValues {
        foreground,
        background,
        line_width,
        antialias,
        font_size,
        op,
        fill_rule,
        arc_mode,
        cap_style,
        join_style,
        font_face,
        text_antialias,
    } = v;
    foreground.is_none()
        & background.is_none()
        & line_width.is_none()
        & antialias.is_none()
        & font_size.is_none()
        & op.is_none()
        & fill_rule.is_none()
        & arc_mode.is_none()
        & cap_style.is_none()
        & join_style.is_none()
        & font_face.is_none()
        & text_antialias.is_none()
}

/// Whether request `frame` may hold fields of a later version than 1.`minor` (a GC's
/// values: `Request::may_hold_later_fields`), which a display of that version would
/// find malformed. Reads only the opcode: `[opcode, body]` after the length, the opcode
/// a positive fixint below 128.
pub(crate) fn may_hold_later_fields(frame: &[u8], minor: u16) -> bool {
    minor < yonder_protocol::PROTOCOL_MINOR
        && frame
            .get(5)
            .is_some_and(|&opcode| Request::may_hold_later_fields(opcode))
}

/// The request of `frame` (one whole request frame, as the journal keeps them) as a
/// server of version 1.`minor` takes it, when that leaves something out
/// (`Request::for_minor`: a GC's values of later versions); None when the frame goes as
/// it is.
pub(crate) fn frame_for_minor(frame: &[u8], minor: u16) -> Option<Request> {
    if !may_hold_later_fields(frame, minor) {
        return None;
    }
    let request = yonder_protocol::message::decode_request(frame.get(4..)?).ok()?;
    request.for_minor(minor)
}

/// Every request's [`Touch`]: the decision table of the module doc, as code.
#[inline(always)]
pub(crate) fn touch(request: &Request) -> Touch {
    use Request as R;
    match request {
        R::ChangeGc(ChangeGc { values, .. }) if no_values(values) => Touch::Nothing,
        R::GetProperty(r) if !r.delete => Touch::Nothing,
        R::CreateWindow(_)
        | R::ChangeWindowAttributes(_)
        | R::DestroyWindow(_)
        | R::MapWindow(_)
        | R::UnmapWindow(_)
        | R::ConfigureWindow(_)
        | R::ReparentWindow(_)
        | R::ChangeProperty(_)
        | R::DeleteProperty(_)
        | R::GetProperty(_)
        | R::CreatePixmap(_)
        | R::FreePixmap(_)
        | R::CreateGc(_)
        | R::ChangeGc(_)
        | R::SetClipRectangles(_)
        | R::FreeGc(_)
        | R::SetSelectionOwner(_)
        | R::ChangeSaveSet(_) => Touch::State,
        R::CopyArea(r) => Touch::Drawing(r.dst),
        R::PolyPoint(r) => Touch::Drawing(r.drawable),
        R::PolyLine(r) => Touch::Drawing(r.drawable),
        R::PolySegment(r) => Touch::Drawing(r.drawable),
        R::PolyRectangle(r) => Touch::Drawing(r.drawable),
        R::PolyFillRectangle(r) => Touch::Drawing(r.drawable),
        R::PolyArc(r) => Touch::Drawing(r.drawable),
        R::PolyFillArc(r) => Touch::Drawing(r.drawable),
        R::FillPoly(r) => Touch::Drawing(r.drawable),
        R::PutImage(r) => Touch::Drawing(r.drawable),
        R::DrawText(r) => Touch::Drawing(r.drawable),
        R::ShmPutImage(r) => Touch::Drawing(r.drawable),
        R::GetWindowAttributes(_)
        | R::GetGeometry(_)
        | R::QueryTree(_)
        | R::InternAtom(_)
        | R::GetAtomName(_)
        | R::ListProperties(_)
        | R::SendEvent(_)
        | R::SetInputFocus(_)
        | R::GetInputFocus(_)
        | R::QueryPointer(_)
        | R::FakeInput(_)
        | R::Sync(_)
        | R::NoOperation(_)
        | R::ListClients(_)
        | R::ClearArea(_)
        | R::GetImage(_)
        | R::QueryTextExtents(_)
        | R::QueryTextExtentsBatch(_)
        | R::GetSelectionOwner(_)
        | R::ConvertSelection(_)
        | R::SendSelectionData(_)
        | R::StartDrag(_)
        | R::DndStatus(_)
        | R::DndFinish(_)
        | R::ShmAttach(_)
        | R::ShmDetach(_)
        | R::SetCloseDownMode(_)
        | R::GrantMove(_)
        | R::MoveClient(_)
        | R::MoveDone(_) => Touch::Nothing,
    }
}

/// The app's server-side state (see the module doc). Behind [`Shared`]'s lock.
#[derive(Debug)]
pub(crate) struct Journal {
    /// The app's id space: a resource is ours when its id is in it.
    id_space: u32,
    windows: Windows,
    properties: Properties,
    gcs: Gcs,
    pixmaps: Pixmaps,
    /// Selections owned by our windows, with the request that took each.
    selections: BTreeMap<Atom, (WindowId, Seq)>,
    /// Other clients' windows in our save-set.
    save_set: BTreeSet<WindowId>,
}

impl Journal {
    /// The app's windows a fresh server shows blank and that want to hear it (see
    /// `Windows::exposed`), with their sizes.
    pub(crate) fn exposed(&self) -> Vec<(WindowId, Rect)> {
        self.windows.exposed()
    }

    /// Whether the app selected STRUCTURE_NOTIFY on the root: it follows the screen's
    /// size through ScreenChange events.
    pub(crate) fn watches_root_structure(&self) -> bool {
        self.windows
            .foreign()
            .get(&WindowId::ROOT)
            .and_then(|a| a.event_mask)
            .is_some_and(|m| m.contains(EventMask::STRUCTURE_NOTIFY))
    }

    /// The app's mapped top-level windows that take the close request (their
    /// `WM_PROTOCOLS` lists `WM_DELETE_WINDOW`): what a display ending for good asks to
    /// close (protocol.md §5.4).
    pub(crate) fn closable_windows(&self) -> Vec<WindowId> {
        let takes_close = |w: WindowId| match self.properties.get(w, atoms::WM_PROTOCOLS) {
            Some(properties::Prop::Value { data, .. }) => data
                .chunks_exact(4)
                .any(|a| u32::from_le_bytes([a[0], a[1], a[2], a[3]]) == atoms::WM_DELETE_WINDOW.0),
            _ => false,
        };
        self.windows
            .mapped_top_levels()
            .into_iter()
            .filter(|w| takes_close(*w))
            .collect()
    }

    /// An empty journal for the app of `id_space`.
    pub(crate) fn new(id_space: u32) -> Journal {
        Journal {
            id_space,
            windows: Windows::default(),
            properties: Properties::default(),
            gcs: Gcs::default(),
            pixmaps: Pixmaps::default(),
            selections: BTreeMap::new(),
            save_set: BTreeSet::new(),
        }
    }

    /// Whether a resource id is in the app's own id space.
    fn is_own(&self, raw_id: u64) -> bool {
        id_space_of(raw_id) == self.id_space
    }

    /// The GC the replay puts checkpoint images with.
    fn replay_gc(&self) -> GcId {
        GcId(make_id(self.id_space, REPLAY_GC_N))
    }

    /// Whether drawing into `drawable` is journaled: it is one of our live pixmaps.
    pub(crate) fn draws_into(&self, drawable: Drawable) -> bool {
        self.pixmaps.contains(PixmapId(drawable.0))
    }

    /// A filter of the journaled pixmaps' ids: bit [`filter_bit`] of each is set. A
    /// drawable whose bit is clear is surely not one of them.
    pub(crate) fn pixmap_filter(&self) -> u64 {
        self.pixmaps.filter()
    }

    /// Records request `seq`. `encode` appends its frame (for a pixmap's log).
    pub(crate) fn record(&mut self, seq: Seq, request: &Request, encode: &dyn Fn(&mut Vec<u8>)) {
        use Request as R;
        match request {
            R::CreateWindow(r) if self.is_own(r.id.0) => self.windows.create(r),
            R::CreateWindow(_) => {}
            R::ChangeWindowAttributes(r) => self.windows.change(self.id_space, r),
            R::DestroyWindow(r) => self.destroy_window(r.window),
            R::MapWindow(r) => self.windows.set_mapped(r.window, true),
            R::UnmapWindow(r) => self.windows.set_mapped(r.window, false),
            R::ConfigureWindow(r) => self.windows.configure(r),
            R::ReparentWindow(r) => self.windows.reparent(r),
            R::ChangeProperty(r) => {
                let own = self.windows.contains(r.window);
                self.properties.change(own, r)
            }
            R::DeleteProperty(r) => {
                let own = self.windows.contains(r.window);
                self.properties.delete(own, r)
            }
            R::GetProperty(r) => self.get_property(r),
            R::CreatePixmap(r) if self.is_own(r.id.0) => self.pixmaps.create(r),
            R::CreatePixmap(_) => {}
            R::FreePixmap(r) => {
                self.pixmaps.free(r.pixmap);
                self.purge_gcs();
            }
            R::CreateGc(r) if self.is_own(r.id.0) => self.gcs.create(r),
            R::CreateGc(_) => {}
            R::ChangeGc(r) => self.gcs.change(r),
            R::SetClipRectangles(r) => self.gcs.set_clip(r),
            R::FreeGc(r) => {
                self.gcs.free(r.gc);
                self.purge_gcs();
            }
            R::SetSelectionOwner(r) => self.set_selection_owner(seq, r),
            R::ChangeSaveSet(r) => self.change_save_set(r),
            R::CopyArea(r) => self.pixmaps.copy_area(&self.gcs, seq, r, encode),
            R::PutImage(r) => self.pixmaps.put_image(&self.gcs, seq, r, encode),
            R::ShmPutImage(r) => self.pixmaps.must_checkpoint(PixmapId(r.drawable.0), seq),
            R::PolyFillRectangle(r) => self.draw(seq, r.drawable, r.gc, &r.rects, encode),
            R::PolyPoint(_)
            | R::PolyLine(_)
            | R::PolySegment(_)
            | R::PolyRectangle(_)
            | R::PolyArc(_)
            | R::PolyFillArc(_)
            | R::FillPoly(_)
            | R::DrawText(_) => self.draw_request(seq, request, encode),
            _ => debug_assert_eq!(touch(request), Touch::Nothing, "{}", request.name()),
        }
    }

    /// Drops the freed GCs that no pixmap's log uses any more.
    fn purge_gcs(&mut self) {
        let pixmaps = &self.pixmaps;
        self.gcs.purge(|gc| pixmaps.references(gc));
    }

    /// Records a drawing request `seq` into `drawable` with `gc` (its frame is what
    /// `encode` appends); `fills`: the rectangles it fills, if it is a PolyFillRectangle
    /// (a fill that covers the pixmap drops its log).
    pub(crate) fn draw(
        &mut self,
        seq: Seq,
        drawable: Drawable,
        gc: GcId,
        fills: &[Rect],
        encode: &dyn Fn(&mut Vec<u8>),
    ) {
        self.pixmaps
            .draw(&self.gcs, seq, PixmapId(drawable.0), gc, fills, encode);
    }

    /// A ShmPutImage from the library's own segment, whose `pixels` the caller has: kept
    /// as the PutImage of a copy of them (a checkpoint would read back the whole pixmap,
    /// which costs more than copying the image, the more so the larger the pixmap).
    pub(crate) fn shm_put(&mut self, seq: Seq, r: &ShmPutImage, pixels: &[u8]) {
        let put = Request::PutImage(PutImage {
            drawable: r.drawable,
            gc: r.gc,
            dst: r.dst,
            width: r.width,
            height: r.height,
            format: r.format,
            data: pixels.to_vec(),
        });
        if let Request::PutImage(p) = &put {
            let encode = |buf: &mut Vec<u8>| encode_request_frame(&put, buf);
            self.pixmaps.put_image(&self.gcs, seq, p, &encode);
        }
    }

    /// A drawing request other than PolyFillRectangle, built as a value.
    fn draw_request(&mut self, seq: Seq, request: &Request, encode: &dyn Fn(&mut Vec<u8>)) {
        if let (Touch::Drawing(d), Some(gc)) = (touch(request), drawing_gc(request)) {
            self.draw(seq, d, gc, &[], encode);
        }
    }

    /// DestroyWindow: our windows that go take their properties and selections along.
    fn destroy_window(&mut self, window: WindowId) {
        for gone in self.windows.destroy(window) {
            self.properties.window_gone(gone);
            self.selections.retain(|_, (owner, _)| *owner != gone);
        }
    }

    /// GetProperty: with `delete`, a DeleteProperty of a value we know.
    fn get_property(&mut self, r: &GetProperty) {
        if r.delete {
            let own = self.windows.contains(r.window);
            let delete = DeleteProperty {
                window: r.window,
                property: r.property,
            };
            self.properties.delete_if_known(own, &delete);
        }
    }

    fn change_save_set(&mut self, r: &ChangeSaveSet) {
        if r.insert {
            self.save_set.insert(r.window);
        } else {
            self.save_set.remove(&r.window);
        }
    }

    fn set_selection_owner(&mut self, seq: Seq, r: &SetSelectionOwner) {
        if !r.owner.is_none() && self.windows.contains(r.owner) {
            self.selections.insert(r.selection, (r.owner, seq));
        } else {
            self.selections.remove(&r.selection);
        }
    }

    /// Another client took `selection` from our `owner` (the SelectionClear came after
    /// request `seq`): forgotten, unless we took it again after.
    pub(crate) fn selection_lost(&mut self, selection: Atom, owner: WindowId, seq: Seq) {
        if self
            .selections
            .get(&selection)
            .is_some_and(|&(o, taken)| o == owner && taken <= seq)
        {
            self.selections.remove(&selection);
        }
    }

    /// The checkpoints wanted since the last call: for each pixmap, the GetImage
    /// requests (one per band) that the transport sends and then reports with
    /// [`Journal::checkpoint_sent`].
    pub(crate) fn take_checkpoints(&mut self) -> Vec<(PixmapId, Vec<Request>)> {
        self.pixmaps.take_wanted()
    }

    /// Whether a checkpoint is wanted (cheap: asked after every journaled request).
    pub(crate) fn wants_checkpoint(&self) -> bool {
        self.pixmaps.wants()
    }

    /// The GetImages of `pixmap`'s checkpoint went out as requests `first..=last`.
    pub(crate) fn checkpoint_sent(&mut self, pixmap: PixmapId, first: Seq, last: Seq) {
        self.pixmaps.checkpoint_sent(pixmap, first, last);
    }

    /// The answer to a checkpoint GetImage `seq`: the image, or `None` (an error).
    pub(crate) fn checkpoint_answer(&mut self, seq: Seq, image: Option<ImageReply>) {
        self.pixmaps.checkpoint_answer(seq, image);
        self.purge_gcs();
    }

    /// The bytes of memory the journal holds (its records and their heap data).
    pub(crate) fn bytes(&self) -> usize {
        std::mem::size_of::<Journal>()
            + self.windows.bytes()
            + self.properties.bytes()
            + self.gcs.bytes()
            + self.pixmaps.bytes()
            + self.selections.len() * std::mem::size_of::<(Atom, (WindowId, Seq))>()
            + self.save_set.len() * std::mem::size_of::<WindowId>()
    }

    /// The requests that recreate the journaled state on a fresh server (see `replay`).
    pub(crate) fn replay(&self) -> Replay {
        replay::build(
            self,
            Images::Raw,
            replay::Parts::All,
            yonder_protocol::PROTOCOL_MINOR,
        )
    }

    /// [`Journal::replay`], with pixmap contents carried as `images` says, for a server
    /// of version 1.`minor` (GC values it does not know are left out).
    pub(crate) fn replay_with(&self, images: Images, minor: u16) -> Replay {
        replay::build(self, images, replay::Parts::All, minor)
    }

    /// The replay a move sends first (protocol.md §5.5): everything but the map state
    /// and the selections, which [`Journal::appearance`] gives at the switch.
    pub(crate) fn replay_hidden(&self, images: Images, minor: u16) -> Replay {
        replay::build(self, images, replay::Parts::Hidden, minor)
    }

    /// What makes the app appear on a display that has its state, hidden: its windows
    /// mapped as they are, children first, and the selections it owns.
    pub(crate) fn appearance(&self) -> Vec<Request> {
        replay::appearance(self)
    }

    /// Whether `window` is one of the app's own windows.
    pub(crate) fn owns_window(&self, window: WindowId) -> bool {
        self.windows.contains(window)
    }
}

/// The GC of a drawing request, if it has one.
fn drawing_gc(request: &Request) -> Option<GcId> {
    use Request as R;
    Some(match request {
        R::PolyPoint(r) => r.gc,
        R::PolyLine(r) => r.gc,
        R::PolySegment(r) => r.gc,
        R::PolyRectangle(r) => r.gc,
        R::PolyFillRectangle(r) => r.gc,
        R::PolyArc(r) => r.gc,
        R::PolyFillArc(r) => r.gc,
        R::FillPoly(r) => r.gc,
        R::DrawText(r) => r.gc,
        R::PutImage(r) => r.gc,
        R::CopyArea(r) => r.gc,
        R::ShmPutImage(r) => r.gc,
        _ => return None,
    })
}
