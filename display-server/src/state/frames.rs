//! Keeping the window manager's frames current: a frame's title and colors follow the
//! window's name, the focus and the close state; what changed is redrawn (see
//! [`super::wm::Decoration`]) and damaged before the screen is composed or read. Only
//! the frames marked stale ([`super::wm::Wm::restyle`]) are looked at.

use super::wm::{frame_of, frame_strips, CloseState, Decoration, DecorationKey};
use super::State;
use yonder_protocol::WindowId;

impl State {
    /// Redraws every shown frame marked stale whose key changed, and damages it. Called
    /// before composing and before GetImage reads the screen, so what is shown is never
    /// stale.
    pub fn refresh_decorations(&mut self) {
        let ids = self
            .wm
            .take_stale()
            .unwrap_or_else(|| self.wm.managed.keys().copied().collect());
        for w in ids {
            self.refresh_decoration(w);
        }
        #[cfg(debug_assertions)]
        self.check_decorations();
    }

    /// Redraws `w`'s frame if it shows one and what it shows changed.
    fn refresh_decoration(&mut self, w: WindowId) {
        let Some(key) = self.decoration_key(w) else {
            return;
        };
        let Some(m) = self.wm.managed.get_mut(&w) else {
            return;
        };
        if m.decoration.as_ref().is_some_and(|d| d.key == key) {
            return;
        }
        m.decoration = Decoration::render(key);
        let client = self.windows[&w].rect;
        for strip in frame_strips(client) {
            self.framebuffer.damage(strip);
        }
    }

    /// What `w`'s frame shows now, if it shows one.
    fn decoration_key(&self, w: WindowId) -> Option<DecorationKey> {
        let win = self.windows.get(&w).filter(|x| self.wm.is_framed(x))?;
        let m = &self.wm.managed[&w];
        let focus = self.input.focus;
        Some(DecorationKey {
            title: self.window_title(w),
            width: frame_of(win.rect).width,
            active: !focus.is_none()
                && focus != WindowId::ROOT
                && self.is_ancestor_or_self(w, focus),
            not_responding: m.close == CloseState::NotResponding,
            movable: !self.wm.peers.is_empty(),
            menu: m
                .menu
                .then(|| self.wm.peers.iter().map(|p| p.display.clone()).collect()),
            icon: m.icon.clone(),
            maximized: m.states.maximized(),
        })
    }

    /// Debug builds: every shown frame is what its key says, that is no change forgot to
    /// mark the frames it concerns (a missed mark would show a stale title or focus).
    #[cfg(debug_assertions)]
    fn check_decorations(&self) {
        for (w, m) in &self.wm.managed {
            if let Some(key) = self.decoration_key(*w) {
                assert!(
                    m.decoration.as_ref().is_some_and(|d| d.key == key),
                    "the frame of {w} is stale: a change did not mark it (Wm::restyle)"
                );
            }
        }
    }
}
