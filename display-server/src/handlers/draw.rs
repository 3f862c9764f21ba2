//! Geometry drawing: ClearArea, CopyArea, PolyPoint, PolyLine, PolySegment, PolyRectangle,
//! PolyFillRectangle, PolyArc, PolyFillArc, FillPoly, DrawText, QueryTextExtents. Every
//! draw goes through [`State::draw`], which resolves the drawable and GC, runs the
//! rasterizer and turns its damage into screen damage when the target is a window.

use crate::dispatch::{fail, HandlerResult};
use crate::render::{self, ArcSpec, IRect, Pixmap, Style};
use crate::state::gc::{irect, prect};
use crate::state::State;
use yonder_protocol::reply::TextExtentsReply;
use yonder_protocol::request::*;
use yonder_protocol::{ClientId, Drawable, ErrorCode, GcId, Point, Rect, Reply, WindowId};

/// Deepest window tree walked by [`State::screen_damage`] itself.
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

fn pts(points: &[Point]) -> Vec<(i32, i32)> {
    points.iter().map(|p| (p.x, p.y)).collect()
}

fn arcs(arcs: &[yonder_protocol::geometry::Arc]) -> Vec<ArcSpec> {
    arcs.iter()
        .map(|a| ArcSpec {
            x: a.x,
            y: a.y,
            width: a.width,
            height: a.height,
            angle1: a.angle1,
            angle2: a.angle2,
        })
        .collect()
}

impl State {
    /// Runs `f` on drawable `d` with the style of GC `g`, and records the damage.
    pub(crate) fn draw(
        &mut self,
        d: Drawable,
        g: GcId,
        f: impl FnOnce(&mut Pixmap, &Style) -> Option<IRect>,
    ) -> HandlerResult {
        let (w, h) = self.check_drawable(d)?;
        let gc = self
            .gcs
            .get_mut(&g)
            .ok_or_else(|| fail(ErrorCode::Gc, g.0, format!("no graphics context {g}")))?;
        let pm = self.surfaces.get_mut(&d).expect("checked");
        let style = gc.style(w, h);
        if let Some(r) = f(pm, &style) {
            self.damage_drawable(d, r);
        }
        Ok(None)
    }

    /// Screen damage for a change inside drawable `d` (nothing for pixmaps).
    pub(crate) fn damage_drawable(&mut self, d: Drawable, r: IRect) {
        match self.screen_damage(d, r) {
            Damage::Screen(area) => self.compositor.damage(area),
            Damage::Deep => self.damage_window_area(WindowId(d.0), prect(r)),
            Damage::None => {}
        }
    }

    /// The screen area that a change of `r` inside drawable `d` damages: exactly what
    /// [`State::damage_window_area`] computes, in one walk up the tree instead of one per
    /// ancestor and per query (drawing requests damage once each, and those walks' map
    /// lookups were a large share of a small request's cost).
    pub(crate) fn screen_damage(&self, d: Drawable, r: IRect) -> Damage {
        // The window and its ancestors up to the root: position in the parent, size.
        let mut chain = [Rect::default(); MAX_DEPTH];
        let mut n = 0;
        let mut at = WindowId(d.0);
        loop {
            let Some(win) = self.windows.get(&at) else {
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
    pub(crate) fn clear_area(&mut self, _c: ClientId, r: ClearArea) -> HandlerResult {
        let win = self.check_window(r.window)?;
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
        if let Some(pm) = self.surfaces.get_mut(&Drawable(r.window.0)) {
            render::fill_solid(pm, irect(area), bg.0);
        }
        self.damage_window_area(r.window, area);
        if r.exposures {
            self.expose(r.window, area);
        }
        Ok(None)
    }

    // CopyArea: [src, dst, gc, [x, y, w, h], [dst_x, dst_y]]
    pub(crate) fn copy_area(&mut self, c: ClientId, r: CopyArea) -> HandlerResult {
        self.check_drawable(r.src)?;
        self.check_read_pixels(c, r.src, "CopyArea from")?;
        let (w, h) = self.check_drawable(r.dst)?;
        let gc = self.gcs.get_mut(&r.gc).ok_or_else(|| {
            fail(
                ErrorCode::Gc,
                r.gc.0,
                format!("no graphics context {}", r.gc),
            )
        })?;
        let style = gc.style(w, h);
        let (sr, dx, dy) = (irect(r.src_rect), r.dst_origin.x, r.dst_origin.y);
        let damage = if r.src == r.dst {
            let pm = self.surfaces.get_mut(&r.dst).expect("checked");
            render::copy_within(pm, &style, sr, dx, dy)
        } else {
            let [Some(src), Some(dst)] = self.surfaces.get_disjoint_mut([&r.src, &r.dst]) else {
                unreachable!("both drawables were checked and differ")
            };
            render::copy_area(src, dst, &style, sr, dx, dy)
        };
        if let Some(d) = damage {
            self.damage_drawable(r.dst, d);
        }
        Ok(None)
    }

    // PolyPoint: [drawable, gc, [[x, y]...]]
    pub(crate) fn poly_point(&mut self, _c: ClientId, r: PolyPoint) -> HandlerResult {
        let p = pts(&r.points);
        self.draw(r.drawable, r.gc, |pm, s| render::draw_points(pm, s, &p))
    }

    // PolyLine: [drawable, gc, [[x, y]...]]
    pub(crate) fn poly_line(&mut self, _c: ClientId, r: PolyLine) -> HandlerResult {
        let p = pts(&r.points);
        self.draw(r.drawable, r.gc, |pm, s| render::poly_line(pm, s, &p))
    }

    // PolySegment: [drawable, gc, [[x1, y1, x2, y2]...]]
    pub(crate) fn poly_segment(&mut self, _c: ClientId, r: PolySegment) -> HandlerResult {
        let segs: Vec<_> = r
            .segments
            .iter()
            .map(|s| (s.x1, s.y1, s.x2, s.y2))
            .collect();
        self.draw(r.drawable, r.gc, |pm, s| render::segments(pm, s, &segs))
    }

    // PolyRectangle: [drawable, gc, [[x, y, w, h]...]]
    pub(crate) fn poly_rectangle(&mut self, _c: ClientId, r: PolyRectangle) -> HandlerResult {
        let rects: Vec<IRect> = r.rects.iter().map(|r| irect(*r)).collect();
        self.draw(r.drawable, r.gc, |pm, s| {
            render::stroke_rects(pm, s, &rects)
        })
    }

    // PolyFillRectangle: [drawable, gc, [[x, y, w, h]...]]
    pub(crate) fn poly_fill_rectangle(
        &mut self,
        _c: ClientId,
        r: PolyFillRectangle,
    ) -> HandlerResult {
        let rects: Vec<IRect> = r.rects.iter().map(|r| irect(*r)).collect();
        self.draw(r.drawable, r.gc, |pm, s| render::fill_rects(pm, s, &rects))
    }

    // PolyArc: [drawable, gc, [[x, y, w, h, angle1, angle2]...]]
    pub(crate) fn poly_arc(&mut self, _c: ClientId, r: PolyArc) -> HandlerResult {
        let a = arcs(&r.arcs);
        self.draw(r.drawable, r.gc, |pm, s| render::stroke_arcs(pm, s, &a))
    }

    // PolyFillArc: [drawable, gc, [[x, y, w, h, angle1, angle2]...]]
    pub(crate) fn poly_fill_arc(&mut self, _c: ClientId, r: PolyFillArc) -> HandlerResult {
        let a = arcs(&r.arcs);
        self.draw(r.drawable, r.gc, |pm, s| render::fill_arcs(pm, s, &a))
    }

    // FillPoly: [drawable, gc, [[x, y]...]]
    pub(crate) fn fill_poly(&mut self, _c: ClientId, r: FillPoly) -> HandlerResult {
        let p = pts(&r.points);
        self.draw(r.drawable, r.gc, |pm, s| render::fill_polygon(pm, s, &p))
    }

    // DrawText: [drawable, gc, [x, y], text]
    pub(crate) fn draw_text(&mut self, _c: ClientId, r: DrawText) -> HandlerResult {
        let size = self.gcs.get(&r.gc).map(|g| g.font_size).unwrap_or(14.0);
        self.draw(r.drawable, r.gc, |pm, s| {
            render::draw_text(pm, s, size, r.origin.x, r.origin.y, &r.text)
        })
    }

    // QueryTextExtents: [gc, text] → [width, ascent, descent, font_ascent, font_descent]
    pub(crate) fn query_text_extents(
        &mut self,
        _c: ClientId,
        r: QueryTextExtents,
    ) -> HandlerResult {
        let gc = self.gcs.get(&r.gc).ok_or_else(|| {
            fail(
                ErrorCode::Gc,
                r.gc.0,
                format!("no graphics context {}", r.gc),
            )
        })?;
        let e = render::text_extents(gc.font_size, &r.text);
        Ok(Some(Reply::TextExtents(TextExtentsReply {
            width: e.width,
            ascent: e.ascent,
            descent: e.descent,
            font_ascent: e.font_ascent,
            font_descent: e.font_descent,
        })))
    }
}

#[cfg(test)]
#[path = "tests_draw_damage.rs"]
mod tests;
