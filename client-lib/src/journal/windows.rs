//! The app's windows in the journal ([`Windows`]): each own window's parent, geometry,
//! attributes and map state, the stacking of our windows among their own siblings, and
//! the attributes we set on other clients' windows (our event mask on the root, on an
//! embedder's window). Stacking relative to other clients' windows is not known here.

use std::collections::BTreeMap;
use yonder_protocol::request::{
    ChangeWindowAttributes, ConfigureWindow, CreateWindow, ReparentWindow, StackMode,
    WindowAttributes,
};
use yonder_protocol::{id_space_of, EventMask, Rect, WindowId};

/// One of the app's windows, as it is now.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Window {
    /// Its parent (ours or another client's).
    pub(super) parent: WindowId,
    /// Position relative to the parent, and size.
    pub(super) rect: Rect,
    /// Every attribute ever given (absent: never set, so the default).
    pub(super) attributes: WindowAttributes,
    /// Mapped (by us).
    pub(super) mapped: bool,
}

/// The app's windows (see the module doc).
#[derive(Debug, Default)]
pub(super) struct Windows {
    own: BTreeMap<WindowId, Window>,
    /// Our windows by parent (ours or not), bottom to top.
    children: BTreeMap<WindowId, Vec<WindowId>>,
    /// Attributes we set on other clients' windows, merged.
    foreign: BTreeMap<WindowId, WindowAttributes>,
}

/// Sets in `to` every attribute that `from` gives.
pub(super) fn merge_attributes(to: &mut WindowAttributes, from: &WindowAttributes) {
    let WindowAttributes {
        background,
        event_mask,
        override_redirect,
        cursor,
    } = from;
    to.background = background.or(to.background);
    to.event_mask = event_mask.or(to.event_mask);
    to.override_redirect = override_redirect.or(to.override_redirect);
    to.cursor = cursor.or(to.cursor);
}

impl Windows {
    /// Whether `w` is one of our live windows.
    pub(super) fn contains(&self, w: WindowId) -> bool {
        self.own.contains_key(&w)
    }

    /// One of our windows.
    pub(super) fn get(&self, w: WindowId) -> Option<&Window> {
        self.own.get(&w)
    }

    /// CreateWindow of an own id: on top of its siblings.
    pub(super) fn create(&mut self, r: &CreateWindow) {
        if self.own.contains_key(&r.id) {
            return; // an IdChoice error on the server: nothing changes
        }
        self.own.insert(
            r.id,
            Window {
                parent: r.parent,
                rect: r.rect,
                attributes: r.attributes.clone(),
                mapped: false,
            },
        );
        self.children.entry(r.parent).or_default().push(r.id);
    }

    /// ChangeWindowAttributes: merged into our window, or into what we set on another
    /// client's window (an id of our space that is not live is an error: ignored).
    pub(super) fn change(&mut self, id_space: u32, r: &ChangeWindowAttributes) {
        if let Some(w) = self.own.get_mut(&r.window) {
            merge_attributes(&mut w.attributes, &r.attributes);
        } else if id_space_of(r.window.0) != id_space {
            let to = self.foreign.entry(r.window).or_default();
            merge_attributes(to, &r.attributes);
        }
    }

    /// DestroyWindow: our window and its descendants go, or, for another client's
    /// window, our windows inside it. Returns our windows that went.
    pub(super) fn destroy(&mut self, w: WindowId) -> Vec<WindowId> {
        self.foreign.remove(&w);
        let mut gone = Vec::new();
        if let Some(win) = self.own.get(&w) {
            if let Some(siblings) = self.children.get_mut(&win.parent) {
                siblings.retain(|s| *s != w);
            }
            self.remove_subtree(w, &mut gone);
        } else {
            for child in self.children.remove(&w).unwrap_or_default() {
                self.remove_subtree(child, &mut gone);
            }
        }
        gone
    }

    fn remove_subtree(&mut self, w: WindowId, gone: &mut Vec<WindowId>) {
        let mut stack = vec![w];
        while let Some(x) = stack.pop() {
            if self.own.remove(&x).is_some() {
                gone.push(x);
            }
            stack.extend(self.children.remove(&x).unwrap_or_default());
        }
    }

    /// MapWindow / UnmapWindow of our window.
    pub(super) fn set_mapped(&mut self, w: WindowId, mapped: bool) {
        if let Some(win) = self.own.get_mut(&w) {
            win.mapped = mapped;
        }
    }

    /// ConfigureWindow of our window: geometry merged, restacked among our siblings (a
    /// sibling of another client's counts as none: on top, or at the bottom).
    pub(super) fn configure(&mut self, r: &ConfigureWindow) {
        let Some(win) = self.own.get_mut(&r.window) else {
            return;
        };
        let old = win.rect;
        win.rect = Rect::new(
            r.x.unwrap_or(old.x),
            r.y.unwrap_or(old.y),
            r.width.unwrap_or(old.width),
            r.height.unwrap_or(old.height),
        );
        let Some(mode) = r.stack_mode else {
            return;
        };
        let siblings = self.children.entry(win.parent).or_default();
        siblings.retain(|s| *s != r.window);
        let at = r
            .sibling
            .and_then(|sib| siblings.iter().position(|s| *s == sib));
        let index = match (mode, at) {
            (StackMode::Above, Some(i)) => i + 1,
            (StackMode::Above, None) => siblings.len(),
            (StackMode::Below, Some(i)) => i,
            (StackMode::Below, None) => 0,
        };
        siblings.insert(index, r.window);
    }

    /// ReparentWindow of our window: under its new parent, on top, at (x, y).
    pub(super) fn reparent(&mut self, r: &ReparentWindow) {
        let Some(win) = self.own.get_mut(&r.window) else {
            return;
        };
        let old_parent = std::mem::replace(&mut win.parent, r.parent);
        win.rect.x = r.x;
        win.rect.y = r.y;
        if let Some(siblings) = self.children.get_mut(&old_parent) {
            siblings.retain(|s| *s != r.window);
        }
        self.children.entry(r.parent).or_default().push(r.window);
    }

    /// Our windows in the order a new server must create them: each tree from its top
    /// (a window whose parent is not ours) down, parents before children, siblings
    /// bottom to top (each is created on top of the ones before).
    pub(super) fn creation_order(&self) -> Vec<WindowId> {
        let mut order = Vec::with_capacity(self.own.len());
        for (parent, kids) in &self.children {
            if self.own.contains_key(parent) {
                continue;
            }
            let mut stack: Vec<WindowId> = kids.iter().rev().copied().collect();
            while let Some(w) = stack.pop() {
                order.push(w);
                if let Some(grandkids) = self.children.get(&w) {
                    stack.extend(grandkids.iter().rev());
                }
            }
        }
        order
    }

    /// Our top-level windows (children of the root) that are mapped.
    pub(super) fn mapped_top_levels(&self) -> Vec<WindowId> {
        self.children
            .get(&WindowId::ROOT)
            .map(|kids| {
                kids.iter()
                    .filter(|w| self.own.get(w).is_some_and(|x| x.mapped))
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Our windows shown as far as we know (mapped, and every ancestor of ours mapped)
    /// that selected EXPOSURE, with their sizes: what a fresh server shows blank.
    pub(super) fn exposed(&self) -> Vec<(WindowId, Rect)> {
        let shown = |mut w: WindowId| loop {
            match self.own.get(&w) {
                Some(x) if x.mapped => w = x.parent,
                Some(_) => return false,
                None => return true,
            }
        };
        self.own
            .iter()
            .filter(|(w, x)| {
                x.attributes
                    .event_mask
                    .is_some_and(|m| m.contains(EventMask::EXPOSURE))
                    && shown(**w)
            })
            .map(|(w, x)| (*w, x.rect))
            .collect()
    }

    /// The attributes we set on other clients' windows.
    pub(super) fn foreign(&self) -> &BTreeMap<WindowId, WindowAttributes> {
        &self.foreign
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.own.len() * (std::mem::size_of::<(WindowId, Window)>() + 16)
            + self
                .children
                .values()
                .map(|v| 8 + v.capacity() * 8)
                .sum::<usize>()
            + self.foreign.len() * std::mem::size_of::<(WindowId, WindowAttributes)>()
    }
}
