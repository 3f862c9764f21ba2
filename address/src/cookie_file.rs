//! The cookie file's format (protocol.md §3, §19.2): one line per display,
//!
//! ```text
//! # Yonder display cookies
//! :3 00112233445566778899aabbccddeeff
//! :3+trusted f0e1d2c3b4a5968778695a4b3c2d1e0f
//! bigbox:1 0f1e2d3c4b5a69788796a5b4c3d2e1f0 sha256=5a7c...(64 hex digits)
//! ```
//!
//! a display name, white space, the cookie as 32 hex digits (written lowercase, read in
//! either case) and, on a TLS display's line, white space and its certificate fingerprint
//! (`sha256=HEX64`). A display's trusted cookie is on a line of its own, named after the
//! display with `+trusted` added. Blank lines and lines whose first non-blank character is
//! `#` are ignored, and so are lines with a third field that is not `sha256=...` and lines
//! with more fields. When several lines have the same name, the first wins.
//!
//! This module owns reading and writing lines and the server's rewrites of the file
//! (mode `0600` in a `0700` directory, through a temporary file and a rename, like
//! xauth). Which line a client picks for a display is [`crate::lookup`]'s.

use crate::fingerprint::{Fingerprint, FINGERPRINT_PREFIX};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Length of a cookie in bytes.
pub const COOKIE_LEN: usize = 16;

/// A display's secret.
pub type Cookie = [u8; COOKIE_LEN];

/// Suffix of the cookie-file name of a display's trusted cookie: `:3+trusted`.
pub const TRUSTED_SUFFIX: &str = "+trusted";

/// The cookie-file name of `display`'s trusted cookie.
pub fn trusted_name(display: &str) -> String {
    format!("{display}{TRUSTED_SUFFIX}")
}

/// Suffix of the cookie-file name of a display's web-viewer cookie: `:3+web`. A browser
/// presenting it sees the screen and drives it (protocol.md §20.3).
pub const WEB_SUFFIX: &str = "+web";
/// Suffix of the cookie-file name of a display's view-only cookie: `:3+view`. A browser
/// presenting it sees the screen and cannot type or click.
pub const VIEW_SUFFIX: &str = "+view";

/// Decodes a cookie written as 32 hex digits (either case, blanks around ignored).
pub fn parse_cookie_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() != 2 * COOKIE_LEN {
        return None;
    }
    crate::hex::decode(s)
}

/// One line of a cookie file: `DISPLAY HEX32` or `DISPLAY HEX32 sha256=HEX64`. The texts
/// are kept as written; they are checked only when the line is used. Its `Display` writes
/// the line (without the newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieLine {
    /// The display name the line is for (`:3`, `:3+trusted`, `bigbox:3`, ...).
    pub display: String,
    /// The cookie, as written (32 hex digits when valid).
    pub cookie: String,
    /// The certificate fingerprint, as written after `sha256=`, when the line has one.
    pub fingerprint: Option<String>,
}

impl CookieLine {
    /// The line giving `display` the cookie `cookie` and, for a TLS display, `fingerprint`.
    pub fn new(display: &str, cookie: &Cookie, fingerprint: Option<&Fingerprint>) -> CookieLine {
        CookieLine {
            display: display.to_string(),
            cookie: crate::hex::encode(cookie),
            fingerprint: fingerprint.map(|f| crate::hex::encode(&f.0)),
        }
    }

    /// The cookie, if it is 32 hex digits.
    pub fn cookie_bytes(&self) -> Option<Cookie> {
        parse_cookie_hex(&self.cookie)?.try_into().ok()
    }
}

impl fmt::Display for CookieLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.display, self.cookie)?;
        match &self.fingerprint {
            Some(fp) => write!(f, " {FINGERPRINT_PREFIX}{fp}"),
            None => Ok(()),
        }
    }
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

/// The first line named `display` (the one that wins).
pub fn line_named<'a>(lines: &'a [CookieLine], display: &str) -> Option<&'a CookieLine> {
    lines.iter().find(|l| l.display == display)
}

/// The cookie of the line named exactly `display` in the file at `path`; `None` when the
/// file cannot be read, has no such line, or that line's cookie is not 32 hex digits.
pub fn read_cookie(path: &Path, display: &str) -> Option<Cookie> {
    let text = fs::read_to_string(path).ok()?;
    line_named(&parse_cookie_file(&text), display)?.cookie_bytes()
}

/// Replaces (or adds) the line for `display` in the cookie file, keeping the others.
pub fn store_cookie(path: &Path, display: &str, cookie: &Cookie) -> io::Result<()> {
    store_cookies(path, &[(display.to_string(), *cookie)])
}

/// Replaces (or adds) one line per `(display, cookie)` in one atomic rewrite, keeping
/// every other line as it was. Every line named one of the displays goes, duplicates and
/// malformed ones too; the new lines are added at the end. Creates the file's directory
/// (mode `0700`) if missing.
pub fn store_cookies(path: &Path, entries: &[(String, Cookie)]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
    }
    let old = fs::read_to_string(path).unwrap_or_default();
    let mut text: String = old
        .lines()
        .filter(|l| {
            let name = l.split_whitespace().next();
            !entries.iter().any(|(d, _)| name == Some(d.as_str()))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    for (display, cookie) in entries {
        text.push_str(&format!("{}\n", CookieLine::new(display, cookie, None)));
    }
    write_private(path, &text)
}

/// Puts the certificate fingerprint on `display`'s line (`:N HEX sha256=HEX64`), replacing
/// any it had, so that local TLS clients (`tls:localhost:N`) find it beside the cookie.
pub fn store_fingerprint(path: &Path, display: &str, fingerprint: &Fingerprint) -> io::Result<()> {
    let old = fs::read_to_string(path)?;
    let text: String = old
        .lines()
        .map(|l| {
            let mut parts = l.split_whitespace();
            match (parts.next(), parts.next()) {
                (Some(d), Some(cookie)) if d == display => format!("{d} {cookie} {fingerprint}\n"),
                _ => format!("{l}\n"),
            }
        })
        .collect();
    write_private(path, &text)
}

/// Replaces a file's content with `text`, readable by its owner only (mode 0600), through
/// a temporary file that is synced and renamed, so a reader never sees half a file. The
/// cookie file and a TLS display's key and certificate are written this way.
pub fn write_private(path: &Path, text: &str) -> io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600))?;
    fs::rename(&tmp, path)
}
