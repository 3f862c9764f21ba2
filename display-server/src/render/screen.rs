//! The screen framebuffer boundary: copying (opaque) window pixmaps into the `0x00RRGGBB`
//! framebuffer with [`blit_to_xrgb`], and reading it back with [`xrgb_to_pixmap`].
//! Callers guarantee nothing about the rectangles, so everything is clamped here.

use tiny_skia::{IntSize, Pixmap};

use super::images::{Convert, Rows};
use super::IRect;

/// Copies the `dst_rect` area of the framebuffer `dst` (row stride `dst_stride` u32s) from
/// `src`: framebuffer pixel `(px, py)` takes `src` pixel
/// `(px - dst_rect.x + src_x, py - dst_rect.y + src_y)`. Alpha is ignored (windows are
/// opaque). Parts outside either buffer are skipped.
pub fn blit_to_xrgb(
    src: &Pixmap,
    src_x: i32,
    src_y: i32,
    dst: &mut [u32],
    dst_stride: usize,
    dst_rect: IRect,
) {
    if dst_stride == 0 || dst_stride > u32::MAX as usize {
        return;
    }
    let dst_rows = (dst.len() / dst_stride).min(u32::MAX as usize) as u32;
    let Some(d) = dst_rect.intersect(&IRect::new(0, 0, dst_stride as u32, dst_rows)) else {
        return;
    };
    // Offset from framebuffer to source coordinates.
    let (ox, oy) = (
        src_x as i64 - dst_rect.x as i64,
        src_y as i64 - dst_rect.y as i64,
    );
    // Source bounds expressed in framebuffer coordinates.
    let src_in_dst = IRect::from_ltrb(-ox, -oy, src.width() as i64 - ox, src.height() as i64 - oy);
    let Some(d) = src_in_dst.and_then(|s| s.intersect(&d)) else {
        return;
    };
    let sw = src.width() as usize;
    let data = src.data();
    let w = d.width as usize;
    let (sx, sy) = ((d.x as i64 + ox) as usize, (d.y as i64 + oy) as usize);
    if cfg!(target_endian = "little") {
        // RGBA bytes → B, G, R, 0 bytes, which are the little-endian `0x00RRGGBB`: every
        // row in one call (a call a row cost a 100-pixel row half its instructions).
        Rows {
            src: data,
            src_at: (sy * sw + sx) * 4,
            src_stride: sw * 4,
            dst: bytemuck::cast_slice_mut(dst),
            dst_at: (d.y as usize * dst_stride + d.x as usize) * 4,
            dst_stride: dst_stride * 4,
            width: w,
            height: d.height as usize,
        }
        .convert(Convert::SwapRedBlue(0));
        return;
    }
    for py in d.y as i64..d.bottom() {
        let sy = (py + oy) as usize;
        let s_start = (sy * sw + sx) * 4;
        let d_start = py as usize * dst_stride + d.x as usize;
        let (Some(srow), Some(drow)) = (
            data.get(s_start..s_start + w * 4),
            dst.get_mut(d_start..d_start + w),
        ) else {
            continue;
        };
        for (p, out) in srow.chunks_exact(4).zip(drow.iter_mut()) {
            *out = u32::from_le_bytes([p[2], p[1], p[0], 0]);
        }
    }
}

/// Reads the `r` area of a `width × height` framebuffer (`0x00RRGGBB`, stride `width`)
/// into an opaque pixmap of `r`'s size. Returns `None` if `r` is empty, not inside the
/// framebuffer, or `buf` is shorter than `width × height`.
pub fn xrgb_to_pixmap(buf: &[u32], width: u32, height: u32, r: IRect) -> Option<Pixmap> {
    let needed = (width as usize).checked_mul(height as usize)?;
    if buf.len() < needed
        || r.is_empty()
        || r.intersect(&IRect::new(0, 0, width, height)) != Some(r)
    {
        return None;
    }
    let size = IntSize::from_wh(r.width, r.height)?;
    let row_bytes = r.width as usize * 4;
    let mut out = vec![0; row_bytes * r.height as usize];
    for (y, orow) in (r.y as usize..r.bottom() as usize).zip(out.chunks_exact_mut(row_bytes)) {
        let start = y * width as usize + r.x as usize;
        let row = buf.get(start..start + r.width as usize)?;
        for (&v, o) in row.iter().zip(orow.chunks_exact_mut(4)) {
            let [blue, green, red, _] = v.to_le_bytes();
            o.copy_from_slice(&[red, green, blue, 255]);
        }
    }
    Pixmap::from_vec(out, size)
}

#[cfg(test)]
mod tests {
    use super::super::tests_shapes::rgba;
    use super::super::{fill_solid, Pixmap};
    use super::*;

    /// A pixmap whose pixel (x, y) is opaque with red = x, green = y.
    fn gradient(w: u32, h: u32) -> Pixmap {
        let mut pm = Pixmap::new(w, h).unwrap();
        for y in 0..h {
            for x in 0..w {
                let c = 0xFF00_0000 | (x & 0xFF) << 16 | (y & 0xFF) << 8;
                fill_solid(&mut pm, IRect::new(x as i32, y as i32, 1, 1), c);
            }
        }
        pm
    }

    #[test]
    fn blit_to_xrgb_maps_and_clamps() {
        let src = gradient(8, 8);
        let stride = 10;
        let mut fb = vec![0xDEAD_BEEFu32; stride * 6];
        // Screen (3..7, 2..5) takes src (1.., 4..).
        blit_to_xrgb(&src, 1, 4, &mut fb, stride, IRect::new(3, 2, 4, 3));
        assert_eq!(fb[2 * stride + 3], 0x0001_0400);
        assert_eq!(fb[4 * stride + 6], 0x0004_0600);
        assert_eq!(fb[2 * stride + 2], 0xDEAD_BEEF);
        assert_eq!(fb[5 * stride + 3], 0xDEAD_BEEF);
        // Source running out: src rows 4..8 only → screen rows up to 2 + 4.
        let mut fb2 = vec![0u32; stride * 6];
        blit_to_xrgb(&src, 6, 4, &mut fb2, stride, IRect::new(0, 0, 10, 6));
        assert_eq!(fb2[0], 0x0006_0400);
        assert_eq!(fb2[1], 0x0007_0400);
        assert_eq!(fb2[2], 0);
        assert_eq!(fb2[4 * stride], 0);
        // Nothing here may panic.
        for r in [
            IRect::new(i32::MIN, i32::MIN, u32::MAX, u32::MAX),
            IRect::new(-5, -5, 3, 3),
            IRect::new(8, 5, 100, 100),
        ] {
            for (sx, sy) in [(0, 0), (i32::MIN, i32::MAX), (-3, 2), (100, 0)] {
                blit_to_xrgb(&src, sx, sy, &mut fb, stride, r);
            }
        }
        blit_to_xrgb(&src, 0, 0, &mut fb, 0, IRect::new(0, 0, 5, 5));
        blit_to_xrgb(&src, 0, 0, &mut [], 10, IRect::new(0, 0, 5, 5));
        blit_to_xrgb(&src, 0, 0, &mut fb[..7], 10, IRect::new(0, 0, 5, 5));
    }

    #[test]
    fn xrgb_round_trip() {
        let fb: Vec<u32> = (0..20u32).map(|i| i * 0x0001_0203).collect();
        let pm = xrgb_to_pixmap(&fb, 5, 4, IRect::new(1, 1, 3, 2)).unwrap();
        assert_eq!((pm.width(), pm.height()), (3, 2));
        let [_, r, g, b] = fb[6].to_be_bytes();
        assert_eq!(rgba(&pm, 0, 0), [r, g, b, 255]);
        let mut back = vec![0u32; 3 * 2];
        blit_to_xrgb(&pm, 0, 0, &mut back, 3, IRect::new(0, 0, 3, 2));
        assert_eq!(back, vec![fb[6], fb[7], fb[8], fb[11], fb[12], fb[13]]);
        assert!(xrgb_to_pixmap(&fb, 5, 4, IRect::new(3, 3, 3, 1)).is_none());
        assert!(xrgb_to_pixmap(&fb, 5, 5, IRect::new(0, 0, 1, 1)).is_none());
        assert!(xrgb_to_pixmap(&fb, 5, 4, IRect::new(0, 0, 0, 1)).is_none());
        assert!(xrgb_to_pixmap(&fb, u32::MAX, u32::MAX, IRect::new(0, 0, 1, 1)).is_none());
    }
}
