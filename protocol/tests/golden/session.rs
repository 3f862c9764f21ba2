//! The example session every golden is part of: its ids and the helpers that build one
//! message of each kind.

use super::{Golden, Msg};
use yonder_protocol::atoms;
use yonder_protocol::event::*;
use yonder_protocol::handshake::{Limits, PixelFormat, ScreenInfo};
use yonder_protocol::*;

// ---------------------------------------------------------------------------------------
// The example session: client "hello" with id space 0x5eed0001, next to another client (a
// file manager, "yfiles", id space 0x7a11ce00; the window manager is the server's own and
// has no client) and an editor.

/// The example client's id space.
pub(crate) const SPACE: u32 = 0x5eed_0001;
/// Its top-level window.
pub(crate) const WIN: WindowId = WindowId(0x5eed_0001_0000_0001);
/// Its graphics context.
pub(crate) const GC: GcId = GcId(0x5eed_0001_0000_0002);
/// Its pixmap.
pub(crate) const PIX: PixmapId = PixmapId(0x5eed_0001_0000_0003);
/// A child window of WIN.
pub(crate) const CHILD: WindowId = WindowId(0x5eed_0001_0000_0004);
/// Another client's top-level window (the file manager's).
pub(crate) const OTHER: WindowId = WindowId(0x7a11_ce00_0000_0001);
/// A third client's top-level window (an editor, id space 0xed170001): the other side of
/// the clipboard and drag-and-drop examples.
pub(crate) const EDITOR: WindowId = WindowId(0xed17_0001_0000_0001);
/// The editor's second window: a part embedded in WIN (§18 of protocol.md).
pub(crate) const PART: WindowId = WindowId(0xed17_0001_0000_0002);

pub(crate) fn win() -> Drawable {
    WIN.into()
}

pub(crate) fn g(name: &'static str, msg: Msg, hex: &'static str) -> Golden {
    Golden { name, msg, hex }
}

pub(crate) fn req(r: Request) -> Msg {
    Msg::Request(r)
}

pub(crate) fn reply(seq: u64, reply: Reply) -> Msg {
    Msg::Server(ServerMessage::Reply {
        seq: Seq(seq),
        reply,
    })
}

pub(crate) fn event(seq: u64, event: Event, sent: bool) -> Msg {
    Msg::Server(ServerMessage::Event {
        seq: Seq(seq),
        event,
        sent,
    })
}

pub(crate) fn error(seq: u64, code: ErrorCode, bad_value: u64, opcode: u8, message: &str) -> Msg {
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

pub(crate) fn client_mask() -> EventMask {
    EventMask::EXPOSURE
        | EventMask::KEY_PRESS
        | EventMask::KEY_RELEASE
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::STRUCTURE_NOTIFY
}

pub(crate) fn key(window: WindowId, keysym: u32, text: &str) -> KeyEvent {
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

pub(crate) fn button(button: u8, modifiers: ModMask) -> ButtonEvent {
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

pub(crate) fn crossing(x: i32, y: i32) -> CrossingEvent {
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

pub(crate) fn setup() -> Setup {
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
            max_drawable_pixels: Some(1 << 25),
        },
        extensions: vec![],
        atoms: atoms::PREDEFINED
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_string(), atoms::predefined(i)))
            .collect(),
        session: Some(Session {
            secret: hex::decode("a1b2c3d4e5f60718293a4b5c6d7e8f90").unwrap(),
            resumed: false,
            last_seq: 0,
        }),
        // The reference server's faces: DejaVu 2.37 (yonder-fonts checks these digests).
        fonts: [
            (0, "DejaVu Sans", 0xce25_2980_ec12_55ff),
            (1, "DejaVu Sans Bold", 0x97ab_1e0f_e396_b759),
            (2, "DejaVu Sans Mono", 0xa033_78ea_050e_599b),
        ]
        .into_iter()
        .map(|(face, name, digest)| FontFace {
            face,
            name: name.into(),
            digest,
        })
        .collect(),
    }
}
