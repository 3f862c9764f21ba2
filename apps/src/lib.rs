//! Shared bits of the Yonder apps: argument helpers and the run-bounded support every app
//! has so that tests and CI can run it as a smoke test.

use std::time::{Duration, Instant};

/// A deadline from `--exit-after SECONDS` (none: run until closed).
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// A deadline `seconds` from now, or none.
    pub fn after(seconds: Option<f64>) -> Deadline {
        Deadline(seconds.map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0))))
    }
    /// Whether it has passed.
    pub fn passed(&self) -> bool {
        self.0.is_some_and(|d| Instant::now() >= d)
    }
    /// How long to wait for events at most: until the deadline, capped at `cap`.
    pub fn wait(&self, cap: Duration) -> Duration {
        match self.0 {
            Some(d) => d.saturating_duration_since(Instant::now()).min(cap),
            None => cap,
        }
    }
}

/// Prints `msg` to stderr with the program's name and exits with status 1.
pub fn die(prog: &str, msg: impl std::fmt::Display) -> ! {
    eprintln!("{prog}: {msg}");
    std::process::exit(1)
}
