//! The display's checkpoint brought back and kept (protocol.md §16.6): at start, the atom
//! log and the state file are read ([`open`]); while a restarted server's restoration
//! lasts, the windows its clients create again go back where the checkpoint had them
//! ([`create_window`], [`map_window`], [`unmap_window`]); and at the end of every burst the
//! checkpoint is handed to the writer when due and the restoration's deadlines are kept
//! ([`after_burst`]).
//!
//! What comes back, as the apps replay their own state with the same ids:
//!
//! * a top-level, at its first MapWindow: its old position and size (a ConfigureWindow, so
//!   the app gets the Configure event before its Map, as with placement), and its old place
//!   in the stacking order among the windows already back;
//! * a window that was inside another client's window, when it is created as a child of
//!   that window or of the root: back inside it, at its old position and size. If that
//!   parent does not exist yet (its app comes back later), the window is *held*: made
//!   under the root, unmapped, its client's MapWindow and UnmapWindow only noted; when the
//!   parent is created it goes in as ReparentWindow puts it (and is mapped if its client
//!   mapped it). A window held [`HOLD_TIME`] becomes a top-level of its own, mapped if its
//!   client mapped it, as if a save-set had rescued it;
//! * save-set entries, once both the client (by id space) and the window are back (the
//!   client's own ChangeSaveSet of such a window, before it is back, succeeds:
//!   [`change_save_set`]);
//! * another client's ChangeWindowAttributes of a window of the checkpoint that is not
//!   back yet (a part selecting events on its container), carried out when the window is
//!   created ([`change_window_attributes`]);
//! * the focus, when its window is viewable again.
//!
//! The restoration ends when nothing is left, or
//! [`RESTORE_TIME`](crate::state::restoring::RESTORE_TIME) after the start.

use crate::checkpoint::{atom_log, file, Embedded, Files, Writer};
use crate::command::HandlerResult;
use crate::focus;
use crate::handlers::atom::MAX_ATOM_NAME;
use crate::handlers::{saveset, window, window_config};
use crate::state::restoring::{Restoring, HOLD_TIME};
use crate::state::State;
use std::path::Path;
use std::time::Instant;
use tokio::sync::watch;
use yonder_protocol::request::{
    ChangeSaveSet, ChangeWindowAttributes, ConfigureWindow, CreateWindow, MapWindow,
    ReparentWindow, StackMode, UnmapWindow,
};
use yonder_protocol::{ClientId, Rect, WindowId};

/// The server acts on its own: client 0.
const SERVER: ClientId = ClientId(0);

/// Reads the checkpoint of the display whose socket is `socket` into `s` (removing it
/// first when `forget`), before any client connects: the atom log's atoms get their old
/// numbers, and a state file starts a restoration. A file that cannot be read is logged
/// and ignored. Then starts the writer; returns the alarm's receiving end, for the task
/// that wakes the state thread when checkpoint work is due.
pub fn open(
    s: &mut State,
    socket: &Path,
    forget: bool,
) -> std::io::Result<watch::Receiver<Option<Instant>>> {
    let files = Files::beside(socket);
    if forget {
        files.forget()?;
        tracing::info!(state = %files.state.display(), "forgot the display's checkpoint");
    }
    let max = s.bounds.max_atoms as usize;
    let atoms = files.atoms.display();
    match atom_log::read(&files.atoms, max) {
        Ok(log) => {
            if log.ignored_bytes > 0 {
                tracing::warn!(
                    "the atom log {atoms} ends with {} bytes that are no whole record \
                     (a write cut short); they are ignored",
                    log.ignored_bytes
                );
            }
            if let Err(why) = s.atoms.load_log(&log.atoms, max, MAX_ATOM_NAME) {
                tracing::warn!(
                    "the atom log {atoms} is read up to {why}; later names get new numbers"
                );
            }
        }
        Err(e) => tracing::warn!("ignoring the atom log {atoms}: {e}"),
    }
    let predefined = yonder_protocol::atoms::PREDEFINED.len();
    if let Err(e) = atom_log::rewrite(&files.atoms, s.atoms.since(predefined)) {
        tracing::warn!("cannot write the atom log {atoms}: {e}");
    }
    match file::read(&files.state) {
        Ok(Some(c)) => {
            let r = Restoring::new(c, Instant::now());
            let (tops, embedded, save_sets) = r.counts();
            tracing::info!(
                tops,
                embedded,
                save_sets,
                "restoring the display's checkpoint as its apps come back"
            );
            s.restoring = (!r.is_done()).then_some(r);
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(
            "ignoring the display's checkpoint {}: {e}",
            files.state.display()
        ),
    }
    let writer = Writer::spawn(files)?;
    let logged = s.atoms.len();
    Ok(s.persist.attach(writer, logged))
}

// CreateWindow, while a restoration lasts: see the module's doc.
pub(crate) fn create_window(s: &mut State, c: ClientId, mut r: CreateWindow) -> HandlerResult {
    let Some(rs) = &s.restoring else {
        return window::create_window(s, c, r);
    };
    let id = r.id;
    let embed = rs
        .embedding(id)
        .filter(|e| r.parent == e.parent || r.parent == WindowId::ROOT);
    let hold = embed.is_some_and(|e| !s.windows.contains_key(&e.parent));
    if hold {
        r.parent = WindowId::ROOT;
    }
    window::create_window(s, c, r)?;
    apply_deferred(s, id);
    if hold {
        if let Some(rs) = &mut s.restoring {
            rs.hold(id, Instant::now() + HOLD_TIME);
        }
    } else if let Some(e) = embed {
        put_back(s, id, e);
    }
    let waiting = s
        .restoring
        .as_ref()
        .map_or_else(Vec::new, |rs| rs.waiting_for(id));
    for w in waiting {
        if let Some(e) = s.restoring.as_ref().and_then(|rs| rs.embedding(w)) {
            put_back(s, w, e);
        }
    }
    restore_save_sets(s);
    restore_focus(s);
    end_if_done(s);
    Ok(None)
}

// MapWindow, while a restoration lasts: a held window's map is noted, a top-level of the
// checkpoint is placed first.
pub(crate) fn map_window(s: &mut State, c: ClientId, r: MapWindow) -> HandlerResult {
    let Some(rs) = &mut s.restoring else {
        return window::map_window(s, c, r);
    };
    if rs.held(r.window).is_some() {
        rs.set_held_mapped(r.window, true);
        return Ok(None);
    }
    let top = s
        .windows
        .get(&r.window)
        .is_some_and(|w| w.parent == WindowId::ROOT && !w.mapped);
    if let Some(rect) = top.then(|| rs.take_top(r.window)).flatten() {
        place_top(s, r.window, rect);
    }
    window::map_window(s, c, r)?;
    restore_focus(s);
    end_if_done(s);
    Ok(None)
}

// ChangeSaveSet, while a restoration lasts: a window of the client's save-set in the
// checkpoint that is not back yet is taken as if it were there (the container's app may
// replay its save-set before the part's app has created the window again): an insert
// leaves the entry to be restored when the window comes, a removal drops it.
pub(crate) fn change_save_set(s: &mut State, c: ClientId, r: ChangeSaveSet) -> HandlerResult {
    let space = s.clients.get(&c).map(|c| c.id_space);
    let waits = match (&s.restoring, space) {
        (Some(rs), Some(space)) => {
            !s.windows.contains_key(&r.window) && rs.save_set_waits(space, r.window)
        }
        _ => false,
    };
    if !waits {
        return saveset::change_save_set(s, c, r);
    }
    if let (false, Some(rs), Some(space)) = (r.insert, &mut s.restoring, space) {
        rs.drop_save_set(space, r.window);
        end_if_done(s);
    }
    Ok(None)
}

// ChangeWindowAttributes, while a restoration lasts: of another client's window of the
// checkpoint that is not back yet, kept and carried out when the window is created (a
// part's app may come back before its container's, and select events on the container).
pub(crate) fn change_window_attributes(
    s: &mut State,
    c: ClientId,
    r: ChangeWindowAttributes,
) -> HandlerResult {
    let defer = s.restoring.as_ref().is_some_and(|rs| {
        !s.windows.contains_key(&r.window)
            && s.owner_of(r.window.0) != Some(c)
            && rs.knows(r.window)
    });
    let kept = defer
        && s.restoring
            .as_mut()
            .is_some_and(|rs| rs.defer_attributes(r.window, c, r.attributes.clone()));
    if kept {
        return Ok(None);
    }
    window::change_window_attributes(s, c, r)
}

/// Carries out the changes other clients made to `w`'s attributes before it was created,
/// for those of them still connected.
fn apply_deferred(s: &mut State, w: WindowId) {
    let Some(deferred) = s.restoring.as_mut().map(|rs| rs.take_deferred(w)) else {
        return;
    };
    for (c, attributes) in deferred {
        if !s.clients.contains_key(&c) {
            continue;
        }
        let change = ChangeWindowAttributes {
            window: w,
            attributes,
        };
        if let Err(e) = window::change_window_attributes(s, c, change) {
            tracing::debug!(window = %w, error = %e, "cannot carry out a deferred change");
        }
    }
}

// UnmapWindow, while a restoration lasts: a held window's unmap is noted.
pub(crate) fn unmap_window(s: &mut State, c: ClientId, r: UnmapWindow) -> HandlerResult {
    match &mut s.restoring {
        Some(rs) if rs.held(r.window).is_some() => {
            rs.set_held_mapped(r.window, false);
            Ok(None)
        }
        _ => window::unmap_window(s, c, r),
    }
}

/// At the end of a burst: ends the holds and the restoration whose time came, hands new
/// atoms and a due checkpoint to the writer, and sets the alarm for the next of these.
pub fn after_burst(s: &mut State) {
    if !s.checkpoint_work() {
        return;
    }
    let now = Instant::now();
    if s.restoring.as_ref().is_some_and(|r| now >= r.deadline()) {
        expire(s, now);
    }
    s.save_checkpoint(now);
    let restoring = s.restoring.as_ref().map(|r| r.deadline());
    let next = [s.persist.due(now), restoring].into_iter().flatten().min();
    s.persist.publish_alarm(next, now);
}

/// Ends what is due at `now`: the whole restoration past its end, else the holds
/// past [`HOLD_TIME`] (their windows become top-levels).
pub fn expire(s: &mut State, now: Instant) {
    let Some(rs) = &s.restoring else {
        return;
    };
    if now >= rs.until {
        tracing::info!("the restoration of the display's checkpoint is over");
        for w in rs.all_held() {
            release(s, w);
        }
        s.restoring = None;
        return;
    }
    for w in rs.expired(now) {
        tracing::info!(window = %w, "its parent did not come back; it becomes a top-level");
        release(s, w);
    }
    restore_focus(s);
    end_if_done(s);
}

/// A held window's wait is over: it stays a top-level, mapped if its client mapped it.
fn release(s: &mut State, w: WindowId) {
    let Some(h) = s.restoring.as_mut().and_then(|rs| {
        let h = rs.held(w);
        rs.embedding_done(w);
        h
    }) else {
        return;
    };
    if h.mapped {
        let _ = window::map_window(s, SERVER, MapWindow { window: w });
    }
}

/// Puts `w` back into its parent of the checkpoint, at its old place and size (the size
/// first, where it is not seen yet), if it is a child of the root or already of that
/// parent (a client may have put a held window elsewhere meanwhile: it stays there); a
/// held window is mapped there if its client mapped it.
fn put_back(s: &mut State, w: WindowId, e: Embedded) {
    let held = s.restoring.as_mut().and_then(|rs| {
        let h = rs.held(w);
        rs.embedding_done(w);
        h
    });
    let Some(win) = s.windows.get(&w) else {
        return;
    };
    let (parent, rect) = (win.parent, win.rect);
    if parent == e.parent {
        if rect != e.rect {
            configure(s, w, e.rect, None);
        }
        return;
    }
    if parent != WindowId::ROOT {
        return;
    }
    if rect.size() != e.rect.size() {
        configure(
            s,
            w,
            Rect::new(rect.x, rect.y, e.rect.width, e.rect.height),
            None,
        );
    }
    let into = ReparentWindow {
        window: w,
        parent: e.parent,
        x: e.rect.x,
        y: e.rect.y,
    };
    if let Err(err) = window::reparent_window(s, SERVER, into) {
        tracing::debug!(window = %w, error = %err, "cannot put a window back into its parent");
        return;
    }
    if held.is_some_and(|h| h.mapped) {
        let _ = window::map_window(s, SERVER, MapWindow { window: w });
    }
}

/// Gives top-level `w` its geometry of the checkpoint and its place in the old stacking
/// order: just above the highest window that was below it, else just below the lowest
/// that was above it, among those back.
fn place_top(s: &mut State, w: WindowId, rect: Rect) {
    let Some(rs) = &s.restoring else {
        return;
    };
    let slot = rs.slot(w);
    let slot_of = |x: WindowId| (x != w).then(|| rs.slot(x)).flatten();
    let siblings = s
        .windows
        .get(&WindowId::ROOT)
        .map_or(&[][..], |r| &r.children[..]);
    let below = siblings
        .iter()
        .rev()
        .find(|x| slot_of(**x).zip(slot).is_some_and(|(k, me)| k < me));
    let above = siblings
        .iter()
        .find(|x| slot_of(**x).zip(slot).is_some_and(|(k, me)| k > me));
    let stack = match (below, above) {
        (Some(b), _) => Some((StackMode::Above, *b)),
        (None, Some(a)) => Some((StackMode::Below, *a)),
        (None, None) => None,
    };
    configure(s, w, rect, stack);
}

/// A ConfigureWindow of the server's: to `rect`, restacked as `stack` says.
fn configure(s: &mut State, w: WindowId, rect: Rect, stack: Option<(StackMode, WindowId)>) {
    let change = ConfigureWindow {
        window: w,
        x: Some(rect.x),
        y: Some(rect.y),
        width: Some(rect.width),
        height: Some(rect.height),
        stack_mode: stack.map(|(m, _)| m),
        sibling: stack.map(|(_, x)| x),
    };
    if let Err(e) = window_config::configure_window(s, SERVER, change) {
        tracing::debug!(window = %w, error = %e, "cannot restore a window's geometry");
    }
}

/// Save-set entries whose client (by id space) and window are both back.
fn restore_save_sets(s: &mut State) {
    let (spaces, windows) = (&s.spaces, &s.windows);
    let Some(rs) = &mut s.restoring else {
        return;
    };
    let ready =
        rs.take_save_sets(|e| spaces.contains_key(&e.space) && windows.contains_key(&e.window));
    for e in ready {
        let Some(c) = s.spaces.get(&e.space).copied() else {
            continue;
        };
        if s.owner_of(e.window.0) != Some(c) {
            s.transfers.save_sets.entry(c).or_default().insert(e.window);
            s.persist.mark();
        }
    }
}

/// The focus of the checkpoint, once its window is viewable.
fn restore_focus(s: &mut State) {
    let Some(f) = s.restoring.as_ref().map(|rs| rs.focus()) else {
        return;
    };
    if !f.is_none() && s.is_viewable(f) {
        focus::set_focus(s, f);
        if let Some(rs) = &mut s.restoring {
            rs.focus_done();
        }
    }
}

/// Ends the restoration when nothing is left of it.
fn end_if_done(s: &mut State) {
    if s.restoring.as_ref().is_some_and(|rs| rs.is_done()) {
        tracing::info!("every window of the display's checkpoint is back");
        s.restoring = None;
    }
}

#[cfg(test)]
#[path = "tests_restore.rs"]
mod tests;
