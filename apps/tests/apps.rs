//! The desktop apps as a user runs them, against a real server in this process (see
//! `common`): `yclock` shows the time it is given with the hands where they belong;
//! `yview` shows an image's exact pixels, shrinks a huge one to fit, and refuses a missing
//! or broken file; `ypaint` paints strokes from (synthetic) mouse input in the chosen
//! color, saves them as PNG with `s` and loads them back; `yonder-demo` on a machine
//! without a desktop starts its own headless server and the apps, saves a screenshot and
//! leaves nothing running.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder_protocol::request::FakeKind;
use yonder_protocol::Rect;
use yonder_test_support::apps::*;
use yonder_test_support::client::Pixels;
use yonder_test_support::process::register;

const YCLOCK: &str = env!("CARGO_BIN_EXE_yclock");
const YVIEW: &str = env!("CARGO_BIN_EXE_yview");
const YPAINT: &str = env!("CARGO_BIN_EXE_ypaint");
const DEMO: &str = env!("CARGO_BIN_EXE_yonder-demo");
fn channels(rgb: u32) -> [i32; 3] {
    [
        (rgb >> 16) as i32 & 255,
        (rgb >> 8) as i32 & 255,
        rgb as i32 & 255,
    ]
}

/// Each channel within `tolerance` of `want`'s.
fn near(rgb: u32, want: u32, tolerance: i32) -> bool {
    let (a, b) = (channels(rgb), channels(want));
    (0..3).all(|i| (a[i] - b[i]).abs() <= tolerance)
}

/// The clock's ink: hands, marks, text (all channels dark).
fn dark(rgb: u32) -> bool {
    channels(rgb).iter().all(|c| *c < 100)
}

/// The second hand's red.
fn red(rgb: u32) -> bool {
    let [r, g, b] = channels(rgb);
    r > 150 && g < 100 && b < 120
}

// ---------------------------------------------------------------------------------------
// yclock

/// yclock's layout (see its module doc): the text strip's height and the face's margin.
const CLOCK_TEXT_STRIP: u32 = 36;
const CLOCK_MARGIN: u32 = 8;

#[test]
fn yclock_shows_three_o_clock() {
    let _watchdog = watchdog("yclock_shows_three_o_clock");
    let d = Display::start();
    let _clock = d.spawn(YCLOCK, &["--time", "03:00:00", "--exit-after", "20"]);
    let win = d.window_of("yclock");
    assert_eq!(d.title_of(win), "yclock");
    let (w, h) = d.size_of(win);
    let face_h = h - CLOCK_TEXT_STRIP;
    let radius = ((w.min(face_h) / 2) - CLOCK_MARGIN) as f64;
    let (cx, cy) = (w as i32 / 2, face_h as i32 / 2);
    let at = |f: f64| (radius * f).round() as i32;

    // Wait for the first frame, shown whole: the text under the face is drawn last.
    let strip = Rect::new(0, face_h as i32, w, CLOCK_TEXT_STRIP);
    let mut px = d.read_window(win);
    eventually("the clock is drawn", || {
        px = d.read_window(win);
        px.count_in(strip, dark) > 60
    });

    // A band 7 pixels across along a ray from the center, from `f0` to `f1` of the
    // radius; `dx, dy` is the ray's direction (one of the four axes).
    let band = |dx: i32, dy: i32, f0: f64, f1: f64| -> Vec<Vec<u32>> {
        (at(f0)..=at(f1))
            .map(|r| {
                (-3..=3)
                    .map(|s| px.at(cx + dx * r + dy.abs() * s, cy + dy * r + dx.abs() * s))
                    .collect()
            })
            .collect()
    };
    let every_step_has = |rows: &[Vec<u32>], pred: fn(u32) -> bool| {
        rows.iter().all(|row| row.iter().any(|p| pred(*p)))
    };
    let no_pixel_is = |rows: &[Vec<u32>], pred: fn(u32) -> bool| {
        rows.iter().all(|row| row.iter().all(|p| !pred(*p)))
    };

    // The hour hand points at 3: ink to the right of the center up to about half the
    // radius, and only the face beyond it (so it is the short hand, not the minute hand).
    let right_near = band(1, 0, 0.15, 0.42);
    assert!(
        right_near.iter().all(|row| dark(row[3])),
        "no hour hand towards 3: {right_near:x?}"
    );
    let right_far = band(1, 0, 0.56, 0.80);
    assert!(
        no_pixel_is(&right_far, dark) && no_pixel_is(&right_far, red),
        "something long points at 3: {right_far:x?}"
    );
    // The minute hand points at 12 (the second hand lies on it), reaching further than
    // the hour hand; past its end only the red second hand goes on.
    let up = band(0, -1, 0.15, 0.65);
    assert!(
        every_step_has(&up, dark),
        "no minute hand towards 12: {up:x?}"
    );
    let up_beyond = band(0, -1, 0.75, 0.78);
    assert!(
        every_step_has(&up_beyond, red) && no_pixel_is(&up_beyond, dark),
        "no lone second hand beyond the minute hand at 12: {up_beyond:x?}"
    );
    // Nothing points at 6 (past the second hand's short tail) or at 9.
    for (name, rows) in [
        ("6", band(0, 1, 0.18, 0.80)),
        ("9", band(-1, 0, 0.15, 0.80)),
    ] {
        assert!(
            no_pixel_is(&rows, dark) && no_pixel_is(&rows, red),
            "a hand points at {name}: {rows:x?}"
        );
    }
    // The twelve hour marks are there, outside the hands' reach.
    for (dx, dy) in [(0, -1), (1, 0), (0, 1), (-1, 0)] {
        let mark = band(dx, dy, 0.86, 0.93);
        assert!(every_step_has(&mark, dark), "no hour mark at ({dx}, {dy})");
    }
    // The time as text in the strip under the face (seen above), and nothing else there.
    let ink = px.count_in(strip, dark);
    assert!(
        ink < 2000,
        "{ink} dark pixels under the face: more than text"
    );
}

// ---------------------------------------------------------------------------------------
// yview

fn known_color(x: u32, y: u32) -> [u8; 3] {
    [(x * 4) as u8, (y * 5) as u8, (255 - x * 2) as u8]
}

#[test]
fn yview_shows_the_exact_pixels_sent_in_bands() {
    let _watchdog = watchdog("yview_shows_the_exact_pixels_sent_in_bands");
    // A frame limit of 4 KiB makes yview send the 12 KiB of pixels in several bands.
    let d = Display::start_with(|c| c.max_frame_len = 4096);
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb(known_color(x, y)));
    img.save(d.path("known.png")).unwrap();
    let _view = d.spawn(YVIEW, &["--exit-after", "20", "known.png"]);
    let win = d.window_of("yview");
    assert_eq!(d.size_of(win), (64, 48), "the window has the image's size");
    assert_eq!(d.title_of(win), "yview — known.png");
    let want = |x: u32, y: u32| {
        let [r, g, b] = known_color(x, y);
        u32::from_be_bytes([0, r, g, b])
    };
    let mut px = d.read_window(win);
    eventually("the image is shown", || {
        px = d.read_window(win);
        px.at(63, 47) == want(63, 47)
    });
    for y in 0..48 {
        for x in 0..64 {
            assert_eq!(
                px.at(x as i32, y as i32),
                want(x, y),
                "pixel ({x}, {y}) of the window"
            );
        }
    }
}

#[test]
fn yview_shrinks_a_huge_jpeg_to_fit_the_screen() {
    let _watchdog = watchdog("yview_shrinks_a_huge_jpeg_to_fit_the_screen");
    let d = Display::start_with(|c| c.max_frame_len = 256 * 1024);
    // Left half red, right half blue, bottom quarter green.
    let (red_c, blue_c, green_c) = ([220, 30, 30], [30, 30, 220], [30, 200, 30]);
    let img = image::RgbImage::from_fn(3000, 2000, |x, y| {
        image::Rgb(if y >= 1500 {
            green_c
        } else if x < 1500 {
            red_c
        } else {
            blue_c
        })
    });
    img.save(d.path("huge.jpg")).unwrap();
    let mut view = d.spawn(YVIEW, &["--exit-after", "30", "huge.jpg"]);
    let win = d.window_of("yview");
    let (w, h) = d.size_of(win);
    assert!(
        w <= SCREEN_W && h + 24 <= SCREEN_H,
        "{w}x{h} does not leave room for the frame on a {SCREEN_W}x{SCREEN_H} screen"
    );
    assert!(
        w >= SCREEN_W - 20 || h >= SCREEN_H - 60,
        "{w}x{h} is smaller than needed"
    );
    assert!(
        (w as f64 / h as f64 - 1.5).abs() < 0.02,
        "{w}x{h} is not 3:2 like the image"
    );
    let rgb = |c: [u8; 3]| u32::from_be_bytes([0, c[0], c[1], c[2]]);
    let (x1, x3, y1, y7) = (
        w as i32 / 4,
        3 * w as i32 / 4,
        h as i32 / 4,
        7 * h as i32 / 8,
    );
    let mut px = d.read_window(win);
    eventually("the image is shown", || {
        px = d.read_window(win);
        near(px.at(x3, y7), rgb(green_c), 24)
    });
    for (x, y, c, what) in [
        (x1, y1, red_c, "red top left"),
        (x3, y1, blue_c, "blue top right"),
        (x1, y7, green_c, "green bottom left"),
        (x3, y7, green_c, "green bottom right"),
    ] {
        let p = px.at(x, y);
        assert!(near(p, rgb(c), 24), "{what}: ({x}, {y}) is {p:06x}");
    }
    d.conn.sync().expect("the server goes on");
    assert!(
        view.child.try_wait().unwrap().is_none(),
        "yview ended; stderr:\n{}",
        view.stderr()
    );
}

#[test]
fn yview_reports_missing_and_broken_files() {
    let _watchdog = watchdog("yview_reports_missing_and_broken_files");
    let d = Display::start();
    let done = d.spawn(YVIEW, &["no-such-picture.png"]).finish();
    assert_eq!(
        done.status.code(),
        Some(1),
        "exit status for a missing file"
    );
    assert!(
        done.stderr.contains("no-such-picture.png") && done.stderr.contains("No such file"),
        "the message does not say what is wrong:\n{}",
        done.stderr
    );
    assert_eq!(done.stdout, "");

    std::fs::write(d.path("broken.png"), b"this is not a picture").unwrap();
    let done = d.spawn(YVIEW, &["broken.png"]).finish();
    assert_eq!(done.status.code(), Some(1), "exit status for a broken file");
    assert!(
        done.stderr.contains("broken.png"),
        "the message does not name the file:\n{}",
        done.stderr
    );
    assert!(
        d.mapped_window_of("yview").is_none(),
        "yview opened a window"
    );
}

// ---------------------------------------------------------------------------------------
// ypaint

/// ypaint's toolbar height, and two palette colors (see its source).
const TOOLBAR_H: i32 = 36;
const BLACK: u32 = 0x000000;
const RED: u32 = 0xe53935;
const PAPER: u32 = 0xffffff;

#[test]
fn ypaint_paints_chooses_colors_saves_and_loads() {
    let _watchdog = watchdog("ypaint_paints_chooses_colors_saves_and_loads");
    let d = Display::start();
    let paint = d.spawn(
        YPAINT,
        &["--exit-after", "60", "--size", "300x200", "picture.png"],
    );
    let win = d.window_of("ypaint");
    assert_eq!(d.title_of(win), "ypaint — picture.png");
    // The window is at (0, 0) (no window manager): window and root coordinates agree.
    let canvas = |x: i32, y: i32| (x, y + TOOLBAR_H);
    eventually("the canvas is shown", || {
        let px = d.read_window(win);
        let (x, y) = canvas(299, 199);
        px.at(x, y) == PAPER && px.count_in(Rect::new(0, 0, 300, 36), |p| p == RED) > 0
    });

    // A stroke in the default color, black.
    d.drag(canvas(40, 60), canvas(260, 60));
    let line = |px: &Pixels, y: i32, rgb: u32| {
        (50..250).all(|x| {
            let (x, y) = canvas(x, y);
            px.at(x, y) == rgb
        })
    };
    eventually("the black stroke is shown", || {
        line(&d.read_window(win), 60, BLACK)
    });

    // Choose red: click its swatch, found by its color in the toolbar.
    let before = d.read_window(win);
    let toolbar = Rect::new(0, 0, d.size_of(win).0, TOOLBAR_H as u32);
    let swatch = (0..toolbar.width as i32)
        .find(|x| before.at(*x, TOOLBAR_H / 2) == RED)
        .expect("a red swatch in the toolbar");
    d.click(swatch + 4, TOOLBAR_H / 2);
    eventually("the toolbar highlights the choice", || {
        let now = d.read_window(win);
        (0..toolbar.width as i32).any(|x| (0..TOOLBAR_H).any(|y| now.at(x, y) != before.at(x, y)))
    });
    d.drag(canvas(40, 140), canvas(260, 140));
    eventually("the red stroke is shown", || {
        line(&d.read_window(win), 140, RED)
    });
    let px = d.read_window(win);
    assert!(line(&px, 60, BLACK), "the black stroke is still there");
    assert!(line(&px, 100, PAPER), "paper between the strokes");
    assert!(line(&px, 20, PAPER), "paper above the strokes");

    // `s` saves the canvas (the pointer is over the window, which gets the key).
    d.input(FakeKind::KeyPress, 's' as u32, 0, 0);
    d.input(FakeKind::KeyRelease, 's' as u32, 0, 0);
    let file = d.path("picture.png");
    let mut saved = None;
    eventually("the picture is saved", || {
        saved = image::open(&file).ok().map(|i| i.to_rgb8());
        saved.is_some()
    });
    let saved = saved.unwrap();
    assert_eq!(saved.dimensions(), (300, 200), "the canvas's size");
    let at = |x, y| {
        let [r, g, b] = saved.get_pixel(x, y).0;
        u32::from_be_bytes([0, r, g, b])
    };
    for x in 50..250 {
        assert_eq!(at(x, 60), BLACK, "saved black stroke at x {x}");
        assert_eq!(at(x, 140), RED, "saved red stroke at x {x}");
        assert_eq!(at(x, 100), PAPER, "saved paper at x {x}");
    }
    drop(paint);

    // Started again on the same file, it shows the picture.
    eventually("the first ypaint is gone", || {
        d.mapped_window_of("ypaint").is_none()
    });
    let _again = d.spawn(YPAINT, &["--exit-after", "30", "picture.png"]);
    let win = d.window_of("ypaint");
    eventually("the saved picture is loaded", || {
        let px = d.read_window(win);
        line(&px, 60, BLACK) && line(&px, 140, RED) && line(&px, 100, PAPER)
    });
}

// ---------------------------------------------------------------------------------------
// yonder-demo

/// The `yonder-server` binary the demo starts: next to the demo's. `cargo test` builds
/// only this package's binaries, so build the server's if it is not there yet.
fn ensure_server_binary() {
    let bin_dir = Path::new(DEMO).parent().unwrap();
    if bin_dir.join("yonder-server").exists() {
        return;
    }
    let profile = match bin_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev",
        Some(other) => other,
        None => "dev",
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", "yonder-server", "--bin", "yonder-server"])
        .args(["--profile", profile])
        .env("CARGO_TARGET_DIR", bin_dir.parent().unwrap())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo build -p yonder-server");
    assert!(status.success(), "cargo build -p yonder-server failed");
}

/// Processes whose command line mentions `needle`, as (pid, command line).
fn processes_mentioning(needle: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        if let Ok(raw) = std::fs::read(entry.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&raw).replace('\0', " ");
            if cmd.contains(needle) {
                out.push((pid, cmd));
            }
        }
    }
    out
}

#[test]
fn demo_runs_headless_saves_a_screenshot_and_cleans_up() {
    let _watchdog = watchdog("demo_runs_headless_saves_a_screenshot_and_cleans_up");
    ensure_server_binary();
    let dir = tempfile::tempdir().unwrap();
    // The demo's own temporary directory goes below this one, so every process it starts
    // has this path on its command line (the server's --socket-dir, yview's picture).
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let needle = tmp.to_string_lossy().into_owned();
    let shot = dir.path().join("out.png");
    let started = Instant::now();
    let mut cmd = Command::new(DEMO);
    cmd.args(["--exit-after", "8", "--screenshot"])
        .arg(&shot)
        .current_dir(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("YONDER_DISPLAY")
        .env_remove("YONDER_COOKIE")
        .env("TMPDIR", &tmp)
        .env("YONDER_COOKIE_FILE", dir.path().join("no-such-cookie-file"))
        .env("XDG_RUNTIME_DIR", dir.path().join("no-such-runtime-dir"))
        .stdin(Stdio::null());
    let out = dir.path().join("demo.out");
    let err = dir.path().join("demo.err");
    cmd.stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    let child = cmd.spawn().expect("spawn yonder-demo");
    register(&child);
    let demo = App {
        name: "yonder-demo".into(),
        child,
        out,
        err,
    };

    // While it runs, its server and apps are there (which shows the search below works).
    eventually("the demo's server and apps run", || {
        let found = processes_mentioning(&needle);
        found.iter().any(|(_, c)| c.contains("yonder-server"))
            && found.iter().any(|(_, c)| c.contains("yview"))
    });

    let done = demo.finish_within(Duration::from_secs(40));
    assert!(
        done.status.success(),
        "yonder-demo: {}\nstdout:\n{}\nstderr:\n{}",
        done.status,
        done.stdout,
        done.stderr
    );
    assert!(
        started.elapsed() >= Duration::from_millis(7500),
        "the demo ended after {:?}, before --exit-after 8",
        started.elapsed()
    );
    assert_eq!(
        done.stdout.trim(),
        format!("screenshot saved to {}", shot.display()),
        "stderr:\n{}",
        done.stderr
    );
    let left = processes_mentioning(&needle);
    assert!(left.is_empty(), "the demo left processes behind: {left:?}");
    let leftover: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(
        leftover.is_empty(),
        "the demo left files behind: {leftover:?}"
    );

    // The screenshot shows the apps' windows in several places of the screen.
    let img = image::open(&shot)
        .unwrap_or_else(|e| panic!("{}: {e}", shot.display()))
        .to_rgb8();
    let (w, h) = img.dimensions();
    assert_eq!((w, h), (1600, 1000), "the demo's screen");
    let rgb = |x, y| {
        let [r, g, b] = img.get_pixel(x, y).0;
        u32::from_be_bytes([0, r, g, b])
    };
    let mut counts = std::collections::HashMap::new();
    for y in 0..h {
        for x in 0..w {
            *counts.entry(rgb(x, y)).or_insert(0usize) += 1;
        }
    }
    let root = *counts.iter().max_by_key(|(_, n)| **n).unwrap().0;
    let cell = 160;
    let busy_cells = (0..h / cell)
        .flat_map(|cy| (0..w / cell).map(move |cx| (cx, cy)))
        .filter(|(cx, cy)| {
            let mut other = 0;
            for y in cy * cell..(cy + 1) * cell {
                for x in cx * cell..(cx + 1) * cell {
                    other += (rgb(x, y) != root) as u32;
                }
            }
            other > cell * cell / 4
        })
        .count();
    assert!(
        busy_cells >= 8,
        "only {busy_cells} of 60 screen cells show windows"
    );
    // Each app's own colors: hello's blue rectangle, yclock's background, the sun in
    // yview's picture, ypaint's red swatch.
    for (what, color, at_least) in [
        ("hello", 0x3b82f6, 120 * 80),
        ("yclock", 0xeff1f5, 2000),
        ("yview", 0xffd666, 1000),
        ("ypaint", RED, 24 * 24),
    ] {
        let n = counts.get(&color).copied().unwrap_or(0);
        assert!(n >= at_least, "{what}: only {n} pixels of {color:06x}");
    }
}
