//! A window's icon as the title bar shows it: the best of its `_NET_WM_ICON` sizes
//! (protocol.md §16.7), fitted into [`ICON_SIDE`] × [`ICON_SIDE`] pixels once, when the
//! property changes, so that redrawing a frame only copies it.

use crate::render::Pixmap;
use tiny_skia::PremultipliedColorU8;
use yonder_protocol::hints::Icon;

/// The side of the icon in the title bar.
pub const ICON_SIDE: u32 = 16;

/// An icon ready to draw: premultiplied, at most [`ICON_SIDE`] on each side (the longer
/// side exactly), its shape kept.
#[derive(Clone, PartialEq)]
pub struct TitleIcon {
    /// The pixels.
    pub pixmap: Pixmap,
}

impl std::fmt::Debug for TitleIcon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TitleIcon({}x{})",
            self.pixmap.width(),
            self.pixmap.height()
        )
    }
}

impl Eq for TitleIcon {}

impl TitleIcon {
    /// The icon of a `_NET_WM_ICON` value, if it holds one.
    pub fn from_property(data: &[u8]) -> Option<TitleIcon> {
        let icon = Icon::best(data, ICON_SIDE)?;
        let long = icon.width.max(icon.height);
        let fit = |side: u32| ((side as u64 * ICON_SIDE as u64) / long as u64).max(1) as u32;
        let (w, h) = (fit(icon.width), fit(icon.height));
        let mut pixmap = Pixmap::new(w, h)?;
        let out = pixmap.pixels_mut();
        for y in 0..h {
            for x in 0..w {
                out[(y * w + x) as usize] = average(&icon, x, y, w, h);
            }
        }
        Some(TitleIcon { pixmap })
    }
}

/// Pixel `(x, y)` of `icon` scaled to `w` × `h`: the mean of the source pixels it covers
/// (at least one), premultiplied.
fn average(icon: &Icon, x: u32, y: u32, w: u32, h: u32) -> PremultipliedColorU8 {
    let span = |d: u32, to: u32, from: u32| {
        let a = (d as u64 * from as u64 / to as u64) as u32;
        let b = ((d as u64 + 1) * from as u64 / to as u64) as u32;
        a..b.max(a + 1).min(from)
    };
    let (mut sum, mut n) = ([0u64; 4], 0u64);
    for sy in span(y, h, icon.height) {
        for sx in span(x, w, icon.width) {
            let p = icon.argb[(sy * icon.width + sx) as usize];
            let a = (p >> 24) as u64;
            // Premultiply before averaging, so transparent pixels add no color.
            for (i, shift) in [16, 8, 0].into_iter().enumerate() {
                sum[i] += ((p >> shift) & 0xFF) as u64 * a / 255;
            }
            sum[3] += a;
            n += 1;
        }
    }
    let c = |v: u64| (v / n.max(1)) as u8;
    let a = c(sum[3]);
    // Rounding can leave a channel above alpha; premultiplied colors must not.
    PremultipliedColorU8::from_rgba(c(sum[0]).min(a), c(sum[1]).min(a), c(sum[2]).min(a), a)
        .expect("channels at most alpha")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_fitted_into_the_title_bar_square() {
        let red = Icon {
            width: 64,
            height: 32,
            argb: vec![0xFFFF_0000; 64 * 32],
        };
        let t = TitleIcon::from_property(&red.encode()).expect("an icon");
        assert_eq!((t.pixmap.width(), t.pixmap.height()), (16, 8));
        let p = t.pixmap.pixel(3, 3).unwrap();
        assert_eq!((p.red(), p.green(), p.blue(), p.alpha()), (255, 0, 0, 255));
        // Half transparent, half blue: the mean is premultiplied.
        let mut argb = vec![0x0000_0000; 4];
        argb[1] = 0xFF00_00FF;
        argb[3] = 0xFF00_00FF;
        let small = Icon {
            width: 2,
            height: 2,
            argb,
        };
        let t = TitleIcon::from_property(&small.encode()).unwrap();
        assert_eq!(t.pixmap.width(), 16, "small icons are scaled up");
        let left = t.pixmap.pixel(0, 0).unwrap();
        let right = t.pixmap.pixel(15, 15).unwrap();
        assert_eq!(left.alpha(), 0);
        assert_eq!((right.blue(), right.alpha()), (255, 255));
        assert!(TitleIcon::from_property(&[1, 2, 3]).is_none());
    }
}
