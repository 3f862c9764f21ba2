//! Swapping two id spaces in encoded messages (protocol.md §5.5, §6.1): an app that moved
//! to a display where its id space was taken keeps its own ids, and the library puts
//! another space on the wire. Resource ids are `space << 32 | n` with a nonzero space, so
//! on the wire every one of them is a MessagePack uint 64 (`cf` and eight bytes); the swap
//! walks a frame's MessagePack and exchanges the two spaces in every uint 64 it finds, in
//! place (the length never changes). Strings and binaries are skipped whole, so the bytes
//! of a property or an image are never touched.
//!
//! The exchange is its own inverse: the same [`Swap`] maps requests out and messages in.
//! A server message's sequence number is skipped ([`Swap::message`]): after moves it is
//! 2³² and more. Any other uint 64 that is not an id but has one of the two spaces in its
//! high half would be changed too; no other field of the protocol holds such a number
//! (sizes and offsets stay far below 2³²).

/// The two id spaces exchanged: the app's own and the one on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Swap {
    /// The app's id space (what it and its journal use).
    pub(crate) app: u32,
    /// The id space the display granted instead.
    pub(crate) wire: u32,
}

impl Swap {
    fn id(&self, v: u64) -> u64 {
        let space = (v >> 32) as u32;
        let low = v & 0xffff_ffff;
        if space == self.app {
            (self.wire as u64) << 32 | low
        } else if space == self.wire {
            (self.app as u64) << 32 | low
        } else {
            v
        }
    }

    /// Swaps the spaces in every whole frame (length prefix and body) of `frames`.
    pub(crate) fn frames(&self, frames: &mut [u8]) {
        let mut at = 0;
        while at + 4 <= frames.len() {
            let len = u32::from_le_bytes(frames[at..at + 4].try_into().expect("4 bytes")) as usize;
            let end = (at + 4).saturating_add(len).min(frames.len());
            self.body(&mut frames[at + 4..end]);
            at = end;
        }
    }

    /// Swaps the spaces in one MessagePack document; malformed input is left as it is
    /// from where it stops making sense (the decoder reports it).
    pub(crate) fn body(&self, body: &mut [u8]) {
        self.walk(body, 0, 1, true);
    }

    /// Swaps the spaces in a server message (`[kind, seq, body]` and its optional `sent`)
    /// but not in its sequence number, which after moves is 2³² and more (§5.5).
    pub(crate) fn message(&self, body: &mut [u8]) {
        let Some(&m) = body.first() else {
            return;
        };
        let n = match m {
            0x90..=0x9f => (m & 0x0f) as u64,
            _ => return self.body(body),
        };
        let Some(at) = self.walk(body, 1, 1, true) else {
            return;
        };
        let Some(at) = self.walk(body, at, 1, false) else {
            return;
        };
        self.walk(body, at, n.saturating_sub(2), true);
    }

    /// Walks `values` values from `at`, exchanging the spaces in their uint 64s when
    /// `rewrite`; returns where they end (`None` where the input stops making sense).
    fn walk(&self, body: &mut [u8], mut at: usize, values: u64, rewrite: bool) -> Option<usize> {
        // Values still to visit; arrays and maps add theirs. Bounded by the body's length
        // (each value is at least one byte).
        let mut pending: u64 = values;
        while pending > 0 && at < body.len() {
            pending -= 1;
            let m = body[at];
            at += 1;
            let len_be = |b: &[u8], at: usize, n: usize| -> Option<usize> {
                let s = b.get(at..at + n)?;
                Some(s.iter().fold(0usize, |acc, x| acc << 8 | *x as usize))
            };
            let step = match m {
                0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => 0,
                0x80..=0x8f => {
                    pending += 2 * (m & 0x0f) as u64;
                    0
                }
                0x90..=0x9f => {
                    pending += (m & 0x0f) as u64;
                    0
                }
                0xa0..=0xbf => (m & 0x1f) as usize,
                0xcc | 0xd0 => 1,
                0xcd | 0xd1 => 2,
                0xce | 0xd2 | 0xca => 4,
                0xd3 | 0xcb => 8,
                0xcf => {
                    if let Some(b) = body.get_mut(at..at + 8).filter(|_| rewrite) {
                        let v = u64::from_be_bytes(b.try_into().expect("8 bytes"));
                        b.copy_from_slice(&self.id(v).to_be_bytes());
                    }
                    8
                }
                0xc4 | 0xd9 => match len_be(body, at, 1) {
                    Some(n) => 1 + n,
                    None => return None,
                },
                0xc5 | 0xda => match len_be(body, at, 2) {
                    Some(n) => 2 + n,
                    None => return None,
                },
                0xc6 | 0xdb => match len_be(body, at, 4) {
                    Some(n) => 4 + n,
                    None => return None,
                },
                0xdc => match len_be(body, at, 2) {
                    Some(n) => {
                        pending += n as u64;
                        2
                    }
                    None => return None,
                },
                0xdd => match len_be(body, at, 4) {
                    Some(n) => {
                        pending += n as u64;
                        4
                    }
                    None => return None,
                },
                0xde => match len_be(body, at, 2) {
                    Some(n) => {
                        pending += 2 * n as u64;
                        2
                    }
                    None => return None,
                },
                0xdf => match len_be(body, at, 4) {
                    Some(n) => {
                        pending += 2 * n as u64;
                        4
                    }
                    None => return None,
                },
                // Extension types (never used by the protocol): fixext and ext 8/16/32.
                0xd4 => 2,
                0xd5 => 3,
                0xd6 => 5,
                0xd7 => 9,
                0xd8 => 17,
                0xc7 => match len_be(body, at, 1) {
                    Some(n) => 2 + n,
                    None => return None,
                },
                0xc8 => match len_be(body, at, 2) {
                    Some(n) => 3 + n,
                    None => return None,
                },
                0xc9 => match len_be(body, at, 4) {
                    Some(n) => 5 + n,
                    None => return None,
                },
                0xc1 => return None,
            };
            at = at.saturating_add(step);
        }
        (pending == 0 && at <= body.len()).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::request::{CopyArea, ImageFormat, PutImage, WindowAttributes};
    use yonder_protocol::{encode_frame, make_id, Drawable, GcId, Point, Rect, Request, WindowId};

    const SWAP: Swap = Swap {
        app: 0x5eed_0001,
        wire: 0x7777_0002,
    };

    fn frame(r: &Request) -> Vec<u8> {
        let mut b = Vec::new();
        encode_frame(r, &mut b);
        b
    }

    fn decode(b: &[u8]) -> Request {
        yonder_protocol::decode_request(&b[4..]).unwrap()
    }

    #[test]
    fn ids_of_either_space_swap_and_others_stay() {
        let other = make_id(0x1234, 9);
        let r = Request::CopyArea(CopyArea {
            src: Drawable(make_id(SWAP.app, 3)),
            dst: Drawable(other),
            gc: GcId(make_id(SWAP.wire, 4)),
            src_rect: Rect::new(-5, 70000, 10, u32::MAX),
            dst_origin: Point::new(1, 2),
        });
        let mut b = frame(&r);
        SWAP.frames(&mut b);
        let Request::CopyArea(c) = decode(&b) else {
            panic!()
        };
        assert_eq!(c.src, Drawable(make_id(SWAP.wire, 3)));
        assert_eq!(c.gc, GcId(make_id(SWAP.app, 4)));
        assert_eq!(c.dst, Drawable(other));
        assert_eq!(c.src_rect, Rect::new(-5, 70000, 10, u32::MAX));
        // Its own inverse.
        SWAP.frames(&mut b);
        assert_eq!(decode(&b), r);
    }

    #[test]
    fn binaries_and_strings_are_not_touched() {
        // Pixels that look like an id of the app's space.
        let mut data = vec![0xcf];
        data.extend_from_slice(&make_id(SWAP.app, 1).to_be_bytes());
        let r = Request::PutImage(PutImage {
            drawable: Drawable(make_id(SWAP.app, 1)),
            gc: GcId(make_id(SWAP.app, 2)),
            dst: Point::new(0, 0),
            width: 1,
            height: 1,
            format: ImageFormat::Bgrx,
            data: data.clone(),
        });
        let mut b = frame(&r);
        SWAP.frames(&mut b);
        let Request::PutImage(p) = decode(&b) else {
            panic!()
        };
        assert_eq!(p.data, data);
        assert_eq!(p.drawable, Drawable(make_id(SWAP.wire, 1)));
    }

    #[test]
    fn several_frames_and_nested_values() {
        let a = Request::CreateWindow(yonder_protocol::request::CreateWindow {
            id: WindowId(make_id(SWAP.app, 1)),
            parent: WindowId::ROOT,
            rect: Rect::new(0, 0, 5, 5),
            attributes: WindowAttributes::default(),
        });
        let mut b = frame(&a);
        b.extend(frame(&a));
        SWAP.frames(&mut b);
        let half = b.len() / 2;
        for f in [&b[..half], &b[half..]] {
            let Request::CreateWindow(c) = decode(f) else {
                panic!()
            };
            assert_eq!(c.id, WindowId(make_id(SWAP.wire, 1)));
            assert_eq!(c.parent, WindowId::ROOT);
        }
    }

    #[test]
    fn a_server_messages_sequence_number_is_not_an_id() {
        use yonder_protocol::{event::ExposeEvent, Event, Seq, ServerMessage};
        // After a move the numbers are 2³² and more: one whose high half is a space.
        let seq = make_id(SWAP.app, 7);
        let msg = ServerMessage::Event {
            seq: Seq(seq),
            event: Event::Expose(ExposeEvent {
                window: WindowId(make_id(SWAP.wire, 1)),
                rect: Rect::new(0, 0, 5, 5),
                count: 0,
            }),
            sent: false,
        };
        let mut b = Vec::new();
        encode_frame(&msg, &mut b);
        SWAP.message(&mut b[4..]);
        let back = yonder_protocol::message::decode_server_message(&b[4..]).unwrap();
        let ServerMessage::Event {
            seq: s,
            event: Event::Expose(e),
            ..
        } = back
        else {
            panic!()
        };
        assert_eq!(s, Seq(seq), "the sequence number is left alone");
        assert_eq!(
            e.window,
            WindowId(make_id(SWAP.app, 1)),
            "the id is turned back"
        );
    }

    #[test]
    fn garbage_is_left_alone_without_panicking() {
        for len in 0..64u8 {
            let mut junk: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ 0xdc).collect();
            SWAP.body(&mut junk);
            SWAP.message(&mut junk);
            SWAP.frames(&mut junk);
        }
    }
}
