//! Requests: what a client asks of the server. One struct per request, grouped by concern
//! in the submodules, and the one [`Request`] enum that tags each with its opcode.
//!
//! On the wire a request is `[opcode, [field, field, ...]]` (a struct is an array of its
//! fields in declaration order). Requests carry no sequence number: the n-th request after
//! the hello is number n, on both sides. Trailing fields marked `#[serde(default)]` may be
//! left out by older clients.

mod draw;
mod input;
mod property;
mod resource;
mod shm;
mod transfer;
mod window;

pub use draw::*;
pub use input::*;
pub use property::*;
pub use resource::*;
pub use shm::*;
pub use transfer::*;
pub use window::*;

tagged! {
    /// Every request, tagged with its opcode. The server's dispatcher has one `match` on it.
    pub enum Request ("request") {
        1 => CreateWindow(CreateWindow),
        2 => ChangeWindowAttributes(ChangeWindowAttributes),
        3 => GetWindowAttributes(GetWindowAttributes),
        4 => DestroyWindow(DestroyWindow),
        5 => MapWindow(MapWindow),
        6 => UnmapWindow(UnmapWindow),
        7 => ConfigureWindow(ConfigureWindow),
        8 => ReparentWindow(ReparentWindow),
        9 => GetGeometry(GetGeometry),
        10 => QueryTree(QueryTree),
        11 => InternAtom(InternAtom),
        12 => GetAtomName(GetAtomName),
        13 => ChangeProperty(ChangeProperty),
        14 => DeleteProperty(DeleteProperty),
        15 => GetProperty(GetProperty),
        16 => ListProperties(ListProperties),
        17 => SendEvent(SendEvent),
        18 => SetInputFocus(SetInputFocus),
        19 => GetInputFocus(GetInputFocus),
        20 => QueryPointer(QueryPointer),
        21 => FakeInput(FakeInput),
        22 => Sync(Sync),
        23 => ListClients(ListClients),
        30 => CreatePixmap(CreatePixmap),
        31 => FreePixmap(FreePixmap),
        32 => CreateGc(CreateGc),
        33 => ChangeGc(ChangeGc),
        34 => SetClipRectangles(SetClipRectangles),
        35 => FreeGc(FreeGc),
        40 => ClearArea(ClearArea),
        41 => CopyArea(CopyArea),
        42 => PolyPoint(PolyPoint),
        43 => PolyLine(PolyLine),
        44 => PolySegment(PolySegment),
        45 => PolyRectangle(PolyRectangle),
        46 => PolyFillRectangle(PolyFillRectangle),
        47 => PolyArc(PolyArc),
        48 => PolyFillArc(PolyFillArc),
        49 => FillPoly(FillPoly),
        50 => PutImage(PutImage),
        51 => GetImage(GetImage),
        52 => DrawText(DrawText),
        53 => QueryTextExtents(QueryTextExtents),
        60 => SetSelectionOwner(SetSelectionOwner),
        61 => GetSelectionOwner(GetSelectionOwner),
        62 => ConvertSelection(ConvertSelection),
        63 => SendSelectionData(SendSelectionData),
        64 => StartDrag(StartDrag),
        65 => DndStatus(DndStatus),
        66 => DndFinish(DndFinish),
        67 => ChangeSaveSet(ChangeSaveSet),
        70 => ShmAttach(ShmAttach),
        71 => ShmDetach(ShmDetach),
        72 => ShmPutImage(ShmPutImage),
    }
}

impl Request {
    /// Whether the server answers this request with a reply (else only errors can come back).
    pub fn has_reply(&self) -> bool {
        matches!(
            self,
            Request::GetWindowAttributes(_)
                | Request::GetGeometry(_)
                | Request::QueryTree(_)
                | Request::InternAtom(_)
                | Request::GetAtomName(_)
                | Request::GetProperty(_)
                | Request::ListProperties(_)
                | Request::GetInputFocus(_)
                | Request::QueryPointer(_)
                | Request::Sync(_)
                | Request::ListClients(_)
                | Request::GetImage(_)
                | Request::QueryTextExtents(_)
                | Request::GetSelectionOwner(_)
        )
    }
}
