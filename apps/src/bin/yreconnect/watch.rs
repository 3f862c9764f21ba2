//! The observer: a trusted client on the server's Unix socket that reads what the screen
//! shows and waits until every app's windows are back.
//!
//! It polls cheaply so that it does not take the CPU the server and the apps need: every
//! millisecond, ListClients (a small reply), then one GetImage (pipelined) per window not
//! yet back whose app is connected again; a window seen right is not read again.

use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection, Reconnect};
use yonder_protocol::request::ImageFormat;
use yonder_protocol::{Rect, WindowId};

/// One top-level window of an app and what it must show.
pub struct Target {
    /// Index of its app.
    pub app: usize,
    pub window: WindowId,
    /// Where it is on the screen.
    pub rect: Rect,
    /// Its pixels on the screen (Bgrx) before the first kill.
    pub pixels: Vec<u8>,
}

/// A trusted observer on `display` (it ends with its connection: it is not under test).
pub fn observer(display: &str, trusted_cookie: &str) -> Connection {
    let cookie = (0..trusted_cookie.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&trusted_cookie[i..i + 2], 16).expect("a hex cookie"))
        .collect();
    let conn = Connection::connect_with(ConnectOptions {
        display: Some(display.to_string()),
        cookie: Some(cookie),
        app_name: Some("yreconnect".into()),
        reconnect: Reconnect::ExitAtOnce,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("yreconnect: the observer cannot connect: {e}"));
    conn.wait_for_setup()
        .unwrap_or_else(|e| panic!("yreconnect: the observer was refused: {e}"));
    conn
}

/// The screen's pixels in `rect` (Bgrx).
pub fn read_screen(o: &Connection, rect: Rect) -> Vec<u8> {
    o.get_image(o.root(), rect, ImageFormat::Bgrx)
        .reply()
        .expect("GetImage of the screen")
        .data
}

/// After this long a window not back yet is described on stderr.
const SLOW: Duration = Duration::from_millis(600);

/// How many pixels differ from the target's, where (window coordinates), and the first.
fn describe_diff(got: &[u8], t: &Target) -> String {
    if got.len() != t.pixels.len() {
        return format!("{} bytes instead of {}", got.len(), t.pixels.len());
    }
    let w = t.rect.width.max(1) as usize;
    let mut n = 0;
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    let mut first = None;
    for (k, (a, b)) in got
        .chunks_exact(4)
        .zip(t.pixels.chunks_exact(4))
        .enumerate()
    {
        if a[..3] != b[..3] {
            let (x, y) = (k % w, k / w);
            n += 1;
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            first.get_or_insert((x, y, [a[2], a[1], a[0]], [b[2], b[1], b[0]]));
        }
    }
    match first {
        None => "the same pixels".into(),
        Some((x, y, a, b)) => format!(
            "{n} pixels differ in ({x0},{y0})-({x1},{y1}); at ({x},{y}) rgb {a:02x?}, not {b:02x?}"
        ),
    }
}

/// When each window came back, from `start`.
pub struct Back {
    /// Every app connected (not detached) again.
    pub connected: Duration,
    /// Per target, when its pixels were right.
    pub windows: Vec<Duration>,
}

impl Back {
    /// When the last window was back.
    pub fn all(&self) -> Duration {
        self.windows.iter().copied().max().unwrap_or(self.connected)
    }
}

/// Waits until the clients of `id_spaces` are all connected and every target shows its
/// pixels; `Err` names what was not back after `limit`.
pub fn wait_back(
    o: &Connection,
    id_spaces: &[u32],
    targets: &[Target],
    start: Instant,
    limit: Duration,
) -> Result<Back, String> {
    let end = start + limit;
    let mut connected = None;
    let mut windows: Vec<Option<Duration>> = vec![None; targets.len()];
    let mut told = vec![false; targets.len()];
    loop {
        // Which apps are connected; the windows of those are read, the others' not yet.
        let clients = o.list_clients().reply().map_err(|e| e.to_string())?;
        let is_back = |space: u32| {
            clients
                .clients
                .iter()
                .any(|c| c.id_space == space && c.detached_secs.is_none())
        };
        let missing: Vec<u32> = id_spaces.iter().copied().filter(|s| !is_back(*s)).collect();
        if missing.is_empty() && connected.is_none() {
            connected = Some(start.elapsed());
        }
        let pending: Vec<usize> = (0..targets.len())
            .filter(|i| windows[*i].is_none() && is_back(id_spaces[targets[*i].app]))
            .collect();
        let cookies: Vec<_> = pending
            .iter()
            .map(|i| {
                let cookie = o.get_image(o.root(), targets[*i].rect, ImageFormat::Bgrx);
                (*i, cookie)
            })
            .collect();
        for (i, cookie) in cookies {
            let img = cookie.reply().map_err(|e| e.to_string())?;
            if img.data == targets[i].pixels {
                windows[i] = Some(start.elapsed());
            } else if !told[i] && start.elapsed() > SLOW {
                // Say what is still wrong, once: a window late by a lot is worth a look.
                told[i] = true;
                eprintln!(
                    "  window {:#x} not back after {} ms: {}",
                    targets[i].window.0,
                    SLOW.as_millis(),
                    describe_diff(&img.data, &targets[i])
                );
            }
        }
        if connected.is_some() && windows.iter().all(Option::is_some) {
            break;
        }
        if Instant::now() > end {
            let late: Vec<String> = (0..targets.len())
                .filter(|i| windows[*i].is_none())
                .map(|i| format!("{:#x}", targets[i].window.0))
                .collect();
            return Err(format!(
                "clients of id spaces {missing:x?} not connected, windows {late:?} not back \
                 with their pixels"
            ));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let connected = connected.expect("all connected");
    Ok(Back {
        connected,
        windows: windows.into_iter().map(|w| w.expect("all back")).collect(),
    })
}
