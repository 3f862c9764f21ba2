//! Event delivery: who receives an event. Selections are per client and per window (X's
//! model); structure events go to the window (STRUCTURE_NOTIFY) and its parent
//! (SUBSTRUCTURE_NOTIFY); input events propagate from the source window up the ancestor
//! chain to the first window where some client selected them.

use crate::state::State;
use yonder_protocol::event::{
    DestroyEvent, ExposeEvent, MapEvent, PropertyEvent, PropertyState, UnmapEvent,
};
use yonder_protocol::{Atom, ClientId, Event, EventMask, Point, Rect, ServerMessage, WindowId};

/// Queues `event` for `client`, stamped with its last processed sequence number (not
/// for a client that moved to another display: see `Client::moved_away`).
pub fn send_event(s: &mut State, client: ClientId, event: Event, sent: bool) {
    if let Some(c) = s.clients.get_mut(&client).filter(|c| !c.moved_away) {
        let msg = ServerMessage::Event {
            seq: c.seq,
            event,
            sent,
        };
        c.send(&msg);
    }
}

/// Sends `event` to every client whose selection on `window` intersects `mask`.
pub fn deliver(s: &mut State, window: WindowId, mask: EventMask, event: Event) {
    let targets = match s.windows.get(&window) {
        Some(w) => w.selecting(mask),
        None => return,
    };
    for c in targets {
        send_event(s, c, event.clone(), false);
    }
}

/// Reports a structure change of `w`: `make(w)` to STRUCTURE_NOTIFY selections on
/// `w`, `make(parent)` to SUBSTRUCTURE_NOTIFY selections on its parent.
pub fn notify_structure(s: &mut State, w: WindowId, make: impl Fn(WindowId) -> Event) {
    deliver(s, w, EventMask::STRUCTURE_NOTIFY, make(w));
    if let Some(parent) = s.windows.get(&w).map(|x| x.parent) {
        if !parent.is_none() {
            deliver(s, parent, EventMask::SUBSTRUCTURE_NOTIFY, make(parent));
        }
    }
}

/// PropertyNotify: `atom` of `window` changed or went (`state`).
pub fn notify_property(s: &mut State, window: WindowId, atom: Atom, state: PropertyState) {
    let time = s.now();
    deliver(
        s,
        window,
        EventMask::PROPERTY_CHANGE,
        Event::Property(PropertyEvent {
            window,
            atom,
            state,
            time,
        }),
    );
}

/// MapNotify for `w`.
pub fn notify_map(s: &mut State, w: WindowId) {
    let or = s.windows.get(&w).is_some_and(|x| x.override_redirect);
    notify_structure(s, w, |event| {
        Event::Map(MapEvent {
            event,
            window: w,
            override_redirect: or,
        })
    });
}

/// UnmapNotify for `w`.
pub fn notify_unmap(s: &mut State, w: WindowId) {
    notify_structure(s, w, |event| Event::Unmap(UnmapEvent { event, window: w }));
}

/// DestroyNotify for `w`.
pub fn notify_destroy(s: &mut State, w: WindowId) {
    notify_structure(s, w, |event| {
        Event::Destroy(DestroyEvent { event, window: w })
    });
}

/// Expose events for `w` and its viewable descendants (whole windows), so their
/// clients redraw. Backing stores keep the old pixels until they do.
pub fn expose_subtree(s: &mut State, w: WindowId) {
    if !s.is_viewable(w) {
        return;
    }
    let mut stack = vec![w];
    while let Some(x) = stack.pop() {
        let Some(win) = s.windows.get(&x) else {
            continue;
        };
        let rect = Rect::new(0, 0, win.rect.width, win.rect.height);
        stack.extend(
            win.children
                .iter()
                .filter(|c| s.windows.get(c).is_some_and(|cw| cw.mapped)),
        );
        expose(s, x, rect);
    }
}

/// One Expose for an area of `w` (window coordinates).
pub fn expose(s: &mut State, w: WindowId, rect: Rect) {
    deliver(
        s,
        w,
        EventMask::EXPOSURE,
        Event::Expose(ExposeEvent {
            window: w,
            rect,
            count: 0,
        }),
    );
}

/// Finds the window that gets an input event starting at `source`: the first window up
/// the chain (stopping after `stop`, if given) where some client selected `mask`.
pub fn propagate(
    s: &State,
    source: WindowId,
    mask: EventMask,
    stop: Option<WindowId>,
) -> Option<WindowId> {
    let mut w = source;
    loop {
        let win = s.windows.get(&w)?;
        if win.all_masks().intersects(mask) {
            return Some(w);
        }
        if Some(w) == stop || win.parent.is_none() {
            return None;
        }
        w = win.parent;
    }
}

/// The clients with a selection of `mask` on `w` that may receive an input event
/// whose source window belongs to `source_owner` (isolation, protocol.md §19.1: the
/// source's own client, and trusted clients).
pub fn input_recipients(
    s: &State,
    w: WindowId,
    mask: EventMask,
    source_owner: Option<ClientId>,
) -> Vec<ClientId> {
    let Some(win) = s.windows.get(&w) else {
        return Vec::new();
    };
    win.selecting(mask)
        .into_iter()
        .filter(|c| s.may_receive_input(*c, source_owner))
        .collect()
}

/// [`propagate`] for input events under isolation: the first window from
/// `source` up (stopping after `stop`) where a client that may receive input from
/// `source` selected `mask`, and those clients. Propagation never reaches another
/// client's selection: a key typed into an embedded part does not go on to the
/// container, and nothing reaches an untrusted snooper.
pub fn propagate_input(
    s: &State,
    source: WindowId,
    mask: EventMask,
    stop: Option<WindowId>,
) -> Option<(WindowId, Vec<ClientId>)> {
    let owner = s.owner_of(source.0);
    let mut w = source;
    loop {
        let win = s.windows.get(&w)?;
        let to = input_recipients(s, w, mask, owner);
        if !to.is_empty() {
            return Some((w, to));
        }
        if Some(w) == stop || win.parent.is_none() {
            return None;
        }
        w = win.parent;
    }
}

/// Sends an input event reported on `w` to the clients `to`, with window-relative
/// coordinates computed from the root point `root`.
pub fn deliver_input_to(
    s: &mut State,
    w: WindowId,
    to: &[ClientId],
    root: Point,
    make: impl Fn(WindowId, Point) -> Event,
) {
    let o = s.abs_origin(w);
    let rel = Point::new(root.x.saturating_sub(o.x), root.y.saturating_sub(o.y));
    let event = make(w, rel);
    for c in to {
        send_event(s, *c, event.clone(), false);
    }
}

/// Delivers an input event to window `w`'s selecting clients with window-relative
/// coordinates computed from the root point `root`.
pub fn deliver_input(
    s: &mut State,
    w: WindowId,
    mask: EventMask,
    root: Point,
    make: impl Fn(WindowId, Point) -> Event,
) {
    let o = s.abs_origin(w);
    let rel = Point::new(root.x.saturating_sub(o.x), root.y.saturating_sub(o.y));
    deliver(s, w, mask, make(w, rel));
}
