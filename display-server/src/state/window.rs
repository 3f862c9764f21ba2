//! A window's metadata: place in the tree, geometry, map state, background, the event
//! selections of every client, and its properties. Its pixels live in `State::surfaces`.

use std::collections::HashMap;
use yonder_protocol::request::Cursor;
use yonder_protocol::{Atom, ClientId, Color, EventMask, Rect, WindowId};

/// A property value.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// Its type atom.
    pub type_: Atom,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// A window.
#[derive(Debug)]
pub struct Window {
    /// Its id.
    pub id: WindowId,
    /// Its parent (NONE for the root).
    pub parent: WindowId,
    /// Children, bottom to top.
    pub children: Vec<WindowId>,
    /// Position relative to the parent, and size.
    pub rect: Rect,
    /// Mapped flag (viewable needs all ancestors mapped too).
    pub mapped: bool,
    /// Not managed (menus, tooltips).
    pub override_redirect: bool,
    /// Background color.
    pub background: Color,
    /// Pointer shape over the window (Inherit: the parent's).
    pub cursor: Cursor,
    /// Each client's event selection on this window.
    pub selections: Vec<(ClientId, EventMask)>,
    /// Properties by name.
    pub properties: HashMap<Atom, Property>,
}

impl Window {
    /// A new window with no children, selections or properties.
    pub fn new(
        id: WindowId,
        parent: WindowId,
        rect: Rect,
        background: Color,
        mapped: bool,
    ) -> Window {
        Window {
            id,
            parent,
            children: Vec::new(),
            rect,
            mapped,
            override_redirect: false,
            background,
            cursor: Cursor::Inherit,
            selections: Vec::new(),
            properties: HashMap::new(),
        }
    }

    /// The selection of `client` (empty if none).
    pub fn mask_of(&self, client: ClientId) -> EventMask {
        self.selections
            .iter()
            .find(|(c, _)| *c == client)
            .map(|(_, m)| *m)
            .unwrap_or_default()
    }

    /// Sets the selection of `client` (empty removes it).
    pub fn select(&mut self, client: ClientId, mask: EventMask) {
        self.selections.retain(|(c, _)| *c != client);
        if !mask.is_empty() {
            self.selections.push((client, mask));
        }
    }

    /// The union of all selections.
    pub fn all_masks(&self) -> EventMask {
        self.selections
            .iter()
            .fold(EventMask::EMPTY, |a, (_, m)| a | *m)
    }

    /// The clients whose selection intersects `mask`.
    pub fn selecting(&self, mask: EventMask) -> Vec<ClientId> {
        self.selections
            .iter()
            .filter(|(_, m)| m.intersects(mask))
            .map(|(c, _)| *c)
            .collect()
    }
}
