//! Display cookies: making a random 128-bit cookie per display, writing it to the cookie
//! file (`~/.yonder/cookies`, one `DISPLAY HEX` line per display, mode 0600 in a 0700
//! directory, like xauth) and reading lines back for `--print-cookie`. A display served
//! over TLS has its certificate's fingerprint on its line too: `:N HEX sha256=HEX64`.
//!
//! Each display has two cookies: the ordinary one (line `:N`) and the trusted one (line
//! `:N+trusted`, see [`trusted_name`]), whose clients are not isolated from the others
//! (protocol.md §19). The server decides trust only by which of the two a hello carries.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A display's secret.
pub type Cookie = [u8; 16];

/// A fresh random cookie.
pub fn new_cookie() -> std::io::Result<Cookie> {
    let mut c = [0u8; 16];
    getrandom::fill(&mut c).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(c)
}

/// The cookie file to use: the configured one, `$YONDER_COOKIE_FILE`, or `~/.yonder/cookies`.
pub fn cookie_file_path(configured: Option<&Path>) -> PathBuf {
    if let Some(p) = configured {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("YONDER_COOKIE_FILE") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".yonder").join("cookies")
}

/// Suffix of the cookie-file name of a display's trusted cookie: `:3+trusted`.
pub const TRUSTED_SUFFIX: &str = "+trusted";

/// The cookie-file name of `display`'s trusted cookie.
pub fn trusted_name(display: &str) -> String {
    format!("{display}{TRUSTED_SUFFIX}")
}

/// Replaces (or adds) the line for `display` in the cookie file, keeping the others.
/// The file is rewritten through a temporary file and a rename, so a reader never sees
/// half a file.
pub fn store_cookie(path: &Path, display: &str, cookie: &Cookie) -> std::io::Result<()> {
    store_cookies(path, &[(display.to_string(), *cookie)])
}

/// Replaces (or adds) one line per `(display, cookie)` in one atomic rewrite, keeping
/// every other line.
pub fn store_cookies(path: &Path, entries: &[(String, Cookie)]) -> std::io::Result<()> {
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
        text.push_str(&format!("{display} {}\n", hex::encode(cookie)));
    }
    write_atomically(path, &text)
}

/// Adds the certificate fingerprint field (`sha256=HEX64`) to `display`'s line, replacing
/// any it had, so that local TLS clients (`tls:localhost:N`) find it beside the cookie.
pub fn store_fingerprint(path: &Path, display: &str, field: &str) -> std::io::Result<()> {
    let old = fs::read_to_string(path)?;
    let text: String = old
        .lines()
        .map(|l| {
            let mut parts = l.split_whitespace();
            match (parts.next(), parts.next()) {
                (Some(d), Some(cookie)) if d == display => format!("{d} {cookie} {field}\n"),
                _ => format!("{l}\n"),
            }
        })
        .collect();
    write_atomically(path, &text)
}

/// Replaces the file's content through a temporary file (mode 0600) and a rename, so a
/// reader never sees half a file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
    }
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600))?;
    fs::rename(&tmp, path)
}

/// The cookie stored for `display`, if any.
pub fn lookup_cookie(path: &Path, display: &str) -> Option<Cookie> {
    let text = fs::read_to_string(path).ok()?;
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next()? == display).then_some(())?;
            let bytes = hex::decode(parts.next()?).ok()?;
            bytes.try_into().ok()
        })
}

/// Compares two cookies in time independent of where they differ.
pub fn cookies_equal(a: &[u8], b: &Cookie) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_replaces_own_line_and_keeps_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cookies");
        store_cookie(&path, ":1", &[1; 16]).unwrap();
        store_cookie(&path, ":2", &[2; 16]).unwrap();
        store_cookie(&path, ":1", &[3; 16]).unwrap();
        assert_eq!(lookup_cookie(&path, ":1"), Some([3; 16]));
        assert_eq!(lookup_cookie(&path, ":2"), Some([2; 16]));
        assert_eq!(lookup_cookie(&path, ":9"), None);
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dmode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dmode, 0o700);
    }

    #[test]
    fn trusted_line_is_stored_beside_the_ordinary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cookies");
        store_cookie(&path, ":4", &[9; 16]).unwrap();
        let entries = [(":1".to_string(), [1; 16]), (trusted_name(":1"), [2; 16])];
        store_cookies(&path, &entries).unwrap();
        store_cookies(&path, &entries).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert_eq!(lookup_cookie(&path, ":1"), Some([1; 16]));
        assert_eq!(lookup_cookie(&path, ":1+trusted"), Some([2; 16]));
        assert_eq!(lookup_cookie(&path, ":4"), Some([9; 16]));
    }

    #[test]
    fn fingerprint_joins_its_display_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cookies");
        store_cookies(&path, &[(":1".into(), [1; 16]), (":2".into(), [2; 16])]).unwrap();
        store_fingerprint(&path, ":1", "sha256=ab").unwrap();
        store_fingerprint(&path, ":1", "sha256=cd").unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!(":1 {} sha256=cd\n:2 {}\n", "01".repeat(16), "02".repeat(16))
        );
        assert_eq!(lookup_cookie(&path, ":1"), Some([1; 16]));
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // A restart without TLS writes the plain line again.
        store_cookie(&path, ":1", &[3; 16]).unwrap();
        assert!(!fs::read_to_string(&path).unwrap().contains("sha256"));
    }

    #[test]
    fn cookie_compare() {
        assert!(cookies_equal(&[7; 16], &[7; 16]));
        assert!(!cookies_equal(&[7; 15], &[7; 16]));
        assert!(!cookies_equal(&[8; 16], &[7; 16]));
    }
}
