//! [`Scale`]: logical pixels on HiDPI screens. The setup (and each ScreenChange event)
//! gives the screen's `scale_factor`, device pixels per logical pixel; an app designs in
//! logical pixels (a 14-pixel font, a 26-pixel row) and draws in device pixels, which the
//! protocol speaks: `Scale` converts both ways, rounding to whole pixels.

use yonder::prelude::*;
use yonder::ConnectionError;

/// Device pixels per logical pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale(f64);

impl Default for Scale {
    /// 1: a logical pixel is a device pixel.
    fn default() -> Scale {
        Scale(1.0)
    }
}

impl Scale {
    /// The scale of the connection's screen (waits for the setup the first time).
    pub fn of(conn: &Connection) -> Result<Scale, ConnectionError> {
        Ok(Scale::new(conn.screen()?.scale_factor))
    }

    /// A scale of `factor`; a factor that is not a positive finite number, or is
    /// absurd (outside 0.25 to 16), is taken as 1 or clamped.
    pub fn new(factor: f64) -> Scale {
        if !factor.is_finite() || factor <= 0.0 {
            return Scale(1.0);
        }
        Scale(factor.clamp(0.25, 16.0))
    }

    /// The factor.
    pub fn factor(self) -> f64 {
        self.0
    }

    /// A logical length in device pixels.
    pub fn len(self, logical: u32) -> u32 {
        (f64::from(logical) * self.0).round() as u32
    }

    /// A logical coordinate in device pixels.
    pub fn pos(self, logical: i32) -> i32 {
        (f64::from(logical) * self.0).round() as i32
    }

    /// A logical text size in device pixels (not rounded: sizes go in quarter pixels).
    pub fn text(self, logical: f32) -> f32 {
        (f64::from(logical) * self.0) as f32
    }

    /// A logical rectangle in device pixels: its edges scaled and rounded, so that
    /// rectangles side by side stay side by side.
    pub fn rect(self, r: Rect) -> Rect {
        let (l, t) = (self.pos(r.x), self.pos(r.y));
        let (right, bottom) = (
            self.pos(r.x.saturating_add(r.width as i32)),
            self.pos(r.y.saturating_add(r.height as i32)),
        );
        Rect::new(l, t, (right - l).max(0) as u32, (bottom - t).max(0) as u32)
    }

    /// A device coordinate (a pointer event's) in logical pixels.
    pub fn logical(self, device: i32) -> i32 {
        (f64::from(device) / self.0).round() as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_pixels_scale_both_ways() {
        let s = Scale::new(1.5);
        assert_eq!(s.len(26), 39);
        assert_eq!(s.text(14.0), 21.0);
        assert_eq!(s.logical(s.pos(101)), 101);
        // Neighbours stay neighbours: the right edge of one is the left of the next.
        let (a, b) = (s.rect(Rect::new(0, 0, 3, 3)), s.rect(Rect::new(3, 0, 3, 3)));
        assert_eq!(a.x + a.width as i32, b.x);
        assert_eq!(Scale::new(f64::NAN), Scale::default());
        assert_eq!(Scale::new(-2.0).factor(), 1.0);
        assert_eq!(Scale::new(100.0).factor(), 16.0);
        assert_eq!(
            Scale::default().rect(Rect::new(5, 6, 7, 8)),
            Rect::new(5, 6, 7, 8)
        );
    }
}
