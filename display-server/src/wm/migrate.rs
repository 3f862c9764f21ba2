//! The window manager's move button (protocol.md §5.5): with other displays configured
//! (`--peer`), each title bar has a ⇄ button left of the close button. A click moves the
//! window's app to the one other display, or, with several, opens the menu of them in
//! the title bar, where a click on one moves the app there (a click on ⇄ again closes
//! it). The server acts for the user like `yonder-move`: a worker thread connects to the
//! other display as a client with its cookie, asks it for a migration token, and hands
//! the token back to the state thread ([`crate::command::Command::MoveGranted`]), which
//! asks the app to move. The state thread never waits on another display.

use crate::handlers::migrate::ask_to_move;
use crate::state::State;
use yonder::prelude::*;
use yonder_protocol::{ClientId, WindowId};

/// A click on `w`'s move button: with one other display, the move; else the menu opens
/// or closes.
pub(crate) fn move_button_clicked(s: &mut State, w: WindowId) {
    if s.wm.peers.len() == 1 {
        start(s, w, 0);
        return;
    }
    if let Some(m) = s.wm.managed.get_mut(&w) {
        m.menu = !m.menu;
    }
}

/// A click on entry `peer` of `w`'s menu: the menu closes, the move starts.
pub(crate) fn menu_item_clicked(s: &mut State, w: WindowId, peer: usize) {
    if let Some(m) = s.wm.managed.get_mut(&w) {
        m.menu = false;
    }
    start(s, w, peer);
}

/// Moves the app that owns `w` to display `peer`: the token is asked for on a thread of
/// its own.
fn start(s: &mut State, w: WindowId, peer: usize) {
    let (Some(peer), Some(client)) = (s.wm.peers.get(peer).cloned(), s.owner_of(w.0)) else {
        return;
    };
    let Some(app) = s.clients.get(&client).map(|c| c.app_name.clone()) else {
        return;
    };
    let Some(commands) = s.wm.commands.clone() else {
        tracing::warn!("no command channel: the move of {app} cannot start");
        return;
    };
    tracing::info!(client = client.0, app = %app, to = %peer.display, "the window manager moves an app");
    let spawned = std::thread::Builder::new()
        .name("yonder-move".into())
        .spawn(move || match grant(&peer.display, peer.cookie, &app) {
            Ok(token) => {
                let _ = commands.blocking_send(crate::command::Command::MoveGranted {
                    client,
                    to: peer.display,
                    token,
                });
            }
            Err(e) => tracing::warn!(app = %app, to = %peer.display, "no migration token: {e}"),
        });
    if let Err(e) = spawned {
        tracing::warn!("no thread for a move: {e}");
    }
}

/// Asks display `display` for a migration token for the app named `app`.
fn grant(display: &str, cookie: Option<Vec<u8>>, app: &str) -> Result<Vec<u8>, String> {
    let conn = yonder::Connection::connect_with(yonder::ConnectOptions {
        display: Some(display.to_string()),
        cookie,
        app_name: Some("yonder-server".into()),
        reconnect: yonder::Reconnect::ExitAtOnce,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    conn.setup().map_err(|e| e.to_string())?;
    let seq = conn.grant_move(app);
    seq.reply().map(|r| r.token).map_err(|e| e.to_string())
}

/// The token for a move the window manager started arrived: the app is asked to move.
pub(crate) fn granted(s: &mut State, client: ClientId, to: String, token: Vec<u8>) {
    if let Err(e) = ask_to_move(s, None, client, to, token) {
        tracing::warn!(
            client = client.0,
            "the window manager's move: {}",
            e.message
        );
    }
}
