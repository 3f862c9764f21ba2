//! The examples as smoke tests: each example binary runs, bounded in time, against a real
//! headless server, and the test checks what it did where that can be seen — its window
//! and pixels, the properties it read back, its exit status and output.
//!
//! The binaries are the ones Cargo builds next to this test (`target/debug/examples/`):
//! `cargo test -p yonder` and `cargo test --workspace` build them first; a test run
//! filtered to `--test examples` alone finds the last build's.

use std::time::Duration;
use yonder::prelude::*;
use yonder::protocol::request::FakeKind;
use yonder::protocol::Rect;
use yonder_test_support::apps::{eventually, watchdog, Display};
use yonder_test_support::process::built_binary;

/// The path of example `name`, as a string for [`Display::spawn`].
fn example(name: &str) -> String {
    built_binary(&format!("examples/{name}"))
        .to_string_lossy()
        .into_owned()
}

/// hello_window's window, box and background (see examples/hello_window.rs).
const HELLO_WINDOW: Rect = Rect::new(100, 100, 400, 200);
const HELLO_BOX: u32 = 0x3366CC;
const HELLO_BG: u32 = 0xF4F1E8;

#[test]
fn hello_window_draws_and_quits_on_a_key() {
    let _watchdog = watchdog("hello_window_draws_and_quits_on_a_key");
    let d = Display::start();
    let hello = d.spawn(&example("hello_window"), &["--exit-after", "20"]);
    let win = d.window_of("hello_window");
    let geometry = d.conn.get_geometry(win).reply().expect("get_geometry");
    assert_eq!(geometry.rect, HELLO_WINDOW);

    // The box at (20, 20) 160×80, the text below it, the background elsewhere.
    eventually("hello_window has drawn its box", || {
        d.read_window(win).at(25, 25) == HELLO_BOX
    });
    let px = d.read_window(win);
    assert_eq!(px.not(Rect::new(20, 20, 160, 80), HELLO_BOX), vec![]);
    assert_eq!(px.at(10, 10), HELLO_BG);
    assert_eq!(px.at(390, 190), HELLO_BG);
    let dark = |p: u32| p & 0xFF < 0x80 && (p >> 8) & 0xFF < 0x80 && p >> 16 < 0x80;
    assert!(
        px.count_in(Rect::new(20, 126, 200, 30), dark) > 50,
        "no text under the box"
    );

    // A key press in its window ends it, well before --exit-after.
    d.conn.set_input_focus(win);
    d.conn.fake_input(FakeKind::KeyPress, 'q' as u32, 0, 0);
    d.conn.fake_input(FakeKind::KeyRelease, 'q' as u32, 0, 0);
    d.conn.sync().expect("sync after the key");
    let done = hello.finish();
    done.assert_success("hello_window after a key press");
    assert!(
        done.stdout.contains("hello_window: connected to unix:")
            && done.stdout.contains("screen 640x480"),
        "{}",
        done.stdout
    );
    assert!(done.stdout.contains("pressed, bye"), "{}", done.stdout);
    // It destroyed its window on the way out.
    assert_eq!(d.mapped_window_of("hello_window"), None);
    assert!(!d.top_levels().contains(&win));
}

#[test]
fn hello_window_exits_by_itself_after_the_given_time() {
    let _watchdog = watchdog("hello_window_exits_by_itself_after_the_given_time");
    let d = Display::start();
    let done = d
        .spawn(&example("hello_window"), &["--exit-after", "0.3"])
        .finish_within(Duration::from_secs(15));
    done.assert_success("hello_window --exit-after 0.3");
    assert!(done.stdout.contains("time is up"), "{}", done.stdout);
}

#[test]
fn properties_reads_back_what_it_wrote() {
    let _watchdog = watchdog("properties_reads_back_what_it_wrote");
    let d = Display::start();
    let done = d.run(&example("properties"), &["grüße"]);
    done.assert_success("properties");
    let lines: Vec<&str> = done.stdout.lines().collect();
    assert_eq!(
        lines[0], "YONDER_EXAMPLE_GREETING (UTF8_STRING) = \"grüße\"",
        "{}",
        done.stdout
    );
    assert_eq!(
        lines[1], "YONDER_EXAMPLE_NUMBERS (CARDINAL) = [1, 2, 3, 4]",
        "{}",
        done.stdout
    );
    assert!(
        lines[2].starts_with("window ")
            && lines[2].contains("YONDER_EXAMPLE_GREETING")
            && lines[2].contains("YONDER_EXAMPLE_NUMBERS"),
        "{}",
        done.stdout
    );
    assert_eq!(lines[3], "after DeleteProperty the type is None");
    assert_eq!(lines.len(), 4, "{}", done.stdout);
}

#[test]
fn first_frame_times_hello_windows_first_frame() {
    let _watchdog = watchdog("first_frame_times_hello_windows_first_frame");
    let d = Display::start();
    // The watcher reads the root window: it needs the trusted cookie (protocol.md §19).
    let trusted = hex::encode(d.handle.trusted_cookie);
    let hello = example("hello_window");
    let done = d
        .spawn_with_cookie(
            &example("first_frame"),
            &[
                "--pixel",
                "150,150",
                "--rgb",
                "3366cc",
                "--runs",
                "2",
                "--timeout",
                "10",
                "--",
                &hello,
                "--exit-after",
                "20",
            ],
            &trusted,
        )
        .finish_within(Duration::from_secs(60));
    done.assert_success("first_frame");
    let lines: Vec<&str> = done.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", done.stdout);
    for (i, line) in lines[..2].iter().enumerate() {
        let ms = line
            .strip_prefix(&format!("run {}: first frame after ", i + 1))
            .and_then(|l| l.strip_suffix(" ms"))
            .and_then(|ms| ms.parse::<f64>().ok());
        assert!(ms.is_some_and(|ms| ms > 0.0 && ms < 10_000.0), "{line:?}");
    }
    assert!(lines[2].starts_with("median_ms "), "{}", done.stdout);
    // first_frame stopped hello_window after each run: nothing is left on the screen.
    eventually("hello_window's windows are gone", || {
        d.mapped_window_of("hello_window").is_none()
    });
}

#[test]
fn keystroke_times_a_key_to_the_screen() {
    let _watchdog = watchdog("keystroke_times_a_key_to_the_screen");
    let d = Display::start();
    // The watcher reads the root window: it needs the trusted cookie (protocol.md §19).
    let trusted = hex::encode(d.handle.trusted_cookie);
    // hello_window ends at a key press: its window going away is the change the watcher
    // waits for.
    let hello = example("hello_window");
    let done = d
        .spawn_with_cookie(
            &example("keystroke"),
            &[
                "--rect",
                "100,100,400,200",
                "--ready",
                "150,150,3366cc",
                "--keys",
                "1",
                "--timeout",
                "10",
                "--",
                &hello,
                "--exit-after",
                "20",
            ],
            &trusted,
        )
        .finish_within(Duration::from_secs(60));
    done.assert_success("keystroke");
    let lines: Vec<&str> = done.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", done.stdout);
    let ms = |line: &str, prefix: &str, suffix: &str| {
        line.strip_prefix(prefix)
            .and_then(|l| l.strip_suffix(suffix))
            .and_then(|ms| ms.parse::<f64>().ok())
            .is_some_and(|ms| ms > 0.0 && ms < 10_000.0)
    };
    assert!(ms(lines[0], "key 1: ", " ms"), "{}", done.stdout);
    assert!(ms(lines[1], "p50_ms ", ""), "{}", done.stdout);
    assert!(ms(lines[2], "p90_ms ", ""), "{}", done.stdout);
    assert_eq!(d.mapped_window_of("hello_window"), None);
}
