//! Packed items (protocol 1.10, protocol.md §8.2): the points, segments and rectangles of
//! a poly request as one MessagePack `bin` of 16-bit little-endian fields, X11's own
//! size, instead of an array of arrays whose coordinates from 128 on take 3 bytes each.
//! Either form may be sent; encoders send the shorter (the array on a tie), so both of
//! this crate's encoders, serde's (through [`items`]) and the hand-written one
//! (`fast_encode`), decide with [`packs`] and write the same bytes. Items are packed only
//! for a 1.10 display: while requests are encoded for one (`ids::encode_relative_to`,
//! which the library sets for the frames it sends to a 1.10 display), never otherwise.

use crate::geometry::{Point, Rect, Segment};
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An item that may travel packed.
pub trait Packed: Sized {
    /// Bytes of one packed item (2 per field).
    const SIZE: usize;
    /// The item's fields as 16-bit little-endian integers into `out` (`SIZE` bytes); every
    /// one must fit (coordinates `i16`, sizes `u16`: [`Packed::scan`] says whether they do).
    fn put(&self, out: &mut [u8]);
    /// The item from its `SIZE` packed bytes.
    fn unpack(b: &[u8]) -> Self;
    /// Bytes of `items` as MessagePack arrays (each field in its shortest form; without
    /// the list's header), and whether every field of every one fits its 16 bits, in one
    /// pass the compiler vectorises (`scan_fields`).
    fn scan(items: &[Self]) -> (usize, bool);
}

/// A field's kind, for [`scan_fields`]: a signed coordinate, or an unsigned size.
const SIGNED: bool = true;
const UNSIGNED: bool = false;

/// [`Packed::scan`] of items whose fields are `fields(item)` (`signed`: [`SIGNED`] or
/// [`UNSIGNED`] per field, the unsigned ones given as their bits in an `i32`). A field's
/// MessagePack length is 1, 2, 3 or 5 bytes, for a signed one as it lies in −32..=127,
/// −128..=255, −32768..=65535 or beyond, for an unsigned one in 0..=127, ..=255,
/// ..=65535 or beyond; it is counted without branches, as three range tests, each an
/// unsigned compare of the value shifted by the range's start. Each field has lanes of
/// its own, summed at the end: the loop is then the same operations on N lanes, which
/// the compiler turns into vector instructions (a per-item sum of branchy lengths was 37
/// of a packed segment's 78 client instructions).
#[inline(always)]
fn scan_fields<T, const N: usize>(
    items: &[T],
    fields: impl Fn(&T) -> [i32; N],
    signed: [bool; N],
) -> (usize, bool) {
    // Per lane: the ranges' starts (negated) and lengths less one, of the 1-, 2- and
    // 3-byte forms and of 16 bits; written as signed compares (the top bit flipped within
    // the constants): SSE2 compares signed words only.
    let flip = |v: u32| (v ^ 0x8000_0000) as i32;
    let range = |s: bool, signed: (u32, u32), unsigned: (u32, u32)| match s {
        true => (signed.0, flip(signed.1)),
        false => (unsigned.0, flip(unsigned.1)),
    };
    let r1 = signed.map(|s| range(s, (32, 159), (0, 127)));
    let r2 = signed.map(|s| range(s, (128, 383), (0, 255)));
    let r3 = signed.map(|s| range(s, (32768, 98303), (0, 65535)));
    let fit = signed.map(|s| if s { 32768u32 } else { 0 });
    let mut len = [0usize; N];
    let mut over = [0u32; N];
    // A chunk's u32 lanes hold at most 4 · 2^28 extra bytes; the totals are usize.
    for chunk in items.chunks(1 << 28) {
        let mut l = [0u32; N];
        for item in chunk {
            let v = fields(item);
            for j in 0..N {
                let u = v[j] as u32;
                let beyond = |(start, last): (u32, i32)| flip(u.wrapping_add(start)) > last;
                l[j] += beyond(r1[j]) as u32 + beyond(r2[j]) as u32 + 2 * beyond(r3[j]) as u32;
                over[j] |= u.wrapping_add(fit[j]) >> 16;
            }
        }
        for j in 0..N {
            len[j] += l[j] as usize;
        }
    }
    let fields_len: usize = len.iter().sum();
    (
        items.len() * (1 + N) + fields_len,
        over.iter().all(|&o| o == 0),
    )
}

/// The low 16 bits of each of `v`, little-endian, into `out` (`2·N` bytes).
#[inline(always)]
fn le16<const N: usize>(out: &mut [u8], v: [i32; N]) {
    for (o, v) in out.chunks_exact_mut(2).zip(v) {
        o.copy_from_slice(&(v as u16).to_le_bytes());
    }
}

fn read_i16(b: &[u8], i: usize) -> i32 {
    i16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as i32
}

fn read_u16(b: &[u8], i: usize) -> u32 {
    u16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as u32
}

impl Packed for Point {
    const SIZE: usize = 4;

    #[inline]
    fn put(&self, out: &mut [u8]) {
        le16(out, [self.x, self.y]);
    }

    #[inline]
    fn unpack(b: &[u8]) -> Point {
        Point::new(read_i16(b, 0), read_i16(b, 1))
    }

    #[inline]
    fn scan(items: &[Self]) -> (usize, bool) {
        scan_fields(items, |p| [p.x, p.y], [SIGNED; 2])
    }
}

impl Packed for Segment {
    const SIZE: usize = 8;

    #[inline]
    fn put(&self, out: &mut [u8]) {
        le16(out, [self.x1, self.y1, self.x2, self.y2]);
    }

    #[inline]
    fn unpack(b: &[u8]) -> Segment {
        Segment {
            x1: read_i16(b, 0),
            y1: read_i16(b, 1),
            x2: read_i16(b, 2),
            y2: read_i16(b, 3),
        }
    }

    #[inline]
    fn scan(items: &[Self]) -> (usize, bool) {
        scan_fields(items, |s| [s.x1, s.y1, s.x2, s.y2], [SIGNED; 4])
    }
}

impl Packed for Rect {
    const SIZE: usize = 8;

    #[inline]
    fn put(&self, out: &mut [u8]) {
        le16(out, [self.x, self.y, self.width as i32, self.height as i32]);
    }

    #[inline]
    fn unpack(b: &[u8]) -> Rect {
        Rect::new(
            read_i16(b, 0),
            read_i16(b, 1),
            read_u16(b, 2),
            read_u16(b, 3),
        )
    }

    #[inline]
    fn scan(items: &[Self]) -> (usize, bool) {
        let fields = |r: &Rect| [r.x, r.y, r.width as i32, r.height as i32];
        scan_fields(items, fields, [SIGNED, SIGNED, UNSIGNED, UNSIGNED])
    }
}

/// Bytes of a MessagePack array header of `n` elements.
fn array_header_len(n: usize) -> usize {
    match n {
        0..=15 => 1,
        16..=0xffff => 3,
        _ => 5,
    }
}

/// Bytes of a MessagePack bin header of `n` bytes.
pub fn bin_header_len(n: usize) -> usize {
    match n {
        0..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 5,
    }
}

/// Whether `items` go packed: every field fits 16 bits and the `bin` is shorter than the
/// array (protocol.md §8.2). Only while encoding for a 1.10 display.
#[inline]
pub fn packs<T: Packed>(items: &[T]) -> bool {
    // Not for the journal's frames, nor for a display before 1.10: no pass over the items.
    crate::ids::encoding_space() != 0 && form(items).0
}

/// The form `items` go in and their bytes in it, header included: `(true, bin)` when
/// they go packed ([`packs`]), else `(false, array)`. One pass over the items
/// ([`Packed::scan`]), so an encoder knows before it writes which form it writes and
/// how much room that takes.
#[inline]
pub fn form<T: Packed>(items: &[T]) -> (bool, usize) {
    let (items_len, fit) = T::scan(items);
    let array = array_header_len(items.len()) + items_len;
    let bin = bin_len::<T>(items.len());
    match goes_packed(bin, array, || fit) {
        true => (true, bin),
        false => (false, array),
    }
}

/// Bytes of `n` items packed in a `bin`, header included.
#[inline]
fn bin_len<T: Packed>(n: usize) -> usize {
    let bytes = n * T::SIZE;
    bin_header_len(bytes) + bytes
}

/// The packing rule (protocol.md §8.2) for a list that takes `bin` bytes packed and
/// `array` bytes as an array: packed only while encoding for a 1.10 display, when the
/// `bin` is shorter and every field fits 16 bits (`fits`, asked last: it may be a pass
/// over the items).
#[inline]
fn goes_packed(bin: usize, array: usize, fits: impl FnOnce() -> bool) -> bool {
    crate::ids::encoding_space() != 0 && bin < array && fits()
}

/// Whether `items` are likely to go packed: one of three of them (the first, the middle
/// and the last: a list's first items are often near the origin, where arrays are
/// short) is shorter packed. An encoder may decide by this whether to pass over the
/// items before it writes them ([`form`]) or to write the array and check after
/// ([`shorter_packed`]); it writes the same bytes either way.
#[inline]
pub fn likely<T: Packed>(items: &[T]) -> bool {
    let shorter = |i: &T| T::scan(std::slice::from_ref(i)).0 > T::SIZE;
    match items {
        [] => false,
        [one] => shorter(one),
        [first, .., last] => shorter(first) || shorter(&items[items.len() / 2]) || shorter(last),
    }
}

/// Whether `items`, written as an array of `array` bytes, go packed (see [`packs`]).
#[inline]
pub fn shorter_packed<T: Packed>(items: &[T], array: usize) -> bool {
    goes_packed(bin_len::<T>(items.len()), array, || T::scan(items).1)
}

/// The items packed in `bin`; None unless its length is a whole number of items.
pub fn unpack_all<T: Packed>(bin: &[u8]) -> Option<Vec<T>> {
    bin.len()
        .is_multiple_of(T::SIZE)
        .then(|| bin.chunks_exact(T::SIZE).map(T::unpack).collect())
}

/// Serde's form of a poly request's item list (`#[serde(with = "crate::packed::items")]`):
/// written packed where [`packs`] says so, read in either form.
pub mod items {
    use super::*;

    /// Writes `items` as a `bin` of packed items or as an array.
    pub fn serialize<T: Packed + Serialize, S: Serializer>(
        items: &[T],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        if !packs(items) {
            return items.serialize(s);
        }
        let mut bin = vec![0u8; items.len() * T::SIZE];
        for (item, out) in items.iter().zip(bin.chunks_exact_mut(T::SIZE)) {
            item.put(out);
        }
        s.serialize_bytes(&bin)
    }

    /// Reads an array of items or a `bin` of packed ones.
    pub fn deserialize<'de, T: Packed + Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(ItemsVisitor(std::marker::PhantomData))
    }

    struct ItemsVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Packed + Deserialize<'de>> Visitor<'de> for ItemsVisitor<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(
                f,
                "an array of items, or a bin of items packed in {} bytes each",
                T::SIZE
            )
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            // A hostile length reserves little: the items are counted as they come.
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(items)
        }

        fn visit_bytes<E: serde::de::Error>(self, bin: &[u8]) -> Result<Vec<T>, E> {
            unpack_all(bin).ok_or_else(|| {
                E::custom(format!(
                    "packed items of {} bytes each in a bin of {} bytes",
                    T::SIZE,
                    bin.len()
                ))
            })
        }

        fn visit_byte_buf<E: serde::de::Error>(self, bin: Vec<u8>) -> Result<Vec<T>, E> {
            self.visit_bytes(&bin)
        }
    }
}
