//! Live migration (1.6, protocol.md §5.5): moving a running app's windows to another
//! display. The display the app goes to grants a one-time token ([`GrantMove`]); the
//! mover asks the display the app is on to pass it on ([`MoveClient`]); the app
//! reports how the move ended ([`MoveDone`]).

use crate::ids::ClientId;
use serde::{Deserialize, Serialize};

/// Asks this display for a migration token that lets the app named `app_name` come
/// here without a cookie of its own; reply [`crate::reply::MoveTokenReply`]. The
/// token is single-use, expires after the reply's `expires_ms`, and admits only a hello
/// whose `app_name` is this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantMove {
    /// The name the moving app gives in its hello (as ListClients shows it).
    pub app_name: String,
}

/// Asks client `client` to move to display `to`, presenting `token` there. Allowed for
/// the client itself and for trusted clients (the user's tools and window manager);
/// anyone else gets an Access error. The server sends the client a MoveRequest event
/// and the asker a MoveOutcome event when the client reports back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveClient {
    /// The app to move.
    pub client: ClientId,
    /// The display to move to, as a display name (`:N`, `host:N`, `tls:host:N`).
    pub to: String,
    /// The token the other display granted (GrantMove), up to 64 bytes (MessagePack bin).
    #[serde(with = "serde_bytes")]
    pub token: Vec<u8>,
}

/// The app's report on a move it was asked for: `moved` true just before it leaves
/// this display for the other, false when it stays here ("come home") with `reason`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveDone {
    /// It moved (and is about to close its connection here).
    pub moved: bool,
    /// Why it did not move; empty when it did.
    pub reason: String,
}
