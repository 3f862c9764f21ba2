//! The built-in window manager: the server decorates and manages top-level windows itself
//! (like a Wayland compositor's server-side decorations), so a bare server is usable
//! without any extra program.
//!
//! A window is *managed* when its parent is the root, it is not override-redirect, and it
//! belongs to a client (not the server). A managed window gets, when it is first mapped, a
//! place on the screen ([`place`]) and a *frame*: a title bar above it and a thin border
//! around it, drawn by the server outside the window's own geometry (the client keeps the
//! geometry it set; GetGeometry and Configure events never include the frame).
//!
//! This file owns the policy and the geometry: [`Wm`] (every piece of window-manager
//! state, in one place), the frame's measures ([`frame_of`], [`frame_strips`]), placement,
//! and the hooks the request handlers call when a window is mapped, unmapped or destroyed.
//! The siblings own the rest:
//!
//! * `decoration.rs` – drawing a frame into a cached pixmap and painting it on the screen
//! * `interact.rs`   – hit testing, click-to-focus, the move and resize drags
//! * `close.rs`      – the close button: WM_DELETE_WINDOW, "not responding", force quit
//!
//! What it does not own: the window tree, stacking, focus and event delivery stay in
//! [`crate::state`], [`crate::input`] and [`crate::events`]; the window manager acts only
//! through them (a move is a ConfigureWindow, focus goes through `set_focus`), so clients
//! see exactly the events they would see if another client had done the same.

mod close;
mod decoration;
mod interact;
#[cfg(test)]
mod tests_state;

pub use close::{alarm, CloseState};
pub use decoration::{
    fit_title, Decoration, DecorationKey, ACTIVE_TEXT, ACTIVE_TITLE, GRIP_COLOR, INACTIVE_TEXT,
    INACTIVE_TITLE, NOT_RESPONDING_TEXT, NOT_RESPONDING_TITLE, TITLE_FONT_PX,
};
pub use interact::{hit_test, Drag, DragKind, FramePart};

use crate::state::{State, Window};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::{Point, Rect, Size, WindowId};

/// Height of the title bar, above the client window.
pub const TITLE_HEIGHT: u32 = 24;
/// Width of the border on the left, right and bottom of the client window.
pub const BORDER: u32 = 4;
/// Width of the close button at the right end of the title bar.
pub const CLOSE_WIDTH: u32 = 24;
/// Side of the resize grip: the frame's bottom-right corner square (outside the client).
pub const GRIP: u32 = 16;
/// Smallest client size a resize drag makes.
pub const MIN_SIZE: u32 = 32;
/// How long an app may take to answer WM_DELETE_WINDOW before the server offers to kill it.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Where the cascade of windows mapped at (0, 0) starts: the frame's top-left corner.
pub const CASCADE_START: i32 = 40;
/// How far each window of the cascade is from the previous one, on both axes.
pub const CASCADE_STEP: i32 = 32;
/// How much of the title bar placement keeps on the screen horizontally.
pub const MIN_VISIBLE_TITLE: i32 = 64;

/// What the window manager keeps about one managed window.
pub struct Managed {
    /// The frame as last drawn (None until the first composition after mapping). Cached
    /// here so that composing only copies pixels; [`State::refresh_decorations`] redraws
    /// it when what it shows (title, focus, width, close state) changed.
    pub decoration: Option<Decoration>,
    /// Where the close button's conversation with the app stands.
    pub close: CloseState,
}

/// Every piece of window-manager state, in one struct so that it is easy to enumerate.
///
/// Owned by [`State`] (the state thread) like everything else the server knows: hit
/// testing, restacking, focus and the frames' damage all need the window tree in the same
/// step, so the window manager is part of the state rather than a separate task, and needs
/// no locks. It is kept apart from [`Window`] because frames are this server's policy, not
/// part of the protocol's window model.
pub struct Wm {
    /// Manage top-level windows at all (off with `--no-window-manager`).
    pub enabled: bool,
    /// The managed windows that have been mapped at least once (so they have been placed),
    /// by id. An entry lives until its window is destroyed.
    pub managed: HashMap<WindowId, Managed>,
    /// The press on a frame being handled (a move, a resize, a close click), if any.
    pub drag: Option<Drag>,
    /// The next slot of the cascade for windows mapped at (0, 0).
    pub cascade: u32,
    /// Where the state thread publishes the earliest close-request deadline for the
    /// [`alarm`] task, which turns it into a [`crate::command::Command::Tick`]. None when no
    /// runtime drives the alarm (unit tests): the deadline is then checked at the next click.
    alarm: Option<watch::Sender<Option<Instant>>>,
}

impl Wm {
    /// A window manager, on or off.
    pub fn new(enabled: bool) -> Wm {
        Wm {
            enabled,
            managed: HashMap::new(),
            drag: None,
            cascade: 0,
            alarm: None,
        }
    }

    /// Creates the alarm channel; the server runs [`alarm`] on the receiver.
    pub fn alarm_receiver(&mut self) -> watch::Receiver<Option<Instant>> {
        let (tx, rx) = watch::channel(None);
        self.alarm = Some(tx);
        rx
    }

    /// Whether `win` shows a frame now: a mapped, managed child of the root.
    pub fn is_framed(&self, win: &Window) -> bool {
        win.parent == WindowId::ROOT
            && win.mapped
            && !win.override_redirect
            && self.managed.contains_key(&win.id)
    }

    /// The frame to paint with `win`, if it shows one.
    pub fn decoration_for(&self, win: &Window) -> Option<&Decoration> {
        if !self.is_framed(win) {
            return None;
        }
        self.managed.get(&win.id)?.decoration.as_ref()
    }
}

/// The frame's outer rectangle around a client rectangle (same coordinates).
pub fn frame_of(client: Rect) -> Rect {
    Rect::new(
        client.x.saturating_sub(BORDER as i32),
        client.y.saturating_sub(TITLE_HEIGHT as i32),
        client.width.saturating_add(2 * BORDER),
        client.height.saturating_add(TITLE_HEIGHT + BORDER),
    )
}

/// The parts of the frame outside the client: the title bar, the left, right and bottom
/// borders (in that order; they do not overlap).
pub fn frame_strips(client: Rect) -> [Rect; 4] {
    let f = frame_of(client);
    let below = client.y.saturating_add_unsigned(client.height);
    [
        Rect::new(f.x, f.y, f.width, TITLE_HEIGHT),
        Rect::new(f.x, client.y, BORDER, client.height),
        Rect::new(
            client.x.saturating_add_unsigned(client.width),
            client.y,
            BORDER,
            client.height,
        ),
        Rect::new(f.x, below, f.width, BORDER),
    ]
}

/// Where a managed window mapped for the first time goes (its client origin). A window
/// asking for (0, 0) (no preference) takes the next slot of a cascade whose first frame is
/// at ([`CASCADE_START`], [`CASCADE_START`]), each [`CASCADE_STEP`] further down and right,
/// starting over when the frame would leave the screen. Any other position is kept, moved
/// just enough that the title bar is on the screen: its top edge inside it and at least
/// [`MIN_VISIBLE_TITLE`] pixels of its left end.
pub fn place(requested: Point, size: Size, screen: Size, next_slot: &mut u32) -> Point {
    let (sw, sh) = (screen.width as i64, screen.height as i64);
    if requested != Point::new(0, 0) {
        let (b, t) = (BORDER as i64, TITLE_HEIGHT as i64);
        let x = (requested.x as i64)
            .min((sw - MIN_VISIBLE_TITLE as i64).max(b))
            .max(b);
        let y = (requested.y as i64).min(sh.max(t)).max(t);
        return Point::new(x as i32, y as i32);
    }
    let slot_origin = |k: u32| CASCADE_START as i64 + CASCADE_STEP as i64 * k as i64;
    let fits = |k: u32| {
        let f = frame_of(Rect::new(0, 0, size.width, size.height));
        let o = slot_origin(k);
        o + f.width as i64 <= sw && o + f.height as i64 <= sh
    };
    let k = if *next_slot > 0 && !fits(*next_slot) {
        0
    } else {
        *next_slot
    };
    *next_slot = k + 1;
    let o = slot_origin(k);
    Point::new(
        (o + BORDER as i64).min(i32::MAX as i64) as i32,
        (o + TITLE_HEIGHT as i64).min(i32::MAX as i64) as i32,
    )
}

impl State {
    /// Whether the window manager manages `w`: a top-level (child of the root) that is not
    /// override-redirect and belongs to a connected client.
    pub fn is_manageable(&self, w: WindowId) -> bool {
        let Some(win) = self.windows.get(&w) else {
            return false;
        };
        self.wm.enabled
            && w != WindowId::ROOT
            && win.parent == WindowId::ROOT
            && !win.override_redirect
            && self
                .owner_of(w.0)
                .is_some_and(|c| self.clients.contains_key(&c))
    }

    /// The frame's outer rectangle in root coordinates, if `w` shows a frame now.
    pub fn frame_rect(&self, w: WindowId) -> Option<Rect> {
        let win = self.windows.get(&w)?;
        self.wm.is_framed(win).then(|| frame_of(win.rect))
    }

    /// Hook: `w` is about to be mapped. The first time a managed window is mapped it is
    /// taken into management and placed; a move is a ConfigureWindow, so the client gets
    /// its Configure event (before its Map event, as under an X window manager).
    pub(crate) fn wm_window_mapping(&mut self, w: WindowId) {
        if !self.is_manageable(w) || self.wm.managed.contains_key(&w) {
            return;
        }
        self.wm.managed.insert(
            w,
            Managed {
                decoration: None,
                close: CloseState::Idle,
            },
        );
        let Some(rect) = self.windows.get(&w).map(|x| x.rect) else {
            return;
        };
        let screen = Size::new(self.compositor.width, self.compositor.height);
        let at = place(rect.origin(), rect.size(), screen, &mut self.wm.cascade);
        if at != rect.origin() {
            self.wm_configure(
                w,
                ConfigureWindow {
                    x: Some(at.x),
                    y: Some(at.y),
                    ..Default::default()
                },
            );
        }
    }

    /// Hook: `w` was unmapped. An app that hides its window has answered a close request.
    pub(crate) fn wm_window_unmapped(&mut self, w: WindowId) {
        if let Some(m) = self.wm.managed.get_mut(&w) {
            m.close = CloseState::Idle;
        }
    }

    /// Hook: `w` is being destroyed (its frame's damage was taken with the window's).
    pub(crate) fn wm_window_destroyed(&mut self, w: WindowId) {
        self.wm.managed.remove(&w);
        if let Some(d) = &mut self.wm.drag {
            if d.kind.window() == Some(w) {
                // The press still owns the button until it is released.
                d.kind = DragKind::Swallow;
            }
        }
    }

    /// Applies a configuration to `w` through the ConfigureWindow handler, so moves and
    /// resizes made by the window manager damage, notify and expose exactly as a client's
    /// would. Errors (a size out of range) leave the window as it was.
    pub(crate) fn wm_configure(&mut self, w: WindowId, mut change: ConfigureWindow) {
        change.window = w;
        let owner = self.owner_of(w.0).unwrap_or_default();
        if let Err(e) = self.configure_window(owner, change) {
            tracing::debug!(window = %w, error = %e, "window manager configure failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn requested_positions_are_kept_with_the_title_bar_on_screen() {
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
            Point::new(256, 240),
            "pulled back onto the screen"
        );
        assert_eq!(slot, 0, "the cascade is untouched");
    }
}
