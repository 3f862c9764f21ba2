//! The screen framebuffer boundary: copying (opaque) window pixmaps into the `0x00RRGGBB`
//! framebuffer with [`blit_to_xrgb`], and reading it back with [`xrgb_to_pixmap`].
//! Callers guarantee nothing about the rectangles, so everything is clamped here.

use tiny_skia::{IntSize, Pixmap};

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
    for py in d.y as i64..d.bottom() {
        let sy = (py + oy) as usize;
        let sx = (d.x as i64 + ox) as usize;
        let s_start = (sy * sw + sx) * 4;
        let d_start = py as usize * dst_stride + d.x as usize;
        let (Some(srow), Some(drow)) = (
            data.get(s_start..s_start + w * 4),
            dst.get_mut(d_start..d_start + w),
        ) else {
            continue;
        };
        for (p, out) in srow.chunks_exact(4).zip(drow.iter_mut()) {
            *out = (p[0] as u32) << 16 | (p[1] as u32) << 8 | p[2] as u32;
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
    let mut out = Vec::with_capacity(r.width as usize * r.height as usize * 4);
    for y in r.y as usize..r.bottom() as usize {
        let start = y * width as usize + r.x as usize;
        let row = buf.get(start..start + r.width as usize)?;
        for &v in row {
            let [_, red, green, blue] = v.to_be_bytes();
            out.extend_from_slice(&[red, green, blue, 255]);
        }
    }
    Pixmap::from_vec(out, size)
}
