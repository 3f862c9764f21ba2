//! The keyboard focus and ICCCM's window states, as an X window manager keeps them.
//!
//! * **Focus follows the display's.** When a mirror gets the Yonder focus, its X window
//!   gets X's, by ICCCM's input models (§4.1.7): SetInputFocus for a window whose
//!   `WM_HINTS` input flag is set (or that has no `WM_HINTS`), and `WM_TAKE_FOCUS` for one
//!   that lists it in `WM_PROTOCOLS` (both for "locally active" windows; only the message
//!   for "globally active" ones; for "no input" ones, X's focus goes to nobody).
//!   `_NET_ACTIVE_WINDOW` on the X root names the window. A program that takes X's focus
//!   to a window not its own (XSetInputFocus) has it taken back at once.
//! * **Activation requests.** An X program's `_NET_ACTIVE_WINDOW` request (a ClientMessage
//!   to the root) raises and focuses the Yonder window when the program already has the
//!   focus (a dialog of its own, a window of its own switched to); a program in the
//!   background cannot steal the focus from the user's app.
//! * **`WM_STATE`** is Normal on each managed window that is shown, and Withdrawn once
//!   it is unmapped, as ICCCM's window managers set it (toolkits and tools look at it).
//! * **`WM_PROTOCOLS`**: whether a window speaks a protocol, `WM_TAKE_FOCUS` here and
//!   `WM_DELETE_WINDOW` for the display's close button (`play.rs`).

use super::Bridge;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::wrapper::ConnectionExt as _;
use yonder::prelude::*;
use yonder_protocol::request::{ConfigureWindow, StackMode};

/// ICCCM's `WM_STATE` values.
const WITHDRAWN: u32 = 0;
const NORMAL: u32 = 1;

/// `WM_HINTS`' flag saying its input field is set.
const INPUT_HINT: u32 = 1;

/// The most protocols read of a window's `WM_PROTOCOLS`.
const MAX_PROTOCOLS: u32 = 64;

/// The atoms of focus and states.
pub(super) struct FocusAtoms {
    wm_take_focus: xproto::Atom,
    wm_state: xproto::Atom,
    pub(super) net_active_window: xproto::Atom,
}

impl FocusAtoms {
    /// Interns them on the X server (one round trip).
    pub(super) fn intern(x: &x11rb::rust_connection::RustConnection) -> Result<Self, String> {
        let [wm_take_focus, wm_state, net_active_window] =
            crate::xatom::intern_all(x, ["WM_TAKE_FOCUS", "WM_STATE", "_NET_ACTIVE_WINDOW"])?;
        Ok(FocusAtoms {
            wm_take_focus,
            wm_state,
            net_active_window,
        })
    }
}

impl Bridge {
    /// Mirror `xw` has the display's focus: the X window gets X's, by its input model.
    pub(super) fn focus_in(&mut self, xw: xproto::Window) {
        self.focused = Some(xw);
        self.give_focus(xw);
        self.set_active(xw);
    }

    /// X's focus to `xw` by its input model (nobody's, for a window that takes no input,
    /// so that keys played go nowhere).
    fn give_focus(&self, xw: xproto::Window) {
        let hints = self
            .x
            .get_property(
                false,
                xw,
                xproto::AtomEnum::WM_HINTS,
                xproto::AtomEnum::WM_HINTS,
                0,
                2,
            )
            .ok()
            .and_then(|c| c.reply().ok());
        let words: Vec<u32> = hints
            .as_ref()
            .and_then(|p| p.value32())
            .map(|v| v.collect())
            .unwrap_or_default();
        // No WM_HINTS, or no input field: the window takes input.
        let input = match words.as_slice() {
            [flags, input, ..] if flags & INPUT_HINT != 0 => *input != 0,
            _ => true,
        };
        let take_focus = self.speaks(xw, self.focus.wm_take_focus);
        if input || !take_focus {
            let to = if input { xw } else { x11rb::NONE };
            let _ = self
                .x
                .set_input_focus(xproto::InputFocus::PARENT, to, x11rb::CURRENT_TIME);
        }
        if take_focus {
            let data = [self.focus.wm_take_focus, x11rb::CURRENT_TIME, 0, 0, 0];
            let event = xproto::ClientMessageEvent::new(32, xw, self.atoms.wm_protocols, data);
            let _ = self
                .x
                .send_event(false, xw, xproto::EventMask::NO_EVENT, event);
        }
    }

    /// Whether X window `xw` lists `protocol` in its `WM_PROTOCOLS` (ICCCM §4.1.2.7).
    pub(super) fn speaks(&self, xw: xproto::Window, protocol: xproto::Atom) -> bool {
        self.x
            .get_property(
                false,
                xw,
                self.atoms.wm_protocols,
                xproto::AtomEnum::ATOM,
                0,
                MAX_PROTOCOLS,
            )
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|p| p.value32().map(|mut v| v.any(|a| a == protocol)))
            .unwrap_or(false)
    }

    /// X's focus moved: focus event `e` on a mirror, not a grab's (a FocusIn if
    /// `came_in`, else a FocusOut). If a program took the focus from the window with the
    /// display's focus to a window not of the same program, it goes back, so that the
    /// keys typed into one program cannot be read by another that called XSetInputFocus.
    /// Where the focus is now: as the event says ([`Bridge::focus_told`]), else asked.
    pub(super) fn x_focus_moved(&mut self, e: &xproto::FocusInEvent, came_in: bool) {
        let Some(f) = self.focused else {
            return;
        };
        let top = match self.focus_told(e, came_in) {
            Some(top) => Some(top),
            None => match self.x.get_input_focus().ok().and_then(|c| c.reply().ok()) {
                Some(now) => self.top_level_of(now.focus),
                None => return,
            },
        };
        let app = |w: Option<xproto::Window>| w.and_then(|w| self.mirrors.get(&w)).map(|m| m.app);
        if top == Some(f) || (top.is_some() && app(top) == app(Some(f))) {
            return;
        }
        self.give_focus(f);
    }

    /// The top-level window X's focus is in when focus event `e` (a FocusIn if `came_in`)
    /// says so itself, with no round trip: a FocusIn on a mirror (a top-level) says the
    /// focus is on it or in it, unless it is the pointer's (the focus is PointerRoot); a
    /// FocusOut says so only when the focus went down into one of its inferiors.
    fn focus_told(&self, e: &xproto::FocusInEvent, came_in: bool) -> Option<xproto::Window> {
        use xproto::NotifyDetail as D;
        let in_it = match came_in {
            true => matches!(
                e.detail,
                D::ANCESTOR | D::VIRTUAL | D::INFERIOR | D::NONLINEAR | D::NONLINEAR_VIRTUAL
            ),
            false => e.detail == D::INFERIOR,
        };
        (in_it && self.mirrors.contains_key(&e.event)).then_some(e.event)
    }

    /// The top-level window `w` is in (a child of the root), if it is a window at all.
    fn top_level_of(&self, mut w: xproto::Window) -> Option<xproto::Window> {
        for _ in 0..64 {
            if w == x11rb::NONE || w == self.root || w == 1 {
                return None;
            }
            let parent = self.x.query_tree(w).ok()?.reply().ok()?.parent;
            if parent == self.root {
                return Some(w);
            }
            w = parent;
        }
        None
    }

    /// Mirror `xw` lost the display's focus.
    pub(super) fn focus_out(&mut self, xw: xproto::Window) {
        if self.focused == Some(xw) {
            self.focused = None;
            self.set_active(x11rb::NONE);
        }
    }

    /// `_NET_ACTIVE_WINDOW` on the X root.
    fn set_active(&self, xw: xproto::Window) {
        let _ = self.x.change_property32(
            xproto::PropMode::REPLACE,
            self.root,
            self.focus.net_active_window,
            xproto::AtomEnum::WINDOW,
            &[xw],
        );
    }

    /// An X program asks for `e.window` to be the active window: raised and focused on the
    /// display if the focus is already in one of that program's windows.
    pub(super) fn activate_request(&mut self, e: &xproto::ClientMessageEvent) {
        let Some(m) = self.mirrors.get(&e.window) else {
            return;
        };
        let focused_app = self
            .focused
            .and_then(|f| self.mirrors.get(&f))
            .map(|f| f.app);
        if focused_app != Some(m.app) {
            return;
        }
        let Some(app) = self.apps.get(&m.app) else {
            return;
        };
        app.conn.configure_window(ConfigureWindow {
            window: m.window,
            stack_mode: Some(StackMode::Above),
            ..Default::default()
        });
        app.conn.set_input_focus(m.window);
    }

    /// ICCCM's `WM_STATE` of managed window `xw`: shown (Normal) or unmapped (Withdrawn).
    pub(super) fn set_wm_state(&self, xw: xproto::Window, shown: bool) {
        let state = if shown { NORMAL } else { WITHDRAWN };
        let _ = self.x.change_property32(
            xproto::PropMode::REPLACE,
            xw,
            self.focus.wm_state,
            self.focus.wm_state,
            &[state, x11rb::NONE],
        );
    }
}
