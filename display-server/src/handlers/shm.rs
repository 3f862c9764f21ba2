//! Shared-memory images (protocol 1.3, the `SHM` extension, §15.3 of protocol.md):
//! ShmAttach maps the memfd that came with the frame, ShmDetach unmaps it, ShmPutImage
//! draws raw pixels read from it. Segments belong to one client and go with it.
//!
//! Every number a client sends is checked before a byte of the segment is touched: the
//! segment must exist, `stride` must hold a row, and the last byte of the rectangle
//! (`offset + stride·(height−1) + 4·width`, computed without overflow) must lie inside it.
//! The mapping cannot shrink under us (see [`crate::shm`]), so a client cannot crash the
//! server through a segment; at worst it gets an error, or garbage pixels of its own.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use crate::command::{fail, HandlerResult};
use crate::render;
use crate::render::lanes::Job;
use crate::shm::{Segment, MAX_SEGMENTS_PER_CLIENT, MAX_SEGMENT_SIZE};
use crate::state::surfaces::LANE_MIN_PIXELS;
use crate::state::State;
use yonder_protocol::request::{ShmAttach, ShmDetach, ShmPutImage};
use yonder_protocol::{ClientId, ErrorCode, ProtocolError, ShmSegment};

use super::image::{format, image_error};
use crate::handlers::draw;

/// The client's segments, if its setup offered the extension (else a Request error,
/// as for any request the server does not take).
fn shm_segments(
    s: &mut State,
    c: ClientId,
    opcode: u8,
) -> Result<&mut std::collections::HashMap<ShmSegment, Arc<Segment>>, ProtocolError> {
    match s.clients.get_mut(&c) {
        Some(client) if client.shm_offered => Ok(&mut client.segments),
        _ => Err(fail(
            ErrorCode::Request,
            opcode as u64,
            "shared-memory images (SHM) are not offered on this connection",
        )),
    }
}

// ShmAttach: [segment, size]; the memfd travels as SCM_RIGHTS with the frame.
pub(crate) fn shm_attach(
    s: &mut State,
    c: ClientId,
    r: ShmAttach,
    fd: Option<OwnedFd>,
) -> HandlerResult {
    let segments = shm_segments(s, c, ShmAttach::OPCODE)?;
    if r.segment.is_none() || segments.contains_key(&r.segment) {
        return Err(fail(
            ErrorCode::IdChoice,
            r.segment.0 as u64,
            format!("segment {} is 0 or already attached", r.segment.0),
        ));
    }
    if r.size == 0 || r.size > MAX_SEGMENT_SIZE {
        return Err(fail(
            ErrorCode::Value,
            r.size,
            format!("segment size {} is not 1..={MAX_SEGMENT_SIZE}", r.size),
        ));
    }
    if segments.len() >= MAX_SEGMENTS_PER_CLIENT {
        return Err(fail(
            ErrorCode::Alloc,
            r.segment.0 as u64,
            format!("at most {MAX_SEGMENTS_PER_CLIENT} segments per client"),
        ));
    }
    let fd = fd.ok_or(crate::shm::AttachError::NoDescriptor);
    let segment = fd
        .and_then(|fd| Segment::attach(fd, r.size))
        .map_err(|e| fail(ErrorCode::Access, r.segment.0 as u64, e.to_string()))?;
    segments.insert(r.segment, Arc::new(segment));
    Ok(None)
}

// ShmDetach: [segment]
pub(crate) fn shm_detach(s: &mut State, c: ClientId, r: ShmDetach) -> HandlerResult {
    let segments = shm_segments(s, c, ShmDetach::OPCODE)?;
    match segments.remove(&r.segment) {
        Some(_) => Ok(None),
        None => Err(no_segment(r.segment)),
    }
}

// ShmPutImage: [drawable, gc, [x, y], width, height, format, segment, offset, stride]
pub(crate) fn shm_put_image(s: &mut State, c: ClientId, r: ShmPutImage) -> HandlerResult {
    shm_segments(s, c, ShmPutImage::OPCODE)?;
    let (w, h) = s.check_drawable(r.drawable)?;
    s.check_draw_target(c, r.drawable)?;
    if !s.gcs.contains_key(&r.gc) {
        return Err(fail(
            ErrorCode::Gc,
            r.gc.0,
            format!("no graphics context {}", r.gc),
        ));
    }
    let raw_format = format(r.format)
        .filter(|_| r.format.is_raw())
        .ok_or_else(|| {
            fail(
                ErrorCode::Value,
                r.format as u64,
                "shared-memory images are Bgrx, Rgba or Rgbx",
            )
        })?;
    let client = &s.clients[&c];
    if r.format.since_minor() > client.minor {
        s.check_image_format(c, r.format)?;
    }
    let segment = client
        .segments
        .get(&r.segment)
        .ok_or_else(|| no_segment(r.segment))?;
    let range = rect_bytes(&r, segment.len())?;
    // The rows are read where they are: no copy of the image is made.
    let bytes = &segment.bytes()[range.clone()];
    let img = render::RawImage::strided(raw_format, r.width, r.height, r.stride as usize, bytes)
        .map_err(image_error)?;
    // Not through `draw::draw`: the image borrows the client's segment meanwhile.
    let gc = s.gcs.get_mut(&r.gc).expect("checked above");
    let style = gc.style(w, h).with_workers(&s.workers);
    // The client may change its memory while the server reads it: what lands from an
    // image whose alpha is tested (a row found opaque may change before it is copied) is
    // not known to be opaque; one whose alpha is set as each pixel is read is.
    match render::put_raw_sets_alpha(&img) {
        true => s.opaque.drawn(r.drawable, style.op),
        false => s.opaque.forget(r.drawable),
    }
    let clipped = style.clip.is_some();
    // What an unclipped put changes: large enough, it is drawn on a lane, from the
    // segment where it is (the lane keeps it mapped).
    let damage = render::unclipped_put_damage((w, h), r.dst.x, r.dst.y, r.width, r.height);
    let work = damage.map_or(0, draw::pixels);
    if !clipped && work >= LANE_MIN_PIXELS && s.workers.side_by_side() {
        let (style, segment) = (style.unclipped_alone(), segment.clone());
        let (width, height, stride, dst) = (r.width, r.height, r.stride as usize, r.dst);
        let draw = move |pm: &mut render::Pixmap, workers: Option<&render::Workers>| {
            let bytes = &segment.bytes()[range];
            let img = render::RawImage::strided(raw_format, width, height, stride, bytes)
                .expect("checked before it was handed");
            render::put_raw(pm, &render::Style { workers, ..style }, dst.x, dst.y, &img);
        };
        let job = Job {
            client: c,
            opcode: ShmPutImage::OPCODE,
            pixels: work,
            draw: Box::new(draw),
        };
        s.surfaces.hand(&s.workers, r.drawable, job);
        draw::drawn(s, r.drawable, r.gc, false, damage, work);
        return Ok(None);
    }
    let pm = s.surfaces.get_mut(&r.drawable).expect("checked");
    let damage = render::put_raw(pm, &style, r.dst.x, r.dst.y, &img);
    let work = damage.map_or(0, draw::pixels);
    draw::drawn(s, r.drawable, r.gc, clipped, damage, work);
    Ok(None)
}

fn no_segment(s: ShmSegment) -> ProtocolError {
    fail(
        ErrorCode::Value,
        s.0 as u64,
        format!("no shared-memory segment {}", s.0),
    )
}

/// The byte range the image occupies in a segment of `len` bytes, or the error saying why
/// it does not fit. Checks the sizes too, so nothing here can overflow.
fn rect_bytes(r: &ShmPutImage, len: u64) -> Result<std::ops::Range<usize>, ProtocolError> {
    let max = render::MAX_IMAGE_SIDE;
    if r.width == 0 || r.height == 0 || r.width > max || r.height > max {
        return Err(fail(
            ErrorCode::Value,
            r.width.max(r.height) as u64,
            format!(
                "image size {}x{} must be 1..={max} on each side",
                r.width, r.height
            ),
        ));
    }
    let row = 4 * r.width as u64;
    if (r.stride as u64) < row {
        return Err(fail(
            ErrorCode::Value,
            r.stride as u64,
            format!("stride {} is shorter than a row of {row} bytes", r.stride),
        ));
    }
    // Both factors are below 2^32, the sum below 2^64 unless the offset is absurd.
    let end = (r.stride as u64 * (r.height as u64 - 1) + row)
        .checked_add(r.offset)
        .filter(|&end| end <= len)
        .ok_or_else(|| {
            fail(
                ErrorCode::Length,
                len,
                format!(
                    "a {}x{} image at offset {} with stride {} does not fit in the {len} bytes of segment {}",
                    r.width, r.height, r.offset, r.stride, r.segment.0
                ),
            )
        })?;
    Ok(r.offset as usize..end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::request::ImageFormat;
    use yonder_protocol::{Drawable, GcId, Point};

    fn put(width: u32, height: u32, offset: u64, stride: u32) -> ShmPutImage {
        ShmPutImage {
            drawable: Drawable(1),
            gc: GcId(2),
            dst: Point::new(0, 0),
            width,
            height,
            format: ImageFormat::Bgrx,
            segment: ShmSegment(1),
            offset,
            stride,
        }
    }

    #[test]
    fn rectangles_must_lie_inside_the_segment() {
        assert_eq!(rect_bytes(&put(2, 2, 0, 8), 16).unwrap(), 0..16);
        assert_eq!(rect_bytes(&put(2, 2, 4, 12), 24).unwrap(), 4..24);
        let code = |r: ShmPutImage, len| rect_bytes(&r, len).unwrap_err().code;
        assert_eq!(code(put(2, 2, 1, 8), 16), ErrorCode::Length);
        assert_eq!(code(put(2, 3, 0, 8), 16), ErrorCode::Length);
        assert_eq!(code(put(2, 2, u64::MAX - 4, 8), 16), ErrorCode::Length);
        assert_eq!(code(put(2, 2, 0, 7), 16), ErrorCode::Value);
        assert_eq!(code(put(0, 2, 0, 8), 16), ErrorCode::Value);
        assert_eq!(code(put(16385, 1, 0, 65540), 1 << 20), ErrorCode::Value);
    }
}
