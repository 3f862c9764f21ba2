//! Pixmap and graphics-context requests.

use crate::geometry::{Color, Point, Rect};
use crate::ids::{Drawable, GcId, PixmapId};
use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// Creates an offscreen drawable, initially transparent black. Errors: IdChoice, Value, Alloc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatePixmap {
    /// The new pixmap's id, chosen by the client.
    pub id: PixmapId,
    /// Any drawable of the screen (its screen is the pixmap's).
    pub drawable: Drawable,
    /// Width (≥ 1).
    pub width: u32,
    /// Height (≥ 1).
    pub height: u32,
}

/// Frees a pixmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FreePixmap {
    /// The pixmap.
    pub pixmap: PixmapId,
}

/// How drawn pixels combine with what is there (Porter–Duff and friends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum CompositeOp {
    /// Source over destination (default; equals copy for opaque colors).
    Over = 0,
    /// Replace destination, alpha included.
    Source = 1,
    /// Clear to transparent.
    Clear = 2,
    /// Porter–Duff xor.
    Xor = 3,
    /// Add components.
    Add = 4,
    /// Multiply.
    Multiply = 5,
    /// Screen.
    Screen = 6,
}

/// Polygon fill rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum FillRule {
    /// Even-odd (default, like X).
    EvenOdd = 0,
    /// Non-zero winding.
    Winding = 1,
}

/// How a filled arc is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum ArcMode {
    /// Lines to the center (default, like X).
    PieSlice = 0,
    /// A straight line between the ends.
    Chord = 1,
}

/// Line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum CapStyle {
    /// Square end at the endpoint (default).
    Butt = 0,
    /// Round end.
    Round = 1,
    /// Square end extended by half the width.
    Square = 2,
}

/// Line joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum JoinStyle {
    /// Mitered (default).
    Miter = 0,
    /// Rounded.
    Round = 1,
    /// Beveled.
    Bevel = 2,
}

/// Graphics-context values. In [`CreateGc`] an absent value takes the default shown; in
/// [`ChangeGc`] an absent value stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GcValues {
    /// Drawing color (default opaque black).
    pub foreground: Option<Color>,
    /// Background color, used by text backgrounds and future stipples (default opaque white).
    pub background: Option<Color>,
    /// Line width in pixels; 0 is a thin one-pixel line (default 0).
    pub line_width: Option<u32>,
    /// Anti-aliased edges for lines, arcs and polygons (default false, like X).
    pub antialias: Option<bool>,
    /// Text size in pixels (default 14).
    pub font_size: Option<f32>,
    /// Compositing operator (default Over).
    pub op: Option<CompositeOp>,
    /// Polygon fill rule (default EvenOdd).
    pub fill_rule: Option<FillRule>,
    /// Arc fill mode (default PieSlice).
    pub arc_mode: Option<ArcMode>,
    /// Line caps (default Butt).
    pub cap_style: Option<CapStyle>,
    /// Line joins (default Miter).
    pub join_style: Option<JoinStyle>,
    /// Added in 1.7: the text face, a number of the setup's `fonts` (0 DejaVu Sans, the
    /// default; 1 DejaVu Sans Bold; 2 DejaVu Sans Mono). Left out of the encoding when
    /// absent, so a GcValues without it is the ten fields of 1.6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_face: Option<u8>,
}

/// Creates a graphics context for drawables of the screen of `drawable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateGc {
    /// The new GC's id, chosen by the client.
    pub id: GcId,
    /// Any drawable of the target screen.
    pub drawable: Drawable,
    /// Initial values.
    pub values: GcValues,
}

/// Changes values of a graphics context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeGc {
    /// The GC.
    pub gc: GcId,
    /// The values to change.
    pub values: GcValues,
}

/// Sets (or with `rects: None` removes) the GC's clip: drawing only touches pixels inside
/// the union of `rects`, each offset by `origin`. An empty list clips everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetClipRectangles {
    /// The GC.
    pub gc: GcId,
    /// Offset added to every rectangle.
    pub origin: Point,
    /// The clip rectangles, or none for no clipping.
    pub rects: Option<Vec<Rect>>,
}

/// Frees a graphics context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FreeGc {
    /// The GC.
    pub gc: GcId,
}
