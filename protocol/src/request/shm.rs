//! Shared-memory images (version 1.3, the `SHM` extension; X's MIT-SHM): a client on the
//! same machine hands the server a memory file once and then puts images that the server
//! reads straight from it, so the pixels never travel through the socket.
//!
//! The file itself is not part of any message: it travels as a file descriptor in the
//! ancillary data (`SCM_RIGHTS`) of the Unix-socket write that carries the ShmAttach
//! frame's first byte. That is transport, not data, so this crate only describes the
//! requests; the server's connection code pairs each ShmAttach with its descriptor.

use crate::geometry::Point;
use crate::ids::{Drawable, GcId, ShmSegment};
use crate::request::ImageFormat;
use serde::{Deserialize, Serialize};

/// Attaches the memory file that came with this frame as segment `segment`, `size`
/// bytes long. The file must be a memfd sealed against shrinking (`F_SEAL_SHRINK`) and
/// at least `size` bytes long; the server maps it read-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShmAttach {
    /// The client's number for the segment: nonzero, not in use on this connection.
    pub segment: ShmSegment,
    /// How many bytes of the file the server maps.
    pub size: u64,
}

/// Forgets a segment: the server unmaps it. Requests before it still read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShmDetach {
    /// The segment.
    pub segment: ShmSegment,
}

/// Like PutImage with raw pixels, read from a segment: row `r` of the image starts at
/// byte `offset + r·stride`. The server reads the segment while it processes this
/// request and never after, so once a message with this request's sequence number or a
/// higher one has arrived (a later Sync's reply, say) the client may write there again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShmPutImage {
    /// Target.
    pub drawable: Drawable,
    /// GC (op and clip apply).
    pub gc: GcId,
    /// Top-left of the image in the drawable.
    pub dst: Point,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `Bgrx` or `Rgba`.
    pub format: ImageFormat,
    /// The segment holding the pixels.
    pub segment: ShmSegment,
    /// Byte offset of the first pixel in the segment.
    pub offset: u64,
    /// Bytes from one row's start to the next's, at least `4 × width`.
    pub stride: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Request;

    #[test]
    fn opcode_constants_match_the_request_enum() {
        let seg = ShmSegment(1);
        let attach = Request::ShmAttach(ShmAttach {
            segment: seg,
            size: 1,
        });
        let detach = Request::ShmDetach(ShmDetach { segment: seg });
        let put = Request::ShmPutImage(ShmPutImage {
            drawable: Drawable(1),
            gc: GcId(1),
            dst: Point::new(0, 0),
            width: 1,
            height: 1,
            format: ImageFormat::Bgrx,
            segment: seg,
            offset: 0,
            stride: 4,
        });
        assert_eq!(attach.code(), ShmAttach::OPCODE);
        assert_eq!(detach.code(), ShmDetach::OPCODE);
        assert_eq!(put.code(), ShmPutImage::OPCODE);
    }
}
