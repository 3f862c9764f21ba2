//! The web viewer's port, 8100+N (`--listen web`, protocol.md §20): HTTP/1.1 for the page
//! and its script, both built into the binary, and the WebSocket a viewer watches and
//! drives the screen through ([`super::web_viewer`]). Plain HTTP, or HTTPS with the
//! display's certificate or the user's (`--web-cert`, `--web-key`).
//!
//! Each request head is judged by [`super::web_head::judge`] before anything of the
//! display goes out; a connection serves a few requests (the page, then its script) and
//! ends with the upgrade or a refusal.

use super::keepalive::Keepalive;
use super::web_head::{self, Route, Site};
use super::web_viewer::{self, Viewing};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

/// The page: a canvas and the script.
pub const PAGE: &str = include_str!("../../web/index.html");
/// The page's script.
pub const SCRIPT: &str = include_str!("../../web/app.js");
/// The page's style sheet.
pub const STYLE: &str = include_str!("../../web/app.css");
/// How long a request head (or the TLS handshake before it) may take.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests one connection may make before the WebSocket.
const MAX_REQUESTS: usize = 16;

/// What the web port serves with.
pub struct WebPort {
    /// The names this display answers to, and its scheme.
    pub site: Site,
    /// HTTPS: the acceptor with the certificate.
    pub tls: Option<TlsAcceptor>,
    /// The viewers' credentials and the way to the state thread.
    pub viewing: Arc<Viewing>,
    /// Connections not yet admitted (no credential yet), at most [`MAX_PENDING`]: a
    /// stranger who can reach the port cannot hold the server's descriptors.
    pub pending: Arc<tokio::sync::Semaphore>,
}

/// Connections on the web port that have not presented a credential yet, at most.
pub const MAX_PENDING: usize = 64;

/// Accepts browsers' connections for ever.
pub async fn accept(
    listener: tokio::net::TcpListener,
    port: Arc<WebPort>,
    keepalive: Option<Keepalive>,
) {
    loop {
        let (s, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("accept on the web port: {e}");
                continue;
            }
        };
        let _ = s.set_nodelay(true);
        if let Some(k) = keepalive {
            let _ = k.apply(&s);
        }
        // The address the browser reached is a name of this display too (a server on
        // every address answers to each of them; a DNS name needs --web-host).
        let mut site = port.site.clone();
        if let Ok(local) = s.local_addr() {
            let host = match local {
                std::net::SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
                a => a.to_string(),
            };
            if !site.hosts.contains(&host) {
                site.hosts.push(host);
            }
        }
        let Ok(permit) = port.pending.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "too many web connections not yet admitted; closing one");
            continue;
        };
        let port = port.clone();
        let peer = peer.to_string();
        tokio::spawn(async move {
            match &port.tls {
                Some(acceptor) => {
                    match tokio::time::timeout(HEAD_TIMEOUT, acceptor.accept(s)).await {
                        Ok(Ok(tls)) => serve(tls, &site, &port, peer, permit).await,
                        Ok(Err(e)) => tracing::debug!(%peer, "web TLS handshake: {e}"),
                        Err(_) => tracing::debug!(%peer, "web TLS handshake timed out"),
                    }
                }
                None => serve(s, &site, &port, peer, permit).await,
            }
        });
    }
}

/// Serves one connection's requests: the page and script, until the WebSocket takes
/// over or something is refused.
async fn serve<S>(
    mut s: S,
    site: &Site,
    port: &WebPort,
    peer: String,
    permit: tokio::sync::OwnedSemaphorePermit,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    for _ in 0..MAX_REQUESTS {
        // The whole head within the time, however slowly its bytes come.
        let deadline = tokio::time::Instant::now() + HEAD_TIMEOUT;
        let judged = loop {
            match web_head::judge(&buf, site) {
                Ok(Some(found)) => break Ok(found),
                Err(r) => break Err(r),
                Ok(None) => {}
            }
            let mut chunk = [0u8; 2048];
            match tokio::time::timeout_at(deadline, s.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
                Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let (route, len) = match judged {
            Ok(found) => found,
            Err(r) => {
                tracing::info!(%peer, status = r.status, reason = %r.reason, "web request refused");
                let _ = s.write_all(&web_head::refusal(&r)).await;
                let _ = s.shutdown().await;
                return;
            }
        };
        let rest = buf.split_off(len);
        buf = rest;
        let (body, kind) = match route {
            Route::Page => (PAGE, "text/html; charset=utf-8"),
            Route::Script => (SCRIPT, "text/javascript; charset=utf-8"),
            Route::Style => (STYLE, "text/css; charset=utf-8"),
            Route::Socket { accept } => {
                if s.write_all(&web_head::switching(&accept)).await.is_err() {
                    return;
                }
                web_viewer::serve(s, buf, port.viewing.clone(), peer, permit).await;
                return;
            }
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\n{}Content-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
            web_head::SECURITY_HEADERS,
            body.len()
        );
        if s.write_all(head.as_bytes()).await.is_err()
            || s.write_all(body.as_bytes()).await.is_err()
        {
            return;
        }
    }
}

/// The `Host` values a display on `addr`:`port` answers to: the address itself, and for
/// loopback or every-address binds the loopback names and this machine's name, plus
/// the names given (`--web-host`).
pub fn site(addr: std::net::IpAddr, port: u16, secure: bool, extra: &[String]) -> Site {
    let mut names = vec![match addr {
        std::net::IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    }];
    if addr.is_loopback() || addr.is_unspecified() {
        names.extend(["127.0.0.1", "localhost", "[::1]"].map(String::from));
    }
    if addr.is_unspecified() {
        if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
            names.push(h.trim().to_owned());
        }
    }
    let mut hosts: Vec<String> = names.iter().map(|n| format!("{n}:{port}")).collect();
    let mut tls_hosts = Vec::new();
    for h in extra {
        // `https://NAME[:PORT]`: a reverse proxy ending TLS, its Host as the browser
        // sends it (no port for 443); `http://NAME[:PORT]` likewise in clear.
        if let Some(name) = h.strip_prefix("https://") {
            hosts.push(name.trim_end_matches('/').to_owned());
            tls_hosts.push(name.trim_end_matches('/').to_owned());
            continue;
        }
        if let Some(name) = h.strip_prefix("http://") {
            hosts.push(name.trim_end_matches('/').to_owned());
            continue;
        }
        // `NAME:PORT` as given (a tunnel on another port), else NAME on this port.
        hosts.push(match h.rsplit_once(':') {
            Some((n, p)) if !n.is_empty() && !n.ends_with(':') && p.parse::<u16>().is_ok() => {
                h.clone()
            }
            _ => format!("{h}:{port}"),
        });
    }
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    Site {
        hosts,
        secure,
        tls_hosts,
    }
}

/// The address that opens display's web viewer on `addr`:`port` with credential
/// `cookie`: loopback by its number, every address by this machine's name.
pub fn url(addr: std::net::IpAddr, port: u16, secure: bool, cookie: &[u8]) -> String {
    let scheme = if secure { "https" } else { "http" };
    let host = match addr {
        a if a.is_unspecified() => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".into()),
        std::net::IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    };
    format!("{scheme}://{host}:{port}/#cookie={}", hex::encode(cookie))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_answers_to_its_names_and_those_given() {
        let extra = [
            "box.example".to_owned(),
            "127.0.0.1:9100".to_owned(),
            "https://view.example".to_owned(),
        ];
        let s = site([127, 0, 0, 1].into(), 8103, false, &extra);
        for h in [
            "127.0.0.1:8103",
            "localhost:8103",
            "[::1]:8103",
            "box.example:8103",
        ] {
            assert!(s.hosts.iter().any(|x| x == h), "{h}: {:?}", s.hosts);
        }
        assert!(s.hosts.iter().any(|x| x == "127.0.0.1:9100"));
        assert!(s.hosts.iter().any(|x| x == "view.example"));
        assert_eq!(s.tls_hosts, ["view.example"]);
        // Behind a proxy ending TLS the page's origin is https, whatever the port speaks.
        let head = "GET /ws HTTP/1.1\r\nHost: view.example\r\nOrigin: https://view.example\r\n\
            Upgrade: websocket\r\nConnection: Upgrade\r\n\
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assert!(matches!(
            web_head::judge(head.as_bytes(), &s),
            Ok(Some((Route::Socket { .. }, _)))
        ));
        let plain = head.replace("https://view", "http://view");
        assert!(web_head::judge(plain.as_bytes(), &s).is_err());
    }
}
