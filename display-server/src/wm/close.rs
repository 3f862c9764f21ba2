//! Closing a window politely, and force-quitting an app that does not answer.
//!
//! A click on the close button (×) of a window whose `WM_PROTOCOLS` property (type ATOM, a
//! list of little-endian u32 atoms) contains `WM_DELETE_WINDOW` sends the window's owner a
//! ClientMessage: `window` = the window, `type` = `WM_PROTOCOLS`, `data` = the 4
//! little-endian bytes of the `WM_DELETE_WINDOW` atom, marked as sent (it did not come
//! from the server's own bookkeeping but from the window manager acting for the user, as
//! an X window manager's SendEvent would). The app may close the window, exit, or ignore
//! the request.
//!
//! If it has not destroyed or unmapped the window [`CLOSE_TIMEOUT`] later, or if the window
//! does not support `WM_DELETE_WINDOW` at all, the server offers to kill: the title bar
//! turns red and says [`NOT_RESPONDING_TEXT`](super::NOT_RESPONDING_TEXT). A click on × in that state disconnects the
//! owning client, which frees everything it owned (`clients::disconnect`).
//!
//! The switch to "not responding" happens without input: while a request is pending, the
//! [`alarm`] task (a tokio timer) sends [`Command::Tick`] at its deadline. No timer runs
//! when nothing is pending.

use super::{CloseState, CLOSE_TIMEOUT};
use crate::clients;
use crate::command::Command;
use crate::events;
use crate::state::State;
use std::time::Instant;
use tokio::sync::{mpsc, watch};
use yonder_protocol::event::ClientMessage;
use yonder_protocol::{atoms, Event, WindowId};

/// The close button of `w` was clicked (pressed and released on it).
pub(crate) fn wm_close_clicked(s: &mut State, w: WindowId) {
    let Some(state) = s.wm.managed.get(&w).map(|m| m.close) else {
        return;
    };
    let now = Instant::now();
    let next = match state {
        CloseState::NotResponding => return force_quit(s, w),
        CloseState::Asked { at } if now.duration_since(at) >= CLOSE_TIMEOUT => {
            CloseState::NotResponding
        }
        CloseState::Asked { at } => {
            send_delete_window(s, w);
            CloseState::Asked { at }
        }
        CloseState::Idle if supports_delete_window(s, w) => {
            send_delete_window(s, w);
            CloseState::Asked { at: now }
        }
        CloseState::Idle => CloseState::NotResponding,
    };
    if let Some(m) = s.wm.managed.get_mut(&w) {
        m.close = next;
    }
    s.wm.restyle(w);
    publish_deadline(s);
}

/// Whether `w`'s `WM_PROTOCOLS` property lists `WM_DELETE_WINDOW`.
pub fn supports_delete_window(s: &State, w: WindowId) -> bool {
    s.windows
        .get(&w)
        .and_then(|win| win.properties.get(&atoms::WM_PROTOCOLS))
        .filter(|p| p.type_ == atoms::ATOM)
        .is_some_and(|p| {
            p.data
                .chunks_exact(4)
                .any(|a| u32::from_le_bytes([a[0], a[1], a[2], a[3]]) == atoms::WM_DELETE_WINDOW.0)
        })
}

fn send_delete_window(s: &mut State, w: WindowId) {
    let Some(owner) = s.owner_of(w.0) else {
        return;
    };
    let msg = ClientMessage {
        window: w,
        type_: atoms::WM_PROTOCOLS,
        data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
    };
    events::send_event(s, owner, Event::ClientMessage(msg), true);
}

fn force_quit(s: &mut State, w: WindowId) {
    if let Some(owner) = s.owner_of(w.0).filter(|c| s.clients.contains_key(c)) {
        tracing::info!(client = owner.0, window = %w, "force quit with the close button");
        // Told first that this is for good: it must not come back (protocol.md §5.4).
        clients::session::end_for_good(s, owner);
        clients::disconnect(s, owner, "force quit with the close button");
    }
}

/// [`Command::Tick`]: close requests older than [`CLOSE_TIMEOUT`] turn into the offer
/// to force-quit (the frames are redrawn before the next composition).
pub fn wm_tick(s: &mut State) {
    let now = Instant::now();
    for (w, m) in s.wm.managed.iter_mut() {
        if let CloseState::Asked { at } = m.close {
            if now.duration_since(at) >= CLOSE_TIMEOUT {
                m.close = CloseState::NotResponding;
                s.wm.stale.windows.insert(*w);
            }
        }
    }
    publish_deadline(s);
}

/// Tells the alarm task when the next close request or detached client's grace period
/// expires (None: none pending). Always publishes, even an unchanged value: the task
/// waits for it after each Tick.
pub fn publish_deadline(s: &State) {
    let Some(tx) = &s.wm.alarm else {
        return;
    };
    let next =
        s.wm.managed
            .values()
            .filter_map(|m| match m.close {
                CloseState::Asked { at } => Some(at + CLOSE_TIMEOUT),
                _ => None,
            })
            .chain(s.detach_deadline())
            .min();
    tx.send_replace(next);
}

/// The close-request alarm, run on the server's tokio runtime: sleeps until the deadline
/// the state thread publishes, then sends it [`Command::Tick`]. Idle while no request is
/// pending; ends when the state thread or the command channel goes away. The checkpoint's
/// alarm is another one of these, on its own deadline (`state::persist`).
pub async fn alarm(
    mut deadline: watch::Receiver<Option<Instant>>,
    commands: mpsc::Sender<Command>,
) {
    loop {
        let next = *deadline.borrow_and_update();
        let Some(at) = next else {
            if deadline.changed().await.is_err() {
                return;
            }
            continue;
        };
        tokio::select! {
            _ = tokio::time::sleep_until(at.into()) => {
                if commands.send(Command::Tick).await.is_err() {
                    return;
                }
                // The state thread answers every Tick with a fresh deadline.
                if deadline.changed().await.is_err() {
                    return;
                }
            }
            changed = deadline.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}
