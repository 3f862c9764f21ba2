//! TCP sockets to a display: the options every one gets, whether plain or under TLS.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// How long one TCP connect may wait for the display's answer. The kernel's own limit
/// is about two minutes of SYN retries: a reconnecting app whose link was down would
/// sit that long in one attempt after the link came back (protocol.md §5.4), where the
/// next attempt after this bound finds it at once.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects to `host`:`port`, trying each of its addresses in turn for at most
/// [`CONNECT_TIMEOUT`]; the last failure if none answers.
pub(crate) fn connect(host: &str, port: u16) -> io::Result<TcpStream> {
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("the host name {host} has no address"),
        )
    }))
}

/// How long a TCP link may stay silent before keepalive probes start.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(10);
/// Between two keepalive probes.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
/// Unanswered probes after which the link counts as dead.
const KEEPALIVE_PROBES: u32 = 3;

/// Sets up a TCP socket to a display: `TCP_NODELAY` (requests are small and latency
/// matters), and keepalive probes plus `TCP_USER_TIMEOUT`, so that a link that died
/// without a word (a cable pulled, a proxy gone) is noticed in about 25 s and the
/// session resumed (protocol.md §5.4), rather than after the kernel's hours.
pub(crate) fn tune_tcp(s: &TcpStream) -> io::Result<()> {
    use rustix::net::sockopt;
    s.set_nodelay(true)?;
    sockopt::set_socket_keepalive(s, true)?;
    sockopt::set_tcp_keepidle(s, KEEPALIVE_IDLE)?;
    sockopt::set_tcp_keepintvl(s, KEEPALIVE_INTERVAL)?;
    sockopt::set_tcp_keepcnt(s, KEEPALIVE_PROBES)?;
    let total = KEEPALIVE_IDLE + KEEPALIVE_INTERVAL * KEEPALIVE_PROBES;
    sockopt::set_tcp_user_timeout(s, total.as_millis() as u32)?;
    Ok(())
}
