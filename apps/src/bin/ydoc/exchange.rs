//! Data coming in and going out: the clipboard (the toolkit's [`Clipboard`]: Ctrl+C
//! copies the selected text, Ctrl+V pastes text) and drops on the window (`image/png`, `text/uri-list` naming a PNG or JPEG file, and
//! `text/plain;charset=utf-8`, taken with Copy), on top of the shared helpers of
//! [`yonder_toolkit::transfer`]. What arrives is handed to the app as [`Incoming`]; where it
//! goes in the document is the app's decision.

use crate::model::{Part, PartKind};
use yonder::{Connection, ReplyError};
use yonder_protocol::request::DndAction;
use yonder_protocol::{atoms, Event, Point, WindowId};
use yonder_toolkit::transfer::{decode_uri_list, DropTarget};
use yonder_toolkit::{Clipboard, Pasted};

/// Something that arrived for the document.
#[derive(Debug)]
pub enum Incoming {
    /// The clipboard's text, for the caret.
    Paste(String),
    /// Text dropped at a window point.
    DroppedText(Point, String),
    /// A picture dropped at a window point.
    DroppedPicture(Point, Part),
}

/// The clipboard and drop-target side of one document window.
pub struct Exchange {
    clipboard: Clipboard,
    drops: DropTarget,
}

/// Types a drop is taken in, best first.
const DROP_TYPES: [yonder_protocol::Atom; 3] = [
    atoms::IMAGE_PNG,
    atoms::TEXT_URI_LIST,
    atoms::TEXT_PLAIN_UTF8,
];

impl Exchange {
    /// Makes `window` a drop target (a round trip) and readies the clipboard.
    pub fn new(conn: &Connection, window: WindowId) -> Result<Exchange, ReplyError> {
        let drops = DropTarget::new(conn, window, &DROP_TYPES, &[DndAction::Copy])?;
        Ok(Exchange {
            clipboard: Clipboard::new(window),
            drops,
        })
    }

    /// Ctrl+C: copies `text`.
    pub fn copy(&mut self, conn: &Connection, text: String) {
        self.clipboard.copy_text(conn, &text);
    }

    /// Ctrl+V: asks for the clipboard's text; it arrives as [`Incoming::Paste`].
    pub fn paste(&mut self, conn: &Connection) {
        self.clipboard.paste_text(conn);
    }

    /// Takes the events of the clipboard and of drops; true when `e` was one of them.
    /// Whatever arrived complete is pushed on `out`.
    pub fn handle(&mut self, conn: &Connection, e: &Event, out: &mut Vec<Incoming>) -> bool {
        let taken = self
            .drops
            .handle(conn, e, |d| match accept_drop(d.type_, d.data) {
                Some(Dropped::Text(t)) => {
                    out.push(Incoming::DroppedText(d.at, t));
                    true
                }
                Some(Dropped::Picture(p)) => {
                    out.push(Incoming::DroppedPicture(d.at, p));
                    true
                }
                None => false,
            });
        if taken.is_some() {
            return true;
        }
        let clipboard_event = matches!(
            e,
            Event::SelectionRequest(_) | Event::SelectionClear(_) | Event::SelectionData(_)
        );
        if let Some(Pasted::Text(text)) = self.clipboard.event(conn, e) {
            out.push(Incoming::Paste(text));
        }
        clipboard_event
    }
}

/// What a drop's data becomes.
enum Dropped {
    Text(String),
    Picture(Part),
}

/// Reads a drop's data; `None` when it is not usable (not UTF-8, not a picture, a URI
/// list naming no readable picture file), so the drop is reported failed.
fn accept_drop(type_: yonder_protocol::Atom, data: &[u8]) -> Option<Dropped> {
    let picture = |bytes: Vec<u8>| Part::from_png(PartKind::Image, bytes).ok();
    match type_ {
        atoms::IMAGE_PNG => picture(data.to_vec()).map(Dropped::Picture),
        atoms::TEXT_URI_LIST => decode_uri_list(data)
            .into_iter()
            .find_map(|path| std::fs::read(path).ok().and_then(picture))
            .map(Dropped::Picture),
        atoms::TEXT_PLAIN_UTF8 => String::from_utf8(data.to_vec()).ok().map(Dropped::Text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([1, 2, 3, 255]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn drops_become_text_or_pictures() {
        let Some(Dropped::Text(t)) = accept_drop(atoms::TEXT_PLAIN_UTF8, "hé".as_bytes()) else {
            panic!("text")
        };
        assert_eq!(t, "hé");
        let Some(Dropped::Picture(p)) = accept_drop(atoms::IMAGE_PNG, &png(5, 4)) else {
            panic!("picture")
        };
        assert_eq!(p.size(), (5, 4));
        assert!(accept_drop(atoms::IMAGE_PNG, b"nope").is_none());

        // A JPEG file by URI is decoded and kept as PNG.
        let dir = tempfile::tempdir().unwrap();
        let jpeg = dir.path().join("a photo.jpg");
        image::RgbImage::from_pixel(8, 6, image::Rgb([200, 20, 20]))
            .save(&jpeg)
            .unwrap();
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a picture").unwrap();
        let list = yonder_toolkit::transfer::encode_uri_list(&[&text, &jpeg]);
        let Some(Dropped::Picture(p)) = accept_drop(atoms::TEXT_URI_LIST, list.as_bytes()) else {
            panic!("picture from a file")
        };
        assert_eq!(p.size(), (8, 6));
        assert_eq!(
            image::guess_format(&p.png).ok(),
            Some(image::ImageFormat::Png)
        );
        let only_text = yonder_toolkit::transfer::encode_uri_list(&[&text]);
        assert!(accept_drop(atoms::TEXT_URI_LIST, only_text.as_bytes()).is_none());
    }
}
