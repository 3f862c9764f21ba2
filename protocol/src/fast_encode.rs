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

fn uint(out: &mut Vec<u8>, v: u64) {
    let mut item = Item::default();
    item.uint(v);
    out.extend_from_slice(item.bytes());
}

/// One list item's bytes, gathered on the stack and appended to the output at once
/// (one capacity check per item instead of one per byte). Integers take `rmp`'s
/// shortest encoding, which is what rmp-serde writes.
#[derive(Default)]
struct Item {
    /// Room for the longest item: an Arc, 1 + 6 × 5 bytes.
    buf: [u8; 32],
    len: usize,
}

impl Item {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    #[inline(always)]
    fn uint(&mut self, v: u64) {
        match v {
            0..=0x7f => self.put(&[v as u8]),
            0x80..=0xff => self.put(&[0xcc, v as u8]),
            0x100..=0xffff => {
                let b = (v as u16).to_be_bytes();
                self.put(&[0xcd, b[0], b[1]]);
            }
            0x1_0000..=0xffff_ffff => {
                let b = (v as u32).to_be_bytes();
                self.put(&[0xce, b[0], b[1], b[2], b[3]]);
            }
            _ => {
                self.put(&[0xcf]);
                self.put(&v.to_be_bytes());
            }
        }
    }

    #[inline(always)]
    fn sint(&mut self, v: i32) {
        match v {
            0.. => self.uint(v as u64),
            -32..=-1 => self.put(&[v as u8]),
            -128..=-33 => self.put(&[0xd0, v as u8]),
            -32768..=-129 => {
                let b = (v as i16).to_be_bytes();
                self.put(&[0xd1, b[0], b[1]]);
            }
            _ => {
                let b = v.to_be_bytes();
                self.put(&[0xd2, b[0], b[1], b[2], b[3]]);
            }
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Appends the item: the whole fixed-size buffer (a copy the compiler inlines, where
    /// a variable length would call `memcpy`), then cuts off the unused tail.
    #[inline(always)]
    fn append_to(&self, out: &mut Vec<u8>) {
        let at = out.len();
        out.extend_from_slice(&self.buf);
        out.truncate(at + self.len);
    }
}

impl PolyItem for Point {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        let mut i = Item::default();
        i.put(&[0x92]);
        i.sint(self.x);
        i.sint(self.y);
        i.append_to(out);
    }
}

impl PolyItem for Rect {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        let mut i = Item::default();
        i.put(&[0x94]);
        i.sint(self.x);
        i.sint(self.y);
        i.uint(self.width as u64);
        i.uint(self.height as u64);
        i.append_to(out);
    }
}

impl PolyItem for Segment {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        let mut i = Item::default();
        i.put(&[0x94]);
        i.sint(self.x1);
        i.sint(self.y1);
        i.sint(self.x2);
        i.sint(self.y2);
        i.append_to(out);
    }
}

impl PolyItem for Arc {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        let mut i = Item::default();
        i.put(&[0x96]);
        i.sint(self.x);
        i.sint(self.y);
        i.uint(self.width as u64);
        i.uint(self.height as u64);
        i.sint(self.angle1);
        i.sint(self.angle2);
        i.append_to(out);
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
    // Most items are short; one reservation up front saves regrowing the buffer.
    out.reserve(items.len() * 10);
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
