//! Pixels between files, memory and the server: decoding PNG and JPEG files with the
//! `image` crate, scaling a picture down to fit, and PutImage in bands of rows so that no
//! request exceeds the server's frame limit (`setup().limits.max_frame_len`).
//!
//! The apps decode images themselves rather than sending the file with `ImageFormat::Png`
//! because they need the size first (to size their window) and because a file can be
//! larger than one frame.

use image::RgbaImage;
use std::path::Path;
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::ImageFormat;
use yonder_protocol::{Drawable, GcId, Point};

/// Bytes of a PutImage frame besides its pixels (ids, position, size, framing), rounded
/// up generously.
const PUT_IMAGE_OVERHEAD: usize = 1024;

/// Decodes the PNG or JPEG file at `path` (the format is recognized from the content, not
/// the name). The error says which file and why, ready to show to the user.
pub fn load(path: &Path) -> Result<RgbaImage, String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let reader = image::ImageReader::open(path)
        .map_err(|e| fail(&e))?
        .with_guessed_format()
        .map_err(|e| fail(&e))?;
    let img = reader.decode().map_err(|e| fail(&e))?;
    Ok(img.to_rgba8())
}

/// The size of a `width` × `height` picture shrunk (never enlarged) to fit in
/// `max_w` × `max_h`, keeping its aspect ratio; each side at least 1.
pub fn fit(width: u32, height: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if width <= max_w && height <= max_h {
        return (width, height);
    }
    let scale = (max_w as f64 / width as f64).min(max_h as f64 / height as f64);
    let side = |v: u32, max: u32| ((v as f64 * scale).round() as u32).clamp(1, max.max(1));
    (side(width, max_w), side(height, max_h))
}

/// `img` shrunk to fit in `max_w` × `max_h` with a box filter (each output pixel is the
/// average of the source pixels it covers), or unchanged when it already fits.
pub fn scale_to_fit(img: RgbaImage, max_w: u32, max_h: u32) -> RgbaImage {
    let (w, h) = fit(img.width(), img.height(), max_w, max_h);
    if (w, h) == img.dimensions() {
        return img;
    }
    image::imageops::thumbnail(&img, w, h)
}

/// How many rows of a `width`-pixel-wide raw image fit in one frame of at most
/// `max_frame_len` bytes (at least one).
pub fn rows_per_band(width: u32, max_frame_len: usize) -> u32 {
    let row = 4 * width.max(1) as usize;
    (max_frame_len.saturating_sub(PUT_IMAGE_OVERHEAD) / row).clamp(1, u32::MAX as usize) as u32
}

/// Puts `img` into `drawable` with its top-left at `dst`, as `Rgba` (straight alpha,
/// composed with the GC's operator), in as many bands of rows as the server's frame limit
/// needs. The requests are only queued; errors arrive as events.
pub fn put_rgba(
    conn: &Connection,
    drawable: impl Into<Drawable>,
    gc: GcId,
    dst: Point,
    img: &RgbaImage,
) -> Result<(), yonder::ConnectionError> {
    let drawable = drawable.into();
    let max_frame = conn.setup()?.limits.max_frame_len as usize;
    let (w, h) = img.dimensions();
    let band = rows_per_band(w, max_frame);
    let row_bytes = 4 * w as usize;
    let raw = img.as_raw();
    let mut y = 0;
    while y < h {
        let rows = band.min(h - y);
        let start = y as usize * row_bytes;
        let data = &raw[start..start + rows as usize * row_bytes];
        conn.put_image(
            drawable,
            gc,
            Point::new(dst.x, dst.y + y as i32),
            w,
            rows,
            ImageFormat::Rgba,
            data,
        );
        y += rows;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_small_pictures_and_aspect() {
        assert_eq!(fit(64, 48, 100, 100), (64, 48));
        assert_eq!(fit(3000, 2000, 632, 452), (632, 421));
        assert_eq!(fit(2000, 3000, 632, 452), (301, 452));
        assert_eq!(fit(10000, 1, 100, 100), (100, 1));
    }

    #[test]
    fn bands_fit_in_a_frame() {
        assert_eq!(
            rows_per_band(64, 4096),
            (4096 - PUT_IMAGE_OVERHEAD) as u32 / 256
        );
        assert_eq!(rows_per_band(100_000, 4096), 1, "at least one row");
        let rows = rows_per_band(1280, 16 << 20);
        assert!(rows as usize * 1280 * 4 + PUT_IMAGE_OVERHEAD <= 16 << 20);
    }

    #[test]
    fn box_filter_averages() {
        let img = RgbaImage::from_fn(4, 2, |x, _| {
            if x % 2 == 0 {
                image::Rgba([0, 0, 0, 255])
            } else {
                image::Rgba([200, 100, 50, 255])
            }
        });
        let small = scale_to_fit(img, 2, 1);
        assert_eq!(small.dimensions(), (2, 1));
        let p = small.get_pixel(0, 0).0;
        assert!(
            (95..=105).contains(&p[0]) && (45..=55).contains(&p[1]),
            "{p:?}"
        );
    }
}
