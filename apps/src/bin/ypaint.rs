//! `ypaint [FILE]`: a small paint program, in the line of `xpaint`. The picture lives in a
//! server pixmap (the canvas) under a toolbar strip; button 1 drawn across the canvas
//! paints anti-aliased, round-capped lines in the chosen color and width; the toolbar
//! offers 8 colors and 3 widths (click to choose; the choice is highlighted). `s` (or
//! Ctrl+S) saves the canvas as PNG to FILE (default `./ypaint.png`), read back from the
//! server with GetImage; FILE is loaded at start when it exists (the canvas then takes its
//! size, else `--size`).
//!
//! The "↻" button rotates the picture a quarter turn clockwise (width and height swap,
//! and the window follows the canvas's new size). Colors and widths are chosen by a press
//! on them; "↻" and "Done" are push buttons, clicked by a press and a release on them.
//!
//! `ypaint --embed-into 0xWIN [FILE]` runs as an embedded part of a container (`ydoc`),
//! following the convention of [`yonder_toolkit::embed`]: the window is a child of the
//! container's window `WIN` (so it has no frame), sized to the canvas plus the toolbar;
//! the initial picture is FILE (a temporary file the container wrote; never written
//! back). ypaint sends EMBED_READY to `WIN`; on ACTIVATE it takes the keyboard focus;
//! after every finished stroke and every rotation it publishes the canvas as PNG in
//! `_YONDER_PART_DATA` of its window and sends CONTENT_CHANGED; the "Done" button and
//! Escape publish and send REQUEST_DEACTIVATE; on DEACTIVATE it publishes once more and
//! exits. `s` does not save in this mode. If the container's window is destroyed while
//! ypaint's lives on (the container died and its save-set rescued the part), ypaint goes
//! on as an ordinary paint program.
//!
//! Each stroke segment is drawn into the canvas and only its bounding box is copied to
//! the window; a whole frame (toolbar and canvas) is composed in the back buffer on
//! expose and after a toolbar click.

use clap::Parser;
use image::RgbaImage;
use std::path::{Path, PathBuf};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::{die, parse_size, WindowArgs};
use yonder_protocol::request::{ConfigureWindow, ImageFormat, WindowAttributes};
use yonder_protocol::{keysym, Event, EventMask, PixmapId, Point, Rect, Size, WindowId};
use yonder_toolkit::embed::{self, parse_window, EmbedMessage};
use yonder_toolkit::pixels::{load, put_rgba};
use yonder_toolkit::Deadline;
use yonder_toolkit::{next_step, ButtonFace, Step, Toolbar, Window, WindowSpec, BUTTON};

/// Paints with the mouse and saves PNG files.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// Canvas size when FILE does not exist yet.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "400x300")]
    size: (u32, u32),
    /// Run as an embedded part inside this window of a container (`0x...`).
    #[arg(long, value_name = "WINDOW", value_parser = parse_window)]
    embed_into: Option<WindowId>,
    /// The picture: loaded at start if it exists, saved with `s` (not when embedded).
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
/// Width of the "Done" button.
const DONE_W: u32 = 44;
/// The toolbar's first command button ("↻"; "Done" is the second).
const ROTATE: usize = 0;

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
    /// The container's window when running as an embedded part.
    container: Option<WindowId>,
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
        if self.container.is_none() {
            self.win.text(
                back,
                Point::new(self.toolbar.end() + 8, 23),
                12.0,
                0x5c5f77,
                "s: save",
            );
        }
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

    /// Button 1 went down at `p`: on the toolbar, chooses a color or a width (the palette
    /// first, then the widths) or holds a command button; on the canvas, starts a stroke.
    fn press(&mut self, e: &Event, p: Point) {
        self.toolbar.clicked(e);
        if p.y < TOOLBAR_H as i32 {
            match self.toolbar.hit(p) {
                Some(c) if c < PALETTE.len() => self.color = c,
                Some(w) => self.width = w - PALETTE.len(),
                None => {}
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

    /// Button 1 came up: the end of a stroke (an embedded part publishes the new
    /// picture) or of a click on a command button.
    fn release(&mut self, e: &Event) {
        if self.last.take().is_some() {
            return self.publish(EmbedMessage::ContentChanged);
        }
        let clicked = self.toolbar.clicked(e);
        self.redraw();
        match clicked {
            Some(ROTATE) => self.rotate(),
            Some(_) => self.done(),
            None => {}
        }
    }

    /// The canvas as a PNG file, read back from the server.
    fn png(&self) -> Result<Vec<u8>, String> {
        let Size { width, height } = self.canvas_size;
        self.conn()
            .get_image(
                self.canvas,
                Rect::new(0, 0, width, height),
                ImageFormat::Png,
            )
            .reply()
            .map(|img| img.data)
            .map_err(|e| e.to_string())
    }

    /// When embedded: puts the canvas in `_YONDER_PART_DATA` and tells the container with
    /// `then` (CONTENT_CHANGED or REQUEST_DEACTIVATE).
    fn publish(&self, then: EmbedMessage) {
        let Some(container) = self.container else {
            return;
        };
        match self.png() {
            Ok(png) => {
                if let Err(e) = embed::publish(self.conn(), self.win.id, &png) {
                    die("ypaint", e);
                }
            }
            Err(e) => eprintln!("ypaint: cannot read the canvas: {e}"),
        }
        then.send(self.conn(), container);
        let _ = self.conn().flush();
    }

    /// The Done button or Escape: an embedded part asks its container to end editing.
    fn done(&mut self) {
        self.publish(EmbedMessage::RequestDeactivate);
    }

    /// Turns the picture a quarter turn clockwise: a new canvas of the swapped size, and
    /// a window resized to fit it (an embedded part's container lays out again).
    fn rotate(&mut self) {
        let Size { width, height } = self.canvas_size;
        let raw = self
            .conn()
            .get_image(
                self.canvas,
                Rect::new(0, 0, width, height),
                ImageFormat::Rgba,
            )
            .reply();
        let img = match raw.map(|r| RgbaImage::from_raw(r.width, r.height, r.data)) {
            Ok(Some(img)) => image::imageops::rotate90(&img),
            Ok(None) => return eprintln!("ypaint: the server sent a short image"),
            Err(e) => return eprintln!("ypaint: cannot read the canvas: {e}"),
        };
        let (w, h) = img.dimensions();
        let canvas = self.conn().new_pixmap_id();
        self.conn().create_pixmap(canvas, self.win.id, w, h);
        if let Err(e) = put_rgba(self.conn(), canvas, self.win.gc, Point::new(0, 0), &img) {
            die("ypaint", e);
        }
        self.conn().free_pixmap(self.canvas);
        self.canvas = canvas;
        self.canvas_size = Size::new(w, h);
        let size = window_size(&self.toolbar, self.canvas_size, self.container.is_some());
        self.conn().configure_window(ConfigureWindow {
            window: self.win.id,
            x: None,
            y: None,
            width: Some(size.width),
            height: Some(size.height),
            stack_mode: None,
            sibling: None,
        });
        // The Configure event brings a new back buffer and a full redraw; until then the
        // old one shows what fits.
        self.redraw();
        self.publish(EmbedMessage::ContentChanged);
    }

    fn save(&self) {
        if self.container.is_some() {
            return; // the container keeps the picture
        }
        let result = self
            .png()
            .and_then(|png| write_atomically(&self.file, &png));
        match result {
            Ok(()) => println!("ypaint: saved {}", self.file.display()),
            Err(e) => eprintln!("ypaint: cannot save {}: {e}", self.file.display()),
        }
    }
}

/// The window's size for a canvas of `canvas` under `toolbar`: wide enough for the
/// toolbar (and the "s: save" hint when not embedded).
fn window_size(toolbar: &Toolbar, canvas: Size, embedded: bool) -> Size {
    let hint = if embedded { 0 } else { 60 };
    Size::new(
        canvas.width.max(toolbar.end() as u32 + hint),
        canvas.height + TOOLBAR_H,
    )
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
        toolbar.add(ButtonFace::Swatch(rgb));
    }
    toolbar.space();
    for w in WIDTHS {
        toolbar.add(ButtonFace::Dot(w));
    }
    toolbar.space();
    toolbar.add_command("↻", BUTTON);
    if args.embed_into.is_some() {
        toolbar.add_command("Done", DONE_W);
    }
    let size = window_size(&toolbar, Size::new(cw, ch), args.embed_into.is_some());
    toolbar.rect.width = size.width;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let spec = WindowSpec {
        title: &format!("ypaint — {name}"),
        rect: Rect::new(w.x, w.y, size.width, size.height),
        background: BACKGROUND,
        events: EventMask::KEY_PRESS
            | EventMask::BUTTON_PRESS
            | EventMask::BUTTON_RELEASE
            | EventMask::POINTER_MOTION,
    };
    let win = match args.embed_into {
        Some(container) => Window::open_in(&conn, container, spec),
        None => Window::open(&conn, spec),
    };
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
        container: args.embed_into,
    };
    app.redraw();
    if let Some(container) = app.container {
        // STRUCTURE_NOTIFY on the container brings its Destroy: if it goes while this
        // window lives on (rescued by the container's save-set), ypaint carries on as an
        // ordinary paint program.
        conn.change_window_attributes(
            container,
            WindowAttributes {
                event_mask: Some(EventMask::STRUCTURE_NOTIFY),
                ..Default::default()
            },
        );
        EmbedMessage::EmbedReady { part: app.win.id }.send(&conn, container);
        let _ = conn.flush();
    }
    loop {
        let e = match next_step(&conn, &deadline, None) {
            Step::Quit | Step::Wake => break,
            Step::Event(e) => e,
        };
        if app.win.wants_close(&e) {
            break;
        }
        match EmbedMessage::from_event(&e) {
            Some((to, EmbedMessage::Activate)) if to == app.win.id => {
                conn.set_input_focus(app.win.id);
                let _ = conn.flush();
                continue;
            }
            Some((to, EmbedMessage::Deactivate)) if to == app.win.id => {
                app.publish(EmbedMessage::ContentChanged);
                break;
            }
            _ => {}
        }
        match e {
            Event::Destroy(d) if Some(d.window) == app.container => app.container = None,
            Event::Expose(e) if e.count == 0 => app.redraw(),
            // A new size needs a new back buffer and a wider (or narrower) toolbar.
            Event::Configure(e) if app.win.configure(&e) => {
                app.toolbar.rect.width = e.rect.width;
                app.redraw();
            }
            Event::ButtonPress(ref b) if b.button == 1 => app.press(&e, Point::new(b.x, b.y)),
            Event::ButtonRelease(ref b) if b.button == 1 => app.release(&e),
            Event::Motion(m) => app.drag(Point::new(m.x, m.y)),
            Event::KeyPress(k) if k.keysym == 's' as u32 || k.keysym == 'S' as u32 => app.save(),
            Event::KeyPress(k) if k.keysym == keysym::ESCAPE => app.done(),
            _ => {}
        }
    }
    conn.free_pixmap(app.canvas);
    app.win.close();
}
