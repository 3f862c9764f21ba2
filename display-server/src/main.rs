//! `yonder-server`: the command line around the server library.

use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use yonder_address::{CookieLine, DisplayName, Fingerprint};
use yonder_server::net::{keepalive, tls};
use yonder_server::screen::Headless;
use yonder_server::{auth, ServerConfig};

/// The Yonder display server.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Display to serve, as `:N` (default: the first free number).
    display: Option<String>,
    /// Run without a window, on an in-memory screen of this size (like Xvfb), e.g. 1280x800.
    #[arg(long, value_name = "WxH", num_args = 0..=1, default_missing_value = "1280x800")]
    headless: Option<String>,
    /// Open a window of this size that is the screen (the default when a desktop display
    /// is present), e.g. 1280x800.
    #[arg(long, value_name = "WxH", num_args = 0..=1, default_missing_value = "1280x800", conflicts_with = "headless")]
    window: Option<String>,
    /// Also listen on a transport besides the Unix socket: `tls` (TCP port 7600+N,
    /// encrypted, clients pin the certificate's fingerprint), `tcp` (port 7100+N,
    /// unencrypted) or `web` (port 8100+N: browsers see and drive the screen; see
    /// --print-web-url). Repeat for several.
    #[arg(long, value_name = "tls|tcp|web")]
    listen: Vec<String>,
    /// Address to serve web viewers on: loopback by default (plain HTTP; reach it from
    /// elsewhere through an SSH tunnel); any other address is served over HTTPS.
    #[arg(long, default_value = "127.0.0.1")]
    web_addr: std::net::IpAddr,
    /// Certificate chain (PEM) to serve web viewers over HTTPS with, instead of the
    /// display's self-signed certificate; needs --web-key.
    #[arg(long, value_name = "PEM", requires = "web_key")]
    web_cert: Option<PathBuf>,
    /// The private key (PEM) of --web-cert.
    #[arg(long, value_name = "PEM", requires = "web_cert")]
    web_key: Option<PathBuf>,
    /// Serve web viewers over plain HTTP even on an address other than loopback (the
    /// credential and the screen then travel in clear).
    #[arg(long, conflicts_with = "web_cert")]
    web_plain: bool,
    /// Another name browsers reach the web viewer by (a DNS name, or `NAME:PORT` through a
    /// tunnel or proxy on another port); repeat for several.
    #[arg(long = "web-host", value_name = "NAME")]
    web_hosts: Vec<String>,
    /// Print the address that opens the display in a browser, credential included, and
    /// exit (the display must be served with --listen web, and --web-addr and --web-cert as it is).
    #[arg(long)]
    print_web_url: bool,
    /// With --print-web-url: the view-only address (sees, cannot type or click).
    #[arg(long, requires = "print_web_url")]
    view_only: bool,
    /// Address to bind TCP and TLS to.
    #[arg(long, default_value = "0.0.0.0")]
    tcp_addr: std::net::IpAddr,
    /// Seconds after which a TCP or TLS client that vanished without closing (cable
    /// pulled) is dropped and its resources freed: keepalive probes and TCP_USER_TIMEOUT
    /// (at least 4; 0 leaves the kernel's defaults of hours).
    #[arg(long, value_name = "SECS", default_value_t = yonder_server::net::keepalive::DEFAULT_TOTAL.as_secs())]
    keepalive: u64,
    /// Accept synthetic input (FakeInput) from clients, for tests and automation.
    #[arg(long)]
    allow_synthetic_input: bool,
    /// Do not manage top-level windows: no frames, placement or click-to-focus; windows
    /// show exactly where and as their clients put them.
    #[arg(long)]
    no_window_manager: bool,
    /// Another display the window manager offers to move windows to (a ⇄ button on each
    /// title bar); repeat for several. Its cookie is read from the cookie file.
    #[arg(long = "peer", value_name = "DISPLAY")]
    peers: Vec<String>,
    /// Do not offer shared-memory images (the SHM extension) to local clients: their
    /// images then travel through the socket like a remote client's.
    #[arg(long)]
    no_shm: bool,
    /// Print the cookie line of the display (to copy to another machine) and exit; with
    /// the TLS certificate's fingerprint when the display has one.
    #[arg(long)]
    print_cookie: bool,
    /// Directory of the display sockets.
    #[arg(long)]
    socket_dir: Option<PathBuf>,
    /// Cookie file.
    #[arg(long)]
    cookie_file: Option<PathBuf>,
    /// Most clients connected at once; one more is refused with the reason.
    #[arg(long, value_name = "N", default_value_t = yonder_server::config::DEFAULT_MAX_CLIENTS)]
    max_clients: usize,
    /// Threads that draw a large drawing (a big fill, copy or image) at once, each its
    /// own band of rows; 0 takes one per core the server may run on, 1 draws on the
    /// state thread alone. The pixels are the same whatever the number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    render_threads: usize,
    /// Mebibytes of window backing stores and pixmaps one client may hold; requests
    /// beyond it fail with Alloc.
    #[arg(long, value_name = "MIB", default_value_t = yonder_server::config::DEFAULT_CLIENT_MEMORY_QUOTA >> 20)]
    client_memory_quota: u64,
    /// Mebibytes of output (replies, events, errors) one client may leave unread before
    /// it is disconnected.
    #[arg(long, value_name = "MIB", default_value_t = yonder_server::config::DEFAULT_MAX_OUTPUT_BUFFER >> 20)]
    max_output_buffer: usize,
    /// Atoms one client may create (interning a name that exists creates nothing);
    /// beyond it InternAtom fails with Alloc.
    #[arg(long, value_name = "N", default_value_t = yonder_server::config::DEFAULT_MAX_CLIENT_ATOMS)]
    max_client_atoms: u32,
    /// Atoms in all, the predefined ones included (atoms are never freed); beyond it
    /// InternAtom of a new name fails with Alloc for every client.
    #[arg(long, value_name = "N", default_value_t = yonder_server::config::DEFAULT_MAX_ATOMS)]
    max_atoms: u32,
    /// Windows, pixmaps and graphics contexts one client may hold at once; beyond it
    /// the request creating one fails with Alloc.
    #[arg(long, value_name = "N", default_value_t = yonder_server::config::DEFAULT_MAX_CLIENT_RESOURCES)]
    max_client_resources: u32,
    /// Seconds a client whose network link broke is kept detached, its windows and
    /// resources intact, for it to come back and continue (0: freed at once, as X
    /// servers do). Local clients end with their process and are freed at once.
    #[arg(long, value_name = "SECS", default_value_t = yonder_server::config::DEFAULT_DETACH_GRACE.as_secs())]
    detach_grace: u64,
    /// Make new cookies for the display instead of keeping those in the cookie file
    /// (kept by default, so that apps on other machines can come back after a restart).
    #[arg(long)]
    new_cookie: bool,
    /// Take the place of the server running on the display (give it as `:N`): it stops,
    /// telling its apps that a server comes back, and they reconnect to this one. For
    /// upgrades and restarts without losing the apps.
    #[arg(long, requires = "display")]
    restart: bool,
    /// Pixels one drawing request may touch (as the server estimates them before
    /// drawing); a larger one fails with Value and draws nothing.
    #[arg(long, value_name = "N", default_value_t = yonder_server::config::DEFAULT_MAX_REQUEST_PIXELS)]
    max_request_pixels: u64,
    /// Start afresh: remove the display's checkpoint (beside its socket: where windows
    /// were, their stacking, embedding and focus, and the atoms' numbers, which a server
    /// restarted on the display restores as apps come back) instead of restoring it.
    #[arg(long)]
    forget_state: bool,
}

/// The number of a local display name `:N` (the one parser of display names, shared with
/// the client library).
fn parse_display(s: &str) -> Result<u32, String> {
    match DisplayName::parse(s) {
        Ok(DisplayName::Local { number }) => Ok(number.into()),
        _ => Err(format!("display must look like :N, not {s:?}")),
    }
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("size must look like 1280x800, not {s:?}"))?;
    let w: u32 = w.parse().map_err(|_| format!("bad width in {s:?}"))?;
    let h: u32 = h.parse().map_err(|_| format!("bad height in {s:?}"))?;
    if !(1..=16384).contains(&w) || !(1..=16384).contains(&h) {
        return Err(format!("screen size {s} out of range (1..=16384 per side)"));
    }
    Ok((w, h))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into())
}

/// The display `--print-cookie` and `--print-web-url` speak of (the one given, else
/// `YONDER_DISPLAY`'s, else :0) and the cookie file to read.
fn display_and_cookies(display: Option<u32>, args: &Args) -> Result<(u32, PathBuf), String> {
    let n = display
        .or_else(|| {
            std::env::var("YONDER_DISPLAY")
                .ok()
                .and_then(|d| parse_display(&d).ok())
        })
        .unwrap_or(0);
    let path = auth::cookie_file_path(args.cookie_file.as_deref()).map_err(|e| e.to_string())?;
    Ok((n, path))
}

fn run(args: Args) -> Result<(), String> {
    let display = args.display.as_deref().map(parse_display).transpose()?;
    if args.print_cookie {
        let (n, path) = display_and_cookies(display, &args)?;
        let cookie = auth::read_cookie(&path, &format!(":{n}"))
            .ok_or_else(|| format!("no cookie for :{n} in {}", path.display()))?;
        let fingerprint = tls::stored_fingerprint(&tls::identity_dir(&path), n)
            .map_err(|e| e.to_string())?
            .map(Fingerprint);
        let name = format!("{}:{n}", hostname());
        println!("{}", CookieLine::new(&name, &cookie, fingerprint.as_ref()));
        return Ok(());
    }
    let web = yonder_server::config::WebConfig {
        addr: args.web_addr,
        cert: args.web_cert.clone().zip(args.web_key.clone()),
        plain: args.web_plain,
        port: None,
        hosts: args.web_hosts.clone(),
    };
    if args.print_web_url {
        let (n, path) = display_and_cookies(display, &args)?;
        let suffix = if args.view_only {
            auth::VIEW_SUFFIX
        } else {
            auth::WEB_SUFFIX
        };
        let cookie = auth::read_cookie(&path, &format!(":{n}{suffix}")).ok_or_else(|| {
            format!(
                "no web credential for :{n} in {}: start the display with --listen web",
                path.display()
            )
        })?;
        let port = yonder_address::name::web_port(n)
            .ok_or_else(|| format!("display :{n} has no web port (8100+N must fit 16 bits)"))?;
        println!(
            "{}",
            yonder_server::net::web::url(web.addr, port, web.secure(), &cookie)
        );
        return Ok(());
    }
    let desktop = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    let auto = args.window.is_none() && args.headless.is_none();
    let windowed = args.window.is_some() || (auto && desktop);
    let size = if windowed {
        args.window.as_deref()
    } else {
        args.headless.as_deref()
    };
    let (w, h) = parse_size(size.unwrap_or("1280x800"))?;
    let mut config = ServerConfig {
        display,
        socket_dir: args.socket_dir,
        cookie_file: args.cookie_file,
        tcp_addr: args.tcp_addr,
        screen_width: w,
        screen_height: h,
        allow_synthetic_input: args.allow_synthetic_input,
        window_manager: !args.no_window_manager,
        peers: args
            .peers
            .iter()
            .map(|display| yonder_server::config::Peer {
                display: display.clone(),
                cookie: None,
            })
            .collect(),
        max_clients: args.max_clients.max(1),
        render_threads: args.render_threads,
        client_memory_quota: args.client_memory_quota.saturating_mul(1 << 20),
        max_output_buffer: args.max_output_buffer.max(1).saturating_mul(1 << 20),
        max_request_pixels: args.max_request_pixels,
        detach_grace: std::time::Duration::from_secs(args.detach_grace),
        new_cookie: args.new_cookie,
        forget_state: args.forget_state,
        web,
        bounds: yonder_server::config::Bounds {
            max_client_atoms: args.max_client_atoms,
            max_atoms: args.max_atoms,
            max_client_resources: args.max_client_resources,
            ..Default::default()
        },
        ..ServerConfig::default()
    };
    config.shm &= !args.no_shm;
    for l in &args.listen {
        match l.as_str() {
            "tcp" => config.listen_tcp = true,
            "tls" => config.listen_tls = true,
            "web" => config.listen_web = true,
            other => {
                return Err(format!(
                    "unknown transport {other:?} (known: tls, tcp, web)"
                ))
            }
        }
    }
    config.keepalive = match args.keepalive {
        0 => None,
        s if s < keepalive::MIN_TOTAL.as_secs() => {
            return Err(format!(
                "--keepalive {s}: at least {} seconds (or 0 for the kernel's defaults)",
                keepalive::MIN_TOTAL.as_secs()
            ))
        }
        s => Some(std::time::Duration::from_secs(s)),
    };
    if args.restart {
        let n = display.expect("clap requires the display with --restart");
        let dir = yonder_server::display::socket_dir(config.socket_dir.as_deref());
        yonder_server::display::displace(&dir, n, std::time::Duration::from_secs(10))
            .map_err(|e| format!("--restart: {e}"))?;
    }
    let announce = |h: &yonder_server::ServerHandle| {
        println!("YONDER_DISPLAY={}", h.display);
        if let (Some(url), Some(n)) = (&h.web_url, h.web_port) {
            // The credential stays out of logs: --print-web-url gives it on request.
            let base = url.split_once('#').map_or(url.as_str(), |(b, _)| b);
            eprintln!(
                "yonder-server: web viewers on {base} (port {n}); `yonder-server \
                 --print-web-url {}` prints the address to open",
                h.display
            );
        }
        let _ = std::io::stdout().flush();
    };
    if windowed {
        match yonder_server::screen::winit::run(config.clone(), announce) {
            Ok(()) => return Ok(()),
            Err(e) if auto => eprintln!("yonder-server: {e}; running headless instead"),
            Err(e) => return Err(format!("{e} (use --headless to run without a window)")),
        }
    }
    let handle = yonder_server::start(config, Box::new(Headless::new(w, h)))
        .map_err(|e| format!("cannot start: {e}"))?;
    announce(&handle);
    handle.wait_for_signal();
    handle.shutdown();
    Ok(())
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("YONDER_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Args::parse()) {
        eprintln!("yonder-server: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_display;

    #[test]
    fn the_display_argument_is_a_local_name() {
        assert_eq!(parse_display(":0"), Ok(0));
        assert_eq!(parse_display(":65535"), Ok(65535));
        // What clients could not reach is refused here too (one parser for both).
        for s in [
            "0",
            ":+1",
            ":70000",
            ":1.0",
            "host:1",
            "tls:host:1",
            "unix:/x/display-1",
        ] {
            let err = parse_display(s).unwrap_err();
            assert!(err.contains("display must look like :N"), "{s}: {err}");
        }
    }
}
