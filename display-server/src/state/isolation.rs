//! Client isolation (protocol.md §19): what an untrusted client may not see of other
//! clients. X11 lets any client read every key typed and every pixel shown; Yonder does
//! not, unless the client presented the display's trusted cookie (a screenshot tool, a
//! window manager, a test harness).
//!
//! An untrusted client:
//! - reads pixels (GetImage, the source of CopyArea) only of its own windows and pixmaps,
//!   and GetImage of its own window leaves out other clients' windows inside it;
//! - selects input events ([`INPUT_EVENTS`]) only on its own windows;
//! - receives input events only from sources it owns: propagation never hands a key or
//!   pointer event that started in one client's window to another client's selection;
//! - draws nothing into the root window: the desktop's background is the user's, and a
//!   paint there would outlive the client that made it.
//!
//! Each rule is enforced here, where the handlers and the event code ask; nothing else
//! needs to know which clients are trusted.

use super::State;
use crate::command::fail;
use yonder_protocol::{ClientId, Drawable, ErrorCode, EventMask, ProtocolError, WindowId};

/// The events an untrusted client may select only on its own windows: keys, buttons,
/// motion, scrolling and crossing.
pub const INPUT_EVENTS: EventMask = EventMask(
    EventMask::KEY_PRESS.0
        | EventMask::KEY_RELEASE.0
        | EventMask::BUTTON_PRESS.0
        | EventMask::BUTTON_RELEASE.0
        | EventMask::ENTER_WINDOW.0
        | EventMask::LEAVE_WINDOW.0
        | EventMask::POINTER_MOTION.0
        | EventMask::SCROLL.0,
);

impl State {
    /// Whether `c` connected with the display's trusted cookie.
    pub fn is_trusted(&self, c: ClientId) -> bool {
        self.clients.get(&c).is_some_and(|c| c.trusted)
    }

    /// Whether `c` may draw into `d`: anything but the root, which only trusted clients
    /// may paint (ClearArea, which only shows the background again, is not drawing).
    #[inline]
    pub(crate) fn check_draw_target(&self, c: ClientId, d: Drawable) -> Result<(), ProtocolError> {
        if d.0 != WindowId::ROOT.0 || self.is_trusted(c) {
            return Ok(());
        }
        Err(root_drawing())
    }

    /// Whether `c` may read the pixels of `d` (GetImage, CopyArea's source): its own
    /// drawables, or any when trusted. The root is the server's: trusted clients only.
    pub(crate) fn check_read_pixels(
        &self,
        c: ClientId,
        d: Drawable,
        what: &str,
    ) -> Result<(), ProtocolError> {
        if self.is_trusted(c) || self.owner_of(d.0) == Some(c) {
            return Ok(());
        }
        let whose = if d.0 == WindowId::ROOT.0 {
            "the root window (the whole screen)".to_string()
        } else {
            format!("{d}, which belongs to another client,")
        };
        Err(fail(
            ErrorCode::Access,
            d.0,
            format!("{what} of {whose} needs the display's trusted cookie"),
        ))
    }

    /// Whether `c` may select `mask` on `w`: input events only on its own windows
    /// unless trusted. Other events (exposure, structure, properties, focus, drops,
    /// owner changes) stay open to everyone, as in X.
    pub(crate) fn check_select(
        &self,
        c: ClientId,
        w: WindowId,
        mask: EventMask,
    ) -> Result<(), ProtocolError> {
        if !mask.intersects(INPUT_EVENTS) || self.is_trusted(c) || self.owner_of(w.0) == Some(c) {
            return Ok(());
        }
        Err(fail(
            ErrorCode::Access,
            w.0,
            format!(
                "selecting key, button, motion, scroll or crossing events on {w}, which \
                 is not the client's own window, needs the display's trusted cookie"
            ),
        ))
    }

    /// Whether `client` may receive an input event whose source window is owned by
    /// `source_owner` (None: the root or a window of nobody).
    pub(crate) fn may_receive_input(
        &self,
        client: ClientId,
        source_owner: Option<ClientId>,
    ) -> bool {
        Some(client) == source_owner || self.is_trusted(client)
    }
}

/// The Access error for an untrusted client drawing into the root.
#[cold]
#[inline(never)]
fn root_drawing() -> ProtocolError {
    fail(
        ErrorCode::Access,
        WindowId::ROOT.0,
        "drawing into the root window (the desktop's background, shown to every client and \
         outliving this one) needs the display's trusted cookie",
    )
}
