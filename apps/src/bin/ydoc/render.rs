//! Drawing the document: one frame composed in the window's back buffer from the layout
//! (the visible blocks only), then shown at once. Paragraph lines are drawn as text by
//! the server; parts' pictures are sent once into server pixmaps (at the size they are
//! shown) and copied from there in every frame.

use crate::edit::Editor;
use crate::layout::{Layout, Shape, MARGIN};
use crate::measure::{Measure, FONT_PX};
use crate::model::{Document, Part};
use image::imageops::FilterType;
use std::collections::{HashMap, HashSet};
use yonder::prelude::*;
use yonder_protocol::{PixmapId, Point, Rect, Size};
use yonder_toolkit::pixels::put_rgba;
use yonder_toolkit::Window;

/// The page.
pub const PAPER: u32 = 0xffffff;
/// Text.
pub const INK: u32 = 0x1e1e2e;
/// Behind selected text.
const SELECTED: u32 = 0xb7d4ff;
/// The caret.
const CARET: u32 = 0x1e66f5;
/// Around a picked part.
const PICKED: u32 = 0x1e66f5;
/// Behind a part being edited in place (its window covers it once it is there).
const EDITING: u32 = 0xe6e9ef;

/// Parts' pictures in server pixmaps, by content and shown size.
#[derive(Default)]
pub struct Pictures {
    sent: HashMap<(u64, Size), PixmapId>,
}

impl Pictures {
    /// The pixmap showing `part` at `size`, sent now if it is not there yet.
    fn get(&mut self, win: &Window, part: &Part, size: Size) -> PixmapId {
        let key = (part.content, size);
        if let Some(p) = self.sent.get(&key) {
            return *p;
        }
        let conn = win.conn();
        let pm = conn.new_pixmap_id();
        conn.create_pixmap(pm, win.id, size.width, size.height);
        win.fill(pm, PAPER, &[Rect::new(0, 0, size.width, size.height)]);
        let scaled;
        let img = if part.size() == (size.width, size.height) {
            &part.pixels
        } else {
            scaled = image::imageops::resize(
                &part.pixels,
                size.width,
                size.height,
                FilterType::Triangle,
            );
            &scaled
        };
        if let Err(e) = put_rgba(conn, pm, win.gc, Point::new(0, 0), img) {
            eprintln!("ydoc: {e}");
        }
        self.sent.insert(key, pm);
        pm
    }

    /// Frees the pixmaps not in `keep`.
    fn keep_only(&mut self, win: &Window, keep: &HashSet<(u64, Size)>) {
        self.sent.retain(|k, pm| {
            let used = keep.contains(k);
            if !used {
                win.conn().free_pixmap(*pm);
            }
            used
        });
    }
}

/// What a frame shows besides the document.
pub struct View<'a> {
    /// The caret and selection.
    pub editor: &'a Editor,
    /// How far the document is scrolled.
    pub scroll: i32,
    /// The part being edited in place, drawn as a placeholder under its window.
    pub active: Option<usize>,
}

/// Composes the visible part of the document in the back buffer and shows it.
pub fn draw(
    win: &Window,
    doc: &Document,
    l: &Layout,
    m: &mut dyn Measure,
    view: &View,
    pictures: &mut Pictures,
) {
    let back = win.back();
    win.clear_back();
    let height = win.size().height as i32;
    let on_screen = |top: i32, h: u32| top - view.scroll < height && top + h as i32 > view.scroll;
    let selection = view.editor.selection();
    let mut used = HashSet::new();
    for (i, b) in l.boxes.iter().enumerate() {
        if !on_screen(b.top, b.height) {
            continue;
        }
        match &b.shape {
            Shape::Text(lines) => {
                let text = doc.text(i).unwrap_or("");
                for line in lines {
                    let y = line.top - view.scroll;
                    if let Some((a, z)) = selection {
                        let from = if a.block == i { a.offset } else { 0 };
                        let to = if z.block == i { z.offset } else { text.len() };
                        let (from, to) = (from.max(line.start), to.min(line.end));
                        let inside = a.block <= i && i <= z.block;
                        // An empty paragraph inside the selection shows a sliver.
                        if inside && (from < to || (line.start == line.end && i != z.block)) {
                            let x0 = m.width(&text[line.start..from]) as i32;
                            let x1 = (m.width(&text[line.start..to]) as i32).max(x0 + 4);
                            let r = Rect::new(MARGIN + x0, y, (x1 - x0) as u32, l.line_h);
                            win.fill(back, SELECTED, &[r]);
                        }
                    }
                    let shown = text[line.start..line.end].trim_end_matches(' ');
                    if !shown.is_empty() {
                        let base = Point::new(MARGIN, y + m.ascent());
                        win.text(back, base, FONT_PX, INK, shown);
                    }
                }
            }
            Shape::Part(size) => {
                let r = Rect::new(MARGIN, b.top - view.scroll, size.width, size.height);
                if view.active == Some(i) {
                    win.fill(back, EDITING, &[r]);
                    continue;
                }
                let Some(part) = doc.part(i) else { continue };
                let pm = pictures.get(win, part, *size);
                used.insert((part.content, *size));
                let src = Rect::new(0, 0, size.width, size.height);
                win.conn().copy_area(pm, back, win.gc, src, r.origin());
                if view.editor.picked == Some(i) {
                    let around = Rect::new(r.x - 3, r.y - 3, r.width + 6, r.height + 6);
                    win.outline(back, PICKED, around, 2);
                }
            }
        }
    }
    if view.editor.picked.is_none() && view.active.is_none() {
        let c = l.caret(doc, m, view.editor.caret);
        win.fill(
            back,
            CARET,
            &[Rect::new(c.x, c.y - view.scroll, c.width, c.height)],
        );
    }
    pictures.keep_only(win, &used);
    win.present();
}
