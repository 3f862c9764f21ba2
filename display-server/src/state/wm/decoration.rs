//! Drawing frames. A managed window's title bar (its background, its icon, the title
//! text, the move button when there are other displays, or the menu of them, the
//! maximise button and the close button) is
//! drawn with [`crate::render`] into a pixmap cached per window, and
//! redrawn only when what it shows changes: the title, icon, focus, width, close or
//! maximised state (the [`DecorationKey`]). The borders are flat color and are filled straight into the
//! framebuffer while composing, so a frame costs a title-bar-sized pixmap, not a second
//! copy of the whole window.

use super::{frame_of, frame_strips, TitleIcon, BORDER, CLOSE_WIDTH, GRIP, ICON_SIDE};
use super::{MAXIMIZE_WIDTH, MOVE_WIDTH, TITLE_HEIGHT};
use crate::render::{self, IRect, Pixmap, Style};
use std::sync::Arc;
use yonder_fonts::Face;
use yonder_protocol::{Point, Rect};

/// Title bar and border color of the focused window (`0xRRGGBB`).
pub const ACTIVE_TITLE: u32 = 0x4c6a92;
/// Title bar and border color of the other windows.
pub const INACTIVE_TITLE: u32 = 0x3b4252;
/// Title bar color while the server offers to force-quit the window's app.
pub const NOT_RESPONDING_TITLE: u32 = 0xbf616a;
/// Title text and × color of the focused window (and of the not-responding state).
pub const ACTIVE_TEXT: u32 = 0xffffff;
/// Title text and × color of the other windows.
pub const INACTIVE_TEXT: u32 = 0xa9b1c0;
/// Color of the resize grip in the frame's bottom-right corner.
pub const GRIP_COLOR: u32 = 0x81a1c1;
/// Pixel size of the title text.
pub const TITLE_FONT_PX: f32 = 13.0;
/// What the title bar says while the server offers to force-quit the app.
pub const NOT_RESPONDING_TEXT: &str = "Not responding — click × again to force quit";

/// Left margin of the title text (and of the icon, when there is one).
const TEXT_LEFT: i32 = 8;
/// Room between the icon and the title text.
const ICON_GAP: i32 = 6;
/// Longest title considered, in characters (the rest could never fit anyway).
const MAX_TITLE_CHARS: usize = 512;

/// Everything a title bar's pixels depend on: when it changes, the frame is redrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecorationKey {
    /// The window's title.
    pub title: String,
    /// The frame's width.
    pub width: u32,
    /// The keyboard focus is in the window.
    pub active: bool,
    /// The server offers to force-quit the app.
    pub not_responding: bool,
    /// The bar has a move button (there are displays to move to).
    pub movable: bool,
    /// The menu of displays to move to, shown in place of the title when open.
    pub menu: Option<Vec<String>>,
    /// The window's icon, shown left of the title.
    pub icon: Option<Arc<TitleIcon>>,
    /// The window is maximised (the button shows how to restore it).
    pub maximized: bool,
}

/// What the open menu says first.
pub const MENU_LABEL: &str = "Move to:";
/// The room between two entries of the menu.
const MENU_GAP: i32 = 14;

/// A drawn frame.
pub struct Decoration {
    /// What it was drawn from.
    pub key: DecorationKey,
    /// The title bar's pixels (frame width × [`TITLE_HEIGHT`]).
    title_bar: Pixmap,
    /// The borders' color, `0xRRGGBB`.
    border: u32,
    /// Where the menu's entries are, as x ranges in the title bar (empty when closed).
    menu_items: Vec<(i32, i32)>,
}

impl Decoration {
    /// Draws the frame described by `key` (None if the width is zero or absurd).
    pub fn render(key: DecorationKey) -> Option<Decoration> {
        let (bg, fg) = match (key.not_responding, key.active) {
            (true, _) => (NOT_RESPONDING_TITLE, ACTIVE_TEXT),
            (false, true) => (ACTIVE_TITLE, ACTIVE_TEXT),
            (false, false) => (INACTIVE_TITLE, INACTIVE_TEXT),
        };
        // The border follows focus; the red of the not-responding state is the bar's alone.
        let border = if key.active {
            ACTIVE_TITLE
        } else {
            INACTIVE_TITLE
        };
        let width = key.width;
        let mut pm = Pixmap::new(width, TITLE_HEIGHT)?;
        render::fill_solid(&mut pm, IRect::new(0, 0, width, TITLE_HEIGHT), opaque(bg));
        let text = if key.not_responding {
            NOT_RESPONDING_TEXT
        } else {
            key.title.as_str()
        };
        let buttons = CLOSE_WIDTH + MAXIMIZE_WIDTH + if key.movable { MOVE_WIDTH } else { 0 };
        let left = match &key.icon {
            Some(icon) => {
                // Centred in an ICON_SIDE square at the left margin.
                let p = &icon.pixmap;
                let x = TEXT_LEFT + (ICON_SIDE - p.width()) as i32 / 2;
                let y = (TITLE_HEIGHT - p.height()) as i32 / 2;
                pm.draw_pixmap(
                    x,
                    y,
                    p.as_ref(),
                    &tiny_skia::PixmapPaint::default(),
                    tiny_skia::Transform::identity(),
                    None,
                );
                TEXT_LEFT + ICON_SIDE as i32 + ICON_GAP
            }
            None => TEXT_LEFT,
        };
        let room = width as i64 - left as i64 - buttons as i64 - 4;
        let ext = render::text_extents(Face::Sans, TITLE_FONT_PX, "Mg");
        let baseline =
            (TITLE_HEIGHT as i32 - ext.font_ascent - ext.font_descent) / 2 + ext.font_ascent;
        let ink = Style::solid(opaque(fg));
        // Title-bar text: one face and size, on one baseline.
        let draw = |pm: &mut Pixmap, x: i32, text: &str| {
            render::draw_text(pm, &ink, Face::Sans, TITLE_FONT_PX, x, baseline, text)
        };
        let text_width =
            |text: &str| render::text_extents(Face::Sans, TITLE_FONT_PX, text).width as i32;
        let mut menu_items = Vec::new();
        match &key.menu {
            Some(names) => {
                // "Move to:" and each display, the entries underlined.
                let mut x = left;
                let end = left as i64 + room.max(0);
                draw(&mut pm, x, MENU_LABEL);
                x += text_width(MENU_LABEL) + MENU_GAP;
                for name in names {
                    let left = (end - x as i64).max(0) as u32;
                    let shown = fit_title(name, left);
                    if shown.is_empty() {
                        break;
                    }
                    let w = text_width(&shown);
                    draw(&mut pm, x, &shown);
                    render::fill_solid(
                        &mut pm,
                        IRect::new(x, baseline + 2, w as u32, 1),
                        opaque(fg),
                    );
                    menu_items.push((x - MENU_GAP / 2, x + w + MENU_GAP / 2));
                    x += w + MENU_GAP;
                }
            }
            None => {
                let fitted = fit_title(text, room.max(0) as u32);
                draw(&mut pm, left, &fitted);
            }
        }
        if key.movable {
            // The move button: ⇄ centered left of the maximise button.
            let arrows = "⇄";
            let w = text_width(arrows);
            let x = width as i32
                - (CLOSE_WIDTH + MAXIMIZE_WIDTH) as i32
                - MOVE_WIDTH as i32 / 2
                - w / 2;
            draw(&mut pm, x, arrows);
        }
        // The maximise button: a square, or two overlapping ones to restore.
        let mx = width as i32 - CLOSE_WIDTH as i32 - MAXIMIZE_WIDTH as i32 / 2;
        let my = TITLE_HEIGHT as i32 / 2;
        let square = |pm: &mut Pixmap, x: i32, y: i32, side: u32| {
            let s = side as i32;
            for r in [
                IRect::new(x, y, side, 2),
                IRect::new(x, y + s - 1, side, 1),
                IRect::new(x, y, 1, side),
                IRect::new(x + s - 1, y, 1, side),
            ] {
                render::fill_solid(pm, r, opaque(fg));
            }
        };
        if key.maximized {
            square(&mut pm, mx - 3, my - 5, 7);
            render::fill_solid(&mut pm, IRect::new(mx - 5, my - 3, 8, 8), opaque(bg));
            square(&mut pm, mx - 5, my - 3, 8);
        } else {
            square(&mut pm, mx - 5, my - 5, 10);
        }
        // The close button: an × centered in the last CLOSE_WIDTH pixels.
        let cx = width as i32 - CLOSE_WIDTH as i32 / 2;
        let cy = TITLE_HEIGHT as i32 / 2;
        let arm = 4;
        let stroke = Style {
            line_width: 2,
            antialias: true,
            ..Style::solid(opaque(fg))
        };
        render::segments(
            &mut pm,
            &stroke,
            &[
                (cx - arm, cy - arm, cx + arm, cy + arm),
                (cx - arm, cy + arm, cx + arm, cy - arm),
            ],
        );
        Some(Decoration {
            key,
            title_bar: pm,
            border,
            menu_items,
        })
    }

    /// The entry of the open menu at `x` in the title bar, if any.
    pub fn menu_item_at(&self, x: i32) -> Option<usize> {
        self.menu_items
            .iter()
            .position(|&(from, to)| (from..to).contains(&x))
    }

    /// Paints the frame of the client rectangle `client` into the framebuffer `dst` (row
    /// stride `stride`, covering the area whose top-left is `dst_origin`), limited to
    /// `clip`. All three share one coordinate space. The client area is left alone.
    pub fn paint(
        &self,
        client: Rect,
        clip: Rect,
        dst: &mut [u32],
        stride: usize,
        dst_origin: Point,
    ) {
        let f = frame_of(client);
        let to_dst =
            |r: Rect| IRect::new(r.x - dst_origin.x, r.y - dst_origin.y, r.width, r.height);
        let [title, borders @ ..] = frame_strips(client);
        if let Some(a) = title.intersect(&clip) {
            render::blit_to_xrgb(
                &self.title_bar,
                a.x - f.x,
                a.y - f.y,
                dst,
                stride,
                to_dst(a),
            );
        }
        for strip in borders {
            if let Some(a) = strip.intersect(&clip) {
                fill_xrgb(dst, stride, to_dst(a), self.border);
            }
        }
        // The grip: the frame's bottom-right GRIP × GRIP corner, outside the client.
        let (right, bottom) = (f.x as i64 + f.width as i64, f.y as i64 + f.height as i64);
        let grip_x = (right - GRIP as i64) as i32;
        let grip_y = (bottom - GRIP as i64) as i32;
        for r in [
            Rect::new(grip_x, (bottom - BORDER as i64) as i32, GRIP, BORDER),
            Rect::new((right - BORDER as i64) as i32, grip_y, BORDER, GRIP),
        ] {
            if let Some(a) = r.intersect(&clip) {
                fill_xrgb(dst, stride, to_dst(a), GRIP_COLOR);
            }
        }
    }
}

/// `0xRRGGBB` as an opaque `0xAARRGGBB`.
fn opaque(rgb: u32) -> u32 {
    0xFF00_0000 | rgb
}

/// Fills `r` of an `0x00RRGGBB` framebuffer, clamped to it.
fn fill_xrgb(dst: &mut [u32], stride: usize, r: IRect, rgb: u32) {
    if stride == 0 || stride > u32::MAX as usize {
        return;
    }
    let rows = (dst.len() / stride).min(u32::MAX as usize) as u32;
    let Some(r) = r.intersect(&IRect::new(0, 0, stride as u32, rows)) else {
        return;
    };
    for y in r.y as usize..r.bottom() as usize {
        let start = y * stride + r.x as usize;
        if let Some(row) = dst.get_mut(start..start + r.width as usize) {
            row.fill(rgb);
        }
    }
}

/// `text` as it fits in `max_width` pixels at the title size: whole, or cut and ended
/// with an ellipsis (empty if not even the ellipsis fits). Control characters (newlines,
/// tabs) become spaces.
pub fn fit_title(text: &str, max_width: u32) -> String {
    let chars: Vec<char> = text
        .chars()
        .take(MAX_TITLE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let width = |s: &str| render::text_extents(Face::Sans, TITLE_FONT_PX, s).width;
    let whole: String = chars.iter().collect();
    if width(&whole) <= max_width && chars.len() == text.chars().count() {
        return whole;
    }
    // The longest prefix that fits with the ellipsis (widths grow with the prefix).
    let with_ellipsis = |n: usize| {
        let mut s: String = chars[..n].iter().collect();
        s.push('…');
        s
    };
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width(&with_ellipsis(mid)) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let s = with_ellipsis(lo);
    if width(&s) <= max_width {
        s
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles_are_kept_and_long_ones_end_with_an_ellipsis() {
        assert_eq!(fit_title("Hello", 200), "Hello");
        let long = "A rather long window title that cannot possibly fit";
        let fitted = fit_title(long, 120);
        assert!(fitted.ends_with('…'), "{fitted:?}");
        assert!(long.starts_with(fitted.trim_end_matches('…')));
        assert!(render::text_extents(Face::Sans, TITLE_FONT_PX, &fitted).width <= 120);
        let longer = fit_title(long, 121 + 40);
        assert!(longer.chars().count() > fitted.chars().count());
        assert_eq!(fit_title(long, 2), "", "not even the ellipsis fits");
        assert_eq!(fit_title("a\nb", 200), "a b");
    }

    #[test]
    fn active_inactive_and_not_responding_bars_differ() {
        let key = |active, not_responding| DecorationKey {
            title: "Title".into(),
            width: 120,
            active,
            not_responding,
            movable: false,
            menu: None,
            icon: None,
            maximized: false,
        };
        let px = |d: &Decoration| {
            d.title_bar
                .pixel(2, 2)
                .map(|p| (p.red(), p.green(), p.blue()))
        };
        let a = Decoration::render(key(true, false)).unwrap();
        let i = Decoration::render(key(false, false)).unwrap();
        let n = Decoration::render(key(true, true)).unwrap();
        assert_eq!(px(&a), Some((0x4c, 0x6a, 0x92)));
        assert_eq!(px(&i), Some((0x3b, 0x42, 0x52)));
        assert_eq!(px(&n), Some((0xbf, 0x61, 0x6a)));
        let ink = |d: &Decoration, x0: usize, x1: usize| {
            let bg = d.title_bar.pixel(0, 0).unwrap();
            (0..TITLE_HEIGHT)
                .flat_map(|y| (x0..x1).map(move |x| (x as u32, y)))
                .filter(|&(x, y)| d.title_bar.pixel(x, y) != Some(bg))
                .count()
        };
        assert!(ink(&a, 0, 60) > 20, "the title is drawn");
        assert!(ink(&a, 96, 120) > 10, "the × is drawn");
        assert!(ink(&a, 72, 96) > 10, "the maximise button is drawn");
        assert_eq!(ink(&a, 60, 72), 0, "nothing between them");
    }
}
