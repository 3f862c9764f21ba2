//! Image data in and out of pixmaps: [`ImageFormat`], [`ImageError`], [`decode_image`]
//! (raw BGRX / RGBA / RGBX buffers, PNG, JPEG) and [`get_image`] (BGRX, RGBA, PNG), with
//! the size limits that keep a client from making the server allocate unbounded memory,
//! and the word conversions of raw rows into stored ones ([`Rows::convert`]).

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
    /// 4 bytes per pixel R, G, B, X (decode only); opaque: the fourth byte is ignored.
    Rgbx,
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
    /// Inlined: a call cost a 10×10 shared-memory put 1.5 % of its instructions.
    #[inline(always)]
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

    #[inline]
    fn check(format: ImageFormat, width: u32, height: u32) -> Result<(), ImageError> {
        if !matches!(
            format,
            ImageFormat::Bgrx | ImageFormat::Rgba | ImageFormat::Rgbx
        ) {
            return Err(ImageError::Unsupported(format));
        }
        check_size(width, height)
    }

    /// The format (`Bgrx`, `Rgba` or `Rgbx`).
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
            ImageFormat::Rgbx => set_alpha(src, dst),
            _ => {
                for (d, p) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                    d.copy_from_slice(&premultiply([p[0], p[1], p[2], p[3]]));
                }
            }
        }
    }
}

/// Decodes `data` into a premultiplied pixmap. `width`/`height` describe raw formats
/// (`Bgrx`, `Rgba`, `Rgbx`) and are ignored for `Png`/`Jpeg`, whose files carry their own
/// size.
pub fn decode_image(
    format: ImageFormat,
    width: u32,
    height: u32,
    data: &[u8],
) -> Result<Pixmap, ImageError> {
    match format {
        ImageFormat::Bgrx | ImageFormat::Rgba | ImageFormat::Rgbx => {
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
            if format != ImageFormat::Rgba {
                let mut out = vec![0; data.len()];
                match format {
                    ImageFormat::Bgrx => swap_red_blue(data, &mut out, 255),
                    _ => set_alpha(data, &mut out),
                }
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
/// RGBA to the `0x00RRGGBB` screen words (little-endian).
pub(crate) fn swap_red_blue(src: &[u8], dst: &mut [u8], alpha: u8) {
    Rows::one(src, dst).convert(Convert::SwapRedBlue(alpha));
}

/// Copies 4-byte pixels from `src` to `dst` (same length) setting the fourth byte to 255:
/// RGBX to opaque RGBA, the stored bytes (premultiplying by 255 changes nothing).
pub(crate) fn set_alpha(src: &[u8], dst: &mut [u8]) {
    Rows::one(src, dst).convert(Convert::SetAlpha);
}

/// What [`Rows::convert`] does to each 4-byte pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Convert {
    /// The first and third bytes trade places, the fourth becomes the value given.
    SwapRedBlue(u8),
    /// The fourth byte becomes 255, the others stay.
    SetAlpha,
    /// Every byte stays: a copy.
    Copy,
}

/// `height` rows of `width` pixels to convert: row `r` of `src` starts at byte
/// `src_at + r·src_stride`, of `dst` at `dst_at + r·dst_stride`.
pub(crate) struct Rows<'s, 'd> {
    pub src: &'s [u8],
    pub src_at: usize,
    pub src_stride: usize,
    pub dst: &'d mut [u8],
    pub dst_at: usize,
    pub dst_stride: usize,
    pub width: usize,
    pub height: usize,
}

impl<'s, 'd> Rows<'s, 'd> {
    /// One row: all of `src` into `dst` (as many pixels as the shorter holds).
    pub(crate) fn one(src: &'s [u8], dst: &'d mut [u8]) -> Rows<'s, 'd> {
        let width = src.len().min(dst.len()) / 4;
        Rows {
            src,
            src_at: 0,
            src_stride: 0,
            dst,
            dst_at: 0,
            dst_stride: 0,
            width,
            height: 1,
        }
    }

    /// Converts every row (up to the first that does not lie inside its slice), written so
    /// the compiler turns it into vector operations. Where the processor has AVX2 (checked
    /// once for all the rows, then cached by the standard library) the same loops are
    /// compiled for it: eight pixels per byte shuffle (or OR) instead of four, and an
    /// image of narrow rows pays no call a row.
    pub(crate) fn convert(self, how: Convert) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the function only needs AVX2, which the processor was just found to
            // have.
            unsafe { convert_avx2(self, how) };
            return;
        }
        convert_portable(self, how);
    }
}

/// [`convert_portable`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn convert_avx2(rows: Rows, how: Convert) {
    convert_portable(rows, how);
}

/// The conversion loops themselves, inlined into each caller so that they are compiled
/// for the caller's target features. A row whose bytes are aligned to words goes a word at
/// a time, any other a byte at a time.
#[inline(always)]
fn convert_portable(rows: Rows, how: Convert) {
    // Both buffers, every row's start and both strides on word boundaries (as a
    // drawable's rows always are): the buffers are taken as words once, so that a row
    // costs its two bounds checks and the loop (each row's own casts and checks cost
    // about 9 instructions: copypixwin100's server went from 13.7 k to 12.8 k a copy).
    let aligned = [rows.src_at, rows.src_stride, rows.dst_at, rows.dst_stride]
        .iter()
        .all(|n| n % 4 == 0);
    if aligned {
        if let (Ok(src), Ok(dst)) = (
            bytemuck::try_cast_slice::<u8, u32>(rows.src),
            bytemuck::try_cast_slice_mut::<u8, u32>(&mut *rows.dst),
        ) {
            let (src_stride, dst_stride) = (rows.src_stride / 4, rows.dst_stride / 4);
            let (mut at, mut to) = (rows.src_at / 4, rows.dst_at / 4);
            for _ in 0..rows.height {
                let src = src.get(at..at.saturating_add(rows.width));
                let dst = dst.get_mut(to..to.saturating_add(rows.width));
                let (Some(src), Some(dst)) = (src, dst) else {
                    return;
                };
                convert_words(src, dst, how);
                at = at.saturating_add(src_stride);
                to = to.saturating_add(dst_stride);
            }
            return;
        }
    }
    let len = rows.width * 4;
    let (mut at, mut to) = (rows.src_at, rows.dst_at);
    for _ in 0..rows.height {
        let src = rows.src.get(at..at.saturating_add(len));
        let dst = rows.dst.get_mut(to..to.saturating_add(len));
        let (Some(src), Some(dst)) = (src, dst) else {
            return;
        };
        let words = (
            bytemuck::try_cast_slice::<u8, u32>(src),
            bytemuck::try_cast_slice_mut::<u8, u32>(dst),
        );
        match words {
            (Ok(src), Ok(dst)) => convert_words(src, dst, how),
            _ => convert_bytes(src, dst, how),
        }
        at = at.saturating_add(rows.src_stride);
        to = to.saturating_add(rows.dst_stride);
    }
}

/// One row of native-endian words.
#[inline(always)]
fn convert_words(src: &[u32], dst: &mut [u32], how: Convert) {
    match how {
        Convert::SwapRedBlue(alpha) => {
            // Bytes 0 and 2 trade places, byte 1 stays, byte 3 becomes `alpha`: the bytes
            // reversed, then turned by one byte (which way depends on the byte order),
            // which the compiler makes one byte shuffle (`vpshufb`, 8 pixels) and an OR.
            // (Masks, a rotation by 16 and ORs in blocks of 8 compiled to shifts: twice
            // the instructions.)
            let a = u32::from_ne_bytes([0, 0, 0, alpha]);
            let rgb = u32::from_ne_bytes([255, 255, 255, 0]);
            for (d, &w) in dst.iter_mut().zip(src) {
                let reversed = w.swap_bytes();
                let turned = match cfg!(target_endian = "little") {
                    true => reversed.rotate_right(8),
                    false => reversed.rotate_left(8),
                };
                *d = (turned & rgb) | a;
            }
        }
        Convert::SetAlpha => {
            let opaque = u32::from_ne_bytes([0, 0, 0, 255]);
            for (d, &w) in dst.iter_mut().zip(src) {
                *d = w | opaque;
            }
        }
        Convert::Copy => {
            // An OR with a zero the compiler cannot see, so that the loop stays this
            // vector loop, inlined, rather than a call to `memcpy` a row.
            let none = std::hint::black_box(0);
            for (d, &w) in dst.iter_mut().zip(src) {
                *d = w | none;
            }
        }
    }
}

/// One row of bytes not aligned to words.
#[inline(always)]
fn convert_bytes(src: &[u8], dst: &mut [u8], how: Convert) {
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        let [r, g, b] = [s[0], s[1], s[2]];
        d.copy_from_slice(&match how {
            Convert::SwapRedBlue(alpha) => [b, g, r, alpha],
            Convert::SetAlpha => [r, g, b, 255],
            Convert::Copy => [r, g, b, s[3]],
        });
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
    if matches!(format, ImageFormat::Jpeg | ImageFormat::Rgbx) {
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
    fn conversions_agree_on_every_route() {
        let src: Vec<u32> = (0..77u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
        let bytes: Vec<u8> = bytemuck::cast_slice(&src).to_vec();
        for how in [Convert::SwapRedBlue(0x80), Convert::SetAlpha, Convert::Copy] {
            let want = |w: u32| {
                let p = w.to_ne_bytes();
                match how {
                    Convert::SwapRedBlue(a) => [p[2], p[1], p[0], a],
                    Convert::SetAlpha => [p[0], p[1], p[2], 255],
                    Convert::Copy => p,
                }
            };
            for n in [0, 1, 7, 8, 31, 32, 33, 77] {
                // Dispatched (AVX2 where there is) and portable, words and bytes.
                let mut a = vec![0u32; n];
                Rows::one(
                    bytemuck::cast_slice(&src[..n]),
                    bytemuck::cast_slice_mut(&mut a),
                )
                .convert(how);
                let mut b = vec![0u32; n];
                convert_portable(
                    Rows::one(
                        bytemuck::cast_slice(&src[..n]),
                        bytemuck::cast_slice_mut(&mut b),
                    ),
                    how,
                );
                let mut c = vec![0u8; 4 * n + 1];
                convert_bytes(&bytes[..4 * n], &mut c[1..], how);
                assert_eq!(a, b);
                assert_eq!(bytemuck::cast_slice::<u32, u8>(&a), &c[1..]);
                for (o, &w) in a.iter().zip(&src) {
                    assert_eq!(o.to_ne_bytes(), want(w), "{how:?}");
                }
            }
            // Rows: 3 of 5 pixels from a 7-pixel-wide source at (1, 2) into a 6-wide
            // destination at (0, 1); nothing else changes.
            let mut dst = vec![0u32; 6 * 5];
            Rows {
                src: bytemuck::cast_slice(&src),
                src_at: (2 * 7 + 1) * 4,
                src_stride: 7 * 4,
                dst: bytemuck::cast_slice_mut(&mut dst),
                dst_at: 6 * 4,
                dst_stride: 6 * 4,
                width: 5,
                height: 3,
            }
            .convert(how);
            for (i, o) in dst.iter().enumerate() {
                let (x, y) = (i % 6, i / 6);
                let expected = match (x, y) {
                    (0..5, 1..4) => want(src[(y + 1) * 7 + x + 1]),
                    _ => [0; 4],
                };
                assert_eq!(o.to_ne_bytes(), expected, "{how:?} at ({x}, {y})");
            }
        }
    }

    /// Copies of every width from 0 to 70 pixels, to and from several word offsets within
    /// 32 bytes, over three rows of different strides: each pixel lands exactly where it
    /// belongs, and nothing around the rows changes.
    #[test]
    fn copies_land_exactly_whatever_the_alignment_and_width() {
        let src: Vec<u32> = (0..1000u32)
            .map(|i| i.wrapping_mul(0x9E37_79B9) | 1)
            .collect();
        for width in 0..70usize {
            for (dst_off, src_off) in [(0, 0), (1, 0), (3, 5), (7, 2), (8, 1), (5, 9)] {
                let (src_stride, dst_stride) = (80, 90);
                let mut dst = vec![0u32; 400];
                Rows {
                    src: bytemuck::cast_slice(&src),
                    src_at: src_off * 4,
                    src_stride: src_stride * 4,
                    dst: bytemuck::cast_slice_mut(&mut dst),
                    dst_at: dst_off * 4,
                    dst_stride: dst_stride * 4,
                    width,
                    height: 3,
                }
                .convert(Convert::Copy);
                for (i, &got) in dst.iter().enumerate() {
                    let (y, x) = (
                        (i - dst_off.min(i)) / dst_stride,
                        (i - dst_off.min(i)) % dst_stride,
                    );
                    let inside = i >= dst_off && y < 3 && x < width;
                    let want = match inside {
                        true => src[src_off + y * src_stride + x],
                        false => 0,
                    };
                    assert_eq!(
                        got, want,
                        "width {width}, offsets {dst_off}/{src_off}, word {i}"
                    );
                }
            }
        }
    }
}
