//! The todo example (`examples/todo.rs`) as a user drives it, on a real server with the
//! window manager: typing right after it starts, adding, checking, deleting, pasting,
//! copying, resizing. What it holds is read through the clipboard (its Copy button puts
//! the whole list there) and its pixels.

use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::protocol::request::{ConfigureWindow, FakeKind};
use yonder_test_support::apps::{eventually, watchdog, Display, SCREEN_H, SCREEN_W};
use yonder_test_support::process::built_binary;
use yonder_toolkit::widgets::theme;
use yonder_toolkit::{Clipboard, Pasted};

/// The test's own window, for the clipboard.
fn own_window(conn: &Connection) -> WindowId {
    let w = conn.new_window_id();
    conn.create_window(
        w,
        conn.root(),
        Rect::new(0, 0, 1, 1),
        WindowAttributes::default(),
    );
    conn.sync().expect("sync");
    w
}

/// Pastes the clipboard's text through `clip`, once it is `want` (the app answers
/// input in its own time: until then the clipboard holds something else, or nobody
/// owns it and the paste is refused); within 10 s.
fn clipboard_is(conn: &Connection, clip: &mut Clipboard, want: &str) {
    let end = Instant::now() + Duration::from_secs(10);
    let mut last = None;
    while Instant::now() < end {
        clip.paste_text(conn);
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_millis(300) {
            let item = conn.wait_for_event_timeout(Duration::from_millis(50));
            let Some(e) = item.expect("wait").and_then(|i| i.into_event()) else {
                continue;
            };
            if let Some(Pasted::Text(t)) = clip.event(conn, &e) {
                if t == want {
                    return;
                }
                last = Some(t);
                break;
            }
        }
    }
    panic!("the clipboard holds {last:?}, not {want:?}");
}

#[test]
fn the_todo_example_adds_checks_deletes_pastes_copies_and_follows_resizes() {
    let _watchdog = watchdog("the_todo_example");
    let d = Display::start_with(|c| c.window_manager = true);
    // The pointer is away from where the window goes: keys reach it only through the
    // focus a new window gets.
    d.input(
        FakeKind::Motion,
        0,
        SCREEN_W as i32 - 2,
        SCREEN_H as i32 - 2,
    );
    let bin = built_binary("examples/todo");
    let todo = d.spawn(&bin.to_string_lossy(), &["--exit-after", "60"]);
    let win = d.window_of("todo");
    let me = own_window(&d.conn);
    let mut clip = Clipboard::new(me);
    let at = |x: i32, y: i32| {
        let g = d.conn.get_geometry(win).reply().expect("geometry").rect;
        (g.x + x, g.y + y)
    };
    let click = |x: i32, y: i32| {
        let (x, y) = at(x, y);
        d.click(x, y);
    };
    let copy_button = |width: i32| (width - 45, 23);

    d.type_text("buy milk");
    d.key(keysym::RETURN);
    d.type_text("call mum");
    let (cx, cy) = copy_button(360);
    // Add by the button this time.
    click(cx - 68, cy);
    click(cx, cy);
    clipboard_is(&d.conn, &mut clip, "[ ] buy milk\n[ ] call mum\n");

    // Tab to the list, Up to the first item, Space checks it: its box shows the accent.
    d.key(keysym::TAB);
    d.key(keysym::UP);
    d.key(keysym::SPACE);
    let check = (10 + 2 + 2 + 7, 46 + 1 + theme::ROW as i32 / 2);
    eventually("the first item's box shows checked", || {
        d.read_window(win).at(check.0, check.1) == theme::ACCENT
    });
    click(cx, cy);
    clipboard_is(&d.conn, &mut clip, "[x] buy milk\n[ ] call mum\n");

    // Delete removes the selected item.
    d.key(keysym::DELETE);
    click(cx, cy);
    clipboard_is(&d.conn, &mut clip, "[ ] call mum\n");

    // Text copied elsewhere is pasted into the entry with Ctrl+V.
    clip.copy_text(&d.conn, "eggs");
    d.key(keysym::TAB);
    d.chord(keysym::CONTROL_L, u32::from(b'v'));
    // The test's clipboard answers the app's request for the text.
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(
            Instant::now() < end,
            "the app did not ask for the clipboard"
        );
        let item = d.conn.wait_for_event_timeout(Duration::from_millis(100));
        let Some(e) = item.expect("wait").and_then(|i| i.into_event()) else {
            continue;
        };
        let asked = matches!(e, Event::SelectionRequest(_));
        clip.event(&d.conn, &e);
        if asked {
            break;
        }
    }
    d.key(keysym::RETURN);

    // A wider window: the buttons move to its right edge.
    let wider = ConfigureWindow {
        window: win,
        width: Some(500),
        ..Default::default()
    };
    d.conn.configure_window(wider);
    d.conn.sync().expect("sync");
    let (cx, cy) = copy_button(500);
    click(cx, cy);
    clipboard_is(&d.conn, &mut clip, "[ ] call mum\n[ ] eggs\n");
    drop(todo);
}
