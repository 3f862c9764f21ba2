//! [`InputExt`]: input requests (focus, pointer, synthetic input) and the administrative
//! ones: Sync (plus the [`InputExt::sync`] round trip) and ListClients.

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::{sync, Cookie, VoidCookie};
use crate::error::ConnectionError;
use yonder_protocol::reply::{InputFocusReply, ListClientsReply, QueryPointerReply, SyncReply};
use yonder_protocol::request::{
    FakeInput, FakeKind, GetInputFocus, ListClients, QueryPointer, SetInputFocus, Sync,
};
use yonder_protocol::WindowId;

/// Input requests (focus, pointer, synthetic input) and the administrative ones: Sync
/// (plus the [`InputExt::sync`] round trip) and ListClients.
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait InputExt: Sealed {
    /// Gives the keyboard focus to `window` (NONE: key events are discarded).
    fn set_input_focus(&self, window: WindowId) -> VoidCookie<'_> {
        self.conn().void_request(SetInputFocus { window })
    }

    /// Asks which window has the focus.
    fn get_input_focus(&self) -> Cookie<'_, InputFocusReply> {
        self.conn().reply_request(GetInputFocus {})
    }

    /// Asks where the pointer is, relative to `window`.
    fn query_pointer(&self, window: WindowId) -> Cookie<'_, QueryPointerReply> {
        self.conn().reply_request(QueryPointer { window })
    }

    /// Injects input as if from the real devices: `detail` is the keysym or button
    /// number, (x, y) the root position for motion. Needs a server started with
    /// `--allow-synthetic-input` (else an Access error).
    fn fake_input(&self, kind: FakeKind, detail: u32, x: i32, y: i32) -> VoidCookie<'_> {
        self.conn().void_request(FakeInput { kind, detail, x, y })
    }

    /// Sends a Sync request; its reply means every earlier request has been carried out.
    fn send_sync(&self) -> Cookie<'_, SyncReply> {
        self.conn().reply_request(Sync {})
    }

    /// A round trip: sends Sync and waits for its reply, so every earlier request has been
    /// carried out (and their errors, if any, are queued) when this returns.
    fn sync(&self) -> Result<(), ConnectionError> {
        sync(&self.conn().transport)
    }

    /// Lists the connected clients.
    fn list_clients(&self) -> Cookie<'_, ListClientsReply> {
        self.conn().reply_request(ListClients {})
    }
}

impl InputExt for Connection {}
