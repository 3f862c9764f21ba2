//! What the state thread does with each [`Command`] and at the end of each burst: apply
//! it (a batch of requests, a client arriving or leaving, host input, a screen change, the
//! close alarm), hand every client its queued output, and compose and present the damage.

use crate::command::Command;
use crate::command::Incoming;
use crate::compose::{self, Scene};
use crate::state::State;
use yonder_protocol::ClientId;

impl State {
    /// Applies one command; returns true when the server must stop.
    pub fn apply_command(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Connect {
                hello,
                tx,
                link,
                reply,
            } => {
                let _ = reply.send(self.connect_client(hello, tx, link));
            }
            Command::Requests {
                client,
                batch,
                bodies,
                permit,
            } => {
                for req in batch {
                    match req {
                        Incoming::Raw(r) => {
                            self.handle_raw(client, bodies.get(r).unwrap_or_default())
                        }
                        req => self.handle_request(client, req),
                    }
                }
                // Applied: the connection may queue another batch (fair scheduling).
                drop(permit);
            }
            Command::Disconnect { client, reason } => self.disconnect(client, &reason),
            Command::Input(ev) => self.handle_input(ev),
            Command::ScreenResized { width, height } => self.resize_screen(width, height),
            Command::ScaleChanged(scale) => self.rescale_screen(scale),
            Command::Tick => self.wm_tick(),
            Command::Shutdown => return true,
        }
        false
    }

    /// Hands every client's queued frames to its writer. A client whose unread output
    /// passed its limit is disconnected instead (its socket closed at once, whether or
    /// not it reads), so a client that never reads cannot make the server's memory grow;
    /// one that sent a frame that does not decode gets its owed output, then the end.
    pub fn flush_clients(&mut self) {
        // Disconnecting makes events for others (Destroy, ...), which may in turn push
        // another non-reader over; each round removes at least one client.
        loop {
            let over: Vec<(ClientId, String)> = self
                .clients
                .values_mut()
                .filter_map(|c| c.overflow.take().map(|r| (c.id, r)))
                .collect();
            if over.is_empty() {
                break;
            }
            for (id, reason) in over {
                tracing::warn!(client = id.0, %reason, "disconnecting a client");
                if let Some(c) = self.clients.get_mut(&id) {
                    if c.malformed {
                        // Like a disconnect from the reader: what the requests before the
                        // bad frame earned is written, then the connection ends.
                        c.flush();
                    } else {
                        c.outbox.close();
                    }
                }
                self.disconnect(id, &reason);
            }
        }
        for c in self.clients.values_mut() {
            c.flush();
        }
    }

    /// Composes the damage and shows it.
    pub fn present(&mut self) {
        self.refresh_decorations();
        if !self.screen.shows_frames() {
            self.framebuffer.discard_damage();
            return;
        }
        if self.framebuffer.has_damage() {
            let scene = Scene {
                windows: &self.windows,
                surfaces: &self.surfaces,
                wm: &self.wm,
                drag_icon: self.transfers.drag_icon(self.input.pointer),
                only_space: None,
            };
            let damage = compose::compose(&mut self.framebuffer, &scene);
            self.screen.present(&self.framebuffer, &damage);
        }
    }

    /// Disconnects every client (at shutdown).
    pub fn disconnect_all(&mut self) {
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            self.disconnect(id, "server shutting down");
        }
    }
}
