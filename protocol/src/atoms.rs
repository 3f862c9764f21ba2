//! The predefined atoms: interned by the server at start, in this order, and sent to every
//! client in the setup reply so no round trip is needed for them.

use crate::ids::Atom;

/// Names of the predefined atoms; the atom of `PREDEFINED[i]` is `Atom(i + 1)`.
pub const PREDEFINED: &[&str] = &[
    "PRIMARY",
    "SECONDARY",
    "CLIPBOARD",
    "ATOM",
    "CARDINAL",
    "INTEGER",
    "STRING",
    "UTF8_STRING",
    "WINDOW",
    "PIXMAP",
    "WM_NAME",
    "WM_CLASS",
    "WM_PROTOCOLS",
    "WM_DELETE_WINDOW",
    "WM_TRANSIENT_FOR",
    "_NET_WM_NAME",
    "_NET_WM_PID",
    "TARGETS",
    "YONDER_DND",
    "text/plain;charset=utf-8",
    "image/png",
    "text/uri-list",
    "_YONDER_EMBED",
    "_YONDER_PART_DATA",
];

/// The atom for a predefined name.
pub const fn predefined(index: usize) -> Atom {
    Atom(index as u32 + 1)
}

/// `PRIMARY` selection.
pub const PRIMARY: Atom = predefined(0);
/// `SECONDARY` selection.
pub const SECONDARY: Atom = predefined(1);
/// `CLIPBOARD` selection.
pub const CLIPBOARD: Atom = predefined(2);
/// Type `ATOM` (little-endian u32 values).
pub const ATOM: Atom = predefined(3);
/// Type `CARDINAL` (little-endian u32 values).
pub const CARDINAL: Atom = predefined(4);
/// Type `INTEGER` (little-endian i32 values).
pub const INTEGER: Atom = predefined(5);
/// Type `STRING` (Latin-1 text).
pub const STRING: Atom = predefined(6);
/// Type `UTF8_STRING`.
pub const UTF8_STRING: Atom = predefined(7);
/// Type `WINDOW` (little-endian u64 ids).
pub const WINDOW: Atom = predefined(8);
/// Type `PIXMAP` (little-endian u64 ids).
pub const PIXMAP: Atom = predefined(9);
/// Property: the window's title.
pub const WM_NAME: Atom = predefined(10);
/// Property: instance and class names.
pub const WM_CLASS: Atom = predefined(11);
/// Property and client-message type for window-manager protocols.
pub const WM_PROTOCOLS: Atom = predefined(12);
/// The "please close" protocol.
pub const WM_DELETE_WINDOW: Atom = predefined(13);
/// Property: the window this one is a dialog for.
pub const WM_TRANSIENT_FOR: Atom = predefined(14);
/// Property: the window's title in UTF-8.
pub const NET_WM_NAME: Atom = predefined(15);
/// Property: the owning process id.
pub const NET_WM_PID: Atom = predefined(16);
/// Selection target listing the available types.
pub const TARGETS: Atom = predefined(17);
/// The selection that carries drag-and-drop data (owned by the drag source).
pub const YONDER_DND: Atom = predefined(18);
/// MIME type: UTF-8 text.
pub const TEXT_PLAIN_UTF8: Atom = predefined(19);
/// MIME type: a PNG image.
pub const IMAGE_PNG: Atom = predefined(20);
/// MIME type: a list of URIs, one per line (CRLF).
pub const TEXT_URI_LIST: Atom = predefined(21);
/// Client-message type of the embedding protocol.
pub const YONDER_EMBED: Atom = predefined(22);
/// Property where an embedded part publishes its content (e.g. a PNG).
pub const YONDER_PART_DATA: Atom = predefined(23);

#[cfg(test)]
mod tests {
    #[test]
    fn constants_match_table() {
        assert_eq!(super::PREDEFINED[super::TARGETS.0 as usize - 1], "TARGETS");
        assert_eq!(super::PREDEFINED[super::WM_NAME.0 as usize - 1], "WM_NAME");
    }
}
