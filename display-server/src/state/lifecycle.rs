//! Clients arriving: registering a client (its number, id space and limits) and queueing
//! its setup reply, or saying why it cannot connect. A client leaving is
//! `clients`'s; the end of each burst of work is `dispatch`'s.

use super::{Client, State};
use crate::command::ClientLink;
use tokio::sync::mpsc::UnboundedSender;
use yonder_protocol::handshake::{Limits, PixelFormat, ScreenInfo, Setup};
use yonder_protocol::{atoms, frame, ClientId, Hello, SetupResponse, WindowId};

impl State {
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
        client.minor = hello.minor.min(yonder_protocol::PROTOCOL_MINOR);
        // Shared memory is of 1.3: an older client is offered none (§5.2).
        let shm = shm && client.minor >= 3;
        client.shm_offered = shm;
        client.trusted = link.trusted;
        client.outbox = link.outbox;
        client.max_output = self.max_output_buffer;
        let mut setup = self.setup_for(id, hello.id_space, client.minor);
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

    /// The setup of a client of version 1.`minor`: only the fields that version has.
    fn setup_for(&self, client_id: ClientId, id_space: u32, minor: u16) -> Setup {
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
            extensions: Vec::new(),
            atoms: atoms::PREDEFINED
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), atoms::predefined(i)))
                .collect(),
        }
    }
}
