//! Hand-written encoding of the rows flagged `FastEncode` in [`crate::descriptor`]: the
//! poly drawing requests (PolyPoint … FillPoly), a ChangeGc without values, CopyArea and
//! ShmPutImage (one-object requests whose serde encoding cost more than the server's
//! work for a small copy or put), straight from a slice of items into the
//! output buffer: no `Request` is built (so no copy of the items) and no serde call is
//! made per coordinate.
//!
//! The bytes are exactly serde's (rmp-serde writes every integer and array header with
//! `rmp`'s shortest encoding, and so does this module, by hand);
//! `tests/fast_codec.rs` checks the two byte for byte on arbitrary requests, and the
//! golden tests pin both to protocol.md.

use crate::descriptor::Request;
use crate::frame::{encode_frame, HEADER_LEN};
use crate::geometry::{Arc, Point, Rect, Segment};
use crate::ids::{Drawable, GcId};
use crate::packed::Packed;
use crate::request::{GcValues, NoOperation, PutImage};

/// An element of a poly request's list, written as the array of its fields, or packed
/// (`crate::packed`) where that is shorter.
pub trait PolyItem: Sized {
    /// The most bytes [`PolyItem::write`] writes.
    const MAX_LEN: usize;
    /// Writes the item's MessagePack form.
    fn write(&self, w: &mut Writer<'_>);
    /// The list's form, and its bytes in it at most, header included. The default (the
    /// items that never travel packed: arcs) is the array, at its longest.
    #[inline(always)]
    fn form(items: &[Self]) -> (ListForm, usize) {
        (ListForm::Array, 5 + items.len() * Self::MAX_LEN)
    }
    /// Writes a list of items in the form [`PolyItem::form`] gave. The default writes the
    /// array; the packable ones override it.
    #[inline(always)]
    fn write_list(items: &[Self], w: &mut Writer<'_>, form: ListForm) {
        let _ = form;
        write_array(items, w);
    }
}

/// How a poly request's list is written.
#[derive(Clone, Copy)]
pub enum ListForm {
    /// Packed (`crate::packed::form` said so).
    Packed,
    /// As the array (it says so, or the items never travel packed).
    Array,
    /// As the array, rewritten packed if that turns out shorter: the items sampled
    /// (`crate::packed::likely`) were all shorter as arrays, as a list of small
    /// rectangles is, whose every pass costs (a pass to decide cost rect1 a seventh of
    /// its client instructions).
    Unsure,
}

/// Writes `items` as a MessagePack array of their own forms.
#[inline(always)]
fn write_array<T: PolyItem>(items: &[T], w: &mut Writer<'_>) {
    // `poly_frame` checked that the count fits.
    w.array_len(items.len() as u32);
    for item in items {
        item.write(w);
    }
}

/// [`PolyItem`]'s methods for the items that may travel packed: the form decided
/// before anything is written where the sampled items say the list may well go packed
/// (`crate::packed::form`, one branch-free pass), so that the room made is what that
/// form takes; else written as the array and checked after.
macro_rules! packable {
    () => {
        #[inline(always)]
        fn form(items: &[Self]) -> (ListForm, usize) {
            // A short list is scanned whole: sampling would cost as much.
            if items.len() > 8 && !crate::packed::likely(items) {
                return (ListForm::Unsure, 5 + items.len() * Self::MAX_LEN);
            }
            match crate::packed::form(items) {
                (true, len) => (ListForm::Packed, len),
                (false, len) => (ListForm::Array, len),
            }
        }

        #[inline(always)]
        fn write_list(items: &[Self], w: &mut Writer<'_>, form: ListForm) {
            let list = w.len;
            match form {
                ListForm::Packed => put_packed(items, w),
                ListForm::Array => write_array(items, w),
                ListForm::Unsure => {
                    write_array(items, w);
                    if crate::packed::shorter_packed(items, w.len - list) {
                        w.len = list;
                        put_packed(items, w);
                    }
                }
            }
        }
    };
}

/// Writes `items` packed (`crate::packed`): the `bin` header and each item's fields
/// (every one fits).
#[inline(always)]
fn put_packed<T: Packed>(items: &[T], w: &mut Writer<'_>) {
    let bytes = items.len() * T::SIZE;
    w.bin_len(bytes);
    let out = &mut w.buf[w.len..w.len + bytes];
    for (item, o) in items.iter().zip(out.chunks_exact_mut(T::SIZE)) {
        item.put(o);
    }
    w.len += bytes;
}

/// Writes MessagePack straight into room the caller made at the end of the output (a
/// zeroed stretch, cut back to what was written). Writing in place matters: an item
/// gathered on the stack and then copied out is read back wider than it was written,
/// which stalls the processor on every item (store forwarding fails), and whether it
/// does depended on how the compiler laid the loop out (10 % of rect1 came and went).
/// Integers take `rmp`'s shortest encoding, which is what rmp-serde writes.
pub struct Writer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

/// The longest request head of a poly request (see [`poly_frame`]): length, envelope,
/// opcode, arguments' header, drawable, gc, the list's header.
const HEAD_MAX: usize = HEADER_LEN + 1 + 2 + 1 + 9 + 9 + 5;

impl<'a> Writer<'a> {
    /// A writer at the start of `buf`.
    fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

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

    /// A resource id: relative (−n, the shortest signed form, as `rmp` writes it) where
    /// [`crate::ids::encode_relative_to`] says so, else the full `u64`.
    #[inline(always)]
    fn id(&mut self, raw: u64) {
        let Some(n) = crate::ids::relative(raw) else {
            return self.uint(raw);
        };
        let v = -(n as i64);
        match v {
            -32..=-1 => self.put(&[v as u8]),
            -128..=-33 => self.put(&[0xd0, v as u8]),
            -32768..=-129 => {
                let b = (v as i16).to_be_bytes();
                self.put(&[0xd1, b[0], b[1]]);
            }
            -0x8000_0000..=-32769 => {
                let b = (v as i32).to_be_bytes();
                self.put(&[0xd2, b[0], b[1], b[2], b[3]]);
            }
            _ => {
                self.put(&[0xd3]);
                self.put(&v.to_be_bytes());
            }
        }
    }

    /// A bin header of `n` bytes: `rmp`'s `write_bin_len` (bin 8, bin 16, bin 32; `n`
    /// below 2³², which a frame's limit keeps it).
    #[inline(always)]
    fn bin_len(&mut self, n: usize) {
        match n {
            0..=0xff => self.put(&[0xc4, n as u8]),
            0x100..=0xffff => {
                let b = (n as u16).to_be_bytes();
                self.put(&[0xc5, b[0], b[1]]);
            }
            _ => {
                let b = (n as u32).to_be_bytes();
                self.put(&[0xc6, b[0], b[1], b[2], b[3]]);
            }
        }
    }

    /// An array header: `rmp`'s `write_array_len` (fixarray, array 16, array 32).
    #[inline(always)]
    fn array_len(&mut self, n: u32) {
        match n {
            0..=15 => self.put(&[0x90 | n as u8]),
            16..=0xffff => {
                let b = (n as u16).to_be_bytes();
                self.put(&[0xdc, b[0], b[1]]);
            }
            _ => {
                let b = n.to_be_bytes();
                self.put(&[0xdd, b[0], b[1], b[2], b[3]]);
            }
        }
    }
}

impl PolyItem for Point {
    packable!();

    const MAX_LEN: usize = 1 + 2 * 5;

    #[inline(always)]
    fn write(&self, i: &mut Writer<'_>) {
        i.put(&[0x92]);
        i.sint(self.x);
        i.sint(self.y);
    }
}

impl PolyItem for Rect {
    packable!();

    const MAX_LEN: usize = 1 + 4 * 5;

    #[inline(always)]
    fn write(&self, i: &mut Writer<'_>) {
        i.put(&[0x94]);
        i.sint(self.x);
        i.sint(self.y);
        i.uint(self.width as u64);
        i.uint(self.height as u64);
    }
}

impl PolyItem for Segment {
    packable!();

    const MAX_LEN: usize = 1 + 4 * 5;

    #[inline(always)]
    fn write(&self, i: &mut Writer<'_>) {
        i.put(&[0x94]);
        i.sint(self.x1);
        i.sint(self.y1);
        i.sint(self.x2);
        i.sint(self.y2);
    }
}

impl PolyItem for Arc {
    const MAX_LEN: usize = 1 + 6 * 5;

    #[inline(always)]
    fn write(&self, i: &mut Writer<'_>) {
        i.put(&[0x96]);
        i.sint(self.x);
        i.sint(self.y);
        i.uint(self.width as u64);
        i.uint(self.height as u64);
        i.sint(self.angle1);
        i.sint(self.angle2);
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
    // More than u32::MAX items cannot be framed (the frame limit is far lower); serde
    // would fail the same way, so this mirrors `encode_frame`'s contract.
    assert!(
        u32::try_from(items.len()).is_ok(),
        "a poly request holds fewer than 2^32 items"
    );
    // Room for the longest head and the list (at most 2^32 × 31 bytes: no overflow),
    // written in place and cut back to what was written. The form is decided first: the
    // room (zeroed, a cost per byte) is then what the list takes in it.
    let (form, list) = T::form(items);
    out.resize(start + HEAD_MAX + list, 0);
    let mut w = Writer::new(&mut out[start..]);
    w.put(&[0; HEADER_LEN]);
    w.put(&[0x92]);
    w.uint(opcode as u64);
    w.put(&[0x93]);
    w.id(drawable.0);
    w.id(gc.0);
    T::write_list(items, &mut w, form);
    let written = w.len;
    out.truncate(start + written);
    let len = (written - HEADER_LEN) as u32;
    out[start..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// The fields PutImage and ShmPutImage begin with: target, GC, where, size, format.
#[inline(always)]
fn image_head(
    w: &mut Writer<'_>,
    drawable: Drawable,
    gc: GcId,
    dst: crate::geometry::Point,
    (width, height): (u32, u32),
    format: crate::request::ImageFormat,
) {
    w.id(drawable.0);
    w.id(gc.0);
    dst.write(w);
    w.uint(width as u64);
    w.uint(height as u64);
    w.uint(format as u64);
}

/// Appends a PutImage frame up to its pixels: everything [`encode_request_frame`] writes
/// for `r` but its last `data_len` bytes, which the frame's length counts and the caller
/// writes right after (`r.data` itself is neither written nor read). A client writes a
/// large image's pixels to the socket from where they are with it, as Xlib does, rather
/// than copying them into its output buffer.
///
/// At most 4 + 3 + 2·9 + 11 + 2·5 + 1 + 5 = 52 bytes.
#[inline]
pub fn put_image_frame_head(r: &PutImage, data_len: usize, out: &mut Vec<u8>) {
    let start = out.len();
    fixed_frame(out, 52, |w| {
        w.put(&[0x92, PutImage::OPCODE, 0x97]);
        image_head(w, r.drawable, r.gc, r.dst, (r.width, r.height), r.format);
        w.bin_len(data_len);
    });
    let len = (out.len() - start - HEADER_LEN + data_len) as u32;
    out[start..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// Appends a frame of at most `max` bytes (its header included) whose body `body`
/// writes.
#[inline(always)]
fn fixed_frame(out: &mut Vec<u8>, max: usize, body: impl FnOnce(&mut Writer<'_>)) {
    let start = out.len();
    out.resize(start + max, 0);
    let mut w = Writer::new(&mut out[start..]);
    w.put(&[0; HEADER_LEN]);
    body(&mut w);
    let written = w.len;
    out.truncate(start + written);
    let len = (written - HEADER_LEN) as u32;
    out[start..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// Appends one request frame: the rows flagged `FastEncode` by hand, every other through
/// serde.
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
        Request::NoOperation(_) => out.extend_from_slice(&NoOperation::FRAME),
        // A no-op ChangeGc (ten nils): common in apps that reset a GC (and yperf's noop
        // before NoOperation, protocol 1.9).
        // At most 4 + 3 + 9 + 1 + 10 = 27 bytes.
        Request::ChangeGc(r) if r.values == GcValues::default() => fixed_frame(out, 27, |w| {
            w.put(&[0x92, code, 0x92]);
            w.id(r.gc.0);
            w.put(&[0x9a]);
            w.put(&[0xc0; 10]);
        }),
        // At most 4 + 3 + 3·9 + 21 + 11 = 66 bytes.
        Request::CopyArea(r) => fixed_frame(out, 66, |w| {
            w.put(&[0x92, code, 0x95]);
            w.id(r.src.0);
            w.id(r.dst.0);
            w.id(r.gc.0);
            r.src_rect.write(w);
            r.dst_origin.write(w);
        }),
        // The head (at most 4 + 3 + 2·9 + 11 + 2·5 + 1 + 5 = 52 bytes) written in place,
        // then the bytes as they are: through serde a small image's put cost its client
        // 2 k instructions.
        Request::PutImage(r) => {
            put_image_frame_head(r, r.data.len(), out);
            out.extend_from_slice(&r.data);
        }
        // At most 4 + 3 + 2·9 + 11 + 2·5 + 1 + 5 + 9 + 5 = 66 bytes.
        Request::ShmPutImage(r) => fixed_frame(out, 66, |w| {
            w.put(&[0x92, code, 0x99]);
            image_head(w, r.drawable, r.gc, r.dst, (r.width, r.height), r.format);
            w.uint(r.segment.0 as u64);
            w.uint(r.offset);
            w.uint(r.stride as u64);
        }),
        other => return encode_frame(other, out),
    }
    debug_assert!(
        req.descriptor().fast_encode,
        "{} is not FastEncode",
        req.name()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_headers_and_integers_are_rmps() {
        for n in [0, 1, 15, 16, 17, 0xffff, 0x1_0000, u32::MAX] {
            let mut buf = [0; 9];
            let mut item = Writer::new(&mut buf);
            item.array_len(n);
            let mut want = Vec::new();
            rmp::encode::write_array_len(&mut want, n).unwrap();
            assert_eq!(&item.buf[..item.len], &want[..], "{n}");
        }
        for v in [
            0,
            0x7f,
            0x80,
            0xff,
            0x100,
            0xffff,
            0x1_0000,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let mut buf = [0; 9];
            let mut item = Writer::new(&mut buf);
            item.uint(v);
            let mut want = Vec::new();
            rmp::encode::write_uint(&mut want, v).unwrap();
            assert_eq!(&item.buf[..item.len], &want[..], "{v}");
        }
    }

    #[test]
    fn the_longest_head_fits() {
        let items = vec![Point::new(i32::MIN, i32::MAX); 0x1_0000];
        let mut out = vec![7];
        poly_frame(0x7f, Drawable(u64::MAX), GcId(u64::MAX), &items, &mut out);
        let req = Request::FillPoly(crate::request::FillPoly {
            drawable: Drawable(u64::MAX),
            gc: GcId(u64::MAX),
            points: items,
        });
        let mut want = vec![7];
        encode_frame(&req, &mut want);
        // Same bytes as serde's but the opcode (0x7f written here, 49 there).
        assert_eq!(out.len(), want.len());
        assert_eq!(out[..6], want[..6]);
        assert_eq!(out[7..], want[7..]);
    }
}
