//! The editor as a whole: the document, its layout and the editor state, the window, the
//! clipboard and drops, and the in-place session; one method per kind of event, which
//! delegate to the modules and then lay out and draw again as needed.

use crate::edit::{Editor, Effect};
use crate::embed::{Reaction, Session};
use crate::exchange::{Exchange, Incoming};
use crate::format;
use crate::layout::{layout, Hit, Layout};
use crate::measure::Measurer;
use crate::model::{Block, Document, Part, Pos};
use crate::render::{draw, Pictures, View};
use std::path::PathBuf;
use std::time::Instant;
use yonder::Connection;
use yonder_protocol::event::{ButtonEvent, KeyEvent};
use yonder_protocol::{Event, ModMask, Point, Rect, Timestamp};
use yonder_toolkit::Window;

/// Two presses on a part closer than this (milliseconds) are a double click.
const DOUBLE_CLICK_MS: u32 = 500;
/// How far one wheel step scrolls.
const WHEEL_STEP: i32 = 48;

/// The running editor.
pub struct App<'c> {
    win: Window<'c>,
    m: Measurer,
    doc: Document,
    layout: Layout,
    ed: Editor,
    /// How far the document is scrolled up, in pixels.
    scroll: i32,
    file: PathBuf,
    ex: Exchange,
    session: Option<Session>,
    pictures: Pictures,
    /// The last press on a part: when, and which part.
    last_click: Option<(Timestamp, usize)>,
    /// Button 1 is held after a press in the text: motion selects.
    selecting: bool,
    /// `--display`, passed on to the parts.
    display: Option<String>,
}

impl<'c> App<'c> {
    /// The editor for `doc` (saved to `file`) in `win`.
    pub fn new(
        win: Window<'c>,
        doc: Document,
        file: PathBuf,
        display: Option<String>,
    ) -> Result<App<'c>, String> {
        let conn = win.conn();
        let m = Measurer::new().ok_or("the font cannot be parsed")?;
        let ex = Exchange::new(conn, win.id).map_err(|e| e.to_string())?;
        let mut app = App {
            ed: Editor::new(&doc),
            win,
            m,
            doc,
            layout: Layout::default(),
            scroll: 0,
            file,
            ex,
            session: None,
            pictures: Pictures::default(),
            last_click: None,
            selecting: false,
            display,
        };
        app.relayout();
        app.redraw();
        Ok(app)
    }

    fn conn(&self) -> &'c Connection {
        self.win.conn()
    }

    /// Lays the document out again for the window's width, keeps the scroll in range and
    /// moves the in-place part's window to its block.
    fn relayout(&mut self) {
        let size_of = |i: usize| {
            let s = self.session.as_ref()?;
            (s.block == i && s.is_shown()).then_some(s.size?)
        };
        self.layout = layout(&self.doc, &mut self.m, self.win.size().width, size_of);
        self.clamp_scroll();
        self.place_part();
    }

    fn clamp_scroll(&mut self) {
        let room = self.layout.height as i32 - self.win.size().height as i32;
        self.scroll = self.scroll.clamp(0, room.max(0));
    }

    fn place_part(&self) {
        let Some(s) = self.session.as_ref().filter(|s| s.is_shown()) else {
            return;
        };
        if let Some(r) = self.layout.part_rect(s.block) {
            s.place(
                self.conn(),
                Rect::new(r.x, r.y - self.scroll, r.width, r.height),
            );
        }
    }

    fn redraw(&mut self) {
        let view = View {
            editor: &self.ed,
            scroll: self.scroll,
            active: self
                .session
                .as_ref()
                .filter(|s| s.is_shown())
                .map(|s| s.block),
        };
        draw(
            &self.win,
            &self.doc,
            &self.layout,
            &mut self.m,
            &view,
            &mut self.pictures,
        );
    }

    /// Scrolls so that the caret is in view.
    fn show_caret(&mut self) {
        let c = self.layout.caret(&self.doc, &mut self.m, self.ed.caret);
        let h = self.win.size().height as i32;
        if c.y < self.scroll {
            self.scroll = c.y - crate::layout::MARGIN;
        } else if c.y + c.height as i32 > self.scroll + h {
            self.scroll = c.y + c.height as i32 + crate::layout::MARGIN - h;
        }
        self.clamp_scroll();
        self.place_part();
    }

    /// When the app wants to be woken without an event.
    pub fn wake(&self) -> Option<Instant> {
        self.session.as_ref().map(Session::wake)
    }

    /// Looks after the in-place session.
    pub fn tick(&mut self) {
        if self.session.as_mut().is_some_and(|s| s.tick()) {
            let s = self.session.take().expect("checked");
            let shown = s.is_shown();
            s.finish(self.conn());
            if shown {
                // The part went away by itself (it crashed or was closed).
                self.relayout();
                self.redraw();
            }
        }
    }

    /// Handles one event; false when the app should end.
    pub fn event(&mut self, e: Event) -> bool {
        if self.win.wants_close(&e) {
            return false;
        }
        if let Some(s) = self.session.as_mut() {
            if let Some(reaction) = s.handle(self.win.conn(), &e) {
                match reaction {
                    Some(Reaction::Relayout) => self.changed(),
                    Some(Reaction::Ready) => {
                        self.changed();
                        if let Some(s) = &self.session {
                            s.activate(self.win.conn());
                        }
                    }
                    Some(Reaction::Content(png)) => self.replace_part(png),
                    Some(Reaction::Done) => self.end_session(),
                    None => {}
                }
                return true;
            }
        }
        let mut incoming = Vec::new();
        if self.ex.handle(self.win.conn(), &e, &mut incoming) {
            for i in incoming {
                self.take(i);
            }
            return true;
        }
        match e {
            Event::Expose(x) if x.window == self.win.id && x.count == 0 => self.win.present(),
            Event::Configure(c) if self.win.configure(&c) => self.changed(),
            Event::ButtonPress(b) if b.window == self.win.id => self.press(&b),
            Event::ButtonRelease(b) if b.button == 1 => self.selecting = false,
            Event::Motion(m) if self.selecting && m.window == self.win.id => {
                let hit = self.hit(Point::new(m.x, m.y));
                self.ed.drag(hit);
                self.redraw();
            }
            Event::KeyPress(k) => self.key(&k),
            _ => {}
        }
        true
    }

    /// What is under window point `p`.
    fn hit(&mut self, p: Point) -> Hit {
        let at = Point::new(p.x, p.y + self.scroll);
        self.layout.hit(&self.doc, &mut self.m, at)
    }

    fn changed(&mut self) {
        self.relayout();
        self.redraw();
    }

    fn press(&mut self, b: &ButtonEvent) {
        match b.button {
            4 | 5 => {
                self.scroll += if b.button == 4 {
                    -WHEEL_STEP
                } else {
                    WHEEL_STEP
                };
                self.clamp_scroll();
                self.place_part();
                return self.redraw();
            }
            1 => {}
            _ => return,
        }
        // A click in the document ends in-place editing (clicks in the part go to it).
        self.end_session();
        let hit = self.hit(Point::new(b.x, b.y));
        if let Hit::Part(i) = hit {
            let double = self
                .last_click
                .is_some_and(|(t, j)| j == i && b.time.0.wrapping_sub(t.0) <= DOUBLE_CLICK_MS);
            self.last_click = Some((b.time, i));
            if double {
                self.last_click = None;
                return self.start_session(i);
            }
        }
        self.ed.press(hit, b.modifiers.contains(ModMask::SHIFT));
        self.selecting = matches!(hit, Hit::Text(_));
        self.redraw();
    }

    fn key(&mut self, k: &KeyEvent) {
        self.end_session();
        let before = self.doc.blocks.len();
        let effect = self.ed.key(&mut self.doc, &self.layout, &mut self.m, k);
        match effect {
            Effect::None => {}
            Effect::Moved => {
                self.show_caret();
                self.redraw();
            }
            Effect::Changed => {
                if self.doc.blocks.len() != before {
                    self.ed.fix(&self.doc);
                }
                self.relayout();
                self.show_caret();
                self.redraw();
            }
            Effect::Save => self.save(),
            Effect::Copy => {
                if let Some(text) = self.ed.selected_text(&self.doc) {
                    self.ex.copy(self.conn(), text);
                    if k.keysym == 'x' as u32 || k.keysym == 'X' as u32 {
                        self.ed.cut(&mut self.doc);
                        self.changed();
                    }
                }
            }
            Effect::Paste => self.ex.paste(self.conn()),
        }
    }

    fn save(&self) {
        match format::save(&self.file, &self.doc) {
            Ok(()) => println!("ydoc: saved {}", self.file.display()),
            Err(e) => eprintln!("ydoc: cannot save {}: {e}", self.file.display()),
        }
    }

    /// Puts what arrived from the clipboard or a drop into the document.
    fn take(&mut self, incoming: Incoming) {
        self.end_session();
        match incoming {
            Incoming::Paste(text) => self.ed.insert(&mut self.doc, &text),
            Incoming::DroppedText(at, text) => {
                self.ed.caret = match self.hit(at) {
                    Hit::Text(p) => p,
                    Hit::Part(i) => Pos::new(self.doc.paragraph_near(i + 1), 0),
                };
                self.ed.anchor = None;
                self.ed.insert(&mut self.doc, &text);
            }
            Incoming::DroppedPicture(at, part) => {
                let after = match self.hit(at) {
                    Hit::Text(p) => p.block,
                    Hit::Part(i) => i,
                };
                let i = self.doc.insert_part(Some(after), part);
                self.ed.caret = Pos::new(self.doc.paragraph_near(i + 1), 0);
                self.ed.anchor = None;
                self.ed.fix(&self.doc);
            }
        }
        self.relayout();
        self.show_caret();
        self.redraw();
    }

    fn start_session(&mut self, i: usize) {
        let (Some(part), Some(r)) = (self.doc.part(i), self.layout.part_rect(i)) else {
            return;
        };
        let rect = Rect::new(r.x, r.y - self.scroll, r.width, r.height);
        let conn = self.conn();
        if let Some(old) = self.session.take() {
            old.finish(conn); // one still closing
        }
        match Session::start(conn, self.win.id, i, rect, part, self.display.as_deref()) {
            Ok(s) => self.session = Some(s),
            Err(e) => eprintln!("ydoc: cannot edit the part in place: {e}"),
        }
        self.ed.picked = None;
        self.redraw();
    }

    /// Ends in-place editing, if any: the part's final content replaces the block's.
    fn end_session(&mut self) {
        let Some(s) = self.session.as_mut().filter(|s| s.is_shown()) else {
            return;
        };
        let content = s.deactivate(self.win.conn(), self.win.id);
        match content {
            Some(png) => self.replace_part(png),
            None => self.changed(),
        }
    }

    /// The in-place part published `png`.
    fn replace_part(&mut self, png: Vec<u8>) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let i = s.block;
        let Some(kind) = self
            .doc
            .part(i)
            .filter(|p| p.content == s.content)
            .map(|p| p.kind)
        else {
            return; // the document changed since: that block is not the part any more
        };
        match Part::from_png(kind, png) {
            Ok(part) => {
                s.content = part.content;
                self.doc.blocks[i] = Block::Part(part);
            }
            Err(e) => eprintln!("ydoc: the part sent a bad picture: {e}"),
        }
        self.changed();
    }

    /// Ends in-place editing and closes the window.
    pub fn close(mut self) {
        self.end_session();
        if let Some(s) = self.session.take() {
            s.finish(self.conn());
        }
        self.win.close();
    }
}
