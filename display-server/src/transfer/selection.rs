//! Selections: SetSelectionOwner, GetSelectionOwner, ConvertSelection, SendSelectionData,
//! and what happens to them when an owner or requestor goes away.

use super::{Owner, Transfer};
use crate::command::{fail, HandlerResult};
use crate::state::State;
use yonder_protocol::event::{
    SelectionClearEvent, SelectionDataEvent, SelectionOwnerEvent, SelectionRequestEvent,
};
use yonder_protocol::reply::SelectionOwnerReply;
use yonder_protocol::request::{
    ConvertSelection, GetSelectionOwner, SendSelectionData, SetSelectionOwner,
};
use yonder_protocol::{Atom, ClientId, ErrorCode, Event, EventMask, Reply, WindowId};

impl State {
    // SetSelectionOwner: [selection, owner, time]
    pub(crate) fn set_selection_owner(
        &mut self,
        c: ClientId,
        r: SetSelectionOwner,
    ) -> HandlerResult {
        if self.atoms.name(r.selection).is_none() {
            return Err(fail(ErrorCode::Atom, r.selection.0 as u64, "no such atom"));
        }
        if !r.owner.is_none() {
            self.check_own_window(c, r.owner)?;
        }
        let time = if r.time.0 == 0 { self.now() } else { r.time };
        let new = (!r.owner.is_none()).then_some(Owner {
            window: r.owner,
            client: c,
            time,
        });
        self.change_selection_owner(r.selection, new);
        Ok(None)
    }

    /// Sets (or clears) a selection's owner: SelectionClear to the previous owner, and
    /// SelectionOwner to the clients watching OWNER_CHANGE on the root.
    pub(crate) fn change_selection_owner(&mut self, selection: Atom, new: Option<Owner>) {
        let time = new.as_ref().map_or(self.now(), |o| o.time);
        let owner_window = new.as_ref().map_or(WindowId::NONE, |o| o.window);
        let old = match new {
            Some(o) => self.transfers.owners.insert(selection, o),
            None => self.transfers.owners.remove(&selection),
        };
        if let Some(old) = old.filter(|o| o.window != owner_window) {
            let e = Event::SelectionClear(SelectionClearEvent {
                owner: old.window,
                selection,
                time,
            });
            self.send_event(old.client, e, false);
        }
        let e = Event::SelectionOwner(SelectionOwnerEvent {
            root: WindowId::ROOT,
            selection,
            owner: owner_window,
            time,
        });
        self.deliver(WindowId::ROOT, EventMask::OWNER_CHANGE, e);
    }

    // GetSelectionOwner: [selection] → [owner]
    pub(crate) fn get_selection_owner(
        &mut self,
        _c: ClientId,
        r: GetSelectionOwner,
    ) -> HandlerResult {
        let owner = self
            .transfers
            .owners
            .get(&r.selection)
            .map_or(WindowId::NONE, |o| o.window);
        Ok(Some(Reply::SelectionOwner(SelectionOwnerReply { owner })))
    }

    // ConvertSelection: [selection, target, requestor, tag]
    pub(crate) fn convert_selection(&mut self, c: ClientId, r: ConvertSelection) -> HandlerResult {
        self.check_own_window(c, r.requestor)?;
        for a in [r.selection, r.target] {
            if self.atoms.name(a).is_none() {
                return Err(fail(ErrorCode::Atom, a.0 as u64, "no such atom"));
            }
        }
        let Some(owner) = self.transfers.owners.get(&r.selection).cloned() else {
            self.selection_data(
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
        let id = self.transfers.next_transfer();
        let t = Transfer {
            owner: owner.client,
            requestor_client: c,
            requestor: r.requestor,
            tag: r.tag,
            selection: r.selection,
            target: r.target,
        };
        self.transfers.pending.insert(id, t);
        let e = SelectionRequestEvent {
            owner: owner.window,
            transfer: id,
            requestor: r.requestor,
            selection: r.selection,
            target: r.target,
        };
        self.send_event(owner.client, Event::SelectionRequest(e), false);
        Ok(None)
    }

    #[allow(clippy::too_many_arguments)]
    fn selection_data(
        &mut self,
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
        self.send_event(to, Event::SelectionData(e), false);
    }

    // SendSelectionData: [transfer, data, done, refused]
    pub(crate) fn send_selection_data(
        &mut self,
        c: ClientId,
        r: SendSelectionData,
    ) -> HandlerResult {
        let Some(t) = self
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
            self.transfers.pending.remove(&r.transfer);
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
        self.send_event(t.requestor_client, Event::SelectionData(e), false);
        Ok(None)
    }

    /// A client left: its selections lose their owner and transfers it owed are refused
    /// to their requestors. Transfers it asked for stay open until their owner sends the
    /// last chunk (the data then goes nowhere): the owner cannot know the requestor left,
    /// and answering it is no error.
    pub(crate) fn selections_client_gone(&mut self, client: ClientId) {
        let owned: Vec<Atom> = self
            .transfers
            .owners
            .iter()
            .filter(|(_, o)| o.client == client)
            .map(|(a, _)| *a)
            .collect();
        for a in owned {
            self.change_selection_owner(a, None);
        }
        let ids: Vec<u64> = self
            .transfers
            .pending
            .iter()
            .filter(|(_, t)| t.owner == client)
            .map(|(i, _)| *i)
            .collect();
        for id in ids {
            if let Some(t) = self.transfers.pending.remove(&id) {
                if t.requestor_client != client {
                    self.selection_data(
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
    pub(crate) fn selections_window_gone(&mut self, w: WindowId) {
        let owned: Vec<Atom> = self
            .transfers
            .owners
            .iter()
            .filter(|(_, o)| o.window == w)
            .map(|(a, _)| *a)
            .collect();
        for a in owned {
            self.change_selection_owner(a, None);
        }
        for set in self.transfers.save_sets.values_mut() {
            set.remove(&w);
        }
    }
}
