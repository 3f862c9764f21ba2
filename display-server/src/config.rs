//! The server's configuration: everything `main.rs` parses from the command line and
//! integration tests set directly. Plain data, no behaviour.

use std::net::IpAddr;
use std::path::PathBuf;
use yonder_protocol::frame::MAX_FRAME_LEN;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Display number; `None` takes the first free one.
    pub display: Option<u32>,
    /// Directory of the Unix sockets; `None` uses `$XDG_RUNTIME_DIR/yonder` or `/tmp/yonder-UID`.
    pub socket_dir: Option<PathBuf>,
    /// Cookie file; `None` uses `$YONDER_COOKIE_FILE` or `~/.yonder/cookies`.
    pub cookie_file: Option<PathBuf>,
    /// Also listen on TCP port 7100+N.
    pub listen_tcp: bool,
    /// Address to bind TCP to (default all interfaces).
    pub tcp_addr: IpAddr,
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
    /// Manage top-level windows: frames, placement, click-to-focus (see [`crate::wm`]).
    pub window_manager: bool,
    /// Offer shared-memory images (the `SHM` extension) to clients on the Unix socket.
    pub shm: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            display: None,
            socket_dir: None,
            cookie_file: None,
            listen_tcp: false,
            tcp_addr: IpAddr::from([0, 0, 0, 0]),
            screen_width: 1280,
            screen_height: 800,
            allow_synthetic_input: false,
            max_frame_len: MAX_FRAME_LEN,
            max_drawable_side: 16384,
            window_manager: true,
            shm: cfg!(target_os = "linux"),
        }
    }
}
