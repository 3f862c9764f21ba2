//! [`Clipboard`]: copy and paste through the `CLIPBOARD` selection, with text and PNG
//! images, on top of [`crate::transfer`]: owning the selection and answering its
//! requests (`TARGETS` included), asking for its content and collecting the chunks, and
//! letting go when another app copies.

use crate::transfer::{Offer, Receiver};
use yonder::prelude::*;
use yonder_protocol::event::SelectionRequestEvent;

/// What a paste brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pasted {
    /// Text (`text/plain;charset=utf-8`, or X's `UTF8_STRING`).
    Text(String),
    /// A PNG file's bytes (`image/png`).
    Png(Vec<u8>),
}

/// The clipboard of one window of the app.
pub struct Clipboard {
    window: WindowId,
    /// What the app offers while it owns `CLIPBOARD`.
    offer: Option<Offer>,
    receiver: Receiver,
    /// The paste under way: its tag.
    paste: Option<u32>,
}

impl Clipboard {
    /// The clipboard as seen from `window` (which owns the selection when the app
    /// copies, and receives what it pastes).
    pub fn new(window: WindowId) -> Clipboard {
        Clipboard {
            window,
            offer: None,
            receiver: Receiver::new(),
            paste: None,
        }
    }

    /// Copies `text`: the app owns `CLIPBOARD` and offers it as UTF-8 text.
    pub fn copy_text(&mut self, conn: &Connection, text: &str) {
        let offer = Offer::new()
            .with_bytes(atoms::TEXT_PLAIN_UTF8, text.as_bytes())
            .with_bytes(atoms::UTF8_STRING, text.as_bytes());
        self.own(conn, offer);
    }

    /// Copies an image, as the bytes of a PNG file.
    pub fn copy_png(&mut self, conn: &Connection, png: Vec<u8>) {
        self.own(conn, Offer::new().with_bytes(atoms::IMAGE_PNG, png));
    }

    /// Copies whatever `offer` offers (several types, values made when asked).
    pub fn own(&mut self, conn: &Connection, offer: Offer) {
        self.offer = Some(offer);
        conn.set_selection_owner(atoms::CLIPBOARD, self.window, Default::default());
        let _ = conn.flush();
    }

    /// Whether this app owns the clipboard now.
    pub fn owns(&self) -> bool {
        self.offer.is_some()
    }

    /// Asks for the clipboard's text; it comes from [`Clipboard::event`] as
    /// [`Pasted::Text`] (nothing comes when the clipboard holds no text).
    pub fn paste_text(&mut self, conn: &Connection) {
        self.ask(conn, atoms::TEXT_PLAIN_UTF8);
    }

    /// Asks for the clipboard's image; it comes as [`Pasted::Png`].
    pub fn paste_png(&mut self, conn: &Connection) {
        self.ask(conn, atoms::IMAGE_PNG);
    }

    fn ask(&mut self, conn: &Connection, type_: Atom) {
        let tag = self
            .receiver
            .request(conn, atoms::CLIPBOARD, type_, self.window);
        self.paste = Some(tag);
        let _ = conn.flush();
    }

    /// Takes the clipboard's events: answers requests for what the app copied, lets go
    /// when another app copies, and returns a paste once all of it has arrived. Other
    /// events are left alone (`None`).
    pub fn event(&mut self, conn: &Connection, e: &Event) -> Option<Pasted> {
        match e {
            Event::SelectionRequest(r) if r.selection == atoms::CLIPBOARD => {
                self.answer(conn, r);
                None
            }
            Event::SelectionClear(c) if c.selection == atoms::CLIPBOARD => {
                self.offer = None;
                None
            }
            Event::SelectionData(s) if s.requestor == self.window => {
                let got = self.receiver.take(s)?;
                if self.paste != Some(got.tag) {
                    return None;
                }
                self.paste = None;
                let data = got.data?;
                match got.target {
                    atoms::IMAGE_PNG => Some(Pasted::Png(data)),
                    _ => String::from_utf8(data).ok().map(Pasted::Text),
                }
            }
            _ => None,
        }
    }

    fn answer(&mut self, conn: &Connection, r: &SelectionRequestEvent) {
        match &mut self.offer {
            Some(offer) => offer.answer(conn, r),
            None => {
                conn.refuse_selection(r.transfer);
            }
        }
        let _ = conn.flush();
    }
}
