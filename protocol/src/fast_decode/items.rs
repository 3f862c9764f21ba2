//! The items of the poly requests (points, segments, rectangles, arcs) as the fast
//! decoder reads them: one [`Item::read`] per type, each integer field by [`field`], with
//! the read position passed along as a local so that it stays in a register. Like the
//! rest of [`super`], it accepts only the plain form and answers `None` for anything
//! else, for serde to decode.

use super::Reader;
use crate::geometry::{Arc, Point, Rect, Segment};

/// An item of a poly request: a fixarray of integers.
pub(super) trait Item: Sized {
    /// The item at `*pos` in `buf`, advancing `*pos` past it; `None` for any form but a
    /// fixarray of the item's fields in their plain forms (the longer array forms fall back
    /// to serde).
    fn read(buf: &[u8], pos: &mut usize) -> Option<Self>;
    /// The items packed in `bin` (1.10, `crate::packed`); None where the bytes are not a
    /// whole number of this type's packed items. The default answers None: right for the
    /// items that never travel packed (arcs: a `bin` there is malformed, as serde finds);
    /// the packable ones override it.
    fn unpacked(bin: &[u8]) -> Option<Vec<Self>> {
        let _ = bin;
        None
    }
}

/// Checks the fixarray header of `n` elements at `*pos` and steps over it.
#[inline(always)]
fn fixarray(buf: &[u8], pos: &mut usize, n: u8) -> Option<()> {
    (*buf.get(*pos)? == 0x90 | n).then_some(())?;
    *pos += 1;
    Some(())
}

impl Item for Point {
    fn unpacked(bin: &[u8]) -> Option<Vec<Point>> {
        crate::packed::unpack_all(bin)
    }

    #[inline(always)]
    fn read(buf: &[u8], pos: &mut usize) -> Option<Point> {
        fixarray(buf, pos, 2)?;
        Some(Point::new(
            field::<false>(buf, pos)?,
            field::<false>(buf, pos)?,
        ))
    }
}

impl Item for Segment {
    fn unpacked(bin: &[u8]) -> Option<Vec<Segment>> {
        crate::packed::unpack_all(bin)
    }

    #[inline(always)]
    fn read(buf: &[u8], pos: &mut usize) -> Option<Segment> {
        fixarray(buf, pos, 4)?;
        Some(Segment {
            x1: field::<false>(buf, pos)?,
            y1: field::<false>(buf, pos)?,
            x2: field::<false>(buf, pos)?,
            y2: field::<false>(buf, pos)?,
        })
    }
}

impl Item for Rect {
    fn unpacked(bin: &[u8]) -> Option<Vec<Rect>> {
        crate::packed::unpack_all(bin)
    }

    #[inline(always)]
    fn read(buf: &[u8], pos: &mut usize) -> Option<Rect> {
        fixarray(buf, pos, 4)?;
        Some(Rect::new(
            field::<false>(buf, pos)?,
            field::<false>(buf, pos)?,
            field::<true>(buf, pos)? as u32,
            field::<true>(buf, pos)? as u32,
        ))
    }
}

impl Item for Arc {
    #[inline(always)]
    fn read(buf: &[u8], pos: &mut usize) -> Option<Arc> {
        fixarray(buf, pos, 6)?;
        Some(Arc {
            x: field::<false>(buf, pos)?,
            y: field::<false>(buf, pos)?,
            width: field::<true>(buf, pos)? as u32,
            height: field::<true>(buf, pos)? as u32,
            angle1: field::<false>(buf, pos)?,
            angle2: field::<false>(buf, pos)?,
        })
    }
}

/// One integer field of a poly item at `*pos` in `buf`, advancing `*pos` past it: the forms
/// clients send for coordinates (fixints, 8- and 16-bit ones) inline, every other form out of
/// line. The value fits an `i32`, or with `UNSIGNED` a `u32` (returned as its bits, to be
/// cast back); `None` when it does not or when it is not an integer.
#[inline(always)]
pub(super) fn field<const UNSIGNED: bool>(buf: &[u8], pos: &mut usize) -> Option<i32> {
    let m = *buf.get(*pos)?;
    let (v, len) = match m {
        0x00..=0x7f => (m as i32, 1),
        0xcc => (*buf.get(*pos + 1)? as i32, 2),
        0xcd => {
            let b: [u8; 2] = buf.get(*pos + 1..*pos + 3)?.try_into().ok()?;
            (u16::from_be_bytes(b) as i32, 3)
        }
        0xe0..=0xff if !UNSIGNED => (m as i8 as i32, 1),
        0xd0 if !UNSIGNED => (*buf.get(*pos + 1)? as i8 as i32, 2),
        0xd1 if !UNSIGNED => {
            let b: [u8; 2] = buf.get(*pos + 1..*pos + 3)?.try_into().ok()?;
            (i16::from_be_bytes(b) as i32, 3)
        }
        // By value, not `&mut pos`: a pointer to it passed to a call would keep the
        // position in memory for the whole loop.
        _ => field_other(buf, *pos, UNSIGNED)?,
    };
    *pos += len;
    Some(v)
}

/// [`field`]'s other forms, through [`Reader::int`], with the range checked: the value
/// at `pos` and its length in bytes.
#[inline(never)]
fn field_other(buf: &[u8], pos: usize, unsigned: bool) -> Option<(i32, usize)> {
    let mut r = Reader { buf, pos };
    let v = r.int()?;
    let bits = if unsigned {
        u32::try_from(v).ok()? as i32
    } else {
        i32::try_from(v).ok()?
    };
    Some((bits, r.pos - pos))
}
