//! Clients arriving and leaving, and the end of each burst of work: registering a client
//! (its setup reply), freeing everything a client owned when it goes (however abruptly),
//! handing queued output to the writers, and presenting damage.

use super::{Client, State};
use crate::command::ClientLink;
use crate::command::Command;
use crate::command::Incoming;
use crate::compose::{self, Scene};
use tokio::sync::mpsc::UnboundedSender;
use yonder_protocol::handshake::{Limits, PixelFormat, ScreenInfo, Setup};
use yonder_protocol::{atoms, frame, ClientId, Hello, SetupResponse, WindowId};

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

    /// Registers a client that cannot pass file descriptors (no `SHM` extension) and
    /// queues its setup reply, or says why it cannot connect.
    pub fn connect(
        &mut self,
        hello: Hello,
        tx: UnboundedSender<Vec<u8>>,
    ) -> Result<ClientId, String> {
        self.connect_client(hello, tx, ClientLink::default())
    }

    /// Registers a client and queues its setup reply, or says why it cannot connect
    /// (among others: the server already has `max_clients` clients).
    pub fn connect_client(
        &mut self,
        hello: Hello,
        tx: UnboundedSender<Vec<u8>>,
        link: ClientLink,
    ) -> Result<ClientId, String> {
        if self.clients.len() >= self.max_clients {
            return Err(format!(
                "too many clients: this server accepts at most {} at once \
                 (yonder-server --max-clients)",
                self.max_clients
            ));
        }
        let shm = link.shm;
        if hello.id_space == 0 {
            return Err("id space 0 is reserved for the server".into());
        }
        if self.spaces.contains_key(&hello.id_space) {
            return Err(format!(
                "id space {:#x} is in use by another client",
                hello.id_space
            ));
        }
        let id = self.next_client_id();
        let mut client = Client::new(id, hello.app_name.clone(), hello.id_space, tx);
        client.shm_offered = shm;
        client.trusted = link.trusted;
        client.outbox = link.outbox;
        client.max_output = self.max_output_buffer;
        let mut setup = self.setup_for(id, hello.id_space);
        if shm {
            setup
                .extensions
                .push(yonder_protocol::SHM_EXTENSION.to_string());
        }
        let mut out = Vec::new();
        frame::encode_frame(&SetupResponse::Accepted(setup), &mut out);
        client.send_raw(&out);
        self.spaces.insert(hello.id_space, id);
        self.clients.insert(id, client);
        tracing::info!(client = id.0, app = %hello.app_name, trusted = link.trusted, "connected");
        Ok(id)
    }

    fn setup_for(&self, client_id: ClientId, id_space: u32) -> Setup {
        let (width, height) = (self.framebuffer.width, self.framebuffer.height);
        Setup {
            major: yonder_protocol::PROTOCOL_MAJOR,
            minor: yonder_protocol::PROTOCOL_MINOR,
            vendor: format!("yonder-server {}", env!("CARGO_PKG_VERSION")),
            client_id,
            id_space,
            screens: vec![ScreenInfo {
                root: WindowId::ROOT,
                width,
                height,
                // 96 dpi, as X servers assume without better knowledge.
                width_mm: width * 254 / 960,
                height_mm: height * 254 / 960,
                scale_factor: self.scale_factor,
                pixel_format: PixelFormat::xrgb8888(),
                root_background: super::ROOT_BACKGROUND,
            }],
            limits: Limits {
                max_frame_len: self.max_frame_len as u32,
                max_drawable_side: self.max_drawable_side,
            },
            extensions: Vec::new(),
            atoms: atoms::PREDEFINED
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), atoms::predefined(i)))
                .collect(),
        }
    }

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

    /// Disconnects every client (at shutdown).
    pub fn disconnect_all(&mut self) {
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            self.disconnect(id, "server shutting down");
        }
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
}
