//! Requests built from fuzz input: one [`Req`] variant per protocol request, with ids
//! from the pool of [`super::ops::Id`] and values from [`super::values`], turned into
//! what the reader would hand the state for a sender slot (ShmAttach with the memfd that
//! would come with its frame).

use super::ops::*;
use super::values::*;
use arbitrary::Arbitrary;
use yonder_protocol::request as rq;
use yonder_protocol::{Drawable, GcId, PixmapId, Request, Segment, Timestamp, WindowId};
use yonder_server::command::Incoming;

/// A request, with ids from the pool. One variant per protocol request.
#[derive(Arbitrary, Debug)]
#[allow(missing_docs)]
pub enum Req {
    CreateWindow(Id, Id, R, Attrs),
    ChangeWindowAttributes(Id, Attrs),
    GetWindowAttributes(Id),
    DestroyWindow(Id),
    MapWindow(Id),
    UnmapWindow(Id),
    ConfigureWindow {
        window: Id,
        x: Option<Coord>,
        y: Option<Coord>,
        width: Option<Dim>,
        height: Option<Dim>,
        stack: Option<bool>,
        sibling: Option<Id>,
    },
    ReparentWindow(Id, Id, Coord, Coord),
    GetGeometry(Id),
    QueryTree(Id),
    InternAtom(AtomName, bool),
    GetAtomName(AtomRef),
    ChangeProperty(Id, AtomRef, AtomRef, u8, Vec<u8>),
    DeleteProperty(Id, AtomRef),
    GetProperty(Id, AtomRef, bool),
    ListProperties(Id),
    SendEvent(Id, u32, Ev),
    SetInputFocus(Id),
    GetInputFocus,
    QueryPointer(Id),
    FakeInput(u8, u32, Coord, Coord),
    Sync,
    ListClients,
    CreatePixmap(Id, Id, Dim, Dim),
    FreePixmap(Id),
    CreateGc(Id, Id, GcVals),
    ChangeGc(Id, GcVals),
    SetClipRectangles(Id, P, Option<Vec<R>>),
    FreeGc(Id),
    ClearArea(Id, R, bool),
    CopyArea(Id, Id, Id, R, P),
    PolyPoint(Id, Id, Vec<P>),
    PolyLine(Id, Id, Vec<P>),
    PolySegment(Id, Id, Vec<(Coord, Coord, Coord, Coord)>),
    PolyRectangle(Id, Id, Vec<R>),
    PolyFillRectangle(Id, Id, Vec<R>),
    PolyArc(Id, Id, Vec<(R, Coord, Coord)>),
    PolyFillArc(Id, Id, Vec<(R, Coord, Coord)>),
    FillPoly(Id, Id, Vec<P>),
    PutImage(Id, Id, P, Dim, Dim, u8, ImageData),
    GetImage(Id, R, u8),
    DrawText(Id, Id, P, String),
    QueryTextExtents(Id, String),
    SetSelectionOwner(AtomRef, Id, u32),
    GetSelectionOwner(AtomRef),
    ConvertSelection(AtomRef, AtomRef, Id, u32),
    SendSelectionData(u8, Vec<u8>, bool, bool),
    StartDrag(Id, Vec<AtomRef>, u8, Id, P),
    DndStatus(Id, bool, u8),
    DndFinish(Id, bool, u8),
    ChangeSaveSet(Id, bool),
    ShmAttach(u8, ShmSize, ShmFd),
    ShmDetach(u8),
    ShmPutImage {
        drawable: Id,
        gc: Id,
        dst: P,
        width: Dim,
        height: Dim,
        format: u8,
        segment: u8,
        offset: ShmSize,
        stride: Dim,
    },
}

impl Req {
    /// The protocol request, with ids resolved for sender slot `s`. `transfers` are the
    /// transfer ids pending now (SendSelectionData picks one, or a stale number).
    pub(crate) fn build(self, s: usize, transfers: &[u64]) -> Incoming {
        match self {
            Req::ShmAttach(seg, size, fd) => {
                let r = rq::ShmAttach {
                    segment: segment(seg),
                    size: size.value(),
                };
                Incoming::ShmAttach(r, fd.open())
            }
            req => Incoming::Request(req.request(s, transfers)),
        }
    }

    fn request(self, s: usize, transfers: &[u64]) -> Request {
        let w = |i: Id| WindowId(i.raw(s));
        let d = |i: Id| Drawable(i.raw(s));
        let g = |i: Id| GcId(i.raw(s));
        match self {
            Req::CreateWindow(id, parent, r, a) => Request::CreateWindow(rq::CreateWindow {
                id: w(id),
                parent: w(parent),
                rect: r.value(),
                attributes: a.value(),
            }),
            Req::ChangeWindowAttributes(win, a) => {
                Request::ChangeWindowAttributes(rq::ChangeWindowAttributes {
                    window: w(win),
                    attributes: a.value(),
                })
            }
            Req::GetWindowAttributes(win) => {
                Request::GetWindowAttributes(rq::GetWindowAttributes { window: w(win) })
            }
            Req::DestroyWindow(win) => Request::DestroyWindow(rq::DestroyWindow { window: w(win) }),
            Req::MapWindow(win) => Request::MapWindow(rq::MapWindow { window: w(win) }),
            Req::UnmapWindow(win) => Request::UnmapWindow(rq::UnmapWindow { window: w(win) }),
            Req::ConfigureWindow {
                window,
                x,
                y,
                width,
                height,
                stack,
                sibling,
            } => Request::ConfigureWindow(rq::ConfigureWindow {
                window: w(window),
                x: x.map(Coord::value),
                y: y.map(Coord::value),
                width: width.map(Dim::value),
                height: height.map(Dim::value),
                stack_mode: stack.map(|a| {
                    if a {
                        rq::StackMode::Above
                    } else {
                        rq::StackMode::Below
                    }
                }),
                sibling: sibling.map(w),
            }),
            Req::ReparentWindow(win, parent, x, y) => Request::ReparentWindow(rq::ReparentWindow {
                window: w(win),
                parent: w(parent),
                x: x.value(),
                y: y.value(),
            }),
            Req::GetGeometry(dr) => Request::GetGeometry(rq::GetGeometry { drawable: d(dr) }),
            Req::QueryTree(win) => Request::QueryTree(rq::QueryTree { window: w(win) }),
            Req::InternAtom(name, only_if_exists) => Request::InternAtom(rq::InternAtom {
                name: name.value(),
                only_if_exists,
            }),
            Req::GetAtomName(a) => Request::GetAtomName(rq::GetAtomName { atom: a.value() }),
            Req::ChangeProperty(win, property, type_, mode, data) => {
                Request::ChangeProperty(rq::ChangeProperty {
                    window: w(win),
                    property: property.value(),
                    type_: type_.value(),
                    mode: [
                        rq::PropMode::Replace,
                        rq::PropMode::Prepend,
                        rq::PropMode::Append,
                    ][mode as usize % 3],
                    data,
                })
            }
            Req::DeleteProperty(win, property) => Request::DeleteProperty(rq::DeleteProperty {
                window: w(win),
                property: property.value(),
            }),
            Req::GetProperty(win, property, delete) => Request::GetProperty(rq::GetProperty {
                window: w(win),
                property: property.value(),
                delete,
            }),
            Req::ListProperties(win) => {
                Request::ListProperties(rq::ListProperties { window: w(win) })
            }
            Req::SendEvent(dest, mask, ev) => Request::SendEvent(rq::SendEvent {
                destination: w(dest),
                event_mask: super::values::mask(mask),
                event: ev.value(s),
            }),
            Req::SetInputFocus(win) => Request::SetInputFocus(rq::SetInputFocus { window: w(win) }),
            Req::GetInputFocus => Request::GetInputFocus(rq::GetInputFocus {}),
            Req::QueryPointer(win) => Request::QueryPointer(rq::QueryPointer { window: w(win) }),
            Req::FakeInput(kind, detail, x, y) => {
                use rq::FakeKind as K;
                let kind = [
                    K::KeyPress,
                    K::KeyRelease,
                    K::ButtonPress,
                    K::ButtonRelease,
                    K::Motion,
                ][kind as usize % 5];
                // Mostly small details: buttons 1..=7 and letters, Escape now and then.
                let detail = match detail % 4 {
                    0 => detail >> 2,
                    1 => 1 + (detail >> 2) % 7,
                    2 => yonder_protocol::keysym::ESCAPE,
                    _ => b'a' as u32 + (detail >> 2) % 26,
                };
                Request::FakeInput(rq::FakeInput {
                    kind,
                    detail,
                    x: x.value(),
                    y: y.value(),
                })
            }
            Req::Sync => Request::Sync(rq::Sync {}),
            Req::ListClients => Request::ListClients(rq::ListClients {}),
            Req::CreatePixmap(id, dr, wd, ht) => Request::CreatePixmap(rq::CreatePixmap {
                id: PixmapId(id.raw(s)),
                drawable: d(dr),
                width: wd.value(),
                height: ht.value(),
            }),
            Req::FreePixmap(p) => Request::FreePixmap(rq::FreePixmap {
                pixmap: PixmapId(p.raw(s)),
            }),
            Req::CreateGc(id, dr, v) => Request::CreateGc(rq::CreateGc {
                id: g(id),
                drawable: d(dr),
                values: v.value(),
            }),
            Req::ChangeGc(gc, v) => Request::ChangeGc(rq::ChangeGc {
                gc: g(gc),
                values: v.value(),
            }),
            Req::SetClipRectangles(gc, origin, rs) => {
                Request::SetClipRectangles(rq::SetClipRectangles {
                    gc: g(gc),
                    origin: origin.value(),
                    rects: rs.map(rects),
                })
            }
            Req::FreeGc(gc) => Request::FreeGc(rq::FreeGc { gc: g(gc) }),
            Req::ClearArea(win, r, exposures) => Request::ClearArea(rq::ClearArea {
                window: w(win),
                rect: r.value(),
                exposures,
            }),
            Req::CopyArea(src, dst, gc, r, p) => Request::CopyArea(rq::CopyArea {
                src: d(src),
                dst: d(dst),
                gc: g(gc),
                src_rect: r.value(),
                dst_origin: p.value(),
            }),
            Req::PolyPoint(dr, gc, ps) => Request::PolyPoint(rq::PolyPoint {
                drawable: d(dr),
                gc: g(gc),
                points: points(ps),
            }),
            Req::PolyLine(dr, gc, ps) => Request::PolyLine(rq::PolyLine {
                drawable: d(dr),
                gc: g(gc),
                points: points(ps),
            }),
            Req::PolySegment(dr, gc, segs) => Request::PolySegment(rq::PolySegment {
                drawable: d(dr),
                gc: g(gc),
                segments: segs
                    .into_iter()
                    .map(|(a, b, c, e)| Segment {
                        x1: a.value(),
                        y1: b.value(),
                        x2: c.value(),
                        y2: e.value(),
                    })
                    .collect(),
            }),
            Req::PolyRectangle(dr, gc, rs) => Request::PolyRectangle(rq::PolyRectangle {
                drawable: d(dr),
                gc: g(gc),
                rects: rects(rs),
            }),
            Req::PolyFillRectangle(dr, gc, rs) => {
                Request::PolyFillRectangle(rq::PolyFillRectangle {
                    drawable: d(dr),
                    gc: g(gc),
                    rects: rects(rs),
                })
            }
            Req::PolyArc(dr, gc, a) => Request::PolyArc(rq::PolyArc {
                drawable: d(dr),
                gc: g(gc),
                arcs: arcs(a),
            }),
            Req::PolyFillArc(dr, gc, a) => Request::PolyFillArc(rq::PolyFillArc {
                drawable: d(dr),
                gc: g(gc),
                arcs: arcs(a),
            }),
            Req::FillPoly(dr, gc, ps) => Request::FillPoly(rq::FillPoly {
                drawable: d(dr),
                gc: g(gc),
                points: points(ps),
            }),
            Req::PutImage(dr, gc, dst, wd, ht, format, data) => {
                let format = image_format(format);
                let (width, height) = (wd.value(), ht.value());
                let data = match data {
                    ImageData::Exact(fill) => {
                        let n = (width as u64 * height as u64)
                            .saturating_mul(4)
                            .min(1 << 20) as usize;
                        vec![fill; n]
                    }
                    ImageData::Png(a, b) => encoded_image(a, b, image::ImageFormat::Png),
                    ImageData::Jpeg(a, b) => encoded_image(a, b, image::ImageFormat::Jpeg),
                    ImageData::Qoi(alpha) => {
                        let (w, h) = (width.clamp(1, 64), height.clamp(1, 64));
                        let channels = if alpha { 4 } else { 3 };
                        let pixels = vec![0x80; (w * h) as usize * channels];
                        qoi::encode_to_vec(pixels, w, h).expect("encodes")
                    }
                    ImageData::Bytes(b) => b,
                };
                Request::PutImage(rq::PutImage {
                    drawable: d(dr),
                    gc: g(gc),
                    dst: dst.value(),
                    width,
                    height,
                    format,
                    data,
                })
            }
            Req::GetImage(dr, r, format) => Request::GetImage(rq::GetImage {
                drawable: d(dr),
                rect: r.value(),
                format: image_format(format),
            }),
            Req::DrawText(dr, gc, origin, text) => Request::DrawText(rq::DrawText {
                drawable: d(dr),
                gc: g(gc),
                origin: origin.value(),
                text,
            }),
            // A text with line breaks is asked about line by line in one batch (1.8), so
            // that the batch is fuzzed without a new variant moving the grammar.
            Req::QueryTextExtents(gc, text) if text.contains('\n') => {
                Request::QueryTextExtentsBatch(rq::QueryTextExtentsBatch {
                    gc: g(gc),
                    texts: text.split('\n').map(str::to_string).collect(),
                })
            }
            Req::QueryTextExtents(gc, text) => {
                Request::QueryTextExtents(rq::QueryTextExtents { gc: g(gc), text })
            }
            Req::SetSelectionOwner(sel, owner, time) => {
                Request::SetSelectionOwner(rq::SetSelectionOwner {
                    selection: sel.value(),
                    owner: w(owner),
                    time: Timestamp(time),
                })
            }
            Req::GetSelectionOwner(sel) => Request::GetSelectionOwner(rq::GetSelectionOwner {
                selection: sel.value(),
            }),
            Req::ConvertSelection(sel, target, requestor, tag) => {
                Request::ConvertSelection(rq::ConvertSelection {
                    selection: sel.value(),
                    target: target.value(),
                    requestor: w(requestor),
                    tag,
                })
            }
            Req::SendSelectionData(pick, data, done, refused) => {
                let transfer = if transfers.is_empty() || pick == 255 {
                    pick as u64
                } else {
                    transfers[pick as usize % transfers.len()]
                };
                Request::SendSelectionData(rq::SendSelectionData {
                    transfer,
                    data,
                    done,
                    refused,
                })
            }
            Req::StartDrag(source, types, actions, icon, hotspot) => {
                Request::StartDrag(rq::StartDrag {
                    source: w(source),
                    types: types.into_iter().map(AtomRef::value).collect(),
                    actions: rq::DndActions(actions),
                    icon: PixmapId(icon.raw(s)),
                    hotspot: hotspot.value(),
                })
            }
            Req::DndStatus(target, accept, action) => Request::DndStatus(rq::DndStatus {
                target: w(target),
                accept,
                action: dnd_action(action),
            }),
            Req::DndFinish(target, success, action) => Request::DndFinish(rq::DndFinish {
                target: w(target),
                success,
                action: dnd_action(action),
            }),
            Req::ChangeSaveSet(win, insert) => Request::ChangeSaveSet(rq::ChangeSaveSet {
                window: w(win),
                insert,
            }),
            // With no descriptor: `build` sends it with one (or none) as the reader does.
            Req::ShmAttach(seg, size, _) => Request::ShmAttach(rq::ShmAttach {
                segment: segment(seg),
                size: size.value(),
            }),
            Req::ShmDetach(seg) => Request::ShmDetach(rq::ShmDetach {
                segment: segment(seg),
            }),
            Req::ShmPutImage {
                drawable,
                gc,
                dst,
                width,
                height,
                format,
                segment: seg,
                offset,
                stride,
            } => Request::ShmPutImage(rq::ShmPutImage {
                drawable: d(drawable),
                gc: g(gc),
                dst: dst.value(),
                width: width.value(),
                height: height.value(),
                format: image_format(format),
                segment: segment(seg),
                offset: offset.value(),
                stride: stride.value(),
            }),
        }
    }
}
