//! Lookups and argument checks over the state that the request handlers, the window
//! manager and input share: a window or drawable by id (or the protocol error saying it
//! is missing), fresh ids and sizes, who owns what, a window's title, and where frames are.
//! They read the state; none changes it (but [`State::new_surface`] makes a pixmap).

use super::wm::{frame_of, hit_test, FramePart};
use super::State;
use crate::command::fail;
use yonder_protocol::{
    atoms, ClientId, Drawable, ErrorCode, ModMask, Point, ProtocolError, Rect, WindowId,
};

impl State {
    /// The window, or a Window error.
    pub fn check_window(&self, w: WindowId) -> Result<&crate::state::Window, ProtocolError> {
        self.windows
            .get(&w)
            .ok_or_else(|| fail(ErrorCode::Window, w.0, format!("no window {w}")))
    }

    /// The drawable's size, or a Drawable error.
    pub fn check_drawable(&self, d: Drawable) -> Result<(u32, u32), ProtocolError> {
        self.surfaces
            .size(&d)
            .ok_or_else(|| fail(ErrorCode::Drawable, d.0, format!("no window or pixmap {d}")))
    }

    /// Checks that `raw` is a fresh id in `client`'s space, and that the client may
    /// hold one more resource (`config::Bounds::max_client_resources`).
    pub fn check_new_id(&self, client: ClientId, raw: u64) -> Result<(), ProtocolError> {
        let space = self.clients.get(&client).map(|c| c.id_space).unwrap_or(0);
        if yonder_protocol::id_space_of(raw) != space || raw as u32 == 0 {
            return Err(fail(
                ErrorCode::IdChoice,
                raw,
                format!("id {raw:#x} is not in this client's id space {space:#x}"),
            ));
        }
        let used = self.surfaces.contains_key(&Drawable(raw))
            || self.windows.contains_key(&WindowId(raw))
            || self.gcs.contains_key(&yonder_protocol::GcId(raw));
        if used {
            return Err(fail(
                ErrorCode::IdChoice,
                raw,
                format!("id {raw:#x} is already in use"),
            ));
        }
        self.check_resource_count(client, raw)
    }

    /// Checks the size of drawable `id` (new or resized) against the setup's limits
    /// (protocol.md §19.3): a side out of 1..=`max_drawable_side` is a Value error naming
    /// that side (the width when both are), more than `max_drawable_pixels` an Alloc
    /// error naming the drawable.
    pub fn check_size(&self, id: u64, width: u32, height: u32) -> Result<(), ProtocolError> {
        let max = self.max_drawable_side;
        let bad_side = |n: u32| n == 0 || n > max;
        if bad_side(width) || bad_side(height) {
            return Err(fail(
                ErrorCode::Value,
                if bad_side(width) { width } else { height } as u64,
                format!("size {width}x{height} must be 1..={max} on each side"),
            ));
        }
        let most = self.max_drawable_pixels;
        if width as u64 * height as u64 > most {
            return Err(fail(
                ErrorCode::Alloc,
                id,
                format!("{width}x{height} exceeds the {most} pixels one drawable may have"),
            ));
        }
        Ok(())
    }

    /// A new backing store of the given size filled with `color`.
    pub fn new_surface(
        &self,
        id: u64,
        width: u32,
        height: u32,
        color: yonder_protocol::Color,
    ) -> Result<tiny_skia::Pixmap, ProtocolError> {
        self.check_size(id, width, height)?;
        let mut pm = tiny_skia::Pixmap::new(width, height)
            .ok_or_else(|| fail(ErrorCode::Alloc, 0, "cannot allocate"))?;
        if color.0 != 0 {
            crate::render::fill_solid(
                &mut pm,
                crate::render::IRect::new(0, 0, width, height),
                color.0,
            );
        }
        Ok(pm)
    }

    /// Checks that `w` exists and belongs to `c`.
    pub fn check_own_window(&self, c: ClientId, w: WindowId) -> Result<(), ProtocolError> {
        self.check_window(w)?;
        if self.owner_of(w.0) != Some(c) {
            return Err(fail(
                ErrorCode::Match,
                w.0,
                format!("window {w} belongs to another client"),
            ));
        }
        Ok(())
    }

    /// The size hints of `w` (its `WM_NORMAL_HINTS`, protocol.md §16.2), none when it has
    /// none.
    pub fn size_hints(&self, w: WindowId) -> super::wm::SizeHints {
        self.property_named(w, super::wm::WM_NORMAL_HINTS)
            .map_or_else(Default::default, super::wm::SizeHints::parse)
    }

    /// Whether `w` lets the window manager give it the keyboard focus: not when its
    /// `WM_HINTS` (ICCCM) sets the input flag with `input` 0 (protocol.md §16.2).
    pub fn takes_focus(&self, w: WindowId) -> bool {
        self.property_named(w, yonder_protocol::hints::WM_HINTS)
            .and_then(yonder_protocol::hints::wants_input)
            != Some(false)
    }

    /// `w`'s type: the first atom of its `_NET_WM_WINDOW_TYPE` that names a type, else
    /// normal (protocol.md §16.7).
    pub fn window_type(&self, w: WindowId) -> super::wm::WindowType {
        use yonder_protocol::hints::{atom_list, NET_WM_WINDOW_TYPE};
        self.property_named(w, NET_WM_WINDOW_TYPE)
            .into_iter()
            .flat_map(atom_list)
            .find_map(|a| {
                super::wm::WindowType::from_atom_name(self.atoms.name(yonder_protocol::Atom(a))?)
            })
            .unwrap_or_default()
    }

    /// The window `w` is transient for (`WM_TRANSIENT_FOR`, one little-endian `u64`), if it
    /// names another existing top-level.
    pub fn transient_for(&self, w: WindowId) -> Option<WindowId> {
        let data = &self
            .windows
            .get(&w)?
            .properties
            .get(&atoms::WM_TRANSIENT_FOR)?
            .data;
        let parent = WindowId(u64::from_le_bytes(data.get(..8)?.try_into().ok()?));
        let top = self.windows.get(&parent)?.parent == WindowId::ROOT;
        (parent != w && top).then_some(parent)
    }

    /// The bytes of `w`'s property `name` (no such atom interned: none).
    pub(crate) fn property_named(&self, w: WindowId, name: &str) -> Option<&[u8]> {
        let atom = self.atoms.lookup(name)?;
        Some(&self.windows.get(&w)?.properties.get(&atom)?.data)
    }

    /// The title of `w`: `_NET_WM_NAME`, else `WM_NAME` (read as UTF-8), else the name its
    /// app gave when connecting.
    pub fn window_title(&self, w: WindowId) -> String {
        let Some(win) = self.windows.get(&w) else {
            return String::new();
        };
        for name in [atoms::NET_WM_NAME, atoms::WM_NAME] {
            if let Some(p) = win.properties.get(&name) {
                if !p.data.is_empty() {
                    return String::from_utf8_lossy(&p.data).into_owned();
                }
            }
        }
        self.owner_of(w.0)
            .and_then(|c| self.clients.get(&c))
            .map(|c| c.app_name.clone())
            .unwrap_or_default()
    }

    /// Whether the window manager manages `w`: a top-level (child of the root) that is not
    /// override-redirect and belongs to a connected client.
    pub fn is_manageable(&self, w: WindowId) -> bool {
        let Some(win) = self.windows.get(&w) else {
            return false;
        };
        self.wm.enabled
            && w != WindowId::ROOT
            && win.parent == WindowId::ROOT
            && !win.override_redirect
            && self
                .owner_of(w.0)
                .is_some_and(|c| self.clients.contains_key(&c))
    }

    /// The frame's outer rectangle in root coordinates, if `w` shows a frame now.
    pub fn frame_rect(&self, w: WindowId) -> Option<Rect> {
        let win = self.windows.get(&w)?;
        self.wm.is_framed(win).then(|| frame_of(win.rect))
    }

    /// The frame at root point `p`, if the topmost thing there is a frame (not a window).
    pub fn frame_at(&self, p: Point) -> Option<(WindowId, FramePart)> {
        let (at, found) = self.input.pointer_top;
        let top = if at == p {
            debug_assert_eq!(
                found,
                self.top_at(p),
                "the top-level at the pointer is stale: a change of the tree where the \
                 pointer is did not find it again (focus::tree_changed_in)"
            );
            found
        } else {
            self.top_at(p)
        }?;
        let win = self.windows.get(&top)?;
        let part = hit_test(win.rect, p)?;
        Some((top, self.wm.refine(top, win.rect, p, part)))
    }

    /// Modifiers and buttons as reported in events.
    pub fn input_mask(&self) -> ModMask {
        self.input.modifiers | self.input.buttons
    }
}
