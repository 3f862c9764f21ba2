//! The demo apps survive `kill -9` of their display server (issue 12, protocol.md §5.4,
//! §16.6), as a user meets it: five real app processes on a headless `yonder-server`
//! process —
//!
//! * `ydoc` with unsaved typed text, part of it copied (ydoc owns the clipboard), and a
//!   drawing part being edited in place, that is `ypaint` running inside ydoc's window,
//!   a stroke drawn on its canvas and the keyboard focus;
//! * `yview` showing a picture (kept in a pixmap), moved by the user from where it opened;
//! * `yfiles` showing a directory (thumbnails in pixmaps);
//! * `yclock` ticking.
//!
//! The test stacks the windows in an order of its own, records what the user sees of
//! each top-level window (id, geometry, title, stacking, pixels), then kills the server
//! with SIGKILL and starts another on the same display. Every app keeps running (the same
//! processes) and comes back by itself: the same windows where they were, stacked as they
//! were, ypaint still inside ydoc with the focus, ydoc owning the clipboard, every
//! window's pixels as before but the clock's, which ticks on. Then the user goes on:
//! Escape ends the in-place editing, the typing goes on in the same document, what was
//! copied before the crash is pasted, and Ctrl+S saves it all: the text typed before and
//! after the crash, the pasted words and the drawing with its stroke. No app has printed
//! anything (an error the library reported, say) by the end.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder_protocol::reply::MapState;
use yonder_protocol::request::{ConfigureWindow, FakeKind, StackMode};
use yonder_protocol::{atoms, keysym, Rect, WindowId};
use yonder_test_support::apps::{eventually, spawn, watchdog, App, Observer, WAIT};
use yonder_test_support::home::Home;
use yonder_test_support::process::{processes_with, Adopted};

const YDOC: &str = env!("CARGO_BIN_EXE_ydoc");
const YVIEW: &str = env!("CARGO_BIN_EXE_yview");
const YFILES: &str = env!("CARGO_BIN_EXE_yfiles");
const YCLOCK: &str = env!("CARGO_BIN_EXE_yclock");

/// ydoc's layout (see its `layout` module) and the drawing part's background.
const DOC_MARGIN: i32 = 16;
const YELLOW: u32 = 0xfff5c0;
/// ypaint's toolbar height when embedded (see its source).
const PAINT_TOOLBAR_H: i32 = 36;
/// The picture yview shows.
const VIEW_W: u32 = 240;
const VIEW_H: u32 = 160;
/// yfiles' layout (see its module doc): entry `i`'s icon, four columns.
fn files_icon(i: i32) -> Rect {
    let (col, row) = (i % 4, i / 4);
    Rect::new(8 + col * 88 + 20, 28 + 8 + row * 80 + 6, 48, 48)
}

/// The color of yview's picture at (x, y): no two neighbours alike.
fn pattern(x: u32, y: u32) -> [u8; 3] {
    [x as u8, y as u8, ((x * 7) ^ (y * 13)) as u8]
}

/// What the user sees of a top-level window, besides its pixels.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    window: WindowId,
    rect: Rect,
    title: String,
}

/// The viewable top-level windows, bottom to top.
fn shown(o: &Observer) -> Vec<Shown> {
    // A window destroyed between two requests is not shown.
    o.top_levels()
        .into_iter()
        .filter(|w| {
            o.conn
                .get_window_attributes(*w)
                .reply()
                .is_ok_and(|a| a.map_state == MapState::Viewable)
        })
        .filter_map(|w| {
            let rect = o.conn.get_geometry(w).reply().ok()?.rect;
            let title = o.conn.get_property(w, atoms::WM_NAME, false).reply().ok()?;
            Some(Shown {
                window: w,
                rect,
                title: String::from_utf8_lossy(&title.data).into_owned(),
            })
        })
        .collect()
}

/// `w`'s parent, and its geometry in it.
fn placement(o: &Observer, w: WindowId) -> (WindowId, Rect) {
    let parent = o.conn.query_tree(w).reply().expect("query_tree").parent;
    (
        parent,
        o.conn.get_geometry(w).reply().expect("geometry").rect,
    )
}

/// A window's position in root coordinates.
fn origin_in_root(o: &Observer, mut w: WindowId) -> (i32, i32) {
    let (mut x, mut y) = (0, 0);
    while w != o.conn.root() {
        let (parent, r) = placement(o, w);
        (x, y) = (x + r.x, y + r.y);
        w = parent;
    }
    (x, y)
}

/// Raises `w` to the top of its siblings.
fn raise(o: &Observer, w: WindowId) {
    o.conn.configure_window(ConfigureWindow {
        window: w,
        stack_mode: Some(StackMode::Above),
        ..Default::default()
    });
}

/// Waits until every window of `want` shows exactly its pixels again; on a timeout,
/// says which windows differ and in how many pixels.
fn wait_pixels(o: &Observer, want: &BTreeMap<&str, (WindowId, Vec<u32>)>) {
    let end = Instant::now() + WAIT;
    loop {
        let mut wrong = Vec::new();
        for (name, (w, px)) in want {
            let now = o.read_window(*w).data;
            if now != *px {
                let n = now.iter().zip(px).filter(|(a, b)| a != b).count();
                wrong.push(format!("{name}: {n} of {} pixels differ", px.len()));
            }
        }
        if wrong.is_empty() {
            return;
        }
        assert!(
            Instant::now() < end,
            "the windows' pixels did not come back: {wrong:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The blocks of a saved ydoc document (`ydoc 1`, then `KIND LENGTH\n` + content +
/// `\n` per block), or `None` while the file is not whole.
fn blocks(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut rest = bytes.strip_prefix(b"ydoc 1\n")?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let nl = rest.iter().position(|b| *b == b'\n')?;
        let (kind, len) = std::str::from_utf8(&rest[..nl]).ok()?.split_once(' ')?;
        let len: usize = len.parse().ok()?;
        let content = rest.get(nl + 1..nl + 1 + len)?.to_vec();
        (rest.get(nl + 1 + len) == Some(&b'\n')).then_some(())?;
        rest = &rest[nl + 2 + len..];
        out.push((kind.to_owned(), content));
    }
    Some(out)
}

fn start(home: &Home, bin: &str, args: &[&str]) -> App {
    let env = home.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args = [args, &["--exit-after", "120"]].concat();
    spawn(bin, &args, home.dir.path(), &env)
}

#[test]
fn five_apps_survive_their_server_killed_and_go_on() {
    let _watchdog = watchdog("five_apps_survive_their_server_killed_and_go_on");
    let home = Home::new(1024, 768);
    let mut server = home.serve();

    // A document with a 200x120 yellow drawing between two paragraphs, and a directory
    // with a note and a picture.
    let drawing = image::RgbaImage::from_pixel(200, 120, image::Rgba([0xff, 0xf5, 0xc0, 255]));
    let mut png = Vec::new();
    drawing
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut doc_file = b"ydoc 1\ntext 17\nAbove the drawing\n".to_vec();
    doc_file.extend_from_slice(format!("drawing {}\n", png.len()).as_bytes());
    doc_file.extend_from_slice(&png);
    doc_file.extend_from_slice(b"\ntext 17\nBelow the drawing\n");
    std::fs::write(home.path("paper.ydoc"), doc_file).unwrap();
    let files = home.path("files");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("note.txt"), "remember the milk").unwrap();
    let picture = image::RgbImage::from_fn(VIEW_W, VIEW_H, |x, y| image::Rgb(pattern(x, y)));
    picture.save(files.join("view.png")).unwrap();

    // The apps place their windows themselves (no window manager); yclock covers a corner
    // of yview's, ydoc's covers the top of yfiles'.
    let mut doc = start(
        &home,
        YDOC,
        &["--size", "560x460", "--x", "0", "--y", "0", "paper.ydoc"],
    );
    let mut view = start(&home, YVIEW, &["--x", "600", "--y", "0", "files/view.png"]);
    let mut clock = start(&home, YCLOCK, &["--x", "680", "--y", "120"]);
    let mut browser = start(&home, YFILES, &["--x", "200", "--y", "400", "files"]);
    let o = home.observer();
    let doc_win = o.window_of("ydoc");
    let view_win = o.window_of("yview");
    let clock_win = o.window_of("yclock");
    let files_win = o.window_of("yfiles");

    // The user moves yview a little, and stacks the windows, bottom to top: yfiles, ydoc,
    // yclock, yview (neither the order the apps came in nor the one they come back in).
    o.conn.configure_window(ConfigureWindow {
        window: view_win,
        x: Some(620),
        y: Some(8),
        ..Default::default()
    });
    for w in [files_win, doc_win, clock_win, view_win] {
        raise(&o, w);
    }
    o.conn.sync().expect("sync");

    eventually("every app has drawn its window", || {
        let doc_px = o.read_window(doc_win);
        let view_px = o.read_window(view_win);
        let files_px = o.read_window(files_win);
        doc_px.count_in(Rect::new(DOC_MARGIN, 0, 200, 460), |p| p == YELLOW) == 200 * 120
            && [(0, 0), (17, 99), (VIEW_W - 1, VIEW_H - 1)]
                .iter()
                .all(|&(x, y)| {
                    let [r, g, b] = pattern(x, y);
                    view_px.at(x as i32, y as i32) == u32::from_be_bytes([0, r, g, b])
                })
            && (1..=2).all(|i| files_px.count_in(files_icon(i), |p| p != 0xffffff) > 200)
            && o.read_window(clock_win).count(0xffffff) > 10_000
    });

    // Unsaved typing in ydoc, at the start of the first paragraph; "before, " selected
    // with Shift+Left and copied (ydoc owns the clipboard), the caret back at its end.
    o.input(FakeKind::Motion, 0, 300, 200);
    let untyped = o.read_window(doc_win).data;
    o.type_text("Typed before, ");
    eventually("the typing shows", || {
        o.read_window(doc_win).data != untyped
    });
    let shifted = |ks: u32| {
        o.input(FakeKind::KeyPress, keysym::SHIFT_L, 0, 0);
        for _ in 0.."before, ".len() {
            o.key(ks);
        }
        o.input(FakeKind::KeyRelease, keysym::SHIFT_L, 0, 0);
    };
    shifted(keysym::LEFT);
    o.chord(keysym::CONTROL_L, 'c' as u32);
    let clipboard = |o: &Observer| {
        o.conn
            .get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .expect("get_selection_owner")
            .owner
    };
    eventually("ydoc owns the clipboard", || clipboard(&o) == doc_win);
    shifted(keysym::RIGHT);

    // A double click on the drawing edits it in place: ypaint runs inside ydoc's window
    // and gets the focus; a stroke on its canvas.
    let doc_px = o.read_window(doc_win);
    let top = (0..460)
        .find(|y| doc_px.at(DOC_MARGIN + 100, *y) == YELLOW)
        .expect("the drawing");
    for _ in 0..2 {
        o.input(FakeKind::Motion, 0, DOC_MARGIN + 100, top + 60);
        o.input(FakeKind::ButtonPress, 1, DOC_MARGIN + 100, top + 60);
        o.input(FakeKind::ButtonRelease, 1, DOC_MARGIN + 100, top + 60);
    }
    let mut part = None;
    eventually("ypaint's window is inside ydoc's and has the focus", || {
        part = o.descendant_of_client(doc_win, "ypaint");
        part.is_some_and(|p| o.conn.get_input_focus().reply().unwrap().window == p)
    });
    let part = part.unwrap();
    let (container, part_rect) = placement(&o, part);
    // ydoc lays the container out at the part's size once it has asked the server for
    // it, which may come after the part took the focus: read at once, CI once recorded
    // 200x120 (the picture's own size, before ydoc knew the part's), which nothing after
    // the restart brings back.
    let mut laid_out = None;
    eventually(
        "ydoc laid the part's container out at the part's size",
        || {
            let now = placement(&o, container);
            let done = now.1.size() == part_rect.size();
            laid_out = Some(now);
            done
        },
    );
    let (doc_of_container, container_rect) = laid_out.unwrap();
    assert_eq!(doc_of_container, doc_win, "ydoc made the part's container");
    let needle = format!("--embed-into {:#x}", container.0);
    let found = processes_with(&needle);
    let [(paint_pid, _)] = found[..] else {
        panic!("not one ypaint for {needle:?}: {found:?}")
    };
    let paint = Adopted::new(paint_pid);
    let (ox, oy) = origin_in_root(&o, part);
    let canvas = |x: i32, y: i32| (ox + x, oy + PAINT_TOOLBAR_H + y);
    o.drag(canvas(20, 60), canvas(100, 60));
    eventually("the stroke shows", || {
        let (x, y) = canvas(60, 60);
        o.read_window(doc_win).at(x, y) == 0x000000
    });

    // What the user sees now. The server's checkpoint is written at most a second after
    // the last change (protocol.md §16.6): let it see the user's moves and the embedding.
    std::thread::sleep(Duration::from_millis(1200));
    let windows = shown(&o);
    assert_eq!(
        windows.iter().map(|s| s.window).collect::<Vec<_>>(),
        [files_win, doc_win, clock_win, view_win],
        "stacked as the test put them"
    );
    assert_eq!(windows[3].rect, Rect::new(620, 8, VIEW_W, VIEW_H));
    let focus = o.conn.get_input_focus().reply().unwrap().window;
    assert_eq!(focus, part, "the part has the focus");
    let pixels: BTreeMap<&str, (WindowId, Vec<u32>)> = [
        ("ydoc", doc_win),
        ("ypaint", part),
        ("yview", view_win),
        ("yfiles", files_win),
    ]
    .into_iter()
    .map(|(name, w)| (name, (w, o.read_window(w).data)))
    .collect();
    let face = o.read_window(clock_win).data;
    let pids = [
        doc.child.id(),
        view.child.id(),
        clock.child.id(),
        browser.child.id(),
    ];

    // kill -9 the server.
    server.child.kill().expect("kill -9 the server");
    server.child.wait().unwrap();
    drop(o);
    std::thread::sleep(Duration::from_millis(300));
    let alive = |apps: &mut [&mut App]| {
        for app in apps {
            assert!(
                app.child.try_wait().unwrap().is_none(),
                "{} outlives its server; stderr:\n{}",
                app.name,
                app.stderr()
            );
        }
    };
    alive(&mut [&mut doc, &mut view, &mut clock, &mut browser]);
    assert!(paint.alive(), "ypaint outlives its server");

    // A new server on the same display: everything comes back as it was.
    let _server = home.serve();
    let o = home.observer();
    let end = Instant::now() + WAIT;
    while shown(&o) != windows {
        assert!(
            Instant::now() < end,
            "the windows did not come back as they were:\nbefore {windows:#?}\nnow {:#?}",
            shown(&o)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eventually("ypaint is back inside ydoc with the focus", || {
        o.conn
            .get_input_focus()
            .reply()
            .is_ok_and(|f| f.window == part)
    });
    assert_eq!(placement(&o, part), (container, part_rect), "the part");
    assert_eq!(clipboard(&o), doc_win, "ydoc owns the clipboard again");
    // ydoc lays the container out from the part's size, as the Configure events of both
    // apps' replays reach it: it may still be on its way to where it was (seen once in
    // CI: 452×156, the layout of an earlier size, where the part was already back).
    let end = Instant::now() + WAIT;
    loop {
        let now = placement(&o, container);
        if now == (doc_win, container_rect) {
            break;
        }
        assert!(
            Instant::now() < end,
            "the part's container: {now:?}, was {:?}",
            (doc_win, container_rect)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_pixels(&o, &pixels);
    eventually("the clock ticks on", || {
        o.read_window(clock_win).data != face
    });

    // The same processes, and no others.
    alive(&mut [&mut doc, &mut view, &mut clock, &mut browser]);
    assert_eq!(
        [
            doc.child.id(),
            view.child.id(),
            clock.child.id(),
            browser.child.id()
        ],
        pids
    );
    assert!(paint.alive(), "the same ypaint runs on");
    assert_eq!(processes_with(&needle).len(), 1, "no other ypaint started");
    let mut clients: Vec<String> = o
        .conn
        .list_clients()
        .reply()
        .unwrap()
        .clients
        .into_iter()
        .map(|c| c.app_name)
        .collect();
    clients.sort();
    assert_eq!(
        clients,
        ["observer", "yclock", "ydoc", "yfiles", "ypaint", "yview"].map(String::from),
        "every app once"
    );

    // The user goes on: Escape in the part ends the in-place editing, the typing goes on
    // in the document, what was copied before the crash is pasted, Ctrl+S saves.
    o.key(keysym::ESCAPE);
    eventually("ypaint has ended and left ydoc", || {
        o.client("ypaint").is_none()
            && o.conn
                .query_tree(doc_win)
                .reply()
                .unwrap()
                .children
                .is_empty()
    });
    eventually("ydoc shows the drawing with its stroke again", || {
        let px = o.read_window(doc_win);
        let drawing = Rect::new(DOC_MARGIN, top, 200, 120);
        px.at(DOC_MARGIN + 60, top + 60) == 0x000000
            && px.count_in(drawing, |p| p == YELLOW) > 200 * 120 - 100 * 12
    });
    o.input(FakeKind::Motion, 0, 300, 200);
    o.type_text("typed after. ");
    o.chord(keysym::CONTROL_L, 'v' as u32);
    // The paste is a conversation between ydoc and the server: saved once it is in.
    let first = "Typed before, typed after. before, Above the drawing";
    let saved = home.path("paper.ydoc");
    let mut doc_blocks: Vec<(String, Vec<u8>)> = Vec::new();
    let end = Instant::now() + WAIT;
    while doc_blocks.first().map(|(_, text)| &text[..]) != Some(first.as_bytes()) {
        assert!(
            Instant::now() < end,
            "ydoc never saved {first:?}; last saved: {:?}",
            doc_blocks
                .first()
                .map(|(_, text)| String::from_utf8_lossy(text))
        );
        let _ = std::fs::remove_file(&saved);
        o.chord(keysym::CONTROL_L, 's' as u32);
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if let Some(b) = std::fs::read(&saved).ok().and_then(|b| blocks(&b)) {
                doc_blocks = b;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let kinds: Vec<&str> = doc_blocks.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["text", "drawing", "text"]);
    assert_eq!(
        String::from_utf8_lossy(&doc_blocks[2].1),
        "Below the drawing"
    );
    let drawing = image::load_from_memory(&doc_blocks[1].1)
        .expect("the drawing is a picture")
        .to_rgb8();
    assert_eq!(drawing.dimensions(), (200, 120));
    for x in [30, 60, 90] {
        assert_eq!(
            drawing.get_pixel(x, 60).0,
            [0, 0, 0],
            "the stroke at ({x}, 60)"
        );
    }
    assert_eq!(drawing.get_pixel(60, 20).0, [0xff, 0xf5, 0xc0], "beside it");
    // Nothing went wrong for the apps along the way.
    for app in [&doc, &view, &clock, &browser] {
        let said = app.stderr();
        assert!(said.is_empty(), "{} said:\n{said}", app.name);
    }
}
