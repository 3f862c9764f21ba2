//! [`TextEntry`]: one line of editable text.

use super::{baseline, metrics, press, theme};
use crate::window::Window;
use std::cell::{Cell, RefCell};
use yonder_fonts::Face;
use yonder_protocol::event::KeyEvent;
use yonder_protocol::{keysym, Drawable, Event, ModMask, Point, Rect};

/// Room between the entry's edge and its text.
const PAD: i32 = 6;

/// What a key did to an entry, for the app to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryEvent {
    /// Nothing the app needs to know (the caret or selection may have moved: redraw).
    Moved,
    /// The text changed.
    Edited,
    /// Return: the user is done with the text.
    Submit,
    /// Ctrl+C or Ctrl+X: put this text on the clipboard (Ctrl+X removed it already).
    Copy(String),
    /// Ctrl+V: ask the clipboard for text and give it to [`TextEntry::insert`].
    Paste,
    /// The key is not the entry's (Tab, Escape, function keys...).
    Ignored,
}

/// One line of editable text with a caret and a selection.
///
/// Positions are in characters (not bytes). Keys: the arrows, Home and End move the
/// caret (with Shift they extend the selection), Backspace and Delete remove, Ctrl+A
/// selects everything, Ctrl+C, Ctrl+X and Ctrl+V go through the app's clipboard
/// ([`EntryEvent`]), Return submits; button 1 places the caret and a drag selects.
#[derive(Debug, Clone, Default)]
pub struct TextEntry {
    /// Where it is.
    pub rect: Rect,
    text: String,
    caret: usize,
    /// The other end of the selection (equal to `caret`: none).
    anchor: usize,
    /// Pixels of text scrolled out at the left (set again when drawn, by the display's
    /// measures).
    scroll: Cell<i32>,
    /// Button 1 went down in the entry and is held: motion selects.
    dragging: bool,
    /// The carets of the text last drawn, as the display measured them: what a click
    /// and the scrolling go by while the text is the same (on a display whose fonts are
    /// not the toolkit's, they are the server's).
    drawn: RefCell<Option<(String, Vec<i32>)>>,
}

impl TextEntry {
    /// An empty entry.
    pub fn new() -> TextEntry {
        TextEntry::default()
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the text; the caret goes to its end.
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.caret = self.chars();
        self.anchor = self.caret;
        self.follow_caret();
    }

    /// The caret's position, in characters.
    pub fn caret(&self) -> usize {
        self.caret
    }

    /// The selected text, if any.
    pub fn selection(&self) -> Option<String> {
        let (a, b) = self.range();
        (a < b).then(|| self.text.chars().skip(a).take(b - a).collect())
    }

    /// Puts `s` in place of the selection (at the caret when none), as typing or a paste
    /// does. Line breaks and other control characters become spaces.
    pub fn insert(&mut self, s: &str) {
        self.delete_selection();
        let clean: String = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let at = self.byte(self.caret);
        self.text.insert_str(at, &clean);
        self.caret += clean.chars().count();
        self.anchor = self.caret;
        self.follow_caret();
    }

    /// Takes a key press.
    pub fn key(&mut self, k: &KeyEvent) -> EntryEvent {
        let shift = k.modifiers.contains(ModMask::SHIFT);
        let end = self.chars();
        match (k.shortcut(), k.keysym) {
            (Some('a'), _) => {
                (self.anchor, self.caret) = (0, end);
            }
            (Some('c'), _) => return self.selection().map_or(EntryEvent::Moved, EntryEvent::Copy),
            (Some('x'), _) => {
                let Some(cut) = self.selection() else {
                    return EntryEvent::Moved;
                };
                self.delete_selection();
                self.follow_caret();
                return EntryEvent::Copy(cut);
            }
            (Some('v'), _) => return EntryEvent::Paste,
            (_, keysym::LEFT) => self.move_to(self.caret.saturating_sub(1), shift),
            (_, keysym::RIGHT) => self.move_to((self.caret + 1).min(end), shift),
            (_, keysym::HOME) => self.move_to(0, shift),
            (_, keysym::END) => self.move_to(end, shift),
            (_, keysym::BACKSPACE | keysym::DELETE) => {
                if self.selection().is_none() {
                    let (a, b) = match k.keysym {
                        keysym::BACKSPACE => (self.caret.saturating_sub(1), self.caret),
                        _ => (self.caret, (self.caret + 1).min(end)),
                    };
                    (self.anchor, self.caret) = (a, b);
                }
                let changed = self.delete_selection();
                self.follow_caret();
                return if changed {
                    EntryEvent::Edited
                } else {
                    EntryEvent::Moved
                };
            }
            (_, keysym::RETURN) => return EntryEvent::Submit,
            _ if !k.typed().is_empty() => {
                self.insert(k.typed());
                return EntryEvent::Edited;
            }
            _ => return EntryEvent::Ignored,
        }
        self.follow_caret();
        EntryEvent::Moved
    }

    /// Takes a pointer event: a press of button 1 in the entry puts the caret under the
    /// pointer (with Shift held, extends the selection there), motion with the button
    /// held selects. True when the entry took it (the app gives it the keyboard).
    pub fn pointer(&mut self, e: &Event) -> bool {
        match e {
            _ if press(e).is_some_and(|p| self.rect.contains(p)) => {
                let Event::ButtonPress(b) = e else {
                    return false;
                };
                let at = self.index_at(b.x);
                self.move_to(at, b.modifiers.contains(ModMask::SHIFT));
                self.dragging = true;
                true
            }
            Event::Motion(m) if self.dragging => {
                let at = self.index_at(m.x);
                self.move_to(at, true);
                self.follow_caret();
                true
            }
            Event::ButtonRelease(b) if b.button == 1 => std::mem::take(&mut self.dragging),
            _ => false,
        }
    }

    /// Draws the entry into `d`: its field, the selection, the visible part of the text,
    /// and (when `focused`, i.e. it has the keyboard) the caret and an accent outline.
    pub fn draw(&self, win: &Window, d: Drawable, focused: bool) {
        let r = self.rect;
        win.fill(d, theme::FIELD, &[r]);
        let carets = win.carets_in(Face::Sans, theme::TEXT_PX, &self.text);
        self.scroll.set(self.scrolled(&carets));
        let x0 = r.x + PAD - self.scroll.get();
        // Text, selection and caret are clipped to the field, inside its outline.
        let inner = Rect::new(
            r.x + 2,
            r.y + 2,
            r.width.saturating_sub(4),
            r.height.saturating_sub(4),
        );
        win.clip(Some(inner));
        let (a, b) = self.range();
        if a < b {
            let (l, rr) = (x0 + carets[a], x0 + carets[b]);
            win.fill(
                d,
                theme::SELECTION,
                &[Rect::new(l, inner.y, (rr - l).max(0) as u32, inner.height)],
            );
        }
        win.text(
            d,
            Point::new(x0, baseline(win, r)),
            theme::TEXT_PX,
            theme::INK,
            &self.text,
        );
        if focused {
            let x = x0 + carets[self.caret.min(carets.len() - 1)];
            win.fill(
                d,
                theme::ACCENT,
                &[Rect::new(x, inner.y + 2, 2, inner.height.saturating_sub(4))],
            );
        }
        win.clip(None);
        let (rim, width) = match focused {
            true => (theme::ACCENT, 2),
            false => (theme::RIM, 1),
        };
        win.outline(d, rim, r, width);
        *self.drawn.borrow_mut() = Some((self.text.clone(), carets));
    }

    fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// The byte offset of character `i`.
    fn byte(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// The selection as `start..end` in characters.
    fn range(&self) -> (usize, usize) {
        (self.caret.min(self.anchor), self.caret.max(self.anchor))
    }

    fn move_to(&mut self, at: usize, extend: bool) {
        self.caret = at;
        if !extend {
            self.anchor = at;
        }
    }

    /// Removes the selected text; true when there was some.
    fn delete_selection(&mut self) -> bool {
        let (a, b) = self.range();
        if a == b {
            return false;
        }
        let (ba, bb) = (self.byte(a), self.byte(b));
        self.text.replace_range(ba..bb, "");
        (self.caret, self.anchor) = (a, a);
        true
    }

    /// The caret positions: as last drawn while the text is the same, else by the
    /// toolkit's metrics (until the next draw measures it on the display).
    fn carets(&self) -> Vec<i32> {
        if let Some((text, carets)) = &*self.drawn.borrow() {
            if *text == self.text {
                return carets.clone();
            }
        }
        metrics().map_or_else(
            || vec![0; self.chars() + 1],
            |m| m.carets(theme::TEXT_PX, &self.text),
        )
    }

    /// The caret position nearest to window x `x`.
    fn index_at(&self, x: i32) -> usize {
        let at = x - (self.rect.x + PAD - self.scroll.get());
        let carets = self.carets();
        (0..carets.len())
            .min_by_key(|&i| (carets[i] - at).abs())
            .unwrap_or(0)
    }

    /// Scrolls so that the caret is inside the field.
    fn follow_caret(&mut self) {
        let scroll = self.scrolled(&self.carets());
        self.scroll.set(scroll);
    }

    /// The scroll that shows the caret with `carets` (the least change from the current
    /// one), and no more than the text's end past the field's right side.
    fn scrolled(&self, carets: &[i32]) -> i32 {
        let mut scroll = self.scroll.get();
        let x = carets[self.caret.min(carets.len() - 1)];
        let room = (self.rect.width as i32 - 2 * PAD).max(1);
        if x - scroll > room {
            scroll = x - room;
        } else if x < scroll {
            scroll = x;
        }
        let width = carets.last().copied().unwrap_or(0);
        scroll.min((width - room).max(0)).max(0)
    }
}
