//! The built-in window manager's state as data: every piece of it in [`Wm`], the frame's
//! measures ([`frame_of`], [`frame_strips`], [`hit_test`]), the drags a press on a frame
//! starts, the close button's state, and the drawn frames ([`Decoration`]). What the window
//! manager does with it (placement, click-to-focus, drags, closing) is `wm`'s.

mod decoration;
mod icon;

pub use decoration::{
    fit_title, Decoration, DecorationKey, ACTIVE_TEXT, ACTIVE_TITLE, GRIP_COLOR, INACTIVE_TEXT,
    INACTIVE_TITLE, NOT_RESPONDING_TEXT, NOT_RESPONDING_TITLE, TITLE_FONT_PX,
};
pub use icon::{TitleIcon, ICON_SIDE};
pub use yonder_protocol::hints::{Layer, SizeHints, WindowType, WmStates, WM_NORMAL_HINTS};

use super::Window;
use crate::command::Command;
use crate::config::Peer;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::sync::watch;
use yonder_protocol::{Point, Rect, Size, WindowId};

/// Height of the title bar, above the client window.
pub const TITLE_HEIGHT: u32 = 24;
/// Width of the border on the left, right and bottom of the client window.
pub const BORDER: u32 = 4;
/// Width of the close button at the right end of the title bar.
pub const CLOSE_WIDTH: u32 = 24;
/// Width of the maximise button (□), left of the close button.
pub const MAXIMIZE_WIDTH: u32 = 24;
/// Width of the move button (⇄), left of the maximise button when there are peers.
pub const MOVE_WIDTH: u32 = 24;
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

/// What the window manager keeps about one managed window.
pub struct Managed {
    /// The frame as last drawn (None until the first composition after mapping). Cached
    /// here so that composing only copies pixels; `State::refresh_decorations` redraws
    /// it when what it shows (title, focus, width, close state) changed.
    pub decoration: Option<Decoration>,
    /// Where the close button's conversation with the app stands.
    pub close: CloseState,
    /// The title bar shows the menu of displays to move the window to.
    pub menu: bool,
    /// Its `_NET_WM_WINDOW_TYPE` when it was first mapped: whether it has a frame, takes
    /// the focus, and its layer (protocol.md §16.7).
    pub kind: WindowType,
    /// Its maximised and fullscreen states, as the window manager carried them out.
    pub states: WmStates,
    /// Where it was before it was maximised or made fullscreen (while it is).
    pub restore: Option<Rect>,
    /// Its icon as the title bar shows it (`_NET_WM_ICON`), if it has one.
    pub icon: Option<Arc<TitleIcon>>,
}

impl Managed {
    /// A window of `kind` just taken into management, with `icon`.
    pub fn new(kind: WindowType, icon: Option<TitleIcon>) -> Managed {
        Managed {
            decoration: None,
            close: CloseState::Idle,
            menu: false,
            kind,
            states: WmStates::default(),
            restore: None,
            icon: icon.map(Arc::new),
        }
    }

    /// Whether it shows a frame (when mapped): its kind has one and it is not fullscreen.
    pub fn framed(&self) -> bool {
        self.kind.framed() && !self.states.fullscreen
    }

    /// Its layer in the stack of top-levels.
    pub fn layer(&self) -> Layer {
        if self.states.fullscreen {
            Layer::Fullscreen
        } else {
            self.kind.layer()
        }
    }
}

/// Every piece of window-manager state, in one struct so that it is easy to enumerate.
///
/// Owned by `State` (the state thread) like everything else the server knows: hit
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
    /// Where the state thread publishes the earliest deadline (a close request's, or a
    /// detached client's grace period's) for the alarm task (`wm::alarm`), which turns it into a [`crate::command::Command::Tick`]. None when no
    /// runtime drives the alarm (unit tests): the deadline is then checked at the next click.
    pub alarm: Option<watch::Sender<Option<Instant>>>,
    /// The displays a window can be moved to (`--peer`): with any, each title bar has a
    /// move button (protocol.md §5.5).
    pub peers: Vec<Peer>,
    /// Where a move's worker thread hands its token to the state thread (None when no
    /// server runs around the state: unit tests).
    pub commands: Option<mpsc::Sender<Command>>,
    /// The frames that may show something else now (see [`Wm::restyle`]):
    /// `State::refresh_decorations` looks at these alone, so a burst of requests costs
    /// what it changed, not every window on the screen.
    pub stale: Stale,
    /// The managed windows whose own layer is not the normal one (desktops, docks,
    /// fullscreen windows...; [`Managed::layer`]): while there are none, every top-level is
    /// in the normal layer, and mapping or raising a window needs no look at the others'
    /// layers (`handlers::wm_hints::stack`).
    pub layered: HashSet<WindowId>,
}

/// Which frames `State::refresh_decorations` must look at again. What a frame shows
/// ([`DecorationKey`]) follows its window's title properties, size, mapping, states,
/// close state, icon and menu (each change marks that window), and the focus (marking
/// the top-levels it left and entered); the displays to move to and the tree's shape
/// (reparenting, a restoration, the screen's size) concern every frame at once.
#[derive(Default)]
pub struct Stale {
    /// Top-level windows to look at.
    pub windows: HashSet<WindowId>,
    /// Look at every managed window.
    pub all: bool,
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
            peers: Vec::new(),
            commands: None,
            stale: Stale::default(),
            layered: HashSet::new(),
        }
    }

    /// Notes `w`'s own layer (after it was managed or its states changed).
    pub fn relayer(&mut self, w: WindowId) {
        match self.managed.get(&w).map(Managed::layer) {
            Some(l) if l != Layer::Normal => self.layered.insert(w),
            _ => self.layered.remove(&w),
        };
    }

    /// Marks `w`'s frame to be looked at before the next composition (something it may
    /// show changed).
    pub fn restyle(&mut self, w: WindowId) {
        if self.enabled && !self.stale.all {
            self.stale.windows.insert(w);
        }
    }

    /// Marks every frame to be looked at before the next composition.
    pub fn restyle_all(&mut self) {
        self.stale.all = true;
        self.stale.windows.clear();
    }

    /// Takes the frames to look at: `None` for all of them.
    pub fn take_stale(&mut self) -> Option<Vec<WindowId>> {
        let all = std::mem::take(&mut self.stale.all);
        let marked = std::mem::take(&mut self.stale.windows);
        (!all).then(|| marked.into_iter().collect())
    }

    /// Refines a title-bar hit (`Title`) of `w`'s frame around `client` at `p`: the move
    /// button, or an entry of the open menu of displays.
    pub fn refine(&self, w: WindowId, client: Rect, p: Point, part: FramePart) -> FramePart {
        if part != FramePart::Title || self.peers.is_empty() {
            return part;
        }
        let f = frame_of(client);
        let from_right = f.right() - p.x as i64;
        let start = (CLOSE_WIDTH + MAXIMIZE_WIDTH) as i64;
        if from_right > start && from_right <= start + MOVE_WIDTH as i64 {
            return FramePart::MoveButton;
        }
        let x = (p.x as i64 - f.x as i64) as i32;
        match self.managed.get(&w) {
            Some(m) if m.menu => m
                .decoration
                .as_ref()
                .and_then(|d| d.menu_item_at(x))
                .map_or(part, FramePart::MenuItem),
            _ => part,
        }
    }

    /// Creates the alarm channel; the server runs `wm::alarm` on the receiver.
    pub fn alarm_receiver(&mut self) -> watch::Receiver<Option<Instant>> {
        let (tx, rx) = watch::channel(None);
        self.alarm = Some(tx);
        rx
    }

    /// Whether `win` shows a frame now: a mapped, managed child of the root whose kind has
    /// a frame and that is not fullscreen.
    pub fn is_framed(&self, win: &Window) -> bool {
        win.parent == WindowId::ROOT
            && win.mapped
            && !win.override_redirect
            && self.managed.get(&win.id).is_some_and(Managed::framed)
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

/// Where the close button's conversation with a window's app stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseState {
    /// Nothing asked.
    Idle,
    /// WM_DELETE_WINDOW was sent at `at`; no answer yet.
    Asked {
        /// When the (first) request was sent.
        at: Instant,
    },
    /// The title bar offers to force-quit; the next click on × does.
    NotResponding,
}

/// A part of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramePart {
    /// The title bar, except the close button: moves the window.
    Title,
    /// The close button at the title bar's right end.
    Close,
    /// The maximise button left of the close button.
    Maximize,
    /// The bottom-right corner: resizes the window.
    Grip,
    /// The move button (⇄) left of the close button, when there are peers: opens the
    /// menu of displays (or moves the window when there is one).
    MoveButton,
    /// Entry `n` of the menu of displays shown in the title bar.
    MenuItem(usize),
    /// The rest of the border.
    Border,
}

/// Which part of the frame around the client rectangle `client` is at `p` (None inside
/// the client or outside the frame).
pub fn hit_test(client: Rect, p: Point) -> Option<FramePart> {
    let f = frame_of(client);
    if !f.contains(p) || client.contains(p) {
        return None;
    }
    let (right, bottom) = (f.right(), f.bottom());
    let (x, y) = (p.x as i64, p.y as i64);
    if y < f.y as i64 + TITLE_HEIGHT as i64 {
        return Some(if x >= right - CLOSE_WIDTH as i64 {
            FramePart::Close
        } else if x >= right - (CLOSE_WIDTH + MAXIMIZE_WIDTH) as i64 {
            FramePart::Maximize
        } else {
            FramePart::Title
        });
    }
    if x >= right - GRIP as i64 && y >= bottom - GRIP as i64 {
        return Some(FramePart::Grip);
    }
    Some(FramePart::Border)
}

/// What a press on a frame turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DragKind {
    /// Moving `window`: it keeps its offset from the pointer.
    Move {
        /// The window.
        window: WindowId,
        /// The pointer where the press happened.
        from: Point,
        /// The window's position then.
        origin: Point,
    },
    /// Resizing `window` from its bottom-right corner.
    Resize {
        /// The window.
        window: WindowId,
        /// The pointer where the press happened.
        from: Point,
        /// The window's size then.
        size: Size,
    },
    /// A press on the close button of `window`; a release on it closes.
    Close {
        /// The window.
        window: WindowId,
    },
    /// A press on the maximise button of `window`; a release on it toggles maximised.
    Maximize {
        /// The window.
        window: WindowId,
    },
    /// A press on the move button of `window`; a release on it opens the menu.
    MoveMenu {
        /// The window.
        window: WindowId,
    },
    /// A press on entry `peer` of `window`'s menu; a release on it moves the window.
    MoveTo {
        /// The window.
        window: WindowId,
        /// The entry (an index into [`Wm::peers`]).
        peer: usize,
    },
    /// Nothing to do, but the press and its release are the window manager's.
    Swallow,
}

impl DragKind {
    /// The window the drag acts on.
    pub fn window(&self) -> Option<WindowId> {
        match *self {
            DragKind::Move { window, .. }
            | DragKind::Resize { window, .. }
            | DragKind::Close { window }
            | DragKind::Maximize { window }
            | DragKind::MoveMenu { window }
            | DragKind::MoveTo { window, .. } => Some(window),
            DragKind::Swallow => None,
        }
    }
}

/// A press on a frame, held until its button is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drag {
    /// The button pressed.
    pub button: u8,
    /// What it does.
    pub kind: DragKind,
}

/// Where a managed window mapped for the first time goes (its client origin). A window
/// asking for (0, 0) (no preference) takes the next slot of a cascade whose first frame is
/// at ([`CASCADE_START`], [`CASCADE_START`]), each [`CASCADE_STEP`] further down and right,
/// starting over when the frame would leave the screen. Any other position is kept when
/// the whole frame is on the screen, else moved just enough that it is (as a window
/// coming back on a smaller screen after a restart must be, protocol.md §5.4); along a
/// side where the frame is larger than the screen, its top or left edge goes to the
/// screen's, so that the title bar can always be reached.
pub fn place(requested: Point, size: Size, screen: Size, next_slot: &mut u32) -> Point {
    let (sw, sh) = (screen.width as i64, screen.height as i64);
    if requested != Point::new(0, 0) {
        let (b, t) = (BORDER as i64, TITLE_HEIGHT as i64);
        // The frame's start along one side: kept if the frame fits there, else moved in.
        let x = fit(requested.x as i64 - b, size.width as i64 + 2 * b, sw) + b;
        let y = fit(requested.y as i64 - t, size.height as i64 + t + b, sh) + t;
        return Point::new(
            x.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
            y.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        );
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

/// Where a rectangle of `size` goes to be centred on `area`.
fn centre(size: Size, area: Rect) -> Point {
    let at = |start: i32, room: u32, len: u32| {
        (start as i64 + (room as i64 - len as i64) / 2).clamp(i32::MIN as i64, i32::MAX as i64)
            as i32
    };
    Point::new(
        at(area.x, area.width, size.width),
        at(area.y, area.height, size.height),
    )
}

/// Where a window without a frame at `requested` goes: kept where it is when it is whole on
/// the screen, else moved just enough that it is (its top-left corner at the screen's
/// along a side where it is larger than the screen).
pub fn place_bare(requested: Point, size: Size, screen: Size) -> Point {
    let along = |at: i32, len: u32, screen: u32| fit(at as i64, len as i64, screen as i64) as i32;
    Point::new(
        along(requested.x, size.width, screen.width),
        along(requested.y, size.height, screen.height),
    )
}

/// Where something of length `len` that asks to start at `at` starts on a side of length
/// `screen`: where it asks when it fits there, else moved in just enough, else at 0.
fn fit(at: i64, len: i64, screen: i64) -> i64 {
    at.min(screen - len).max(0)
}

impl Wm {
    /// Takes `w` (a manageable window about to be mapped, at `rect`) into management the
    /// first time it is mapped, as `m` says (its kind, its icon), and places it on a screen
    /// of `screen`: returns where its client origin goes when that differs from where it
    /// is. A window at (0, 0) that is a dialog or a splash screen, or is transient for
    /// another (whose frame, or rectangle if bare, is `over`), is centred over that window
    /// or the screen; a window without a frame is only kept on the screen. None when it was
    /// managed already (a window is placed once).
    pub fn manage(
        &mut self,
        w: WindowId,
        rect: Rect,
        screen: Size,
        m: Managed,
        over: Option<Rect>,
    ) -> Option<Point> {
        if self.managed.contains_key(&w) {
            return None;
        }
        let (framed, kind) = (m.framed(), m.kind);
        self.managed.insert(w, m);
        self.relayer(w);
        self.restyle(w);
        let centred = rect.origin() == Point::new(0, 0)
            && (over.is_some() || matches!(kind, WindowType::Dialog | WindowType::Splash));
        let area = over.unwrap_or(Rect::new(0, 0, screen.width, screen.height));
        let at = if framed {
            let requested = if centred {
                let f = frame_of(Rect::new(0, 0, rect.width, rect.height));
                let c = centre(f.size(), area);
                Point::new(
                    c.x.saturating_add(BORDER as i32),
                    c.y.saturating_add(TITLE_HEIGHT as i32),
                )
            } else {
                rect.origin()
            };
            place(requested, rect.size(), screen, &mut self.cascade)
        } else {
            let requested = if centred {
                centre(rect.size(), area)
            } else {
                rect.origin()
            };
            place_bare(requested, rect.size(), screen)
        };
        (at != rect.origin()).then_some(at)
    }

    /// Hook: `w` was unmapped. An app that hides its window has answered a close request.
    pub fn window_unmapped(&mut self, w: WindowId) {
        if let Some(m) = self.managed.get_mut(&w) {
            m.close = CloseState::Idle;
        }
        self.restyle(w);
    }

    /// Hook: `w` is being destroyed (its frame's damage was taken with the window's).
    pub fn window_destroyed(&mut self, w: WindowId) {
        self.managed.remove(&w);
        self.layered.remove(&w);
        self.stale.windows.remove(&w);
        if let Some(d) = &mut self.drag {
            if d.kind.window() == Some(w) {
                // The press still owns the button until it is released.
                d.kind = DragKind::Swallow;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_test_finds_each_part() {
        // Frame: (96, 26) to (184, 114); client (100, 50) to (180, 110).
        let c = Rect::new(100, 50, 80, 60);
        let at = |x, y| hit_test(c, Point::new(x, y));
        assert_eq!(at(120, 80), None, "client area");
        assert_eq!(at(95, 40), None, "left of the frame");
        assert_eq!(at(120, 25), None, "above the frame");
        assert_eq!(at(184, 60), None, "right of the frame");
        assert_eq!(at(96, 26), Some(FramePart::Title));
        assert_eq!(at(120, 49), Some(FramePart::Title));
        assert_eq!(at(135, 30), Some(FramePart::Title));
        assert_eq!(at(136, 30), Some(FramePart::Maximize));
        assert_eq!(at(159, 30), Some(FramePart::Maximize));
        assert_eq!(at(160, 30), Some(FramePart::Close));
        assert_eq!(at(183, 49), Some(FramePart::Close));
        assert_eq!(at(97, 80), Some(FramePart::Border));
        assert_eq!(at(181, 80), Some(FramePart::Border));
        assert_eq!(at(120, 112), Some(FramePart::Border));
        assert_eq!(at(183, 113), Some(FramePart::Grip));
        assert_eq!(at(168, 112), Some(FramePart::Grip));
        assert_eq!(at(181, 98), Some(FramePart::Grip));
        assert_eq!(at(167, 112), Some(FramePart::Border));
        assert_eq!(at(181, 97), Some(FramePart::Border));
    }

    #[test]
    fn frame_parts_are_outside_a_minimal_client() {
        let c = Rect::new(10, 30, 1, 1);
        assert_eq!(hit_test(c, Point::new(10, 30)), None);
        assert_eq!(
            hit_test(c, Point::new(6, 6)),
            Some(FramePart::Close),
            "a frame narrower than the close button is all close button"
        );
        assert_eq!(hit_test(c, Point::new(14, 34)), Some(FramePart::Grip));
    }
}
