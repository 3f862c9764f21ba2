//! Drag-and-drop's life between StartDrag and DndFinish (the requests are in
//! `handlers::dnd`).
//!
//! While a drag is on, the server owns the pointer: motion and buttons go to the drag,
//! not to clients (the source's implicit grab is kept until the button is released);
//! keys are swallowed and Escape cancels. The drop target is the first window up from
//! the one under the pointer that some client selected DND on. Data moves through the
//! YONDER_DND selection, owned by the source for the drag's length.

use super::{Drag, Dropped};
use crate::events;
use crate::focus;
use crate::state::transfer::MAX_DROPS_AWAITING;
use crate::state::State;
use crate::transfer::selection;
use yonder_protocol::event::{
    DndDropEvent, DndEnterEvent, DndFinishedEvent, DndLeaveEvent, DndPositionEvent, DndStatusEvent,
};
use yonder_protocol::request::DndAction;
use yonder_protocol::{atoms, keysym, ClientId, Event, EventMask, ModMask, Point, Rect, WindowId};

/// Where the drag icon is on the screen.
pub(crate) fn drag_icon_rect(s: &State) -> Option<Rect> {
    let d = s.transfers.drag.as_ref()?;
    let icon = d.icon.as_ref()?;
    let p = s.input.pointer;
    // Saturating: the hotspot is any point the client chose.
    Some(Rect::new(
        p.x.saturating_sub(d.hotspot.x),
        p.y.saturating_sub(d.hotspot.y),
        icon.width(),
        icon.height(),
    ))
}

/// Pointer motion during a drag: move the icon, track the target. False when no drag.
pub(crate) fn dnd_motion(s: &mut State, p: Point) -> bool {
    if s.transfers.drag.is_none() {
        return false;
    }
    let under = s.window_at(p);
    let target = events::propagate(s, under, EventMask::DND, None);
    let drag = s.transfers.drag.as_ref().expect("checked");
    let (old, source, types, actions) =
        (drag.target, drag.source, drag.types.clone(), drag.actions);
    if old != target {
        if let Some(o) = old {
            events::deliver(
                s,
                o,
                EventMask::DND,
                Event::DndLeave(DndLeaveEvent { target: o }),
            );
        }
        if let Some(d) = s.transfers.drag.as_mut() {
            d.target = target;
            d.accept = false;
            d.action = DndAction::None;
        }
        if let Some(t) = target {
            events::deliver(
                s,
                t,
                EventMask::DND,
                Event::DndEnter(DndEnterEvent {
                    target: t,
                    source,
                    types,
                    actions,
                }),
            );
        }
    }
    if let Some(t) = target {
        let time = s.now();
        events::deliver_input(s, t, EventMask::DND, p, |target, rel| {
            Event::DndPosition(DndPositionEvent {
                target,
                x: rel.x,
                y: rel.y,
                root_x: p.x,
                root_y: p.y,
                time,
            })
        });
    }
    move_drag_icon(s);
    true
}

/// Redraws the drag icon at the pointer: damages where it was shown and where it
/// is now (the pointer has already moved, so the old place must be remembered).
fn move_drag_icon(s: &mut State) {
    let now = drag_icon_rect(s);
    let Some(d) = s.transfers.drag.as_mut() else {
        return;
    };
    let old = std::mem::replace(&mut d.shown, now);
    for r in [old, now].into_iter().flatten() {
        s.framebuffer.damage(r);
    }
}

/// A button during a drag: presses are swallowed; releasing the last button drops
/// (or cancels). False when no drag.
pub(crate) fn dnd_button(s: &mut State, bit: ModMask, pressed: bool) -> bool {
    if s.transfers.drag.is_none() {
        return false;
    }
    if pressed {
        s.input.buttons |= bit;
        return true;
    }
    s.input.buttons = s.input.buttons & !bit;
    if (s.input.buttons & ModMask(0x1F00)).is_empty() {
        s.input.grab = None;
        end_drag(s, true);
        focus::update_pointer_window(s);
    }
    true
}

/// A key during a drag: swallowed; Escape cancels. False when no drag.
pub(crate) fn dnd_key(s: &mut State, ks: u32, pressed: bool) -> bool {
    if s.transfers.drag.is_none() {
        return false;
    }
    if pressed && ks == keysym::ESCAPE {
        end_drag(s, false);
    }
    true
}

/// Ends the drag: a drop if `drop` and the target accepted, else a cancel.
fn end_drag(s: &mut State, drop: bool) {
    let Some(d) = take_drag(s) else {
        return;
    };
    match d.target {
        Some(t) if drop && d.accept && s.is_viewable(t) => {
            let p = s.input.pointer;
            let time = s.now();
            let action = d.action;
            events::deliver_input(s, t, EventMask::DND, p, |target, rel| {
                Event::DndDrop(DndDropEvent {
                    target,
                    x: rel.x,
                    y: rel.y,
                    action,
                    time,
                })
            });
            s.transfers.dropped.push(Dropped {
                source_client: d.client,
                source: d.source,
                target: t,
                action,
            });
            // After the push: the new drop may come from the oldest one's source, which
            // then keeps YONDER_DND for it.
            if s.transfers.dropped.len() > MAX_DROPS_AWAITING {
                fail_oldest_drop(s);
            }
        }
        target => {
            if let Some(t) = target {
                events::deliver(
                    s,
                    t,
                    EventMask::DND,
                    Event::DndLeave(DndLeaveEvent { target: t }),
                );
            }
            finish_drag_for_source(
                s,
                d.client,
                d.source,
                WindowId::NONE,
                false,
                DndAction::None,
            );
            release_dnd_selection(s, d.source);
        }
    }
}

/// The drag is over for good: YONDER_DND stops being owned by its source, so a later
/// conversion cannot reach a stale source.
pub(crate) fn release_dnd_selection(s: &mut State, source: WindowId) {
    let owned = s
        .transfers
        .owners
        .get(&atoms::YONDER_DND)
        .is_some_and(|o| o.window == source);
    if owned && s.transfers.drag.is_none() {
        selection::change_selection_owner(s, atoms::YONDER_DND, None);
    }
}

/// Ends the drag in the server's books: the icon is erased from the screen.
fn take_drag(s: &mut State) -> Option<Drag> {
    let d = s.transfers.drag.take()?;
    if let Some(r) = d.shown {
        s.framebuffer.damage(r);
    }
    Some(d)
}

pub(crate) fn finish_drag_for_source(
    s: &mut State,
    client: ClientId,
    source: WindowId,
    target: WindowId,
    success: bool,
    action: DndAction,
) {
    let e = DndFinishedEvent {
        source,
        target,
        success,
        action,
    };
    events::send_event(s, client, Event::DndFinished(e), false);
}

/// A client left. A drag it started is cancelled (the target hears DndLeave). A window
/// that only it took drops on stops being the drag's target, and drops on such a
/// window fail (their sources hear it). Drops it was the source of stay on the books,
/// so that their target can still report them finished without an error (the report
/// goes nowhere).
pub(crate) fn dnd_client_gone(s: &mut State, client: ClientId) {
    if s.transfers
        .drag
        .as_ref()
        .is_some_and(|d| d.client == client)
    {
        if let Some(t) = take_drag(s).and_then(|d| d.target) {
            events::deliver(
                s,
                t,
                EventMask::DND,
                Event::DndLeave(DndLeaveEvent { target: t }),
            );
        }
    }
    let only_listener = |s: &State, w: WindowId| {
        s.windows
            .get(&w)
            .is_some_and(|win| win.selecting(EventMask::DND) == [client])
    };
    if let Some(t) = s.transfers.drag.as_ref().and_then(|d| d.target) {
        if only_listener(s, t) {
            dnd_target_lost(s, t);
        }
    }
    let lost: Vec<WindowId> = s
        .transfers
        .dropped
        .iter()
        .map(|x| x.target)
        .filter(|t| only_listener(s, *t))
        .collect();
    for t in lost {
        fail_drops_on(s, t);
    }
    s.update_cursor();
}

/// A window was destroyed: it stops being the drag's target, and drops on it fail.
pub(crate) fn dnd_window_gone(s: &mut State, w: WindowId) {
    if s.transfers.drag.as_ref().is_some_and(|d| d.source == w) {
        end_drag(s, false);
    }
    dnd_target_lost(s, w);
    fail_drops_on(s, w);
}

/// `w` can no longer take the drop: if it is the drag's target, the drag has no
/// target until the pointer moves to another, and the source hears the refusal.
fn dnd_target_lost(s: &mut State, w: WindowId) {
    let stale = s
        .transfers
        .drag
        .as_ref()
        .and_then(|d| (d.target == Some(w)).then_some((d.client, d.source)));
    let Some((client, source)) = stale else {
        return;
    };
    if let Some(d) = s.transfers.drag.as_mut() {
        d.target = None;
        d.accept = false;
        d.action = DndAction::None;
    }
    events::send_event(
        s,
        client,
        Event::DndStatus(DndStatusEvent {
            source,
            target: w,
            accept: false,
            action: DndAction::None,
        }),
        false,
    );
    s.update_cursor();
}

/// The oldest drop awaiting DndFinish fails (its source hears it) to make room for
/// another (see [`MAX_DROPS_AWAITING`]); its target's DndFinish then gets Match.
fn fail_oldest_drop(s: &mut State) {
    if s.transfers.dropped.is_empty() {
        return;
    }
    let x = s.transfers.dropped.remove(0);
    tracing::info!(
        target_window = %x.target,
        "{MAX_DROPS_AWAITING} drops await DndFinish: the oldest fails"
    );
    fail_drop(s, &x);
    if !s.transfers.dropped.iter().any(|d| d.source == x.source) {
        release_dnd_selection(s, x.source);
    }
}

/// Drops on `w` awaiting DndFinish will never be finished: their sources hear failure.
fn fail_drops_on(s: &mut State, w: WindowId) {
    let failed: Vec<_> = s
        .transfers
        .dropped
        .iter()
        .filter(|x| x.target == w)
        .cloned()
        .collect();
    s.transfers.dropped.retain(|x| x.target != w);
    for x in failed {
        fail_drop(s, &x);
    }
}

/// A drop that will never be finished: its source hears DndFinished with no success.
fn fail_drop(s: &mut State, x: &Dropped) {
    finish_drag_for_source(
        s,
        x.source_client,
        x.source,
        x.target,
        false,
        DndAction::None,
    );
}
