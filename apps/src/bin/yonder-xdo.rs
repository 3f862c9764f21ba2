//! `yonder-xdo`: synthetic input from the command line, like xdotool, for scripts and
//! demos. Needs a server started with `--allow-synthetic-input`.
//!
//! Commands run in order: `mousemove X Y` (root coordinates), `mousedown B`, `mouseup B`,
//! `click B`, `key NAME...` (press and release: a character, or Return, Escape, Tab,
//! BackSpace, Delete, Left, Right, Up, Down, Home, End, or a chord like ctrl+s), `type TEXT`,
//! `sleep SECONDS`. Example: `yonder-xdo mousemove 100 80 mousedown 1 mousemove 400 300 mouseup 1`.

use std::time::Duration;
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::die;
use yonder_protocol::keysym;
use yonder_protocol::request::FakeKind;

fn named_keysym(name: &str) -> Option<u32> {
    Some(match name {
        "Return" | "Enter" => keysym::RETURN,
        "Escape" => keysym::ESCAPE,
        "Tab" => keysym::TAB,
        "BackSpace" => keysym::BACKSPACE,
        "Delete" => keysym::DELETE,
        "Left" => keysym::LEFT,
        "Right" => keysym::RIGHT,
        "Up" => keysym::UP,
        "Down" => keysym::DOWN,
        "Home" => keysym::HOME,
        "End" => keysym::END,
        "space" => keysym::SPACE,
        "shift" => keysym::SHIFT_L,
        "ctrl" | "control" => keysym::CONTROL_L,
        "alt" => keysym::ALT_L,
        "super" => keysym::SUPER_L,
        _ => {
            let mut chars = name.chars();
            let c = chars.next()?;
            return chars.next().is_none().then(|| keysym::from_char(c));
        }
    })
}

/// Presses the keys of a chord in order and releases them in reverse.
fn key(conn: &Connection, chord: &str) -> Result<(), String> {
    let syms: Vec<u32> = chord
        .split('+')
        .map(|k| named_keysym(k).ok_or_else(|| format!("unknown key {k:?}")))
        .collect::<Result<_, _>>()?;
    for s in &syms {
        conn.fake_input(FakeKind::KeyPress, *s, 0, 0);
    }
    for s in syms.iter().rev() {
        conn.fake_input(FakeKind::KeyRelease, *s, 0, 0);
    }
    Ok(())
}

fn run(conn: &Connection, args: &[String]) -> Result<(), String> {
    let mut it = args.iter();
    let num = |v: Option<&String>, what: &str| -> Result<i64, String> {
        v.ok_or_else(|| format!("{what} expects a number"))?
            .parse()
            .map_err(|_| format!("{what} expects a number"))
    };
    while let Some(cmd) = it.next() {
        match cmd.as_str() {
            "mousemove" => {
                let (x, y) = (num(it.next(), "mousemove")?, num(it.next(), "mousemove")?);
                conn.fake_input(FakeKind::Motion, 0, x as i32, y as i32);
            }
            "mousedown" | "mouseup" | "click" => {
                let b = num(it.next(), cmd)? as u32;
                if cmd != "mouseup" {
                    conn.fake_input(FakeKind::ButtonPress, b, 0, 0);
                }
                if cmd != "mousedown" {
                    conn.fake_input(FakeKind::ButtonRelease, b, 0, 0);
                }
            }
            "key" => key(conn, it.next().ok_or("key expects a key name")?)?,
            "type" => {
                for c in it.next().ok_or("type expects text")?.chars() {
                    let s = keysym::from_char(c);
                    conn.fake_input(FakeKind::KeyPress, s, 0, 0);
                    conn.fake_input(FakeKind::KeyRelease, s, 0, 0);
                }
            }
            "sleep" => {
                let secs: f64 = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("sleep expects seconds")?;
                conn.sync().map_err(|e| e.to_string())?;
                std::thread::sleep(Duration::from_secs_f64(secs.clamp(0.0, 3600.0)));
            }
            other => return Err(format!("unknown command {other:?}")),
        }
        // Each step is applied before the next, as a user's actions are.
        conn.sync().map_err(|e| e.to_string())?;
        if let Ok(Some(yonder::Incoming::Error(e))) = conn.poll_for_event() {
            return Err(e.to_string());
        }
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args[0] == "--help" {
        println!("usage: yonder-xdo COMMAND... (mousemove X Y, mousedown B, mouseup B, click B, key NAME, type TEXT, sleep S)");
        return;
    }
    let conn = Connection::connect(None).unwrap_or_else(|e| die("yonder-xdo", e));
    if let Err(e) = run(&conn, &args) {
        die("yonder-xdo", e);
    }
}
