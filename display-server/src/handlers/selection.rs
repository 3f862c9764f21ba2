//! Selection requests: SetSelectionOwner, GetSelectionOwner, ConvertSelection and
//! SendSelectionData. The owners and transfers are `state::Transfers`; what happens to
//! them when an owner or requestor goes away is [`crate::transfer::selection`]'s.

use crate::command::{fail, HandlerResult};
use crate::events;
use crate::state::State;
use crate::transfer::selection;
use crate::transfer::{Owner, Transfer};
use yonder_protocol::event::{SelectionDataEvent, SelectionRequestEvent};
use yonder_protocol::reply::SelectionOwnerReply;
use yonder_protocol::request::{
    ConvertSelection, GetSelectionOwner, SendSelectionData, SetSelectionOwner,
};
use yonder_protocol::{ClientId, ErrorCode, Event, Reply, WindowId};

// SetSelectionOwner: [selection, owner, time]
pub(crate) fn set_selection_owner(
    s: &mut State,
    c: ClientId,
    r: SetSelectionOwner,
) -> HandlerResult {
    if s.atoms.name(r.selection).is_none() {
        return Err(fail(ErrorCode::Atom, r.selection.0 as u64, "no such atom"));
    }
    if !r.owner.is_none() {
        s.check_own_window(c, r.owner)?;
        s.check_selection_count(c, r.selection, r.owner)?;
    }
    let time = if r.time.0 == 0 { s.now() } else { r.time };
    let new = (!r.owner.is_none()).then_some(Owner {
        window: r.owner,
        client: c,
        time,
    });
    selection::change_selection_owner(s, r.selection, new);
    Ok(None)
}

// GetSelectionOwner: [selection] → [owner]
pub(crate) fn get_selection_owner(
    s: &mut State,
    _c: ClientId,
    r: GetSelectionOwner,
) -> HandlerResult {
    let owner = s
        .transfers
        .owners
        .get(&r.selection)
        .map_or(WindowId::NONE, |o| o.window);
    Ok(Some(Reply::SelectionOwner(SelectionOwnerReply { owner })))
}

// ConvertSelection: [selection, target, requestor, tag]
pub(crate) fn convert_selection(s: &mut State, c: ClientId, r: ConvertSelection) -> HandlerResult {
    s.check_own_window(c, r.requestor)?;
    for a in [r.selection, r.target] {
        if s.atoms.name(a).is_none() {
            return Err(fail(ErrorCode::Atom, a.0 as u64, "no such atom"));
        }
    }
    let Some(owner) = s.transfers.owners.get(&r.selection).cloned() else {
        selection::selection_data(
            s,
            c,
            r.requestor,
            r.tag,
            r.selection,
            r.target,
            Vec::new(),
            true,
        );
        return Ok(None);
    };
    let t = Transfer {
        owner: owner.client,
        requestor_client: c,
        requestor: r.requestor,
        tag: r.tag,
        selection: r.selection,
        target: r.target,
    };
    let id = s.add_transfer(t)?;
    let e = SelectionRequestEvent {
        owner: owner.window,
        transfer: id,
        requestor: r.requestor,
        selection: r.selection,
        target: r.target,
    };
    events::send_event(s, owner.client, Event::SelectionRequest(e), false);
    Ok(None)
}

// SendSelectionData: [transfer, data, done, refused]
pub(crate) fn send_selection_data(
    s: &mut State,
    c: ClientId,
    r: SendSelectionData,
) -> HandlerResult {
    let Some(t) = s
        .transfers
        .pending
        .get(&r.transfer)
        .filter(|t| t.owner == c)
        .cloned()
    else {
        return Err(fail(
            ErrorCode::Value,
            r.transfer,
            "no such transfer for this client",
        ));
    };
    let done = r.done || r.refused;
    if done {
        s.remove_transfer(r.transfer);
    }
    let data = if r.refused { Vec::new() } else { r.data };
    let e = SelectionDataEvent {
        requestor: t.requestor,
        tag: t.tag,
        selection: t.selection,
        target: t.target,
        data,
        done,
        refused: r.refused,
    };
    events::send_event(s, t.requestor_client, Event::SelectionData(e), false);
    Ok(None)
}
