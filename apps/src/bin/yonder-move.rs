//! `yonder-move`: moves a running app, with all its windows, from one display to another
//! while it runs (protocol.md §5.5). The mover holds both displays' cookies: it asks the
//! display the app goes to for a one-time migration token (an ordinary cookie of that
//! display is enough), and asks the display the app is on, with its trusted cookie, to
//! pass the token on. The app's library does the move and reports; this prints how it
//! ended and exits 0 only if the app moved. The apps whose windows are embedded in the
//! app's (the parts of a compound document) follow it, unless `--alone`.
//!
//! ```text
//! yonder-move --window 0x5eed000100000001 --to tls:otherhost:1
//! yonder-move --app yclock --from :0 --to :1
//! ```

use clap::Parser;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::reply::ClientInfo;
use yonder::protocol::{id_space_of, ClientId, Event, WindowId};
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
    /// How long to wait for each app to say how its move ended, in seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Move the app alone, without the apps whose windows are embedded in its windows
    /// (the parts of a compound document), which otherwise follow it.
    #[arg(long)]
    alone: bool,
}

/// The other clients that own windows inside `app`'s windows (embedded parts), in the
/// order they are found (outermost first).
fn parts_of(conn: &Connection, app: ClientId) -> Vec<ClientId> {
    let owner = |w| conn.get_window_attributes(w).reply().ok().map(|a| a.owner);
    let children = |w| {
        conn.query_tree(w)
            .reply()
            .map(|t| t.children)
            .unwrap_or_default()
    };
    let mut todo: Vec<WindowId> = children(conn.root())
        .into_iter()
        .filter(|w| owner(*w) == Some(app))
        .collect();
    let mut parts = Vec::new();
    while let Some(w) = todo.pop() {
        for c in children(w) {
            match owner(c) {
                Some(o) if o != app && o != ClientId(0) && !parts.contains(&o) => parts.push(o),
                _ => {}
            }
            todo.push(c);
        }
    }
    parts
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
    // The parts embedded in the app's windows follow it, once its windows are there.
    let parts = match args.alone {
        true => Vec::new(),
        false => parts_of(&here, app.id),
    };
    let deadline = Duration::from_secs(args.timeout);
    let moved = move_one(&here, &there, app, &args.to, deadline)
        .unwrap_or_else(|e| die(PROG, format!("{} stays on {from}: {e}", app.app_name)));
    println!(
        "moved {} (client {}) from {from} to {} in {} ms",
        app.app_name,
        app.id.0,
        args.to,
        moved.as_millis()
    );
    for part in parts {
        let Some(info) = clients.iter().find(|c| c.id == part) else {
            continue;
        };
        match move_one(&here, &there, info, &args.to, deadline) {
            Ok(t) => println!(
                "moved its part {} (client {}) in {} ms",
                info.app_name,
                info.id.0,
                t.as_millis()
            ),
            Err(e) => die(
                PROG,
                format!("its part {} stays on {from}: {e}", info.app_name),
            ),
        }
    }
}

/// Moves `app` from `here`'s display to `to`, with a token from `there`; returns how
/// long until it said it moved, or why it did not.
fn move_one(
    here: &Connection,
    there: &Connection,
    app: &ClientInfo,
    to: &str,
    limit: Duration,
) -> Result<Duration, String> {
    let token = there
        .grant_move(&app.app_name)
        .reply()
        .map_err(|e| format!("{to}: no migration token: {e}"))?;
    let started = Instant::now();
    match here.move_client(app.id, to, &token.token).check() {
        Ok(()) => {}
        Err(ReplyError::Protocol(e)) => return Err(e.message),
        Err(e) => return Err(e.to_string()),
    }
    loop {
        let left = (started + limit).saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!(
                "it did not say within {} s whether it moved",
                limit.as_secs()
            ));
        }
        let item = here
            .wait_for_event_timeout(left)
            .map_err(|e| e.to_string())?;
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
        return match o.moved {
            true => Ok(started.elapsed()),
            false => Err(o.reason),
        };
    }
}
