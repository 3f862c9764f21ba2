//! [`List`]: items in rows (text, optionally with check boxes) or in a grid of cells (an
//! icon view), one of them selected, scrolled by the pixel. The toolkit draws the items,
//! or the app draws each one itself ([`List::draw_with`]: icons, several lines).

use super::{baseline, draw_check, theme};
use crate::transfer::DRAG_THRESHOLD;
use crate::window::Window;
use yonder_protocol::event::KeyEvent;
use yonder_protocol::{keysym, Drawable, Event, ModMask, Point, Rect, Size};

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
    /// Row `i` was pressed and the pointer then moved [`DRAG_THRESHOLD`] pixels with
    /// button 1 held: the app may start a drag of it
    /// ([`DragSource::start`](crate::transfer::DragSource::start)). Once a press.
    Drag(usize),
    /// Not the list's.
    Ignored,
}

/// How a [`List`] places its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// One item a row, [`theme::ROW`] high, as wide as the list.
    #[default]
    Rows,
    /// A grid of `cell`-sized cells (an icon view): as many columns as fit, filled left
    /// to right, then down, `margin` pixels in from the list's edges. Left and Right move
    /// the selection along a line, Up and Down across lines.
    Grid {
        /// Each item's cell.
        cell: Size,
        /// Room around the grid.
        margin: u32,
    },
}

/// Items with a selection, moved by the arrows, Home, End, Page Up and Page Down and by
/// presses; the wheel scrolls.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// Where it is.
    pub rect: Rect,
    /// The rows.
    pub items: Vec<Item>,
    /// The selected row.
    pub selected: Option<usize>,
    /// How the items are placed.
    pub layout: Layout,
    /// How far the content is scrolled up, in pixels. Read through `offset`, which keeps
    /// it in range when the list shrank or lost items since.
    scroll: u32,
    /// The last press: when and on which row (a second one soon after activates).
    last_press: Option<(u32, usize)>,
    /// Button 1 went down on this row, here, and no drag has been reported since.
    held: Option<(usize, Point)>,
    /// Scroll events come (the app selected them): the server reports every whole wheel
    /// step both as Scroll and as a press of button 4 or 5, Scroll first, so those
    /// presses are not counted again.
    precise: bool,
}

/// Two presses on a row closer than this (milliseconds) activate it.
const DOUBLE_PRESS_MS: u32 = 400;

/// How far one step of the wheel (a press of button 4 or 5) scrolls: three rows.
const WHEEL_STEP: i64 = 3 * theme::ROW as i64;

impl List {
    /// An empty list of rows.
    pub fn new() -> List {
        List::default()
    }

    /// An empty grid of `cell`-sized cells, `margin` pixels in from its edges.
    pub fn grid(cell: Size, margin: u32) -> List {
        List {
            layout: Layout::Grid { cell, margin },
            ..List::default()
        }
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
        Some(item)
    }

    /// Replaces the items (a directory read again, say). The selection stays with the
    /// item of the same text if there is one, the scroll as far as the new items reach;
    /// a press in progress is forgotten.
    pub fn set_items(&mut self, items: Vec<Item>) {
        let kept = self
            .selected
            .and_then(|i| self.items.get(i))
            .map(|i| &i.text);
        let selected = kept.and_then(|t| items.iter().position(|i| &i.text == t));
        (self.items, self.selected) = (items, selected);
        (self.last_press, self.held) = (None, None);
        self.scroll = self.offset();
    }

    /// Selects row `i` and scrolls it into view.
    pub fn select(&mut self, i: usize) {
        if self.items.is_empty() {
            self.selected = None;
            return;
        }
        let i = i.min(self.items.len() - 1);
        self.selected = Some(i);
        let (cell, margin) = self.cell();
        let line = (i / self.columns()) as u32;
        let shown = self.lines_shown() as u32;
        let bottom = margin + (line + 1) * cell.height;
        if line * cell.height < self.offset() {
            self.scroll = line * cell.height;
        } else if bottom > self.offset() + self.rect.height {
            // Whole lines above it, as many as fit.
            self.scroll = (line + 1).saturating_sub(shown) * cell.height;
        }
        self.scroll = self.offset();
    }

    /// Scrolls to `y` pixels down the content (0: the top), as far as it goes.
    pub fn scroll_to(&mut self, y: u32) {
        self.scroll = y.min(self.max_scroll());
    }

    /// Where row `i` is, window-relative (outside [`List::rect`] when scrolled out of
    /// view).
    pub fn item_rect(&self, i: usize) -> Rect {
        let (cell, margin) = self.cell();
        let cols = self.columns();
        let (col, line) = ((i % cols) as u32, (i / cols) as u32);
        let top = (margin + line * cell.height) as i64 - self.offset() as i64;
        Rect::new(
            self.rect.x + (margin + col * cell.width) as i32,
            self.rect.y + top as i32,
            cell.width,
            cell.height,
        )
    }

    /// The row under `p` (window-relative), if any.
    pub fn hit(&self, p: Point) -> Option<usize> {
        if !self.rect.contains(p) {
            return None;
        }
        let (cell, margin) = self.cell();
        let x = (p.x - self.rect.x) as i64 - margin as i64;
        let y = (p.y - self.rect.y) as i64 - margin as i64 + self.offset() as i64;
        if x < 0 || y < 0 {
            return None;
        }
        let (col, line) = (
            (x / cell.width as i64) as usize,
            (y / cell.height as i64) as usize,
        );
        let i = line * self.columns() + col;
        (col < self.columns() && i < self.items.len()).then_some(i)
    }

    /// Each item's cell, and the room around them.
    fn cell(&self) -> (Size, u32) {
        match self.layout {
            Layout::Rows => (Size::new(self.rect.width.max(1), theme::ROW), 0),
            Layout::Grid { cell, margin } => {
                (Size::new(cell.width.max(1), cell.height.max(1)), margin)
            }
        }
    }

    /// How many items a line holds.
    fn columns(&self) -> usize {
        let (cell, margin) = self.cell();
        let room = self.rect.width.saturating_sub(2 * margin);
        (room / cell.width).max(1) as usize
    }

    /// How many whole lines fit.
    fn lines_shown(&self) -> usize {
        let (cell, margin) = self.cell();
        (self.rect.height.saturating_sub(margin) / cell.height).max(1) as usize
    }

    /// The farthest the content scrolls: its height (the margins included) less the
    /// list's.
    fn max_scroll(&self) -> u32 {
        let (cell, margin) = self.cell();
        let lines = self.items.len().div_ceil(self.columns()) as u32;
        (2 * margin + lines * cell.height).saturating_sub(self.rect.height)
    }

    /// The scroll, in range.
    fn offset(&self) -> u32 {
        self.scroll.min(self.max_scroll())
    }

    fn scroll_by(&mut self, dy: i64) {
        let to = (self.offset() as i64 + dy).clamp(0, self.max_scroll() as i64);
        self.scroll = to as u32;
    }

    /// The items at least partly in view.
    fn in_view(&self) -> std::ops::Range<usize> {
        let (cell, margin) = self.cell();
        let (cols, n) = (self.columns(), self.items.len());
        let first = self.offset().saturating_sub(margin) / cell.height;
        let last = (self.offset() + self.rect.height).saturating_sub(margin) / cell.height;
        (first as usize * cols).min(n)..((last as usize + 1) * cols).min(n)
    }

    /// Takes a key press.
    pub fn key(&mut self, k: &KeyEvent) -> ListEvent {
        let n = self.items.len();
        if n == 0 {
            return ListEvent::Ignored;
        }
        match (k.keysym, self.selected) {
            (keysym::SPACE, Some(at)) => return self.toggle(at),
            (keysym::RETURN, Some(at)) => return ListEvent::Activated(at),
            (keysym::DELETE, Some(at)) => return ListEvent::Delete(at),
            _ => {}
        }
        let (at, cols) = (self.selected.unwrap_or(0), self.columns());
        let page = self.lines_shown() * cols;
        let to = match k.keysym {
            keysym::UP => at.saturating_sub(cols),
            keysym::DOWN => (at + cols).min(n - 1),
            keysym::LEFT if cols > 1 => at.saturating_sub(1),
            keysym::RIGHT if cols > 1 => (at + 1).min(n - 1),
            keysym::PAGE_UP => at.saturating_sub(page),
            keysym::PAGE_DOWN => (at + page).min(n - 1),
            keysym::HOME => 0,
            keysym::END => n - 1,
            _ => return ListEvent::Ignored,
        };
        self.select(to);
        ListEvent::Moved
    }

    /// Takes a pointer event: a press selects the row under it (on its box: toggles it;
    /// twice quickly: activates it), dragging from a row reports [`ListEvent::Drag`],
    /// the wheel scrolls (Scroll events by their pixels, else buttons 4 and 5).
    pub fn pointer(&mut self, e: &Event) -> ListEvent {
        let r = self.rect;
        let inside = |x, y| r.contains(Point::new(x, y));
        match e {
            Event::Scroll(s) if inside(s.x, s.y) => {
                self.precise = true;
                self.scroll_by(-s.delta_y.round() as i64);
                ListEvent::Moved
            }
            Event::ButtonPress(b) if matches!(b.button, 4 | 5) && inside(b.x, b.y) => {
                if !self.precise {
                    self.scroll_by(if b.button == 4 {
                        -WHEEL_STEP
                    } else {
                        WHEEL_STEP
                    });
                }
                ListEvent::Moved
            }
            Event::ButtonPress(b) if b.button == 1 && inside(b.x, b.y) => {
                self.press(Point::new(b.x, b.y), b.time.0)
            }
            Event::ButtonRelease(b) if b.button == 1 => {
                self.held = None;
                ListEvent::Ignored
            }
            Event::Motion(m) => self.motion(Point::new(m.x, m.y), m.modifiers),
            _ => ListEvent::Ignored,
        }
    }

    fn press(&mut self, p: Point, time: u32) -> ListEvent {
        let Some(i) = self.hit(p) else {
            return ListEvent::Moved;
        };
        self.select(i);
        let again = self
            .last_press
            .is_some_and(|(t, row)| row == i && time.wrapping_sub(t) < DOUBLE_PRESS_MS);
        // Two presses make a double press; a third starts the next pair.
        self.last_press = (!again).then_some((time, i));
        self.held = Some((i, p));
        if self.items[i].checked.is_some() && p.x < self.item_rect(i).x + 22 {
            return self.toggle(i);
        }
        match again {
            true => ListEvent::Activated(i),
            false => ListEvent::Moved,
        }
    }

    fn motion(&mut self, p: Point, held: ModMask) -> ListEvent {
        let Some((i, from)) = self.held else {
            return ListEvent::Ignored;
        };
        if !held.contains(ModMask::BUTTON1) {
            self.held = None; // its release went elsewhere
            return ListEvent::Ignored;
        }
        let (dx, dy) = (p.x - from.x, p.y - from.y);
        if dx * dx + dy * dy < DRAG_THRESHOLD * DRAG_THRESHOLD {
            return ListEvent::Ignored;
        }
        self.held = None;
        ListEvent::Drag(i)
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

    /// Draws the list into `d`: the visible rows (text and check boxes, the selected
    /// row highlighted) and its frame, an accent one when `focused`.
    pub fn draw(&self, win: &Window, d: Drawable, focused: bool) {
        self.draw_with(win, d, |i, r, selected| {
            draw_item(win, d, &self.items[i], r, selected);
        });
        self.draw_frame(win, d, focused);
    }

    /// For apps that draw the items themselves: fills the list with [`theme::FIELD`] and
    /// calls `item(i, rect, selected)` for every item at least partly in view, with the
    /// window's GC clipped to the list; no frame ([`List::draw_frame`] adds it).
    pub fn draw_with(&self, win: &Window, d: Drawable, mut item: impl FnMut(usize, Rect, bool)) {
        win.fill(d, theme::FIELD, &[self.rect]);
        win.clip(Some(self.rect));
        for i in self.in_view() {
            item(i, self.item_rect(i), self.selected == Some(i));
        }
        win.clip(None);
    }

    /// Draws the list's frame into `d`: an accent one when `focused`.
    pub fn draw_frame(&self, win: &Window, d: Drawable, focused: bool) {
        let (rim, width) = match focused {
            true => (theme::ACCENT, 2),
            false => (theme::RIM, 1),
        };
        win.outline(d, rim, self.rect, width);
    }
}

/// The toolkit's look of an item in `r`: its text after its check box, if it has one.
fn draw_item(win: &Window, d: Drawable, item: &Item, r: Rect, selected: bool) {
    let row = Rect::new(
        r.x + 2,
        r.y + 1,
        r.width.saturating_sub(4),
        r.height.saturating_sub(2),
    );
    if selected {
        win.fill(d, theme::SELECTION, &[row]);
    }
    let (mut x, mut ink) = (row.x + 6, theme::INK);
    if let Some(checked) = item.checked {
        draw_check(win, d, Rect::new(row.x + 2, row.y, 18, row.height), checked);
        x = row.x + 26;
        if checked {
            ink = theme::FAINT;
        }
    }
    let origin = Point::new(x, baseline(win, r));
    win.text(d, origin, theme::TEXT_PX, ink, &item.text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::fake::{key, motion, press, release, scroll, wheel};

    fn center(r: Rect) -> Point {
        Point::new(r.x + r.width as i32 / 2, r.y + r.height as i32 / 2)
    }

    /// An icon view of 20 items under a 28-pixel header of a 400×320 window: cells of
    /// 88×80, 8 pixels in; four columns, five lines, three whole lines in view.
    fn grid() -> List {
        let mut l = List::grid(Size::new(88, 80), 8);
        l.rect = Rect::new(0, 28, 400, 292);
        l.set_items((0..20).map(|i| Item::text(format!("item {i}"))).collect());
        l
    }

    #[test]
    fn a_grid_fills_its_cells_left_to_right_then_down() {
        let l = grid();
        assert_eq!(l.columns(), 4);
        assert_eq!(l.item_rect(0), Rect::new(8, 36, 88, 80));
        assert_eq!(l.item_rect(5), Rect::new(96, 116, 88, 80));
        assert_eq!(l.hit(Point::new(100, 120)), Some(5));
        assert_eq!(l.hit(Point::new(4, 40)), None, "in the margin");
        assert_eq!(l.hit(Point::new(380, 40)), None, "right of the last column");
        assert_eq!(l.hit(Point::new(100, 20)), None, "above the list");
        assert_eq!(l.in_view(), 0..16, "four lines at least partly in view");
        assert_eq!(l.max_scroll(), 8 + 5 * 80 + 8 - 292);
    }

    #[test]
    fn keys_move_the_selection_by_cells_and_lines_and_keep_it_in_view() {
        let mut l = grid();
        for k in [keysym::RETURN, keysym::DELETE, keysym::SPACE] {
            assert_eq!(l.key(&key(k)), ListEvent::Ignored, "nothing selected yet");
        }
        assert_eq!(l.key(&key(keysym::RIGHT)), ListEvent::Moved);
        assert_eq!(l.selected, Some(1));
        l.key(&key(keysym::DOWN));
        l.key(&key(keysym::DOWN));
        assert_eq!((l.selected, l.offset()), (Some(9), 0), "line 3 is in view");
        l.key(&key(keysym::DOWN));
        assert_eq!(
            (l.selected, l.offset()),
            (Some(13), 80),
            "one whole line up"
        );
        l.key(&key(keysym::END));
        assert_eq!(l.selected, Some(19));
        assert_eq!(l.offset(), l.max_scroll(), "as far as it goes");
        assert!(l.rect.contains(center(l.item_rect(19))));
        l.key(&key(keysym::PAGE_UP));
        assert_eq!(l.selected, Some(7), "three lines of four up");
        l.key(&key(keysym::HOME));
        assert_eq!((l.selected, l.offset()), (Some(0), 0));
        l.key(&key(keysym::LEFT));
        assert_eq!(l.selected, Some(0));
        assert_eq!(l.key(&key(keysym::RETURN)), ListEvent::Activated(0));
        assert_eq!(l.key(&key(keysym::DELETE)), ListEvent::Delete(0));
        let mut rows = List::new();
        rows.set_items(vec![Item::text("a"), Item::text("b")]);
        assert_eq!(rows.key(&key(keysym::RIGHT)), ListEvent::Ignored, "rows");
    }

    #[test]
    fn rows_show_the_selected_row_and_toggle_boxes() {
        let mut l = List::new();
        l.rect = Rect::new(10, 46, 200, 4 * theme::ROW + 10);
        for i in 0..10 {
            l.push(Item::check(format!("todo {i}")));
        }
        assert_eq!(l.selected, Some(9));
        let last = l.item_rect(9);
        assert_eq!(last.y + last.height as i32, l.rect.y + l.rect.height as i32);
        assert_eq!(l.in_view(), 5..10);
        l.select(0);
        assert_eq!(l.item_rect(0), Rect::new(10, 46, 200, theme::ROW));
        let on_box = Point::new(15, 46 + 30);
        assert_eq!(l.pointer(&press(on_box, 0)), ListEvent::Toggled(1));
        assert_eq!(l.items[1].checked, Some(true));
        assert_eq!(l.selected, Some(1));
    }

    #[test]
    fn a_double_press_activates_once_and_a_drag_is_reported_once() {
        let mut l = grid();
        let p = center(l.item_rect(2));
        assert_eq!(l.pointer(&press(p, 1000)), ListEvent::Moved);
        assert_eq!(l.pointer(&release(p)), ListEvent::Ignored);
        assert_eq!(l.pointer(&press(p, 1200)), ListEvent::Activated(2));
        l.pointer(&release(p));
        assert_eq!(l.pointer(&press(p, 1300)), ListEvent::Moved, "a new pair");
        assert_eq!(l.pointer(&press(p, 2000)), ListEvent::Moved, "too late");

        let near = Point::new(p.x + 2, p.y + 2);
        assert_eq!(l.pointer(&motion(near, true)), ListEvent::Ignored);
        let far = Point::new(p.x + DRAG_THRESHOLD, p.y);
        assert_eq!(l.pointer(&motion(far, true)), ListEvent::Drag(2));
        let farther = Point::new(p.x + 20, p.y);
        assert_eq!(
            l.pointer(&motion(farther, true)),
            ListEvent::Ignored,
            "once"
        );

        // No drag without button 1 held since a press on an item.
        l.pointer(&press(p, 5000));
        l.pointer(&release(p));
        assert_eq!(l.pointer(&motion(farther, true)), ListEvent::Ignored);
        l.pointer(&press(p, 6000));
        assert_eq!(l.pointer(&motion(farther, false)), ListEvent::Ignored);
        let empty = Point::new(200, 300); // line 3, column 2: item 14
        l.scroll_to(0);
        assert_eq!(l.hit(empty), Some(14));
        l.set_items(vec![Item::text("only")]);
        assert_eq!(
            l.pointer(&press(empty, 7000)),
            ListEvent::Moved,
            "no item there"
        );
        assert_eq!(l.pointer(&motion(farther, true)), ListEvent::Ignored);
    }

    #[test]
    fn the_wheel_scrolls_by_steps_or_by_pixels_but_not_both() {
        let mut l = grid();
        let max = l.max_scroll();
        let at = Point::new(100, 100);
        assert_eq!(l.pointer(&wheel(5, at)), ListEvent::Moved);
        assert_eq!(l.offset(), 3 * theme::ROW);
        l.pointer(&wheel(5, at));
        assert_eq!(l.offset(), max);
        l.pointer(&wheel(4, at));
        assert_eq!(l.offset(), max - 3 * theme::ROW);
        assert_eq!(l.pointer(&scroll(at, 10.0)), ListEvent::Moved);
        assert_eq!(l.offset(), max - 3 * theme::ROW - 10);
        l.pointer(&wheel(4, at));
        assert_eq!(l.offset(), max - 3 * theme::ROW - 10, "came as Scroll too");
        l.pointer(&scroll(at, 1000.0));
        assert_eq!(l.offset(), 0);
        let outside = Point::new(100, 10);
        assert_eq!(l.pointer(&scroll(outside, -30.0)), ListEvent::Ignored);
        assert_eq!(l.pointer(&wheel(5, outside)), ListEvent::Ignored);
        assert_eq!(l.offset(), 0);

        // A taller list scrolls less far; the scroll stays in range.
        l.scroll_to(max);
        l.rect.height = 400;
        assert_eq!(l.offset(), 16);
        assert_eq!(l.item_rect(0).y, 28 + 8 - 16);
    }

    #[test]
    fn new_items_keep_the_selection_by_text_and_the_scroll_in_range() {
        let mut l = grid();
        l.select(19);
        assert!(l.offset() > 0);
        l.set_items(vec![Item::text("new"), Item::text("item 19")]);
        assert_eq!((l.selected, l.offset()), (Some(1), 0));
        l.set_items(vec![Item::text("other")]);
        assert_eq!(l.selected, None);
        assert_eq!(l.remove(3), None);
        assert_eq!(l.remove(0), Some(Item::text("other")));
        assert!(l.items.is_empty());
    }
}
