//! ChangeSaveSet: a client adds windows of other clients to its save-set (X's, for
//! embedding), which a container keeps alive: when the container's client goes, those
//! windows move to the root (at the same place on the screen, mapped) instead of being
//! destroyed with the container's windows (see `clients::rescue_save_set`).

use crate::command::{fail, HandlerResult};
use crate::state::transfer::MAX_WAITING_SAVE_SET;
use crate::state::State;
use yonder_protocol::request::ChangeSaveSet;
use yonder_protocol::{id_space_of, ClientId, ErrorCode, WindowId};

/// ChangeSaveSet of a window that does not exist (yet), from a client of 1.6 (protocol.md
/// §9.67): kept, and carried out when a window of that id is created inside one of the
/// client's windows. Its own id space or the server's is a Window error as before.
fn waiting(s: &mut State, c: ClientId, r: ChangeSaveSet) -> HandlerResult {
    let space = id_space_of(r.window.0);
    let own = s.clients.get(&c).map(|cl| cl.id_space);
    if space == 0 || Some(space) == own {
        return Err(fail(
            ErrorCode::Window,
            r.window.0,
            format!("no window {:#x}", r.window.0),
        ));
    }
    let set = s.transfers.save_sets_waiting.entry(c).or_default();
    if !r.insert {
        set.remove(&r.window);
        return Ok(None);
    }
    if set.len() >= MAX_WAITING_SAVE_SET && !set.contains(&r.window) {
        return Err(fail(
            ErrorCode::Alloc,
            r.window.0,
            format!("{MAX_WAITING_SAVE_SET} save-set entries wait for their windows already"),
        ));
    }
    set.insert(r.window);
    Ok(None)
}

/// Window `w` was just created: each client that keeps a waiting save-set entry for it
/// and has a window among `w`'s ancestors takes it into its save-set.
pub(crate) fn window_created(s: &mut State, w: WindowId) {
    if s.transfers.save_sets_waiting.is_empty() {
        return;
    }
    let waiting: Vec<ClientId> = s
        .transfers
        .save_sets_waiting
        .iter()
        .filter(|(_, set)| set.contains(&w))
        .map(|(c, _)| *c)
        .collect();
    let ancestry = s.ancestry(w);
    for c in waiting {
        if !ancestry
            .iter()
            .any(|a| *a != w && s.owner_of(a.0) == Some(c))
        {
            continue;
        }
        if let Some(set) = s.transfers.save_sets_waiting.get_mut(&c) {
            set.remove(&w);
            if set.is_empty() {
                s.transfers.save_sets_waiting.remove(&c);
            }
        }
        s.transfers.save_sets.entry(c).or_default().insert(w);
        s.persist.mark();
    }
}

// ChangeSaveSet: [window, insert]
pub(crate) fn change_save_set(s: &mut State, c: ClientId, r: ChangeSaveSet) -> HandlerResult {
    if !s.windows.contains_key(&r.window) && s.minor_of(c) >= 6 {
        return waiting(s, c, r);
    }
    s.check_window(r.window)?;
    if s.owner_of(r.window.0) == Some(c) {
        return Err(fail(
            ErrorCode::Match,
            r.window.0,
            "a client's own windows cannot be in its save-set",
        ));
    }
    let set = s.transfers.save_sets.entry(c).or_default();
    if r.insert {
        set.insert(r.window);
    } else {
        set.remove(&r.window);
    }
    s.persist.mark();
    Ok(None)
}
