//! The save-set (X's, for embedding): windows of other clients that a container keeps
//! alive. When the container's client goes, those windows move to the root (at the same
//! place on the screen, mapped) instead of being destroyed with the container's windows.

use crate::command::{fail, HandlerResult};
use crate::state::State;
use yonder_protocol::request::{ChangeSaveSet, MapWindow, ReparentWindow};
use yonder_protocol::{ClientId, ErrorCode, WindowId};

impl State {
    // ChangeSaveSet: [window, insert]
    pub(crate) fn change_save_set(&mut self, c: ClientId, r: ChangeSaveSet) -> HandlerResult {
        self.check_window(r.window)?;
        if self.owner_of(r.window.0) == Some(c) {
            return Err(fail(
                ErrorCode::Match,
                r.window.0,
                "a client's own windows cannot be in its save-set",
            ));
        }
        let set = self.transfers.save_sets.entry(c).or_default();
        if r.insert {
            set.insert(r.window);
        } else {
            set.remove(&r.window);
        }
        Ok(None)
    }

    /// Rescues the save-set of a leaving client: each window that sits inside one of the
    /// client's windows is reparented to the root at its screen position and mapped.
    pub(crate) fn rescue_save_set(&mut self, client: ClientId) {
        let Some(set) = self.transfers.save_sets.remove(&client) else {
            return;
        };
        for w in set {
            let inside = self
                .ancestry(w)
                .iter()
                .any(|a| *a != w && self.owner_of(a.0) == Some(client));
            if !inside || !self.windows.contains_key(&w) {
                continue;
            }
            let o = self.abs_origin(w);
            // The window's owner is someone else, so act as the server (client 0).
            let _ = self.reparent_window(
                ClientId(0),
                ReparentWindow {
                    window: w,
                    parent: WindowId::ROOT,
                    x: o.x,
                    y: o.y,
                },
            );
            let _ = self.map_window(ClientId(0), MapWindow { window: w });
        }
    }
}
