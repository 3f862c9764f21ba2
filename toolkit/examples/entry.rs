//! One text entry in a window: type, move the caret and select with the keys and the mouse,
//! Ctrl+C, Ctrl+X and Ctrl+V through the clipboard; Return prints the text
//! (`entered: TEXT`) and empties the entry; the entry follows the window's width, and the
//! close button ends it.
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder-toolkit --example entry \
//!     [-- --at X,Y] [--measure-on-server] [--exit-after SECONDS]
//! ```
//!
//! The toolkit measures text on the client (`yonder-fonts` holds the server's fonts and its
//! layout rule), so a keystroke costs no round trip: the key comes in, the new frame goes
//! out. `--measure-on-server` makes each edit first ask the server for the text's width
//! (QueryTextExtents) and wait for the answer before drawing, as an app without the
//! server's metrics would; the answer is checked against the client's. `bench/keystroke.sh`
//! times a keystroke both ways through a slow link. `--at X,Y` places the window there
//! (default: the window manager places it).

use yonder::prelude::*;
use yonder_toolkit::widgets::{theme, EntryEvent, TextEntry};
use yonder_toolkit::{next_step, Clipboard, Deadline, Pasted, Step, Window, WindowSpec};

struct Args {
    at: Point,
    measure_on_server: bool,
    exit_after: Option<f64>,
}

fn usage() -> ! {
    eprintln!("usage: entry [--at X,Y] [--measure-on-server] [--exit-after SECONDS]");
    std::process::exit(2)
}

fn parse() -> Args {
    let mut args = Args {
        at: Point::new(0, 0),
        measure_on_server: false,
        exit_after: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--at" => {
                let v = value();
                let (x, y) = v.split_once(',').unwrap_or_else(|| usage());
                let n = |s: &str| s.parse().unwrap_or_else(|_| usage());
                args.at = Point::new(n(x), n(y));
            }
            "--measure-on-server" => args.measure_on_server = true,
            "--exit-after" => args.exit_after = Some(value().parse().unwrap_or_else(|_| usage())),
            _ => usage(),
        }
    }
    args
}

/// Asks the server how wide `text` is in the entry's font and waits for the answer: the
/// round trip an app pays per keystroke when it cannot measure text itself. Says so on
/// stderr if the server's width is not the toolkit's.
fn measure_on_server(win: &Window, text: &str) {
    let conn = win.conn();
    let font = GcValues {
        font_size: Some(theme::TEXT_PX),
        ..Default::default()
    };
    conn.change_gc(win.gc, font);
    match conn.query_text_extents(win.gc, text).reply() {
        Ok(r) => {
            let here = win.measure(theme::TEXT_PX, text).width;
            if r.width != here {
                eprintln!(
                    "entry: {text:?} is {} px wide on the server, {here} px here",
                    r.width
                );
            }
        }
        Err(e) => eprintln!("entry: QueryTextExtents: {e}"),
    }
}

fn draw(win: &Window, entry: &TextEntry) {
    let d = win.back().into();
    win.clear_back();
    entry.draw(win, d, true);
    win.present();
}

fn main() {
    let args = parse();
    let conn = Connection::connect(None).unwrap_or_else(|e| {
        eprintln!("entry: {e}");
        std::process::exit(1)
    });
    let events = EventMask::KEY_PRESS
        | EventMask::BUTTON_PRESS
        | EventMask::BUTTON_RELEASE
        | EventMask::POINTER_MOTION;
    let spec = WindowSpec {
        title: "Entry",
        rect: Rect::new(args.at.x, args.at.y, 320, 46),
        background: theme::BACKGROUND,
        events,
    };
    let mut win = Window::open(&conn, spec);
    let mut clipboard = Clipboard::new(win.id);
    let mut entry = TextEntry::new();
    let layout = |entry: &mut TextEntry, win: &Window| {
        let width = win.size().width.saturating_sub(20).max(20);
        entry.rect = Rect::new(10, 10, width, theme::ROW);
    };
    layout(&mut entry, &win);
    draw(&win, &entry);
    let deadline = Deadline::after(args.exit_after);
    loop {
        let e = match next_step(&conn, &deadline, None) {
            Step::Event(e) if win.wants_close(&e) => break,
            Step::Event(e) => e,
            Step::Wake => continue,
            Step::Quit => break,
        };
        let pasted = match clipboard.event(&conn, &e) {
            Some(Pasted::Text(t)) => {
                entry.insert(&t);
                true
            }
            _ => false,
        };
        let redraw = match &e {
            Event::Configure(c) => {
                let resized = win.configure(c);
                layout(&mut entry, &win);
                resized
            }
            Event::Expose(_) => true,
            Event::KeyPress(k) => match entry.key(k) {
                EntryEvent::Submit => {
                    println!("entered: {}", entry.text());
                    entry.set_text("");
                    true
                }
                EntryEvent::Edited => {
                    if args.measure_on_server {
                        measure_on_server(&win, entry.text());
                    }
                    true
                }
                EntryEvent::Copy(t) => {
                    clipboard.copy_text(&conn, &t);
                    true
                }
                EntryEvent::Paste => {
                    clipboard.paste_text(&conn);
                    false
                }
                EntryEvent::Moved => true,
                EntryEvent::Ignored => false,
            },
            // Motion without a held button changes nothing: no frame for it.
            _ => entry.pointer(&e),
        };
        if redraw || pasted {
            draw(&win, &entry);
        }
    }
}
