//! `ydoc [FILE]`: a compound-document editor, in the line of OpenDoc and OLE's in-place
//! editing. A document is a vertical flow of blocks: paragraphs of text and embedded
//! parts (pictures: images dropped in, drawings made with ypaint).
//!
//! * Text is word-wrapped to the window's width; click to place the caret, type, Return,
//!   Backspace/Delete, arrows (Shift or a mouse drag selects), the wheel scrolls.
//! * Ctrl+C / Ctrl+X / Ctrl+V copy, cut and paste text through the CLIPBOARD selection.
//! * Drops: text goes in at the drop point; a PNG (or a PNG/JPEG file from a file
//!   manager, as `text/uri-list`) becomes an image part after the paragraph there.
//! * Double-clicking a part edits it in place: ypaint runs inside the document (see
//!   [`embed`]); rotating the picture resizes its window and the text below moves.
//!   Done, Escape in the part, or a click elsewhere in the document ends it.
//! * Ctrl+S saves to FILE (default `./document.ydoc`, format in [`mod@format`]); FILE is
//!   loaded at start when it exists. Title: "ydoc — NAME".

mod app;
mod edit;
mod embed;
mod exchange;
mod format;
mod layout;
mod measure;
mod model;
mod render;

use clap::Parser;
use std::path::PathBuf;
use yonder::Connection;
use yonder_apps::{die, parse_size, WindowArgs};
use yonder_protocol::{EventMask, Rect};
use yonder_toolkit::Deadline;
use yonder_toolkit::{next_step, Step, Window, WindowSpec};

/// Edits compound documents: text with pictures edited in place.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// Window size.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "600x440")]
    size: (u32, u32),
    /// The document: loaded at start if it exists, saved with Ctrl+S.
    file: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from("document.ydoc"));
    let doc = if file.exists() {
        format::load(&file).unwrap_or_else(|e| die("ydoc", e))
    } else {
        model::Document::default()
    };
    let conn = Connection::connect(w.display.as_deref()).unwrap_or_else(|e| die("ydoc", e));
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let win = Window::open(
        &conn,
        WindowSpec {
            title: &format!("ydoc — {name}"),
            rect: Rect::new(w.x, w.y, args.size.0, args.size.1),
            background: render::PAPER,
            events: EventMask::KEY_PRESS
                | EventMask::BUTTON_PRESS
                | EventMask::BUTTON_RELEASE
                | EventMask::POINTER_MOTION,
        },
    );
    let mut app =
        app::App::new(win, doc, file, w.display.clone()).unwrap_or_else(|e| die("ydoc", e));
    loop {
        match next_step(&conn, &deadline, app.wake()) {
            Step::Quit => break,
            Step::Wake => app.tick(),
            Step::Event(e) => {
                if !app.event(e) {
                    break;
                }
                app.tick();
            }
        }
    }
    app.close();
}
