//! One connected client as the state thread sees it: identity, id space, the sequence
//! number of the last request applied, its shared-memory segments, whether it is trusted,
//! what it holds against its quotas, its session (the secret that lets it resume, its
//! close-down mode, whether it is detached), and the frames produced for it but not yet
//! handed to its writer task.

use crate::outbox::Outbox;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;
use yonder_protocol::request::CloseDownMode;
use yonder_protocol::{frame, ClientId, Seq, ServerMessage, ShmSegment};

/// Largest output buffer kept for reuse after a direct write.
const KEPT_BUFFER: usize = 64 * 1024;

/// What a client holds of the server's tables besides its drawables' pixels, each
/// against a bound of `config::Bounds` or the memory quota (protocol.md §19.3). Kept up
/// to date where the tables change (`state::atoms`, `state::quota`,
/// `transfer::selection`); a client's counts go with it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// Atoms it created (they outlive it: the charge does not).
    pub atoms: u32,
    /// Bytes of those atoms' names.
    pub atom_bytes: u64,
    /// Its windows, pixmaps and graphics contexts.
    pub resources: u32,
    /// Bytes of the properties of its windows, whoever set them, each counted with
    /// [`crate::state::quota::PROPERTY_OVERHEAD`]: charged to the memory quota.
    pub property_bytes: u64,
    /// Selections it owns.
    pub selections: u32,
    /// Conversions it asked for whose last chunk has not come.
    pub conversions: u32,
    /// Clip rectangles its GCs hold.
    pub clip_rects: u64,
}

/// A connected client.
pub struct Client {
    /// The server's number for it.
    pub id: ClientId,
    /// Name from its hello.
    pub app_name: String,
    /// Its resource id space.
    pub id_space: u32,
    /// The minor version this connection speaks: the lower of its hello's and the
    /// server's (protocol.md §5.3). Requests, event-mask bits and values of a later
    /// version get errors, and its setup shows only what its version defines.
    pub minor: u16,
    /// The last request applied.
    pub seq: Seq,
    /// Whether its setup offered the `SHM` extension (it is on a Unix socket).
    pub shm_offered: bool,
    /// Its attached shared-memory segments, by its own numbers; unmapped when it goes
    /// and no put still being drawn in a lane (`render::lanes`) reads them.
    pub segments: HashMap<ShmSegment, std::sync::Arc<crate::shm::Segment>>,
    /// It presented the display's trusted cookie: no isolation (see `state::isolation`).
    pub trusted: bool,
    /// It came in with a migration token (protocol.md §5.5), not a cookie: it alone may
    /// come back into its session with the session's secret and no cookie.
    pub by_token: bool,
    /// It said it moved to another display (MoveDone, moved): its windows here are
    /// hidden and it hears no more events here (the few answers it still waits for are
    /// replies).
    pub moved_away: bool,
    /// Bytes of its windows' backing stores and its pixmaps (see `state::quota`).
    pub drawable_bytes: u64,
    /// What else it holds against its bounds (protocol.md §19.3).
    pub held: Held,
    /// Output handed to its writer and not yet written, shared with the writer task.
    pub outbox: Arc<Outbox>,
    /// Most bytes of output it may leave unread before it is disconnected.
    pub max_output: usize,
    /// Set when the client must go: its output passed `max_output`, or it sent a frame
    /// that does not decode (see `dispatch::handle_raw`). Further requests and output
    /// are dropped and the client is disconnected at the end of the burst, for this
    /// reason.
    pub overflow: Option<String>,
    /// The reason in `overflow` is a frame that did not decode, not unread output: what
    /// it was owed before that frame is still written before its connection closes.
    pub malformed: bool,
    /// Its session's secret (protocol.md §5.4): who presents it with the id space may
    /// resume this client. Random; the same across resumes.
    pub secret: [u8; 16],
    /// What happens when its connection ends without it closing: freed at once, or
    /// kept detached for the grace period.
    pub close_down: CloseDownMode,
    /// Since when it is detached (its connection was lost and it is kept for a resume):
    /// nothing is sent to it meanwhile.
    pub detached: Option<Instant>,
    /// The serial of the connection it uses ([`crate::command::ClientLink::serial`]).
    pub link: u64,
    /// Frames encoded during the current batch; handed to the writer in one piece by
    /// [`Client::flush`], so many small events cost one channel send.
    out: Vec<u8>,
    /// `out` holds what the client's own requests answered (replies, errors, their
    /// events) while some of its drawings were still on lanes: it waits until they are
    /// done (`dispatch`'s flush; `state::surfaces`). Output without it (events other
    /// clients' requests made) goes at once.
    pub answer_waits: bool,
    /// To the connection's writer task. Unbounded so that the state thread never waits
    /// for a slow client; the writer drops the client if it falls too far behind.
    tx: UnboundedSender<Vec<u8>>,
}

impl Client {
    /// A client whose frames go to `tx`.
    pub fn new(
        id: ClientId,
        app_name: String,
        id_space: u32,
        tx: UnboundedSender<Vec<u8>>,
    ) -> Client {
        Client {
            id,
            app_name,
            id_space,
            minor: yonder_protocol::PROTOCOL_MINOR,
            seq: Seq(0),
            shm_offered: false,
            segments: HashMap::new(),
            trusted: false,
            by_token: false,
            moved_away: false,
            drawable_bytes: 0,
            held: Held::default(),
            outbox: Outbox::new(),
            max_output: usize::MAX,
            overflow: None,
            malformed: false,
            secret: [0; 16],
            close_down: CloseDownMode::Destroy,
            detached: None,
            link: 0,
            out: Vec::new(),
            answer_waits: false,
            tx,
        }
    }

    /// The connection is lost and the client is kept for a resume: from now on what
    /// the server would send it goes nowhere (a resume tells it what changed, see
    /// `clients::resume`), and its writer is let go.
    pub fn detach(&mut self) {
        self.detached = Some(Instant::now());
        self.out = Vec::new();
        self.outbox.close();
        self.outbox = Outbox::new();
        let (tx, _) = tokio::sync::mpsc::unbounded_channel();
        self.tx = tx;
    }

    /// The client continues on a new connection: its frames go to `tx`, accounted in
    /// `outbox`, and commands of any other connection are ignored.
    pub fn attach(&mut self, tx: UnboundedSender<Vec<u8>>, outbox: Arc<Outbox>, link: u64) {
        if self.detached.is_none() {
            // Taken over from a connection the server still thought alive: its writer
            // and reader stop.
            self.outbox.close();
        }
        self.detached = None;
        self.out = Vec::new();
        self.answer_waits = false;
        self.overflow = None;
        self.malformed = false;
        self.tx = tx;
        self.outbox = outbox;
        self.link = link;
    }

    /// Queues a message for this client.
    pub fn send(&mut self, msg: &ServerMessage) {
        if self.overflow.is_some() {
            return;
        }
        let before = self.out.len();
        frame::encode_frame(msg, &mut self.out);
        self.check_output(before);
    }

    /// Queues the setup response accepting it (the first frame of a connection).
    pub fn send_setup(&mut self, setup: yonder_protocol::Setup) {
        let mut out = Vec::new();
        frame::encode_frame(&yonder_protocol::SetupResponse::Accepted(setup), &mut out);
        self.send_raw(&out);
    }

    /// Whether `secret` is this client's session secret; compared in time independent
    /// of where they differ.
    pub fn secret_matches(&self, secret: &[u8]) -> bool {
        crate::secret::equal(secret, &self.secret)
    }

    /// Queues an already-encoded frame.
    pub fn send_raw(&mut self, frame_bytes: &[u8]) {
        if self.overflow.is_some() {
            return;
        }
        let before = self.out.len();
        self.out.extend_from_slice(frame_bytes);
        self.check_output(before);
    }

    /// After a frame was appended at `before`: if the client's unread output (at its
    /// writer plus queued here) now passes its limit, drop it all and mark the client
    /// for disconnection. A single frame larger than the limit (a big GetImage reply)
    /// is let through when nothing else is pending, so the limit never makes a valid
    /// request impossible.
    fn check_output(&mut self, before: usize) {
        let pending = self.outbox.queued() + before;
        let total = pending + (self.out.len() - before);
        if pending > 0 && total > self.max_output {
            self.out = Vec::new();
            self.overflow = Some(format!(
                "it left more than {} bytes of output unread (yonder-server --max-output-buffer)",
                self.max_output
            ));
        }
        self.outbox.set_unflushed(self.out.len());
    }

    /// Whether output waits to be handed over by [`Client::flush`].
    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// Hands the queued frames to the writer. A closed channel means the connection is
    /// already gone; its reader will report the disconnect.
    ///
    /// On a Unix socket with nothing waiting at the writer, the frames are first offered
    /// to the socket directly (see [`Outbox::try_write_direct`]); only the rest is handed.
    pub fn flush(&mut self) {
        self.answer_waits = false;
        if !self.out.is_empty() {
            let mut chunk = std::mem::take(&mut self.out);
            self.outbox.set_unflushed(0);
            let direct = self.outbox.try_write_direct(&chunk);
            if direct == chunk.len() {
                // All written: keep the buffer for the next batch unless it grew large.
                chunk.clear();
                if chunk.capacity() <= KEPT_BUFFER {
                    self.out = chunk;
                }
                return;
            }
            chunk.drain(..direct);
            let n = chunk.len();
            // Counted before the send: the writer may have written it before `send`
            // returns, and the counter must never be credited before it is charged.
            self.outbox.handed(n);
            if self.tx.send(chunk).is_err() {
                self.outbox.written(n);
            }
        }
    }
}
