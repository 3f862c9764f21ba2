//! Composing: turning the state's windows into screen pixels. Composing paints, for each
//! damaged rectangle of the [`Framebuffer`], the root's backing store and then every
//! viewable window bottom to top, each clipped by its ancestors (the
//! painter's algorithm over per-window backing stores). A managed window's frame (see
//! `wm`) is painted just before the window itself, in the same stacking slot, so
//! higher windows cover lower frames. Nothing is recomposed without damage.

use crate::render::{self, IRect, Pixmap};
use crate::state::{Framebuffer, IdMap, Window, Wm};
use yonder_protocol::{Drawable, Point, Rect, WindowId};

/// What composing reads: the window tree, every drawable's pixels and the window
/// manager's frames. Borrowed from the state for one composition.
pub struct Scene<'a> {
    /// The window tree.
    pub windows: &'a IdMap<WindowId, Window>,
    /// Backing stores by drawable.
    pub surfaces: &'a IdMap<Drawable, Pixmap>,
    /// The frames of managed windows.
    pub wm: &'a Wm,
    /// The drag icon and its top-left on the screen, drawn over everything.
    pub drag_icon: Option<(&'a Pixmap, Point)>,
    /// When set, only windows of this id space are painted: other clients' windows
    /// (and what is inside them) are left out. An untrusted client's GetImage of its
    /// own window (client isolation, see `state::isolation`).
    pub only_space: Option<u32>,
}

/// Recomposes the damaged areas of `fb`; returns them (empty when nothing changed).
pub fn compose(fb: &mut Framebuffer, scene: &Scene) -> Vec<Rect> {
    let damage = fb.take_damage();
    let stride = fb.width as usize;
    for d in &damage {
        paint_tree(
            scene,
            WindowId::ROOT,
            Point::new(0, 0),
            *d,
            &mut fb.pixels,
            stride,
            Point::new(0, 0),
        );
        if let Some((icon, at)) = scene.drag_icon {
            blend_overlay(icon, at, *d, &mut fb.pixels, stride, Point::new(0, 0));
        }
    }
    damage
}

/// Paints window `w` (whose origin is `origin` in the coordinates of `clip`) and its
/// viewable descendants into `dst`, limited to `clip`. `dst` covers the area whose
/// top-left is `dst_origin` in the same coordinates. Frames are painted only around
/// children of the root, so a window's own image never includes one.
pub fn paint_tree(
    scene: &Scene,
    w: WindowId,
    origin: Point,
    clip: Rect,
    dst: &mut [u32],
    stride: usize,
    dst_origin: Point,
) {
    let Some(win) = scene.windows.get(&w) else {
        return;
    };
    let r = Rect::new(origin.x, origin.y, win.rect.width, win.rect.height);
    let Some(area) = r.intersect(&clip) else {
        return;
    };
    if let Some(pm) = scene.surfaces.get(&Drawable(w.0)) {
        let dst_rect = IRect::new(
            area.x - dst_origin.x,
            area.y - dst_origin.y,
            area.width,
            area.height,
        );
        render::blit_to_xrgb(
            pm,
            area.x - origin.x,
            area.y - origin.y,
            dst,
            stride,
            dst_rect,
        );
    }
    for c in &win.children {
        if let Some(cw) = scene.windows.get(c) {
            let foreign = scene
                .only_space
                .is_some_and(|s| yonder_protocol::id_space_of(c.0) != s);
            if cw.mapped && !foreign {
                let co = Point::new(
                    origin.x.saturating_add(cw.rect.x),
                    origin.y.saturating_add(cw.rect.y),
                );
                if let Some(frame) = scene.wm.decoration_for(cw) {
                    let client = Rect::new(co.x, co.y, cw.rect.width, cw.rect.height);
                    frame.paint(client, area, dst, stride, dst_origin);
                }
                paint_tree(scene, *c, co, area, dst, stride, dst_origin);
            }
        }
    }
}

/// Blends `icon` (premultiplied RGBA) with its top-left at `at` over the part `clip` of an
/// `0x00RRGGBB` buffer whose top-left is `dst_origin`.
pub fn blend_overlay(
    icon: &Pixmap,
    at: Point,
    clip: Rect,
    dst: &mut [u32],
    stride: usize,
    dst_origin: Point,
) {
    let r = Rect::new(at.x, at.y, icon.width(), icon.height());
    let Some(area) = r.intersect(&clip) else {
        return;
    };
    let src = icon.pixels();
    for y in area.y..area.bottom() as i32 {
        for x in area.x..area.right() as i32 {
            let s = src[(y - at.y) as usize * icon.width() as usize + (x - at.x) as usize];
            let (dx, dy) = ((x - dst_origin.x) as usize, (y - dst_origin.y) as usize);
            let Some(d) = dst.get_mut(dy * stride + dx) else {
                continue;
            };
            let inv = 255 - s.alpha() as u32;
            let mix = |sc: u8, shift: u32| {
                (sc as u32 + ((*d >> shift) & 0xFF) * inv / 255).min(255) << shift
            };
            *d = mix(s.red(), 16) | mix(s.green(), 8) | mix(s.blue(), 0);
        }
    }
}
