//! What a move copies to the display the app goes to while it still runs on the other
//! (protocol.md §5.5, pre-copy): after the journal's staged replay, each request of the
//! app that changes resources or draws, as the same frame. Not copied: queries (their
//! answers come from the display the app is on), what belongs to that display's moment
//! (focus, synthetic input, events sent to others, selection transfers, drag-and-drop,
//! shared-memory segments), and map state and selection ownership, which the switch
//! sets from the journal (windows stay unmapped until then). A ShmPutImage from the
//! library's own segment is copied as the PutImage of its pixels.
//!
//! Pure data: the transport feeds it under its output lock, after the request went to
//! the first display, and the mover takes the frames.

use super::Sent;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::request::{ImageFormat, PutImage};
use yonder_protocol::Request;

/// The frames to copy, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Copy {
    frames: Vec<u8>,
    requests: u64,
    /// Pixels from shared memory go compressed (the new display is over the network).
    compress: bool,
}

impl Copy {
    /// An empty copy; `compress`: images read from shared memory go as QOI where that
    /// is smaller.
    pub(crate) fn new(compress: bool) -> Copy {
        Copy {
            compress,
            ..Copy::default()
        }
    }

    /// Notes a request the app sent (`encode` appends its frame).
    pub(crate) fn note(&mut self, sent: Sent<'_>, encode: &dyn Fn(&mut Vec<u8>)) {
        match sent {
            Sent::Draw { .. } => encode(&mut self.frames),
            Sent::Request(r) if copied(r) => encode(&mut self.frames),
            Sent::Request(_) => return,
            Sent::ShmPut { put, pixels } => {
                let packed = match self.compress {
                    true => crate::lossless::qoi(put.format, put.width, put.height, pixels),
                    false => None,
                };
                let (format, data) = match packed {
                    Some(qoi) => (ImageFormat::Qoi, qoi),
                    None => (put.format, pixels.to_vec()),
                };
                let plain = Request::PutImage(PutImage {
                    drawable: put.drawable,
                    gc: put.gc,
                    dst: put.dst,
                    width: put.width,
                    height: put.height,
                    format,
                    data,
                });
                encode_request_frame(&plain, &mut self.frames);
            }
        }
        self.requests += 1;
    }

    /// Takes the frames so far and how many requests they are.
    pub(crate) fn take(&mut self) -> (Vec<u8>, u64) {
        let n = std::mem::take(&mut self.requests);
        (std::mem::take(&mut self.frames), n)
    }
}

/// Whether a request built as a value is copied (see the module doc).
pub(crate) fn copied(request: &Request) -> bool {
    use Request as R;
    match request {
        R::CreateWindow(_)
        | R::ChangeWindowAttributes(_)
        | R::DestroyWindow(_)
        | R::ConfigureWindow(_)
        | R::ReparentWindow(_)
        | R::ChangeProperty(_)
        | R::DeleteProperty(_)
        | R::CreatePixmap(_)
        | R::FreePixmap(_)
        | R::CreateGc(_)
        | R::ChangeGc(_)
        | R::SetClipRectangles(_)
        | R::FreeGc(_)
        | R::ChangeSaveSet(_)
        | R::ClearArea(_)
        | R::CopyArea(_)
        | R::PolyPoint(_)
        | R::PolyLine(_)
        | R::PolySegment(_)
        | R::PolyRectangle(_)
        | R::PolyFillRectangle(_)
        | R::PolyArc(_)
        | R::PolyFillArc(_)
        | R::FillPoly(_)
        | R::PutImage(_)
        | R::DrawText(_) => true,
        // A deleting GetProperty's deletion is copied as what it does.
        R::GetProperty(r) => r.delete,
        R::MapWindow(_)
        | R::UnmapWindow(_)
        | R::SetSelectionOwner(_)
        | R::GetWindowAttributes(_)
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
        | R::SetCloseDownMode(_)
        | R::GrantMove(_)
        | R::MoveClient(_)
        | R::MoveDone(_)
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
        | R::ShmPutImage(_) => false,
    }
}
