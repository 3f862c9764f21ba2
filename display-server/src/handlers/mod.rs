//! Request handlers, one file per concern. Each handler checks every argument before it
//! changes anything, so a failed request leaves the state untouched, and returns a reply
//! or an error for the requesting client only.

mod atom;
mod draw;
mod image;
mod input;
mod property;
mod resource;
mod shm;
mod window;
mod window_config;

use crate::command::fail;
use crate::state::State;
use yonder_protocol::{ClientId, Drawable, ErrorCode, ProtocolError, WindowId};

impl State {
    /// The window, or a Window error.
    pub(crate) fn check_window(&self, w: WindowId) -> Result<&crate::state::Window, ProtocolError> {
        self.windows
            .get(&w)
            .ok_or_else(|| fail(ErrorCode::Window, w.0, format!("no window {w}")))
    }

    /// The drawable's size, or a Drawable error.
    pub(crate) fn check_drawable(&self, d: Drawable) -> Result<(u32, u32), ProtocolError> {
        self.surfaces
            .get(&d)
            .map(|p| (p.width(), p.height()))
            .ok_or_else(|| fail(ErrorCode::Drawable, d.0, format!("no window or pixmap {d}")))
    }

    /// Checks that `raw` is a fresh id in `client`'s space.
    pub(crate) fn check_new_id(&self, client: ClientId, raw: u64) -> Result<(), ProtocolError> {
        let space = self.clients.get(&client).map(|c| c.id_space).unwrap_or(0);
        if yonder_protocol::id_space_of(raw) != space || raw as u32 == 0 {
            return Err(fail(
                ErrorCode::IdChoice,
                raw,
                format!("id {raw:#x} is not in this client's id space {space:#x}"),
            ));
        }
        let used = self.surfaces.contains_key(&Drawable(raw))
            || self.windows.contains_key(&WindowId(raw))
            || self.gcs.contains_key(&yonder_protocol::GcId(raw));
        if used {
            return Err(fail(
                ErrorCode::IdChoice,
                raw,
                format!("id {raw:#x} is already in use"),
            ));
        }
        Ok(())
    }

    /// Checks a drawable size against the limits.
    pub(crate) fn check_size(&self, width: u32, height: u32) -> Result<(), ProtocolError> {
        let max = self.max_drawable_side;
        if width == 0 || height == 0 || width > max || height > max {
            return Err(fail(
                ErrorCode::Value,
                width.max(height) as u64,
                format!("size {width}x{height} must be 1..={max} on each side"),
            ));
        }
        if width as u64 * height as u64 > MAX_DRAWABLE_PIXELS {
            return Err(fail(
                ErrorCode::Alloc,
                width as u64 * height as u64,
                format!("{width}x{height} exceeds {MAX_DRAWABLE_PIXELS} pixels"),
            ));
        }
        Ok(())
    }

    /// A new backing store of the given size filled with `color`.
    pub(crate) fn new_surface(
        &self,
        width: u32,
        height: u32,
        color: yonder_protocol::Color,
    ) -> Result<tiny_skia::Pixmap, ProtocolError> {
        self.check_size(width, height)?;
        let mut pm = tiny_skia::Pixmap::new(width, height)
            .ok_or_else(|| fail(ErrorCode::Alloc, 0, "cannot allocate"))?;
        if color.0 != 0 {
            crate::render::fill_solid(
                &mut pm,
                crate::render::IRect::new(0, 0, width, height),
                color.0,
            );
        }
        Ok(pm)
    }
}

/// Largest area of one drawable (32 Mpixels, 128 MiB).
pub const MAX_DRAWABLE_PIXELS: u64 = 1 << 25;
