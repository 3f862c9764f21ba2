//! ChangeSaveSet: a client adds windows of other clients to its save-set (X's, for
//! embedding), which a container keeps alive: when the container's client goes, those
//! windows move to the root (at the same place on the screen, mapped) instead of being
//! destroyed with the container's windows (see `clients::rescue_save_set`).

use crate::command::{fail, HandlerResult};
use crate::state::State;
use yonder_protocol::request::ChangeSaveSet;
use yonder_protocol::{ClientId, ErrorCode};

// ChangeSaveSet: [window, insert]
pub(crate) fn change_save_set(s: &mut State, c: ClientId, r: ChangeSaveSet) -> HandlerResult {
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
