//! What the display tells a mirror, played into the X server: the window manager's moves
//! and resizes, exposures, the pointer, buttons and keys (raising the X window first, as
//! the X server's stacking is not the display's), the focus, the close button; and the
//! cursor X shows, back onto the window the pointer is in.

use super::Bridge;
use crate::input;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use yonder::prelude::*;
use yonder_protocol::atoms;

impl Bridge {
    pub(super) fn yonder_event(&mut self, e: Event) {
        let Some(xw) = self.by_yonder.get(&e.window()).copied() else {
            return;
        };
        let Some(rect) = self.mirrors.get(&xw).map(|m| m.rect) else {
            return;
        };
        let at = |x: i32, y: i32| (rect.x + x, rect.y + y);
        let pressed = matches!(e, Event::ButtonPress(_) | Event::KeyPress(_));
        if let Event::SelectionRequest(r) = &e {
            if let Some(app) = self.mirrors.get(&xw).map(|m| m.app) {
                self.yonder_wants_x_selection(app, r);
            }
            return;
        }
        match e {
            Event::DndEnter(d) => self.dnd_enter(xw, &d),
            Event::DndPosition(d) => self.dnd_position(&d),
            Event::DndLeave(d) => self.dnd_leave(d.target),
            Event::DndDrop(d) => self.dnd_drop(&d),
            Event::Configure(c) => {
                let echo = self
                    .mirrors
                    .get_mut(&xw)
                    .is_some_and(|m| crate::mirror::recall(&mut m.told, c.rect));
                if echo || c.rect == rect {
                    // The bridge's own change, come back (or nothing new).
                    return;
                }
                // The display's window manager placed, moved or resized the window: the
                // X window goes to the same place, so that what its program places
                // relative to it (menus) and where input is played line up.
                let aux = xproto::ConfigureWindowAux::new()
                    .x(c.rect.x)
                    .y(c.rect.y)
                    .width(c.rect.width)
                    .height(c.rect.height);
                let _ = self.x.configure_window(xw, &aux);
                if let Some(m) = self.mirrors.get_mut(&xw) {
                    crate::mirror::remember(&mut m.asked, c.rect);
                }
            }
            Event::Expose(_) => {
                // The display lost these pixels: what the bridge thinks it shows is no
                // longer so.
                if let Some(m) = self.mirrors.get_mut(&xw) {
                    m.redraw_all();
                }
            }
            Event::Motion(m) => {
                self.raise_for_input(xw);
                input::motion(&self.x, self.root, at(m.x, m.y));
            }
            Event::ButtonPress(b) | Event::ButtonRelease(b) => {
                self.raise_for_input(xw);
                input::motion(&self.x, self.root, at(b.x, b.y));
                input::button(&self.x, &mut self.keymap, self.root, b.button, pressed);
            }
            Event::KeyPress(k) | Event::KeyRelease(k) => {
                // A key for a window that never got the display's focus (a display
                // without a window manager sends keys to the window under the pointer):
                // X's focus goes there first, or the key would go wherever X's pointer
                // was last played.
                if pressed && self.focused != Some(xw) {
                    self.focus_in(xw);
                }
                input::key(&self.x, &mut self.keymap, self.root, k.keysym, pressed);
            }
            Event::FocusOut(_) => {
                input::release_all(&self.x, &mut self.keymap, self.root);
                self.focus_out(xw);
            }
            Event::FocusIn(_) => self.focus_in(xw),
            Event::ClientMessage(m)
                if m.type_ == atoms::WM_PROTOCOLS
                    && m.data.get(..4) == Some(&atoms::WM_DELETE_WINDOW.0.to_le_bytes()[..]) =>
            {
                self.close(xw);
            }
            _ => {}
        }
    }

    /// The X server shows another cursor (its name, an atom; 0 for an unnamed one): the
    /// Yonder window the pointer is in (the one input was last played to) takes the
    /// nearest shape.
    pub(super) fn cursor_changed(&mut self, name: xproto::Atom) {
        let Some(m) = self.raised.and_then(|xw| self.mirrors.get(&xw)) else {
            return;
        };
        let name = (name != x11rb::NONE)
            .then(|| self.x.get_atom_name(name).ok()?.reply().ok())
            .flatten()
            .map(|r| String::from_utf8_lossy(&r.name).into_owned())
            .unwrap_or_default();
        let shape = crate::cursor::from_name(&name);
        if let Some(app) = self.apps.get(&m.app) {
            let attrs = yonder_protocol::request::WindowAttributes {
                cursor: Some(shape),
                ..Default::default()
            };
            app.conn.change_window_attributes(m.window, attrs);
        }
    }

    /// Puts `xw` on top in the X server, so that input played at its place reaches it
    /// whatever overlaps it there (the X server's stacking is not the display's).
    pub(super) fn raise_for_input(&mut self, xw: xproto::Window) {
        if self.raised == Some(xw) {
            return;
        }
        let aux = xproto::ConfigureWindowAux::new().stack_mode(xproto::StackMode::ABOVE);
        let _ = self.x.configure_window(xw, &aux);
        self.raised = Some(xw);
    }

    /// The display's close button on `xw`: WM_DELETE_WINDOW when the program takes it,
    /// else the program's X connection is closed (as X window managers do).
    pub(super) fn close(&mut self, xw: xproto::Window) {
        if !self.speaks(xw, self.atoms.wm_delete_window) {
            let _ = self.x.kill_client(xw);
            return;
        }
        let message = xproto::ClientMessageEvent::new(
            32,
            xw,
            self.atoms.wm_protocols,
            [self.atoms.wm_delete_window, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        let _ = self
            .x
            .send_event(false, xw, xproto::EventMask::NO_EVENT, message);
    }
}
