//! The compound-document apps working together, against a real server in this process
//! (see `common`), driven by synthetic input:
//!
//! * a file dragged from `yfiles` onto `ytrash` lands in the trash (freedesktop layout),
//!   leaves the directory, and both windows show it;
//! * a drag cancelled with Escape leaves the file alone;
//! * `ytrash` refuses a drag offering only text (this test is the drag source);
//! * `ytrash` restores items from its list view (its Restore buttons, Return on the
//!   selected row; refusing to overwrite) and empties;
//! * `yfiles` moves its selection by keys, opens with Return and trashes with Delete;
//! * `yview`'s picture dragged onto a window of this test arrives as PNG bytes (in
//!   several chunks).
//!
//! The apps run with `YONDER_LOG=debug`, so they trace the drag-and-drop conversation on
//! stderr; the tests wait on those lines where nothing else shows that an app has taken
//! a step (a target's answer reaching the source). Every wait is bounded.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::{Connection, Incoming};
use yonder_apps::trash::Trash;
use yonder_protocol::request::{DndAction, DndActions, FakeKind, WindowAttributes};
use yonder_protocol::{atoms, keysym, Event, EventMask, PixmapId, Point, Rect, WindowId};
use yonder_test_support::apps::*;
use yonder_toolkit::transfer::{decode_atoms, decode_uri_list, percent_decode};

const YFILES: &str = env!("CARGO_BIN_EXE_yfiles");
const YTRASH: &str = env!("CARGO_BIN_EXE_ytrash");
const YVIEW: &str = env!("CARGO_BIN_EXE_yview");
const HELLO: &str = env!("CARGO_BIN_EXE_hello");
const MOVE: &str = env!("CARGO_BIN_EXE_yonder-move");

/// yfiles' layout (see its module doc).
const FILES_HEADER_H: i32 = 28;
const FILES_MARGIN: i32 = 8;
const FILES_CELL_W: i32 = 88;
const FILES_CELL_H: i32 = 80;
const FILES_ICON_TOP: i32 = 6;
const FILES_ICON: u32 = 48;
const FILES_COLUMNS: i32 = 4; // (400 − 2·8) / 88
const FILES_BG: u32 = 0xffffff;

/// ytrash's window and list layout (see its module doc).
const TRASH_W: i32 = 260;
const TRASH_H: i32 = 280;
const TRASH_LIST_TOP: i32 = 40;
const TRASH_ROW_H: i32 = 30;
const TRASH_HEADER_BG: u32 = 0xe6e9ef;

/// Where ytrash goes (its window fits in the screen's lower right corner).
const TRASH_AT: (i32, i32) = (380, 200);

/// Runs `bin` like `Display::spawn`, tracing its drag-and-drop conversation.
fn spawn_traced(d: &Display, bin: &str, args: &[&str]) -> App {
    spawn(
        bin,
        args,
        d.dir.path(),
        &[
            ("YONDER_DISPLAY", d.handle.unix_display().as_str()),
            ("YONDER_COOKIE", hex::encode(d.handle.cookie).as_str()),
            ("YONDER_LOG", "debug"),
        ],
    )
}

fn wait_title(d: &Display, w: WindowId, want: &str) {
    eventually(&format!("the title is {want:?}"), || d.title_of(w) == want);
}

/// Waits until `app` has written `needle` to stderr.
fn wait_stderr(app: &App, needle: &str) {
    eventually(&format!("{} says {needle:?}", app.name), || {
        app.stderr().contains(needle)
    });
}

/// Where entry `i`'s icon is in yfiles' window.
fn files_icon(i: i32) -> Rect {
    let (col, row) = (i % FILES_COLUMNS, i / FILES_COLUMNS);
    let x = FILES_MARGIN + col * FILES_CELL_W + (FILES_CELL_W - FILES_ICON as i32) / 2;
    let y = FILES_HEADER_H + FILES_MARGIN + row * FILES_CELL_H + FILES_ICON_TOP;
    Rect::new(x, y, FILES_ICON, FILES_ICON)
}

fn center(r: Rect) -> (i32, i32) {
    (r.x + r.width as i32 / 2, r.y + r.height as i32 / 2)
}

/// Presses button 1 at `from` (screen) and moves away from it until `source` owns
/// YONDER_DND, i.e. its app has started the drag.
fn begin_drag(d: &Display, from: (i32, i32), source: WindowId) {
    d.input(FakeKind::Motion, 0, from.0, from.1);
    d.input(FakeKind::ButtonPress, 1, from.0, from.1);
    for k in 1..=4 {
        d.input(FakeKind::Motion, 0, from.0 + 3 * k, from.1 + 2 * k);
    }
    eventually("the drag has started", || {
        d.conn
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .expect("get_selection_owner")
            .owner
            == source
    });
}

/// Moves the pointer to `to` in a few steps from wherever it is.
fn move_to(d: &Display, to: (i32, i32)) {
    let p = d
        .conn
        .query_pointer(d.conn.root())
        .reply()
        .expect("query_pointer");
    let steps = 8;
    for i in 1..=steps {
        let x = p.root_x + (to.0 - p.root_x) * i / steps;
        let y = p.root_y + (to.1 - p.root_y) * i / steps;
        d.input(FakeKind::Motion, 0, x, y);
    }
}

/// The events queued for this test's client now (a request error fails the test).
fn drain(conn: &Connection) -> Vec<Event> {
    let mut out = Vec::new();
    while let Some(i) = conn.poll_for_event().expect("connection") {
        match i {
            Incoming::Event { event, .. } => out.push(event),
            Incoming::Error(e) => panic!("request failed: {e}"),
            other => panic!("unexpected {other:?}"),
        }
    }
    out
}

/// Waits for the first event satisfying `pred` (others are dropped).
fn wait_event(conn: &Connection, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Event {
    let end = Instant::now() + WAIT;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {what}");
        match conn.wait_for_event_timeout(left).expect("connection") {
            Some(Incoming::Event { event, .. }) if pred(&event) => return event,
            Some(Incoming::Error(e)) => panic!("request failed while waiting for {what}: {e}"),
            _ => {}
        }
    }
}

/// A directory `files` with `note.txt` in it, and the path of an empty trash.
fn files_and_trash(d: &Display) -> (PathBuf, PathBuf, PathBuf) {
    let files = d.path("files");
    std::fs::create_dir(&files).unwrap();
    // yfiles shows (and offers) canonical paths.
    let files = std::fs::canonicalize(&files).unwrap();
    let note = files.join("note.txt");
    std::fs::write(&note, "remember the milk").unwrap();
    (files, note, d.path("trash"))
}

/// Starts yfiles on `files` at the screen's top left and ytrash at [`TRASH_AT`], and
/// waits until yfiles shows its entries.
fn start_both(d: &Display, files: &Path, trash: &Path) -> (App, WindowId, App, WindowId) {
    let f = files.to_str().unwrap();
    let yfiles = spawn_traced(
        d,
        YFILES,
        &["--x", "0", "--y", "0", "--exit-after", "120", f],
    );
    let (tx, ty) = (TRASH_AT.0.to_string(), TRASH_AT.1.to_string());
    let t = trash.to_str().unwrap();
    let ytrash = spawn_traced(
        d,
        YTRASH,
        &["--trash", t, "--x", &tx, "--y", &ty, "--exit-after", "120"],
    );
    let fw = d.window_of("yfiles");
    let tw = d.window_of("ytrash");
    // Entry 0 is "..", entry 1 the note.
    eventually("yfiles shows the note's icon", || {
        d.read_window(fw).count_in(files_icon(1), |p| p != FILES_BG) > 200
    });
    wait_title(d, tw, "ytrash — 0 items");
    (yfiles, fw, ytrash, tw)
}

fn trash_center() -> (i32, i32) {
    (TRASH_AT.0 + TRASH_W / 2, TRASH_AT.1 + TRASH_H / 2)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_file_dragged_from_yfiles_onto_ytrash_is_trashed() {
    let _watchdog = watchdog("a_file_dragged_from_yfiles_onto_ytrash_is_trashed");
    let d = Display::start();
    let (files, note, trash) = files_and_trash(&d);
    let (yfiles, fw, ytrash, tw) = start_both(&d, &files, &trash);
    assert_eq!(d.title_of(fw), format!("yfiles — {}", files.display()));
    let can_before = d.read_window(tw);

    begin_drag(&d, center(files_icon(1)), fw);
    move_to(&d, trash_center());
    wait_stderr(&yfiles, "status accept=true action=Move");
    d.input(
        FakeKind::ButtonRelease,
        1,
        trash_center().0,
        trash_center().1,
    );

    eventually("the note is in the trash", || {
        trash.join("files/note.txt").exists() && !note.exists()
    });
    let info = std::fs::read_to_string(trash.join("info/note.txt.trashinfo")).unwrap();
    let mut lines = info.lines();
    assert_eq!(lines.next(), Some("[Trash Info]"));
    let path = lines.next().unwrap().strip_prefix("Path=").expect("Path=");
    assert_eq!(
        percent_decode(path).unwrap(),
        note.as_os_str().as_encoded_bytes()
    );
    assert!(
        lines.next().unwrap().starts_with("DeletionDate=20"),
        "{info}"
    );
    assert_eq!(
        std::fs::read_to_string(trash.join("files/note.txt")).unwrap(),
        "remember the milk"
    );

    wait_stderr(&yfiles, "finished success=true action=Move");
    wait_title(&d, tw, "ytrash — 1 item");
    eventually("ytrash's window shows the change", || {
        let now = d.read_window(tw);
        now.data != can_before.data
    });
    eventually("yfiles no longer shows the note", || {
        d.read_window(fw).count_in(files_icon(1), |p| p != FILES_BG) == 0
    });
    assert!(
        ytrash.stdout().contains("trashed"),
        "ytrash: {}",
        ytrash.stdout()
    );
}

/// A drag in progress is not broken by another app moving to another display meanwhile
/// (protocol.md §5.5): the note still lands in the trash.
#[test]
fn a_drag_goes_on_while_another_app_moves_away() {
    let _watchdog = watchdog("a_drag_goes_on_while_another_app_moves_away");
    let d = Display::start();
    let other = Display::start();
    let (files, note, trash) = files_and_trash(&d);
    let (yfiles, fw, _ytrash, tw) = start_both(&d, &files, &trash);
    let _hello = d.spawn(HELLO, &["--x", "0", "--y", "420", "--exit-after", "120"]);
    let hello = d.window_of("hello");

    begin_drag(&d, center(files_icon(1)), fw);
    move_to(&d, trash_center());
    wait_stderr(&yfiles, "status accept=true action=Move");
    // hello moves to the other display while the button is still down.
    move_window(
        MOVE,
        d.dir.path(),
        hello,
        &d.handle.unix_display(),
        &other.handle.unix_display(),
        &cookie_lines(&[&d, &other]),
    );
    eventually("hello left", || d.conn.get_geometry(hello).reply().is_err());
    // The drag goes on and drops.
    move_to(&d, (trash_center().0 + 10, trash_center().1 + 5));
    d.input(
        FakeKind::ButtonRelease,
        1,
        trash_center().0 + 10,
        trash_center().1 + 5,
    );
    eventually("the note is in the trash", || {
        trash.join("files/note.txt").exists() && !note.exists()
    });
    wait_title(&d, tw, "ytrash — 1 item");
    assert!(
        other.conn.get_geometry(hello).reply().is_ok(),
        "hello is on the other display"
    );
}

#[test]
fn escape_cancels_a_drag_and_the_file_stays() {
    let _watchdog = watchdog("escape_cancels_a_drag_and_the_file_stays");
    let d = Display::start();
    let (files, note, trash) = files_and_trash(&d);
    let (yfiles, fw, ytrash, tw) = start_both(&d, &files, &trash);

    begin_drag(&d, center(files_icon(1)), fw);
    move_to(&d, trash_center());
    wait_stderr(&yfiles, "status accept=true action=Move");
    let (x, y) = trash_center();
    d.input(FakeKind::KeyPress, keysym::ESCAPE, x, y);
    d.input(FakeKind::KeyRelease, keysym::ESCAPE, x, y);
    d.input(FakeKind::ButtonRelease, 1, x, y);

    wait_stderr(&yfiles, "finished success=false");
    wait_stderr(&ytrash, "dnd: leave");
    // Give a wrong drop every chance to happen before looking.
    std::thread::sleep(Duration::from_millis(300));
    assert!(note.exists(), "the note left its directory");
    assert!(names_in(&trash.join("files")).is_empty());
    assert!(names_in(&trash.join("info")).is_empty());
    assert_eq!(d.title_of(tw), "ytrash — 0 items");
    assert!(
        !ytrash.stderr().contains("dnd: drop"),
        "{}",
        ytrash.stderr()
    );
    assert!(d.read_window(fw).count_in(files_icon(1), |p| p != FILES_BG) > 200);
}

#[test]
fn ytrash_refuses_a_drag_of_plain_text() {
    let _watchdog = watchdog("ytrash_refuses_a_drag_of_plain_text");
    let d = Display::start();
    let trash = d.path("trash");
    let t = trash.to_str().unwrap();
    let (tx, ty) = (TRASH_AT.0.to_string(), TRASH_AT.1.to_string());
    let ytrash = spawn_traced(
        &d,
        YTRASH,
        &["--trash", t, "--x", &tx, "--y", &ty, "--exit-after", "120"],
    );
    let tw = d.window_of("ytrash");
    wait_title(&d, tw, "ytrash — 0 items");

    // This test is the drag source: a window of its own, pressed on, offering text.
    let conn = &d.conn;
    let src = conn.new_window_id();
    conn.create_window(
        src,
        conn.root(),
        Rect::new(0, 0, 200, 200),
        WindowAttributes {
            event_mask: Some(EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE),
            ..Default::default()
        },
    );
    conn.map_window(src);
    d.input(FakeKind::Motion, 0, 50, 50);
    d.input(FakeKind::ButtonPress, 1, 50, 50);
    conn.start_drag(
        src,
        &[atoms::TEXT_PLAIN_UTF8],
        DndActions::COPY | DndActions::MOVE,
        PixmapId::NONE,
        Point::new(0, 0),
    )
    .check()
    .expect("the drag starts");
    move_to(&d, trash_center());
    let status = wait_event(
        conn,
        "ytrash's answer",
        |e| matches!(e, Event::DndStatus(s) if s.source == src && s.target == tw),
    );
    let Event::DndStatus(s) = status else {
        unreachable!()
    };
    assert!(!s.accept, "ytrash accepted plain text: {s:?}");
    assert_eq!(s.action, DndAction::None);
    let (x, y) = trash_center();
    d.input(FakeKind::ButtonRelease, 1, x, y);
    let finished = wait_event(
        conn,
        "the drag's end",
        |e| matches!(e, Event::DndFinished(f) if f.source == src),
    );
    let Event::DndFinished(f) = finished else {
        unreachable!()
    };
    assert!(!f.success, "{f:?}");
    assert_eq!(f.target, WindowId::NONE);
    // No one asked for the data.
    assert!(!drain(conn)
        .iter()
        .any(|e| matches!(e, Event::SelectionRequest(_))));
    assert!(names_in(&trash.join("files")).is_empty());
    assert_eq!(d.title_of(tw), "ytrash — 0 items");
    assert!(
        !ytrash.stderr().contains("dnd: drop"),
        "{}",
        ytrash.stderr()
    );
}

#[test]
fn ytrash_restores_refuses_to_overwrite_and_empties() {
    let _watchdog = watchdog("ytrash_restores_refuses_to_overwrite_and_empties");
    let d = Display::start();
    let home = d.path("home");
    std::fs::create_dir(&home).unwrap();
    let (doc, old) = (home.join("doc.txt"), home.join("old.txt"));
    std::fs::write(&doc, "doc").unwrap();
    std::fs::write(&old, "old").unwrap();
    let trash_dir = d.path("trash");
    let trash = Trash::open(&trash_dir).unwrap();
    trash.put(&doc).unwrap();
    std::thread::sleep(Duration::from_millis(1100)); // a later DeletionDate: listed second
    trash.put(&old).unwrap();
    assert!(!doc.exists() && !old.exists());

    let t = trash_dir.to_str().unwrap();
    let ytrash = d.spawn(
        YTRASH,
        &["--trash", t, "--x", "0", "--y", "0", "--exit-after", "120"],
    );
    let tw = d.window_of("ytrash");
    wait_title(&d, tw, "ytrash — 2 items");

    // A click on the can opens the list.
    d.click(TRASH_W / 2, TRASH_H / 2);
    eventually("the list is shown", || {
        d.read_window(tw).at(150, 2) == TRASH_HEADER_BG
    });
    let restore = |row: i32| {
        let top = TRASH_LIST_TOP + TRASH_ROW_H * row;
        (TRASH_W - 80 + 36, top + 5 + 10)
    };

    // Row 0 is doc.txt, trashed first.
    let (x, y) = restore(0);
    d.click(x, y);
    eventually("doc.txt is back", || doc.exists());
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), "doc");
    wait_title(&d, tw, "ytrash — 1 item");

    // Something new sits where old.txt was: restoring it is refused.
    std::fs::write(&old, "new").unwrap();
    let (x, y) = restore(0);
    d.click(x, y);
    eventually("ytrash refuses", || {
        ytrash.stderr().contains("not restored")
    });
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "new");
    assert_eq!(trash.items().unwrap().len(), 1);
    assert_eq!(d.title_of(tw), "ytrash — 1 item");

    // The click selected the row (the pointer stays over the window, which gets the
    // keys): Return tries it again, and is refused again.
    d.key(keysym::RETURN);
    eventually("ytrash refuses again", || {
        ytrash.stderr().matches("not restored").count() == 2
    });
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "new");

    // Empty deletes it for good.
    d.click(TRASH_W - 72 + 32, 5 + 11);
    wait_title(&d, tw, "ytrash — 0 items");
    assert!(names_in(&trash_dir.join("files")).is_empty());
    assert!(names_in(&trash_dir.join("info")).is_empty());
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "new");
}

#[test]
fn yview_drags_its_picture_out_as_png() {
    let _watchdog = watchdog("yview_drags_its_picture_out_as_png");
    let d = Display::start();
    let pic = d.path("pic.png");
    // Noise compresses badly: the PNG is larger than one 1 MiB chunk of selection data.
    let mut seed = 0x2545_f491_u32;
    let img = image::RgbaImage::from_fn(700, 500, |_, _| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [r, g, b, _] = seed.to_le_bytes();
        image::Rgba([r, g, b, 255])
    });
    img.save(&pic).unwrap();
    assert!(std::fs::metadata(&pic).unwrap().len() > 1 << 20);
    let yview = spawn_traced(
        &d,
        YVIEW,
        &[
            pic.to_str().unwrap(),
            "--x",
            "0",
            "--y",
            "0",
            "--exit-after",
            "120",
        ],
    );
    let vw = d.window_of("yview");

    // This test is the drop target.
    let conn = &d.conn;
    let target = conn.new_window_id();
    conn.create_window(
        target,
        conn.root(),
        Rect::new(300, 200, 200, 200),
        WindowAttributes {
            event_mask: Some(EventMask::DND),
            ..Default::default()
        },
    );
    conn.map_window(target);
    conn.sync().unwrap();

    begin_drag(&d, (40, 30), vw);
    move_to(&d, (400, 300));
    let mut offered = None;
    let mut positions = 0;
    for e in drain(conn) {
        match e {
            Event::DndEnter(en) if en.target == target => offered = Some(en),
            Event::DndPosition(p) if p.target == target => {
                positions += 1;
                conn.dnd_status(target, true, DndAction::Copy);
            }
            _ => {}
        }
    }
    conn.sync().unwrap();
    let offered = offered.expect("a DndEnter");
    assert_eq!(offered.source, vw);
    assert_eq!(offered.types, [atoms::IMAGE_PNG, atoms::TEXT_URI_LIST]);
    assert_eq!(offered.actions, DndActions::COPY);
    assert!(positions > 0);
    d.input(FakeKind::ButtonRelease, 1, 400, 300);
    let dropped = wait_event(conn, "the drop", |e| matches!(e, Event::DndDrop(_)));
    let Event::DndDrop(dropped) = dropped else {
        unreachable!()
    };
    assert_eq!(dropped.action, DndAction::Copy);
    assert_eq!((dropped.x, dropped.y), (100, 100));

    // TARGETS, the PNG and the URI, asked for together.
    for (tag, type_) in [
        (1, atoms::TARGETS),
        (2, atoms::IMAGE_PNG),
        (3, atoms::TEXT_URI_LIST),
    ] {
        conn.convert_selection(atoms::YONDER_DND, type_, target, tag);
    }
    let mut got: [Vec<u8>; 4] = Default::default();
    let (mut done, mut chunks) = (0, 0);
    while done < 3 {
        let e = wait_event(conn, "the data", |e| matches!(e, Event::SelectionData(_)));
        let Event::SelectionData(s) = e else {
            unreachable!()
        };
        assert!(!s.refused, "tag {} refused", s.tag);
        got[s.tag as usize].extend_from_slice(&s.data);
        done += s.done as usize;
        chunks += 1;
    }
    assert!(chunks > 3, "the PNG came in one piece");
    conn.dnd_finish(target, true, DndAction::Copy);
    conn.sync().unwrap();

    let targets = decode_atoms(&got[1]);
    for t in [atoms::IMAGE_PNG, atoms::TEXT_URI_LIST, atoms::TARGETS] {
        assert!(targets.contains(&t), "{t:?} not in {targets:?}");
    }
    let png = image::load_from_memory_with_format(&got[2], image::ImageFormat::Png)
        .expect("PNG bytes")
        .to_rgba8();
    assert_eq!(png, img, "the picture arrived changed");
    assert_eq!(
        decode_uri_list(&got[3]),
        [std::fs::canonicalize(&pic).unwrap()]
    );
    wait_stderr(&yview, "finished success=true action=Copy");
    assert!(pic.exists(), "a copy leaves the file where it is");
}

#[test]
fn yfiles_notices_new_files_and_browses_folders() {
    let _watchdog = watchdog("yfiles_notices_new_files_and_browses_folders");
    let d = Display::start();
    let files = d.path("files");
    std::fs::create_dir_all(files.join("sub")).unwrap();
    let files = std::fs::canonicalize(&files).unwrap();
    let f = files.to_str().unwrap();
    let _yfiles = d.spawn(YFILES, &["--x", "0", "--y", "0", "--exit-after", "120", f]);
    let fw = d.window_of("yfiles");
    // "..", "sub", and nothing in the third cell yet.
    eventually("yfiles shows the folder", || {
        d.read_window(fw).count_in(files_icon(1), |p| p != FILES_BG) > 200
    });
    assert_eq!(
        d.read_window(fw).count_in(files_icon(2), |p| p != FILES_BG),
        0
    );

    // A file made by someone else shows up (the directory is polled every second).
    std::fs::write(files.join("new.txt"), "fresh").unwrap();
    eventually("yfiles shows the new file", || {
        d.read_window(fw).count_in(files_icon(2), |p| p != FILES_BG) > 200
    });

    // A double click on "sub" browses into it; one on ".." comes back.
    let (x, y) = center(files_icon(1));
    d.click(x, y);
    d.click(x, y);
    let sub = files.join("sub");
    wait_title(&d, fw, &format!("yfiles — {}", sub.display()));
    let (x, y) = center(files_icon(0));
    d.click(x, y);
    d.click(x, y);
    wait_title(&d, fw, &format!("yfiles — {}", files.display()));
}

#[test]
fn yfiles_selects_by_keys_opens_with_return_and_trashes_with_delete() {
    let _watchdog = watchdog("yfiles_selects_by_keys_opens_with_return_and_trashes_with_delete");
    let d = Display::start();
    let (files, note, trash) = files_and_trash(&d);
    let sub = files.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (f, t) = (files.to_str().unwrap(), trash.to_str().unwrap());
    let yfiles = d.spawn(
        YFILES,
        &[
            "--trash",
            t,
            "--x",
            "0",
            "--y",
            "0",
            "--exit-after",
            "120",
            f,
        ],
    );
    let fw = d.window_of("yfiles");
    // "..", "sub", "note.txt".
    eventually("yfiles shows the note", || {
        d.read_window(fw).count_in(files_icon(2), |p| p != FILES_BG) > 200
    });

    // A click selects the note (the pointer stays over the window, which gets the
    // keys); Delete moves it into the trash.
    let (x, y) = center(files_icon(2));
    d.click(x, y);
    d.key(keysym::DELETE);
    eventually("the note is in the trash", || {
        trash.join("files/note.txt").exists() && !note.exists()
    });
    eventually("yfiles no longer shows the note", || {
        d.read_window(fw).count_in(files_icon(2), |p| p != FILES_BG) == 0
    });
    assert!(yfiles.stdout().contains("trashed"), "{}", yfiles.stdout());

    // The selection moved to the entry now last, "sub": Return opens it, Backspace
    // comes back (selecting nothing), Right selects "sub" again.
    d.key(keysym::RETURN);
    wait_title(&d, fw, &format!("yfiles — {}", sub.display()));
    d.key(keysym::BACKSPACE);
    wait_title(&d, fw, &format!("yfiles — {}", files.display()));
    d.key(keysym::RIGHT);
    d.key(keysym::RETURN);
    wait_title(&d, fw, &format!("yfiles — {}", sub.display()));

    // ".." is never trashed.
    d.key(keysym::HOME);
    d.key(keysym::DELETE);
    d.key(keysym::RETURN);
    wait_title(&d, fw, &format!("yfiles — {}", files.display()));
    assert_eq!(names_in(&trash.join("files")), ["note.txt"]);
    assert!(sub.is_dir());
}
