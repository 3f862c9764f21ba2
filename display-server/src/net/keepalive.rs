//! Noticing a TCP peer that vanished without closing (cable pulled, machine off, network
//! gone): the kernel's keepalive probes and `TCP_USER_TIMEOUT`, set on every accepted TCP
//! and TLS socket. When they give up, the connection's next read fails (`ETIMEDOUT`), its
//! reader ends and the state thread frees what the client owned, as on any close.
//!
//! One number, the total `T` (`--keepalive SECS`, default [`DEFAULT_TOTAL`] = 45 s), sets
//! everything: after `idle = T − 3·interval` seconds of silence the kernel sends a probe
//! every `interval = max(1, T/9)` seconds, and gives up after 3 unanswered ones; the user
//! timeout `T` does the same for data the peer never acknowledges (a peer that vanished
//! while the server was writing to it), where probes are not sent. Defaults: idle 30 s,
//! 3 probes 5 s apart, user timeout 45 s, so a vanished client is noticed about 45 s
//! after the last sign of life (and within a few seconds of `T` for any `T` ≥ 4).
//!
//! Unix sockets need none of this: the kernel closes them with their process.

use socket2::{SockRef, TcpKeepalive};
use std::io;
use std::time::Duration;

/// Default of the total time after which a silent peer is given up.
pub const DEFAULT_TOTAL: Duration = crate::config::DEFAULT_KEEPALIVE;
/// The smallest total accepted (1 s of silence, 3 probes 1 s apart).
pub const MIN_TOTAL: Duration = Duration::from_secs(4);
/// Unanswered probes before the kernel gives up.
const PROBES: u32 = 3;

/// The keepalive settings of accepted TCP sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// Silence before the first probe.
    pub idle: Duration,
    /// Time between probes.
    pub interval: Duration,
    /// Unanswered probes before the connection is dropped.
    pub probes: u32,
    /// How long written data may stay unacknowledged before the connection is dropped.
    pub user_timeout: Duration,
}

impl Keepalive {
    /// The settings for a total of `total` (whole seconds, at least [`MIN_TOTAL`]).
    pub fn from_total(total: Duration) -> Keepalive {
        let t = total.max(MIN_TOTAL).as_secs();
        let interval = (t / 9).max(1);
        let idle = t.saturating_sub(u64::from(PROBES) * interval).max(1);
        Keepalive {
            idle: Duration::from_secs(idle),
            interval: Duration::from_secs(interval),
            probes: PROBES,
            user_timeout: Duration::from_secs(t),
        }
    }

    /// The longest a vanished peer goes unnoticed: the last probe's time.
    pub fn total(&self) -> Duration {
        (self.idle + self.interval * self.probes).max(self.user_timeout)
    }

    /// Sets the options on a connected socket.
    pub fn apply(&self, socket: &tokio::net::TcpStream) -> io::Result<()> {
        let sock = SockRef::from(socket);
        sock.set_tcp_keepalive(
            &TcpKeepalive::new()
                .with_time(self.idle)
                .with_interval(self.interval)
                .with_retries(self.probes),
        )?;
        sock.set_tcp_user_timeout(Some(self.user_timeout))
    }
}

impl Default for Keepalive {
    fn default() -> Keepalive {
        Keepalive::from_total(DEFAULT_TOTAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(k: &Keepalive) -> (u64, u64, u32, u64) {
        (
            k.idle.as_secs(),
            k.interval.as_secs(),
            k.probes,
            k.user_timeout.as_secs(),
        )
    }

    #[test]
    fn the_total_is_split_into_idle_and_probes() {
        assert_eq!(secs(&Keepalive::default()), (30, 5, 3, 45));
        assert_eq!(
            secs(&Keepalive::from_total(Duration::from_secs(4))),
            (1, 1, 3, 4)
        );
        assert_eq!(
            secs(&Keepalive::from_total(Duration::from_secs(10))),
            (7, 1, 3, 10)
        );
        assert_eq!(
            secs(&Keepalive::from_total(Duration::from_secs(1))),
            (1, 1, 3, 4)
        );
        for t in [4, 5, 9, 10, 45, 100, 7200] {
            let k = Keepalive::from_total(Duration::from_secs(t));
            assert_eq!(k.total(), Duration::from_secs(t), "total {t}");
        }
    }

    #[test]
    fn options_reach_the_socket() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = l.local_addr().unwrap();
            let (_c, (s, _)) = tokio::join!(tokio::net::TcpStream::connect(addr), async {
                l.accept().await.unwrap()
            });
            let k = Keepalive::from_total(Duration::from_secs(9));
            k.apply(&s).unwrap();
            let sock = SockRef::from(&s);
            assert!(sock.keepalive().unwrap());
            assert_eq!(sock.tcp_keepalive_time().unwrap(), Duration::from_secs(6));
            assert_eq!(
                sock.tcp_keepalive_interval().unwrap(),
                Duration::from_secs(1)
            );
            assert_eq!(sock.tcp_keepalive_retries().unwrap(), 3);
            assert_eq!(
                sock.tcp_user_timeout().unwrap(),
                Some(Duration::from_secs(9))
            );
        });
    }
}
