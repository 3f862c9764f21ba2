//! The server's configuration: everything `main.rs` parses from the command line and
//! integration tests set directly. Plain data, no behaviour.

use std::net::IpAddr;
use std::path::PathBuf;
use yonder_protocol::frame::MAX_FRAME_LEN;

/// Default of the total time after which a silent TCP or TLS peer is given up (the
/// keepalive module explains how it is split into probes).
pub const DEFAULT_KEEPALIVE: std::time::Duration = std::time::Duration::from_secs(45);

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Display number; `None` takes the first free one.
    pub display: Option<u32>,
    /// Directory of the Unix sockets; `None` uses `$XDG_RUNTIME_DIR/yonder` or `/tmp/yonder-UID`.
    pub socket_dir: Option<PathBuf>,
    /// Cookie file; `None` uses `$YONDER_COOKIE_FILE` or `~/.yonder/cookies`.
    pub cookie_file: Option<PathBuf>,
    /// Also listen on TCP port 7100+N (unencrypted; the server logs a warning).
    pub listen_tcp: bool,
    /// Also listen for TLS on TCP port 7600+N, with the display's key and self-signed
    /// certificate (made on first start beside the cookie file, see `net::tls`).
    pub listen_tls: bool,
    /// Address to bind TCP and TLS to (default all interfaces).
    pub tcp_addr: IpAddr,
    /// Serve web viewers on port 8100+N (protocol.md §20).
    pub listen_web: bool,
    /// How web viewers are served.
    pub web: WebConfig,
    /// Keepalive of accepted TCP and TLS sockets: a peer that vanished without closing
    /// is dropped after about this long (see the `net::keepalive` module); `None` leaves the
    /// kernel's defaults (hours).
    pub keepalive: Option<std::time::Duration>,
    /// Screen size in pixels.
    pub screen_width: u32,
    /// Screen size in pixels.
    pub screen_height: u32,
    /// Accept FakeInput requests (X's XTEST).
    pub allow_synthetic_input: bool,
    /// Largest request body accepted.
    pub max_frame_len: usize,
    /// Largest window or pixmap side.
    pub max_drawable_side: u32,
    /// Most pixels of one window or pixmap (announced in the setup from version 1.4).
    pub max_drawable_pixels: u64,
    /// Most pixels one drawing request may touch, as the server estimates them (see
    /// `render::work`); past it the request fails with Value and draws nothing.
    pub max_request_pixels: u64,
    /// Pixels of drawing after which one client's batch stops and the other clients get
    /// their turn (see `dispatch::backlog`). Only tests change it.
    pub batch_work_budget: u64,
    /// Threads that draw a large drawing's rows at once, the state thread's included
    /// (see `render::bands`); 0: as many as the cores the server may run on, the
    /// command line's default. [`ServerConfig::default`] has 1: a server embedded in a
    /// test or a fuzzing harness starts no thread pool unless it asks (rayon keeps the
    /// state thread's registration for the life of the thread, which leak checkers
    /// report).
    pub render_threads: usize,
    /// Manage top-level windows: frames, placement, click-to-focus (see `wm`).
    pub window_manager: bool,
    /// Other displays the window manager offers to move a window to (a button on each
    /// title bar; protocol.md §5.5), in the order they are listed.
    pub peers: Vec<Peer>,
    /// Offer shared-memory images (the `SHM` extension) to clients on the Unix socket.
    pub shm: bool,
    /// Most clients connected at once; one more is refused (protocol.md §19.3).
    pub max_clients: usize,
    /// Bytes of window backing stores and pixmaps one client may hold (4 a pixel);
    /// beyond it requests fail with Alloc.
    pub client_memory_quota: u64,
    /// Bytes of replies, events and errors one client may leave unread (handed to its
    /// writer and not yet written to its socket); a client past it is disconnected.
    pub max_output_buffer: usize,
    /// Counts of the tables that grow with what clients ask for (protocol.md §19.3).
    pub bounds: Bounds,
    /// How long a client whose connection was lost is kept detached, its windows and
    /// resources intact, for it to resume (protocol.md §5.4); zero: freed at once.
    pub detach_grace: std::time::Duration,
    /// How long a migration token (GrantMove, protocol.md §5.5) admits its app: 30 s.
    /// For tests and embedders; there is no command-line option.
    pub move_token_ttl: std::time::Duration,
    /// Make new cookies at start instead of keeping the display's cookies from the
    /// cookie file (which lets remote clients come back after a restart).
    pub new_cookie: bool,
    /// Remove the display's checkpoint (state file and atom log) at start instead of
    /// restoring it (`--forget-state`, protocol.md §16.6).
    pub forget_state: bool,
}

/// The bounds on the server's tables that grow with clients' requests and are not
/// memory charged to [`ServerConfig::client_memory_quota`]: each is a count, charged to
/// the client that made the entry, and reaching one gives that client an Alloc error
/// naming the limit (protocol.md §19.3). The defaults are far above what an ordinary
/// program uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Atoms in all, the predefined ones included. Atoms are shared and never freed, so
    /// this is the last word on their memory: at most 256 bytes of name each.
    pub max_atoms: u32,
    /// Atoms one client may create (interning an existing name creates nothing).
    pub max_client_atoms: u32,
    /// Bytes of the names of the atoms one client created.
    pub max_client_atom_bytes: u64,
    /// Windows, pixmaps and graphics contexts one client may hold at once (they share
    /// its id space; a window or pixmap also costs its pixels against the memory quota).
    pub max_client_resources: u32,
    /// Selections one client may own at once.
    pub max_client_selections: u32,
    /// Conversions one client may have asked for and not yet received the last chunk of.
    pub max_client_conversions: u32,
    /// Clip rectangles one client's graphics contexts may hold together (each GC at most
    /// 4096, 16 bytes each).
    pub max_client_clip_rects: u64,
}

/// Default of [`Bounds::max_atoms`].
pub const DEFAULT_MAX_ATOMS: u32 = 1 << 18;
/// Default of [`Bounds::max_client_atoms`].
pub const DEFAULT_MAX_CLIENT_ATOMS: u32 = 1 << 14;
/// Default of [`Bounds::max_client_resources`].
pub const DEFAULT_MAX_CLIENT_RESOURCES: u32 = 1 << 16;

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_atoms: DEFAULT_MAX_ATOMS,
            max_client_atoms: DEFAULT_MAX_CLIENT_ATOMS,
            max_client_atom_bytes: 1 << 20,
            max_client_resources: DEFAULT_MAX_CLIENT_RESOURCES,
            max_client_selections: 1024,
            max_client_conversions: 1024,
            max_client_clip_rects: 1 << 20,
        }
    }
}

/// Default of [`ServerConfig::max_drawable_pixels`]: 32 Mpixels (128 MiB), so one
/// drawable of the largest side, 16384², is refused with Alloc (protocol.md §19.3).
pub const DEFAULT_MAX_DRAWABLE_PIXELS: u64 = 1 << 25;
/// Default of [`ServerConfig::max_request_pixels`]: 256 Mpixels, about a second of
/// drawing, eight times the largest drawable (protocol.md §19.3).
pub const DEFAULT_MAX_REQUEST_PIXELS: u64 = 1 << 28;
/// Default of [`ServerConfig::batch_work_budget`]: 4 Mpixels, about a millisecond of
/// copying. A client's turn ends there, as an X server's time slice does: with 128
/// Mpixels, four clients copying 500×500 areas were served a whole batch each in turn,
/// and a client with small batches (yperf sends less to a slower server) got 300 copies
/// a second while another got 46 000; at 4 Mpixels each got a quarter, and their total
/// rose by a tenth (the windows' lanes busy side by side). Single-client figures did not
/// move (copywinwin500, rect500).
pub const BATCH_WORK_BUDGET: u64 = 1 << 22;
/// Default of [`ServerConfig::max_clients`].
pub const DEFAULT_MAX_CLIENTS: usize = 256;
/// Default of [`ServerConfig::client_memory_quota`]: 256 MiB.
pub const DEFAULT_CLIENT_MEMORY_QUOTA: u64 = 256 << 20;
/// Default of [`ServerConfig::move_token_ttl`]: 30 s.
pub const DEFAULT_MOVE_TOKEN_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// Default of [`ServerConfig::detach_grace`]: 10 minutes.
pub const DEFAULT_DETACH_GRACE: std::time::Duration = std::time::Duration::from_secs(600);
/// Default of [`ServerConfig::max_output_buffer`]: 32 MiB.
pub const DEFAULT_MAX_OUTPUT_BUFFER: usize = 32 << 20;

/// How the web viewer's port is served (`--listen web`, protocol.md §20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebConfig {
    /// The address to bind (default loopback: reach it through an SSH tunnel, or give
    /// an address to serve HTTPS on).
    pub addr: IpAddr,
    /// A certificate chain and key (PEM files) to serve HTTPS with instead of the
    /// display's self-signed certificate.
    pub cert: Option<(PathBuf, PathBuf)>,
    /// The port: `None` is 8100+N; tests give 0 (any free port).
    pub port: Option<u16>,
    /// Plain HTTP even on an address other than loopback (the server warns).
    pub plain: bool,
    /// More names the display answers to in `Host` (a DNS name users open it by).
    pub hosts: Vec<String>,
}

impl WebConfig {
    /// Whether the page is served over HTTPS: with a certificate given, or on an address
    /// other than loopback unless plain HTTP is forced.
    pub fn secure(&self) -> bool {
        self.cert.is_some() || (!self.addr.is_loopback() && !self.plain)
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            addr: IpAddr::from([127, 0, 0, 1]),
            cert: None,
            port: None,
            plain: false,
            hosts: Vec::new(),
        }
    }
}

/// A display the window manager offers to move windows to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// Its name, as the apps reach it (`:N`, `host:N`, `tls:host:N`).
    pub display: String,
    /// Its cookie, to ask it for migration tokens; `None`: looked up in the user's cookie
    /// file (`YONDER_COOKIE_FILE`, `~/.yonder/cookies`) when needed.
    pub cookie: Option<Vec<u8>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            display: None,
            socket_dir: None,
            cookie_file: None,
            listen_tcp: false,
            listen_tls: false,
            tcp_addr: IpAddr::from([0, 0, 0, 0]),
            listen_web: false,
            web: WebConfig::default(),
            keepalive: Some(DEFAULT_KEEPALIVE),
            screen_width: 1280,
            screen_height: 800,
            allow_synthetic_input: false,
            max_frame_len: MAX_FRAME_LEN,
            max_drawable_side: 16384,
            max_drawable_pixels: DEFAULT_MAX_DRAWABLE_PIXELS,
            max_request_pixels: DEFAULT_MAX_REQUEST_PIXELS,
            batch_work_budget: BATCH_WORK_BUDGET,
            render_threads: 1,
            window_manager: true,
            peers: Vec::new(),
            shm: cfg!(target_os = "linux"),
            max_clients: DEFAULT_MAX_CLIENTS,
            client_memory_quota: DEFAULT_CLIENT_MEMORY_QUOTA,
            max_output_buffer: DEFAULT_MAX_OUTPUT_BUFFER,
            bounds: Bounds::default(),
            detach_grace: DEFAULT_DETACH_GRACE,
            move_token_ttl: DEFAULT_MOVE_TOKEN_TTL,
            new_cookie: false,
            forget_state: false,
        }
    }
}
