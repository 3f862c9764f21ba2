//! What a move copies to the display the app goes to while it still runs on the other
//! (protocol.md §5.5, pre-copy): after the journal's staged replay, each request of the
//! app that changes resources or draws, as the same frame. Not copied: queries (their
//! answers come from the display the app is on), what belongs to that display's moment
//! (focus, synthetic input, events sent to others, selection transfers, drag-and-drop,
//! shared-memory segments), and map state and selection ownership, which the switch
//! sets from the journal (windows stay unmapped until then). A ShmPutImage from the
//! library's own segment is copied as the PutImage of its pixels. A GC's values of a
//! later version than the new display's are left out (`Request::for_minor`).
//!
//! Pure data: the transport feeds it under its output lock, after the request went to
//! the first display, and the mover takes the frames.

use super::Sent;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::request::{opaque_alpha, ImageFormat, PutImage};
use yonder_protocol::Request;

/// The frames to copy, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Copy {
    frames: Vec<u8>,
    requests: u64,
    /// Pixels from shared memory go compressed (the new display is over the network).
    compress: bool,
    /// The new display's minor version.
    minor: u16,
}

impl Copy {
    /// An empty copy for a display of version 1.`minor`; `compress`: images read from
    /// shared memory go as QOI where that is smaller.
    pub(crate) fn new(compress: bool, minor: u16) -> Copy {
        Copy {
            compress,
            minor,
            ..Copy::default()
        }
    }

    /// Notes a request the app sent (`encode` appends its frame).
    pub(crate) fn note(&mut self, sent: Sent<'_>, encode: &dyn Fn(&mut Vec<u8>)) {
        match sent {
            Sent::Draw { .. } => encode(&mut self.frames),
            Sent::Request(r) if copied(r) => match r.for_minor(self.minor) {
                Some(plain) => encode_request_frame(&plain, &mut self.frames),
                None => encode(&mut self.frames),
            },
            Sent::Request(_) => return,
            Sent::Put { head, data } => match head.format.for_minor(self.minor) {
                Some(format) => {
                    let mut plain = PutImage {
                        format,
                        data: data.to_vec(),
                        ..head.clone()
                    };
                    opaque_alpha(&mut plain.data);
                    encode_request_frame(&Request::PutImage(plain), &mut self.frames)
                }
                None => encode(&mut self.frames),
            },
            Sent::ShmPut { put, pixels } => {
                let packed = match self.compress {
                    true => crate::lossless::qoi(put.format, put.width, put.height, pixels),
                    false => None,
                };
                let (format, data) = match packed {
                    Some(qoi) => (ImageFormat::Qoi, qoi),
                    None => (put.format, pixels.to_vec()),
                };
                let plain = PutImage {
                    drawable: put.drawable,
                    gc: put.gc,
                    dst: put.dst,
                    width: put.width,
                    height: put.height,
                    format,
                    data,
                };
                let plain = plain.for_minor(self.minor).unwrap_or(plain);
                encode_request_frame(&Request::PutImage(plain), &mut self.frames);
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

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::message::decode_request;
    use yonder_protocol::request::{ChangeGc, GcValues};
    use yonder_protocol::GcId;

    /// A move to an older display copies a GC's values without those of later versions;
    /// to a display of this version, as the app gave them.
    #[test]
    fn gc_values_of_later_versions_are_left_out_for_an_older_display() {
        let r = Request::ChangeGc(ChangeGc {
            gc: GcId(7),
            values: GcValues {
                font_face: Some(1),
                text_antialias: Some(false),
                ..GcValues::default()
            },
        });
        let encode = |buf: &mut Vec<u8>| encode_request_frame(&r, buf);
        for (minor, expected) in [
            (yonder_protocol::PROTOCOL_MINOR, (Some(1), Some(false))),
            (10, (Some(1), None)),
            (6, (None, None)),
        ] {
            let mut copy = Copy::new(false, minor);
            copy.note(Sent::Request(&r), &encode);
            let (frames, n) = copy.take();
            assert_eq!(n, 1);
            match decode_request(&frames[4..]).unwrap() {
                Request::ChangeGc(c) => assert_eq!(
                    (c.values.font_face, c.values.text_antialias),
                    expected,
                    "1.{minor}"
                ),
                other => panic!("{other:?}"),
            }
        }
    }
}
