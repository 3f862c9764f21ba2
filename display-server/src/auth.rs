//! Display cookies: making a random 128-bit cookie per display, writing it to the cookie
//! file (`~/.yonder/cookies`, one `DISPLAY HEX` line per display, mode 0600 in a 0700
//! directory, like xauth) and reading lines back for `--print-cookie`.

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

/// Replaces (or adds) the line for `display` in the cookie file, keeping the others.
/// The file is rewritten through a temporary file and a rename, so a reader never sees
/// half a file.
pub fn store_cookie(path: &Path, display: &str, cookie: &Cookie) -> std::io::Result<()> {
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
        .filter(|l| l.split_whitespace().next() != Some(display))
        .map(|l| format!("{l}\n"))
        .collect();
    text.push_str(&format!("{display} {}\n", hex::encode(cookie)));
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
    fn cookie_compare() {
        assert!(cookies_equal(&[7; 16], &[7; 16]));
        assert!(!cookies_equal(&[7; 15], &[7; 16]));
        assert!(!cookies_equal(&[8; 16], &[7; 16]));
    }
}
