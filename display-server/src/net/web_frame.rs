//! What a web viewer is sent (protocol.md §20.5): a frame of changed rectangles as one
//! binary WebSocket message, each rectangle encoded on its own, and the pointer's shape by
//! its CSS name. Pure functions of the pixels; the viewer's task runs them off the
//! runtime's threads (`spawn_blocking`), as PNG takes milliseconds on a large area.

use crate::command::ViewerFrame;
use yonder_protocol::request::Cursor;
use yonder_protocol::Rect;

/// The first byte of a frame message.
pub const FRAME: u8 = 1;
/// A rectangle's encoding: PNG, 8-bit RGB, lossless.
pub const PNG: u8 = 0;
/// A rectangle's encoding: one color, its data the red, green and blue bytes.
pub const SOLID: u8 = 1;

/// The bytes of frame `seq`: `01`, seq (u32), the screen's width and height (u16 each),
/// the rectangle count (u16); then per rectangle x, y, width, height (u16 each), the
/// encoding (u8), the data's length (u32) and the data. Little-endian throughout.
pub fn encode(seq: u32, frame: &ViewerFrame) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + frame.rects.len() * 64);
    out.push(FRAME);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&side(frame.width).to_le_bytes());
    out.extend_from_slice(&side(frame.height).to_le_bytes());
    let n = frame.rects.len().min(u16::MAX as usize);
    out.extend_from_slice(&(n as u16).to_le_bytes());
    for (r, px) in frame.rects.iter().take(n) {
        for v in [r.x as u32, r.y as u32, r.width, r.height] {
            out.extend_from_slice(&side(v).to_le_bytes());
        }
        let (encoding, data) = match px.first() {
            Some(&p) if px.iter().all(|q| *q == p) => {
                (SOLID, vec![(p >> 16) as u8, (p >> 8) as u8, p as u8])
            }
            _ => (PNG, png(*r, px)),
        };
        out.push(encoding);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
    }
    out
}

/// Screen coordinates fit 16 bits (the largest screen side is 16384).
fn side(v: u32) -> u16 {
    v.min(u16::MAX as u32) as u16
}

/// `px` (`0x00RRGGBB`, `r.width` a row) as a PNG: fast compression, adaptive filters.
fn png(r: Rect, px: &[u32]) -> Vec<u8> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let rgb: Vec<u8> = px
        .iter()
        .flat_map(|p| [(p >> 16) as u8, (p >> 8) as u8, *p as u8])
        .collect();
    let mut out = Vec::new();
    let enc =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
    // Only fails on a size that does not match the data, which `pull` makes consistent.
    if let Err(e) = enc.write_image(&rgb, r.width, r.height, image::ExtendedColorType::Rgb8) {
        tracing::error!("cannot encode a web frame: {e}");
        out.clear();
    }
    out
}

/// The CSS name of a pointer shape.
pub fn css_cursor(c: Cursor) -> &'static str {
    match c {
        Cursor::Inherit | Cursor::Default => "default",
        Cursor::Pointer => "pointer",
        Cursor::Text => "text",
        Cursor::Crosshair => "crosshair",
        Cursor::Move => "move",
        Cursor::Wait => "wait",
        Cursor::Progress => "progress",
        Cursor::NotAllowed => "not-allowed",
        Cursor::Help => "help",
        Cursor::Grab => "grab",
        Cursor::Grabbing => "grabbing",
        Cursor::EwResize => "ew-resize",
        Cursor::NsResize => "ns-resize",
        Cursor::NwseResize => "nwse-resize",
        Cursor::NeswResize => "nesw-resize",
        Cursor::Copy => "copy",
        Cursor::Alias => "alias",
        Cursor::Hidden => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// protocol.md §20.5's example, byte for byte.
    #[test]
    fn golden_a_frame_of_one_solid_rectangle() {
        let frame = ViewerFrame {
            width: 1280,
            height: 800,
            rects: vec![(Rect::new(16, 32, 2, 2), vec![0x2e3440; 4])],
            cursor: Cursor::Default,
        };
        let hex: String = encode(7, &frame)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "01\
             07000000\
             0005\
             2003\
             0100\
             1000\
             2000\
             0200\
             0200\
             01\
             03000000\
             2e3440"
        );
    }

    #[test]
    fn a_frame_carries_its_rectangles_losslessly() {
        let px: Vec<u32> = (0..6).map(|i| 0x10_20_30 * i).collect();
        let frame = ViewerFrame {
            width: 640,
            height: 480,
            rects: vec![(Rect::new(5, 7, 3, 2), px.clone())],
            cursor: Cursor::Text,
        };
        let b = encode(9, &frame);
        assert_eq!(b[0], FRAME);
        assert_eq!(u32::from_le_bytes(b[1..5].try_into().unwrap()), 9);
        assert_eq!(&b[5..11], &[128, 2, 224, 1, 1, 0]);
        assert_eq!(&b[11..19], &[5, 0, 7, 0, 3, 0, 2, 0]);
        assert_eq!(b[19], PNG);
        let len = u32::from_le_bytes(b[20..24].try_into().unwrap()) as usize;
        assert_eq!(b.len(), 24 + len);
        let img = image::load_from_memory(&b[24..]).unwrap().to_rgb8();
        let back: Vec<u32> = img
            .pixels()
            .map(|p| (p[0] as u32) << 16 | (p[1] as u32) << 8 | p[2] as u32)
            .collect();
        assert_eq!(back, px);
    }
}
