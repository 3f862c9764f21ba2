//! The document: a vertical flow of blocks, each a paragraph of text or an embedded part
//! (a picture kept as PNG bytes, with its decoded pixels). Positions in it, and the edits
//! the editor makes: inserting and deleting text across paragraphs, splitting and joining
//! paragraphs, adding and removing parts. No I/O and nothing of the screen here.
//!
//! The document always holds at least one paragraph, so there is somewhere to type.

use image::RgbaImage;
use std::sync::atomic::{AtomicU64, Ordering};

/// What kind of picture a part is; both are PNG bytes, but a drawing is what the user
/// made with ypaint, an image what was dropped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A picture that came from elsewhere (a drop).
    Image,
    /// A picture drawn in place with ypaint.
    Drawing,
}

/// Each part's content has its own number: a new picture gets a new one, so the screen
/// side can cache what it sent to the server by it.
static NEXT_CONTENT: AtomicU64 = AtomicU64::new(1);

/// An embedded picture.
#[derive(Clone)]
pub struct Part {
    /// Image or drawing.
    pub kind: PartKind,
    /// The picture as PNG (what the file keeps).
    pub png: Vec<u8>,
    /// The same, decoded.
    pub pixels: RgbaImage,
    /// Number of this content, unique in the process.
    pub content: u64,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.pixels.dimensions();
        write!(
            f,
            "Part({:?}, {w}x{h}, {} bytes)",
            self.kind,
            self.png.len()
        )
    }
}

impl Part {
    /// A part from PNG bytes (anything the image crate decodes is accepted, and kept as
    /// given when it is PNG, re-encoded as PNG otherwise).
    pub fn from_png(kind: PartKind, png: Vec<u8>) -> Result<Part, String> {
        let img = image::load_from_memory(&png).map_err(|e| e.to_string())?;
        if image::guess_format(&png).ok() != Some(image::ImageFormat::Png) {
            return Ok(Part::from_image(kind, img.to_rgba8()));
        }
        Ok(Part {
            kind,
            png,
            pixels: img.to_rgba8(),
            content: NEXT_CONTENT.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// A part from pixels (encoded as PNG here).
    pub fn from_image(kind: PartKind, pixels: RgbaImage) -> Part {
        let mut png = Vec::new();
        pixels
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encoding PNG in memory cannot fail");
        Part {
            kind,
            png,
            pixels,
            content: NEXT_CONTENT.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The picture's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.pixels.dimensions()
    }
}

/// One block of the flow.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph (no line breaks inside: Return makes two paragraphs).
    Text(String),
    /// An embedded picture.
    Part(Part),
}

/// A place in the text: a paragraph's index among the blocks and a byte offset in it (on
/// a character boundary). Ordered as in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Index of a [`Block::Text`].
    pub block: usize,
    /// Byte offset in its text.
    pub offset: usize,
}

impl Pos {
    /// A position.
    pub fn new(block: usize, offset: usize) -> Pos {
        Pos { block, offset }
    }
}

/// The blocks.
#[derive(Debug, Clone)]
pub struct Document {
    /// Top to bottom.
    pub blocks: Vec<Block>,
}

impl Default for Document {
    fn default() -> Document {
        Document::from_blocks(Vec::new())
    }
}

impl Document {
    /// A document of `blocks`, with an empty paragraph added at the end when none is a
    /// paragraph.
    pub fn from_blocks(mut blocks: Vec<Block>) -> Document {
        if !blocks.iter().any(|b| matches!(b, Block::Text(_))) {
            blocks.push(Block::Text(String::new()));
        }
        Document { blocks }
    }

    /// The text of block `i`, if it is a paragraph.
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.blocks.get(i) {
            Some(Block::Text(t)) => Some(t),
            _ => None,
        }
    }

    fn text_mut(&mut self, i: usize) -> &mut String {
        match &mut self.blocks[i] {
            Block::Text(t) => t,
            Block::Part(_) => panic!("block {i} is not a paragraph"),
        }
    }

    /// The part at block `i`, if it is one.
    pub fn part(&self, i: usize) -> Option<&Part> {
        match self.blocks.get(i) {
            Some(Block::Part(p)) => Some(p),
            _ => None,
        }
    }

    /// The first paragraph at `i` or after it, else the last one before it.
    pub fn paragraph_near(&self, i: usize) -> usize {
        let is_text = |j: &usize| self.text(*j).is_some();
        (i..self.blocks.len())
            .find(is_text)
            .or_else(|| (0..i.min(self.blocks.len())).rev().find(is_text))
            .expect("a document always has a paragraph")
    }

    /// The start of the document.
    pub fn start(&self) -> Pos {
        Pos::new(self.paragraph_near(0), 0)
    }

    /// Inserts `s` at `at`; each line break (LF, CRLF or CR) starts a new paragraph.
    /// Returns the position just after the inserted text.
    pub fn insert_text(&mut self, at: Pos, s: &str) -> Pos {
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        let mut pieces = s.split('\n');
        let first = pieces.next().unwrap_or("");
        let text = self.text_mut(at.block);
        let tail = text.split_off(at.offset);
        text.push_str(first);
        let mut pos = Pos::new(at.block, text.len());
        for piece in pieces {
            pos = Pos::new(pos.block + 1, piece.len());
            self.blocks.insert(pos.block, Block::Text(piece.to_owned()));
        }
        self.text_mut(pos.block).push_str(&tail);
        pos
    }

    /// Deletes from `a` to `b` (in either order): the text between them, and the blocks
    /// wholly between their paragraphs, parts included. Returns where the caret goes.
    pub fn delete(&mut self, a: Pos, b: Pos) -> Pos {
        let (a, b) = (a.min(b), a.max(b));
        if a.block == b.block {
            self.text_mut(a.block).replace_range(a.offset..b.offset, "");
            return a;
        }
        let tail = self.text(b.block).expect("a paragraph")[b.offset..].to_owned();
        self.blocks.drain(a.block + 1..=b.block);
        let text = self.text_mut(a.block);
        text.truncate(a.offset);
        text.push_str(&tail);
        a
    }

    /// The text from `a` to `b` (in either order), paragraphs separated by `\n`, parts
    /// left out.
    pub fn text_between(&self, a: Pos, b: Pos) -> String {
        let (a, b) = (a.min(b), a.max(b));
        let mut out = Vec::new();
        for i in a.block..=b.block {
            let Some(t) = self.text(i) else { continue };
            let from = if i == a.block { a.offset } else { 0 };
            let to = if i == b.block { b.offset } else { t.len() };
            out.push(&t[from..to]);
        }
        out.join("\n")
    }

    /// Backspace at `at` with nothing selected: the character before it, or the end of
    /// the block above (a paragraph joins this one; a part is removed).
    pub fn backspace(&mut self, at: Pos) -> Pos {
        let text = self.text(at.block).expect("a paragraph");
        if let Some((i, _)) = text[..at.offset].char_indices().next_back() {
            return self.delete(Pos::new(at.block, i), at);
        }
        match at.block.checked_sub(1).map(|i| &self.blocks[i]) {
            Some(Block::Text(t)) => {
                let end = Pos::new(at.block - 1, t.len());
                self.delete(end, at)
            }
            Some(Block::Part(_)) => {
                self.blocks.remove(at.block - 1);
                Pos::new(at.block - 1, 0)
            }
            None => at,
        }
    }

    /// Delete at `at` with nothing selected: the character after it, or the start of the
    /// block below (a paragraph joins this one; a part is removed).
    pub fn delete_forward(&mut self, at: Pos) -> Pos {
        let text = self.text(at.block).expect("a paragraph");
        if let Some(c) = text[at.offset..].chars().next() {
            return self.delete(at, Pos::new(at.block, at.offset + c.len_utf8()));
        }
        match self.blocks.get(at.block + 1) {
            Some(Block::Text(_)) => self.delete(at, Pos::new(at.block + 1, 0)),
            Some(Block::Part(_)) => {
                self.blocks.remove(at.block + 1);
                at
            }
            None => at,
        }
    }

    /// Inserts `part` after block `after` (at the top when `None`); an empty paragraph
    /// follows it when no paragraph did, so there is a place to type below it. Returns
    /// the part's index.
    pub fn insert_part(&mut self, after: Option<usize>, part: Part) -> usize {
        let i = after.map_or(0, |a| a + 1).min(self.blocks.len());
        self.blocks.insert(i, Block::Part(part));
        if self.text(i + 1).is_none() {
            self.blocks.insert(i + 1, Block::Text(String::new()));
        }
        i
    }

    /// Removes block `i` (keeping a paragraph in the document).
    pub fn remove(&mut self, i: usize) {
        self.blocks.remove(i);
        if !self.blocks.iter().any(|b| matches!(b, Block::Text(_))) {
            self.blocks.push(Block::Text(String::new()));
        }
    }

    /// The position one character left of `at`, crossing into the paragraph above (over
    /// parts) at its start.
    pub fn left(&self, at: Pos) -> Pos {
        let text = self.text(at.block).expect("a paragraph");
        if let Some((i, _)) = text[..at.offset].char_indices().next_back() {
            return Pos::new(at.block, i);
        }
        (0..at.block)
            .rev()
            .find_map(|i| self.text(i).map(|t| Pos::new(i, t.len())))
            .unwrap_or(at)
    }

    /// The position one character right of `at`, crossing into the paragraph below.
    pub fn right(&self, at: Pos) -> Pos {
        let text = self.text(at.block).expect("a paragraph");
        if let Some(c) = text[at.offset..].chars().next() {
            return Pos::new(at.block, at.offset + c.len_utf8());
        }
        (at.block + 1..self.blocks.len())
            .find(|i| self.text(*i).is_some())
            .map_or(at, |i| Pos::new(i, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paragraphs: &[&str]) -> Document {
        Document::from_blocks(
            paragraphs
                .iter()
                .map(|p| Block::Text(p.to_string()))
                .collect(),
        )
    }

    fn texts(d: &Document) -> Vec<String> {
        d.blocks
            .iter()
            .map(|b| match b {
                Block::Text(t) => t.clone(),
                Block::Part(_) => "[part]".into(),
            })
            .collect()
    }

    fn picture() -> Part {
        Part::from_image(PartKind::Image, RgbaImage::new(3, 2))
    }

    #[test]
    fn inserting_lines_makes_paragraphs() {
        let mut d = doc(&["hello world"]);
        let end = d.insert_text(Pos::new(0, 5), ",\r\nnew\nline");
        assert_eq!(texts(&d), ["hello,", "new", "line world"]);
        assert_eq!(end, Pos::new(2, 4));
        assert_eq!(d.text_between(Pos::new(0, 3), end), "lo,\nnew\nline");
    }

    #[test]
    fn deleting_across_paragraphs_and_parts_joins() {
        let mut d = doc(&["one", "two", "three"]);
        d.insert_part(Some(0), picture());
        assert_eq!(texts(&d), ["one", "[part]", "two", "three"]);
        let at = d.delete(Pos::new(2, 3), Pos::new(0, 1));
        assert_eq!(
            (texts(&d), at),
            (vec!["o".into(), "three".into()], Pos::new(0, 1))
        );
    }

    #[test]
    fn backspace_and_delete_cross_blocks() {
        let mut d = doc(&["ab", "cd"]);
        let at = d.backspace(Pos::new(1, 0));
        assert_eq!((texts(&d), at), (vec!["abcd".into()], Pos::new(0, 2)));
        d.insert_part(Some(0), picture());
        assert_eq!(texts(&d), ["abcd", "[part]", ""]);
        let at = d.backspace(Pos::new(2, 0));
        assert_eq!(
            (texts(&d), at),
            (vec!["abcd".into(), "".into()], Pos::new(1, 0))
        );
        let at = d.delete_forward(Pos::new(0, 4));
        assert_eq!((texts(&d), at), (vec!["abcd".into()], Pos::new(0, 4)));
        assert_eq!(
            d.backspace(Pos::new(0, 0)),
            Pos::new(0, 0),
            "nothing before"
        );
    }

    #[test]
    fn arrows_step_over_parts_and_characters() {
        let mut d = doc(&["é", "x"]);
        d.insert_part(Some(0), picture());
        assert_eq!(d.right(Pos::new(0, 0)), Pos::new(0, 2), "é is two bytes");
        assert_eq!(d.right(Pos::new(0, 2)), Pos::new(2, 0), "over the part");
        assert_eq!(d.left(Pos::new(2, 0)), Pos::new(0, 2));
        assert_eq!(d.left(Pos::new(0, 0)), Pos::new(0, 0));
    }

    #[test]
    fn a_document_keeps_a_paragraph() {
        let mut d = Document::from_blocks(vec![Block::Part(picture())]);
        assert_eq!(texts(&d), ["[part]", ""]);
        d.remove(1);
        assert_eq!(texts(&d), ["[part]", ""]);
        assert_eq!(d.paragraph_near(0), 1);
        let i = d.insert_part(None, picture());
        assert_eq!(texts(&d), ["[part]", "", "[part]", ""]);
        assert_eq!(i, 0);
    }
}
