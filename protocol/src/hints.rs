//! Window-manager hints (protocol.md §16.2, §16.7): the EWMH window type, states and icon
//! (in `ewmh`), and the ICCCM hints here. Size hints: what an app says about the sizes
//! its window may have,
//! in ICCCM's `WM_NORMAL_HINTS` property (type `WM_SIZE_HINTS`, 18 little-endian `u32`s:
//! flags, 4 unused, minimum, maximum, increments, minimum and maximum aspect, base size,
//! gravity). The window manager's resizes honour them; the app's own ConfigureWindow is
//! not constrained (as under X, hints guide the user, not the app).

mod ewmh;

pub use ewmh::{atom_list, Icon, Layer, WindowType, WmStates, MAX_ICON_SIDE};
pub use ewmh::{NET_WM_ICON, NET_WM_STATE, NET_WM_WINDOW_TYPE};

use crate::geometry::Size;

/// The size hints' property.
pub const WM_NORMAL_HINTS: &str = "WM_NORMAL_HINTS";
/// ICCCM's general hints' property (type `WM_HINTS`, 9 little-endian `u32`s: flags,
/// input, initial state, icon pixmap, icon window, icon position, icon mask, group).
pub const WM_HINTS: &str = "WM_HINTS";

/// What a window's `WM_HINTS` says of keyboard input: `Some(false)` when its input flag
/// (1) is set and `input` is 0 (the window does not want the window manager to give it
/// the focus), `Some(true)` when it asks for it, `None` when it says nothing.
pub fn wants_input(data: &[u8]) -> Option<bool> {
    let field = |i| word(data, i);
    let flags = field(0)?;
    (flags & 1 != 0).then(|| field(1).map(|input| input != 0))?
}

/// Flags of the first field (ICCCM's).
const P_MIN_SIZE: u32 = 1 << 4;
const P_MAX_SIZE: u32 = 1 << 5;
const P_RESIZE_INC: u32 = 1 << 6;
const P_ASPECT: u32 = 1 << 7;
const P_BASE_SIZE: u32 = 1 << 8;

/// The `i`-th little-endian `u32` of a property's bytes, if they hold it whole.
fn word(data: &[u8], i: usize) -> Option<u32> {
    let b = data.get(i * 4..i * 4 + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The hints that matter to resizing, as given (absent ones `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SizeHints {
    /// Smallest size.
    pub min: Option<Size>,
    /// Largest size.
    pub max: Option<Size>,
    /// Steps the size grows by, from the base size (a terminal's character cell).
    pub increment: Option<Size>,
    /// The size the increments count from (default: the minimum).
    pub base: Option<Size>,
    /// Smallest and largest width/height ratios, as `(numerator, denominator)` pairs.
    pub aspect: Option<((u32, u32), (u32, u32))>,
}

impl SizeHints {
    /// Reads the property's bytes; a short or malformed value gives the hints whose fields
    /// it holds whole (none at all for fewer than 4 bytes).
    pub fn parse(data: &[u8]) -> SizeHints {
        let field = |i| word(data, i);
        let size = |i: usize| -> Option<Size> { Some(Size::new(field(i)?, field(i + 1)?)) };
        let Some(flags) = field(0) else {
            return SizeHints::default();
        };
        let when = |flag: u32, v: Option<Size>| v.filter(|_| flags & flag != 0);
        SizeHints {
            min: when(P_MIN_SIZE, size(5)),
            max: when(P_MAX_SIZE, size(7)),
            increment: when(P_RESIZE_INC, size(9)).filter(|s| s.width > 0 && s.height > 0),
            base: when(P_BASE_SIZE, size(15)),
            aspect: match (flags & P_ASPECT != 0, size(11), size(13)) {
                (true, Some(lo), Some(hi))
                    if lo.width > 0 && lo.height > 0 && hi.width > 0 && hi.height > 0 =>
                {
                    Some(((lo.width, lo.height), (hi.width, hi.height)))
                }
                _ => None,
            },
        }
    }

    /// The property's bytes for these hints (what an app sets).
    pub fn encode(&self) -> Vec<u8> {
        let mut f = [0u32; 18];
        let mut put = |flag: u32, i: usize, s: Option<Size>| {
            if let Some(s) = s {
                f[0] |= flag;
                (f[i], f[i + 1]) = (s.width, s.height);
            }
        };
        put(P_MIN_SIZE, 5, self.min);
        put(P_MAX_SIZE, 7, self.max);
        put(P_RESIZE_INC, 9, self.increment);
        put(P_BASE_SIZE, 15, self.base);
        if let Some(((a, b), (c, d))) = self.aspect {
            f[0] |= P_ASPECT;
            (f[11], f[12], f[13], f[14]) = (a, b, c, d);
        }
        f.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// The size nearest to `want` that the hints allow, within `floor..=ceiling` (the
    /// window manager's own bounds), for a resize by the user.
    pub fn constrain(&self, want: Size, floor: u32, ceiling: u32) -> Size {
        let lo = self.min.unwrap_or(Size::new(floor, floor));
        let hi = self.max.unwrap_or(Size::new(ceiling, ceiling));
        let clamp =
            |v: u32, a: u32, b: u32| v.clamp(a.max(floor), b.min(ceiling).max(a.max(floor)));
        let (mut w, mut h) = (
            clamp(want.width, lo.width, hi.width),
            clamp(want.height, lo.height, hi.height),
        );
        if let Some((min_a, max_a)) = self.aspect {
            // width / height within [min_a, max_a]: adjust the height, then re-clamp.
            let (w64, h64) = (u64::from(w), u64::from(h));
            if w64 * u64::from(min_a.1) < h64 * u64::from(min_a.0) {
                h = ((w64 * u64::from(min_a.1)) / u64::from(min_a.0)) as u32;
            } else if w64 * u64::from(max_a.1) > h64 * u64::from(max_a.0) {
                h = ((w64 * u64::from(max_a.1)).div_ceil(u64::from(max_a.0))) as u32;
            }
            h = clamp(h, lo.height, hi.height);
        }
        if let Some(inc) = self.increment {
            let base = self.base.or(self.min).unwrap_or(Size::new(0, 0));
            // Down to a step, or up to the first step at the minimum; but never past the
            // maximum for that (then the last step below it, or the minimum itself when
            // no step fits between the two).
            let step = |v: u32, b: u32, i: u32, a: u32, z: u32| {
                let (a, z) = (a.max(floor), z.min(ceiling).max(a.max(floor)));
                let down = b.saturating_add(v.saturating_sub(b) / i * i);
                if down >= a {
                    return down;
                }
                let up = b.saturating_add(a.saturating_sub(b).div_ceil(i).saturating_mul(i));
                if up <= z {
                    up
                } else {
                    a
                }
            };
            w = step(w, base.width, inc.width, lo.width, hi.width);
            h = step(h, base.height, inc.height, lo.height, hi.height);
        }
        // The window manager's bounds win over hints that ask for more.
        let bound = |v: u32| v.clamp(floor, ceiling.max(floor));
        Size::new(bound(w), bound(h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_round_trip_and_constrain_a_resize() {
        let hints = SizeHints {
            min: Some(Size::new(100, 80)),
            max: Some(Size::new(400, 300)),
            increment: Some(Size::new(10, 20)),
            base: Some(Size::new(4, 4)),
            aspect: None,
        };
        let bytes = hints.encode();
        assert_eq!(bytes.len(), 72);
        assert_eq!(SizeHints::parse(&bytes), hints);
        let c = |w, h| hints.constrain(Size::new(w, h), 32, 16384);
        assert_eq!(
            c(10, 10),
            Size::new(104, 84),
            "the minimum, on the base's steps"
        );
        assert_eq!(
            c(1000, 1000),
            Size::new(394, 284),
            "the maximum, on the steps"
        );
        assert_eq!(c(157, 133), Size::new(154, 124));
        // No step between a minimum of 101 and a maximum of 120: the minimum.
        let tight = SizeHints {
            min: Some(Size::new(101, 101)),
            max: Some(Size::new(120, 120)),
            increment: Some(Size::new(50, 50)),
            base: Some(Size::new(0, 0)),
            aspect: None,
        };
        assert_eq!(
            tight.constrain(Size::new(10, 500), 32, 16384),
            Size::new(101, 101)
        );
        // No hints: only the window manager's bounds.
        assert_eq!(
            SizeHints::default().constrain(Size::new(5, 50_000), 32, 16384),
            Size::new(32, 16384)
        );
        // Garbage is no hints, never a panic.
        assert_eq!(SizeHints::parse(&[1, 2, 3]), SizeHints::default());
        let zero_inc = SizeHints {
            increment: Some(Size::new(0, 5)),
            ..SizeHints::default()
        };
        assert_eq!(SizeHints::parse(&zero_inc.encode()).increment, None);
    }

    #[test]
    fn the_input_hint_is_read() {
        let hints = |flags: u32, input: u32| {
            [flags, input, 0, 0, 0, 0, 0, 0, 0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>()
        };
        assert_eq!(wants_input(&hints(1, 0)), Some(false));
        assert_eq!(wants_input(&hints(1, 1)), Some(true));
        assert_eq!(wants_input(&hints(0, 0)), None, "no input flag");
        assert_eq!(wants_input(&[1, 0, 0, 0]), None, "no input field");
        assert_eq!(wants_input(&[]), None);
    }

    #[test]
    fn aspect_limits_keep_the_shape() {
        let square = SizeHints {
            aspect: Some(((1, 1), (1, 1))),
            ..SizeHints::default()
        };
        assert_eq!(
            square.constrain(Size::new(200, 100), 32, 16384),
            Size::new(200, 200)
        );
        assert_eq!(
            square.constrain(Size::new(100, 300), 32, 16384),
            Size::new(100, 100)
        );
    }
}
