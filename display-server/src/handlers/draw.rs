//! Geometry drawing: ClearArea, CopyArea, PolyPoint, PolyLine, PolySegment, PolyRectangle,
//! PolyFillRectangle, PolyArc, PolyFillArc, FillPoly, DrawText, QueryTextExtents. Every
//! draw goes through `draw_items` (`draw` for one image), which resolves the drawable and
//! GC, refuses a request that would touch more pixels than `--max-request-pixels`
//! (bounded by `render::work` before anything is drawn), runs the rasterizer, counts the
//! pixels drawn in the batch's work (`State::batch_work`, which the state thread's
//! fairness budget reads) and turns the damage into screen damage when the target is a
//! window.

use crate::command::{fail, HandlerResult};
use crate::events;
use crate::render::lanes::Job;
use crate::render::{self, work, ArcSpec, IRect, Pixmap, Style};
use crate::state::gc::{irect, prect};
use crate::state::surfaces::LANE_MIN_PIXELS;
use crate::state::{scratch, State};
use yonder_fonts::Face;
use yonder_protocol::reply::{TextExtentsBatchReply, TextExtentsReply};
use yonder_protocol::request::*;
use yonder_protocol::{
    ClientId, Drawable, ErrorCode, GcId, Point, ProtocolError, Rect, Reply, WindowId,
};

/// Deepest window tree walked by [`screen_damage`] itself.
const MAX_DEPTH: usize = 32;

/// What a drawing's damage amounts to on the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Damage {
    /// Nothing visible changed (a pixmap, or a window not viewable there).
    None,
    /// This screen area changed.
    Screen(Rect),
    /// A window deeper than [`MAX_DEPTH`]: left to the general route.
    Deep,
}

/// Runs `f` on drawable `d` with the style of GC `g`, and records the damage and its
/// pixels as the request's work (`State::batch_work`). For one image: the poly requests
/// go through [`draw_items`].
pub(crate) fn draw(
    s: &mut State,
    d: Drawable,
    g: GcId,
    f: impl FnOnce(&mut Pixmap, &Style) -> Option<IRect>,
) -> HandlerResult {
    draw_items(s, d, g, work::Image, f)
}

/// [`draw`] for a request of many `items` (rectangles, points, characters...), which may
/// ask for far more pixels than a drawable has: past `State::max_request_pixels` it fails
/// with Value and draws nothing.
///
/// The check costs nothing when the items' count times the most one item can touch is
/// small ([`COUNTED_AT_BOUND`], and within the cap); only beyond it does the estimate go
/// through the items (`render::work`). The work counted is the least of the bounds known: the
/// estimate if made, and the count times the damage's area or the most an item can touch.
#[inline(always)]
pub(crate) fn draw_items<I: work::Items>(
    s: &mut State,
    d: Drawable,
    g: GcId,
    items: I,
    f: impl FnOnce(&mut Pixmap, &Style) -> Option<IRect>,
) -> HandlerResult {
    let (w, h) = s.check_drawable(d)?;
    let gc = s
        .gcs
        .get_mut(&g)
        .ok_or_else(|| fail(ErrorCode::Gc, g.0, format!("no graphics context {g}")))?;
    let (n, each) = (items.count(), items.each(gc.line_width, w, h));
    let cap = s.max_request_pixels;
    let mut bound = n.saturating_mul(each);
    if bound > cap.min(COUNTED_AT_BOUND) && I::CAPPED {
        bound = items.estimate(gc.line_width, w, h, cap);
        if bound > cap {
            return Err(too_much(bound, cap));
        }
    }
    let pm = s.surfaces.get_mut(&d).expect("checked");
    let style = gc.style(w, h).with_workers(&s.workers);
    let clipped = style.clip.is_some();
    // Before the drawing, so that one that fails half-way leaves nothing believed.
    s.opaque.drawn(d, style.op);
    let damage = f(pm, &style);
    let work = damage.map_or(0, |r| bound.min(n.saturating_mul(pixels(r).min(each))));
    drawn(s, d, g, clipped, damage, work);
    Ok(None)
}

/// What follows every drawing into `d` with GC `g`: its `work` (pixels) counted in the
/// batch's, its damage recorded, and the GC's cached clip, if it drew `clipped`,
/// settled against the server's budget (`State::settle_clip_cache`).
#[inline(always)]
pub(crate) fn drawn(
    s: &mut State,
    d: Drawable,
    g: GcId,
    clipped: bool,
    damage: Option<IRect>,
    work: u64,
) {
    s.batch_work += work;
    if let Some(r) = damage {
        damage_drawable(s, d, r);
    }
    if clipped {
        s.settle_clip_cache(g);
    }
}

/// A request whose items' count times the most one item can touch is at most this is
/// counted at that bound without looking at its items; above it the estimate of
/// `render::work` counts it (a few instructions an item), so that a request of 100
/// small circles does not count as 100 times the drawable and end its batch's slice.
/// Not tied to the budget (`config::BATCH_WORK_BUDGET`, 4 Mpixels): at a 64th of it,
/// every request of 1000 thin segments was estimated, 25 instructions a segment more
/// (seg10 147 → 172). A batch of such requests may end its slice after two of them, at
/// the cost of a burst's end.
const COUNTED_AT_BOUND: u64 = 1 << 21;

/// The pixels of `r`: the work (`State::batch_work`) of a drawing that damaged it once.
pub(crate) fn pixels(r: IRect) -> u64 {
    r.width as u64 * r.height as u64
}

/// The Value error of a request that would touch `pixels`, more than `cap`.
#[cold]
#[inline(never)]
fn too_much(pixels: u64, cap: u64) -> ProtocolError {
    fail(
        ErrorCode::Value,
        pixels,
        format!(
            "the request would touch about {pixels} pixels, more than the {cap} one drawing \
             request may (yonder-server --max-request-pixels); split it into smaller requests"
        ),
    )
}

/// Screen damage for a change inside drawable `d` (nothing for pixmaps).
///
/// On a screen that shows no frames (headless) the damage would only be discarded at
/// the end of the burst (see `dispatch::present`): it is not worked out at all. Walking
/// up the window tree and merging into the compositor's list cost a small drawing
/// request as much as a fifth of its time.
pub(crate) fn damage_drawable(s: &mut State, d: Drawable, r: IRect) {
    if !s.frames_shown {
        return;
    }
    match screen_damage(s, d, r) {
        Damage::Screen(area) => s.framebuffer.damage(area),
        Damage::Deep => s.damage_window_area(WindowId(d.0), prect(r)),
        Damage::None => {}
    }
}

/// The screen area that a change of `r` inside drawable `d` damages: exactly what
/// [`State::damage_window_area`] computes, in one walk up the tree instead of one per
/// ancestor and per query (drawing requests damage once each, and those walks' map
/// lookups were a large share of a small request's cost).
pub(crate) fn screen_damage(s: &State, d: Drawable, r: IRect) -> Damage {
    // The window and its ancestors up to the root: position in the parent, size.
    let mut chain = [Rect::default(); MAX_DEPTH];
    let mut n = 0;
    let mut at = WindowId(d.0);
    loop {
        let Some(win) = s.windows.get(&at) else {
            return Damage::None; // a pixmap (n == 0), or a broken chain
        };
        if !win.mapped {
            return Damage::None; // not viewable
        }
        if n == MAX_DEPTH {
            return Damage::Deep;
        }
        chain[n] = win.rect;
        n += 1;
        if win.parent.is_none() {
            break;
        }
        at = win.parent;
    }
    let chain = &chain[..n];
    // Absolute rectangle of chain[i], its origin summed upwards as `abs_origin` does.
    let abs = |i: usize| {
        let (x, y) = chain[i..].iter().fold((0i32, 0i32), |(x, y), c| {
            (x.saturating_add(c.x), y.saturating_add(c.y))
        });
        Rect::new(x, y, chain[i].width, chain[i].height)
    };
    let own = abs(0);
    let mut vis = own;
    for i in 1..n {
        match vis.intersect(&abs(i)) {
            Some(v) => vis = v,
            None => return Damage::None,
        }
    }
    match prect(r).translate(own.x, own.y).intersect(&vis) {
        Some(area) => Damage::Screen(area),
        None => Damage::None,
    }
}

// ClearArea: [window, [x, y, w, h], exposures]
pub(crate) fn clear_area(s: &mut State, _c: ClientId, r: ClearArea) -> HandlerResult {
    let win = s.check_window(r.window)?;
    let (ww, wh) = (win.rect.width, win.rect.height);
    let bg = win.background;
    let width = if r.rect.width == 0 {
        (ww as i64 - r.rect.x as i64).max(0) as u32
    } else {
        r.rect.width
    };
    let height = if r.rect.height == 0 {
        (wh as i64 - r.rect.y as i64).max(0) as u32
    } else {
        r.rect.height
    };
    let area = Rect::new(r.rect.x, r.rect.y, width, height);
    let Some(area) = area.intersect(&Rect::new(0, 0, ww, wh)) else {
        return Ok(None);
    };
    if let Some(pm) = s.surfaces.get_mut(&Drawable(r.window.0)) {
        render::fill_solid(pm, irect(area), bg.0);
    }
    if bg.alpha() != 255 {
        s.opaque.forget(Drawable(r.window.0));
    }
    s.batch_work += pixels(irect(area));
    s.damage_window_area(r.window, area);
    if r.exposures {
        events::expose(s, r.window, area);
    }
    Ok(None)
}

// CopyArea: [src, dst, gc, [x, y, w, h], [dst_x, dst_y]]
pub(crate) fn copy_area(s: &mut State, c: ClientId, r: CopyArea) -> HandlerResult {
    s.check_draw_target(c, r.dst)?;
    s.check_drawable(r.src)?;
    s.check_read_pixels(c, r.src, "CopyArea from")?;
    let (w, h) = s.check_drawable(r.dst)?;
    let gc = s.gcs.get_mut(&r.gc).ok_or_else(|| {
        fail(
            ErrorCode::Gc,
            r.gc.0,
            format!("no graphics context {}", r.gc),
        )
    })?;
    let style = Style {
        source_opaque: s.opaque.contains(r.src),
        ..gc.style(w, h).with_workers(&s.workers)
    };
    s.opaque.drawn(r.dst, style.op);
    let (sr, dx, dy) = (irect(r.src_rect), r.dst_origin.x, r.dst_origin.y);
    if r.src == r.dst && style.clip.is_none() && s.workers.side_by_side() {
        let damage = render::unclipped_within_damage(w, h, sr, dx, dy);
        let work = damage.map_or(0, pixels);
        if work >= LANE_MIN_PIXELS {
            // A large copy inside one drawable: drawn on its lane.
            let style = style.unclipped_alone();
            let draw = move |pm: &mut Pixmap, workers: Option<&render::Workers>| {
                render::copy_within(pm, &Style { workers, ..style }, sr, dx, dy);
            };
            let job = Job {
                client: c,
                opcode: CopyArea::OPCODE,
                pixels: work,
                draw: Box::new(draw),
            };
            s.surfaces.hand(&s.workers, r.dst, job);
            drawn(s, r.dst, r.gc, false, damage, work);
            return Ok(None);
        }
    }
    let damage = if r.src == r.dst {
        let pm = s.surfaces.get_mut(&r.dst).expect("checked");
        render::copy_within(pm, &style, sr, dx, dy)
    } else {
        let [Some(src), Some(dst)] = s.surfaces.get_disjoint_mut([&r.src, &r.dst]) else {
            unreachable!("both drawables were checked and differ")
        };
        render::copy_area(src, dst, &style, sr, dx, dy)
    };
    let clipped = style.clip.is_some();
    drawn(s, r.dst, r.gc, clipped, damage, damage.map_or(0, pixels));
    Ok(None)
}

// PolyPoint: [drawable, gc, [[x, y]...]]
pub(crate) fn poly_point(s: &mut State, c: ClientId, r: PolyPoint) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    let n = r.points.len();
    draw_points(s, r.drawable, r.gc, &r.points, |s, d, g, p| {
        draw_items(s, d, g, work::Points(n), |pm, style| {
            render::draw_points(pm, style, p)
        })
    })
}

// PolyLine: [drawable, gc, [[x, y]...]]
pub(crate) fn poly_line(s: &mut State, c: ClientId, r: PolyLine) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    draw_points(s, r.drawable, r.gc, &r.points, |s, d, g, p| {
        draw_items(s, d, g, work::PolyLine(p), |pm, style| {
            render::poly_line(pm, style, p)
        })
    })
}

// PolySegment: [drawable, gc, [[x1, y1, x2, y2]...]]
pub(crate) fn poly_segment(s: &mut State, c: ClientId, r: PolySegment) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    let mut segs = scratch::take(&mut s.scratch.segments);
    segs.extend(r.segments.iter().map(|s| (s.x1, s.y1, s.x2, s.y2)));
    let result = draw_items(s, r.drawable, r.gc, work::Segments(&segs), |pm, style| {
        render::segments(pm, style, &segs)
    });
    scratch::give_back(&mut s.scratch.segments, segs);
    result
}

// PolyRectangle: [drawable, gc, [[x, y, w, h]...]]
pub(crate) fn poly_rectangle(s: &mut State, c: ClientId, r: PolyRectangle) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    draw_rects(s, r.drawable, r.gc, &r.rects, |s, d, g, v, sides| {
        draw_items(s, d, g, work::StrokeRects(v, sides), |pm, style| {
            render::stroke_rects(pm, style, v)
        })
    })
}

// PolyFillRectangle: [drawable, gc, [[x, y, w, h]...]]
pub(crate) fn poly_fill_rectangle(
    s: &mut State,
    c: ClientId,
    r: PolyFillRectangle,
) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    let mut paints_all = false;
    draw_rects(s, r.drawable, r.gc, &r.rects, |s, d, g, v, sides| {
        draw_items(s, d, g, work::FillRects(v, sides), |pm, style| {
            paints_all = v.first().is_some_and(|r| render::paints_all(pm, style, *r));
            render::fill_rects(pm, style, v)
        })
    })?;
    // Only the first rectangle is looked at: the usual way to clear a pixmap is one fill.
    if paints_all {
        s.opaque.mark(r.drawable);
    }
    Ok(None)
}

// PolyArc: [drawable, gc, [[x, y, w, h, angle1, angle2]...]]
pub(crate) fn poly_arc(s: &mut State, c: ClientId, r: PolyArc) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    draw_arcs(s, r.drawable, r.gc, &r.arcs, |s, d, g, v, sides| {
        draw_items(s, d, g, work::StrokeArcs(v, sides), |pm, style| {
            render::stroke_arcs(pm, style, v)
        })
    })
}

// PolyFillArc: [drawable, gc, [[x, y, w, h, angle1, angle2]...]]
pub(crate) fn poly_fill_arc(s: &mut State, c: ClientId, r: PolyFillArc) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    draw_arcs(s, r.drawable, r.gc, &r.arcs, |s, d, g, v, sides| {
        draw_items(s, d, g, work::FillArcs(v, sides), |pm, style| {
            render::fill_arcs(pm, style, v)
        })
    })
}

// FillPoly: [drawable, gc, [[x, y]...]]
pub(crate) fn fill_poly(s: &mut State, c: ClientId, r: FillPoly) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    draw_points(s, r.drawable, r.gc, &r.points, |s, d, g, p| {
        draw_items(s, d, g, work::Polygon(p), |pm, style| {
            render::fill_polygon(pm, style, p)
        })
    })
}

/// Runs `f` with `points` converted in the reusable point buffer.
fn draw_points(
    s: &mut State,
    d: Drawable,
    g: GcId,
    points: &[Point],
    f: impl FnOnce(&mut State, Drawable, GcId, &[(i32, i32)]) -> HandlerResult,
) -> HandlerResult {
    let mut p = scratch::take(&mut s.scratch.points);
    p.extend(points.iter().map(|p| (p.x, p.y)));
    let result = f(s, d, g, &p);
    scratch::give_back(&mut s.scratch.points, p);
    result
}

/// Runs `f` with `rects` converted in the reusable rectangle buffer, and the OR of all
/// their widths and heights (for `render::work`'s quick bound).
fn draw_rects(
    s: &mut State,
    d: Drawable,
    g: GcId,
    rects: &[Rect],
    f: impl FnOnce(&mut State, Drawable, GcId, &[IRect], u32) -> HandlerResult,
) -> HandlerResult {
    let mut v = scratch::take(&mut s.scratch.rects);
    // OR-ed whole in the copy's pass (a vector OR a rectangle, where a pass of its own
    // cost PolyFillRectangle of 1000 small rectangles 1.5 % more instructions).
    let mut or = [0u32; 4];
    v.extend(rects.iter().map(|r| {
        or = [
            or[0] | r.x as u32,
            or[1] | r.y as u32,
            or[2] | r.width,
            or[3] | r.height,
        ];
        irect(*r)
    }));
    let result = f(s, d, g, &v, or[2] | or[3]);
    scratch::give_back(&mut s.scratch.rects, v);
    result
}

/// Runs `f` with `arcs` converted in the reusable arc buffer.
fn draw_arcs(
    s: &mut State,
    d: Drawable,
    g: GcId,
    arcs: &[yonder_protocol::geometry::Arc],
    f: impl FnOnce(&mut State, Drawable, GcId, &[ArcSpec], u32) -> HandlerResult,
) -> HandlerResult {
    let mut v = scratch::take(&mut s.scratch.arcs);
    // The OR of every side, for `render::work`'s quick bound, in the copy's pass (as for
    // rectangles: a pass of its own cost PolyArc of 1000 small circles 2 % more).
    let mut or = 0u32;
    v.extend(arcs.iter().map(|a| {
        or |= a.width | a.height;
        ArcSpec {
            x: a.x,
            y: a.y,
            width: a.width,
            height: a.height,
            angle1: a.angle1,
            angle2: a.angle2,
        }
    }));
    let result = f(s, d, g, &v, or);
    scratch::give_back(&mut s.scratch.arcs, v);
    result
}

// DrawText: [drawable, gc, [x, y], text]
pub(crate) fn draw_text(s: &mut State, c: ClientId, r: DrawText) -> HandlerResult {
    s.check_draw_target(c, r.drawable)?;
    let (size, face) = s
        .gcs
        .get(&r.gc)
        .map_or((14.0, Face::Sans), |g| (g.font_size, g.face()));
    let items = work::Text {
        text: &r.text,
        size,
    };
    draw_items(s, r.drawable, r.gc, items, |pm, style| {
        render::draw_text(pm, style, face, size, r.origin.x, r.origin.y, &r.text)
    })
}

// QueryTextExtents: [gc, text] → [width, ascent, descent, font_ascent, font_descent]
pub(crate) fn query_text_extents(
    s: &mut State,
    _c: ClientId,
    r: QueryTextExtents,
) -> HandlerResult {
    let gc = text_gc(s, r.gc)?;
    let e = render::text_extents(gc.face(), gc.font_size, &r.text);
    Ok(Some(Reply::TextExtents(extents_reply(e))))
}

// QueryTextExtentsBatch: [gc, [text…]] → [[width, ascent, descent, font_ascent, font_descent]…]
pub(crate) fn query_text_extents_batch(
    s: &mut State,
    _c: ClientId,
    r: QueryTextExtentsBatch,
) -> HandlerResult {
    let gc = text_gc(s, r.gc)?;
    if r.texts.len() > MAX_TEXT_BATCH {
        return Err(fail(
            ErrorCode::Length,
            r.texts.len() as u64,
            format!("at most {MAX_TEXT_BATCH} texts are measured at once"),
        ));
    }
    let (face, size) = (gc.face(), gc.font_size);
    let extents = r
        .texts
        .iter()
        .map(|t| extents_reply(render::text_extents(face, size, t)))
        .collect();
    Ok(Some(Reply::TextExtentsBatch(TextExtentsBatchReply {
        extents,
    })))
}

/// The GC text is measured with, or a Gc error.
fn text_gc(s: &State, gc: GcId) -> Result<&crate::state::Gc, ProtocolError> {
    s.gcs
        .get(&gc)
        .ok_or_else(|| fail(ErrorCode::Gc, gc.0, format!("no graphics context {gc}")))
}

fn extents_reply(e: render::TextExtents) -> TextExtentsReply {
    TextExtentsReply {
        width: e.width,
        ascent: e.ascent,
        descent: e.descent,
        font_ascent: e.font_ascent,
        font_descent: e.font_descent,
    }
}

#[cfg(test)]
#[path = "tests_draw_damage.rs"]
mod tests;
