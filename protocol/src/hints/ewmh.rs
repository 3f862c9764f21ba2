//! EWMH hints (protocol.md §16.7): what a window says about its kind (`_NET_WM_WINDOW_TYPE`),
//! the states it asks for (`_NET_WM_STATE`: maximised, fullscreen) and its icon
//! (`_NET_WM_ICON`). The first two hold atoms, the icon `CARDINAL`s, each as little-endian
//! `u32`s; atoms are named here and interned by each side. What the built-in window
//! manager does with each kind is stated here too, so that the server and a bridge from
//! X11 read the hints alike.

use super::word;

/// The window-type property: a list of atoms, the first one known counts.
pub const NET_WM_WINDOW_TYPE: &str = "_NET_WM_WINDOW_TYPE";
/// The state property: a list of atoms (the states below, and any others, kept as given).
pub const NET_WM_STATE: &str = "_NET_WM_STATE";
/// The icon property: `CARDINAL`s, one or more icons of width, height and then
/// width × height `0xAARRGGBB` pixels (not premultiplied), rows from the top.
pub const NET_WM_ICON: &str = "_NET_WM_ICON";

/// The largest side of an icon read from `_NET_WM_ICON`; larger ones are skipped.
pub const MAX_ICON_SIDE: u32 = 1024;

/// What kind of window this is (EWMH's `_NET_WM_WINDOW_TYPE_*`). A window without the
/// property, or with none of these, is [`WindowType::Normal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum WindowType {
    /// An app's main window.
    #[default]
    Normal,
    /// A dialog (usually with `WM_TRANSIENT_FOR`).
    Dialog,
    /// A palette or tool window kept beside the main one.
    Utility,
    /// A torn-off toolbar.
    Toolbar,
    /// A torn-off menu.
    Menu,
    /// A splash screen shown while an app starts.
    Splash,
    /// A panel or dock.
    Dock,
    /// A desktop background window.
    Desktop,
    /// A notification bubble.
    Notification,
    /// A tooltip.
    Tooltip,
    /// A menu popped up by a click.
    PopupMenu,
    /// A menu dropped from a menu bar.
    DropdownMenu,
    /// A combo box's list.
    Combo,
    /// The image dragged in drag-and-drop.
    Dnd,
}

/// Where a window is kept in the stack of top-levels: a window is never raised above one
/// of a higher layer (override-redirect windows are above all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// Below every other window (desktops).
    Below,
    /// Most windows.
    Normal,
    /// Above normal windows (docks, notifications, menus, tooltips).
    Above,
    /// A fullscreen window: above everything else but override-redirect windows.
    Fullscreen,
}

impl WindowType {
    /// Every type, in EWMH's order.
    pub const ALL: [WindowType; 14] = [
        WindowType::Normal,
        WindowType::Dialog,
        WindowType::Utility,
        WindowType::Toolbar,
        WindowType::Menu,
        WindowType::Splash,
        WindowType::Dock,
        WindowType::Desktop,
        WindowType::Notification,
        WindowType::Tooltip,
        WindowType::PopupMenu,
        WindowType::DropdownMenu,
        WindowType::Combo,
        WindowType::Dnd,
    ];

    /// The atom's name, e.g. `_NET_WM_WINDOW_TYPE_DIALOG`.
    pub fn atom_name(self) -> &'static str {
        match self {
            WindowType::Normal => "_NET_WM_WINDOW_TYPE_NORMAL",
            WindowType::Dialog => "_NET_WM_WINDOW_TYPE_DIALOG",
            WindowType::Utility => "_NET_WM_WINDOW_TYPE_UTILITY",
            WindowType::Toolbar => "_NET_WM_WINDOW_TYPE_TOOLBAR",
            WindowType::Menu => "_NET_WM_WINDOW_TYPE_MENU",
            WindowType::Splash => "_NET_WM_WINDOW_TYPE_SPLASH",
            WindowType::Dock => "_NET_WM_WINDOW_TYPE_DOCK",
            WindowType::Desktop => "_NET_WM_WINDOW_TYPE_DESKTOP",
            WindowType::Notification => "_NET_WM_WINDOW_TYPE_NOTIFICATION",
            WindowType::Tooltip => "_NET_WM_WINDOW_TYPE_TOOLTIP",
            WindowType::PopupMenu => "_NET_WM_WINDOW_TYPE_POPUP_MENU",
            WindowType::DropdownMenu => "_NET_WM_WINDOW_TYPE_DROPDOWN_MENU",
            WindowType::Combo => "_NET_WM_WINDOW_TYPE_COMBO",
            WindowType::Dnd => "_NET_WM_WINDOW_TYPE_DND",
        }
    }

    /// The type an atom's name stands for.
    pub fn from_atom_name(name: &str) -> Option<WindowType> {
        WindowType::ALL.into_iter().find(|t| t.atom_name() == name)
    }

    /// The window manager draws a frame around it (title bar, border, grip): normal
    /// windows, dialogs, utility windows and torn-off toolbars and menus. The others
    /// show bare, as the app drew them.
    pub fn framed(self) -> bool {
        matches!(
            self,
            WindowType::Normal
                | WindowType::Dialog
                | WindowType::Utility
                | WindowType::Toolbar
                | WindowType::Menu
        )
    }

    /// It takes the keyboard focus when first mapped (protocol.md §16.2), as the framed
    /// kinds do; splash screens, docks, desktops, notifications and popups never do.
    pub fn focused_on_map(self) -> bool {
        self.framed()
    }

    /// Its layer in the stack.
    pub fn layer(self) -> Layer {
        match self {
            WindowType::Desktop => Layer::Below,
            WindowType::Dock
            | WindowType::Notification
            | WindowType::Tooltip
            | WindowType::PopupMenu
            | WindowType::DropdownMenu
            | WindowType::Combo
            | WindowType::Dnd => Layer::Above,
            _ => Layer::Normal,
        }
    }
}

/// The states of `_NET_WM_STATE` the window manager acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct WmStates {
    /// As wide as the screen (the frame within it).
    pub maximized_horz: bool,
    /// As tall as the screen (the frame within it).
    pub maximized_vert: bool,
    /// The whole screen, with no frame, above the other windows.
    pub fullscreen: bool,
}

impl WmStates {
    /// The horizontal half of maximised.
    pub const MAXIMIZED_HORZ: &'static str = "_NET_WM_STATE_MAXIMIZED_HORZ";
    /// The vertical half of maximised.
    pub const MAXIMIZED_VERT: &'static str = "_NET_WM_STATE_MAXIMIZED_VERT";
    /// Fullscreen.
    pub const FULLSCREEN: &'static str = "_NET_WM_STATE_FULLSCREEN";

    /// Maximised both ways.
    pub const MAXIMIZED: WmStates = WmStates {
        maximized_horz: true,
        maximized_vert: true,
        fullscreen: false,
    };

    /// Maximised both ways.
    pub fn maximized(self) -> bool {
        self.maximized_horz && self.maximized_vert
    }

    /// Any state that changes the window's geometry.
    pub fn any(self) -> bool {
        self.maximized_horz || self.maximized_vert || self.fullscreen
    }

    /// Whether the atom named `name` is one of these states.
    pub fn is_state_name(name: &str) -> bool {
        [Self::MAXIMIZED_HORZ, Self::MAXIMIZED_VERT, Self::FULLSCREEN].contains(&name)
    }

    /// The states among atoms named `names` (others are ignored).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> WmStates {
        let mut s = WmStates::default();
        for name in names {
            match name {
                Self::MAXIMIZED_HORZ => s.maximized_horz = true,
                Self::MAXIMIZED_VERT => s.maximized_vert = true,
                Self::FULLSCREEN => s.fullscreen = true,
                _ => {}
            }
        }
        s
    }

    /// The names of the states set, in the order above.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.maximized_horz, Self::MAXIMIZED_HORZ),
            (self.maximized_vert, Self::MAXIMIZED_VERT),
            (self.fullscreen, Self::FULLSCREEN),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// The atoms of an `ATOM` property's bytes (a partial last one is ignored).
pub fn atom_list(data: &[u8]) -> impl Iterator<Item = u32> + '_ {
    (0..data.len() / 4).filter_map(|i| word(data, i))
}

/// One icon of a `_NET_WM_ICON` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icon {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `0xAARRGGBB`, not premultiplied, rows from the top.
    pub argb: Vec<u32>,
}

impl Icon {
    /// The icons a `_NET_WM_ICON` value holds, in order. Reading stops at the first one
    /// that is malformed (a side of 0 or above [`MAX_ICON_SIDE`], or fewer pixels than its
    /// size says).
    pub fn parse_all(data: &[u8]) -> Vec<Icon> {
        headers(data).into_iter().map(|h| h.read(data)).collect()
    }

    /// The icon to show at `side` × `side` pixels: the smallest at least that large on
    /// both sides, else the largest. Only that icon's pixels are read.
    pub fn best(data: &[u8], side: u32) -> Option<Icon> {
        let all = headers(data);
        let area = |h: &&Header| h.width as u64 * h.height as u64;
        let big_enough = all
            .iter()
            .filter(|h| h.width >= side && h.height >= side)
            .min_by_key(area);
        big_enough
            .or_else(|| all.iter().max_by_key(area))
            .map(|h| h.read(data))
    }

    /// The icon as the bytes of a `_NET_WM_ICON` value (append several for several sizes).
    pub fn encode(&self) -> Vec<u8> {
        [self.width, self.height]
            .iter()
            .chain(&self.argb)
            .flat_map(|v| v.to_le_bytes())
            .collect()
    }
}

/// Where one icon of a `_NET_WM_ICON` value is: its size, and its first pixel's word.
struct Header {
    width: u32,
    height: u32,
    start: usize,
}

impl Header {
    /// The icon's pixels, copied out of `data`.
    fn read(&self, data: &[u8]) -> Icon {
        let n = self.width as usize * self.height as usize;
        Icon {
            width: self.width,
            height: self.height,
            argb: (self.start..self.start + n)
                .filter_map(|i| word(data, i))
                .collect(),
        }
    }
}

/// The icons of a `_NET_WM_ICON` value, without their pixels: a walk over the sizes.
fn headers(data: &[u8]) -> Vec<Header> {
    let mut found = Vec::new();
    let mut at = 0usize;
    while let (Some(width), Some(height)) = (word(data, at), word(data, at + 1)) {
        let side = 1..=MAX_ICON_SIDE;
        if !side.contains(&width) || !side.contains(&height) {
            break;
        }
        let n = width as usize * height as usize;
        let start = at + 2;
        if data.len() / 4 < start + n {
            break;
        }
        found.push(Header {
            width,
            height,
            start,
        });
        at = start + n;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_types_name_their_atoms_and_kinds() {
        for t in WindowType::ALL {
            assert_eq!(WindowType::from_atom_name(t.atom_name()), Some(t));
        }
        assert_eq!(WindowType::from_atom_name("_NET_WM_WINDOW_TYPE_X"), None);
        assert!(WindowType::Dialog.framed() && WindowType::Dialog.focused_on_map());
        assert!(!WindowType::Splash.framed() && !WindowType::Dock.focused_on_map());
        assert_eq!(WindowType::Dock.layer(), Layer::Above);
        assert_eq!(WindowType::Desktop.layer(), Layer::Below);
        assert!(Layer::Fullscreen > Layer::Above && Layer::Above > Layer::Normal);
    }

    #[test]
    fn states_read_and_name_their_atoms() {
        let s = WmStates::from_names(["_NET_WM_STATE_ABOVE", WmStates::MAXIMIZED_VERT]);
        assert_eq!(
            s,
            WmStates {
                maximized_vert: true,
                ..WmStates::default()
            }
        );
        assert!(!s.maximized() && s.any());
        assert_eq!(WmStates::MAXIMIZED.names().len(), 2);
        assert_eq!(
            WmStates::from_names(WmStates::MAXIMIZED.names()),
            WmStates::MAXIMIZED
        );
        assert_eq!(
            atom_list(&[1, 0, 0, 0, 2, 0, 0, 0, 9]).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn the_examples_of_protocol_md_hold() {
        // §16.7: a 2 × 1 icon of one opaque red and one transparent pixel.
        let icon = Icon {
            width: 2,
            height: 1,
            argb: vec![0xFFFF_0000, 0],
        };
        let bytes = [2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];
        assert_eq!(icon.encode(), bytes);
        assert_eq!(Icon::parse_all(&bytes), [icon]);
        // The states as atoms 41 and 42: `29 00 00 00 2a 00 00 00`.
        let list: Vec<u32> = atom_list(&[0x29, 0, 0, 0, 0x2a, 0, 0, 0]).collect();
        assert_eq!(list, [41, 42]);
    }

    #[test]
    fn icons_are_read_and_the_best_size_chosen() {
        let icon = |side: u32| Icon {
            width: side,
            height: side,
            argb: vec![0xFF00_0000 | side; (side * side) as usize],
        };
        let mut data = icon(8).encode();
        data.extend(icon(32).encode());
        data.extend(icon(20).encode());
        assert_eq!(Icon::parse_all(&data).len(), 3);
        assert_eq!(
            Icon::best(&data, 16),
            Some(icon(20)),
            "smallest at least 16"
        );
        assert_eq!(Icon::best(&data, 48), Some(icon(32)), "else the largest");
        // Malformed tails are dropped, never a panic.
        let mut short = icon(4).encode();
        short.extend([5, 0, 0, 0, 5, 0, 0, 0, 1, 2]);
        assert_eq!(Icon::parse_all(&short), [icon(4)]);
        assert!(Icon::parse_all(&[0, 0, 0, 0, 1, 0, 0, 0]).is_empty());
        let huge = [0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0];
        assert!(Icon::parse_all(&huge).is_empty());
        assert_eq!(Icon::best(&[], 16), None);
    }
}
