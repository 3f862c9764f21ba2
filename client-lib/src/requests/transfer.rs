//! Selections, drag-and-drop and the save-set: the requests behind clipboard, drag and
//! drop and embedding (protocol.md §9 and §17). Data is sent in chunks: see
//! [`Connection::send_selection_bytes`], which splits a value of any size.

use crate::connection::Connection;
use crate::cookie::{Cookie, VoidCookie};
use yonder_protocol::reply::SelectionOwnerReply;
use yonder_protocol::request::{
    ChangeSaveSet, ConvertSelection, DndAction, DndActions, DndFinish, DndStatus,
    GetSelectionOwner, SendSelectionData, SetSelectionOwner, StartDrag,
};
use yonder_protocol::{Atom, PixmapId, Point, Request, Timestamp, WindowId};

/// Size of the chunks [`Connection::send_selection_bytes`] sends.
pub const SELECTION_CHUNK: usize = 1 << 20;

impl Connection {
    /// Makes `owner` (one of this client's windows, or NONE) the owner of `selection`.
    pub fn set_selection_owner(
        &self,
        selection: Atom,
        owner: WindowId,
        time: Timestamp,
    ) -> VoidCookie<'_> {
        self.void_request(Request::SetSelectionOwner(SetSelectionOwner {
            selection,
            owner,
            time,
        }))
    }

    /// Asks who owns `selection`.
    pub fn get_selection_owner(&self, selection: Atom) -> Cookie<'_, SelectionOwnerReply> {
        self.reply_request(Request::GetSelectionOwner(GetSelectionOwner { selection }))
    }

    /// Asks for `selection` in type `target`; the data arrives as SelectionData events
    /// for `requestor` carrying `tag`.
    pub fn convert_selection(
        &self,
        selection: Atom,
        target: Atom,
        requestor: WindowId,
        tag: u32,
    ) -> VoidCookie<'_> {
        self.void_request(Request::ConvertSelection(ConvertSelection {
            selection,
            target,
            requestor,
            tag,
        }))
    }

    /// Sends one chunk of selection data for `transfer` (from a SelectionRequest).
    pub fn send_selection_data(
        &self,
        transfer: u64,
        data: impl Into<Vec<u8>>,
        done: bool,
    ) -> VoidCookie<'_> {
        let data = data.into();
        self.void_request(Request::SendSelectionData(SendSelectionData {
            transfer,
            data,
            done,
            refused: false,
        }))
    }

    /// Sends a whole value for `transfer`, in chunks of [`SELECTION_CHUNK`] bytes.
    pub fn send_selection_bytes(&self, transfer: u64, data: &[u8]) {
        let mut chunks = data.chunks(SELECTION_CHUNK).peekable();
        if chunks.peek().is_none() {
            self.send_selection_data(transfer, Vec::new(), true);
        }
        while let Some(c) = chunks.next() {
            self.send_selection_data(transfer, c.to_vec(), chunks.peek().is_none());
        }
    }

    /// Refuses `transfer`: the type asked for cannot be provided.
    pub fn refuse_selection(&self, transfer: u64) -> VoidCookie<'_> {
        self.void_request(Request::SendSelectionData(SendSelectionData {
            transfer,
            data: Vec::new(),
            done: true,
            refused: true,
        }))
    }

    /// Starts a drag from `source` (a button pressed on it must still be held), offering
    /// `types` with `actions`; `icon` (or NONE) is drawn under the pointer at `hotspot`.
    pub fn start_drag(
        &self,
        source: WindowId,
        types: &[Atom],
        actions: DndActions,
        icon: PixmapId,
        hotspot: Point,
    ) -> VoidCookie<'_> {
        self.void_request(Request::StartDrag(StartDrag {
            source,
            types: types.to_vec(),
            actions,
            icon,
            hotspot,
        }))
    }

    /// Answers DndEnter/DndPosition for drop target `target`.
    pub fn dnd_status(&self, target: WindowId, accept: bool, action: DndAction) -> VoidCookie<'_> {
        self.void_request(Request::DndStatus(DndStatus {
            target,
            accept,
            action,
        }))
    }

    /// Reports a drop on `target` as finished (after taking the data, or failing to).
    pub fn dnd_finish(&self, target: WindowId, success: bool, action: DndAction) -> VoidCookie<'_> {
        self.void_request(Request::DndFinish(DndFinish {
            target,
            success,
            action,
        }))
    }

    /// Adds `window` (another client's) to this client's save-set, or removes it.
    pub fn change_save_set(&self, window: WindowId, insert: bool) -> VoidCookie<'_> {
        self.void_request(Request::ChangeSaveSet(ChangeSaveSet { window, insert }))
    }
}
