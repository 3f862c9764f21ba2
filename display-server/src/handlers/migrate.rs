//! Live migration's requests (1.6, protocol.md §5.5): GrantMove (this display lets an
//! app come here), MoveClient (an app here is asked to go elsewhere) and MoveDone (the
//! app says how that ended). The tokens and pending moves are `state::moves`'s. Also
//! the log lines that time a move on the servers' own clocks ([`MOVE_TIMES`]).

use crate::command::{fail, HandlerResult};
use crate::events::send_event;
use crate::state::State;
use std::time::{Instant, SystemTime};
use yonder_protocol::event::{MoveOutcomeEvent, MoveRequestEvent};
use yonder_protocol::reply::MoveTokenReply;
use yonder_protocol::request::{GrantMove, MoveClient, MoveDone, UnmapWindow};
use yonder_protocol::{ClientId, ErrorCode, Event, Reply, WindowId};

/// The longest app name, display name, reason or token the requests take.
const MAX_NAME: usize = 1024;
/// The longest token MoveClient passes on.
const MAX_TOKEN: usize = 64;

fn too_long(what: &str, len: usize, max: usize) -> yonder_protocol::ProtocolError {
    fail(
        ErrorCode::Value,
        len as u64,
        format!("the {what} has {len} bytes; at most {max} are taken"),
    )
}

// GrantMove: [app_name] → [token, expires_ms]
pub(crate) fn grant_move(s: &mut State, c: ClientId, r: GrantMove) -> HandlerResult {
    if r.app_name.is_empty() {
        return Err(fail(ErrorCode::Value, 0, "GrantMove needs the app's name"));
    }
    if r.app_name.len() > MAX_NAME {
        return Err(too_long("app name", r.app_name.len(), MAX_NAME));
    }
    let token = crate::secret::random_128().map_err(|e| {
        fail(
            ErrorCode::Alloc,
            0,
            format!("no random numbers for a token: {e}"),
        )
    })?;
    s.moves
        .grant(token, &r.app_name, c, Instant::now())
        .map_err(|e| fail(ErrorCode::Alloc, 0, e))?;
    tracing::info!(client = c.0, app = %r.app_name, "migration token granted");
    Ok(Some(Reply::MoveToken(MoveTokenReply {
        token: token.to_vec(),
        expires_ms: s.moves.ttl().as_millis() as u32,
    })))
}

// MoveClient: [client, to, token]
pub(crate) fn move_client(s: &mut State, c: ClientId, r: MoveClient) -> HandlerResult {
    if r.to.is_empty() {
        return Err(fail(
            ErrorCode::Value,
            0,
            "MoveClient needs a display to move to",
        ));
    }
    if r.to.len() > MAX_NAME {
        return Err(too_long("display name", r.to.len(), MAX_NAME));
    }
    if r.token.is_empty() || r.token.len() > MAX_TOKEN {
        return Err(fail(
            ErrorCode::Value,
            r.token.len() as u64,
            format!(
                "the token has {} bytes; MoveClient takes 1 to {MAX_TOKEN}",
                r.token.len()
            ),
        ));
    }
    if c != r.client && !s.is_trusted(c) {
        return Err(fail(
            ErrorCode::Access,
            r.client.0 as u64,
            "only the app itself or a trusted client (the display's trusted cookie, as the \
             window manager and yonder-move use) may move an app",
        ));
    }
    ask_to_move(s, Some(c), r.client, r.to, r.token)?;
    Ok(None)
}

/// Asks `client` to move to `to` with `token` (MoveClient from `mover`, or the window
/// manager's own move when `None`); errors as MoveClient's.
pub(crate) fn ask_to_move(
    s: &mut State,
    mover: Option<ClientId>,
    client: ClientId,
    to: String,
    token: Vec<u8>,
) -> Result<(), yonder_protocol::ProtocolError> {
    let r = MoveClient { client, to, token };
    let Some(target) = s.clients.get(&r.client) else {
        return Err(fail(
            ErrorCode::Value,
            r.client.0 as u64,
            format!("no client {} on this display", r.client.0),
        ));
    };
    if target.detached.is_some() {
        return Err(fail(
            ErrorCode::Match,
            r.client.0 as u64,
            format!(
                "client {} ({}) is detached: its connection is lost, it cannot move now",
                r.client.0, target.app_name
            ),
        ));
    }
    if target.minor < 6 {
        return Err(fail(
            ErrorCode::Match,
            r.client.0 as u64,
            format!(
                "client {} ({}) speaks version 1.{}, which cannot move (moving is of 1.6)",
                r.client.0, target.app_name, target.minor
            ),
        ));
    }
    let by = mover.map_or(0, |m| m.0);
    tracing::info!(client = r.client.0, mover = by, to = %r.to, "move asked");
    if let Some(m) = mover {
        s.moves.asked(r.client, m);
    }
    let event = Event::MoveRequest(MoveRequestEvent {
        root: WindowId::ROOT,
        to: r.to,
        token: r.token,
        mover: ClientId(by),
    });
    send_event(s, r.client, event, false);
    Ok(())
}

// MoveDone: [moved, reason]
pub(crate) fn move_done(s: &mut State, c: ClientId, r: MoveDone) -> HandlerResult {
    let reason = match r.reason.len() > MAX_NAME {
        true => {
            let mut end = MAX_NAME;
            while !r.reason.is_char_boundary(end) {
                end -= 1;
            }
            r.reason[..end].to_string()
        }
        false => r.reason,
    };
    tracing::info!(client = c.0, moved = r.moved, %reason, "move reported");
    let left = s.moves.left(c);
    if r.moved {
        moved_away(s, c);
    }
    if let (true, Some(last)) = (r.moved, left) {
        let app = s.clients.get(&c).map_or("", |c| c.app_name.as_str());
        tracing::info!(
            target: MOVE_TIMES,
            client = c.0,
            app,
            last_request_us = unix_us(last),
            done_us = unix_us(SystemTime::now()),
            "moved away"
        );
    }
    tell_movers(s, c, r.moved, &reason);
    Ok(None)
}

/// The log target of the lines that time moves on the servers' own clocks
/// (`YONDER_LOG=yonder_server::move_times=info`; bench/migrate.sh reads them): a client
/// moved away ("moved away", with when its last requests before the switch came), a
/// client that came with a token first shown ("first shown").
pub const MOVE_TIMES: &str = "yonder_server::move_times";

/// Microseconds since the Unix epoch (the one clock of two servers on one machine).
fn unix_us(t: SystemTime) -> u128 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
}

/// At the end of a burst: notes the first frame of each client that came with a token
/// and now has a window shown (viewable; an embedded part's inside another client's
/// window): what a composition now shows is its first frame here. Nothing to do, and
/// nothing looked at, when no such client waits (a walk of the windows otherwise, for
/// at most `state::moves`' 30 s per arriving client).
pub(crate) fn first_frames(s: &mut State) {
    let arriving = s.moves.arriving(Instant::now());
    if arriving.is_empty() {
        return;
    }
    for c in arriving {
        let shown = s
            .windows
            .keys()
            .any(|w| s.owner_of(w.0) == Some(c) && s.is_viewable(*w));
        if shown {
            s.moves.shown(c);
            let app = s.clients.get(&c).map_or("", |c| c.app_name.as_str());
            tracing::info!(
                target: MOVE_TIMES,
                client = c.0,
                app,
                first_frame_us = unix_us(SystemTime::now()),
                "first shown"
            );
        }
    }
}

/// `client` is on another display now: its windows leave this screen at once (not when
/// its connection ends, which a slow link may hold up), and it hears no more events here
/// (its library reads only the answers it awaits). Each window of its own that is not
/// inside another of its own is unmapped, with the events others see when a client
/// unmaps; the rest goes when the connection ends, as ever.
fn moved_away(s: &mut State, c: ClientId) {
    if let Some(client) = s.clients.get_mut(&c) {
        client.moved_away = true;
    }
    let outermost: Vec<WindowId> = s
        .windows
        .values()
        .filter(|w| w.mapped && s.owner_of(w.id.0) == Some(c) && s.owner_of(w.parent.0) != Some(c))
        .map(|w| w.id)
        .collect();
    for window in outermost {
        let _ = crate::handlers::window::unmap_window(s, c, UnmapWindow { window });
    }
}

/// Tells whoever asked `client` to move how it ended.
pub(crate) fn tell_movers(s: &mut State, client: ClientId, moved: bool, reason: &str) {
    for mover in s.moves.reported(client) {
        let event = Event::MoveOutcome(MoveOutcomeEvent {
            root: WindowId::ROOT,
            client,
            moved,
            reason: reason.to_string(),
        });
        send_event(s, mover, event, false);
    }
}

/// `client` is leaving: a move it was asked for ends without its word, and it is
/// nobody's mover any more.
pub(crate) fn client_gone(s: &mut State, client: ClientId) {
    tell_movers(
        s,
        client,
        false,
        "its connection ended before it said whether it moved",
    );
    s.moves.mover_gone(client);
    s.moves.forget_times(client);
}
