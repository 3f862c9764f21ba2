//! Goldens of every error code.

use super::session::*;
use super::Golden;
use yonder_protocol::*;

/// One per error code.
pub(crate) fn errors() -> Vec<Golden> {
    vec![
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
        g(
            "Value error for a sent event of no known code",
            error(
                37,
                ErrorCode::Value,
                99,
                17,
                "SendEvent: the event is not [code, body] with a code of §11 (code 99)",
            ),
            "4f00000093022594026311d94653656e644576656e743a20746865206576656e74206973206e6f74205b636f64652c20626f64795d2077697468206120636f6465206f6620c2a731312028636f646520393929",
        ),
        g(
            "Request error for a request of a later version",
            error(
                38,
                ErrorCode::Request,
                60,
                60,
                "SetSelectionOwner (60) is a request of version 1.2; this connection speaks 1.0",
            ),
            "5700000093022694013c3cd94e53657453656c656374696f6e4f776e6572202836302920697320612072657175657374206f662076657273696f6e20312e323b207468697320636f6e6e656374696f6e20737065616b7320312e30",
        ),
    ]
}
