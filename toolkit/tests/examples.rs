//! The README's first app is `examples/button.rs` (from its first `use` on), word for
//! word, and it works: its
//! window shows the button, and a click changes the label.

use yonder::prelude::*;
use yonder_test_support::apps::{eventually, watchdog, Display};
use yonder_test_support::process::built_binary;
use yonder_toolkit::widgets::theme;

#[test]
fn the_readmes_first_app_is_the_button_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let example =
        std::fs::read_to_string(root.join("toolkit/examples/button.rs")).expect("button.rs");
    let after = readme
        .split("Then `src/main.rs`:\n\n```rust\n")
        .nth(1)
        .expect("the README's Writing an app shows src/main.rs");
    let block = &after[..after.find("```\n").expect("the block ends")];
    // The file's own doc comment (and the blank line after it) is not in the README.
    let code = &example[example.find("use ").expect("the code starts with a use")..];
    assert_eq!(block, code, "README.md and examples/button.rs differ");
}

#[test]
fn the_button_example_counts_clicks() {
    let _watchdog = watchdog("the_button_example_counts_clicks");
    let d = Display::start();
    let bin = built_binary("examples/button");
    let app = d.spawn(&bin.to_string_lossy(), &["--exit-after", "60"]);
    let win = d.window_of("button");
    let origin = d.conn.get_geometry(win).reply().expect("geometry").rect;
    // The button's face at its place, left of the label.
    eventually("the button is drawn", || {
        d.read_window(win).at(24, 24) == theme::FACE
    });
    let label = |d: &Display| {
        let p = d.read_window(win);
        (130..230)
            .flat_map(|x| (20..46).map(move |y| (x, y)))
            .map(|(x, y)| p.at(x, y))
            .collect::<Vec<u32>>()
    };
    let before = label(&d);
    assert!(
        before.iter().any(|&c| c != theme::BACKGROUND),
        "no label text"
    );
    d.click(origin.x + 30, origin.y + 30);
    eventually("the label changes after a click", || label(&d) != before);
    drop(app);
}
