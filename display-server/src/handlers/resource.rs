//! Pixmaps and graphics contexts: CreatePixmap, FreePixmap, CreateGc, ChangeGc,
//! SetClipRectangles, FreeGc.

use crate::command::{fail, HandlerResult};
use crate::state::quota::drawable_bytes;
use crate::state::{Gc, State};
use yonder_protocol::request::{
    ChangeGc, CreateGc, CreatePixmap, FreeGc, FreePixmap, SetClipRectangles,
};
use yonder_protocol::{ClientId, Color, Drawable, ErrorCode, GcId, WindowId};

/// Most clip rectangles in one GC.
pub const MAX_CLIP_RECTS: usize = 4096;

#[inline]
fn check_gc(s: &mut State, g: GcId) -> Result<&mut Gc, yonder_protocol::ProtocolError> {
    s.gcs
        .get_mut(&g)
        .ok_or_else(|| fail(ErrorCode::Gc, g.0, format!("no graphics context {g}")))
}

// CreatePixmap: [id, drawable, width, height]
pub(crate) fn create_pixmap(s: &mut State, c: ClientId, r: CreatePixmap) -> HandlerResult {
    s.check_new_id(c, r.id.0)?;
    s.check_drawable(r.drawable)?;
    s.check_size(r.id.0, r.width, r.height)?;
    s.check_quota(r.id.0, drawable_bytes(r.width, r.height), 0)?;
    let pm = s.new_surface(r.id.0, r.width, r.height, Color::TRANSPARENT)?;
    s.put_surface(Drawable(r.id.0), pm);
    Ok(None)
}

// FreePixmap: [pixmap]
pub(crate) fn free_pixmap(s: &mut State, _c: ClientId, r: FreePixmap) -> HandlerResult {
    let d = Drawable(r.pixmap.0);
    if s.windows.contains_key(&WindowId(d.0)) || s.take_surface(d).is_none() {
        return Err(fail(
            ErrorCode::Pixmap,
            r.pixmap.0,
            format!("no pixmap {}", r.pixmap),
        ));
    }
    Ok(None)
}

// CreateGc: [id, drawable, values]
pub(crate) fn create_gc(s: &mut State, c: ClientId, r: CreateGc) -> HandlerResult {
    s.check_new_id(c, r.id.0)?;
    s.check_drawable(r.drawable)?;
    // Fields of later versions (the check only when there are any: ChangeGc is hot).
    if r.values.encoded_len() > 10 {
        s.check_gc_values(c, &r.values)?;
    }
    let mut gc = Gc::default();
    gc.apply(&r.values)
        .map_err(|(bad, m)| fail(ErrorCode::Value, bad, m))?;
    s.put_gc(r.id, gc);
    Ok(None)
}

// ChangeGc: [gc, values]
pub(crate) fn change_gc(s: &mut State, c: ClientId, r: ChangeGc) -> HandlerResult {
    // Fields of later versions (the check only when there are any: ChangeGc is hot).
    if r.values.encoded_len() > 10 {
        s.check_gc_values(c, &r.values)?;
    }
    check_gc(s, r.gc)?
        .apply(&r.values)
        .map_err(|(bad, m)| fail(ErrorCode::Value, bad, m))?;
    Ok(None)
}

// SetClipRectangles: [gc, origin, rects?]
pub(crate) fn set_clip_rectangles(
    s: &mut State,
    _c: ClientId,
    r: SetClipRectangles,
) -> HandlerResult {
    if let Some(rs) = &r.rects {
        if rs.len() > MAX_CLIP_RECTS {
            return Err(fail(
                ErrorCode::Value,
                rs.len() as u64,
                format!("at most {MAX_CLIP_RECTS} clip rectangles"),
            ));
        }
    }
    check_gc(s, r.gc)?;
    s.charge_clip_rects(r.gc, r.rects.as_ref().map_or(0, Vec::len))?;
    check_gc(s, r.gc)?.set_clip(r.origin, r.rects);
    s.settle_clip_cache(r.gc);
    Ok(None)
}

// FreeGc: [gc]
pub(crate) fn free_gc(s: &mut State, _c: ClientId, r: FreeGc) -> HandlerResult {
    s.take_gc(r.gc).ok_or_else(|| {
        fail(
            ErrorCode::Gc,
            r.gc.0,
            format!("no graphics context {}", r.gc),
        )
    })?;
    Ok(None)
}
