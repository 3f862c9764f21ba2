//! `ypaint [FILE]`: a small paint program, in the line of `xpaint`. The picture lives in a
//! server pixmap (the canvas) under a toolbar strip; button 1 drawn across the canvas
//! paints anti-aliased, round-capped lines in the chosen color and width; the toolbar
//! offers 8 colors and 3 widths (click to choose; the choice is highlighted). `s` (or
//! Ctrl+S) saves the canvas as PNG to FILE (default `./ypaint.png`), read back from the
//! server with GetImage; FILE is loaded at start when it exists (the canvas then takes its
//! size, else `--size`).
//!
//! Each stroke segment is drawn into the canvas and only its bounding box is copied to
//! the window; a whole frame (toolbar and canvas) is composed in the back buffer on
//! expose and after a toolbar click.

use clap::Parser;
use std::path::{Path, PathBuf};
use yonder::Connection;
use yonder_apps::pixels::{load, put_rgba};
use yonder_apps::ui::{next_step, Face, Step, Toolbar, Window, WindowSpec};
use yonder_apps::{die, parse_size, Deadline, WindowArgs};
use yonder_protocol::request::ImageFormat;
use yonder_protocol::{Event, EventMask, PixmapId, Point, Rect, Size};

/// Paints with the mouse and saves PNG files.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// Canvas size when FILE does not exist yet.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "400x300")]
    size: (u32, u32),
    /// The picture: loaded at start if it exists, saved with `s`.
    file: Option<PathBuf>,
}

/// Height of the toolbar strip above the canvas.
const TOOLBAR_H: u32 = 36;
/// The palette, `0xRRGGBB`: black, white, red, orange, yellow, green, blue, purple.
const PALETTE: [u32; 8] = [
    0x000000, 0xffffff, 0xe53935, 0xfb8c00, 0xfdd835, 0x43a047, 0x1e88e5, 0x8e24aa,
];
/// The brush widths in pixels.
const WIDTHS: [u32; 3] = [2, 6, 14];
/// Around the canvas when the window is larger.
const BACKGROUND: u32 = 0x9ca0b0;
const PAPER: u32 = 0xffffff;

struct Paint<'c> {
    win: Window<'c>,
    canvas: PixmapId,
    canvas_size: Size,
    toolbar: Toolbar,
    /// Index into [`PALETTE`].
    color: usize,
    /// Index into [`WIDTHS`].
    width: usize,
    /// Where the stroke in progress last was, in canvas coordinates.
    last: Option<Point>,
    file: PathBuf,
}

impl Paint<'_> {
    fn conn(&self) -> &Connection {
        self.win.conn()
    }

    /// Composes the toolbar and the canvas in the back buffer and shows them.
    fn redraw(&self) {
        let back = self.win.back();
        self.win.clear_back();
        let chosen = [self.color, PALETTE.len() + self.width];
        self.toolbar.draw(&self.win, back.into(), &chosen);
        self.win.text(
            back,
            Point::new(self.toolbar.end() + 8, 23),
            12.0,
            0x5c5f77,
            "s: save",
        );
        let Size { width, height } = self.canvas_size;
        self.conn().copy_area(
            self.canvas,
            back,
            self.win.gc,
            Rect::new(0, 0, width, height),
            Point::new(0, TOOLBAR_H as i32),
        );
        self.win.present();
    }

    /// Shows the part `r` of the canvas (canvas coordinates) in the window.
    fn show(&self, r: Rect) {
        let Size { width, height } = self.canvas_size;
        if let Some(r) = r.intersect(&Rect::new(0, 0, width, height)) {
            let at = Point::new(r.x, r.y + TOOLBAR_H as i32);
            self.conn()
                .copy_area(self.canvas, self.win.id, self.win.gc, r, at);
            let _ = self.conn().flush();
        }
    }

    fn press(&mut self, p: Point) {
        if let Some(i) = self.toolbar.hit(p) {
            match i.checked_sub(PALETTE.len()) {
                None => self.color = i,
                Some(w) => self.width = w,
            }
            return self.redraw();
        }
        let at = Point::new(p.x, p.y - TOOLBAR_H as i32);
        let Size { width, height } = self.canvas_size;
        if !Rect::new(0, 0, width, height).contains(at) {
            return;
        }
        let w = WIDTHS[self.width];
        self.win.disc(self.canvas, PALETTE[self.color], at, w);
        self.last = Some(at);
        self.show(around(at, at, w));
    }

    fn drag(&mut self, p: Point) {
        let Some(from) = self.last else { return };
        let to = Point::new(p.x, p.y - TOOLBAR_H as i32);
        if to == from {
            return;
        }
        let w = WIDTHS[self.width];
        self.win.pen(PALETTE[self.color], w);
        self.conn().poly_line(self.canvas, self.win.gc, &[from, to]);
        self.last = Some(to);
        self.show(around(from, to, w));
    }

    fn save(&self) {
        let Size { width, height } = self.canvas_size;
        let png = self
            .conn()
            .get_image(
                self.canvas,
                Rect::new(0, 0, width, height),
                ImageFormat::Png,
            )
            .reply();
        let result = match png {
            Ok(img) => write_atomically(&self.file, &img.data),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(()) => println!("ypaint: saved {}", self.file.display()),
            Err(e) => eprintln!("ypaint: cannot save {}: {e}", self.file.display()),
        }
    }
}

/// The bounding box of a segment drawn `width` wide with round caps, plus a pixel of
/// anti-aliasing.
fn around(a: Point, b: Point, width: u32) -> Rect {
    let pad = width as i32 / 2 + 2;
    let (x0, y0) = (a.x.min(b.x) - pad, a.y.min(b.y) - pad);
    let (x1, y1) = (a.x.max(b.x) + pad, a.y.max(b.y) + pad);
    Rect::new(x0, y0, (x1 - x0) as u32, (y1 - y0) as u32)
}

/// Writes through a temporary file and a rename, so the file is never seen half written.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, data).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from("ypaint.png"));
    let picture = file
        .exists()
        .then(|| load(&file).unwrap_or_else(|e| die("ypaint", e)));
    let (cw, ch) = picture.as_ref().map_or(args.size, |p| p.dimensions());
    let conn = Connection::connect(w.display.as_deref()).unwrap_or_else(|e| die("ypaint", e));
    let mut toolbar = Toolbar::new(Rect::new(0, 0, 0, TOOLBAR_H));
    for rgb in PALETTE {
        toolbar.add(Face::Swatch(rgb));
    }
    toolbar.space();
    for w in WIDTHS {
        toolbar.add(Face::Dot(w));
    }
    let win_w = cw.max(toolbar.end() as u32 + 60);
    toolbar.rect.width = win_w;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let win = Window::open(
        &conn,
        WindowSpec {
            title: &format!("ypaint — {name}"),
            rect: Rect::new(w.x, w.y, win_w, ch + TOOLBAR_H),
            background: BACKGROUND,
            events: EventMask::KEY_PRESS
                | EventMask::BUTTON_PRESS
                | EventMask::BUTTON_RELEASE
                | EventMask::POINTER_MOTION,
        },
    );
    let canvas = conn.new_pixmap_id();
    conn.create_pixmap(canvas, win.id, cw, ch);
    win.fill(canvas, PAPER, &[Rect::new(0, 0, cw, ch)]);
    if let Some(p) = &picture {
        put_rgba(&conn, canvas, win.gc, Point::new(0, 0), p).unwrap_or_else(|e| die("ypaint", e));
    }
    drop(picture);
    let mut app = Paint {
        win,
        canvas,
        canvas_size: Size::new(cw, ch),
        toolbar,
        color: 0,
        width: 1,
        last: None,
        file,
    };
    app.redraw();
    loop {
        let e = match next_step(&conn, &deadline, None) {
            Step::Quit | Step::Wake => break,
            Step::Event(e) => e,
        };
        if app.win.wants_close(&e) {
            break;
        }
        match e {
            Event::Expose(e) if e.count == 0 => app.redraw(),
            // A new size needs a new back buffer and a wider (or narrower) toolbar.
            Event::Configure(e) if app.win.configure(&e) => {
                app.toolbar.rect.width = e.rect.width;
                app.redraw();
            }
            Event::ButtonPress(b) if b.button == 1 => app.press(Point::new(b.x, b.y)),
            Event::ButtonRelease(b) if b.button == 1 => app.last = None,
            Event::Motion(m) => app.drag(Point::new(m.x, m.y)),
            Event::KeyPress(k) if k.keysym == 's' as u32 || k.keysym == 'S' as u32 => app.save(),
            _ => {}
        }
    }
    conn.free_pixmap(canvas);
    app.win.close();
}
