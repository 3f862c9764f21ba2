//! [`ShmExt`]: the shared-memory requests of protocol 1.3 (`SHM`), for programs that
//! manage segments themselves. [`DrawExt::put_image`](crate::DrawExt::put_image) uses
//! shared memory on its own when it can; these are for tools and tests. Segment numbers
//! from `0x8000_0000` up are the library's own.

use std::os::fd::OwnedFd;

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::VoidCookie;
use yonder_protocol::request::{ImageFormat, ShmAttach, ShmDetach, ShmPutImage};
use yonder_protocol::RequestInfo;
use yonder_protocol::{Drawable, GcId, Point, Request, ShmSegment};

/// The shared-memory requests of protocol 1.3 (`SHM`), for programs that manage segments
/// themselves. [`DrawExt::put_image`](crate::DrawExt::put_image) uses shared memory on its own when it can; these are
/// for tools and tests. Segment numbers from `0x8000_0000` up are the library's own.
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait ShmExt: Sealed {
    /// Attaches `fd`, a memfd sealed with `F_SEAL_SHRINK` and at least `size` bytes long,
    /// as segment `segment`; the descriptor travels with the request's frame. On a
    /// connection that cannot pass descriptors (TCP) the request goes without it, and the
    /// server answers with an Access error.
    fn shm_attach(&self, segment: ShmSegment, size: u64, fd: OwnedFd) -> VoidCookie<'_> {
        let request = Request::ShmAttach(ShmAttach { segment, size });
        let fd = self.conn().transport.is_unix().then_some(fd);
        VoidCookie::new(
            &self.conn().transport,
            self.conn()
                .transport
                .send_tracked_with_fd(&request, Some(ShmAttach::HAS_REPLY), fd),
        )
    }

    /// Detaches segment `segment`.
    fn shm_detach(&self, segment: ShmSegment) -> VoidCookie<'_> {
        self.conn().void_request(ShmDetach { segment })
    }

    /// Puts raw pixels read from a segment: row `r` starts at `offset + r·stride`. Do not
    /// write that memory again until the server has processed this request (anything for
    /// a later request, such as a Sync reply, has arrived).
    #[allow(clippy::too_many_arguments)] // the request's own fields, in wire order
    fn shm_put_image(
        &self,
        drawable: impl Into<Drawable>,
        gc: GcId,
        dst: Point,
        width: u32,
        height: u32,
        format: ImageFormat,
        segment: ShmSegment,
        offset: u64,
        stride: u32,
    ) -> VoidCookie<'_> {
        self.conn().void_request(ShmPutImage {
            drawable: drawable.into(),
            gc,
            dst,
            width,
            height,
            format,
            segment,
            offset,
            stride,
        })
    }
}

impl ShmExt for Connection {}
