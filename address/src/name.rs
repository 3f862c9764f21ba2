//! Display names and where they lead (protocol.md §2.1). This module owns the parsing of
//! a display string and the rule that turns it into an address:
//!
//! | display      | transport                                                        |
//! |--------------|------------------------------------------------------------------|
//! | `:N`         | Unix socket `DIR/display-N`, see [`crate::paths::socket_dir`]    |
//! | `host:N`     | TCP to `host`, port [`TCP_PORT_BASE`]` + N` (7100 + N)            |
//! | `tls:host:N` | TLS over TCP to `host`, port [`TLS_PORT_BASE`]` + N` (7600 + N)   |
//! | `unix:PATH`  | the Unix socket at `PATH` itself (tests, unusual setups)          |
//!
//! `host` is a name, an IPv4 address or an IPv6 address in brackets (`[::1]:2`); `N` is
//! decimal digits (no sign) up to 65535, and for the network forms small enough that the
//! port fits 16 bits. There is no screen suffix (`:N.S`): a display has one screen.
//! `unix:` and `tls:` are always prefixes; a host really named so is reached by its
//! address or a longer name.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
pub use yonder_protocol::{TCP_PORT_BASE, TLS_PORT_BASE, WEB_PORT_BASE};

/// The environment variable naming the display when a program is given none.
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

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Unix(p) => write!(f, "unix socket {}", p.display()),
            Address::Tcp { host, port } => write!(f, "tcp {host} port {port}"),
            Address::Tls { host, port } => write!(f, "tls {host} port {port}"),
        }
    }
}

/// A display string that is not a display name, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDisplay {
    /// The display string as given.
    pub display: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for BadDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad display name `{}`: {}", self.display, self.reason)
    }
}

impl std::error::Error for BadDisplay {}

fn bad(display: &str, reason: &str) -> BadDisplay {
    BadDisplay {
        display: display.to_string(),
        reason: reason.to_string(),
    }
}

/// The TCP port of display `number` (`7100 + N`), if it fits 16 bits.
pub fn tcp_port(number: u32) -> Option<u16> {
    port(TCP_PORT_BASE, number)
}

/// The TLS port of display `number` (`7600 + N`), if it fits 16 bits.
pub fn tls_port(number: u32) -> Option<u16> {
    port(TLS_PORT_BASE, number)
}

/// The web viewer's port of display `number` (`8100 + N`), if it fits 16 bits.
pub fn web_port(number: u32) -> Option<u16> {
    port(WEB_PORT_BASE, number)
}

fn port(base: u16, number: u32) -> Option<u16> {
    u16::try_from(number).ok().and_then(|n| base.checked_add(n))
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
    pub fn parse(s: &str) -> Result<DisplayName, BadDisplay> {
        if let Some(rest) = s.strip_prefix("tls:") {
            return match DisplayName::parse_host_number(s, rest)? {
                DisplayName::Tcp { host, number } => {
                    if tls_port(number.into()).is_none() {
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
    fn parse_host_number(s: &str, rest: &str) -> Result<DisplayName, BadDisplay> {
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
        if tcp_port(number.into()).is_none() {
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
    /// [`crate::paths::socket_dir`]); only `:N` uses it.
    pub fn address(&self, socket_dir: &Path) -> Address {
        match self {
            DisplayName::Local { number } => {
                Address::Unix(crate::paths::socket_path(socket_dir, (*number).into()))
            }
            DisplayName::Tcp { host, number } => Address::Tcp {
                host: host.clone(),
                // Checked in `parse`; saturate rather than panic for hand-built values.
                port: tcp_port((*number).into()).unwrap_or(u16::MAX),
            },
            DisplayName::Tls { host, number } => Address::Tls {
                host: host.clone(),
                port: tls_port((*number).into()).unwrap_or(u16::MAX),
            },
            DisplayName::UnixPath { path, .. } => Address::Unix(path.clone()),
        }
    }
}

impl FromStr for DisplayName {
    type Err = BadDisplay;
    fn from_str(s: &str) -> Result<DisplayName, BadDisplay> {
        DisplayName::parse(s)
    }
}
