//! A todo list on the toolkit: a text entry (Return or Add adds an item), items with
//! check boxes (a press on the box or Space toggles), Delete removes the selected item,
//! Up and Down select, Tab moves the keyboard between the entry and the list, Ctrl+C,
//! Ctrl+X and Ctrl+V in the entry and the Copy button (the whole list) use the
//! clipboard; the layout follows the window's size, and the close button ends it.
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder-toolkit --example todo [-- --exit-after SECONDS]
//! ```

use yonder::prelude::*;
use yonder::protocol::hints::SizeHints;
use yonder_toolkit::widgets::{theme, Button, EntryEvent, Item, List, ListEvent, TextEntry};
use yonder_toolkit::{next_step, Clipboard, Deadline, Pasted, Step, Window, WindowSpec};

struct Todo<'c> {
    win: Window<'c>,
    entry: TextEntry,
    add: Button,
    copy: Button,
    list: List,
    clipboard: Clipboard,
    /// The list has the keyboard (else the entry has).
    in_list: bool,
}

impl Todo<'_> {
    fn layout(&mut self) {
        let Size { width, height } = self.win.size();
        let row = theme::ROW;
        self.copy.rect = Rect::new(width as i32 - 80, 10, 70, row);
        self.add.rect = Rect::new(self.copy.rect.x - 68, 10, 60, row);
        self.entry.rect = Rect::new(10, 10, (self.add.rect.x - 18).max(20) as u32, row);
        let list_h = height.saturating_sub(56).max(row);
        self.list.rect = Rect::new(10, 46, width.saturating_sub(20).max(20), list_h);
    }

    fn draw(&self) {
        let d = self.win.back().into();
        self.win.clear_back();
        self.entry.draw(&self.win, d, !self.in_list);
        self.add.draw(&self.win, d);
        self.copy.draw(&self.win, d);
        self.list.draw(&self.win, d, self.in_list);
        self.win.present();
    }

    fn add_item(&mut self) {
        let text = self.entry.text().trim().to_string();
        if !text.is_empty() {
            self.list.push(Item::check(text));
            self.entry.set_text("");
        }
    }

    /// The whole list as text, one `[x] item` line each.
    fn copy_list(&mut self) {
        let line = |i: &Item| {
            let mark = if i.checked == Some(true) { 'x' } else { ' ' };
            format!("[{mark}] {}\n", i.text)
        };
        let text: String = self.list.items.iter().map(line).collect();
        self.clipboard.copy_text(self.win.conn(), &text);
    }

    fn event(&mut self, e: &Event) {
        let conn = self.win.conn();
        if let Some(Pasted::Text(t)) = self.clipboard.event(conn, e) {
            self.entry.insert(&t);
        }
        match e {
            Event::Configure(c) => {
                if self.win.configure(c) {
                    self.layout();
                }
            }
            Event::KeyPress(k) if k.keysym == keysym::TAB => self.in_list = !self.in_list,
            Event::KeyPress(k) if self.in_list => {
                if let ListEvent::Delete(i) = self.list.key(k) {
                    self.list.remove(i);
                }
            }
            Event::KeyPress(k) => match self.entry.key(k) {
                EntryEvent::Submit => self.add_item(),
                EntryEvent::Copy(t) => self.clipboard.copy_text(conn, &t),
                EntryEvent::Paste => self.clipboard.paste_text(conn),
                _ => {}
            },
            _ => {
                if self.entry.pointer(e) {
                    self.in_list = false;
                }
                if self.list.pointer(e) != ListEvent::Ignored {
                    self.in_list = true;
                }
                if self.add.clicked(e) {
                    self.add_item();
                }
                if self.copy.clicked(e) {
                    self.copy_list();
                }
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip_while(|a| a != "--exit-after");
    let exit_after = args.nth(1).and_then(|s| s.parse().ok());
    let conn = Connection::connect(None).unwrap_or_else(|e| {
        eprintln!("todo: {e}");
        std::process::exit(1)
    });
    let events = EventMask::KEY_PRESS
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::POINTER_MOTION;
    let spec = WindowSpec {
        title: "Todo",
        rect: Rect::new(0, 0, 360, 300),
        background: theme::BACKGROUND,
        events,
    };
    let win = Window::open(&conn, spec);
    let min = Some(Size::new(240, 120));
    let hints = SizeHints {
        min,
        ..SizeHints::default()
    };
    win.set_size_hints(&hints)
        .unwrap_or_else(|e| eprintln!("todo: {e}"));
    let mut app = Todo {
        clipboard: Clipboard::new(win.id),
        win,
        entry: TextEntry::new(),
        add: Button::new("Add"),
        copy: Button::new("Copy"),
        list: List::new(),
        in_list: false,
    };
    app.layout();
    app.draw();
    let deadline = Deadline::after(exit_after);
    loop {
        match next_step(&conn, &deadline, None) {
            Step::Event(e) if app.win.wants_close(&e) => break,
            Step::Event(e) => {
                app.event(&e);
                app.draw();
            }
            Step::Wake => {}
            Step::Quit => break,
        }
    }
}
