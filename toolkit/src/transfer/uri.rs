//! Files as `text/uri-list` (RFC 2483): one `file://` URI per line, lines ended by CRLF,
//! `#` lines are comments. Paths are percent-encoded byte by byte, so spaces, non-ASCII
//! and even non-UTF-8 names survive the round trip. The same encoding is the `Path=` of
//! the freedesktop trash's `.trashinfo` files.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// Whether byte `b` stands for itself in an encoded path (RFC 3986's unreserved
/// characters and the path separator).
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
}

/// `path` with every byte that is not unreserved or `/` written as `%XX`.
pub fn percent_encode(path: &Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if plain(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The bytes `s` encodes; `None` when a `%` is not followed by two hex digits.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file://` URI of `path` (made absolute against the current directory first).
pub fn path_to_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", percent_encode(&abs))
}

/// The local path a `file:` URI names: `file:///p`, `file://localhost/p` or `file:/p`.
/// `None` for other schemes, other hosts, relative paths and bad escapes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let (scheme, rest) = uri.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let path = match rest.strip_prefix("//") {
        Some(after) => {
            let slash = after.find('/')?;
            let host = &after[..slash];
            if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
                return None;
            }
            &after[slash..]
        }
        None => rest,
    };
    if !path.starts_with('/') {
        return None;
    }
    Some(PathBuf::from(OsString::from_vec(percent_decode(path)?)))
}

/// A `text/uri-list` of `paths`: each one's URI followed by CRLF.
pub fn encode_uri_list<P: AsRef<Path>>(paths: &[P]) -> String {
    paths
        .iter()
        .map(|p| path_to_uri(p.as_ref()) + "\r\n")
        .collect()
}

/// The local files a `text/uri-list` names, in order; comments, blank lines and URIs
/// that are not local files are skipped.
pub fn decode_uri_list(bytes: &[u8]) -> Vec<PathBuf> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(uri_to_path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_stay_readable() {
        assert_eq!(
            path_to_uri(Path::new("/home/ann/notes-1_a.txt")),
            "file:///home/ann/notes-1_a.txt"
        );
    }

    #[test]
    fn spaces_and_non_ascii_are_escaped() {
        let p = Path::new("/tmp/my file/café #1%.txt");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///tmp/my%20file/caf%C3%A9%20%231%25.txt");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
    }

    #[test]
    fn non_utf8_names_survive() {
        let p = PathBuf::from(OsString::from_vec(b"/tmp/\xff\xfe.bin".to_vec()));
        let uri = path_to_uri(&p);
        assert_eq!(uri, "file:///tmp/%FF%FE.bin");
        assert_eq!(uri_to_path(&uri), Some(p));
    }

    #[test]
    fn relative_paths_become_absolute() {
        let uri = path_to_uri(Path::new("x.txt"));
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(uri_to_path(&uri), Some(cwd.join("x.txt")));
    }

    #[test]
    fn uri_forms() {
        let want = Some(PathBuf::from("/a/b"));
        assert_eq!(uri_to_path("file:///a/b"), want);
        assert_eq!(uri_to_path("FILE://localhost/a/b"), want);
        assert_eq!(uri_to_path("file:/a/b"), want);
        assert_eq!(uri_to_path("file://elsewhere/a/b"), None);
        assert_eq!(uri_to_path("http://example.com/a"), None);
        assert_eq!(uri_to_path("file:a/b"), None);
        assert_eq!(uri_to_path("file:///a%2"), None);
        assert_eq!(uri_to_path("file:///a%zz"), None);
    }

    #[test]
    fn lists_round_trip() {
        let paths = [PathBuf::from("/x y/1"), PathBuf::from("/z/ü")];
        let list = encode_uri_list(&paths);
        assert_eq!(list, "file:///x%20y/1\r\nfile:///z/%C3%BC\r\n");
        assert_eq!(decode_uri_list(list.as_bytes()), paths);
    }

    #[test]
    fn lists_skip_comments_blanks_and_foreign_uris() {
        let text = "# from a browser\r\n\r\nhttp://example.com/\r\nfile:///ok\nfile:///also%20ok";
        assert_eq!(
            decode_uri_list(text.as_bytes()),
            [PathBuf::from("/ok"), PathBuf::from("/also ok")]
        );
    }
}
