//! Keeping the window manager's frames current: a frame's title and colors follow the
//! window's name, the focus and the close state; what changed is redrawn (see
//! [`super::wm::Decoration`]) and damaged before the screen is composed or read.

use super::wm::{frame_of, frame_strips, CloseState, Decoration, DecorationKey};
use super::State;
use yonder_protocol::WindowId;

impl State {
    /// Redraws every shown frame whose key changed, and damages it. Called before
    /// composing and before GetImage reads the screen, so what is shown is never stale.
    pub fn refresh_decorations(&mut self) {
        let ids: Vec<WindowId> = self.wm.managed.keys().copied().collect();
        for w in ids {
            let Some(client) = self.windows.get(&w).filter(|x| self.wm.is_framed(x)) else {
                continue;
            };
            let client = client.rect;
            let focus = self.input.focus;
            let key = DecorationKey {
                title: self.window_title(w),
                width: frame_of(client).width,
                active: !focus.is_none()
                    && focus != WindowId::ROOT
                    && self.is_ancestor_or_self(w, focus),
                not_responding: self.wm.managed[&w].close == CloseState::NotResponding,
                movable: !self.wm.peers.is_empty(),
                menu: self.wm.managed[&w]
                    .menu
                    .then(|| self.wm.peers.iter().map(|p| p.display.clone()).collect()),
                icon: self.wm.managed[&w].icon.clone(),
                maximized: self.wm.managed[&w].states.maximized(),
            };
            let m = self.wm.managed.get_mut(&w).expect("listed");
            if m.decoration.as_ref().is_some_and(|d| d.key == key) {
                continue;
            }
            m.decoration = Decoration::render(key);
            for strip in frame_strips(client) {
                self.framebuffer.damage(strip);
            }
        }
    }
}
