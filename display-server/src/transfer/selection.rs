//! Selections' upkeep: changing an owner (with the SelectionClear and notification events),
//! sending a conversion's data, and what happens to selections and transfers when an
//! owner or requestor goes away. The requests themselves are in `handlers::selection`.

use super::Owner;
use crate::events;
use crate::state::transfer::MAX_ABANDONED_TRANSFERS;
use crate::state::State;
use yonder_protocol::event::{SelectionClearEvent, SelectionDataEvent, SelectionOwnerEvent};
use yonder_protocol::{Atom, ClientId, Event, EventMask, WindowId};

/// Sets (or clears) a selection's owner: SelectionClear to the previous owner, and
/// SelectionOwner to the clients watching OWNER_CHANGE on the root.
pub(crate) fn change_selection_owner(s: &mut State, selection: Atom, new: Option<Owner>) {
    let time = new.as_ref().map_or(s.now(), |o| o.time);
    let owner_window = new.as_ref().map_or(WindowId::NONE, |o| o.window);
    let old = s.set_owner(selection, new);
    if let Some(old) = old.filter(|o| o.window != owner_window) {
        let e = Event::SelectionClear(SelectionClearEvent {
            owner: old.window,
            selection,
            time,
        });
        events::send_event(s, old.client, e, false);
    }
    let e = Event::SelectionOwner(SelectionOwnerEvent {
        root: WindowId::ROOT,
        selection,
        owner: owner_window,
        time,
    });
    events::deliver(s, WindowId::ROOT, EventMask::OWNER_CHANGE, e);
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn selection_data(
    s: &mut State,
    to: ClientId,
    requestor: WindowId,
    tag: u32,
    selection: Atom,
    target: Atom,
    data: Vec<u8>,
    refused: bool,
) {
    let done = true;
    let e = SelectionDataEvent {
        requestor,
        tag,
        selection,
        target,
        data,
        done,
        refused,
    };
    events::send_event(s, to, Event::SelectionData(e), false);
}

/// A client left: its selections lose their owner and transfers it owed are refused
/// to their requestors. Transfers it asked for stay open until their owner sends the
/// last chunk (the data then goes nowhere): the owner cannot know the requestor left,
/// and answering it is no error. At most `MAX_ABANDONED_TRANSFERS` such transfers are
/// kept, server-wide; past it the oldest is dropped (its number becomes unknown).
pub(crate) fn selections_client_gone(s: &mut State, client: ClientId) {
    let owned: Vec<Atom> = s
        .transfers
        .owners
        .iter()
        .filter(|(_, o)| o.client == client)
        .map(|(a, _)| *a)
        .collect();
    for a in owned {
        change_selection_owner(s, a, None);
    }
    let ids: Vec<u64> = s
        .transfers
        .pending
        .iter()
        .filter(|(_, t)| t.owner == client)
        .map(|(i, _)| *i)
        .collect();
    let asked: Vec<u64> = s
        .transfers
        .pending
        .iter()
        .filter(|(_, t)| t.requestor_client == client && t.owner != client)
        .map(|(i, _)| *i)
        .collect();
    s.transfers.abandoned.extend(asked);
    while s.transfers.abandoned.len() > MAX_ABANDONED_TRANSFERS {
        if let Some(oldest) = s.transfers.abandoned.pop_front() {
            s.remove_transfer(oldest);
        }
    }
    for id in ids {
        if let Some(t) = s.remove_transfer(id) {
            if t.requestor_client != client {
                selection_data(
                    s,
                    t.requestor_client,
                    t.requestor,
                    t.tag,
                    t.selection,
                    t.target,
                    Vec::new(),
                    true,
                );
            }
        }
    }
}

/// A window was destroyed: selections it owned lose their owner.
pub(crate) fn selections_window_gone(s: &mut State, w: WindowId) {
    let owned: Vec<Atom> = s
        .transfers
        .owners
        .iter()
        .filter(|(_, o)| o.window == w)
        .map(|(a, _)| *a)
        .collect();
    for a in owned {
        change_selection_owner(s, a, None);
    }
    for set in s.transfers.save_sets.values_mut() {
        set.remove(&w);
    }
}
