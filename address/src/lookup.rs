//! How a client finds what it needs to connect to display `D` (protocol.md §3, §19.2).
//!
//! **Cookie** (unless the program gives one):
//! 1. `YONDER_COOKIE`: 32 hex digits.
//! 2. The cookie file ([`crate::paths::cookie_file`]): the line named exactly `D`; for
//!    `D` = `tls:host:N`, else the line `host:N`.
//! 3. For `D` = `host:N`, `tls:host:N` or `unix:.../display-N`, the line `:N`.
//!
//! **Trusted cookie** (when the program asks for trust): `YONDER_TRUSTED_COOKIE`, else the
//! lines of rules 2 and 3 with `+trusted` added (`:3+trusted`). There is no fallback to
//! the ordinary cookie.
//!
//! **Fingerprint**, for `tls:` displays (unless the program gives one):
//! `YONDER_FINGERPRINT`, else the `sha256=` field of the line rules 2 and 3 find (even
//! when the cookie came from `YONDER_COOKIE`). There is no fallback: without a
//! fingerprint a TLS connection is not attempted.
//!
//! Empty environment values count as unset. Everything takes the environment's values
//! as parameters ([`CookieSources`]), so it is tested without mutating the process
//! environment. Every failure is a [`LookupError`] whose message says where the lookup
//! looked and, for a fingerprint, how to get one.

use crate::cookie_file::{parse_cookie_file, parse_cookie_hex, CookieLine, TRUSTED_SUFFIX};
use crate::fingerprint::Fingerprint;
use crate::name::DisplayName;
use crate::paths::{env_path, COOKIE_FILE_ENV};
use std::fmt;
use std::path::PathBuf;

/// Environment variable holding the cookie itself, as 32 hex digits.
pub const COOKIE_ENV: &str = "YONDER_COOKIE";
/// Environment variable holding the pinned certificate fingerprint of a TLS display
/// (`sha256=HEX64` or just the hex); it overrides the cookie file's.
pub const FINGERPRINT_ENV: &str = "YONDER_FINGERPRINT";
/// Environment variable that makes a connection ask for trust when it is `1`.
pub const TRUSTED_ENV: &str = "YONDER_TRUSTED";
/// Environment variable holding the trusted cookie, as 32 hex digits.
pub const TRUSTED_COOKIE_ENV: &str = "YONDER_TRUSTED_COOKIE";

/// Why a lookup found nothing usable. Each message is meant for the user as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No cookie was found; the message says where the lookup looked.
    NoCookie(String),
    /// A cookie was found but is not 32 hex digits.
    BadCookie(String),
    /// A TLS display has no pinned fingerprint; the message says how to get one.
    NoFingerprint(String),
    /// A fingerprint was found but is not `sha256=` and 64 hex digits.
    BadFingerprint(String),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::NoCookie(m)
            | LookupError::BadCookie(m)
            | LookupError::NoFingerprint(m)
            | LookupError::BadFingerprint(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for LookupError {}

/// The environment values cookie lookup depends on. Empty values count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieSources {
    /// The value of `YONDER_COOKIE`.
    pub cookie: Option<String>,
    /// The value of `YONDER_COOKIE_FILE`.
    pub cookie_file: Option<PathBuf>,
    /// The value of `HOME`.
    pub home: Option<PathBuf>,
    /// The value of `YONDER_FINGERPRINT`.
    pub fingerprint: Option<String>,
}

impl CookieSources {
    /// Reads `YONDER_COOKIE`, `YONDER_COOKIE_FILE`, `HOME` and `YONDER_FINGERPRINT` from
    /// the process environment.
    pub fn from_env() -> CookieSources {
        let text = |name: &str| env_path(name).map(|v| v.to_string_lossy().into_owned());
        CookieSources {
            cookie: text(COOKIE_ENV),
            cookie_file: env_path(COOKIE_FILE_ENV),
            home: env_path("HOME"),
            fingerprint: text(FINGERPRINT_ENV),
        }
    }

    /// The cookie file to read: `cookie_file`, else `home/.yonder/cookies`.
    pub fn cookie_file_path(&self) -> Option<PathBuf> {
        crate::paths::cookie_file(self.cookie_file.as_deref(), self.home.as_deref())
    }
}

/// Whether `YONDER_TRUSTED` asks for trust (its value is `1`).
pub fn trust_requested_by_env() -> bool {
    std::env::var(TRUSTED_ENV).is_ok_and(|v| v.trim() == "1")
}

/// The value of `YONDER_TRUSTED_COOKIE`, if set and not empty.
pub fn trusted_cookie_from_env() -> Option<String> {
    std::env::var(TRUSTED_COOKIE_ENV)
        .ok()
        .filter(|v| !v.is_empty())
}

/// The display strings to look for, best first: `display` itself, then `host:N` for
/// `tls:host:N` (as written, then with the host normalized: `[v6]:N`), then `:N` for a
/// TCP, TLS or `unix:` display that has a number.
pub fn lookup_keys(display: &str, name: &DisplayName) -> Vec<String> {
    let mut keys = vec![display.to_string()];
    if let DisplayName::Tls { host, number } = name {
        let plain = if host.contains(':') {
            format!("[{host}]:{number}")
        } else {
            format!("{host}:{number}")
        };
        if let Some(rest) = display.strip_prefix("tls:") {
            // As the user wrote it (`tls:[::1]:2` → `[::1]:2`), then normalized.
            keys.push(rest.to_string());
        }
        if !keys.contains(&plain) {
            keys.push(plain);
        }
    }
    if !matches!(name, DisplayName::Local { .. }) {
        if let Some(n) = name.number() {
            keys.push(format!(":{n}"));
        }
    }
    keys
}

/// `keys` as the messages list them: "`a` or `b`".
fn list(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The cookie-file line for `display`: the first key of [`lookup_keys`] that has a line.
pub fn find_cookie_line<'a>(
    lines: &'a [CookieLine],
    display: &str,
    name: &DisplayName,
) -> Option<&'a CookieLine> {
    lookup_keys(display, name)
        .iter()
        .find_map(|key| crate::cookie_file::line_named(lines, key))
}

/// Finds the cookie for `display` in cookie file text. `Ok(None)`: no line matches;
/// `Err`: the matching line's cookie is not 32 hex digits (the message says which line).
pub fn find_in_cookie_file(
    text: &str,
    display: &str,
    name: &DisplayName,
) -> Result<Option<Vec<u8>>, String> {
    let lines = parse_cookie_file(text);
    match find_cookie_line(&lines, display, name) {
        Some(l) => parse_cookie_hex(&l.cookie)
            .map(Some)
            .ok_or_else(|| format!("the cookie for `{}` is not 32 hex digits", l.display)),
        None => Ok(None),
    }
}

/// Looks the cookie for `display` up as described in the module doc.
pub fn find_cookie(
    display: &str,
    name: &DisplayName,
    sources: &CookieSources,
) -> Result<Vec<u8>, LookupError> {
    if let Some(c) = sources.cookie.as_deref().filter(|c| !c.is_empty()) {
        return parse_cookie_hex(c)
            .ok_or_else(|| LookupError::BadCookie(format!("{COOKIE_ENV} is not 32 hex digits")));
    }
    let Some(path) = sources.cookie_file_path() else {
        return Err(LookupError::NoCookie(format!(
            "no cookie for display `{display}`: {COOKIE_ENV}, {COOKIE_FILE_ENV} and HOME are all unset"
        )));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        LookupError::NoCookie(format!(
            "no cookie for display `{display}`: {COOKIE_ENV} is not set and the cookie file {} cannot be read ({e})",
            path.display()
        ))
    })?;
    match find_in_cookie_file(&text, display, name) {
        Ok(Some(cookie)) => Ok(cookie),
        Ok(None) => Err(LookupError::NoCookie(format!(
            "no cookie for display `{display}`: {COOKIE_ENV} is not set and {} has no line for {}",
            path.display(),
            list(&lookup_keys(display, name))
        ))),
        Err(msg) => Err(LookupError::BadCookie(format!("{}: {msg}", path.display()))),
    }
}

/// The trusted cookie of `display`, as the module doc says. `env_cookie` is the value of
/// `YONDER_TRUSTED_COOKIE`; `sources` gives the cookie file. An unreadable file counts as
/// one without the line.
pub fn find_trusted_cookie(
    display: &str,
    name: &DisplayName,
    env_cookie: Option<&str>,
    sources: &CookieSources,
) -> Result<Vec<u8>, LookupError> {
    if let Some(c) = env_cookie.filter(|c| !c.is_empty()) {
        return parse_cookie_hex(c).ok_or_else(|| {
            LookupError::BadCookie(format!("{TRUSTED_COOKIE_ENV} is not 32 hex digits"))
        });
    }
    let keys: Vec<String> = lookup_keys(display, name)
        .into_iter()
        .map(|k| format!("{k}{TRUSTED_SUFFIX}"))
        .collect();
    let text = sources
        .cookie_file_path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let lines = parse_cookie_file(&text);
    for key in &keys {
        if let Some(line) = crate::cookie_file::line_named(&lines, key) {
            return parse_cookie_hex(&line.cookie).ok_or_else(|| {
                LookupError::BadCookie(format!("the cookie for `{key}` is not 32 hex digits"))
            });
        }
    }
    Err(LookupError::NoCookie(format!(
        "a trusted connection to `{display}` was asked for, but there is no trusted cookie: \
         {TRUSTED_COOKIE_ENV} is not set and the cookie file has no line {} (the server \
         writes `:N+trusted` to its own machine's cookie file)",
        list(&keys)
    )))
}

/// Finds the pinned certificate fingerprint for the TLS display `display`, as described
/// in the module doc. Every failure is a [`LookupError::NoFingerprint`] or
/// [`LookupError::BadFingerprint`] whose message says where the lookup looked and how to
/// get the fingerprint.
pub fn find_fingerprint(
    display: &str,
    name: &DisplayName,
    sources: &CookieSources,
) -> Result<Fingerprint, LookupError> {
    if let Some(f) = sources.fingerprint.as_deref().filter(|f| !f.is_empty()) {
        return Fingerprint::parse(f)
            .map_err(|e| LookupError::BadFingerprint(format!("{FINGERPRINT_ENV}: {e}")));
    }
    let how = "run `yonder-server --print-cookie :N` on the server's machine and add the \
               line it prints to this machine's cookie file, or set YONDER_FINGERPRINT";
    let missing = |why: String| {
        LookupError::NoFingerprint(format!(
            "display `{display}` is TLS, and the library connects only to a server whose \
             certificate fingerprint it knows: {why}; {how}"
        ))
    };
    let Some(path) = sources.cookie_file_path() else {
        return Err(missing(format!(
            "{FINGERPRINT_ENV}, {COOKIE_FILE_ENV} and HOME are all unset"
        )));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        missing(format!(
            "{FINGERPRINT_ENV} is not set and the cookie file {} cannot be read ({e})",
            path.display()
        ))
    })?;
    let lines = parse_cookie_file(&text);
    let line = find_cookie_line(&lines, display, name).ok_or_else(|| {
        missing(format!(
            "{FINGERPRINT_ENV} is not set and {} has no line for {}",
            path.display(),
            list(&lookup_keys(display, name))
        ))
    })?;
    let Some(f) = &line.fingerprint else {
        return Err(missing(format!(
            "{FINGERPRINT_ENV} is not set and the line for `{}` in {} has no `sha256=` field",
            line.display,
            path.display()
        )));
    };
    Fingerprint::parse(f).map_err(|e| {
        LookupError::BadFingerprint(format!(
            "{}: the line for `{}`: {e}",
            path.display(),
            line.display
        ))
    })
}
