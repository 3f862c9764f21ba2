//! The head of a browser's HTTP request to the web viewer (issue 14, docs/plans/issue-14.md):
//! parsed and judged by one pure function before any byte of the display goes out. It
//! checks the method, the path, that `Host` names this display (so that no other name,
//! such as a rebound DNS name, reaches it), and for the WebSocket upgrade that `Origin` is
//! this display's own page and the handshake's fields are those of RFC 6455 (§4.2.1);
//! it computes the accept key (§4.2.2). The viewer's credential comes later, as the
//! WebSocket's first message: it is in the page's URL fragment, which browsers never
//! send.
//!
//! [`super::web`] calls it for every request on the web port.

use base64::Engine;

/// The most bytes a request head may take; more is refused (431).
pub const MAX_HEAD: usize = 8 * 1024;
/// The most header lines a request head may have; more is refused (431).
const MAX_HEADERS: usize = 32;
/// RFC 6455's GUID, appended to the client's key for the accept key.
const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /`: the page.
    Page,
    /// `GET /app.js`: the page's script.
    Script,
    /// `GET /app.css`: the page's style sheet.
    Style,
    /// `GET /ws`: the WebSocket, with the accept key to answer.
    Socket {
        /// The `Sec-WebSocket-Accept` value.
        accept: String,
    },
}

/// A refused request: the status to answer with and why, for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The HTTP status code.
    pub status: u16,
    /// Why, in a sentence.
    pub reason: String,
}

fn reject(status: u16, reason: impl Into<String>) -> Reject {
    Reject {
        status,
        reason: reason.into(),
    }
}

/// Who this display is to a browser: the `Host` values that name it (e.g.
/// `127.0.0.1:8100`, `localhost:8100`) and whether its page is served over HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Every accepted `Host` value, `name:port`; names compare without regard to case.
    pub hosts: Vec<String>,
    /// HTTPS (the page's origin is `https://HOST`).
    pub secure: bool,
    /// `Host` values reached through HTTPS that something else serves (a reverse proxy
    /// ending TLS): their page's origin is `https://HOST` whatever `secure` says.
    pub tls_hosts: Vec<String>,
}

impl Site {
    /// The accepted `Host` value equal to `host`, if any.
    fn host(&self, host: &str) -> Option<&str> {
        self.hosts
            .iter()
            .find(|h| h.eq_ignore_ascii_case(host))
            .map(String::as_str)
    }

    /// The origin of this display's page reached as `host`.
    fn origin(&self, host: &str) -> String {
        let proxied = self.tls_hosts.iter().any(|h| h.eq_ignore_ascii_case(host));
        let scheme = if self.secure || proxied {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    }
}

/// Judges the request head at the start of `bytes`: `Ok(None)` while it is not whole yet
/// (read more; refused past [`MAX_HEAD`]), else the route and how many bytes the head
/// took (what follows it is the WebSocket's first bytes), or why it is refused.
pub fn judge(bytes: &[u8], site: &Site) -> Result<Option<(Route, usize)>, Reject> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(bytes) {
        Ok(httparse::Status::Complete(len)) if len <= MAX_HEAD => len,
        Ok(httparse::Status::Complete(_)) => return Err(too_large()),
        Ok(httparse::Status::Partial) if bytes.len() >= MAX_HEAD => return Err(too_large()),
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(reject(431, format!("more than {MAX_HEADERS} header lines")))
        }
        Err(e) => return Err(reject(400, format!("not an HTTP request: {e}"))),
    };
    if req.version != Some(1) {
        return Err(reject(505, "only HTTP/1.1 is spoken here"));
    }
    if req.method != Some("GET") {
        return Err(reject(405, "only GET is served here"));
    }
    let fields = Fields(req.headers);
    let host = fields
        .one("host")?
        .ok_or_else(|| reject(400, "no Host header"))?;
    let host = site.host(host).ok_or_else(|| {
        reject(
            403,
            format!(
                "Host {host:?} does not name this display; open it by the address it listens on"
            ),
        )
    })?;
    let path = req.path.unwrap_or("/");
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let route = match path {
        "/" | "/index.html" => Route::Page,
        "/app.js" => Route::Script,
        "/app.css" => Route::Style,
        "/ws" => Route::Socket {
            accept: upgrade(&fields, &site.origin(host))?,
        },
        _ => return Err(reject(404, format!("nothing at {path}"))),
    };
    Ok(Some((route, len)))
}

fn too_large() -> Reject {
    reject(431, format!("the request head is over {MAX_HEAD} bytes"))
}

/// The request's header lines.
struct Fields<'h, 'b>(&'h [httparse::Header<'b>]);

impl Fields<'_, '_> {
    /// The value of header `name`, if it is there once and is text; a repeated one is
    /// refused (two `Host`s or `Origin`s could mean two things).
    fn one(&self, name: &str) -> Result<Option<&str>, Reject> {
        let mut found = self.0.iter().filter(|h| h.name.eq_ignore_ascii_case(name));
        let Some(first) = found.next() else {
            return Ok(None);
        };
        if found.next().is_some() {
            return Err(reject(400, format!("more than one {name} header")));
        }
        std::str::from_utf8(first.value)
            .map(|v| Some(v.trim()))
            .map_err(|_| reject(400, format!("the {name} header is not text")))
    }

    /// Whether header `name`'s comma-separated tokens include `token` (any case).
    fn has_token(&self, name: &str, token: &str) -> bool {
        self.0
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .filter_map(|h| std::str::from_utf8(h.value).ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }
}

/// Checks a WebSocket upgrade from this display's page at `origin`; returns the accept key.
fn upgrade(fields: &Fields<'_, '_>, origin: &str) -> Result<String, Reject> {
    match fields.one("origin")? {
        Some(o) if o.eq_ignore_ascii_case(origin) => {}
        Some(o) => {
            return Err(reject(
                403,
                format!("a page of {o} may not drive this display (only {origin})"),
            ))
        }
        None => {
            return Err(reject(
                403,
                "no Origin header: only this display's page may connect",
            ))
        }
    }
    // Sent by browsers since 2020: a second word on where the request comes from.
    if let Some(site) = fields.one("sec-fetch-site")? {
        if !site.eq_ignore_ascii_case("same-origin") {
            return Err(reject(
                403,
                format!("a {site} request may not drive this display"),
            ));
        }
    }
    if !fields.has_token("upgrade", "websocket") || !fields.has_token("connection", "upgrade") {
        return Err(reject(426, "/ws is a WebSocket: upgrade to websocket"));
    }
    if fields.one("sec-websocket-version")? != Some("13") {
        return Err(reject(426, "only WebSocket version 13 is spoken here"));
    }
    let key = fields
        .one("sec-websocket-key")?
        .ok_or_else(|| reject(400, "no Sec-WebSocket-Key header"))?;
    match base64::engine::general_purpose::STANDARD.decode(key) {
        Ok(nonce) if nonce.len() == 16 => Ok(accept_key(key)),
        _ => Err(reject(400, "Sec-WebSocket-Key is not 16 bytes in base64")),
    }
}

/// The `Sec-WebSocket-Accept` value for the client's `key` (RFC 6455 §4.2.2).
pub fn accept_key(key: &str) -> String {
    let mut input = key.as_bytes().to_vec();
    input.extend_from_slice(WEBSOCKET_GUID.as_bytes());
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &input);
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

/// The answer to a refused request: its status, the reason as plain text, and headers
/// that keep the answer out of caches and frames.
pub fn refusal(r: &Reject) -> Vec<u8> {
    let body = format!("{}\n", r.reason);
    format!(
        "HTTP/1.1 {} {}\r\n{}Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        r.status,
        status_text(r.status),
        SECURITY_HEADERS,
        body.len()
    )
    .into_bytes()
}

/// The answer that turns the connection into the WebSocket.
pub fn switching(accept: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )
    .into_bytes()
}

/// Headers on every answer: no caching, no referrer, no framing by other pages, and the
/// page's script and socket from this display only.
pub const SECURITY_HEADERS: &str = "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: default-src 'self'; connect-src 'self'; frame-ancestors 'none'\r\n";

fn status_text(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            hosts: vec!["127.0.0.1:8100".into(), "localhost:8100".into()],
            secure: false,
            tls_hosts: vec![],
        }
    }

    fn ws(extra: &str) -> String {
        format!(
            "GET /ws HTTP/1.1\r\nHost: localhost:8100\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
        )
    }

    fn status(head: &str) -> u16 {
        judge(head.as_bytes(), &site()).unwrap_err().status
    }

    #[test]
    fn the_accept_key_is_rfc_6455s() {
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn the_page_and_the_socket_of_this_display_are_served() {
        let page = "GET /?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8100\r\n\r\n";
        assert_eq!(
            judge(page.as_bytes(), &site()).unwrap(),
            Some((Route::Page, page.len()))
        );
        let script = "GET /app.js HTTP/1.1\r\nHost: LOCALHOST:8100\r\n\r\n";
        assert_eq!(
            judge(script.as_bytes(), &site()).unwrap().unwrap().0,
            Route::Script
        );
        let head = ws("Origin: http://localhost:8100\r\nSec-Fetch-Site: same-origin\r\n");
        // A first frame right behind the head stays for the WebSocket.
        let mut bytes = head.clone().into_bytes();
        bytes.extend_from_slice(&[0x81, 0x85]);
        let (route, len) = judge(&bytes, &site()).unwrap().unwrap();
        assert_eq!(
            route,
            Route::Socket {
                accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into()
            }
        );
        assert_eq!(len, head.len());
    }

    #[test]
    fn a_head_in_pieces_waits_and_an_endless_one_is_refused() {
        let page = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8100\r\n";
        assert_eq!(judge(page, &site()).unwrap(), None);
        let mut endless = b"GET / HTTP/1.1\r\nX-Long: ".to_vec();
        endless.resize(MAX_HEAD + 10, b'a');
        assert_eq!(judge(&endless, &site()).unwrap_err().status, 431);
    }

    #[test]
    fn other_sites_names_and_pages_are_refused() {
        // DNS rebinding: another name for this address.
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: evil.example:8100\r\n\r\n"),
            403
        );
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: 127.0.0.1:8100\r\nHost: evil.example\r\n\r\n"),
            400
        );
        // Another site's page opening the socket, or none saying where it comes from.
        assert_eq!(status(&ws("Origin: http://evil.example\r\n")), 403);
        assert_eq!(status(&ws("Origin: https://localhost:8100\r\n")), 403);
        assert_eq!(status(&ws("")), 403);
        assert_eq!(
            status(&ws(
                "Origin: http://localhost:8100\r\nSec-Fetch-Site: cross-site\r\n"
            )),
            403
        );
        let r = judge(ws("Origin: http://evil.example\r\n").as_bytes(), &site()).unwrap_err();
        assert!(r.reason.contains("evil.example"), "{}", r.reason);
    }

    #[test]
    fn malformed_requests_say_what_is_wrong() {
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: 127.0.0.1:8100\r\n\r\n"),
            405
        );
        assert_eq!(
            status("GET / HTTP/1.0\r\nHost: 127.0.0.1:8100\r\n\r\n"),
            505
        );
        assert_eq!(
            status("GET /etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:8100\r\n\r\n"),
            404
        );
        assert_eq!(status("\x00\x01garbage\r\n\r\n"), 400);
        let origin = "Origin: http://localhost:8100\r\n";
        assert_eq!(
            status(&ws(origin).replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")),
            426
        );
        assert_eq!(
            status(&ws(origin).replace("Upgrade: websocket", "Upgrade: h2c")),
            426
        );
        assert_eq!(
            status(&ws(origin).replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=")),
            400
        );
        let many: String = (0..40).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(
            status(&format!(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:8100\r\n{many}\r\n"
            )),
            431
        );
    }

    #[test]
    fn answers_carry_the_status_and_the_security_headers() {
        let text = String::from_utf8(refusal(&reject(403, "no"))).unwrap();
        assert!(text.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{text}");
        assert!(text.contains("frame-ancestors 'none'"));
        assert!(text.ends_with("\r\n\r\nno\n"));
        let text = String::from_utf8(switching("abc")).unwrap();
        assert!(text.contains("Sec-WebSocket-Accept: abc\r\n"));
    }
}
