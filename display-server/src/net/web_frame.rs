//! What a web viewer is sent (protocol.md §20.5): a frame of changed rectangles as one
//! binary WebSocket message — copies of what the page shows, solid colors, and one atlas
//! of pixels a frame through the viewer's deflate stream — and the pointer's shape by its
//! CSS name. Pure functions of the pixels (and the stream); the viewer's task runs them
//! off the runtime's threads (`spawn_blocking`), as deflating a large area takes
//! milliseconds.

use crate::command::ViewerFrame;
use yonder_protocol::request::Cursor;
use yonder_protocol::Rect;

/// The first byte of a frame message.
pub const FRAME: u8 = 1;
/// A rectangle's encoding: one color, its data the red, green and blue bytes.
pub const SOLID: u8 = 1;
/// A rectangle's encoding: its pixels are in the frame's atlas; its data is where, x and
/// y (u16).
pub const ATLAS: u8 = 2;

/// A rectangle's encoding: the page copies it from its own screen; its data is where
/// from, x and y (u16). Copies come first in a frame, in order.
pub const COPY: u8 = 3;

/// The narrowest atlas: rectangles are laid in rows this wide at least.
const ATLAS_MIN_WIDTH: u32 = 256;

/// A viewer's deflate stream: every frame's atlas goes through it, so what one frame
/// compressed (a glyph, a window's edge) makes the next smaller, as VNC's zlib streams
/// do. It lives as long as the viewer's connection; the page inflates with one stream
/// too.
pub struct Stream(flate2::Compress);

impl Default for Stream {
    fn default() -> Self {
        Stream(flate2::Compress::new(flate2::Compression::new(9), false))
    }
}

impl Stream {
    /// `raw` through the stream, flushed so the page can inflate all of it now.
    fn deflate(&mut self, raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(raw.len() / 4 + 64);
        let mut done = 0;
        loop {
            let before_in = self.0.total_in();
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let flush = flate2::FlushCompress::Sync;
            if self.0.compress_vec(&raw[done..], &mut out, flush).is_err() {
                // Only fails on a corrupt stream, which a fresh one never is.
                tracing::error!("the web viewer's deflate stream failed");
                break;
            }
            done += (self.0.total_in() - before_in) as usize;
            // All input taken and room left over: the flush is complete.
            if done == raw.len() && out.len() < out.capacity() {
                break;
            }
        }
        out
    }
}

/// The bytes of frame `seq`: `01`, seq (u32), the screen's width and height (u16 each),
/// the rectangle count (u16, copies included); then per rectangle x, y, width, height (u16 each), the
/// encoding (u8), the data's length (u32) and the data; then the atlas: its width and
/// height (u32 each: rectangles laid in rows may pile higher than a screen; 0 × 0 when
/// there is none), the length (u32) of its bytes and the
/// bytes: its pixels, 3 bytes (red, green, blue) each row by row, through the
/// connection's deflate stream. Little-endian throughout.
///
/// Every rectangle that is not one color goes into the atlas.
pub fn encode(seq: u32, frame: &ViewerFrame, z: &mut Stream) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + frame.rects.len() * 16);
    out.push(FRAME);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&side(frame.width).to_le_bytes());
    out.extend_from_slice(&side(frame.height).to_le_bytes());
    let copies = &frame.copies[..frame.copies.len().min(256)];
    let n = frame.rects.len().min(u16::MAX as usize - copies.len());
    out.extend_from_slice(&((copies.len() + n) as u16).to_le_bytes());
    for (dst, from) in copies {
        for v in [dst.x as u32, dst.y as u32, dst.width, dst.height] {
            out.extend_from_slice(&side(v).to_le_bytes());
        }
        out.push(COPY);
        out.extend_from_slice(&4u32.to_le_bytes());
        out.extend_from_slice(&side(from.x.max(0) as u32).to_le_bytes());
        out.extend_from_slice(&side(from.y.max(0) as u32).to_le_bytes());
    }
    let rects = &frame.rects[..n];
    let solid = |px: &[u32]| px.first().filter(|p| px.iter().all(|q| q == *p)).copied();
    let atlas = Atlas::pack(
        rects
            .iter()
            .filter(|(_, px)| solid(px).is_none())
            .map(|(r, _)| *r),
    );
    let mut places = atlas.places.iter();
    for (r, px) in rects {
        for v in [r.x as u32, r.y as u32, r.width, r.height] {
            out.extend_from_slice(&side(v).to_le_bytes());
        }
        let (encoding, data) = match solid(px) {
            Some(p) => (SOLID, vec![(p >> 16) as u8, (p >> 8) as u8, p as u8]),
            None => {
                let (x, y) = places.next().copied().unwrap_or_default();
                let mut d = side(x).to_le_bytes().to_vec();
                d.extend_from_slice(&side(y).to_le_bytes());
                (ATLAS, d)
            }
        };
        out.push(encoding);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
    }
    let raw = atlas.rgb(rects.iter().filter(|(_, px)| solid(px).is_none()));
    let data = if raw.is_empty() {
        Vec::new()
    } else {
        z.deflate(&raw)
    };
    out.extend_from_slice(&atlas.width.to_le_bytes());
    out.extend_from_slice(&atlas.height.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

/// Where the rectangles go in a frame's atlas: in rows (shelves), left to right.
struct Atlas {
    width: u32,
    height: u32,
    /// Each rectangle's top-left in the atlas, in order.
    places: Vec<(u32, u32)>,
}

impl Atlas {
    fn pack(rects: impl Iterator<Item = Rect> + Clone) -> Atlas {
        let width = rects
            .clone()
            .map(|r| r.width)
            .max()
            .unwrap_or(0)
            .max(ATLAS_MIN_WIDTH);
        let (mut x, mut y, mut row) = (0, 0, 0);
        let mut places = Vec::new();
        let mut widest = 0;
        for r in rects {
            if x + r.width > width {
                (x, y, row) = (0, y + row, 0);
            }
            places.push((x, y));
            x += r.width;
            widest = widest.max(x);
            row = row.max(r.height);
        }
        Atlas {
            width: widest,
            height: y + row,
            places,
        }
    }

    /// The atlas's pixels, 3 bytes each (empty when no rectangle is in it).
    fn rgb<'a>(&self, rects: impl Iterator<Item = &'a (Rect, Vec<u32>)>) -> Vec<u8> {
        if self.width == 0 || self.height == 0 {
            return Vec::new();
        }
        let stride = self.width as usize * 3;
        let mut out = vec![0u8; stride * self.height as usize];
        for ((r, src), (ax, ay)) in rects.zip(&self.places) {
            for row in 0..r.height as usize {
                let from = &src[row * r.width as usize..(row + 1) * r.width as usize];
                let to = (*ay as usize + row) * stride + *ax as usize * 3;
                for (i, p) in from.iter().enumerate() {
                    out[to + i * 3..to + i * 3 + 3].copy_from_slice(&[
                        (p >> 16) as u8,
                        (p >> 8) as u8,
                        *p as u8,
                    ]);
                }
            }
        }
        out
    }
}

/// Screen coordinates fit 16 bits (the largest screen side is 16384).
fn side(v: u32) -> u16 {
    v.min(u16::MAX as u32) as u16
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
            copies: vec![],
            rects: vec![(Rect::new(16, 32, 2, 2), vec![0x2e3440; 4])],
            cursor: Cursor::Default,
        };
        let bytes = encode(7, &frame, &mut Stream::default());
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
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
             2e3440\
             00000000\
             00000000\
             00000000"
        );
    }

    /// A page's side of the frames: one inflater for the connection, the atlas of each
    /// frame read whole; returns each rectangle's pixels.
    struct Page(flate2::Decompress);

    impl Page {
        fn read(&mut self, b: &[u8]) -> Vec<(Rect, Vec<u32>)> {
            let n = u16::from_le_bytes([b[9], b[10]]) as usize;
            let mut at = 11;
            let mut rects = Vec::new();
            for _ in 0..n {
                let v = |i: usize| u16::from_le_bytes([b[at + i], b[at + i + 1]]);
                let r = Rect::new(v(0) as i32, v(2) as i32, v(4) as u32, v(6) as u32);
                let len = u32::from_le_bytes(b[at + 9..at + 13].try_into().unwrap()) as usize;
                rects.push((r, b[at + 8], b[at + 13..at + 13 + len].to_vec()));
                at += 13 + len;
            }
            let aw = u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
            let ah = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
            let len = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
            assert_eq!(b.len(), at + 12 + len);
            let mut atlas = vec![0u8; aw * ah * 3];
            let before = self.0.total_out();
            self.0
                .decompress(&b[at + 12..], &mut atlas, flate2::FlushDecompress::Sync)
                .unwrap();
            assert_eq!(
                (self.0.total_out() - before) as usize,
                atlas.len(),
                "all of it now"
            );
            rects
                .into_iter()
                .map(|(r, enc, data)| {
                    let px = match enc {
                        SOLID => vec![
                            u32::from_be_bytes([0, data[0], data[1], data[2]]);
                            (r.width * r.height) as usize
                        ],
                        ATLAS => {
                            let ax = u16::from_le_bytes([data[0], data[1]]) as usize;
                            let ay = u16::from_le_bytes([data[2], data[3]]) as usize;
                            let mut px = Vec::new();
                            for y in 0..r.height as usize {
                                for x in 0..r.width as usize {
                                    let i = ((ay + y) * aw + ax + x) * 3;
                                    px.push(u32::from_be_bytes([
                                        0,
                                        atlas[i],
                                        atlas[i + 1],
                                        atlas[i + 2],
                                    ]));
                                }
                            }
                            px
                        }
                        COPY => {
                            let from = (
                                u16::from_le_bytes([data[0], data[1]]),
                                u16::from_le_bytes([data[2], data[3]]),
                            );
                            vec![from.0 as u32, from.1 as u32]
                        }
                        other => panic!("encoding {other}"),
                    };
                    (r, px)
                })
                .collect()
        }
    }

    #[test]
    fn frames_carry_their_rectangles_losslessly_through_one_stream() {
        let mut z = Stream::default();
        let mut page = Page(flate2::Decompress::new(false));
        for round in 0..5u32 {
            let rects: Vec<(Rect, Vec<u32>)> = (0..30u32)
                .map(|i| {
                    let r = Rect::new(i as i32 * 7, 3, 16 + i % 5 * 30, 16 + i % 3 * 8);
                    let px = if i % 7 == 0 {
                        vec![0x123456; (r.width * r.height) as usize]
                    } else {
                        (0..r.width * r.height)
                            .map(|j| (j * 7 + i * round) & 0xFFFFFF)
                            .collect()
                    };
                    (r, px)
                })
                .collect();
            let frame = ViewerFrame {
                width: 1280,
                height: 800,
                copies: vec![],
                rects: rects.clone(),
                cursor: Cursor::Default,
            };
            let b = encode(round + 1, &frame, &mut z);
            assert_eq!(b[0], FRAME);
            assert_eq!(page.read(&b), rects, "round {round}");
        }
    }

    #[test]
    fn copies_come_first_with_where_from() {
        let frame = ViewerFrame {
            width: 640,
            height: 480,
            copies: vec![(
                Rect::new(120, 40, 300, 200),
                yonder_protocol::Point::new(100, 40),
            )],
            rects: vec![(Rect::new(100, 40, 20, 200), vec![0x2e3440; 4000])],
            cursor: Cursor::Default,
        };
        let got =
            Page(flate2::Decompress::new(false)).read(&encode(1, &frame, &mut Stream::default()));
        assert_eq!(got[0], (Rect::new(120, 40, 300, 200), vec![100, 40]));
        assert_eq!(got[1], frame.rects[0]);
    }

    #[test]
    fn a_repeated_picture_costs_little_the_second_time() {
        let mut z = Stream::default();
        let px: Vec<u32> = (0..64 * 64u32)
            .map(|i| i.wrapping_mul(2654435761) >> 8)
            .collect();
        let frame = |x| ViewerFrame {
            width: 640,
            height: 480,
            copies: vec![],
            rects: vec![(Rect::new(x, 0, 64, 64), px.clone())],
            cursor: Cursor::Default,
        };
        let first = encode(1, &frame(0), &mut z).len();
        let again = encode(2, &frame(100), &mut z).len();
        assert!(again * 4 < first, "{again} bytes again after {first}");
    }
}
