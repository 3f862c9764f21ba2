//! Display names and where they lead. This module owns the parsing of a display string
//! and the rule that turns it into a socket address:
//!
//! | display      | transport                                                        |
//! |--------------|------------------------------------------------------------------|
//! | `:N`         | Unix socket `<dir>/display-N`, see [`socket_dir`]                 |
//! | `host:N`     | TCP to `host`, port [`TCP_PORT_BASE`]` + N` (7100 + N)            |
//! | `tls:host:N` | TLS over TCP to `host`, port [`TLS_PORT_BASE`]` + N` (7600 + N)   |
//! | `unix:PATH`  | the Unix socket at `PATH` itself (tests, unusual setups)          |
//!
//! The functions that depend on the environment take its values as parameters, so they can
//! be tested without touching the process environment.

use crate::error::ConnectError;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use yonder_protocol::{TCP_PORT_BASE, TLS_PORT_BASE};

/// The environment variable naming the display when none is given to `connect`.
pub const DISPLAY_ENV: &str = "YONDER_DISPLAY";

/// A parsed display name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DisplayName {
    /// `:N`: display `N` on this machine, through its Unix socket.
    Local {
        /// The display number.
        number: u16,
    },
    /// `host:N`: display `N` on `host`, through TCP.
    Tcp {
        /// Host name or address (IPv6 literals without their brackets).
        host: String,
        /// The display number.
        number: u16,
    },
    /// `tls:host:N`: display `N` on `host`, through TLS (the server's certificate is
    /// checked against a pinned fingerprint, see [`crate::fingerprint`]).
    Tls {
        /// Host name or address (IPv6 literals without their brackets).
        host: String,
        /// The display number.
        number: u16,
    },
    /// `unix:PATH`: the Unix socket at `PATH`.
    UnixPath {
        /// The socket path.
        path: PathBuf,
        /// The display number, when the file name is `display-N`.
        number: Option<u16>,
    },
}

/// Where a display's server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A Unix socket path.
    Unix(PathBuf),
    /// A TCP host and port.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port number.
        port: u16,
    },
    /// A TCP host and port that speaks TLS.
    Tls {
        /// Host name or address.
        host: String,
        /// Port number.
        port: u16,
    },
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Unix(p) => write!(f, "unix socket {}", p.display()),
            Address::Tcp { host, port } => write!(f, "tcp {host} port {port}"),
            Address::Tls { host, port } => write!(f, "tls {host} port {port}"),
        }
    }
}

fn bad(display: &str, reason: &str) -> ConnectError {
    ConnectError::BadDisplay {
        display: display.to_string(),
        reason: reason.to_string(),
    }
}

/// Parses a display number: ASCII digits only (no sign), fitting a u16.
fn parse_number(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl DisplayName {
    /// Parses `:N`, `host:N`, `tls:host:N` or `unix:PATH`. (A host named `unix` or `tls`
    /// is reached by its address or a longer name.)
    pub fn parse(s: &str) -> Result<DisplayName, ConnectError> {
        if let Some(rest) = s.strip_prefix("tls:") {
            return match DisplayName::parse_host_number(s, rest)? {
                DisplayName::Tcp { host, number } => {
                    if TLS_PORT_BASE.checked_add(number).is_none() {
                        return Err(bad(s, "display number too large for a TCP port"));
                    }
                    Ok(DisplayName::Tls { host, number })
                }
                _ => Err(bad(s, "`tls:` needs a host, as in `tls:localhost:0`")),
            };
        }
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err(bad(s, "`unix:` must be followed by a socket path"));
            }
            let path = PathBuf::from(path);
            let number = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("display-"))
                .and_then(parse_number);
            return Ok(DisplayName::UnixPath { path, number });
        }
        DisplayName::parse_host_number(s, s)
    }

    /// Parses `:N` or `host:N` (`rest`; `s` is the whole name, for messages).
    fn parse_host_number(s: &str, rest: &str) -> Result<DisplayName, ConnectError> {
        let Some((host, num)) = rest.rsplit_once(':') else {
            return Err(bad(
                s,
                "expected `:N`, `host:N`, `tls:host:N` or `unix:PATH`",
            ));
        };
        let number = parse_number(num)
            .ok_or_else(|| bad(s, "the display number must be a number from 0 to 65535"))?;
        if host.is_empty() {
            return Ok(DisplayName::Local { number });
        }
        let host = match host.strip_prefix('[') {
            Some(rest) => rest
                .strip_suffix(']')
                .ok_or_else(|| bad(s, "unclosed `[` in the host"))?,
            None => host,
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '/') {
            return Err(bad(s, "invalid host name"));
        }
        if TCP_PORT_BASE.checked_add(number).is_none() {
            return Err(bad(s, "display number too large for a TCP port"));
        }
        Ok(DisplayName::Tcp {
            host: host.to_string(),
            number,
        })
    }

    /// The display number, if the name has one.
    pub fn number(&self) -> Option<u16> {
        match self {
            DisplayName::Local { number }
            | DisplayName::Tcp { number, .. }
            | DisplayName::Tls { number, .. } => Some(*number),
            DisplayName::UnixPath { number, .. } => *number,
        }
    }

    /// Where to connect. `socket_dir` is the directory of local sockets (see
    /// [`socket_dir`]); only `:N` uses it.
    pub fn address(&self, socket_dir: &Path) -> Address {
        match self {
            DisplayName::Local { number } => {
                Address::Unix(socket_dir.join(format!("display-{number}")))
            }
            DisplayName::Tcp { host, number } => Address::Tcp {
                host: host.clone(),
                // Checked in `parse`; saturate rather than panic for hand-built values.
                port: TCP_PORT_BASE.saturating_add(*number),
            },
            DisplayName::Tls { host, number } => Address::Tls {
                host: host.clone(),
                port: TLS_PORT_BASE.saturating_add(*number),
            },
            DisplayName::UnixPath { path, .. } => Address::Unix(path.clone()),
        }
    }
}

impl FromStr for DisplayName {
    type Err = ConnectError;
    fn from_str(s: &str) -> Result<DisplayName, ConnectError> {
        DisplayName::parse(s)
    }
}

/// The directory of local display sockets: `$XDG_RUNTIME_DIR/yonder` when
/// `xdg_runtime_dir` is given (and not empty), else `/tmp/yonder-<uid>`.
pub fn socket_dir(xdg_runtime_dir: Option<&Path>, uid: u32) -> PathBuf {
    match xdg_runtime_dir {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("yonder"),
        _ => PathBuf::from(format!("/tmp/yonder-{uid}")),
    }
}

/// The real user id of this process: the `Uid:` line of `/proc/self/status` (as the
/// server reads it), else the owner of `/proc/self`.
pub fn current_uid() -> std::io::Result<u32> {
    let from_status = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|uid| uid.parse().ok())
        });
    match from_status {
        Some(uid) => Ok(uid),
        None => std::fs::metadata("/proc/self").map(|m| m.uid()),
    }
}

/// [`socket_dir`] for this process: reads `XDG_RUNTIME_DIR` and the user id.
pub fn default_socket_dir() -> std::io::Result<PathBuf> {
    let xdg = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
    match xdg {
        Some(dir) if !dir.as_os_str().is_empty() => Ok(socket_dir(Some(&dir), 0)),
        _ => Ok(socket_dir(None, current_uid()?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_local() {
        assert_eq!(
            DisplayName::parse(":3").unwrap(),
            DisplayName::Local { number: 3 }
        );
        assert_eq!(DisplayName::parse(":0").unwrap().number(), Some(0));
    }

    #[test]
    fn parses_tcp() {
        let d = DisplayName::parse("host:5").unwrap();
        assert_eq!(
            d,
            DisplayName::Tcp {
                host: "host".into(),
                number: 5
            }
        );
        assert_eq!(
            d.address(Path::new("/unused")),
            Address::Tcp {
                host: "host".into(),
                port: 7105
            }
        );
        let v6 = DisplayName::parse("[::1]:2").unwrap();
        assert_eq!(
            v6,
            DisplayName::Tcp {
                host: "::1".into(),
                number: 2
            }
        );
    }

    #[test]
    fn parses_tls() {
        let d = DisplayName::parse("tls:bigbox:3").unwrap();
        assert_eq!(
            d,
            DisplayName::Tls {
                host: "bigbox".into(),
                number: 3
            }
        );
        assert_eq!(d.number(), Some(3));
        assert_eq!(
            d.address(Path::new("/unused")),
            Address::Tls {
                host: "bigbox".into(),
                port: 7603
            }
        );
        assert_eq!(
            DisplayName::parse("tls:[::1]:2").unwrap(),
            DisplayName::Tls {
                host: "::1".into(),
                number: 2
            }
        );
        for s in ["tls:", "tls:3", "tls::3", "tls:host:", "tls:host:60000"] {
            match DisplayName::parse(s) {
                Err(ConnectError::BadDisplay { display, .. }) => assert_eq!(display, s),
                other => panic!("{s:?} parsed as {other:?}"),
            }
        }
    }

    #[test]
    fn parses_unix_path() {
        let d = DisplayName::parse("unix:/x/display-7").unwrap();
        assert_eq!(
            d,
            DisplayName::UnixPath {
                path: "/x/display-7".into(),
                number: Some(7)
            }
        );
        assert_eq!(
            d.address(Path::new("/unused")),
            Address::Unix("/x/display-7".into())
        );
        let other = DisplayName::parse("unix:/run/sock").unwrap();
        assert_eq!(other.number(), None);
        assert_eq!(
            DisplayName::parse("unix:/x/display-7x").unwrap().number(),
            None
        );
    }

    #[test]
    fn rejects_bad_names() {
        for s in [
            "",
            "3",
            ":",
            ":x",
            ":-1",
            ":+1",
            "host:",
            "a:b",
            "unix:",
            ":70000",
            "host:60000",
            "[::1:3",
            "ho st:1",
            "[]:1",
        ] {
            match DisplayName::parse(s) {
                Err(ConnectError::BadDisplay { display, .. }) => assert_eq!(display, s),
                other => panic!("{s:?} parsed as {other:?}"),
            }
        }
    }

    #[test]
    fn local_socket_paths() {
        let d = DisplayName::parse(":4").unwrap();
        let with_xdg = socket_dir(Some(Path::new("/run/user/1000")), 1000);
        assert_eq!(with_xdg, PathBuf::from("/run/user/1000/yonder"));
        assert_eq!(
            d.address(&with_xdg),
            Address::Unix("/run/user/1000/yonder/display-4".into())
        );
        assert_eq!(socket_dir(None, 42), PathBuf::from("/tmp/yonder-42"));
        assert_eq!(
            socket_dir(Some(Path::new("")), 42),
            PathBuf::from("/tmp/yonder-42")
        );
    }

    #[test]
    fn uid_is_readable() {
        assert!(current_uid().is_ok());
    }
}
