//! Apps driven from a browser (protocol.md §20): headless Chromium opens the display's
//! web viewer and a test types into ydoc and moves a window through the page, as a user
//! at a thin terminal would. Skips without Chromium unless `YONDER_REQUIRE_BROWSER=1`.

use std::time::Duration;
use yonder::prelude::*;
use yonder_protocol::{atoms, Rect};
use yonder_test_support::apps::*;
use yonder_test_support::browser::{Browser, Button, Page};

const YDOC: &str = env!("CARGO_BIN_EXE_ydoc");
const HELLO: &str = env!("CARGO_BIN_EXE_hello");
const YVIEW: &str = env!("CARGO_BIN_EXE_yview");
const SHOT: &str = env!("CARGO_BIN_EXE_yonder-shot");

fn web_display(window_manager: bool) -> Display {
    Display::start_with(|c| {
        c.listen_web = true;
        c.web.port = Some(0);
        c.window_manager = window_manager;
    })
}

fn open(browser: &Browser, d: &Display) -> Page {
    let url = d.handle.web_url.clone().expect("a web address");
    let mut page = browser.open(&url, 1200, 900);
    page.wait_for(
        "window.yonder && window.yonder.frames > 0",
        Duration::from_secs(20),
    );
    page
}

/// DevTools' modifier bit for Control.
const CTRL: u32 = 2;

#[test]
fn typing_in_the_page_reaches_ydoc_with_dead_keys_and_shortcuts() {
    let _watchdog = watchdog("typing_in_the_page_reaches_ydoc_with_dead_keys_and_shortcuts");
    let Some(browser) = Browser::launch() else {
        return;
    };
    let d = web_display(false);
    let _doc = d.spawn(
        YDOC,
        &["--exit-after", "60", "--size", "400x240", "web.ydoc"],
    );
    let w = d.window_of("ydoc");
    let mut page = open(&browser, &d);
    // Click into the document: the page takes the keyboard, ydoc the focus.
    let p = page.at(200.0, 120.0);
    page.mouse("mouseMoved", p, Button::None);
    page.mouse("mousePressed", p, Button::Left);
    page.mouse("mouseReleased", p, Button::Left);
    // Plain keys, a German ß and a €, as a layout gives them (`key` is the character).
    for (key, code, vk) in [
        ("G", "KeyG", 71),
        ("r", "KeyR", 82),
        ("ü", "BracketLeft", 186),
        ("ß", "Minus", 189),
        ("e", "KeyE", 69),
        (" ", "Space", 32),
        ("€", "KeyE", 69),
        (" ", "Space", 32),
    ] {
        page.key(key, code, vk, key, 0);
    }
    // A dead accent, then e: the browser composes é and the page sends what it composed.
    page.key_event("rawKeyDown", "Dead", "Equal", 187, "", 0);
    page.key_event("keyUp", "Dead", "Equal", 187, "", 0);
    page.compose("´", "é");
    // Ctrl+S saves; the file has every character.
    page.key_event("rawKeyDown", "Control", "ControlLeft", 17, "", CTRL);
    page.key("s", "KeyS", 83, "", CTRL);
    page.key_event("keyUp", "Control", "ControlLeft", 17, "", 0);
    let file = d.path("web.ydoc");
    let mut saved = String::new();
    eventually("ydoc saved what the page typed", || {
        saved = std::fs::read_to_string(&file).unwrap_or_default();
        saved.contains("Grüße € é")
    });
    // Ctrl+A, Ctrl+C: ydoc selects everything and owns the clipboard.
    let clipboard = d.conn.intern_atom("CLIPBOARD", false).reply().unwrap().atom;
    assert_ne!(
        d.conn.get_selection_owner(clipboard).reply().unwrap().owner,
        w
    );
    page.key_event("rawKeyDown", "Control", "ControlLeft", 17, "", CTRL);
    page.key("a", "KeyA", 65, "", CTRL);
    page.key("c", "KeyC", 67, "", CTRL);
    page.key_event("keyUp", "Control", "ControlLeft", 17, "", 0);
    eventually("ydoc owns the clipboard", || {
        d.conn.get_selection_owner(clipboard).reply().unwrap().owner == w
    });
    let _ = atoms::PRIMARY;
}

#[test]
fn dragging_a_title_bar_in_the_page_moves_the_window() {
    let _watchdog = watchdog("dragging_a_title_bar_in_the_page_moves_the_window");
    let Some(browser) = Browser::launch() else {
        return;
    };
    let d = web_display(true);
    let _doc = d.spawn(YDOC, &["--exit-after", "60", "--size", "300x200", "x.ydoc"]);
    let w = d.window_of("ydoc");
    let mut page = open(&browser, &d);
    let before: Rect = d.conn.get_geometry(w).reply().unwrap().rect;
    let title_y = before.y as f64 - yonder_server::wm::TITLE_HEIGHT as f64 / 2.0;
    let from = page.at(before.x as f64 + 60.0, title_y);
    let to = page.at(before.x as f64 + 260.0, title_y + 150.0);
    page.mouse("mouseMoved", from, Button::None);
    page.mouse("mousePressed", from, Button::Left);
    for i in 1..=10 {
        let f = i as f64 / 10.0;
        let at = (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f);
        page.mouse("mouseMoved", at, Button::Left);
    }
    page.mouse("mouseReleased", to, Button::Left);
    eventually("the window moved by the drag", || {
        let r = d.conn.get_geometry(w).reply().unwrap().rect;
        (r.x - before.x, r.y - before.y) == (200, 150)
    });
    // The page copied the moving window's pixels instead of receiving them again, and
    // shows exactly the screen.
    assert!(
        page.stat("copies").as_u64().unwrap() > 0,
        "no copy was used"
    );
    let (sw, sh) = page.canvas().dimensions();
    eventually("the page shows the screen after the drag", || {
        let screen = d.read_screen(Rect::new(0, 0, sw, sh));
        let canvas = page.canvas();
        canvas.enumerate_pixels().all(|(x, y, p)| {
            screen.at(x as i32, y as i32) == u32::from_be_bytes([0, p[0], p[1], p[2]])
        })
    });
}

#[test]
fn the_page_equals_yonder_shot_of_the_screen_with_the_apps_running() {
    let _watchdog = watchdog("the_page_equals_yonder_shot_of_the_screen_with_the_apps_running");
    let Some(browser) = Browser::launch() else {
        return;
    };
    let d = web_display(true);
    let _hello = d.spawn(HELLO, &["--exit-after", "60"]);
    d.window_of("hello");
    let _doc = d.spawn(YDOC, &["--exit-after", "60", "--size", "360x220", "a.ydoc"]);
    d.window_of("ydoc");
    // A photo-like picture: smooth gradients with grain.
    let pic = image::RgbImage::from_fn(320, 200, |x, y| {
        let grain = ((x * 7919 + y * 104729) % 23) as u8;
        image::Rgb([
            (x * 255 / 320) as u8 ^ grain,
            (y * 255 / 200) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    pic.save(d.path("photo.png")).unwrap();
    let _view = d.spawn(YVIEW, &["--exit-after", "60", "photo.png"]);
    d.window_of("yview");
    let mut page = open(&browser, &d);
    // The lossless path: the canvas is the screen, pixel for pixel (the apps are still,
    // so a shot taken after the page caught up is the page's picture).
    let mut diff = usize::MAX;
    eventually("the page shows what yonder-shot reads", || {
        std::thread::sleep(Duration::from_millis(300));
        let shot = d.path("screen.png");
        d.run(SHOT, &[shot.to_str().unwrap()])
            .assert_success("yonder-shot");
        let shot = image::open(&shot).unwrap().to_rgb8();
        let canvas = page.canvas();
        diff = if shot.dimensions() == canvas.dimensions() {
            shot.pixels()
                .zip(canvas.pixels())
                .filter(|(a, b)| a != b)
                .count()
        } else {
            usize::MAX
        };
        diff == 0
    });
    // The page as a user sees it, for the README (shots/ is kept out of git).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("web-viewer.png"), page.screenshot());
}

/// The blocks of a saved ydoc file, as their kinds and texts.
fn blocks(bytes: &[u8]) -> Vec<String> {
    let mut rest = bytes.strip_prefix(b"ydoc 1\n").unwrap_or(b"");
    let mut out = Vec::new();
    while let Some(nl) = rest.iter().position(|b| *b == b'\n') {
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        let Some((kind, len)) = header.split_once(' ') else {
            break;
        };
        let Ok(len) = len.parse::<usize>() else { break };
        let Some(content) = rest.get(nl + 1..nl + 1 + len) else {
            break;
        };
        out.push(match kind {
            "text" => String::from_utf8_lossy(content).into_owned(),
            other => format!("[{other}]"),
        });
        rest = rest.get(nl + 2 + len..).unwrap_or(b"");
    }
    out
}

/// Ctrl+S in the page, until the file holds what `want` says.
fn save_until(page: &mut Page, d: &Display, file: &str, want: impl Fn(&[String]) -> bool) {
    let path = d.path(file);
    let mut last = Vec::new();
    eventually_within(Duration::from_secs(20), "ydoc saved it", || {
        let _ = std::fs::remove_file(&path);
        page.key_event("rawKeyDown", "Control", "ControlLeft", 17, "", CTRL);
        page.key("s", "KeyS", 83, "", CTRL);
        page.key_event("keyUp", "Control", "ControlLeft", 17, "", 0);
        std::thread::sleep(Duration::from_millis(300));
        last = blocks(&std::fs::read(&path).unwrap_or_default());
        want(&last)
    });
}

#[test]
fn the_clipboard_goes_both_ways_between_the_browser_and_ydoc() {
    let _watchdog = watchdog("the_clipboard_goes_both_ways_between_the_browser_and_ydoc");
    let Some(browser) = Browser::launch() else {
        return;
    };
    let d = web_display(false);
    let port = d.handle.web_port.unwrap();
    browser.grant_clipboard(&format!("http://127.0.0.1:{port}"));
    let _doc = d.spawn(
        YDOC,
        &["--exit-after", "60", "--size", "400x240", "clip.ydoc"],
    );
    d.window_of("ydoc");
    let mut page = open(&browser, &d);
    let p = page.at(200.0, 120.0);
    page.mouse("mousePressed", p, Button::Left);
    page.mouse("mouseReleased", p, Button::Left);
    for (key, code) in [("h", "KeyH"), ("i", "KeyI")] {
        page.key(key, code, 0, key, 0);
    }
    // Copied in ydoc: on the browser's clipboard.
    page.key_event("rawKeyDown", "Control", "ControlLeft", 17, "", CTRL);
    page.key("a", "KeyA", 65, "", CTRL);
    page.key("c", "KeyC", 67, "", CTRL);
    page.key_event("keyUp", "Control", "ControlLeft", 17, "", 0);
    page.wait_for("window.yonder.clipboards > 0", Duration::from_secs(10));
    assert_eq!(page.eval("navigator.clipboard.readText()"), "hi");
    // Copied in the browser: pasted into ydoc with Ctrl+V.
    page.eval("navigator.clipboard.writeText(' and Grüße from the browser')");
    page.key("End", "End", 35, "", 0);
    page.key_event("rawKeyDown", "Control", "ControlLeft", 17, "", CTRL);
    page.key_command("rawKeyDown", "v", "KeyV", 86, "", CTRL, &["paste"]);
    page.key_event("keyUp", "v", "KeyV", 86, "", CTRL);
    page.key_event("keyUp", "Control", "ControlLeft", 17, "", 0);
    page.wait_for("window.yonder.pastes > 0", Duration::from_secs(10));
    save_until(&mut page, &d, "clip.ydoc", |b| {
        b.first()
            .is_some_and(|t| t == "hi and Grüße from the browser")
    });
}

#[test]
fn a_picture_dropped_on_the_page_lands_in_ydoc() {
    let _watchdog = watchdog("a_picture_dropped_on_the_page_lands_in_ydoc");
    let Some(browser) = Browser::launch() else {
        return;
    };
    let d = web_display(false);
    let _doc = d.spawn(
        YDOC,
        &["--exit-after", "60", "--size", "400x300", "drop.ydoc"],
    );
    let w = d.window_of("ydoc");
    let mut page = open(&browser, &d);
    // A JPEG from the desktop: it arrives as PNG, the type ydoc takes.
    let pic = image::RgbImage::from_fn(60, 40, |_, _| image::Rgb([20, 200, 60]));
    let file = d.path("green.jpg");
    pic.save(&file).unwrap();
    let r = d.conn.get_geometry(w).reply().unwrap().rect;
    let at = page.at(r.x as f64 + 100.0, r.y as f64 + 60.0);
    page.drop_file(at, &file);
    page.wait_for("window.yonder.drops > 0", Duration::from_secs(10));
    save_until(&mut page, &d, "drop.ydoc", |b| {
        b.iter().any(|k| k == "[image]")
    });
}
