//! Stacking by layer (protocol.md §16.7): desktops below every other window, docks,
//! notifications and popups above normal windows, a fullscreen window above those, and
//! override-redirect windows (menus, tooltips, drag icons) above all, where their clients
//! put them. A dialog is in its window's layer at least. Raising a window puts it at the
//! top of its layer, with the dialogs that are transient for it (and theirs) just above it.

use crate::handlers::window_config;
use crate::state::wm::Layer;
use crate::state::State;
use yonder_protocol::request::{ConfigureWindow, StackMode};
use yonder_protocol::WindowId;

/// How many windows up a chain of `WM_TRANSIENT_FOR` is followed (a dialog of a dialog…);
/// a longer chain, or a loop, stops there.
const MAX_TRANSIENT_DEPTH: usize = 16;

/// The layer of the top-level `w`: its kind's and states' when managed, normal otherwise;
/// and a dialog's is at least its window's (a dialog of a fullscreen window is above it).
fn layer(s: &State, w: WindowId) -> Layer {
    let own = |w: WindowId| s.wm.managed.get(&w).map_or(Layer::Normal, |m| m.layer());
    let mut layer = own(w);
    let mut at = w;
    for _ in 0..MAX_TRANSIENT_DEPTH {
        let Some(parent) = s.transient_for(at) else {
            break;
        };
        layer = layer.max(own(parent));
        at = parent;
    }
    layer
}

/// Raises the top-level `w` to the top of its layer (above every mapped window of its
/// layer and the layers below, below every one of a higher layer and every
/// override-redirect window above it), then the mapped windows transient for it above it,
/// and theirs above them (a dialog of a dialog), each in its stacking order.
pub(crate) fn raise(s: &mut State, w: WindowId) {
    raise_one(s, w);
    let mut done = vec![w];
    let mut parents = vec![w];
    for _ in 0..MAX_TRANSIENT_DEPTH {
        let transients: Vec<WindowId> = s
            .windows
            .get(&WindowId::ROOT)
            .map(|root| root.children.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|&t| {
                !done.contains(&t)
                    && s.windows.get(&t).is_some_and(|x| x.mapped)
                    && s.wm.managed.contains_key(&t)
                    && s.transient_for(t).is_some_and(|p| parents.contains(&p))
            })
            .collect();
        if transients.is_empty() {
            break;
        }
        for &t in &transients {
            raise_one(s, t);
        }
        done.extend(&transients);
        parents = transients;
    }
}

/// Moves the top-level `w` as little as keeps the layers in order: just below the lowest
/// window of a higher layer when one is below it, else just above the topmost window of
/// a lower layer when one is above it. For a window just mapped (its place among its
/// own layer is its client's, or a restored checkpoint's) and one whose layer changed.
pub(crate) fn fit_layer(s: &mut State, w: WindowId) {
    if s.wm.layered.is_empty() {
        // Every top-level is in the normal layer: they are in order wherever `w` is.
        return;
    }
    let Some((at, mine, others)) = place_of(s, w) else {
        return;
    };
    let higher_below = others.iter().any(|&(i, _, l)| i < at && l > mine);
    let lower_above = others.iter().any(|&(i, _, l)| i > at && l < mine);
    let change = if higher_below {
        others
            .iter()
            .find(|(_, _, l)| *l > mine)
            .map(|&(_, sibling, _)| (StackMode::Below, sibling))
    } else if lower_above {
        others
            .iter()
            .rev()
            .find(|(_, _, l)| *l < mine)
            .map(|&(_, sibling, _)| (StackMode::Above, sibling))
    } else {
        None
    };
    restack(s, w, change);
}

/// A top-level in the stack: its place among the root's children, and its layer.
type Slot = (usize, WindowId, Layer);

/// Where the top-level `w` is among the root's children, its layer, and the others.
fn place_of(s: &State, w: WindowId) -> Option<(usize, Layer, Vec<Slot>)> {
    let at = s
        .windows
        .get(&WindowId::ROOT)?
        .children
        .iter()
        .position(|c| *c == w)?;
    Some((at, layer(s, w), others(s, w)))
}

/// The mapped, non-override-redirect top-levels other than `w`, bottom to top, with their
/// places among the root's children and their layers.
fn others(s: &State, w: WindowId) -> Vec<Slot> {
    let Some(root) = s.windows.get(&WindowId::ROOT) else {
        return Vec::new();
    };
    root.children
        .iter()
        .enumerate()
        .filter(|&(_, c)| {
            *c != w
                && s.windows
                    .get(c)
                    .is_some_and(|x| x.mapped && !x.override_redirect)
        })
        .map(|(i, c)| (i, *c, layer(s, *c)))
        .collect()
}

/// The topmost mapped, non-override-redirect top-level above `w`, looking down from the
/// top of the stack (none when `w` is above them all).
fn topmost_other(s: &State, w: WindowId) -> Option<WindowId> {
    let root = s.windows.get(&WindowId::ROOT)?;
    root.children
        .iter()
        .rev()
        .take_while(|c| **c != w)
        .copied()
        .find(|c| {
            s.windows
                .get(c)
                .is_some_and(|x| x.mapped && !x.override_redirect)
        })
}

/// Restacks `w` as `change` says, if it says anything.
fn restack(s: &mut State, w: WindowId, change: Option<(StackMode, WindowId)>) {
    if let Some((mode, sibling)) = change {
        window_config::wm_configure(
            s,
            w,
            ConfigureWindow {
                stack_mode: Some(mode),
                sibling: Some(sibling),
                ..Default::default()
            },
        );
    }
}

/// Raises `w` alone to the top of its layer.
fn raise_one(s: &mut State, w: WindowId) {
    let top_level = s
        .windows
        .get(&w)
        .is_some_and(|x| x.parent == WindowId::ROOT);
    if s.wm.layered.is_empty() && top_level {
        // One layer: above the topmost other one, found from the top.
        let above = topmost_other(s, w);
        restack(s, w, above.map(|sibling| (StackMode::Above, sibling)));
        return;
    }
    let Some((at, mine, others)) = place_of(s, w) else {
        return;
    };
    let higher = others.iter().find(|(_, _, l)| *l > mine);
    let change = match higher {
        // Just below the lowest window of a higher layer, when that is not already so.
        Some(&(i, sibling, _)) => {
            let between = others.iter().any(|&(j, _, _)| j > at && j < i);
            (i < at || between).then_some((StackMode::Below, sibling))
        }
        // Above the topmost other one, when it is above.
        None => others
            .last()
            .filter(|&&(i, _, _)| i > at)
            .map(|&(_, sibling, _)| (StackMode::Above, sibling)),
    };
    restack(s, w, change);
}
