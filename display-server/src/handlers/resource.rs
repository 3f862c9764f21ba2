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

impl State {
    fn check_gc(&mut self, g: GcId) -> Result<&mut Gc, yonder_protocol::ProtocolError> {
        self.gcs
            .get_mut(&g)
            .ok_or_else(|| fail(ErrorCode::Gc, g.0, format!("no graphics context {g}")))
    }

    // CreatePixmap: [id, drawable, width, height]
    pub(crate) fn create_pixmap(&mut self, c: ClientId, r: CreatePixmap) -> HandlerResult {
        self.check_new_id(c, r.id.0)?;
        self.check_drawable(r.drawable)?;
        self.check_size(r.width, r.height)?;
        self.check_quota(r.id.0, drawable_bytes(r.width, r.height), 0)?;
        let pm = self.new_surface(r.width, r.height, Color::TRANSPARENT)?;
        self.put_surface(Drawable(r.id.0), pm);
        Ok(None)
    }

    // FreePixmap: [pixmap]
    pub(crate) fn free_pixmap(&mut self, _c: ClientId, r: FreePixmap) -> HandlerResult {
        let d = Drawable(r.pixmap.0);
        if self.windows.contains_key(&WindowId(d.0)) || self.take_surface(d).is_none() {
            return Err(fail(
                ErrorCode::Pixmap,
                r.pixmap.0,
                format!("no pixmap {}", r.pixmap),
            ));
        }
        Ok(None)
    }

    // CreateGc: [id, drawable, values]
    pub(crate) fn create_gc(&mut self, c: ClientId, r: CreateGc) -> HandlerResult {
        self.check_new_id(c, r.id.0)?;
        self.check_drawable(r.drawable)?;
        let mut gc = Gc::default();
        gc.apply(&r.values)
            .map_err(|m| fail(ErrorCode::Value, 0, m))?;
        self.gcs.insert(r.id, gc);
        Ok(None)
    }

    // ChangeGc: [gc, values]
    pub(crate) fn change_gc(&mut self, _c: ClientId, r: ChangeGc) -> HandlerResult {
        self.check_gc(r.gc)?
            .apply(&r.values)
            .map_err(|m| fail(ErrorCode::Value, 0, m))?;
        Ok(None)
    }

    // SetClipRectangles: [gc, origin, rects?]
    pub(crate) fn set_clip_rectangles(
        &mut self,
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
        self.check_gc(r.gc)?.set_clip(r.origin, r.rects);
        Ok(None)
    }

    // FreeGc: [gc]
    pub(crate) fn free_gc(&mut self, _c: ClientId, r: FreeGc) -> HandlerResult {
        self.gcs.remove(&r.gc).ok_or_else(|| {
            fail(
                ErrorCode::Gc,
                r.gc.0,
                format!("no graphics context {}", r.gc),
            )
        })?;
        Ok(None)
    }
}
