//! Coordinates, sizes, rectangles and colors as they appear in messages, and the other
//! small value types that requests and events share (drag-and-drop actions).
//!
//! All positions are `i32` and sizes `u32` (X11 used 16 bits; we do not). A rectangle is
//! the half-open pixel range `x..x+width` × `y..y+height`. On the wire each of these is a
//! short MessagePack array: a point is `[x, y]`, a rectangle `[x, y, width, height]`.

use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// A position in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal, growing to the right.
    pub x: i32,
    /// Vertical, growing downwards.
    pub y: i32,
}

impl Point {
    /// A point at (x, y).
    pub const fn new(x: i32, y: i32) -> Point {
        Point { x, y }
    }
}

/// A size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Size {
    /// A size of width × height.
    pub const fn new(width: u32, height: u32) -> Size {
        Size { width, height }
    }
}

/// An axis-aligned rectangle: pixels `x..x+width` × `y..y+height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Rect {
    /// A rectangle at (x, y) of width × height.
    pub const fn new(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }
    /// The top-left corner.
    pub fn origin(&self) -> Point {
        Point::new(self.x, self.y)
    }
    /// The size.
    pub fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }
    /// One past the right edge.
    pub fn right(&self) -> i64 {
        self.x as i64 + self.width as i64
    }
    /// One past the bottom edge.
    pub fn bottom(&self) -> i64 {
        self.y as i64 + self.height as i64
    }
    /// Whether the rectangle covers no pixel.
    pub fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }
    /// Whether the pixel at `p` lies inside.
    pub fn contains(&self, p: Point) -> bool {
        (p.x as i64) >= self.x as i64
            && (p.x as i64) < self.right()
            && (p.y as i64) >= self.y as i64
            && (p.y as i64) < self.bottom()
    }
    /// The overlap of two rectangles, if any pixel is shared.
    pub fn intersect(&self, o: &Rect) -> Option<Rect> {
        let x0 = (self.x as i64).max(o.x as i64);
        let y0 = (self.y as i64).max(o.y as i64);
        let x1 = self.right().min(o.right());
        let y1 = self.bottom().min(o.bottom());
        (x1 > x0 && y1 > y0)
            .then(|| Rect::new(x0 as i32, y0 as i32, (x1 - x0) as u32, (y1 - y0) as u32))
    }
    /// The smallest rectangle holding both (an empty one is ignored).
    pub fn union(&self, o: &Rect) -> Rect {
        if self.is_empty() {
            return *o;
        }
        if o.is_empty() {
            return *self;
        }
        let x0 = (self.x as i64).min(o.x as i64);
        let y0 = (self.y as i64).min(o.y as i64);
        let x1 = self.right().max(o.right());
        let y1 = self.bottom().max(o.bottom());
        Rect::new(
            x0 as i32,
            y0 as i32,
            (x1 - x0).min(u32::MAX as i64) as u32,
            (y1 - y0).min(u32::MAX as i64) as u32,
        )
    }
    /// The rectangle moved by (dx, dy).
    pub fn translate(&self, dx: i32, dy: i32) -> Rect {
        Rect::new(
            self.x.saturating_add(dx),
            self.y.saturating_add(dy),
            self.width,
            self.height,
        )
    }
}

/// A line segment from (x1, y1) to (x2, y2); on the wire `[x1, y1, x2, y2]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Segment {
    /// Start x.
    pub x1: i32,
    /// Start y.
    pub y1: i32,
    /// End x.
    pub x2: i32,
    /// End y.
    pub y2: i32,
}

/// An arc of the ellipse inscribed in a rectangle (X11's arc): angles in 1/64 degree,
/// 0 at three o'clock, positive counter-clockwise; `angle2` is the extent relative to
/// `angle1`. On the wire `[x, y, width, height, angle1, angle2]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Arc {
    /// Bounding box left.
    pub x: i32,
    /// Bounding box top.
    pub y: i32,
    /// Bounding box width.
    pub width: u32,
    /// Bounding box height.
    pub height: u32,
    /// Start angle, 1/64 degree.
    pub angle1: i32,
    /// Extent, 1/64 degree (360*64 or more is the full ellipse).
    pub angle2: i32,
}

impl Arc {
    /// The full ellipse inscribed in the rectangle.
    pub fn ellipse(r: Rect) -> Arc {
        Arc {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
            angle1: 0,
            angle2: 360 * 64,
        }
    }
}

/// A color as `0xAARRGGBB` with straight (not premultiplied) alpha; `0xFF` alpha is opaque.
/// Note that `0x00RRGGBB` is fully transparent: use [`Color::rgb`] for opaque colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Color(pub u32);

impl Color {
    /// Opaque black.
    pub const BLACK: Color = Color(0xFF00_0000);
    /// Opaque white.
    pub const WHITE: Color = Color(0xFFFF_FFFF);
    /// Fully transparent.
    pub const TRANSPARENT: Color = Color(0);
    /// An opaque color from `0xRRGGBB`.
    pub const fn rgb(rgb: u32) -> Color {
        Color(0xFF00_0000 | (rgb & 0x00FF_FFFF))
    }
    /// A color from components.
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Color {
        Color((a as u32) << 24 | (r as u32) << 16 | (g as u32) << 8 | b as u32)
    }
    /// Alpha component.
    pub const fn alpha(self) -> u8 {
        (self.0 >> 24) as u8
    }
}

/// Drag-and-drop actions as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DndActions(pub u8);

impl DndActions {
    /// Copy the data.
    pub const COPY: DndActions = DndActions(1);
    /// Move it (the source deletes its copy after a successful drop).
    pub const MOVE: DndActions = DndActions(2);
    /// Link to it.
    pub const LINK: DndActions = DndActions(4);
    /// Whether `a` is in the set.
    pub fn allows(self, a: DndAction) -> bool {
        a != DndAction::None && self.0 & (a as u8) != 0
    }
}

impl std::ops::BitOr for DndActions {
    type Output = DndActions;
    fn bitor(self, o: DndActions) -> DndActions {
        DndActions(self.0 | o.0)
    }
}

/// One drag-and-drop action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum DndAction {
    /// No action (refused).
    #[default]
    None = 0,
    /// Copy.
    Copy = 1,
    /// Move.
    Move = 2,
    /// Link.
    Link = 4,
}
