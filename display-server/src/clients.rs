//! A client leaving, however abruptly: everything it owned is freed, with the events
//! others would see had it destroyed its windows itself; the windows of its save-set are
//! rescued first.

use crate::state::State;
use yonder_protocol::request::{MapWindow, ReparentWindow};
use yonder_protocol::{ClientId, WindowId};

impl State {
    /// Frees everything `client` owned, with the events others would see had it
    /// destroyed its windows itself, then forgets it (its writer then closes the socket).
    pub fn disconnect(&mut self, client: ClientId, reason: &str) {
        self.rescue_save_set(client);
        self.dnd_client_gone(client);
        self.selections_client_gone(client);
        let (windows, pixmaps, gcs) = self.client_resources(client);
        for w in windows {
            if self.windows.contains_key(&w) {
                self.destroy_subtree(w);
            }
        }
        for p in pixmaps {
            self.take_surface(p);
        }
        for g in gcs {
            self.gcs.remove(&g);
        }
        for win in self.windows.values_mut() {
            win.selections.retain(|(c, _)| *c != client);
        }
        if let Some(c) = self.clients.remove(&client) {
            self.spaces.remove(&c.id_space);
            tracing::info!(client = client.0, app = %c.app_name, reason, "disconnected");
        }
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
