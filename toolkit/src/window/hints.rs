//! What a [`Window`] tells the window manager (protocol.md §16.2 and §16.7): its kind
//! (dialog, splash screen, dock…), the window it is a dialog for, the sizes it may have,
//! whether it is maximised or fullscreen, and its icon. The kind and the window it
//! belongs to count at the first map, so they go in [`Window::open_hinted`]; the rest can
//! change at any time.

use super::{Window, WindowSpec};
use yonder::prelude::*;
use yonder::{Connection, ReplyError};
use yonder_protocol::hints::{
    Icon, SizeHints, WindowType, WmStates, NET_WM_ICON, NET_WM_STATE, NET_WM_WINDOW_TYPE,
    WM_NORMAL_HINTS,
};
use yonder_protocol::request::PropMode;
use yonder_protocol::{atoms, Atom, WindowId};

/// The hints a window starts with. `Hints::default()` is a normal window with none.
#[derive(Debug, Clone, Default)]
pub struct Hints<'a> {
    /// What kind of window it is: the window manager frames, focuses, places and stacks
    /// it accordingly (see [`WindowType`]: a dialog is framed and centred, a splash screen
    /// is centred with no frame, a dock has no frame and stays above normal windows).
    pub kind: WindowType,
    /// The window it is a dialog for: centred over it, raised with it.
    pub transient_for: Option<WindowId>,
    /// The sizes the user may resize it to.
    pub size: Option<SizeHints>,
    /// Maximised or fullscreen from the start.
    pub states: WmStates,
    /// Its icon, in one or more sizes (the title bar shows the one nearest 16 × 16).
    pub icons: &'a [Icon],
}

impl<'c> Window<'c> {
    /// Like [`Window::open`], with the window manager's hints set before the window is
    /// mapped (the first map is when the window manager reads its kind and the window it
    /// belongs to). Waits for the hints' atom names: a round trip for each hint given but
    /// `transient_for`.
    pub fn open_hinted(
        conn: &'c Connection,
        spec: WindowSpec,
        hints: &Hints,
    ) -> Result<Window<'c>, ReplyError> {
        let w = Window::create(conn, conn.root(), spec);
        if hints.kind != WindowType::Normal {
            let kind = w.atoms(&[NET_WM_WINDOW_TYPE, hints.kind.atom_name()])?;
            w.set_atoms(kind[0], &kind[1..]);
        }
        if let Some(parent) = hints.transient_for {
            conn.change_property(
                w.id,
                atoms::WM_TRANSIENT_FOR,
                atoms::WINDOW,
                PropMode::Replace,
                parent.0.to_le_bytes().to_vec(),
            );
        }
        if let Some(size) = &hints.size {
            w.set_size_hints(size)?;
        }
        if hints.states.any() {
            w.set_states(hints.states)?;
        }
        if !hints.icons.is_empty() {
            w.set_icon(hints.icons)?;
        }
        conn.map_window(w.id);
        Ok(w)
    }

    /// Tells the window manager which sizes the window may have (minimum, maximum,
    /// increments, aspect): the user's resizes keep to them (protocol.md §16.2), and so
    /// does the first map. Waits for the property's names the first time.
    pub fn set_size_hints(&self, hints: &SizeHints) -> Result<(), ReplyError> {
        let names = self.atoms(&[WM_NORMAL_HINTS, "WM_SIZE_HINTS"])?;
        self.conn.change_property(
            self.id,
            names[0],
            names[1],
            PropMode::Replace,
            hints.encode(),
        );
        Ok(())
    }

    /// Asks the window manager to maximise the window (across, down or both), make it
    /// fullscreen, or bring it back (`WmStates::default()`); before or after the map. The
    /// result arrives as a Configure event, and the user may change it again (the
    /// title bar's maximise button). The window's `_NET_WM_STATE` is replaced: other
    /// states set on it by someone else are dropped.
    pub fn set_states(&self, states: WmStates) -> Result<(), ReplyError> {
        let mut names = vec![NET_WM_STATE];
        names.extend(states.names());
        let atoms = self.atoms(&names)?;
        self.set_atoms(atoms[0], &atoms[1..]);
        Ok(())
    }

    /// Gives the window its icon, in one or more sizes; the window manager shows it in
    /// the title bar.
    pub fn set_icon(&self, icons: &[Icon]) -> Result<(), ReplyError> {
        let name = self.atoms(&[NET_WM_ICON])?[0];
        let data: Vec<u8> = icons.iter().flat_map(Icon::encode).collect();
        self.conn()
            .change_property(self.id, name, atoms::CARDINAL, PropMode::Replace, data);
        Ok(())
    }

    /// The atoms of `names`, asked for together (one round trip).
    fn atoms(&self, names: &[&str]) -> Result<Vec<Atom>, ReplyError> {
        let cookies: Vec<_> = names
            .iter()
            .map(|n| self.conn().intern_atom(n, false))
            .collect();
        cookies.into_iter().map(|c| Ok(c.reply()?.atom)).collect()
    }

    /// Sets property `name` to the list `values` (type `ATOM`).
    fn set_atoms(&self, name: Atom, values: &[Atom]) {
        let data: Vec<u8> = values.iter().flat_map(|a| a.0.to_le_bytes()).collect();
        self.conn()
            .change_property(self.id, name, atoms::ATOM, PropMode::Replace, data);
    }
}
