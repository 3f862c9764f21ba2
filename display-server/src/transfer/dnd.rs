//! Drag-and-drop: StartDrag, DndStatus, DndFinish, and the drag's life in between.
//!
//! While a drag is on, the server owns the pointer: motion and buttons go to the drag,
//! not to clients (the source's implicit grab is kept until the button is released);
//! keys are swallowed and Escape cancels. The drop target is the first window up from
//! the one under the pointer that some client selected DND on. Data moves through the
//! YONDER_DND selection, owned by the source for the drag's length.

use super::{Drag, Dropped};
use crate::state::State;
use yonder_protocol::event::{
    DndDropEvent, DndEnterEvent, DndFinishedEvent, DndLeaveEvent, DndPositionEvent, DndStatusEvent,
};
use yonder_protocol::request::DndAction;
use yonder_protocol::{atoms, keysym, ClientId, Event, EventMask, ModMask, Point, Rect, WindowId};

/// Largest drag icon side.

impl State {
    /// Where the drag icon is on the screen.
    pub(crate) fn drag_icon_rect(&self) -> Option<Rect> {
        let d = self.transfers.drag.as_ref()?;
        let icon = d.icon.as_ref()?;
        let p = self.input.pointer;
        // Saturating: the hotspot is any point the client chose.
        Some(Rect::new(
            p.x.saturating_sub(d.hotspot.x),
            p.y.saturating_sub(d.hotspot.y),
            icon.width(),
            icon.height(),
        ))
    }

    /// Pointer motion during a drag: move the icon, track the target. False when no drag.
    pub(crate) fn dnd_motion(&mut self, p: Point) -> bool {
        if self.transfers.drag.is_none() {
            return false;
        }
        let under = self.window_at(p);
        let target = self.propagate(under, EventMask::DND, None);
        let drag = self.transfers.drag.as_ref().expect("checked");
        let (old, source, types, actions) =
            (drag.target, drag.source, drag.types.clone(), drag.actions);
        if old != target {
            if let Some(o) = old {
                self.deliver(
                    o,
                    EventMask::DND,
                    Event::DndLeave(DndLeaveEvent { target: o }),
                );
            }
            if let Some(d) = self.transfers.drag.as_mut() {
                d.target = target;
                d.accept = false;
                d.action = DndAction::None;
            }
            if let Some(t) = target {
                self.deliver(
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
            let time = self.now();
            self.deliver_input(t, EventMask::DND, p, |target, rel| {
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
        self.move_drag_icon();
        true
    }

    /// Redraws the drag icon at the pointer: damages where it was shown and where it
    /// is now (the pointer has already moved, so the old place must be remembered).
    fn move_drag_icon(&mut self) {
        let now = self.drag_icon_rect();
        let Some(d) = self.transfers.drag.as_mut() else {
            return;
        };
        let old = std::mem::replace(&mut d.shown, now);
        for r in [old, now].into_iter().flatten() {
            self.framebuffer.damage(r);
        }
    }

    /// A button during a drag: presses are swallowed; releasing the last button drops
    /// (or cancels). False when no drag.
    pub(crate) fn dnd_button(&mut self, bit: ModMask, pressed: bool) -> bool {
        if self.transfers.drag.is_none() {
            return false;
        }
        if pressed {
            self.input.buttons |= bit;
            return true;
        }
        self.input.buttons = self.input.buttons & !bit;
        if (self.input.buttons & ModMask(0x1F00)).is_empty() {
            self.input.grab = None;
            self.end_drag(true);
            self.update_pointer_window();
        }
        true
    }

    /// A key during a drag: swallowed; Escape cancels. False when no drag.
    pub(crate) fn dnd_key(&mut self, ks: u32, pressed: bool) -> bool {
        if self.transfers.drag.is_none() {
            return false;
        }
        if pressed && ks == keysym::ESCAPE {
            self.end_drag(false);
        }
        true
    }

    /// Ends the drag: a drop if `drop` and the target accepted, else a cancel.
    fn end_drag(&mut self, drop: bool) {
        let Some(d) = self.take_drag() else {
            return;
        };
        match d.target {
            Some(t) if drop && d.accept && self.is_viewable(t) => {
                let p = self.input.pointer;
                let time = self.now();
                let action = d.action;
                self.deliver_input(t, EventMask::DND, p, |target, rel| {
                    Event::DndDrop(DndDropEvent {
                        target,
                        x: rel.x,
                        y: rel.y,
                        action,
                        time,
                    })
                });
                self.transfers.dropped.push(Dropped {
                    source_client: d.client,
                    source: d.source,
                    target: t,
                    action,
                });
            }
            target => {
                if let Some(t) = target {
                    self.deliver(
                        t,
                        EventMask::DND,
                        Event::DndLeave(DndLeaveEvent { target: t }),
                    );
                }
                self.finish_drag_for_source(
                    d.client,
                    d.source,
                    WindowId::NONE,
                    false,
                    DndAction::None,
                );
                self.release_dnd_selection(d.source);
            }
        }
    }

    /// The drag is over for good: YONDER_DND stops being owned by its source, so a later
    /// conversion cannot reach a stale source.
    pub(crate) fn release_dnd_selection(&mut self, source: WindowId) {
        let owned = self
            .transfers
            .owners
            .get(&atoms::YONDER_DND)
            .is_some_and(|o| o.window == source);
        if owned && self.transfers.drag.is_none() {
            self.change_selection_owner(atoms::YONDER_DND, None);
        }
    }

    /// Ends the drag in the server's books: the icon is erased from the screen.
    fn take_drag(&mut self) -> Option<Drag> {
        let d = self.transfers.drag.take()?;
        if let Some(r) = d.shown {
            self.framebuffer.damage(r);
        }
        Some(d)
    }

    pub(crate) fn finish_drag_for_source(
        &mut self,
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
        self.send_event(client, Event::DndFinished(e), false);
    }

    /// A client left. A drag it started is cancelled (the target hears DndLeave). A window
    /// that only it took drops on stops being the drag's target, and drops on such a
    /// window fail (their sources hear it). Drops it was the source of stay on the books,
    /// so that their target can still report them finished without an error (the report
    /// goes nowhere).
    pub(crate) fn dnd_client_gone(&mut self, client: ClientId) {
        if self
            .transfers
            .drag
            .as_ref()
            .is_some_and(|d| d.client == client)
        {
            if let Some(t) = self.take_drag().and_then(|d| d.target) {
                self.deliver(
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
        if let Some(t) = self.transfers.drag.as_ref().and_then(|d| d.target) {
            if only_listener(self, t) {
                self.dnd_target_lost(t);
            }
        }
        let lost: Vec<WindowId> = self
            .transfers
            .dropped
            .iter()
            .map(|x| x.target)
            .filter(|t| only_listener(self, *t))
            .collect();
        for t in lost {
            self.fail_drops_on(t);
        }
        self.update_cursor();
    }

    /// A window was destroyed: it stops being the drag's target, and drops on it fail.
    pub(crate) fn dnd_window_gone(&mut self, w: WindowId) {
        if self.transfers.drag.as_ref().is_some_and(|d| d.source == w) {
            self.end_drag(false);
        }
        self.dnd_target_lost(w);
        self.fail_drops_on(w);
    }

    /// `w` can no longer take the drop: if it is the drag's target, the drag has no
    /// target until the pointer moves to another, and the source hears the refusal.
    fn dnd_target_lost(&mut self, w: WindowId) {
        let stale = self
            .transfers
            .drag
            .as_ref()
            .and_then(|d| (d.target == Some(w)).then_some((d.client, d.source)));
        let Some((client, source)) = stale else {
            return;
        };
        if let Some(d) = self.transfers.drag.as_mut() {
            d.target = None;
            d.accept = false;
            d.action = DndAction::None;
        }
        self.send_event(
            client,
            Event::DndStatus(DndStatusEvent {
                source,
                target: w,
                accept: false,
                action: DndAction::None,
            }),
            false,
        );
        self.update_cursor();
    }

    /// Drops on `w` awaiting DndFinish will never be finished: their sources hear failure.
    fn fail_drops_on(&mut self, w: WindowId) {
        let failed: Vec<_> = self
            .transfers
            .dropped
            .iter()
            .filter(|x| x.target == w)
            .cloned()
            .collect();
        self.transfers.dropped.retain(|x| x.target != w);
        for x in failed {
            self.finish_drag_for_source(
                x.source_client,
                x.source,
                x.target,
                false,
                DndAction::None,
            );
        }
    }
}
