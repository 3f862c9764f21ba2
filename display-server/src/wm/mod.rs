//! The built-in window manager: the server decorates and manages top-level windows itself
//! (like a Wayland compositor's server-side decorations), so a bare server is usable
//! without any extra program.
//!
//! A window is *managed* when its parent is the root, it is not override-redirect, and it
//! belongs to a client (not the server). A managed window gets, when it is first mapped, a
//! place on the screen ([`place`]) and, unless its type is one shown bare (a dock, a
//! splash screen, protocol.md §16.7) or it is fullscreen, a *frame*: a title bar above it
//! and a thin border around it, drawn by the server outside the window's own geometry (the
//! client keeps the geometry it set; GetGeometry and Configure events never include the
//! frame).
//!
//! Its state is data in [`crate::state::wm`] (re-exported here): [`Wm`], the frame's
//! measures ([`frame_of`], [`frame_strips`]), placement ([`place`]) and the drawn frames.
//! The frames are redrawn by `State::refresh_decorations` and painted by
//! [`crate::compose`]. What requests do to managed windows — the first map (hints read,
//! placement, states), a change of their hints, EWMH's requests, maximised and fullscreen
//! states, stacking by layer — is `crate::handlers::wm_hints`, below this layer because
//! the request handlers call it. This module does the rest, what the user does:
//!
//! * `mod.rs`      – the re-exports: the state, and [`wm_configure`] (the window manager's
//!   moves, through ConfigureWindow)
//! * `interact.rs` – click-to-focus, the move and resize drags, a press on the close or
//!   the maximise button
//! * `close.rs`    – the close button: WM_DELETE_WINDOW, "not responding", force quit
//! * `migrate.rs`  – the move button (⇄) and its menu of other displays: moving an app
//!
//! What it does not own: the window tree, stacking, focus and event delivery stay in
//! [`crate::state`], [`crate::focus`] and [`crate::events`]; the window manager acts only
//! through them (a move is a ConfigureWindow, focus goes through `set_focus`), so clients
//! see exactly the events they would see if another client had done the same.

pub mod close;
pub mod interact;
pub mod migrate;
#[cfg(test)]
mod tests_state;

pub use crate::state::wm::*;
pub use close::{alarm, publish_deadline};

pub(crate) use crate::handlers::window_config::wm_configure;

#[cfg(test)]
mod tests {
    use super::*;
    use yonder_protocol::{Point, Rect, Size};

    const SCREEN: Size = Size::new(320, 240);

    #[test]
    fn frame_surrounds_the_client() {
        let c = Rect::new(100, 50, 80, 60);
        assert_eq!(frame_of(c), Rect::new(96, 26, 88, 88));
        let [title, left, right, bottom] = frame_strips(c);
        assert_eq!(title, Rect::new(96, 26, 88, 24));
        assert_eq!(left, Rect::new(96, 50, 4, 60));
        assert_eq!(right, Rect::new(180, 50, 4, 60));
        assert_eq!(bottom, Rect::new(96, 110, 88, 4));
        let area: u64 = frame_strips(c)
            .iter()
            .map(|r| r.width as u64 * r.height as u64)
            .sum();
        assert_eq!(
            area,
            88 * 88 - 80 * 60,
            "the strips tile the frame minus the client"
        );
    }

    #[test]
    fn cascade_steps_and_wraps() {
        let mut slot = 0;
        let size = Size::new(100, 60);
        let a = place(Point::new(0, 0), size, SCREEN, &mut slot);
        let b = place(Point::new(0, 0), size, SCREEN, &mut slot);
        assert_eq!(
            a,
            Point::new(44, 64),
            "the first frame's corner is at (40, 40)"
        );
        assert_eq!(b, Point::new(76, 96));
        let mut positions = vec![a, b];
        for _ in 0..6 {
            positions.push(place(Point::new(0, 0), size, SCREEN, &mut slot));
        }
        for p in &positions {
            let f = frame_of(Rect::new(p.x, p.y, size.width, size.height));
            assert!(f.x >= 0 && f.y >= 0, "{p:?}");
            assert!(
                f.right() <= 320 && f.bottom() <= 240,
                "{p:?} leaves the screen"
            );
        }
        assert!(positions.contains(&a) && positions.iter().filter(|p| **p == a).count() > 1);
    }

    #[test]
    fn cascade_of_a_window_larger_than_the_screen_starts_over() {
        let mut slot = 3;
        let p = place(Point::new(0, 0), Size::new(1000, 1000), SCREEN, &mut slot);
        assert_eq!(p, Point::new(44, 64));
        assert_eq!(slot, 1);
    }

    #[test]
    fn requested_positions_are_kept_with_the_frame_on_screen() {
        let mut slot = 0;
        let size = Size::new(50, 50);
        let mut at = |x, y| place(Point::new(x, y), size, SCREEN, &mut slot);
        assert_eq!(at(100, 100), Point::new(100, 100), "kept");
        assert_eq!(
            at(10, 10),
            Point::new(10, 24),
            "moved down to show the title bar"
        );
        assert_eq!(
            at(-30, 50),
            Point::new(4, 50),
            "moved right to show the left border"
        );
        assert_eq!(
            at(1000, 1000),
            Point::new(266, 186),
            "pulled back onto the screen, the whole frame"
        );
        assert_eq!(
            place(Point::new(50, 50), Size::new(400, 300), SCREEN, &mut 0),
            Point::new(4, 24),
            "larger than the screen: the title bar's left end shown"
        );
        assert_eq!(slot, 0, "the cascade is untouched");
    }

    #[test]
    fn the_placement_examples_of_protocol_md_hold() {
        let screen = Size::new(640, 480);
        let at = |x, y, w| place(Point::new(x, y), Size::new(w, 50), screen, &mut 0);
        assert_eq!(at(570, 100, 50), Point::new(570, 100));
        assert_eq!(at(600, 100, 50), Point::new(586, 100));
        assert_eq!(at(-30, 10, 50), Point::new(4, 24));
        assert_eq!(at(50, 50, 700), Point::new(4, 50));
    }
}
