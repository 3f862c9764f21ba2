//! [`List`]: rows of text, optionally with check boxes, one of them selected.

use super::{draw_check, metrics, press, theme};
use crate::window::Window;
use yonder_protocol::event::KeyEvent;
use yonder_protocol::{keysym, Drawable, Event, Point, Rect};

/// A row of a [`List`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Item {
    /// What the row says.
    pub text: String,
    /// The row's check box: `None` for a row without one.
    pub checked: Option<bool>,
}

impl Item {
    /// A row of text.
    pub fn text(text: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            checked: None,
        }
    }

    /// A row with an unchecked box.
    pub fn check(text: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            checked: Some(false),
        }
    }
}

/// What an event did to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEvent {
    /// Nothing the app needs to act on (the selection or the scroll may have moved).
    Moved,
    /// Row `i`'s box was toggled (Space, or a press on the box).
    Toggled(usize),
    /// Return or a double press on row `i`.
    Activated(usize),
    /// Delete on row `i`: the app decides whether to remove it ([`List::remove`]).
    Delete(usize),
    /// Not the list's.
    Ignored,
}

/// Rows of text with a selection, moved by Up, Down, Home, End, Page Up and Page Down
/// and by presses; the wheel scrolls.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// Where it is.
    pub rect: Rect,
    /// The rows.
    pub items: Vec<Item>,
    /// The selected row.
    pub selected: Option<usize>,
    /// The first row shown.
    top: usize,
    /// The last press: when and on which row (a second one soon after activates).
    last_press: Option<(u32, usize)>,
}

/// Two presses on a row closer than this (milliseconds) activate it.
const DOUBLE_PRESS_MS: u32 = 400;

impl List {
    /// An empty list.
    pub fn new() -> List {
        List::default()
    }

    /// Adds a row at the end and selects it.
    pub fn push(&mut self, item: Item) {
        self.items.push(item);
        self.select(self.items.len() - 1);
    }

    /// Removes row `i` (nothing if there is none); the selection stays on the same
    /// place, or the new last row.
    pub fn remove(&mut self, i: usize) -> Option<Item> {
        if i >= self.items.len() {
            return None;
        }
        let item = self.items.remove(i);
        self.selected = match self.items.len() {
            0 => None,
            n => self.selected.map(|s| s.min(n - 1)),
        };
        self.top = self.top.min(self.items.len().saturating_sub(1));
        Some(item)
    }

    /// Selects row `i` and scrolls it into view.
    pub fn select(&mut self, i: usize) {
        if self.items.is_empty() {
            self.selected = None;
            return;
        }
        let i = i.min(self.items.len() - 1);
        self.selected = Some(i);
        let rows = self.rows_shown();
        if i < self.top {
            self.top = i;
        } else if i >= self.top + rows {
            self.top = i + 1 - rows;
        }
    }

    /// How many rows fit.
    fn rows_shown(&self) -> usize {
        (self.rect.height / theme::ROW).max(1) as usize
    }

    /// Takes a key press.
    pub fn key(&mut self, k: &KeyEvent) -> ListEvent {
        let (n, page) = (self.items.len(), self.rows_shown());
        if n == 0 {
            return ListEvent::Ignored;
        }
        let at = self.selected.unwrap_or(0);
        let to = match k.keysym {
            keysym::UP => at.saturating_sub(1),
            keysym::DOWN => (at + 1).min(n - 1),
            keysym::PAGE_UP => at.saturating_sub(page),
            keysym::PAGE_DOWN => (at + page).min(n - 1),
            keysym::HOME => 0,
            keysym::END => n - 1,
            keysym::SPACE => return self.toggle(at),
            keysym::RETURN => return ListEvent::Activated(at),
            keysym::DELETE => return ListEvent::Delete(at),
            _ => return ListEvent::Ignored,
        };
        self.select(to);
        ListEvent::Moved
    }

    /// Takes a pointer event: a press selects the row under it (on its box: toggles
    /// it; twice quickly: activates it), the wheel scrolls.
    pub fn pointer(&mut self, e: &Event) -> ListEvent {
        if let Event::ButtonPress(b) = e {
            if matches!(b.button, 4 | 5) && self.rect.contains(Point::new(b.x, b.y)) {
                let last = self.items.len().saturating_sub(self.rows_shown());
                self.top = match b.button {
                    4 => self.top.saturating_sub(3),
                    _ => (self.top + 3).min(last),
                };
                return ListEvent::Moved;
            }
        }
        let Some(p) = press(e).filter(|p| self.rect.contains(*p)) else {
            return ListEvent::Ignored;
        };
        let i = self.top + ((p.y - self.rect.y) as u32 / theme::ROW) as usize;
        if i >= self.items.len() {
            return ListEvent::Moved;
        }
        self.select(i);
        let time = match e {
            Event::ButtonPress(b) => b.time.0,
            _ => 0,
        };
        let again = self
            .last_press
            .is_some_and(|(t, row)| row == i && time.wrapping_sub(t) < DOUBLE_PRESS_MS);
        self.last_press = Some((time, i));
        if self.items[i].checked.is_some() && p.x < self.rect.x + 22 {
            return self.toggle(i);
        }
        match again {
            true => ListEvent::Activated(i),
            false => ListEvent::Moved,
        }
    }

    fn toggle(&mut self, i: usize) -> ListEvent {
        match self.items.get_mut(i).and_then(|it| it.checked.as_mut()) {
            Some(c) => {
                *c = !*c;
                ListEvent::Toggled(i)
            }
            None => ListEvent::Moved,
        }
    }

    /// Draws the visible rows into `d`; the selected row is highlighted, with an accent
    /// outline on the list when `focused`.
    pub fn draw(&self, win: &Window, d: Drawable, focused: bool) {
        let r = self.rect;
        win.fill(d, theme::FIELD, &[r]);
        win.clip(Some(r));
        let line = metrics()
            .map(|m| m.line(theme::TEXT_PX))
            .unwrap_or_default();
        for (k, item) in self
            .items
            .iter()
            .enumerate()
            .skip(self.top)
            .take(self.rows_shown())
        {
            let y = r.y + ((k - self.top) as u32 * theme::ROW) as i32;
            let row = Rect::new(r.x + 2, y + 1, r.width.saturating_sub(4), theme::ROW - 2);
            if self.selected == Some(k) {
                win.fill(d, theme::SELECTION, &[row]);
            }
            let mut x = row.x + 6;
            let mut ink = theme::INK;
            if let Some(checked) = item.checked {
                draw_check(win, d, Rect::new(row.x + 2, row.y, 18, row.height), checked);
                x = row.x + 26;
                if checked {
                    ink = theme::FAINT;
                }
            }
            let base = y + (theme::ROW as i32 + line.ascent - line.descent) / 2;
            win.text(d, Point::new(x, base), theme::TEXT_PX, ink, &item.text);
        }
        win.clip(None);
        let (rim, width) = match focused {
            true => (theme::ACCENT, 2),
            false => (theme::RIM, 1),
        };
        win.outline(d, rim, r, width);
    }
}
