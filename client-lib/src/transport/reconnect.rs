//! Resuming a session after the connection was lost (protocol.md §5.4): the transport
//! detaches ([`Inner::lost`]) and one thread per loss dials the display again, with a
//! backoff from 50 ms to 5 s (a local display: also woken at once when a socket appears
//! in its directory), until it is back, the app gives up (its
//! [`Reconnect`](crate::Reconnect) give-up time) or the connection is dropped.
//!
//! Once dialed: the output lock is taken (requests wait a round trip), the hello carries
//! the session's secret, the oldest request kept and the next number, and the setup
//! says what the server processed. The kept requests after that are put back in front of
//! the buffer, the new socket is swapped in, replies that were lost are failed, and the
//! waiting threads are woken. A new session (a restarted server, or one that freed the
//! client) gets the journal's replay instead: the app's windows, pixmaps, properties
//! and selections are recreated with their ids, and Exposes follow as for any new
//! window.

use super::stats::{self, Back};
use super::Inner;
use crate::error::ConnectionError;
use crate::event::{DisplayChange, Incoming};
use crate::io::{Input, Stream};
use crate::journal::Images;
use crate::lock::lock;
use crate::output::WRITE_TIMEOUT;
use crate::state::screen_of;
use std::io::{self, Read, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use yonder_protocol::event::ExposeEvent;
use yonder_protocol::handshake::{decode_setup_response, Resume};
use yonder_protocol::{encode_frame, Event, Hello, Rect, Request, SetupResponse};

/// The first pause between two attempts; it doubles up to [`BRIEF_PAUSE`] during a
/// brief outage, then up to [`BACKOFF_MAX`].
const BACKOFF_MIN: Duration = Duration::from_millis(50);
/// The longest pause between two attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// Over the network, the first part of an outage (a short drop, a proxy or router
/// restarting: the common case) is retried at most [`BRIEF_PAUSE`] apart, so that the
/// app is back within that of the link; later the pause grows to [`BACKOFF_MAX`].
const BRIEF_OUTAGE: Duration = Duration::from_secs(2);
/// The longest pause during a [`BRIEF_OUTAGE`].
const BRIEF_PAUSE: Duration = Duration::from_millis(100);
/// How long the server may take to answer a resume's hello.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest setup response read.
const MAX_SETUP: usize = 1 << 20;

/// Why an attempt did not bring the connection back.
enum Attempt {
    /// Try again later (the display is not there yet, or refused for now).
    Again(String),
    /// Give up: the session cannot go on.
    Fatal(ConnectionError),
}

impl Inner {
    /// The connection is lost (`why`): detach, tell the app, and start resuming, once.
    pub(super) fn lost(&self, why: &ConnectionError) {
        let mut st = lock(&self.state);
        if st.broken.is_some() || st.detached.is_some() {
            return;
        }
        st.detached = Some(Instant::now());
        st.events.push_back(Incoming::Display(DisplayChange::Lost));
        drop(st);
        // The dead socket would keep the app's loop awake while the link is resumed.
        self.ready.unwatch();
        let Some(me) = self.me.upgrade() else {
            return;
        };
        let why = why.to_string();
        let spawned = std::thread::Builder::new()
            .name("yonder-reconnect".into())
            .spawn(move || me.reconnect(&why));
        if let Err(e) = spawned {
            self.fail(ConnectionError::from(e));
        }
        self.notify();
    }

    /// The reconnecting thread: attempts until back, given up, or dropped.
    fn reconnect(self: Arc<Self>, why: &str) {
        let dialer = self
            .dialer()
            .expect("only a transport with a dialer resumes");
        let started = Instant::now();
        // A local display's server is waited for by its socket appearing.
        let watch = dialer.watch();
        let mut pause = BACKOFF_MIN;
        let mut last = why.to_string();
        let mut attempts = 0;
        loop {
            // Dropped, or failed for good meanwhile (a ServerEnding read by another thread).
            if self.closing.load(Ordering::Acquire) || lock(&self.state).broken.is_some() {
                return;
            }
            if dialer.gives_up(started.elapsed()) {
                self.fail(ConnectionError::Refused(format!(
                    "the display did not come back within {} s (last: {last})",
                    started.elapsed().as_secs()
                )));
                return;
            }
            attempts += 1;
            match self.attempt() {
                Ok(back) => {
                    let mut st = lock(&self.state);
                    st.events.push_back(Incoming::Display(DisplayChange::Back {
                        resumed: back.resumed,
                    }));
                    drop(st);
                    self.notify();
                    if self.debug_journal {
                        let bytes = self.journal.bytes();
                        let app = dialer.app_name();
                        stats::report_back(app, bytes, &back, attempts, started.elapsed());
                    }
                    return;
                }
                Err(Attempt::Fatal(e)) => {
                    self.fail(e);
                    return;
                }
                Err(Attempt::Again(why)) => last = why,
            }
            match &watch {
                Some(w) => w.wait(pause),
                None => self.pause(pause),
            }
            let cap = match watch.is_none() && started.elapsed() < BRIEF_OUTAGE {
                true => BRIEF_PAUSE,
                false => BACKOFF_MAX,
            };
            pause = (pause * 2).min(cap);
        }
    }

    /// Sleeps `d`, or less when the transport is dropped meanwhile.
    fn pause(&self, d: Duration) {
        let mut st = lock(&self.state);
        let _ = self
            .changed
            .wait_while_for(&mut st, |_| !self.closing.load(Ordering::Acquire), d);
    }

    /// One attempt: dial, resume, and on success swap the new socket in.
    fn attempt(&self) -> Result<Back, Attempt> {
        let dialer = self.dialer().expect("checked by the caller");
        let mut back = Back {
            resumed: false,
            replay_requests: 0,
            replay_bytes: 0,
            build: Duration::ZERO,
            dialed: SystemTime::now(),
            done: SystemTime::UNIX_EPOCH,
        };
        let stream = dialer.dial().map_err(|e| Attempt::Again(e.to_string()))?;
        let cookie = dialer.cookie().map_err(|e| Attempt::Again(e.to_string()))?;
        let secret = lock(&self.secret).clone().unwrap_or_default();
        // Numbers stay still while the resume is settled: requests wait a round trip.
        let mut out = lock(&self.out);
        let hello = Hello {
            protocol: yonder_protocol::PROTOCOL_NAME.into(),
            major: yonder_protocol::PROTOCOL_MAJOR,
            minor: yonder_protocol::PROTOCOL_MINOR,
            cookie,
            app_name: dialer.app_name().to_string(),
            id_space: self.wire_space.load(Ordering::Acquire),
            resume: Some(Resume {
                secret,
                oldest: out.oldest_kept(),
                next_seq: out.last_seq() + 1,
            }),
            token: None,
        };
        let setup = handshake(&stream, &hello).map_err(|e| Attempt::Again(e.to_string()))?;
        let (screen, minor) = match &setup {
            SetupResponse::Accepted(s) => (screen_of(s), s.minor),
            SetupResponse::Refused(_) => (None, 0),
        };
        let session = match setup {
            SetupResponse::Refused(r) if r.reason.contains("secret is not its own") => {
                return Err(Attempt::Fatal(ConnectionError::Refused(r.reason)))
            }
            SetupResponse::Refused(r) => return Err(Attempt::Again(r.reason)),
            SetupResponse::Accepted(s) => {
                let session = s.session.clone().ok_or_else(|| {
                    Attempt::Fatal(ConnectionError::Refused(format!(
                        "the display came back as a server of version 1.{}, which cannot \
                         resume a session",
                        s.minor
                    )))
                })?;
                self.setup_is(s);
                session
            }
        };
        self.display_minor.store(minor as u32, Ordering::Release);
        stream
            .set_write_timeout(Some(WRITE_TIMEOUT))
            .map_err(|e| Attempt::Again(e.to_string()))?;
        // Replies awaited for requests the server processed (or, in a new session, that
        // no server will answer) were lost with the connection: the requests still kept
        // that only ask are asked again, after what goes first.
        let awaited = lock(&self.state).slots.awaited_through(session.last_seq);
        let again = match awaited.is_empty() {
            true => Vec::new(),
            false => out.frames_of(|seq| awaited.binary_search(&seq).is_ok()),
        };
        match session.resumed {
            // The server kept everything: what it never processed goes again.
            true => out.rewind(session.last_seq),
            // A new session (a restarted server, or one that freed the app): the
            // journal recreates the app's state, in one pipelined batch numbered after
            // `last_seq`. What the app sent meanwhile is in the journal already
            // (drawing into windows is redrawn on the Exposes that come).
            false => {
                out.new_session(session.last_seq);
                let first = session.last_seq + 1;
                self.new_sessions.fetch_add(1, Ordering::AcqRel);
                let built = Instant::now();
                // Over the network the bytes are the time: pixmap contents go compressed
                // where that pays (a server of 1.3 or later takes QOI).
                let images = match dialer.is_network() && minor >= 3 {
                    true => Images::Lossless,
                    false => Images::Raw,
                };
                let replay = self.journal.replay_with(images, minor);
                back.build = built.elapsed();
                back.replay_requests = replay.requests();
                back.replay_bytes = replay.frames().len();
                for frame in yonder_protocol::frames(replay.frames()) {
                    out.next_seq();
                    out.push(None, |b| b.extend_from_slice(frame));
                }
                lock(&self.state).replay =
                    (out.last_seq() >= first).then(|| (first, out.last_seq()));
                *lock(&self.secret) = Some(session.secret.clone());
            }
        }
        let mut renumbered = Vec::new();
        for (first, frame) in again.into_iter() {
            if !only_asks(&frame, self.id_space) {
                continue;
            }
            renumbered.push((first, out.next_seq()));
            // The kept frames went out with the app's ids and atoms the display's already;
            // to a display before 1.10 a frame written for a 1.10 one goes in full.
            let wire = self.wire_space.load(Ordering::Acquire);
            out.push_as_sent(&for_version(frame, minor, wire));
        }
        self.requests_sent.store(out.last_seq(), Ordering::Release);
        let mut input = Input::after_setup();
        input.set_swap(self.swap());
        input.set_renumber(&lock(&self.renumber));
        *lock(&self.input) = input;
        self.set_stream(stream);
        let watches = self.journal.watches_root_structure();
        // A fresh server shows the app's windows blank: the app hears so now, and its
        // redraw follows the replay at once instead of a round trip later, behind the
        // server's own Exposes (protocol.md §5.4).
        let exposed = match session.resumed {
            true => Vec::new(),
            false => self.journal.exposed(),
        };
        {
            let mut st = lock(&self.state);
            st.lost_through(session.last_seq);
            st.asked_again(&renumbered);
            // The screen first: an app laying out on ScreenChange then redraws once.
            if let Some(screen) = screen {
                st.screen_is(screen, watches);
            }
            for (window, rect) in exposed {
                st.events.push_back(Incoming::Event {
                    event: Event::Expose(ExposeEvent {
                        window,
                        rect: Rect::new(0, 0, rect.width, rect.height),
                        count: 0,
                    }),
                    sent: false,
                });
            }
            st.detached = None;
        }
        // What the server never processed goes out now, on the new socket (a failure
        // is a new loss, noticed by the next flush or read).
        let _ = self.flush_locked(&mut out, None);
        back.resumed = session.resumed;
        back.done = SystemTime::now();
        Ok(back)
    }
}

/// `frame` as a display of version 1.`minor` reads it: as it is from 1.10 on; before, with
/// its relative ids (§6.1, in the connection's id space `wire`, as they went out) and
/// packed items (§8.2) written in full; and a GC's values of a later version than the
/// display's left out (`Request::for_minor`). A frame that does not decode stays as it is.
fn for_version(frame: Vec<u8>, minor: u16, wire: u32) -> Vec<u8> {
    let later = crate::journal::may_hold_later_fields(&frame, minor);
    if minor >= super::RELATIVE_IDS_SINCE as u16 && !later {
        return frame;
    }
    let body = &frame[4.min(frame.len())..];
    match yonder_protocol::decode_relative_to(wire, || {
        yonder_protocol::message::decode_request(body)
    }) {
        Ok(request) => {
            let request = request.for_minor(minor).unwrap_or(request);
            let mut full = Vec::with_capacity(frame.len());
            yonder_protocol::fast_encode::encode_request_frame(&request, &mut full);
            full
        }
        Err(_) => frame,
    }
}

/// Whether the request `frame` holds may be sent again whatever became of it: it only
/// asks. A list of the queries, so that a request of a later version with a reply and an
/// effect is never sent twice by default. Its own ids may be relative (§6.1): read in
/// the app's `space` (which ids they are does not matter here, only what it asks).
fn only_asks(frame: &[u8], space: u32) -> bool {
    use Request as R;
    let body = &frame[4.min(frame.len())..];
    match yonder_protocol::decode_relative_to(space, || {
        yonder_protocol::message::decode_request(body)
    }) {
        Ok(R::GetProperty(r)) => !r.delete,
        Ok(
            R::GetWindowAttributes(_)
            | R::GetGeometry(_)
            | R::QueryTree(_)
            | R::InternAtom(_)
            | R::GetAtomName(_)
            | R::ListProperties(_)
            | R::GetInputFocus(_)
            | R::QueryPointer(_)
            | R::Sync(_)
            | R::ListClients(_)
            | R::GetImage(_)
            | R::QueryTextExtents(_)
            | R::GetSelectionOwner(_),
        ) => true,
        _ => false,
    }
}

/// Sends `hello` on a fresh `stream` and reads the setup response, within
/// [`SETUP_TIMEOUT`].
pub(super) fn handshake(stream: &Stream, hello: &Hello) -> io::Result<SetupResponse> {
    let mut frame = Vec::new();
    encode_frame(hello, &mut frame);
    stream.set_write_timeout(Some(SETUP_TIMEOUT))?;
    let mut w = StreamIo(stream);
    w.write_all(&frame)?;
    stream.set_read_timeout(Some(SETUP_TIMEOUT))?;
    let mut len = [0u8; 4];
    w.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_SETUP {
        return Err(io::Error::other(format!("a setup response of {len} bytes")));
    }
    let mut body = vec![0; len];
    w.read_exact(&mut body)?;
    stream.set_read_timeout(None)?;
    decode_setup_response(&body).map_err(|e| io::Error::other(e.to_string()))
}

/// `Read` and `Write` over a shared stream, for the handshake's blocking calls.
struct StreamIo<'a>(&'a Stream);

impl Read for StreamIo<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for StreamIo<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush_pending()
    }
}

#[cfg(test)]
mod tests {
    use super::for_version;

    /// A kept GetGeometry of the app's window 1 and a packed PolyPoint, as they went to a
    /// 1.10 display: sent again as they are to another 1.10 one, in full to a 1.9 one.
    #[test]
    fn kept_frames_go_in_full_to_a_display_before_1_10() {
        let wire = 0x5eed_0001u32;
        let geometry = vec![4, 0, 0, 0, 0x92, 9, 0x91, 0xff];
        let packed = vec![
            11, 0, 0, 0, 0x92, 42, 0x93, 0xff, 0xfe, 0xc4, 4, 0x2c, 0x01, 0xc8, 0,
        ];
        for frame in [&geometry, &packed] {
            assert_eq!(&for_version(frame.clone(), 10, wire), frame);
        }
        let mut full = vec![12, 0, 0, 0, 0x92, 9, 0x91, 0xcf];
        full.extend(yonder_protocol::make_id(wire, 1).to_be_bytes());
        assert_eq!(for_version(geometry, 9, wire), full);
        let old = for_version(packed, 9, wire);
        let body = &old[4..];
        let request = yonder_protocol::message::decode_request(body).expect("no space needed");
        match request {
            yonder_protocol::Request::PolyPoint(p) => {
                assert_eq!(p.drawable.0, yonder_protocol::make_id(wire, 1));
                assert_eq!(p.points, vec![yonder_protocol::Point::new(300, 200)]);
            }
            other => panic!("{other:?}"),
        }
        assert!(!body.contains(&0xc4), "the points in an array: {body:02x?}");
    }
}
