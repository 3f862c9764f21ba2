//! Measuring text. The document's text is measured by the server (QueryTextExtents:
//! the font the server draws with), so [`Measurer`] caches widths and sends all the
//! questions of a layout before it waits for the first answer. Layout and editing see
//! only the [`Measure`] trait, which unit tests implement with a fixed-width font.

use std::collections::HashMap;
use yonder::prelude::*;
use yonder::{Connection, ReplyError};
use yonder_protocol::request::GcValues;
use yonder_protocol::{Drawable, GcId};

/// Text size in pixels.
pub const FONT_PX: f32 = 16.0;
/// Widths cached at most before the cache starts over.
const CACHE_MAX: usize = 50_000;

/// Measuring text: the server in the app, a fixed-width stand-in in unit tests.
pub trait Measure {
    /// The advance widths of `texts`.
    fn widths(&mut self, texts: &[&str]) -> Vec<u32>;
    /// Height of a line of text.
    fn line_h(&self) -> u32;
    /// From a line's top to its baseline.
    fn ascent(&self) -> i32;
    /// The advance width of `text`.
    fn width(&mut self, text: &str) -> u32 {
        self.widths(&[text])[0]
    }
}

/// Text widths from the server, cached.
pub struct Measurer<'c> {
    conn: &'c Connection,
    gc: GcId,
    cache: HashMap<String, u32>,
    ascent: i32,
    line_h: u32,
}

impl<'c> Measurer<'c> {
    /// A measurer with its own GC (on `drawable`) set to the document's text size.
    pub fn new(conn: &'c Connection, drawable: impl Into<Drawable>) -> Result<Self, ReplyError> {
        let gc = conn.new_gc_id();
        let values = GcValues {
            font_size: Some(FONT_PX),
            ..Default::default()
        };
        conn.create_gc(gc, drawable, values);
        let r = conn.query_text_extents(gc, "Ag").reply()?;
        Ok(Measurer {
            conn,
            gc,
            cache: HashMap::new(),
            ascent: r.font_ascent + 2,
            line_h: (r.font_ascent + r.font_descent + 5).max(1) as u32,
        })
    }
}

impl Measure for Measurer<'_> {
    /// The advance widths of `texts`: the ones not cached are all asked for before the
    /// first answer is awaited.
    fn widths(&mut self, texts: &[&str]) -> Vec<u32> {
        if self.cache.len() > CACHE_MAX {
            self.cache.clear();
        }
        let mut missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| !t.is_empty() && !self.cache.contains_key(*t))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let cookies: Vec<_> = missing
            .iter()
            .map(|t| self.conn.query_text_extents(self.gc, t))
            .collect();
        for (t, c) in missing.iter().zip(cookies) {
            // A question asked while the display was away gets no answer; it is back by
            // then, so ask once more (protocol.md §5.4). A failed measurement counts as
            // zero width and is not kept: the event loop ends on the next wait, or the
            // next layout asks again.
            let reply = match c.reply() {
                Err(yonder::ReplyError::Lost(_)) => {
                    self.conn.query_text_extents(self.gc, t).reply()
                }
                r => r,
            };
            if let Ok(r) = reply {
                self.cache.insert((*t).to_owned(), r.width);
            }
        }
        texts
            .iter()
            .map(|t| self.cache.get(*t).copied().unwrap_or(0))
            .collect()
    }

    fn line_h(&self) -> u32 {
        self.line_h
    }

    fn ascent(&self) -> i32 {
        self.ascent
    }
}

/// A stand-in for tests: every character 10 pixels wide, lines 20 high.
#[cfg(test)]
pub struct Fixed;

#[cfg(test)]
impl Measure for Fixed {
    fn widths(&mut self, texts: &[&str]) -> Vec<u32> {
        texts
            .iter()
            .map(|t| 10 * t.chars().count() as u32)
            .collect()
    }
    fn line_h(&self) -> u32 {
        20
    }
    fn ascent(&self) -> i32 {
        15
    }
}
