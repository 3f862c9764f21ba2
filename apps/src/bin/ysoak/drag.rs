//! The drag pair: a source and a target client, each with an override-redirect window
//! in a strip at the top of the screen that the other clients stay out of, and a drag
//! from one to the other with synthetic input, over and over: press on the source,
//! start the drag, move over the target, release; the target takes the drop and the
//! source hears that it finished. One pair, because there is one pointer.

use super::Counters;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::geometry::{DndAction, DndActions};
use yonder_protocol::request::{FakeKind, WindowAttributes};
use yonder_protocol::{atoms, Color, EventMask, Point, Rect, WindowId};
use yonder_toolkit::transfer::{DragEvent, DragSource, DropEvent, DropTarget, Offer};

const PAYLOAD: &[u8] = b"dropped by ysoak";

/// Runs drags until `stop`.
pub fn run(display: &str, stop: &AtomicBool, c: &Counters) {
    let mut reported = 0;
    while !stop.load(Ordering::Relaxed) {
        if let Err(e) = session(display, stop, c) {
            c.drop_failures.fetch_add(1, Ordering::Relaxed);
            if reported < 3 {
                eprintln!("ysoak: drag: {e}");
                reported += 1;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

fn window(conn: &Connection, rect: Rect, mask: EventMask) -> WindowId {
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        rect,
        WindowAttributes {
            background: Some(Color::rgb(0x80a0c0)),
            event_mask: Some(mask),
            override_redirect: Some(true),
            cursor: None,
        },
    );
    conn.map_window(win);
    win
}

/// Two connections and a few drags between them.
fn session(display: &str, stop: &AtomicBool, c: &Counters) -> Result<(), String> {
    let src = Connection::connect(Some(display)).map_err(|e| format!("connect: {e}"))?;
    let dst = Connection::connect(Some(display)).map_err(|e| format!("connect: {e}"))?;
    let from = Rect::new(10, 10, 100, 100);
    let to = Rect::new(300, 10, 100, 100);
    let swin = window(
        &src,
        from,
        EventMask::BUTTON_PRESS | EventMask::POINTER_MOTION,
    );
    let dwin = window(&dst, to, EventMask::EXPOSURE);
    let mut target = DropTarget::new(&dst, dwin, &[atoms::TEXT_PLAIN_UTF8], &[DndAction::Copy])
        .map_err(|e| format!("drop target: {e}"))?;
    src.sync().map_err(|e| e.to_string())?;
    dst.sync().map_err(|e| e.to_string())?;
    for _ in 0..5 {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        drag_once(&src, &dst, swin, &mut target)?;
        c.drops.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn drag_once(
    src: &Connection,
    dst: &Connection,
    swin: WindowId,
    target: &mut DropTarget,
) -> Result<(), String> {
    let mut source = DragSource::new(swin);
    let fake = |kind, detail, x, y| src.fake_input(kind, detail, x, y);
    fake(FakeKind::Motion, 0, 60, 60);
    fake(FakeKind::ButtonPress, 1, 60, 60);
    fake(FakeKind::Motion, 0, 70, 60);
    // The press must have reached the server before the drag starts.
    src.sync().map_err(|e| e.to_string())?;
    let offer = Offer::new().with_bytes(atoms::TEXT_PLAIN_UTF8, PAYLOAD);
    source.start(src, offer, DndActions::COPY, None, Point::new(0, 0));
    for x in [150, 250, 330, 350] {
        fake(FakeKind::Motion, 0, x, 60);
    }
    src.sync().map_err(|e| e.to_string())?;
    let mut dropped = false;
    // Released once the source heard that the target would take it, as a person lets
    // go when the cursor shows a drop is welcome.
    let mut welcome = false;
    let mut finished = None;
    let deadline = Instant::now() + Duration::from_secs(10);
    while finished.is_none() {
        if Instant::now() > deadline {
            fake(FakeKind::ButtonRelease, 1, 350, 60);
            let _ = src.flush();
            return Err("the drag did not finish in time".into());
        }
        if !dropped && welcome {
            fake(FakeKind::ButtonRelease, 1, 350, 60);
            src.flush().map_err(|e| e.to_string())?;
            dropped = true;
        }
        let wait = Duration::from_millis(20);
        if let Some(Incoming::Event { event, .. }) = dst
            .wait_for_event_timeout(wait)
            .map_err(|e| e.to_string())?
        {
            if let Some(DropEvent::Dropped { success: false }) =
                target.handle(dst, &event, |d| d.data == PAYLOAD)
            {
                return Err("the target did not take the drop".into());
            }
        }
        if let Some(Incoming::Event { event, .. }) = src
            .wait_for_event_timeout(wait)
            .map_err(|e| e.to_string())?
        {
            match source.handle(src, &event) {
                Some(DragEvent::Finished { success, .. }) => finished = Some(success),
                Some(DragEvent::Status { accept, .. }) => welcome = accept,
                None => {}
            }
        }
    }
    match finished {
        Some(true) => Ok(()),
        _ => Err("the drag finished without success".into()),
    }
}
