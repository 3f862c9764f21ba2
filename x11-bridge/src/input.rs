//! Yonder input played into the bridge's X server with XTEST, as if from its own devices:
//! the pointer moved to the root position that matches where the user points in the
//! Yonder window, buttons, and keys. Yonder's keysyms are X's (protocol.md §14), so a key
//! goes to a keycode of the X server's keymap that lists its keysym; a keysym the keymap
//! lacks (a character the X keyboard cannot type) is given a keycode the keymap leaves
//! empty, so that any character typed arrives.

use std::collections::HashMap;
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

/// The X server's keymap as the bridge uses it.
pub struct Keymap {
    min: u8,
    per_code: usize,
    syms: Vec<u32>,
    /// Keysyms the bridge gave keycodes of their own.
    added: HashMap<u32, u8>,
    /// The Shift keys held, as played (left, right).
    shift: [bool; 2],
    /// The keycodes and buttons played down and not up yet: released when the window
    /// they went to loses the focus or goes, so that none stays down in the X server.
    down: Vec<u8>,
    buttons: Vec<u8>,
}

/// Shift_L and Shift_R.
const SHIFTS: [u32; 2] = [0xffe1, 0xffe2];

impl Keymap {
    /// Reads the X server's keymap.
    pub fn load(x: &RustConnection) -> Result<Keymap, String> {
        let setup = x.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let reply = x
            .get_keyboard_mapping(min, max - min + 1)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        Ok(Keymap {
            min,
            per_code: reply.keysyms_per_keycode as usize,
            syms: reply.keysyms,
            added: HashMap::new(),
            shift: [false; 2],
            down: Vec::new(),
            buttons: Vec::new(),
        })
    }

    /// The keycode that types `keysym`, and whether it needs Shift: one of the keymap's
    /// (its first two levels: plain and shifted), else a free one given it.
    fn keycode(&mut self, x: &RustConnection, keysym: u32) -> Option<(u8, bool)> {
        if self.per_code == 0 || keysym == 0 {
            return None;
        }
        let rows = self.syms.chunks(self.per_code);
        let found = rows
            .clone()
            .enumerate()
            .find_map(|(i, r)| r.iter().take(2).position(|s| *s == keysym).map(|l| (i, l)));
        if let Some((i, level)) = found {
            return Some((self.min + i as u8, level == 1));
        }
        if let Some(code) = self.added.get(&keysym) {
            return Some((*code, false));
        }
        let free = rows.clone().position(|r| r.iter().all(|s| *s == 0))?;
        let code = self.min + free as u8;
        let mut row = vec![0; self.per_code];
        row[0] = keysym;
        row[1.min(self.per_code - 1)] = keysym;
        x.change_keyboard_mapping(1, code, self.per_code as u8, &row)
            .ok()?;
        let at = free * self.per_code;
        self.syms[at..at + self.per_code].copy_from_slice(&row);
        self.added.insert(keysym, code);
        Some((code, false))
    }
}

/// Reads the keymap again (a program changed it: MappingNotify), keeping what is held.
pub fn reload(x: &RustConnection, keymap: &mut Keymap) {
    if let Ok(fresh) = Keymap::load(x) {
        let (shift, down, buttons) = (
            keymap.shift,
            std::mem::take(&mut keymap.down),
            std::mem::take(&mut keymap.buttons),
        );
        *keymap = Keymap {
            shift,
            down,
            buttons,
            ..fresh
        };
    }
}

/// Releases every key and button the bridge holds down in the X server.
pub fn release_all(x: &RustConnection, keymap: &mut Keymap, root: xproto::Window) {
    for code in std::mem::take(&mut keymap.down) {
        let _ = x.xtest_fake_input(xproto::KEY_RELEASE_EVENT, code, 0, root, 0, 0, 0);
    }
    for b in std::mem::take(&mut keymap.buttons) {
        let _ = x.xtest_fake_input(xproto::BUTTON_RELEASE_EVENT, b, 0, root, 0, 0, 0);
    }
    keymap.shift = [false; 2];
}

/// Plays the pointer's move to root position (`x`, `y`).
pub fn motion(x: &RustConnection, root: xproto::Window, at: (i32, i32)) {
    let clamp = |v: i32| v.clamp(i16::MIN as i32, i16::MAX as i32) as i16;
    let _ = x.xtest_fake_input(
        xproto::MOTION_NOTIFY_EVENT,
        0,
        0,
        root,
        clamp(at.0),
        clamp(at.1),
        0,
    );
}

/// Plays button `button` going down or up.
pub fn button(
    x: &RustConnection,
    keymap: &mut Keymap,
    root: xproto::Window,
    button: u8,
    pressed: bool,
) {
    keymap.buttons.retain(|b| *b != button);
    if pressed {
        keymap.buttons.push(button);
    }
    let kind = match pressed {
        true => xproto::BUTTON_PRESS_EVENT,
        false => xproto::BUTTON_RELEASE_EVENT,
    };
    let _ = x.xtest_fake_input(kind, button, 0, root, 0, 0, 0);
}

/// Plays the key of `keysym` going down or up. A character on a key's shifted level
/// (`>`, `A`) typed with no Shift held (synthetic input, an input method's text) is
/// played with Shift around it, so the program gets the character that was typed.
pub fn key(
    x: &RustConnection,
    keymap: &mut Keymap,
    root: xproto::Window,
    keysym: u32,
    pressed: bool,
) {
    if let Some(i) = SHIFTS.iter().position(|s| *s == keysym) {
        keymap.shift[i] = pressed;
    }
    let Some((code, shifted)) = keymap.keycode(x, keysym) else {
        return;
    };
    let play = |code: u8, down: bool| {
        let kind = match down {
            true => xproto::KEY_PRESS_EVENT,
            false => xproto::KEY_RELEASE_EVENT,
        };
        let _ = x.xtest_fake_input(kind, code, 0, root, 0, 0, 0);
    };
    let add_shift = shifted && pressed && !keymap.shift.contains(&true);
    let shift = add_shift
        .then(|| keymap.keycode(x, SHIFTS[0]))
        .flatten()
        .map(|(c, _)| c);
    if let Some(s) = shift {
        play(s, true);
    }
    keymap.down.retain(|c| *c != code);
    if pressed {
        keymap.down.push(code);
    }
    play(code, pressed);
    if let Some(s) = shift {
        play(s, false);
    }
}
