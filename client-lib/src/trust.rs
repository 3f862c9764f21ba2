//! The trusted cookie: the display's second secret, for the few programs that must see
//! other clients (a screenshot tool, a window manager, a test harness). A client that
//! presents it instead of the ordinary cookie is trusted: the server does not isolate it
//! from other clients (protocol.md §19). The hello is the same; the server tells the two
//! apart by which cookie matches, so the client knows it is trusted because it chose to
//! send that cookie.
//!
//! A connection asks for trust with `ConnectOptions { trusted: true, .. }` or with the
//! environment variable `YONDER_TRUSTED=1`. The trusted cookie is then looked up:
//! 1. `YONDER_TRUSTED_COOKIE`: 32 hex digits;
//! 2. the cookie-file line `KEY+trusted` for the keys of the ordinary lookup (the display
//!    string itself, then `:N`), e.g. `:3+trusted`, written by the server beside `:3`.
//!
//! There is no fallback to the ordinary cookie: a program that asked for trust and
//! cannot have it fails with a message, rather than run with less than it needs.

use crate::auth::{lookup_keys, parse_cookie_hex, CookieSources};
use crate::display::DisplayName;
use crate::error::ConnectError;

/// Environment variable that makes a connection ask for trust when it is `1`.
pub const TRUSTED_ENV: &str = "YONDER_TRUSTED";
/// Environment variable holding the trusted cookie, as 32 hex digits.
pub const TRUSTED_COOKIE_ENV: &str = "YONDER_TRUSTED_COOKIE";
/// Suffix of a trusted cookie's display name in the cookie file.
pub const TRUSTED_SUFFIX: &str = "+trusted";

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

/// The trusted cookie of `display`, as the module doc says. `env_cookie` is the value of
/// `YONDER_TRUSTED_COOKIE`; `sources` gives the cookie file.
pub fn find_trusted_cookie(
    display: &str,
    name: &DisplayName,
    env_cookie: Option<&str>,
    sources: &CookieSources,
) -> Result<Vec<u8>, ConnectError> {
    if let Some(c) = env_cookie.filter(|c| !c.is_empty()) {
        return parse_cookie_hex(c).ok_or_else(|| {
            ConnectError::BadCookie(format!("{TRUSTED_COOKIE_ENV} is not 32 hex digits"))
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
    for key in &keys {
        let line = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| {
                let mut fields = l.split_whitespace();
                (fields.next()? == key).then(|| fields.next()).flatten()
            });
        if let Some(hex) = line {
            return parse_cookie_hex(hex).ok_or_else(|| {
                ConnectError::BadCookie(format!("the cookie for `{key}` is not 32 hex digits"))
            });
        }
    }
    Err(ConnectError::NoCookie(format!(
        "a trusted connection to `{display}` was asked for, but there is no trusted cookie: \
         {TRUSTED_COOKIE_ENV} is not set and the cookie file has no line {} (the server \
         writes `:N+trusted` to its own machine's cookie file)",
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "000102030405060708090a0b0c0d0e0f";
    const T: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    fn sources(text: &str) -> (tempfile::TempDir, CookieSources) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cookies");
        std::fs::write(&path, text).unwrap();
        let s = CookieSources {
            cookie_file: Some(path),
            ..CookieSources::default()
        };
        (dir, s)
    }

    #[test]
    fn finds_the_trusted_line_not_the_ordinary_one() {
        let (_d, s) = sources(&format!(":3 {A}\n:3+trusted {T}\n"));
        let name = DisplayName::parse(":3").unwrap();
        let got = find_trusted_cookie(":3", &name, None, &s).unwrap();
        assert_eq!(got, parse_cookie_hex(T).unwrap());
        let d = "unix:/tmp/x/display-3";
        let got = find_trusted_cookie(d, &DisplayName::parse(d).unwrap(), None, &s).unwrap();
        assert_eq!(got, parse_cookie_hex(T).unwrap());
    }

    #[test]
    fn env_wins_and_missing_is_an_error() {
        let (_d, s) = sources(&format!(":3 {A}\n"));
        let name = DisplayName::parse(":3").unwrap();
        assert_eq!(
            find_trusted_cookie(":3", &name, Some(T), &s).unwrap(),
            parse_cookie_hex(T).unwrap()
        );
        match find_trusted_cookie(":3", &name, None, &s) {
            Err(ConnectError::NoCookie(m)) => assert!(m.contains("`:3+trusted`"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            find_trusted_cookie(":3", &name, Some("xyz"), &s),
            Err(ConnectError::BadCookie(_))
        ));
    }
}
