//! Starting and stopping a server: claim the display, write the cookie, start the state
//! thread (its loop is [`crate::dispatch::run`]) and the tokio runtimes that accept and
//! serve connections.
//!
//! Threads and why:
//! - the **state thread** owns [`State`] and applies every request in order. Drawing is
//!   CPU-bound, so it runs on its own OS thread instead of blocking async workers;
//! - the **Unix socket's and plain TCP's connections are served on the state thread**
//!   (its own current-thread runtime, [`LocalIo`]): their reader and writer tasks run
//!   while the thread waits for a command, so a request that arrives at an idle server is
//!   read, applied and answered by the one thread the kernel wakes. A hand-off to another
//!   thread cost every round trip a wake-up and a context switch (a Sync took 23 %
//!   longer that way with everything on one core; over TCP, p50 45 µs against 18 µs). A
//!   slow or stuck client still only blocks its own tasks: every read and write is
//!   nonblocking;
//! - the **tokio runtime** (two workers) serves TLS and the web viewers, whose
//!   encryption and WebSocket work should not take the state thread's time, and the
//!   signals and alarms;
//! - they talk through one bounded command channel (readers wait when the state thread is
//!   behind, which throttles a flooding client at its socket) and per-client unbounded
//!   output channels (the state thread never waits on a socket).

use super::connection;
use super::keepalive::Keepalive;
use super::{tls, web, web_viewer, Shared};
use crate::auth::{self, Cookie};
use crate::command::Command;
use crate::config::ServerConfig;
use crate::dispatch;
use crate::display;
use crate::state::{Screen, State};
use dispatch::state_thread::{LocalIo, WRITERS_DRAIN};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// How many commands may wait for the state thread before readers pause.
const COMMAND_QUEUE: usize = 1024;

/// A running server. Dropping it shuts the server down.
pub struct ServerHandle {
    /// The display name, `:N`.
    pub display: String,
    /// The display number.
    pub number: u32,
    /// The Unix socket.
    pub socket_path: PathBuf,
    /// The cookie clients must present.
    pub cookie: Cookie,
    /// The trusted cookie: clients presenting it instead are trusted (no isolation).
    pub trusted_cookie: Cookie,
    /// The TCP port, when listening on TCP.
    pub tcp_port: Option<u16>,
    /// The TLS port, when listening on TLS.
    pub tls_port: Option<u16>,
    /// The SHA-256 fingerprint of the TLS certificate, when listening on TLS: what
    /// clients pin.
    pub tls_fingerprint: Option<[u8; 32]>,
    /// The web viewer's port, when serving web viewers.
    pub web_port: Option<u16>,
    /// The address that opens the web viewer, credential included (`:N+web`), when
    /// serving web viewers.
    pub web_url: Option<String>,
    /// The view-only address (`:N+view`), when serving web viewers.
    pub web_view_url: Option<String>,
    commands: mpsc::Sender<Command>,
    /// Set by `stop`; read by the state thread after every command.
    stopping: Arc<dispatch::Stopping>,
    /// The connections' writer tasks still running (see [`WRITERS_DRAIN`]).
    writers: Arc<AtomicUsize>,
    /// The accept loops: a stopping server stops accepting first, so that a client
    /// coming back meets the next server, not this one's last moments.
    accepting: Vec<tokio::task::JoinHandle<()>>,
    runtime: Option<tokio::runtime::Runtime>,
    state_thread: Option<std::thread::JoinHandle<()>>,
    /// Made at start, taken by the first `wait_for_signal` or `on_signal`.
    signals: std::sync::Mutex<Option<Signals>>,
}

impl ServerHandle {
    /// A display string that reaches this server's socket directly (`unix:PATH`).
    pub fn unix_display(&self) -> String {
        format!("unix:{}", self.socket_path.display())
    }

    /// Sends input from the screen's devices to the state thread.
    pub fn input_sender(&self) -> mpsc::Sender<Command> {
        self.commands.clone()
    }

    /// Blocks until SIGINT, SIGTERM or SIGUSR1. SIGUSR1 means another server takes
    /// this one's place (`yonder-server --restart`): the shutdown that follows tells
    /// the clients a server comes back.
    pub fn wait_for_signal(&self) {
        if let Some(rt) = &self.runtime {
            let early = self.signals.lock().ok().and_then(|mut s| s.take());
            let restart = rt.block_on(signalled(early));
            self.stopping.restart.store(restart, Ordering::Release);
        }
    }

    /// Calls `f` (on a runtime thread) when SIGINT, SIGTERM or SIGUSR1 arrives (see
    /// [`ServerHandle::wait_for_signal`]).
    pub fn on_signal(&self, f: impl FnOnce() + Send + 'static) {
        if let Some(rt) = &self.runtime {
            let early = self.signals.lock().ok().and_then(|mut s| s.take());
            let stopping = self.stopping.clone();
            rt.spawn(async move {
                let restart = signalled(early).await;
                stopping.restart.store(restart, Ordering::Release);
                f();
            });
        }
    }

    /// Stops the server for good: clients of 1.5 or later hear that the display ends
    /// (ServerEnding), every client is disconnected and the socket removed.
    pub fn shutdown(mut self) {
        self.stop();
    }

    /// Stops the server because another comes in its place on the same display (an
    /// upgrade, `yonder-server --restart`): clients hear that a server comes back and
    /// wait for it; they are disconnected and the socket removed.
    pub fn shutdown_for_restart(mut self) {
        self.stopping.restart.store(true, Ordering::Release);
        self.stop();
    }

    fn stop(&mut self) {
        // No new connection from here on: the socket goes (a client waiting for the
        // display sees it come back with the next server) and the ports close.
        let _ = std::fs::remove_file(&self.socket_path);
        for task in self.accepting.drain(..) {
            task.abort();
        }
        // The flag stops a busy state thread between two commands, however long its queue;
        // the Shutdown command wakes an idle one. If the queue is full the thread is busy
        // and sees the flag; keep offering the command until it has ended.
        self.stopping.now.store(true, Ordering::Release);
        let restart = self.stopping.restart.load(Ordering::Acquire);
        if let Some(t) = self.state_thread.take() {
            while !t.is_finished() {
                if self
                    .commands
                    .try_send(Command::Shutdown { restart })
                    .is_ok()
                {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            let _ = t.join();
        }
        // Every client was told the server ends and let go: give their writers a moment
        // to hand that over (a client that does not read is not waited for).
        let until = std::time::Instant::now() + WRITERS_DRAIN;
        while self.writers.load(Ordering::Acquire) > 0 && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
        }
        let _ = std::fs::remove_file(&self.socket_path);
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// SIGTERM and SIGINT listeners. They are made when the server starts, before it
/// announces itself: a signal sent right after the announcement (a script, or
/// tests/cli.rs, stopping the server at once) would otherwise meet the default action
/// and kill the process before it removes its socket.
type Signals = (
    Option<tokio::signal::unix::Signal>,
    Option<tokio::signal::unix::Signal>,
    Option<tokio::signal::unix::Signal>,
);

fn listen_for_signals() -> Signals {
    use tokio::signal::unix::{signal, SignalKind};
    (
        signal(SignalKind::terminate()).ok(),
        signal(SignalKind::interrupt()).ok(),
        signal(SignalKind::user_defined1()).ok(),
    )
}

async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// Waits for SIGTERM, SIGINT or SIGUSR1 on `early` (the listeners made at start), else
/// on new ones; true for SIGUSR1 (a server comes back in this one's place).
async fn signalled(early: Option<Signals>) -> bool {
    let (mut term, mut int, mut usr1) = early.unwrap_or_else(listen_for_signals);
    tokio::select! {
        _ = recv(&mut term) => false,
        _ = recv(&mut int) => false,
        _ = recv(&mut usr1) => true,
    }
}

/// Starts a server with the given screen.
pub fn start(config: ServerConfig, screen: Box<dyn Screen>) -> std::io::Result<ServerHandle> {
    crate::render::warm_up_font();
    let dir = display::socket_dir(config.socket_dir.as_deref());
    let net = display::NetworkPorts {
        tcp: config.listen_tcp.then_some(config.tcp_addr),
        tls: config.listen_tls.then_some(config.tcp_addr),
        web: config
            .listen_web
            .then_some((config.web.addr, config.web.port)),
    };
    let listeners = display::claim(&dir, config.display, net)?;
    let number = listeners.number;
    let display_name = format!(":{number}");
    let cookie_file = auth::cookie_file_path(config.cookie_file.as_deref())?;
    // The display keeps its cookies across restarts (as its TLS key), so that remote
    // clients can come back (protocol.md §3); `--new-cookie` makes fresh ones.
    let kept = |name: &str| match config.new_cookie {
        true => None,
        false => auth::read_cookie(&cookie_file, name),
    };
    let cookie = match kept(&display_name) {
        Some(c) => c,
        None => auth::new_cookie()?,
    };
    let trusted_cookie = match kept(&auth::trusted_name(&display_name)) {
        Some(c) => c,
        None => auth::new_cookie()?,
    };
    let mut cookies = vec![
        (display_name.clone(), cookie),
        (auth::trusted_name(&display_name), trusted_cookie),
    ];
    // The web viewers' two credentials (protocol.md §20.3), kept like the others.
    let web_cookies = match listeners.web {
        Some(_) => {
            let mut pair = [[0; 16]; 2];
            for (c, suffix) in pair.iter_mut().zip([auth::WEB_SUFFIX, auth::VIEW_SUFFIX]) {
                let name = format!("{display_name}{suffix}");
                *c = match kept(&name) {
                    Some(c) => c,
                    None => auth::new_cookie()?,
                };
                cookies.push((name, *c));
            }
            Some(pair)
        }
        None => None,
    };
    auth::store_cookies(&cookie_file, &cookies)?;
    // The TLS identity lives beside the cookie file and is reused on every start.
    let tls = match listeners.tls {
        Some(l) => {
            let identity = tls::Identity::load_or_create(&tls::identity_dir(&cookie_file), number)?;
            let fingerprint = yonder_address::Fingerprint(identity.fingerprint);
            auth::store_fingerprint(&cookie_file, &display_name, &fingerprint)?;
            let port = Arc::new(tls::TlsPort {
                acceptor: identity.acceptor()?,
                number,
            });
            Some((l, port, identity.fingerprint))
        }
        None => None,
    };
    let keepalive = config.keepalive.map(Keepalive::from_total);
    let web_tls = match (&listeners.web, config.web.secure()) {
        (Some(_), true) => Some(match &config.web.cert {
            Some((cert, key)) => tls::acceptor_from_files(cert, key)?,
            None => tls::Identity::load_or_create(&tls::identity_dir(&cookie_file), number)?
                .acceptor()?,
        }),
        _ => None,
    };

    let (cmd_tx, cmd_rx) = mpsc::channel(COMMAND_QUEUE);
    let mut state = State::new(&config, screen);
    let alarm = state.wm.alarm_receiver();
    state.wm.commands = Some(cmd_tx.clone());
    let checkpoint_alarm =
        crate::restore::open(&mut state, &listeners.unix_path, config.forget_state)?;
    let stopping = Arc::new(dispatch::Stopping::default());
    let writers = Arc::new(AtomicUsize::new(0));
    // The Unix socket and plain TCP are served on the state thread (see the module doc):
    // their listeners and connections belong to that thread's runtime.
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local_handle = local.handle().clone();
    let unix = {
        let _guard = local.enter();
        tokio::net::UnixListener::from_std(listeners.unix)?
    };
    let state_thread = std::thread::Builder::new()
        .name("yonder-state".into())
        .spawn({
            let stopping = stopping.clone();
            let writers = writers.clone();
            move || {
                let io = LocalIo {
                    runtime: local,
                    writers,
                };
                dispatch::run(state, cmd_rx, stopping, io)
            }
        })?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("yonder-io")
        .enable_all()
        .build()?;
    let shared = Arc::new(Shared {
        cookie,
        trusted_cookie,
        commands: cmd_tx.clone(),
        max_frame_len: config.max_frame_len,
        output_pause: config.max_output_buffer / 4,
        shm: config.shm,
        serials: AtomicU64::new(1),
        writers: writers.clone(),
    });
    let port_of = |l: &std::net::TcpListener| l.local_addr().ok().map(|a| a.port());
    let tcp_port = listeners.tcp.as_ref().and_then(port_of);
    let tls_port = tls.as_ref().and_then(|(l, _, _)| port_of(l));
    let tls_fingerprint = tls.as_ref().map(|(_, _, f)| *f);
    let web_port = listeners.web.as_ref().and_then(port_of);
    let web_urls = web_port.zip(web_cookies).map(|(port, [drive, view])| {
        let url = |c: &auth::Cookie| web::url(config.web.addr, port, config.web.secure(), c);
        (url(&drive), url(&view))
    });
    let signals;
    let mut accepting = Vec::new();
    {
        let _guard = runtime.enter();
        // Every listener is taken by its runtime before any accept loop starts: a start
        // that fails here leaves nothing served.
        let tcp = listeners
            .tcp
            .map(|t| {
                let _local = local_handle.enter();
                tokio::net::TcpListener::from_std(t)
            })
            .transpose()?;
        let tls = tls
            .map(|(t, port, _)| tokio::net::TcpListener::from_std(t).map(|l| (l, port)))
            .transpose()?;
        let web_listener = listeners
            .web
            .map(tokio::net::TcpListener::from_std)
            .transpose()?;
        signals = Some(listen_for_signals());
        runtime.spawn(crate::wm::alarm(alarm, cmd_tx.clone()));
        runtime.spawn(crate::wm::alarm(checkpoint_alarm, cmd_tx.clone()));
        let sh = shared.clone();
        // Each connection's tasks are spawned on the runtime of the loop that accepts it.
        accepting.push(local_handle.spawn(async move {
            loop {
                match unix.accept().await {
                    Ok((s, _)) => {
                        tokio::spawn(connection::serve_unix(s, sh.clone()));
                    }
                    Err(e) => tracing::warn!("accept on unix socket: {e}"),
                }
            }
        }));
        if let Some(tcp) = tcp {
            tracing::warn!(
                port = tcp_port,
                "plain TCP is unencrypted: the cookie and everything drawn travel in clear; \
                 across untrusted networks use --listen tls (display tls:HOST:N)"
            );
            // Plain TCP is served on the state thread too; TLS is not (its encryption
            // would take the state thread's time).
            accepting.push(local_handle.spawn(accept_tcp(tcp, None, keepalive, shared.clone())));
        }
        if let Some((tcp, port)) = tls {
            accepting.push(runtime.spawn(accept_tcp(tcp, Some(port), keepalive, shared.clone())));
        }
        if let (Some(l), Some([web_cookie, view_cookie]), Some(port)) =
            (web_listener, web_cookies, web_port)
        {
            let secure = config.web.secure();
            if !secure && !config.web.addr.is_loopback() {
                tracing::warn!(
                    port,
                    "the web viewer on plain HTTP beyond loopback: its credential and the \
                     screen travel in clear; leave out --web-plain to serve HTTPS"
                );
            }
            let port = Arc::new(web::WebPort {
                site: web::site(config.web.addr, port, secure, &config.web.hosts),
                tls: web_tls,
                viewing: Arc::new(web_viewer::Viewing {
                    trusted: trusted_cookie,
                    web: web_cookie,
                    view: view_cookie,
                    commands: cmd_tx.clone(),
                    count: AtomicUsize::new(0),
                    bridge: crate::net::web_bridge::Lazy::new(
                        format!("unix:{}", listeners.unix_path.display()),
                        trusted_cookie,
                    ),
                }),
                pending: Arc::new(tokio::sync::Semaphore::new(web::MAX_PENDING)),
            });
            accepting.push(runtime.spawn(web::accept(l, port, keepalive)));
        }
    }
    tracing::info!(display = %display_name, socket = %listeners.unix_path.display(), ?tcp_port, ?tls_port, ?web_port, "ready");
    Ok(ServerHandle {
        display: display_name,
        number,
        socket_path: listeners.unix_path,
        cookie,
        trusted_cookie,
        tcp_port,
        tls_port,
        tls_fingerprint,
        web_port,
        web_url: web_urls.as_ref().map(|u| u.0.clone()),
        web_view_url: web_urls.map(|u| u.1),
        commands: cmd_tx,
        stopping,
        writers,
        accepting,
        runtime: Some(runtime),
        state_thread: Some(state_thread),
        signals: std::sync::Mutex::new(signals),
    })
}

/// Accepts connections on a TCP port (plain, or TLS when `tls` is given) for ever. Each
/// socket gets `TCP_NODELAY` (requests and events are small) and the keepalive settings,
/// so that a peer that vanishes is noticed.
async fn accept_tcp(
    listener: tokio::net::TcpListener,
    tls: Option<Arc<tls::TlsPort>>,
    keepalive: Option<Keepalive>,
    shared: Arc<Shared>,
) {
    loop {
        let (s, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("accept on tcp: {e}");
                continue;
            }
        };
        let _ = s.set_nodelay(true);
        if let Some(k) = keepalive {
            if let Err(e) = k.apply(&s) {
                tracing::warn!(%peer, "cannot set keepalive: {e}");
            }
        }
        let peer = peer.to_string();
        match &tls {
            Some(port) => tokio::spawn(tls::serve(s, peer, port.clone(), shared.clone())),
            None => tokio::spawn(connection::serve(s, peer, shared.clone())),
        };
    }
}
