//! [`TransferExt`]: selections, drag-and-drop and the save-set, the requests behind
//! clipboard, drag and drop and embedding (protocol.md §9 and §17). Data is sent in
//! chunks: see [`TransferExt::send_selection_bytes`], which splits a value of any size.

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::{Cookie, VoidCookie};
use yonder_protocol::reply::SelectionOwnerReply;
use yonder_protocol::request::{
    ChangeSaveSet, ConvertSelection, DndAction, DndActions, DndFinish, DndStatus,
    GetSelectionOwner, SendSelectionData, SetSelectionOwner, StartDrag,
};
use yonder_protocol::{Atom, PixmapId, Point, Timestamp, WindowId};

/// Size of the chunks [`TransferExt::send_selection_bytes`] sends.
pub const SELECTION_CHUNK: usize = 1 << 20;

/// Selections, drag-and-drop and the save-set: the requests behind clipboard, drag and
/// drop and embedding (protocol.md §9 and §17). Data is sent in chunks:
/// [`TransferExt::send_selection_bytes`] splits a value of any size.
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait TransferExt: Sealed {
    /// Makes `owner` (one of this client's windows, or NONE) the owner of `selection`.
    fn set_selection_owner(
        &self,
        selection: Atom,
        owner: WindowId,
        time: Timestamp,
    ) -> VoidCookie<'_> {
        self.conn().void_request(SetSelectionOwner {
            selection,
            owner,
            time,
        })
    }

    /// Asks who owns `selection`.
    fn get_selection_owner(&self, selection: Atom) -> Cookie<'_, SelectionOwnerReply> {
        self.conn().reply_request(GetSelectionOwner { selection })
    }

    /// Asks for `selection` in type `target`; the data arrives as SelectionData events
    /// for `requestor` carrying `tag`.
    fn convert_selection(
        &self,
        selection: Atom,
        target: Atom,
        requestor: WindowId,
        tag: u32,
    ) -> VoidCookie<'_> {
        self.conn().void_request(ConvertSelection {
            selection,
            target,
            requestor,
            tag,
        })
    }

    /// Sends one chunk of selection data for `transfer` (from a SelectionRequest).
    fn send_selection_data(
        &self,
        transfer: u64,
        data: impl Into<Vec<u8>>,
        done: bool,
    ) -> VoidCookie<'_> {
        let data = data.into();
        self.conn().void_request(SendSelectionData {
            transfer,
            data,
            done,
            refused: false,
        })
    }

    /// Sends a whole value for `transfer`, in chunks of [`SELECTION_CHUNK`] bytes.
    fn send_selection_bytes(&self, transfer: u64, data: &[u8]) {
        let mut chunks = data.chunks(SELECTION_CHUNK).peekable();
        if chunks.peek().is_none() {
            self.send_selection_data(transfer, Vec::new(), true);
        }
        while let Some(c) = chunks.next() {
            self.send_selection_data(transfer, c.to_vec(), chunks.peek().is_none());
        }
    }

    /// Refuses `transfer`: the type asked for cannot be provided.
    fn refuse_selection(&self, transfer: u64) -> VoidCookie<'_> {
        self.conn().void_request(SendSelectionData {
            transfer,
            data: Vec::new(),
            done: true,
            refused: true,
        })
    }

    /// Starts a drag from `source` (a button pressed on it must still be held), offering
    /// `types` with `actions`; `icon` (or NONE) is drawn under the pointer at `hotspot`.
    fn start_drag(
        &self,
        source: WindowId,
        types: &[Atom],
        actions: DndActions,
        icon: PixmapId,
        hotspot: Point,
    ) -> VoidCookie<'_> {
        self.conn().void_request(StartDrag {
            source,
            types: types.to_vec(),
            actions,
            icon,
            hotspot,
        })
    }

    /// Answers DndEnter/DndPosition for drop target `target`.
    fn dnd_status(&self, target: WindowId, accept: bool, action: DndAction) -> VoidCookie<'_> {
        self.conn().void_request(DndStatus {
            target,
            accept,
            action,
        })
    }

    /// Reports a drop on `target` as finished (after taking the data, or failing to).
    fn dnd_finish(&self, target: WindowId, success: bool, action: DndAction) -> VoidCookie<'_> {
        self.conn().void_request(DndFinish {
            target,
            success,
            action,
        })
    }

    /// Adds `window` (another client's) to this client's save-set, or removes it.
    fn change_save_set(&self, window: WindowId, insert: bool) -> VoidCookie<'_> {
        self.conn().void_request(ChangeSaveSet { window, insert })
    }
}

impl TransferExt for Connection {}
