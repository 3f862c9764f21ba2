//! X cursor names to Yonder cursor shapes. X programs name their cursors (Xcursor's
//! names, or the core cursor font's: `xterm`, `hand2`, `sb_h_double_arrow`); XFixes tells
//! the bridge the name of the cursor the X server shows, and the Yonder window under the
//! pointer takes the nearest of the display's shapes.

use yonder_protocol::request::Cursor;

/// The Yonder cursor nearest to X's cursor named `name` (the default arrow for names it
/// does not know; nothing for the blank cursor programs hide the pointer with).
pub fn from_name(name: &str) -> Cursor {
    match name {
        "xterm" | "text" | "ibeam" | "vertical-text" => Cursor::Text,
        "hand" | "hand1" | "hand2" | "pointer" | "pointing_hand" => Cursor::Pointer,
        "watch" | "wait" | "clock" => Cursor::Wait,
        "left_ptr_watch" | "progress" | "half-busy" => Cursor::Progress,
        "crosshair" | "cross" | "tcross" | "cross_reverse" | "diamond_cross" => Cursor::Crosshair,
        "fleur" | "move" | "all-scroll" | "size_all" => Cursor::Move,
        "sb_h_double_arrow" | "h_double_arrow" | "ew-resize" | "col-resize" | "left_side"
        | "right_side" | "e-resize" | "w-resize" | "size_hor" => Cursor::EwResize,
        "sb_v_double_arrow" | "v_double_arrow" | "ns-resize" | "row-resize" | "top_side"
        | "bottom_side" | "n-resize" | "s-resize" | "size_ver" => Cursor::NsResize,
        "bottom_right_corner"
        | "top_left_corner"
        | "nwse-resize"
        | "se-resize"
        | "nw-resize"
        | "size_fdiag" => Cursor::NwseResize,
        "bottom_left_corner" | "top_right_corner" | "nesw-resize" | "sw-resize" | "ne-resize"
        | "size_bdiag" => Cursor::NeswResize,
        "not-allowed" | "crossed_circle" | "no-drop" | "forbidden" => Cursor::NotAllowed,
        "question_arrow" | "help" | "whats_this" => Cursor::Help,
        "grab" | "openhand" => Cursor::Grab,
        "grabbing" | "closedhand" | "dnd-move" => Cursor::Grabbing,
        "copy" | "dnd-copy" => Cursor::Copy,
        "alias" | "dnd-link" | "link" => Cursor::Alias,
        "none" | "blank" => Cursor::Hidden,
        _ => Cursor::Default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_names_map_to_the_nearest_shape() {
        assert_eq!(from_name("xterm"), Cursor::Text);
        assert_eq!(from_name("hand2"), Cursor::Pointer);
        assert_eq!(from_name("sb_h_double_arrow"), Cursor::EwResize);
        assert_eq!(from_name("bottom_right_corner"), Cursor::NwseResize);
        assert_eq!(from_name("left_ptr"), Cursor::Default);
        assert_eq!(from_name("something-new"), Cursor::Default);
    }
}
