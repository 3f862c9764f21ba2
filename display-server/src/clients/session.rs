//! A client's session across connections (protocol.md §5.4): a connection lost without
//! the client closing it leaves the client *detached* for the grace period, if its
//! close-down mode says so; a hello with the session's secret resumes it on a new
//! connection (or takes over from a connection the server still thinks alive); a
//! detached client not back in time is freed like any other leaving client.

use super::disconnect;
use crate::command::{ClientLink, Credential};
use crate::events::send_event;
use crate::state::State;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use yonder_protocol::event::ExposeEvent;
use yonder_protocol::handshake::{Resume, Session};
use yonder_protocol::request::CloseDownMode;
use yonder_protocol::{ClientId, Event, EventMask, Hello, Rect, WindowId};

/// Registers the client of a hello: resumes the client whose id space it names when it
/// carries that client's secret, else connects a new client (which a resume whose id
/// space nobody holds is, §5.4).
pub fn connect(
    s: &mut State,
    hello: Hello,
    tx: UnboundedSender<Vec<u8>>,
    link: ClientLink,
) -> Result<ClientId, String> {
    let minor = hello.minor.min(yonder_protocol::PROTOCOL_MINOR);
    match &link.credential {
        Credential::Cookie => {}
        // A moving app (§5.5): a new client here, admitted by the token alone. The id
        // space is checked first, so that an app whose space is taken here may try
        // another with the same token.
        Credential::Token(token) => {
            // The token first: a hello without a good one learns nothing of this display.
            let now = Instant::now();
            s.moves.check(token, &hello.app_name, now)?;
            if s.spaces.contains_key(&hello.id_space) {
                return Err(format!(
                    "id space {:#x} is in use on this display: choose another",
                    hello.id_space
                ));
            }
            let token = token.clone();
            let id = s.connect_client(hello, tx, link)?;
            s.moves.spend(&token, now);
            if let Some(c) = s.clients.get_mut(&id) {
                c.by_token = true;
            }
            s.moves.arrived(id, now);
            return Ok(id);
        }
        // Only back into its own session: the secret is the credential.
        Credential::Secret => {
            let r = hello.resume.as_ref().expect("the connection task checked");
            // Only a client that came with a token, and has no cookie of this display.
            let known = s
                .spaces
                .get(&hello.id_space)
                .copied()
                .filter(|id| s.clients.get(id).is_some_and(|c| c.by_token));
            let back = known.map(|id| (id, check_resume(s, id, r)));
            return match back {
                Some((id, Ok(Resumable::Yes))) => Ok(resume(s, id, tx, link)),
                Some((_, Err(e))) => Err(e),
                _ => Err(
                    "no cookie presented, and the session it resumes is gone from \
                          this display: it needs the display's cookie to start a new one"
                        .into(),
                ),
            };
        }
    }
    if let Some(r) = hello.resume.as_ref().filter(|_| minor >= 5) {
        if r.next_seq == 0 || r.oldest > r.next_seq {
            return Err(format!(
                "bad resume: oldest request {} and next request {} (requests are numbered \
                 from 1, and the oldest kept is at most the next)",
                r.oldest, r.next_seq
            ));
        }
        if let Some(&id) = s.spaces.get(&hello.id_space) {
            match check_resume(s, id, r)? {
                Resumable::Yes => return Ok(resume(s, id, tx, link)),
                Resumable::TooLate => {
                    // Requests between are lost: the old client goes, and the client
                    // starts afresh (it rebuilds its state itself).
                    disconnect(
                        s,
                        id,
                        "it came back with requests lost between: starting afresh",
                    );
                }
            }
        }
    }
    s.connect_client(hello, tx, link)
}

/// Whether a resume of client `id` can continue it.
enum Resumable {
    /// Every request before the oldest the client can resend was processed.
    Yes,
    /// Some requests between were lost with the old connection.
    TooLate,
}

fn check_resume(s: &State, id: ClientId, r: &Resume) -> Result<Resumable, String> {
    let c = &s.clients[&id];
    if !c.secret_matches(&r.secret) {
        return Err(format!(
            "id space {:#x} is in use by another client (the resume's secret is not its own)",
            c.id_space
        ));
    }
    if c.seq.0 >= r.next_seq {
        return Err(format!(
            "bad resume: the server processed request {} of this client, and the resume's \
             next request is {}",
            c.seq.0, r.next_seq
        ));
    }
    Ok(match c.seq.0 + 1 >= r.oldest {
        true => Resumable::Yes,
        false => Resumable::TooLate,
    })
}

/// Continues client `id` on the connection of `tx`: its setup says what the server
/// processed, then it hears what it missed (see [`refresh`]).
fn resume(s: &mut State, id: ClientId, tx: UnboundedSender<Vec<u8>>, link: ClientLink) -> ClientId {
    let c = s.clients.get_mut(&id).expect("checked by the caller");
    let was_detached = c.detached.is_some();
    c.attach(tx, link.outbox, link.serial);
    c.shm_offered = link.shm && c.minor >= 3;
    let session = Session {
        secret: c.secret.to_vec(),
        resumed: true,
        last_seq: c.seq.0,
    };
    let setup = s.setup_for(&s.clients[&id], session);
    let c = s.clients.get_mut(&id).expect("checked by the caller");
    c.send_setup(setup);
    tracing::info!(client = id.0, app = %c.app_name, last_seq = c.seq.0, was_detached, "resumed");
    refresh(s, id);
    id
}

/// What a resumed client is told, since the events of its absence are gone: an Expose
/// for each viewable window it selected EXPOSURE on, and a Configure with the present
/// geometry for each window it selected STRUCTURE_NOTIFY on (§5.4).
fn refresh(s: &mut State, id: ClientId) {
    let mut windows: Vec<WindowId> = s
        .windows
        .iter()
        .filter(|(_, w)| {
            w.mask_of(id)
                .intersects(EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY)
        })
        .map(|(k, _)| *k)
        .collect();
    windows.sort();
    for w in windows {
        let Some(win) = s.windows.get(&w) else {
            continue;
        };
        let (mask, rect) = (win.mask_of(id), win.rect);
        if mask.contains(EventMask::STRUCTURE_NOTIFY) {
            if let Some(configure) = s.configure_event(w) {
                send_event(s, id, Event::Configure(configure), false);
            }
        }
        if mask.contains(EventMask::EXPOSURE) && s.is_viewable(w) {
            let event = Event::Expose(ExposeEvent {
                window: w,
                rect: Rect::new(0, 0, rect.width, rect.height),
                count: 0,
            });
            send_event(s, id, event, false);
        }
    }
}

/// A client's connection ended: `lost` when its reader saw the end, an error, or the
/// keepalive gave up on it ([`connection_lost`]); else the client broke the protocol
/// and is freed whatever its mode. Nothing happens for a connection the client no longer
/// uses.
pub fn connection_ended(s: &mut State, client: ClientId, link: u64, reason: &str, lost: bool) {
    match lost {
        true => connection_lost(s, client, link, reason),
        false if s.clients.get(&client).is_some_and(|c| c.link == link) => {
            disconnect(s, client, reason)
        }
        false => {}
    }
}

/// A client's link went (its reader saw the end, an error, or the keepalive gave up on
/// it). A client of close-down mode Retain is kept detached for the grace period; any
/// other is freed. Nothing happens for a connection the client no longer uses.
pub fn connection_lost(s: &mut State, client: ClientId, link: u64, reason: &str) {
    let Some(c) = s.clients.get_mut(&client) else {
        return;
    };
    if c.link != link {
        return;
    }
    if c.close_down == CloseDownMode::Retain && c.detached.is_none() && !s.detach_grace.is_zero() {
        c.detach();
        tracing::info!(client = client.0, app = %c.app_name, reason, grace_secs = s.detach_grace.as_secs(), "detached: kept for a resume");
        return;
    }
    disconnect(s, client, reason);
}

/// Frees every detached client whose grace period is over.
pub fn expire_detached(s: &mut State) {
    let now = Instant::now();
    let grace = s.detach_grace;
    let over: Vec<ClientId> = s
        .clients
        .values()
        .filter(|c| c.detached.is_some_and(|at| now.duration_since(at) >= grace))
        .map(|c| c.id)
        .collect();
    for id in over {
        disconnect(
            s,
            id,
            "detached longer than the grace period (yonder-server --detach-grace)",
        );
    }
}

/// How long `client` has been detached, if it is.
pub fn detached_for(s: &State, client: ClientId) -> Option<Duration> {
    s.clients.get(&client)?.detached.map(|at| at.elapsed())
}

/// The server stops: every client of 1.5 or later hears it (ServerEnding), with whether
/// a server comes back on this display. Queued here; the state thread's last flush
/// hands it over before the connections close.
pub fn server_ending(s: &mut State, restart: bool) {
    let ids: Vec<ClientId> = s
        .clients
        .values()
        .filter(|c| c.minor >= 5 && c.detached.is_none())
        .map(|c| c.id)
        .collect();
    for id in ids {
        let event = Event::ServerEnding(yonder_protocol::event::ServerEndingEvent {
            root: WindowId::ROOT,
            restart,
        });
        send_event(s, id, event, false);
    }
}

/// The server ends `client` itself (the window manager's force quit): a client of 1.5 or
/// later first hears ServerEnding without restart, handed to its writer at once, so that
/// it does not come back as after a lost link.
pub fn end_for_good(s: &mut State, client: ClientId) {
    let Some(c) = s.clients.get(&client) else {
        return;
    };
    if c.minor < 5 || c.detached.is_some() {
        return;
    }
    let event = Event::ServerEnding(yonder_protocol::event::ServerEndingEvent {
        root: WindowId::ROOT,
        restart: false,
    });
    send_event(s, client, event, false);
    // Its drawings still on lanes are done before it hears anything (`state::surfaces`).
    s.surfaces.settle_all(&s.workers);
    if let Some(c) = s.clients.get_mut(&client) {
        c.flush();
    }
}
