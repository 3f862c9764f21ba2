//! Drag-and-drop requests: StartDrag, DndStatus and DndFinish. The drag's life between
//! them (pointer motion, the drop, a target or source that goes away) is
//! [`crate::transfer::dnd`]'s.

use crate::command::{fail, HandlerResult};
use crate::events;
use crate::state::State;
use crate::transfer::dnd;
use crate::transfer::selection;
use crate::transfer::{Drag, Owner};
use yonder_protocol::event::DndStatusEvent;
use yonder_protocol::request::{DndAction, DndFinish, DndStatus, StartDrag};
use yonder_protocol::{atoms, ClientId, Drawable, ErrorCode, Event, EventMask, ModMask, WindowId};

/// Largest drag icon side.
const MAX_ICON_SIDE: u32 = 512;

// StartDrag: [source, types, actions, icon, hotspot]
pub(crate) fn start_drag(s: &mut State, c: ClientId, r: StartDrag) -> HandlerResult {
    s.check_own_window(c, r.source)?;
    let holds_pointer = s.input.grab.is_some_and(|g| s.owner_of(g.0) == Some(c))
        && !(s.input.buttons & ModMask(0x1F00)).is_empty();
    if !holds_pointer {
        return Err(fail(
            ErrorCode::Match,
            r.source.0,
            "a drag starts while a button pressed on one of the client's windows is held",
        ));
    }
    if s.transfers.drag.is_some() {
        return Err(fail(
            ErrorCode::Access,
            r.source.0,
            "another drag is in progress",
        ));
    }
    if r.types.is_empty() || r.actions.0 & 7 == 0 {
        return Err(fail(
            ErrorCode::Value,
            0,
            "a drag offers at least one type and one action",
        ));
    }
    let icon = if r.icon.is_none() {
        None
    } else {
        let d = Drawable(r.icon.0);
        let pm = s
            .surfaces
            .get(&d)
            .filter(|_| !s.windows.contains_key(&WindowId(d.0)));
        let pm = pm.ok_or_else(|| {
            fail(
                ErrorCode::Pixmap,
                r.icon.0,
                "no such pixmap for the drag icon",
            )
        })?;
        if pm.width() > MAX_ICON_SIDE || pm.height() > MAX_ICON_SIDE {
            return Err(fail(
                ErrorCode::Value,
                r.icon.0,
                format!("drag icons are at most {MAX_ICON_SIDE} pixels a side"),
            ));
        }
        Some(pm.clone())
    };
    let time = s.now();
    selection::change_selection_owner(
        s,
        atoms::YONDER_DND,
        Some(Owner {
            window: r.source,
            client: c,
            time,
        }),
    );
    s.transfers.drag = Some(Drag {
        client: c,
        source: r.source,
        types: r.types,
        actions: r.actions,
        icon,
        hotspot: r.hotspot,
        target: None,
        accept: false,
        action: DndAction::None,
        shown: None,
    });
    dnd::dnd_motion(s, s.input.pointer);
    s.update_cursor();
    Ok(None)
}

// DndStatus: [target, accept, action]
pub(crate) fn dnd_status(s: &mut State, c: ClientId, r: DndStatus) -> HandlerResult {
    s.check_window(r.target)?;
    let Some(d) = s.transfers.drag.as_mut() else {
        return Ok(None);
    }; // late answer: drag over
    if d.target != Some(r.target) {
        return Ok(None); // an answer about a window the drag already left
    }
    if r.accept && !d.actions.allows(r.action) {
        return Err(fail(
            ErrorCode::Value,
            r.action as u64,
            "the source does not allow that action",
        ));
    }
    let selected = s
        .windows
        .get(&r.target)
        .is_some_and(|w| w.mask_of(c).contains(EventMask::DND));
    if !selected {
        return Err(fail(
            ErrorCode::Match,
            r.target.0,
            "the client did not select DND on the target",
        ));
    }
    let d = s.transfers.drag.as_mut().expect("checked");
    d.accept = r.accept;
    d.action = if r.accept { r.action } else { DndAction::None };
    let (client, source, accept, action) = (d.client, d.source, d.accept, d.action);
    events::send_event(
        s,
        client,
        Event::DndStatus(DndStatusEvent {
            source,
            target: r.target,
            accept,
            action,
        }),
        false,
    );
    s.update_cursor();
    Ok(None)
}

// DndFinish: [target, success, action]
pub(crate) fn dnd_finish(s: &mut State, c: ClientId, r: DndFinish) -> HandlerResult {
    let found = s.transfers.dropped.iter().position(|x| {
        x.target == r.target
            && s.windows
                .get(&x.target)
                .is_none_or(|w| w.mask_of(c).contains(EventMask::DND))
    });
    let Some(i) = found else {
        return Err(fail(
            ErrorCode::Match,
            r.target.0,
            "no drop on this window awaits DndFinish",
        ));
    };
    let x = s.transfers.dropped.remove(i);
    let action = if r.success { r.action } else { DndAction::None };
    dnd::finish_drag_for_source(s, x.source_client, x.source, x.target, r.success, action);
    if !s.transfers.dropped.iter().any(|d| d.source == x.source) {
        dnd::release_dnd_selection(s, x.source);
    }
    Ok(None)
}
