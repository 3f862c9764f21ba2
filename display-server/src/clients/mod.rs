//! A client leaving, however abruptly: everything it owned is freed, with the events
//! others would see had it destroyed its windows itself; the windows of its save-set are
//! rescued first. A client whose connection is lost may instead be kept detached for a
//! while and resume (`session`).

pub mod session;

use crate::handlers::window;
use crate::state::State;
use crate::transfer::dnd;
use crate::transfer::selection;
use yonder_protocol::request::{MapWindow, ReparentWindow};
use yonder_protocol::{ClientId, WindowId};

/// Frees everything `client` owned, with the events others would see had it
/// destroyed its windows itself, then forgets it (its writer then closes the socket).
pub fn disconnect(s: &mut State, client: ClientId, reason: &str) {
    // A bug while a client leaves, on purpose, for tests/containment.rs: outside any
    // request, so the server must end (status 70) rather than go on without its state
    // thread.
    #[cfg(feature = "fault-injection")]
    if s.clients
        .get(&client)
        .is_some_and(|c| c.app_name == "_YONDER_TEST_PANIC_ON_LEAVE")
    {
        panic!("deliberate panic while a client leaves");
    }
    crate::handlers::migrate::client_gone(s, client);
    rescue_save_set(s, client);
    dnd::dnd_client_gone(s, client);
    selection::selections_client_gone(s, client);
    let (windows, pixmaps, gcs) = s.client_resources(client);
    // Top-levels first, the topmost first: each is then at the top of the root's stack
    // when it goes, where taking it out costs nothing. In the map's order each removal
    // shifted the rest of the stack: with 10,000 windows that was O(n²), ~200 M
    // instructions of the state thread, every other client waiting.
    let tops: Vec<WindowId> = s
        .windows
        .get(&WindowId::ROOT)
        .map_or_else(Vec::new, |root| {
            let stack = root.children.iter().rev();
            stack
                .filter(|w| s.owner_of(w.0) == Some(client))
                .copied()
                .collect()
        });
    for w in tops.into_iter().chain(windows) {
        if s.windows.contains_key(&w) {
            window::destroy_subtree(s, w);
        }
    }
    for p in pixmaps {
        s.take_surface(p);
    }
    for g in gcs {
        s.take_gc(g);
    }
    for win in s.windows.values_mut() {
        win.selections.retain(|(c, _)| *c != client);
    }
    if let Some(c) = s.clients.remove(&client) {
        s.spaces.remove(&c.id_space);
        tracing::info!(client = client.0, app = %c.app_name, reason, "disconnected");
    }
}

/// Rescues the save-set of a leaving client: each window that sits inside one of the
/// client's windows is reparented to the root at its screen position and mapped.
pub(crate) fn rescue_save_set(s: &mut State, client: ClientId) {
    s.transfers.save_sets_waiting.remove(&client);
    let Some(set) = s.transfers.save_sets.remove(&client) else {
        return;
    };
    for w in set {
        let inside = s
            .ancestry(w)
            .iter()
            .any(|a| *a != w && s.owner_of(a.0) == Some(client));
        if !inside || !s.windows.contains_key(&w) {
            continue;
        }
        let o = s.abs_origin(w);
        // The window's owner is someone else, so act as the server (client 0).
        let _ = window::reparent_window(
            s,
            ClientId(0),
            ReparentWindow {
                window: w,
                parent: WindowId::ROOT,
                x: o.x,
                y: o.y,
            },
        );
        let _ = window::map_window(s, ClientId(0), MapWindow { window: w });
    }
}
