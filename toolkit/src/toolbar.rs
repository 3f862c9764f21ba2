//! [`Toolbar`]: a row of square buttons (color swatches, brush sizes, short commands), with
//! hit testing and highlighting of the chosen ones.

use crate::window::Window;
use yonder_protocol::{Drawable, Point, Rect};

/// What a toolbar button shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonFace {
    /// A square of this color (`0xRRGGBB`).
    Swatch(u32),
    /// A black dot of this diameter on white: a brush size.
    Dot(u32),
    /// Dark text on white: a command ("Done", "↻").
    Label(&'static str),
}

/// Side of a toolbar button.
pub const BUTTON: u32 = 24;
/// Space between toolbar buttons.
const GAP: i32 = 6;
/// Outline of a chosen button.
const HIGHLIGHT: u32 = 0x1e66f5;
/// Outline of the other buttons.
const RIM: u32 = 0x9ca0b0;
/// The toolbar's background.
const TOOLBAR_BG: u32 = 0xe6e9ef;
/// Text size and color of [`ButtonFace::Label`] buttons.
const LABEL_PX: f32 = 13.0;
const LABEL_INK: u32 = 0x4c4f69;

/// A strip of square buttons laid out left to right.
pub struct Toolbar {
    /// The strip, window-relative.
    pub rect: Rect,
    /// The buttons' faces and places.
    pub buttons: Vec<(ButtonFace, Rect)>,
    next_x: i32,
}

impl Toolbar {
    /// An empty toolbar filling `rect`.
    pub fn new(rect: Rect) -> Toolbar {
        Toolbar {
            rect,
            buttons: Vec::new(),
            next_x: rect.x + GAP,
        }
    }

    /// Adds a button after the last one; returns its index.
    pub fn add(&mut self, face: ButtonFace) -> usize {
        self.add_wide(face, BUTTON)
    }

    /// Adds a button `width` pixels wide (and [`BUTTON`] high) after the last one, for a
    /// label longer than a glyph; returns its index.
    pub fn add_wide(&mut self, face: ButtonFace, width: u32) -> usize {
        let y = self.rect.y + (self.rect.height as i32 - BUTTON as i32) / 2;
        self.buttons
            .push((face, Rect::new(self.next_x, y, width, BUTTON)));
        self.next_x += width as i32 + GAP;
        self.buttons.len() - 1
    }

    /// Leaves extra room before the next button (between groups).
    pub fn space(&mut self) {
        self.next_x += 3 * GAP;
    }

    /// Where the next button would go: the free space starts here.
    pub fn end(&self) -> i32 {
        self.next_x
    }

    /// The button under `p`, if any.
    pub fn hit(&self, p: Point) -> Option<usize> {
        self.buttons.iter().position(|(_, r)| r.contains(p))
    }

    /// Draws the strip and its buttons into `d`; the buttons in `chosen` are highlighted.
    pub fn draw(&self, win: &Window, d: Drawable, chosen: &[usize]) {
        win.fill(d, TOOLBAR_BG, &[self.rect]);
        for (i, (face, r)) in self.buttons.iter().enumerate() {
            match *face {
                ButtonFace::Swatch(rgb) => win.fill(d, rgb, &[*r]),
                ButtonFace::Dot(diameter) => {
                    win.fill(d, 0xffffff, &[*r]);
                    let c = Point::new(r.x + r.width as i32 / 2, r.y + r.height as i32 / 2);
                    win.disc(d, 0x000000, c, diameter.min(BUTTON - 4));
                }
                ButtonFace::Label(text) => {
                    win.fill(d, 0xffffff, &[*r]);
                    // Centered by an estimate of the advance (0.6 em a character), which
                    // saves a round trip per button and is close enough for short labels.
                    let guess = (text.chars().count() as f32 * LABEL_PX * 0.6) as i32;
                    let x = r.x + (r.width as i32 - guess).max(0) / 2;
                    let baseline = r.y + (r.height as i32 + LABEL_PX as i32 * 7 / 10) / 2;
                    win.text(d, Point::new(x, baseline), LABEL_PX, LABEL_INK, text);
                }
            }
            if chosen.contains(&i) {
                let around = Rect::new(r.x - 3, r.y - 3, r.width + 6, r.height + 6);
                win.outline(d, HIGHLIGHT, around, 2);
            } else {
                win.outline(d, RIM, *r, 1);
            }
        }
    }
}
