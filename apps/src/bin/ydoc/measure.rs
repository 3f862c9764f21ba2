//! Measuring text. The document's text is measured on the client with the font the
//! server draws with (`yonder-fonts`: the same data and layout rule), so laying out a
//! document asks the server nothing. Layout and editing see only the [`Measure`] trait,
//! which unit tests implement with a fixed-width font.

use yonder_toolkit::fonts::{Face, Metrics};

/// Text size in pixels.
pub const FONT_PX: f32 = 16.0;
/// Measuring text: the server's font in the app, a fixed-width stand-in in unit tests.
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

/// Text widths from the server's font, measured on the client.
pub struct Measurer {
    metrics: Metrics,
    ascent: i32,
    line_h: u32,
}

impl Measurer {
    /// A measurer at the document's text size; `None` if the font cannot be parsed.
    pub fn new() -> Option<Measurer> {
        let metrics = Metrics::of(Face::Sans)?;
        let line = metrics.line(FONT_PX);
        Some(Measurer {
            metrics,
            ascent: line.ascent + 2,
            line_h: (line.ascent + line.descent + 5).max(1) as u32,
        })
    }
}

impl Measure for Measurer {
    fn widths(&mut self, texts: &[&str]) -> Vec<u32> {
        texts
            .iter()
            .map(|t| self.metrics.width(FONT_PX, t))
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
