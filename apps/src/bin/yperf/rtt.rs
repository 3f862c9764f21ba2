//! Timed round trips: Sync requests sent one at a time, each timed from sending to its
//! reply, summed up as percentiles. Shared by `--latency` and `--sweep`; what the server
//! holds while they run (windows, drawing) is up to the caller.

use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;
use yonder_apps::die;

/// The sorted times of a number of round trips.
pub struct RoundTrips {
    sorted: Vec<Duration>,
}

impl RoundTrips {
    /// Makes `warm` untimed round trips (so the first timed one finds the connection
    /// and the server's caches as the others do), then times `n` (at least one).
    pub fn measure(conn: &Connection, warm: u32, n: u32) -> RoundTrips {
        for _ in 0..warm {
            conn.sync().unwrap_or_else(|e| die("yperf", e));
        }
        let mut sorted: Vec<Duration> = (0..n.max(1))
            .map(|_| {
                let t = Instant::now();
                conn.sync().unwrap_or_else(|e| die("yperf", e));
                t.elapsed()
            })
            .collect();
        sorted.sort();
        RoundTrips { sorted }
    }

    /// How many round trips were timed.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// The median, in microseconds.
    pub fn p50_us(&self) -> f64 {
        self.quantile_us(0.5)
    }

    /// The 99th percentile, in microseconds.
    pub fn p99_us(&self) -> f64 {
        self.quantile_us(0.99)
    }

    /// The `q`-quantile (0..=1), nearest rank, in microseconds.
    fn quantile_us(&self, q: f64) -> f64 {
        let n = self.sorted.len();
        let i = ((n as f64 * q).ceil() as usize).clamp(1, n) - 1;
        self.sorted[i].as_secs_f64() * 1e6
    }
}
