//! Images: PutImage (raw pixels, PNG, JPEG) and GetImage (a pixmap's pixels, or what a
//! window shows: its backing store with its viewable descendants composed over it).

use crate::compositor::{paint_tree, Scene};
use crate::dispatch::{fail, HandlerResult};
use crate::render::{self, ImageError};
use crate::state::gc::irect;
use crate::state::State;
use yonder_protocol::reply::ImageReply;
use yonder_protocol::request::{GetImage, ImageFormat, PutImage};
use yonder_protocol::{ClientId, Drawable, ErrorCode, Point, ProtocolError, Rect, Reply, WindowId};

/// Most pixels one GetImage returns, so a raw reply stays under 64 MiB.
pub const MAX_GET_IMAGE_PIXELS: u64 = 15 << 20;

fn format(f: ImageFormat) -> render::ImageFormat {
    match f {
        ImageFormat::Bgrx => render::ImageFormat::Bgrx,
        ImageFormat::Rgba => render::ImageFormat::Rgba,
        ImageFormat::Png => render::ImageFormat::Png,
        ImageFormat::Jpeg => render::ImageFormat::Jpeg,
    }
}

fn image_error(e: ImageError) -> ProtocolError {
    let code = match &e {
        ImageError::BadLength { .. } => ErrorCode::Length,
        ImageError::OutOfBounds { .. } => ErrorCode::Match,
        ImageError::BadSize { width, height }
            if (*width as u64 * *height as u64) > render::MAX_IMAGE_PIXELS =>
        {
            ErrorCode::Alloc
        }
        _ => ErrorCode::Value,
    };
    fail(code, 0, e.to_string())
}

impl State {
    // PutImage: [drawable, gc, [x, y], width, height, format, data]
    pub(crate) fn put_image(&mut self, _c: ClientId, r: PutImage) -> HandlerResult {
        self.check_drawable(r.drawable)?;
        if !self.gcs.contains_key(&r.gc) {
            return Err(fail(
                ErrorCode::Gc,
                r.gc.0,
                format!("no graphics context {}", r.gc),
            ));
        }
        let img = render::decode_image(format(r.format), r.width, r.height, &r.data)
            .map_err(image_error)?;
        self.draw(r.drawable, r.gc, |pm, s| {
            render::put_image(pm, s, r.dst.x, r.dst.y, &img)
        })
    }

    // GetImage: [drawable, [x, y, w, h], format] → [width, height, format, data]
    pub(crate) fn get_image(&mut self, _c: ClientId, r: GetImage) -> HandlerResult {
        let (w, h) = self.check_drawable(r.drawable)?;
        let inside = Rect::new(0, 0, w, h).intersect(&r.rect) == Some(r.rect) && !r.rect.is_empty();
        if !inside {
            return Err(fail(
                ErrorCode::Match,
                0,
                format!("rectangle {:?} is not inside the {w}x{h} drawable", r.rect),
            ));
        }
        if r.rect.width as u64 * r.rect.height as u64 > MAX_GET_IMAGE_PIXELS {
            return Err(fail(
                ErrorCode::Value,
                r.rect.width as u64 * r.rect.height as u64,
                format!(
                    "at most {MAX_GET_IMAGE_PIXELS} pixels per GetImage: read large areas in bands"
                ),
            ));
        }
        if r.format == ImageFormat::Jpeg {
            return Err(fail(
                ErrorCode::Value,
                r.format as u64,
                "images are read back as Bgrx, Rgba or Png",
            ));
        }
        let window = WindowId(r.drawable.0);
        let data = if self.windows.contains_key(&window) {
            // Compose the window's subtree into a buffer the size of the request (with the
            // frames of managed windows when reading the root: a screenshot).
            self.refresh_decorations();
            let (rw, rh) = (r.rect.width, r.rect.height);
            let mut buf = vec![0u32; rw as usize * rh as usize];
            let scene = Scene {
                windows: &self.windows,
                surfaces: &self.surfaces,
                wm: &self.wm,
                drag_icon: None,
            };
            paint_tree(
                &scene,
                window,
                Point::new(0, 0),
                r.rect,
                &mut buf,
                rw as usize,
                r.rect.origin(),
            );
            // Screenshots of the root show the drag icon, as the screen does.
            if let (WindowId::ROOT, Some((icon, at))) =
                (window, self.transfers.drag_icon(self.input.pointer))
            {
                crate::compositor::blend_overlay(
                    icon,
                    at,
                    r.rect,
                    &mut buf,
                    rw as usize,
                    r.rect.origin(),
                );
            }
            let pm = render::xrgb_to_pixmap(&buf, rw, rh, render::IRect::new(0, 0, rw, rh))
                .ok_or_else(|| fail(ErrorCode::Alloc, 0, "cannot allocate the image"))?;
            render::get_image(&pm, render::IRect::new(0, 0, rw, rh), format(r.format))
        } else {
            render::get_image(
                &self.surfaces[&Drawable(r.drawable.0)],
                irect(r.rect),
                format(r.format),
            )
        }
        .map_err(image_error)?;
        Ok(Some(Reply::Image(ImageReply {
            width: r.rect.width,
            height: r.rect.height,
            format: r.format,
            data,
        })))
    }
}
