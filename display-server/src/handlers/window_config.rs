//! Moving windows around: ConfigureWindow (move, resize, restack), and the
//! ConfigureNotify that tells who selected it (also after a reparent or a screen resize).

use crate::command::{fail, HandlerResult};
use crate::events;
use crate::focus;
use crate::render::{self, IRect};
use crate::state::quota::drawable_bytes;
use crate::state::State;
use yonder_protocol::event::ConfigureEvent;
use yonder_protocol::request::{ConfigureWindow, StackMode};
use yonder_protocol::{ClientId, Drawable, ErrorCode, Event, Rect, WindowId};

// ConfigureWindow: [window, x?, y?, width?, height?, stack_mode?, sibling?]
pub(crate) fn configure_window(s: &mut State, _c: ClientId, r: ConfigureWindow) -> HandlerResult {
    let win = s.check_window(r.window)?;
    if r.window == WindowId::ROOT {
        return Err(fail(
            ErrorCode::Match,
            r.window.0,
            "the root window cannot be configured",
        ));
    }
    let parent = win.parent;
    let old = win.rect;
    let new = Rect::new(
        r.x.unwrap_or(old.x),
        r.y.unwrap_or(old.y),
        r.width.unwrap_or(old.width),
        r.height.unwrap_or(old.height),
    );
    let resized = new.size() != old.size();
    if resized {
        s.check_size(r.window.0, new.width, new.height)?;
        // The window's owner pays for its pixels, whoever resizes it.
        let (now, then) = (new.size(), old.size());
        s.check_quota(
            r.window.0,
            drawable_bytes(now.width, now.height),
            drawable_bytes(then.width, then.height),
        )?;
    }
    if let Some(sib_id) = r.sibling {
        if r.stack_mode.is_none() {
            return Err(fail(
                ErrorCode::Match,
                sib_id.0,
                "sibling given without a stack mode",
            ));
        }
        let sib = s.check_window(sib_id)?;
        if sib.parent != parent || sib_id == r.window {
            return Err(fail(
                ErrorCode::Match,
                sib_id.0,
                "not a sibling of the window",
            ));
        }
    }
    // A top-level window moved whole, on top of the others: the web viewers' pages
    // can copy its pixels (protocol.md §20.5).
    let hint = s.viewers.any() && !resized && new != old;
    if hint && parent == WindowId::ROOT && r.stack_mode.is_none() {
        // Nothing mapped above it (unmapped windows above cover nothing).
        let on_top = s.windows.get(&WindowId::ROOT).is_some_and(|root| {
            let above = root.children.iter().skip_while(|c| **c != r.window).skip(1);
            !above.filter_map(|c| s.windows.get(c)).any(|c| c.mapped)
        });
        if let (true, Some(src)) = (on_top, s.visible_rect_with_frame(r.window)) {
            s.viewers.moved(r.window, src, new.x - old.x, new.y - old.y);
        }
    }
    let before = s.visible_rect_with_frame(r.window);
    s.damage_window(r.window);
    if resized {
        resize_surface(s, r.window, new.width, new.height)?;
    }
    let win = s.windows.get_mut(&r.window).expect("checked");
    win.rect = new;
    s.wm.restyle(r.window);
    if let Some(mode) = r.stack_mode {
        restack(s, r.window, parent, mode, r.sibling);
    }
    s.persist.configured(r.window, parent);
    s.damage_window(r.window);
    notify_configure(s, r.window);
    if resized {
        events::expose_subtree(s, r.window);
    }
    let after = s.visible_rect_with_frame(r.window);
    focus::tree_changed_in(s, focus::either_or_both(before, after));
    Ok(None)
}

/// Replaces the backing store with one of the new size, keeping the old pixels at the
/// top-left and painting the rest with the background.
fn resize_surface(
    s: &mut State,
    w: WindowId,
    width: u32,
    height: u32,
) -> Result<(), yonder_protocol::ProtocolError> {
    let bg = s.windows.get(&w).map(|x| x.background).unwrap_or_default();
    // The old pixels and the background: opaque if both are.
    let opaque = bg.alpha() == 255 && s.opaque.contains(Drawable(w.0));
    let mut fresh = s.new_surface(w.0, width, height, bg)?;
    if let Some(old) = s.surfaces.get(&Drawable(w.0)) {
        let all = IRect::new(0, 0, old.width(), old.height());
        render::copy_area(
            old,
            &mut fresh,
            &render::Style {
                op: render::Op::Source,
                ..Default::default()
            },
            all,
            0,
            0,
        );
    }
    s.put_surface(Drawable(w.0), fresh);
    if opaque {
        s.opaque.mark(Drawable(w.0));
    }
    Ok(())
}

fn restack(
    s: &mut State,
    w: WindowId,
    parent: WindowId,
    mode: StackMode,
    sibling: Option<WindowId>,
) {
    let Some(p) = s.windows.get_mut(&parent) else {
        return;
    };
    p.children.retain(|k| *k != w);
    let at = match (
        mode,
        sibling.and_then(|s| p.children.iter().position(|k| *k == s)),
    ) {
        (StackMode::Above, Some(i)) => i + 1,
        (StackMode::Below, Some(i)) => i,
        (StackMode::Above, None) => p.children.len(),
        (StackMode::Below, None) => 0,
    };
    p.children.insert(at, w);
}

/// ConfigureNotify for `w` with its current geometry and stacking.
pub fn notify_configure(s: &mut State, w: WindowId) {
    let Some(configure) = s.configure_event(w) else {
        return;
    };
    events::notify_structure(s, w, |event| {
        Event::Configure(ConfigureEvent {
            event,
            ..configure.clone()
        })
    });
}

/// Applies a configuration to `w` through the ConfigureWindow handler, so moves and
/// resizes made by the window manager damage, notify and expose exactly as a client's
/// would. Errors (a size out of range) leave the window as it was.
pub(crate) fn wm_configure(s: &mut State, w: WindowId, mut change: ConfigureWindow) {
    change.window = w;
    let owner = s.owner_of(w.0).unwrap_or_default();
    if let Err(e) = configure_window(s, owner, change) {
        tracing::debug!(window = %w, error = %e, "window manager configure failed");
    }
}
