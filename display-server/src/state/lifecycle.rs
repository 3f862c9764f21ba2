//! Clients arriving: registering a client (its number, id space and limits) and queueing
//! its setup reply, or saying why it cannot connect. A client leaving is
//! `clients`'s; the end of each burst of work is `dispatch`'s.

use super::{Client, State};
use crate::command::ClientLink;
use tokio::sync::mpsc::UnboundedSender;
use yonder_fonts::Face;
use yonder_protocol::handshake::{FontFace, Limits, PixelFormat, ScreenInfo, Session, Setup};
use yonder_protocol::request::CloseDownMode;
use yonder_protocol::{atoms, ClientId, Hello, Seq, WindowId};

impl State {
    /// Registers a local client without shared memory (no `SHM` extension; freed at
    /// once when it leaves) and queues its setup reply, or says why it cannot connect.
    pub fn connect(
        &mut self,
        hello: Hello,
        tx: UnboundedSender<Vec<u8>>,
    ) -> Result<ClientId, String> {
        let link = ClientLink {
            unix: true,
            ..ClientLink::default()
        };
        self.connect_client(hello, tx, link)
    }

    /// Registers a new client and queues its setup reply, or says why it cannot connect
    /// (among others: the server already has `max_clients` clients, or its id space is
    /// taken). A hello that resumes (1.5) gets here when there is nothing to resume:
    /// the client starts afresh, its requests numbered on from its `next_seq`
    /// (`clients::connect` decides, protocol.md §5.4).
    pub fn connect_client(
        &mut self,
        hello: Hello,
        tx: UnboundedSender<Vec<u8>>,
        link: ClientLink,
    ) -> Result<ClientId, String> {
        if hello.id_space == 0 {
            return Err("id space 0 is reserved for the server".into());
        }
        let minor = hello.minor.min(yonder_protocol::PROTOCOL_MINOR);
        let first_seq = match hello.resume.as_ref().filter(|_| minor >= 5) {
            Some(r) => r.next_seq.saturating_sub(1),
            None => 0,
        };
        if self.clients.len() >= self.max_clients {
            return Err(format!(
                "too many clients: this server accepts at most {} at once \
                 (yonder-server --max-clients)",
                self.max_clients
            ));
        }
        if self.spaces.contains_key(&hello.id_space) {
            return Err(format!(
                "id space {:#x} is in use by another client",
                hello.id_space
            ));
        }
        let id = self.next_client_id();
        let mut client = Client::new(id, hello.app_name.clone(), hello.id_space, tx);
        client.minor = minor;
        client.seq = Seq(first_seq);
        client.secret = crate::secret::random_128()
            .map_err(|e| format!("no random numbers for the session: {e}"))?;
        // A 1.5 client over the network is kept when its link breaks; a Unix socket ends
        // only with its process (§5.4).
        client.close_down = match minor >= 5 && !link.unix {
            true => CloseDownMode::Retain,
            false => CloseDownMode::Destroy,
        };
        // Shared memory is of 1.3: an older client is offered none (§5.2).
        client.shm_offered = link.shm && minor >= 3;
        client.trusted = link.trusted;
        client.outbox = link.outbox;
        client.link = link.serial;
        client.max_output = self.max_output_buffer;
        let session = Session {
            secret: client.secret.to_vec(),
            resumed: false,
            last_seq: first_seq,
        };
        client.send_setup(self.setup_for(&client, session));
        self.spaces.insert(hello.id_space, id);
        self.clients.insert(id, client);
        tracing::info!(client = id.0, app = %hello.app_name, trusted = link.trusted, "connected");
        Ok(id)
    }

    /// When the first detached client's grace period ends, if any client is detached
    /// (the alarm task wakes the state thread then, see `wm::alarm`).
    pub fn detach_deadline(&self) -> Option<std::time::Instant> {
        self.clients
            .values()
            .filter_map(|c| c.detached)
            .min()
            .map(|at| at + self.detach_grace)
    }

    /// The setup of `client`: only the fields its version has (the session from 1.5,
    /// the `SHM` extension when offered).
    pub fn setup_for(&self, client: &Client, session: Session) -> Setup {
        let (client_id, id_space, minor) = (client.id, client.id_space, client.minor);
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
                max_drawable_pixels: (minor >= 4).then_some(self.max_drawable_pixels),
            },
            atoms: atoms::PREDEFINED
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), atoms::predefined(i)))
                .collect(),
            extensions: match client.shm_offered {
                true => vec![yonder_protocol::SHM_EXTENSION.to_string()],
                false => Vec::new(),
            },
            session: (minor >= 5).then_some(session),
            fonts: match minor >= 7 {
                true => Face::ALL
                    .iter()
                    .map(|f| FontFace {
                        face: f.number(),
                        name: f.name().to_string(),
                        digest: f.digest(),
                    })
                    .collect(),
                false => Vec::new(),
            },
        }
    }
}
