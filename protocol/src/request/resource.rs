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
///
/// Encoded as an array of 10, 11 or 12 elements (protocol.md §9.32): the fields added by
/// later versions are left out from the end while absent, so that what an older server
/// reads is what it knows (serialized by hand: serde's derive could skip only the last).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
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
    /// absent and `text_antialias` is too, so a GcValues without either is the ten
    /// fields of 1.6.
    #[serde(default)]
    pub font_face: Option<u8>,
    /// Added in 1.11: whether text is antialiased (default true). False draws each glyph
    /// pixel in the foreground or not at all, as X's core fonts do: crisp terminal text,
    /// and the cheapest text to draw. Left out of the encoding when absent (with
    /// `font_face` too when that is absent as well).
    #[serde(default)]
    pub text_antialias: Option<bool>,
}

impl GcValues {
    /// The minor version `font_face` came in (1.7).
    pub const FONT_FACE_SINCE: u16 = 7;
    /// The minor version `text_antialias` came in (1.11).
    pub const TEXT_ANTIALIAS_SINCE: u16 = 11;

    /// Elements of the encoding a display of version 1.`minor` takes at most: the ten of
    /// 1.6, and one for each later field of its version or before.
    pub fn fields_of(minor: u16) -> usize {
        10 + usize::from(minor >= Self::FONT_FACE_SINCE)
            + usize::from(minor >= Self::TEXT_ANTIALIAS_SINCE)
    }

    /// Elements of the encoding: the ten of 1.6, and the later fields up to the last one
    /// present.
    pub fn encoded_len(&self) -> usize {
        match (self.font_face, self.text_antialias) {
            (_, Some(_)) => 12,
            (Some(_), None) => 11,
            (None, None) => 10,
        }
    }

    /// These values without the fields of versions after 1.`minor` (for a replay to an
    /// older server, which draws with their defaults anyway); None if there are none to
    /// leave out.
    pub fn for_minor(&self, minor: u16) -> Option<GcValues> {
        let face = self.font_face.is_some() && minor < Self::FONT_FACE_SINCE;
        let aa = self.text_antialias.is_some() && minor < Self::TEXT_ANTIALIAS_SINCE;
        (face || aa).then(|| GcValues {
            font_face: if face { None } else { self.font_face },
            text_antialias: if aa { None } else { self.text_antialias },
            ..self.clone()
        })
    }
}

impl Serialize for GcValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let n = self.encoded_len();
        let mut t = s.serialize_tuple(n)?;
        t.serialize_element(&self.foreground)?;
        t.serialize_element(&self.background)?;
        t.serialize_element(&self.line_width)?;
        t.serialize_element(&self.antialias)?;
        t.serialize_element(&self.font_size)?;
        t.serialize_element(&self.op)?;
        t.serialize_element(&self.fill_rule)?;
        t.serialize_element(&self.arc_mode)?;
        t.serialize_element(&self.cap_style)?;
        t.serialize_element(&self.join_style)?;
        if n > 10 {
            t.serialize_element(&self.font_face)?;
        }
        if n > 11 {
            t.serialize_element(&self.text_antialias)?;
        }
        t.end()
    }
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
