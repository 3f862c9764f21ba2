//! Drags from Yonder apps onto X programs: Yonder's drag-and-drop (protocol.md §17.3)
//! played as XDND (version 5) into the X server. Each mirror is a Yonder drop target;
//! while a Yonder drag is over one whose X window is XDND-aware, the bridge is the XDND
//! source there: it owns `XdndSelection` with its clipboard window, sends XdndEnter,
//! XdndPosition (in root coordinates: the X window sits where its Yonder window is),
//! XdndLeave and XdndDrop, and passes the X program's XdndStatus and XdndFinished back as
//! DndStatus and DndFinish. The X program's conversion of `XdndSelection` is a conversion
//! of `YONDER_DND` on the display, lazily, as for the clipboard (`clipboard.rs`).
//!
//! Types keep their names (`text/uri-list` is `text/uri-list` on both sides); Yonder's
//! `text/plain;charset=utf-8` is offered to X as that and as `UTF8_STRING` too.

use super::Bridge;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::wrapper::ConnectionExt as _;
use yonder::prelude::*;
use yonder_protocol::event::{DndDropEvent, DndEnterEvent, DndPositionEvent};
use yonder_protocol::request::DndAction;
use yonder_protocol::{atoms, Atom, WindowId};

/// The XDND version the bridge speaks.
const XDND_VERSION: u32 = 5;

/// XDND's atoms.
pub(super) struct XdndAtoms {
    aware: xproto::Atom,
    selection: xproto::Atom,
    enter: xproto::Atom,
    position: xproto::Atom,
    status: xproto::Atom,
    leave: xproto::Atom,
    drop: xproto::Atom,
    finished: xproto::Atom,
    type_list: xproto::Atom,
    copy: xproto::Atom,
    move_: xproto::Atom,
    link: xproto::Atom,
}

impl XdndAtoms {
    /// Interns them on the X server (one round trip).
    pub(super) fn intern(x: &x11rb::rust_connection::RustConnection) -> Result<Self, String> {
        let names = [
            "XdndAware",
            "XdndSelection",
            "XdndEnter",
            "XdndPosition",
            "XdndStatus",
            "XdndLeave",
            "XdndDrop",
            "XdndFinished",
            "XdndTypeList",
            "XdndActionCopy",
            "XdndActionMove",
            "XdndActionLink",
        ];
        let [aware, selection, enter, position, status, leave, drop, finished, type_list, copy, move_, link] =
            crate::xatom::intern_all(x, names)?;
        Ok(XdndAtoms {
            aware,
            selection,
            enter,
            position,
            status,
            leave,
            drop,
            finished,
            type_list,
            copy,
            move_,
            link,
        })
    }

    /// The X action of a Yonder one, and back.
    fn x_action(&self, a: DndAction) -> xproto::Atom {
        match a {
            DndAction::Move => self.move_,
            DndAction::Link => self.link,
            _ => self.copy,
        }
    }

    fn yonder_action(&self, a: xproto::Atom) -> DndAction {
        match a {
            a if a == self.copy => DndAction::Copy,
            a if a == self.move_ => DndAction::Move,
            a if a == self.link => DndAction::Link,
            _ => DndAction::None,
        }
    }

    /// Whether `a` is the selection XDND moves data through.
    pub(super) fn is_selection(&self, a: xproto::Atom) -> bool {
        a == self.selection
    }
}

/// A Yonder drag over a mirror whose X window takes XDND.
pub(super) struct Drag {
    /// The mirror's Yonder window (the Yonder drop target) and X window (the XDND target).
    target: WindowId,
    xw: xproto::Window,
    /// The program's app (whose connection answers for the target).
    app: u32,
    /// Each offered type: its X atom and its Yonder atom.
    types: Vec<(xproto::Atom, Atom)>,
    /// The action asked of the X program.
    action: DndAction,
    /// The XDND version spoken with the target.
    version: u32,
    /// The target's last answer: the action it accepts, if it does.
    status: Option<DndAction>,
    /// Dropped (when): waiting for XdndFinished.
    dropped: Option<std::time::Instant>,
}

impl Bridge {
    /// DndEnter on mirror `xw`: if its X window is XDND-aware, the bridge becomes the XDND
    /// source there; otherwise the drag is refused over it.
    pub(super) fn dnd_enter(&mut self, xw: xproto::Window, e: &DndEnterEvent) {
        let Some(app) = self.mirrors.get(&xw).map(|m| m.app) else {
            return;
        };
        self.dnd_leave_x();
        let version = self
            .x
            .get_property(false, xw, self.xdnd.aware, xproto::AtomEnum::ATOM, 0, 1)
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|p| p.value32().and_then(|mut v| v.next()));
        // The version both speak: the target's, at most the bridge's, at least 3.
        let Some(version) = version.filter(|v| *v >= 3).map(|v| v.min(XDND_VERSION)) else {
            self.refuse_drag(app, e.target);
            return;
        };
        let types = self.x_types(app, &e.types);
        let action = [DndAction::Copy, DndAction::Move, DndAction::Link]
            .into_iter()
            .find(|a| e.actions.allows(*a))
            .unwrap_or(DndAction::Copy);
        let xwin = self.clip_window();
        let _ = self
            .x
            .set_selection_owner(xwin, self.xdnd.selection, x11rb::CURRENT_TIME);
        let list: Vec<u32> = types.iter().map(|(x, _)| *x).collect();
        let many = list.len() > 3;
        if many {
            let _ = self.x.change_property32(
                xproto::PropMode::REPLACE,
                xwin,
                self.xdnd.type_list,
                xproto::AtomEnum::ATOM,
                &list,
            );
        }
        let first = |i: usize| list.get(i).copied().unwrap_or(0);
        let data = [
            xwin,
            (version << 24) | many as u32,
            first(0),
            first(1),
            first(2),
        ];
        self.xdnd_send(xw, self.xdnd.enter, data);
        self.drag = Some(Drag {
            target: e.target,
            xw,
            app,
            types,
            action,
            version,
            status: None,
            dropped: None,
        });
    }

    /// DndPosition: XdndPosition at the same place on the X screen.
    pub(super) fn dnd_position(&mut self, e: &DndPositionEvent) {
        let Some(d) = self.drag.as_ref().filter(|d| d.target == e.target) else {
            return;
        };
        let at = |v: i32| v.clamp(0, u16::MAX as i32) as u32;
        let data = [
            self.clip_window(),
            0,
            (at(e.root_x) << 16) | at(e.root_y),
            x11rb::CURRENT_TIME,
            self.xdnd.x_action(d.action),
        ];
        self.xdnd_send(d.xw, self.xdnd.position, data);
    }

    /// DndLeave on the target: XdndLeave.
    pub(super) fn dnd_leave(&mut self, target: WindowId) {
        if self.drag.as_ref().is_some_and(|d| d.target == target) {
            self.dnd_leave_x();
        }
    }

    /// DndDrop: XdndDrop; the X program converts `XdndSelection`, then says XdndFinished.
    pub(super) fn dnd_drop(&mut self, e: &DndDropEvent) {
        let Some(d) = self.drag.as_mut().filter(|d| d.target == e.target) else {
            return;
        };
        d.dropped = Some(std::time::Instant::now());
        let xw = d.xw;
        let data = [self.clip_window(), 0, x11rb::CURRENT_TIME, 0, 0];
        self.xdnd_send(xw, self.xdnd.drop, data);
    }

    /// XdndStatus or XdndFinished from an X program (sent to the bridge's window).
    pub(super) fn xdnd_message(&mut self, e: &xproto::ClientMessageEvent) {
        let data = e.data.as_data32();
        let Some(d) = self.drag.as_mut() else {
            return;
        };
        if data[0] != d.xw {
            return;
        }
        let Some(app) = self.apps.get(&d.app) else {
            return;
        };
        if e.type_ == self.xdnd.status && d.dropped.is_none() {
            let accept = data[1] & 1 != 0;
            let action = match accept {
                true => self.xdnd.yonder_action(data[4]),
                false => DndAction::None,
            };
            let accept = accept && action != DndAction::None;
            d.status = accept.then_some(action);
            app.conn.dnd_status(d.target, accept, action);
        } else if e.type_ == self.xdnd.finished && d.dropped.is_some() {
            // Before version 5 XdndFinished says nothing more: the drop went as the
            // target's last status said.
            let (success, action) = match d.version {
                5.. if data[1] & 1 != 0 => (true, self.xdnd.yonder_action(data[2])),
                5.. => (false, DndAction::None),
                _ => (d.status.is_some(), d.status.unwrap_or(DndAction::None)),
            };
            app.conn.dnd_finish(d.target, success, action);
            self.drag = None;
        }
    }

    /// Whether `e` is one of XDND's messages to the bridge.
    pub(super) fn is_xdnd_message(&self, e: &xproto::ClientMessageEvent) -> bool {
        e.window == self.clip_window()
            && (e.type_ == self.xdnd.status || e.type_ == self.xdnd.finished)
    }

    /// The Yonder type to convert `YONDER_DND` to for an X program's conversion of
    /// `XdndSelection` to `target`, if the drag offers it.
    pub(super) fn dnd_yonder_type(&self, target: xproto::Atom) -> Option<Atom> {
        let d = self.drag.as_ref()?;
        d.types.iter().find(|(x, _)| *x == target).map(|(_, y)| *y)
    }

    /// The X atoms of the types the drag offers (for TARGETS).
    pub(super) fn dnd_x_types(&self) -> Vec<xproto::Atom> {
        self.drag
            .as_ref()
            .map(|d| d.types.iter().map(|(x, _)| *x).collect())
            .unwrap_or_default()
    }

    /// Ends the XDND conversation in progress (not after a drop: that one ends with
    /// XdndFinished).
    fn dnd_leave_x(&mut self) {
        if let Some(d) = self.drag.take_if(|d| d.dropped.is_none()) {
            let data = [self.clip_window(), 0, 0, 0, 0];
            self.xdnd_send(d.xw, self.xdnd.leave, data);
        }
    }

    /// A drop the X program has not finished within `timeout` fails: the Yonder source
    /// hears so, and keeps its data.
    pub(super) fn expire_drop(&mut self, timeout: std::time::Duration) {
        let late = |d: &mut Drag| d.dropped.is_some_and(|t| t.elapsed() > timeout);
        if let Some(d) = self.drag.take_if(late) {
            if let Some(app) = self.apps.get(&d.app) {
                app.conn.dnd_finish(d.target, false, DndAction::None);
            }
        }
    }

    fn refuse_drag(&self, app: u32, target: WindowId) {
        if let Some(app) = self.apps.get(&app) {
            app.conn.dnd_status(target, false, DndAction::None);
        }
    }

    /// The X types for the Yonder types offered: each by its name, and text as
    /// `UTF8_STRING` too.
    fn x_types(&mut self, app: u32, types: &[Atom]) -> Vec<(xproto::Atom, Atom)> {
        let mut out = Vec::new();
        for &t in types.iter().take(32) {
            let name = match atoms::PREDEFINED.get((t.0 as usize).wrapping_sub(1)) {
                Some(n) => Some(n.to_string()),
                None => self
                    .apps
                    .get(&app)
                    .and_then(|a| a.conn.get_atom_name(t).reply().ok().map(|r| r.name)),
            };
            let Some(name) = name else { continue };
            if let Ok([x]) = crate::xatom::intern_all(&self.x, [name]) {
                out.push((x, t));
            }
            if t == atoms::TEXT_PLAIN_UTF8 {
                out.push((self.atoms.utf8_string, t));
            }
        }
        out
    }

    fn clip_window(&self) -> xproto::Window {
        self.clip.xwin()
    }

    /// Sends an XDND client message of `type_` with `data` to `xw`.
    fn xdnd_send(&self, xw: xproto::Window, type_: xproto::Atom, data: [u32; 5]) {
        let event = xproto::ClientMessageEvent::new(32, xw, type_, data);
        let _ = self
            .x
            .send_event(false, xw, xproto::EventMask::NO_EVENT, event);
    }
}
