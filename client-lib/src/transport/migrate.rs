//! Moving the app to another display while it runs (protocol.md §5.5). The process
//! stays; its windows leave the display it is on (A) for another (B):
//!
//! 1. **Connect** to B with a migration token (or B's cookie), the same id space, and a
//!    resume that numbers its requests on B from 2³² past A's, so that numbers of the
//!    two displays never meet in the cookie table.
//! 2. **Pre-copy**, while the app goes on with A: the journal's replay with the windows
//!    unmapped and no selection taken, then, round after round, the copy of what the app
//!    sent meanwhile (`journal::Copy`, fed by every send while `moving` is set). The app
//!    is handed an Expose of each shown window at the start, so its redraw lands in B's
//!    hidden windows too: they are complete before they appear. Before the replay and
//!    each round, the atoms the app has heard of get B's numbers (`atoms_follow`: named
//!    on A, interned on B; see `renumber`), so that the frames B gets are renumbered.
//! 3. **Switch**, with the output lock held (the app's requests wait: this is the
//!    freeze; taken once B knows every atom, `freeze_with_atoms`): the rest of the copy,
//!    the map state, selections and focus, and a Sync to B. Once B has answered,
//!    MoveDone (to a 1.6 display: A hides the app's windows at once), SetCloseDownMode
//!    Destroy and a Sync to A, so that A frees the app's windows however the link ends
//!    and every answer A owes is in; atoms heard of in those answers are carried too
//!    (`atoms_heard_in_freeze`); then A's socket shut, B's socket, read buffer and
//!    numbering of atoms swapped in, and the request numbering continued from B's.
//! 4. **Come home** on any failure before the switch: B is told to free what it made
//!    and closed, A hears MoveDone false, and nothing on A was touched.
//!
//! Events B sends before its windows appear concern the hidden copy and are dropped;
//! from the first request that shows them on, they go to the app.

use super::reconnect::handshake;
use super::stats;
use super::{Inner, Wait};
use crate::dial::{Dialer, Reconnect};
use crate::error::ReplyError;
use crate::event::{DisplayChange, Incoming};
use crate::io::{Filled, Input, Msg, ReadMode, Stream};
use crate::journal::{Copy, Images};
use crate::lock::lock;
use crate::lock::MutexGuard;
use crate::output::{Output, WRITE_TIMEOUT};
use crate::renumber::Renumber;
use crate::state::{message_seq, screen_of};
use crate::swap::Swap;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use yonder_protocol::event::ExposeEvent;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::handshake::Resume;
use yonder_protocol::request::{
    CloseDownMode, GetAtomName, GetInputFocus, InternAtom, MoveDone, SetCloseDownMode,
    SetInputFocus, Sync,
};
use yonder_protocol::{
    id_space_of, Atom, ErrorCode, Event, Hello, ProtocolError, Rect, Reply, Request, Seq,
    ServerMessage, Setup, SetupResponse, WindowId,
};

/// How far past A's numbers the requests on B start (see the module doc).
const NUMBER_GAP: u64 = 1 << 32;
/// The pause between two rounds of the pre-copy.
const ROUND_PAUSE: Duration = Duration::from_millis(3);
/// The pre-copy ends once the app has handled its Exposes and a round carries at most
/// this much: the rest goes during the switch.
const SWITCH_BYTES: usize = 64 * 1024;
/// The pre-copy ends after this long whatever is left (an app drawing without pause).
const MAX_PRECOPY: Duration = Duration::from_secs(2);
/// The same for an app moving itself (`Connection::move_to`): the thread that would
/// handle the Exposes may be the one waiting in `move_to`, so the redraw follows on B.
const SELF_MOVE_REDRAW: Duration = Duration::from_millis(100);
/// How long B may take to answer the switch's Sync, and A its own.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most the copy may hold before the move gives up: the app draws faster than the
/// link to B carries.
const MAX_COPY: usize = 256 << 20;

/// How many other id spaces a move tries where the app's own is taken.
const SPACE_TRIES: u32 = 3;

/// A random nonzero id space other than `own`.
fn fresh_space(own: u32) -> Result<u32, String> {
    loop {
        match getrandom::u32() {
            Ok(n) if n != 0 && n != own => return Ok(n),
            Ok(_) => continue,
            Err(e) => return Err(format!("no random numbers for an id space: {e}")),
        }
    }
}

/// A move whose old display did not answer the switch's Sync (it went away meanwhile):
/// the move stands; said on stderr only with `YONDER_DEBUG_JOURNAL` (the library writes
/// nothing otherwise).
fn note_old_display_unanswered(app: &str, why: &str) {
    if super::stats::enabled() {
        eprintln!("yonder-journal: app={app} event=move-left-old-display-unanswered why={why}");
    }
}

/// How the app proves to B that it may come.
#[derive(Debug, Clone)]
pub(crate) enum Via {
    /// A token B granted (GrantMove), passed on by A in a MoveRequest.
    Token(Vec<u8>),
    /// B's cookie, the one given or else the ordinary one from the environment or the
    /// cookie file (an app moving itself).
    Cookie(Option<Vec<u8>>),
}

/// The connection to B while the move is under way: its socket, read buffer and output.
struct Far {
    /// B's protocol minor version (what the replay may carry).
    minor: u16,
    stream: Stream,
    input: Input,
    out: Output,
    /// The app's id space exchanged for another on B, if its own was taken there.
    swap: Option<Swap>,
    /// The app's atoms under B's numbers (the output renumbers with it from the start;
    /// events the app is to see are renumbered as they are kept).
    renumber: Arc<Renumber>,
    /// InternAtoms sent to B for the app's atoms: their numbers, by request.
    interning: BTreeMap<u64, u32>,
    /// B's answers to those: the app's atom and B's number for it.
    interned: Vec<(u32, u32)>,
    /// The last request number used on B.
    sent: u64,
    /// Events from this request on go to the app (the windows are shown by then).
    shown_from: u64,
    /// Those events, in order.
    events: Vec<Incoming>,
    /// The first error that makes the move fail.
    failed: Option<String>,
    /// Requests of the move B failed otherwise (the app's own faults, copied along).
    other_errors: u64,
}

impl Far {
    /// Sends `n` requests' `frames`, reading what B says meanwhile.
    fn send(&mut self, frames: &[u8], n: u64) -> Result<(), String> {
        if frames.is_empty() {
            return Ok(());
        }
        self.out.push(None, |b| b.extend_from_slice(frames));
        self.sent += n;
        let give_up = Instant::now() + ANSWER_TIMEOUT;
        let Far {
            stream,
            input,
            out,
            renumber,
            interning,
            interned,
            shown_from,
            events,
            failed,
            other_errors,
            ..
        } = self;
        let mut sink = Sink {
            shown_from: *shown_from,
            renumber,
            interning,
            interned,
            events,
            failed,
            other_errors,
        };
        out.write_all(stream, Some(give_up), &[], || {
            let _ = read_far(input, stream, ReadMode::Poll, &mut sink, 0);
        })
        .map_err(|e| format!("writing to the display failed: {e}"))?;
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Reads until the reply to request `seq` (a Sync) arrives.
    fn answered(&mut self, seq: u64) -> Result<(), String> {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        let mut sink = Sink {
            shown_from: self.shown_from,
            renumber: &self.renumber,
            interning: &mut self.interning,
            interned: &mut self.interned,
            events: &mut self.events,
            failed: &mut self.failed,
            other_errors: &mut self.other_errors,
        };
        loop {
            let done = read_far(
                &mut self.input,
                &self.stream,
                ReadMode::Until(deadline),
                &mut sink,
                seq,
            )?;
            if let Some(e) = sink.failed.take() {
                return Err(e);
            }
            if done {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the display did not answer within {} s",
                    ANSWER_TIMEOUT.as_secs()
                ));
            }
        }
    }

    /// Leaves B on purpose: it frees what the move made there at once.
    fn abandon(mut self) {
        let goodbye = Request::SetCloseDownMode(SetCloseDownMode {
            mode: CloseDownMode::Destroy,
        });
        self.out.push(None, |b| encode_request_frame(&goodbye, b));
        let _ = self.out.write_all(
            &self.stream,
            Some(Instant::now() + Duration::from_secs(1)),
            &[],
            || {},
        );
        let _ = self.stream.shutdown();
    }
}

/// Where what B says goes.
struct Sink<'a> {
    shown_from: u64,
    renumber: &'a Renumber,
    interning: &'a mut BTreeMap<u64, u32>,
    interned: &'a mut Vec<(u32, u32)>,
    events: &'a mut Vec<Incoming>,
    failed: &'a mut Option<String>,
    other_errors: &'a mut u64,
}

/// One read from B; routes what arrived into `sink`. Returns whether the reply to
/// `until` (0: none awaited) came.
fn read_far(
    input: &mut Input,
    stream: &Stream,
    mode: ReadMode,
    sink: &mut Sink<'_>,
    until: u64,
) -> Result<bool, String> {
    let filled = input.fill(stream, mode);
    let mut msgs = Vec::new();
    input.decode(&mut msgs)?;
    let mut done = false;
    for msg in msgs {
        let Msg::Server(mut m) = msg else {
            continue;
        };
        let seq = message_seq(&m).0;
        if seq >= sink.shown_from {
            sink.renumber.incoming(&mut m);
        }
        match m {
            ServerMessage::Reply {
                reply: Reply::InternAtom(r),
                ..
            } => {
                if let Some(app) = sink.interning.remove(&seq) {
                    sink.interned.push((app, r.atom.0));
                }
            }
            ServerMessage::Reply { .. } => done |= until != 0 && seq == until,
            ServerMessage::Error { error, .. } => match error.code {
                // Room or ids B lacks: the app's state would not be whole there.
                ErrorCode::Alloc | ErrorCode::IdChoice if sink.failed.is_none() => {
                    *sink.failed = Some(format!("the display refused the app's state: {error}"));
                }
                _ => *sink.other_errors += 1,
            },
            ServerMessage::Event { event, sent, .. } if seq >= sink.shown_from => {
                sink.events.push(Incoming::Event { event, sent })
            }
            // About the hidden copy: the app hears the same from A.
            ServerMessage::Event { .. } => {}
        }
    }
    match filled {
        Ok(Filled::Eof) => Err("the display closed the connection".into()),
        Err(e) if !crate::io::is_would_block(&e) => Err(format!("reading from the display: {e}")),
        _ => Ok(done),
    }
}

/// What the switch learned, for the app and the statistics.
struct Moved {
    freeze: Duration,
    body_bytes: usize,
    copied_bytes: usize,
    rounds: u32,
}

impl Inner {
    /// A MoveRequest arrived (the reader saw it): the move runs on a thread of its own
    /// and reports to A with MoveDone.
    pub(super) fn move_asked(&self, to: String, token: Vec<u8>) {
        let Some(me) = self.me.upgrade() else {
            return;
        };
        let spawned = std::thread::Builder::new()
            .name("yonder-move".into())
            .spawn(move || {
                let _ = me.migrate(&to, Via::Token(token), true);
            });
        if let Err(e) = spawned {
            self.report_move(false, &format!("no thread for the move: {e}"));
        }
    }

    /// Moves the app to display `to` (see the module doc); `report`: A asked, and hears
    /// how it ended. On failure the app stays on A, and the reason is returned.
    pub(crate) fn migrate(&self, to: &str, via: Via, report: bool) -> Result<(), String> {
        if self.migrating.swap(true, Ordering::AcqRel) {
            // Whoever asked hears how the move under way ends (the display tells every
            // mover of the app its one MoveDone).
            return Err("a move of this app is under way already".to_string());
        }
        let result = self.try_migrate(to, via, report);
        let change = match &result {
            Ok(()) => DisplayChange::Moved { to: to.to_string() },
            Err(reason) => {
                if report {
                    self.report_move(false, reason);
                }
                DisplayChange::MoveFailed {
                    to: to.to_string(),
                    reason: reason.clone(),
                }
            }
        };
        lock(&self.state)
            .events
            .push_back(Incoming::Display(change));
        self.notify();
        self.migrating.store(false, Ordering::Release);
        result
    }

    /// Sends A the app's MoveDone.
    fn report_move(&self, moved: bool, reason: &str) {
        self.send_plain(&Request::MoveDone(MoveDone {
            moved,
            reason: reason.to_string(),
        }));
        let _ = self.flush();
    }

    fn try_migrate(&self, to: &str, via: Via, report: bool) -> Result<(), String> {
        {
            let st = lock(&self.state);
            if let Some(e) = &st.broken {
                return Err(format!("the connection has failed: {e}"));
            }
            if st.detached.is_some() {
                return Err("the connection to the display is lost at the moment".into());
            }
        }
        let given = match &via {
            Via::Cookie(c) => c.clone(),
            Via::Token(_) => None,
        };
        let dialer = Dialer::for_move(
            to,
            matches!(via, Via::Token(_)),
            given,
            self.app_name.clone(),
            self.reconnect,
        )
        .map_err(|e| format!("{to}: {e}"))?;
        let base = lock(&self.out).last_seq() + 1 + NUMBER_GAP;
        // The app's own id space first; where another client holds it, another one, with
        // the app's ids exchanged for it on the wire (`swap`). A refused hello does not
        // spend the token.
        let mut space = self.id_space;
        let mut tries = 0;
        let (stream, setup) = loop {
            let stream = dialer.dial().map_err(|e| format!("{to}: {e}"))?;
            let cookie = dialer.cookie().map_err(|e| format!("{to}: {e}"))?;
            let hello = Hello {
                protocol: yonder_protocol::PROTOCOL_NAME.into(),
                major: yonder_protocol::PROTOCOL_MAJOR,
                minor: yonder_protocol::PROTOCOL_MINOR,
                cookie,
                app_name: self.app_name.clone(),
                id_space: space,
                resume: Some(Resume {
                    secret: Vec::new(),
                    oldest: base,
                    next_seq: base,
                }),
                token: match &via {
                    Via::Token(t) => Some(t.clone()),
                    Via::Cookie(_) => None,
                },
            };
            match handshake(&stream, &hello).map_err(|e| format!("{to}: {e}"))? {
                SetupResponse::Accepted(s) => break (stream, s),
                SetupResponse::Refused(r) if r.reason.contains("in use") && tries < SPACE_TRIES => {
                    tries += 1;
                    space = fresh_space(self.id_space)?;
                }
                SetupResponse::Refused(r) => return Err(format!("{to} refused: {}", r.reason)),
            }
        };
        let session = setup.session.clone().ok_or_else(|| {
            format!(
                "{to} is a server of version 1.{}, which cannot take a moving app",
                setup.minor
            )
        })?;
        if session.resumed || session.last_seq + 1 != base || setup.id_space != space {
            return Err(format!(
                "{to} answered the move's hello with another session than asked for"
            ));
        }
        stream
            .set_write_timeout(Some(WRITE_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let swap = (space != self.id_space).then_some(Swap {
            app: self.id_space,
            wire: space,
        });
        let mut input = Input::after_setup();
        input.set_swap(swap);
        let fixed = lock(&self.renumber).fixed().min(setup.atoms.len() as u32);
        let renumber = Arc::new(Renumber::mapped(fixed, []));
        let mut out = Output::default();
        out.set_swap(swap);
        out.set_renumber(&renumber);
        let mut far = Far {
            minor: setup.minor,
            stream,
            input,
            out,
            swap,
            renumber,
            interning: BTreeMap::new(),
            interned: Vec::new(),
            sent: base - 1,
            shown_from: u64::MAX,
            events: Vec::new(),
            failed: None,
            other_errors: 0,
        };
        let network = dialer.is_network();
        let images = match network && setup.minor >= 3 {
            true => Images::Lossless,
            false => Images::Raw,
        };
        let redraw_wait = match report {
            true => MAX_PRECOPY,
            false => SELF_MOVE_REDRAW,
        };
        match self.precopy(&mut far, images, network, redraw_wait) {
            Ok((body_bytes, copied, rounds)) => {
                let focus = self.focus_here();
                let out = match self.freeze_with_atoms(&mut far) {
                    Ok(out) => out,
                    Err(e) => {
                        self.stop_copying();
                        far.abandon();
                        return Err(format!("{to}: {e}"));
                    }
                };
                match self.switch(out, far, &setup, dialer, focus) {
                    Ok(mut moved) => {
                        moved.body_bytes = body_bytes;
                        moved.copied_bytes += copied;
                        moved.rounds = rounds;
                        if self.debug_journal {
                            stats::report_move(
                                &self.app_name,
                                to,
                                self.journal.bytes(),
                                moved.body_bytes,
                                moved.copied_bytes,
                                moved.rounds,
                                moved.freeze,
                            );
                        }
                        Ok(())
                    }
                    Err(e) => Err(format!("{to}: {e}")),
                }
            }
            Err(e) => {
                self.stop_copying();
                far.abandon();
                Err(format!("{to}: {e}"))
            }
        }
    }

    /// Stops copying the app's requests (with `out` taken, so no send is half noted).
    fn stop_copying(&self) {
        let _out = lock(&self.out);
        self.moving.store(false, Ordering::Release);
        *lock(&self.copy) = Copy::default();
    }

    /// Step 2: the hidden replay, then rounds of the copy. Returns the replay's bytes,
    /// the copy's bytes sent and the rounds.
    fn precopy(
        &self,
        far: &mut Far,
        images: Images,
        compress: bool,
        limit: Duration,
    ) -> Result<(usize, usize, u32), String> {
        let body = {
            let _out = lock(&self.out);
            let body = self.journal.replay_hidden(images, far.minor);
            *lock(&self.copy) = Copy::new(compress, far.minor);
            self.moving.store(true, Ordering::Release);
            body
        };
        let redrawn = self.ask_redraw();
        // Until the switch, B frees the hidden copy as soon as the link to it ends: a move
        // cut short leaves nothing behind there.
        let mut first = Vec::new();
        encode_request_frame(
            &Request::SetCloseDownMode(SetCloseDownMode {
                mode: CloseDownMode::Destroy,
            }),
            &mut first,
        );
        far.send(&first, 1)?;
        self.atoms_follow(far)?;
        far.send(body.frames(), body.requests())?;
        let started = Instant::now();
        let (mut copied, mut rounds) = (0, 0);
        loop {
            std::thread::sleep(ROUND_PAUSE);
            let (frames, n) = lock(&self.copy).take();
            if frames.len() > MAX_COPY {
                return Err("the app draws faster than the link to the display carries".into());
            }
            copied += frames.len();
            rounds += 1;
            // An atom the app learnt meanwhile has a number on B before it is used there.
            self.atoms_follow(far)?;
            far.send(&frames, n)?;
            // The app has handled its Exposes (it came back for more events and found
            // none), so its redraw is in the copy.
            if lock(&self.state).idle_at >= redrawn && frames.len() <= SWITCH_BYTES {
                break;
            }
            if started.elapsed() >= limit {
                break;
            }
        }
        // B has carried out all of it before the switch: the freeze then holds only the
        // last round's work, not the whole replay's.
        let mut sync = Vec::new();
        encode_request_frame(&Request::Sync(Sync {}), &mut sync);
        far.send(&sync, 1)?;
        far.answered(far.sent)?;
        Ok((body.frames().len(), copied, rounds))
    }

    /// Hands the app an Expose of each of its shown windows, so that its redraw reaches
    /// the hidden copy too; returns the count of events taken once the app has taken
    /// them (`State::idle_at` reaches it when the app has handled them). A thread
    /// blocked reading A is woken by the answer to a Sync.
    fn ask_redraw(&self) -> u64 {
        let exposed = self.journal.exposed();
        let redrawn = {
            let mut st = lock(&self.state);
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
            st.events_taken + st.events.len() as u64
        };
        // Nobody waits for this answer: it is dropped when it comes.
        self.send_plain(&Request::Sync(Sync {}));
        let _ = self.flush();
        self.notify();
        redrawn
    }

    /// The app's window that has the focus on A, if one has.
    fn focus_here(&self) -> Option<WindowId> {
        let seq = self.send_tracked(&Request::GetInputFocus(GetInputFocus {}), Some(true));
        match self.wait_for_reply(seq) {
            Ok(Reply::InputFocus(r))
                if id_space_of(r.window.0) == self.id_space
                    && self.journal.owns_window(r.window) =>
            {
                Some(r.window)
            }
            _ => None,
        }
    }

    /// Step 3 (see the module doc). On failure B is abandoned and A goes on.
    fn switch(
        &self,
        mut out: MutexGuard<'_, Output>,
        mut far: Far,
        setup: &Setup,
        dialer: Dialer,
        focus: Option<WindowId>,
    ) -> Result<Moved, String> {
        let frozen = Instant::now();
        self.moving.store(false, Ordering::Release);
        let (rest, n) = std::mem::take(&mut *lock(&self.copy)).take();
        let copied_bytes = rest.len();
        let mut finish = Vec::new();
        let mut count = 0;
        let mut push = |r: &Request| {
            encode_request_frame(r, &mut finish);
            count += 1;
        };
        for r in self.journal.appearance() {
            push(&r);
        }
        // From now on the app's session on B is kept over a lost link as any other.
        if self.reconnect != Reconnect::ExitAtOnce && dialer.is_network() {
            push(&Request::SetCloseDownMode(SetCloseDownMode {
                mode: CloseDownMode::Retain,
            }));
        }
        if let Some(window) = focus {
            push(&Request::SetInputFocus(SetInputFocus { window }));
        }
        push(&Request::Sync(Sync {}));
        let b_outcome = (|| {
            far.send(&rest, n)?;
            far.shown_from = far.sent + 1;
            far.send(&finish, count)?;
            let last = far.sent;
            far.answered(last)
        })();
        if let Err(e) = b_outcome {
            drop(out);
            far.abandon();
            return Err(e);
        }
        // The app is on B. A hears so (and hides its windows at once), frees them as
        // soon as the link ends however it ends (Destroy, carried out before the Sync's
        // answer: a last write lost with the socket's end cannot leave a detached copy
        // behind), and answers all it owes before the app leaves it.
        if self.display_minor.load(Ordering::Acquire) >= 6 {
            out.next_seq();
            let done = Request::MoveDone(MoveDone {
                moved: true,
                reason: String::new(),
            });
            out.push(None, |b| encode_request_frame(&done, b));
        }
        out.next_seq();
        let goodbye = Request::SetCloseDownMode(SetCloseDownMode {
            mode: CloseDownMode::Destroy,
        });
        out.push(None, |b| encode_request_frame(&goodbye, b));
        let a_sync = out.next_seq();
        self.requests_sent.store(a_sync, Ordering::Release);
        lock(&self.state).track(a_sync, true);
        out.push(None, |b| encode_request_frame(&Request::Sync(Sync {}), b));
        let a_outcome = self
            .flush_locked(&mut out, None)
            .map_err(|e| e.to_string())
            .and_then(|()| self.answer_locked(a_sync));
        match a_outcome {
            Ok(()) => self.atoms_heard_in_freeze(&mut out, &mut far),
            Err(e) => {
                // A went away or is stuck: its answers are lost, the move stands.
                note_old_display_unanswered(&self.app_name, &e);
                lock(&self.state).lost_through(a_sync);
            }
        }
        let old = self.stream();
        self.leaving.store(true, Ordering::Release);
        let _ = old.shutdown();
        // B's numbers from now on, before a reader can see B's messages (it checks them
        // against this count).
        self.requests_sent.store(far.sent, Ordering::Release);
        // B in its place: a reader blocked on A returns (the end it finds is not a loss:
        // `leaving`), then the read buffer and the socket are B's.
        {
            let mut input = lock(&self.input);
            *input = std::mem::replace(&mut far.input, Input::after_setup());
            input.set_renumber(&far.renumber);
            *lock(&self.renumber) = far.renumber.clone();
            self.set_stream(far.stream);
            let wire = far.swap.map_or(self.id_space, |s| s.wire);
            self.wire_space.store(wire, Ordering::Release);
        }
        self.leaving.store(false, Ordering::Release);
        out.new_session(far.sent);
        out.set_swap(far.swap);
        out.set_renumber(&far.renumber);
        self.requests_sent.store(far.sent, Ordering::Release);
        self.new_sessions.fetch_add(1, Ordering::AcqRel);
        *lock(&self.secret) = setup.session.as_ref().map(|s| s.secret.clone());
        self.display_minor
            .store(setup.minor as u32, Ordering::Release);
        self.setup_is(setup.clone());
        let resumes = dialer.resumes();
        self.network
            .store(resumes && dialer.is_network(), Ordering::Release);
        self.resumable.store(resumes, Ordering::Release);
        *lock(&self.display) = dialer.display().to_string();
        *lock(&self.dialer) = resumes.then(|| Arc::new(dialer));
        let watches = self.journal.watches_root_structure();
        {
            let mut st = lock(&self.state);
            st.last_seq = st.last_seq.max(far.sent);
            if let Some(screen) = screen_of(setup) {
                st.screen_is(screen, watches);
            }
            st.events.extend(far.events.drain(..));
        }
        let _ = self.flush_locked(&mut out, None);
        let freeze = frozen.elapsed();
        drop(out);
        self.notify();
        Ok(Moved {
            freeze,
            body_bytes: 0,
            copied_bytes,
            rounds: 0,
        })
    }

    /// Gives every atom the app knows a number on B: names the app's atoms that have none
    /// yet (GetAtomName on A), then interns on B the names B's numbering lacks. Quick
    /// when nothing is new (no round trip).
    fn atoms_follow(&self, far: &mut Far) -> Result<(), String> {
        let here = lock(&self.renumber).clone();
        let unnamed = here.unnamed();
        if !unnamed.is_empty() {
            let asked: Vec<(u32, Seq)> = unnamed
                .into_iter()
                .map(|a| {
                    let ask = Request::GetAtomName(GetAtomName { atom: Atom(a) });
                    (a, self.send_tracked(&ask, Some(true)))
                })
                .collect();
            for (a, seq) in asked {
                match self.wait_for_reply(seq) {
                    Ok(reply) => named(&here, a, Ok(reply)),
                    Err(ReplyError::Protocol(e)) => named(&here, a, Err(e)),
                    Err(e) => return Err(format!("naming the app's atoms: {e}")),
                }
            }
        }
        intern_named(&here, far)
    }

    /// Takes the output lock (the freeze) once B has a number for every atom the app
    /// knows; a few tries where the app keeps learning new ones, then it goes on (the
    /// switch carries the rest, [`Inner::atoms_heard_in_freeze`]). What the app buffered
    /// for A goes out first, so that A's last requests of the app are carried out before
    /// the switch, not with its MoveDone.
    fn freeze_with_atoms(&self, far: &mut Far) -> Result<MutexGuard<'_, Output>, String> {
        for _ in 0..3 {
            let mut out = lock(&self.out);
            let here = lock(&self.renumber).clone();
            if here.unnamed().is_empty() && here.names().iter().all(|(a, _)| far.renumber.knows(*a))
            {
                let _ = self.flush_locked(&mut out, None);
                return Ok(out);
            }
            drop(out);
            self.atoms_follow(far)?;
        }
        let mut out = lock(&self.out);
        let _ = self.flush_locked(&mut out, None);
        Ok(out)
    }

    /// The atoms the app heard of during the freeze (in A's answers the switch read
    /// while it waited): named on A, which still answers, and interned on B before B's
    /// numbering takes over. A round trip to each, only when there are any.
    fn atoms_heard_in_freeze(&self, out: &mut Output, far: &mut Far) {
        let here = lock(&self.renumber).clone();
        let unnamed = here.unnamed();
        if !unnamed.is_empty() {
            let mut asked = Vec::new();
            for a in unnamed {
                let seq = out.next_seq();
                lock(&self.state).track(seq, true);
                let ask = Request::GetAtomName(GetAtomName { atom: Atom(a) });
                out.push(None, |b| encode_request_frame(&ask, b));
                asked.push((a, seq));
            }
            self.requests_sent.store(out.last_seq(), Ordering::Release);
            if self.flush_locked(out, None).is_err() {
                return;
            }
            for (a, seq) in asked {
                match self.reply_locked(seq) {
                    Ok(Ok(reply)) => named(&here, a, Ok(reply)),
                    Ok(Err(e)) => named(&here, a, Err(e)),
                    // A went away: what is not named stays as it is.
                    Err(_) => return,
                }
            }
        }
        let _ = intern_named(&here, far);
    }

    /// Waits for the reply to request `seq` with the output lock held by the caller
    /// (no flush), within [`ANSWER_TIMEOUT`].
    fn answer_locked(&self, seq: u64) -> Result<(), String> {
        self.reply_locked(seq).and_then(|r| {
            r.map(|_| ())
                .map_err(|e| format!("the display the app is on failed: {e}"))
        })
    }

    /// [`Inner::answer_locked`] with the reply, or the error the request got.
    fn reply_locked(&self, seq: u64) -> Result<Result<Reply, ProtocolError>, String> {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        match self.wait_unflushed(Wait::Until(deadline), |st| st.take_reply(seq)) {
            Ok(Some(Ok(reply))) => Ok(Ok(reply)),
            Ok(Some(Err(ReplyError::Protocol(e)))) => Ok(Err(e)),
            Ok(Some(Err(e))) => Err(format!("the display the app is on failed: {e}")),
            Ok(None) => {
                lock(&self.state).ignore(seq);
                Err("the display the app is on did not answer in time".into())
            }
            Err(e) => Err(format!("the display the app is on failed: {e}")),
        }
    }
}

/// Notes what A said to GetAtomName for the app's atom `a`: its name, or that it is no
/// atom at all (nothing to carry).
fn named(here: &Renumber, a: u32, answer: Result<Reply, ProtocolError>) {
    match answer {
        Ok(Reply::AtomName(r)) => here.named(a, r.name),
        Ok(_) | Err(_) => here.forget(a),
    }
}

/// Interns on B the named atoms of the app (`here`) that B's numbering lacks, and adds
/// B's numbers for them: one round trip, none when nothing is missing.
fn intern_named(here: &Renumber, far: &mut Far) -> Result<(), String> {
    let wanted: Vec<(u32, String)> = here
        .names()
        .into_iter()
        .filter(|(a, _)| !far.renumber.knows(*a))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let mut frames = Vec::new();
    let mut names = BTreeMap::new();
    for (a, name) in wanted {
        encode_request_frame(
            &Request::InternAtom(InternAtom {
                name: name.clone(),
                only_if_exists: false,
            }),
            &mut frames,
        );
        far.interning.insert(far.sent + 1 + names.len() as u64, a);
        names.insert(a, name);
    }
    encode_request_frame(&Request::Sync(Sync {}), &mut frames);
    let n = names.len() as u64 + 1;
    far.send(&frames, n)?;
    far.answered(far.sent)?;
    far.interning.clear();
    for (app, display) in std::mem::take(&mut far.interned) {
        if let Some(name) = names.remove(&app) {
            far.renumber.add(app, display, name);
        }
    }
    match names.into_keys().next() {
        None => Ok(()),
        Some(a) => Err(format!("the display did not intern the app's atom {a}")),
    }
}
