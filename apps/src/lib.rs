//! Shared bits of the Yonder apps: the options every windowed app takes, the run-bounded
//! support that lets tests and CI run any app as a smoke test, and the modules the apps
//! are built from:
//!
//! * [`ui`] – a tiny toolkit: a top-level window with a title, close support and a back
//!   buffer, the event-loop step, and toolbar buttons
//! * [`pixels`] – decoding image files and sending pixels to the server in bands
//! * [`transfer`] – selections and drag-and-drop: offering data, receiving it, drag
//!   sources and drop targets, `text/uri-list`
//! * [`icons`] – the file-kind icons of the file browser (and of anything showing files)
//! * [`trash`] – the freedesktop trash can: putting files in, listing, restoring, emptying
//! * [`embed`] – the embedding convention between a container and an in-place part
//!
//! What is one app's own idea (a clock face, a paint canvas) stays in its binary.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `pixels`, `ui`, `embed` — image files and pixels in bands; the toolkit window and
//!    loop step; the embedding convention.
//! 2. `icons`, `transfer` — file-kind icons; selections and drag-and-drop.
//! 3. `trash` — the trash can (takes drops of files).

pub mod embed;
pub mod icons;
pub mod pixels;
pub mod transfer;
pub mod trash;
pub mod ui;

use std::time::{Duration, Instant};

/// A deadline from `--exit-after SECONDS` (none: run until closed).
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// A deadline `seconds` from now, or none.
    pub fn after(seconds: Option<f64>) -> Deadline {
        Deadline(seconds.map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0))))
    }
    /// Whether it has passed.
    pub fn passed(&self) -> bool {
        self.0.is_some_and(|d| Instant::now() >= d)
    }
    /// How long to wait for events at most: until the deadline, capped at `cap`.
    pub fn wait(&self, cap: Duration) -> Duration {
        match self.0 {
            Some(d) => d.saturating_duration_since(Instant::now()).min(cap),
            None => cap,
        }
    }
    /// The instant itself, if there is a deadline.
    pub fn instant(&self) -> Option<Instant> {
        self.0
    }
}

/// The options every windowed app takes (flattened into its own `clap` arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct WindowArgs {
    /// Display to connect to (default: $YONDER_DISPLAY).
    #[arg(long)]
    pub display: Option<String>,
    /// Exit cleanly after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub exit_after: Option<f64>,
    /// Window position on the screen (0, 0: let the window manager place it).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub x: i32,
    /// Window position on the screen (0, 0: let the window manager place it).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub y: i32,
}

/// Parses `WxH` (both sides 1..=16384), for `--size` options.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("size must look like 400x300, not {s:?}"))?;
    let side = |v: &str| {
        v.parse::<u32>()
            .ok()
            .filter(|n| (1..=16384).contains(n))
            .ok_or_else(|| format!("bad side {v:?} in {s:?} (1..=16384)"))
    };
    Ok((side(w)?, side(h)?))
}

/// Prints `msg` to stderr with the program's name and exits with status 1.
pub fn die(prog: &str, msg: impl std::fmt::Display) -> ! {
    eprintln!("{prog}: {msg}");
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("400x300"), Ok((400, 300)));
        assert!(parse_size("400").is_err());
        assert!(parse_size("0x10").is_err());
        assert!(parse_size("10x99999").is_err());
    }
}
