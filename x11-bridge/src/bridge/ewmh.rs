//! EWMH between the two sides: the X root says an EWMH window manager runs (toolkits look
//! before they use `_NET_WM_STATE`), and an X program's `_NET_WM_STATE` request goes on to
//! the display's window manager as the same request about its Yonder window.

use super::{Atoms, Bridge};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use yonder::prelude::*;

impl Bridge {
    /// EWMH's request to the window manager to change a window's states (a ClientMessage
    /// to the root): passed on to the display's window manager as the same request about
    /// the window's Yonder window (protocol.md §16.7), atoms translated.
    pub(super) fn state_request(&mut self, e: &xproto::ClientMessageEvent) {
        let Some(m) = self.mirrors.get(&e.window) else {
            return;
        };
        let Some(app) = self.apps.get(&m.app) else {
            return;
        };
        let [action, first, second, source, _] = e.data.as_data32();
        let mut translate = |a: u32| -> u32 {
            let Some(name) = (a != 0).then(|| self.names.x_name(&self.x, a)).flatten() else {
                return 0;
            };
            self.names.yonder(m.app, &app.conn, &[&name])[0].map_or(0, |a| a.0)
        };
        let words = [action, translate(first), translate(second), source, 0];
        let Some(type_) = self.names.yonder(m.app, &app.conn, &["_NET_WM_STATE"])[0] else {
            return;
        };
        let message = Event::ClientMessage(yonder_protocol::event::ClientMessage {
            window: m.window,
            type_,
            data: words.iter().flat_map(|w| w.to_le_bytes()).collect(),
        });
        app.conn.send_event(
            app.conn.root(),
            yonder_protocol::EventMask::SUBSTRUCTURE_NOTIFY,
            message,
        );
    }
}

/// Tells X programs that an EWMH window manager runs (toolkits look before they use
/// `_NET_WM_STATE` and the like): `_NET_SUPPORTING_WM_CHECK` on the root and on a window
/// of the bridge's own, named "yonder-x11" (returned), and `_NET_SUPPORTED` listing what
/// it carries.
pub(super) fn announce_ewmh(
    x: &RustConnection,
    root: xproto::Window,
    atoms: &Atoms,
) -> Result<xproto::Window, String> {
    let e = |e: x11rb::errors::ConnectionError| e.to_string();
    let [supporting, net_supported, carried @ ..] = crate::xatom::intern_all(
        x,
        [
            "_NET_SUPPORTING_WM_CHECK",
            "_NET_SUPPORTED",
            // What the bridge carries, besides `_NET_WM_NAME` and `_NET_WM_STATE`.
            "_NET_WM_STATE_MAXIMIZED_HORZ",
            "_NET_WM_STATE_MAXIMIZED_VERT",
            "_NET_WM_STATE_FULLSCREEN",
            "_NET_WM_WINDOW_TYPE",
            "_NET_WM_ICON",
            "_NET_ACTIVE_WINDOW",
        ],
    )?;
    let check = x.generate_id().map_err(|e| e.to_string())?;
    x.create_window(
        0,
        check,
        root,
        -1,
        -1,
        1,
        1,
        0,
        xproto::WindowClass::INPUT_ONLY,
        0,
        &Default::default(),
    )
    .map_err(e)?;
    for w in [root, check] {
        x.change_property32(
            xproto::PropMode::REPLACE,
            w,
            supporting,
            xproto::AtomEnum::WINDOW,
            &[check],
        )
        .map_err(e)?;
    }
    x.change_property8(
        xproto::PropMode::REPLACE,
        check,
        atoms.net_wm_name,
        atoms.utf8_string,
        b"yonder-x11",
    )
    .map_err(e)?;
    let mut supported = vec![atoms.net_wm_name, atoms.net_wm_state, supporting];
    supported.extend(carried);
    x.change_property32(
        xproto::PropMode::REPLACE,
        root,
        net_supported,
        xproto::AtomEnum::ATOM,
        &supported,
    )
    .map_err(e)?;
    Ok(check)
}
