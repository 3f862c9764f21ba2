//! The sending core: the [`Transport`] of a connection. It numbers and buffers requests,
//! flushes them, holds the reading token and routes what arrives, and runs the one
//! waiting loop behind every blocking call (replies, checks, events, setup). It knows
//! nothing of request types beyond their encoding, nor of images or resource ids: those
//! are the layers above (`cookie`, `images`, `connection`, `requests`).
//!
//! Reading: one thread at a time holds the reading token (`State::reading`). It reads
//! with no lock held, then routes the decoded messages under the state lock and wakes
//! everyone waiting on `Transport::changed`; each waiter then looks for what it wants.
//!
//! Writing: a flush holds the output lock across its write calls. Writes time out after
//! [`WRITE_TIMEOUT`]; a write that cannot proceed reads what the server sent (when no
//! other thread is reading), since a server blocked on writing to us stops reading too.
//! The same holds for the encrypted bytes a TLS stream keeps after taking a write: the
//! flush ends only once they are out too. The buffer itself, with the descriptors that
//! travel with their frames, is the `output` module's.
//!
//! Losing the connection (protocol.md §5.4): over the network a 1.5 session is kept by
//! the server for a while, so a lost link does not fail the connection. The transport
//! *detaches* instead: requests are kept (within a bound) rather than written, waits for
//! events wait on, and the `reconnect` thread dials the display again with backoff,
//! resumes the session, sends again what the server never processed and swaps the new
//! socket in. An app notices a pause, and an [`Incoming::Display`](crate::Incoming)
//! item if it looks.

mod migrate;
mod reconnect;
mod wake;

pub(crate) use migrate::Via;
mod stats;

use crate::dial::{Dialer, Reconnect};
use crate::error::{ConnectionError, ReplyError};
use crate::event::Incoming;
use crate::io::{Filled, Input, Msg, ReadMode, Stream};
use crate::journal::{Copy, Replay, Sent, Shared};
use crate::lock::{lock, Condvar, Mutex};
use crate::output::{Output, DIRECT_MIN, WRITE_TIMEOUT};
use crate::ready::Ready;
use crate::renumber::Renumber;
use crate::state::{message_seq, screen_of, State};
use crate::swap::Swap;
use std::io;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};
use yonder_protocol::event::ClientMessage;
use yonder_protocol::fast_encode::{encode_request_frame, put_image_frame_head};
use yonder_protocol::request::{
    opaque_alpha, CloseDownMode, NoOperation, PutImage, SetCloseDownMode, Sync,
};
use yonder_protocol::{
    atoms, encode_frame, Event, Hello, Reply, Request, RequestInfo, Seq, Setup, SetupResponse,
};

/// The protocol minor version from which a request's own ids may be relative (§6.1).
pub(crate) const RELATIVE_IDS_SINCE: u32 = 10;

/// How long dropping the connection keeps trying to send what is left.
const DROP_FLUSH_LIMIT: Duration = Duration::from_secs(1);

/// How long a wait may last.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    Block,
    Poll,
    Until(Instant),
}

/// The socket and everything that moves bytes over it, shared by all threads using the
/// connection (every method takes `&self`, through [`Inner`]). Dropping it ends the
/// session on purpose and flushes what is left.
///
/// Why an `Arc` inside: the reconnecting thread (see `reconnect`) works on the same
/// state while the app goes on; it holds the other reference and ends when the
/// transport is dropped.
pub(crate) struct Transport(Arc<Inner>);

impl std::ops::Deref for Transport {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Everything a transport shares with its reconnecting thread.
pub(crate) struct Inner {
    /// The socket. Reads and writes go through `&Stream`, so a thread blocked reading does
    /// not stop others from sending. Behind a lock only to be swapped after a resume:
    /// each read pass and each flush takes a reference for its length.
    stream: Mutex<Arc<Stream>>,
    /// Output buffer and request counter. Locked to send a request and across a flush's
    /// write calls (so frames are never interleaved and sequence numbers match the order
    /// on the wire).
    out: Mutex<Output>,
    /// The read buffer. Locked only by the thread holding the reading token (so never
    /// contended); a Mutex only to make the sharing safe without `unsafe`.
    input: Mutex<Input>,
    /// Slots, event queue, reading token, failure. Held only for short bookkeeping, never
    /// across I/O or a call into user code. Lock order: `out`, then `journal`, then
    /// `input`, then `state` (the image lock, when held, comes before all four).
    ///
    /// Why not one lock around everything, like a single-threaded app would need? A
    /// thread blocked in `wait_for_event` would then stop every other thread from even
    /// sending a request until some event arrived. Instead, like x11rb, one thread at a
    /// time holds the reading token and reads without any lock held; the others wait on
    /// `changed` and look for their reply or event after each batch it routes.
    state: Mutex<State>,
    /// Signalled whenever the reader has routed a batch, failed, or given the token back.
    changed: Condvar,
    /// The descriptor for other event loops and the wakers (`ready`). Made with the
    /// transport; raised only once the app asked for the descriptor or a waker (`armed`),
    /// so that apps which do not use them pay no system call per read.
    ready: Ready,
    /// The app holds the descriptor or a waker: notifications raise `ready`.
    armed: AtomicBool,
    /// The first setup reply, once it has arrived (what the first wait waits for).
    setup: OnceLock<Setup>,
    /// The setup of the display the app is on now: the first, then that of a restarted
    /// display it came back to or of a display it moved to. Replaced under `out`; behind
    /// a lock only for that, cloned out (an `Arc`) by whoever asks.
    setup_now: Mutex<Option<Arc<Setup>>>,
    /// Copy of the request counter, readable without the output lock: the reader checks
    /// that the server never answers a request that was not sent.
    requests_sent: AtomicU64,
    /// The id space proposed in the hello; the setup must grant this one. The app's ids
    /// are in it for the connection's life.
    id_space: u32,
    /// The id space on the wire: the app's own, or another where the app moved and its
    /// own was taken (protocol.md §5.5; `swap` exchanges the two in every message).
    /// Changed by a move's switch with `out` and `input` held.
    wire_space: AtomicU32,
    /// The atom numbers of the display the app is on (`renumber`), shared with the read
    /// buffer and the output. Replaced by a move's switch with `out` and `input` held;
    /// behind a lock only for that, read when a read buffer is made (a resume).
    renumber: Mutex<Arc<Renumber>>,
    /// The minor version of the display the app is on now (the first setup's, then a
    /// resumed or moved-to display's): what it may be sent.
    display_minor: AtomicU32,
    /// How to reach the display again, when a lost connection is to be resumed (a
    /// network display and an app that did not choose to end with its connection).
    /// Swapped when the app moves to another display (`migrate`); behind a lock only
    /// for that, read once per resume attempt.
    dialer: Mutex<Option<Arc<Dialer>>>,
    /// The dialer reaches its display over the network (a lost link is survived):
    /// read by every flush, so kept apart from the dialer's lock.
    network: AtomicBool,
    /// A move to another display is under way (`migrate`): requests are copied for it
    /// into `copy`. Changed only with `out` held; read under `out` by every send.
    moving: AtomicBool,
    /// The copy of the app's requests a move sends ahead (`journal::Copy`). Lock order:
    /// after `out`, before `journal`.
    copy: Mutex<Copy>,
    /// A move is under way (one at a time).
    migrating: AtomicBool,
    /// A move's switch is shutting the old socket: the end a reader finds there is not
    /// a lost connection.
    leaving: AtomicBool,
    /// The app's name, for the hello of a display it moves to.
    app_name: String,
    /// The display the app is on (changed by a move).
    display: Mutex<String>,
    /// What the app does when its connection is lost, for the display it moves to.
    reconnect: Reconnect,
    /// The session's secret (from a 1.5 setup), for the resume's hello.
    secret: Mutex<Option<Vec<u8>>>,
    /// Set when the transport is dropped: the reconnecting thread stops.
    closing: AtomicBool,
    /// A lost connection is resumed: there is a dialer and the setup had a session.
    resumable: AtomicBool,
    /// This transport itself, for the reconnecting thread it starts.
    me: Weak<Inner>,
    /// The journal of the app's server-side state, fed every request under `out` (its
    /// lock comes after `out`, before `input` and `state`: see `journal::Shared`).
    journal: Shared,
    /// How many new sessions replaced the first (protocol.md §5.4, case 1): the server
    /// of each knows nothing the connection had attached before, such as the image
    /// code's shared-memory segment. Only changed with `out` held, so a frame encoded
    /// under `out` reads the session it goes to.
    new_sessions: AtomicU64,
    /// `YONDER_DEBUG_JOURNAL=1`: a line on stderr at each resume and at the end (`stats`).
    debug_journal: bool,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("id_space", &self.id_space)
            .finish_non_exhaustive()
    }
}

/// Whether a write error means the link is gone (rather than a bug or a full socket).
fn is_lost_link(e: &io::Error) -> bool {
    !crate::io::is_would_block(e)
}

fn connection_error(e: io::Error) -> ConnectionError {
    use io::ErrorKind::*;
    match e.kind() {
        BrokenPipe | ConnectionReset | ConnectionAborted | WriteZero | UnexpectedEof => {
            ConnectionError::Closed
        }
        _ => ConnectionError::from(e),
    }
}

impl Transport {
    /// Takes over a connected socket (its writes get [`WRITE_TIMEOUT`]) for a client that
    /// proposes `id_space`. Nothing is sent yet: [`Transport::send_hello`] comes first.
    /// With a `dialer`, a lost connection is resumed (protocol.md §5.4).
    pub(crate) fn new(
        stream: Stream,
        id_space: u32,
        dialer: Option<Dialer>,
        app_name: String,
        reconnect: Reconnect,
        display: String,
    ) -> io::Result<Transport> {
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        let ready = Ready::new(&stream)?;
        let renumber = Arc::new(Renumber::same());
        let mut input = Input::default();
        input.set_renumber(&renumber);
        Ok(Transport(Arc::new_cyclic(|me| Inner {
            stream: Mutex::new(Arc::new(stream)),
            out: Mutex::new(Output::default()),
            input: Mutex::new(input),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            ready,
            armed: AtomicBool::new(false),
            setup: OnceLock::new(),
            setup_now: Mutex::new(None),
            requests_sent: AtomicU64::new(0),
            id_space,
            wire_space: AtomicU32::new(id_space),
            renumber: Mutex::new(renumber),
            display_minor: AtomicU32::new(0),
            network: AtomicBool::new(dialer.as_ref().is_some_and(Dialer::is_network)),
            dialer: Mutex::new(dialer.map(Arc::new)),
            moving: AtomicBool::new(false),
            copy: Mutex::new(Copy::default()),
            migrating: AtomicBool::new(false),
            leaving: AtomicBool::new(false),
            app_name,
            reconnect,
            display: Mutex::new(display),
            secret: Mutex::new(None),
            closing: AtomicBool::new(false),
            resumable: AtomicBool::new(false),
            me: me.clone(),
            journal: Shared::new(id_space),
            new_sessions: AtomicU64::new(0),
            debug_journal: stats::enabled(),
        })))
    }
}

impl Inner {
    /// The display the app is on.
    pub(crate) fn display_name(&self) -> String {
        lock(&self.display).clone()
    }

    /// How to reach the display again, if the connection is to be resumed.
    fn dialer(&self) -> Option<Arc<Dialer>> {
        lock(&self.dialer).clone()
    }

    /// The socket in use.
    fn stream(&self) -> Arc<Stream> {
        lock(&self.stream).clone()
    }

    /// The id space proposed in the hello (and granted by the setup).
    pub(crate) fn id_space(&self) -> u32 {
        self.id_space
    }

    /// The exchange of the app's id space with the one on the wire, if they differ.
    pub(super) fn swap(&self) -> Option<Swap> {
        let wire = self.wire_space.load(Ordering::Acquire);
        (wire != self.id_space).then_some(Swap {
            app: self.id_space,
            wire,
        })
    }

    /// Whether the socket is a Unix socket (a local server: descriptors can travel).
    pub(crate) fn is_unix(&self) -> bool {
        self.stream().is_unix()
    }

    /// How many new sessions replaced the first so far (see `Inner::new_sessions`).
    pub(crate) fn new_sessions(&self) -> u64 {
        self.new_sessions.load(Ordering::Acquire)
    }

    /// The highest sequence number seen in anything from the server.
    pub(crate) fn last_seq(&self) -> u64 {
        lock(&self.state).last_seq
    }

    /// The minor version of the display the app is on now (0 before the first setup).
    pub(crate) fn display_minor(&self) -> u16 {
        self.display_minor.load(Ordering::Acquire) as u16
    }

    /// The setup of the display the app is on, if the first has arrived; never waits.
    pub(crate) fn setup_if_arrived(&self) -> Option<Arc<Setup>> {
        lock(&self.setup_now).clone()
    }

    /// The setup of the display the app is on, waiting for the first. A refusal is
    /// `ConnectionError::Refused`.
    pub(crate) fn setup(&self) -> Result<Arc<Setup>, ConnectionError> {
        if self.setup.get().is_none() {
            self.wait_blocking(|_| self.setup.get())?;
        }
        Ok(self
            .setup_if_arrived()
            .expect("stored with the first setup"))
    }

    /// A display the app came back to or moved to answered with `setup`.
    pub(super) fn setup_is(&self, setup: Setup) {
        *lock(&self.setup_now) = Some(Arc::new(setup));
    }

    /// Checks a setup reply against what this client proposed; stores it if it fits.
    /// Called by the reader with the state lock held: it must not take that lock.
    fn accept_setup(&self, setup: Setup) -> Result<(), ConnectionError> {
        if setup.id_space != self.id_space {
            return Err(ConnectionError::Malformed(format!(
                "the setup grants id space {:#x}, not the proposed {:#x}",
                setup.id_space, self.id_space
            )));
        }
        if setup.screens.is_empty() {
            return Err(ConnectionError::Malformed(
                "the setup lists no screen".into(),
            ));
        }
        if let Some(session) = &setup.session {
            *lock(&self.secret) = Some(session.secret.clone());
            if lock(&self.dialer).is_some() {
                self.resumable.store(true, Ordering::Release);
            }
        }
        self.display_minor
            .store(setup.minor as u32, Ordering::Release);
        lock(&self.renumber).predefines(setup.atoms.len());
        *lock(&self.setup_now) = Some(Arc::new(setup.clone()));
        let _ = self.setup.set(setup);
        Ok(())
    }

    /// Encodes and sends the hello, the one frame that is not a request.
    pub(crate) fn send_hello(&self, msg: &Hello) -> Result<(), ConnectionError> {
        let mut out = lock(&self.out);
        out.push(None, |buf| encode_frame(msg, buf));
        self.flush_locked(&mut out, None)
    }

    /// Encodes a request without a cookie (fire and forget; see `send_tracked`).
    pub(crate) fn send_plain(&self, request: &Request) -> Seq {
        self.send_tracked(request, None)
    }

    /// Buffers a request and gives it the next sequence number. `cookie`: whether a cookie
    /// will follow the request, and if so whether the request has a reply.
    pub(crate) fn send_tracked(&self, request: &Request, cookie: Option<bool>) -> Seq {
        self.send_tracked_with_fd(request, cookie, None)
    }

    /// Sends a PutImage with a cookie: `head` is the request with its `data` empty, the
    /// pixels are `data`. A large image to a display of this version goes to the socket
    /// from `data` itself, after its head (Xlib's XPutImage writes its pixels so too);
    /// every other as [`Transport::send_tracked`] would send the whole request.
    pub(crate) fn send_put(&self, head: &PutImage, data: &[u8]) -> Seq {
        let sent = Sent::Put { head, data };
        self.send_encoded(Some(PutImage::HAS_REPLY), None, sent, |buf| {
            put_image_frame_head(head, data.len(), buf);
            buf.extend_from_slice(data);
        })
    }

    /// [`Transport::send_tracked`], with a file descriptor sent along with the frame's
    /// first byte (Unix sockets only; the caller checks).
    pub(crate) fn send_tracked_with_fd(
        &self,
        request: &Request,
        cookie: Option<bool>,
        fd: Option<OwnedFd>,
    ) -> Seq {
        self.send_encoded(cookie, fd, Sent::Request(request), |buf| {
            encode_request_frame(request, buf)
        })
    }

    /// Buffers the frame `encode` appends (exactly one request frame) and gives it the
    /// next sequence number; `cookie` and `fd` as in [`Transport::send_tracked_with_fd`].
    /// The drawing methods encode their slices here directly, with no `Request` built.
    /// The journal notes the request (`sent`; `encode` again if it keeps the frame).
    pub(crate) fn send_encoded(
        &self,
        cookie: Option<bool>,
        fd: Option<OwnedFd>,
        sent: Sent<'_>,
        encode: impl Fn(&mut Vec<u8>),
    ) -> Seq {
        let mut out = lock(&self.out);
        let seq = out.next_seq();
        self.requests_sent.store(seq, Ordering::Release);
        if let Some(expects_reply) = cookie {
            lock(&self.state).track(seq, expects_reply);
        }
        // A large image's pixels, written to the socket from where they are, right after
        // their head (below).
        let mut tail: &[u8] = &[];
        // A NoOperation has no ids and no values: it goes as it is (the per-thread id
        // setting cost it 7 % of its instructions, and the version checks below 5 %).
        let full = match sent {
            Sent::Request(Request::NoOperation(_)) => out.push(fd, &encode),
            _ => {
                let minor = self.display_minor.load(Ordering::Acquire);
                // To a 1.10 display the app's own ids go relative (−n, §6.1): the frame
                // kept for the output only; the journal's and a move's copies are encoded
                // in full, for a display of any version (and `swap` leaves relative ids
                // alone: they are in whatever space the connection has).
                let space = match minor >= RELATIVE_IDS_SINCE {
                    true => self.id_space,
                    false => 0,
                };
                match (minor < yonder_protocol::PROTOCOL_MINOR as u32, sent) {
                    (true, _) => self.push_for_older(&mut out, fd, sent, minor, space, &encode),
                    (false, Sent::Put { head, data })
                        if data.len() >= DIRECT_MIN && out.takes_tail() =>
                    {
                        tail = data;
                        yonder_protocol::encode_relative_to(space, || {
                            out.push(fd, |buf| put_image_frame_head(head, data.len(), buf))
                        })
                    }
                    (false, _) => {
                        yonder_protocol::encode_relative_to(space, || out.push(fd, &encode))
                    }
                }
            }
        };
        if self.moving.load(Ordering::Relaxed) {
            lock(&self.copy).note(sent, &encode);
        }
        if !tail.is_empty() {
            // The pixels follow their head at once: no other frame may come between.
            // A failure is recorded in the state and reported by the next wait.
            let _ = self.flush_with_tail(&mut out, None, tail);
        }
        let checkpoints = self.journal.note(Seq(seq), sent, &encode);
        if checkpoints {
            self.send_checkpoints(&mut out);
        }
        // After a tail, written above, what is left is the checkpoints' GetImages: they
        // go with the large put, as they did when its frame filled the buffer.
        if (full && tail.is_empty()) || (checkpoints && !tail.is_empty()) {
            // A failure is recorded in the state and reported by the next wait.
            let _ = self.flush_locked(&mut out, None);
        }
        Seq(seq)
    }

    /// Pushes a request's frame for a display of an older version than the library's
    /// (`minor`): a GC's values of a later version are left out and `Rgbx` pixels go as
    /// `Rgba` (§5.3: it would find them malformed), from this frame only. Before the
    /// setup has arrived the version is not known: an image goes in the form every
    /// version takes (`Rgbx` as `Rgba`, a first frame costs no round trip), GC values as
    /// the app gave them. Returns whether the output is full.
    #[cold]
    fn push_for_older(
        &self,
        out: &mut Output,
        fd: Option<OwnedFd>,
        sent: Sent<'_>,
        minor: u32,
        space: u32,
        encode: &impl Fn(&mut Vec<u8>),
    ) -> bool {
        // Before the setup, an image as version 1.0 takes it.
        let known = self.setup.get().is_some();
        let image_minor = if known { minor as u16 } else { 0 };
        let plain = match sent {
            Sent::Request(r) if known => r.for_minor(minor as u16),
            Sent::Request(r @ Request::PutImage(_)) => r.for_minor(0),
            Sent::Put { head, data } => head.format.for_minor(image_minor).map(|format| {
                let mut plain = PutImage {
                    format,
                    data: data.to_vec(),
                    ..head.clone()
                };
                opaque_alpha(&mut plain.data);
                Request::PutImage(plain)
            }),
            _ => None,
        };
        yonder_protocol::encode_relative_to(space, || match &plain {
            Some(plain) => out.push(fd, |buf: &mut Vec<u8>| encode_request_frame(plain, buf)),
            None => out.push(fd, encode),
        })
    }

    /// Sends a NoOperation (protocol 1.9) without a cookie: it has no reply and cannot
    /// fail, so nothing waits for it. On a display of an older version, or before the
    /// display's setup has arrived, nothing is sent (there it would be a Request error).
    pub(crate) fn no_operation(&self) {
        let since = yonder_protocol::SINCE_MINOR[NoOperation::OPCODE as usize] as u32;
        if self.display_minor.load(Ordering::Acquire) < since {
            return;
        }
        let request = Request::NoOperation(NoOperation {});
        self.send_encoded(None, None, Sent::Request(&request), |buf| {
            // A display of an older version took over since the check above (a new
            // session or a move stores its version under the output lock, which `encode`
            // runs under). The number is taken, so a request goes all the same: a Sync,
            // whose reply nobody waits for and which is dropped when it comes.
            if self.display_minor.load(Ordering::Acquire) < since {
                return encode_request_frame(&Request::Sync(Sync {}), buf);
            }
            buf.extend_from_slice(&NoOperation::FRAME)
        });
    }

    /// Sends the GetImages of the checkpoints the journal wants, as the library's own
    /// requests (their answers go back to the journal, see `read_pass`).
    #[cold]
    fn send_checkpoints(&self, out: &mut Output) {
        for (pixmap, requests) in self.journal.take_checkpoints() {
            let first = out.next_seq();
            let mut last = first;
            for (i, request) in requests.iter().enumerate() {
                if i > 0 {
                    last = out.next_seq();
                }
                self.requests_sent.store(last, Ordering::Release);
                lock(&self.state).library.push_back(last);
                out.push(None, |buf| encode_request_frame(request, buf));
            }
            self.journal.checkpoint_sent(pixmap, Seq(first), Seq(last));
        }
    }

    /// The memory the journal holds, in bytes.
    pub(crate) fn journal_bytes(&self) -> usize {
        self.journal.bytes()
    }

    /// The requests that recreate the app's server-side state on a fresh server.
    pub(crate) fn journal_replay(&self) -> Replay {
        self.journal.replay()
    }

    /// Sends every buffered request.
    pub(crate) fn flush(&self) -> Result<(), ConnectionError> {
        let mut out = lock(&self.out);
        self.flush_locked(&mut out, None)
    }

    fn flush_locked(
        &self,
        out: &mut Output,
        give_up: Option<Instant>,
    ) -> Result<(), ConnectionError> {
        self.flush_with_tail(out, give_up, &[])
    }

    /// [`Transport::flush_locked`], then `tail`: the rest of the last frame buffered,
    /// written from where it is (see [`Output::write_all`]). Where it cannot be written
    /// now (no connection) it joins the buffer, so that what is kept is whole frames.
    fn flush_with_tail(
        &self,
        out: &mut Output,
        give_up: Option<Instant>,
        tail: &[u8],
    ) -> Result<(), ConnectionError> {
        if out.is_dead() {
            return Err(self.fail(ConnectionError::Closed));
        }
        let (broken, detached, acked, refused) = {
            let mut st = lock(&self.state);
            let refused = std::mem::take(&mut st.replay_refused);
            (
                st.broken.clone(),
                st.detached.is_some(),
                st.last_seq,
                refused,
            )
        };
        let resumable = self.resumable.load(Ordering::Acquire);
        // Only a network link can break under a live server and be resumed with the
        // session; a local socket ends with its server, and a new one replays instead.
        let retained = resumable && self.network.load(Ordering::Acquire);
        // Whatever is pushed, kept or counted from here on must see whole frames: the
        // tail joins the buffer unless it is written now.
        let tail = match broken.is_some() || detached || retained {
            true => {
                out.append_tail(tail);
                &[][..]
            }
            false => tail,
        };
        if let Some(e) = broken {
            if refused {
                self.end_refused_session(out);
            }
            // Nothing will be sent any more: stop buffering.
            out.kill();
            return Err(e);
        }
        if retained {
            if !out.retains() {
                out.start_retaining();
            }
            out.acked(acked);
        }
        if detached {
            // No connection: kept for the resume instead (see `reconnect`).
            out.park();
            return Ok(());
        }
        match out.write_all(&self.stream(), give_up, tail, || self.drain_if_idle()) {
            Ok(()) => Ok(()),
            Err(e) => {
                // What the server said before it closed comes first: a refusal says why,
                // and a ServerEnding says whether to come back.
                self.drain_if_idle();
                let survivable = {
                    let st = lock(&self.state);
                    st.ending != Some(false) && st.broken.is_none()
                };
                if resumable && survivable && is_lost_link(&e) {
                    out.park();
                    self.lost(&connection_error(e));
                    return Ok(());
                }
                out.kill();
                Err(self.fail(connection_error(e)))
            }
        }
    }

    /// Reads what is available, unless another thread is reading already.
    fn drain_if_idle(&self) {
        {
            let mut st = lock(&self.state);
            if st.reading || st.broken.is_some() || st.detached.is_some() {
                drop(st);
                std::thread::yield_now();
                return;
            }
            st.reading = true;
        }
        self.read_pass(ReadMode::Poll);
    }

    /// One read and the routing of every whole frame received. The caller holds the
    /// reading token; this gives it back and wakes the waiters.
    fn read_pass(&self, mode: ReadMode) {
        let mut msgs = Vec::new();
        // The socket is taken with the read buffer held: a move swaps both together.
        let mut input = lock(&self.input);
        let stream = self.stream();
        let outcome = {
            let filled = input.fill(&stream, mode);
            match (input.decode(&mut msgs), filled) {
                (Err(e), _) => Err(ConnectionError::Malformed(e)),
                (Ok(()), Err(e)) => Err(connection_error(e)),
                (Ok(()), Ok(Filled::Eof)) => Err(ConnectionError::Closed),
                (Ok(()), Ok(_)) => Ok(()),
            }
        };
        drop(input);
        let mut st = lock(&self.state);
        for msg in msgs {
            if st.broken.is_some() {
                break;
            }
            match msg {
                Msg::Setup(response) => match *response {
                    SetupResponse::Accepted(setup) => {
                        st.screen = screen_of(&setup);
                        if let Err(e) = self.accept_setup(setup) {
                            st.fail(e);
                        }
                    }
                    SetupResponse::Refused(r) => {
                        st.fail(ConnectionError::Refused(r.reason));
                    }
                },
                Msg::Server(m) => {
                    // Counted before it could be flushed, so an honest server is never ahead.
                    let sent = self.requests_sent.load(Ordering::Acquire);
                    match message_seq(&m) {
                        Seq(n) if n > sent => {
                            st.fail(ConnectionError::Malformed(format!(
                                "a message for request {n}, but only {sent} were sent"
                            )));
                        }
                        _ => st.apply(m),
                    }
                }
            }
        }
        st.reading = false;
        // A display that said it ends for good is not waited for.
        let survivable = st.ending != Some(false);
        let news = (!st.journal_news.is_empty()).then(|| std::mem::take(&mut st.journal_news));
        let ask_close = st.ending == Some(false) && !st.close_asked;
        st.close_asked |= ask_close;
        let moves = std::mem::take(&mut st.move_asked);
        drop(st);
        if ask_close {
            self.ask_to_close();
        }
        for (to, token) in moves {
            self.move_asked(to, token);
        }
        match outcome {
            // A move shut the old socket: the new one is being put in its place, or is
            // there already.
            Err(_)
                if self.leaving.load(Ordering::Acquire)
                    || !Arc::ptr_eq(&stream, &lock(&self.stream)) => {}
            Err(e) if survivable && self.resumable.load(Ordering::Acquire) && e.is_lost_link() => {
                self.lost(&e)
            }
            Err(e) => {
                lock(&self.state).fail(e);
            }
            Ok(()) => {}
        }
        self.notify();
        if let Some(news) = news {
            self.journal.learn(news);
        }
    }

    /// The display had no room for the app's state (protocol.md §5.4): the session ends
    /// here, on purpose, so that the server frees what was replayed at once rather than
    /// keep a half-restored app detached for its grace period.
    /// Done by the first flush after the refusal was read (the app's next wait, or the
    /// drop), which holds the output already.
    #[cold]
    fn end_refused_session(&self, out: &mut Output) {
        let goodbye = Request::SetCloseDownMode(SetCloseDownMode {
            mode: CloseDownMode::Destroy,
        });
        out.next_seq();
        out.push(None, |buf| encode_request_frame(&goodbye, buf));
        let stream = self.stream();
        let _ = out.write_all(&stream, Some(Instant::now() + DROP_FLUSH_LIMIT), &[], || {});
        out.kill();
        let _ = stream.shutdown();
    }

    /// The display ends for good (ServerEnding without restart, protocol.md §5.4): each
    /// of the app's windows that takes the close request gets one, as from the window
    /// manager's close button, so that the app may save and exit. Queued ahead of the
    /// end of the connection.
    #[cold]
    fn ask_to_close(&self) {
        let windows = self.journal.closable_windows();
        let mut st = lock(&self.state);
        for window in windows {
            let msg = ClientMessage {
                window,
                type_: atoms::WM_PROTOCOLS,
                data: atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec(),
            };
            st.events.push_back(Incoming::Event {
                event: Event::ClientMessage(msg),
                sent: true,
            });
        }
    }

    /// Flushes, then reads until `cond` yields something, the connection fails, or `wait`
    /// runs out (`Ok(None)`). `cond` runs under the state lock and must be quick.
    pub(crate) fn wait_until<T>(
        &self,
        wait: Wait,
        cond: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<Option<T>, ConnectionError> {
        // What we wait for may need requests still in the buffer. A failure is recorded
        // in the state; what already arrived can still be collected below.
        let _ = self.flush();
        self.wait_unflushed(wait, cond)
    }

    /// [`Inner::wait_until`] without the flush first: for a caller that holds the
    /// output lock and flushed itself (a move's switch).
    fn wait_unflushed<T>(
        &self,
        wait: Wait,
        mut cond: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<Option<T>, ConnectionError> {
        let mut polled = false;
        let mut st = lock(&self.state);
        loop {
            if let Some(t) = cond(&mut st) {
                return Ok(Some(t));
            }
            if let Some(e) = &st.broken {
                return Err(e.clone());
            }
            // Out of time: a poll, or a deadline that passed (even a zero timeout gets one
            // look at what the socket already holds).
            let expired = match wait {
                Wait::Block => false,
                Wait::Poll => true,
                Wait::Until(deadline) => Instant::now() >= deadline,
            };
            if expired && polled {
                return Ok(None);
            }
            if st.reading || st.detached.is_some() {
                // Another thread reads; it wakes us after routing what it got. Or the
                // connection is being resumed: the reconnecting thread wakes us.
                match wait {
                    _ if expired => return Ok(None),
                    Wait::Until(deadline) => {
                        let _ = self.changed.wait_until(&mut st, deadline);
                    }
                    _ => self.changed.wait(&mut st),
                }
                continue;
            }
            let mode = match wait {
                _ if expired => ReadMode::Poll,
                Wait::Until(deadline) => ReadMode::Until(deadline),
                _ => ReadMode::Block,
            };
            st.reading = true;
            drop(st);
            self.read_pass(mode);
            polled = true;
            st = lock(&self.state);
        }
    }

    /// [`Transport::wait_until`] with no time limit.
    fn wait_blocking<T>(
        &self,
        cond: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<T, ConnectionError> {
        match self.wait_until(Wait::Block, cond)? {
            Some(t) => Ok(t),
            // A blocking wait ends only with a value or an error.
            None => Err(ConnectionError::Closed),
        }
    }

    /// Records a failure of the connection; returns the error in force.
    pub(crate) fn fail(&self, err: ConnectionError) -> ConnectionError {
        let err = lock(&self.state).fail(err);
        self.notify();
        err
    }

    pub(crate) fn wait_for_reply(&self, seq: Seq) -> Result<Reply, ReplyError> {
        self.wait_blocking(|st| st.take_reply(seq.0))?
    }

    pub(crate) fn check_seq(&self, seq: Seq) -> Result<(), ReplyError> {
        let known = lock(&self.state).take_check(seq.0);
        let outcome = match known {
            Some(outcome) => outcome,
            None => {
                // Nothing after the request has arrived yet: a round trip settles it.
                self.send_plain(&Request::Sync(Sync {}));
                self.wait_blocking(|st| st.take_check(seq.0))?
            }
        };
        outcome.map_err(ReplyError::Protocol)
    }

    pub(crate) fn forget_seq(&self, seq: Seq) {
        if lock(&self.state).forget(seq.0) {
            self.notify();
        }
    }

    pub(crate) fn ignore_seq(&self, seq: Seq) {
        lock(&self.state).ignore(seq.0);
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::Release);
        self.changed.notify_all();
        // The session ends here, on purpose: the server frees this client at once
        // instead of keeping it for a resume (protocol.md §5.4). A server before 1.5
        // answers with a Request error nobody reads.
        let goodbye = Request::SetCloseDownMode(SetCloseDownMode {
            mode: CloseDownMode::Destroy,
        });
        self.send_plain(&goodbye);
        let mut out = lock(&self.out);
        let _ = self.flush_locked(&mut out, Some(Instant::now() + DROP_FLUSH_LIMIT));
        drop(out);
        if let (true, Some(dialer)) = (self.debug_journal, self.dialer()) {
            stats::report_exit(dialer.app_name(), self.journal.bytes());
        }
    }
}
