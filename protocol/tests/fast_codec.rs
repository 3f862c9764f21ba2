//! The hand-written codec of the hot requests against serde, the reference:
//! - encoding: `encode_request_frame` (and `poly_frame` from a slice) writes exactly the
//!   bytes of `encode_frame` for every request;
//! - decoding: `decode_request` (hand-written for the plain form of the hot requests)
//!   and `decode_request_via_serde` give the same result, value or error, on valid
//!   frames, on frames whose integers use wider encodings or values out of range, on
//!   wrong array lengths, and on valid frames with bytes changed, cut off or appended.

// Shared with proptest.rs; the server-side strategies are not used here.
#[allow(dead_code)]
mod strategies;

use proptest::prelude::*;
use strategies::{point, rect, request};
use yonder_protocol::fast_encode::{encode_request_frame, poly_frame, put_image_frame_head};
use yonder_protocol::frame::encode_frame;
use yonder_protocol::geometry::Arc;
use yonder_protocol::message::{decode_request, decode_request_via_serde};
use yonder_protocol::request::*;
use yonder_protocol::{Drawable, GcId, Request, Segment, ShmSegment, REQUESTS};

/// The hot opcodes (the table's `FastDecode` rows: Sync, ChangeGc, the poly requests,
/// PutImage) and their known neighbours.
fn opcodes() -> Vec<u8> {
    let known = |op: u8| yonder_protocol::descriptor::descriptor(op).is_some();
    let ops: std::collections::BTreeSet<u8> = REQUESTS
        .iter()
        .filter(|d| d.fast_decode)
        .flat_map(|d| [d.opcode - 1, d.opcode, d.opcode + 1])
        .filter(|op| known(*op))
        .collect();
    ops.into_iter().collect()
}

/// A MessagePack-ish value with the shape of a request, for the agreement test.
#[derive(Debug, Clone)]
enum V {
    /// An integer and the encoding to write it in (0: shortest, 1..: wider forms).
    Int(i128, u8),
    Nil,
    Bool(bool),
    Float(f64),
    Arr(Vec<V>),
    /// A map (serde tolerates structs as maps; the fast path must not).
    Map(Vec<(String, V)>),
}

fn write(v: &V, out: &mut Vec<u8>) {
    match v {
        V::Int(n, form) => write_int(*n, *form, out),
        V::Nil => out.push(0xc0),
        V::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        V::Float(f) => rmp::encode::write_f64(out, *f).unwrap(),
        V::Arr(items) => {
            // A wide header for an ordinary length: always for 7 items (a wrong count
            // for every item), and for any array whose first element is an integer of
            // form 7 (so also for items of the right count).
            if items.len() == 7 || matches!(items.first(), Some(V::Int(_, 7))) {
                out.push(0xdc);
                out.extend_from_slice(&(items.len() as u16).to_be_bytes());
            } else {
                rmp::encode::write_array_len(out, items.len() as u32).unwrap();
            }
            items.iter().for_each(|i| write(i, out));
        }
        V::Map(kv) => {
            rmp::encode::write_map_len(out, kv.len() as u32).unwrap();
            for (k, v) in kv {
                rmp::encode::write_str(out, k).unwrap();
                write(v, out);
            }
        }
    }
}

/// Writes `n` in the shortest form (form 0) or one of the wider forms that hold it:
/// signed markers for non-negative values too (a width sent as `0xd0 05`).
fn write_int(n: i128, form: u8, out: &mut Vec<u8>) {
    let fits_u = |max: u128| n >= 0 && (n as u128) <= max;
    let fits_i = |bits: u32| n >= -(1i128 << (bits - 1)) && n < (1i128 << (bits - 1));
    match form % 8 {
        5 if fits_i(8) => {
            out.push(0xd0);
            out.push(n as i8 as u8);
        }
        6 if fits_i(16) => {
            out.push(0xd1);
            out.extend_from_slice(&(n as i16).to_be_bytes());
        }
        7 if fits_u(u16::MAX as u128) => {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        1 if fits_u(u64::MAX as u128) => {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
        2 if fits_i(64) => {
            out.push(0xd3);
            out.extend_from_slice(&(n as i64).to_be_bytes());
        }
        3 if fits_i(32) => {
            out.push(0xd2);
            out.extend_from_slice(&(n as i32).to_be_bytes());
        }
        4 if fits_u(u32::MAX as u128) => {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ if n < 0 => rmp::encode::write_sint(out, n.max(i64::MIN as i128) as i64)
            .map(|_| ())
            .unwrap(),
        _ => rmp::encode::write_uint(out, n.min(u64::MAX as i128) as u64)
            .map(|_| ())
            .unwrap(),
    }
}

/// Integers around every boundary the fields care about.
fn int() -> impl Strategy<Value = V> {
    let edge = prop_oneof![
        Just(0i128),
        Just(-1),
        Just(127),
        Just(128),
        Just(-32),
        Just(-33),
        Just(-128),
        Just(-129),
        Just(255),
        Just(256),
        Just(65535),
        Just(65536),
        Just(-32768),
        Just(-32769),
        Just(i32::MAX as i128),
        Just(i32::MAX as i128 + 1),
        Just(i32::MIN as i128),
        Just(i32::MIN as i128 - 1),
        Just(u32::MAX as i128),
        Just(u32::MAX as i128 + 1),
        Just(u64::MAX as i128),
        Just(i64::MIN as i128),
    ];
    let n = prop_oneof![
        4 => -200i128..200,
        // The 16-bit forms, where most coordinates are.
        2 => -40_000i128..70_000,
        2 => any::<i32>().prop_map(i128::from),
        1 => any::<u64>().prop_map(i128::from),
        1 => any::<i64>().prop_map(i128::from),
        2 => edge,
    ];
    (n, prop_oneof![4 => Just(0u8), 2 => 1u8..8]).prop_map(|(n, f)| V::Int(n, f))
}

/// A leaf: mostly integers, sometimes something a field does not take.
fn leaf() -> impl Strategy<Value = V> {
    prop_oneof![
        12 => int(),
        1 => Just(V::Nil),
        1 => any::<bool>().prop_map(V::Bool),
        1 => (-10.0f64..10.0).prop_map(V::Float),
    ]
}

/// An item of a poly list: an array of 2, 4 or 6 leaves (or a wrong count), or a map.
fn item() -> impl Strategy<Value = V> {
    prop_oneof![
        8 => prop::sample::select(vec![2usize, 4, 6])
            .prop_flat_map(|n| prop::collection::vec(leaf(), n))
            .prop_map(V::Arr),
        1 => prop::collection::vec(leaf(), 0..8).prop_map(V::Arr),
        1 => (int(), int()).prop_map(|(x, y)| V::Map(vec![("x".into(), x), ("y".into(), y)])),
        1 => leaf(),
    ]
}

/// A request-shaped value: `[opcode, body]` with a poly body, a GcValues body or noise.
fn request_value() -> impl Strategy<Value = V> {
    let opcode = prop::sample::select(opcodes()).prop_map(|o| V::Int(o as i128, 0));
    let poly = (int(), int(), prop::collection::vec(item(), 0..9))
        .prop_map(|(d, g, items)| V::Arr(vec![d, g, V::Arr(items)]));
    let gc_values = prop_oneof![6 => Just(10usize), 1 => 0usize..12]
        .prop_flat_map(|n| prop::collection::vec(prop_oneof![6 => Just(V::Nil), 1 => leaf()], n))
        .prop_map(V::Arr);
    let change_gc = (int(), gc_values).prop_map(|(g, v)| V::Arr(vec![g, v]));
    let body = prop_oneof![
        4 => poly,
        2 => change_gc,
        1 => Just(V::Arr(vec![])),
        1 => prop::collection::vec(leaf(), 0..5).prop_map(V::Arr),
    ];
    (opcode, body).prop_map(|(o, b)| V::Arr(vec![o, b]))
}

fn bytes_of(v: &V) -> Vec<u8> {
    let mut out = Vec::new();
    write(v, &mut out);
    out
}

/// A body with one change: a byte replaced, the end cut off, or bytes appended.
fn mutated(body: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = body.len();
    prop_oneof![
        (0..len.max(1), any::<u8>()).prop_map({
            let body = body.clone();
            move |(i, b)| {
                let mut m = body.clone();
                if let Some(x) = m.get_mut(i) {
                    *x = b;
                }
                m
            }
        }),
        (0..=len).prop_map({
            let body = body.clone();
            move |cut| body[..cut].to_vec()
        }),
        prop::collection::vec(any::<u8>(), 1..4).prop_map(move |extra| {
            let mut m = body.clone();
            m.extend(extra);
            m
        }),
    ]
}

fn body_of(req: &Request) -> Vec<u8> {
    let mut out = Vec::new();
    encode_frame(req, &mut out);
    out.split_off(4)
}

fn assert_agree(body: &[u8]) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        decode_request(body),
        decode_request_via_serde(body),
        "{:02x?}",
        body
    );
    Ok(())
}

/// A hot request with items anywhere in their ranges.
fn hot_request() -> impl Strategy<Value = Request> {
    let ids = (
        any::<u64>().prop_map(Drawable).boxed(),
        any::<u64>().prop_map(GcId).boxed(),
    );
    let points = prop::collection::vec(point(), 0..20).boxed();
    let rects = prop::collection::vec(rect(), 0..20).boxed();
    let segments = prop::collection::vec(
        (any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>())
            .prop_map(|(x1, y1, x2, y2)| Segment { x1, y1, x2, y2 }),
        0..20,
    )
    .boxed();
    let arcs = prop::collection::vec(
        (rect(), any::<i32>(), any::<i32>()).prop_map(|(r, angle1, angle2)| Arc {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
            angle1,
            angle2,
        }),
        0..20,
    )
    .boxed();
    prop_oneof![
        (ids.clone(), points.clone()).prop_map(|((drawable, gc), points)| {
            Request::PolyPoint(PolyPoint {
                drawable,
                gc,
                points,
            })
        }),
        (ids.clone(), points.clone()).prop_map(|((drawable, gc), points)| {
            Request::PolyLine(PolyLine {
                drawable,
                gc,
                points,
            })
        }),
        (ids.clone(), segments).prop_map(|((drawable, gc), segments)| {
            Request::PolySegment(PolySegment {
                drawable,
                gc,
                segments,
            })
        }),
        (ids.clone(), rects.clone()).prop_map(|((drawable, gc), rects)| {
            Request::PolyRectangle(PolyRectangle {
                drawable,
                gc,
                rects,
            })
        }),
        (ids.clone(), rects).prop_map(|((drawable, gc), rects)| {
            Request::PolyFillRectangle(PolyFillRectangle {
                drawable,
                gc,
                rects,
            })
        }),
        (ids.clone(), arcs.clone()).prop_map(|((drawable, gc), arcs)| {
            Request::PolyArc(PolyArc { drawable, gc, arcs })
        }),
        (ids.clone(), arcs).prop_map(|((drawable, gc), arcs)| {
            Request::PolyFillArc(PolyFillArc { drawable, gc, arcs })
        }),
        (ids.clone(), points).prop_map(|((drawable, gc), points)| {
            Request::FillPoly(FillPoly {
                drawable,
                gc,
                points,
            })
        }),
        ids.1.clone().prop_map(|gc| Request::ChangeGc(ChangeGc {
            gc,
            values: GcValues::default()
        })),
        Just(Request::Sync(Sync {})),
        Just(Request::NoOperation(NoOperation {})),
        (ids.clone(), any::<u64>(), rect(), point()).prop_map(
            |((src, gc), dst, src_rect, dst_origin)| Request::CopyArea(CopyArea {
                src,
                dst: Drawable(dst),
                gc,
                src_rect,
                dst_origin,
            })
        ),
        (
            ids.clone(),
            point(),
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<u64>(),
                any::<u32>()
            ),
            prop::sample::select(vec![
                ImageFormat::Bgrx,
                ImageFormat::Rgba,
                ImageFormat::Qoi,
                ImageFormat::Rgbx,
            ]),
        )
            .prop_map(
                |((drawable, gc), dst, (width, height, segment, offset, stride), format)| {
                    Request::ShmPutImage(ShmPutImage {
                        drawable,
                        gc,
                        dst,
                        width,
                        height,
                        format,
                        segment: ShmSegment(segment),
                        offset,
                        stride,
                    })
                }
            ),
        (
            ids,
            point(),
            (any::<u32>(), any::<u32>()),
            prop::sample::select(vec![
                ImageFormat::Bgrx,
                ImageFormat::Rgba,
                ImageFormat::Png,
                ImageFormat::Jpeg,
                ImageFormat::Qoi,
            ]),
            // Past 255 and 65535 bytes: every bin header size.
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..300),
                Just(vec![7u8; 70_000]),
            ],
        )
            .prop_map(|((drawable, gc), dst, (width, height), format, data)| {
                Request::PutImage(PutImage {
                    drawable,
                    gc,
                    dst,
                    width,
                    height,
                    format,
                    data,
                })
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn encoder_matches_serde_on_every_request(req in prop_oneof![request(), hot_request()]) {
        let mut fast = Vec::new();
        encode_request_frame(&req, &mut fast);
        let mut serde = Vec::new();
        encode_frame(&req, &mut serde);
        prop_assert_eq!(fast, serde);
    }

    /// A client writing a large image's pixels from where they are sends the head, then
    /// the pixels: together, the very frame of the whole request.
    #[test]
    fn a_put_image_head_then_its_pixels_is_the_whole_frame(req in hot_request()) {
        if let Request::PutImage(put) = &req {
            let mut whole = Vec::new();
            encode_frame(&req, &mut whole);
            let bare = PutImage { data: Vec::new(), ..put.clone() };
            let mut split = vec![0xee];
            put_image_frame_head(&bare, put.data.len(), &mut split);
            split.extend_from_slice(&put.data);
            prop_assert_eq!(&split[1..], &whole[..]);
        }
    }

    #[test]
    fn hot_requests_round_trip(req in hot_request()) {
        let body = body_of(&req);
        prop_assert_eq!(decode_request(&body), Ok(req));
        assert_agree(&body)?;
    }

    #[test]
    fn decoders_agree_on_request_shaped_values(v in request_value()) {
        assert_agree(&bytes_of(&v))?;
    }

    #[test]
    fn decoders_agree_on_changed_frames(
        body in prop_oneof![
            hot_request().prop_map(|r| body_of(&r)),
            request_value().prop_map(|v| bytes_of(&v)),
        ].prop_flat_map(mutated)
    ) {
        assert_agree(&body)?;
    }

    #[test]
    fn decoders_agree_on_arbitrary_bytes(
        op in prop::sample::select(opcodes()),
        rest in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let mut body = vec![0x92, op];
        body.extend(rest);
        assert_agree(&body)?;
    }
}

#[test]
fn slice_encoder_matches_the_request_encoder() {
    let rects = [
        yonder_protocol::Rect::new(-5, 7, 3, 4),
        yonder_protocol::Rect::new(i32::MIN, i32::MAX, u32::MAX, 0),
    ];
    let (d, g) = (Drawable(0x1234_5678_9abc), GcId(7));
    let mut fast = Vec::new();
    poly_frame(PolyFillRectangle::OPCODE, d, g, &rects, &mut fast);
    let req = Request::PolyFillRectangle(PolyFillRectangle {
        drawable: d,
        gc: g,
        rects: rects.to_vec(),
    });
    let mut serde = Vec::new();
    encode_frame(&req, &mut serde);
    assert_eq!(fast, serde);
}

/// A list whose sampled items (first, middle, last) are short as arrays but which is
/// shorter packed as a whole is written as the array, then rewritten packed: the same
/// bytes as serde's, and a bin. Also with more than one bin header's worth of items.
#[test]
fn a_list_that_misleads_the_sample_still_goes_packed() {
    for n in [9usize, 41] {
        let segs: Vec<Segment> = (0..n)
            .map(
                |i| match i % 4 == 0 && (i == 0 || i == n / 2 || i == n - 1) {
                    true => Segment {
                        x1: 0,
                        y1: 0,
                        x2: 1,
                        y2: 1,
                    },
                    false => Segment {
                        x1: 1000,
                        y1: 1000,
                        x2: 1000,
                        y2: 1000,
                    },
                },
            )
            .collect();
        let (d, g) = (Drawable(0x1234_5678_9abc), GcId(7));
        let (mut fast, mut serde) = (Vec::new(), Vec::new());
        yonder_protocol::encode_relative_to(1, || {
            poly_frame(PolySegment::OPCODE, d, g, &segs, &mut fast);
            let req = Request::PolySegment(PolySegment {
                drawable: d,
                gc: g,
                segments: segs.clone(),
            });
            encode_frame(&req, &mut serde);
        });
        assert_eq!(fast, serde, "{n} segments");
        // The list is the frame's end: a bin of 8 bytes a segment after its header.
        let header = match u8::try_from(8 * n) {
            Ok(len) => vec![0xc4, len],
            Err(_) => [vec![0xc5], (8 * n as u16).to_be_bytes().to_vec()].concat(),
        };
        let bin = &fast[fast.len() - 8 * n - header.len()..];
        assert_eq!(bin[..header.len()], header[..], "{n} segments go packed");
    }
}

#[test]
fn opcode_constants_match_the_enum() {
    let (drawable, gc) = (Drawable(1), GcId(2));
    let codes = [
        (
            Request::PolyPoint(PolyPoint {
                drawable,
                gc,
                points: vec![],
            })
            .code(),
            PolyPoint::OPCODE,
        ),
        (
            Request::PolyLine(PolyLine {
                drawable,
                gc,
                points: vec![],
            })
            .code(),
            PolyLine::OPCODE,
        ),
        (
            Request::PolySegment(PolySegment {
                drawable,
                gc,
                segments: vec![],
            })
            .code(),
            PolySegment::OPCODE,
        ),
        (
            Request::PolyRectangle(PolyRectangle {
                drawable,
                gc,
                rects: vec![],
            })
            .code(),
            PolyRectangle::OPCODE,
        ),
        (
            Request::PolyFillRectangle(PolyFillRectangle {
                drawable,
                gc,
                rects: vec![],
            })
            .code(),
            PolyFillRectangle::OPCODE,
        ),
        (
            Request::PolyArc(PolyArc {
                drawable,
                gc,
                arcs: vec![],
            })
            .code(),
            PolyArc::OPCODE,
        ),
        (
            Request::PolyFillArc(PolyFillArc {
                drawable,
                gc,
                arcs: vec![],
            })
            .code(),
            PolyFillArc::OPCODE,
        ),
        (
            Request::FillPoly(FillPoly {
                drawable,
                gc,
                points: vec![],
            })
            .code(),
            FillPoly::OPCODE,
        ),
    ];
    for (code, constant) in codes {
        assert_eq!(code, constant);
    }
}

#[test]
fn a_huge_announced_length_is_no_allocation() {
    // PolyPoint with an array-32 header of 2^32-1 points and no points.
    let mut body = vec![0x92, 42, 0x93, 1, 2, 0xdd];
    body.extend_from_slice(&u32::MAX.to_be_bytes());
    assert!(decode_request(&body).is_err());
    assert_eq!(decode_request(&body), decode_request_via_serde(&body));
}

#[test]
fn every_integer_width_boundary_encodes_like_serde() {
    let edges: Vec<i64> = vec![
        0,
        1,
        31,
        32,
        127,
        128,
        255,
        256,
        65535,
        65536,
        -1,
        -31,
        -32,
        -33,
        -127,
        -128,
        -129,
        -32767,
        -32768,
        -32769,
        i32::MAX as i64,
        i32::MIN as i64,
        u32::MAX as i64,
    ];
    let i = |v: i64| v.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
    let u = |v: i64| v.clamp(0, u32::MAX as i64) as u32;
    let (d, g) = (Drawable(u64::MAX), GcId(0x80));
    for &a in &edges {
        for &b in &edges {
            let arcs = vec![Arc {
                x: i(a),
                y: i(b),
                width: u(a),
                height: u(b),
                angle1: i(b),
                angle2: i(a),
            }];
            let segments = vec![Segment {
                x1: i(a),
                y1: i(b),
                x2: i(b),
                y2: i(a),
            }];
            for req in [
                Request::PolyArc(PolyArc {
                    drawable: d,
                    gc: g,
                    arcs,
                }),
                Request::PolySegment(PolySegment {
                    drawable: d,
                    gc: g,
                    segments,
                }),
            ] {
                let mut fast = Vec::new();
                encode_request_frame(&req, &mut fast);
                let mut serde = Vec::new();
                encode_frame(&req, &mut serde);
                assert_eq!(fast, serde, "{req:?}");
                assert_eq!(decode_request(&fast[4..]), Ok(req));
            }
        }
    }
}

/// Every field of every poly item, in every integer form, at the values around each
/// form's and each field type's limits: the hand-written decoder answers what serde
/// answers (the random tests reach a whole valid request with one field in a given form
/// too rarely to be relied on). Each item is the request's only one, or the second of
/// two, so that a wrongly read length shows in the next item.
#[test]
fn every_item_field_in_every_form_decodes_like_serde() {
    let values: [i128; 24] = [
        0,
        1,
        127,
        128,
        255,
        256,
        65_535,
        65_536,
        -1,
        -32,
        -33,
        -128,
        -129,
        -32_768,
        -32_769,
        i32::MAX as i128,
        i32::MAX as i128 + 1,
        i32::MIN as i128,
        i32::MIN as i128 - 1,
        u32::MAX as i128,
        u32::MAX as i128 + 1,
        i64::MIN as i128,
        u64::MAX as i128,
        1000,
    ];
    let items = [
        (PolyPoint::OPCODE, 2),
        (PolySegment::OPCODE, 4),
        (PolyFillRectangle::OPCODE, 4),
        (PolyArc::OPCODE, 6),
    ];
    let mut checked = 0;
    for (opcode, k) in items {
        for field in 0..k {
            for &n in &values {
                for form in 0..8 {
                    let item = |n: i128| {
                        V::Arr(
                            (0..k)
                                .map(|i| {
                                    if i == field {
                                        V::Int(n, form)
                                    } else {
                                        V::Int(3, 0)
                                    }
                                })
                                .collect(),
                        )
                    };
                    for list in [vec![item(n)], vec![item(5), item(n), item(7)]] {
                        let v = V::Arr(vec![
                            V::Int(opcode as i128, 0),
                            V::Arr(vec![V::Int(7, 0), V::Int(8, 0), V::Arr(list)]),
                        ]);
                        let body = bytes_of(&v);
                        assert_eq!(
                            decode_request(&body),
                            decode_request_via_serde(&body),
                            "opcode {opcode}, field {field}, {n} in form {form}: {body:02x?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 16 * 24 * 8 * 2);
}

/// An id of space `space` or of another, with a number at each edge of the relative
/// forms (1 byte to −32, `d0` to −128, `d1` to −32 768, `d2` to −2³¹, `d3` beyond) or any.
fn id_near(space: u32) -> impl Strategy<Value = u64> {
    let edges = vec![
        1u32,
        31,
        32,
        33,
        127,
        128,
        129,
        32767,
        32768,
        32769,
        0x7fff_ffff,
        0x8000_0000,
        0x8000_0001,
        u32::MAX,
        0,
    ];
    let n = prop_oneof![prop::sample::select(edges), any::<u32>()];
    let other = prop_oneof![Just(space.wrapping_add(1)), Just(0u32), any::<u32>()];
    (prop_oneof![3 => Just(space), 1 => other], n).prop_map(|(s, n)| yonder_protocol::make_id(s, n))
}

/// Requests with ids of the space below and of others: hot ones (hand-written codec)
/// and one through serde alone.
fn requests_with_ids(space: u32) -> impl Strategy<Value = Request> {
    let id = move || id_near(space);
    prop_oneof![
        (id(), id(), prop::collection::vec(rect(), 0..3)).prop_map(|(d, g, rects)| {
            Request::PolyFillRectangle(PolyFillRectangle {
                drawable: Drawable(d),
                gc: GcId(g),
                rects,
            })
        }),
        (id(), id(), id(), rect(), point()).prop_map(|(s, d, g, src_rect, dst_origin)| {
            Request::CopyArea(CopyArea {
                src: Drawable(s),
                dst: Drawable(d),
                gc: GcId(g),
                src_rect,
                dst_origin,
            })
        }),
        id().prop_map(|w| Request::MapWindow(MapWindow {
            window: yonder_protocol::WindowId(w)
        })),
        (id(), id()).prop_map(|(g, d)| Request::CreateGc(CreateGc {
            id: GcId(g),
            drawable: Drawable(d),
            values: GcValues::default(),
        })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Relative ids (protocol 1.10): both encoders write the same bytes, both decoders
    /// read back the request in the same space, and the frame is no longer than with
    /// every id in full.
    #[test]
    fn relative_ids_encode_like_serde_and_decode_back(
        (space, req) in any::<u32>()
            .prop_filter("a client's space is nonzero", |s| *s != 0)
            .prop_flat_map(|s| (Just(s), requests_with_ids(s)))
    ) {
        let (mut fast, mut serde) = (Vec::new(), Vec::new());
        yonder_protocol::encode_relative_to(space, || {
            encode_request_frame(&req, &mut fast);
            encode_frame(&req, &mut serde);
        });
        prop_assert_eq!(&fast, &serde);
        let mut full = Vec::new();
        encode_frame(&req, &mut full);
        prop_assert!(fast.len() <= full.len());
        let body = &fast[4..];
        let decoded = yonder_protocol::decode_relative_to(space, || decode_request(body));
        let via_serde =
            yonder_protocol::decode_relative_to(space, || decode_request_via_serde(body));
        prop_assert_eq!(decoded, Ok(req.clone()));
        prop_assert_eq!(via_serde, Ok(req));
    }
}

/// A coordinate: mostly on a screen (where packing pays), sometimes past 16 bits.
fn coordinate() -> impl Strategy<Value = i32> {
    prop_oneof![
        4 => 0..1920i32,
        1 => -40..40i32,
        1 => -40_000..40_000i32,
        1 => prop::sample::select(vec![-32769, -32768, 32767, 32768, i32::MIN, i32::MAX]),
    ]
}

fn size() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0..1920u32, 1 => prop::sample::select(vec![65535, 65536, u32::MAX])]
}

/// Poly requests whose lists may go packed (1.10, §8.2).
fn packable_request() -> impl Strategy<Value = Request> {
    let d = Drawable(yonder_protocol::make_id(7, 1));
    let g = GcId(yonder_protocol::make_id(7, 2));
    let point =
        || (coordinate(), coordinate()).prop_map(|(x, y)| yonder_protocol::Point::new(x, y));
    prop_oneof![
        prop::collection::vec(
            (coordinate(), coordinate(), coordinate(), coordinate()),
            0..40
        )
        .prop_map(move |v| Request::PolySegment(PolySegment {
            drawable: d,
            gc: g,
            segments: v
                .into_iter()
                .map(|(x1, y1, x2, y2)| Segment { x1, y1, x2, y2 })
                .collect(),
        })),
        prop::collection::vec(point(), 0..300).prop_map(move |points| {
            Request::PolyLine(PolyLine {
                drawable: d,
                gc: g,
                points,
            })
        }),
        prop::collection::vec((coordinate(), coordinate(), size(), size()), 0..40).prop_map(
            move |v| Request::PolyFillRectangle(PolyFillRectangle {
                drawable: d,
                gc: g,
                rects: v
                    .into_iter()
                    .map(|(x, y, w, h)| yonder_protocol::Rect::new(x, y, w, h))
                    .collect(),
            })
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Packed items (1.10): for a 1.10 display both encoders choose the same form and
    /// write the same bytes, never more than the array form, and both decoders read the
    /// request back; for an older display (no space) the lists stay arrays.
    #[test]
    fn packed_items_encode_like_serde_and_decode_back(req in packable_request()) {
        let (mut fast, mut serde) = (Vec::new(), Vec::new());
        yonder_protocol::encode_relative_to(7, || {
            encode_request_frame(&req, &mut fast);
            encode_frame(&req, &mut serde);
        });
        prop_assert_eq!(&fast, &serde);
        let mut arrays = Vec::new();
        encode_request_frame(&req, &mut arrays);
        // The ids relative (−1, −2: 16 bytes fewer than in full), the list never longer.
        prop_assert!(fast.len() + 16 <= arrays.len(), "{} against {}", fast.len(), arrays.len());
        for body in [&fast[4..], &arrays[4..]] {
            let decoded = yonder_protocol::decode_relative_to(7, || decode_request(body));
            let via_serde =
                yonder_protocol::decode_relative_to(7, || decode_request_via_serde(body));
            prop_assert_eq!(decoded, Ok(req.clone()));
            prop_assert_eq!(via_serde, Ok(req.clone()));
        }
    }
}

/// A `bin` that is not a whole number of items, or under an arc request, is malformed to
/// both decoders alike.
#[test]
fn a_bin_of_partial_items_is_refused_by_both_decoders() {
    for (op, bin) in [
        (PolySegment::OPCODE, vec![0u8; 7]),
        (PolyLine::OPCODE, vec![0u8; 6]),
        (PolyFillRectangle::OPCODE, vec![1u8; 9]),
        (PolyArc::OPCODE, vec![0u8; 12]),
    ] {
        let mut body = vec![0x92, op, 0x93, 0x01, 0x02, 0xc4, bin.len() as u8];
        body.extend(&bin);
        assert!(decode_request(&body).is_err(), "opcode {op}");
        assert_eq!(decode_request(&body), decode_request_via_serde(&body));
    }
    // A whole one decodes, the same both ways.
    let body = [
        0x92,
        PolyPoint::OPCODE,
        0x93,
        1,
        2,
        0xc4,
        4,
        0x2c,
        0x01,
        0xfb,
        0xff,
    ];
    let want = Request::PolyPoint(PolyPoint {
        drawable: Drawable(1),
        gc: GcId(2),
        points: vec![yonder_protocol::Point::new(300, -5)],
    });
    assert_eq!(decode_request(&body), Ok(want.clone()));
    assert_eq!(decode_request_via_serde(&body), Ok(want));
}

/// Values at every boundary of MessagePack's integer forms and of 16 bits, and beside.
fn edgy() -> impl Strategy<Value = i32> {
    let edges = [
        i32::MIN,
        -65537,
        -32769,
        -32768,
        -129,
        -128,
        -33,
        -32,
        -1,
        0,
        127,
        128,
        255,
        256,
        32767,
        32768,
        65535,
        65536,
        i32::MAX,
    ];
    prop_oneof![
        prop::sample::select(edges.to_vec())
            .prop_flat_map(|e| e.saturating_sub(1)..=e.saturating_add(1)),
        -300i32..300,
        any::<i32>(),
    ]
}

/// The form a list goes in, by protocol.md §8.2's rule, from the array written by rmp
/// itself: packed when every field fits 16 bits and the bin is shorter; and the list's
/// bytes in that form, header included.
fn reference_form(fields: &[Vec<i64>], signed: &[bool]) -> (bool, usize) {
    let fit = fields.iter().all(|item| {
        item.iter().zip(signed).all(|(&v, &s)| match s {
            true => (-32768..=32767).contains(&v),
            false => (0..=65535).contains(&v),
        })
    });
    let array = array_len(fields, signed);
    let bytes = fields.len() * 2 * signed.len();
    let header = match bytes {
        0..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 5,
    };
    match fit && header + bytes < array {
        true => (true, header + bytes),
        false => (false, array),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The encoders' packing decision and the list's length (one branch-free pass) are
    /// the rule's, checked against arrays rmp writes, at every boundary of the integer
    /// forms, for a 1.10 display and for an older one (arrays only).
    #[test]
    fn packing_is_decided_by_the_arrays_rmp_writes(
        v in prop::collection::vec((edgy(), edgy(), edgy(), edgy()), 0..40),
        small in prop::collection::vec((-40i32..140, -40i32..140, 0u32..300, 0u32..300), 0..40),
    ) {
        use yonder_protocol::packed::{form, packs};
        use yonder_protocol::{Point, Rect, Segment};
        let in_1_10 = |f: &dyn Fn() -> (bool, usize)| yonder_protocol::encode_relative_to(1, f);
        let segs: Vec<Segment> =
            v.iter().map(|&(x1, y1, x2, y2)| Segment { x1, y1, x2, y2 }).collect();
        let fields: Vec<Vec<i64>> =
            v.iter().map(|&(a, b, c, d)| vec![a as i64, b as i64, c as i64, d as i64]).collect();
        prop_assert_eq!(in_1_10(&|| form(&segs)), reference_form(&fields, &[true; 4]));
        prop_assert_eq!(form(&segs), (false, array_len(&fields, &[true; 4])));
        let points: Vec<Point> = v.iter().map(|&(x, y, _, _)| Point::new(x, y)).collect();
        let fields: Vec<Vec<i64>> = v.iter().map(|&(x, y, _, _)| vec![x as i64, y as i64]).collect();
        prop_assert_eq!(in_1_10(&|| form(&points)), reference_form(&fields, &[true; 2]));
        prop_assert_eq!(form(&points), (false, array_len(&fields, &[true; 2])));
        for list in [
            v.iter().map(|&(x, y, w, h)| (x, y, w as u32, h as u32)).collect::<Vec<_>>(),
            small.clone(),
        ] {
            let rects: Vec<Rect> = list.iter().map(|&(x, y, w, h)| Rect::new(x, y, w, h)).collect();
            let fields: Vec<Vec<i64>> =
                list.iter().map(|&(x, y, w, h)| vec![x as i64, y as i64, w as i64, h as i64]).collect();
            let signed = [true, true, false, false];
            let expected = reference_form(&fields, &signed);
            prop_assert_eq!(in_1_10(&|| form(&rects)), expected);
            prop_assert_eq!(yonder_protocol::encode_relative_to(1, || packs(&rects)), expected.0);
            prop_assert_eq!(form(&rects), (false, array_len(&fields, &signed)));
        }
        // Not for the journal's frames, nor for a display before 1.10.
        prop_assert!(!packs(&segs));
    }
}

/// Bytes of the list as the array rmp writes.
fn array_len(fields: &[Vec<i64>], signed: &[bool]) -> usize {
    let mut array = Vec::new();
    rmp::encode::write_array_len(&mut array, fields.len() as u32).unwrap();
    for item in fields {
        rmp::encode::write_array_len(&mut array, item.len() as u32).unwrap();
        for (&v, &s) in item.iter().zip(signed) {
            match s {
                true => rmp::encode::write_sint(&mut array, v).map(drop).unwrap(),
                false => rmp::encode::write_uint(&mut array, v as u64)
                    .map(drop)
                    .unwrap(),
            }
        }
    }
    array.len()
}
