//! `yonder-move`: moves a running app, with all its windows, from one display to another
//! while it runs (protocol.md §5.5). The mover holds both displays' cookies: it asks the
//! display the app goes to for a one-time migration token (an ordinary cookie of that
//! display is enough), and asks the display the app is on, with its trusted cookie, to
//! pass the token on. The app's library does the move and reports; this prints how it
//! ended and exits 0 only if the app moved.
//!
//! ```text
//! yonder-move --window 0x5eed000100000001 --to tls:otherhost:1
//! yonder-move --app yclock --from :0 --to :1
//! ```

use clap::Parser;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::reply::ClientInfo;
use yonder::protocol::{id_space_of, ClientId, Event};
use yonder::{ConnectOptions, Connection, Incoming, Reconnect, ReplyError};
use yonder_apps::die;

const PROG: &str = "yonder-move";

/// Moves an app with all its windows to another display, while it runs.
#[derive(Parser)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["client", "window", "app"])))]
struct Args {
    /// The app, by its client number on the display it is on (as yonder-info lists it).
    #[arg(long)]
    client: Option<u32>,
    /// The app that owns this window (hexadecimal with 0x, or decimal).
    #[arg(long, value_parser = parse_id)]
    window: Option<u64>,
    /// The app by name, if exactly one app of that name is on the display.
    #[arg(long)]
    app: Option<String>,
    /// The display the app is on (default: $YONDER_DISPLAY). Its trusted cookie is
    /// needed: only the user moves other apps.
    #[arg(long)]
    from: Option<String>,
    /// The display to move to (`:N`, `host:N`, `tls:host:N`).
    #[arg(long)]
    to: String,
    /// How long to wait for the app to say how the move ended, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
}

fn parse_id(s: &str) -> Result<u64, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.map_err(|e| format!("{s:?} is not a window id: {e}"))
}

/// The client the arguments name, among `clients`.
fn pick<'a>(args: &Args, clients: &'a [ClientInfo]) -> Result<&'a ClientInfo, String> {
    let found: Vec<&ClientInfo> = clients
        .iter()
        .filter(|c| match (&args.client, &args.window, &args.app) {
            (Some(id), _, _) => c.id == ClientId(*id),
            (_, Some(w), _) => c.id_space == id_space_of(*w),
            (_, _, Some(name)) => &c.app_name == name,
            _ => false,
        })
        .collect();
    match found[..] {
        [one] => Ok(one),
        [] => Err("no such app on that display (yonder-info lists them)".into()),
        _ => Err(format!(
            "{} apps are named so: choose one with --client ({})",
            found.len(),
            found
                .iter()
                .map(|c| c.id.0.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn main() {
    let args = Args::parse();
    let here = Connection::connect_with(ConnectOptions {
        display: args.from.clone(),
        trusted: true,
        app_name: Some(PROG.into()),
        reconnect: Reconnect::ExitAtOnce,
        ..ConnectOptions::default()
    })
    .unwrap_or_else(|e| die(PROG, format!("the display the app is on: {e}")));
    let from = here.display_name();
    let clients = here
        .list_clients()
        .reply()
        .unwrap_or_else(|e| die(PROG, format!("{from}: {e}")))
        .clients;
    let app = pick(&args, &clients).unwrap_or_else(|e| die(PROG, format!("{from}: {e}")));
    if app.detached_secs.is_some() {
        die(
            PROG,
            format!(
                "{} (client {}) has lost its connection to {from}: it cannot move now",
                app.app_name, app.id.0
            ),
        );
    }
    let there = Connection::connect_with(ConnectOptions {
        display: Some(args.to.clone()),
        app_name: Some(PROG.into()),
        reconnect: Reconnect::ExitAtOnce,
        ..ConnectOptions::default()
    })
    .unwrap_or_else(|e| die(PROG, format!("the display to move to: {e}")));
    let token = there
        .grant_move(&app.app_name)
        .reply()
        .unwrap_or_else(|e| die(PROG, format!("{}: no migration token: {e}", args.to)));
    let started = Instant::now();
    match here.move_client(app.id, &args.to, &token.token).check() {
        Ok(()) => {}
        Err(ReplyError::Protocol(e)) => die(PROG, format!("{from}: {}", e.message)),
        Err(e) => die(PROG, format!("{from}: {e}")),
    }
    let deadline = started + Duration::from_secs(args.timeout);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            die(
                PROG,
                format!(
                    "{} did not say within {} s whether it moved",
                    app.app_name, args.timeout
                ),
            );
        }
        let item = here
            .wait_for_event_timeout(left)
            .unwrap_or_else(|e| die(PROG, format!("{from}: {e}")));
        let Some(Incoming::Event {
            event: Event::MoveOutcome(o),
            ..
        }) = item
        else {
            continue;
        };
        if o.client != app.id {
            continue;
        }
        if o.moved {
            println!(
                "moved {} (client {}) from {from} to {} in {} ms",
                app.app_name,
                app.id.0,
                args.to,
                started.elapsed().as_millis()
            );
            return;
        }
        die(
            PROG,
            format!("{} stays on {from}: {}", app.app_name, o.reason),
        );
    }
}
