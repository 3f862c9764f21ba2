//! `yview FILE`: shows a PNG or JPEG image in a window of its size, in the line of
//! `xv`/`feh`; closes on the window's close button, `q` or Escape. Title: "yview — NAME".
//!
//! The app decodes the file itself (the `image` crate), shrinks the picture with a box
//! filter when it is larger than the screen (less the window frame), sends the pixels once
//! into a pixmap (in bands of rows under the server's frame limit) and copies that pixmap
//! to the window whenever it is exposed.
//!
//! A missing or undecodable file is reported on stderr, with exit status 1, before any
//! connection is made.
//!
//! The picture can be dragged out (button 1 and 5 pixels of motion): the drag offers
//! `image/png` (the file's bytes when it is a PNG, else the picture re-encoded as PNG,
//! made when a target asks) and `text/uri-list` (the file), with the action Copy; a
//! small copy of the picture rides under the pointer.

use clap::Parser;
use std::path::{Path, PathBuf};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::{die, WindowArgs};
use yonder_protocol::request::DndActions;
use yonder_protocol::{atoms, keysym, Event, EventMask, Point, Rect};
use yonder_toolkit::pixels::{load, put_rgba, scale_to_fit};
use yonder_toolkit::transfer::{encode_uri_list, DragSource, Offer};
use yonder_toolkit::Deadline;
use yonder_toolkit::{max_window_size, next_step, Step, Window, WindowSpec};

/// Shows an image file.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// The PNG or JPEG file to show.
    file: PathBuf,
}

/// What shows through transparent parts of the image and around it.
const BACKGROUND: u32 = 0x303446;
/// Largest side of the drag icon.
const DRAG_ICON: u32 = 96;
/// How every PNG file starts.
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The picture at `path` as PNG bytes: the file itself when it is a PNG, else decoded
/// and encoded again.
fn png_of(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.starts_with(PNG_MAGIC) {
        return Ok(bytes);
    }
    let img = load(path)?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// What a drag of the picture offers.
fn offer(path: &Path) -> Offer {
    let file = path.to_path_buf();
    Offer::new()
        .with_lazy(atoms::IMAGE_PNG, move || png_of(&file))
        .with_bytes(atoms::TEXT_URI_LIST, encode_uri_list(&[path]))
}

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let img = load(&args.file).unwrap_or_else(|e| die("yview", e));
    let file = std::fs::canonicalize(&args.file).unwrap_or_else(|_| args.file.clone());
    let conn = Connection::connect(w.display.as_deref()).unwrap_or_else(|e| die("yview", e));
    let room = max_window_size(&conn).unwrap_or_else(|e| die("yview", e));
    let img = scale_to_fit(img, room.width, room.height);
    let (iw, ih) = img.dimensions();
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut win = Window::open(
        &conn,
        WindowSpec {
            title: &format!("yview — {name}"),
            rect: Rect::new(w.x, w.y, iw, ih),
            background: BACKGROUND,
            events: EventMask::KEY_PRESS
                | EventMask::BUTTON_PRESS
                | EventMask::BUTTON_RELEASE
                | EventMask::POINTER_MOTION,
        },
    );
    let icon = scale_to_fit(img.clone(), DRAG_ICON, DRAG_ICON);
    let mut drag = DragSource::new(win.id);
    // The picture lives in its own pixmap, sent once; the back buffer is composed from it.
    let picture = conn.new_pixmap_id();
    conn.create_pixmap(picture, win.id, iw, ih);
    win.fill(picture, BACKGROUND, &[Rect::new(0, 0, iw, ih)]);
    put_rgba(&conn, picture, win.gc, Point::new(0, 0), &img).unwrap_or_else(|e| die("yview", e));
    drop(img);
    let draw = |win: &Window| {
        win.clear_back();
        conn.copy_area(
            picture,
            win.back(),
            win.gc,
            Rect::new(0, 0, iw, ih),
            Point::new(0, 0),
        );
        win.present();
    };
    draw(&win);
    loop {
        match next_step(&conn, &deadline, None) {
            Step::Quit | Step::Wake => break,
            Step::Event(e) if win.wants_close(&e) => break,
            // The drag's conversation; nothing to show for it.
            Step::Event(e) if drag.handle(&conn, &e).is_some() => {}
            Step::Event(Event::ButtonPress(b)) if b.button == 1 => {
                drag.press(Point::new(b.x, b.y));
            }
            Step::Event(Event::ButtonRelease(b)) if b.button == 1 => {
                drag.release();
            }
            Step::Event(Event::Motion(m)) if drag.moved(Point::new(m.x, m.y)) => {
                let (w, h) = icon.dimensions();
                let hotspot = Point::new(w as i32 / 2, h as i32 / 2);
                drag.start(&conn, offer(&file), DndActions::COPY, Some(&icon), hotspot);
            }
            Step::Event(Event::KeyPress(k))
                if k.keysym == 'q' as u32 || k.keysym == keysym::ESCAPE =>
            {
                break
            }
            Step::Event(Event::Expose(e)) if e.count == 0 => win.present(),
            Step::Event(Event::Configure(e)) => {
                if win.configure(&e) {
                    draw(&win);
                }
            }
            Step::Event(_) => {}
        }
    }
    conn.free_pixmap(picture);
    win.close();
}
