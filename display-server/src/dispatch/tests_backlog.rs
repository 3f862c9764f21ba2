//! The state thread's slices and backlog (`state_thread.rs`, `backlog.rs`) on a bare
//! [`State`]: a batch stops after its budget of drawing and the rest waits its client's
//! turn, in order, with later batches and the disconnection queued behind it, while the
//! other clients' commands go on. The order of application is read from the atoms'
//! numbers, which count up in the order the requests made them.

use super::*;
use crate::state::test_support::state_with_client;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::Semaphore;
use yonder_protocol::request::{CreateGc, CreatePixmap, GcValues, InternAtom, PolyFillRectangle};
use yonder_protocol::{
    make_id, Atom, Drawable, GcId, Hello, PixmapId, Rect, Reply, Request, ServerMessage,
};

/// The pixmap both clients draw on is `SIDE`²; a [`heavy`] request fills it 10 times.
const SIDE: u32 = 10;
/// A slice's budget: one heavy request.
const BUDGET: u64 = 10 * (SIDE * SIDE) as u64;

/// A batch of `reqs` holding one of `permits`.
fn batch(client: ClientId, reqs: Vec<Request>, permits: &Arc<Semaphore>) -> Command {
    Command::Requests {
        client,
        link: 0,
        batch: reqs.into_iter().map(Incoming::Request).collect(),
        bodies: Vec::new(),
        permit: permits.clone().try_acquire_owned().expect("a permit"),
    }
}

fn intern(name: &str) -> Request {
    Request::InternAtom(InternAtom {
        name: name.into(),
        only_if_exists: false,
    })
}

/// Client `space`'s pixmap (id 1) and GC (id 2).
fn ids(space: u32) -> (Drawable, GcId) {
    (Drawable(make_id(space, 1)), GcId(make_id(space, 2)))
}

/// Fills client `space`'s pixmap ten times over: a budget's worth of drawing.
fn heavy(space: u32) -> Request {
    let (d, gc) = ids(space);
    Request::PolyFillRectangle(PolyFillRectangle {
        drawable: d,
        gc,
        rects: vec![Rect::new(0, 0, SIDE, SIDE); 10],
    })
}

/// Makes client `space`'s pixmap and GC.
fn setup(s: &mut State, c: ClientId, space: u32) {
    let (d, gc) = ids(space);
    let reqs = [
        Request::CreatePixmap(CreatePixmap {
            id: PixmapId(d.0),
            drawable: Drawable(yonder_protocol::WindowId::ROOT.0),
            width: SIDE,
            height: SIDE,
        }),
        Request::CreateGc(CreateGc {
            id: gc,
            drawable: d,
            values: GcValues::default(),
        }),
    ];
    for r in reqs {
        dispatch::handle_request(s, c, Incoming::Request(r));
    }
    assert!(s.surfaces.contains_key(&d) && s.gcs.contains_key(&gc));
}

/// A state with the budget of [`BUDGET`], client A (space 7) and client B (space 8),
/// each with its pixmap and GC, and their outputs.
fn two_clients() -> (State, [ClientId; 2], [UnboundedReceiver<Vec<u8>>; 2]) {
    let (mut s, a, out_a) = state_with_client(64, 64, false);
    s.batch_work_budget = BUDGET;
    let (tx, out_b) = tokio::sync::mpsc::unbounded_channel();
    let hello = Hello {
        protocol: yonder_protocol::PROTOCOL_NAME.into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: Vec::new(),
        app_name: "unit-b".into(),
        id_space: 8,
        resume: None,
        token: None,
    };
    let b = s.connect(hello, tx).expect("connects");
    setup(&mut s, a, 7);
    setup(&mut s, b, 8);
    (s, [a, b], [out_a, out_b])
}

/// The atom named `name`, which must exist.
fn atom(s: &State, name: &str) -> Atom {
    s.atoms
        .lookup(name)
        .unwrap_or_else(|| panic!("no atom {name}"))
}

/// Every reply to an InternAtom in a client's output so far.
fn interned(out: &mut UnboundedReceiver<Vec<u8>>) -> Vec<Atom> {
    let mut bytes = Vec::new();
    while let Ok(chunk) = out.try_recv() {
        bytes.extend(chunk);
    }
    let mut atoms = Vec::new();
    for frame in yonder_protocol::frames(&bytes) {
        if let Ok(ServerMessage::Reply {
            reply: Reply::InternAtom(r),
            ..
        }) = yonder_protocol::message::decode_server_message(&frame[4..])
        {
            atoms.push(r.atom);
        }
    }
    atoms
}

#[test]
fn a_batch_goes_on_in_slices_in_order_behind_which_its_client_waits() {
    let (mut s, [a, b], _out) = two_clients();
    let permits = Arc::new(Semaphore::new(4));
    let mut backlog = Backlog::default();
    let first = vec![intern("A1"), heavy(7), intern("A2"), heavy(7), intern("A3")];
    assert!(!step(&mut s, &mut backlog, batch(a, first, &permits)));
    // The first slice stopped after the first heavy request: the rest waits.
    assert!(s.atoms.lookup("A1").is_some() && s.atoms.lookup("A2").is_none());
    assert!(backlog.has(a));
    assert_eq!(permits.available_permits(), 3, "the batch's permit is held");
    // B has no backlog: its batch is applied at once, ahead of A's rest.
    step(&mut s, &mut backlog, batch(b, vec![intern("B")], &permits));
    assert!(s.atoms.lookup("B").is_some());
    assert_eq!(permits.available_permits(), 3, "B's permit came back");
    // A's later batch and its disconnection queue up behind its backlog.
    step(&mut s, &mut backlog, batch(a, vec![intern("A4")], &permits));
    let gone = Command::Disconnect {
        client: a,
        link: 0,
        lost: true,
        reason: "closed".into(),
    };
    step(&mut s, &mut backlog, gone);
    assert!(s.atoms.lookup("A4").is_none() && s.clients.contains_key(&a));
    assert_eq!(permits.available_permits(), 2);
    // Turns: each gives A one slice (a heavy request ends it).
    serve_backlog(&mut s, &mut backlog);
    assert!(s.atoms.lookup("A2").is_some() && s.atoms.lookup("A3").is_none());
    serve_backlog(&mut s, &mut backlog);
    assert!(
        s.atoms.lookup("A4").is_some(),
        "the next batch in the same turn"
    );
    assert!(!s.clients.contains_key(&a), "then the disconnection");
    assert!(backlog.is_empty());
    assert_eq!(permits.available_permits(), 4, "every permit came back");
    // The order the requests were applied in.
    let order: Vec<Atom> = ["A1", "B", "A2", "A3", "A4"]
        .iter()
        .map(|n| atom(&s, n))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn apply_command_applies_a_whole_batch_and_light_batches_are_not_cut() {
    let (mut s, [a, b], _out) = two_clients();
    let permits = Arc::new(Semaphore::new(4));
    // Through apply_command (as tests drive the state) a long batch is applied whole.
    let reqs = vec![heavy(7), heavy(7), heavy(7), intern("WHOLE")];
    assert!(!apply_command(&mut s, batch(a, reqs, &permits)));
    assert!(s.atoms.lookup("WHOLE").is_some());
    assert_eq!(permits.available_permits(), 4);
    // Light requests draw little: a batch of them is never set aside.
    let mut backlog = Backlog::default();
    let light = (0..64).map(|i| intern(&format!("L{i}"))).collect();
    step(&mut s, &mut backlog, batch(b, light, &permits));
    assert!(backlog.is_empty() && s.atoms.lookup("L63").is_some());
    // A client the server disconnects itself (here: for not reading) loses its backlog.
    step(
        &mut s,
        &mut backlog,
        batch(a, vec![heavy(7), heavy(7)], &permits),
    );
    assert!(backlog.has(a));
    s.clients.get_mut(&a).unwrap().overflow = Some("gone".into());
    flush_clients(&mut s);
    backlog.retain(|c| s.clients.contains_key(&c));
    assert!(backlog.is_empty());
    assert_eq!(
        permits.available_permits(),
        4,
        "a gone client's permits are returned"
    );
}

/// A failure in a resumed slice is caught like one in a first slice: that client's batch
/// ends there (and the client with it), the others go on.
#[cfg(feature = "fault-injection")]
#[test]
fn a_panic_in_a_resumed_slice_ends_that_client_only() {
    let (mut s, [a, b], _out) = two_clients();
    let permits = Arc::new(Semaphore::new(4));
    let mut backlog = Backlog::default();
    let reqs = vec![heavy(7), intern("_YONDER_TEST_PANIC"), intern("AFTER")];
    step(&mut s, &mut backlog, batch(a, reqs, &permits));
    assert!(backlog.has(a));
    serve_backlog(&mut s, &mut backlog);
    assert!(s.atoms.lookup("_YONDER_TEST_PANIC_WAS_HERE").is_some());
    assert!(s.atoms.lookup("AFTER").is_none(), "the rest is dropped");
    assert!(s.clients[&a].overflow.is_some(), "A is to be disconnected");
    assert!(backlog.is_empty());
    assert_eq!(permits.available_permits(), 4);
    step(
        &mut s,
        &mut backlog,
        batch(b, vec![intern("B_GOES_ON")], &permits),
    );
    assert!(s.atoms.lookup("B_GOES_ON").is_some());
}

/// The run loop itself: A's heavy batch and B's request arrive in that order; B's is
/// applied while A's batch is still set aside, so A's last request sees B's atom.
#[test]
fn the_run_loop_serves_another_client_between_a_heavy_batchs_slices() {
    let (s, [a, b], [mut out_a, _out_b]) = two_clients();
    let permits = Arc::new(Semaphore::new(8));
    let (tx, rx) = mpsc::channel(16);
    let mut reqs: Vec<Request> = (0..8).map(|_| heavy(7)).collect();
    reqs.push(Request::InternAtom(InternAtom {
        name: "B_WAS_HERE".into(),
        only_if_exists: true,
    }));
    tx.try_send(batch(a, reqs, &permits)).ok().unwrap();
    tx.try_send(batch(b, vec![intern("B_WAS_HERE")], &permits))
        .ok()
        .unwrap();
    drop(tx);
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // As the server runs it: the loop a task of the runtime.
    let io = LocalIo {
        runtime: local,
        writers: Arc::default(),
    };
    run(s, rx, Arc::default(), io);
    let seen = interned(&mut out_a);
    assert_eq!(seen.len(), 1);
    assert_ne!(seen[0], Atom::NONE, "B's request came before A's last");
    assert_eq!(permits.available_permits(), 8);
}

#[test]
fn a_reply_goes_out_after_its_batch_not_at_the_bursts_end() {
    let (mut s, [a, b], [mut out_a, mut out_b]) = two_clients();
    flush_clients(&mut s);
    let permits = Arc::new(Semaphore::new(4));
    let mut backlog = Backlog::default();
    // B draws a budget's worth (cut in slices) and says nothing; A asks for a reply.
    let heavy_b = vec![heavy(8), heavy(8), heavy(8)];
    step(&mut s, &mut backlog, batch(b, heavy_b, &permits));
    step(&mut s, &mut backlog, batch(a, vec![intern("A")], &permits));
    assert_eq!(
        interned(&mut out_a),
        vec![atom(&s, "A")],
        "A's reply went with its batch"
    );
    assert!(backlog.has(b), "while B's drawing still waits");
    // B's own reply, asked for behind its drawing, goes after its last slice.
    step(&mut s, &mut backlog, batch(b, vec![intern("B")], &permits));
    assert!(interned(&mut out_b).is_empty());
    while !backlog.is_empty() {
        serve_backlog(&mut s, &mut backlog);
    }
    assert_eq!(interned(&mut out_b), vec![atom(&s, "B")]);
}
