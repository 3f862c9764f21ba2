//! One pixmap's log ([`Log`]): the encoded frames of the requests that drew into it since
//! its base (empty or a checkpoint image), back to back, each marked with the sequence
//! number of the request it belongs to (a GC snapshot carries its drawing's number).
//! Frames, not `Request` values: the poly fast paths never build a `Request`, and a frame
//! is the most compact form of one.

use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::{Request, Seq};

/// Frames since the base (see the module doc).
#[derive(Debug, Default)]
pub(super) struct Log {
    bytes: Vec<u8>,
    /// Each frame's sequence number and start in `bytes`, in order.
    marks: Vec<(Seq, usize)>,
}

impl Log {
    /// Appends the frame `encode` writes, for request `seq`.
    pub(super) fn push(&mut self, seq: Seq, encode: &dyn Fn(&mut Vec<u8>)) {
        let at = self.bytes.len();
        encode(&mut self.bytes);
        if self.bytes.len() > at {
            self.marks.push((seq, at));
        }
    }

    /// Appends the frame of `request`, for request `seq`.
    pub(super) fn push_request(&mut self, seq: Seq, request: &Request) {
        self.push(seq, &|buf| encode_request_frame(request, buf));
    }

    /// Forgets everything.
    pub(super) fn clear(&mut self) {
        self.bytes = Vec::new();
        self.marks = Vec::new();
    }

    /// Forgets the frames of requests before `seq`.
    pub(super) fn drop_before(&mut self, seq: Seq) {
        let keep = self.marks.partition_point(|(s, _)| *s < seq);
        let Some(&(_, cut)) = self.marks.get(keep) else {
            self.clear();
            return;
        };
        self.bytes.drain(..cut);
        self.marks.drain(..keep);
        for (_, at) in &mut self.marks {
            *at -= cut;
        }
        // What is left is usually small: give the rest back.
        self.bytes.shrink_to_fit();
        self.marks.shrink_to_fit();
    }

    /// The bytes of its frames.
    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Memory held.
    pub(super) fn capacity(&self) -> usize {
        self.bytes.capacity() + self.marks.capacity() * std::mem::size_of::<(Seq, usize)>()
    }

    /// Each frame with its sequence number, in order.
    pub(super) fn frames(&self) -> impl Iterator<Item = (Seq, &[u8])> + '_ {
        self.marks.iter().enumerate().map(|(i, &(seq, at))| {
            let end = self.marks.get(i + 1).map_or(self.bytes.len(), |m| m.1);
            (seq, &self.bytes[at..end])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_before_keeps_the_later_frames_whole() {
        let mut log = Log::default();
        for (seq, body) in [(1, &b"ab"[..]), (2, b"cde"), (2, b"f"), (5, b"gh")] {
            log.push(Seq(seq), &|buf| buf.extend_from_slice(body));
        }
        log.drop_before(Seq(2));
        let left: Vec<_> = log.frames().map(|(s, f)| (s.0, f.to_vec())).collect();
        assert_eq!(
            left,
            vec![
                (2, b"cde".to_vec()),
                (2, b"f".to_vec()),
                (5, b"gh".to_vec())
            ]
        );
        log.drop_before(Seq(6));
        assert_eq!(log.frames().count(), 0);
        assert_eq!(log.len(), 0);
    }
}
