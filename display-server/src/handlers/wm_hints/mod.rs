//! The hints a window gives the window manager (protocol.md §16.7) and what it does with
//! them, as requests map windows and change properties: read when a window is first mapped ([`first_map`]: its type, the window it is
//! transient for, its size hints, its states, its icon) and followed afterwards
//! ([`property_changed`], [`client_message`]: a new icon, a new `_NET_WM_STATE`, or
//! EWMH's `_NET_WM_STATE` request sent to the root).

pub mod stack;
pub mod states;

use crate::handlers::window_config;
use crate::state::wm::{Managed, TitleIcon, WmStates};
use crate::state::State;
use yonder_protocol::event::ClientMessage;
use yonder_protocol::hints::{atom_list, NET_WM_ICON, NET_WM_STATE};
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::{Atom, ClientId, Size, WindowId};

/// Hook: `w` is about to be mapped. The first time a managed window is mapped the window
/// manager takes it into management: it reads the window's hints, gives it the size its
/// size hints allow, places it (a move or resize is a ConfigureWindow, so the client gets
/// its Configure event before its Map event, as under an X window manager), carries out
/// the states it asks for and keeps it within its layer of the stack. True when `w` was taken
/// into management now (its first map).
pub(crate) fn first_map(s: &mut State, w: WindowId) -> bool {
    if !s.is_manageable(w) || s.wm.managed.contains_key(&w) {
        return false;
    }
    let Some(rect) = s.windows.get(&w).map(|x| x.rect) else {
        return false;
    };
    let screen = Size::new(s.framebuffer.width, s.framebuffer.height);
    let kind = s.window_type(w);
    let icon = icon(s, w);
    // The size its hints allow (the app's own size otherwise), as X window managers do
    // at map time.
    let hints = s.size_hints(w);
    let size = if hints == Default::default() {
        rect.size()
    } else {
        hints.constrain(rect.size(), 1, s.max_drawable_side)
    };
    if size != rect.size() {
        let resize = ConfigureWindow {
            width: Some(size.width),
            height: Some(size.height),
            ..Default::default()
        };
        window_config::wm_configure(s, w, resize);
    }
    // Placed with the size it has (the resize may have been refused: a quota).
    let Some(sized) = s.windows.get(&w).map(|x| x.rect) else {
        return false;
    };
    let over = s
        .transient_for(w)
        .and_then(|p| s.visible_rect_with_frame(p));
    let placed =
        s.wm.manage(w, sized, screen, Managed::new(kind, icon), over);
    if let Some(at) = placed {
        let change = ConfigureWindow {
            x: Some(at.x),
            y: Some(at.y),
            ..Default::default()
        };
        window_config::wm_configure(s, w, change);
    }
    let asked = states_asked(s, w);
    if asked.any() {
        states::set_states(s, w, asked);
    }
    stack::fit_layer(s, w);
    true
}

/// Hook: property `atom` of `w` changed or was deleted. The window manager follows a
/// managed window's new icon and new states; its type is read once, at the first map
/// (EWMH asks apps to set it before).
pub(crate) fn property_changed(s: &mut State, c: ClientId, w: WindowId, atom: Atom) {
    // Its title may be another.
    s.wm.restyle(w);
    if !s.wm.managed.contains_key(&w) || !may_steer(s, c, w) {
        return;
    }
    match s.atoms.name(atom) {
        Some(NET_WM_ICON) => {
            let icon = icon(s, w).map(std::sync::Arc::new);
            if let Some(m) = s.wm.managed.get_mut(&w) {
                m.icon = icon;
            }
        }
        Some(NET_WM_STATE) => {
            let asked = states_asked(s, w);
            states::set_states(s, w, asked);
        }
        _ => {}
    }
}

/// Hook: a ClientMessage sent to the root. EWMH's `_NET_WM_STATE` request (`data`: five
/// little-endian `u32`s: the action, 0 remove, 1 add, 2 toggle; two state atoms, 0 for
/// none; the source; unused) changes the states of the managed window it names.
/// Malformed requests are ignored, as X window managers ignore them.
pub(crate) fn client_message(s: &mut State, c: ClientId, m: &ClientMessage) {
    let managed = s.wm.managed.contains_key(&m.window);
    if s.atoms.name(m.type_) != Some(NET_WM_STATE) || !managed || !may_steer(s, c, m.window) {
        return;
    }
    let words: Vec<u32> = atom_list(&m.data).collect();
    let (Some(&action), Some(&first)) = (words.first(), words.get(1)) else {
        return;
    };
    let second = words.get(2).copied().unwrap_or(0);
    let mut want = s.wm.managed[&m.window].states;
    for atom in [first, second].into_iter().filter(|a| *a != 0) {
        let Some(name) = s.atoms.name(Atom(atom)) else {
            continue;
        };
        let one = WmStates::from_names([name]);
        let change = |on: &mut bool| match action {
            0 => *on = false,
            1 => *on = true,
            2 => *on = !*on,
            _ => {}
        };
        if one.maximized_horz {
            change(&mut want.maximized_horz);
        }
        if one.maximized_vert {
            change(&mut want.maximized_vert);
        }
        if one.fullscreen {
            change(&mut want.fullscreen);
        }
    }
    states::set_states(s, m.window, want);
}

/// Whether client `c` may change how the window manager shows `w` (its states, its
/// icon): its owner, or a trusted client (a pager, a test harness). Another untrusted
/// client's change of the property is kept, as X keeps it, but not acted on
/// (protocol.md §19).
fn may_steer(s: &State, c: ClientId, w: WindowId) -> bool {
    s.owner_of(w.0) == Some(c) || s.is_trusted(c)
}

/// The states `w`'s `_NET_WM_STATE` asks for.
fn states_asked(s: &State, w: WindowId) -> WmStates {
    let atoms = s.property_named(w, NET_WM_STATE).unwrap_or_default();
    WmStates::from_names(atom_list(atoms).filter_map(|a| s.atoms.name(Atom(a))))
}

/// `w`'s icon for the title bar, if its `_NET_WM_ICON` holds one.
fn icon(s: &State, w: WindowId) -> Option<TitleIcon> {
    TitleIcon::from_property(s.property_named(w, NET_WM_ICON)?)
}
