//! Event delivery: who receives an event. Selections are per client and per window (X's
//! model); structure events go to the window (STRUCTURE_NOTIFY) and its parent
//! (SUBSTRUCTURE_NOTIFY); input events propagate from the source window up the ancestor
//! chain to the first window where some client selected them.

use crate::state::State;
use yonder_protocol::event::{DestroyEvent, ExposeEvent, MapEvent, UnmapEvent};
use yonder_protocol::{ClientId, Event, EventMask, Point, Rect, ServerMessage, WindowId};

impl State {
    /// Queues `event` for `client`, stamped with its last processed sequence number.
    pub fn send_event(&mut self, client: ClientId, event: Event, sent: bool) {
        if let Some(c) = self.clients.get_mut(&client) {
            let msg = ServerMessage::Event {
                seq: c.seq,
                event,
                sent,
            };
            c.send(&msg);
        }
    }

    /// Sends `event` to every client whose selection on `window` intersects `mask`.
    pub fn deliver(&mut self, window: WindowId, mask: EventMask, event: Event) {
        let targets = match self.windows.get(&window) {
            Some(w) => w.selecting(mask),
            None => return,
        };
        for c in targets {
            self.send_event(c, event.clone(), false);
        }
    }

    /// Reports a structure change of `w`: `make(w)` to STRUCTURE_NOTIFY selections on
    /// `w`, `make(parent)` to SUBSTRUCTURE_NOTIFY selections on its parent.
    pub fn notify_structure(&mut self, w: WindowId, make: impl Fn(WindowId) -> Event) {
        self.deliver(w, EventMask::STRUCTURE_NOTIFY, make(w));
        if let Some(parent) = self.windows.get(&w).map(|x| x.parent) {
            if !parent.is_none() {
                self.deliver(parent, EventMask::SUBSTRUCTURE_NOTIFY, make(parent));
            }
        }
    }

    /// MapNotify for `w`.
    pub fn notify_map(&mut self, w: WindowId) {
        let or = self.windows.get(&w).is_some_and(|x| x.override_redirect);
        self.notify_structure(w, |event| {
            Event::Map(MapEvent {
                event,
                window: w,
                override_redirect: or,
            })
        });
    }

    /// UnmapNotify for `w`.
    pub fn notify_unmap(&mut self, w: WindowId) {
        self.notify_structure(w, |event| Event::Unmap(UnmapEvent { event, window: w }));
    }

    /// DestroyNotify for `w`.
    pub fn notify_destroy(&mut self, w: WindowId) {
        self.notify_structure(w, |event| Event::Destroy(DestroyEvent { event, window: w }));
    }

    /// Expose events for `w` and its viewable descendants (whole windows), so their
    /// clients redraw. Backing stores keep the old pixels until they do.
    pub fn expose_subtree(&mut self, w: WindowId) {
        if !self.is_viewable(w) {
            return;
        }
        let mut stack = vec![w];
        while let Some(x) = stack.pop() {
            let Some(win) = self.windows.get(&x) else {
                continue;
            };
            let rect = Rect::new(0, 0, win.rect.width, win.rect.height);
            stack.extend(
                win.children
                    .iter()
                    .filter(|c| self.windows.get(c).is_some_and(|cw| cw.mapped)),
            );
            self.expose(x, rect);
        }
    }

    /// One Expose for an area of `w` (window coordinates).
    pub fn expose(&mut self, w: WindowId, rect: Rect) {
        self.deliver(
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
        &self,
        source: WindowId,
        mask: EventMask,
        stop: Option<WindowId>,
    ) -> Option<WindowId> {
        let mut w = source;
        loop {
            let win = self.windows.get(&w)?;
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
        &self,
        w: WindowId,
        mask: EventMask,
        source_owner: Option<ClientId>,
    ) -> Vec<ClientId> {
        let Some(win) = self.windows.get(&w) else {
            return Vec::new();
        };
        win.selecting(mask)
            .into_iter()
            .filter(|c| self.may_receive_input(*c, source_owner))
            .collect()
    }

    /// [`State::propagate`] for input events under isolation: the first window from
    /// `source` up (stopping after `stop`) where a client that may receive input from
    /// `source` selected `mask`, and those clients. Propagation never reaches another
    /// client's selection: a key typed into an embedded part does not go on to the
    /// container, and nothing reaches an untrusted snooper.
    pub fn propagate_input(
        &self,
        source: WindowId,
        mask: EventMask,
        stop: Option<WindowId>,
    ) -> Option<(WindowId, Vec<ClientId>)> {
        let owner = self.owner_of(source.0);
        let mut w = source;
        loop {
            let win = self.windows.get(&w)?;
            let to = self.input_recipients(w, mask, owner);
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
        &mut self,
        w: WindowId,
        to: &[ClientId],
        root: Point,
        make: impl Fn(WindowId, Point) -> Event,
    ) {
        let o = self.abs_origin(w);
        let rel = Point::new(root.x.saturating_sub(o.x), root.y.saturating_sub(o.y));
        let event = make(w, rel);
        for c in to {
            self.send_event(*c, event.clone(), false);
        }
    }

    /// Delivers an input event to window `w`'s selecting clients with window-relative
    /// coordinates computed from the root point `root`.
    pub fn deliver_input(
        &mut self,
        w: WindowId,
        mask: EventMask,
        root: Point,
        make: impl Fn(WindowId, Point) -> Event,
    ) {
        let o = self.abs_origin(w);
        let rel = Point::new(root.x.saturating_sub(o.x), root.y.saturating_sub(o.y));
        self.deliver(w, mask, make(w, rel));
    }
}
