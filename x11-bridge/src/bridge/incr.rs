//! Large values to X programs in pieces: ICCCM's INCR (§2.7.2) from the owner's side. A
//! Yonder app's selection (or drag data) larger than [`PIECE`] goes to the X requestor's
//! property as type `INCR` first; each time the requestor deletes the property, the next
//! piece is written, and an empty piece ends the value. A requestor that stops reading
//! holds the value for [`TIMEOUT`] at most.

use super::Bridge;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::wrapper::ConnectionExt as _;

/// The largest value written at once, and the size of each piece of a larger one.
pub(super) const PIECE: usize = 256 << 10;

/// The most INCR values under way at once (a further large paste is refused).
const MAX_UNDER_WAY: usize = 16;

/// How long a requestor may take to read the next piece.
const TIMEOUT: Duration = Duration::from_secs(10);

/// One value going to an X requestor in pieces.
pub(super) struct Outgoing {
    type_: xproto::Atom,
    data: Vec<u8>,
    /// Bytes written so far; `None` once the empty last piece is written.
    sent: Option<usize>,
    /// When the requestor last read.
    since: Instant,
}

/// The values under way, by requestor window and property.
pub(super) type UnderWay = HashMap<(xproto::Window, xproto::Atom), Outgoing>;

impl Bridge {
    /// Answers X selection request `e` with `data` of type `type_`: written whole when it
    /// is small, else in pieces. The requestor hears of it (SelectionNotify) either way.
    pub(super) fn answer_x(
        &mut self,
        e: &xproto::SelectionRequestEvent,
        type_: xproto::Atom,
        data: Vec<u8>,
    ) {
        if data.len() <= PIECE {
            let _ = self.x.change_property8(
                xproto::PropMode::REPLACE,
                e.requestor,
                e.property,
                type_,
                &data,
            );
            super::clipboard::notify(&self.x, e, e.property);
            return;
        }
        let key = (e.requestor, e.property);
        // Not into the root: watching its properties would take the bridge's own mask on
        // it (its window management) from it; no real requestor pastes into the root.
        let full = self.incr_out.len() >= MAX_UNDER_WAY && !self.incr_out.contains_key(&key);
        if full || e.requestor == self.root {
            super::clipboard::notify(&self.x, e, x11rb::NONE);
            return;
        }
        // The requestor's deletions of the property tell the bridge to go on. (On a
        // mirrored window the bridge watches properties and the focus already: the same
        // mask; the bridge selects nothing else on other windows but the root's.)
        let mut mask = xproto::EventMask::PROPERTY_CHANGE;
        if self.mirrors.contains_key(&e.requestor) {
            mask |= xproto::EventMask::FOCUS_CHANGE;
        }
        let watch = xproto::ChangeWindowAttributesAux::new().event_mask(mask);
        let _ = self.x.change_window_attributes(e.requestor, &watch);
        let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let _ = self.x.change_property32(
            xproto::PropMode::REPLACE,
            e.requestor,
            e.property,
            self.clip.incr_atom(),
            &[size],
        );
        super::clipboard::notify(&self.x, e, e.property);
        self.incr_out.insert(
            key,
            Outgoing {
                type_,
                data,
                sent: Some(0),
                since: Instant::now(),
            },
        );
    }

    /// A property was deleted: if a requestor read a piece of a value under way, the next
    /// one goes (the empty one last). Whether the event was one of those.
    pub(super) fn incr_read(&mut self, e: &xproto::PropertyNotifyEvent) -> bool {
        if e.state != xproto::Property::DELETE {
            return false;
        }
        let key = (e.window, e.atom);
        let Some(o) = self.incr_out.get_mut(&key) else {
            return false;
        };
        let Some(sent) = o.sent else {
            // The empty piece was read: done.
            self.incr_out.remove(&key);
            return true;
        };
        let end = (sent + PIECE).min(o.data.len());
        let _ = self.x.change_property8(
            xproto::PropMode::REPLACE,
            e.window,
            e.atom,
            o.type_,
            &o.data[sent..end],
        );
        o.sent = (sent < o.data.len()).then_some(end);
        o.since = Instant::now();
        true
    }

    /// A new answer goes to `requestor`'s `property`: a value still going there in pieces
    /// stops (GTK reuses one property for every paste).
    pub(super) fn incr_replaced(&mut self, requestor: xproto::Window, property: xproto::Atom) {
        self.incr_out.remove(&(requestor, property));
    }

    /// Drops the values whose requestors stopped reading.
    pub(super) fn expire_incr(&mut self) {
        self.incr_out.retain(|_, o| o.since.elapsed() <= TIMEOUT);
    }
}
