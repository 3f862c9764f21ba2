//! Window lifetime, place in the tree and attributes: CreateWindow,
//! ChangeWindowAttributes, GetWindowAttributes, DestroyWindow, MapWindow, UnmapWindow,
//! ReparentWindow, GetGeometry, QueryTree.

use crate::command::{fail, HandlerResult};
use crate::events;
use crate::focus;
use crate::handlers::window_config;
use crate::state::quota::drawable_bytes;
use crate::state::{State, Window};
use crate::transfer::dnd;
use crate::transfer::selection;
use yonder_protocol::reply::{GeometryReply, MapState, QueryTreeReply, WindowAttributesReply};
use yonder_protocol::request::ReparentWindow;
use yonder_protocol::request::{
    ChangeWindowAttributes, CreateWindow, DestroyWindow, GetGeometry, GetWindowAttributes,
    MapWindow, QueryTree, UnmapWindow,
};
use yonder_protocol::{ClientId, Color, Drawable, ErrorCode, EventMask, Rect, Reply, WindowId};

// CreateWindow: [id, parent, [x, y, w, h], [background?, event_mask?, override_redirect?]]
pub(crate) fn create_window(s: &mut State, c: ClientId, r: CreateWindow) -> HandlerResult {
    s.check_new_id(c, r.id.0)?;
    s.check_window(r.parent)?;
    s.check_size(r.id.0, r.rect.width, r.rect.height)?;
    s.check_attributes(c, &r.attributes)?;
    s.check_depth(r.id, r.parent, 1)?;
    s.check_quota(r.id.0, drawable_bytes(r.rect.width, r.rect.height), 0)?;
    let background = r.attributes.background.unwrap_or(Color::WHITE);
    let surface = s.new_surface(r.id.0, r.rect.width, r.rect.height, background)?;
    let mut win = Window::new(r.id, r.parent, r.rect, background, false);
    win.override_redirect = r.attributes.override_redirect.unwrap_or(false);
    win.cursor = r.attributes.cursor.unwrap_or_default();
    if let Some(mask) = r.attributes.event_mask {
        win.select(c, mask);
    }
    s.windows.insert(r.id, win);
    s.put_surface(Drawable(r.id.0), surface);
    if background.alpha() == 255 {
        s.opaque.mark(Drawable(r.id.0));
    }
    if let Some(p) = s.windows.get_mut(&r.parent) {
        p.children.push(r.id);
    }
    s.persist.placed(r.id, r.parent);
    super::saveset::window_created(s, r.id);
    Ok(None)
}

// ChangeWindowAttributes: [window, [background?, event_mask?, override_redirect?]]
pub(crate) fn change_window_attributes(
    s: &mut State,
    c: ClientId,
    r: ChangeWindowAttributes,
) -> HandlerResult {
    s.check_window(r.window)?;
    s.check_attributes(c, &r.attributes)?;
    if let Some(mask) = r.attributes.event_mask {
        s.check_select(c, r.window, mask)?;
    }
    // A window manager frame may come or go with override-redirect: where it was.
    let framed_area = r
        .attributes
        .override_redirect
        .and_then(|_| s.visible_rect_with_frame(r.window));
    if r.attributes.override_redirect.is_some() {
        s.damage_window(r.window);
    }
    let win = s.windows.get_mut(&r.window).expect("checked");
    if let Some(bg) = r.attributes.background {
        win.background = bg;
    }
    if let Some(mask) = r.attributes.event_mask {
        win.select(c, mask);
    }
    if let Some(or) = r.attributes.override_redirect {
        win.override_redirect = or;
    }
    if let Some(cursor) = r.attributes.cursor {
        win.cursor = cursor;
        s.update_cursor();
    }
    if r.attributes.override_redirect.is_some() {
        s.damage_window(r.window);
        s.wm.restyle(r.window);
        let now = s.visible_rect_with_frame(r.window);
        focus::tree_changed_in(s, focus::either_or_both(framed_area, now));
    }
    Ok(None)
}

// GetWindowAttributes: [window] → WindowAttributesReply
pub(crate) fn get_window_attributes(
    s: &mut State,
    c: ClientId,
    r: GetWindowAttributes,
) -> HandlerResult {
    let win = s.check_window(r.window)?;
    let map_state = if !win.mapped {
        MapState::Unmapped
    } else if s.is_viewable(r.window) {
        MapState::Viewable
    } else {
        MapState::Unviewable
    };
    Ok(Some(Reply::WindowAttributes(WindowAttributesReply {
        map_state,
        override_redirect: win.override_redirect,
        background: win.background,
        your_event_mask: win.mask_of(c),
        // Only the bits the client's version defines (others' SCROLL, OWNER_CHANGE, DND).
        all_event_masks: win.all_masks() & EventMask::defined_in(s.minor_of(c)),
        owner: s.owner_of(r.window.0).unwrap_or_default(),
    })))
}

// DestroyWindow: [window]
pub(crate) fn destroy_window(s: &mut State, _c: ClientId, r: DestroyWindow) -> HandlerResult {
    if r.window == WindowId::ROOT {
        return Err(fail(
            ErrorCode::Access,
            r.window.0,
            "the root window cannot be destroyed",
        ));
    }
    s.check_window(r.window)?;
    destroy_subtree(s, r.window);
    Ok(None)
}

/// Destroys `w` and its descendants: damage, DestroyNotify innermost first, resources
/// freed, focus and grab released. Used by DestroyWindow and by client cleanup.
pub fn destroy_subtree(s: &mut State, w: WindowId) {
    let area = s.visible_rect_with_frame(w);
    s.damage_window(w);
    let grab_ended = focus::window_gone(s, w);
    if s.windows
        .get(&w)
        .is_some_and(|x| x.parent == WindowId::ROOT)
    {
        s.persist.mark();
    }
    for x in s.subtree_postorder(w) {
        events::notify_destroy(s, x);
        s.wm.window_destroyed(x);
        s.forget_for_checkpoint(x);
        selection::selections_window_gone(s, x);
        dnd::dnd_window_gone(s, x);
        if let Some(win) = s.take_window(x) {
            if let Some(p) = s.windows.get_mut(&win.parent) {
                // Looked for from the top of the stack, where a leaving client's windows
                // are found first (see `clients::disconnect`); a child is there once.
                if let Some(i) = p.children.iter().rposition(|k| *k == x) {
                    p.children.remove(i);
                }
            }
        }
        s.take_surface(Drawable(x.0));
    }
    focus::tree_changed(s, area, grab_ended);
}

// MapWindow: [window]
pub(crate) fn map_window(s: &mut State, _c: ClientId, r: MapWindow) -> HandlerResult {
    let win = s.check_window(r.window)?;
    if win.mapped {
        return Ok(None);
    }
    let first = super::wm_hints::first_map(s, r.window);
    s.windows.get_mut(&r.window).expect("checked").mapped = true;
    s.wm.restyle(r.window);
    events::notify_map(s, r.window);
    if s.is_viewable(r.window) {
        s.damage_window(r.window);
        events::expose_subtree(s, r.window);
        if first {
            focus::focus_new_window(s, r.window);
        }
        focus::tree_changed_in(s, s.visible_rect_with_frame(r.window));
    }
    Ok(None)
}

// UnmapWindow: [window]
pub(crate) fn unmap_window(s: &mut State, _c: ClientId, r: UnmapWindow) -> HandlerResult {
    let win = s.check_window(r.window)?;
    if !win.mapped || r.window == WindowId::ROOT {
        return Ok(None);
    }
    let area = s.visible_rect_with_frame(r.window);
    s.damage_window(r.window);
    s.windows.get_mut(&r.window).expect("checked").mapped = false;
    events::notify_unmap(s, r.window);
    s.wm.window_unmapped(r.window);
    let grab_ended = focus::window_gone(s, r.window);
    focus::tree_changed(s, area, grab_ended);
    Ok(None)
}

// GetGeometry: [drawable] → GeometryReply
pub(crate) fn get_geometry(s: &mut State, _c: ClientId, r: GetGeometry) -> HandlerResult {
    let (w, h) = s.check_drawable(r.drawable)?;
    let rect = match s.windows.get(&WindowId(r.drawable.0)) {
        Some(win) => win.rect,
        None => Rect::new(0, 0, w, h),
    };
    Ok(Some(Reply::Geometry(GeometryReply {
        root: WindowId::ROOT,
        rect,
    })))
}

// QueryTree: [window] → QueryTreeReply
pub(crate) fn query_tree(s: &mut State, _c: ClientId, r: QueryTree) -> HandlerResult {
    let win = s.check_window(r.window)?;
    Ok(Some(Reply::QueryTree(QueryTreeReply {
        root: WindowId::ROOT,
        parent: win.parent,
        children: win.children.clone(),
    })))
}

// ReparentWindow: [window, parent, x, y]
pub(crate) fn reparent_window(s: &mut State, _c: ClientId, r: ReparentWindow) -> HandlerResult {
    let win = s.check_window(r.window)?;
    let was_mapped = win.mapped;
    let old_parent = win.parent;
    s.check_window(r.parent)?;
    if r.window == WindowId::ROOT {
        return Err(fail(
            ErrorCode::Match,
            r.window.0,
            "the root window cannot be reparented",
        ));
    }
    if s.is_ancestor_or_self(r.window, r.parent) {
        return Err(fail(
            ErrorCode::Match,
            r.parent.0,
            "the new parent is the window or inside it",
        ));
    }
    s.check_depth(r.window, r.parent, s.subtree_height(r.window))?;
    if was_mapped {
        unmap_window(
            s,
            _c,
            yonder_protocol::request::UnmapWindow { window: r.window },
        )?;
    }
    if let Some(p) = s.windows.get_mut(&old_parent) {
        p.children.retain(|k| *k != r.window);
    }
    if let Some(p) = s.windows.get_mut(&r.parent) {
        p.children.push(r.window);
    }
    let win = s.windows.get_mut(&r.window).expect("checked");
    win.parent = r.parent;
    win.rect.x = r.x;
    win.rect.y = r.y;
    // The top-levels change: which of them holds the focus, which are framed.
    s.wm.restyle_all();
    if old_parent == WindowId::ROOT {
        s.persist.mark();
    }
    s.persist.placed(r.window, r.parent);
    window_config::notify_configure(s, r.window);
    if was_mapped {
        map_window(
            s,
            _c,
            yonder_protocol::request::MapWindow { window: r.window },
        )?;
    }
    Ok(None)
}
