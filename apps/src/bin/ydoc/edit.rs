//! Editing: the caret, the selection and the picked part, and what keys and the mouse do
//! to them and to the document. Commands that reach outside the document (save, copy,
//! paste) come back as an [`Effect`] for the app to carry out.
//!
//! | key | does |
//! |---|---|
//! | text | inserted at the caret (replacing the selection) |
//! | Backspace, Delete | the selection, the picked part, or the character before/after (joining paragraphs, removing a part at a paragraph's edge) |
//! | Return | splits the paragraph |
//! | arrows, Home, End | move the caret; with Shift they extend the selection |
//! | Escape | clears the selection |
//! | Ctrl+S, Ctrl+C, Ctrl+X, Ctrl+V, Ctrl+A | save, copy, cut, paste, select all |

use crate::layout::{Hit, Layout};
use crate::measure::Measure;
use crate::model::{Document, Pos};
use yonder_protocol::event::KeyEvent;
use yonder_protocol::{keysym, ModMask};

/// What the app has to do after an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changed.
    None,
    /// The caret or selection moved: draw again.
    Moved,
    /// The document changed: lay out and draw again.
    Changed,
    /// Save the document.
    Save,
    /// Put the selected text on the clipboard.
    Copy,
    /// Insert the clipboard's text at the caret.
    Paste,
}

/// The caret and selection.
#[derive(Debug, Clone, Default)]
pub struct Editor {
    /// Where typing goes.
    pub caret: Pos,
    /// The other end of the selection (the selection is empty when it is the caret).
    pub anchor: Option<Pos>,
    /// A part chosen with a click (Delete removes it).
    pub picked: Option<usize>,
    /// The x that Up and Down keep to.
    goal_x: Option<i32>,
}

impl Editor {
    /// An editor with the caret at the start of `doc`.
    pub fn new(doc: &Document) -> Editor {
        Editor {
            caret: doc.start(),
            ..Default::default()
        }
    }

    /// The selection, ordered, when not empty.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let a = self.anchor.filter(|a| *a != self.caret)?;
        Some((a.min(self.caret), a.max(self.caret)))
    }

    /// The selected text.
    pub fn selected_text(&self, doc: &Document) -> Option<String> {
        self.selection().map(|(a, b)| doc.text_between(a, b))
    }

    /// Puts the caret at `to`, extending the selection when `extend`.
    fn go(&mut self, to: Pos, extend: bool) {
        if extend {
            self.anchor.get_or_insert(self.caret);
        } else {
            self.anchor = None;
        }
        self.caret = to;
        self.picked = None;
    }

    /// Deletes the selection (if any); true when there was one.
    fn delete_selection(&mut self, doc: &mut Document) -> bool {
        let Some((a, b)) = self.selection() else {
            return false;
        };
        self.caret = doc.delete(a, b);
        self.anchor = None;
        true
    }

    /// Inserts `text` at the caret, replacing the selection.
    pub fn insert(&mut self, doc: &mut Document, text: &str) {
        self.delete_selection(doc);
        self.caret = doc.insert_text(self.caret, text);
        self.anchor = None;
        self.picked = None;
        self.goal_x = None;
    }

    /// Deletes the selection (for Cut).
    pub fn cut(&mut self, doc: &mut Document) -> bool {
        self.delete_selection(doc)
    }

    /// Makes the caret, anchor and picked part valid again after blocks came or went.
    pub fn fix(&mut self, doc: &Document) {
        self.caret = valid(doc, self.caret);
        self.anchor = self.anchor.map(|a| valid(doc, a));
        self.picked = self.picked.filter(|i| doc.part(*i).is_some());
    }

    /// A key press.
    pub fn key(
        &mut self,
        doc: &mut Document,
        l: &Layout,
        m: &mut dyn Measure,
        k: &KeyEvent,
    ) -> Effect {
        let shift = k.modifiers.contains(ModMask::SHIFT);
        if k.modifiers.contains(ModMask::CONTROL) {
            return match char::from_u32(k.keysym).map(|c| c.to_ascii_lowercase()) {
                Some('s') => Effect::Save,
                Some('c') => Effect::Copy,
                Some('v') => Effect::Paste,
                Some('x') => match self.selection() {
                    Some(_) => Effect::Copy, // the app cuts after copying
                    None => Effect::None,
                },
                Some('a') => {
                    let last = (0..doc.blocks.len()).rev().find(|i| doc.text(*i).is_some());
                    let end = last.map_or(self.caret, |i| Pos::new(i, doc.text(i).unwrap().len()));
                    self.anchor = Some(doc.start());
                    self.caret = end;
                    Effect::Moved
                }
                _ => Effect::None,
            };
        }
        if k.keysym != keysym::UP && k.keysym != keysym::DOWN {
            self.goal_x = None;
        }
        match k.keysym {
            keysym::BACKSPACE | keysym::DELETE => {
                if !self.delete_selection(doc) {
                    if let Some(i) = self.picked.take() {
                        doc.remove(i);
                        self.fix(doc);
                    } else if k.keysym == keysym::BACKSPACE {
                        self.caret = doc.backspace(self.caret);
                    } else {
                        self.caret = doc.delete_forward(self.caret);
                    }
                }
                self.anchor = None;
                Effect::Changed
            }
            keysym::RETURN => {
                self.insert(doc, "\n");
                Effect::Changed
            }
            keysym::LEFT | keysym::RIGHT if !shift && self.selection().is_some() => {
                let (a, b) = self.selection().expect("checked");
                self.go(if k.keysym == keysym::LEFT { a } else { b }, false);
                Effect::Moved
            }
            keysym::LEFT => {
                self.go(doc.left(self.caret), shift);
                Effect::Moved
            }
            keysym::RIGHT => {
                self.go(doc.right(self.caret), shift);
                Effect::Moved
            }
            keysym::UP | keysym::DOWN => {
                let x = *self
                    .goal_x
                    .get_or_insert_with(|| l.x_of(doc, m, self.caret));
                let to = l.vertical(doc, m, self.caret, x, k.keysym == keysym::UP);
                self.go(to, shift);
                self.goal_x = Some(x);
                Effect::Moved
            }
            keysym::HOME | keysym::END => {
                let lines = l.lines(self.caret.block);
                let line = lines.get(l.line_index(self.caret));
                let last = l.line_index(self.caret) + 1 == lines.len();
                let to = match (line, k.keysym == keysym::HOME) {
                    (Some(line), true) => line.start,
                    (Some(line), false) if last => line.end,
                    // Before the space the line was broken at.
                    (Some(line), false) => doc.left(Pos::new(self.caret.block, line.end)).offset,
                    (None, _) => self.caret.offset,
                };
                self.go(Pos::new(self.caret.block, to), shift);
                Effect::Moved
            }
            keysym::ESCAPE => {
                self.anchor = None;
                self.picked = None;
                Effect::Moved
            }
            _ if !k.text.is_empty() && !k.text.chars().any(char::is_control) => {
                self.insert(doc, &k.text);
                Effect::Changed
            }
            _ => Effect::None,
        }
    }

    /// Button 1 went down on `hit` (with Shift: extend the selection).
    pub fn press(&mut self, hit: Hit, shift: bool) {
        self.goal_x = None;
        match hit {
            Hit::Text(p) => {
                self.go(p, shift);
                if !shift {
                    self.anchor = Some(p);
                }
            }
            Hit::Part(i) => {
                self.anchor = None;
                self.picked = Some(i);
            }
        }
    }

    /// The pointer moved to `hit` with button 1 held: the selection follows it.
    pub fn drag(&mut self, hit: Hit) {
        if let (Hit::Text(p), Some(_)) = (hit, self.anchor) {
            self.caret = p;
        }
    }
}

/// `p` made a valid position in `doc`: in the nearest paragraph, at most at its end, on
/// a character boundary (else at its start).
fn valid(doc: &Document, p: Pos) -> Pos {
    let block = doc.paragraph_near(p.block);
    let text = doc.text(block).unwrap_or("");
    let offset = if block == p.block {
        p.offset.min(text.len())
    } else {
        0
    };
    match text.is_char_boundary(offset) {
        true => Pos::new(block, offset),
        false => Pos::new(block, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::layout;
    use crate::measure::Fixed;
    use crate::model::Block;
    use yonder_protocol::{Timestamp, WindowId};

    fn key(ks: u32, text: &str, modifiers: ModMask) -> KeyEvent {
        KeyEvent {
            window: WindowId(2),
            time: Timestamp(0),
            x: 0,
            y: 0,
            root_x: 0,
            root_y: 0,
            keysym: ks,
            text: text.into(),
            modifiers,
            repeat: false,
        }
    }

    fn type_keys(ed: &mut Editor, doc: &mut Document, keys: &[(u32, &str, ModMask)]) -> Effect {
        let mut last = Effect::None;
        for (ks, text, mods) in keys {
            let l = layout(doc, &mut Fixed, 400, |_| None);
            last = ed.key(doc, &l, &mut Fixed, &key(*ks, text, *mods));
        }
        last
    }

    #[test]
    fn typing_editing_and_selecting() {
        let mut doc = Document::default();
        let mut ed = Editor::new(&doc);
        let none = ModMask::EMPTY;
        let keys: Vec<(u32, &str, ModMask)> = "hello world"
            .chars()
            .map(|c| (c as u32, if c == 'h' { "h" } else { "" }, none))
            .collect();
        // Only the text matters: keys without text insert nothing.
        type_keys(&mut ed, &mut doc, &keys);
        assert_eq!(doc.text(0), Some("h"));
        for c in "ello world".chars() {
            let s = c.to_string();
            type_keys(&mut ed, &mut doc, &[(c as u32, &s, none)]);
        }
        assert_eq!(doc.text(0), Some("hello world"));
        type_keys(
            &mut ed,
            &mut doc,
            &[(keysym::RETURN, "\r", none), ('x' as u32, "x", none)],
        );
        assert_eq!(
            doc.blocks
                .iter()
                .filter(|b| matches!(b, Block::Text(_)))
                .count(),
            2
        );
        assert_eq!(doc.text(1), Some("x"));
        // Shift+Left twice over "x" and the paragraph break, then copy.
        let shift = ModMask::SHIFT;
        type_keys(
            &mut ed,
            &mut doc,
            &[(keysym::LEFT, "", shift), (keysym::LEFT, "", shift)],
        );
        assert_eq!(ed.selected_text(&doc).as_deref(), Some("\nx"));
        let e = type_keys(&mut ed, &mut doc, &[('c' as u32, "c", ModMask::CONTROL)]);
        assert_eq!(e, Effect::Copy);
        assert_eq!(doc.text(1), Some("x"), "Ctrl+C types nothing");
        type_keys(&mut ed, &mut doc, &[(keysym::BACKSPACE, "\u{8}", none)]);
        assert_eq!((doc.text(0), doc.blocks.len()), (Some("hello world"), 1));
        type_keys(
            &mut ed,
            &mut doc,
            &[(keysym::HOME, "", none), (keysym::DELETE, "\u{7f}", none)],
        );
        assert_eq!(doc.text(0), Some("ello world"));
        let e = type_keys(&mut ed, &mut doc, &[('s' as u32, "s", ModMask::CONTROL)]);
        assert_eq!(e, Effect::Save);
    }

    #[test]
    fn mouse_selects_and_picks() {
        let mut doc = Document::from_blocks(vec![Block::Text("abc def".into())]);
        let mut ed = Editor::new(&doc);
        ed.press(Hit::Text(Pos::new(0, 1)), false);
        ed.drag(Hit::Text(Pos::new(0, 5)));
        assert_eq!(ed.selected_text(&doc).as_deref(), Some("bc d"));
        ed.insert(&mut doc, "X");
        assert_eq!(doc.text(0), Some("aXef"));
        ed.press(Hit::Part(3), false);
        assert_eq!((ed.picked, ed.selection()), (Some(3), None));
        ed.fix(&doc);
        assert_eq!(ed.picked, None, "no part 3");
    }
}
