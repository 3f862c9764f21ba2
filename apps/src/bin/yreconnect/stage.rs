//! The apps of a run: which demo apps, where their windows go (side by side on a large
//! headless screen, so that each window's pixels on the screen are its own), and the
//! state each is given before the first kill: strokes on ypaint's canvas, typing in
//! ydoc's document.

use crate::watch::{read_screen, Target};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::reply::MapState;
use yonder_protocol::request::FakeKind;
use yonder_protocol::{keysym, Rect, WindowId};

/// The headless screen: room for ten windows side by side.
pub const SCREEN: &str = "2560x1200";

/// What an app is given to do before the measurements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prep {
    Nothing,
    /// Two strokes across the canvas (ypaint).
    Strokes,
    /// A sentence typed into the document, not saved (ydoc).
    Typing,
}

/// One app of the run.
pub struct AppSpec {
    pub name: &'static str,
    args: Vec<String>,
    at: (i32, i32),
    prep: Prep,
}

/// The ten apps of a full run (two each of ypaint, ydoc, yclock and hello, one yview and
/// one yfiles), or three for a smoke run. yclock shows a fixed time, so that its pixels
/// can be compared across a restart.
pub fn apps(dir: &Path, smoke: bool) -> Vec<AppSpec> {
    let pictures = dir.join("pictures");
    std::fs::create_dir_all(&pictures).expect("the pictures directory");
    let photo = pictures.join("photo.png");
    let img = image::RgbaImage::from_fn(320, 240, |x, y| {
        image::Rgba([(x * 255 / 320) as u8, (y * 255 / 240) as u8, 160, 255])
    });
    img.save(&photo).expect("the test picture");
    std::fs::write(pictures.join("notes.txt"), "notes\n").expect("a test file");
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let app = |name, args: Vec<String>, at, prep| AppSpec {
        name,
        args,
        at,
        prep,
    };
    let paint = |n: i32, x| {
        let file = format!("picture-{n}.png");
        app(
            "ypaint",
            s(&["--size", "400x300", &file]),
            (x, 0),
            Prep::Strokes,
        )
    };
    let doc = |n: i32, x| {
        let file = format!("doc-{n}.ydoc");
        app("ydoc", s(&[&file]), (x, 0), Prep::Typing)
    };
    let clock = |x| {
        app(
            "yclock",
            s(&["--time", "10:09:30"]),
            (x, 480),
            Prep::Nothing,
        )
    };
    let hello = |x| app("hello", vec![], (x, 480), Prep::Nothing);
    if smoke {
        return vec![paint(1, 0), doc(1, 420), clock(1040)];
    }
    vec![
        paint(1, 0),
        paint(2, 420),
        doc(1, 840),
        doc(2, 1460),
        clock(0),
        clock(260),
        hello(520),
        hello(940),
        app(
            "yfiles",
            vec![pictures.display().to_string()],
            (1360, 480),
            Prep::Nothing,
        ),
        app(
            "yview",
            vec![photo.display().to_string()],
            (1780, 480),
            Prep::Nothing,
        ),
    ]
}

/// A running app.
pub struct App {
    pub name: &'static str,
    pub child: Child,
    pub id_space: u32,
    pub windows: Vec<WindowId>,
    /// Its stderr, where the library's `yonder-journal:` lines go.
    pub log: std::path::PathBuf,
}

/// Starts `spec` with `env` and waits until its windows are on the screen (a client
/// not of the id spaces `taken`, those of the apps started before).
pub fn spawn(
    spec: &AppSpec,
    taken: &[u32],
    n: usize,
    bin_dir: &Path,
    dir: &Path,
    env: &[(&str, String)],
    o: &Connection,
) -> App {
    let log = dir.join(format!("{}-{n}.err", spec.name));
    let mut cmd = Command::new(bin_dir.join(spec.name));
    cmd.args(&spec.args)
        .args(["--x", &spec.at.0.to_string(), "--y", &spec.at.1.to_string()])
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        // Nothing of the user's: no cookie file, no runtime directory.
        .env("YONDER_COOKIE_FILE", dir.join("no-such-cookie-file"))
        .env("XDG_RUNTIME_DIR", dir.join("no-such-runtime-dir"))
        .env("YONDER_DEBUG_JOURNAL", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("an app's log"));
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("yreconnect: cannot start {}: {e}", spec.name));
    let end = Instant::now() + Duration::from_secs(20);
    let (id_space, windows) = loop {
        if let Some(found) = windows_of(o, spec.name, taken) {
            break found;
        }
        if Instant::now() > end {
            crate::procs::kill(&mut child);
            panic!(
                "yreconnect: {} showed no window within 20 s (see {})",
                spec.name,
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    App {
        name: spec.name,
        child,
        id_space,
        windows,
        log,
    }
}

/// The id space and viewable top-levels of a client named `name`, not of the id spaces
/// `taken`, that has any (apps are started one at a time, each waited for).
fn windows_of(o: &Connection, name: &str, taken: &[u32]) -> Option<(u32, Vec<WindowId>)> {
    let clients = o.list_clients().reply().ok()?;
    let tree = o.query_tree(o.root()).reply().ok()?;
    clients
        .clients
        .iter()
        .filter(|c| c.app_name == name && !taken.contains(&c.id_space))
        .find_map(|c| {
            let windows: Vec<WindowId> = tree
                .children
                .iter()
                .copied()
                .filter(|w| {
                    o.get_window_attributes(*w)
                        .reply()
                        .is_ok_and(|a| a.owner == c.id && a.map_state == MapState::Viewable)
                })
                .collect();
            (!windows.is_empty()).then_some((c.id_space, windows))
        })
}

/// Gives each app its state (strokes, typing) and waits until every window is drawn
/// and still; returns the windows with their pixels, the reference for every round.
pub fn prepare(o: &Connection, specs: &[AppSpec], apps: &[App]) -> Vec<Target> {
    let mut targets = Vec::new();
    for (i, (spec, app)) in specs.iter().zip(apps).enumerate() {
        for w in &app.windows {
            let g = o.get_geometry(*w).reply().expect("a window's geometry");
            targets.push(Target {
                app: i,
                window: *w,
                rect: g.rect,
                pixels: Vec::new(),
            });
        }
        let main = o
            .get_geometry(app.windows[0])
            .reply()
            .expect("geometry")
            .rect;
        settle(o, &[main]);
        match spec.prep {
            Prep::Nothing => {}
            Prep::Strokes => strokes(o, main),
            Prep::Typing => typing(o, app.windows[0], main),
        }
    }
    let rects: Vec<Rect> = targets.iter().map(|t| t.rect).collect();
    let pixels = settle(o, &rects);
    for (t, p) in targets.iter_mut().zip(pixels) {
        t.pixels = p;
    }
    targets
}

/// Waits until the screen in `rects` is drawn (not one color) and the same in two looks
/// 300 ms apart; returns it.
fn settle(o: &Connection, rects: &[Rect]) -> Vec<Vec<u8>> {
    let end = Instant::now() + Duration::from_secs(20);
    let look = || -> Vec<Vec<u8>> { rects.iter().map(|r| read_screen(o, *r)).collect() };
    let mut last = look();
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = look();
        let drawn = now
            .iter()
            .all(|p| p.chunks_exact(4).any(|c| c[..3] != p[..3]));
        if drawn && now == last {
            return now;
        }
        assert!(
            Instant::now() < end,
            "yreconnect: the windows never settled"
        );
        last = now;
    }
}

fn input(o: &Connection, kind: FakeKind, detail: u32, x: i32, y: i32) {
    o.fake_input(kind, detail, x, y);
}

/// Two strokes across ypaint's canvas (under its 36-pixel toolbar).
fn strokes(o: &Connection, r: Rect) {
    let top = r.y + 36;
    for (from, to) in [
        ((r.x + 40, top + 60), (r.x + 360, top + 60)),
        ((r.x + 40, top + 250), (r.x + 360, top + 100)),
    ] {
        input(o, FakeKind::Motion, 0, from.0, from.1);
        input(o, FakeKind::ButtonPress, 1, from.0, from.1);
        for i in 1..=16 {
            let x = from.0 + (to.0 - from.0) * i / 16;
            let y = from.1 + (to.1 - from.1) * i / 16;
            input(o, FakeKind::Motion, 0, x, y);
        }
        input(o, FakeKind::ButtonRelease, 1, to.0, to.1);
        o.sync().expect("sync");
    }
}

/// A click into ydoc's text, the keyboard focus, and a sentence typed.
fn typing(o: &Connection, w: WindowId, r: Rect) {
    input(o, FakeKind::Motion, 0, r.x + 60, r.y + 60);
    input(o, FakeKind::ButtonPress, 1, r.x + 60, r.y + 60);
    input(o, FakeKind::ButtonRelease, 1, r.x + 60, r.y + 60);
    o.set_input_focus(w);
    for c in "Unsaved typing survives the display. ".chars() {
        let ks = keysym::from_char(c);
        input(o, FakeKind::KeyPress, ks, 0, 0);
        input(o, FakeKind::KeyRelease, ks, 0, 0);
    }
    o.sync().expect("sync");
}
