//! Maximised and fullscreen windows (protocol.md §16.7): the geometry each state gives, the
//! way back to where the window was, and `_NET_WM_STATE` kept saying what the window
//! manager carried out, so that the app (and a bridge from X11) can read it.

use super::stack;
use crate::events;
use crate::handlers::window_config;
use crate::state::wm::{WmStates, BORDER, TITLE_HEIGHT};
use crate::state::Property;
use crate::state::State;
use yonder_protocol::event::PropertyState;
use yonder_protocol::hints::{atom_list, NET_WM_STATE};
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::{atoms, Atom, Rect, WindowId};

/// Gives the managed window `w` the states `want`: a fullscreen window covers the screen,
/// with no frame, above the other windows; a maximised one fills the screen (its frame
/// within it) across, down, or both, as its size hints allow; leaving every state puts
/// it back where it was before. Unchanged states do nothing.
pub(crate) fn set_states(s: &mut State, w: WindowId, want: WmStates) {
    let Some(m) = s.wm.managed.get(&w) else {
        return;
    };
    let (was, restore) = (m.states, m.restore);
    let Some(now) = s.windows.get(&w).map(|x| x.rect) else {
        return;
    };
    if was == want {
        return;
    }
    let home = restore.unwrap_or(now);
    let target = geometry(s, w, want, home);
    let m = s.wm.managed.get_mut(&w).expect("checked");
    m.states = want;
    m.restore = want.any().then_some(home);
    s.wm.relayer(w);
    s.wm.restyle(w);
    // Where the frame was and is: the state may have taken it away or given it back.
    s.framebuffer.damage(crate::state::wm::frame_of(now));
    set_rect(s, w, target);
    if let Some(f) = s.visible_rect_with_frame(w) {
        s.framebuffer.damage(f);
    }
    // The frame came or went even if the new rectangle was refused (a quota): what is
    // under the pointer may be another thing.
    crate::focus::tree_changed_in(s, Some(crate::state::wm::frame_of(now)));
    if want.fullscreen {
        stack::raise(s, w);
    } else if was.fullscreen {
        stack::fit_layer(s, w);
    }
    publish(s, w, want);
}

/// The screen changed size: maximised and fullscreen windows take the geometry their
/// states give on the new screen (where they go back to is kept).
pub(crate) fn screen_resized(s: &mut State) {
    let placed: Vec<(WindowId, WmStates, Rect)> =
        s.wm.managed
            .iter()
            .filter(|(_, m)| m.states.any())
            .filter_map(|(w, m)| Some((*w, m.states, m.restore?)))
            .collect();
    for (w, states, home) in placed {
        let target = geometry(s, w, states, home);
        set_rect(s, w, target);
    }
}

/// The user's maximise button: maximised both ways, or back when it already is.
pub(crate) fn toggle_maximized(s: &mut State, w: WindowId) {
    let Some(now) = s.wm.managed.get(&w).map(|m| m.states) else {
        return;
    };
    let on = !now.maximized();
    let want = WmStates {
        maximized_horz: on,
        maximized_vert: on,
        ..now
    };
    set_states(s, w, want);
}

/// Moves and resizes `w` to `r`, as a ConfigureWindow of the window manager's.
fn set_rect(s: &mut State, w: WindowId, r: Rect) {
    let change = ConfigureWindow {
        x: Some(r.x),
        y: Some(r.y),
        width: Some(r.width),
        height: Some(r.height),
        ..Default::default()
    };
    window_config::wm_configure(s, w, change);
}

/// The rectangle `w` takes with the states `want`, from `home` (where it is, or was before
/// its current states).
fn geometry(s: &State, w: WindowId, want: WmStates, home: Rect) -> Rect {
    let (sw, sh) = (s.framebuffer.width, s.framebuffer.height);
    if want.fullscreen {
        return Rect::new(0, 0, sw, sh);
    }
    let mut r = home;
    if want.maximized_horz {
        r.x = BORDER as i32;
        r.width = sw.saturating_sub(2 * BORDER).max(1);
    }
    if want.maximized_vert {
        r.y = TITLE_HEIGHT as i32;
        r.height = sh.saturating_sub(TITLE_HEIGHT + BORDER).max(1);
    }
    // The app's maximum size (and increments) still hold.
    let size = s.size_hints(w).constrain(r.size(), 1, s.max_drawable_side);
    Rect::new(r.x, r.y, size.width, size.height)
}

/// Writes `states` into `w`'s `_NET_WM_STATE`, keeping the atoms the window manager does
/// not act on, when it says otherwise now. The change reaches the app as a
/// PropertyNotify.
fn publish(s: &mut State, w: WindowId, states: WmStates) {
    let property = s.atoms.intern(NET_WM_STATE);
    let names = states.names();
    let mut list: Vec<u32> = s
        .property_named(w, NET_WM_STATE)
        .map(|d| atom_list(d).collect())
        .unwrap_or_default();
    let before = list.clone();
    list.retain(|a| {
        s.atoms
            .name(Atom(*a))
            .is_none_or(|n| !WmStates::is_state_name(n))
    });
    list.extend(names.iter().map(|n| s.atoms.intern(n).0));
    if list == before {
        return;
    }
    let data: Vec<u8> = list.iter().flat_map(|a| a.to_le_bytes()).collect();
    let value = Property {
        type_: atoms::ATOM,
        data,
    };
    if let Err(e) = s.replace_property(w, property, value) {
        tracing::debug!(window = %w, error = %e, "cannot publish the window's states");
        return;
    }
    events::notify_property(s, w, property, PropertyState::NewValue);
}
