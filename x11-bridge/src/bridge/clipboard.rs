//! The clipboard between X programs and Yonder apps: X's `CLIPBOARD` and `PRIMARY`
//! bridged to Yonder's selections of the same names, both ways, lazily (nothing is copied
//! until someone pastes) and typed (text as X's `UTF8_STRING`, `STRING` or `TEXT` and
//! Yonder's `text/plain;charset=utf-8`; images as `image/png` on both sides).
//!
//! * An X program copies (XFixes tells the bridge that it owns the selection): its Yonder
//!   connection takes the Yonder selection with one of its windows. A Yonder app that
//!   pastes asks that connection (SelectionRequest); the bridge converts the X selection
//!   into a property of its own X window, reads it (X's INCR protocol for large values),
//!   and sends the bytes on (SendSelectionData).
//! * A Yonder app copies (the bridge's own Yonder connection watches `OWNER_CHANGE`): the
//!   bridge's X window takes the X selection. An X program that pastes asks the bridge
//!   (SelectionRequest); the bridge converts the Yonder selection to its own Yonder
//!   window, collects the chunks, and puts them in the requestor's property (in pieces,
//!   INCR, when large: `incr.rs`).
//!
//! Neither side sees the bridge's own ownership as someone else's copy; a paste that would
//! go round (an X program's selection asked through the bridge's X ownership, after a
//! late note of a Yonder copy) is refused. A transfer that takes over 10 seconds counts as
//! refused, so an owner that never answers holds nothing.

use super::Bridge;
use std::collections::HashMap;
use x11rb::connection::Connection as _;
use x11rb::protocol::xfixes::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::event::{SelectionDataEvent, SelectionRequestEvent};
use yonder_protocol::{atoms, EventMask};

/// The "program" whose copies the bridge's own connection answers for: X programs with
/// no window on the display (no resource-id base is this).
pub(super) const CONTROL: u32 = u32::MAX;

/// The largest value carried (a larger one is refused).
const MAX_VALUE: usize = 64 << 20;
/// How many X conversions may be under way at once (one property each).
const SLOTS: usize = 8;
/// How many pastes by X programs may wait for Yonder data at once.
const MAX_WAITING: usize = 64;
/// How long a transfer may take before it counts as refused (an owner that never
/// answers, an INCR that stalls).
const TRANSFER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The X atoms the clipboard uses.
struct XAtoms {
    clipboard: xproto::Atom,
    targets: xproto::Atom,
    utf8_string: xproto::Atom,
    text: xproto::Atom,
    incr: xproto::Atom,
    png: xproto::Atom,
    /// The properties conversions into the bridge's X window go to.
    slots: [xproto::Atom; SLOTS],
}

/// The names of [`XAtoms`]' atoms after the slots'.
const NAMED: [&str; 6] = [
    "CLIPBOARD",
    "TARGETS",
    "UTF8_STRING",
    "TEXT",
    "INCR",
    "image/png",
];

impl XAtoms {
    /// Interns them on the X server (one round trip).
    fn intern(x: &RustConnection) -> Result<XAtoms, String> {
        let names: [String; SLOTS + NAMED.len()] =
            std::array::from_fn(|i| match i.checked_sub(SLOTS) {
                None => format!("_YONDER_X11_SELECTION_{i}"),
                Some(n) => NAMED[n].to_string(),
            });
        let [slots @ .., clipboard, targets, utf8_string, text, incr, png] =
            crate::xatom::intern_all(x, names)?;
        Ok(XAtoms {
            clipboard,
            targets,
            utf8_string,
            text,
            incr,
            png,
            slots,
        })
    }
}

/// A Yonder app's paste of an X program's selection, under way on the X side.
struct ToYonder {
    /// The X program's Yonder connection (its resource-id base), which owns the
    /// Yonder selection and answers.
    app: u32,
    transfer: u64,
    /// What was asked of the X server: the selection and the target.
    asked: (xproto::Atom, xproto::Atom),
    /// The value so far, when it comes in pieces (INCR).
    incr: Option<Vec<u8>>,
    /// When it was asked for.
    since: std::time::Instant,
}

/// An X program's paste of a Yonder app's selection, waiting for the Yonder data.
struct ToX {
    request: xproto::SelectionRequestEvent,
    data: Vec<u8>,
    since: std::time::Instant,
}

/// The clipboard's state.
pub(super) struct Clipboard {
    /// The bridge's own Yonder connection: it watches who owns the selections and
    /// receives what X programs paste.
    control: Connection,
    /// Its window (never mapped): the requestor of its conversions.
    requestor: WindowId,
    /// The bridge's X window: owns X selections for Yonder apps, and receives
    /// conversions of X selections.
    xwin: xproto::Window,
    atoms: XAtoms,
    to_yonder: HashMap<xproto::Atom, ToYonder>,
    to_x: HashMap<u32, ToX>,
    next_tag: u32,
    /// Who owns each bridged Yonder selection, as last told.
    yonder_owner: HashMap<Atom, WindowId>,
}

impl Clipboard {
    /// Sets the clipboard up: the bridge's X window, XFixes' notes of owner changes, and
    /// the Yonder connection that watches the display's.
    pub(super) fn new(x: &RustConnection, root: xproto::Window) -> Result<Clipboard, String> {
        let s = |e: x11rb::errors::ConnectionError| e.to_string();
        let r = |e: x11rb::errors::ReplyError| e.to_string();
        x.xfixes_query_version(5, 0)
            .map_err(s)?
            .reply()
            .map_err(r)?;
        let atoms = XAtoms::intern(x)?;
        let xwin = make_xwin(x, root, atoms.clipboard)?;
        let control = Connection::connect_with(super::options("yonder-x11"))
            .map_err(|e| format!("cannot connect to the Yonder display: {e}"))?;
        let requestor = control.new_window_id();
        control.create_window(
            requestor,
            control.root(),
            yonder_protocol::Rect::new(-10, -10, 1, 1),
            yonder_protocol::request::WindowAttributes::default(),
        );
        // Selection owners, and the screen's size (the bridge's loop follows it).
        let watch = yonder_protocol::request::WindowAttributes {
            event_mask: Some(EventMask(
                EventMask::OWNER_CHANGE.0 | EventMask::STRUCTURE_NOTIFY.0,
            )),
            ..Default::default()
        };
        control.change_window_attributes(control.root(), watch);
        control.flush().map_err(|e| e.to_string())?;
        Ok(Clipboard {
            control,
            requestor,
            xwin,
            atoms,
            to_yonder: HashMap::new(),
            to_x: HashMap::new(),
            next_tag: 1,
            yonder_owner: HashMap::new(),
        })
    }

    /// The bridge's X window: the selections' owner and requestor, and the XDND source.
    pub(super) fn xwin(&self) -> xproto::Window {
        self.xwin
    }

    /// Another X client destroyed the bridge's X window (X lets any client): a new one,
    /// which takes X's selections again for the Yonder apps that hold them; transfers
    /// through the old one are refused.
    pub(super) fn x_window_destroyed(
        &mut self,
        x: &RustConnection,
        root: xproto::Window,
    ) -> Result<Vec<(u32, u64)>, String> {
        self.xwin = make_xwin(x, root, self.atoms.clipboard)?;
        for (sel, owner) in &self.yonder_owner {
            if let (Some(xsel), false) = (self.x_selection(*sel), owner.is_none()) {
                let _ = x.set_selection_owner(self.xwin, xsel, x11rb::CURRENT_TIME);
            }
        }
        Ok(self
            .to_yonder
            .drain()
            .map(|(_, t)| (t.app, t.transfer))
            .collect())
    }

    /// X's `INCR` type.
    pub(super) fn incr_atom(&self) -> xproto::Atom {
        self.atoms.incr
    }

    /// The bridge's own Yonder connection, to be polled with the programs'.
    pub(super) fn control(&self) -> &Connection {
        &self.control
    }

    /// The X selection of a Yonder selection (CLIPBOARD, PRIMARY), if bridged.
    fn x_selection(&self, sel: Atom) -> Option<xproto::Atom> {
        match sel {
            atoms::CLIPBOARD => Some(self.atoms.clipboard),
            atoms::PRIMARY => Some(xproto::AtomEnum::PRIMARY.into()),
            _ => None,
        }
    }

    /// The Yonder selection of an X selection, if bridged.
    fn yonder_selection(&self, sel: xproto::Atom) -> Option<Atom> {
        if sel == self.atoms.clipboard {
            Some(atoms::CLIPBOARD)
        } else if sel == u32::from(xproto::AtomEnum::PRIMARY) {
            Some(atoms::PRIMARY)
        } else {
            None
        }
    }
}

impl Bridge {
    /// XFixes: `owner` now owns X selection `sel`. An X program's copy: its Yonder
    /// connection takes the Yonder selection.
    /// A program with no window on the display (`xclip`, a daemon) copies through the
    /// bridge's own connection.
    pub(super) fn x_owner_changed(&mut self, sel: xproto::Atom, owner: xproto::Window) {
        let clip = &self.clip;
        let Some(ysel) = clip.yonder_selection(sel) else {
            return;
        };
        if owner == x11rb::NONE || owner == clip.xwin {
            return;
        }
        let base = owner & !self.id_mask;
        let window = self
            .mirrors
            .values()
            .find(|m| m.app == base)
            .map(|m| m.window);
        match (window, self.apps.get(&base)) {
            (Some(window), Some(app)) => {
                app.conn
                    .set_selection_owner(ysel, window, Default::default());
            }
            _ => {
                clip.control
                    .set_selection_owner(ysel, clip.requestor, Default::default());
            }
        }
    }

    /// The connection that answers for `app`'s copies: its own, or the bridge's
    /// ([`CONTROL`]).
    fn selection_conn(&self, app: u32) -> Option<&Connection> {
        match app {
            CONTROL => Some(&self.clip.control),
            app => self.apps.get(&app).map(|a| &a.conn),
        }
    }

    /// A Yonder app pastes what X program `app`'s window `owner` holds.
    pub(super) fn yonder_wants_x_selection(&mut self, app: u32, r: &SelectionRequestEvent) {
        let Some(conn) = self.selection_conn(app) else {
            return;
        };
        let clip = &self.clip;
        let a = &clip.atoms;
        let x_target = match r.target {
            atoms::TARGETS => {
                let types = [
                    atoms::TARGETS,
                    atoms::TEXT_PLAIN_UTF8,
                    atoms::UTF8_STRING,
                    atoms::IMAGE_PNG,
                ];
                let bytes: Vec<u8> = types.iter().flat_map(|t| t.0.to_le_bytes()).collect();
                conn.send_selection_bytes(r.transfer, &bytes);
                return;
            }
            atoms::TEXT_PLAIN_UTF8 | atoms::UTF8_STRING => a.utf8_string,
            atoms::IMAGE_PNG => a.png,
            _ => {
                conn.refuse_selection(r.transfer);
                return;
            }
        };
        let (Some(sel), Some(slot)) = (
            clip.x_selection(r.selection),
            a.slots
                .iter()
                .copied()
                .find(|s| !clip.to_yonder.contains_key(s)),
        ) else {
            conn.refuse_selection(r.transfer);
            return;
        };
        let _ = self
            .x
            .convert_selection(clip.xwin, sel, x_target, slot, x11rb::CURRENT_TIME);
        self.clip.to_yonder.insert(
            slot,
            ToYonder {
                app,
                transfer: r.transfer,
                asked: (sel, x_target),
                incr: None,
                since: std::time::Instant::now(),
            },
        );
    }

    /// X's answer to a conversion the bridge asked for (property NONE: refused).
    pub(super) fn x_selection_converted(&mut self, e: &xproto::SelectionNotifyEvent) {
        if e.requestor != self.clip.xwin {
            return;
        }
        if e.property == x11rb::NONE {
            // Refused: the conversion of this selection and target under way.
            let slot = self
                .clip
                .to_yonder
                .iter()
                .find(|(_, t)| t.asked == (e.selection, e.target))
                .map(|(s, _)| *s);
            if let Some(t) = slot.and_then(|s| self.clip.to_yonder.remove(&s)) {
                self.refuse(t.app, t.transfer);
            }
            return;
        }
        self.read_slot(e.property, true);
    }

    /// A property of the bridge's X window changed: the next piece of an INCR value.
    pub(super) fn x_property_changed(&mut self, e: &xproto::PropertyNotifyEvent) {
        let piece = e.window == self.clip.xwin
            && e.state == xproto::Property::NEW_VALUE
            && self
                .clip
                .to_yonder
                .get(&e.atom)
                .is_some_and(|t| t.incr.is_some());
        if piece {
            self.read_slot(e.atom, false);
        }
    }

    /// Reads slot `slot`'s property (deleting it), and sends a whole value on.
    fn read_slot(&mut self, slot: xproto::Atom, first: bool) {
        let reply = self
            .x
            .get_property(
                true,
                self.clip.xwin,
                slot,
                xproto::AtomEnum::ANY,
                0,
                (MAX_VALUE / 4) as u32,
            )
            .ok()
            .and_then(|c| c.reply().ok());
        let Some(t) = self.clip.to_yonder.get_mut(&slot) else {
            return;
        };
        let Some(reply) = reply else {
            let t = self.clip.to_yonder.remove(&slot).expect("there");
            self.refuse(t.app, t.transfer);
            return;
        };
        if first && reply.type_ == self.clip.atoms.incr {
            // The value comes in pieces, each a new value of the property.
            t.incr = Some(Vec::new());
            return;
        }
        if reply.bytes_after > 0 {
            // Larger than the bridge carries.
            let t = self.clip.to_yonder.remove(&slot).expect("there");
            self.refuse(t.app, t.transfer);
            return;
        }
        let latin1 = reply.type_ == u32::from(xproto::AtomEnum::STRING);
        match &mut t.incr {
            Some(buf) if !reply.value.is_empty() => {
                if buf.len() + reply.value.len() > MAX_VALUE {
                    let t = self.clip.to_yonder.remove(&slot).expect("there");
                    self.refuse(t.app, t.transfer);
                } else {
                    buf.extend_from_slice(&reply.value);
                }
            }
            _ => {
                let t = self.clip.to_yonder.remove(&slot).expect("there");
                let mut data = t.incr.unwrap_or(reply.value);
                if latin1 {
                    // X's STRING is Latin-1; Yonder's text is UTF-8.
                    data = data
                        .iter()
                        .map(|&b| b as char)
                        .collect::<String>()
                        .into_bytes();
                }
                if let Some(conn) = self.selection_conn(t.app) {
                    conn.send_selection_bytes(t.transfer, &data);
                }
            }
        }
    }

    /// Refuses a Yonder app's paste `transfer` answered for `app`.
    pub(super) fn refuse(&self, app: u32, transfer: u64) {
        if let Some(conn) = self.selection_conn(app) {
            conn.refuse_selection(transfer);
        }
    }

    /// The display says who owns a selection now: a Yonder app's copy (not one of the
    /// bridge's windows) makes the bridge's X window the X selection's owner.
    pub(super) fn yonder_owner_changed(&mut self, sel: Atom, owner: WindowId) {
        self.clip.yonder_owner.insert(sel, owner);
        let ours = owner == self.clip.requestor || self.by_yonder.contains_key(&owner);
        if owner.is_none() || ours {
            return;
        }
        if let Some(xsel) = self.clip.x_selection(sel) {
            let _ = self
                .x
                .set_selection_owner(self.clip.xwin, xsel, x11rb::CURRENT_TIME);
        }
    }

    /// An X program pastes a Yonder app's selection, or takes the data of a Yonder drag
    /// dropped on it (`XdndSelection`: `YONDER_DND` in the drag's types, `dnd.rs`).
    pub(super) fn x_wants_yonder_selection(&mut self, mut e: xproto::SelectionRequestEvent) {
        if e.property == x11rb::NONE {
            // An obsolete requestor names no property: the target is used.
            e.property = e.target;
        }
        self.incr_replaced(e.requestor, e.property);
        let dnd = self.xdnd.is_selection(e.selection);
        let dnd_types = self.dnd_x_types();
        let dnd_type = self.dnd_yonder_type(e.target);
        let clip = &mut self.clip;
        let a = &clip.atoms;
        let string: xproto::Atom = xproto::AtomEnum::STRING.into();
        let target = match e.target {
            t if t == a.targets => {
                let mut list = vec![a.targets];
                match dnd {
                    true => list.extend(dnd_types),
                    false => list.extend([a.utf8_string, string, a.text, a.png]),
                }
                let _ = self.x.change_property32(
                    xproto::PropMode::REPLACE,
                    e.requestor,
                    e.property,
                    xproto::AtomEnum::ATOM,
                    &list,
                );
                notify(&self.x, &e, e.property);
                return;
            }
            _ if dnd => match dnd_type {
                Some(t) => t,
                None => {
                    notify(&self.x, &e, x11rb::NONE);
                    return;
                }
            },
            t if t == a.utf8_string || t == string || t == a.text => atoms::TEXT_PLAIN_UTF8,
            t if t == a.png => atoms::IMAGE_PNG,
            _ => {
                notify(&self.x, &e, x11rb::NONE);
                return;
            }
        };
        let sel = match dnd {
            true => Some(atoms::YONDER_DND),
            false => clip.yonder_selection(e.selection),
        };
        let Some(sel) = sel else {
            notify(&self.x, &e, x11rb::NONE);
            return;
        };
        // The Yonder selection is an X program's (a late note made the bridge the X owner):
        // asking it would come back here. And a bound on pastes waiting.
        let back_to_x = clip
            .yonder_owner
            .get(&sel)
            .is_some_and(|o| self.by_yonder.contains_key(o));
        if back_to_x || clip.to_x.len() >= MAX_WAITING {
            notify(&self.x, &e, x11rb::NONE);
            return;
        }
        let tag = clip.next_tag;
        clip.next_tag = clip.next_tag.wrapping_add(1).max(1);
        clip.control
            .convert_selection(sel, target, clip.requestor, tag);
        clip.to_x.insert(
            tag,
            ToX {
                request: e,
                data: Vec::new(),
                since: std::time::Instant::now(),
            },
        );
    }

    /// A chunk of a Yonder selection the bridge asked for an X program.
    pub(super) fn yonder_selection_data(&mut self, d: &SelectionDataEvent) {
        if d.requestor != self.clip.requestor {
            return;
        }
        let Some(p) = self.clip.to_x.get_mut(&d.tag) else {
            return;
        };
        if !d.refused && p.data.len() + d.data.len() <= MAX_VALUE {
            p.data.extend_from_slice(&d.data);
        }
        if !(d.done || d.refused) {
            return;
        }
        let p = self.clip.to_x.remove(&d.tag).expect("there");
        let e = p.request;
        if d.refused {
            notify(&self.x, &e, x11rb::NONE);
            return;
        }
        // Text goes as UTF8_STRING (what a requestor of TEXT accepts too), or as STRING
        // when asked so; an image as image/png.
        let a = &self.clip.atoms;
        let type_ = match e.target {
            t if t == a.text => a.utf8_string,
            t => t,
        };
        let mut data = p.data;
        if type_ == u32::from(xproto::AtomEnum::STRING) {
            // X's STRING is Latin-1: what it cannot say becomes `?`.
            let text = String::from_utf8_lossy(&data);
            data = text
                .chars()
                .map(|c| u8::try_from(c).unwrap_or(b'?'))
                .collect();
        }
        // Whole, or in pieces when large (`incr.rs`).
        self.answer_x(&e, type_, data);
    }
}

impl Bridge {
    /// Refuses the transfers that took longer than [`TRANSFER_TIMEOUT`], so that an owner
    /// that never answers holds nothing for good; and fails a drop an X program never
    /// finished.
    pub(super) fn expire_transfers(&mut self) {
        self.expire_drop(TRANSFER_TIMEOUT);
        self.expire_incr();
        let late = |since: std::time::Instant| since.elapsed() > TRANSFER_TIMEOUT;
        let slots: Vec<xproto::Atom> = self
            .clip
            .to_yonder
            .iter()
            .filter(|(_, t)| late(t.since))
            .map(|(s, _)| *s)
            .collect();
        for slot in slots {
            let t = self.clip.to_yonder.remove(&slot).expect("listed");
            let _ = self.x.delete_property(self.clip.xwin, slot);
            self.refuse(t.app, t.transfer);
        }
        let tags: Vec<u32> = self
            .clip
            .to_x
            .iter()
            .filter(|(_, p)| late(p.since))
            .map(|(t, _)| *t)
            .collect();
        for tag in tags {
            let p = self.clip.to_x.remove(&tag).expect("listed");
            notify(&self.x, &p.request, x11rb::NONE);
        }
    }
}

/// The bridge's X window for selections: owner, requestor, XDND source; XFixes tells it
/// who owns PRIMARY and CLIPBOARD.
fn make_xwin(
    x: &RustConnection,
    root: xproto::Window,
    clipboard: xproto::Atom,
) -> Result<xproto::Window, String> {
    let s = |e: x11rb::errors::ConnectionError| e.to_string();
    let xwin = x.generate_id().map_err(|e| e.to_string())?;
    let aux = xproto::CreateWindowAux::new().event_mask(xproto::EventMask::PROPERTY_CHANGE);
    x.create_window(
        0,
        xwin,
        root,
        -1,
        -1,
        1,
        1,
        0,
        xproto::WindowClass::INPUT_ONLY,
        0,
        &aux,
    )
    .map_err(s)?;
    let mask = xfixes::SelectionEventMask::SET_SELECTION_OWNER;
    for sel in [xproto::AtomEnum::PRIMARY.into(), clipboard] {
        x.xfixes_select_selection_input(xwin, sel, mask)
            .map_err(s)?;
    }
    Ok(xwin)
}

/// Tells the X requestor of `e` that its value is in `property` (NONE: refused).
pub(super) fn notify(
    x: &RustConnection,
    e: &xproto::SelectionRequestEvent,
    property: xproto::Atom,
) {
    let event = xproto::SelectionNotifyEvent {
        response_type: xproto::SELECTION_NOTIFY_EVENT,
        sequence: 0,
        time: e.time,
        requestor: e.requestor,
        selection: e.selection,
        target: e.target,
        property,
    };
    let _ = x.send_event(false, e.requestor, xproto::EventMask::NO_EVENT, event);
}
