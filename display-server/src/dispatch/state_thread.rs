//! The state thread's loop ([`run`]) and what it does with each [`Command`] and at the end
//! of each burst: apply it (a batch of requests, a client arriving or leaving, host input,
//! a screen change, the close alarm), hand every client its queued output, and compose and
//! present the damage; and when to go on with the set-aside work of `backlog`.

use crate::clients;
use crate::clients::session;
use crate::command::{Command, Incoming};
use crate::compose::{self, Scene};
use crate::dispatch;
use crate::dispatch::backlog::{Backlog, Pending};
use crate::dispatch::{screen_change, viewers};
use crate::input;
use crate::restore;
use crate::state::State;
use crate::wm::close;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use yonder_protocol::ClientId;

/// Commands applied between two compositions when many are waiting.
const COMMANDS_PER_FRAME: usize = 256;
/// Longest stretch of commands before the burst's end: the events other clients'
/// requests queue for a client, and the damage to present, wait for it, so one
/// client's costly requests (say large GetImages) must not make a burst long for
/// everyone else. (A client's replies go right after its batch, see [`answer_now`].)
const BURST_TIME: std::time::Duration = std::time::Duration::from_millis(10);

/// Longest stretch of a burst between two commands without a turn for the local
/// connections (see [`LocalIo`]). Turns come between commands only: one long command
/// (a heavy batch, the set-aside work), a lane the state thread settles (to read its
/// drawable) or the present still makes a Unix client's request wait for it.
const LOCAL_TURN: std::time::Duration = std::time::Duration::from_millis(1);

/// Applies one command; returns true when the server must stop. A batch of requests is
/// applied whole, slice after slice (the run loop sets the rest of a long one aside
/// instead, see `step`); tests apply commands this way.
pub fn apply_command(s: &mut State, cmd: Command) -> bool {
    match cmd {
        Command::Connect {
            hello,
            tx,
            link,
            reply,
        } => {
            let _ = reply.send(session::connect(s, *hello, tx, link));
            crate::wm::publish_deadline(s);
        }
        Command::Requests {
            client,
            link,
            batch,
            bodies,
            permit,
        } => {
            let mut rest = batch.into_iter();
            loop {
                s.batch_work = 0;
                if !apply_slice(s, client, link, &mut rest, &bodies) {
                    break;
                }
            }
            // Applied: the connection may queue another batch (fair scheduling).
            drop(permit);
        }
        Command::Disconnect {
            client,
            link,
            reason,
            lost,
        } => {
            session::connection_ended(s, client, link, &reason, lost);
            crate::wm::publish_deadline(s);
        }
        Command::Input(ev) => input::handle_input(s, ev),
        Command::ScreenResized { width, height } => screen_change::resize_screen(s, width, height),
        Command::ScaleChanged(scale) => screen_change::rescale_screen(s, scale),
        Command::Tick => {
            session::expire_detached(s);
            close::wm_tick(s);
        }
        Command::MoveGranted { client, to, token } => {
            crate::wm::migrate::granted(s, client, to, token)
        }
        Command::ViewerAttach { wake, reply } => {
            let _ = reply.send(viewers::attach(s, wake));
        }
        Command::ViewerPull { viewer, reply } => {
            let _ = reply.send(viewers::pull(s, viewer));
        }
        Command::ViewerDetach(viewer) => viewers::detach(s, viewer),
        Command::ViewerResize {
            viewer,
            width,
            height,
            reply,
        } => {
            let _ = reply.send(viewers::resize(s, viewer, width, height));
        }
        Command::Shutdown { restart } => {
            s.ending_restart |= restart;
            return true;
        }
    }
    false
}

/// Applies a command the run loop received, as [`apply_command`] does, but a batch stops
/// once it has drawn its budget and its rest is set aside in `backlog`; a command of a
/// client with set-aside work queues up behind it. Returns true when the server must stop.
fn step(s: &mut State, backlog: &mut Backlog, cmd: Command) -> bool {
    let Some(cmd) = backlog.hold(cmd) else {
        return false;
    };
    match cmd {
        Command::Requests {
            client,
            link,
            batch,
            bodies,
            permit,
        } => {
            s.batch_work = 0;
            let mut rest = batch.into_iter();
            if apply_slice(s, client, link, &mut rest, &bodies) {
                backlog.set_aside(
                    client,
                    Pending::Requests {
                        link,
                        rest,
                        bodies,
                        permit,
                    },
                );
            }
            answer_now(s, client);
            false
        }
        cmd => apply_command(s, cmd),
    }
}

/// Gives each client with set-aside work one turn, round robin: its work in order until
/// it has drawn a budget's worth or has none left (a disconnection queued behind its
/// requests is applied in its place).
fn serve_backlog(s: &mut State, backlog: &mut Backlog) {
    for _ in 0..backlog.len() {
        let Some((client, mut queue)) = backlog.next_turn() else {
            break;
        };
        s.batch_work = 0;
        while let Some(work) = queue.pop_front() {
            match work {
                Pending::Requests {
                    link,
                    mut rest,
                    bodies,
                    permit,
                } => {
                    if apply_slice(s, client, link, &mut rest, &bodies) {
                        queue.push_front(Pending::Requests {
                            link,
                            rest,
                            bodies,
                            permit,
                        });
                    }
                }
                Pending::Disconnect { link, reason, lost } => {
                    session::connection_ended(s, client, link, &reason, lost);
                    crate::wm::publish_deadline(s);
                }
            }
            if s.batch_work >= s.batch_work_budget {
                break;
            }
        }
        answer_now(s, client);
        backlog.end_turn(client, queue);
    }
}

/// Applies `client`'s requests from `rest` until they run out or the slice has drawn
/// `State::batch_work_budget` pixels (counted from where the caller last reset
/// `State::batch_work`); true when requests remain.
///
/// One catch for the slice, not one a request (which cost a no-op request 40
/// instructions): a panic ends this client's batch, and the client with it (the rest is
/// dropped: false).
fn apply_slice(
    s: &mut State,
    client: ClientId,
    link: u64,
    rest: &mut std::vec::IntoIter<Incoming>,
    bodies: &[u8],
) -> bool {
    // A batch of a connection the client left for another (it resumed there): dropped,
    // the client sends those requests again on the new one if they were not processed.
    if s.clients.get(&client).is_none_or(|c| c.link != link) {
        return false;
    }
    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        apply_batch(s, client, rest, bodies)
    }));
    match applied {
        Ok(more) => more,
        Err(payload) => {
            dispatch::after_panic(s, client, payload.as_ref());
            false
        }
    }
}

/// Applies `client`'s requests in order, stopping early when the slice's drawing passed
/// its budget; true when requests remain. The client's version is looked up once for the
/// batch (it is fixed for the connection), not once a raw request.
#[inline(never)]
fn apply_batch(
    s: &mut State,
    client: ClientId,
    rest: &mut std::vec::IntoIter<Incoming>,
    bodies: &[u8],
) -> bool {
    let minor = s.minor_of(client);
    let space = s.clients.get(&client).map_or(0, |c| c.id_space);
    let budget = s.batch_work_budget;
    // A client being moved away: when its requests stop here (a move's freeze, timed on
    // the servers' clocks; see `handlers::migrate::MOVE_TIMES`).
    if s.moves.times_batches() {
        s.moves.batch_from(client, std::time::SystemTime::now());
    }
    while let Some(req) = rest.next() {
        match req {
            Incoming::Raw(r) => {
                dispatch::handle_raw(s, client, (minor, space), bodies.get(r).unwrap_or_default())
            }
            req => dispatch::handle_request(s, client, req),
        }
        if s.batch_work >= budget && rest.len() > 0 {
            return true;
        }
    }
    false
}

/// Hands `client` the output its requests just queued (replies, errors, events) without
/// waiting for the burst's end, when every drawing it handed to a lane is done; else the
/// output waits (see [`flush_clients`]). A client to be disconnected waits for the end.
///
/// Why not wait for the end: a burst lasts while commands keep coming, up to
/// [`BURST_TIME`], and a client that floods the server with drawing keeps it going; a
/// round trip of another client in that burst took the whole burst.
pub(crate) fn answer_now(s: &mut State, client: ClientId) {
    let Some(c) = s.clients.get_mut(&client) else {
        return;
    };
    if !c.has_output() || c.overflow.is_some() {
        return;
    }
    match s.surfaces.done_for(client, &s.workers) {
        true => c.flush(),
        false => c.answer_waits = true,
    }
}

/// Blames each client one of whose drawings failed on a lane (settled since the last
/// call), as [`dispatch::after_panic`] does for a failure on this thread: it is
/// disconnected at the next flush.
fn report_lane_faults(s: &mut State) {
    for fault in s.surfaces.take_faults() {
        // The failed request is the lane's, not the one this thread applied last.
        s.request_in_hand = fault.opcode;
        let message = format!("{} (drawn on a lane)", fault.message);
        dispatch::after_panic(s, fault.client, &message);
    }
}

/// Hands every client's queued frames to its writer; frames that answer its own requests
/// once every drawing it handed to a lane is done (until then they wait in its buffer,
/// counted against its output limit).
/// A client whose unread output passed its limit is disconnected instead (its socket
/// closed at once, whether or not it reads), so a client that never reads cannot make
/// the server's memory grow; one that sent a frame that does not decode gets its owed
/// output, then the end.
pub fn flush_clients(s: &mut State) {
    // A drawing that failed on a lane ends its client as one that failed here does.
    if s.surfaces.any_away() {
        s.surfaces.settle_faulted(&s.workers);
        report_lane_faults(s);
    }
    // Disconnecting makes events for others (Destroy, ...), which may in turn push
    // another non-reader over; each round removes at least one client.
    loop {
        let over: Vec<(ClientId, String)> = s
            .clients
            .values_mut()
            .filter_map(|c| c.overflow.take().map(|r| (c.id, r)))
            .collect();
        if over.is_empty() {
            break;
        }
        for (id, reason) in over {
            tracing::warn!(client = id.0, %reason, "disconnecting a client");
            if let Some(c) = s.clients.get_mut(&id) {
                if c.malformed {
                    // Like a disconnect from the reader: what the requests before the
                    // bad frame earned is written, then the connection ends.
                    c.flush();
                } else {
                    c.outbox.close();
                }
            }
            clients::disconnect(s, id, &reason);
        }
    }
    // What answers a client's requests tells it they were applied: that output waits
    // until its drawings on lanes are done (`state::surfaces`); the lane thread that
    // finishes them wakes the loop, which comes back here. Output that answers nothing
    // of its own (events of other clients' requests, input) goes at once: a client
    // that keeps its lanes busy would otherwise hear nothing until it paused, and it
    // tells it nothing of its own drawings.
    let (surfaces, workers) = (&s.surfaces, &s.workers);
    for c in s.clients.values_mut() {
        if c.has_output() && (!c.answer_waits || surfaces.done_for(c.id, workers)) {
            c.flush();
        }
    }
}

/// Composes the damage and shows it.
pub fn present(s: &mut State) {
    s.refresh_decorations();
    crate::handlers::migrate::first_frames(s);
    if !s.frames_shown {
        s.framebuffer.discard_damage();
        return;
    }
    if s.framebuffer.has_damage() {
        s.surfaces.settle_all(&s.workers);
        let scene = Scene {
            windows: &s.windows,
            surfaces: s.surfaces.settled(),
            wm: &s.wm,
            drag_icon: s.transfers.drag_icon(s.input.pointer),
            only_space: None,
        };
        let before = viewers::before(s);
        let damage = compose::compose(&mut s.framebuffer, &scene);
        s.screen.present(&s.framebuffer, &damage);
        let moves = s.viewers.take_moves();
        if let Some(before) = before {
            let (copies, changed) = viewers::changed(&s.framebuffer, before, &moves);
            s.viewers.copied(&copies);
            s.viewers.damaged(&changed);
        }
    }
}

/// Ends every client (at shutdown): those of 1.5 or later first hear why
/// (ServerEnding, with `State::ending_restart`), then each is disconnected.
pub fn disconnect_all(s: &mut State) {
    // Every drawing done, so that every client's last output goes.
    s.surfaces.settle_all(&s.workers);
    session::server_ending(s, s.ending_restart);
    flush_clients(s);
    let ids: Vec<ClientId> = s.clients.keys().copied().collect();
    for id in ids {
        clients::disconnect(s, id, "server shutting down");
    }
}

/// How long a stopping server waits for its connections' writers to hand over the last
/// output (a client that does not read is not waited for longer).
pub const WRITERS_DRAIN: std::time::Duration = std::time::Duration::from_millis(500);

/// The connections served on the state thread itself (see `net::server` for why): a
/// current-thread tokio runtime whose tasks (the accept loops of the Unix socket and plain
/// TCP, and each of their connections' reader and writer) run only while this thread
/// waits for a command or gives them a turn, and the count of the server's writer tasks
/// still running.
///
/// Why a runtime of the state thread's own: a request that arrives while the thread
/// waits is read, decoded and applied by the thread the kernel wakes, with no hand-off
/// to another (one thread wake-up and one context switch fewer a round trip, as in X's
/// single loop). The tasks cannot run while the thread applies commands; their clients'
/// bytes wait in the socket meanwhile (the bounded command queue and each connection's
/// batches in flight still throttle a flooding client as before).
pub struct LocalIo {
    /// The runtime; only the state thread drives it.
    pub runtime: tokio::runtime::Runtime,
    /// The writer tasks still running (shared with `net::server`'s stop).
    pub writers: Arc<AtomicUsize>,
}

/// The state thread's loop (see `net::server` for why it is a thread of its own): apply
/// commands in arrival order until told to stop (a `Shutdown` command, or `stopping`);
/// after each burst, hand every client its output and present the damage. A client's
/// heavy drawing is applied in slices between the others' commands (see
/// `dispatch::backlog`). While it waits, it serves the connections of `io`.
///
/// The loop is a task of `io`'s runtime, beside the connections' tasks, rather than the
/// future the runtime blocks on: a reader that hands it a command wakes a task of the
/// same thread, which tokio queues and runs as soon as the reader yields. The future the
/// runtime blocks on would be flagged instead, and the runtime would first look at its
/// reactor once more (an `epoll_wait` a round trip, of the four it takes).
pub fn run(state: State, rx: mpsc::Receiver<Command>, stopping: Arc<Stopping>, io: LocalIo) {
    // A failure outside a client's batch (disconnecting a client, host input, composing)
    // has no client to blame and may leave anything half-done: the server ends (status
    // 70, like a failed invariant check) rather than live on without its state thread,
    // accepting connections it never serves. (The task's panic comes back as its
    // `JoinError`.)
    let ran = io
        .runtime
        .block_on(io.runtime.spawn(run_loop(state, rx, stopping)));
    if let Err(failed) = ran {
        let message = match failed.try_into_panic() {
            Ok(payload) => dispatch::panic_message(payload.as_ref()).to_string(),
            Err(failed) => failed.to_string(),
        };
        tracing::error!(
            failure = message,
            "the server failed outside any client's request; exiting"
        );
        std::process::exit(70);
    }
    // Every client was told the server ends and let go: the local writers hand that
    // over before the runtime, and with it every connection, is dropped.
    io.runtime.block_on(async {
        // A turn first: a connection accepted in the last burst starts its writer then.
        local_turn().await;
        let until = tokio::time::Instant::now() + WRITERS_DRAIN;
        while io.writers.load(Ordering::Acquire) > 0 && tokio::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    });
}

async fn run_loop(mut state: State, mut rx: mpsc::Receiver<Command>, stopping: Arc<Stopping>) {
    // This thread draws: large drawings split among it and the rasterizer's others.
    let threads = state.workers.start();
    tracing::debug!(threads, "rasterizer threads");
    // Set-aside work: a local of the loop, owned by this thread alone.
    let mut backlog = Backlog::default();
    let lanes_done = state.surfaces.lanes_done();
    loop {
        // Wait for a command only when there is no set-aside work to go on with; the
        // local connections run meanwhile, and get a turn in any case. A lane's
        // drawing that some client's output waited for ends the wait too: the burst's
        // end hands that output over.
        let first = match backlog.is_empty() {
            true => match next_command(&mut rx, answers_wait(&state).then_some(&*lanes_done)).await
            {
                Next::Command(cmd) => Some(cmd),
                Next::LanesDone => None,
                Next::Closed => break,
            },
            false => {
                local_turn().await;
                None
            }
        };
        let burst = std::time::Instant::now();
        let mut stop = stopping.now.load(Ordering::Acquire);
        let mut n = 0;
        if let Some(cmd) = first {
            stop |= step(&mut state, &mut backlog, cmd);
            n = 1;
        }
        let mut turn = burst;
        while !stop && n < COMMANDS_PER_FRAME && burst.elapsed() < BURST_TIME {
            if turn.elapsed() >= LOCAL_TURN {
                // A long burst of other senders' commands: the local connections read
                // what came meanwhile, so that theirs join this burst.
                local_turn().await;
                turn = std::time::Instant::now();
            }
            match rx.try_recv() {
                Ok(cmd) => {
                    stop =
                        step(&mut state, &mut backlog, cmd) || stopping.now.load(Ordering::Acquire)
                }
                Err(_) => break,
            }
            n += 1;
        }
        if !stop && !backlog.is_empty() {
            serve_backlog(&mut state, &mut backlog);
        }
        // The checkpoint's work (a due write, a restoration's deadline) before the output
        // goes: a window put back makes events.
        restore::after_burst(&mut state);
        // Requests may have changed what is under the pointer (a window mapped, destroyed,
        // restacked): the pointer's shape follows.
        state.update_cursor();
        flush_clients(&mut state);
        present(&mut state);
        if !backlog.is_empty() {
            // Clients the server disconnected itself lose their set-aside work.
            backlog.retain(|c| state.clients.contains_key(&c));
        }
        if stop {
            break;
        }
    }
    state.ending_restart |= stopping.restart.load(Ordering::Acquire);
    // Written while the clients' windows still exist: they are what comes back.
    state.final_checkpoint();
    disconnect_all(&mut state);
}

/// Whether some client's answer waits for its drawings on lanes: only then does the
/// idle loop listen for the lanes too (registering with the `Notify` at every wait cost
/// a round trip 280 server instructions of its 8,000).
fn answers_wait(s: &State) -> bool {
    s.clients.values().any(|c| c.answer_waits)
}

/// What ends the state thread's wait ([`next_command`]).
enum Next {
    /// A command to apply.
    Command(Command),
    /// A drawing on a lane that a client's output waits for is done.
    LanesDone,
    /// Every sender is gone.
    Closed,
}

/// The next command, running the local connections' tasks until one comes or, when
/// given `lanes_done`, a lane finishes a drawing some output waits for. When commands
/// already wait, those tasks still get their turn first, so that the other senders (TLS
/// connections, web viewers, input, alarms) cannot starve them.
async fn next_command(
    rx: &mut mpsc::Receiver<Command>,
    lanes_done: Option<&tokio::sync::Notify>,
) -> Next {
    if !rx.is_empty() {
        local_turn().await;
    }
    let Some(lanes_done) = lanes_done else {
        return rx.recv().await.map_or(Next::Closed, Next::Command);
    };
    tokio::select! {
        biased;
        cmd = rx.recv() => cmd.map_or(Next::Closed, Next::Command),
        () = lanes_done.notified() => Next::LanesDone,
    }
}

/// Lets the local connections whose sockets are ready run, without waiting (tokio runs up
/// to 61 tasks between two looks at the reactor: with more connections ready, the rest
/// run at the next turn). A yield defers the loop's task until the runtime has looked
/// at its reactor (without blocking), and the tasks whose sockets are ready are queued
/// ahead of it: in the run loop, which is a task, one yield lets them run. Where this
/// is the future the runtime blocks on (the writers' drain in [`run`], the tests), that
/// future is polled before the queued tasks, and the second yield lets them run first.
async fn local_turn() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// How the server is told to stop from outside the state thread, between any two
/// commands however long its queue (the Shutdown command wakes an idle thread).
#[derive(Debug, Default)]
pub struct Stopping {
    /// Stop now.
    pub now: AtomicBool,
    /// A server comes back on this display: clients are told so (ServerEnding).
    pub restart: AtomicBool,
}

#[cfg(test)]
#[path = "tests_backlog.rs"]
mod tests;
