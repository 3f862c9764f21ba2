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

use clap::Parser;
use std::path::PathBuf;
use yonder::Connection;
use yonder_apps::pixels::{load, put_rgba, scale_to_fit};
use yonder_apps::ui::{max_window_size, next_step, Step, Window, WindowSpec};
use yonder_apps::{die, Deadline, WindowArgs};
use yonder_protocol::{keysym, Event, EventMask, Point, Rect};

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

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let img = load(&args.file).unwrap_or_else(|e| die("yview", e));
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
            events: EventMask::KEY_PRESS,
        },
    );
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
