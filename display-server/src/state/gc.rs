//! A graphics context: resolved drawing values plus the clip rectangles, with the
//! rasterizer's clip mask cached per drawable size so repeated draws do not rebuild it.

use crate::render::{CapStyle, Clip, IRect, JoinStyle, Op, Style};
use yonder_fonts::Face;
use yonder_protocol::request::{self as rq, ArcMode, CompositeOp, FillRule, GcValues};
use yonder_protocol::{Color, Point, Rect};

/// A graphics context.
#[derive(Debug)]
pub struct Gc {
    /// Drawing color.
    pub foreground: Color,
    /// Background color.
    pub background: Color,
    /// Line width (0: thin).
    pub line_width: u32,
    /// Anti-aliasing.
    pub antialias: bool,
    /// Text size in pixels.
    pub font_size: f32,
    /// Anti-aliased text (1.11).
    pub text_antialias: bool,
    /// Text face: a number of `Face`, checked when set (see [`Gc::face`]).
    pub font_face: u8,
    /// Compositing operator.
    pub op: CompositeOp,
    /// Polygon fill rule.
    pub fill_rule: FillRule,
    /// Arc fill mode.
    pub arc_mode: ArcMode,
    /// Line caps.
    pub cap: rq::CapStyle,
    /// Line joins.
    pub join: rq::JoinStyle,
    /// Clip rectangles (already offset by the clip origin), or None.
    clip: Option<Vec<Rect>>,
    /// The clip mask for the last drawable size it was built for.
    clip_cache: Option<Clip>,
    /// The bytes of `clip_cache` counted in the server's budget of cached clips
    /// (`State::settle_clip_cache`).
    pub(crate) clip_charged: u64,
}

impl Default for Gc {
    fn default() -> Self {
        Gc {
            foreground: Color::BLACK,
            background: Color::WHITE,
            line_width: 0,
            antialias: false,
            font_size: 14.0,
            font_face: 0,
            text_antialias: true,
            op: CompositeOp::Over,
            fill_rule: FillRule::EvenOdd,
            arc_mode: ArcMode::PieSlice,
            cap: rq::CapStyle::Butt,
            join: rq::JoinStyle::Miter,
            clip: None,
            clip_charged: 0,
            clip_cache: None,
        }
    }
}

/// The widest line a GC may have (protocol.md §9.32's GcValues).
pub const MAX_LINE_WIDTH: u32 = 4096;

/// Font sizes accepted: anything else is a Value error.
pub const FONT_SIZE_RANGE: std::ops::RangeInclusive<f32> = 1.0..=512.0;

/// The first value of `v` out of range, in field order, and a sentence (off the hot path
/// of ChangeGc, which every request without values takes).
#[cold]
#[inline(never)]
fn out_of_range(v: &GcValues) -> (u64, &'static str) {
    match (v.line_width, v.font_size, v.font_face) {
        (Some(width), _, _) if width > MAX_LINE_WIDTH => {
            (width as u64, "line_width must be at most 4096")
        }
        (_, Some(size), _) if !FONT_SIZE_RANGE.contains(&size) => {
            (size as u64, "font_size must be between 1 and 512")
        }
        (_, _, Some(face)) => (
            u64::from(face),
            "font_face must be a face of the setup's fonts: 0, 1 or 2",
        ),
        _ => (0, "a GC value is out of range"),
    }
}

impl Gc {
    /// Applies the values that are present. Returns a value out of range, as its Value
    /// error's `bad_value` (protocol.md §12: a font size cast with saturation, NaN as 0) and
    /// a sentence.
    #[inline]
    pub fn apply(&mut self, v: &GcValues) -> Result<(), (u64, &'static str)> {
        // Check everything first: a failed request changes nothing.
        if v.font_size.is_some_and(|s| !FONT_SIZE_RANGE.contains(&s))
            || v.line_width.is_some_and(|w| w > MAX_LINE_WIDTH)
            || v.font_face
                .is_some_and(|f| usize::from(f) >= Face::ALL.len())
        {
            return Err(out_of_range(v));
        }
        macro_rules! set {
            ($($field:ident => $target:ident),*) => { $( if let Some(x) = v.$field { self.$target = x; } )* };
        }
        set!(font_size => font_size, font_face => font_face, line_width => line_width, foreground => foreground, background => background, antialias => antialias, text_antialias => text_antialias, op => op,
             fill_rule => fill_rule, arc_mode => arc_mode, cap_style => cap, join_style => join);
        Ok(())
    }

    /// The text face.
    pub fn face(&self) -> Face {
        Face::from_number(self.font_face).unwrap_or_default()
    }

    /// How many clip rectangles it holds.
    pub fn clip_len(&self) -> usize {
        self.clip.as_ref().map_or(0, Vec::len)
    }

    /// Sets or removes the clip rectangles.
    pub fn set_clip(&mut self, origin: Point, rects: Option<Vec<Rect>>) {
        self.clip = rects.map(|rs| {
            rs.into_iter()
                .map(|r| r.translate(origin.x, origin.y))
                .collect()
        });
        self.clip_cache = None;
    }

    /// The heap memory of its cached clip.
    pub fn clip_cache_bytes(&self) -> u64 {
        self.clip_cache.as_ref().map_or(0, Clip::heap_bytes)
    }

    /// Forgets its cached clip (built again at its next drawing).
    pub fn drop_clip_cache(&mut self) {
        self.clip_cache = None;
    }

    /// The rasterizer's style for drawing into a drawable of `size`.
    pub fn style(&mut self, width: u32, height: u32) -> Style<'_> {
        let clip = match &self.clip {
            None => None,
            Some(rects) => {
                let stale = self
                    .clip_cache
                    .as_ref()
                    .is_none_or(|c| c.size() != (width, height));
                if stale {
                    let irects: Vec<IRect> = rects
                        .iter()
                        .map(|r| IRect::new(r.x, r.y, r.width, r.height))
                        .collect();
                    self.clip_cache = Some(Clip::from_rects(&irects, width, height));
                }
                self.clip_cache.as_ref()
            }
        };
        Style {
            color: self.foreground.0,
            line_width: self.line_width,
            antialias: self.antialias,
            text_antialias: self.text_antialias,
            op: op_of(self.op),
            even_odd: self.fill_rule == FillRule::EvenOdd,
            pie_slice: self.arc_mode == ArcMode::PieSlice,
            cap: match self.cap {
                rq::CapStyle::Butt => CapStyle::Butt,
                rq::CapStyle::Round => CapStyle::Round,
                rq::CapStyle::Square => CapStyle::Square,
            },
            join: match self.join {
                rq::JoinStyle::Miter => JoinStyle::Miter,
                rq::JoinStyle::Round => JoinStyle::Round,
                rq::JoinStyle::Bevel => JoinStyle::Bevel,
            },
            clip,
            workers: None,
            source_opaque: false,
        }
    }
}

fn op_of(op: CompositeOp) -> Op {
    match op {
        CompositeOp::Over => Op::Over,
        CompositeOp::Source => Op::Source,
        CompositeOp::Clear => Op::Clear,
        CompositeOp::Xor => Op::Xor,
        CompositeOp::Add => Op::Add,
        CompositeOp::Multiply => Op::Multiply,
        CompositeOp::Screen => Op::Screen,
    }
}

/// Converts a protocol rectangle for the rasterizer.
pub fn irect(r: Rect) -> IRect {
    IRect::new(r.x, r.y, r.width, r.height)
}

/// Converts a rasterizer rectangle back.
pub fn prect(r: IRect) -> Rect {
    Rect::new(r.x, r.y, r.width, r.height)
}
