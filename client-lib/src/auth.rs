//! The display cookie: the 16-byte secret a client shows in its hello, and for a TLS
//! display the fingerprint of the server's certificate. This module owns where both come
//! from and the cookie file format.
//!
//! Cookie lookup order (unless `ConnectOptions::cookie` gives one):
//! 1. `YONDER_COOKIE`: 32 hex digits.
//! 2. The cookie file: `YONDER_COOKIE_FILE` if set, else `$HOME/.yonder/cookies`. One line
//!    per display, `DISPLAY HEX32 [sha256=HEX64]`; `#` comments and blank lines are
//!    ignored. The line whose display equals the display string exactly wins; else, for
//!    `tls:host:N`, the line for `host:N`; else, for `host:N`, `tls:host:N` and
//!    `unix:.../display-N`, the line for `:N`.
//!
//! Fingerprint lookup, for `tls:` displays (unless `ConnectOptions::fingerprint` gives
//! one): `YONDER_FINGERPRINT`, else the `sha256=` field of the cookie-file line found as
//! above. There is no fallback: without a fingerprint a TLS connection is not attempted.
//!
//! Everything here takes the environment's values as parameters ([`CookieSources`]), so
//! it is tested without mutating the process environment.

use crate::display::DisplayName;
use crate::error::ConnectError;
use crate::fingerprint::{Fingerprint, FINGERPRINT_PREFIX};
use std::path::PathBuf;

/// Environment variable holding the cookie itself, as 32 hex digits.
pub const COOKIE_ENV: &str = "YONDER_COOKIE";
/// Environment variable naming the cookie file.
pub const COOKIE_FILE_ENV: &str = "YONDER_COOKIE_FILE";
/// Environment variable holding the pinned certificate fingerprint of a TLS display
/// (`sha256=HEX64` or just the hex); it overrides the cookie file's.
pub const FINGERPRINT_ENV: &str = "YONDER_FINGERPRINT";
/// The cookie file below `$HOME` when `YONDER_COOKIE_FILE` is not set.
pub const DEFAULT_COOKIE_FILE: &str = ".yonder/cookies";
/// Length of a cookie in bytes.
pub const COOKIE_LEN: usize = 16;

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
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        CookieSources {
            cookie: var(COOKIE_ENV).map(|v| v.to_string_lossy().into_owned()),
            cookie_file: var(COOKIE_FILE_ENV).map(PathBuf::from),
            home: var("HOME").map(PathBuf::from),
            fingerprint: var(FINGERPRINT_ENV).map(|v| v.to_string_lossy().into_owned()),
        }
    }

    /// The cookie file to read: `cookie_file`, else `home/.yonder/cookies`.
    pub fn cookie_file_path(&self) -> Option<PathBuf> {
        match (&self.cookie_file, &self.home) {
            (Some(f), _) if !f.as_os_str().is_empty() => Some(f.clone()),
            (_, Some(h)) if !h.as_os_str().is_empty() => Some(h.join(DEFAULT_COOKIE_FILE)),
            _ => None,
        }
    }
}

/// Decodes a cookie written as 32 hex digits (either case).
pub fn parse_cookie_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() != 2 * COOKIE_LEN {
        return None;
    }
    hex::decode(s).ok()
}

/// One line of a cookie file: `DISPLAY HEX32` or `DISPLAY HEX32 sha256=HEX64`. The texts
/// are kept as written; they are checked only when the line is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieLine {
    /// The display name the line is for (`:3`, `bigbox:3`, ...).
    pub display: String,
    /// The cookie, as written (32 hex digits when valid).
    pub cookie: String,
    /// The certificate fingerprint, as written after `sha256=`, when the line has one.
    pub fingerprint: Option<String>,
}

/// Parses one cookie-file line (a line as `yonder-server --print-cookie` prints it).
/// `None` for comments, blank lines, and lines that have neither two fields nor a third
/// one starting with `sha256=`.
pub fn parse_cookie_line(line: &str) -> Option<CookieLine> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut fields = line.split_whitespace();
    let (display, cookie) = (fields.next()?, fields.next()?);
    let fingerprint = match (fields.next(), fields.next()) {
        (None, _) => None,
        (Some(f), None) => Some(f.strip_prefix(FINGERPRINT_PREFIX)?.to_string()),
        (Some(_), Some(_)) => return None,
    };
    Some(CookieLine {
        display: display.to_string(),
        cookie: cookie.to_string(),
        fingerprint,
    })
}

/// The lines of a cookie file that [`parse_cookie_line`] accepts, in file order.
pub fn parse_cookie_file(text: &str) -> Vec<CookieLine> {
    text.lines().filter_map(parse_cookie_line).collect()
}

/// The display strings to look for, best first: `display` itself, then `host:N` for
/// `tls:host:N`, then `:N` for a TCP, TLS or `unix:` display that has a number.
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

/// The cookie-file line for `display`: the first key of [`lookup_keys`] that has a line.
pub fn find_cookie_line<'a>(
    lines: &'a [CookieLine],
    display: &str,
    name: &DisplayName,
) -> Option<&'a CookieLine> {
    lookup_keys(display, name)
        .iter()
        .find_map(|key| lines.iter().find(|l| l.display == *key))
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
) -> Result<Vec<u8>, ConnectError> {
    if let Some(c) = sources.cookie.as_deref().filter(|c| !c.is_empty()) {
        return parse_cookie_hex(c)
            .ok_or_else(|| ConnectError::BadCookie(format!("{COOKIE_ENV} is not 32 hex digits")));
    }
    let Some(path) = sources.cookie_file_path() else {
        return Err(ConnectError::NoCookie(format!(
            "no cookie for display `{display}`: {COOKIE_ENV}, {COOKIE_FILE_ENV} and HOME are all unset"
        )));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ConnectError::NoCookie(format!(
            "no cookie for display `{display}`: {COOKIE_ENV} is not set and the cookie file {} cannot be read ({e})",
            path.display()
        ))
    })?;
    match find_in_cookie_file(&text, display, name) {
        Ok(Some(cookie)) => Ok(cookie),
        Ok(None) => Err(ConnectError::NoCookie(format!(
            "no cookie for display `{display}`: {COOKIE_ENV} is not set and {} has no line for {}",
            path.display(),
            lookup_keys(display, name)
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
        Err(msg) => Err(ConnectError::BadCookie(format!(
            "{}: {msg}",
            path.display()
        ))),
    }
}

/// Finds the pinned certificate fingerprint for the TLS display `display`, as described
/// in the module doc. Every failure is a [`ConnectError::NoFingerprint`] or
/// [`ConnectError::BadFingerprint`] whose message says where the library looked and how
/// to get the fingerprint.
pub fn find_fingerprint(
    display: &str,
    name: &DisplayName,
    sources: &CookieSources,
) -> Result<Fingerprint, ConnectError> {
    if let Some(f) = sources.fingerprint.as_deref().filter(|f| !f.is_empty()) {
        return Fingerprint::parse(f)
            .map_err(|e| ConnectError::BadFingerprint(format!("{FINGERPRINT_ENV}: {e}")));
    }
    let how = "run `yonder-server --print-cookie :N` on the server's machine and add the \
               line it prints to this machine's cookie file, or set YONDER_FINGERPRINT";
    let missing = |why: String| {
        ConnectError::NoFingerprint(format!(
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
            lookup_keys(display, name)
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" or ")
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
        ConnectError::BadFingerprint(format!(
            "{}: the line for `{}`: {e}",
            path.display(),
            line.display
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "000102030405060708090a0b0c0d0e0f";
    const B: &str = "FFEEDDCCBBAA99887766554433221100";

    fn name(s: &str) -> DisplayName {
        DisplayName::parse(s).unwrap()
    }

    fn file_sources(text: &str) -> (tempfile::TempDir, CookieSources) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cookies");
        std::fs::write(&path, text).unwrap();
        let sources = CookieSources {
            cookie: None,
            cookie_file: Some(path),
            home: Some("/nonexistent-home".into()),
            fingerprint: None,
        };
        (dir, sources)
    }

    #[test]
    fn parses_hex() {
        assert_eq!(parse_cookie_hex(A).unwrap(), (0..16).collect::<Vec<u8>>());
        assert_eq!(parse_cookie_hex(B).unwrap()[0], 0xFF);
        assert!(parse_cookie_hex("abc").is_none());
        assert!(parse_cookie_hex(&"zz".repeat(16)).is_none());
    }

    #[test]
    fn parses_file_skipping_comments_and_junk() {
        let text = format!("# comment\n\n:1 {A}\n  host:2   {B}  \nonly-one-field\n:3 a b\n");
        let pairs: Vec<_> = parse_cookie_file(&text)
            .into_iter()
            .map(|l| (l.display, l.cookie, l.fingerprint))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (":1".into(), A.into(), None),
                ("host:2".into(), B.into(), None)
            ]
        );
    }

    #[test]
    fn exact_match_beats_number_fallback() {
        let text = format!(":5 {A}\nhost:5 {B}\n");
        let got = find_in_cookie_file(&text, "host:5", &name("host:5")).unwrap();
        assert_eq!(got, parse_cookie_hex(B));
        let got = find_in_cookie_file(&text, "other:5", &name("other:5")).unwrap();
        assert_eq!(got, parse_cookie_hex(A));
        let got = find_in_cookie_file(&text, ":5", &name(":5")).unwrap();
        assert_eq!(got, parse_cookie_hex(A));
        assert_eq!(find_in_cookie_file(&text, ":6", &name(":6")).unwrap(), None);
    }

    #[test]
    fn unix_path_falls_back_to_display_number() {
        let text = format!(":7 {A}\n");
        let d = "unix:/tmp/x/display-7";
        assert_eq!(
            find_in_cookie_file(&text, d, &name(d)).unwrap(),
            parse_cookie_hex(A)
        );
        let d = "unix:/tmp/x/sock";
        assert_eq!(find_in_cookie_file(&text, d, &name(d)).unwrap(), None);
    }

    #[test]
    fn bad_hex_on_the_matching_line_is_an_error() {
        let text = ":1 nothex\n";
        assert!(find_in_cookie_file(text, ":1", &name(":1")).is_err());
        assert_eq!(find_in_cookie_file(text, ":2", &name(":2")).unwrap(), None);
    }

    #[test]
    fn env_cookie_wins_over_file() {
        let (_dir, mut sources) = file_sources(&format!(":1 {A}\n"));
        sources.cookie = Some(B.into());
        assert_eq!(
            find_cookie(":1", &name(":1"), &sources).unwrap(),
            parse_cookie_hex(B).unwrap()
        );
        sources.cookie = Some("bad".into());
        assert!(matches!(
            find_cookie(":1", &name(":1"), &sources),
            Err(ConnectError::BadCookie(_))
        ));
    }

    #[test]
    fn file_lookup_and_missing_cookie_messages() {
        let (_dir, sources) = file_sources(&format!(":1 {A}\n"));
        assert_eq!(
            find_cookie(":1", &name(":1"), &sources).unwrap(),
            parse_cookie_hex(A).unwrap()
        );
        match find_cookie("h:2", &name("h:2"), &sources) {
            Err(ConnectError::NoCookie(msg)) => {
                assert!(msg.contains("`h:2` or `:2`"), "{msg}");
                assert!(msg.contains("cookies"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn home_cookie_file_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".yonder")).unwrap();
        std::fs::write(dir.path().join(".yonder/cookies"), format!(":0 {B}\n")).unwrap();
        let sources = CookieSources {
            cookie: None,
            cookie_file: None,
            home: Some(dir.path().to_path_buf()),
            fingerprint: None,
        };
        assert_eq!(
            find_cookie(":0", &name(":0"), &sources).unwrap(),
            parse_cookie_hex(B).unwrap()
        );
        let missing = CookieSources {
            home: Some(dir.path().join("nope")),
            ..sources
        };
        match find_cookie(":0", &name(":0"), &missing) {
            Err(ConnectError::NoCookie(msg)) => assert!(msg.contains("cannot be read"), "{msg}"),
            other => panic!("{other:?}"),
        }
        match find_cookie(":0", &name(":0"), &CookieSources::default()) {
            Err(ConnectError::NoCookie(msg)) => assert!(msg.contains("all unset"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    const FP: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn parses_the_optional_fingerprint_field() {
        let line = parse_cookie_line(&format!("bigbox:3 {A} sha256={FP}")).unwrap();
        assert_eq!(line.display, "bigbox:3");
        assert_eq!(line.cookie, A);
        assert_eq!(line.fingerprint.as_deref(), Some(FP));
        // A line as --print-cookie prints it, trailing newline and all.
        assert_eq!(
            parse_cookie_line(&format!("bigbox:3 {A} sha256={FP}\n")),
            Some(line)
        );
        assert_eq!(
            parse_cookie_line(&format!(":3 {A}")).unwrap().fingerprint,
            None
        );
        // A third field that is not a fingerprint, or a fourth field: not a cookie line.
        assert_eq!(parse_cookie_line(&format!(":3 {A} md5={FP}")), None);
        assert_eq!(parse_cookie_line(&format!(":3 {A} sha256={FP} x")), None);
        assert_eq!(parse_cookie_line("# :3 x"), None);
    }

    #[test]
    fn tls_displays_look_up_host_lines_then_the_number() {
        let keys = |d: &str| lookup_keys(d, &name(d));
        assert_eq!(keys("tls:bigbox:3"), ["tls:bigbox:3", "bigbox:3", ":3"]);
        assert_eq!(keys("tls:[::1]:2"), ["tls:[::1]:2", "[::1]:2", ":2"]);
        let text = format!(":3 {B}\nbigbox:3 {A} sha256={FP}\n");
        let got = find_in_cookie_file(&text, "tls:bigbox:3", &name("tls:bigbox:3")).unwrap();
        assert_eq!(got, parse_cookie_hex(A));
    }

    #[test]
    fn fingerprint_from_env_or_the_cookie_line() {
        let (_dir, mut sources) = file_sources(&format!("bigbox:3 {A} sha256={FP}\n:4 {B}\n"));
        let d = "tls:bigbox:3";
        let want = Fingerprint::parse(FP).unwrap();
        assert_eq!(find_fingerprint(d, &name(d), &sources).unwrap(), want);
        // YONDER_FINGERPRINT overrides the file.
        let other = "ff".repeat(32);
        sources.fingerprint = Some(format!("sha256={other}"));
        assert_eq!(
            find_fingerprint(d, &name(d), &sources).unwrap(),
            Fingerprint::parse(&other).unwrap()
        );
        sources.fingerprint = Some("sha256=1234".into());
        match find_fingerprint(d, &name(d), &sources) {
            Err(ConnectError::BadFingerprint(msg)) => {
                assert!(msg.contains("YONDER_FINGERPRINT"), "{msg}");
                assert!(msg.contains("64 hex digits"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_fingerprint_is_a_clear_error() {
        let (_dir, sources) = file_sources(&format!(":4 {B}\nbad:5 {A} sha256=xyz\n"));
        // A line without the field: no trust on first use, the error says how to pin.
        let d = "tls:host:4";
        match find_fingerprint(d, &name(d), &sources) {
            Err(ConnectError::NoFingerprint(msg)) => {
                assert!(msg.contains("`:4`"), "{msg}");
                assert!(msg.contains("sha256="), "{msg}");
                assert!(msg.contains("--print-cookie"), "{msg}");
                assert!(msg.contains("YONDER_FINGERPRINT"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
        // No line at all.
        let d = "tls:host:9";
        match find_fingerprint(d, &name(d), &sources) {
            Err(ConnectError::NoFingerprint(msg)) => {
                assert!(msg.contains("`tls:host:9` or `host:9` or `:9`"), "{msg}")
            }
            other => panic!("{other:?}"),
        }
        // A malformed field.
        let d = "tls:bad:5";
        assert!(matches!(
            find_fingerprint(d, &name(d), &sources),
            Err(ConnectError::BadFingerprint(_))
        ));
        // Nothing to read.
        match find_fingerprint(d, &name(d), &CookieSources::default()) {
            Err(ConnectError::NoFingerprint(msg)) => assert!(msg.contains("all unset"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }
}
