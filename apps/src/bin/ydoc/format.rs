//! The `.ydoc` file format: a first line naming the format, then one record per block,
//! top to bottom. Each record is a header line — the block's kind and the byte length of
//! its content, in decimal — the content itself, and a line feed:
//!
//! ```text
//! ydoc 1\n
//! text 11\n
//! Hello world\n
//! drawing 1234\n
//! <1234 bytes of PNG>\n
//! image 5678\n
//! <5678 bytes of PNG>\n
//! ```
//!
//! | kind | content |
//! |---|---|
//! | `text` | a paragraph, UTF-8, without line breaks |
//! | `image` | a picture that came from elsewhere, as a PNG file |
//! | `drawing` | a picture drawn with ypaint (edited in place on a double click), PNG |
//!
//! Lengths make the format binary-safe without escaping, while text stays readable with
//! `less`. A reader skips records of kinds it does not know (their length says how far),
//! so later versions can add kinds; a different first line is refused.

use crate::model::{Block, Document, Part, PartKind};
use std::path::Path;

/// The first line.
pub const MAGIC: &str = "ydoc 1";

/// The file's bytes for `doc`.
pub fn write(doc: &Document) -> Vec<u8> {
    let mut out = format!("{MAGIC}\n").into_bytes();
    for b in &doc.blocks {
        let (kind, bytes): (&str, &[u8]) = match b {
            Block::Text(t) => ("text", t.as_bytes()),
            Block::Part(p) => match p.kind {
                PartKind::Image => ("image", &p.png),
                PartKind::Drawing => ("drawing", &p.png),
            },
        };
        out.extend_from_slice(format!("{kind} {}\n", bytes.len()).as_bytes());
        out.extend_from_slice(bytes);
        out.push(b'\n');
    }
    out
}

/// Reads a document from the file's bytes. The error says what is wrong and where.
pub fn read(bytes: &[u8]) -> Result<Document, String> {
    let mut rest = bytes;
    let magic = line(&mut rest).ok_or("empty file")?;
    if magic != MAGIC.as_bytes() {
        return Err(format!(
            "not a ydoc file (first line {:?}, not {MAGIC:?})",
            String::from_utf8_lossy(&magic[..magic.len().min(40)])
        ));
    }
    let mut blocks = Vec::new();
    while !rest.is_empty() {
        let at = bytes.len() - rest.len();
        let header = line(&mut rest).ok_or_else(|| format!("byte {at}: unfinished header"))?;
        let header = std::str::from_utf8(header).map_err(|_| format!("byte {at}: bad header"))?;
        let (kind, len) = header
            .split_once(' ')
            .and_then(|(k, n)| Some((k, n.parse::<usize>().ok()?)))
            .ok_or_else(|| format!("byte {at}: bad header {header:?}"))?;
        if rest.len() < len + 1 || rest[len] != b'\n' {
            return Err(format!("byte {at}: {kind} record cut short"));
        }
        let (content, after) = rest.split_at(len);
        rest = &after[1..];
        let block = match kind {
            "text" => Block::Text(
                String::from_utf8(content.to_vec())
                    .map_err(|_| format!("byte {at}: text is not UTF-8"))?,
            ),
            "image" | "drawing" => {
                let kind = if kind == "image" {
                    PartKind::Image
                } else {
                    PartKind::Drawing
                };
                let part = Part::from_png(kind, content.to_vec())
                    .map_err(|e| format!("byte {at}: bad picture: {e}"))?;
                Block::Part(part)
            }
            _ => continue, // a later version's kind: skipped
        };
        blocks.push(block);
    }
    Ok(Document::from_blocks(blocks))
}

/// Takes one line (without its `\n`) off the front of `rest`.
fn line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let end = rest.iter().position(|b| *b == b'\n')?;
    let l = &rest[..end];
    *rest = &rest[end + 1..];
    Some(l)
}

/// Loads the file at `path`.
pub fn load(path: &Path) -> Result<Document, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Saves `doc` to `path` through a temporary file and a rename, so the file is never
/// seen half written.
pub fn save(path: &Path, doc: &Document) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, write(doc)).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn documents_round_trip() {
        let pic = RgbaImage::from_pixel(4, 3, Rgba([200, 10, 10, 255]));
        let doc = Document::from_blocks(vec![
            Block::Text("Hello world".into()),
            Block::Part(Part::from_image(PartKind::Drawing, pic.clone())),
            Block::Text("".into()),
            Block::Part(Part::from_image(PartKind::Image, pic)),
            Block::Text("héllo\u{1F600}".into()),
        ]);
        let bytes = write(&doc);
        assert!(bytes.starts_with(b"ydoc 1\ntext 11\nHello world\ndrawing "));
        let back = read(&bytes).expect("reads");
        assert_eq!(back.blocks.len(), 5);
        assert_eq!(back.text(0), Some("Hello world"));
        assert_eq!(back.text(4), Some("héllo\u{1F600}"));
        let p = back.part(1).expect("a part");
        assert_eq!((p.kind, p.size()), (PartKind::Drawing, (4, 3)));
        assert_eq!(p.pixels.get_pixel(3, 2), &Rgba([200, 10, 10, 255]));
        assert_eq!(back.part(3).map(|p| p.kind), Some(PartKind::Image));
        assert_eq!(write(&back), bytes, "the same bytes again");
    }

    #[test]
    fn unknown_kinds_are_skipped_and_damage_is_reported() {
        let doc = read(b"ydoc 1\nvideo 3\nabc\ntext 2\nhi\n").expect("reads");
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(doc.text(0), Some("hi"));
        assert!(read(b"ydoc 2\n").unwrap_err().contains("not a ydoc file"));
        assert!(read(b"ydoc 1\ntext 5\nhi\n")
            .unwrap_err()
            .contains("cut short"));
        assert!(read(b"ydoc 1\ntext x\n")
            .unwrap_err()
            .contains("bad header"));
        assert!(read(b"ydoc 1\nimage 2\nhi\n")
            .unwrap_err()
            .contains("bad picture"));
        assert_eq!(read(b"ydoc 1\n").unwrap().text(0), Some(""), "empty");
    }
}
