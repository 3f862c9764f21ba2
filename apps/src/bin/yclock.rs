//! `yclock`: an analog clock, in the line of `xclock`. A face with hour marks and
//! anti-aliased hour, minute and second hands, the time as text under it, redrawn every
//! second (the loop sleeps in `wait_for_event_timeout` until the next whole second).
//! `--time HH:MM:SS` shows a fixed time instead (for tests and screenshots).
//!
//! Layout, for a window of W × H: the bottom [`TEXT_STRIP`] pixels hold the text; the face
//! is centered in the rest, with radius `min(W, H - TEXT_STRIP) / 2 - MARGIN`. Hands and
//! marks are fractions of that radius (see the constants), so the clock scales with
//! the window.

use chrono::Timelike;
use clap::Parser;
use std::f64::consts::PI;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::{die, WindowArgs};
use yonder_protocol::{Event, EventMask, Point, Rect, Segment};
use yonder_toolkit::Deadline;
use yonder_toolkit::{next_step, Step, Window, WindowSpec};

/// Shows an analog clock.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    window: WindowArgs,
    /// Show this fixed time instead of the current one.
    #[arg(long, value_name = "HH:MM:SS", value_parser = parse_time)]
    time: Option<Time>,
}

const WIDTH: u32 = 240;
const HEIGHT: u32 = 280;
/// Height of the strip under the face that holds the time as text.
const TEXT_STRIP: u32 = 36;
/// Space between the face and the window's edges.
const MARGIN: u32 = 8;
/// Hand lengths and widths, as fractions of the radius and in pixels.
const HOUR_HAND: (f64, u32) = (0.48, 7);
const MINUTE_HAND: (f64, u32) = (0.70, 5);
const SECOND_HAND: (f64, u32) = (0.80, 2);
/// How far the second hand reaches behind the center.
const SECOND_TAIL: f64 = 0.12;
/// Hour marks run from this fraction of the radius to the outer one.
const MARK_INNER: (f64, f64) = (0.84, 0.90);
const MARK_OUTER: f64 = 0.95;

const BACKGROUND: u32 = 0xeff1f5;
const FACE: u32 = 0xffffff;
const RIM: u32 = 0x4c4f69;
const INK: u32 = 0x1e1e2e;
const SECOND: u32 = 0xd20f39;
const TEXT_PX: f32 = 20.0;

/// A time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Time {
    h: u32,
    m: u32,
    s: u32,
}

fn parse_time(s: &str) -> Result<Time, String> {
    let bad = || format!("time must look like 13:45:00, not {s:?}");
    let mut parts = s.split(':').map(|p| p.parse::<u32>().map_err(|_| bad()));
    let (h, m, sec) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(m), Some(sec), None) => (h?, m?, sec?),
        _ => return Err(bad()),
    };
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    Ok(Time { h, m, s: sec })
}

fn now() -> Time {
    let t = chrono::Local::now();
    Time {
        h: t.hour(),
        m: t.minute(),
        s: t.second(),
    }
}

/// When the wall clock next turns a whole second.
fn next_second() -> Instant {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let left = Duration::from_secs(1) - Duration::from_nanos(since.subsec_nanos() as u64);
    // A little late rather than early, so the new second has surely begun.
    Instant::now() + left + Duration::from_millis(5)
}

/// The point at `fraction` of the radius from the center, at `turns` of a full turn
/// clockwise from twelve o'clock.
fn polar(c: (f64, f64), radius: f64, turns: f64, fraction: f64) -> Point {
    let a = turns * 2.0 * PI;
    let r = radius * fraction;
    Point::new(
        (c.0 + r * a.sin()).round() as i32,
        (c.1 - r * a.cos()).round() as i32,
    )
}

fn draw(win: &Window, t: Time) {
    let size = win.size();
    let back = win.back();
    win.clear_back();
    let face_h = size.height.saturating_sub(TEXT_STRIP);
    let radius = (size.width.min(face_h) / 2).saturating_sub(MARGIN) as f64;
    let c = (size.width as f64 / 2.0, face_h as f64 / 2.0);
    let center = Point::new(c.0 as i32, c.1 as i32);
    if radius >= 8.0 {
        let d = 2 * radius as u32;
        win.disc(back, RIM, center, d + 4);
        win.disc(back, FACE, center, d);
        let marks: Vec<Segment> = (0..12)
            .map(|i| {
                let inner = if i % 3 == 0 {
                    MARK_INNER.0
                } else {
                    MARK_INNER.1
                };
                let a = polar(c, radius, i as f64 / 12.0, inner);
                let b = polar(c, radius, i as f64 / 12.0, MARK_OUTER);
                Segment {
                    x1: a.x,
                    y1: a.y,
                    x2: b.x,
                    y2: b.y,
                }
            })
            .collect();
        win.pen(INK, 3);
        win.conn().poly_segment(back, win.gc, &marks);
        let minutes = t.m as f64 + t.s as f64 / 60.0;
        let hand = |turns: f64, (len, width): (f64, u32), rgb: u32, tail: f64| {
            win.pen(rgb, width);
            let from = polar(c, radius, turns + 0.5, tail);
            let to = polar(c, radius, turns, len);
            win.conn().poly_line(back, win.gc, &[from, to]);
        };
        hand(
            ((t.h % 12) as f64 + minutes / 60.0) / 12.0,
            HOUR_HAND,
            INK,
            0.0,
        );
        hand(minutes / 60.0, MINUTE_HAND, INK, 0.0);
        hand(t.s as f64 / 60.0, SECOND_HAND, SECOND, SECOND_TAIL);
        win.disc(back, SECOND, center, 9);
    }
    let text = format!("{:02}:{:02}:{:02}", t.h, t.m, t.s);
    // Measured on the client (the server's font, no round trip): a clock whose display
    // is away keeps ticking.
    let width = win.measure(TEXT_PX, &text).width;
    let x = (size.width as i32 - width as i32) / 2;
    let baseline = face_h as i32 + (TEXT_STRIP as i32 + TEXT_PX as i32) / 2 - 4;
    win.text(back, Point::new(x, baseline), TEXT_PX, INK, &text);
    win.present();
}

fn main() {
    let args = Args::parse();
    let w = &args.window;
    let deadline = Deadline::after(w.exit_after);
    let conn = Connection::connect(w.display.as_deref()).unwrap_or_else(|e| die("yclock", e));
    let mut win = Window::open(
        &conn,
        WindowSpec {
            title: "yclock",
            rect: Rect::new(w.x, w.y, WIDTH, HEIGHT),
            background: BACKGROUND,
            events: EventMask::KEY_PRESS,
        },
    );
    let time = || args.time.unwrap_or_else(now);
    draw(&win, time());
    let mut wake = next_second();
    loop {
        match next_step(&conn, &deadline, Some(wake)) {
            Step::Quit => break,
            Step::Wake => {
                draw(&win, time());
                wake = next_second();
            }
            Step::Event(e) if win.wants_close(&e) => break,
            Step::Event(Event::Expose(e)) if e.count == 0 => win.present(),
            Step::Event(Event::Configure(e)) => {
                if win.configure(&e) {
                    draw(&win, time());
                }
            }
            Step::Event(_) => {}
        }
    }
    win.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("03:00:00"), Ok(Time { h: 3, m: 0, s: 0 }));
        assert_eq!(
            parse_time("23:59:59"),
            Ok(Time {
                h: 23,
                m: 59,
                s: 59
            })
        );
        assert!(parse_time("24:00:00").is_err());
        assert!(parse_time("3:00").is_err());
        assert!(parse_time("aa:bb:cc").is_err());
    }

    #[test]
    fn three_o_clock_points_right() {
        let p = polar((100.0, 100.0), 50.0, 0.25, 1.0);
        assert_eq!(p, Point::new(150, 100));
        let p = polar((100.0, 100.0), 50.0, 0.0, 0.5);
        assert_eq!(p, Point::new(100, 75));
    }
}
