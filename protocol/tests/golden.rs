//! Golden bytes: every message kind of the protocol, built as a value, encoded with the real
//! encoder and compared with a hex constant; then decoded back from the hex and compared with
//! the value. The same hex strings are the examples printed in `protocol.md`, and a test
//! below checks that the spec's ```hex blocks and this table are the same set, so the spec
//! and the code cannot drift apart.
//!
//! To regenerate after a deliberate wire change, run
//! `YONDER_GOLDEN_PRINT=1 cargo test -p yonder-protocol --test golden print_goldens -- --nocapture`:
//! it prints every message's actual hex, the ```hex block for the spec and a MessagePack
//! rendering of the body (made by the small independent decoder at the end of this file).

use yonder_protocol::atoms;
use yonder_protocol::event::*;
use yonder_protocol::frame::{encode_frame, split_frame, FrameError, HEADER_LEN, MAX_FRAME_LEN};
use yonder_protocol::handshake::{Limits, PixelFormat, ScreenInfo};
use yonder_protocol::keysym;
use yonder_protocol::message::decode_server_message;
use yonder_protocol::reply::*;
use yonder_protocol::request::*;
use yonder_protocol::*;

// ---------------------------------------------------------------------------------------
// The example session: client "hello" with id space 0x5eed0001, next to a window manager
// whose id space is 0x7a11ce00.

/// The example client's id space.
const SPACE: u32 = 0x5eed_0001;
/// Its top-level window.
const WIN: WindowId = WindowId(0x5eed_0001_0000_0001);
/// Its graphics context.
const GC: GcId = GcId(0x5eed_0001_0000_0002);
/// Its pixmap.
const PIX: PixmapId = PixmapId(0x5eed_0001_0000_0003);
/// A child window of WIN.
const CHILD: WindowId = WindowId(0x5eed_0001_0000_0004);
/// Another client's window (a window manager's frame).
const FRAME: WindowId = WindowId(0x7a11_ce00_0000_0001);
/// A third client's top-level window (an editor, id space 0xed170001): the other side of
/// the clipboard and drag-and-drop examples.
const EDITOR: WindowId = WindowId(0xed17_0001_0000_0001);
/// The editor's second window: a part embedded in WIN (§18 of protocol.md).
const PART: WindowId = WindowId(0xed17_0001_0000_0002);

fn win() -> Drawable {
    WIN.into()
}

/// One message of any kind, as its decoder sees it.
#[derive(Debug, Clone, PartialEq)]
enum Msg {
    Hello(Hello),
    Setup(SetupResponse),
    Request(Request),
    Server(ServerMessage),
}

impl Msg {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Msg::Hello(m) => encode_frame(m, &mut out),
            Msg::Setup(m) => encode_frame(m, &mut out),
            Msg::Request(m) => encode_frame(m, &mut out),
            Msg::Server(m) => encode_frame(m, &mut out),
        }
        out
    }

    /// Decodes a body with the decoder that applies to this kind of message.
    fn decode_like(&self, body: &[u8]) -> Msg {
        match self {
            Msg::Hello(_) => Msg::Hello(rmp_serde::from_slice(body).expect("hello decodes")),
            Msg::Setup(_) => Msg::Setup(rmp_serde::from_slice(body).expect("setup decodes")),
            Msg::Request(_) => Msg::Request(decode_request(body).expect("request decodes")),
            Msg::Server(_) => {
                Msg::Server(decode_server_message(body).expect("server message decodes"))
            }
        }
    }
}

struct Golden {
    /// Title, as used in protocol.md.
    name: &'static str,
    msg: Msg,
    /// The whole frame (length prefix and body), lowercase hex.
    hex: &'static str,
}

fn g(name: &'static str, msg: Msg, hex: &'static str) -> Golden {
    Golden { name, msg, hex }
}

fn req(r: Request) -> Msg {
    Msg::Request(r)
}

fn reply(seq: u64, reply: Reply) -> Msg {
    Msg::Server(ServerMessage::Reply {
        seq: Seq(seq),
        reply,
    })
}

fn event(seq: u64, event: Event, sent: bool) -> Msg {
    Msg::Server(ServerMessage::Event {
        seq: Seq(seq),
        event,
        sent,
    })
}

fn error(seq: u64, code: ErrorCode, bad_value: u64, opcode: u8, message: &str) -> Msg {
    Msg::Server(ServerMessage::Error {
        seq: Seq(seq),
        error: ProtocolError {
            code,
            bad_value,
            opcode,
            message: message.into(),
        },
    })
}

fn client_mask() -> EventMask {
    EventMask::EXPOSURE
        | EventMask::KEY_PRESS
        | EventMask::KEY_RELEASE
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::STRUCTURE_NOTIFY
}

fn key(window: WindowId, keysym: u32, text: &str) -> KeyEvent {
    KeyEvent {
        window,
        time: Timestamp(48213),
        x: 50,
        y: 40,
        root_x: 150,
        root_y: 120,
        keysym,
        text: text.into(),
        modifiers: ModMask::EMPTY,
        repeat: false,
    }
}

fn button(button: u8, modifiers: ModMask) -> ButtonEvent {
    ButtonEvent {
        window: WIN,
        time: Timestamp(50002),
        x: 312,
        y: 230,
        root_x: 412,
        root_y: 310,
        button,
        modifiers,
    }
}

fn crossing(x: i32, y: i32) -> CrossingEvent {
    CrossingEvent {
        window: WIN,
        time: Timestamp(49100),
        x,
        y,
        root_x: 100 + x,
        root_y: 80 + y,
        modifiers: ModMask::EMPTY,
    }
}

fn setup() -> Setup {
    Setup {
        major: PROTOCOL_MAJOR,
        minor: PROTOCOL_MINOR,
        vendor: "yonder-server 0.1.0".into(),
        client_id: ClientId(2),
        id_space: SPACE,
        screens: vec![ScreenInfo {
            root: WindowId::ROOT,
            width: 1280,
            height: 800,
            // The headless server reports its size at 96 dpi.
            width_mm: 338,
            height_mm: 211,
            scale_factor: 1.0,
            pixel_format: PixelFormat::xrgb8888(),
            root_background: Color::rgb(0x2e3440),
        }],
        limits: Limits {
            max_frame_len: MAX_FRAME_LEN as u32,
            max_drawable_side: 16384,
        },
        extensions: vec![],
        atoms: atoms::PREDEFINED
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_string(), atoms::predefined(i)))
            .collect(),
    }
}

/// The table: one entry per message of the protocol (at least one per request opcode, reply,
/// event and error code, plus the hello and both setup responses).
fn goldens() -> Vec<Golden> {
    vec![
        // --- Handshake ----------------------------------------------------------------------
        g(
            "Hello",
            Msg::Hello(Hello {
                protocol: PROTOCOL_NAME.into(),
                major: PROTOCOL_MAJOR,
                minor: PROTOCOL_MINOR,
                cookie: hex::decode("00112233445566778899aabbccddeeff").unwrap(),
                app_name: "hello".into(),
                id_space: SPACE,
            }),
            "2700000096a6796f6e6465720103c41000112233445566778899aabbccddeeffa568656c6c6fce5eed0001",
        ),
        g(
            "SetupResponse Accepted",
            Msg::Setup(SetupResponse::Accepted(setup())),
            "950100009200990103b3796f6e6465722d73657276657220302e312e3002ce5eed0001919801cd0500cd0320cd0152ccd3cb3ff0000000000000952018ce00ff0000cdff00ccffceff2e344092ce01000000cd400090dc001892a75052494d4152590192a95345434f4e444152590292a9434c4950424f4152440392a441544f4d0492a843415244494e414c0592a7494e54454745520692a6535452494e470792ab555446385f535452494e470892a657494e444f570992a65049584d41500a92a7574d5f4e414d450b92a8574d5f434c4153530c92ac574d5f50524f544f434f4c530d92b0574d5f44454c4554455f57494e444f570e92b0574d5f5452414e5349454e545f464f520f92ac5f4e45545f574d5f4e414d451092ab5f4e45545f574d5f5049441192a7544152474554531292aa594f4e4445525f444e441392b8746578742f706c61696e3b636861727365743d7574662d381492a9696d6167652f706e671592ad746578742f7572692d6c6973741692ad5f594f4e4445525f454d4245441792b15f594f4e4445525f504152545f4441544118",
        ),
        g(
            "SetupResponse Refused",
            Msg::Setup(SetupResponse::Refused(Refusal {
                reason: "wrong cookie for display :3".into(),
            })),
            "1f000000920191bb77726f6e6720636f6f6b696520666f7220646973706c6179203a33",
        ),
        g(
            "SetupResponse Refused on the TLS port",
            Msg::Setup(SetupResponse::Refused(Refusal {
                reason: "this port speaks TLS: connect with tls:192.0.2.7:3".into(),
            })),
            "37000000920191d9327468697320706f727420737065616b7320544c533a20636f6e6e656374207769746820746c733a3139322e302e322e373a33",
        ),
        // --- Requests -----------------------------------------------------------------------
        g(
            "CreateWindow",
            req(Request::CreateWindow(CreateWindow {
                id: WIN,
                parent: WindowId::ROOT,
                rect: Rect::new(100, 80, 640, 480),
                attributes: WindowAttributes {
                    background: Some(Color::rgb(0xf0f0f0)),
                    event_mask: Some(client_mask()),
                    override_redirect: None,
                    cursor: None,
                },
            })),
            "23000000920194cf5eed00010000000101946450cd0280cd01e094cefff0f0f0ce0002800fc0c0",
        ),
        g(
            "ChangeWindowAttributes",
            req(Request::ChangeWindowAttributes(ChangeWindowAttributes {
                window: WIN,
                attributes: WindowAttributes {
                    background: None,
                    event_mask: Some(client_mask() | EventMask::POINTER_MOTION),
                    override_redirect: None,
                    cursor: Some(Cursor::Text),
                },
            })),
            "15000000920292cf5eed00010000000194c0ce0002804fc003",
        ),
        g(
            "GetWindowAttributes",
            req(Request::GetWindowAttributes(GetWindowAttributes {
                window: WIN,
            })),
            "0c000000920391cf5eed000100000001",
        ),
        g(
            "DestroyWindow",
            req(Request::DestroyWindow(DestroyWindow { window: CHILD })),
            "0c000000920491cf5eed000100000004",
        ),
        g(
            "MapWindow",
            req(Request::MapWindow(MapWindow { window: WIN })),
            "0c000000920591cf5eed000100000001",
        ),
        g(
            "UnmapWindow",
            req(Request::UnmapWindow(UnmapWindow { window: WIN })),
            "0c000000920691cf5eed000100000001",
        ),
        g(
            "ConfigureWindow",
            req(Request::ConfigureWindow(ConfigureWindow {
                window: WIN,
                x: None,
                y: None,
                width: Some(800),
                height: Some(600),
                stack_mode: Some(StackMode::Above),
                sibling: None,
            })),
            "16000000920797cf5eed000100000001c0c0cd0320cd025800c0",
        ),
        g(
            "ReparentWindow",
            req(Request::ReparentWindow(ReparentWindow {
                window: CHILD,
                parent: FRAME,
                x: 10,
                y: -4,
            })),
            "17000000920894cf5eed000100000004cf7a11ce00000000010afc",
        ),
        g(
            "GetGeometry",
            req(Request::GetGeometry(GetGeometry { drawable: win() })),
            "0c000000920991cf5eed000100000001",
        ),
        g(
            "QueryTree",
            req(Request::QueryTree(QueryTree {
                window: WindowId::ROOT,
            })),
            "04000000920a9101",
        ),
        g(
            "InternAtom",
            req(Request::InternAtom(InternAtom {
                name: "_NET_WM_STATE".into(),
                only_if_exists: false,
            })),
            "12000000920b92ad5f4e45545f574d5f5354415445c2",
        ),
        g(
            "GetAtomName",
            req(Request::GetAtomName(GetAtomName { atom: Atom(25) })),
            "04000000920c9119",
        ),
        g(
            "ChangeProperty",
            req(Request::ChangeProperty(ChangeProperty {
                window: WIN,
                property: atoms::NET_WM_NAME,
                type_: atoms::UTF8_STRING,
                mode: PropMode::Replace,
                data: b"Hello, Yonder".to_vec(),
            })),
            "1e000000920d95cf5eed000100000001100800c40d48656c6c6f2c20596f6e646572",
        ),
        g(
            "DeleteProperty",
            req(Request::DeleteProperty(DeleteProperty {
                window: WIN,
                property: atoms::WM_CLASS,
            })),
            "0d000000920e92cf5eed0001000000010c",
        ),
        g(
            "GetProperty",
            req(Request::GetProperty(GetProperty {
                window: WIN,
                property: atoms::NET_WM_NAME,
                delete: false,
            })),
            "0e000000920f93cf5eed00010000000110c2",
        ),
        g(
            "ListProperties",
            req(Request::ListProperties(ListProperties { window: WIN })),
            "0c000000921091cf5eed000100000001",
        ),
        g(
            "SendEvent",
            req(Request::SendEvent(SendEvent {
                destination: FRAME,
                event_mask: EventMask::EMPTY,
                event: Event::ClientMessage(ClientMessage {
                    window: FRAME,
                    type_: atoms::WM_PROTOCOLS,
                    data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
                }),
            })),
            "20000000921193cf7a11ce000000000100922193cf7a11ce00000000010dc4040e000000",
        ),
        g(
            "SetInputFocus",
            req(Request::SetInputFocus(SetInputFocus { window: WIN })),
            "0c000000921291cf5eed000100000001",
        ),
        g(
            "GetInputFocus",
            req(Request::GetInputFocus(GetInputFocus {})),
            "03000000921390",
        ),
        g(
            "QueryPointer",
            req(Request::QueryPointer(QueryPointer { window: WIN })),
            "0c000000921491cf5eed000100000001",
        ),
        g(
            "FakeInput",
            req(Request::FakeInput(FakeInput {
                kind: FakeKind::Motion,
                detail: 0,
                x: 400,
                y: 300,
            })),
            "0b0000009215940600cd0190cd012c",
        ),
        g("Sync", req(Request::Sync(Sync {})), "03000000921690"),
        g("ListClients", req(Request::ListClients(ListClients {})), "03000000921790"),
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
            req(Request::PutImage(PutImage {
                drawable: win(),
                gc: GC,
                dst: Point::new(8, 8),
                width: 2,
                height: 1,
                format: ImageFormat::Bgrx,
                // A red pixel, then a blue one: B, G, R, x.
                data: vec![0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0x00, 0x00],
            })),
            "25000000923297cf5eed000100000001cf5eed000100000002920808020100c4080000ff00ff000000",
        ),
        g(
            "PutImage Qoi",
            req(Request::PutImage(PutImage {
                drawable: win(),
                gc: GC,
                dst: Point::new(8, 8),
                width: 2,
                height: 1,
                format: ImageFormat::Qoi,
                // The same two pixels as a QOI file: header "qoif", 2, 1, 3 channels,
                // sRGB; QOI_OP_DIFF 5a (red) and 79 (blue); the end marker.
                data: hex::decode("716f6966000000020000000103005a790000000000000001")
                    .unwrap(),
            })),
            "35000000923297cf5eed000100000001cf5eed000100000002920808020104c418716f6966000000020000000103005a790000000000000001",
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
        // Selections: the example client copies to the clipboard, the editor pastes.
        g(
            "SetSelectionOwner",
            req(Request::SetSelectionOwner(SetSelectionOwner {
                selection: atoms::CLIPBOARD,
                owner: WIN,
                time: Timestamp(48213),
            })),
            "10000000923c9303cf5eed000100000001cdbc55",
        ),
        g(
            "GetSelectionOwner",
            req(Request::GetSelectionOwner(GetSelectionOwner {
                selection: atoms::CLIPBOARD,
            })),
            "04000000923d9103",
        ),
        g(
            "ConvertSelection",
            req(Request::ConvertSelection(ConvertSelection {
                selection: atoms::CLIPBOARD,
                target: atoms::TEXT_PLAIN_UTF8,
                requestor: EDITOR,
                tag: 7,
            })),
            "0f000000923e940314cfed1700010000000107",
        ),
        g(
            "SendSelectionData",
            req(Request::SendSelectionData(SendSelectionData {
                transfer: 1,
                data: b"Hello, Yonder".to_vec(),
                done: true,
                refused: false,
            })),
            "15000000923f9401c40d48656c6c6f2c20596f6e646572c3c2",
        ),
        // Drag-and-drop: text dragged from WIN to the editor and moved there.
        g(
            "StartDrag",
            req(Request::StartDrag(StartDrag {
                source: WIN,
                types: vec![atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING],
                actions: DndActions::COPY | DndActions::MOVE,
                icon: PIX,
                hotspot: Point::new(8, 8),
            })),
            "1c000000924095cf5eed00010000000192140803cf5eed000100000003920808",
        ),
        g(
            "DndStatus",
            req(Request::DndStatus(DndStatus {
                target: EDITOR,
                accept: true,
                action: DndAction::Move,
            })),
            "0e000000924193cfed17000100000001c302",
        ),
        g(
            "DndFinish",
            req(Request::DndFinish(DndFinish {
                target: EDITOR,
                success: true,
                action: DndAction::Move,
            })),
            "0e000000924293cfed17000100000001c302",
        ),
        // Embedding: WIN is a container, PART the editor's part inside it.
        g(
            "ChangeSaveSet",
            req(Request::ChangeSaveSet(ChangeSaveSet {
                window: PART,
                insert: true,
            })),
            "0d000000924392cfed17000100000002c3",
        ),
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
        // --- Replies ------------------------------------------------------------------------
        g(
            "WindowAttributes reply",
            reply(
                3,
                Reply::WindowAttributes(WindowAttributesReply {
                    map_state: MapState::Viewable,
                    override_redirect: false,
                    background: Color::rgb(0xf0f0f0),
                    your_event_mask: client_mask(),
                    all_event_masks: client_mask() | EventMask::SUBSTRUCTURE_NOTIFY,
                    owner: ClientId(2),
                }),
            ),
            "1800000093000392039602c2cefff0f0f0ce0002800fce000a800f02",
        ),
        g(
            "Geometry reply",
            reply(
                9,
                Reply::Geometry(GeometryReply {
                    root: WindowId::ROOT,
                    rect: Rect::new(100, 80, 640, 480),
                }),
            ),
            "1000000093000992099201946450cd0280cd01e0",
        ),
        g(
            "QueryTree reply",
            reply(
                10,
                Reply::QueryTree(QueryTreeReply {
                    root: WindowId::ROOT,
                    parent: WindowId::NONE,
                    children: vec![FRAME, WIN],
                }),
            ),
            "1b00000093000a920a93010092cf7a11ce0000000001cf5eed000100000001",
        ),
        g(
            "InternAtom reply",
            reply(11, Reply::InternAtom(InternAtomReply { atom: Atom(25) })),
            "0700000093000b920b9119",
        ),
        g(
            "AtomName reply",
            reply(
                12,
                Reply::AtomName(AtomNameReply {
                    name: "_NET_WM_STATE".into(),
                }),
            ),
            "1400000093000c920c91ad5f4e45545f574d5f5354415445",
        ),
        g(
            "Property reply",
            reply(
                15,
                Reply::Property(PropertyReply {
                    type_: atoms::UTF8_STRING,
                    data: b"Hello, Yonder".to_vec(),
                }),
            ),
            "1600000093000f920f9208c40d48656c6c6f2c20596f6e646572",
        ),
        g(
            "ListProperties reply",
            reply(
                16,
                Reply::ListProperties(ListPropertiesReply {
                    atoms: vec![atoms::NET_WM_NAME, atoms::WM_PROTOCOLS],
                }),
            ),
            "0900000093001092109192100d",
        ),
        g(
            "InputFocus reply",
            reply(19, Reply::InputFocus(InputFocusReply { window: WIN })),
            "0f000000930013921391cf5eed000100000001",
        ),
        g(
            "QueryPointer reply",
            reply(
                20,
                Reply::QueryPointer(QueryPointerReply {
                    root: WindowId::ROOT,
                    root_x: 412,
                    root_y: 310,
                    child: WindowId::NONE,
                    win_x: 312,
                    win_y: 230,
                    mask: ModMask::SHIFT | ModMask::BUTTON1,
                }),
            ),
            "1600000093001492149701cd019ccd013600cd0138cce6cd0101",
        ),
        g("Sync reply", reply(22, Reply::Sync(SyncReply {})), "06000000930016921690"),
        g(
            "ListClients reply",
            reply(
                23,
                Reply::ListClients(ListClientsReply {
                    clients: vec![
                        ClientInfo {
                            id: ClientId(1),
                            app_name: "yonder-wm".into(),
                            id_space: 0x7a11_ce00,
                            windows: 3,
                            pixmaps: 0,
                            gcs: 1,
                        },
                        ClientInfo {
                            id: ClientId(2),
                            app_name: "hello".into(),
                            id_space: SPACE,
                            windows: 1,
                            pixmaps: 1,
                            gcs: 1,
                        },
                    ],
                }),
            ),
            "2b000000930017921791929601a9796f6e6465722d776dce7a11ce000300019602a568656c6c6fce5eed0001010101",
        ),
        g(
            "Image reply",
            reply(
                51,
                Reply::Image(ImageReply {
                    width: 2,
                    height: 1,
                    format: ImageFormat::Rgba,
                    data: vec![0xff, 0x00, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff],
                }),
            ),
            "13000000930033923394020101c408ff0000ff0000ffff",
        ),
        g(
            "TextExtents reply",
            reply(
                53,
                Reply::TextExtents(TextExtentsReply {
                    width: 38,
                    ascent: 11,
                    descent: 0,
                    font_ascent: 15,
                    font_descent: 4,
                }),
            ),
            "0b000000930035923595260b000f04",
        ),
        g(
            "SelectionOwner reply",
            reply(61, Reply::SelectionOwner(SelectionOwnerReply { owner: WIN })),
            "0f00000093003d923d91cf5eed000100000001",
        ),
        // --- Events -------------------------------------------------------------------------
        g(
            "KeyPress event",
            event(
                53,
                Event::KeyPress(key(WIN, keysym::from_char('a'), "a")),
                false,
            ),
            "1d00000094013592029acf5eed000100000001cdbc553228cc967861a16100c2c2",
        ),
        g(
            "KeyRelease event",
            event(
                53,
                Event::KeyRelease(key(WIN, keysym::from_char('a'), "")),
                false,
            ),
            "1c00000094013592039acf5eed000100000001cdbc553228cc967861a000c2c2",
        ),
        g(
            "ButtonPress event",
            event(53, Event::ButtonPress(button(1, ModMask::EMPTY)), false),
            "20000000940135920498cf5eed000100000001cdc352cd0138cce6cd019ccd01360100c2",
        ),
        g(
            "ButtonRelease event",
            event(
                53,
                Event::ButtonRelease(button(1, ModMask::BUTTON1)),
                false,
            ),
            "22000000940135920598cf5eed000100000001cdc352cd0138cce6cd019ccd013601cd0100c2",
        ),
        g(
            "Motion event",
            event(
                53,
                Event::Motion(MotionEvent {
                    window: WIN,
                    time: Timestamp(50120),
                    x: 330,
                    y: 236,
                    root_x: 430,
                    root_y: 316,
                    modifiers: ModMask::BUTTON1,
                }),
                false,
            ),
            "21000000940135920697cf5eed000100000001cdc3c8cd014acceccd01aecd013ccd0100c2",
        ),
        g(
            "Enter event",
            event(53, Event::Enter(crossing(0, 17)), false),
            "18000000940135920797cf5eed000100000001cdbfcc0011646100c2",
        ),
        g(
            "Leave event",
            event(53, Event::Leave(crossing(640, 200)), false),
            "1f000000940135920897cf5eed000100000001cdbfcccd0280ccc8cd02e4cd011800c2",
        ),
        g(
            "FocusIn event",
            event(18, Event::FocusIn(FocusEvent { window: WIN }), false),
            "10000000940112920991cf5eed000100000001c2",
        ),
        g(
            "FocusOut event",
            event(18, Event::FocusOut(FocusEvent { window: WIN }), false),
            "10000000940112920a91cf5eed000100000001c2",
        ),
        g(
            "Expose event",
            event(
                5,
                Event::Expose(ExposeEvent {
                    window: WIN,
                    rect: Rect::new(0, 0, 640, 480),
                    count: 0,
                }),
                false,
            ),
            "1a000000940105920c93cf5eed000100000001940000cd0280cd01e000c2",
        ),
        g(
            "Destroy event",
            event(
                4,
                Event::Destroy(DestroyEvent {
                    event: WIN,
                    window: CHILD,
                }),
                false,
            ),
            "19000000940104921192cf5eed000100000001cf5eed000100000004c2",
        ),
        g(
            "Unmap event",
            event(
                6,
                Event::Unmap(UnmapEvent {
                    event: WIN,
                    window: WIN,
                }),
                false,
            ),
            "19000000940106921292cf5eed000100000001cf5eed000100000001c2",
        ),
        g(
            "Map event",
            event(
                5,
                Event::Map(MapEvent {
                    event: WIN,
                    window: WIN,
                    override_redirect: false,
                }),
                false,
            ),
            "1a000000940105921393cf5eed000100000001cf5eed000100000001c2c2",
        ),
        g(
            "Configure event",
            event(
                7,
                Event::Configure(ConfigureEvent {
                    event: WIN,
                    window: WIN,
                    rect: Rect::new(100, 80, 800, 600),
                    above_sibling: FRAME,
                    override_redirect: false,
                }),
                false,
            ),
            "2c000000940107921695cf5eed000100000001cf5eed000100000001946450cd0320cd0258cf7a11ce0000000001c2c2",
        ),
        g(
            "Property event",
            event(
                13,
                Event::Property(PropertyEvent {
                    window: WIN,
                    atom: atoms::NET_WM_NAME,
                    state: PropertyState::NewValue,
                    time: Timestamp(47020),
                }),
                false,
            ),
            "1500000094010d921c94cf5eed0001000000011000cdb7acc2",
        ),
        g(
            "ClientMessage event",
            event(
                9,
                Event::ClientMessage(ClientMessage {
                    window: WIN,
                    type_: atoms::WM_PROTOCOLS,
                    data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
                }),
                true,
            ),
            "17000000940109922193cf5eed0001000000010dc4040e000000c3",
        ),
        g(
            "Scroll event",
            event(
                53,
                Event::Scroll(ScrollEvent {
                    window: WIN,
                    time: Timestamp(50210),
                    x: 312,
                    y: 230,
                    root_x: 412,
                    root_y: 310,
                    delta_x: 0.0,
                    delta_y: -37.5,
                    modifiers: ModMask::EMPTY,
                }),
                false,
            ),
            "31000000940135922899cf5eed000100000001cdc422cd0138cce6cd019ccd0136cb0000000000000000cbc042c0000000000000c2",
        ),
        g(
            "ScreenChange event",
            event(
                53,
                Event::ScreenChange(ScreenChangeEvent {
                    root: WindowId::ROOT,
                    width: 1440,
                    height: 900,
                    scale_factor: 2.0,
                }),
                false,
            ),
            "1700000094013592299401cd05a0cd0384cb4000000000000000c2",
        ),
        g(
            "SelectionClear event",
            event(
                12,
                Event::SelectionClear(SelectionClearEvent {
                    owner: EDITOR,
                    selection: atoms::CLIPBOARD,
                    time: Timestamp(48213),
                }),
                false,
            ),
            "1400000094010c922a93cfed1700010000000103cdbc55c2",
        ),
        g(
            "SelectionOwner event",
            event(
                60,
                Event::SelectionOwner(SelectionOwnerEvent {
                    root: WindowId::ROOT,
                    selection: atoms::CLIPBOARD,
                    owner: WIN,
                    time: Timestamp(48213),
                }),
                false,
            ),
            "1500000094013c922b940103cf5eed000100000001cdbc55c2",
        ),
        g(
            "SelectionRequest event",
            event(
                60,
                Event::SelectionRequest(SelectionRequestEvent {
                    owner: WIN,
                    transfer: 1,
                    requestor: EDITOR,
                    selection: atoms::CLIPBOARD,
                    target: atoms::TEXT_PLAIN_UTF8,
                }),
                false,
            ),
            "1c00000094013c922c95cf5eed00010000000101cfed170001000000010314c2",
        ),
        g(
            "SelectionData event",
            event(
                14,
                Event::SelectionData(SelectionDataEvent {
                    requestor: EDITOR,
                    tag: 7,
                    selection: atoms::CLIPBOARD,
                    target: atoms::TEXT_PLAIN_UTF8,
                    data: b"Hello, Yonder".to_vec(),
                    done: true,
                    refused: false,
                }),
                false,
            ),
            "2400000094010e922d97cfed17000100000001070314c40d48656c6c6f2c20596f6e646572c3c2c2",
        ),
        g(
            "DndEnter event",
            event(
                14,
                Event::DndEnter(DndEnterEvent {
                    target: EDITOR,
                    source: WIN,
                    types: vec![atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING],
                    actions: DndActions::COPY | DndActions::MOVE,
                }),
                false,
            ),
            "1d00000094010e922e94cfed17000100000001cf5eed00010000000192140803c2",
        ),
        g(
            "DndPosition event",
            event(
                14,
                Event::DndPosition(DndPositionEvent {
                    target: EDITOR,
                    x: 80,
                    y: 160,
                    root_x: 900,
                    root_y: 260,
                    time: Timestamp(50480),
                }),
                false,
            ),
            "1c00000094010e922f96cfed1700010000000150cca0cd0384cd0104cdc530c2",
        ),
        g(
            "DndLeave event",
            event(15, Event::DndLeave(DndLeaveEvent { target: EDITOR }), false),
            "1000000094010f923091cfed17000100000001c2",
        ),
        g(
            "DndDrop event",
            event(
                15,
                Event::DndDrop(DndDropEvent {
                    target: EDITOR,
                    x: 80,
                    y: 160,
                    action: DndAction::Move,
                    time: Timestamp(50730),
                }),
                false,
            ),
            "1700000094010f923195cfed1700010000000150cca002cdc62ac2",
        ),
        g(
            "DndStatus event",
            event(
                64,
                Event::DndStatus(DndStatusEvent {
                    source: WIN,
                    target: EDITOR,
                    accept: true,
                    action: DndAction::Move,
                }),
                false,
            ),
            "1b000000940140923294cf5eed000100000001cfed17000100000001c302c2",
        ),
        g(
            "DndFinished event",
            event(
                64,
                Event::DndFinished(DndFinishedEvent {
                    source: WIN,
                    target: EDITOR,
                    success: true,
                    action: DndAction::Move,
                }),
                false,
            ),
            "1b000000940140923394cf5eed000100000001cfed17000100000001c302c2",
        ),
        // --- Errors -------------------------------------------------------------------------
        g(
            "Request error",
            error(24, ErrorCode::Request, 99, 99, "unknown opcode 99"),
            "1900000093021894016363b1756e6b6e6f776e206f70636f6465203939",
        ),
        g(
            "Value error",
            error(
                25,
                ErrorCode::Value,
                0,
                1,
                "window width and height must be at least 1",
            ),
            "3300000093021994020001d92a77696e646f7720776964746820616e6420686569676874206d757374206265206174206c656173742031",
        ),
        g(
            "Window error",
            error(
                26,
                ErrorCode::Window,
                0x5eed_0001_0000_0009,
                5,
                "no such window",
            ),
            "1e00000093021a9403cf5eed00010000000905ae6e6f20737563682077696e646f77",
        ),
        g(
            "Pixmap error",
            error(27, ErrorCode::Pixmap, PIX.0, 31, "no such pixmap"),
            "1e00000093021b9404cf5eed0001000000031fae6e6f2073756368207069786d6170",
        ),
        g(
            "Atom error",
            error(28, ErrorCode::Atom, 999, 12, "no such atom"),
            "1600000093021c9405cd03e70cac6e6f20737563682061746f6d",
        ),
        g(
            "Match error",
            error(29, ErrorCode::Match, CHILD.0, 18, "focus window not viewable"),
            "2900000093021d9408cf5eed00010000000412b9666f6375732077696e646f77206e6f74207669657761626c65",
        ),
        g(
            "Drawable error",
            error(
                30,
                ErrorCode::Drawable,
                0x5eed_0001_0000_0009,
                43,
                "no such window or pixmap",
            ),
            "2800000093021e9409cf5eed0001000000092bb86e6f20737563682077696e646f77206f72207069786d6170",
        ),
        g(
            "Access error",
            error(
                31,
                ErrorCode::Access,
                0,
                21,
                "synthetic input is disabled (start the server with --allow-synthetic-input)",
            ),
            "5400000093021f940a0015d94b73796e74686574696320696e7075742069732064697361626c65642028737461727420746865207365727665722077697468202d2d616c6c6f772d73796e7468657469632d696e70757429",
        ),
        g(
            "Alloc error",
            error(32, ErrorCode::Alloc, PIX.0, 30, "out of pixmap memory"),
            "24000000930220940bcf5eed0001000000031eb46f7574206f66207069786d6170206d656d6f7279",
        ),
        g(
            "Gc error",
            error(33, ErrorCode::Gc, GC.0, 46, "no such graphics context"),
            "28000000930221940dcf5eed0001000000022eb86e6f207375636820677261706869637320636f6e74657874",
        ),
        g(
            "IdChoice error",
            error(
                34,
                ErrorCode::IdChoice,
                0x7a11_ce00_0000_0005,
                1,
                "id outside the client's id space",
            ),
            "31000000930222940ecf7a11ce000000000501d9206964206f7574736964652074686520636c69656e742773206964207370616365",
        ),
        g(
            "Length error",
            error(35, ErrorCode::Length, 7, 50, "raw image needs 8 bytes, got 7"),
            "2600000093022394100732be72617720696d616765206e6565647320382062797465732c20676f742037",
        ),
        g(
            "Implementation error",
            error(36, ErrorCode::Implementation, 0, 51, "PNG encoding failed"),
            "1b00000093022494110033b3504e4720656e636f64696e67206661696c6564",
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// The golden tests.

#[test]
fn every_message_encodes_to_its_golden_bytes() {
    let mut wrong = Vec::new();
    for gd in goldens() {
        let got = hex::encode(gd.msg.encode());
        if got != gd.hex {
            wrong.push(format!("{}:\n  want {}\n  got  {}", gd.name, gd.hex, got));
        }
    }
    assert!(wrong.is_empty(), "encodings changed:\n{}", wrong.join("\n"));
}

#[test]
fn every_golden_decodes_to_its_value() {
    for gd in goldens() {
        let frame = hex::decode(gd.hex).unwrap();
        let (start, end) = split_frame(&frame, MAX_FRAME_LEN)
            .unwrap()
            .unwrap_or_else(|| panic!("{}: incomplete frame", gd.name));
        assert_eq!(start, HEADER_LEN);
        assert_eq!(end, frame.len(), "{}: length prefix", gd.name);
        assert_eq!(
            gd.msg.decode_like(&frame[start..end]),
            gd.msg,
            "{}",
            gd.name
        );
    }
}

#[test]
fn names_are_unique() {
    let mut names: Vec<_> = goldens().iter().map(|g| g.name).collect();
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n);
}

#[test]
fn every_code_has_a_golden() {
    let all = goldens();
    let mut request_codes = Vec::new();
    let mut reply_codes = Vec::new();
    let mut event_codes = Vec::new();
    let mut error_codes = Vec::new();
    let (mut hello, mut accepted, mut refused) = (false, false, false);
    for gd in &all {
        match &gd.msg {
            Msg::Hello(_) => hello = true,
            Msg::Setup(SetupResponse::Accepted(_)) => accepted = true,
            Msg::Setup(SetupResponse::Refused(_)) => refused = true,
            Msg::Request(r) => request_codes.push(r.code()),
            Msg::Server(ServerMessage::Reply { reply, .. }) => reply_codes.push(reply.code()),
            Msg::Server(ServerMessage::Event { event, .. }) => event_codes.push(event.code()),
            Msg::Server(ServerMessage::Error { error, .. }) => error_codes.push(error.code as u8),
        }
    }
    assert!(hello && accepted && refused);
    for code in 0..=u8::MAX {
        if Request::is_known_code(code) {
            assert!(
                request_codes.contains(&code),
                "no golden for request {code}"
            );
        }
        if Reply::is_known_code(code) {
            assert!(reply_codes.contains(&code), "no golden for reply {code}");
        }
        if Event::is_known_code(code) {
            assert!(event_codes.contains(&code), "no golden for event {code}");
        }
        if rmp_serde::from_slice::<ErrorCode>(&rmp_serde::to_vec(&code).unwrap()).is_ok() {
            assert!(
                error_codes.contains(&code),
                "no golden for error code {code}"
            );
        }
    }
    // And each request with a reply has its reply golden under the same code.
    for gd in &all {
        if let Msg::Request(r) = &gd.msg {
            assert_eq!(
                r.has_reply(),
                reply_codes.contains(&r.code()),
                "{}: has_reply vs reply goldens",
                gd.name
            );
        }
    }
}

/// Whitespace-free lowercase contents of every ```hex block of protocol.md, with the line
/// each block starts on.
fn spec_hex_blocks() -> Vec<(usize, String)> {
    let spec = include_str!("../../protocol.md");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in spec.lines().enumerate() {
        let t = line.trim();
        match &mut current {
            None if t == "```hex" => current = Some((i + 1, String::new())),
            None => {}
            Some(_) if t.starts_with("```") => blocks.push(current.take().unwrap()),
            Some((_, s)) => s.extend(t.chars().filter(|c| !c.is_whitespace())),
        }
    }
    assert!(
        current.is_none(),
        "unterminated ```hex block in protocol.md"
    );
    blocks
        .into_iter()
        .map(|(l, s)| (l, s.to_ascii_lowercase()))
        .collect()
}

#[test]
fn spec_examples_are_exactly_the_goldens() {
    let blocks = spec_hex_blocks();
    let all = goldens();
    for gd in &all {
        assert!(
            blocks.iter().any(|(_, b)| b == gd.hex),
            "protocol.md lacks the example for {}:\n{}",
            gd.name,
            spec_block(gd.hex)
        );
    }
    for (line, b) in &blocks {
        assert!(
            all.iter().any(|gd| gd.hex == b.as_str()),
            "protocol.md line {line}: hex block is not a golden message (stale example?)"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Decoder behaviour the spec promises.

fn body_of(name: &str) -> Vec<u8> {
    let gd = goldens().into_iter().find(|g| g.name == name).unwrap();
    hex::decode(gd.hex).unwrap()[HEADER_LEN..].to_vec()
}

#[test]
fn unknown_opcode_is_reported_as_such() {
    // [99, []] and [200, [1, "x"]]: well-formed, unknown opcode.
    assert_eq!(
        decode_request(&hex::decode("926390").unwrap()),
        Err(DecodeError::UnknownOpcode(99))
    );
    assert_eq!(
        decode_request(&hex::decode("92ccc89201a178").unwrap()),
        Err(DecodeError::UnknownOpcode(200))
    );
    // Opcode 0 is not a request either.
    assert_eq!(
        decode_request(&hex::decode("920090").unwrap()),
        Err(DecodeError::UnknownOpcode(0))
    );
}

fn is_malformed(r: Result<Request, DecodeError>) -> bool {
    matches!(r, Err(DecodeError::Malformed(_)))
}

#[test]
fn truncated_bodies_are_malformed() {
    for gd in goldens() {
        if let Msg::Request(_) = gd.msg {
            let body = hex::decode(gd.hex).unwrap()[HEADER_LEN..].to_vec();
            for cut in 0..body.len() {
                assert!(
                    is_malformed(decode_request(&body[..cut])),
                    "{} cut at {cut}",
                    gd.name
                );
            }
        }
    }
}

#[test]
fn trailing_bytes_are_malformed() {
    for gd in goldens() {
        if let Msg::Request(_) = gd.msg {
            let mut body = hex::decode(gd.hex).unwrap()[HEADER_LEN..].to_vec();
            body.push(0xc0);
            assert!(is_malformed(decode_request(&body)), "{}", gd.name);
        }
    }
}

#[test]
fn wrong_shapes_are_malformed() {
    for h in [
        "c0",                   // nil
        "90",                   // []
        "9116",                 // [22]
        "93169090",             // [22, [], []]
        "8216901790",           // a map
        "92c390",               // [true, []]
        "92cd010090",           // [256, []]: not a u8 opcode
        "92ff90",               // [-1, []]
        "9216c0",               // Sync with nil body
        "921691c0",             // Sync with one field too many
        "92079101",             // ConfigureWindow with one field of 7
        "92339301940000010109", // GetImage with format 9 (not an ImageFormat)
    ] {
        assert!(
            is_malformed(decode_request(&hex::decode(h).unwrap())),
            "{h} should be malformed"
        );
    }
}

#[test]
fn decoders_accept_wider_integers() {
    // Sync with its opcode as uint32, uint8, int8 and uint64.
    for h in [
        "92ce0000001690",
        "92cc1690",
        "92d01690",
        "92cf000000000000001690",
    ] {
        assert_eq!(
            decode_request(&hex::decode(h).unwrap()),
            Ok(Request::Sync(Sync {})),
            "{h}"
        );
    }
    // MapWindow of the root with the id as uint64 (minimal is the fixint 01).
    assert_eq!(
        decode_request(&hex::decode("920591cf0000000000000001").unwrap()),
        Ok(Request::MapWindow(MapWindow {
            window: WindowId::ROOT
        }))
    );
    // ReparentWindow with y = -4 as int32 and x = 10 as int64; the array as array16.
    let wide = "9208dc0004cf5eed000100000004cf7a11ce0000000001d3000000000000000ad2fffffffc";
    assert_eq!(
        decode_request(&hex::decode(wide).unwrap()),
        decode_request(&body_of("ReparentWindow"))
    );
    // A float64 where the field is f32 (msgpack libraries that only write float64).
    let wide_float = "922192cf5eed0001000000029ac0c0c0c0cb4030000000000000c0c0c0c0c0";
    assert_eq!(
        decode_request(&hex::decode(wide_float).unwrap()),
        Ok(Request::ChangeGc(ChangeGc {
            gc: GC,
            values: GcValues {
                font_size: Some(16.0),
                ..GcValues::default()
            }
        }))
    );
    // A server message with a wider seq.
    assert_eq!(
        decode_server_message(&hex::decode("9300cf0000000000000016921690").unwrap()),
        Ok(ServerMessage::Reply {
            seq: Seq(22),
            reply: Reply::Sync(SyncReply {})
        })
    );
}

#[test]
fn bytes_fields_accept_every_bin_width() {
    // ChangeProperty [WIN, _NET_WM_NAME, UTF8_STRING, Replace, "abc"] with the data as bin8,
    // bin16 and bin32.
    for bin in ["c403616263", "c50003616263", "c600000003616263"] {
        let h = format!("920d95cf5eed000100000001100800{bin}");
        assert_eq!(
            decode_request(&hex::decode(&h).unwrap()),
            Ok(Request::ChangeProperty(ChangeProperty {
                window: WIN,
                property: atoms::NET_WM_NAME,
                type_: atoms::UTF8_STRING,
                mode: PropMode::Replace,
                data: b"abc".to_vec(),
            })),
            "{h}"
        );
    }
}

#[test]
fn window_attributes_cursor_may_be_omitted() {
    // A 1.0 client's WindowAttributes have 3 elements; `cursor` (added in 1.1) is then
    // absent. These are the CreateWindow and ChangeWindowAttributes examples of 1.0.
    let create = "920194cf5eed00010000000101946450cd0280cd01e093cefff0f0f0ce0002800fc0";
    let mut want = body_of("CreateWindow");
    assert_eq!(
        decode_request(&hex::decode(create).unwrap()),
        decode_request(&want)
    );
    let change = "920292cf5eed00010000000193c0ce0002804fc0";
    want = body_of("ChangeWindowAttributes");
    let Ok(Request::ChangeWindowAttributes(mut r)) = decode_request(&want) else {
        panic!("ChangeWindowAttributes golden");
    };
    r.attributes.cursor = None;
    assert_eq!(
        decode_request(&hex::decode(change).unwrap()),
        Ok(Request::ChangeWindowAttributes(r))
    );
    // Two elements are still too few, five too many; a cursor above 18 is malformed.
    for h in [
        "920292cf5eed00010000000192c0ce0002804f",
        "920292cf5eed00010000000195c0ce0002804fc003c0",
        "920292cf5eed00010000000194c0c0c013",
    ] {
        assert!(
            is_malformed(decode_request(&hex::decode(h).unwrap())),
            "{h} should be malformed"
        );
    }
    // Every listed cursor value decodes.
    for v in 0..=18u8 {
        let h = format!("920292cf5eed00010000000194c0c0c0{v:02x}");
        assert!(
            decode_request(&hex::decode(&h).unwrap()).is_ok(),
            "cursor {v}"
        );
    }
}

#[test]
fn dnd_action_values() {
    // DndAction is an enumeration: 0, 1, 2 and 4 decode, 3 and 8 are malformed. The body
    // is the DndStatus example's with its last byte (the action) replaced.
    let status = |action: u8| format!("924193cfed17000100000001c3{action:02x}");
    for (v, want) in [
        (0, DndAction::None),
        (1, DndAction::Copy),
        (2, DndAction::Move),
        (4, DndAction::Link),
    ] {
        assert_eq!(
            decode_request(&hex::decode(status(v)).unwrap()),
            Ok(Request::DndStatus(DndStatus {
                target: EDITOR,
                accept: true,
                action: want
            })),
            "action {v}"
        );
    }
    for v in [3, 8] {
        assert!(
            is_malformed(decode_request(&hex::decode(status(v)).unwrap())),
            "action {v}"
        );
    }
    // DndActions is a bit set: bits beyond COPY, MOVE and LINK decode (the server ignores
    // them). StartDrag's example with actions 0xff (uint 8).
    let start = "924095cf5eed000100000001921408ccffcf5eed000100000003920808";
    let Ok(Request::StartDrag(r)) = decode_request(&hex::decode(start).unwrap()) else {
        panic!("StartDrag with actions 0xff");
    };
    assert_eq!(r.actions, DndActions(0xff));
}

#[test]
fn event_sent_flag_may_be_omitted() {
    // [1, 5, [19, [WIN, WIN, false]]]: three elements, `sent` left out, means false.
    let h = "930105921393cf5eed000100000001cf5eed000100000001c2";
    assert_eq!(
        decode_server_message(&hex::decode(h).unwrap()),
        Ok(ServerMessage::Event {
            seq: Seq(5),
            event: Event::Map(MapEvent {
                event: WIN,
                window: WIN,
                override_redirect: false
            }),
            sent: false
        })
    );
}

#[test]
fn frames_split_back_to_back() {
    let mut stream = Vec::new();
    let reqs: Vec<Request> = goldens()
        .into_iter()
        .filter_map(|g| match g.msg {
            Msg::Request(r) => Some(r),
            _ => None,
        })
        .collect();
    for r in &reqs {
        encode_frame(r, &mut stream);
    }
    let mut rest = &stream[..];
    let mut got = Vec::new();
    while let Some((s, e)) = split_frame(rest, MAX_FRAME_LEN).unwrap() {
        got.push(decode_request(&rest[s..e]).unwrap());
        rest = &rest[e..];
    }
    assert!(rest.is_empty());
    assert_eq!(got, reqs);
}

#[test]
fn oversized_frames_are_refused_from_the_header() {
    let mut h = ((MAX_FRAME_LEN + 1) as u32).to_le_bytes().to_vec();
    assert_eq!(
        split_frame(&h, MAX_FRAME_LEN),
        Err(FrameError::TooLarge {
            len: MAX_FRAME_LEN + 1,
            max: MAX_FRAME_LEN
        })
    );
    h = (MAX_FRAME_LEN as u32).to_le_bytes().to_vec();
    assert_eq!(split_frame(&h, MAX_FRAME_LEN), Ok(None));
}

#[test]
fn predefined_atoms_are_numbered_from_one() {
    let s = setup();
    for (i, (name, atom)) in s.atoms.iter().enumerate() {
        assert_eq!(atom.0 as usize, i + 1, "{name}");
    }
    assert_eq!(s.atoms.len(), 24);
}

// ---------------------------------------------------------------------------------------
// Printing, for regenerating the table and the spec's examples.

/// The ```hex block protocol.md shows for a frame: the length prefix on its own line, then
/// the body 16 bytes a line.
fn spec_block(hex: &str) -> String {
    let bytes = hex::decode(hex).unwrap();
    let line = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut s = String::from("```hex\n");
    s += &line(&bytes[..HEADER_LEN]);
    s.push('\n');
    for chunk in bytes[HEADER_LEN..].chunks(16) {
        s += &line(chunk);
        s.push('\n');
    }
    s += "```";
    s
}

#[test]
fn print_goldens() {
    if std::env::var_os("YONDER_GOLDEN_PRINT").is_none() {
        return;
    }
    for gd in goldens() {
        let bytes = gd.msg.encode();
        println!("=== {}", gd.name);
        println!("hex: {}", hex::encode(&bytes));
        println!("{}", spec_block(&hex::encode(&bytes)));
        let mut rd = &bytes[HEADER_LEN..];
        println!("MessagePack: `{}`", mp::render(&mut rd));
        assert!(rd.is_empty());
        println!();
    }
}

/// A minimal MessagePack reader independent of rmp, to render bodies for the spec and to
/// check that they use only plain MessagePack types.
mod mp {
    fn take<'a>(rd: &mut &'a [u8], n: usize) -> &'a [u8] {
        let (a, b) = rd.split_at(n);
        *rd = b;
        a
    }

    fn be(b: &[u8]) -> u64 {
        b.iter().fold(0, |acc, &x| acc << 8 | x as u64)
    }

    fn num(v: u64) -> String {
        if v >= 0x1_0000 {
            format!("0x{v:x}")
        } else {
            v.to_string()
        }
    }

    pub fn render(rd: &mut &[u8]) -> String {
        let m = take(rd, 1)[0];
        let seq = |rd: &mut &[u8], n: usize| {
            let items: Vec<String> = (0..n).map(|_| render(rd)).collect();
            format!("[{}]", items.join(", "))
        };
        let text = |b: &[u8]| format!("{:?}", std::str::from_utf8(b).expect("utf-8 str"));
        let bin = |b: &[u8]| format!("bin({})", hex::encode(b));
        match m {
            0x00..=0x7f => num(m as u64),
            0x90..=0x9f => seq(rd, (m & 0x0f) as usize),
            0xa0..=0xbf => text(take(rd, (m & 0x1f) as usize)),
            0xc0 => "nil".into(),
            0xc2 => "false".into(),
            0xc3 => "true".into(),
            0xc4 => {
                let n = be(take(rd, 1)) as usize;
                bin(take(rd, n))
            }
            0xc5 => {
                let n = be(take(rd, 2)) as usize;
                bin(take(rd, n))
            }
            0xc6 => {
                let n = be(take(rd, 4)) as usize;
                bin(take(rd, n))
            }
            0xca => format!("{:?}f32", f32::from_bits(be(take(rd, 4)) as u32)),
            0xcb => format!("{:?}f64", f64::from_bits(be(take(rd, 8)))),
            0xcc => num(be(take(rd, 1))),
            0xcd => num(be(take(rd, 2))),
            0xce => num(be(take(rd, 4))),
            0xcf => num(be(take(rd, 8))),
            0xd0 => (take(rd, 1)[0] as i8).to_string(),
            0xd1 => (be(take(rd, 2)) as u16 as i16).to_string(),
            0xd2 => (be(take(rd, 4)) as u32 as i32).to_string(),
            0xd3 => (be(take(rd, 8)) as i64).to_string(),
            0xd9 => {
                let n = be(take(rd, 1)) as usize;
                text(take(rd, n))
            }
            0xda => {
                let n = be(take(rd, 2)) as usize;
                text(take(rd, n))
            }
            0xdc => {
                let n = be(take(rd, 2)) as usize;
                seq(rd, n)
            }
            0xe0..=0xff => (m as i8).to_string(),
            other => panic!("marker {other:#x} is not used by the protocol"),
        }
    }
}
