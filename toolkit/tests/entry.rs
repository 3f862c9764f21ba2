//! The text entry example (`examples/entry.rs`) as a user drives it, on a real server:
//! typing shows the text, Return hands it over (`entered: TEXT` on stdout) and empties the
//! entry; with `--measure-on-server` the server's widths of what was typed are the
//! toolkit's (the example complains on stderr otherwise).

use yonder::prelude::*;
use yonder_test_support::apps::{eventually, watchdog, Display};
use yonder_test_support::process::built_binary;
use yonder_toolkit::widgets::theme;

/// The entry's place in its window (the example's layout).
const ENTRY: Rect = Rect::new(10, 10, 300, theme::ROW);

/// Whether `rgb` is text's ink (dark in every channel: not the accent's blue caret).
fn ink(rgb: u32) -> bool {
    [rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff]
        .iter()
        .all(|&c| c < 0xa0)
}

fn types_and_submits(flags: &[&str]) {
    let d = Display::start();
    let bin = built_binary("examples/entry");
    let mut args = vec!["--at", "40,40", "--exit-after", "60"];
    args.extend_from_slice(flags);
    let app = d.spawn(&bin.to_string_lossy(), &args);
    let win = d.window_of("entry");
    // Focused, the entry's outline is the accent.
    eventually("the entry is drawn, focused", || {
        d.read_window(win).at(ENTRY.x, ENTRY.y + 13) == theme::ACCENT
    });
    let inside = Rect::new(ENTRY.x + 4, ENTRY.y + 4, ENTRY.width - 8, ENTRY.height - 8);
    let inked = || d.read_window(win).count_in(inside, ink);
    assert_eq!(inked(), 0, "the entry starts empty");
    d.conn.set_input_focus(win);
    d.type_text("Hello, wide world");
    eventually("the typed text shows", || inked() > 100);
    d.key(keysym::RETURN);
    eventually("Return hands the text over", || {
        app.stdout().contains("entered: Hello, wide world\n")
    });
    eventually("Return empties the entry", || inked() == 0);
    assert_eq!(app.stderr(), "", "the example complained");
    drop(app);
}

#[test]
fn the_entry_example_types_and_submits() {
    let _watchdog = watchdog("the_entry_example_types_and_submits");
    types_and_submits(&[]);
}

#[test]
fn the_servers_widths_are_the_toolkits() {
    let _watchdog = watchdog("the_servers_widths_are_the_toolkits");
    types_and_submits(&["--measure-on-server"]);
}
