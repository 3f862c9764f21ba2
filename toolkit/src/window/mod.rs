//! [`Window`]: a top-level window with a title, `WM_DELETE_WINDOW` support (the close
//! button of the window manager), one graphics context, and a back buffer: the app draws a
//! whole frame into a pixmap and [`Window::present`] copies it to the window in one
//! request, so the screen never shows a half-drawn frame. A resize gives a new back
//! buffer ([`Window::configure`]). What the window tells the window manager (its kind,
//! sizes, states and icon) is in `hints.rs`.

mod hints;
mod text;

pub use hints::Hints;

use yonder::prelude::*;
use yonder::{Connection, ConnectionError};
use yonder_fonts::Face;
use yonder_protocol::event::ConfigureEvent;
use yonder_protocol::geometry::Arc;
use yonder_protocol::request::{CapStyle, GcValues, JoinStyle, PropMode, WindowAttributes};
use yonder_protocol::{
    atoms, Color, Drawable, Event, EventMask, GcId, PixmapId, Point, Rect, Size, WindowId,
};

/// Room the server's window manager takes around a top-level window: 4-pixel borders left
/// and right, a 24-pixel title bar above and a 4-pixel border below.
pub const FRAME_ROOM: Size = Size::new(8, 28);

/// The largest window that fits on the screen with its frame around it.
pub fn max_window_size(conn: &Connection) -> Result<Size, ConnectionError> {
    let s = conn.screen()?;
    Ok(Size::new(
        s.width.saturating_sub(FRAME_ROOM.width).max(1),
        s.height.saturating_sub(FRAME_ROOM.height).max(1),
    ))
}

/// What a new [`Window`] looks like.
pub struct WindowSpec<'a> {
    /// The title the window manager shows.
    pub title: &'a str,
    /// Position (0, 0: let the window manager place it) and size.
    pub rect: Rect,
    /// Background color, `0xRRGGBB`: what the window and a fresh back buffer show.
    pub background: u32,
    /// Input events wanted besides exposure and structure changes.
    pub events: EventMask,
}

/// A top-level window with its graphics context and back buffer.
pub struct Window<'c> {
    conn: &'c Connection,
    /// The window.
    pub id: WindowId,
    /// The graphics context the app draws with: anti-aliased, round caps and joins.
    pub gc: GcId,
    back: PixmapId,
    size: Size,
    background: u32,
    /// What the server answered when asked to measure text (fonts not the toolkit's).
    measured: text::Measured,
}

impl<'c> Window<'c> {
    /// Creates the window, its GC and back buffer, sets its title and `WM_PROTOCOLS`, and
    /// maps it. Nothing waits for the server: the app can draw its first frame at once.
    pub fn open(conn: &'c Connection, spec: WindowSpec) -> Window<'c> {
        Window::open_in(conn, conn.root(), spec)
    }

    /// Like [`Window::open`], as a child of `parent` (which may be another client's
    /// window: an embedded part inside its container). Not being top-level, the window
    /// gets no frame from the window manager.
    pub fn open_in(conn: &'c Connection, parent: WindowId, spec: WindowSpec) -> Window<'c> {
        let w = Window::create(conn, parent, spec);
        conn.map_window(w.id);
        w
    }

    /// The window, its GC and back buffer, its title and `WM_PROTOCOLS`, not mapped yet
    /// (hints the window manager reads at the first map go in first).
    fn create(conn: &'c Connection, parent: WindowId, spec: WindowSpec) -> Window<'c> {
        let id = conn.new_window_id();
        let size = Size::new(spec.rect.width.max(1), spec.rect.height.max(1));
        conn.create_window(
            id,
            parent,
            Rect::new(spec.rect.x, spec.rect.y, size.width, size.height),
            WindowAttributes {
                background: Some(Color::rgb(spec.background)),
                event_mask: Some(EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY | spec.events),
                ..Default::default()
            },
        );
        conn.set_title(id, spec.title);
        conn.change_property(
            id,
            atoms::WM_PROTOCOLS,
            atoms::ATOM,
            PropMode::Replace,
            atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
        );
        let gc = conn.new_gc_id();
        conn.create_gc(
            gc,
            id,
            GcValues {
                antialias: Some(true),
                cap_style: Some(CapStyle::Round),
                join_style: Some(JoinStyle::Round),
                ..Default::default()
            },
        );
        let back = conn.new_pixmap_id();
        conn.create_pixmap(back, id, size.width, size.height);
        Window {
            conn,
            id,
            gc,
            back,
            size,
            background: spec.background,
            measured: Default::default(),
        }
    }

    /// The connection.
    pub fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// The back buffer: draw a frame here, then [`Window::present`] it.
    pub fn back(&self) -> PixmapId {
        self.back
    }

    /// The window's current size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Takes a Configure event: when it resized this window, makes a back buffer of the
    /// new size and returns true (the app should draw a new frame).
    pub fn configure(&mut self, e: &ConfigureEvent) -> bool {
        let new = Size::new(e.rect.width, e.rect.height);
        if e.window != self.id || new == self.size || new.width == 0 || new.height == 0 {
            return false;
        }
        self.conn.free_pixmap(self.back);
        self.back = self.conn.new_pixmap_id();
        self.conn
            .create_pixmap(self.back, self.id, new.width, new.height);
        self.size = new;
        true
    }

    /// Whether `e` asks this app to end: the window manager's close request
    /// (`WM_PROTOCOLS` / `WM_DELETE_WINDOW`) or the window's destruction.
    pub fn wants_close(&self, e: &Event) -> bool {
        match e {
            Event::ClientMessage(m) => {
                m.window == self.id
                    && m.type_ == atoms::WM_PROTOCOLS
                    && m.data.get(..4) == Some(&atoms::WM_DELETE_WINDOW.0.to_le_bytes()[..])
            }
            Event::Destroy(d) => d.window == self.id,
            _ => false,
        }
    }

    /// Sets the color (`0xRRGGBB`) and line width the GC draws with.
    pub fn pen(&self, rgb: u32, line_width: u32) {
        self.conn.change_gc(
            self.gc,
            GcValues {
                foreground: Some(Color::rgb(rgb)),
                line_width: Some(line_width),
                ..Default::default()
            },
        );
    }

    /// Fills `rects` of `d` with `rgb`.
    pub fn fill(&self, d: impl Into<Drawable>, rgb: u32, rects: &[Rect]) {
        self.pen(rgb, 0);
        self.conn.poly_fill_rectangle(d, self.gc, rects);
    }

    /// Fills the circle of diameter `diameter` centered at `c` with `rgb`.
    pub fn disc(&self, d: impl Into<Drawable>, rgb: u32, c: Point, diameter: u32) {
        self.pen(rgb, 0);
        let r = diameter as i32 / 2;
        let bounds = Rect::new(c.x - r, c.y - r, diameter, diameter);
        self.conn.poly_fill_arc(d, self.gc, &[Arc::ellipse(bounds)]);
    }

    /// Draws a `width`-pixel outline just inside `r`.
    pub fn outline(&self, d: impl Into<Drawable>, rgb: u32, r: Rect, width: u32) {
        let w = width.min(r.width / 2).min(r.height / 2);
        let (right, bottom) = (r.x + (r.width - w) as i32, r.y + (r.height - w) as i32);
        self.fill(
            d,
            rgb,
            &[
                Rect::new(r.x, r.y, r.width, w),
                Rect::new(r.x, bottom, r.width, w),
                Rect::new(r.x, r.y, w, r.height),
                Rect::new(right, r.y, w, r.height),
            ],
        );
    }

    /// Clips what the GC draws to `r` (window- or pixmap-relative), or not at all
    /// (`None`).
    pub fn clip(&self, r: Option<Rect>) {
        let rects = r.map(|r| [r]);
        self.conn
            .set_clip_rectangles(self.gc, Point::new(0, 0), rects.as_ref().map(|a| &a[..]));
    }

    /// Fills the whole back buffer with the window's background.
    pub fn clear_back(&self) {
        let Size { width, height } = self.size;
        self.fill(
            self.back,
            self.background,
            &[Rect::new(0, 0, width, height)],
        );
    }

    /// Draws `text` in `rgb` at `px` pixels with the left end of its baseline at `origin`,
    /// in DejaVu Sans.
    pub fn text(&self, d: impl Into<Drawable>, origin: Point, px: f32, rgb: u32, text: &str) {
        self.text_in(d, origin, Face::Sans, px, rgb, text);
    }

    /// Draws `text` in `face` (bold, monospace: protocol 1.7); a server of 1.6 or earlier
    /// draws every face as Sans.
    pub fn text_in(
        &self,
        d: impl Into<Drawable>,
        origin: Point,
        face: Face,
        px: f32,
        rgb: u32,
        text: &str,
    ) {
        self.set_font(face, px);
        self.pen(rgb, 0);
        self.conn.draw_text(d, self.gc, origin, text);
    }

    /// Copies `r` of the back buffer to the same place in the window, and sends what is
    /// queued.
    pub fn present_rect(&self, r: Rect) {
        self.conn
            .copy_area(self.back, self.id, self.gc, r, r.origin());
        // A failed connection shows up at the next wait, where the loop ends.
        let _ = self.conn.flush();
    }

    /// Shows the back buffer: copies all of it to the window.
    pub fn present(&self) {
        let Size { width, height } = self.size;
        self.present_rect(Rect::new(0, 0, width, height));
    }

    /// Destroys the window and waits until the server has done so.
    pub fn close(self) {
        self.conn.destroy_window(self.id);
        let _ = self.conn.sync();
    }
}
