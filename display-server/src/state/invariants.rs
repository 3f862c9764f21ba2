//! What must hold of the state between two requests, checked after a request's handler
//! panicked (see `dispatch::after_panic`) and after every op of the fuzz harness: the
//! window tree is a tree rooted at the root, each window's parent and children agree,
//! every window has a backing store of its size, the id spaces and the clients name each
//! other, every running total matches its recount (`recount`), and the checkpoint's tables
//! (`persist`, `restoring`) name only windows that exist, and every drawable believed
//! opaque (`opaque`) exists and is. The check walks
//! everything once; it is for the rare moment after a failure, never for the hot path.

use super::State;
use yonder_protocol::{Drawable, WindowId};

impl State {
    /// `Err` with the first broken rule found.
    pub fn check_invariants(&self) -> Result<(), String> {
        let Some(root) = self.windows.get(&WindowId::ROOT) else {
            return Err("the root window is gone".into());
        };
        if !root.parent.is_none() {
            return Err(format!("the root has a parent, {}", root.parent));
        }
        for (id, w) in &self.windows {
            if w.id != *id {
                return Err(format!("window {id} is filed as {}", w.id));
            }
            if *id != WindowId::ROOT {
                let Some(parent) = self.windows.get(&w.parent) else {
                    return Err(format!("window {id}'s parent {} does not exist", w.parent));
                };
                if parent.children.iter().filter(|c| **c == *id).count() != 1 {
                    return Err(format!(
                        "window {id} is not once among its parent's children"
                    ));
                }
                match self.surfaces.size(&Drawable(id.0)) {
                    None => return Err(format!("window {id} has no backing store")),
                    Some((pw, ph)) if (pw, ph) != (w.rect.width, w.rect.height) => {
                        return Err(format!(
                            "window {id}'s backing store is {}x{}, the window {}x{}",
                            pw, ph, w.rect.width, w.rect.height
                        ))
                    }
                    Some(_) => {}
                }
            }
            for c in &w.children {
                match self.windows.get(c) {
                    Some(child) if child.parent == *id => {}
                    _ => return Err(format!("window {id} lists {c}, which is not its child")),
                }
            }
        }
        // Every window is reached from the root exactly once: no cycle, no stray tree.
        if self.subtree_postorder(WindowId::ROOT).len() != self.windows.len() {
            return Err("some windows are not under the root".into());
        }
        for (space, client) in &self.spaces {
            match self.clients.get(client) {
                Some(c) if c.id_space == *space => {}
                _ => return Err(format!("id space {space:#x} names client {client:?}")),
            }
        }
        for c in self.clients.values() {
            if self.spaces.get(&c.id_space) != Some(&c.id) {
                return Err(format!("client {:?}'s id space is not its own", c.id));
            }
        }
        let exists = |w: WindowId| self.windows.contains_key(&w);
        self.persist.check(exists)?;
        if let Some(r) = &self.restoring {
            r.check(exists)?;
        }
        self.opaque
            .check(|d| self.surfaces.opaque_unless_away(&d))?;
        self.check_counts()
    }
}

#[cfg(test)]
mod tests {
    use crate::command::Incoming;
    use crate::state::test_support::state_with_client;
    use yonder_protocol::request::CreateWindow;
    use yonder_protocol::{make_id, Rect, Request, WindowId};

    /// A state with one client's 4×4 window (white: opaque), and the client's output.
    fn state_with_window() -> (
        crate::state::State,
        WindowId,
        tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    ) {
        let (mut s, c, rx) = state_with_client(64, 64, false);
        let w = WindowId(make_id(7, 1));
        let create = Request::CreateWindow(CreateWindow {
            id: w,
            parent: WindowId::ROOT,
            rect: Rect::new(0, 0, 4, 4),
            attributes: Default::default(),
        });
        crate::dispatch::handle_request(&mut s, c, Incoming::Request(create));
        (s, w, rx)
    }

    #[test]
    fn a_whole_state_passes_and_a_broken_tree_is_named() {
        let (mut s, w, _rx) = state_with_window();
        assert!(s.windows.contains_key(&w));
        assert_eq!(s.check_invariants(), Ok(()));
        // A child its parent does not list.
        let root = s.windows.get_mut(&WindowId::ROOT).unwrap();
        root.children.retain(|x| *x != w);
        let broken = s.check_invariants().unwrap_err();
        assert!(broken.contains("among its parent's children"), "{broken}");
    }

    #[test]
    fn a_drawable_wrongly_believed_opaque_is_named() {
        let (mut s, w, _rx) = state_with_window();
        let d = yonder_protocol::Drawable(w.0);
        assert!(s.opaque.contains(d), "white background: opaque");
        assert_eq!(s.check_invariants(), Ok(()));
        s.surfaces.get_mut(&d).unwrap().data_mut()[7] = 0;
        let broken = s.check_invariants().unwrap_err();
        assert!(broken.contains("believed opaque and is not"), "{broken}");
        s.opaque.forget(d);
        assert_eq!(s.check_invariants(), Ok(()));
    }
}
