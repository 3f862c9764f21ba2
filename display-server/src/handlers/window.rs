//! Window lifetime and attributes: CreateWindow, ChangeWindowAttributes,
//! GetWindowAttributes, DestroyWindow, MapWindow, UnmapWindow, GetGeometry, QueryTree.

use crate::command::{fail, HandlerResult};
use crate::state::quota::drawable_bytes;
use crate::state::{State, Window};
use yonder_protocol::reply::{GeometryReply, MapState, QueryTreeReply, WindowAttributesReply};
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::request::{
    ChangeWindowAttributes, CreateWindow, DestroyWindow, GetGeometry, GetWindowAttributes,
    MapWindow, QueryTree, UnmapWindow,
};
use yonder_protocol::Size;
use yonder_protocol::{ClientId, Color, Drawable, ErrorCode, Rect, Reply, WindowId};

impl State {
    // CreateWindow: [id, parent, [x, y, w, h], [background?, event_mask?, override_redirect?]]
    pub(crate) fn create_window(&mut self, c: ClientId, r: CreateWindow) -> HandlerResult {
        self.check_new_id(c, r.id.0)?;
        self.check_window(r.parent)?;
        self.check_size(r.rect.width, r.rect.height)?;
        self.check_quota(r.id.0, drawable_bytes(r.rect.width, r.rect.height), 0)?;
        let background = r.attributes.background.unwrap_or(Color::WHITE);
        let surface = self.new_surface(r.rect.width, r.rect.height, background)?;
        let mut win = Window::new(r.id, r.parent, r.rect, background, false);
        win.override_redirect = r.attributes.override_redirect.unwrap_or(false);
        win.cursor = r.attributes.cursor.unwrap_or_default();
        if let Some(mask) = r.attributes.event_mask {
            win.select(c, mask);
        }
        self.windows.insert(r.id, win);
        self.put_surface(Drawable(r.id.0), surface);
        if let Some(p) = self.windows.get_mut(&r.parent) {
            p.children.push(r.id);
        }
        Ok(None)
    }

    // ChangeWindowAttributes: [window, [background?, event_mask?, override_redirect?]]
    pub(crate) fn change_window_attributes(
        &mut self,
        c: ClientId,
        r: ChangeWindowAttributes,
    ) -> HandlerResult {
        self.check_window(r.window)?;
        if let Some(mask) = r.attributes.event_mask {
            self.check_select(c, r.window, mask)?;
        }
        if r.attributes.override_redirect.is_some() {
            // A window manager frame may come or go with it.
            self.damage_window(r.window);
        }
        let win = self.windows.get_mut(&r.window).expect("checked");
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
            self.update_cursor();
        }
        if r.attributes.override_redirect.is_some() {
            self.damage_window(r.window);
        }
        Ok(None)
    }

    // GetWindowAttributes: [window] → WindowAttributesReply
    pub(crate) fn get_window_attributes(
        &mut self,
        c: ClientId,
        r: GetWindowAttributes,
    ) -> HandlerResult {
        let win = self.check_window(r.window)?;
        let map_state = if !win.mapped {
            MapState::Unmapped
        } else if self.is_viewable(r.window) {
            MapState::Viewable
        } else {
            MapState::Unviewable
        };
        Ok(Some(Reply::WindowAttributes(WindowAttributesReply {
            map_state,
            override_redirect: win.override_redirect,
            background: win.background,
            your_event_mask: win.mask_of(c),
            all_event_masks: win.all_masks(),
            owner: self.owner_of(r.window.0).unwrap_or_default(),
        })))
    }

    // DestroyWindow: [window]
    pub(crate) fn destroy_window(&mut self, _c: ClientId, r: DestroyWindow) -> HandlerResult {
        if r.window == WindowId::ROOT {
            return Err(fail(
                ErrorCode::Access,
                r.window.0,
                "the root window cannot be destroyed",
            ));
        }
        self.check_window(r.window)?;
        self.destroy_subtree(r.window);
        Ok(None)
    }

    /// Destroys `w` and its descendants: damage, DestroyNotify innermost first, resources
    /// freed, focus and grab released. Used by DestroyWindow and by client cleanup.
    pub fn destroy_subtree(&mut self, w: WindowId) {
        self.damage_window(w);
        self.window_gone(w);
        for x in self.subtree_postorder(w) {
            self.notify_destroy(x);
            self.wm.window_destroyed(x);
            self.selections_window_gone(x);
            self.dnd_window_gone(x);
            if let Some(win) = self.windows.remove(&x) {
                if let Some(p) = self.windows.get_mut(&win.parent) {
                    p.children.retain(|k| *k != x);
                }
            }
            self.take_surface(Drawable(x.0));
        }
        self.update_pointer_window();
    }

    // MapWindow: [window]
    pub(crate) fn map_window(&mut self, _c: ClientId, r: MapWindow) -> HandlerResult {
        let win = self.check_window(r.window)?;
        if win.mapped {
            return Ok(None);
        }
        self.wm_window_mapping(r.window);
        self.windows.get_mut(&r.window).expect("checked").mapped = true;
        self.notify_map(r.window);
        if self.is_viewable(r.window) {
            self.damage_window(r.window);
            self.expose_subtree(r.window);
            self.update_pointer_window();
        }
        Ok(None)
    }

    // UnmapWindow: [window]
    pub(crate) fn unmap_window(&mut self, _c: ClientId, r: UnmapWindow) -> HandlerResult {
        let win = self.check_window(r.window)?;
        if !win.mapped || r.window == WindowId::ROOT {
            return Ok(None);
        }
        self.damage_window(r.window);
        self.windows.get_mut(&r.window).expect("checked").mapped = false;
        self.notify_unmap(r.window);
        self.wm.window_unmapped(r.window);
        self.window_gone(r.window);
        self.update_pointer_window();
        Ok(None)
    }

    // GetGeometry: [drawable] → GeometryReply
    pub(crate) fn get_geometry(&mut self, _c: ClientId, r: GetGeometry) -> HandlerResult {
        let (w, h) = self.check_drawable(r.drawable)?;
        let rect = match self.windows.get(&WindowId(r.drawable.0)) {
            Some(win) => win.rect,
            None => Rect::new(0, 0, w, h),
        };
        Ok(Some(Reply::Geometry(GeometryReply {
            root: WindowId::ROOT,
            rect,
        })))
    }

    // QueryTree: [window] → QueryTreeReply
    pub(crate) fn query_tree(&mut self, _c: ClientId, r: QueryTree) -> HandlerResult {
        let win = self.check_window(r.window)?;
        Ok(Some(Reply::QueryTree(QueryTreeReply {
            root: WindowId::ROOT,
            parent: win.parent,
            children: win.children.clone(),
        })))
    }

    /// Hook: `w` is about to be mapped. The first time a managed window is mapped the
    /// window manager takes it into management and places it; a move is a ConfigureWindow
    /// (as the window manager's moves are), so the client gets its Configure event before
    /// its Map event, as under an X window manager.
    fn wm_window_mapping(&mut self, w: WindowId) {
        if !self.is_manageable(w) {
            return;
        }
        let Some(rect) = self.windows.get(&w).map(|x| x.rect) else {
            return;
        };
        let screen = Size::new(self.framebuffer.width, self.framebuffer.height);
        if let Some(at) = self.wm.manage(w, rect, screen) {
            let change = ConfigureWindow {
                window: w,
                x: Some(at.x),
                y: Some(at.y),
                ..Default::default()
            };
            let owner = self.owner_of(w.0).unwrap_or_default();
            if let Err(e) = self.configure_window(owner, change) {
                tracing::debug!(window = %w, error = %e, "window manager configure failed");
            }
        }
    }
}
