//! Unit-test support: a [`State`] on a headless screen with one client connected, for
//! the tests that drive the state directly (no sockets, no threads).

use super::State;
use crate::config::ServerConfig;
use crate::screen::Headless;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use yonder_protocol::{ClientId, Hello};

/// A `width`×`height` headless state (window manager on or off) with client "unit"
/// connected in id space 7, and the receiving end of that client's output (keep it alive
/// or the client's messages have nowhere to go).
pub(crate) fn state_with_client(
    width: u32,
    height: u32,
    window_manager: bool,
) -> (State, ClientId, UnboundedReceiver<Vec<u8>>) {
    let config = ServerConfig {
        screen_width: width,
        screen_height: height,
        window_manager,
        ..ServerConfig::default()
    };
    let mut state = State::new(&config, Box::new(Headless::new(width, height)));
    let (tx, rx) = unbounded_channel();
    let hello = Hello {
        protocol: yonder_protocol::PROTOCOL_NAME.into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: Vec::new(),
        app_name: "unit".into(),
        id_space: 7,
        resume: None,
        token: None,
    };
    let client = state.connect(hello, tx).expect("connects");
    (state, client, rx)
}
