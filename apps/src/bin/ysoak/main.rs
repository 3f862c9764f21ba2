//! `ysoak`: a soak load for a Yonder server (run by `bench/soak.sh`). Well-behaved clients
//! connect, draw, put images, own and convert selections and disconnect, in a loop; a pair
//! of clients drags and drops between two windows with synthetic input; hostile clients
//! send garbage, oversized frames and floods, never read, or stop half-way through a hello.
//! Every interval it prints one line: requests served, the worst round trip of the
//! well-behaved clients, and the server's resident memory, open descriptors and threads
//! (from /proc). When the time is up the load stops, and it waits for the server's clients,
//! descriptors and threads to come back to where they were before the load; it exits 1 if
//! they do not or the server died, and prints the figures either way.

mod drag;
mod hostile;
mod polite;
mod server_proc;

use clap::Parser;
use server_proc::ServerProc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use yonder::prelude::*;
use yonder::Connection;

/// Soak load for a Yonder server.
#[derive(Parser)]
#[command(about)]
pub struct Args {
    /// Display of the server (a Unix socket path as `unix:PATH`, or `:N`).
    #[arg(long)]
    display: String,
    /// The server's process id (for its memory, descriptors and threads).
    #[arg(long)]
    pid: u32,
    /// The display's cookie in hex, for the hostile clients' hand-made hellos.
    #[arg(long)]
    cookie: String,
    /// The server's Unix socket, for the hostile clients.
    #[arg(long)]
    socket: std::path::PathBuf,
    /// The server's TCP address, for the half-open hostile client (none without it).
    #[arg(long)]
    tcp: Option<String>,
    /// Well-behaved clients.
    #[arg(long, default_value_t = 200)]
    clients: u32,
    /// Seconds of load.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Seconds between two report lines.
    #[arg(long, default_value_t = 60)]
    interval: u64,
    /// Pause of a well-behaved client between two cycles, in milliseconds.
    #[arg(long, default_value_t = 250)]
    pause_ms: u64,
    /// Also drag and drop with synthetic input (the server needs --allow-synthetic-input).
    #[arg(long)]
    drag: bool,
    /// How long the server may take to come back to its baseline once the load stops.
    #[arg(long, default_value_t = 30)]
    settle_seconds: u64,
}

/// What the load threads count, read and reset by the reporter.
#[derive(Default)]
pub struct Counters {
    /// Requests of well-behaved clients whose cycle ended with its round trip answered.
    pub requests: AtomicU64,
    /// Cycles completed.
    pub cycles: AtomicU64,
    /// Worst round trip since the last report, in microseconds.
    pub worst_rtt_us: AtomicU64,
    /// Worst round trip over the whole run, in microseconds.
    pub worst_rtt_all_us: AtomicU64,
    /// Round trips over 100 ms.
    pub slow_rtts: AtomicU64,
    /// Failures of well-behaved clients (a connection refused or lost, a conversion that
    /// never ended): each is a bug or an overload, and is reported.
    pub failures: AtomicU64,
    /// Selection conversions answered (data or refusal).
    pub conversions: AtomicU64,
    /// Drags that ended with the drop taken, and those that did not.
    pub drops: AtomicU64,
    /// Drags that failed.
    pub drop_failures: AtomicU64,
    /// Hostile connections made, and those the server did not end when it should have.
    pub hostile: AtomicU64,
    /// Hostile connections the server did not close in time.
    pub hostile_unclosed: AtomicU64,
}

impl Counters {
    /// Records one round trip.
    pub fn rtt(&self, d: Duration) {
        let us = d.as_micros() as u64;
        self.worst_rtt_us.fetch_max(us, Ordering::Relaxed);
        self.worst_rtt_all_us.fetch_max(us, Ordering::Relaxed);
        if d > Duration::from_millis(100) {
            self.slow_rtts.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The server's connected clients, asked of it (None when it does not answer).
fn client_count(display: &str) -> Option<usize> {
    let conn = Connection::connect(Some(display)).ok()?;
    let n = conn.list_clients().reply().ok()?.clients.len();
    // Not counting the asker.
    Some(n - 1)
}

fn main() {
    let args = Args::parse();
    let server = ServerProc::new(args.pid);
    let Some(base) = server.sample() else {
        eprintln!("ysoak: no server process {}", args.pid);
        std::process::exit(1);
    };
    let base_clients = client_count(&args.display).unwrap_or_else(|| {
        eprintln!("ysoak: the server does not answer");
        std::process::exit(1);
    });
    println!(
        "baseline: clients {base_clients}, rss {} KiB, fds {}, threads {}",
        base.rss_kib, base.fds, base.threads
    );
    let stop = Arc::new(AtomicBool::new(false));
    let counters = Arc::new(Counters::default());
    let mut threads = Vec::new();
    for i in 0..args.clients {
        let (display, stop, counters) = (args.display.clone(), stop.clone(), counters.clone());
        let pause = Duration::from_millis(args.pause_ms);
        threads.push(
            std::thread::Builder::new()
                .name(format!("polite-{i}"))
                .stack_size(256 << 10)
                .spawn(move || polite::run(i, &display, pause, &stop, &counters))
                .expect("a thread"),
        );
    }
    if args.drag {
        let (display, stop, counters) = (args.display.clone(), stop.clone(), counters.clone());
        threads.push(std::thread::spawn(move || {
            drag::run(&display, &stop, &counters)
        }));
    }
    let cookie = hex_decode(&args.cookie).unwrap_or_else(|| {
        eprintln!("ysoak: --cookie is not hex");
        std::process::exit(2);
    });
    for kind in hostile::KINDS {
        if kind == hostile::Kind::HalfOpenTcp && args.tcp.is_none() {
            continue;
        }
        let target = hostile::Target {
            display: args.display.clone(),
            socket: args.socket.clone(),
            tcp: args.tcp.clone(),
            cookie: cookie.clone(),
        };
        let (stop, counters) = (stop.clone(), counters.clone());
        threads.push(std::thread::spawn(move || {
            hostile::run(kind, &target, &stop, &counters)
        }));
    }

    println!(
        "{:>6} {:>10} {:>8} {:>12} {:>10} {:>6} {:>8} {:>8} {:>6}",
        "minute", "requests", "cycles", "worst rtt", "rss KiB", "fds", "threads", "hostile", "fail"
    );
    let start = Instant::now();
    let end = start + Duration::from_secs(args.seconds);
    let interval = Duration::from_secs(args.interval.max(1));
    let mut next = start + interval;
    let mut dead = false;
    let mut samples = Vec::new();
    while Instant::now() < end {
        std::thread::sleep(next.min(end).saturating_duration_since(Instant::now()));
        let Some(now) = server.sample() else {
            println!("the server died");
            dead = true;
            break;
        };
        let at = start.elapsed().as_secs_f64() / 60.0;
        println!(
            "{:>6.1} {:>10} {:>8} {:>9.1} ms {:>10} {:>6} {:>8} {:>8} {:>6}",
            at,
            counters.requests.swap(0, Ordering::Relaxed),
            counters.cycles.swap(0, Ordering::Relaxed),
            counters.worst_rtt_us.swap(0, Ordering::Relaxed) as f64 / 1000.0,
            now.rss_kib,
            now.fds,
            now.threads,
            counters.hostile.swap(0, Ordering::Relaxed),
            counters.failures.swap(0, Ordering::Relaxed),
        );
        samples.push((at, now));
        next += interval;
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let ok = !dead && summary(&args, &server, &samples, &counters, base_clients, &base);
    std::process::exit(if ok { 0 } else { 1 });
}

/// Prints the run's verdicts; true when the server is alive and back at its baseline.
fn summary(
    args: &Args,
    server: &ServerProc,
    samples: &[(f64, server_proc::Sample)],
    counters: &Counters,
    base_clients: usize,
    base: &server_proc::Sample,
) -> bool {
    let worst = counters.worst_rtt_all_us.load(Ordering::Relaxed) as f64 / 1000.0;
    println!(
        "worst round trip {worst:.1} ms, {} over 100 ms; {} conversions; drags {} taken, {} failed; {} hostile connections not closed in time",
        counters.slow_rtts.load(Ordering::Relaxed),
        counters.conversions.load(Ordering::Relaxed),
        counters.drops.load(Ordering::Relaxed),
        counters.drop_failures.load(Ordering::Relaxed),
        counters.hostile_unclosed.load(Ordering::Relaxed),
    );
    // Growth over the last 20 minutes (or the second half of a shorter run): the median
    // of the window's last third against that of its first third, so that one sample
    // taken while the never-reading client holds its 32 MiB of output is not "growth".
    if let Some(&(t_end, _)) = samples.last() {
        let from = if t_end > 20.0 {
            t_end - 20.0
        } else {
            t_end / 2.0
        };
        let window: Vec<&server_proc::Sample> = samples
            .iter()
            .filter(|(t, _)| *t >= from - 1e-9)
            .map(|(_, s)| s)
            .collect();
        let third = (window.len() / 3).max(1);
        let median = |part: &[&server_proc::Sample], f: fn(&server_proc::Sample) -> u64| {
            let mut v: Vec<u64> = part.iter().map(|s| f(s)).collect();
            v.sort_unstable();
            v[v.len() / 2]
        };
        let (head, tail) = (&window[..third], &window[window.len() - third..]);
        let growth = |f: fn(&server_proc::Sample) -> u64| {
            let (a, b) = (median(head, f), median(tail, f));
            (a, b, (b as f64 - a as f64) * 100.0 / a.max(1) as f64)
        };
        let (r0, r1, rg) = growth(|s| s.rss_kib);
        let (f0, f1, fg) = growth(|s| s.fds);
        let peak = window.iter().map(|s| s.rss_kib).max().unwrap_or(0);
        println!(
            "growth from minute {from:.1} to {t_end:.1} (median of the first third to median of the last): rss {r0} -> {r1} KiB ({rg:+.1} %, peak {peak}), fds {f0} -> {f1} ({fg:+.1} %)"
        );
    }
    // The load has stopped: everything it opened must go away.
    let deadline = Instant::now() + Duration::from_secs(args.settle_seconds);
    loop {
        let clients = client_count(&args.display);
        let Some(now) = server.sample() else {
            println!("the server died after the load");
            return false;
        };
        let back =
            clients == Some(base_clients) && now.fds <= base.fds && now.threads <= base.threads;
        if back || Instant::now() >= deadline {
            println!(
                "after the load: clients {} (baseline {base_clients}), fds {} ({}), threads {} ({}), rss {} KiB ({})",
                clients.map_or("?".into(), |c| c.to_string()),
                now.fds,
                base.fds,
                now.threads,
                base.threads,
                now.rss_kib,
                base.rss_kib
            );
            println!(
                "{}",
                if back {
                    "back to baseline"
                } else {
                    "NOT back to baseline"
                }
            );
            return back;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
