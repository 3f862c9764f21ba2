//! Measuring text for a [`Window`]: on the client when the display draws with the
//! toolkit's own fonts (the digests of its setup's `fonts`, protocol.md §5.2), so layout
//! and typing wait for no round trip; otherwise by asking the server, in one round trip
//! for many texts (QueryTextExtentsBatch, §9.54; QueryTextExtents pipelined before 1.8),
//! with the answers kept, so that what is drawn and what is measured agree on any display.
//!
//! `YONDER_MEASURE_ON_SERVER=1` makes every window measure through the server, as on a
//! display whose fonts are other ones (for tests and benchmarks).

use super::Window;
use std::cell::RefCell;
use std::collections::HashMap;
use yonder::prelude::*;
use yonder_fonts::{Extents, Face, Metrics};
use yonder_protocol::handshake::FontFace;
use yonder_protocol::reply::TextExtentsReply;
use yonder_protocol::request::{GcValues, MAX_TEXT_BATCH};

/// The server's answers, by the server's font for the face (its digest, so that a
/// display that changed — a restart, a move — is asked again), face, size (its bits) and
/// text. Only used on a display whose fonts are not the toolkit's; emptied when it
/// holds more than [`MAX_KEPT`].
#[derive(Default)]
pub(super) struct Measured(RefCell<HashMap<(u64, u8, u32, String), Extents>>);

/// The most answers kept.
const MAX_KEPT: usize = 8192;

/// The most bytes of text one batch asks about (several batches go out together): well
/// inside a frame's limit whatever the texts.
const MAX_BATCH_BYTES: usize = 1 << 20;

impl Window<'_> {
    /// Measures `text` in DejaVu Sans at `px` pixels: see [`Window::measure_in`].
    pub fn measure(&self, px: f32, text: &str) -> Extents {
        self.measure_in(Face::Sans, px, text)
    }

    /// Measures `text` in `face` at `px` pixels. When the server's font for the face is
    /// the toolkit's, on the client by the server's layout rule (`yonder-fonts`): no round
    /// trip, the same numbers. Otherwise (another build of the fonts, a server before
    /// 1.7) the server is asked, once per text (the answer is kept), so what is drawn and
    /// measured still agree; its answer has no ink columns, so `left` is 0 and `right` the
    /// width then.
    pub fn measure_in(&self, face: Face, px: f32, text: &str) -> Extents {
        match self.local_metrics(face) {
            Some(m) => m.extents(px, text),
            None => self.ask(face, px, &[text]).pop().unwrap_or_default(),
        }
    }

    /// The caret positions in `text` in `face` at `px` pixels: the pen's x before each
    /// character and after the last (so one more than the characters). Measured like
    /// [`Window::measure_in`]: on the client, or by asking the server for the width of
    /// every prefix in one round trip (there a caret between a kerned pair stands where
    /// the first character ends, a pixel or so off the next one's pen position; and a
    /// line of n characters asks about n prefixes, about n²/2 bytes).
    pub fn carets_in(&self, face: Face, px: f32, text: &str) -> Vec<i32> {
        if let Some(m) = self.local_metrics(face) {
            return m.carets(px, text);
        }
        let prefixes: Vec<&str> = text
            .char_indices()
            .map(|(i, c)| &text[..i + c.len_utf8()])
            .collect();
        let widths = self.ask(face, px, &prefixes);
        std::iter::once(0)
            .chain(widths.iter().map(|e| e.width as i32))
            .collect()
    }

    /// Whether the display draws `face` with the toolkit's own font, so that text can be
    /// measured on the client. Waits for the setup the first time.
    pub fn fonts_agree(&self, face: Face) -> bool {
        self.conn.setup().is_ok_and(|s| same_font(&s.fonts, face))
    }

    /// The toolkit's metrics of `face`, when they are the display's.
    fn local_metrics(&self, face: Face) -> Option<Metrics> {
        let forced = std::env::var_os("YONDER_MEASURE_ON_SERVER").is_some_and(|v| v == "1");
        if forced || !self.fonts_agree(face) {
            return None;
        }
        Metrics::of(face)
    }

    /// The server's extents of each of `texts`, asking only for those not asked before:
    /// in batches of at most `MAX_TEXT_BATCH` (one round trip each) from a 1.8 server, as
    /// pipelined QueryTextExtents from an older one. A question lost with the display (a
    /// restart, protocol.md §5.4) is asked once more; what stays unanswered measures 0.
    fn ask(&self, face: Face, px: f32, texts: &[&str]) -> Vec<Extents> {
        let digest = self.conn.setup().ok().and_then(|s| {
            s.fonts
                .iter()
                .find(|f| f.face == face.number())
                .map(|f| f.digest)
        });
        let key = |t: &str| {
            (
                digest.unwrap_or(0),
                face.number(),
                px.to_bits(),
                t.to_string(),
            )
        };
        if self.measured.0.borrow().len() > MAX_KEPT {
            self.measured.0.borrow_mut().clear();
        }
        let missing: Vec<&str> = {
            let kept = self.measured.0.borrow();
            let mut m: Vec<&str> = texts
                .iter()
                .copied()
                .filter(|t| !kept.contains_key(&key(t)))
                .collect();
            m.dedup();
            m
        };
        if !missing.is_empty() {
            self.set_font(face, px);
            let answers = match self.query(&missing) {
                Err(yonder::ReplyError::Lost(_)) => self.query(&missing),
                r => r,
            };
            let mut kept = self.measured.0.borrow_mut();
            if let Ok(answers) = answers {
                for (t, r) in missing.iter().zip(answers) {
                    kept.insert(key(t), extents(&r));
                }
            }
        }
        let kept = self.measured.0.borrow();
        texts
            .iter()
            .map(|t| kept.get(&key(t)).copied().unwrap_or_default())
            .collect()
    }

    /// One round of questions to the server about `texts`.
    fn query(&self, texts: &[&str]) -> Result<Vec<TextExtentsReply>, yonder::ReplyError> {
        let batched = self.conn.setup().is_ok_and(|s| s.minor >= 8);
        if batched {
            let cookies: Vec<_> = batches(texts)
                .map(|c| self.conn.query_text_extents_batch(self.gc, c))
                .collect();
            let mut out = Vec::with_capacity(texts.len());
            for c in cookies {
                out.extend(c.reply()?.extents);
            }
            return Ok(out);
        }
        let cookies: Vec<_> = texts
            .iter()
            .map(|t| self.conn.query_text_extents(self.gc, t))
            .collect();
        cookies.into_iter().map(|c| c.reply()).collect()
    }

    /// Sets the GC's text face (when the server has faces: 1.7) and size.
    pub(super) fn set_font(&self, face: Face, px: f32) {
        let faces = self.conn.setup().is_ok_and(|s| !s.fonts.is_empty());
        self.conn.change_gc(
            self.gc,
            GcValues {
                font_size: Some(px),
                font_face: faces.then_some(face.number()),
                ..Default::default()
            },
        );
    }
}

/// `texts` in runs of at most `MAX_TEXT_BATCH` texts and about [`MAX_BATCH_BYTES`] bytes
/// (a run holds one text at least).
fn batches<'a>(texts: &'a [&'a str]) -> impl Iterator<Item = &'a [&'a str]> + 'a {
    let mut rest = texts;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut bytes = 0;
        let n = rest
            .iter()
            .take(MAX_TEXT_BATCH)
            .take_while(|t| {
                bytes += t.len() + 8;
                bytes <= MAX_BATCH_BYTES
            })
            .count()
            .max(1);
        let (run, after) = rest.split_at(n);
        rest = after;
        Some(run)
    })
}

/// The server's answer as the toolkit's extents (no ink columns: `left` 0, `right` the
/// width).
fn extents(r: &TextExtentsReply) -> Extents {
    Extents {
        width: r.width,
        ascent: r.ascent,
        descent: r.descent,
        font_ascent: r.font_ascent,
        font_descent: r.font_descent,
        left: 0,
        right: r.width as i32,
    }
}

/// Whether `fonts` (a setup's) has `face` with the toolkit's font's digest.
fn same_font(fonts: &[FontFace], face: Face) -> bool {
    fonts
        .iter()
        .any(|f| f.face == face.number() && f.digest == face.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_within_the_count_and_the_bytes() {
        let long = "x".repeat(400_000);
        let texts: Vec<&str> = vec![&long, &long, &long, "a", "b"];
        let runs: Vec<usize> = batches(&texts).map(|r| r.len()).collect();
        assert_eq!(runs, [2, 3], "about a megabyte each");
        let many = vec!["a"; MAX_TEXT_BATCH + 5];
        let runs: Vec<usize> = batches(&many).map(|r| r.len()).collect();
        assert_eq!(runs, [MAX_TEXT_BATCH, 5]);
        let huge = "y".repeat(3 << 20);
        assert_eq!(batches(&[huge.as_str()]).count(), 1, "one text at least");
        assert_eq!(batches(&[]).count(), 0);
    }

    #[test]
    fn fonts_agree_only_with_the_same_digest() {
        let ours = |face: Face| FontFace {
            face: face.number(),
            name: face.name().into(),
            digest: face.digest(),
        };
        let fonts = [ours(Face::Sans), ours(Face::Mono)];
        assert!(same_font(&fonts, Face::Sans));
        assert!(same_font(&fonts, Face::Mono));
        assert!(
            !same_font(&fonts, Face::SansBold),
            "a face the server lacks"
        );
        let other = [FontFace {
            digest: Face::Sans.digest() ^ 1,
            ..ours(Face::Sans)
        }];
        assert!(!same_font(&other, Face::Sans), "another build of the font");
        assert!(
            !same_font(&[], Face::Sans),
            "a server before 1.7 names none"
        );
    }
}
