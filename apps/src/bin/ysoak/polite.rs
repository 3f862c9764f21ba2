//! A well-behaved client: connects, then for a few cycles creates and maps a window,
//! draws rectangles and text, puts an image, owns a selection of its own and converts
//! both its own and its neighbour's (answering the requests that come to it meanwhile),
//! times a round trip, destroys what it made; then disconnects and starts over.

use super::Counters;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_protocol::event::Event;
use yonder_protocol::request::{GcValues, ImageFormat, WindowAttributes};
use yonder_protocol::{atoms, Atom, Color, EventMask, Point, Rect, Timestamp, WindowId};
use yonder_toolkit::transfer::{Offer, Receiver};

/// How long a conversion may take before it counts as a failure (its owner may be
/// pausing between cycles; the server refuses it if the owner goes away).
const CONVERSION_TIME: Duration = Duration::from_secs(10);

/// Requests one cycle sends (counted once its round trip is answered).
const REQUESTS_PER_CYCLE: u64 = 12;

/// A small deterministic generator (xorshift), one per client.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below.max(1) as u64) as u32
    }
}

/// Runs client `i` until `stop`.
pub fn run(i: u32, display: &str, pause: Duration, stop: &AtomicBool, c: &Counters) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0x2545_F491));
    // Start spread over one pause, not all at once.
    std::thread::sleep(pause.mul_f64(rng.next(1000) as f64 / 1000.0));
    let mut reported = 0;
    while !stop.load(Ordering::Relaxed) {
        if let Err(e) = session(i, display, pause, stop, c, &mut rng) {
            c.failures.fetch_add(1, Ordering::Relaxed);
            if reported < 3 {
                eprintln!("ysoak: client {i}: {e}");
                reported += 1;
            }
            std::thread::sleep(pause);
        }
    }
}

/// One connection: a few cycles, then a disconnect.
fn session(
    i: u32,
    display: &str,
    pause: Duration,
    stop: &AtomicBool,
    c: &Counters,
    rng: &mut Rng,
) -> Result<(), String> {
    let conn = Connection::connect(Some(display)).map_err(|e| format!("connect: {e}"))?;
    let atom = |name: String| -> Result<Atom, String> {
        Ok(conn
            .intern_atom(&name, false)
            .reply()
            .map_err(|e| format!("intern: {e}"))?
            .atom)
    };
    let own = atom(format!("YSOAK_SEL_{i}"))?;
    let neighbour = atom(format!("YSOAK_SEL_{}", i ^ 1))?;
    for _ in 0..2 + rng.next(4) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        cycle(&conn, i, [own, neighbour], c, rng)?;
        std::thread::sleep(pause.mul_f64(0.5 + rng.next(1000) as f64 / 1000.0));
    }
    Ok(())
}

fn cycle(
    conn: &Connection,
    i: u32,
    [own, neighbour]: [Atom; 2],
    c: &Counters,
    rng: &mut Rng,
) -> Result<(), String> {
    // Below the drag pair's strip (y < 150), on a grid.
    let at = Point::new(4 + (i % 20) as i32 * 60, 200 + (i / 20 % 10) as i32 * 50);
    let win = conn.new_window_id();
    conn.create_window(
        win,
        conn.root(),
        Rect::new(at.x, at.y, 120, 80),
        WindowAttributes {
            background: Some(Color::WHITE),
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    );
    conn.map_window(win);
    let gc = conn.new_gc_id();
    let values = GcValues {
        foreground: Some(Color::rgb(rng.next(0x100_0000))),
        font_size: Some(12.0),
        ..Default::default()
    };
    conn.create_gc(gc, win, values);
    let rects: Vec<Rect> = (0..10)
        .map(|_| {
            Rect::new(
                rng.next(100) as i32,
                rng.next(60) as i32,
                1 + rng.next(20),
                1 + rng.next(20),
            )
        })
        .collect();
    conn.poly_fill_rectangle(win, gc, &rects);
    conn.draw_text(win, gc, Point::new(4, 70), "soak");
    let shade = rng.next(256) as u8;
    let pixels: Vec<u8> = (0..32 * 24)
        .flat_map(|p| [shade, (p % 256) as u8, 90, 255])
        .collect();
    conn.put_image(
        win,
        gc,
        Point::new(60, 10),
        32,
        24,
        ImageFormat::Rgba,
        pixels,
    );
    conn.set_selection_owner(own, win, Timestamp(0));
    convert(conn, win, i, [own, neighbour], c)?;
    let t = Instant::now();
    conn.sync().map_err(|e| format!("round trip: {e}"))?;
    c.rtt(t.elapsed());
    conn.free_gc(gc);
    conn.destroy_window(win);
    c.requests.fetch_add(REQUESTS_PER_CYCLE, Ordering::Relaxed);
    c.cycles.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// Converts both selections into `win`, answering requests for our own meanwhile, until
/// both conversions ended (with data or a refusal).
fn convert(
    conn: &Connection,
    win: WindowId,
    i: u32,
    selections: [Atom; 2],
    c: &Counters,
) -> Result<(), String> {
    let mut offer = Offer::new().with_bytes(atoms::TEXT_PLAIN_UTF8, format!("soak {i}"));
    let mut receiver = Receiver::new();
    let mut tags: Vec<u32> = selections
        .iter()
        .map(|s| receiver.request(conn, *s, atoms::TEXT_PLAIN_UTF8, win))
        .collect();
    let deadline = Instant::now() + CONVERSION_TIME;
    while !tags.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("{} conversion(s) not answered in time", tags.len()));
        }
        match conn.wait_for_event_timeout(left) {
            Ok(Some(Incoming::Event { event, .. })) => match event {
                Event::SelectionRequest(r) => offer.answer(conn, &r),
                Event::SelectionData(d) => {
                    if let Some(got) = receiver.take(&d) {
                        tags.retain(|t| *t != got.tag);
                        c.conversions.fetch_add(1, Ordering::Relaxed);
                        if got.selection == selections[0]
                            && got.data.as_deref() != Some(format!("soak {i}").as_bytes())
                        {
                            return Err("our own selection came back wrong".into());
                        }
                    }
                }
                _ => {}
            },
            Ok(Some(Incoming::Error(e))) => return Err(format!("request failed: {e}")),
            Ok(Some(_)) | Ok(None) => {}
            Err(e) => return Err(format!("connection: {e}")),
        }
    }
    Ok(())
}
