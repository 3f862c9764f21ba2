//! Reaching a display: from the display name to a connected socket and the cookie to
//! present, the same way on the first connect and on every attempt to resume a lost
//! session (protocol.md §5.4). The cookie file is read again at each attempt, so a
//! restarted server's cookie is found; a `tls:` display is checked against the same
//! pinned fingerprint every time.

use crate::auth::{find_cookie, find_fingerprint, CookieSources, COOKIE_LEN};
use crate::display::{default_socket_dir, Address, DisplayName};
use crate::error::ConnectError;
use crate::fingerprint::Fingerprint;
use crate::io::Stream;
use crate::tls::TlsStream;
use std::time::Duration;

/// What an app does when its connection to the display is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconnect {
    /// Keep running and reconnect when the display is back (the default): requests are
    /// kept meanwhile, and the session goes on where it was. With a give-up time, the
    /// connection fails after that long without the display.
    Wait {
        /// How long to keep trying; `None`: for ever.
        give_up: Option<Duration>,
    },
    /// End with the connection, like an X11 app: a lost connection fails every call,
    /// and the server frees the app's windows at once.
    ExitAtOnce,
}

impl Default for Reconnect {
    /// Wait up to an hour.
    fn default() -> Reconnect {
        Reconnect::Wait {
            give_up: Some(DEFAULT_GIVE_UP),
        }
    }
}

/// How long [`Reconnect::default`] keeps trying.
pub const DEFAULT_GIVE_UP: Duration = Duration::from_secs(3600);

/// Which cookie to present.
#[derive(Debug, Clone)]
enum CookieChoice {
    /// The one the app gave ([`crate::ConnectOptions::cookie`]).
    Given(Vec<u8>),
    /// Looked up each time: the trusted one or the ordinary one.
    Lookup { trusted: bool },
    /// None: the app came to this display with a migration token, and its session's
    /// secret alone takes it back in (protocol.md §5.5).
    Absent,
}

/// Everything needed to connect to one display, again and again.
#[derive(Debug, Clone)]
pub(crate) struct Dialer {
    display: String,
    name: DisplayName,
    address: Address,
    pin: Option<Fingerprint>,
    cookie: CookieChoice,
    app_name: String,
    reconnect: Reconnect,
}

impl Dialer {
    /// A dialer for `display`: its address (the socket directory looked up for a local
    /// display) and, for `tls:`, the pinned fingerprint (`pin`, else looked up). Fails as
    /// connecting would, before any socket is opened.
    pub(crate) fn new(
        display: &str,
        cookie: Option<Vec<u8>>,
        trusted: bool,
        pin: Option<Fingerprint>,
        app_name: String,
        reconnect: Reconnect,
    ) -> Result<Dialer, ConnectError> {
        let cookie = match cookie {
            Some(c) if c.len() == COOKIE_LEN => CookieChoice::Given(c),
            Some(c) => {
                return Err(ConnectError::BadCookie(format!(
                    "ConnectOptions::cookie has {} bytes, not {COOKIE_LEN}",
                    c.len()
                )))
            }
            None => CookieChoice::Lookup {
                trusted: trusted || crate::trust::trust_requested_by_env(),
            },
        };
        Dialer::build(display, cookie, pin, app_name, reconnect)
    }

    /// A dialer for a display the app moves to (protocol.md §5.5): `with_token`, the
    /// app presents no cookie there (a migration token first, then its session's
    /// secret stand for one); else `cookie`, or the display's ordinary cookie looked up
    /// as usual.
    pub(crate) fn for_move(
        display: &str,
        with_token: bool,
        cookie: Option<Vec<u8>>,
        app_name: String,
        reconnect: Reconnect,
    ) -> Result<Dialer, ConnectError> {
        let cookie = match (with_token, cookie) {
            (true, _) => CookieChoice::Absent,
            (false, Some(c)) => CookieChoice::Given(c),
            (false, None) => CookieChoice::Lookup {
                trusted: crate::trust::trust_requested_by_env(),
            },
        };
        Dialer::build(display, cookie, None, app_name, reconnect)
    }

    fn build(
        display: &str,
        cookie: CookieChoice,
        pin: Option<Fingerprint>,
        app_name: String,
        reconnect: Reconnect,
    ) -> Result<Dialer, ConnectError> {
        let name = DisplayName::parse(display)?;
        let socket_dir = match name {
            DisplayName::Local { .. } => default_socket_dir().map_err(|e| ConnectError::Io {
                context:
                    "cannot find the socket directory (XDG_RUNTIME_DIR unset, user id unknown)"
                        .into(),
                source: e,
            })?,
            _ => Default::default(),
        };
        let address = name.address(&socket_dir);
        let mut dialer = Dialer {
            display: display.to_string(),
            name,
            address,
            pin: None,
            cookie,
            app_name,
            reconnect,
        };
        dialer.pin = match (&dialer.address, pin) {
            (Address::Tls { .. }, Some(p)) => Some(p),
            // Pinned or nothing: without a fingerprint no connection is attempted.
            (Address::Tls { .. }, None) => Some(find_fingerprint(
                display,
                &dialer.name,
                &CookieSources::from_env(),
            )?),
            _ => None,
        };
        Ok(dialer)
    }

    /// The cookie to present, read again from the environment and the cookie file
    /// unless the app gave one.
    pub(crate) fn cookie(&self) -> Result<Vec<u8>, ConnectError> {
        match &self.cookie {
            CookieChoice::Given(c) => Ok(c.clone()),
            CookieChoice::Lookup { trusted: true } => crate::trust::find_trusted_cookie(
                &self.display,
                &self.name,
                crate::trust::trusted_cookie_from_env().as_deref(),
                &CookieSources::from_env(),
            ),
            CookieChoice::Lookup { trusted: false } => {
                find_cookie(&self.display, &self.name, &CookieSources::from_env())
            }
            CookieChoice::Absent => Ok(Vec::new()),
        }
    }

    /// Opens a socket to the display (with the TLS handshake and the pin check for
    /// `tls:`).
    pub(crate) fn dial(&self) -> Result<Stream, ConnectError> {
        match (&self.address, &self.pin) {
            (Address::Tls { host, port }, Some(pin)) => Ok(Stream::Tls(Box::new(
                TlsStream::connect(host, *port, *pin, &self.display)?,
            ))),
            (addr, _) => Stream::connect(addr).map_err(|e| ConnectError::Io {
                context: format!(
                    "cannot connect to display `{}` ({addr}): is a server running there?",
                    self.display
                ),
                source: e,
            }),
        }
    }

    /// The name the server shows for the app.
    pub(crate) fn app_name(&self) -> &str {
        &self.app_name
    }

    /// Whether a lost connection is to be resumed at all.
    pub(crate) fn resumes(&self) -> bool {
        !matches!(self.reconnect, Reconnect::ExitAtOnce)
    }

    /// Whether to stop trying after `waited` without the display.
    pub(crate) fn gives_up(&self, waited: Duration) -> bool {
        match self.reconnect {
            Reconnect::Wait { give_up } => give_up.is_some_and(|g| waited >= g),
            Reconnect::ExitAtOnce => true,
        }
    }

    /// For a local display, a watch on its socket's directory: waiting on it wakes when
    /// a server creates its socket there, so that a restarted server is noticed at once
    /// without polling. `None` for a network display, or when the watch cannot be made.
    pub(crate) fn watch(&self) -> Option<Watch> {
        let Address::Unix(path) = &self.address else {
            return None;
        };
        let dir = path.parent()?;
        use rustix::fs::inotify;
        let fd =
            inotify::init(inotify::CreateFlags::CLOEXEC | inotify::CreateFlags::NONBLOCK).ok()?;
        let events = inotify::WatchFlags::CREATE
            | inotify::WatchFlags::MOVED_TO
            | inotify::WatchFlags::ATTRIB;
        inotify::add_watch(&fd, dir, events).ok()?;
        Some(Watch { fd })
    }

    /// The display's name, as the app was given it.
    pub(crate) fn display(&self) -> &str {
        &self.display
    }

    /// Whether the display is reached over the network (TCP or TLS): where a lost link
    /// is survived.
    pub(crate) fn is_network(&self) -> bool {
        !matches!(self.address, Address::Unix(_))
    }
}

/// A watch on a local display's socket directory (inotify).
#[derive(Debug)]
pub(crate) struct Watch {
    fd: std::os::fd::OwnedFd,
}

impl Watch {
    /// Waits until something is created in the directory, or `limit` passes. The
    /// thread sleeps in the kernel meanwhile.
    pub(crate) fn wait(&self, limit: Duration) {
        use rustix::event::{poll, PollFd, PollFlags, Timespec};
        let timeout = Timespec {
            tv_sec: limit.as_secs() as i64,
            tv_nsec: limit.subsec_nanos() as _,
        };
        let mut fds = [PollFd::new(&self.fd, PollFlags::IN)];
        if matches!(poll(&mut fds, Some(&timeout)), Ok(n) if n > 0) {
            // Drain what happened: one wake for the lot.
            let mut buf = [std::mem::MaybeUninit::uninit(); 4096];
            let mut reader = rustix::fs::inotify::Reader::new(&self.fd, &mut buf);
            while reader.next().is_ok() {}
        }
    }
}
