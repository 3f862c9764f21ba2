//! Keysyms: X11's numbering of key symbols, which Yonder keeps so that existing knowledge
//! (and tables) apply. Latin-1 characters are their own code point; other Unicode
//! characters are `0x0100_0000 + code point`; function keys live at `0xFFxx`.

/// BackSpace.
pub const BACKSPACE: u32 = 0xFF08;
/// Tab.
pub const TAB: u32 = 0xFF09;
/// Return / Enter.
pub const RETURN: u32 = 0xFF0D;
/// Escape.
pub const ESCAPE: u32 = 0xFF1B;
/// Delete.
pub const DELETE: u32 = 0xFFFF;
/// Home.
pub const HOME: u32 = 0xFF50;
/// Left arrow.
pub const LEFT: u32 = 0xFF51;
/// Up arrow.
pub const UP: u32 = 0xFF52;
/// Right arrow.
pub const RIGHT: u32 = 0xFF53;
/// Down arrow.
pub const DOWN: u32 = 0xFF54;
/// Page up.
pub const PAGE_UP: u32 = 0xFF55;
/// Page down.
pub const PAGE_DOWN: u32 = 0xFF56;
/// End.
pub const END: u32 = 0xFF57;
/// Insert.
pub const INSERT: u32 = 0xFF63;
/// F1 (F2..F12 follow).
pub const F1: u32 = 0xFFBE;
/// Left Shift.
pub const SHIFT_L: u32 = 0xFFE1;
/// Right Shift.
pub const SHIFT_R: u32 = 0xFFE2;
/// Left Control.
pub const CONTROL_L: u32 = 0xFFE3;
/// Right Control.
pub const CONTROL_R: u32 = 0xFFE4;
/// Caps Lock.
pub const CAPS_LOCK: u32 = 0xFFE5;
/// Left Alt.
pub const ALT_L: u32 = 0xFFE9;
/// Right Alt.
pub const ALT_R: u32 = 0xFFEA;
/// Left Super.
pub const SUPER_L: u32 = 0xFFEB;
/// Right Super.
pub const SUPER_R: u32 = 0xFFEC;
/// AltGr: the third level of a key (ISO_Level3_Shift).
pub const ISO_LEVEL3_SHIFT: u32 = 0xFE03;
/// Space.
pub const SPACE: u32 = 0x20;

/// The character a keysym types, if it types one (Return types '\r', Tab '\t', BackSpace '\u{8}').
pub fn to_char(keysym: u32) -> Option<char> {
    match keysym {
        0x20..=0x7E | 0xA0..=0xFF => char::from_u32(keysym),
        0x0100_0000..=0x0110_FFFF => char::from_u32(keysym - 0x0100_0000),
        RETURN => Some('\r'),
        TAB => Some('\t'),
        BACKSPACE => Some('\u{8}'),
        ESCAPE => Some('\u{1b}'),
        DELETE => Some('\u{7f}'),
        _ => None,
    }
}

/// The keysym for a character.
pub fn from_char(c: char) -> u32 {
    match c as u32 {
        cp @ (0x20..=0x7E | 0xA0..=0xFF) => cp,
        0x0D | 0x0A => RETURN,
        0x09 => TAB,
        0x08 => BACKSPACE,
        0x1B => ESCAPE,
        0x7F => DELETE,
        cp => 0x0100_0000 + cp,
    }
}

/// Whether the keysym is a modifier key.
pub fn is_modifier(keysym: u32) -> bool {
    (SHIFT_L..=SUPER_R).contains(&keysym)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_chars() {
        for c in ['a', 'Z', ' ', 'é', '€', '日'] {
            assert_eq!(to_char(from_char(c)), Some(c));
        }
        assert_eq!(to_char(RETURN), Some('\r'));
        assert_eq!(to_char(SHIFT_L), None);
    }
}
