//! The server's state: every client, window, drawable, GC, atom and the input devices'
//! state, owned by one thread (see `net::server`) that applies requests in order.
//!
//! Why one owner and no locks: a request may touch many windows at once (destroying a
//! subtree, restacking, delivering events to every selecting client), and X semantics
//! require that no request observes another half-done. Funnelling every request through
//! one `&mut State` gives that for free, and keeps the per-client state easy to enumerate
//! (see [`State::client_resources`]) for the day clients migrate between servers.

pub mod atoms;
mod client;
mod framebuffer;
pub mod gc;
pub mod id_hash;
mod input;
mod invariants;
pub mod isolation;
mod lifecycle;
mod lookup;
pub mod moves;
pub mod opaque;
pub mod persist;
pub mod quota;
mod recount;
pub mod restoring;
pub mod scratch;
mod screen;
pub mod surfaces;

mod cursor;
mod frames;
#[cfg(test)]
pub(crate) mod test_support;
pub mod transfer;
mod tree;
pub mod versions;
pub mod viewers;
mod window;
pub mod wm;

pub use atoms::Atoms;
pub use client::{Client, Held};
pub use framebuffer::Framebuffer;
pub use gc::Gc;
pub use id_hash::IdMap;
pub use input::InputState;
pub use persist::Persist;
pub use restoring::Restoring;
pub use screen::Screen;
pub use transfer::Transfers;
pub use window::{Property, Window};
pub use wm::Wm;

use crate::config::ServerConfig;
use std::time::Instant;
use tiny_skia::Pixmap;
use yonder_protocol::{ClientId, Color, Drawable, GcId, Timestamp, WindowId};

/// Color of the root window.
pub const ROOT_BACKGROUND: Color = Color::rgb(0x2e3440);

/// Everything the server knows. Owned by the state thread only.
pub struct State {
    /// Connected clients by number.
    pub clients: IdMap<ClientId, Client>,
    /// Which client owns each id space.
    pub spaces: IdMap<u32, ClientId>,
    next_client: u32,
    /// The window tree (metadata; pixels live in `surfaces`).
    pub windows: IdMap<WindowId, Window>,
    /// Pixels of every drawable: windows' backing stores and pixmaps, keyed by id; some
    /// of them may be in a rasterizer thread's lane, drawn while this thread goes on
    /// (see `surfaces`: every way to the pixels settles them first).
    pub surfaces: surfaces::Surfaces,
    /// Which of `surfaces` hold only opaque pixels (see `opaque`).
    pub opaque: opaque::Opaque,
    /// Graphics contexts.
    pub gcs: IdMap<GcId, Gc>,
    /// Interned atoms.
    pub atoms: Atoms,
    /// Selections, transfers, the drag and the save-sets.
    pub transfers: Transfers,
    /// Migration tokens granted and moves under way (protocol.md §5.5).
    pub moves: moves::Moves,
    /// Pointer, buttons, modifiers, focus, grab.
    pub input: InputState,
    /// The screen's framebuffer and pending damage.
    pub framebuffer: Framebuffer,
    /// The web viewers watching the screen (protocol.md §20).
    pub viewers: viewers::Viewers,
    /// The screen backend.
    pub screen: Box<dyn Screen>,
    /// Whether anything looks at composed frames: the screen (`Screen::shows_frames`) or
    /// a web viewer. When nothing does, nothing is composed and the damage of drawing
    /// requests is not even worked out (see `handlers::draw::damage_drawable`).
    pub frames_shown: bool,
    /// Device pixels per logical pixel, as the screen last reported.
    pub scale_factor: f64,
    /// Accept FakeInput.
    pub allow_synthetic_input: bool,
    /// Largest window or pixmap side.
    pub max_drawable_side: u32,
    /// Most pixels of one window or pixmap.
    pub max_drawable_pixels: u64,
    /// Most pixels one drawing request may touch (`--max-request-pixels`; see
    /// `handlers::draw`).
    pub max_request_pixels: u64,
    /// Pixels of drawing after which a client's batch stops for the others' turn.
    pub batch_work_budget: u64,
    /// The rasterizer's threads, lent to each drawing through `render::Style::workers`.
    /// The band pool's threads work inside a drawing the state thread started and are
    /// joined before it returns (see `render::bands`); the lane threads draw a drawable
    /// whose pixmap was moved to them (`surfaces`, `render::lanes`). Either way one
    /// thread at a time holds a pixmap, so none needs a lock.
    pub workers: crate::render::Workers,
    /// Pixels drawn so far in the current slice of a client's batch: drawing handlers add
    /// their work, the state thread resets it at each slice and stops the slice past
    /// [`State::batch_work_budget`] (see `dispatch::backlog`).
    pub batch_work: u64,
    /// Largest request body (reported in the setup).
    pub max_frame_len: usize,
    /// Most clients connected at once (`--max-clients`).
    pub max_clients: usize,
    /// Bytes of windows and pixmaps one client may hold (`--client-memory-quota`).
    pub memory_quota: u64,
    /// How long a detached client is kept for a resume (`--detach-grace`; zero: never
    /// kept, protocol.md §5.4).
    pub detach_grace: std::time::Duration,
    /// The server is stopping and a server comes back on the display: the clients'
    /// ServerEnding says so.
    pub ending_restart: bool,
    /// Bytes of output one client may leave unread (`--max-output-buffer`).
    pub max_output_buffer: usize,
    /// The counts of atoms, resources, selections and conversions (protocol.md §19.3).
    pub bounds: crate::config::Bounds,
    /// Bytes of the root window's properties (charged to the server, with the same
    /// quota as a client: see `state::quota`).
    pub root_property_bytes: u64,
    /// The built-in window manager's state (frames, drags, close requests).
    pub wm: Wm,
    /// Reusable conversion buffers of the drawing handlers.
    pub scratch: scratch::Scratch,
    /// Bytes of the GCs' cached clips, all together (`quota::CLIP_CACHE_BUDGET`).
    pub clip_cache_bytes: u64,
    /// The opcode of the request being handled, for the log of a request that fails with
    /// a panic (`dispatch::after_panic`).
    pub request_in_hand: u8,
    /// The display's checkpoint: what changed since the last, and the writer.
    pub persist: Persist,
    /// A loaded checkpoint whose windows are coming back (a restarted server only).
    pub restoring: Option<Restoring>,
    started: Instant,
}

impl State {
    /// A state with just the root window, sized to the screen.
    pub fn new(config: &ServerConfig, screen: Box<dyn Screen>) -> State {
        let (w, h) = screen.size();
        let mut s = State {
            clients: IdMap::default(),
            spaces: IdMap::default(),
            next_client: 1,
            windows: IdMap::default(),
            surfaces: Default::default(),
            opaque: Default::default(),
            gcs: IdMap::default(),
            atoms: Atoms::with_predefined(),
            transfers: Default::default(),
            moves: moves::Moves::with_ttl(config.move_token_ttl),
            input: InputState::default(),
            framebuffer: Framebuffer::new(w, h),
            viewers: viewers::Viewers::default(),
            scale_factor: screen.scale_factor(),
            frames_shown: screen.shows_frames(),
            screen,
            allow_synthetic_input: config.allow_synthetic_input,
            max_drawable_side: config.max_drawable_side,
            max_drawable_pixels: config.max_drawable_pixels,
            max_request_pixels: config.max_request_pixels,
            batch_work_budget: config.batch_work_budget,
            workers: crate::render::Workers::new(config.render_threads),
            batch_work: 0,
            max_frame_len: config.max_frame_len,
            max_clients: config.max_clients,
            memory_quota: config.client_memory_quota,
            detach_grace: config.detach_grace,
            ending_restart: false,
            max_output_buffer: config.max_output_buffer,
            bounds: config.bounds,
            root_property_bytes: 0,
            wm: {
                let mut wm = Wm::new(config.window_manager);
                wm.peers = config.peers.clone();
                wm
            },
            scratch: scratch::Scratch::default(),
            clip_cache_bytes: 0,
            request_in_hand: 0,
            persist: Persist::default(),
            restoring: None,
            started: Instant::now(),
        };
        s.create_root(w, h);
        s
    }

    fn create_root(&mut self, w: u32, h: u32) {
        let rect = yonder_protocol::Rect::new(0, 0, w, h);
        let root = Window::new(WindowId::ROOT, WindowId::NONE, rect, ROOT_BACKGROUND, true);
        self.windows.insert(WindowId::ROOT, root);
        let mut pm = Pixmap::new(w, h).expect("screen size is nonzero");
        crate::render::fill_solid(
            &mut pm,
            crate::render::IRect::new(0, 0, w, h),
            ROOT_BACKGROUND.0,
        );
        self.surfaces.insert(Drawable(WindowId::ROOT.0), pm);
        self.opaque.forget(Drawable(WindowId::ROOT.0));
        self.framebuffer.damage(rect);
    }

    /// Milliseconds since the server started.
    pub fn now(&self) -> Timestamp {
        Timestamp(self.started.elapsed().as_millis() as u32)
    }

    /// The client that owns a resource id (None for the server's own, or unknown spaces).
    pub fn owner_of(&self, raw_id: u64) -> Option<ClientId> {
        self.spaces
            .get(&yonder_protocol::id_space_of(raw_id))
            .copied()
    }

    /// Every resource a client owns: its windows, pixmaps and GCs (raw ids).
    pub fn client_resources(&self, client: ClientId) -> (Vec<WindowId>, Vec<Drawable>, Vec<GcId>) {
        let space = match self.clients.get(&client) {
            Some(c) => c.id_space,
            None => return Default::default(),
        };
        let mine = |raw: u64| yonder_protocol::id_space_of(raw) == space;
        let windows = self.windows.keys().filter(|w| mine(w.0)).copied().collect();
        let pixmaps = self
            .surfaces
            .keys()
            .filter(|d| mine(d.0) && !self.windows.contains_key(&WindowId(d.0)))
            .copied()
            .collect();
        let gcs = self.gcs.keys().filter(|g| mine(g.0)).copied().collect();
        (windows, pixmaps, gcs)
    }

    /// Allocates the next client number.
    pub fn next_client_id(&mut self) -> ClientId {
        let id = ClientId(self.next_client);
        self.next_client += 1;
        id
    }
}
