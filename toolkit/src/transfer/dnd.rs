//! Both ends of a drag: [`DragSource`] for the app the drag starts from, [`DropTarget`] for
//! a window that takes drops. The server carries the conversation:
//!
//! ```text
//! source                        server                        target
//! press, motion ≥ 5 px ──StartDrag──▶ owns the pointer, YONDER_DND → source
//!                                     ──DndEnter, DndPosition──▶ choose type + action
//!            ◀──DndStatus──           ◀──────DndStatus──────────
//!                            release over an accepting target:
//!                                     ──────DndDrop────────────▶ ConvertSelection(YONDER_DND)
//!   Offer::answer ◀──SelectionRequest──  ──SelectionData…────────▶ app takes the data
//!            ◀──DndFinished──         ◀──────DndFinish──────────
//! ```
//!
//! Escape, or a release over nothing or over a window that refused, ends the drag with
//! DndLeave to the target and DndFinished (not successful) to the source.

use super::{trace, Offer, Receiver};
use crate::pixels::{put_rgba, scale_to_fit};
use image::RgbaImage;
use yonder::prelude::*;
use yonder::{Connection, ReplyError};
use yonder_protocol::request::{DndAction, DndActions, GcValues, WindowAttributes};
use yonder_protocol::{atoms, Atom, Event, EventMask, PixmapId, Point, WindowId};

/// How far (in pixels) the pointer moves with button 1 held before a press becomes a drag.
pub const DRAG_THRESHOLD: i32 = 5;

/// Largest side of a drag icon; larger images are shrunk (the server takes up to 512).
const MAX_ICON: u32 = 256;

/// What happened to the app's drag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DragEvent {
    /// The target under the pointer would (not) take a drop, with this action.
    Status {
        /// It would.
        accept: bool,
        /// With which action.
        action: DndAction,
    },
    /// The drag is over: `success` when a target took the data with `action` (after a
    /// Move the source deletes its copy, unless the target moved it itself, as with files).
    Finished {
        /// The target took the data.
        success: bool,
        /// What it did with it.
        action: DndAction,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Idle,
    /// Button 1 went down here, on something draggable.
    Pressed(Point),
    /// StartDrag was sent.
    Dragging,
}

/// The source side of drags from one window.
///
/// The app tells it about button 1 ([`press`](DragSource::press) on something draggable,
/// [`release`](DragSource::release)) and motion ([`moved`](DragSource::moved)), calls
/// [`start`](DragSource::start) when `moved` says so, and passes every event to
/// [`handle`](DragSource::handle). During a drag the server swallows the pointer's
/// events: the drag's end comes as [`DragEvent::Finished`], not as a button release.
pub struct DragSource {
    window: WindowId,
    phase: Phase,
    offer: Option<Offer>,
}

impl DragSource {
    /// Drags from `window` (one of this app's windows, selecting button press, release
    /// and pointer motion).
    pub fn new(window: WindowId) -> DragSource {
        DragSource {
            window,
            phase: Phase::Idle,
            offer: None,
        }
    }

    /// Button 1 went down at `at` (window coordinates) on something the app can drag.
    pub fn press(&mut self, at: Point) {
        if self.phase != Phase::Dragging {
            self.phase = Phase::Pressed(at);
        }
    }

    /// Whether the pointer, now at `at`, has moved far enough from the press for the app
    /// to [`start`](DragSource::start) a drag.
    pub fn moved(&self, at: Point) -> bool {
        let Phase::Pressed(p) = self.phase else {
            return false;
        };
        let (dx, dy) = (at.x - p.x, at.y - p.y);
        dx * dx + dy * dy >= DRAG_THRESHOLD * DRAG_THRESHOLD
    }

    /// Button 1 came up. The app sees this only when no drag took place, or when its
    /// StartDrag came too late (the server refuses it): then the drag is reported over.
    pub fn release(&mut self) -> Option<DragEvent> {
        let was = std::mem::replace(&mut self.phase, Phase::Idle);
        if was != Phase::Dragging {
            return None;
        }
        self.offer = None;
        Some(DragEvent::Finished {
            success: false,
            action: DndAction::None,
        })
    }

    /// Whether a drag from this window is under way.
    pub fn is_dragging(&self) -> bool {
        self.phase == Phase::Dragging
    }

    /// Starts a drag offering `offer` with `actions`. `icon` (shrunk to 256 pixels a side
    /// at most) is shown under the pointer with its point `hotspot` at the pointer.
    pub fn start(
        &mut self,
        conn: &Connection,
        offer: Offer,
        actions: DndActions,
        icon: Option<&RgbaImage>,
        hotspot: Point,
    ) {
        let mut pixmap = PixmapId::NONE;
        let mut spot = Point::new(0, 0);
        if let Some(img) = icon.filter(|i| i.width() > 0 && i.height() > 0) {
            let small = scale_to_fit(img.clone(), MAX_ICON, MAX_ICON);
            let scale = |v: i32, from: u32, to: u32| (v as i64 * to as i64 / from as i64) as i32;
            spot = Point::new(
                scale(hotspot.x, img.width(), small.width()),
                scale(hotspot.y, img.height(), small.height()),
            );
            pixmap = conn.new_pixmap_id();
            conn.create_pixmap(pixmap, self.window, small.width(), small.height());
            let gc = conn.new_gc_id();
            conn.create_gc(gc, pixmap, GcValues::default());
            // A failed connection shows up at the app's next wait.
            let _ = put_rgba(conn, pixmap, gc, Point::new(0, 0), &small);
            conn.free_gc(gc);
        }
        let types = offer.types();
        conn.start_drag(self.window, &types, actions, pixmap, spot);
        if !pixmap.is_none() {
            // The server copied the icon when it started the drag.
            conn.free_pixmap(pixmap);
        }
        let _ = conn.flush();
        trace(conn, format_args!("start {types:?} {actions:?}"));
        self.phase = Phase::Dragging;
        self.offer = Some(offer);
    }

    /// Takes the events of the drag: SelectionRequests for YONDER_DND (answered from the
    /// offer, or refused when no drag is on), DndStatus and DndFinished. Other events are
    /// left to the app (`None`).
    pub fn handle(&mut self, conn: &Connection, e: &Event) -> Option<DragEvent> {
        match e {
            Event::SelectionRequest(r)
                if r.owner == self.window && r.selection == atoms::YONDER_DND =>
            {
                trace(conn, format_args!("request for {:?}", r.target));
                match self.offer.as_mut() {
                    Some(o) => o.answer(conn, r),
                    None => {
                        conn.refuse_selection(r.transfer);
                    }
                }
                let _ = conn.flush();
                None
            }
            Event::DndStatus(s) if s.source == self.window => {
                trace(
                    conn,
                    format_args!("status accept={} action={:?}", s.accept, s.action),
                );
                Some(DragEvent::Status {
                    accept: s.accept,
                    action: s.action,
                })
            }
            Event::DndFinished(f) if f.source == self.window => {
                trace(
                    conn,
                    format_args!("finished success={} action={:?}", f.success, f.action),
                );
                self.phase = Phase::Idle;
                self.offer = None;
                Some(DragEvent::Finished {
                    success: f.success,
                    action: f.action,
                })
            }
            _ => None,
        }
    }
}

/// A drop's data, handed to the app.
#[derive(Debug)]
pub struct DropData<'a> {
    /// Its type (one of the target's).
    pub type_: Atom,
    /// The bytes.
    pub data: &'a [u8],
    /// The action accepted.
    pub action: DndAction,
    /// Where it was dropped, in window coordinates.
    pub at: Point,
}

/// What happened at a [`DropTarget`], for the app's feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropEvent {
    /// A drag came over the window; `accepted` when a drop would be taken.
    Enter {
        /// A drop would be taken.
        accepted: bool,
    },
    /// It left (or was cancelled).
    Leave,
    /// It was dropped: the data is on its way.
    Fetching,
    /// The drop is over: `success` when the app took the data.
    Dropped {
        /// The app took the data.
        success: bool,
    },
}

/// The target side: one window that takes drops of some types with some actions.
pub struct DropTarget {
    window: WindowId,
    types: Vec<Atom>,
    actions: Vec<DndAction>,
    /// For the drag over the window: the type and action a drop would be taken with
    /// (`Some(None)`: refused); `None` when no drag is over it.
    over: Option<Option<(Atom, DndAction)>>,
    receiver: Receiver,
    /// The drop whose data is on its way: its conversion's tag, action and position.
    incoming: Option<(u32, DndAction, Point)>,
}

impl DropTarget {
    /// Makes `window` a drop target (adds DND to this client's event selection on it, a
    /// round trip) taking `types` (best first) with the first of `actions` the source
    /// allows. Drags offering none of the types, or allowing none of the actions, are
    /// refused, so their sources keep their data.
    pub fn new(
        conn: &Connection,
        window: WindowId,
        types: &[Atom],
        actions: &[DndAction],
    ) -> Result<DropTarget, ReplyError> {
        let mask = conn.get_window_attributes(window).reply()?.your_event_mask;
        conn.change_window_attributes(
            window,
            WindowAttributes {
                event_mask: Some(mask | EventMask::DND),
                ..Default::default()
            },
        );
        Ok(DropTarget {
            window,
            types: types.to_vec(),
            actions: actions.to_vec(),
            over: None,
            receiver: Receiver::new(),
            incoming: None,
        })
    }

    /// The type and action a drag offering `offered` with `allowed` would be taken with.
    pub fn choose(&self, offered: &[Atom], allowed: DndActions) -> Option<(Atom, DndAction)> {
        let type_ = *self.types.iter().find(|t| offered.contains(t))?;
        let action = *self.actions.iter().find(|a| allowed.allows(**a))?;
        Some((type_, action))
    }

    /// While a drag is over the window: whether a drop would be taken.
    pub fn hovering(&self) -> Option<bool> {
        self.over.map(|o| o.is_some())
    }

    /// Takes the events of drags over the window: DndEnter, DndPosition (answered with
    /// DndStatus), DndLeave, DndDrop (the data is asked for) and the SelectionData of the
    /// drop. When the data has arrived, `on_drop` gets it and says whether it was taken;
    /// the drop is then reported finished. Other events are left to the app (`None`).
    pub fn handle(
        &mut self,
        conn: &Connection,
        e: &Event,
        on_drop: impl FnOnce(DropData) -> bool,
    ) -> Option<DropEvent> {
        match e {
            Event::DndEnter(d) if d.target == self.window => {
                let choice = self.choose(&d.types, d.actions);
                trace(
                    conn,
                    format_args!("enter {:?} {:?}: {choice:?}", d.types, d.actions),
                );
                self.over = Some(choice);
                Some(DropEvent::Enter {
                    accepted: choice.is_some(),
                })
            }
            Event::DndPosition(p) if p.target == self.window => {
                let choice = self.over.flatten();
                let action = choice.map_or(DndAction::None, |c| c.1);
                conn.dnd_status(self.window, choice.is_some(), action);
                let _ = conn.flush();
                None
            }
            Event::DndLeave(l) if l.target == self.window => {
                trace(conn, format_args!("leave"));
                self.over = None;
                Some(DropEvent::Leave)
            }
            Event::DndDrop(d) if d.target == self.window => {
                let choice = self.over.take().flatten();
                trace(conn, format_args!("drop {choice:?}"));
                let Some((type_, _)) = choice else {
                    conn.dnd_finish(self.window, false, DndAction::None);
                    let _ = conn.flush();
                    return Some(DropEvent::Dropped { success: false });
                };
                let tag = self
                    .receiver
                    .request(conn, atoms::YONDER_DND, type_, self.window);
                let _ = conn.flush();
                self.incoming = Some((tag, d.action, Point::new(d.x, d.y)));
                Some(DropEvent::Fetching)
            }
            Event::SelectionData(s) if s.requestor == self.window => {
                let got = self.receiver.take(s)?;
                let (tag, action, at) = self.incoming?;
                if got.tag != tag {
                    return None;
                }
                self.incoming = None;
                let success = got.data.as_deref().is_some_and(|data| {
                    on_drop(DropData {
                        type_: got.target,
                        data,
                        action,
                        at,
                    })
                });
                trace(conn, format_args!("finish success={success}"));
                let done = if success { action } else { DndAction::None };
                conn.dnd_finish(self.window, success, done);
                let _ = conn.flush();
                Some(DropEvent::Dropped { success })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(types: &[Atom], actions: &[DndAction]) -> DropTarget {
        DropTarget {
            window: WindowId(7),
            types: types.to_vec(),
            actions: actions.to_vec(),
            over: None,
            receiver: Receiver::new(),
            incoming: None,
        }
    }

    #[test]
    fn targets_choose_their_best_type_and_an_allowed_action() {
        let trash = target(&[atoms::TEXT_URI_LIST], &[DndAction::Move]);
        let files = [atoms::TEXT_URI_LIST, atoms::TEXT_PLAIN_UTF8];
        let both = DndActions::COPY | DndActions::MOVE;
        assert_eq!(
            trash.choose(&files, both),
            Some((atoms::TEXT_URI_LIST, DndAction::Move))
        );
        assert_eq!(trash.choose(&files, DndActions::COPY), None, "copy only");
        assert_eq!(trash.choose(&[atoms::TEXT_PLAIN_UTF8], both), None);

        let doc = target(
            &[atoms::IMAGE_PNG, atoms::TEXT_PLAIN_UTF8],
            &[DndAction::Copy, DndAction::Move],
        );
        assert_eq!(
            doc.choose(
                &[atoms::TEXT_PLAIN_UTF8, atoms::IMAGE_PNG],
                DndActions::MOVE
            ),
            Some((atoms::IMAGE_PNG, DndAction::Move))
        );
    }

    #[test]
    fn a_press_becomes_a_drag_after_the_threshold() {
        let mut s = DragSource::new(WindowId(3));
        assert!(!s.moved(Point::new(50, 50)), "no press");
        s.press(Point::new(10, 10));
        assert!(!s.moved(Point::new(13, 13)));
        assert!(s.moved(Point::new(13, 14)));
        assert!(s.moved(Point::new(10, 5)));
        assert_eq!(s.release(), None, "a click, not a drag");
        assert!(!s.moved(Point::new(40, 40)));
    }

    #[test]
    fn a_refused_start_ends_at_the_release() {
        let mut s = DragSource::new(WindowId(3));
        s.press(Point::new(0, 0));
        s.phase = Phase::Dragging; // as start() leaves it
        assert!(s.is_dragging());
        assert_eq!(
            s.release(),
            Some(DragEvent::Finished {
                success: false,
                action: DndAction::None
            })
        );
        assert!(!s.is_dragging());
    }
}
