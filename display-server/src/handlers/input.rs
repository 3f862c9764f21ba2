//! Focus, pointer and administrative requests: SetInputFocus, GetInputFocus, QueryPointer,
//! Sync, ListClients. (FakeInput is `input::fake_input`, beside the device input
//! it feeds.)

use crate::command::{fail, HandlerResult};
use crate::focus;
use crate::state::State;
use yonder_protocol::reply::{
    ClientInfo, InputFocusReply, ListClientsReply, QueryPointerReply, SyncReply,
};
use yonder_protocol::request::{
    GetInputFocus, ListClients, NoOperation, QueryPointer, SetCloseDownMode, SetInputFocus, Sync,
};
use yonder_protocol::{ClientId, ErrorCode, Reply, WindowId};

// SetInputFocus: [window]
pub(crate) fn set_input_focus(s: &mut State, _c: ClientId, r: SetInputFocus) -> HandlerResult {
    if !r.window.is_none() {
        s.check_window(r.window)?;
        if !s.is_viewable(r.window) {
            return Err(fail(
                ErrorCode::Match,
                r.window.0,
                "the focus window must be viewable",
            ));
        }
    }
    focus::set_focus(s, r.window);
    Ok(None)
}

// NoOperation: [] (1.9). Does nothing; the reader counts most of them without decoding
// (`Incoming::NoOperations`), this takes the rest (another encoding of the same request).
pub(crate) fn no_operation(_s: &mut State, _c: ClientId, _r: NoOperation) -> HandlerResult {
    Ok(None)
}

// GetInputFocus: [] → [window]
pub(crate) fn get_input_focus(s: &mut State, _c: ClientId, _r: GetInputFocus) -> HandlerResult {
    Ok(Some(Reply::InputFocus(InputFocusReply {
        window: s.input.focus,
    })))
}

// QueryPointer: [window] → [root, root_x, root_y, child, win_x, win_y, mask]
pub(crate) fn query_pointer(s: &mut State, _c: ClientId, r: QueryPointer) -> HandlerResult {
    s.check_window(r.window)?;
    let p = s.input.pointer;
    let o = s.abs_origin(r.window);
    let path = s.ancestry(s.input.pointer_window);
    let child = path
        .iter()
        .position(|w| *w == r.window)
        .and_then(|i| path.get(i + 1))
        .copied()
        .unwrap_or(WindowId::NONE);
    Ok(Some(Reply::QueryPointer(QueryPointerReply {
        root: WindowId::ROOT,
        root_x: p.x,
        root_y: p.y,
        child,
        // Saturating: a window may sit anywhere in i32 space (found by fuzzing).
        win_x: p.x.saturating_sub(o.x),
        win_y: p.y.saturating_sub(o.y),
        mask: s.input_mask(),
    })))
}

// Sync: [] → []
pub(crate) fn sync(_s: &mut State, _c: ClientId, _r: Sync) -> HandlerResult {
    Ok(Some(Reply::Sync(SyncReply {})))
}

// ListClients: [] → [clients]
pub(crate) fn list_clients(s: &mut State, asker: ClientId, _r: ListClients) -> HandlerResult {
    // Detached clients are shown as such from 1.5 on (§5.4, §10).
    let shows_detached = s.minor_of(asker) >= 5;
    let mut ids: Vec<ClientId> = s.clients.keys().copied().collect();
    ids.sort();
    let clients = ids
        .into_iter()
        .map(|id| {
            let (w, p, g) = s.client_resources(id);
            let c = &s.clients[&id];
            ClientInfo {
                id,
                app_name: c.app_name.clone(),
                id_space: c.id_space,
                windows: w.len() as u32,
                pixmaps: p.len() as u32,
                gcs: g.len() as u32,
                detached_secs: c
                    .detached
                    .filter(|_| shows_detached)
                    .map(|at| at.elapsed().as_secs().min(u32::MAX as u64) as u32),
            }
        })
        .collect();
    Ok(Some(Reply::ListClients(ListClientsReply { clients })))
}

// SetCloseDownMode: [mode] → nothing (1.5)
pub(crate) fn set_close_down_mode(
    s: &mut State,
    c: ClientId,
    r: SetCloseDownMode,
) -> HandlerResult {
    if let Some(client) = s.clients.get_mut(&c) {
        client.close_down = r.mode;
    }
    Ok(None)
}
