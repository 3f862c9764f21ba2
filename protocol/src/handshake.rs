//! The connection setup: the client's [`Hello`] (first frame it sends) and the server's
//! [`SetupResponse`] (first frame it sends back).
//!
//! The client need not wait for the setup reply: it proposes its own id space in the hello
//! and may send requests right behind it, with ids from that space. If the space is taken
//! (two random 32-bit numbers colliding) the server refuses the connection.

use crate::geometry::Color;
use crate::ids::{Atom, ClientId, WindowId};
use serde::{Deserialize, Serialize};

/// The first frame a client sends.
///
/// On the wire an array of 6 to 8 fields: `resume` and `token` are trailing and left
/// out when absent; a hello with a `token` but no `resume` carries nil in `resume`'s
/// place (the manual `Serialize` below).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Hello {
    /// Always [`crate::PROTOCOL_NAME`] (`"yonder"`).
    pub protocol: String,
    /// The client's protocol major version; must equal the server's.
    pub major: u16,
    /// The client's protocol minor version.
    pub minor: u16,
    /// The 16-byte display cookie (MessagePack bin); empty when the client presents a
    /// migration `token` or, resuming, only its session's secret (1.6, §5.5).
    #[serde(with = "serde_bytes")]
    pub cookie: Vec<u8>,
    /// A human-readable program name, shown by `yonder-info`.
    pub app_name: String,
    /// The id space the client's resource ids will use (nonzero; see [`crate::ids`]).
    pub id_space: u32,
    /// Added in 1.5: set when the client comes back after its connection was lost (the
    /// server restarted, or the link broke), to continue where it was (protocol.md
    /// §5.4). Absent in the hello of a first connection and of clients before 1.5.
    /// A moving app (1.6) sends one too, to choose where its numbering starts.
    #[serde(default)]
    pub resume: Option<Resume>,
    /// Added in 1.6: a migration token from this display's GrantMove, presented instead
    /// of a cookie by an app moving here (protocol.md §5.5).
    #[serde(default, with = "serde_bytes")]
    pub token: Option<Vec<u8>>,
}

impl Serialize for Hello {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let len = match (&self.resume, &self.token) {
            (_, Some(_)) => 8,
            (Some(_), None) => 7,
            (None, None) => 6,
        };
        let mut t = s.serialize_tuple(len)?;
        t.serialize_element(&self.protocol)?;
        t.serialize_element(&self.major)?;
        t.serialize_element(&self.minor)?;
        t.serialize_element(serde_bytes::Bytes::new(&self.cookie))?;
        t.serialize_element(&self.app_name)?;
        t.serialize_element(&self.id_space)?;
        if len > 6 {
            t.serialize_element(&self.resume)?;
        }
        if let Some(token) = &self.token {
            t.serialize_element(serde_bytes::Bytes::new(token))?;
        }
        t.end()
    }
}

/// What a client coming back sends in its hello (1.5, protocol.md §5.4): the proof that
/// it is the client that had the id space, and what it can resend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The `secret` of its last setup's [`Session`] (16 bytes).
    #[serde(with = "serde_bytes")]
    pub secret: Vec<u8>,
    /// The oldest request it can still send again: it holds every request from this
    /// number on. The server continues the client only if it processed the requests
    /// before this one.
    pub oldest: u64,
    /// The number of the next request it will send (one more than the last it sent).
    pub next_seq: u64,
}

/// The session part of a setup (1.5, protocol.md §5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// 16 random bytes: this client's proof of identity for a later resume. Kept
    /// secret by the client; the same across resumes of one session.
    #[serde(with = "serde_bytes")]
    pub secret: Vec<u8>,
    /// True when the connection continues a detached client: every resource, property,
    /// selection and event selection it had is still there, and the server processed
    /// its requests up to `last_seq`. False for a new session: nothing of an earlier
    /// connection is kept.
    pub resumed: bool,
    /// The last request of this client the server processed; the first request sent on
    /// this connection is numbered `last_seq + 1`.
    pub last_seq: u64,
}

tagged! {
    /// The server's answer to a hello: `[0, Setup]` or `[1, Refusal]`.
    pub enum SetupResponse ("setup response") {
        0 => Accepted(Setup),
        1 => Refused(Refusal),
    }
}

/// Why the server refused a connection; the server closes it right after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// A sentence for a human ("wrong cookie for display :3").
    pub reason: String,
}

/// Everything a client needs to start, with no further round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    /// The server's protocol major version.
    pub major: u16,
    /// The server's protocol minor version.
    pub minor: u16,
    /// Server software name and version, e.g. `"yonder-server 0.1.0"`.
    pub vendor: String,
    /// This client's number.
    pub client_id: ClientId,
    /// The id space granted (the one proposed in the hello).
    pub id_space: u32,
    /// The screens (one for now).
    pub screens: Vec<ScreenInfo>,
    /// The server's limits.
    pub limits: Limits,
    /// Names of protocol extensions the server supports.
    pub extensions: Vec<String>,
    /// The predefined atoms, `[name, atom]` pairs.
    pub atoms: Vec<(String, Atom)>,
    /// Added in 1.5: the session, for resuming after a lost connection (protocol.md
    /// §5.4). Sent only to clients of 1.5 or later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// Added in 1.7: the text faces the server draws with, by number (a GC's
    /// `font_face`), each with a digest of its font data, so that a client measuring
    /// text itself can tell whether it has the same fonts. Sent only to clients of 1.7
    /// or later (after their `session`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fonts: Vec<FontFace>,
}

/// One text face of the server (protocol.md §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontFace {
    /// Its number: a GC's `font_face`.
    pub face: u8,
    /// The font's name, e.g. `"DejaVu Sans Bold"`.
    pub name: String,
    /// 64-bit FNV-1a of the font file's bytes: equal digests, the same font (and so the
    /// same metrics, laid out as §9.52 says).
    pub digest: u64,
}

/// One screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenInfo {
    /// Its root window.
    pub root: WindowId,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Physical width in millimetres (0 if unknown).
    pub width_mm: u32,
    /// Physical height in millimetres (0 if unknown).
    pub height_mm: u32,
    /// Device pixels per logical pixel (1.0 headless; the host's factor in a window).
    pub scale_factor: f64,
    /// How pixels are laid out in raw (`Bgrx`) images.
    pub pixel_format: PixelFormat,
    /// The root window's background color.
    pub root_background: Color,
}

/// Raw pixel layout of the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixelFormat {
    /// Bits per pixel in memory (32).
    pub bits_per_pixel: u8,
    /// Significant bits (24).
    pub depth: u8,
    /// Red mask of the little-endian u32 pixel.
    pub red_mask: u32,
    /// Green mask.
    pub green_mask: u32,
    /// Blue mask.
    pub blue_mask: u32,
}

impl PixelFormat {
    /// `0x00RRGGBB` in a little-endian u32: bytes B, G, R, unused.
    pub fn xrgb8888() -> PixelFormat {
        PixelFormat {
            bits_per_pixel: 32,
            depth: 24,
            red_mask: 0xFF0000,
            green_mask: 0xFF00,
            blue_mask: 0xFF,
        }
    }
}

/// Limits the server enforces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest frame body the server accepts, in bytes.
    pub max_frame_len: u32,
    /// Largest window or pixmap side, in pixels.
    pub max_drawable_side: u32,
    /// Most pixels in one window or pixmap (width × height). Added in 1.4: a server
    /// sends it only to clients of 1.4 or later, and a server of 1.3 or earlier sends
    /// none (it had the same limit, 33,554,432, unannounced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_drawable_pixels: Option<u64>,
}

/// Decodes a hello body.
pub fn decode_hello(body: &[u8]) -> Result<Hello, crate::DecodeError> {
    rmp_serde::from_slice(body).map_err(|e| crate::DecodeError::Malformed(e.to_string()))
}

/// Decodes a setup response body.
pub fn decode_setup_response(body: &[u8]) -> Result<SetupResponse, crate::DecodeError> {
    rmp_serde::from_slice(body).map_err(|e| crate::DecodeError::Malformed(e.to_string()))
}
