//! Goldens of the drawing requests: pixmaps, GCs, clips, lines, fills, arcs, images and
//! text; and the shared-memory requests (1.3).

use super::session::*;
use super::{Golden, Msg};
use yonder_protocol::event::*;
use yonder_protocol::request::*;
use yonder_protocol::*;

/// CreatePixmap to QueryTextExtentsBatch.
pub(crate) fn requests() -> Vec<Golden> {
    vec![
        g(
            "CreatePixmap",
            req(Request::CreatePixmap(CreatePixmap {
                id: PIX,
                drawable: win(),
                width: 64,
                height: 64,
            })),
            "17000000921e94cf5eed000100000003cf5eed0001000000014040",
        ),
        g(
            "FreePixmap",
            req(Request::FreePixmap(FreePixmap { pixmap: PIX })),
            "0c000000921f91cf5eed000100000003",
        ),
        g(
            "CreateGc",
            req(Request::CreateGc(CreateGc {
                id: GC,
                drawable: win(),
                values: GcValues {
                    foreground: Some(Color::rgb(0x3366cc)),
                    line_width: Some(2),
                    antialias: Some(true),
                    font_size: Some(16.0),
                    ..GcValues::default()
                },
            })),
            "28000000922093cf5eed000100000002cf5eed0001000000019aceff3366ccc002c3ca41800000c0c0c0c0c0",
        ),
        g(
            "ChangeGc",
            req(Request::ChangeGc(ChangeGc {
                gc: GC,
                values: GcValues {
                    op: Some(CompositeOp::Source),
                    cap_style: Some(CapStyle::Round),
                    join_style: Some(JoinStyle::Round),
                    ..GcValues::default()
                },
            })),
            "17000000922192cf5eed0001000000029ac0c0c0c0c001c0c00101",
        ),
        g(
            "ChangeGc choosing a face",
            req(Request::ChangeGc(ChangeGc {
                gc: GC,
                values: GcValues {
                    font_size: Some(13.0),
                    font_face: Some(2),
                    ..GcValues::default()
                },
            })),
            "1c000000922192cf5eed0001000000029bc0c0c0c0ca41500000c0c0c0c0c002",
        ),
        g(
            "ChangeGc turning text antialiasing off",
            req(Request::ChangeGc(ChangeGc {
                gc: GC,
                values: GcValues {
                    text_antialias: Some(false),
                    ..GcValues::default()
                },
            })),
            "19000000922192cf5eed0001000000029cc0c0c0c0c0c0c0c0c0c0c0c2",
        ),
        g(
            "SetClipRectangles",
            req(Request::SetClipRectangles(SetClipRectangles {
                gc: GC,
                origin: Point::new(0, 0),
                rects: Some(vec![Rect::new(10, 10, 100, 50)]),
            })),
            "15000000922293cf5eed00010000000292000091940a0a6432",
        ),
        g(
            "SetClipRectangles (remove the clip)",
            req(Request::SetClipRectangles(SetClipRectangles {
                gc: GC,
                origin: Point::new(0, 0),
                rects: None,
            })),
            "10000000922293cf5eed000100000002920000c0",
        ),
        g("FreeGc", req(Request::FreeGc(FreeGc { gc: GC })), "0c000000922391cf5eed000100000002"),
        g(
            "ClearArea",
            req(Request::ClearArea(ClearArea {
                window: WIN,
                rect: Rect::new(0, 0, 0, 0),
                exposures: true,
            })),
            "12000000922893cf5eed0001000000019400000000c3",
        ),
        g(
            "CopyArea",
            req(Request::CopyArea(CopyArea {
                src: PIX.into(),
                dst: win(),
                gc: GC,
                src_rect: Rect::new(0, 0, 64, 64),
                dst_origin: Point::new(20, 20),
            })),
            "26000000922995cf5eed000100000003cf5eed000100000001cf5eed0001000000029400004040921414",
        ),
        g(
            "PolyPoint",
            req(Request::PolyPoint(PolyPoint {
                drawable: win(),
                gc: GC,
                points: vec![Point::new(1, 1), Point::new(2, 2)],
            })),
            "1c000000922a93cf5eed000100000001cf5eed00010000000292920101920202",
        ),
        g(
            "PolyLine",
            req(Request::PolyLine(PolyLine {
                drawable: win(),
                gc: GC,
                points: vec![
                    Point::new(10, 10),
                    Point::new(200, 10),
                    Point::new(200, 150),
                ],
            })),
            "22000000922b93cf5eed000100000001cf5eed00010000000293920a0a92ccc80a92ccc8cc96",
        ),
        g(
            "PolySegment",
            req(Request::PolySegment(PolySegment {
                drawable: win(),
                gc: GC,
                segments: vec![
                    Segment {
                        x1: 0,
                        y1: 0,
                        x2: 100,
                        y2: 100,
                    },
                    Segment {
                        x1: 0,
                        y1: 100,
                        x2: 100,
                        y2: 0,
                    },
                ],
            })),
            "20000000922c93cf5eed000100000001cf5eed0001000000029294000064649400646400",
        ),
        g(
            "PolyRectangle",
            req(Request::PolyRectangle(PolyRectangle {
                drawable: win(),
                gc: GC,
                rects: vec![Rect::new(20, 20, 100, 60)],
            })),
            "1b000000922d93cf5eed000100000001cf5eed00010000000291941414643c",
        ),
        g(
            "PolyFillRectangle",
            req(Request::PolyFillRectangle(PolyFillRectangle {
                drawable: win(),
                gc: GC,
                rects: vec![Rect::new(0, 0, 640, 32), Rect::new(0, 448, 640, 32)],
            })),
            "26000000922e93cf5eed000100000001cf5eed00010000000292940000cd0280209400cd01c0cd028020",
        ),
        g(
            "PolySegment, packed",
            Msg::OwnRequest(
                SPACE,
                Request::PolySegment(PolySegment {
                    drawable: win(),
                    gc: GC,
                    segments: vec![
                        Segment {
                            x1: 300,
                            y1: 200,
                            x2: 310,
                            y2: 210,
                        },
                        Segment {
                            x1: -5,
                            y1: 1000,
                            x2: 640,
                            y2: 480,
                        },
                    ],
                }),
            ),
            "17000000922c93fffec4102c01c8003601d200fbffe8038002e001",
        ),
        g(
            "PolyFillRectangle, relative ids",
            Msg::OwnRequest(
                SPACE,
                Request::PolyFillRectangle(PolyFillRectangle {
                    drawable: win(),
                    gc: GC,
                    rects: vec![Rect::new(10, 10, 100, 50)],
                }),
            ),
            "0b000000922e93fffe91940a0a6432",
        ),
        g(
            "PolyArc",
            req(Request::PolyArc(PolyArc {
                drawable: win(),
                gc: GC,
                arcs: vec![geometry::Arc::ellipse(Rect::new(300, 200, 40, 40))],
            })),
            "22000000922f93cf5eed000100000001cf5eed0001000000029196cd012cccc8282800cd5a00",
        ),
        g(
            "PolyFillArc",
            req(Request::PolyFillArc(PolyFillArc {
                drawable: win(),
                gc: GC,
                arcs: vec![geometry::Arc {
                    x: 300,
                    y: 200,
                    width: 80,
                    height: 80,
                    angle1: 0,
                    angle2: 90 * 64,
                }],
            })),
            "22000000923093cf5eed000100000001cf5eed0001000000029196cd012cccc8505000cd1680",
        ),
        g(
            "FillPoly",
            req(Request::FillPoly(FillPoly {
                drawable: win(),
                gc: GC,
                points: vec![Point::new(50, 50), Point::new(90, 10), Point::new(130, 50)],
            })),
            "20000000923193cf5eed000100000001cf5eed00010000000293923232925a0a92cc8232",
        ),
        g(
            "PutImage",
            // A red pixel, then a blue one: B, G, R, x.
            put_two_pixels(
                ImageFormat::Bgrx,
                vec![0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0x00, 0x00],
            ),
            "25000000923297cf5eed000100000001cf5eed000100000002920808020100c4080000ff00ff000000",
        ),
        g(
            "PutImage Qoi",
            // The same two pixels as a QOI file: header "qoif", 2, 1, 3 channels, sRGB;
            // QOI_OP_DIFF 5a (red) and 79 (blue); the end marker.
            put_two_pixels(
                ImageFormat::Qoi,
                hex::decode("716f6966000000020000000103005a790000000000000001").unwrap(),
            ),
            "35000000923297cf5eed000100000001cf5eed000100000002920808020104c418716f6966000000020000000103005a790000000000000001",
        ),
        g(
            "PutImage Rgbx",
            // The same two pixels, opaque whatever the fourth byte: R, G, B, x.
            put_two_pixels(
                ImageFormat::Rgbx,
                vec![0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00],
            ),
            "25000000923297cf5eed000100000001cf5eed000100000002920808020105c408ff0000000000ff00",
        ),
        g(
            "GetImage",
            req(Request::GetImage(GetImage {
                drawable: win(),
                rect: Rect::new(8, 8, 2, 1),
                format: ImageFormat::Rgba,
            })),
            "12000000923393cf5eed000100000001940808020101",
        ),
        g(
            "DrawText",
            req(Request::DrawText(DrawText {
                drawable: win(),
                gc: GC,
                origin: Point::new(16, 40),
                text: "Hello, Yonder".into(),
            })),
            "26000000923494cf5eed000100000001cf5eed000100000002921028ad48656c6c6f2c20596f6e646572",
        ),
        g(
            "QueryTextExtents",
            req(Request::QueryTextExtents(QueryTextExtents {
                gc: GC,
                text: "Hello".into(),
            })),
            "12000000923592cf5eed000100000002a548656c6c6f",
        ),
        g(
            "QueryTextExtentsBatch",
            req(Request::QueryTextExtentsBatch(QueryTextExtentsBatch {
                gc: GC,
                texts: vec!["H".into(), "He".into(), "Hello".into()],
            })),
            "18000000923692cf5eed00010000000293a148a24865a548656c6c6f",
        ),
    ]
}

/// ShmAttach, ShmPutImage, ShmDetach (and the embedding's SendEvent that follows them in
/// the spec).
pub(crate) fn shm_requests() -> Vec<Golden> {
    vec![
        // --- Shared memory (1.3) -----------------------------------------------------------
        g(
            "ShmAttach",
            req(Request::ShmAttach(ShmAttach {
                segment: ShmSegment(1),
                size: 4 << 20,
            })),
            "0900000092469201ce00400000",
        ),
        g(
            "ShmPutImage",
            req(Request::ShmPutImage(ShmPutImage {
                drawable: win(),
                gc: GC,
                dst: Point::new(0, 0),
                width: 640,
                height: 480,
                format: ImageFormat::Bgrx,
                segment: ShmSegment(1),
                offset: 0,
                stride: 2560,
            })),
            "24000000924899cf5eed000100000001cf5eed000100000002920000cd0280cd01e0000100cd0a00",
        ),
        g(
            "ShmDetach",
            req(Request::ShmDetach(ShmDetach {
                segment: ShmSegment(1),
            })),
            "0400000092479101",
        ),
        g(
            "SendEvent (EMBED_READY)",
            req(Request::SendEvent(SendEvent {
                destination: WIN,
                event_mask: EventMask::EMPTY,
                event: Event::ClientMessage(ClientMessage {
                    window: WIN,
                    type_: atoms::YONDER_EMBED,
                    data: [1u32.to_le_bytes().as_slice(), &PART.0.to_le_bytes()].concat(),
                }),
            })),
            "28000000921193cf5eed00010000000100922193cf5eed00010000000117c40c0100000002000000010017ed",
        ),
    ]
}

/// The PutImage of the examples: a 2×1 image at (8, 8) in the window, through the GC.
fn put_two_pixels(format: ImageFormat, data: Vec<u8>) -> Msg {
    req(Request::PutImage(PutImage {
        drawable: win(),
        gc: GC,
        dst: Point::new(8, 8),
        width: 2,
        height: 1,
        format,
        data,
    }))
}
