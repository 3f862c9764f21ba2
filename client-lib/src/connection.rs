//! The [`Connection`]: opening one (display name, cookie, hello), what it knows about
//! itself (setup, id space, names, resource ids), flushing, and taking events from the
//! queue. It is the transport (the sending core) plus the image state; its typed request
//! methods are the traits of `requests`, one layer up.

use crate::cookie::{reply_request, void_request, Cookie, ReplyType, VoidCookie};
use crate::dial::{Dialer, Reconnect};
use crate::display::DISPLAY_ENV;
use crate::error::{ConnectError, ConnectionError, MoveError};
use crate::event::Incoming;
use crate::fingerprint::Fingerprint;
use crate::images::{ImageOptions, ImageStats, Images};
use crate::ready::Waker;
use crate::transport::{Transport, Via, Wait};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use yonder_protocol::handshake::ScreenInfo;
use yonder_protocol::request::{CloseDownMode, SetCloseDownMode};
use yonder_protocol::{
    make_id, Atom, GcId, Hello, PixmapId, Setup, WindowId, PROTOCOL_MAJOR, PROTOCOL_MINOR,
    PROTOCOL_NAME,
};

/// How to open a connection; `Default` means "from the environment".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// The display (`:N`, `host:N`, `tls:host:N`, `unix:PATH`); default: `YONDER_DISPLAY`.
    pub display: Option<String>,
    /// The 16-byte cookie; default: looked up (`YONDER_COOKIE`, then the cookie file).
    pub cookie: Option<Vec<u8>>,
    /// For a `tls:` display, the SHA-256 fingerprint of the server's certificate, the only
    /// one accepted; default: looked up (`YONDER_FINGERPRINT`, then the `sha256=` field of
    /// the cookie-file line). Not used by other displays.
    pub fingerprint: Option<Fingerprint>,
    /// The name the server shows for this client; default: the executable's file name.
    pub app_name: Option<String>,
    /// Present the display's trusted cookie instead of the ordinary one, to see other
    /// clients' pixels and input (screenshots, window managers; protocol.md §19). Also
    /// asked for by `YONDER_TRUSTED=1`. Ignored when `cookie` is given. See [`crate::trust`].
    pub trusted: bool,
    /// What to do when the connection to the display is lost: by default keep running
    /// and resume when it is back (over TCP and TLS, protocol.md §5.4); or end with it,
    /// like an X11 app.
    pub reconnect: Reconnect,
}

/// A connection to a Yonder display server. Every method takes `&self`; the connection is
/// `Send + Sync`, so threads can share it (by reference or in an `Arc`).
///
/// Requests are buffered and sent when the buffer passes 64 KiB, when the app waits for
/// anything, and on [`Connection::flush`]; dropping the connection flushes what is left.
/// An image of 32 KiB or more put in the request goes at once, with what is buffered
/// before it: its pixels are written from the app's memory, not copied into the buffer
/// (on a local display of this library's version).
///
/// The typed request methods (`create_window`, `poly_fill_rectangle`, `put_image`, ...)
/// are listed below under *Trait Implementations*, one trait per family of requests;
/// `use yonder::prelude::*;` brings them all into scope.
pub struct Connection {
    /// The sending core: socket, buffers, sequence numbers, routing, waiting. Declared
    /// first, so that dropping the connection flushes before anything else goes.
    pub(crate) transport: Transport,
    /// How raw images travel: options, the shared-memory segment, statistics.
    pub(crate) images: Images,
    display: String,
    app_name: String,
    next_id: AtomicU32,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("display", &self.display)
            .field("app_name", &self.app_name)
            .field("id_space", &self.id_space())
            .finish_non_exhaustive()
    }
}

/// The executable's file name, else `argv[0]`'s, else `"yonder-app"`.
fn default_app_name() -> String {
    let from_path = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    std::env::current_exe()
        .ok()
        .and_then(|p| from_path(&p))
        .or_else(|| {
            std::env::args_os()
                .next()
                .and_then(|a| from_path(Path::new(&a)))
        })
        .unwrap_or_else(|| "yonder-app".to_string())
}

/// A random nonzero id space.
fn random_id_space() -> Result<u32, ConnectError> {
    loop {
        match getrandom::u32() {
            Ok(0) => continue,
            Ok(n) => return Ok(n),
            Err(e) => return Err(ConnectError::Random(e.to_string())),
        }
    }
}

impl Connection {
    /// Connects to `display`, or to `YONDER_DISPLAY` when `None`, with the cookie from the
    /// environment. Sends the hello but does not wait for the setup reply.
    pub fn connect(display: Option<&str>) -> Result<Connection, ConnectError> {
        Connection::connect_with(ConnectOptions {
            display: display.map(str::to_string),
            ..ConnectOptions::default()
        })
    }

    /// [`Connection::connect`] then [`Connection::wait_for_setup`]: a refusal is
    /// `ConnectError::Refused` with the server's reason.
    pub fn connect_and_wait(display: Option<&str>) -> Result<Connection, ConnectError> {
        let conn = Connection::connect(display)?;
        conn.wait_for_setup()?;
        Ok(conn)
    }

    /// Connects as `opts` says. Sends the hello at once and returns without waiting for
    /// the setup reply: requests can be sent right away.
    pub fn connect_with(opts: ConnectOptions) -> Result<Connection, ConnectError> {
        let display = match opts.display {
            Some(d) => d,
            None => std::env::var(DISPLAY_ENV)
                .ok()
                .filter(|d| !d.is_empty())
                .ok_or(ConnectError::NoDisplay)?,
        };
        let app_name = opts.app_name.unwrap_or_else(default_app_name);
        let dialer = Dialer::new(
            &display,
            opts.cookie,
            opts.trusted,
            opts.fingerprint,
            app_name.clone(),
            opts.reconnect,
        )?;
        // The socket first: with no server there, that is the news, not a missing cookie.
        let stream = dialer.dial()?;
        let cookie = dialer.cookie()?;
        let id_space = random_id_space()?;
        // A lost link is resumed, and a restarted server gets the app's state replayed
        // (protocol.md §5.4), unless the app chose to end with its connection.
        let resumes = dialer.resumes();
        let exit_at_once = !dialer.resumes();
        let transport = Transport::new(
            stream,
            id_space,
            resumes.then_some(dialer),
            app_name.clone(),
            opts.reconnect,
            display.clone(),
        )
        .map_err(|e| ConnectError::Io {
            context: "cannot configure the socket".into(),
            source: e,
        })?;
        let conn = Connection::new(transport, display, app_name);
        conn.send_hello(cookie)?;
        if exit_at_once {
            // The server frees this app's windows as soon as its connection ends (a
            // server before 1.5 does so anyway, and its error for this request is
            // dropped).
            let mode = SetCloseDownMode {
                mode: CloseDownMode::Destroy,
            };
            let seq = conn.transport.send_plain(&mode.into());
            conn.transport.ignore_seq(seq);
        }
        Ok(conn)
    }

    fn new(transport: Transport, display: String, app_name: String) -> Connection {
        Connection {
            transport,
            images: Images::new(ImageOptions::from_env()),
            display,
            app_name,
            next_id: AtomicU32::new(1),
        }
    }

    fn send_hello(&self, cookie: Vec<u8>) -> Result<(), ConnectError> {
        let hello = Hello {
            protocol: PROTOCOL_NAME.to_string(),
            major: PROTOCOL_MAJOR,
            minor: PROTOCOL_MINOR,
            cookie,
            app_name: self.app_name.clone(),
            id_space: self.id_space(),
            resume: None,
            token: None,
        };
        self.transport.send_hello(&hello)?;
        Ok(())
    }

    /// Waits for the setup reply. A refusal is `ConnectError::Refused(reason)`, ready to be
    /// shown to the user.
    pub fn wait_for_setup(&self) -> Result<Arc<Setup>, ConnectError> {
        Ok(self.setup()?)
    }

    /// The setup of the display the app is on, waiting for the first setup reply. A
    /// refusal is `ConnectionError::Refused`. After the app moved to another display
    /// (or came back to a restarted one), that display's: its client number, screen,
    /// limits and predefined atoms. The id space is the app's own throughout.
    pub fn setup(&self) -> Result<Arc<Setup>, ConnectionError> {
        self.transport.setup()
    }

    /// The (first) screen of the display the app is on, waiting for the setup reply.
    pub fn screen(&self) -> Result<ScreenInfo, ConnectionError> {
        self.setup()?
            .screens
            .first()
            .cloned()
            .ok_or_else(|| ConnectionError::Malformed("the setup lists no screen".into()))
    }

    /// The root window. Always [`WindowId::ROOT`]; needs no setup reply.
    pub fn root(&self) -> WindowId {
        WindowId::ROOT
    }

    /// A predefined atom by name, from the setup reply (waits for it); `None` if the
    /// server predefines no such atom. Other atoms need [`PropertyExt::intern_atom`](crate::PropertyExt::intern_atom).
    pub fn atom_by_name(&self, name: &str) -> Result<Option<Atom>, ConnectionError> {
        Ok(self
            .setup()?
            .atoms
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| *a))
    }

    /// A new resource id from this client's id space: `make_id(id_space, n)`, n = 1, 2, ...
    ///
    /// # Panics
    /// After 2³²−2 ids (the id space is exhausted; ids are never reused). The number
    /// 2³²−1 is never handed out: the library's journal uses it.
    pub fn generate_id(&self) -> u64 {
        let n = self
            .next_id
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .unwrap_or(0);
        assert!(
            n != 0,
            "yonder: the client's resource id space is exhausted"
        );
        make_id(self.id_space(), n)
    }

    /// A new window id.
    pub fn new_window_id(&self) -> WindowId {
        WindowId(self.generate_id())
    }

    /// A new pixmap id.
    pub fn new_pixmap_id(&self) -> PixmapId {
        PixmapId(self.generate_id())
    }

    /// A new graphics-context id.
    pub fn new_gc_id(&self) -> GcId {
        GcId(self.generate_id())
    }

    /// The app name sent in the hello.
    pub fn app_name(&self) -> &str {
        &self.app_name
    }

    /// This client's id space (proposed in the hello).
    pub fn id_space(&self) -> u32 {
        self.transport.id_space()
    }

    /// The display the app is on: the one it was opened with, or the one it last moved
    /// to ([`Connection::move_to`], or a mover's request, protocol.md §5.5).
    pub fn display_name(&self) -> String {
        self.transport.display_name()
    }

    /// Moves this app, with all its windows, pixmaps, properties and selections, to the
    /// display `to` (a display name, `tls:` included) while it runs (protocol.md §5.5).
    /// The app presents that display's cookie (from `YONDER_COOKIE` or the cookie
    /// file) and checks it as any display it connects to. Blocks until the move is done;
    /// meanwhile other threads go on using the connection, and only the switch itself
    /// (a freeze of a round trip or two) holds their requests.
    ///
    /// On success the app's requests go to `to` from then on, and an
    /// [`Incoming::Display`] `Moved` item is queued; on failure nothing changed and the
    /// app goes on where it was.
    pub fn move_to(&self, to: &str) -> Result<(), MoveError> {
        self.transport
            .migrate(to, Via::Cookie(None), false)
            .map_err(|reason| MoveError {
                to: to.to_string(),
                reason,
            })
    }

    /// [`Connection::move_to`] with `to`'s cookie given (as
    /// [`crate::ConnectOptions::cookie`] gives one), not looked up.
    pub fn move_to_with_cookie(&self, to: &str, cookie: &[u8]) -> Result<(), MoveError> {
        self.transport
            .migrate(to, Via::Cookie(Some(cookie.to_vec())), false)
            .map_err(|reason| MoveError {
                to: to.to_string(),
                reason,
            })
    }

    /// Sends every buffered request.
    pub fn flush(&self) -> Result<(), ConnectionError> {
        self.transport.flush()
    }

    /// The next event or unclaimed error, waiting as long as it takes. Flushes first.
    pub fn wait_for_event(&self) -> Result<Incoming, ConnectionError> {
        match self.transport.wait_event(Wait::Block)? {
            Some(incoming) => Ok(incoming),
            None => Err(ConnectionError::Closed),
        }
    }

    /// The next event or unclaimed error if one is queued or can be read without waiting.
    /// Flushes first (which waits only if the server does not take our requests). When
    /// another thread is reading the socket, only the queue is looked at.
    pub fn poll_for_event(&self) -> Result<Option<Incoming>, ConnectionError> {
        self.transport.wait_event(Wait::Poll)
    }

    /// The next event or unclaimed error, waiting at most `timeout` (`Ok(None)` when it
    /// runs out). Flushes first.
    pub fn wait_for_event_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<Incoming>, ConnectionError> {
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86400 * 365));
        self.transport.wait_event(Wait::Until(deadline))
    }

    /// A [`Waker`] for other threads: its [`Waker::wake`] makes this connection's event
    /// wait (or its descriptor, [`AsFd`]) return [`Incoming::Woken`], so a worker thread
    /// can hand results to a loop that waits for events. Once an app has a waker, its
    /// event waits poll the socket and then wait on the connection's descriptor, which
    /// the waker raises.
    pub fn waker(&self) -> Waker {
        self.transport.waker()
    }

    /// The bytes of memory the library's journal of this app's server-side state holds
    /// (its windows, properties, GCs, pixmaps with their contents, ...): what surviving
    /// a lost display costs the app.
    pub fn journal_bytes(&self) -> usize {
        self.transport.journal_bytes()
    }

    /// The requests that would recreate this app's server-side state on a fresh server
    /// (what the library replays after the display came back), for tools and tests.
    pub fn journal_replay(&self) -> crate::Replay {
        self.transport.journal_replay()
    }

    /// Chooses how raw images are sent from now on (see [`DrawExt::put_image`]).
    ///
    /// [`DrawExt::put_image`]: crate::DrawExt::put_image
    pub fn set_image_options(&self, options: ImageOptions) {
        self.images.set_options(options);
    }

    /// How raw images are sent.
    pub fn image_options(&self) -> ImageOptions {
        self.images.options()
    }

    /// How the raw images put so far travelled.
    pub fn image_stats(&self) -> ImageStats {
        self.images.stats()
    }

    /// Sends a request without a reply (for the typed methods).
    #[inline]
    pub(crate) fn void_request<Q>(&self, request: Q) -> VoidCookie<'_>
    where
        Q: yonder_protocol::RequestInfo<Reply = yonder_protocol::NoReply>,
    {
        void_request(&self.transport, request)
    }

    /// Sends a request with a reply of type `R` (for the typed methods).
    #[inline]
    pub(crate) fn reply_request<Q>(&self, request: Q) -> Cookie<'_, Q::Reply>
    where
        Q: yonder_protocol::RequestInfo,
        Q::Reply: ReplyType,
    {
        reply_request(&self.transport, request)
    }
}

/// The connection's descriptor for event loops (tokio's `AsyncFd`, mio, calloop, glib,
/// `poll`): readable when the connection may have something for the app. It is the same
/// descriptor for the connection's life, across resumed and moved connections. When it
/// is readable, call [`Connection::poll_for_event`] until it returns `Ok(None)`; only
/// then wait on the descriptor again (like xcb's `xcb_poll_for_event`). Requests are
/// buffered: flush ([`Connection::flush`]) before going to sleep, or the server never
/// sees them (every `poll_for_event` flushes too).
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::os::fd::AsFd;
/// use rustix::event::{poll, PollFd, PollFlags};
/// let conn = yonder::Connection::connect(None)?;
/// loop {
///     while let Some(item) = conn.poll_for_event()? {
///         println!("{item:?}");
///     }
///     let mut fds = [PollFd::new(&conn, PollFlags::IN)];
///     poll(&mut fds, None)?;
/// }
/// # }
/// ```
impl AsFd for Connection {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.transport.fd()
    }
}

impl AsRawFd for Connection {
    fn as_raw_fd(&self) -> RawFd {
        self.as_fd().as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Connection>();
        check::<crate::Cookie<'static, yonder_protocol::reply::SyncReply>>();
        check::<crate::VoidCookie<'static>>();
    }

    #[test]
    fn app_name_defaults_to_the_executable() {
        assert!(!default_app_name().is_empty());
    }

    #[test]
    fn ids_count_up_in_the_id_space() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let transport = Transport::new(
            crate::io::Stream::Unix(a),
            0xABCD,
            None,
            "t".into(),
            Reconnect::default(),
            ":0".into(),
        )
        .unwrap();
        let conn = Connection::new(transport, ":0".into(), "t".into());
        assert_eq!(conn.generate_id(), make_id(0xABCD, 1));
        assert_eq!(conn.new_window_id(), WindowId(make_id(0xABCD, 2)));
        assert_eq!(conn.new_pixmap_id(), PixmapId(make_id(0xABCD, 3)));
        assert_eq!(conn.new_gc_id(), GcId(make_id(0xABCD, 4)));
        assert_eq!(yonder_protocol::id_space_of(conn.generate_id()), 0xABCD);
        assert_eq!(conn.root(), WindowId::ROOT);
        assert_eq!(
            (
                conn.app_name(),
                conn.id_space(),
                conn.display_name().as_str()
            ),
            ("t", 0xABCD, ":0")
        );
    }

    #[test]
    fn id_spaces_are_nonzero() {
        for _ in 0..100 {
            assert_ne!(random_id_space().unwrap(), 0);
        }
    }
}
