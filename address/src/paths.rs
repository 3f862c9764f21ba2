//! Where a display's files are on this machine (protocol.md §2.1–§3): the directory of
//! the display sockets and the socket of display `N`, the cookie file, and the key and
//! certificate of a TLS display, which live beside the cookie file.
//!
//! The functions that depend on the environment take its values as parameters, so they
//! are tested without touching the process environment; the `*_from_env` ones read it.

use std::path::{Path, PathBuf};

/// The environment variable naming the cookie file.
pub const COOKIE_FILE_ENV: &str = "YONDER_COOKIE_FILE";
/// The cookie file below `$HOME` when `YONDER_COOKIE_FILE` is not set.
pub const DEFAULT_COOKIE_FILE: &str = ".yonder/cookies";

/// The value of environment variable `name`, unless it is unset or empty (an empty value
/// counts as unset throughout).
pub(crate) fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The directory of local display sockets: `$XDG_RUNTIME_DIR/yonder` when
/// `xdg_runtime_dir` is given (and not empty), else `/tmp/yonder-<uid>`.
pub fn socket_dir(xdg_runtime_dir: Option<&Path>, uid: u32) -> PathBuf {
    match xdg_runtime_dir {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("yonder"),
        _ => PathBuf::from(format!("/tmp/yonder-{uid}")),
    }
}

/// [`socket_dir`] for this process: reads `XDG_RUNTIME_DIR` and the user id.
pub fn default_socket_dir() -> PathBuf {
    socket_dir(env_path("XDG_RUNTIME_DIR").as_deref(), current_uid())
}

/// The real user id of this process (getuid(2), which cannot fail).
pub fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// The socket of display `number` in the socket directory `dir`: `dir/display-N`.
pub fn socket_path(dir: &Path, number: u32) -> PathBuf {
    dir.join(format!("display-{number}"))
}

/// The cookie file: `cookie_file` (the value of `YONDER_COOKIE_FILE`) when given and not
/// empty, else `home/.yonder/cookies`; `None` when neither is usable.
pub fn cookie_file(cookie_file: Option<&Path>, home: Option<&Path>) -> Option<PathBuf> {
    match (cookie_file, home) {
        (Some(f), _) if !f.as_os_str().is_empty() => Some(f.to_path_buf()),
        (_, Some(h)) if !h.as_os_str().is_empty() => Some(h.join(DEFAULT_COOKIE_FILE)),
        _ => None,
    }
}

/// [`cookie_file`] for this process: reads `YONDER_COOKIE_FILE` and `HOME`.
pub fn cookie_file_from_env() -> Option<PathBuf> {
    cookie_file(
        env_path(COOKIE_FILE_ENV).as_deref(),
        env_path("HOME").as_deref(),
    )
}

/// Where a display's TLS key and certificate live: the cookie file's directory.
pub fn identity_dir(cookie_file: &Path) -> PathBuf {
    match cookie_file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The TLS key file of display `number` in `dir`: `dir/display-N.key`.
pub fn key_path(dir: &Path, number: u32) -> PathBuf {
    dir.join(format!("display-{number}.key"))
}

/// The TLS certificate file of display `number` in `dir`: `dir/display-N.crt`.
pub fn cert_path(dir: &Path, number: u32) -> PathBuf {
    dir.join(format!("display-{number}.crt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_dir_is_xdg_runtime_dir_or_tmp() {
        let with_xdg = socket_dir(Some(Path::new("/run/user/1000")), 1000);
        assert_eq!(with_xdg, PathBuf::from("/run/user/1000/yonder"));
        assert_eq!(
            socket_path(&with_xdg, 4),
            PathBuf::from("/run/user/1000/yonder/display-4")
        );
        assert_eq!(socket_dir(None, 42), PathBuf::from("/tmp/yonder-42"));
        assert_eq!(
            socket_dir(Some(Path::new("")), 42),
            PathBuf::from("/tmp/yonder-42")
        );
    }

    #[test]
    fn uid_is_the_real_user_id() {
        // The same number `/proc/self/status` gives as the real uid.
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let real = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|r| r.split_whitespace().next())
            .and_then(|u| u.parse::<u32>().ok());
        assert_eq!(real, Some(current_uid()));
    }

    #[test]
    fn cookie_file_is_the_env_file_else_home() {
        let (f, h) = (Path::new("/x/cookies"), Path::new("/home/u"));
        assert_eq!(cookie_file(Some(f), Some(h)), Some(f.to_path_buf()));
        assert_eq!(
            cookie_file(None, Some(h)),
            Some(PathBuf::from("/home/u/.yonder/cookies"))
        );
        // Empty values count as unset.
        assert_eq!(
            cookie_file(Some(Path::new("")), Some(h)),
            Some(PathBuf::from("/home/u/.yonder/cookies"))
        );
        assert_eq!(cookie_file(Some(Path::new("")), Some(Path::new(""))), None);
        assert_eq!(cookie_file(None, None), None);
    }

    #[test]
    fn tls_identity_lives_beside_the_cookie_file() {
        let dir = identity_dir(Path::new("/home/u/.yonder/cookies"));
        assert_eq!(dir, PathBuf::from("/home/u/.yonder"));
        assert_eq!(identity_dir(Path::new("cookies")), PathBuf::from("."));
        assert_eq!(
            key_path(&dir, 3),
            PathBuf::from("/home/u/.yonder/display-3.key")
        );
        assert_eq!(
            cert_path(&dir, 3),
            PathBuf::from("/home/u/.yonder/display-3.crt")
        );
    }
}
