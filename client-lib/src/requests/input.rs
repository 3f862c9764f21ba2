//! Input requests (focus, pointer, synthetic input) and the administrative ones: Sync
//! (plus the [`Connection::sync`] round trip) and ListClients.

use crate::connection::Connection;
use crate::cookie::{sync, Cookie, VoidCookie};
use crate::error::ConnectionError;
use yonder_protocol::reply::{InputFocusReply, ListClientsReply, QueryPointerReply, SyncReply};
use yonder_protocol::request::{
    FakeInput, FakeKind, GetInputFocus, ListClients, QueryPointer, SetInputFocus, Sync,
};
use yonder_protocol::{Request, WindowId};

impl Connection {
    /// Gives the keyboard focus to `window` (NONE: key events are discarded).
    pub fn set_input_focus(&self, window: WindowId) -> VoidCookie<'_> {
        self.void_request(Request::SetInputFocus(SetInputFocus { window }))
    }

    /// Asks which window has the focus.
    pub fn get_input_focus(&self) -> Cookie<'_, InputFocusReply> {
        self.reply_request(Request::GetInputFocus(GetInputFocus {}))
    }

    /// Asks where the pointer is, relative to `window`.
    pub fn query_pointer(&self, window: WindowId) -> Cookie<'_, QueryPointerReply> {
        self.reply_request(Request::QueryPointer(QueryPointer { window }))
    }

    /// Injects input as if from the real devices: `detail` is the keysym or button
    /// number, (x, y) the root position for motion. Needs a server started with
    /// `--allow-synthetic-input` (else an Access error).
    pub fn fake_input(&self, kind: FakeKind, detail: u32, x: i32, y: i32) -> VoidCookie<'_> {
        self.void_request(Request::FakeInput(FakeInput { kind, detail, x, y }))
    }

    /// Sends a Sync request; its reply means every earlier request has been carried out.
    pub fn send_sync(&self) -> Cookie<'_, SyncReply> {
        self.reply_request(Request::Sync(Sync {}))
    }

    /// A round trip: sends Sync and waits for its reply, so every earlier request has been
    /// carried out (and their errors, if any, are queued) when this returns.
    pub fn sync(&self) -> Result<(), ConnectionError> {
        sync(&self.transport)
    }

    /// Lists the connected clients.
    pub fn list_clients(&self) -> Cookie<'_, ListClientsReply> {
        self.reply_request(Request::ListClients(ListClients {}))
    }
}
