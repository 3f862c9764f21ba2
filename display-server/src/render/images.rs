//! Image data in and out of pixmaps: [`ImageFormat`], [`ImageError`], [`decode_image`]
//! (raw BGRX / RGBA buffers, PNG, JPEG) and [`get_image`] (BGRX, RGBA, PNG), with the size
//! limits that keep a client from making the server allocate unbounded memory.

use std::io::Cursor;

use ::image::codecs::png::PngEncoder;
use ::image::{ExtendedColorType, ImageEncoder, ImageReader, Limits};
use tiny_skia::{IntSize, Pixmap};

use super::{mul255, pixmap_rect, IRect};

/// Largest accepted width or height of an image.
pub const MAX_IMAGE_SIDE: u32 = 16384;
/// Largest accepted number of pixels of an image (64 Mpixels).
pub const MAX_IMAGE_PIXELS: u64 = 64 << 20;

/// Pixel data formats understood by [`decode_image`] and [`get_image`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// 4 bytes per pixel B, G, R, X (little-endian `0x00RRGGBB`, the screen format); opaque.
    Bgrx,
    /// 4 bytes per pixel R, G, B, A with straight alpha.
    Rgba,
    /// PNG file data.
    Png,
    /// JPEG file data (decode only).
    Jpeg,
}

/// Why an image could not be decoded or encoded.
#[derive(thiserror::Error, Debug)]
pub enum ImageError {
    /// The raw data does not have exactly `width × height × 4` bytes.
    #[error("image data has {actual} bytes, expected {expected} for {width}x{height}")]
    BadLength {
        /// Bytes required.
        expected: u64,
        /// Bytes given.
        actual: usize,
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// Zero size, a side above [`MAX_IMAGE_SIDE`] or more than [`MAX_IMAGE_PIXELS`] pixels.
    #[error("invalid image size {width}x{height} (sides 1..={MAX_IMAGE_SIDE}, at most {MAX_IMAGE_PIXELS} pixels)")]
    BadSize {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
    /// The codec rejected the data.
    #[error("cannot decode {format:?} image: {message}")]
    Decode {
        /// Format being decoded.
        format: ImageFormat,
        /// The codec's message.
        message: String,
    },
    /// The codec failed to encode.
    #[error("cannot encode {format:?} image: {message}")]
    Encode {
        /// Format being encoded.
        format: ImageFormat,
        /// The codec's message.
        message: String,
    },
    /// The format cannot be used for this operation (e.g. reading back as JPEG).
    #[error("image format {0:?} is not supported for this operation")]
    Unsupported(ImageFormat),
    /// The requested rectangle is empty or not inside the drawable.
    #[error("rectangle {rect:?} is not inside the {width}x{height} drawable")]
    OutOfBounds {
        /// The requested rectangle.
        rect: IRect,
        /// Drawable width.
        width: u32,
        /// Drawable height.
        height: u32,
    },
}

/// Checks an image size against the limits.
fn check_size(width: u32, height: u32) -> Result<(), ImageError> {
    let ok = width > 0
        && height > 0
        && width <= MAX_IMAGE_SIDE
        && height <= MAX_IMAGE_SIDE
        && width as u64 * height as u64 <= MAX_IMAGE_PIXELS;
    if ok {
        Ok(())
    } else {
        Err(ImageError::BadSize { width, height })
    }
}

/// Raw pixels (`Bgrx` or `Rgba`) borrowed from a request or a shared-memory segment, rows
/// `stride` bytes apart, checked against the size limits and the data's length: what
/// [`super::put_raw`] writes into a pixmap without decoding it into one first.
#[derive(Clone, Copy, Debug)]
pub struct RawImage<'a> {
    format: ImageFormat,
    width: u32,
    height: u32,
    stride: usize,
    data: &'a [u8],
}

impl<'a> RawImage<'a> {
    /// Packed rows (`stride` = 4·width): `data` must have exactly 4·width·height bytes,
    /// as [`decode_image`] requires.
    pub fn packed(
        format: ImageFormat,
        width: u32,
        height: u32,
        data: &'a [u8],
    ) -> Result<RawImage<'a>, ImageError> {
        // Checked first: the sides are then at most MAX_IMAGE_SIDE, so this cannot overflow.
        Self::check(format, width, height)?;
        let expected = width as u64 * height as u64 * 4;
        if data.len() as u64 != expected {
            return Err(ImageError::BadLength {
                expected,
                actual: data.len(),
                width,
                height,
            });
        }
        Ok(RawImage {
            format,
            width,
            height,
            stride: width as usize * 4,
            data,
        })
    }

    /// Rows `stride` bytes apart (at least a row); `data` must reach the last pixel.
    pub fn strided(
        format: ImageFormat,
        width: u32,
        height: u32,
        stride: usize,
        data: &'a [u8],
    ) -> Result<RawImage<'a>, ImageError> {
        Self::check(format, width, height)?;
        let row = width as usize * 4;
        let needed = (stride as u64)
            .checked_mul(height as u64 - 1)
            .and_then(|n| n.checked_add(row as u64))
            .filter(|_| stride >= row);
        match needed {
            Some(n) if data.len() as u64 >= n => Ok(RawImage {
                format,
                width,
                height,
                stride,
                data,
            }),
            _ => Err(ImageError::BadLength {
                expected: needed.unwrap_or(u64::MAX),
                actual: data.len(),
                width,
                height,
            }),
        }
    }

    fn check(format: ImageFormat, width: u32, height: u32) -> Result<(), ImageError> {
        if !matches!(format, ImageFormat::Bgrx | ImageFormat::Rgba) {
            return Err(ImageError::Unsupported(format));
        }
        check_size(width, height)
    }

    /// The format (`Bgrx` or `Rgba`).
    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// Width and height.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The bytes from the first pixel on, and how far apart rows start.
    pub(crate) fn bytes(&self) -> (&'a [u8], usize) {
        (self.data, self.stride)
    }

    /// Whether the rows follow one another without a gap (`stride` = 4·width).
    pub(crate) fn is_packed(&self) -> bool {
        self.stride == self.width as usize * 4
    }

    /// Bytes `x..x+w` of row `y` (which the caller keeps inside the image).
    pub(crate) fn row(&self, x: usize, y: usize, w: usize) -> Option<&'a [u8]> {
        let start = y.checked_mul(self.stride)?.checked_add(x * 4)?;
        self.data.get(start..start.checked_add(w * 4)?)
    }

    /// Converts pixels of this image's format into premultiplied RGBA (`dst` as long).
    pub(crate) fn premultiply_row(&self, src: &[u8], dst: &mut [u8]) {
        match self.format {
            ImageFormat::Bgrx => swap_red_blue(src, dst, 255),
            _ => {
                for (d, p) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                    d.copy_from_slice(&premultiply([p[0], p[1], p[2], p[3]]));
                }
            }
        }
    }
}

/// Decodes `data` into a premultiplied pixmap. `width`/`height` describe raw formats
/// (`Bgrx`, `Rgba`) and are ignored for `Png`/`Jpeg`, whose files carry their own size.
pub fn decode_image(
    format: ImageFormat,
    width: u32,
    height: u32,
    data: &[u8],
) -> Result<Pixmap, ImageError> {
    match format {
        ImageFormat::Bgrx | ImageFormat::Rgba => {
            check_size(width, height)?;
            let expected = width as u64 * height as u64 * 4;
            if data.len() as u64 != expected {
                return Err(ImageError::BadLength {
                    expected,
                    actual: data.len(),
                    width,
                    height,
                });
            }
            if format == ImageFormat::Bgrx {
                let mut out = vec![0; data.len()];
                swap_red_blue(data, &mut out, 255);
                return pixmap_from_vec(out, width, height);
            }
            let mut out = Vec::with_capacity(data.len());
            {
                for p in data.chunks_exact(4) {
                    out.extend_from_slice(&premultiply([p[0], p[1], p[2], p[3]]));
                }
            }
            pixmap_from_vec(out, width, height)
        }
        ImageFormat::Png | ImageFormat::Jpeg => decode_file(format, data),
    }
}

/// Decodes a PNG or JPEG file with size and allocation limits.
fn decode_file(format: ImageFormat, data: &[u8]) -> Result<Pixmap, ImageError> {
    let codec = match format {
        ImageFormat::Png => ::image::ImageFormat::Png,
        _ => ::image::ImageFormat::Jpeg,
    };
    let err = |e: ::image::ImageError| ImageError::Decode {
        format,
        message: e.to_string(),
    };
    let mut reader = ImageReader::with_format(Cursor::new(data), codec);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 8);
    reader.limits(limits);
    let img = reader.decode().map_err(err)?;
    check_size(img.width(), img.height())?;
    let rgba = img.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut out = rgba.into_raw();
    for p in out.chunks_exact_mut(4) {
        let v = premultiply([p[0], p[1], p[2], p[3]]);
        p.copy_from_slice(&v);
    }
    pixmap_from_vec(out, width, height)
}

fn pixmap_from_vec(data: Vec<u8>, width: u32, height: u32) -> Result<Pixmap, ImageError> {
    IntSize::from_wh(width, height)
        .and_then(|size| Pixmap::from_vec(data, size))
        .ok_or(ImageError::BadSize { width, height })
}

/// Copies 4-byte pixels from `src` to `dst` (same length) swapping the first and third
/// byte and setting the fourth to `alpha`: BGRX to opaque RGBA and back, and premultiplied
/// RGBA to the `0x00RRGGBB` screen words (little-endian). Written on `u32` words so the
/// compiler turns it into vector operations (bytes 0 and 2 trade places by a 16-bit
/// rotation, which is a 16-bit lane shuffle).
pub(crate) fn swap_red_blue(src: &[u8], dst: &mut [u8], alpha: u8) {
    let words = (
        bytemuck::try_cast_slice::<u8, u32>(src),
        bytemuck::try_cast_slice_mut::<u8, u32>(dst),
    );
    if let (Ok(src), Ok(dst)) = words {
        swap_red_blue_words(src, dst, alpha);
        return;
    }
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        d[0] = s[2];
        d[1] = s[1];
        d[2] = s[0];
        d[3] = alpha;
    }
}

/// [`swap_red_blue`] on pixels already seen as native-endian words. Where the processor
/// has AVX2 (checked once, then cached by the standard library) the same loop is compiled
/// for it: eight pixels per byte shuffle instead of four per shift-and-mask sequence.
pub(crate) fn swap_red_blue_words(src: &[u32], dst: &mut [u32], alpha: u8) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the function only needs AVX2, which the processor was just found to have.
        unsafe { swap_red_blue_avx2(src, dst, alpha) };
        return;
    }
    swap_red_blue_portable(src, dst, alpha);
}

/// [`swap_red_blue_portable`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn swap_red_blue_avx2(src: &[u32], dst: &mut [u32], alpha: u8) {
    swap_red_blue_portable(src, dst, alpha);
}

/// The swizzle loop itself, inlined into each caller so that it is compiled for the
/// caller's target features.
#[inline(always)]
fn swap_red_blue_portable(src: &[u32], dst: &mut [u32], alpha: u8) {
    // Bytes 0 and 2 rotate into each other's place (on either endianness: they are two
    // bytes apart), byte 1 stays, byte 3 becomes `alpha`.
    let a = u32::from_ne_bytes([0, 0, 0, alpha]);
    let outer = u32::from_ne_bytes([255, 0, 255, 0]);
    let keep = u32::from_ne_bytes([0, 255, 0, 0]);
    let swap = |w: u32| (w & outer).rotate_left(16) | (w & keep) | a;
    let n = src.len().min(dst.len());
    let (src, dst) = (&src[..n], &mut dst[..n]);
    // Blocks of 8 (one AVX2 register) so that rows of any width stay mostly in vector
    // code; the last few pixels one by one.
    let mut d8 = dst.chunks_exact_mut(8);
    let mut s8 = src.chunks_exact(8);
    for (d, s) in (&mut d8).zip(&mut s8) {
        let d: &mut [u32; 8] = d.try_into().expect("a block of 8");
        let s: &[u32; 8] = s.try_into().expect("a block of 8");
        for (d, &w) in d.iter_mut().zip(s) {
            *d = swap(w);
        }
    }
    for (d, &w) in d8.into_remainder().iter_mut().zip(s8.remainder()) {
        *d = swap(w);
    }
}

/// Straight RGBA to premultiplied RGBA.
fn premultiply(p: [u8; 4]) -> [u8; 4] {
    let a = p[3] as u32;
    match p[3] {
        255 => p,
        0 => [0; 4],
        _ => [
            mul255(p[0] as u32, a) as u8,
            mul255(p[1] as u32, a) as u8,
            mul255(p[2] as u32, a) as u8,
            p[3],
        ],
    }
}

/// Premultiplied RGBA to straight RGBA.
fn demultiply(p: &[u8]) -> [u8; 4] {
    let a = p[3] as u32;
    match p[3] {
        255 => [p[0], p[1], p[2], 255],
        0 => [0; 4],
        _ => {
            let un = |c: u8| ((c as u32 * 255 + a / 2) / a).min(255) as u8;
            [un(p[0]), un(p[1]), un(p[2]), p[3]]
        }
    }
}

/// Reads the pixels of `r`, which must be non-empty and lie within the pixmap.
///
/// `Bgrx` returns the colour as displayed on an opaque screen (premultiplied, i.e. over
/// black) with a zero pad byte; `Rgba` returns straight alpha; `Png` returns an encoded
/// RGBA PNG. `Jpeg` is not supported.
pub fn get_image(pm: &Pixmap, r: IRect, format: ImageFormat) -> Result<Vec<u8>, ImageError> {
    let inside = !r.is_empty() && r.intersect(&pixmap_rect(pm)) == Some(r);
    if !inside {
        return Err(ImageError::OutOfBounds {
            rect: r,
            width: pm.width(),
            height: pm.height(),
        });
    }
    if format == ImageFormat::Jpeg {
        return Err(ImageError::Unsupported(format));
    }
    let stride = pm.width() as usize * 4;
    let mut out = Vec::with_capacity(r.width as usize * r.height as usize * 4);
    for y in r.y as usize..r.bottom() as usize {
        let start = y * stride + r.x as usize * 4;
        let Some(row) = pm.data().get(start..start + r.width as usize * 4) else {
            continue;
        };
        if format == ImageFormat::Bgrx {
            let at = out.len();
            out.resize(at + row.len(), 0);
            swap_red_blue(row, &mut out[at..], 0);
        } else {
            for p in row.chunks_exact(4) {
                out.extend_from_slice(&demultiply(p));
            }
        }
    }
    if format != ImageFormat::Png {
        return Ok(out);
    }
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&out, r.width, r.height, ExtendedColorType::Rgba8)
        .map_err(|e| ImageError::Encode {
            format,
            message: e.to_string(),
        })?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_and_dispatched_swizzles_agree() {
        let src: Vec<u32> = (0..77u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
        for n in [0, 1, 7, 8, 31, 32, 33, 77] {
            let (mut a, mut b) = (vec![0; n], vec![0; n]);
            swap_red_blue_words(&src[..n], &mut a, 0x80);
            swap_red_blue_portable(&src[..n], &mut b, 0x80);
            assert_eq!(a, b);
            for (o, &w) in b.iter().zip(&src) {
                let p = w.to_ne_bytes();
                assert_eq!(o.to_ne_bytes(), [p[2], p[1], p[0], 0x80]);
            }
        }
    }
}
