//! `yonder-move` moves real demo apps, while they run, to another display and back
//! (protocol.md §5.5): each app keeps its process, its window comes back on the other
//! display with the same id and the same pixels, and it goes on there. The two displays
//! are two servers in this process (two machines' worth of state); the test between
//! two network namespaces is the same walk over a real link.

use std::time::Duration;
use yonder::prelude::*;
use yonder_protocol::request::{FakeKind, ImageFormat};
use yonder_protocol::{Rect, WindowId};
use yonder_test_support::apps::{self, eventually, spawn, watchdog, App, Display, Observer, WAIT};
use yonder_test_support::home::Home;
use yonder_test_support::netns::NetPair;

const HELLO: &str = env!("CARGO_BIN_EXE_hello");
const YPAINT: &str = env!("CARGO_BIN_EXE_ypaint");
const YVIEW: &str = env!("CARGO_BIN_EXE_yview");
const YCLOCK: &str = env!("CARGO_BIN_EXE_yclock");
const YDOC: &str = env!("CARGO_BIN_EXE_ydoc");
const YFILES: &str = env!("CARGO_BIN_EXE_yfiles");
const MOVE: &str = env!("CARGO_BIN_EXE_yonder-move");

/// ypaint's toolbar height (see its source).
const TOOLBAR_H: i32 = 36;

/// Runs `yonder-move --window W --from FROM --to TO` with a cookie file holding `lines`.
fn move_window(dir: &std::path::Path, w: WindowId, from: &str, to: &str, lines: &str) -> String {
    apps::move_window(MOVE, dir, w, from, to, lines)
}

/// Waits until window `w` shows on `o` with exactly `pixels`.
fn shows(o: &Observer, w: WindowId, pixels: &[u32], what: &str) {
    eventually(what, || {
        let Ok(g) = o.conn.get_geometry(w).reply() else {
            return false;
        };
        let whole = Rect::new(0, 0, g.rect.width, g.rect.height);
        o.conn
            .get_image(w, whole, ImageFormat::Bgrx)
            .reply()
            .is_ok_and(|img| {
                img.data
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], 0]))
                    .eq(pixels.iter().copied())
            })
    });
}

fn gone(o: &Observer, w: WindowId) -> bool {
    o.conn.get_geometry(w).reply().is_err()
}

fn alive(app: &mut App, when: &str) {
    assert!(
        app.child.try_wait().unwrap().is_none(),
        "{} exited {when}: {}",
        app.name,
        app.stderr()
    );
}

#[test]
fn demo_apps_move_to_another_display_and_back_with_their_pixels() {
    let _watchdog = watchdog("demo_apps_move_to_another_display_and_back_with_their_pixels");
    let a = Display::start();
    let b = Display::start();
    let picture = image::RgbImage::from_fn(120, 80, |x, y| {
        image::Rgb([x as u8 * 2, y as u8 * 3, (x ^ y) as u8])
    });
    picture.save(a.path("view.png")).unwrap();
    let text = "A paragraph that travels.";
    let doc = format!("ydoc 1\ntext {}\n{text}\n", text.len());
    std::fs::write(a.path("paper.ydoc"), doc).unwrap();
    let files = a.path("files");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("note.txt"), "remember the milk").unwrap();
    let mut apps = [
        a.spawn(HELLO, &["--x", "10", "--y", "10"]),
        a.spawn(YPAINT, &["--size", "200x150", "--x", "430", "--y", "285"]),
        a.spawn(YVIEW, &["--x", "60", "--y", "60", "view.png"]),
        a.spawn(
            YDOC,
            &[
                "--size",
                "300x200",
                "--x",
                "330",
                "--y",
                "270",
                "paper.ydoc",
            ],
        ),
        a.spawn(YFILES, &["--x", "420", "--y", "10", "files"]),
    ];
    let names = ["hello", "ypaint", "yview", "ydoc", "yfiles"];
    let windows: Vec<WindowId> = names.iter().map(|n| a.window_of(n)).collect();
    // A stroke on ypaint's canvas, so that it has a drawing of its own to move (ypaint on
    // top, whatever order the windows came in).
    a.conn
        .configure_window(yonder_protocol::request::ConfigureWindow {
            window: windows[1],
            stack_mode: Some(yonder_protocol::request::StackMode::Above),
            ..Default::default()
        });
    a.conn.sync().unwrap();
    let canvas = a.conn.get_geometry(windows[1]).reply().unwrap().rect;
    let (x0, y0) = (canvas.x + 30, canvas.y + TOOLBAR_H + 40);
    a.drag((x0, y0), (x0 + 80, y0));
    eventually("the stroke shows", || {
        a.read_window(windows[1]).at(60, TOOLBAR_H + 40) == 0x000000
    });
    std::thread::sleep(Duration::from_millis(300));
    let before: Vec<Vec<u32>> = windows.iter().map(|w| a.read_window(*w).data).collect();
    let lines = apps::cookie_lines(&[&a, &b]);
    let (ad, bd) = (a.handle.unix_display(), b.handle.unix_display());

    for (i, w) in windows.iter().enumerate() {
        let said = move_window(a.dir.path(), *w, &ad, &bd, &lines);
        assert!(said.contains("moved"), "{said}");
        shows(
            &b,
            *w,
            &before[i],
            &format!("{} shows on B as it did on A", names[i]),
        );
        eventually("the window left A", || gone(&a, *w));
    }
    for app in &mut apps {
        alive(app, "after moving to B");
    }
    // ypaint goes on, on B: a second stroke (ypaint on top there too).
    b.conn
        .configure_window(yonder_protocol::request::ConfigureWindow {
            window: windows[1],
            stack_mode: Some(yonder_protocol::request::StackMode::Above),
            ..Default::default()
        });
    b.conn.sync().unwrap();
    let on_b = b.conn.get_geometry(windows[1]).reply().unwrap().rect;
    let (x1, y1) = (on_b.x + 30, on_b.y + TOOLBAR_H + 80);
    b.input(FakeKind::Motion, 0, x1, y1);
    b.drag((x1, y1), (x1 + 80, y1));
    eventually("the second stroke shows on B", || {
        b.read_window(windows[1]).at(60, TOOLBAR_H + 80) == 0x000000
    });
    let on_b: Vec<Vec<u32>> = windows.iter().map(|w| b.read_window(*w).data).collect();

    // And back to A, with what they show now.
    for (i, w) in windows.iter().enumerate() {
        move_window(a.dir.path(), *w, &bd, &ad, &lines);
        shows(
            &a,
            *w,
            &on_b[i],
            &format!("{} is back on A as it was on B", names[i]),
        );
        eventually("the window left B", || gone(&b, *w));
    }
    for app in &mut apps {
        alive(app, "after moving back");
        assert_eq!(app.stderr(), "", "{} said something", app.name);
    }
}

#[test]
fn a_clock_keeps_ticking_on_the_other_display() {
    let _watchdog = watchdog("a_clock_keeps_ticking_on_the_other_display");
    let a = Display::start();
    let b = Display::start();
    let mut clock = a.spawn(YCLOCK, &[]);
    let w = a.window_of("yclock");
    let lines = apps::cookie_lines(&[&a, &b]);
    move_window(
        a.dir.path(),
        w,
        &a.handle.unix_display(),
        &b.handle.unix_display(),
        &lines,
    );
    eventually("the clock is on B", || {
        b.conn.get_geometry(w).reply().is_ok()
    });
    let face = b.read_window(w).data;
    eventually("the clock ticks on B", || b.read_window(w).data != face);
    alive(&mut clock, "on B");
}

/// Moving between two hosts: display A in one network namespace, display B in another,
/// joined by a veth pair; the app runs on A's host and reaches B over the link, as does
/// `yonder-move`.
#[test]
fn an_app_moves_between_two_hosts() {
    let Some(net) = NetPair::or_skip("an_app_moves_between_two_hosts") else {
        return;
    };
    let _watchdog = watchdog("an_app_moves_between_two_hosts");
    let (home_a, home_b) = (Home::new(640, 480), Home::new(800, 600));
    let _a = home_a.serve_with(
        &net.on_server(),
        &["--listen", "tcp", "--tcp-addr", &net.server_addr],
    );
    let _b = home_b.serve_with(
        &net.on_app(),
        &["--listen", "tcp", "--tcp-addr", &net.app_addr],
    );
    let (ad, bd) = (
        format!("{}:0", net.server_addr),
        format!("{}:0", net.app_addr),
    );
    let env = [
        ("YONDER_DISPLAY", ad.clone()),
        ("YONDER_COOKIE", hex::encode(home_a.cookie(":0"))),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let launch = |bin: &str, args: &[&str]| {
        let mut cmd = net.on_server().to_vec();
        cmd.push(bin);
        cmd.extend_from_slice(args);
        spawn(cmd[0], &cmd[1..], home_a.dir.path(), &env)
    };
    let mut paint = launch(YPAINT, &["--size", "300x200", "--exit-after", "120"]);
    let (oa, ob) = (home_a.observer(), home_b.observer());
    let w = oa.window_of("ypaint");
    let canvas = oa.conn.get_geometry(w).reply().unwrap().rect;
    let (x0, y0) = (canvas.x + 30, canvas.y + TOOLBAR_H + 40);
    oa.drag((x0, y0), (x0 + 100, y0));
    eventually("the stroke shows", || {
        oa.read_window(w).at(60, TOOLBAR_H + 40) == 0x000000
    });
    std::thread::sleep(Duration::from_millis(300));
    let before = oa.read_window(w).data;
    let lines = format!(
        "{ad} {}\n{ad}+trusted {}\n{bd} {}\n",
        hex::encode(home_a.cookie(":0")),
        hex::encode(home_a.cookie(":0+trusted")),
        hex::encode(home_b.cookie(":0")),
    );
    let file = home_a.path("mover-cookies");
    std::fs::write(&file, lines).unwrap();
    let window = format!("{:#x}", w.0);
    let mut cmd = net.on_server().to_vec();
    cmd.extend_from_slice(&[MOVE, "--window", &window, "--from", &ad, "--to", &bd]);
    let done = spawn(
        cmd[0],
        &cmd[1..],
        home_a.dir.path(),
        &[("YONDER_COOKIE_FILE", file.to_str().unwrap())],
    )
    .finish_within(WAIT);
    assert!(done.status.success(), "{}{}", done.stdout, done.stderr);
    shows(&ob, w, &before, "ypaint shows on B's host as it did on A's");
    eventually("the window left A", || gone(&oa, w));
    alive(&mut paint, "after the move");
    // It goes on over the link: a second stroke on B.
    let on_b = ob.conn.get_geometry(w).reply().unwrap().rect;
    let (x1, y1) = (on_b.x + 30, on_b.y + TOOLBAR_H + 90);
    ob.drag((x1, y1), (x1 + 100, y1));
    eventually("the second stroke shows on B", || {
        ob.read_window(w).at(60, TOOLBAR_H + 90) == 0x000000
    });
}

/// ydoc on `d` with a drawing being edited in place (ypaint inside ydoc's window) with a
/// stroke on it: ydoc's window, ypaint's, and ypaint's pixels.
fn document_with_part(d: &Display) -> (App, WindowId, WindowId, Vec<u32>) {
    let yellow = 0xfff5c0;
    let drawing = image::RgbaImage::from_pixel(200, 120, image::Rgba([0xff, 0xf5, 0xc0, 255]));
    let mut png = Vec::new();
    drawing
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut doc_file = b"ydoc 1\ntext 17\nAbove the drawing\n".to_vec();
    doc_file.extend_from_slice(format!("drawing {}\n", png.len()).as_bytes());
    doc_file.extend_from_slice(&png);
    doc_file.extend_from_slice(b"\ntext 17\nBelow the drawing\n");
    std::fs::write(d.path("paper.ydoc"), doc_file).unwrap();
    let doc = d.spawn(
        YDOC,
        &["--size", "560x400", "--x", "30", "--y", "40", "paper.ydoc"],
    );
    let doc_win = d.window_of("ydoc");
    eventually("the drawing shows", || {
        d.read_window(doc_win)
            .count_in(Rect::new(16, 0, 200, 400), |p| p == yellow)
            == 200 * 120
    });
    // A double click on the drawing edits it in place; a stroke on ypaint's canvas.
    let (dx, dy) = origin(d, doc_win);
    let px = d.read_window(doc_win);
    let top = (0..400)
        .find(|y| px.at(116, *y) == yellow)
        .expect("the drawing");
    for _ in 0..2 {
        d.input(FakeKind::Motion, 0, dx + 116, dy + top + 60);
        d.input(FakeKind::ButtonPress, 1, dx + 116, dy + top + 60);
        d.input(FakeKind::ButtonRelease, 1, dx + 116, dy + top + 60);
    }
    let mut part = None;
    eventually("ypaint runs inside ydoc's window", || {
        part = d.descendant_of_client(doc_win, "ypaint");
        part.is_some()
    });
    let part = part.unwrap();
    let (ox, oy) = origin(d, part);
    d.drag(
        (ox + 20, oy + TOOLBAR_H + 40),
        (ox + 120, oy + TOOLBAR_H + 40),
    );
    eventually("the stroke shows", || {
        d.read_window(part).at(60, TOOLBAR_H + 40) == 0x000000
    });
    std::thread::sleep(Duration::from_millis(300));
    let part_px = d.read_window(part).data;
    (doc, doc_win, part, part_px)
}

/// A window's position on the screen.
fn origin(d: &Display, mut w: WindowId) -> (i32, i32) {
    let (mut x, mut y) = (0, 0);
    while w != WindowId::ROOT {
        let r = d.conn.get_geometry(w).reply().unwrap().rect;
        (x, y) = (x + r.x, y + r.y);
        w = d.conn.query_tree(w).reply().unwrap().parent;
    }
    (x, y)
}

/// A compound document moves with its parts: ydoc, with a drawing being edited in place
/// (ypaint running inside ydoc's window, a process of its own), goes to the other display
/// and ypaint follows it there, inside the same window, with its stroke.
#[test]
fn a_document_moves_with_the_part_embedded_in_it() {
    let _watchdog = watchdog("a_document_moves_with_the_part_embedded_in_it");
    let a = Display::start();
    let b = Display::start();
    let (mut doc, doc_win, part, part_px) = document_with_part(&a);
    let lines = apps::cookie_lines(&[&a, &b]);
    let said = move_window(
        a.dir.path(),
        doc_win,
        &a.handle.unix_display(),
        &b.handle.unix_display(),
        &lines,
    );
    assert!(said.contains("moved its part ypaint"), "{said}");
    eventually("ydoc is on B", || {
        b.conn.get_geometry(doc_win).reply().is_ok()
    });
    eventually("ypaint is inside ydoc's window on B", || {
        b.descendant_of_client(doc_win, "ypaint") == Some(part)
    });
    shows(&b, part, &part_px, "the part shows its stroke on B");
    eventually("nothing of them is left on A", || {
        gone(&a, doc_win) && gone(&a, part)
    });
    alive(&mut doc, "after the move");
    assert!(
        a.client("ypaint").is_none(),
        "ypaint left A: {:?}",
        a.client("ypaint")
    );
    // And back: on B, ydoc took the part into its save-set when it arrived (the entry
    // waited for it, protocol.md §9.67), so the part outlives ydoc's leaving B and
    // follows it home.
    let said = move_window(
        a.dir.path(),
        doc_win,
        &b.handle.unix_display(),
        &a.handle.unix_display(),
        &lines,
    );
    assert!(said.contains("moved its part ypaint"), "{said}");
    eventually("ypaint is inside ydoc's window on A again", || {
        a.descendant_of_client(doc_win, "ypaint") == Some(part)
    });
    shows(&a, part, &part_px, "the part shows its stroke on A");
    alive(&mut doc, "after the move back");
}

/// The window manager's ⇄ button moves a compound document with its part: with one other
/// display (`--peer`), a click on ydoc's title bar button, and ypaint follows inside it.
#[test]
fn the_window_managers_button_moves_a_document_with_its_part() {
    let _watchdog = watchdog("the_window_managers_button_moves_a_document_with_its_part");
    let b = Display::start();
    let peer = yonder_server::config::Peer {
        display: b.handle.unix_display(),
        cookie: Some(b.handle.cookie.to_vec()),
    };
    let a = Display::start_with(move |c| {
        c.window_manager = true;
        c.peers = vec![peer];
    });
    let (mut doc, doc_win, part, part_px) = document_with_part(&a);
    let client = a.conn.get_geometry(doc_win).reply().unwrap().rect;
    let right = client.x + client.width as i32 + 4;
    let (x, y) = (right - 48 - 12, client.y - 12);
    a.input(FakeKind::Motion, 0, x, y);
    a.input(FakeKind::ButtonPress, 1, x, y);
    a.input(FakeKind::ButtonRelease, 1, x, y);
    eventually("ydoc is on B", || {
        b.conn.get_geometry(doc_win).reply().is_ok()
    });
    eventually("ypaint is inside ydoc's window on B", || {
        b.descendant_of_client(doc_win, "ypaint") == Some(part)
    });
    shows(&b, part, &part_px, "the part shows its stroke on B");
    eventually("nothing of them is left on A", || {
        gone(&a, doc_win) && gone(&a, part)
    });
    alive(&mut doc, "after the move");
}
