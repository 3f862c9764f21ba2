//! What the pointer does to managed windows: hit testing of frames (`hit_test`,
//! `State::frame_at`), click-to-focus, and the press on a frame that becomes a move
//! drag, a resize drag or a close click ([`Drag`]). `input.rs` calls `wm_button`
//! and `wm_motion` first; what they consume never reaches a client.
//!
//! A frame belongs to no client window: for crossing, motion and `QueryPointer` the
//! pointer over a frame is over the root (see `window_at`), and a press on it is the
//! window manager's alone. While a drag lasts, the pointer is the window manager's the way
//! an implicit grab makes it a client's: no crossing events, no motion to clients.

use super::{Drag, DragKind, FramePart, MIN_SIZE};
use crate::focus;
use crate::state::State;
use crate::wm;
use crate::wm::close;
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::{ModMask, Point, Size, WindowId};

/// The button bits of a modifier mask (buttons 1–5).
const ALL_BUTTONS: ModMask = ModMask(0x1F00);

/// Hook for a button going down or up. Returns true when the window manager consumed
/// it: a press on a frame, and every button until all are up again. The drag's action
/// (ending a move, closing) happens when its own button is released. A press in a
/// managed window's client area raises and focuses the window, and is then delivered
/// as usual (false).
pub(crate) fn wm_button(s: &mut State, button: u8, pressed: bool) -> bool {
    if !s.wm.enabled {
        return false;
    }
    let bit = ModMask::button(button);
    if let Some(drag) = s.wm.drag {
        if pressed {
            s.input.buttons |= bit;
        } else {
            s.input.buttons = s.input.buttons & !bit;
        }
        if !pressed && button == drag.button {
            if let Some(d) = &mut s.wm.drag {
                d.kind = DragKind::Swallow;
            }
            finish_drag(s, drag.kind);
        }
        if !pressed && (s.input.buttons & ALL_BUTTONS).is_empty() {
            s.wm.drag = None;
            focus::update_pointer_window(s);
        }
        return true;
    }
    if !pressed || s.input.grab.is_some() {
        return false;
    }
    let p = s.input.pointer;
    let Some((w, part)) = s.frame_at(p) else {
        if (1..=3).contains(&button) {
            click_to_focus(s);
        }
        return false;
    };
    s.input.buttons |= bit;
    let kind = match (button, part) {
        (1, _) => {
            raise_and_focus(s, w);
            let rect = s.windows.get(&w).map(|x| x.rect).unwrap_or_default();
            // A maximised window stays where the window manager put it.
            let placed = s.wm.managed.get(&w).is_some_and(|m| m.states.any());
            match part {
                FramePart::Title | FramePart::Grip if placed => DragKind::Swallow,
                FramePart::Title => DragKind::Move {
                    window: w,
                    from: p,
                    origin: rect.origin(),
                },
                FramePart::Grip => DragKind::Resize {
                    window: w,
                    from: p,
                    size: rect.size(),
                },
                FramePart::Close => DragKind::Close { window: w },
                FramePart::Maximize => DragKind::Maximize { window: w },
                FramePart::MoveButton => DragKind::MoveMenu { window: w },
                FramePart::MenuItem(peer) => DragKind::MoveTo { window: w, peer },
                FramePart::Border => DragKind::Swallow,
            }
        }
        _ => DragKind::Swallow,
    };
    s.wm.drag = Some(Drag { button, kind });
    true
}

/// Hook for pointer motion to `p`: moves or resizes the window being dragged. Returns
/// true when a press on a frame is held (the motion is then not a client's).
pub(crate) fn wm_motion(s: &mut State, p: Point) -> bool {
    let Some(drag) = s.wm.drag else {
        return false;
    };
    match drag.kind {
        DragKind::Move {
            window,
            from,
            origin,
        } => {
            let x = origin.x.saturating_add(p.x - from.x);
            let y = origin.y.saturating_add(p.y - from.y);
            wm::wm_configure(
                s,
                window,
                ConfigureWindow {
                    x: Some(x),
                    y: Some(y),
                    ..Default::default()
                },
            );
        }
        DragKind::Resize { window, from, size } => {
            let max = s.max_drawable_side.max(MIN_SIZE);
            let grow = |side: u32, d: i32| (side as i64 + d as i64).clamp(0, max as i64) as u32;
            let want = Size::new(
                grow(size.width, p.x - from.x),
                grow(size.height, p.y - from.y),
            );
            // The app's size hints (minimum, maximum, increments, aspect), within the
            // window manager's own bounds.
            let Size { width, height } = s.size_hints(window).constrain(want, MIN_SIZE, max);
            let now = s.windows.get(&window).map(|x| x.rect.size());
            if now != Some(Size::new(width, height)) {
                wm::wm_configure(
                    s,
                    window,
                    ConfigureWindow {
                        width: Some(width),
                        height: Some(height),
                        ..Default::default()
                    },
                );
            }
        }
        DragKind::Close { .. }
        | DragKind::Maximize { .. }
        | DragKind::MoveMenu { .. }
        | DragKind::MoveTo { .. }
        | DragKind::Swallow => {}
    }
    true
}

fn finish_drag(s: &mut State, kind: DragKind) {
    let here = s.frame_at(s.input.pointer);
    match kind {
        DragKind::Close { window } if here == Some((window, FramePart::Close)) => {
            close::wm_close_clicked(s, window);
        }
        DragKind::Maximize { window } if here == Some((window, FramePart::Maximize)) => {
            crate::handlers::wm_hints::states::toggle_maximized(s, window);
        }
        DragKind::MoveMenu { window } if here == Some((window, FramePart::MoveButton)) => {
            wm::migrate::move_button_clicked(s, window);
        }
        DragKind::MoveTo { window, peer } if here == Some((window, FramePart::MenuItem(peer))) => {
            wm::migrate::menu_item_clicked(s, window, peer);
        }
        _ => {}
    }
}

/// Click-to-focus: a press inside a managed window of a framed kind (or one of its
/// descendants) raises and focuses it, fullscreen too. Override-redirect windows, docks
/// and the other bare kinds are left alone.
fn click_to_focus(s: &mut State) {
    let path = s.ancestry(s.input.pointer_window);
    let Some(top) = path.get(1).copied() else {
        return;
    };
    // A window of a kind with a frame, fullscreen or not; docks, splash screens and
    // pop-ups take presses without being raised or focused.
    let framed_kind = s.windows.get(&top).is_some_and(|win| {
        win.parent == yonder_protocol::WindowId::ROOT
            && !win.override_redirect
            && s.wm.managed.get(&top).is_some_and(|m| m.kind.framed())
    });
    if framed_kind {
        raise_and_focus(s, top);
    }
}

/// Raises `w` to the top of its layer (override-redirect windows such as menus and
/// tooltips stay above it, and so do docks above a normal window), its dialogs with it,
/// and gives it the focus, unless the focus already is inside it (a client may have
/// focused one of its subwindows).
fn raise_and_focus(s: &mut State, w: WindowId) {
    crate::handlers::wm_hints::stack::raise(s, w);
    if !s.is_ancestor_or_self(w, s.input.focus) {
        focus::set_focus(s, w);
    }
}
