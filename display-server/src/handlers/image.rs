//! Images: PutImage (raw pixels, QOI, PNG, JPEG) and GetImage (a pixmap's pixels, or what
//! a window shows: its backing store with its viewable descendants composed over it).
//! ShmPutImage, which takes raw pixels from shared memory, is in `shm.rs`.
//!
//! Compressed data (QOI) is bounded before anything is allocated: the request's width and
//! height must match the file's header, and 4·width·height may not exceed the frame limit,
//! so a small frame can never inflate into more than a raw frame could carry.

use crate::command::{fail, HandlerResult};
use crate::compose::{paint_tree, Scene};
use crate::handlers::draw;
use crate::render::{self, ImageError};
use crate::spare_pixels;
use crate::state::gc::irect;
use crate::state::State;
use yonder_protocol::reply::ImageReply;
use yonder_protocol::request::{GetImage, ImageFormat, PutImage};
use yonder_protocol::{ClientId, Drawable, ErrorCode, Point, ProtocolError, Rect, Reply, WindowId};

/// Most pixels one GetImage returns, so a raw reply stays under 64 MiB.
pub const MAX_GET_IMAGE_PIXELS: u64 = 15 << 20;

/// The renderer's name for a format it decodes itself (QOI is decoded here).
pub(super) fn format(f: ImageFormat) -> Option<render::ImageFormat> {
    match f {
        ImageFormat::Bgrx => Some(render::ImageFormat::Bgrx),
        ImageFormat::Rgba => Some(render::ImageFormat::Rgba),
        ImageFormat::Png => Some(render::ImageFormat::Png),
        ImageFormat::Jpeg => Some(render::ImageFormat::Jpeg),
        ImageFormat::Rgbx => Some(render::ImageFormat::Rgbx),
        ImageFormat::Qoi => None,
    }
}

/// The protocol error for an image the renderer refused, with protocol.md §12's
/// `bad_value`: the length received for Length, the offending side for Value, else 0.
pub(super) fn image_error(e: ImageError) -> ProtocolError {
    let (code, bad) = match &e {
        ImageError::BadLength { actual, .. } => (ErrorCode::Length, *actual as u64),
        ImageError::OutOfBounds { .. } => (ErrorCode::Match, 0),
        ImageError::BadSize { width, height }
            if (*width as u64 * *height as u64) > render::MAX_IMAGE_PIXELS =>
        {
            (ErrorCode::Alloc, 0)
        }
        ImageError::BadSize { width, height } => {
            let side_ok = |n: u32| (1..=render::MAX_IMAGE_SIDE).contains(&n);
            (
                ErrorCode::Value,
                if side_ok(*width) { *height } else { *width } as u64,
            )
        }
        _ => (ErrorCode::Value, 0),
    };
    fail(code, bad, e.to_string())
}

// PutImage: [drawable, gc, [x, y], width, height, format, data]
pub(crate) fn put_image(s: &mut State, c: ClientId, r: PutImage) -> HandlerResult {
    s.check_drawable(r.drawable)?;
    s.check_draw_target(c, r.drawable)?;
    s.check_image_format(c, r.format)?;
    if !s.gcs.contains_key(&r.gc) {
        return Err(fail(
            ErrorCode::Gc,
            r.gc.0,
            format!("no graphics context {}", r.gc),
        ));
    }
    if r.format.is_raw() {
        // Raw pixels go from the request straight into the drawable.
        let f = format(r.format).expect("raw formats are the renderer's");
        let drawn = match render::RawImage::packed(f, r.width, r.height, &r.data) {
            Ok(img) => draw::draw(s, r.drawable, r.gc, |pm, style| {
                render::put_raw(pm, style, r.dst.x, r.dst.y, &img)
            }),
            Err(e) => Err(image_error(e)),
        };
        // A large image's buffer serves the next one (`spare_pixels`).
        spare_pixels::give_back(r.data);
        return drawn;
    }
    let img = match format(r.format) {
        Some(f) => render::decode_image(f, r.width, r.height, &r.data).map_err(image_error)?,
        None => decode_qoi(r.width, r.height, &r.data, s.max_frame_len as u64)?,
    };
    draw::draw(s, r.drawable, r.gc, |pm, style| {
        render::put_image(pm, style, r.dst.x, r.dst.y, &img)
    })
}

// GetImage: [drawable, [x, y, w, h], format] → [width, height, format, data]
pub(crate) fn get_image(s: &mut State, c: ClientId, r: GetImage) -> HandlerResult {
    let (w, h) = s.check_drawable(r.drawable)?;
    s.check_read_pixels(c, r.drawable, "GetImage")?;
    s.check_image_format(c, r.format)?;
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
    let readable = |f: &render::ImageFormat| {
        !matches!(f, render::ImageFormat::Jpeg | render::ImageFormat::Rgbx)
    };
    let Some(read_format) = format(r.format).filter(readable) else {
        return Err(fail(
            ErrorCode::Value,
            r.format as u64,
            "images are read back as Bgrx, Rgba or Png",
        ));
    };
    let window = WindowId(r.drawable.0);
    let data = if s.windows.contains_key(&window) {
        read_window(s, c, window, r.rect, read_format)?
    } else {
        render::get_image(
            s.surfaces.get(&Drawable(r.drawable.0)).expect("checked"),
            irect(r.rect),
            read_format,
        )
        .map_err(image_error)?
    };
    Ok(Some(Reply::Image(ImageReply {
        width: r.rect.width,
        height: r.rect.height,
        format: r.format,
        data,
    })))
}

/// What window `window` shows in `rect` (its own coordinates): its subtree composed
/// into `0x00RRGGBB` words (with the frames of managed windows when reading the root:
/// a screenshot), in `format`. On a little-endian machine those words are already
/// `Bgrx` bytes: a `Bgrx` read composes straight into the reply's buffer.
fn read_window(
    s: &mut State,
    c: ClientId,
    window: WindowId,
    rect: Rect,
    format: render::ImageFormat,
) -> Result<Vec<u8>, ProtocolError> {
    s.refresh_decorations();
    let (rw, rh) = (rect.width, rect.height);
    let n = rw as usize * rh as usize;
    s.surfaces.settle_all(&s.workers);
    let scene = Scene {
        windows: &s.windows,
        surfaces: s.surfaces.settled(),
        wm: &s.wm,
        drag_icon: None,
        // An untrusted client sees its own windows only, not parts embedded
        // by other clients (isolation, protocol.md §19.1).
        only_space: match s.is_trusted(c) {
            true => None,
            false => s.clients.get(&c).map(|c| c.id_space),
        },
    };
    // Screenshots of the root show the drag icon, as the screen does.
    let icon = match window {
        WindowId::ROOT => s.transfers.drag_icon(s.input.pointer),
        _ => None,
    };
    let paint = |buf: &mut [u32]| {
        paint_tree(
            &scene,
            window,
            Point::new(0, 0),
            rect,
            buf,
            rw as usize,
            rect.origin(),
        );
        if let Some((icon, at)) = icon {
            crate::compose::blend_overlay(icon, at, rect, buf, rw as usize, rect.origin());
        }
        if window == WindowId::ROOT {
            // Frames may leave bits in the pad byte; Bgrx's is 0.
            buf.iter_mut().for_each(|p| *p &= 0x00FF_FFFF);
        }
    };
    if format == render::ImageFormat::Bgrx && cfg!(target_endian = "little") {
        let mut data = vec![0u8; n * 4];
        match bytemuck::try_cast_slice_mut::<u8, u32>(&mut data) {
            Ok(words) => paint(words),
            Err(_) => {
                let mut buf = vec![0u32; n];
                paint(&mut buf);
                data.copy_from_slice(bytemuck::cast_slice(&buf));
            }
        }
        return Ok(data);
    }
    let mut buf = vec![0u32; n];
    paint(&mut buf);
    let pm = render::xrgb_to_pixmap(&buf, rw, rh, render::IRect::new(0, 0, rw, rh))
        .ok_or_else(|| fail(ErrorCode::Alloc, 0, "cannot allocate the image"))?;
    render::get_image(&pm, render::IRect::new(0, 0, rw, rh), format).map_err(image_error)
}

/// Decodes a QOI image of `width`×`height` (the request's numbers, which the header must
/// repeat) whose raw size may be at most `max_raw` bytes.
fn decode_qoi(
    width: u32,
    height: u32,
    data: &[u8],
    max_raw: u64,
) -> Result<tiny_skia::Pixmap, ProtocolError> {
    // Any u32 sides: 4·(2³²−1)² does not fit a u64, and saturates to be refused below.
    let raw = (width as u64)
        .checked_mul(height as u64)
        .and_then(|n| n.checked_mul(4))
        .unwrap_or(u64::MAX);
    if raw == 0 || raw > max_raw {
        return Err(fail(
            ErrorCode::Value,
            raw,
            format!(
                "a {width}x{height} QOI image inflates to {raw} bytes; at most {max_raw} \
                 (the frame limit) are allowed: send large images in bands"
            ),
        ));
    }
    let bad = |e: qoi::Error| fail(ErrorCode::Value, 0, format!("cannot decode QOI image: {e}"));
    let decoder = qoi::Decoder::new(data).map_err(bad)?;
    let header = *decoder.header();
    if (header.width, header.height) != (width, height) {
        return Err(fail(
            ErrorCode::Length,
            data.len() as u64,
            format!(
                "the QOI header says {}x{}, the request {width}x{height}",
                header.width, header.height
            ),
        ));
    }
    let mut rgba = vec![0u8; raw as usize];
    decoder
        .with_channels(qoi::Channels::Rgba)
        .decode_to_buf(&mut rgba)
        .map_err(bad)?;
    render::decode_image(render::ImageFormat::Rgba, width, height, &rgba).map_err(image_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Red then blue, 2x1 (the example of protocol.md §9.50).
    const RED_BLUE: &str = "716f6966000000020000000103005a790000000000000001";

    #[test]
    fn qoi_decodes_like_the_raw_pixels() {
        let data = hex::decode(RED_BLUE).unwrap();
        let pm = decode_qoi(2, 1, &data, 1 << 20).unwrap();
        assert_eq!(pm.data(), &[255, 0, 0, 255, 0, 0, 255, 255]);
    }

    #[test]
    fn qoi_that_inflates_beyond_the_request_is_refused_before_decoding() {
        // A header claiming 4096x4096 (64 MiB of pixels) in a 24-byte file.
        let mut data = hex::decode(RED_BLUE).unwrap();
        data[4..8].copy_from_slice(&4096u32.to_be_bytes());
        data[8..12].copy_from_slice(&4096u32.to_be_bytes());
        let e = decode_qoi(2, 1, &data, 1 << 20).unwrap_err();
        assert_eq!(e.code, ErrorCode::Length);
        // The same size in the request is over the limit: refused without decoding.
        let e = decode_qoi(4096, 4096, &data, 16 << 20).unwrap_err();
        assert_eq!(e.code, ErrorCode::Value);
    }

    #[test]
    fn truncated_and_garbage_qoi_are_value_errors() {
        let data = hex::decode(RED_BLUE).unwrap();
        for bad in [
            &data[..15],
            &data[..3],
            b"not a qoi file at all!".as_slice(),
        ] {
            assert_eq!(
                decode_qoi(2, 1, bad, 1 << 20).unwrap_err().code,
                ErrorCode::Value
            );
        }
    }
}
