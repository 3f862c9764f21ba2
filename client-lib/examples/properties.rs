//! Sets properties on a window and reads them back: a UTF-8 string under a new atom,
//! a CARDINAL list grown with Append, then lists every property of the window.
//!
//! ```text
//! YONDER_DISPLAY=:0 cargo run -p yonder --example properties -- [TEXT]
//! ```

use std::error::Error;
use std::process::ExitCode;
use yonder::prelude::*;
use yonder::protocol::request::{PropMode, WindowAttributes};
use yonder::protocol::{atoms, Atom, Rect};
use yonder::Connection;

/// Little-endian u32s, the convention for CARDINAL and ATOM data.
fn u32s(data: &[u8]) -> Vec<u32> {
    data.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn atom_name(conn: &Connection, atom: Atom) -> Result<String, Box<dyn Error>> {
    if atom.is_none() {
        return Ok("None".into());
    }
    Ok(conn.get_atom_name(atom).reply()?.name)
}

fn run() -> Result<(), Box<dyn Error>> {
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "héllo, Yonder ✓".to_string());
    let conn = Connection::connect_and_wait(None)?;

    // An unmapped window of our own to hang the properties on.
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(0, 0, 1, 1),
        WindowAttributes::default(),
    );

    // Send both InternAtom requests before waiting for either reply: one round trip.
    let greeting = conn.intern_atom("YONDER_EXAMPLE_GREETING", false);
    let numbers = conn.intern_atom("YONDER_EXAMPLE_NUMBERS", false);
    let (greeting, numbers) = (greeting.reply()?.atom, numbers.reply()?.atom);

    conn.change_property(
        win,
        greeting,
        atoms::UTF8_STRING,
        PropMode::Replace,
        text.as_bytes(),
    );
    let first: Vec<u8> = [1u32, 2, 3].iter().flat_map(|n| n.to_le_bytes()).collect();
    conn.change_property(win, numbers, atoms::CARDINAL, PropMode::Replace, first);
    conn.change_property(
        win,
        numbers,
        atoms::CARDINAL,
        PropMode::Append,
        4u32.to_le_bytes(),
    );

    let got = conn.get_property(win, greeting, false).reply()?;
    println!(
        "{} ({}) = {:?}",
        atom_name(&conn, greeting)?,
        atom_name(&conn, got.type_)?,
        String::from_utf8_lossy(&got.data)
    );
    if got.type_ != atoms::UTF8_STRING || got.data != text.as_bytes() {
        return Err("the greeting did not read back as written".into());
    }

    let got = conn.get_property(win, numbers, false).reply()?;
    println!(
        "{} ({}) = {:?}",
        atom_name(&conn, numbers)?,
        atom_name(&conn, got.type_)?,
        u32s(&got.data)
    );

    let listed = conn.list_properties(win).reply()?.atoms;
    let names = listed
        .iter()
        .map(|&a| atom_name(&conn, a))
        .collect::<Result<Vec<_>, _>>()?;
    println!("window {win} has: {}", names.join(", "));

    conn.delete_property(win, greeting).check()?;
    let gone = conn.get_property(win, greeting, false).reply()?;
    println!(
        "after DeleteProperty the type is {}",
        atom_name(&conn, gone.type_)?
    );

    conn.destroy_window(win);
    conn.sync()?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("properties: {e}");
            ExitCode::FAILURE
        }
    }
}
