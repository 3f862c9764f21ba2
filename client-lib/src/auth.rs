//! The display cookie: the 16-byte secret a client shows in its hello. This module owns
//! where the cookie comes from and the cookie file format.
//!
//! Lookup order (unless `ConnectOptions::cookie` gives one):
//! 1. `YONDER_COOKIE`: 32 hex digits.
//! 2. The cookie file: `YONDER_COOKIE_FILE` if set, else `$HOME/.yonder/cookies`. One line
//!    per display, `DISPLAY HEX32`; `#` comments and blank lines are ignored. The line whose
//!    display equals the display string exactly wins; else, for `host:N` and
//!    `unix:.../display-N`, the line for `:N`.
//!
//! Everything here takes the environment's values as parameters ([`CookieSources`]), so
//! it is tested without mutating the process environment.

use crate::display::DisplayName;
use crate::error::ConnectError;
use std::path::PathBuf;

/// Environment variable holding the cookie itself, as 32 hex digits.
pub const COOKIE_ENV: &str = "YONDER_COOKIE";
/// Environment variable naming the cookie file.
pub const COOKIE_FILE_ENV: &str = "YONDER_COOKIE_FILE";
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
}

impl CookieSources {
    /// Reads `YONDER_COOKIE`, `YONDER_COOKIE_FILE` and `HOME` from the process environment.
    pub fn from_env() -> CookieSources {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        CookieSources {
            cookie: var(COOKIE_ENV).map(|v| v.to_string_lossy().into_owned()),
            cookie_file: var(COOKIE_FILE_ENV).map(PathBuf::from),
            home: var("HOME").map(PathBuf::from),
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

/// The `(display, hex cookie)` pairs of a cookie file, in file order. Comment lines,
/// blank lines and lines that do not have exactly two fields are skipped; the cookie text
/// is checked only when its line is used.
pub fn parse_cookie_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            match (fields.next(), fields.next(), fields.next()) {
                (Some(d), Some(c), None) => Some((d.to_string(), c.to_string())),
                _ => None,
            }
        })
        .collect()
}

/// The display strings to look for, best first: `display` itself, then `:N` for a TCP or
/// `unix:` display that has a number.
pub fn lookup_keys(display: &str, name: &DisplayName) -> Vec<String> {
    let mut keys = vec![display.to_string()];
    if !matches!(name, DisplayName::Local { .. }) {
        if let Some(n) = name.number() {
            keys.push(format!(":{n}"));
        }
    }
    keys
}

/// Finds the cookie for `display` in cookie file text. `Ok(None)`: no line matches;
/// `Err`: the matching line's cookie is not 32 hex digits (the message says which line).
pub fn find_in_cookie_file(
    text: &str,
    display: &str,
    name: &DisplayName,
) -> Result<Option<Vec<u8>>, String> {
    let entries = parse_cookie_file(text);
    for key in lookup_keys(display, name) {
        if let Some((d, hex)) = entries.iter().find(|(d, _)| *d == key) {
            return parse_cookie_hex(hex)
                .map(Some)
                .ok_or_else(|| format!("the cookie for `{d}` is not 32 hex digits"));
        }
    }
    Ok(None)
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
        assert_eq!(
            parse_cookie_file(&text),
            vec![(":1".into(), A.into()), ("host:2".into(), B.into())]
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
}
