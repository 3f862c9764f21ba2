//! The keyboard focus and the window under the pointer: moving the focus (with its
//! FocusIn/FocusOut), following the pointer window as windows map, unmap, move and go
//! (with Enter/Leave), and forgetting a window that is destroyed.

use crate::events;
use crate::state::State;
use yonder_protocol::event::{CrossingEvent, FocusEvent};
use yonder_protocol::{Event, EventMask, Point, Rect, WindowId};

/// Recomputes the window under the pointer and sends Leave/Enter for the windows the
/// pointer left and entered. Called after motion and after any change of the tree.
/// While a grab is held, crossing events are not sent (X sends them only to the grab).
pub fn update_pointer_window(s: &mut State) {
    let p = s.input.pointer;
    let top = s.top_at(p);
    s.input.pointer_top = (p, top);
    let new = s.window_below(top, p);
    let old = s.input.pointer_window;
    // While a grab (or a window manager drag) is held, crossing is not reported (X
    // reports it only to the grab); the windows crossed are announced when it ends.
    let held = s.input.grab.is_some() || s.wm.drag.is_some();
    if (new == old && s.windows.contains_key(&old)) || held {
        return;
    }
    s.input.pointer_window = new;
    let old_path = s.ancestry(old);
    let new_path = s.ancestry(new);
    let p = s.input.pointer;
    let time = s.now();
    let modifiers = s.input_mask();
    let crossing = |window, rel: Point| CrossingEvent {
        window,
        time,
        x: rel.x,
        y: rel.y,
        root_x: p.x,
        root_y: p.y,
        modifiers,
    };
    // Crossing events do not propagate; each window's own client (or a trusted
    // one) hears of it.
    for w in old_path.iter().rev().filter(|w| !new_path.contains(w)) {
        let to = events::input_recipients(s, *w, EventMask::LEAVE_WINDOW, s.owner_of(w.0));
        events::deliver_input_to(s, *w, &to, p, |window, rel| {
            Event::Leave(crossing(window, rel))
        });
    }
    for w in new_path.iter().filter(|w| !old_path.contains(w)) {
        let to = events::input_recipients(s, *w, EventMask::ENTER_WINDOW, s.owner_of(w.0));
        events::deliver_input_to(s, *w, &to, p, |window, rel| {
            Event::Enter(crossing(window, rel))
        });
    }
}

/// After a change of the tree whose effect on the screen is confined to `area` (root
/// coordinates, as [`State::visible_rect_with_frame`] gives it; None when nothing shown
/// changed): what is under the pointer changed only if the pointer is in it, so the walk
/// of [`update_pointer_window`] is skipped otherwise (mapping the ten-thousandth window
/// does not look at the other 9,999).
pub fn tree_changed_in(s: &mut State, area: Option<Rect>) {
    let Some(area) = area else {
        return;
    };
    if area.contains(s.input.pointer) {
        update_pointer_window(s);
        return;
    }
    // The top-level cached for another point (the pointer moved during a drag without
    // looking again) is looked for again there too.
    let (at, _) = s.input.pointer_top;
    if area.contains(at) {
        s.input.pointer_top = (at, s.top_at(at));
    }
}

/// The bounding box of two areas, or the one there is (for [`tree_changed_in`]: where a
/// window was and is).
pub fn either_or_both(a: Option<Rect>, b: Option<Rect>) -> Option<Rect> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.union(&b)),
        (a, b) => a.or(b),
    }
}

/// [`tree_changed_in`], or, when the change ended a grab (its window went), the whole
/// look again: the window under the pointer was frozen while the grab was held.
pub fn tree_changed(s: &mut State, area: Option<Rect>, grab_ended: bool) {
    match grab_ended {
        true => update_pointer_window(s),
        false => tree_changed_in(s, area),
    }
}

/// Moves the keyboard focus, sending FocusOut and FocusIn.
pub fn set_focus(s: &mut State, w: WindowId) {
    let old = s.input.focus;
    if old == w {
        return;
    }
    s.input.focus = w;
    s.persist.mark();
    // The frames that showed and show the focus.
    let tops: Vec<WindowId> = [old, w]
        .into_iter()
        .filter_map(|x| s.top_level(x))
        .collect();
    for top in tops {
        s.wm.restyle(top);
    }
    if !old.is_none() {
        events::deliver(
            s,
            old,
            EventMask::FOCUS_CHANGE,
            Event::FocusOut(FocusEvent { window: old }),
        );
    }
    if !w.is_none() {
        events::deliver(
            s,
            w,
            EventMask::FOCUS_CHANGE,
            Event::FocusIn(FocusEvent { window: w }),
        );
    }
}

/// How long after the user's last key press a newly mapped window of another app does
/// not take the focus, in milliseconds: a window that appears while the user types
/// elsewhere must not swallow the keys meant for the window they type in.
pub const TYPING_GUARD_MS: u32 = 1000;

/// A managed top-level window was mapped for the first time: it takes the keyboard
/// focus, as on desktops, so that keys typed right after an app starts reach it. Not
/// when the user is typing (a key pressed in the last [`TYPING_GUARD_MS`]) into a window
/// of another app: then the focus stays (focus-stealing prevention). A window of the
/// app that has the focus (a dialog it opens) always takes it; a window whose `WM_HINTS`
/// say it takes no input never does.
pub fn focus_new_window(s: &mut State, w: WindowId) {
    let kind_takes_it = s.wm.managed.get(&w).is_none_or(|m| m.kind.focused_on_map());
    if !s.takes_focus(w) || !kind_takes_it {
        return;
    }
    let focus = s.input.focus;
    let now = s.now();
    let typing = s
        .input
        .last_key
        .is_some_and(|t| now.0.wrapping_sub(t.0) < TYPING_GUARD_MS);
    // NONE and the root belong to no client.
    let same_app = s
        .owner_of(focus.0)
        .is_some_and(|c| s.owner_of(w.0) == Some(c));
    if typing && !same_app {
        tracing::debug!(window = %w, "new window mapped while the user types: focus stays");
        return;
    }
    set_focus(s, w);
}

/// After `w` stopped being viewable: the focus reverts to the pointer root if it was
/// inside, and a grab inside it ends. True when it ended a grab (the caller then passes
/// that to [`tree_changed`]).
pub fn window_gone(s: &mut State, w: WindowId) -> bool {
    let focus = s.input.focus;
    if !focus.is_none()
        && focus != WindowId::ROOT
        && (!s.windows.contains_key(&focus) || s.is_ancestor_or_self(w, focus))
    {
        set_focus(s, WindowId::ROOT);
    }
    match s.input.grab {
        Some(g) if !s.windows.contains_key(&g) || s.is_ancestor_or_self(w, g) => {
            s.input.grab = None;
            true
        }
        _ => false,
    }
}
