//! One turn of an app's event loop ([`next_step`]): the next event, a wake-up time the app
//! asked for (a clock's next second), or the end (the app's [`Deadline`] has passed, or
//! the server has gone).

use std::time::{Duration, Instant};
use yonder::{Connection, ConnectionError, Incoming};
use yonder_protocol::Event;

/// A deadline for the whole run (an app's `--exit-after`; none: run until closed), so
/// that tests and CI can run any app as a smoke test.
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
    /// The instant itself, if there is a deadline.
    pub fn instant(&self) -> Option<Instant> {
        self.0
    }
}

/// What an app's event loop does next.
#[derive(Debug)]
pub enum Step {
    /// Handle this event.
    Event(Event),
    /// The wake-up time given to [`next_step`] has come, or another thread woke the
    /// loop (`Connection::waker`).
    Wake,
    /// End the app: `--exit-after` has run out or the server has gone.
    Quit,
}

/// Waits for the next event, until `wake` at the latest. Request errors (a bug, not a
/// user's mistake) are reported on stderr and the wait goes on; a server that closes the
/// connection ends the app quietly, like a closed terminal ends a shell; any other
/// connection failure (the library gave up reconnecting) ends the process with the
/// message and status 1.
pub fn next_step(conn: &Connection, deadline: &Deadline, wake: Option<Instant>) -> Step {
    loop {
        if deadline.passed() {
            return Step::Quit;
        }
        let now = Instant::now();
        let cap = match wake {
            Some(w) if w <= now => return Step::Wake,
            Some(w) => w - now,
            None => Duration::from_secs(3600),
        };
        match conn.wait_for_event_timeout(deadline.wait(cap)) {
            Ok(Some(Incoming::Event { event, .. })) => return Step::Event(event),
            // Another thread's `Waker`: the app looks at what that thread handed over.
            Ok(Some(Incoming::Woken)) => return Step::Wake,
            Ok(Some(Incoming::Error(e))) => eprintln!("{}: {e}", conn.app_name()),
            // The library resumes by itself; the windows come back with Exposes.
            Ok(Some(_)) | Ok(None) => {}
            Err(ConnectionError::Closed) => return Step::Quit,
            Err(e) => {
                // As X toolkits do when their display goes for good: say why and end.
                eprintln!("{}: {e}", conn.app_name());
                std::process::exit(1)
            }
        }
    }
}
