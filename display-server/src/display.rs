//! Display names and listening sockets: where display `:N` lives (a Unix socket in an
//! owner-only directory, and when asked TCP port 7100+N, TLS port 7600+N and the web
//! viewer's port 8100+N), and how a
//! server claims the first free number the way X servers do. The names, paths and port
//! numbers are the `yonder-address` crate's (shared with the client library); binding
//! and claiming are the server's own.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use yonder_address::name::{
    tcp_port, tls_port, web_port, TCP_PORT_BASE, TLS_PORT_BASE, WEB_PORT_BASE,
};
pub use yonder_address::paths::socket_path;

/// The highest display number tried when looking for a free one.
const MAX_DISPLAY: u32 = 200;

/// The directory of the display sockets: the configured one (`--socket-dir`), else
/// `$XDG_RUNTIME_DIR/yonder` or `/tmp/yonder-UID` ([`yonder_address::paths::socket_dir`]).
pub fn socket_dir(configured: Option<&Path>) -> PathBuf {
    configured
        .map(Path::to_path_buf)
        .unwrap_or_else(yonder_address::paths::default_socket_dir)
}

/// Makes the socket directory with mode 0700, or checks an existing one is ours alone.
pub fn prepare_socket_dir(dir: &Path) -> io::Result<()> {
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let meta = std::fs::metadata(dir)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The sockets a display listens on.
pub struct Listeners {
    /// The display number claimed.
    pub number: u32,
    /// The Unix socket's path.
    pub unix_path: PathBuf,
    /// The Unix listener (std, non-blocking; converted to tokio by the server).
    pub unix: std::os::unix::net::UnixListener,
    /// The TCP listener, if TCP was asked for.
    pub tcp: Option<std::net::TcpListener>,
    /// The TLS listener (a TCP socket on port 7600+N), if TLS was asked for.
    pub tls: Option<std::net::TcpListener>,
    /// The web viewer's listener (port 8100+N), if it was asked for.
    pub web: Option<std::net::TcpListener>,
}

/// The network ports to bind besides the Unix socket, each with its address.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetworkPorts {
    /// Plain TCP, port 7100+N.
    pub tcp: Option<IpAddr>,
    /// TLS, port 7600+N.
    pub tls: Option<IpAddr>,
    /// The web viewer, port 8100+N (or the port given; 0: any free one).
    pub web: Option<(IpAddr, Option<u16>)>,
}

/// Claims display `wanted` (or the first free number) in `dir`, binding the Unix socket
/// and the network ports asked for. A socket file nobody answers on is stale and is
/// replaced; a live one means the number is taken.
pub fn claim(dir: &Path, wanted: Option<u32>, net: NetworkPorts) -> io::Result<Listeners> {
    prepare_socket_dir(dir)?;
    let numbers: Box<dyn Iterator<Item = u32>> = match wanted {
        Some(n) => Box::new(std::iter::once(n)),
        None => Box::new(0..MAX_DISPLAY),
    };
    let mut last_err = io::Error::new(io::ErrorKind::AddrInUse, "no free display number");
    for n in numbers {
        match try_claim(dir, n, net) {
            Ok(l) => return Ok(l),
            Err(e) => last_err = io::Error::new(e.kind(), format!("display :{n}: {e}")),
        }
    }
    Err(last_err)
}

fn try_claim(dir: &Path, n: u32, net: NetworkPorts) -> io::Result<Listeners> {
    let path = socket_path(dir, n);
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                "a server is running there",
            ));
        }
        std::fs::remove_file(&path)?;
    }
    let tcp = net
        .tcp
        .map(|ip| bind_port(ip, tcp_port(n), TCP_PORT_BASE))
        .transpose()?;
    let tls = net
        .tls
        .map(|ip| bind_port(ip, tls_port(n), TLS_PORT_BASE))
        .transpose()?;
    let web = net
        .web
        .map(|(ip, port)| bind_port(ip, port.or(web_port(n)), WEB_PORT_BASE))
        .transpose()?;
    let unix = std::os::unix::net::UnixListener::bind(&path)?;
    unix.set_nonblocking(true)?;
    Ok(Listeners {
        number: n,
        unix_path: path,
        unix,
        tcp,
        tls,
        web,
    })
}

/// Binds `port` (`base + N`, `None` when display number `N` is too large for a port) on
/// `ip`, non-blocking, for tokio.
fn bind_port(ip: IpAddr, port: Option<u16>, base: u16) -> io::Result<std::net::TcpListener> {
    let port = port.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("display number too large for port {base}+N"),
        )
    })?;
    let l = std::net::TcpListener::bind(SocketAddr::new(ip, port))?;
    l.set_nonblocking(true)?;
    Ok(l)
}

/// Asks the server of display `n` to make way for a new one (`yonder-server --restart`):
/// sends it SIGUSR1 (its clients then hear that a server comes back, protocol.md §5.4)
/// and waits, up to `limit`, until that process has ended (its last checkpoint written,
/// protocol.md §16.6). The server is found by its socket: the kernel names the process
/// at the other end (`SO_PEERCRED`), so no pid file can be stale. Nothing running on `n`
/// is not an error: there is nothing to replace.
pub fn displace(dir: &Path, n: u32, limit: std::time::Duration) -> io::Result<()> {
    let path = socket_path(dir, n);
    let stream = match std::os::unix::net::UnixStream::connect(&path) {
        Ok(s) => s,
        Err(_) => return Ok(()),
    };
    let cred = rustix::net::sockopt::socket_peercred(&stream)?;
    drop(stream);
    if cred.uid != rustix::process::getuid() {
        return Err(io::Error::other(format!(
            "display :{n} is served by another user's process (pid {}): not replacing it",
            cred.pid.as_raw_nonzero()
        )));
    }
    rustix::process::kill_process(cred.pid, rustix::process::Signal::USR1)?;
    let until = std::time::Instant::now() + limit;
    let pid = cred.pid.as_raw_nonzero();
    while std::time::Instant::now() < until {
        // Gone, or a zombie its parent has not reaped yet: it has ended either way.
        let ended = match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z')),
        };
        if ended {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Err(io::Error::other(format!(
        "the server of display :{n} (pid {}) did not stop within {} s",
        cred.pid.as_raw_nonzero(),
        limit.as_secs()
    )))
}
