//! Framing: every message, both ways, is `length: u32 little-endian` followed by `length`
//! bytes of MessagePack body. This module splits a byte stream into bodies without
//! copying and writes frames into an output buffer; it never touches a socket.
//!
//! "Need more bytes" is not an error: [`split_frame`] returns `Ok(None)` until a whole frame
//! is buffered. A length above the limit *is* an error, detected from the 4-byte header
//! alone, so a hostile peer cannot make the reader buffer a huge frame first.

use serde::Serialize;

/// Size of the length prefix.
pub const HEADER_LEN: usize = 4;
/// The largest body a server accepts by default (16 MiB); the setup reply states the
/// server's actual limit. A 2048×2048 raw image (16 MiB) fits with room for the envelope
/// only if compressed; larger images are sent in bands.
pub const MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// What can go wrong splitting frames.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The header announces a body larger than the limit.
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Announced body length.
        len: usize,
        /// The limit in force.
        max: usize,
    },
}

/// Looks at the start of `buf`: if a whole frame is there, returns `(body_start, body_end)`
/// so the body is `&buf[body_start..body_end]` and the next frame starts at `body_end`.
/// Returns `Ok(None)` when more bytes are needed.
pub fn split_frame(buf: &[u8], max_len: usize) -> Result<Option<(usize, usize)>, FrameError> {
    if buf.len() < HEADER_LEN {
        return Ok(None);
    }
    let len = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    if len > max_len {
        return Err(FrameError::TooLarge { len, max: max_len });
    }
    let end = HEADER_LEN + len;
    Ok((buf.len() >= end).then_some((HEADER_LEN, end)))
}

/// The whole frames at the start of `buf`, each with its header (a partial frame at the
/// end is left out): for walking a buffer of frames this side made or already checked.
pub fn frames(buf: &[u8]) -> Frames<'_> {
    Frames { rest: buf }
}

/// The iterator of [`frames`].
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Frames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (_, end) = split_frame(self.rest, usize::MAX).ok().flatten()?;
        let (frame, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(frame)
    }
}

/// Appends one frame holding `msg` (MessagePack, structs as arrays) to `out`.
pub fn encode_frame<T: Serialize + ?Sized>(msg: &T, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER_LEN]);
    // Writing into a Vec cannot fail, and every message type serializes infallibly
    // (no maps with non-string keys, no unsupported types).
    rmp_serde::encode::write(out, msg).expect("message types always encode");
    let len = (out.len() - start - HEADER_LEN) as u32;
    out[start..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// Encodes `msg` as a MessagePack body alone (no length prefix).
pub fn encode_body<T: Serialize + ?Sized>(msg: &T) -> Vec<u8> {
    rmp_serde::to_vec(msg).expect("message types always encode")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_walks_whole_frames_and_leaves_a_partial_one() {
        let mut out = Vec::new();
        encode_frame(&1u8, &mut out);
        encode_frame(&"two", &mut out);
        let whole = out.len();
        encode_frame(&3u8, &mut out);
        let got: Vec<&[u8]> = frames(&out[..out.len() - 1]).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got.iter().map(|f| f.len()).sum::<usize>(), whole);
        assert_eq!(got[1], &out[5..whole]);
        assert_eq!(frames(&out).count(), 3);
        assert_eq!(frames(&[]).count(), 0);
    }

    #[test]
    fn split_waits_for_whole_frame() {
        let mut out = Vec::new();
        encode_frame(&(1u8, "hi"), &mut out);
        for cut in 0..out.len() {
            assert_eq!(split_frame(&out[..cut], 100), Ok(None));
        }
        assert_eq!(split_frame(&out, 100), Ok(Some((4, out.len()))));
    }

    #[test]
    fn oversized_header_is_rejected_early() {
        let buf = 1000u32.to_le_bytes();
        assert_eq!(
            split_frame(&buf, 999),
            Err(FrameError::TooLarge {
                len: 1000,
                max: 999
            })
        );
    }
}
