//! The watcher, on the host X server (the Xvfb that shows Yonder's host window, or the
//! X11 app directly): per sample it runs `xdotool key a` or `xdotool click 1`, learns the
//! moment the X server took the input from an XInput 2 raw event on the root (delivered
//! to every client that asks, whoever has the focus or a grab, in the same pass as the
//! event to the window), and polls GetImage of a rectangle until its pixels differ.
//!
//! A sample's figure is from the raw event to the first look that shows the change:
//! what the user waits for once the key is down. xdotool's own start (a process, a
//! connection, its keyboard lookup) comes before that and is the same for both systems;
//! it is printed apart (`xdotool ... ms`, `xdotool_p50_ms`). Before the next sample the rectangle must have
//! been still for `--still` ms; with `--gap MS` instead, the next input starts a random
//! 0..MS after the change was seen (inputs that land within a refresh of the last
//! present, where a present loop's pacing shows).

use crate::app::PALETTE;
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use x11rb::connection::Connection as _;
use x11rb::protocol::xinput::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

/// A screen rectangle.
#[derive(Clone, Copy)]
pub struct Area {
    pub x: i16,
    pub y: i16,
    pub w: u16,
    pub h: u16,
}

/// The input each sample gives.
#[derive(Clone, Copy, PartialEq)]
pub enum Input {
    /// `xdotool key a`: to the focused window.
    Key,
    /// `xdotool click 1`: where the pointer is.
    Click,
}

pub struct WatchOpts {
    pub display: u32,
    pub rect: Area,
    pub input: Input,
    pub samples: usize,
    pub still: Duration,
    pub gap: Option<Duration>,
    pub every: Duration,
    pub timeout: Duration,
    /// Print each sample's moments on CLOCK_MONOTONIC too.
    pub trace: bool,
}

struct Screen {
    conn: RustConnection,
    root: xproto::Window,
}

impl Screen {
    fn open(n: u32) -> Result<Screen, String> {
        let (conn, screen) =
            x11rb::connect(Some(&format!(":{n}"))).map_err(|e| format!("X display :{n}: {e}"))?;
        let root = conn.setup().roots[screen].root;
        let version = conn
            .xinput_xi_query_version(2, 2)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| format!("no XInput 2 on :{n}: {e}"))?;
        if (version.major_version, version.minor_version) < (2, 1) {
            return Err(format!(
                "XInput {}.{}: raw events need 2.1",
                version.major_version, version.minor_version
            ));
        }
        let masks = [xinput::EventMask {
            deviceid: 0, // XIAllDevices
            mask: vec![xinput::XIEventMask::RAW_KEY_PRESS | xinput::XIEventMask::RAW_BUTTON_PRESS],
        }];
        conn.xinput_xi_select_events(root, &masks)
            .map_err(|e| e.to_string())?
            .check()
            .map_err(|e| format!("XISelectEvents: {e:?}"))?;
        Ok(Screen { conn, root })
    }

    /// The rectangle's pixels (4 bytes each).
    fn look(&self, a: Area) -> Result<Vec<u8>, String> {
        Ok(self
            .conn
            .get_image(
                xproto::ImageFormat::Z_PIXMAP,
                self.root,
                a.x,
                a.y,
                a.w,
                a.h,
                !0,
            )
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| format!("GetImage: {e}"))?
            .data)
    }

    /// Drops the events that arrived so far (the raw releases of the last sample).
    fn drain(&self) -> Result<(), String> {
        while self
            .conn
            .poll_for_event()
            .map_err(|e| e.to_string())?
            .is_some()
        {}
        Ok(())
    }

    /// Waits for the raw press of `input`; the moment it was read.
    fn raw_press(&self, input: Input, timeout: Duration) -> Result<Instant, String> {
        let end = Instant::now() + timeout;
        loop {
            while let Some(ev) = self.conn.poll_for_event().map_err(|e| e.to_string())? {
                match (input, ev) {
                    (Input::Key, Event::XinputRawKeyPress(_))
                    | (Input::Click, Event::XinputRawButtonPress(_)) => return Ok(Instant::now()),
                    _ => {}
                }
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("no raw press from the X server within {timeout:?}"));
            }
            // Sleep in poll(2) on the connection, not in steps: the event is read the
            // moment the X server writes it.
            let mut pfd = libc::pollfd {
                fd: self.conn.stream().as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd, for the duration of the call.
            unsafe { libc::poll(&mut pfd, 1, ms.max(1)) };
        }
    }
}

/// CLOCK_MONOTONIC in seconds (`perf record -k mono` stamps events with it).
fn monotonic() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec to write to.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Polls every `every` until `done` holds; an error when `timeout` passes first.
fn poll(
    timeout: Duration,
    every: Duration,
    mut done: impl FnMut() -> Result<bool, String>,
) -> Result<(), String> {
    let end = Instant::now() + timeout;
    while !done()? {
        if Instant::now() > end {
            return Err(format!("timed out after {timeout:?}"));
        }
        std::thread::sleep(every);
    }
    Ok(())
}

/// Waits until `a` has been still for `still`.
fn settle(s: &Screen, o: &WatchOpts, still: Duration) -> Result<(), String> {
    let mut last = s.look(o.rect)?;
    let mut since = Instant::now();
    poll(o.timeout, Duration::from_millis(1), || {
        let now = s.look(o.rect)?;
        if now != last {
            (last, since) = (now, Instant::now());
        }
        Ok(since.elapsed() >= still)
    })
    .map_err(|e| format!("the rectangle never stays still for {still:?}: {e}"))
}

/// A small pseudo-random generator (xorshift), enough to spread the inputs' phase.
struct Jitter(u64);

impl Jitter {
    fn below(&mut self, max: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        max.mul_f64((self.0 % 1_000_000) as f64 / 1e6)
    }
}

/// The `q` quantile (nearest rank) of sorted `v`.
fn quantile(v: &[f64], q: f64) -> f64 {
    let rank = (q * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

pub fn watch(o: &WatchOpts) -> Result<(), String> {
    let s = Screen::open(o.display)?;
    // The app is up when the rectangle is all one color of its palette.
    let app_color = |px: &[u8]| {
        PALETTE.iter().any(|c| {
            let c = c.to_le_bytes();
            px.chunks_exact(4).all(|p| p[..3] == c[..3])
        })
    };
    poll(o.timeout, Duration::from_millis(5), || {
        Ok(app_color(&s.look(o.rect)?))
    })
    .map_err(|e| format!("the app's window never showed at the rectangle: {e}"))?;
    settle(&s, o, o.still.max(Duration::from_millis(200)))?;
    // xdotool holds a key 12 ms and sleeps 100 ms after a click by default, and returns
    // only then; with `--gap` the next input must be free to come sooner: no delays.
    let args: &[&str] = match (o.input, o.gap.is_some()) {
        (Input::Key, false) => &["key", "a"],
        (Input::Click, false) => &["click", "1"],
        (Input::Key, true) => &["key", "--delay", "0", "a"],
        (Input::Click, true) => &["click", "--delay", "0", "1"],
    };
    let mut jitter = Jitter(0x9e37_79b9_7f4a_7c15);
    let (mut seen_ms, mut xdo_ms) = (Vec::new(), Vec::new());
    for i in 0..o.samples {
        if let Some(gap) = o.gap {
            std::thread::sleep(jitter.below(gap));
        }
        s.drain()?;
        let before = s.look(o.rect)?;
        let spawned = Instant::now();
        let mut child = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", format!(":{}", o.display))
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        let input = s.raw_press(o.input, o.timeout)?;
        let mut seen = Instant::now();
        poll(o.timeout, o.every, || {
            let now = s.look(o.rect)?;
            seen = Instant::now();
            Ok(now != before)
        })
        .map_err(|e| format!("sample {}: no change: {e}", i + 1))?;
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("xdotool {}: {status}", args.join(" ")));
        }
        let ms = (seen - input).as_secs_f64() * 1e3;
        let xdo = (input - spawned).as_secs_f64() * 1e3;
        println!("sample {}: {ms:.2} ms (xdotool {xdo:.2} ms)", i + 1);
        if o.trace {
            let (now, mono) = (Instant::now(), monotonic());
            let at = |t: Instant| mono - (now - t).as_secs_f64();
            println!(
                "  monotonic: spawned {:.6} input {:.6} seen {:.6}",
                at(spawned),
                at(input),
                at(seen)
            );
        }
        seen_ms.push(ms);
        xdo_ms.push(xdo);
        if o.gap.is_none() {
            settle(&s, o, o.still)?;
        }
    }
    seen_ms.sort_by(f64::total_cmp);
    xdo_ms.sort_by(f64::total_cmp);
    println!("p50_ms {:.2}", quantile(&seen_ms, 0.5));
    println!("p99_ms {:.2}", quantile(&seen_ms, 0.99));
    println!("max_ms {:.2}", seen_ms[seen_ms.len() - 1]);
    println!("xdotool_p50_ms {:.2}", quantile(&xdo_ms, 0.5));
    Ok(())
}

/// The refresh rate, in millihertz, of the X screen's first active CRTC's mode, computed
/// as winit computes `MonitorHandle::refresh_rate_millihertz` (dot clock over the mode's
/// total size); None when the mode has no timings (Xvfb's).
pub fn refresh_mhz(n: u32) -> Result<Option<u32>, String> {
    use x11rb::protocol::randr::ConnectionExt as _;
    let (conn, screen) =
        x11rb::connect(Some(&format!(":{n}"))).map_err(|e| format!("X display :{n}: {e}"))?;
    let root = conn.setup().roots[screen].root;
    let res = conn
        .randr_get_screen_resources_current(root)
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| format!("RandR: {e}"))?;
    for crtc in &res.crtcs {
        let info = conn
            .randr_get_crtc_info(*crtc, res.config_timestamp)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| format!("RandR: {e}"))?;
        if info.mode == 0 {
            continue;
        }
        let Some(mode) = res.modes.iter().find(|m| m.id == info.mode) else {
            continue;
        };
        let total = mode.htotal as u64 * mode.vtotal as u64;
        if mode.dot_clock > 0 && total > 0 {
            return Ok(Some((mode.dot_clock as u64 * 1000 / total) as u32));
        }
        return Ok(None);
    }
    Ok(None)
}
