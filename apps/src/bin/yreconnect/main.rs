//! `yreconnect`: the figures of issue 12 for `bench/reconnect.sh` — how fast apps come back
//! after their display server was killed (`kill -9`, then a new server on the same
//! display) or their network link was cut (the delay proxy killed and started again, the
//! server living on); what the library's journal costs each app; and how often an idle app
//! wakes while its display is gone.
//!
//! One run starts a headless server, the apps (ten demo apps, three with `--smoke`) each
//! at its own place on the screen, strokes on ypaint's canvases and typing in ydoc's
//! documents, and records every window's pixels on the screen. Then:
//!
//! 1. `--rounds` times: SIGKILL the server, start a new one, and time from its "ready"
//!    line (printed once it listens) until every app is connected again and every window
//!    shows its pixels on the screen, as a trusted observer on the Unix socket sees them.
//! 2. With `--link tcp` or `tls`, the apps reach the server through `delay_proxy.py`; `--rounds`
//!    times the proxy is killed (once the server has seen every app detached) and started
//!    again, timed from its "listening" line until every app is connected again.
//! 3. The apps' CPU ticks and wake-ups over `--idle-secs`, connected, then with the
//!    server killed and not started again.
//!
//! It prints lines `TAG|field|...` that the script turns into tables (see the script);
//! each round's figures go to stderr.

mod journal;
mod procs;
mod report;
mod stage;
mod watch;

use clap::Parser;
use procs::{kill, ProxyCommand, Ready, ServerCommand};
use report::{ms, print_journal, print_per_app, print_rounds, Round};
use stage::App;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};
use watch::{observer, wait_back, Target};

/// How long a round may take before the run fails.
const ROUND_LIMIT: Duration = Duration::from_secs(30);

/// Times reconnection of demo apps to a killed and restarted server or a cut link.
#[derive(Parser)]
#[command(about)]
struct Args {
    /// Where `yonder-server` and the apps are (target/release).
    #[arg(long)]
    bin_dir: PathBuf,
    /// `bench/delay-proxy/delay_proxy.py`, for `--link tcp` and `tls`.
    #[arg(long)]
    proxy: Option<PathBuf>,
    /// `unix`: the apps on the server's Unix socket; `tcp` or `tls`: through the proxy.
    #[arg(long, default_value = "unix")]
    link: String,
    /// Kill-and-restart rounds (and as many link cuts through the proxy).
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Three apps instead of ten.
    #[arg(long)]
    smoke: bool,
    /// Seconds over which idle apps' CPU time is read (0: skipped).
    #[arg(long, default_value_t = 10)]
    idle_secs: u64,
    /// The proxy's one-way delay (half the round trip).
    #[arg(long, default_value_t = 50)]
    delay_ms: u32,
    /// The proxy's bandwidth each way, shared by all connections.
    #[arg(long, default_value_t = 10)]
    rate_mbit: u32,
    /// Keep the logs (server, proxy, apps) when the run ends.
    #[arg(long)]
    keep_logs: bool,
}

/// Everything a run holds.
struct Run {
    args: Args,
    server_cmd: ServerCommand,
    server: Child,
    proxy_cmd: Option<ProxyCommand>,
    proxy: Option<Child>,
    trusted: String,
    apps: Vec<App>,
    targets: Vec<Target>,
    /// How many `event=back` lines each app's log had after the last round.
    seen: Vec<usize>,
    _dir: tempfile::TempDir,
}

fn main() {
    let args = Args::parse();
    let mut run = Run::start(args);
    let label = run.link_label();
    let rounds = run.args.rounds;
    let mut restarts = Vec::new();
    let mut lines_of: Vec<Vec<journal::BackLine>> = vec![Vec::new(); run.apps.len()];
    for round in 1..=rounds {
        let (r, lines) = run.restart_round(round);
        for (i, line) in lines.into_iter().enumerate() {
            lines_of[i].push(line);
        }
        restarts.push(r);
        // Let the new server write its checkpoint (debounced, at most 1 s).
        std::thread::sleep(Duration::from_millis(1200));
    }
    print_rounds("restart", &label, &restarts);
    print_per_app(&label, &run.apps, &restarts);
    if run.proxy.is_some() {
        let mut cuts = Vec::new();
        for round in 1..=rounds {
            cuts.push(run.cut_round(round));
            std::thread::sleep(Duration::from_millis(300));
        }
        print_rounds("linkloss", &label, &cuts);
    }
    if run.args.link == "unix" {
        print_journal(&run.apps, &lines_of);
    }
    if run.args.idle_secs > 0 {
        run.idle(&label);
    }
    run.stop();
}

impl Run {
    fn start(args: Args) -> Run {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // The network transport and its port base (protocol.md §2), if any.
        let net = match args.link.as_str() {
            "unix" => None,
            "tcp" => Some(("tcp", 7100)),
            "tls" => Some(("tls", 7600)),
            other => panic!("yreconnect: --link unix, tcp or tls, not {other}"),
        };
        // A display whose port is free (the socket directory is our own).
        let number = match net {
            Some((_, base)) => u32::from(procs::free_port(base + 50) - base),
            None => 0,
        };
        let server_cmd = ServerCommand {
            binary: args.bin_dir.join("yonder-server"),
            dir: dir.path().to_path_buf(),
            number,
            screen: stage::SCREEN.into(),
            listen: net.map(|(l, _)| l),
        };
        let (server, _) = server_cmd.start();
        let line = server_cmd.cookie_line(&format!(":{number}"));
        let trusted = server_cmd.cookie_line(&format!(":{number}+trusted"))[1].clone();
        let (proxy_cmd, proxy, display) = match net {
            Some((kind, base)) => {
                let port = procs::free_port(base + number as u16 + 1);
                let cmd = ProxyCommand {
                    script: args.proxy.clone().expect("--proxy with --link tcp or tls"),
                    port,
                    target: base + number as u16,
                    delay_ms: args.delay_ms,
                    rate_mbit: args.rate_mbit,
                    log: dir.path().join("proxy.err"),
                };
                let (child, _) = cmd.start();
                let prefix = if kind == "tls" { "tls:" } else { "" };
                let display = format!("{prefix}127.0.0.1:{}", port - base);
                (Some(cmd), Some(child), display)
            }
            None => (None, None, server_cmd.unix_display()),
        };
        let mut env = vec![
            ("YONDER_DISPLAY", display),
            ("YONDER_COOKIE", line[1].clone()),
        ];
        if let Some(pin) = line.get(2) {
            // The certificate's fingerprint (TLS), for the proxy's display name.
            env.push(("YONDER_FINGERPRINT", pin.clone()));
        }
        let o = observer(&server_cmd.unix_display(), &trusted);
        let specs = stage::apps(dir.path(), args.smoke);
        let mut apps: Vec<App> = Vec::new();
        for (n, spec) in specs.iter().enumerate() {
            let taken: Vec<u32> = apps.iter().map(|a| a.id_space).collect();
            apps.push(stage::spawn(
                spec,
                &taken,
                n,
                &args.bin_dir,
                dir.path(),
                &env,
                &o,
            ));
        }
        let targets = stage::prepare(&o, &specs, &apps);
        drop(o);
        eprintln!(
            "yreconnect: {} apps, {} windows, logs in {}",
            apps.len(),
            targets.len(),
            dir.path().display()
        );
        // Let the server's checkpoint see the windows (debounced, at most 1 s).
        std::thread::sleep(Duration::from_millis(1200));
        Run {
            seen: vec![0; apps.len()],
            args,
            server_cmd,
            server,
            proxy_cmd,
            proxy,
            trusted,
            apps,
            targets,
            _dir: dir,
        }
    }

    fn link_label(&self) -> String {
        match &self.proxy_cmd {
            None => "Unix socket".into(),
            Some(p) => format!(
                "{}, proxy {} ms RTT, {} Mbit/s",
                self.args.link.to_uppercase(),
                2 * p.delay_ms,
                p.rate_mbit
            ),
        }
    }

    fn id_spaces(&self) -> Vec<u32> {
        self.apps.iter().map(|a| a.id_space).collect()
    }

    /// Waits until `ready`'s moment plus everything back, then reads the apps' new
    /// `event=back` lines.
    fn measure(
        &mut self,
        what: &str,
        ready: Ready,
        startup: Duration,
    ) -> (Round, Vec<journal::BackLine>) {
        let o = observer(&self.server_cmd.unix_display(), &self.trusted);
        let back = wait_back(&o, &self.id_spaces(), &self.targets, ready.at, ROUND_LIMIT)
            .unwrap_or_else(|e| self.fail(&format!("{what}: {e}")));
        // Each app's line is written right after its successful attempt, before its
        // windows are back; it is there by now, but give the write a moment.
        let mut lines = Vec::new();
        let end = Instant::now() + Duration::from_secs(5);
        for (i, app) in self.apps.iter().enumerate() {
            let line = loop {
                let all = journal::back_lines(&app.log);
                if all.len() > self.seen[i] {
                    self.seen[i] = all.len();
                    break all.last().cloned().expect("a line");
                }
                if Instant::now() > end {
                    let msg = format!("{what}: {} wrote no yonder-journal line", app.name);
                    self.fail(&msg);
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            lines.push(line);
        }
        let after_ready =
            |t: std::time::SystemTime| t.duration_since(ready.wall).unwrap_or_default();
        let last_dial = lines
            .iter()
            .map(|l| after_ready(l.dialed))
            .max()
            .unwrap_or_default();
        let apps_back = lines
            .iter()
            .map(|l| after_ready(l.done))
            .max()
            .unwrap_or_default();
        let per_app = (0..self.apps.len())
            .map(|i| {
                self.targets
                    .iter()
                    .zip(&back.windows)
                    .filter(|(t, _)| t.app == i)
                    .map(|(_, d)| *d)
                    .max()
                    .unwrap_or(back.connected)
            })
            .collect();
        let round = Round {
            all: back.all(),
            connected: back.connected,
            startup,
            last_dial,
            apps_back,
            per_app,
        };
        (round, lines)
    }

    /// SIGKILL the server, start a new one, time until everything is back.
    fn restart_round(&mut self, n: usize) -> (Round, Vec<journal::BackLine>) {
        kill(&mut self.server);
        let spawned = Instant::now();
        let (server, ready) = self.server_cmd.start();
        let ready_wall = ready.wall;
        self.server = server;
        let (round, lines) = self.measure("restart", ready, ready.at - spawned);
        eprintln!(
            "restart {n}: all back {:.1} ms (connected {:.1} ms, last attempt {:.1} ms after \
             ready; start-up {:.1} ms); resumed: {}, attempts at most {}",
            ms(round.all),
            ms(round.connected),
            ms(round.last_dial),
            ms(round.startup),
            lines.iter().filter(|l| l.resumed).count(),
            lines.iter().map(|l| l.attempts).max().unwrap_or(0),
        );
        let each: Vec<String> = self
            .apps
            .iter()
            .zip(&round.per_app)
            .zip(&lines)
            .map(|((a, d), l)| {
                let done = l.done.duration_since(ready_wall).unwrap_or_default();
                format!("{} {:.0}/{:.0}", a.name, ms(done), ms(*d))
            })
            .collect();
        eprintln!(
            "  each app, setup done / windows back (ms): {}",
            each.join(", ")
        );
        (round, lines)
    }

    /// Kill the proxy, wait until the server has every app detached, start the proxy
    /// again, time until every app is connected.
    fn cut_round(&mut self, n: usize) -> Round {
        kill(self.proxy.as_mut().expect("a proxy"));
        let o = observer(&self.server_cmd.unix_display(), &self.trusted);
        let end = Instant::now() + ROUND_LIMIT;
        loop {
            use yonder::prelude::*;
            let clients = o.list_clients().reply().expect("ListClients");
            let spaces = self.id_spaces();
            let detached = clients
                .clients
                .iter()
                .filter(|c| spaces.contains(&c.id_space) && c.detached_secs.is_some())
                .count();
            if detached == spaces.len() {
                break;
            }
            if Instant::now() > end {
                self.fail("linkloss: the server did not see every app detached");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(o);
        let (proxy, ready) = self.proxy_cmd.as_ref().expect("a proxy").start();
        self.proxy = Some(proxy);
        let (round, lines) = self.measure("linkloss", ready, Duration::ZERO);
        eprintln!(
            "link cut {n}: every app back {:.1} ms (the server saw them {:.1} ms; windows \
             right {:.1} ms; last attempt {:.1} ms after the proxy listened); resumed: {}, \
             attempts at most {}",
            ms(round.apps_back),
            ms(round.connected),
            ms(round.all),
            ms(round.last_dial),
            lines.iter().filter(|l| l.resumed).count(),
            lines.iter().map(|l| l.attempts).max().unwrap_or(0),
        );
        // Nothing left the screen: the apps are back once they have their setup.
        Round {
            all: round.apps_back.max(round.all),
            ..round
        }
    }

    /// CPU ticks and wake-ups of each app over `--idle-secs`, connected, then with the
    /// server killed (not started again).
    fn idle(&mut self, label: &str) {
        let secs = Duration::from_secs(self.args.idle_secs);
        let sample = |apps: &[App]| -> Vec<procs::Usage> {
            apps.iter()
                .map(|a| procs::usage(a.child.id()).unwrap_or_default())
                .collect()
        };
        let a = sample(&self.apps);
        std::thread::sleep(secs);
        let b = sample(&self.apps);
        kill(&mut self.server);
        std::thread::sleep(Duration::from_secs(1));
        let c = sample(&self.apps);
        std::thread::sleep(secs);
        let d = sample(&self.apps);
        for (i, app) in self.apps.iter_mut().enumerate() {
            let alive = app.child.try_wait().ok().flatten().is_none();
            let per_s = |n: u64| n as f64 / secs.as_secs_f64();
            println!(
                "idle|{label}|{}|{}|{:.1}|{}|{:.1}|{}",
                app.name,
                b[i].ticks - a[i].ticks,
                per_s(b[i].switches_since(&a[i])),
                d[i].ticks - c[i].ticks,
                per_s(d[i].switches_since(&c[i])),
                if alive { "yes" } else { "NO" },
            );
        }
    }

    fn stop(&mut self) {
        for app in &mut self.apps {
            kill(&mut app.child);
        }
        if let Some(p) = &mut self.proxy {
            kill(p);
        }
        kill(&mut self.server);
        if self.args.keep_logs {
            let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().expect("a tempdir"));
            eprintln!("yreconnect: logs kept in {}", dir.keep().display());
        }
    }

    /// Stops everything, keeps the logs, and exits 1.
    fn fail(&mut self, msg: &str) -> ! {
        eprintln!("yreconnect: {msg}");
        self.stop();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().expect("a tempdir"));
        eprintln!("yreconnect: logs kept in {}", dir.keep().display());
        std::process::exit(1)
    }
}
