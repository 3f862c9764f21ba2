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
    s.wm.restyle(w);
}

/// A click on entry `peer` of `w`'s menu: the menu closes, the move starts.
pub(crate) fn menu_item_clicked(s: &mut State, w: WindowId, peer: usize) {
    if let Some(m) = s.wm.managed.get_mut(&w) {
        m.menu = false;
    }
    s.wm.restyle(w);
    start(s, w, peer);
}

/// The other clients with windows inside `client`'s windows (the parts embedded in a
/// compound document), with their app names.
fn parts_of(s: &State, client: ClientId) -> Vec<(ClientId, String)> {
    let mut parts: Vec<(ClientId, String)> = Vec::new();
    for (id, _) in s.windows.iter() {
        let Some(owner) = s.owner_of(id.0).filter(|o| *o != client) else {
            continue;
        };
        let inside = s
            .ancestry(*id)
            .iter()
            .any(|a| s.owner_of(a.0) == Some(client));
        if inside && !parts.iter().any(|(c, _)| *c == owner) {
            if let Some(c) = s.clients.get(&owner) {
                parts.push((owner, c.app_name.clone()));
            }
        }
    }
    parts
}

/// Moves the app that owns `w` to display `peer`, and then the parts embedded in its
/// windows: the tokens are asked for on a thread of its own.
fn start(s: &mut State, w: WindowId, peer: usize) {
    let (Some(peer), Some(client)) = (s.wm.peers.get(peer).cloned(), s.owner_of(w.0)) else {
        return;
    };
    let Some(app) = s.clients.get(&client).map(|c| c.app_name.clone()) else {
        return;
    };
    let parts = parts_of(s, client);
    let Some(commands) = s.wm.commands.clone() else {
        tracing::warn!("no command channel: the move of {app} cannot start");
        return;
    };
    tracing::info!(client = client.0, app = %app, to = %peer.display, "the window manager moves an app");
    let spawned = std::thread::Builder::new()
        .name("yonder-move".into())
        .spawn(move || {
            if let Err(e) = move_family(&peer, client, &app, &parts, &commands) {
                tracing::warn!(app = %app, to = %peer.display, "the move: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no thread for a move: {e}");
    }
}

/// The worker: a token for the app, handed to the state thread; once the app has arrived
/// on the other display (a new client of its name shows a window there), a token for each
/// part, whose windows go inside the app's.
fn move_family(
    peer: &crate::config::Peer,
    client: ClientId,
    app: &str,
    parts: &[(ClientId, String)],
    commands: &tokio::sync::mpsc::Sender<crate::command::Command>,
) -> Result<(), String> {
    // The peer's line of the cookie file, never `YONDER_COOKIE` (which, set in the
    // server's environment, would be this display's cookie or nobody's).
    let cookie = match &peer.cookie {
        Some(c) => c.clone(),
        None => {
            let name = yonder::DisplayName::parse(&peer.display).map_err(|e| e.to_string())?;
            let sources = yonder::auth::CookieSources {
                cookie: None,
                ..yonder::auth::CookieSources::from_env()
            };
            yonder::auth::find_cookie(&peer.display, &name, &sources).map_err(|e| e.to_string())?
        }
    };
    let conn = yonder::Connection::connect_with(yonder::ConnectOptions {
        display: Some(peer.display.clone()),
        cookie: Some(cookie),
        app_name: Some("yonder-server".into()),
        reconnect: yonder::Reconnect::ExitAtOnce,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    conn.setup().map_err(|e| e.to_string())?;
    let clients = |conn: &yonder::Connection| -> Result<Vec<_>, String> {
        Ok(conn
            .list_clients()
            .reply()
            .map_err(|e| e.to_string())?
            .clients)
    };
    let before: Vec<ClientId> = clients(&conn)?.iter().map(|c| c.id).collect();
    let send = |client: ClientId, name: &str| -> Result<(), String> {
        let token = conn
            .grant_move(name)
            .reply()
            .map_err(|e| e.to_string())?
            .token;
        commands
            .blocking_send(crate::command::Command::MoveGranted {
                client,
                to: peer.display.clone(),
                token,
            })
            .map_err(|_| "the server is stopping".to_string())
    };
    send(client, app)?;
    if parts.is_empty() {
        return Ok(());
    }
    let end = std::time::Instant::now() + ARRIVAL;
    loop {
        // Arrived: a new client of its name shows a top-level window (the switch mapped
        // it; until then its windows are there but hidden, and the move may still fail).
        let new: Vec<ClientId> = clients(&conn)?
            .iter()
            .filter(|c| c.app_name == app && !before.contains(&c.id))
            .map(|c| c.id)
            .collect();
        let tops = conn
            .query_tree(conn.root())
            .reply()
            .map_err(|e| e.to_string())?
            .children;
        let arrived = tops.iter().any(|w| {
            conn.get_window_attributes(*w).reply().is_ok_and(|a| {
                new.contains(&a.owner) && a.map_state == yonder_protocol::reply::MapState::Viewable
            })
        });
        if arrived {
            break;
        }
        if std::time::Instant::now() > end {
            return Err(format!(
                "{app} did not arrive within {} s",
                ARRIVAL.as_secs()
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    for (part, name) in parts {
        send(*part, name)?;
    }
    Ok(())
}

/// How long the worker waits for the app to arrive before moving its parts.
const ARRIVAL: std::time::Duration = std::time::Duration::from_secs(15);

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
