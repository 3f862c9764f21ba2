//! Large drawings on several cores (issue 17 §2): the rows one drawing writes are split
//! into bands, each band drawn by its own thread, and all of them are joined before the
//! drawing returns. [`Workers`] owns the threads; [`for_rows`] and [`run`] hand out the
//! bands.
//!
//! Why bands of one drawing rather than drawables side by side: the state thread stays the
//! one place where requests are checked and ordered, and a drawing is finished before the
//! next request is looked at, exactly as with one thread. Nothing a request reads (another
//! drawable for a CopyArea, the screen for the compositor) can see a half-drawn one, so no
//! drawable has to be tracked, waited for or locked. What it needs instead is that a
//! band's result does not depend on the other bands: every route that splits writes each
//! row from pixels no band writes and the drawing's parameters alone (fills, image puts,
//! copies between drawables, and moves inside one drawable sideways or by at least their
//! height); a move up or down by less, whose rows read rows another band would write,
//! stays on one thread (`copies::move_rows`). So the pixels are the same, bit for bit,
//! with any number of threads; `tests/render_threads.rs` runs the same request streams
//! with one and with two and compares them.
//!
//! Drawables side by side, the other half of §2, are `lanes`: a large drawing that reads
//! only its own drawable is handed to that drawable's lane and drawn on a lane thread
//! while the state thread goes on; whatever reads or writes the drawable later settles
//! the lane first (`state::surfaces`). The state thread draws what is left of a lane
//! with the band pool when it settles it.
//!
//! Small drawings stay on the calling thread: handing over a band and joining it costs a
//! few microseconds, what a fill of some 30 000 pixels takes; so does a band of a large
//! one, which is never smaller than [`MIN_BAND_PIXELS`].

use std::ops::Range;

/// Pixels a drawing must write for its rows to be split.
pub(crate) const MIN_PIXELS: usize = 1 << 16;
/// Pixels a band has at least (on many cores a large drawing gets fewer bands than
/// threads).
const MIN_BAND_PIXELS: usize = 1 << 15;
/// Rows a band has at least.
const MIN_BAND_ROWS: usize = 16;

/// The rasterizer's threads: the caller's (the state thread's) and `threads - 1` more in a
/// pool of their own, used only between a drawing's start and its end.
///
/// Owned by `State` (each server its own, so servers in one test process do not share
/// them); borrowed by a drawing through `Style::workers`. The pool's threads touch
/// pixels only inside `run`, which returns after all of them are done, so a pixmap is
/// never written by two threads at once nor read while a band is being written.
pub struct Workers {
    threads: usize,
    /// Started by [`Workers::start`] on the thread that draws (the state thread, which
    /// becomes the pool's thread 0), with that thread's id: a drawing on any other
    /// thread, or before the start, stays on its own thread.
    pool: std::sync::OnceLock<Option<(rayon::ThreadPool, std::thread::ThreadId)>>,
    /// `threads` threads that draw drawables side by side (`lanes`), started with the
    /// pool: as many as the cores, since the state thread, which only reads, decodes
    /// and hands drawings over, leaves its core to them. (With one thread fewer, the
    /// state thread drew the lanes no thread had reached, when their clients waited
    /// for an answer, and fell behind with its own work: 8 clients copying inside
    /// their windows at times got 28 k copies/s at 100 % CPU, against 64 k at 165 %.)
    /// `None` inside when no thread started: nothing is handed to lanes then.
    lanes: std::sync::OnceLock<Option<super::lanes::LaneThreads>>,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workers")
            .field("threads", &self.threads)
            .finish()
    }
}

impl Workers {
    /// Drawing on `threads` threads, the caller's included, once started; 0 takes as many
    /// as the cores this process may run on (`taskset` and cgroup limits count), 1 never
    /// starts a thread.
    pub fn new(threads: usize) -> Workers {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Workers {
            threads,
            pool: std::sync::OnceLock::new(),
            lanes: std::sync::OnceLock::new(),
        }
    }

    /// Starts the pool with the calling thread as its thread 0: the thread that draws
    /// from now on (the state thread, at the start of its loop). A thread can be thread 0
    /// of one pool in its life (rayon keeps it registered after the pool goes), so this is
    /// called once a state thread; if the pool cannot start, drawing stays on this thread
    /// (logged). Returns how many threads draw.
    pub fn start(&self) -> usize {
        if self.threads <= 1 {
            return 1;
        }
        let here = std::thread::current().id();
        let built = self.pool.get_or_init(|| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(self.threads)
                .use_current_thread()
                .thread_name(|i| format!("yonder-raster-{i}"))
                .build();
            match pool {
                Ok(pool) => Some((pool, here)),
                Err(e) => {
                    tracing::warn!(error = %e, "no rasterizer threads; drawing on one");
                    None
                }
            }
        });
        if built.is_some() {
            self.lanes
                .get_or_init(|| super::lanes::LaneThreads::start(self.threads));
        }
        built.as_ref().map_or(1, |_| self.threads)
    }

    /// The pool, when the calling thread is its thread 0.
    fn pool(&self) -> Option<&rayon::ThreadPool> {
        let (pool, owner) = self.pool.get()?.as_ref()?;
        (*owner == std::thread::current().id()).then_some(pool)
    }

    /// Whether drawings may be handed to lanes (`render::lanes`) from this thread: it is
    /// the pool's thread 0 and the pool has another thread to draw them.
    pub(crate) fn side_by_side(&self) -> bool {
        self.threads > 1 && self.pool().is_some() && matches!(self.lanes.get(), Some(Some(_)))
    }

    /// Has a lane thread drain `lane` (see [`Workers::side_by_side`]: lanes are handed
    /// out only when there are lane threads).
    pub(crate) fn drain_lane(&self, lane: std::sync::Arc<super::lanes::Lane>) {
        match self.lanes.get() {
            Some(Some(threads)) => threads.ask(lane),
            _ => {
                lane.drain(u64::MAX);
            }
        }
    }

    /// Whether a drawing on this thread can split.
    #[cfg(test)]
    pub(crate) fn splits_here(&self) -> bool {
        self.pool().is_some()
    }

    /// How many bands `rows` rows of `width` pixels are split into.
    pub(crate) fn bands(&self, rows: usize, width: usize) -> usize {
        let pixels = rows.saturating_mul(width);
        if self.threads <= 1 || pixels < MIN_PIXELS {
            return 1;
        }
        let most = (rows / MIN_BAND_ROWS).min(pixels / MIN_BAND_PIXELS);
        self.threads.min(most).max(1)
    }
}

/// How many bands a drawing of `rows` rows of `width` pixels gets from `workers`.
pub(crate) fn bands(workers: Option<&Workers>, rows: usize, width: usize) -> usize {
    workers.map_or(1, |w| w.bands(rows, width))
}

/// The rows of `range` split into `n` contiguous bands, as even as can be, in order.
pub(crate) fn split(range: Range<usize>, n: usize) -> Vec<Range<usize>> {
    let len = range.len();
    let n = n.clamp(1, len.max(1));
    (0..n)
        .map(|i| range.start + len * i / n..range.start + len * (i + 1) / n)
        .collect()
}

#[cfg(test)]
thread_local! {
    /// How many drawings this thread has split among a pool: for tests that a route
    /// splits (its pixels alone cannot tell). Per thread, so tests running at once do
    /// not count each other's.
    pub(crate) static SPLITS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Calls `f` on every part, the first on the calling thread and the others on the pool's
/// threads at the same time; returns once every call has.
pub(crate) fn run<T: Send>(workers: Option<&Workers>, parts: Vec<T>, f: impl Fn(T) + Sync) {
    let pool = workers.and_then(|w| w.pool());
    match pool {
        Some(pool) if parts.len() > 1 => {
            #[cfg(test)]
            SPLITS.with(|n| n.set(n.get() + 1));
            let f = &f;
            pool.in_place_scope(|scope| {
                let mut parts = parts.into_iter();
                let first = parts.next();
                for part in parts {
                    scope.spawn(move |_| f(part));
                }
                if let Some(first) = first {
                    f(first);
                }
            });
        }
        _ => parts.into_iter().for_each(f),
    }
}

/// Calls `f(y, row)` for every row `y` of `rows`, `row` being that row of `data` (rows of
/// `stride` elements from the start of `data`), in bands on `workers` when the drawing is
/// large (`width` is how many pixels of each row it writes). Within a band the rows go
/// in order; rows past the end of `data` are skipped.
pub(crate) fn for_rows<T: Send>(
    workers: Option<&Workers>,
    data: &mut [T],
    stride: usize,
    rows: Range<usize>,
    width: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    if stride == 0 {
        return;
    }
    let rows = rows.start..rows.end.min(data.len() / stride);
    if rows.is_empty() {
        return;
    }
    let n = bands(workers, rows.len(), width);
    let whole = &mut data[rows.start * stride..rows.end * stride];
    if n == 1 {
        for (i, row) in whole.chunks_exact_mut(stride).enumerate() {
            f(rows.start + i, row);
        }
        return;
    }
    let mut parts = Vec::with_capacity(n);
    let mut rest = whole;
    for band in split(rows, n) {
        let (mine, after) = rest.split_at_mut(band.len() * stride);
        parts.push((band.start, mine));
        rest = after;
    }
    run(workers, parts, |(first, band): (usize, &mut [T])| {
        for (i, row) in band.chunks_exact_mut(stride).enumerate() {
            f(first + i, row);
        }
    });
}
