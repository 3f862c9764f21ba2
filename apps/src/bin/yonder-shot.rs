//! `yonder-shot`: saves the screen, or one window, as a PNG file. It connects with the
//! display's trusted cookie (protocol.md §19), which reading the screen or another
//! client's window needs.

use clap::Parser;
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection};
use yonder_apps::die;
use yonder_protocol::request::ImageFormat;
use yonder_protocol::{Drawable, Rect, WindowId};

/// Saves the screen (or one window) as PNG.
#[derive(Parser)]
struct Args {
    /// Window id to save (decimal or 0x-hex); default the whole screen.
    #[arg(long)]
    window: Option<String>,
    /// Display to connect to (default: $YONDER_DISPLAY).
    #[arg(long)]
    display: Option<String>,
    /// Output file.
    file: std::path::PathBuf,
}

fn parse_id(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn main() {
    let args = Args::parse();
    // Reading the screen or another client's window needs the display's trusted cookie
    // (protocol.md §19): `YONDER_TRUSTED_COOKIE`, or the `:N+trusted` cookie-file line.
    let conn = Connection::connect_with(ConnectOptions {
        display: args.display.clone(),
        trusted: true,
        ..ConnectOptions::default()
    })
    .unwrap_or_else(|e| die("yonder-shot", e));
    let window = match &args.window {
        Some(s) => WindowId(
            parse_id(s).unwrap_or_else(|| die("yonder-shot", format!("bad window id {s:?}"))),
        ),
        None => conn.root(),
    };
    let geom = conn
        .get_geometry(Drawable(window.0))
        .reply()
        .unwrap_or_else(|e| die("yonder-shot", e));
    let rect = Rect::new(0, 0, geom.rect.width, geom.rect.height);
    let img = conn
        .get_image(Drawable(window.0), rect, ImageFormat::Png)
        .reply()
        .unwrap_or_else(|e| die("yonder-shot", e));
    std::fs::write(&args.file, &img.data)
        .unwrap_or_else(|e| die("yonder-shot", format!("{}: {e}", args.file.display())));
    println!(
        "{}x{} saved to {}",
        img.width,
        img.height,
        args.file.display()
    );
}
