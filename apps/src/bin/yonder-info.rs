//! `yonder-info`: what `xdpyinfo` and `xwininfo -tree` tell about an X display — the
//! server, its screen and limits, the connected clients, and the window tree.

use clap::Parser;
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::die;
use yonder_protocol::reply::MapState;
use yonder_protocol::{atoms, Drawable, WindowId};

/// Describes the display: server, screen, clients and windows.
#[derive(Parser)]
struct Args {
    /// Display to connect to (default: $YONDER_DISPLAY).
    #[arg(long)]
    display: Option<String>,
}

fn title(conn: &Connection, w: WindowId) -> String {
    for prop in [atoms::NET_WM_NAME, atoms::WM_NAME] {
        if let Ok(p) = conn.get_property(w, prop, false).reply() {
            if !p.type_.is_none() {
                return format!(" \"{}\"", String::from_utf8_lossy(&p.data));
            }
        }
    }
    String::new()
}

fn print_tree(conn: &Connection, w: WindowId, depth: usize) -> Result<(), yonder::ReplyError> {
    let tree = conn.query_tree(w).reply()?;
    let geom = conn.get_geometry(Drawable(w.0)).reply()?;
    let attrs = conn.get_window_attributes(w).reply()?;
    let state = match attrs.map_state {
        MapState::Viewable => "viewable",
        MapState::Unviewable => "unviewable",
        MapState::Unmapped => "unmapped",
    };
    let r = geom.rect;
    println!(
        "{:indent$}{:#x}{}: {}x{}+{}+{} {state} client {}{}",
        "",
        w.0,
        title(conn, w),
        r.width,
        r.height,
        r.x,
        r.y,
        attrs.owner.0,
        if attrs.override_redirect {
            " override-redirect"
        } else {
            ""
        },
        indent = depth * 2
    );
    for c in tree.children.iter().rev() {
        print_tree(conn, *c, depth + 1)?;
    }
    Ok(())
}

fn main() {
    let args = Args::parse();
    let conn =
        Connection::connect(args.display.as_deref()).unwrap_or_else(|e| die("yonder-info", e));
    let setup = conn
        .setup()
        .unwrap_or_else(|e| die("yonder-info", e))
        .clone();
    println!("display:    {}", conn.display_name());
    println!("vendor:     {}", setup.vendor);
    println!("protocol:   {}.{}", setup.major, setup.minor);
    println!(
        "limits:     frames up to {} bytes, drawables up to {} px a side",
        setup.limits.max_frame_len, setup.limits.max_drawable_side
    );
    println!(
        "extensions: {}",
        if setup.extensions.is_empty() {
            "none".to_string()
        } else {
            setup.extensions.join(", ")
        }
    );
    println!("atoms:      {} predefined", setup.atoms.len());
    for (i, s) in setup.screens.iter().enumerate() {
        println!(
            "screen {i}:   {}x{} pixels ({}x{} mm), scale {}, depth {}, root {:#x}",
            s.width,
            s.height,
            s.width_mm,
            s.height_mm,
            s.scale_factor,
            s.pixel_format.depth,
            s.root.0
        );
    }
    let clients = conn
        .list_clients()
        .reply()
        .unwrap_or_else(|e| die("yonder-info", e));
    println!("clients:    {}", clients.clients.len());
    for c in &clients.clients {
        // A detached app lost its connection and is kept for it to come back.
        let detached = c
            .detached_secs
            .map(|s| format!(", detached {s} s ago, waiting to resume"))
            .unwrap_or_default();
        println!(
            "  client {} \"{}\": {} windows, {} pixmaps, {} GCs (id space {:#x}){detached}",
            c.id.0, c.app_name, c.windows, c.pixmaps, c.gcs, c.id_space
        );
    }
    println!("windows (top first):");
    if let Err(e) = print_tree(&conn, conn.root(), 1) {
        die("yonder-info", e);
    }
}
