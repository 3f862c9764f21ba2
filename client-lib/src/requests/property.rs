//! [`PropertyExt`]: atom and property requests, SendEvent, and the window-title helper.

use super::Sealed;
use crate::connection::Connection;
use crate::cookie::{Cookie, VoidCookie};
use yonder_protocol::atoms;
use yonder_protocol::reply::{AtomNameReply, InternAtomReply, ListPropertiesReply, PropertyReply};
use yonder_protocol::request::{
    ChangeProperty, DeleteProperty, GetAtomName, GetProperty, InternAtom, ListProperties, PropMode,
    SendEvent,
};
use yonder_protocol::{Atom, Event, EventMask, Request, WindowId};

/// Atom and property requests, SendEvent, and the window-title helper
/// ([`PropertyExt::set_title`]).
///
/// Implemented for [`Connection`] alone; `use yonder::prelude::*;` brings the trait into
/// scope. Each method buffers its request and returns a cookie at once (see [`crate::cookie`]).
pub trait PropertyExt: Sealed {
    /// Returns the atom for `name`, creating it unless `only_if_exists` (then a missing
    /// atom is `Atom::NONE`). Predefined atoms need no round trip: see
    /// [`yonder_protocol::atoms`] and [`Connection::atom_by_name`].
    fn intern_atom(&self, name: &str, only_if_exists: bool) -> Cookie<'_, InternAtomReply> {
        self.conn().reply_request(InternAtom {
            name: name.to_string(),
            only_if_exists,
        })
    }

    /// Returns an atom's name.
    fn get_atom_name(&self, atom: Atom) -> Cookie<'_, AtomNameReply> {
        self.conn().reply_request(GetAtomName { atom })
    }

    /// Sets (replaces, prepends to or appends to) a window property of type `type_`.
    /// Pass a `Vec<u8>` to avoid a copy of large data.
    fn change_property(
        &self,
        window: WindowId,
        property: Atom,
        type_: Atom,
        mode: PropMode,
        data: impl Into<Vec<u8>>,
    ) -> VoidCookie<'_> {
        self.conn().void_request(ChangeProperty {
            window,
            property,
            type_,
            mode,
            data: data.into(),
        })
    }

    /// Removes a property.
    fn delete_property(&self, window: WindowId, property: Atom) -> VoidCookie<'_> {
        self.conn()
            .void_request(DeleteProperty { window, property })
    }

    /// Reads a property (type `Atom::NONE` and no data if absent), deleting it after
    /// reading if `delete`.
    fn get_property(
        &self,
        window: WindowId,
        property: Atom,
        delete: bool,
    ) -> Cookie<'_, PropertyReply> {
        self.conn().reply_request(GetProperty {
            window,
            property,
            delete,
        })
    }

    /// Lists the properties set on a window.
    fn list_properties(&self, window: WindowId) -> Cookie<'_, ListPropertiesReply> {
        self.conn().reply_request(ListProperties { window })
    }

    /// Sends `event` to the clients selecting `event_mask` on `destination` (empty mask:
    /// to its creator). It arrives with `sent: true`.
    fn send_event(
        &self,
        destination: WindowId,
        event_mask: EventMask,
        event: Event,
    ) -> VoidCookie<'_> {
        self.conn().void_request(SendEvent {
            destination,
            event_mask,
            event,
        })
    }

    /// Sets the window title: `WM_NAME` and `_NET_WM_NAME`, both as `UTF8_STRING`. Errors
    /// arrive through the event queue.
    fn set_title(&self, window: WindowId, title: &str) {
        for property in [atoms::WM_NAME, atoms::NET_WM_NAME] {
            self.conn()
                .transport
                .send_plain(&Request::ChangeProperty(ChangeProperty {
                    window,
                    property,
                    type_: atoms::UTF8_STRING,
                    mode: PropMode::Replace,
                    data: title.as_bytes().to_vec(),
                }));
        }
    }
}

impl PropertyExt for Connection {}
