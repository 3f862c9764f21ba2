//! Shared bits of the Yonder apps: the options every windowed app takes and the modules
//! that are the apps' own (the toolkit they are built on is `yonder-toolkit`):
//!
//! * [`icons`] – the file-kind icons of the file browser (and of anything showing files)
//! * [`trash`] – the freedesktop trash can: putting files in, listing, restoring, emptying
//!
//! What is one app's own idea (a clock face, a paint canvas) stays in its binary.
//!
//! # Layers
//!
//! Lowest first. A module may use the modules of its own line and of the lines above it,
//! never one below, and no two modules may use each other (`tests/architecture.rs`).
//!
//! 1. `icons` — file-kind icons.
//! 2. `trash` — the trash can (takes drops of files).

pub mod icons;
pub mod trash;

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
