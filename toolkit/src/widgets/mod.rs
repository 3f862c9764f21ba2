//! Widgets: what the apps draw again and again, as small values the app owns, places
//! (each has a public `rect`, window-relative) and feeds events to. Each draws itself
//! into a drawable through the [`Window`]'s graphics context, and measures its text on
//! the client (`yonder-fonts`), so neither layout nor typing waits for the server. On a
//! display whose fonts are not the toolkit's ([`Window::fonts_agree`] is false) they draw
//! by the server's measures instead ([`Window::measure`], [`Window::carets_in`]: asked
//! once per text, in one request, and kept), so text is centred and carets stand at
//! their glyphs there too; only the widths they report for layout (`width()`) stay the
//! toolkit's estimates.
//!
//! * [`Label`] – a line of text, faint for hints and notes.
//! * [`Button`] – a push button: a click is a press and a release inside it.
//! * [`Checkbox`] – a box with a label that a click toggles.
//! * [`TextEntry`] – one line of editable text: caret, selection with the mouse and the
//!   keyboard, clipboard shortcuts, horizontal scrolling.
//! * [`List`] – rows of text, optionally with check boxes, or a grid of cells (an icon
//!   view): a selection moved by the keyboard and the mouse, double presses, drags from
//!   an item, scrolling; items drawn by the toolkit or by the app.
//!
//! The look is one [`theme`]; the app decides the layout and which widget has the
//! keyboard (draw it `focused`).

mod entry;
#[cfg(test)]
pub(crate) mod fake;
mod list;

pub use entry::{EntryEvent, TextEntry};
pub use list::{Item, Layout, List, ListEvent};

use crate::window::Window;
use yonder_fonts::{Face, Metrics};
use yonder_protocol::{Drawable, Event, Point, Rect};

/// The widgets' look: sizes and colours (`0xRRGGBB`).
pub mod theme {
    /// Text size in pixels.
    pub const TEXT_PX: f32 = 14.0;
    /// Text colour.
    pub const INK: u32 = 0x4c4f69;
    /// Text colour of a disabled or done item.
    pub const FAINT: u32 = 0x9ca0b0;
    /// Window background behind widgets.
    pub const BACKGROUND: u32 = 0xeff1f5;
    /// Inside of fields, boxes and lists.
    pub const FIELD: u32 = 0xffffff;
    /// Buttons' face.
    pub const FACE: u32 = 0xe6e9ef;
    /// A held button's face.
    pub const FACE_HELD: u32 = 0xccd0da;
    /// Outlines.
    pub const RIM: u32 = 0x9ca0b0;
    /// The outline of the widget that has the keyboard, the caret, check marks.
    pub const ACCENT: u32 = 0x1e66f5;
    /// Selected text's and rows' background.
    pub const SELECTION: u32 = 0xbcd0fb;
    /// Height of a button, an entry or a list row, for layouts.
    pub const ROW: u32 = 26;
}

/// The metrics of the widgets' face.
fn metrics() -> Option<Metrics> {
    Metrics::of(Face::Sans)
}

/// The baseline that centres a line of text vertically in `r`, by the display's font.
fn baseline(win: &Window, r: Rect) -> i32 {
    let line = win.measure(theme::TEXT_PX, "");
    r.y + (r.height as i32 + line.font_ascent - line.font_descent) / 2
}

/// Whether `e` is a press of button 1, and where (window-relative).
fn press(e: &Event) -> Option<Point> {
    match e {
        Event::ButtonPress(b) if b.button == 1 => Some(Point::new(b.x, b.y)),
        _ => None,
    }
}

/// Whether `e` is a release of button 1, and where.
fn release(e: &Event) -> Option<Point> {
    match e {
        Event::ButtonRelease(b) if b.button == 1 => Some(Point::new(b.x, b.y)),
        _ => None,
    }
}

/// A line of text.
#[derive(Debug, Clone, Default)]
pub struct Label {
    /// Where it goes (the text is centred vertically, left-aligned).
    pub rect: Rect,
    /// The text.
    pub text: String,
    /// Drawn in [`theme::FAINT`] rather than [`theme::INK`]: a hint, a note that a list
    /// is empty, text set back from the rest.
    pub faint: bool,
}

impl Label {
    /// A label showing `text`.
    pub fn new(text: impl Into<String>) -> Label {
        Label {
            rect: Rect::default(),
            text: text.into(),
            faint: false,
        }
    }

    /// A label showing `text`, faint.
    pub fn faint(text: impl Into<String>) -> Label {
        Label {
            faint: true,
            ..Label::new(text)
        }
    }

    /// The text's colour.
    fn ink(&self) -> u32 {
        match self.faint {
            true => theme::FAINT,
            false => theme::INK,
        }
    }

    /// The text's width: how wide the label needs to be.
    pub fn width(&self) -> u32 {
        metrics().map_or(0, |m| m.width(theme::TEXT_PX, &self.text))
    }

    /// Draws the label into `d`.
    pub fn draw(&self, win: &Window, d: Drawable) {
        let origin = Point::new(self.rect.x, baseline(win, self.rect));
        win.text(d, origin, theme::TEXT_PX, self.ink(), &self.text);
    }
}

/// A push button.
#[derive(Debug, Clone, Default)]
pub struct Button {
    /// Where it is.
    pub rect: Rect,
    /// What it says.
    pub label: String,
    held: bool,
}

impl Button {
    /// A button saying `label`.
    pub fn new(label: impl Into<String>) -> Button {
        Button {
            label: label.into(),
            ..Button::default()
        }
    }

    /// The width the label needs, with room around it.
    pub fn width(&self) -> u32 {
        metrics().map_or(0, |m| m.width(theme::TEXT_PX, &self.label)) + 24
    }

    /// Takes a pointer event; true when it completes a click on the button (button 1
    /// pressed on it and released on it). The app redraws after any pointer event, the
    /// button's face showing whether it is held.
    pub fn clicked(&mut self, e: &Event) -> bool {
        if let Some(p) = press(e) {
            self.held = self.rect.contains(p);
        } else if let Some(p) = release(e) {
            let was = std::mem::take(&mut self.held);
            return was && self.rect.contains(p);
        }
        false
    }

    /// Draws the button into `d`.
    pub fn draw(&self, win: &Window, d: Drawable) {
        let face = if self.held {
            theme::FACE_HELD
        } else {
            theme::FACE
        };
        win.fill(d, face, &[self.rect]);
        win.outline(d, theme::RIM, self.rect, 1);
        let w = win.measure(theme::TEXT_PX, &self.label).width as i32;
        let x = self.rect.x + (self.rect.width as i32 - w) / 2;
        let origin = Point::new(x, baseline(win, self.rect));
        win.text(d, origin, theme::TEXT_PX, theme::INK, &self.label);
    }
}

/// A check box with its label.
#[derive(Debug, Clone, Default)]
pub struct Checkbox {
    /// Where it is: the box at the left, the label after it.
    pub rect: Rect,
    /// What it says.
    pub label: String,
    /// Whether it is checked.
    pub checked: bool,
}

impl Checkbox {
    /// An unchecked box saying `label`.
    pub fn new(label: impl Into<String>) -> Checkbox {
        Checkbox {
            label: label.into(),
            ..Checkbox::default()
        }
    }

    /// Takes a pointer event; true when a press on it toggled it.
    pub fn toggled(&mut self, e: &Event) -> bool {
        match press(e) {
            Some(p) if self.rect.contains(p) => {
                self.checked = !self.checked;
                true
            }
            _ => false,
        }
    }

    /// Draws the box and its label into `d`.
    pub fn draw(&self, win: &Window, d: Drawable) {
        draw_check(win, d, self.rect, self.checked);
        let origin = Point::new(self.rect.x + 22, baseline(win, self.rect));
        win.text(d, origin, theme::TEXT_PX, theme::INK, &self.label);
    }
}

/// A 14-pixel check box at the left of `row`, vertically centred, checked or not.
fn draw_check(win: &Window, d: Drawable, row: Rect, checked: bool) {
    let b = Rect::new(row.x + 2, row.y + (row.height as i32 - 14) / 2, 14, 14);
    win.fill(d, theme::FIELD, &[b]);
    win.outline(d, theme::RIM, b, 1);
    if checked {
        win.fill(
            d,
            theme::ACCENT,
            &[Rect::new(b.x + 3, b.y + 3, b.width - 6, b.height - 6)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_faint_label_is_drawn_in_the_faint_ink() {
        let (plain, faint) = (Label::new("3 items"), Label::faint("click to open"));
        assert_eq!((plain.faint, plain.ink()), (false, theme::INK));
        assert_eq!((faint.faint, faint.ink()), (true, theme::FAINT));
        assert_eq!(faint.text, "click to open");
    }
}
