//! [`Toolbar`]: a strip of buttons. Square ones are chosen by a press (color swatches,
//! brush sizes), with hit testing and highlighting of the chosen ones; commands are
//! [`Button`]s, clicked by a press and a release on them.

use crate::widgets::{theme, Button};
use crate::window::Window;
use yonder_protocol::{Drawable, Event, Point, Rect};

/// What a square toolbar button shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonFace {
    /// A square of this color (`0xRRGGBB`).
    Swatch(u32),
    /// A black dot of this diameter on white: a brush size.
    Dot(u32),
}

/// Side of a square toolbar button, and height of a command button.
pub const BUTTON: u32 = 24;
/// Space between toolbar buttons.
const GAP: i32 = 6;

/// A strip of buttons laid out left to right.
pub struct Toolbar {
    /// The strip, window-relative.
    pub rect: Rect,
    /// The square buttons' faces and places.
    pub buttons: Vec<(ButtonFace, Rect)>,
    /// The command buttons.
    pub commands: Vec<Button>,
    next_x: i32,
}

impl Toolbar {
    /// An empty toolbar filling `rect`.
    pub fn new(rect: Rect) -> Toolbar {
        Toolbar {
            rect,
            buttons: Vec::new(),
            commands: Vec::new(),
            next_x: rect.x + GAP,
        }
    }

    /// Adds a square button after the last button; returns its index in `buttons`.
    pub fn add(&mut self, face: ButtonFace) -> usize {
        let place = self.place(BUTTON);
        self.buttons.push((face, place));
        self.buttons.len() - 1
    }

    /// Adds a command button saying `label`, `width` pixels wide ([`BUTTON`] high), after
    /// the last button; returns its index in `commands`.
    pub fn add_command(&mut self, label: &str, width: u32) -> usize {
        let mut b = Button::new(label);
        b.rect = self.place(width);
        self.commands.push(b);
        self.commands.len() - 1
    }

    /// The next `width` pixels of the strip, vertically centred.
    fn place(&mut self, width: u32) -> Rect {
        let y = self.rect.y + (self.rect.height as i32 - BUTTON as i32) / 2;
        let r = Rect::new(self.next_x, y, width, BUTTON);
        self.next_x += width as i32 + GAP;
        r
    }

    /// Leaves extra room before the next button (between groups).
    pub fn space(&mut self) {
        self.next_x += 3 * GAP;
    }

    /// Where the next button would go: the free space starts here.
    pub fn end(&self) -> i32 {
        self.next_x
    }

    /// The square button under `p`, if any.
    pub fn hit(&self, p: Point) -> Option<usize> {
        self.buttons.iter().position(|(_, r)| r.contains(p))
    }

    /// Takes a pointer event: the command button it completed a click on, if any. The
    /// app redraws after button presses and releases, a held command showing it.
    pub fn clicked(&mut self, e: &Event) -> Option<usize> {
        let mut hit = None;
        for (i, b) in self.commands.iter_mut().enumerate() {
            if b.clicked(e) {
                hit = Some(i);
            }
        }
        hit
    }

    /// Draws the strip and its buttons into `d`; the square buttons in `chosen` are
    /// highlighted.
    pub fn draw(&self, win: &Window, d: Drawable, chosen: &[usize]) {
        win.fill(d, theme::FACE, &[self.rect]);
        for (i, (face, r)) in self.buttons.iter().enumerate() {
            match *face {
                ButtonFace::Swatch(rgb) => win.fill(d, rgb, &[*r]),
                ButtonFace::Dot(diameter) => {
                    win.fill(d, theme::FIELD, &[*r]);
                    let c = Point::new(r.x + r.width as i32 / 2, r.y + r.height as i32 / 2);
                    win.disc(d, 0x000000, c, diameter.min(BUTTON - 4));
                }
            }
            if chosen.contains(&i) {
                let around = Rect::new(r.x - 3, r.y - 3, r.width + 6, r.height + 6);
                win.outline(d, theme::ACCENT, around, 2);
            } else {
                win.outline(d, theme::RIM, *r, 1);
            }
        }
        for b in &self.commands {
            b.draw(win, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::fake::{press, release};

    #[test]
    fn buttons_go_left_to_right_and_commands_click_on_release() {
        let mut bar = Toolbar::new(Rect::new(0, 0, 300, 36));
        assert_eq!(bar.add(ButtonFace::Swatch(0xff0000)), 0);
        bar.space();
        assert_eq!(bar.add(ButtonFace::Dot(6)), 1);
        assert_eq!(bar.add_command("Done", 44), 0);
        assert_eq!(bar.buttons[0].1, Rect::new(6, 6, 24, 24));
        assert_eq!(bar.buttons[1].1, Rect::new(6 + 24 + 6 + 18, 6, 24, 24));
        let done = bar.commands[0].rect;
        assert_eq!(done, Rect::new(54 + 24 + 6, 6, 44, 24));
        assert_eq!(bar.end(), done.x + 44 + 6);
        assert_eq!(bar.hit(Point::new(60, 10)), Some(1));
        assert_eq!(bar.hit(Point::new(done.x + 1, 10)), None, "a command");

        let on = Point::new(done.x + 20, 18);
        assert_eq!(bar.clicked(&press(on, 0)), None, "a press holds it");
        assert_eq!(bar.clicked(&release(on)), Some(0));
        bar.clicked(&press(on, 0));
        let off = Point::new(done.x - 10, 18);
        assert_eq!(bar.clicked(&release(off)), None, "released elsewhere");
        bar.clicked(&press(off, 0));
        assert_eq!(bar.clicked(&release(on)), None, "pressed elsewhere");
    }
}
