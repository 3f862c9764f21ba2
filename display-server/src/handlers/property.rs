//! Window properties and client messages: ChangeProperty, DeleteProperty, GetProperty,
//! ListProperties, SendEvent.

use crate::command::{fail, HandlerResult};
use crate::events;
use crate::events::notify_property;
use crate::state::quota::property_cost;
use crate::state::{Property, State};
use yonder_protocol::event::PropertyState;
use yonder_protocol::reply::{ListPropertiesReply, PropertyReply};
use yonder_protocol::request::{
    ChangeProperty, DeleteProperty, GetProperty, ListProperties, PropMode, SendEvent,
};
use yonder_protocol::{Atom, ClientId, ErrorCode, Event, Reply, WindowId};

/// Largest property value in bytes.
pub const MAX_PROPERTY_LEN: usize = 8 * 1024 * 1024;
/// Largest client-message payload in bytes.
pub const MAX_CLIENT_MESSAGE_LEN: usize = 4096;

fn check_atom(s: &State, a: Atom) -> Result<(), yonder_protocol::ProtocolError> {
    s.atoms
        .name(a)
        .map(|_| ())
        .ok_or_else(|| fail(ErrorCode::Atom, a.0 as u64, format!("no atom {}", a.0)))
}

// ChangeProperty: [window, property, type, mode, data]
pub(crate) fn change_property(s: &mut State, c: ClientId, r: ChangeProperty) -> HandlerResult {
    s.check_window(r.window)?;
    check_atom(s, r.property)?;
    check_atom(s, r.type_)?;
    let old_len = s.windows[&r.window]
        .properties
        .get(&r.property)
        .map(|p| p.data.len());
    let new_len = if r.mode == PropMode::Replace {
        r.data.len()
    } else {
        old_len.unwrap_or(0) + r.data.len()
    };
    if new_len > MAX_PROPERTY_LEN {
        return Err(fail(
            ErrorCode::Alloc,
            new_len as u64,
            format!("property values are limited to {MAX_PROPERTY_LEN} bytes"),
        ));
    }
    // Charged to the window's owner, whoever sets it (protocol.md §19.3).
    let (add, release) = (property_cost(new_len), old_len.map_or(0, property_cost));
    s.check_property_quota(r.window, add, release)?;
    let win = s.windows.get_mut(&r.window).expect("checked");
    match (r.mode, win.properties.get_mut(&r.property)) {
        (PropMode::Replace, _) | (_, None) => {
            win.properties.insert(
                r.property,
                Property {
                    type_: r.type_,
                    data: r.data,
                },
            );
        }
        (mode, Some(p)) => {
            if p.type_ != r.type_ {
                return Err(fail(
                    ErrorCode::Match,
                    r.type_.0 as u64,
                    "type differs from the existing value's",
                ));
            }
            if mode == PropMode::Append {
                p.data.extend_from_slice(&r.data);
            } else {
                p.data.splice(0..0, r.data);
            }
        }
    }
    s.charge_property(r.window, add, release);
    notify_property(s, r.window, r.property, PropertyState::NewValue);
    super::wm_hints::property_changed(s, c, r.window, r.property);
    Ok(None)
}

// DeleteProperty: [window, property]
pub(crate) fn delete_property(s: &mut State, c: ClientId, r: DeleteProperty) -> HandlerResult {
    s.check_window(r.window)?;
    check_atom(s, r.property)?;
    let removed = s
        .windows
        .get_mut(&r.window)
        .expect("checked")
        .properties
        .remove(&r.property);
    if let Some(p) = removed {
        s.charge_property(r.window, 0, property_cost(p.data.len()));
        notify_property(s, r.window, r.property, PropertyState::Deleted);
        super::wm_hints::property_changed(s, c, r.window, r.property);
    }
    Ok(None)
}

// GetProperty: [window, property, delete] → [type, data]
pub(crate) fn get_property(s: &mut State, c: ClientId, r: GetProperty) -> HandlerResult {
    s.check_window(r.window)?;
    check_atom(s, r.property)?;
    let win = s.windows.get(&r.window).expect("checked");
    let reply = match win.properties.get(&r.property) {
        Some(p) => PropertyReply {
            type_: p.type_,
            data: p.data.clone(),
        },
        None => PropertyReply {
            type_: Atom::NONE,
            data: Vec::new(),
        },
    };
    if r.delete && !reply.type_.is_none() {
        delete_property(
            s,
            c,
            DeleteProperty {
                window: r.window,
                property: r.property,
            },
        )?;
    }
    Ok(Some(Reply::Property(reply)))
}

// ListProperties: [window] → [atoms]
pub(crate) fn list_properties(s: &mut State, _c: ClientId, r: ListProperties) -> HandlerResult {
    let win = s.check_window(r.window)?;
    let mut atoms: Vec<Atom> = win.properties.keys().copied().collect();
    atoms.sort();
    Ok(Some(Reply::ListProperties(ListPropertiesReply { atoms })))
}

// SendEvent: [destination, event_mask, event]
pub(crate) fn send_event_request(s: &mut State, c: ClientId, r: SendEvent) -> HandlerResult {
    s.check_window(r.destination)?;
    s.check_event_mask(c, r.event_mask)?;
    if let Event::ClientMessage(m) = &r.event {
        if m.data.len() > MAX_CLIENT_MESSAGE_LEN {
            return Err(fail(
                ErrorCode::Length,
                m.data.len() as u64,
                format!("client messages carry at most {MAX_CLIENT_MESSAGE_LEN} bytes"),
            ));
        }
    }
    let targets: Vec<ClientId> = if r.event_mask.is_empty() {
        s.owner_of(r.destination.0).into_iter().collect()
    } else {
        s.windows
            .get(&r.destination)
            .map(|w| w.selecting(r.event_mask))
            .unwrap_or_default()
    };
    for t in targets {
        events::send_event(s, t, r.event.clone(), true);
    }
    if let (Event::ClientMessage(m), WindowId::ROOT) = (&r.event, r.destination) {
        super::wm_hints::client_message(s, c, m);
    }
    Ok(None)
}
