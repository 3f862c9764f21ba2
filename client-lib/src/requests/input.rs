//! [`InputExt`]: input requests (focus, pointer, synthetic input) and the administrative
//! ones: Sync (plus the [`InputExt::sync`] round trip), ListClients, and the two of a
//! move to another display (GrantMove, MoveClient).

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::{sync, Cookie, VoidCookie};
use crate::error::ConnectionError;
use yonder_protocol::reply::{
    InputFocusReply, ListClientsReply, MoveTokenReply, QueryPointerReply, SyncReply,
};
use yonder_protocol::request::{
    FakeInput, FakeKind, GetInputFocus, GrantMove, ListClients, MoveClient, QueryPointer,
    SetInputFocus, Sync,
};
use yonder_protocol::{ClientId, WindowId};

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

    /// Sends a NoOperation (protocol 1.9, X's NoOperation): a request that does nothing
    /// but take a sequence number, for padding or to keep a connection busy. It has no
    /// reply and cannot fail, so there is no cookie. On a display of an older version, or
    /// before its setup has arrived, nothing is sent.
    fn no_operation(&self) {
        self.conn().transport.no_operation()
    }

    /// Lists the connected clients.
    fn list_clients(&self) -> Cookie<'_, ListClientsReply> {
        self.conn().reply_request(ListClients {})
    }

    /// Asks this display for a migration token that lets the app named `app_name` move
    /// here once, without a cookie of its own (protocol.md §5.5, 1.6).
    fn grant_move(&self, app_name: &str) -> Cookie<'_, MoveTokenReply> {
        self.conn().reply_request(GrantMove {
            app_name: app_name.to_string(),
        })
    }

    /// Asks client `client` of this display to move to display `to`, presenting `token`
    /// there (from that display's [`InputExt::grant_move`]). Needs the trusted cookie,
    /// unless `client` is this connection itself; the outcome arrives as a MoveOutcome
    /// event (protocol.md §5.5, 1.6).
    fn move_client(&self, client: ClientId, to: &str, token: &[u8]) -> VoidCookie<'_> {
        self.conn().void_request(MoveClient {
            client,
            to: to.to_string(),
            token: token.to_vec(),
        })
    }
}

impl InputExt for Connection {}
