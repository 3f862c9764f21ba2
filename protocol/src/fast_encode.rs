//! Hand-written encoding of the poly drawing requests (PolyPoint … FillPoly, opcodes
//! 42–49) and of a ChangeGc without values, straight from a slice of items into the output buffer: no `Request` is built
//! (so no copy of the items) and no serde call is made per coordinate.
//!
//! The bytes are exactly serde's (rmp-serde writes every integer with `rmp`'s shortest
//! encoding, and so does this module through the same `rmp` functions);
//! `tests/fast_codec.rs` checks the two byte for byte on arbitrary requests, and the
//! golden tests pin both to protocol.md.

use crate::frame::{encode_frame, HEADER_LEN};
use crate::geometry::{Arc, Point, Rect, Segment};
use crate::ids::{Drawable, GcId};
use crate::request::{GcValues, Request};

/// An element of a poly request's list, written as the array of its fields.
pub trait PolyItem {
    /// Appends the item's MessagePack form.
    fn write(&self, out: &mut Vec<u8>);
}

// Writing into a Vec cannot fail: the `rmp` results are always Ok.
fn array(out: &mut Vec<u8>, n: u32) {
    let _ = rmp::encode::write_array_len(out, n);
}

fn sint(out: &mut Vec<u8>, v: i32) {
    if (0..0x80).contains(&v) {
        out.push(v as u8); // positive fixint, the common case
    } else {
        let _ = rmp::encode::write_sint(out, v as i64);
    }
}

fn uint(out: &mut Vec<u8>, v: u64) {
    if v < 0x80 {
        out.push(v as u8);
    } else {
        let _ = rmp::encode::write_uint(out, v);
    }
}

impl PolyItem for Point {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(0x92);
        sint(out, self.x);
        sint(out, self.y);
    }
}

impl PolyItem for Rect {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(0x94);
        sint(out, self.x);
        sint(out, self.y);
        uint(out, self.width as u64);
        uint(out, self.height as u64);
    }
}

impl PolyItem for Segment {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(0x94);
        sint(out, self.x1);
        sint(out, self.y1);
        sint(out, self.x2);
        sint(out, self.y2);
    }
}

impl PolyItem for Arc {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(0x96);
        sint(out, self.x);
        sint(out, self.y);
        uint(out, self.width as u64);
        uint(out, self.height as u64);
        sint(out, self.angle1);
        sint(out, self.angle2);
    }
}

/// Appends the frame of the poly request `opcode` (42–49; the caller pairs it with the
/// right item type) drawing `items` into `drawable` with `gc`: `[opcode, [drawable, gc,
/// [item, ...]]]`, byte for byte what [`encode_frame`] writes for the same `Request`.
pub fn poly_frame<T: PolyItem>(
    opcode: u8,
    drawable: Drawable,
    gc: GcId,
    items: &[T],
    out: &mut Vec<u8>,
) {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER_LEN]);
    out.push(0x92);
    uint(out, opcode as u64);
    out.push(0x93);
    uint(out, drawable.0);
    uint(out, gc.0);
    // More than u32::MAX items cannot be framed (the frame limit is far lower); serde
    // would fail the same way, so this mirrors `encode_frame`'s contract.
    let n = u32::try_from(items.len()).expect("a poly request holds fewer than 2^32 items");
    array(out, n);
    for item in items {
        item.write(out);
    }
    let len = (out.len() - start - HEADER_LEN) as u32;
    out[start..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// Appends one request frame: the poly requests by hand, every other through serde.
pub fn encode_request_frame(req: &Request, out: &mut Vec<u8>) {
    let code = req.code();
    match req {
        Request::PolyPoint(r) => poly_frame(code, r.drawable, r.gc, &r.points, out),
        Request::PolyLine(r) => poly_frame(code, r.drawable, r.gc, &r.points, out),
        Request::PolySegment(r) => poly_frame(code, r.drawable, r.gc, &r.segments, out),
        Request::PolyRectangle(r) => poly_frame(code, r.drawable, r.gc, &r.rects, out),
        Request::PolyFillRectangle(r) => poly_frame(code, r.drawable, r.gc, &r.rects, out),
        Request::PolyArc(r) => poly_frame(code, r.drawable, r.gc, &r.arcs, out),
        Request::PolyFillArc(r) => poly_frame(code, r.drawable, r.gc, &r.arcs, out),
        Request::FillPoly(r) => poly_frame(code, r.drawable, r.gc, &r.points, out),
        // A no-op ChangeGc (ten nils): x11perf's noop, and common in apps that reset a GC.
        Request::ChangeGc(r) if r.values == GcValues::default() => {
            let start = out.len();
            out.extend_from_slice(&[0; HEADER_LEN]);
            out.extend_from_slice(&[0x92, code, 0x92]);
            uint(out, r.gc.0);
            out.push(0x9a);
            out.extend_from_slice(&[0xc0; 10]);
            let len = (out.len() - start - HEADER_LEN) as u32;
            out[start..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
        }
        other => encode_frame(other, out),
    }
}
