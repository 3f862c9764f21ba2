//! Where everything goes: blocks stacked top to bottom in one column with margins,
//! paragraphs word-wrapped to the column's width, parts at their pixel size (shrunk to
//! the column when wider, or the size of the part's own window while it is edited in
//! place). Coordinates here are the document's: y grows down from the top of the first
//! block's margin, before scrolling. Text widths come from [`crate::measure`].

use crate::measure::Measure;
use crate::model::{Block, Document, Pos};
use yonder_protocol::{Point, Rect, Size};

/// Space around the column.
pub const MARGIN: i32 = 16;
/// Space between blocks.
pub const GAP: u32 = 10;

/// One line of a paragraph: a byte range of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// First byte.
    pub start: usize,
    /// One past the last byte (the next line's start).
    pub end: usize,
    /// Top of the line in document coordinates.
    pub top: i32,
}

/// What a block looks like.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A paragraph's lines (at least one).
    Text(Vec<Line>),
    /// A part's picture, at this size.
    Part(Size),
}

/// A block's place.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockBox {
    /// Top in document coordinates.
    pub top: i32,
    /// Height.
    pub height: u32,
    /// Lines or picture.
    pub shape: Shape,
}

/// What is under a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A place in a paragraph.
    Text(Pos),
    /// The part at this block index.
    Part(usize),
}

/// The whole document laid out.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// One box per block.
    pub boxes: Vec<BlockBox>,
    /// Height of the whole document, margins included.
    pub height: u32,
    /// Height of a line.
    pub line_h: u32,
}

/// Lays out `doc` for a window `width` pixels wide. `sized(i)` overrides the size of
/// part `i` (a part being edited in place takes its window's size).
pub fn layout(
    doc: &Document,
    m: &mut dyn Measure,
    width: u32,
    sized: impl Fn(usize) -> Option<Size>,
) -> Layout {
    let column = width.saturating_sub(2 * MARGIN as u32).max(40);
    let mut top = MARGIN;
    let mut boxes = Vec::with_capacity(doc.blocks.len());
    for (i, b) in doc.blocks.iter().enumerate() {
        let (height, shape) = match b {
            Block::Text(t) => {
                let lines: Vec<Line> = wrap(t, m, column)
                    .into_iter()
                    .enumerate()
                    .map(|(n, (start, end))| Line {
                        start,
                        end,
                        top: top + (n as u32 * m.line_h()) as i32,
                    })
                    .collect();
                (lines.len() as u32 * m.line_h(), Shape::Text(lines))
            }
            Block::Part(p) => {
                let (w, h) = p.size();
                let size = sized(i).unwrap_or_else(|| {
                    let (w, h) = yonder_toolkit::pixels::fit(w, h, column, u32::MAX);
                    Size::new(w, h)
                });
                (size.height, Shape::Part(size))
            }
        };
        boxes.push(BlockBox { top, height, shape });
        top += (height + GAP) as i32;
    }
    Layout {
        boxes,
        height: (top - GAP as i32 + MARGIN) as u32,
        line_h: m.line_h(),
    }
}

/// Breaks `text` into lines no wider than `column` where possible: after spaces, and
/// inside a word only when the word alone is wider than the column. Byte ranges.
pub fn wrap(text: &str, m: &mut dyn Measure, column: u32) -> Vec<(usize, usize)> {
    // Words with the spaces after them: (start, end of the word, end of the spaces).
    let mut words = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    while start < text.len() {
        let word_end = text[start..].find(' ').map_or(text.len(), |i| start + i);
        let mut end = word_end;
        while end < text.len() && bytes[end] == b' ' {
            end += 1;
        }
        words.push((start, word_end, end));
        start = end;
    }
    let mut queries: Vec<&str> = words.iter().map(|(s, e, _)| &text[*s..*e]).collect();
    queries.push(" ");
    let widths = m.widths(&queries);
    let space = widths[words.len()];
    let mut lines = Vec::new();
    let (mut line_start, mut x) = (0, 0u32);
    for (&(s, we, e), &w) in words.iter().zip(&widths) {
        let spaces = (e - we) as u32 * space;
        if x > 0 && x + w > column {
            lines.push((line_start, s));
            (line_start, x) = (s, 0);
        }
        if x == 0 && w > column {
            // A word wider than the column: cut it where it fills a line.
            let mut cur = s;
            let mut rest_w = w;
            while rest_w > column {
                let cuts: Vec<usize> = text[cur..we]
                    .char_indices()
                    .skip(1)
                    .map(|(i, _)| cur + i)
                    .collect();
                if cuts.is_empty() {
                    break;
                }
                let prefixes: Vec<&str> = cuts.iter().map(|c| &text[cur..*c]).collect();
                let pw = m.widths(&prefixes);
                let fit = pw.iter().rposition(|w| *w <= column).unwrap_or(0);
                lines.push((line_start, cuts[fit]));
                (line_start, cur) = (cuts[fit], cuts[fit]);
                rest_w = m.width(&text[cur..we]);
            }
            x = rest_w + spaces;
        } else {
            x += w + spaces;
        }
    }
    lines.push((line_start, text.len()));
    lines
}

impl Layout {
    /// The box of the part at block `i`, in document coordinates.
    pub fn part_rect(&self, i: usize) -> Option<Rect> {
        let b = self.boxes.get(i)?;
        match b.shape {
            Shape::Part(s) => Some(Rect::new(MARGIN, b.top, s.width, s.height)),
            Shape::Text(_) => None,
        }
    }

    /// The lines of paragraph `block`.
    pub fn lines(&self, block: usize) -> &[Line] {
        match self.boxes.get(block).map(|b| &b.shape) {
            Some(Shape::Text(lines)) => lines,
            _ => &[],
        }
    }

    /// Index of the line `pos` is on (a position at a wrap belongs to the line below).
    pub fn line_index(&self, pos: Pos) -> usize {
        let lines = self.lines(pos.block);
        lines
            .iter()
            .rposition(|l| l.start <= pos.offset)
            .unwrap_or(0)
    }

    /// The caret's x for `pos`, in document coordinates.
    pub fn x_of(&self, doc: &Document, m: &mut dyn Measure, pos: Pos) -> i32 {
        let Some(line) = self.lines(pos.block).get(self.line_index(pos)) else {
            return MARGIN;
        };
        let text = doc.text(pos.block).unwrap_or("");
        MARGIN + m.width(&text[line.start..pos.offset.max(line.start)]) as i32
    }

    /// The caret's rectangle for `pos`, in document coordinates.
    pub fn caret(&self, doc: &Document, m: &mut dyn Measure, pos: Pos) -> Rect {
        let top = self
            .lines(pos.block)
            .get(self.line_index(pos))
            .map_or(MARGIN, |l| l.top);
        Rect::new(self.x_of(doc, m, pos), top, 2, self.line_h)
    }

    /// The offset on line `n` of paragraph `block` nearest to document x `x`.
    pub fn offset_at(
        &self,
        doc: &Document,
        m: &mut dyn Measure,
        block: usize,
        n: usize,
        x: i32,
    ) -> usize {
        let lines = self.lines(block);
        let Some(line) = lines.get(n) else { return 0 };
        let text = doc.text(block).unwrap_or("");
        let last = n + 1 == lines.len();
        // Boundaries on the line; a wrapped line's end is the next line's start, so the
        // caret stops before the line's last character (usually the space it broke at).
        let mut stops: Vec<usize> = text[line.start..line.end]
            .char_indices()
            .map(|(i, _)| line.start + i)
            .collect();
        if last || stops.is_empty() {
            stops.push(line.end);
        }
        let texts: Vec<&str> = stops.iter().map(|s| &text[line.start..*s]).collect();
        let widths = m.widths(&texts);
        let want = x - MARGIN;
        let best = (0..stops.len())
            .min_by_key(|i| (widths[*i] as i32 - want).abs())
            .unwrap_or(0);
        stops[best]
    }

    /// What is at document point `p`: the nearest place in the text, or a part.
    pub fn hit(&self, doc: &Document, m: &mut dyn Measure, p: Point) -> Hit {
        let i = self
            .boxes
            .iter()
            .position(|b| p.y < b.top + (b.height + GAP / 2) as i32)
            .unwrap_or(self.boxes.len().saturating_sub(1));
        match self.boxes.get(i).map(|b| &b.shape) {
            Some(Shape::Text(lines)) => {
                let top = self.boxes[i].top;
                let n = ((p.y - top).max(0) as u32 / self.line_h.max(1)) as usize;
                let n = n.min(lines.len().saturating_sub(1));
                Hit::Text(Pos::new(i, self.offset_at(doc, m, i, n, p.x)))
            }
            Some(Shape::Part(_)) => Hit::Part(i),
            None => Hit::Text(doc.start()),
        }
    }

    /// The position on the line above (`up`) or below `pos` nearest to x `x`, skipping
    /// parts; `pos` itself at the top or bottom of the document.
    pub fn vertical(&self, doc: &Document, m: &mut dyn Measure, pos: Pos, x: i32, up: bool) -> Pos {
        let n = self.line_index(pos);
        let count = self.lines(pos.block).len();
        if up && n > 0 {
            return Pos::new(pos.block, self.offset_at(doc, m, pos.block, n - 1, x));
        }
        if !up && n + 1 < count {
            return Pos::new(pos.block, self.offset_at(doc, m, pos.block, n + 1, x));
        }
        let next = if up {
            (0..pos.block).rev().find(|i| doc.text(*i).is_some())
        } else {
            (pos.block + 1..doc.blocks.len()).find(|i| doc.text(*i).is_some())
        };
        match next {
            Some(b) => {
                let line = if up {
                    self.lines(b).len().saturating_sub(1)
                } else {
                    0
                };
                Pos::new(b, self.offset_at(doc, m, b, line, x))
            }
            None => pos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Fixed;

    fn pieces<'a>(text: &'a str, lines: &[(usize, usize)]) -> Vec<&'a str> {
        lines.iter().map(|(s, e)| &text[*s..*e]).collect()
    }

    #[test]
    fn words_wrap_after_spaces_and_long_words_are_cut() {
        let t = "aaa bbb cc dddddddddddd e";
        let lines = wrap(t, &mut Fixed, 80);
        assert_eq!(pieces(t, &lines), ["aaa bbb ", "cc ", "dddddddd", "dddd e"]);
        assert_eq!(wrap("", &mut Fixed, 80), [(0, 0)]);
        assert_eq!(wrap("fits", &mut Fixed, 80), [(0, 4)]);
    }

    #[test]
    fn blocks_stack_and_points_hit_them() {
        let part = crate::model::Part::from_image(
            crate::model::PartKind::Drawing,
            image::RgbaImage::new(300, 50),
        );
        let doc = Document::from_blocks(vec![
            Block::Text("aaa bbb ccc".into()),
            Block::Part(part),
            Block::Text("x".into()),
        ]);
        // Column 100 (132 - 2 margins): 2 lines, the part shrunk to 100x17, 1 line.
        let l = layout(&doc, &mut Fixed, 132, |_| None);
        assert_eq!(l.boxes[0].top, MARGIN);
        assert_eq!(l.boxes[0].height, 40);
        assert_eq!(
            l.part_rect(1),
            Some(Rect::new(MARGIN, MARGIN + 50, 100, 17))
        );
        assert_eq!(l.boxes[2].top, MARGIN + 50 + 17 + GAP as i32);
        assert_eq!(l.height, (l.boxes[2].top + 20 + MARGIN) as u32);
        let big = layout(&doc, &mut Fixed, 132, |i| {
            (i == 1).then(|| Size::new(60, 90))
        });
        assert_eq!(
            big.part_rect(1),
            Some(Rect::new(MARGIN, MARGIN + 50, 60, 90))
        );

        let m = &mut Fixed;
        assert_eq!(
            l.hit(&doc, m, Point::new(MARGIN + 21, 20)),
            Hit::Text(Pos::new(0, 2))
        );
        assert_eq!(
            l.hit(&doc, m, Point::new(MARGIN + 500, 45)),
            Hit::Text(Pos::new(0, 11))
        );
        assert_eq!(l.hit(&doc, m, Point::new(30, 80)), Hit::Part(1));
        assert_eq!(
            l.hit(&doc, m, Point::new(MARGIN + 2, 900)),
            Hit::Text(Pos::new(2, 0))
        );
        let p = Pos::new(0, 9);
        assert_eq!(
            l.caret(&doc, m, p),
            Rect::new(MARGIN + 10, MARGIN + 20, 2, 20)
        );
        let x = l.x_of(&doc, m, p);
        assert_eq!(l.vertical(&doc, m, p, x, true), Pos::new(0, 1));
        assert_eq!(
            l.vertical(&doc, m, p, x, false),
            Pos::new(2, 1),
            "over the part"
        );
        assert_eq!(l.vertical(&doc, m, Pos::new(0, 1), x, true), Pos::new(0, 1));
    }
}
