//! `yonder-x11`: unmodified X11 programs on a Yonder display.
//!
//! ```text
//! yonder-x11 [--x-display N] [-- PROGRAM ARGS...]
//! ```
//!
//! The bridge starts a private X server (Xvfb, the size of the Yonder screen and resized
//! with it), becomes its
//! window and compositing manager, and shows each top-level X window as a Yonder window
//! of the same size and title, each X program through a Yonder connection of its own (so
//! the display's window manager, `yonder-info` and quotas see it as an app). X's
//! `DISPLAY` and Yonder's `YONDER_DISPLAY` are separate name spaces: the bridge prints the
//! X display its programs use, and runs PROGRAM there. With a PROGRAM it ends when that
//! program does; on SIGINT or SIGTERM, it stops the program and its X server. If the
//! bridge dies otherwise, even by SIGKILL, its X server and programs die with it.
//!
//! # Layers
//!
//! Lowest first; a module uses only modules of the lines above its own.
//!
//! 1. `shadow`, `grab`, `xatom` — a copy of what a Yonder window shows, to send only
//!    what changed; pixels out of the X server (shared memory); X atoms by name.
//! 2. `xserver`, `screen`, `input`, `hints`, `mirror`, `cursor` — the private X server
//!    and its screen's size; input played into it; hints carried over; one window's
//!    Yonder side; X cursor names.
//! 3. `bridge` — the X side as window and compositing manager, the programs' Yonder
//!    connections, the clipboard and drag-and-drop between the two, and the loop.
//!
//! # Files
//!
//! * `xserver.rs` – the private Xvfb and the programs started on it
//! * `screen.rs`  – the X screen's size kept equal to the Yonder screen's (RandR)
//! * `bridge/`    – the X side: managing and compositing X windows, the event loop
//!   (`mod.rs`), the clipboard between the two sides (`clipboard.rs`), and Yonder drags
//!   dropped on X programs (`dnd.rs`)
//! * `mirror.rs`  – one X window's Yonder window: contents, geometry, title
//! * `shadow.rs`  – what a Yonder window shows: changed rows and scrolls found
//! * `grab.rs`    – pixels out of the X server, through shared memory where it can
//! * `xatom.rs`   – X atoms by name, a set of them in one round trip
//! * `hints.rs`   – an X window's hints (size, type, states, icon, dialogs) carried over
//! * `cursor.rs`  – X cursor names to Yonder cursor shapes
//! * `input.rs`   – Yonder input played into the X server (XTEST), keysyms to keycodes

mod bridge;
mod cursor;
mod grab;
mod hints;
mod input;
mod mirror;
mod screen;
mod shadow;
mod xatom;
mod xserver;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (own, program) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], args[i + 1..].to_vec()),
        None => (&args[..], Vec::new()),
    };
    let mut x_display = None;
    let mut it = own.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--x-display" => match it
                .next()
                .and_then(|n| n.trim_start_matches(':').parse().ok())
            {
                Some(n) => x_display = Some(n),
                None => {
                    eprintln!("yonder-x11: --x-display takes a display number, as 5 or :5");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("usage: yonder-x11 [--x-display N] [-- PROGRAM ARGS...]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("yonder-x11: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    match bridge::run(x_display, &program) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("yonder-x11: {e}");
            ExitCode::FAILURE
        }
    }
}
