//! Replaying what a fuzz target found: every file of a crate's
//! `tests/fuzz_regressions/TARGET/` through the logic the target shares with the tests, so
//! a fixed crash stays fixed without cargo-fuzz or a nightly toolchain.

use std::path::{Path, PathBuf};

/// `tests/fuzz_regressions/<target>` of the crate at `manifest_dir`
/// (`env!("CARGO_MANIFEST_DIR")`).
pub fn dir(manifest_dir: &str, target: &str) -> PathBuf {
    Path::new(manifest_dir)
        .join("tests/fuzz_regressions")
        .join(target)
}

/// Runs `run` on every file of `dir` (naming each on stderr, so a failure says which);
/// fails when there are none, so a moved directory cannot pass silently.
pub fn replay(dir: &Path, mut run: impl FnMut(&[u8])) {
    let mut n = 0;
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the regression directory {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable directory").path();
        let data = std::fs::read(&path).expect("readable input");
        eprintln!("replaying {}", path.display());
        run(&data);
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}
