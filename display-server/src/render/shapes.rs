//! Straight-edged primitives: rectangle fills and outlines, points, poly-lines,
//! independent segments and polygons, plus the shared helpers that stroke or fill a
//! tiny-skia path with a [`Style`] (also used by `arcs.rs`).

use tiny_skia::{
    FillRule, LineCap, LineJoin, Path, PathBuilder, Pixmap, PremultipliedColorU8, Rect, Stroke,
    Transform,
};

use super::clip::Region;
use super::compose::{blend_pixel, write_span_rect};
use super::geom::{add_polygon, add_polyline, Pt, SafeBox, MAX_LINE_WIDTH};
use super::lines::{thin_poly_line, thin_segments};
use super::polyfill;
use super::raster::{direct_word, fill_rects_unclipped, Target};
use super::{
    center_offset, damage_from_bounds, paint_for, pixmap_rect, premul, union_opt, CapStyle, IRect,
    JoinStyle, Op, Style,
};

/// X's miter limit (11 degrees) expressed as tiny-skia's miter ratio, 1 / sin(11° / 2).
const X_MITER_LIMIT: f32 = 10.43;
/// Clip lists longer than this are applied through the mask rather than piece by piece.
const MAX_CLIP_PIECES: usize = 64;

/// Fills rectangles (X PolyFillRectangle): `x..x+width` × `y..y+height`.
pub fn fill_rects(pm: &mut Pixmap, s: &Style, rects: &[IRect]) -> Option<IRect> {
    let region = Region::resolve(s.clip, pm);
    fill_rects_in(pm, s, &region, rects)
}

/// Rectangle filling with an already resolved clip region.
fn fill_rects_in(pm: &mut Pixmap, s: &Style, region: &Region, rects: &[IRect]) -> Option<IRect> {
    if let (Region::All, Some(w)) = (region, direct_word(s)) {
        return fill_rects_unclipped(pm, w, rects, s.workers);
    }
    let area = pixmap_rect(pm);
    let color = premul(s.color);
    // Ops whose result is independent of the destination can be written directly.
    let direct = match s.op {
        Op::Source => Some(color),
        Op::Clear => Some(PremultipliedColorU8::TRANSPARENT),
        Op::Over if color.is_opaque() => Some(color),
        _ => None,
    };
    let mut paint = paint_for(s);
    // Integer rectangles need no anti-aliasing (and the aliased scan is exact).
    paint.anti_alias = false;
    let use_mask = matches!(region, Region::Clipped(c) if c.rects().len() > MAX_CLIP_PIECES);
    let mut damage = None;
    for r in rects {
        if use_mask {
            let Some(p) = r
                .intersect(&area)
                .and_then(|p| p.intersect(&region.limit(pm)?))
            else {
                continue;
            };
            if let Some(rect) = to_rect(p) {
                pm.fill_rect(rect, &paint, Transform::identity(), region.mask());
            }
            damage = union_opt(damage, Some(p));
            continue;
        }
        let d = region.for_pieces(area, *r, |p| match direct {
            Some(c) => write_span_rect(pm, p, c),
            None => {
                if let Some(rect) = to_rect(p) {
                    pm.fill_rect(rect, &paint, Transform::identity(), None);
                }
            }
        });
        damage = union_opt(damage, d);
    }
    damage
}

fn to_rect(p: IRect) -> Option<Rect> {
    Rect::from_xywh(p.x as f32, p.y as f32, p.width as f32, p.height as f32)
}

/// Whether filling `r` with `s` leaves every pixel of `pm` opaque: `r` covers it, and an
/// opaque colour replaces what was there (`Over` or `Source`, no clip).
pub fn paints_all(pm: &Pixmap, s: &Style, r: IRect) -> bool {
    let covers = r.x <= 0 && r.y <= 0 && r.right() >= pm.width() as i64;
    covers
        && r.bottom() >= pm.height() as i64
        && matches!(s.op, Op::Over | Op::Source)
        && s.color >> 24 == 0xFF
        && s.clip.is_none()
}

/// Outlines rectangles (X PolyRectangle): the outline runs through pixel centres
/// `x..=x+width`, `y..=y+height`, so a thin outline covers `(w+1) × (h+1)` pixels.
pub fn stroke_rects(pm: &mut Pixmap, s: &Style, rects: &[IRect]) -> Option<IRect> {
    let region = Region::resolve(s.clip, pm);
    if matches!(region, Region::Nothing) {
        return None;
    }
    let mut damage = None;
    if s.line_width <= 1 && !s.antialias {
        // Exact thin outline as four non-overlapping pixel rectangles.
        for r in rects {
            let (x, y) = (r.x as i64, r.y as i64);
            let (r_, b) = (r.right(), r.bottom());
            let sides = [
                IRect::from_ltrb(x, y, r_ + 1, y + 1),
                (r.height > 0)
                    .then(|| IRect::from_ltrb(x, b, r_ + 1, b + 1))
                    .flatten(),
                IRect::from_ltrb(x, y + 1, x + 1, b),
                (r.width > 0)
                    .then(|| IRect::from_ltrb(r_, y + 1, r_ + 1, b))
                    .flatten(),
            ];
            for side in sides.into_iter().flatten() {
                damage = union_opt(damage, fill_rects_in(pm, s, &region, &[side]));
            }
        }
        return damage;
    }
    let off = center_offset(s.antialias) as f64;
    let bx = SafeBox::for_stroke(pm, s);
    for r in rects {
        let (x, y) = (r.x as f64 + off, r.y as f64 + off);
        let (x2, y2) = (x + r.width as f64, y + r.height as f64);
        let mut pb = PathBuilder::new();
        add_polyline(&mut pb, &[(x, y), (x2, y), (x2, y2), (x, y2)], true, &bx);
        if let Some(path) = pb.finish() {
            damage = union_opt(damage, stroke_path_styled(pm, s, &region, &path));
        }
    }
    damage
}

/// Draws single pixels (X PolyPoint), blended with the style's operator.
pub fn draw_points(pm: &mut Pixmap, s: &Style, pts: &[(i32, i32)]) -> Option<IRect> {
    let region = Region::resolve(s.clip, pm);
    let limit = region.limit(pm)?;
    let color = premul(s.color);
    let stride = pm.width() as usize;
    let pixels = pm.pixels_mut();
    let mut damage = None;
    for &(x, y) in pts {
        if !limit.contains(x, y) || !region.allows(x, y) {
            continue;
        }
        if let Some(px) = pixels.get_mut(y as usize * stride + x as usize) {
            *px = blend_pixel(s.op, color, *px, 255);
            damage = union_opt(damage, Some(IRect::new(x, y, 1, 1)));
        }
    }
    damage
}

/// Draws connected lines through `pts` (X PolyLine) with the style's width, cap and join.
pub fn poly_line(pm: &mut Pixmap, s: &Style, pts: &[(i32, i32)]) -> Option<IRect> {
    let first = *pts.first()?;
    if pts.len() < 2 {
        return None;
    }
    let region = Region::resolve(s.clip, pm);
    region.limit(pm)?;
    if s.line_width <= 1 && pts.iter().all(|&p| p == first) {
        return draw_points(pm, s, &[first]);
    }
    if s.line_width <= 1 && !s.antialias {
        let mut t = Target::new(pm, s, &region)?;
        thin_poly_line(&mut t, pts);
        return t.damage();
    }
    let off = center_offset(s.antialias) as f64;
    let mut pts: Vec<Pt> = pts
        .iter()
        .map(|&(x, y)| (x as f64 + off, y as f64 + off))
        .collect();
    let closed = pts.len() > 2 && pts.last() == pts.first();
    if closed {
        pts.pop();
    }
    let mut pb = PathBuilder::new();
    add_polyline(&mut pb, &pts, closed, &SafeBox::for_stroke(pm, s));
    let path = pb.finish()?;
    stroke_path_styled(pm, s, &region, &path)
}

/// Draws independent segments `(x1, y1, x2, y2)` (X PolySegment).
pub fn segments(pm: &mut Pixmap, s: &Style, segs: &[(i32, i32, i32, i32)]) -> Option<IRect> {
    let region = Region::resolve(s.clip, pm);
    region.limit(pm)?;
    if s.line_width <= 1 && !s.antialias {
        let mut t = Target::new(pm, s, &region)?;
        thin_segments(&mut t, segs);
        return t.damage();
    }
    let off = center_offset(s.antialias) as f64;
    let thin = s.line_width <= 1;
    let bx = SafeBox::for_stroke(pm, s);
    let mut pb = PathBuilder::new();
    let mut damage = None;
    for &(x1, y1, x2, y2) in segs {
        if thin && x1 == x2 && y1 == y2 {
            damage = union_opt(damage, draw_points(pm, s, &[(x1, y1)]));
            continue;
        }
        let a = (x1 as f64 + off, y1 as f64 + off);
        add_polyline(
            &mut pb,
            &[a, (x2 as f64 + off, y2 as f64 + off)],
            false,
            &bx,
        );
    }
    if let Some(path) = pb.finish() {
        damage = union_opt(damage, stroke_path_styled(pm, s, &region, &path));
    }
    damage
}

/// Fills the polygon through `pts` (X FillPolygon), using the even-odd or winding rule.
pub fn fill_polygon(pm: &mut Pixmap, s: &Style, pts: &[(i32, i32)]) -> Option<IRect> {
    if pts.len() < 3 {
        return None;
    }
    let region = Region::resolve(s.clip, pm);
    region.limit(pm)?;
    if !s.antialias && polyfill::applies(pts) {
        let mut t = Target::new(pm, s, &region)?;
        polyfill::fill_polygon(&mut t, pts, s.even_odd);
        return t.damage();
    }
    // Aliased fills follow X's pixel-centre rule; anti-aliased fills keep integer edges crisp.
    let off = if s.antialias {
        0.0
    } else {
        center_offset(false) as f64
    };
    let pts: Vec<Pt> = pts
        .iter()
        .map(|&(x, y)| (x as f64 + off, y as f64 + off))
        .collect();
    let mut pb = PathBuilder::new();
    add_polygon(&mut pb, &pts, &SafeBox::for_fill(pm));
    let path = pb.finish()?;
    let rule = if s.even_odd {
        FillRule::EvenOdd
    } else {
        FillRule::Winding
    };
    fill_path_styled(pm, s, &region, &path, rule)
}

/// Fills `path` with the style's colour, operator and clip; returns the damage.
pub(crate) fn fill_path_styled(
    pm: &mut Pixmap,
    s: &Style,
    region: &Region,
    path: &Path,
    rule: FillRule,
) -> Option<IRect> {
    let limit = region.limit(pm)?;
    let b = path.bounds();
    let damage = damage_from_bounds(b.left(), b.top(), b.right(), b.bottom(), 1.0, limit)?;
    pm.fill_path(
        path,
        &paint_for(s),
        rule,
        Transform::identity(),
        region.mask(),
    );
    Some(damage)
}

/// Strokes `path` with the style's width, cap, join, colour, operator and clip.
/// Widths 0 and 1 draw X thin lines (both end points included).
pub(crate) fn stroke_path_styled(
    pm: &mut Pixmap,
    s: &Style,
    region: &Region,
    path: &Path,
) -> Option<IRect> {
    let limit = region.limit(pm)?;
    let paint = paint_for(s);
    let width = s.line_width.min(MAX_LINE_WIDTH);
    if width <= 1 {
        // Hairline; a square cap extends it by half a pixel at both ends so that the
        // pixels of both end points are drawn, as X does for thin lines.
        let stroke = Stroke {
            width: 0.0,
            line_cap: LineCap::Square,
            ..Stroke::default()
        };
        let b = path.bounds();
        let damage = damage_from_bounds(b.left(), b.top(), b.right(), b.bottom(), 1.0, limit)?;
        pm.stroke_path(path, &paint, &stroke, Transform::identity(), region.mask());
        return Some(damage);
    }
    let stroke = Stroke {
        width: width as f32,
        miter_limit: X_MITER_LIMIT,
        line_cap: match s.cap {
            CapStyle::Butt => LineCap::Butt,
            CapStyle::Round => LineCap::Round,
            CapStyle::Square => LineCap::Square,
        },
        line_join: match s.join {
            JoinStyle::Miter => LineJoin::Miter,
            JoinStyle::Round => LineJoin::Round,
            JoinStyle::Bevel => LineJoin::Bevel,
        },
        dash: None,
    };
    let outline = path.stroke(&stroke, 1.0)?;
    let b = outline.bounds();
    let damage = damage_from_bounds(b.left(), b.top(), b.right(), b.bottom(), 1.0, limit)?;
    pm.fill_path(
        &outline,
        &paint,
        FillRule::Winding,
        Transform::identity(),
        region.mask(),
    );
    Some(damage)
}
