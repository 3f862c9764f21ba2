//! Moving data between clients through the real server: selections (clipboard) with
//! lazy, chunked transfers; drag and drop driven by synthetic input, with the drag icon
//! and pointer shape the user sees; and the save-set that keeps embedded parts alive.
//!
//! One test binary, one module per family: [`selections`], [`dnd`] (on the scene of
//! [`dnd_scene`]), [`save_set`]; the helpers they share are here.

mod dnd;
mod dnd_scene;
mod save_set;
mod selections;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming, ReplyError};
use yonder_protocol::event::{
    DndEnterEvent, DndFinishedEvent, DndPositionEvent, DndStatusEvent, SelectionDataEvent,
    SelectionRequestEvent,
};
use yonder_protocol::reply::MapState;
use yonder_protocol::request::{Cursor, DndAction, DndActions, FakeKind, WindowAttributes};
use yonder_protocol::{ErrorCode, Event, EventMask, Rect, WindowId};
use yonder_server::screen::Screen;
use yonder_server::state::Framebuffer;
use yonder_test_support::client::*;
use yonder_test_support::server::*;

const ROOT_BG: u32 = 0x2e3440;
const RED: u32 = 0xFF0000;

/// What a recording screen was last asked to show.
#[derive(Default)]
struct Shown {
    pixels: Vec<u32>,
    width: u32,
    cursor: Option<Cursor>,
}

/// A screen that keeps a copy of every presented frame and the pointer shape, so tests
/// see exactly what a user would (GetImage repaints from the window tree instead).
struct Recorder {
    size: (u32, u32),
    shown: Arc<Mutex<Shown>>,
}

impl Screen for Recorder {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn present(&mut self, fb: &Framebuffer, _damage: &[Rect]) {
        let mut s = self.shown.lock().unwrap();
        s.pixels.clone_from(&fb.pixels);
        s.width = fb.width;
    }

    fn set_cursor(&mut self, cursor: Cursor) {
        self.shown.lock().unwrap().cursor = Some(cursor);
    }
}

/// A server without window manager whose screen records what it shows.
fn start_recorded() -> (TestServer, Arc<Mutex<Shown>>) {
    let shown = Arc::new(Mutex::new(Shown::default()));
    let server = TestServer::start_on(
        |_| {},
        |c| {
            Box::new(Recorder {
                size: (c.screen_width, c.screen_height),
                shown: shown.clone(),
            })
        },
    );
    (server, shown)
}

/// Two round trips: the server has presented everything `conn` caused before (it presents
/// after each burst of commands, and the second Sync is read only after the first reply).
fn settle(conn: &Connection) {
    conn.sync().unwrap();
    conn.sync().unwrap();
}

/// The pixel at (x, y) of the last frame the screen showed.
fn shown_pixel(conn: &Connection, shown: &Mutex<Shown>, x: i32, y: i32) -> u32 {
    settle(conn);
    let s = shown.lock().unwrap();
    s.pixels[y as usize * s.width as usize + x as usize]
}

/// The pointer shape the screen shows.
fn shown_cursor(conn: &Connection, shown: &Mutex<Shown>) -> Cursor {
    settle(conn);
    shown.lock().unwrap().cursor.unwrap_or(Cursor::Default)
}

/// Every event up to and including the first matching `pred` (at most 5 s).
fn events_until(conn: &Connection, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let end = Instant::now() + Duration::from_secs(5);
    let mut out = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}; got {out:?}");
        match conn.wait_for_event_timeout(left).expect("connection alive") {
            Some(Incoming::Event { event, .. }) => {
                let hit = pred(&event);
                out.push(event);
                if hit {
                    return out;
                }
            }
            Some(Incoming::Error(e)) => panic!("unexpected error while waiting for {what}: {e}"),
            Some(other) => panic!("unexpected {other:?} while waiting for {what}"),
            None => {}
        }
    }
}

/// The protocol error code of a checked request.
fn error_code(r: Result<(), ReplyError>) -> ErrorCode {
    match r {
        Err(ReplyError::Protocol(p)) => p.code,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

/// Asserts that nothing went wrong for `conn` (no unclaimed request errors queued).
fn assert_no_errors(conn: &Connection) {
    let errors: Vec<_> = drain(conn)
        .into_iter()
        .filter_map(|i| i.error().cloned())
        .collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:?}");
}

/// Waits for the SelectionRequest an owner gets.
fn selection_request(owner: &Connection) -> SelectionRequestEvent {
    match wait_for(owner, "SelectionRequest", |e| {
        matches!(e, Event::SelectionRequest(_))
    }) {
        Event::SelectionRequest(r) => r,
        _ => unreachable!(),
    }
}

/// Collects the SelectionData events carrying `tag` up to the one with `done` (at most
/// `secs` seconds).
fn selection_data(requestor: &Connection, tag: u32, secs: u64) -> Vec<SelectionDataEvent> {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut chunks = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out waiting for selection data; got {} chunks",
            chunks.len()
        );
        match requestor
            .wait_for_event_timeout(left)
            .expect("connection alive")
        {
            Some(Incoming::Event {
                event: Event::SelectionData(d),
                ..
            }) if d.tag == tag => {
                let done = d.done;
                chunks.push(d);
                if done {
                    return chunks;
                }
            }
            Some(Incoming::Error(e)) => panic!("unexpected error while waiting for data: {e}"),
            _ => {}
        }
    }
}

/// The bytes of all chunks, in order.
fn joined(chunks: &[SelectionDataEvent]) -> Vec<u8> {
    chunks.iter().flat_map(|c| c.data.iter().copied()).collect()
}

/// Makes `conn` select `mask` on `w` (e.g. another client's window, or the root).
fn select(conn: &Connection, w: WindowId, mask: EventMask) {
    conn.change_window_attributes(
        w,
        WindowAttributes {
            event_mask: Some(mask),
            ..Default::default()
        },
    );
    conn.sync().unwrap();
}

/// Waits until the server has handled a client's disconnect: `watcher` (selecting
/// SUBSTRUCTURE_NOTIFY on the root) sees that client's top-level `gone_window` destroyed.
fn wait_destroyed(watcher: &Connection, gone_window: WindowId) {
    wait_for(
        watcher,
        "the dead client's window to be destroyed",
        |e| matches!(e, Event::Destroy(d) if d.window == gone_window),
    );
}

/// A window of `conn` usable as a selection owner or requestor (unmapped, 1×1).
fn plain_window(conn: &Connection) -> WindowId {
    let w = conn.new_window_id();
    conn.create_window(w, conn.root(), Rect::new(0, 0, 1, 1), Default::default());
    conn.sync().unwrap();
    w
}
