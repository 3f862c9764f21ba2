//! Hand-written decoding of the hottest request bodies, the rows flagged `FastDecode` in
//! [`crate::descriptor`]: the poly drawing requests (PolyPoint … FillPoly), PutImage,
//! ChangeGc without values, Sync, CopyArea and ShmPutImage.
//!
//! Why by hand: through serde every coordinate costs a visitor call and a marker
//! dispatch, several hundred instructions per rectangle. Here each integer is one marker
//! byte compared against the common cases. This module only ever *accepts* the plain
//! form of a body (arrays with exact lengths, integers in range); for anything else
//! (a map, a float, an extra element, a cut-off frame) it answers `None` and
//! [`crate::message::decode_request`] decodes the body through serde as before, so errors
//! and the rare tolerated forms stay exactly what they were. A proptest in
//! `tests/fast_codec.rs` checks that both decoders agree on arbitrary input.

use crate::descriptor::Request;
use crate::geometry::{Point, Rect};
use crate::ids::{Drawable, GcId, ShmSegment};
use crate::request::{
    ChangeGc, CopyArea, FillPoly, GcValues, ImageFormat, PolyArc, PolyFillArc, PolyFillRectangle,
    PolyLine, PolyPoint, PolyRectangle, PolySegment, PutImage, ShmPutImage, Sync,
};

mod items;

use items::Item;

/// A cursor over a MessagePack body. Every method returns `None` for anything but the
/// plain form it expects, leaving the caller to fall back.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn byte(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    #[inline(always)]
    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.pos.checked_add(N)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        s.try_into().ok()
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// An array header (fixarray, array 16, array 32): its length.
    #[inline(always)]
    fn array_len(&mut self) -> Option<usize> {
        match self.byte()? {
            m @ 0x90..=0x9f => Some((m & 0x0f) as usize),
            0xdc => Some(u16::from_be_bytes(self.bytes()?) as usize),
            0xdd => Some(u32::from_be_bytes(self.bytes()?) as usize),
            _ => None,
        }
    }

    /// An array header that must announce exactly `n` elements.
    #[inline(always)]
    fn array_of(&mut self, n: usize) -> Option<()> {
        (self.array_len()? == n).then_some(())
    }

    /// Any MessagePack integer, widened.
    fn int(&mut self) -> Option<i128> {
        let m = self.byte()?;
        Some(match m {
            0x00..=0x7f => m as i128,
            0xe0..=0xff => (m as i8) as i128,
            0xcc => self.byte()? as i128,
            0xcd => u16::from_be_bytes(self.bytes()?) as i128,
            0xce => u32::from_be_bytes(self.bytes()?) as i128,
            0xcf => u64::from_be_bytes(self.bytes()?) as i128,
            0xd0 => i8::from_be_bytes(self.bytes()?) as i128,
            0xd1 => i16::from_be_bytes(self.bytes()?) as i128,
            0xd2 => i32::from_be_bytes(self.bytes()?) as i128,
            0xd3 => i64::from_be_bytes(self.bytes()?) as i128,
            _ => return None,
        })
    }

    /// Gives back the marker byte just read, for the general path to read again.
    fn unread(&mut self) {
        self.pos -= 1;
    }

    // The field readers below take the common encodings directly and leave the rest
    // (wide forms, values out of range, non-integers) to `int`; `i32` and `u32` are the
    // poly items' own.

    /// An `i32` field in any integer form that holds it ([`items::field`]).
    #[inline(always)]
    fn i32(&mut self) -> Option<i32> {
        items::field::<false>(self.buf, &mut self.pos)
    }

    /// A `u32` field in any integer form that holds it ([`items::field`]).
    #[inline(always)]
    fn u32(&mut self) -> Option<u32> {
        items::field::<true>(self.buf, &mut self.pos).map(|v| v as u32)
    }

    #[inline(always)]
    fn u64(&mut self) -> Option<u64> {
        let m = self.byte()?;
        match m {
            0x00..=0x7f => Some(m as u64),
            0xcf => Some(u64::from_be_bytes(self.bytes()?)),
            _ => {
                self.unread();
                u64::try_from(self.int()?).ok()
            }
        }
    }

    /// A resource id: a `u64`, or a relative id −n where requests are decoded for an id
    /// space (`ids::decode_relative_to`); anything else answers None (serde decides).
    #[inline(always)]
    fn id(&mut self) -> Option<u64> {
        let m = self.byte()?;
        let v = match m {
            0x00..=0x7f => return Some(m as u64),
            0xcf => return Some(u64::from_be_bytes(self.bytes()?)),
            0xe0..=0xff => m as i8 as i64,
            0xd0 => i8::from_be_bytes(self.bytes()?) as i64,
            0xd1 => i16::from_be_bytes(self.bytes()?) as i64,
            0xd2 => i32::from_be_bytes(self.bytes()?) as i64,
            _ => {
                self.unread();
                return self.u64();
            }
        };
        // A non-negative number in a signed form is that number, as serde reads it.
        match v {
            0.. => Some(v as u64),
            _ => crate::ids::resolve_relative(v.unsigned_abs()),
        }
    }

    /// `[drawable, gc, [item, ...]]`, the body of every poly request.
    ///
    /// The items are read with the position in a local (a register), each by its type's
    /// [`Item::read`]: through a `Reader` method per item, the position went back and forth
    /// to memory and each item cost a call, about 100 instructions for a rectangle. Out of
    /// line, one copy per item type: inside `decode_hot` it measured the same, and
    /// `decode_hot` stays small (see [`Reader::copy_area`]).
    #[inline(never)]
    fn poly<T: Item>(&mut self) -> Option<(Drawable, GcId, Vec<T>)> {
        self.array_of(3)?;
        let drawable = Drawable(self.id()?);
        let gc = GcId(self.id()?);
        if let Some(items) = self.packed::<T>() {
            return Some((drawable, gc, items?));
        }
        let n = self.array_len()?;
        let (buf, mut pos) = (self.buf, self.pos);
        // Each item takes at least 3 bytes: a hostile length cannot reserve much.
        let mut items = Vec::with_capacity(n.min(self.remaining() / 3));
        for _ in 0..n {
            items.push(T::read(buf, &mut pos)?);
        }
        self.pos = pos;
        Some((drawable, gc, items))
    }

    /// A poly request's items packed in a `bin` (1.10, `crate::packed`): `Some(None)` when
    /// the list is a `bin` that does not decode as this item type's, `None` when it is no
    /// `bin` (the reader is left where it was).
    #[inline(always)]
    fn packed<T: Item>(&mut self) -> Option<Option<Vec<T>>> {
        let (buf, at) = (self.buf, self.pos);
        let word = |n: usize| buf.get(at + 1..at + 1 + n);
        let (header, len) = match *buf.get(at)? {
            0xc4 => (2, word(1).map(|b| b[0] as usize)),
            0xc5 => (
                3,
                word(2).map(|b| u16::from_be_bytes([b[0], b[1]]) as usize),
            ),
            0xc6 => (
                5,
                word(4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize),
            ),
            _ => return None,
        };
        let bin = len.and_then(|len| buf.get(at + header..(at + header).checked_add(len)?));
        let Some(bin) = bin else {
            return Some(None);
        };
        self.pos = at + header + bin.len();
        Some(T::unpacked(bin))
    }

    /// A PutImage body: through serde its bytes were read into a growing buffer and
    /// then copied again; here they are copied once, from the frame.
    fn put_image(&mut self) -> Option<PutImage> {
        let (mut put, len) = self.put_image_head()?;
        let end = self.pos.checked_add(len)?;
        put.data = self.buf.get(self.pos..end)?.to_vec();
        self.pos = end;
        Some(put)
    }

    /// A PutImage body up to its pixels: the request without them, and their length (the
    /// reader is then at their first byte).
    fn put_image_head(&mut self) -> Option<(PutImage, usize)> {
        self.array_of(7)?;
        let drawable = Drawable(self.id()?);
        let gc = GcId(self.id()?);
        let dst = self.point()?;
        let width = self.u32()?;
        let height = self.u32()?;
        let format = self.image_format()?;
        let len = match self.byte()? {
            0xc4 => self.byte()? as usize,
            0xc5 => u16::from_be_bytes(self.bytes()?) as usize,
            0xc6 => u32::from_be_bytes(self.bytes()?) as usize,
            _ => return None,
        };
        let put = PutImage {
            drawable,
            gc,
            dst,
            width,
            height,
            format,
            data: Vec::new(),
        };
        Some((put, len))
    }

    /// An image format, a positive fixint.
    #[inline(always)]
    fn image_format(&mut self) -> Option<ImageFormat> {
        Some(match self.byte()? {
            0 => ImageFormat::Bgrx,
            1 => ImageFormat::Rgba,
            2 => ImageFormat::Png,
            3 => ImageFormat::Jpeg,
            4 => ImageFormat::Qoi,
            5 => ImageFormat::Rgbx,
            _ => return None,
        })
    }

    /// A CopyArea body: `[src, dst, gc, src_rect, dst_origin]`. Kept out of line, as is
    /// `shm_put_image`: inlined into `decode_hot`, the two cost a no-value ChangeGc (the
    /// smallest request it decodes; yperf's noop before protocol 1.9) 10-15 % of its rate
    /// with the same instruction count (direct A/B on one yperf: 5.4-5.6 M/s inlined
    /// against 6.0-6.3 M/s out of line, as before they were added), while a call is
    /// nothing beside a copy or a put.
    #[inline(never)]
    fn copy_area(&mut self) -> Option<CopyArea> {
        self.array_of(5)?;
        Some(CopyArea {
            src: Drawable(self.id()?),
            dst: Drawable(self.id()?),
            gc: GcId(self.id()?),
            src_rect: self.rect()?,
            dst_origin: self.point()?,
        })
    }

    /// A ShmPutImage body: `[drawable, gc, dst, width, height, format, segment, offset,
    /// stride]`.
    #[inline(never)]
    fn shm_put_image(&mut self) -> Option<ShmPutImage> {
        self.array_of(9)?;
        Some(ShmPutImage {
            drawable: Drawable(self.id()?),
            gc: GcId(self.id()?),
            dst: self.point()?,
            width: self.u32()?,
            height: self.u32()?,
            format: self.image_format()?,
            segment: ShmSegment(self.u32()?),
            offset: self.u64()?,
            stride: self.u32()?,
        })
    }

    #[inline(always)]
    fn point(&mut self) -> Option<Point> {
        self.array_of(2)?;
        Some(Point::new(self.i32()?, self.i32()?))
    }

    #[inline(always)]
    fn rect(&mut self) -> Option<Rect> {
        self.array_of(4)?;
        Some(Rect::new(
            self.i32()?,
            self.i32()?,
            self.u32()?,
            self.u32()?,
        ))
    }

    /// GcValues with every field absent (ten `nil`s): what a no-op ChangeGc carries.
    fn empty_gc_values(&mut self) -> Option<GcValues> {
        self.array_of(10)?;
        // One comparison of the ten bytes, not a loop over them.
        (self.bytes::<10>()? == [0xc0; 10]).then(GcValues::default)
    }
}

/// Where the pixels of a PutImage frame body are, read from its first bytes alone
/// (`prefix`; the pixels need not have arrived): the request without its pixels, and
/// their offset and length in the body. For a reader that receives a large image's pixels
/// straight into their own buffer. None unless `prefix` holds the whole head of the plain
/// form of a PutImage body (the pixels then go the usual way).
pub fn put_image_head(prefix: &[u8]) -> Option<(PutImage, usize, usize)> {
    let rest = match prefix {
        [0x92, op, rest @ ..] if *op == PutImage::OPCODE => rest,
        _ => return None,
    };
    let mut r = Reader { buf: rest, pos: 0 };
    let (put, len) = r.put_image_head()?;
    Some((put, 2 + r.pos, len))
}

/// Decodes the body (`rest`: the bytes after the opcode) of a request with `opcode`, if
/// the opcode is one of the hot ones and the body has the plain form; `None` otherwise
/// (the caller then decodes through serde). A `Some` has consumed `rest` exactly.
///
/// The opcodes taken here are the rows flagged `FastDecode` in the table
/// ([`crate::descriptor`]); a debug build checks each `Some` against the flag, and a test
/// checks that every flagged opcode is taken.
pub(crate) fn decode_hot(opcode: u8, rest: &[u8]) -> Option<Request> {
    let mut r = Reader { buf: rest, pos: 0 };
    let req = match opcode {
        Sync::OPCODE => {
            r.array_of(0)?;
            Request::Sync(Sync {})
        }
        ChangeGc::OPCODE => {
            r.array_of(2)?;
            let gc = GcId(r.id()?);
            Request::ChangeGc(ChangeGc {
                gc,
                values: r.empty_gc_values()?,
            })
        }
        PolyPoint::OPCODE => {
            let (drawable, gc, points) = r.poly()?;
            Request::PolyPoint(PolyPoint {
                drawable,
                gc,
                points,
            })
        }
        PolyLine::OPCODE => {
            let (drawable, gc, points) = r.poly()?;
            Request::PolyLine(PolyLine {
                drawable,
                gc,
                points,
            })
        }
        PolySegment::OPCODE => {
            let (drawable, gc, segments) = r.poly()?;
            Request::PolySegment(PolySegment {
                drawable,
                gc,
                segments,
            })
        }
        PolyRectangle::OPCODE => {
            let (drawable, gc, rects) = r.poly()?;
            Request::PolyRectangle(PolyRectangle {
                drawable,
                gc,
                rects,
            })
        }
        PolyFillRectangle::OPCODE => {
            let (drawable, gc, rects) = r.poly()?;
            Request::PolyFillRectangle(PolyFillRectangle {
                drawable,
                gc,
                rects,
            })
        }
        PolyArc::OPCODE => {
            let (drawable, gc, arcs) = r.poly()?;
            Request::PolyArc(PolyArc { drawable, gc, arcs })
        }
        PolyFillArc::OPCODE => {
            let (drawable, gc, arcs) = r.poly()?;
            Request::PolyFillArc(PolyFillArc { drawable, gc, arcs })
        }
        FillPoly::OPCODE => {
            let (drawable, gc, points) = r.poly()?;
            Request::FillPoly(FillPoly {
                drawable,
                gc,
                points,
            })
        }
        PutImage::OPCODE => Request::PutImage(r.put_image()?),
        CopyArea::OPCODE => Request::CopyArea(r.copy_area()?),
        ShmPutImage::OPCODE => Request::ShmPutImage(r.shm_put_image()?),
        _ => return None,
    };
    debug_assert!(
        req.descriptor().fast_decode,
        "{} is not FastDecode",
        req.name()
    );
    (r.remaining() == 0).then_some(req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::REQUESTS;
    use crate::geometry::{Arc, Segment};

    /// A request of each opcode flagged `FastDecode`, in its plain form.
    fn sample(opcode: u8) -> Option<Request> {
        let (d, gc) = (Drawable(7), GcId(8));
        let points = vec![Point::new(1, -2), Point::new(300, 4)];
        let rects = vec![Rect::new(1, 2, 3, 4)];
        let arcs = vec![Arc {
            x: 1,
            y: 2,
            width: 3,
            height: 4,
            angle1: 0,
            angle2: 90 * 64,
        }];
        let segments = vec![Segment {
            x1: 1,
            y1: 2,
            x2: 3,
            y2: 4,
        }];
        Some(match opcode {
            Sync::OPCODE => Sync {}.into(),
            ChangeGc::OPCODE => ChangeGc {
                gc,
                values: GcValues::default(),
            }
            .into(),
            PolyPoint::OPCODE => PolyPoint {
                drawable: d,
                gc,
                points: points.clone(),
            }
            .into(),
            PolyLine::OPCODE => PolyLine {
                drawable: d,
                gc,
                points: points.clone(),
            }
            .into(),
            PolySegment::OPCODE => PolySegment {
                drawable: d,
                gc,
                segments,
            }
            .into(),
            PolyRectangle::OPCODE => PolyRectangle {
                drawable: d,
                gc,
                rects: rects.clone(),
            }
            .into(),
            PolyFillRectangle::OPCODE => PolyFillRectangle {
                drawable: d,
                gc,
                rects,
            }
            .into(),
            PolyArc::OPCODE => PolyArc {
                drawable: d,
                gc,
                arcs: arcs.clone(),
            }
            .into(),
            PolyFillArc::OPCODE => PolyFillArc {
                drawable: d,
                gc,
                arcs,
            }
            .into(),
            FillPoly::OPCODE => FillPoly {
                drawable: d,
                gc,
                points,
            }
            .into(),
            PutImage::OPCODE => PutImage {
                drawable: d,
                gc,
                dst: Point::new(5, 6),
                width: 1,
                height: 1,
                format: ImageFormat::Bgrx,
                data: vec![1, 2, 3, 4],
            }
            .into(),
            CopyArea::OPCODE => CopyArea {
                src: d,
                dst: Drawable(9),
                gc,
                src_rect: Rect::new(-1, 2, 300, 4),
                dst_origin: Point::new(70_000, -70_000),
            }
            .into(),
            ShmPutImage::OPCODE => ShmPutImage {
                drawable: d,
                gc,
                dst: Point::new(5, 6),
                width: 10,
                height: 20,
                format: ImageFormat::Rgba,
                segment: ShmSegment(0xC000_0001),
                offset: 1 << 40,
                stride: 4000,
            }
            .into(),
            _ => return None,
        })
    }

    #[test]
    fn every_fast_decode_row_is_decoded_here() {
        for d in REQUESTS.iter().filter(|d| d.fast_decode) {
            let req = sample(d.opcode).unwrap_or_else(|| panic!("no sample for {}", d.name));
            let body = rmp_serde::to_vec(&req).unwrap();
            assert_eq!(body[..2], [0x92, d.opcode], "{}", d.name);
            assert_eq!(decode_hot(d.opcode, &body[2..]), Some(req), "{}", d.name);
        }
    }

    #[test]
    fn a_put_images_head_says_where_its_pixels_are_before_they_arrive() {
        let Some(Request::PutImage(put)) = sample(PutImage::OPCODE).map(|r| match r {
            Request::PutImage(mut p) => {
                p.data = (0..70_000u32).map(|i| i as u8).collect();
                Request::PutImage(p)
            }
            other => other,
        }) else {
            panic!("a PutImage sample")
        };
        let body = rmp_serde::to_vec(&Request::PutImage(put.clone())).unwrap();
        let (head, at, len) = put_image_head(&body[..40]).expect("the head is in 40 bytes");
        assert_eq!((at + len, len), (body.len(), put.data.len()));
        assert_eq!(&body[at..], &put.data[..]);
        assert_eq!(
            PutImage {
                data: put.data.clone(),
                ..head
            },
            put
        );
        // Cut inside the head, or another request: no answer.
        assert!(put_image_head(&body[..5]).is_none());
        let sync = rmp_serde::to_vec(&Request::Sync(Sync {})).unwrap();
        assert!(put_image_head(&sync).is_none());
    }
}
