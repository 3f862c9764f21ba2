//! Lanes change no pixel: the same requests of two clients, in one fixed order, applied to
//! a state drawing on one thread and to one whose state thread hands large copies inside
//! a drawable to lanes; every drawable read back the same, at points where drawings are
//! still queued on a lane (reads of the drawable itself and of another client's, a copy
//! from a drawable whose lane is busy, a resize, a pixmap freed while drawn).

use crate::command::Incoming;
use crate::config::ServerConfig;
use crate::dispatch;
use crate::screen::Headless;
use crate::state::State;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use yonder_protocol::request::{
    ConfigureWindow, CopyArea, CreateGc, CreatePixmap, CreateWindow, FreePixmap, GcValues,
    MapWindow, PolyFillRectangle, WindowAttributes,
};
use yonder_protocol::{
    make_id, ClientId, Color, Drawable, GcId, Hello, PixmapId, Point, Rect, Request, WindowId,
};

/// A headless state drawing on `threads` threads (the calling thread the pool's thread
/// 0), with two trusted clients in id spaces 7 and 8, and their output's receivers.
fn state(threads: usize) -> (State, [ClientId; 2], Vec<UnboundedReceiver<Vec<u8>>>) {
    let config = ServerConfig {
        screen_width: 640,
        screen_height: 480,
        window_manager: false,
        render_threads: threads,
        ..ServerConfig::default()
    };
    let mut state = State::new(&config, Box::new(Headless::new(640, 480)));
    assert_eq!(state.workers.start(), threads);
    let mut outs = Vec::new();
    let clients = [7, 8].map(|space| {
        let (tx, rx) = unbounded_channel();
        outs.push(rx);
        let hello = Hello {
            protocol: yonder_protocol::PROTOCOL_NAME.into(),
            major: yonder_protocol::PROTOCOL_MAJOR,
            minor: yonder_protocol::PROTOCOL_MINOR,
            cookie: Vec::new(),
            app_name: format!("lanes{space}"),
            id_space: space,
            resume: None,
            token: None,
        };
        let c = state.connect(hello, tx).expect("connects");
        state.clients.get_mut(&c).unwrap().trusted = true;
        c
    });
    (state, clients, outs)
}

fn win(space: u32) -> Drawable {
    Drawable(make_id(space, 1))
}
fn pix(space: u32) -> Drawable {
    Drawable(make_id(space, 2))
}
fn gc(space: u32) -> GcId {
    GcId(make_id(space, 3))
}

fn copy(src: Drawable, dst: Drawable, g: GcId, r: Rect, to: (i32, i32)) -> Request {
    Request::CopyArea(CopyArea {
        src,
        dst,
        gc: g,
        src_rect: r,
        dst_origin: Point::new(to.0, to.1),
    })
}

fn fill(d: Drawable, g: GcId, colour: u32, rects: Vec<Rect>) -> [Request; 2] {
    [
        Request::ChangeGc(yonder_protocol::request::ChangeGc {
            gc: g,
            values: GcValues {
                foreground: Some(Color(colour)),
                ..Default::default()
            },
        }),
        Request::PolyFillRectangle(PolyFillRectangle {
            drawable: d,
            gc: g,
            rects,
        }),
    ]
}

/// The pixels of `d` (settling it).
fn pixels(s: &mut State, d: Drawable) -> Vec<u8> {
    s.surfaces.get(&d).expect("exists").data().to_vec()
}

/// Applies client `c`'s request `r`.
fn apply(s: &mut State, c: ClientId, r: Request) {
    dispatch::handle_request(s, c, Incoming::Request(r));
}

/// Each client's window (mapped) and pixmap, striped, and its GC.
fn setup(s: &mut State, clients: [ClientId; 2]) {
    for (c, space) in [(clients[0], 7), (clients[1], 8)] {
        let w = WindowId(win(space).0);
        apply(
            s,
            c,
            Request::CreateWindow(CreateWindow {
                id: w,
                parent: WindowId::ROOT,
                rect: Rect::new(space as i32 * 20, 10, 300, 260),
                attributes: WindowAttributes::default(),
            }),
        );
        apply(s, c, Request::MapWindow(MapWindow { window: w }));
        apply(
            s,
            c,
            Request::CreatePixmap(CreatePixmap {
                id: PixmapId(pix(space).0),
                drawable: win(space),
                width: 280,
                height: 240,
            }),
        );
        apply(
            s,
            c,
            Request::CreateGc(CreateGc {
                id: gc(space),
                drawable: win(space),
                values: GcValues::default(),
            }),
        );
        // Stripes, so that any row or column out of place shows.
        for i in 0..12 {
            let colour = 0xFF00_0000 | (space * 0x1F3D5B + i * 0x0B1723) & 0xFF_FFFF;
            for d in [win(space), pix(space)] {
                let stripes = vec![
                    Rect::new(i as i32 * 25, 0, 13, 260),
                    Rect::new(0, i as i32 * 21, 300, 9),
                ];
                for r in fill(d, gc(space), colour, stripes) {
                    apply(s, c, r);
                }
            }
        }
    }
}

/// Runs the two clients' requests in a fixed order on a state of `threads` threads;
/// the pixels read at each check, and how many copies found their drawable away.
fn run(threads: usize) -> (Vec<Vec<u8>>, usize) {
    let (mut s, [a, b], _outs) = state(threads);
    let mut away = 0;
    setup(&mut s, [a, b]);
    let mut seen = Vec::new();
    let lane_copy = |s: &mut State, c: ClientId, d: Drawable, g, r, to, away: &mut usize| {
        apply(s, c, copy(d, d, g, r, to));
        *away += s.surfaces.is_away(&d) as usize;
    };
    let (wa, wb, pa, pb) = (win(7), win(8), pix(7), pix(8));
    // Overlapping moves in every direction, both clients' drawables queued at once.
    for (from, to) in [((0, 0), (0, 30)), ((10, 40), (0, 0)), ((0, 0), (17, 5))] {
        let r = Rect::new(from.0, from.1, 250, 200);
        lane_copy(&mut s, a, wa, gc(7), r, to, &mut away);
        lane_copy(&mut s, b, pb, gc(8), r, to, &mut away);
        lane_copy(&mut s, a, pa, gc(7), r, (to.1, to.0), &mut away);
        lane_copy(&mut s, b, wb, gc(8), r, (to.1, to.0), &mut away);
    }
    // A copy from another client's drawable still queued on its lane, into one of its
    // own also queued; then a fill (not a lane drawing) over a queued one.
    apply(
        &mut s,
        a,
        copy(pb, wa, gc(7), Rect::new(5, 5, 200, 180), (40, 50)),
    );
    lane_copy(
        &mut s,
        b,
        wb,
        gc(8),
        Rect::new(0, 0, 300, 100),
        (0, 3),
        &mut away,
    );
    for r in fill(wb, gc(8), 0xFF12_3456, vec![Rect::new(30, 30, 40, 40)]) {
        apply(&mut s, b, r);
    }
    for d in [wa, wb, pa, pb] {
        seen.push(pixels(&mut s, d));
    }
    // Queued again; then read by the other client, resized, freed.
    lane_copy(
        &mut s,
        a,
        pa,
        gc(7),
        Rect::new(0, 0, 200, 200),
        (30, 31),
        &mut away,
    );
    lane_copy(
        &mut s,
        b,
        wb,
        gc(8),
        Rect::new(20, 20, 200, 200),
        (0, 0),
        &mut away,
    );
    lane_copy(
        &mut s,
        a,
        wa,
        gc(7),
        Rect::new(0, 0, 240, 240),
        (9, 0),
        &mut away,
    );
    apply(
        &mut s,
        b,
        copy(pa, wb, gc(8), Rect::new(0, 0, 100, 100), (150, 150)),
    );
    apply(
        &mut s,
        a,
        Request::ConfigureWindow(ConfigureWindow {
            window: WindowId(wa.0),
            x: None,
            y: None,
            width: Some(200),
            height: Some(290),
            stack_mode: None,
            ..Default::default()
        }),
    );
    lane_copy(
        &mut s,
        b,
        pb,
        gc(8),
        Rect::new(0, 0, 200, 200),
        (3, 40),
        &mut away,
    );
    apply(
        &mut s,
        b,
        Request::FreePixmap(FreePixmap {
            pixmap: PixmapId(pb.0),
        }),
    );
    assert!(!s.surfaces.contains_key(&pb), "freed while queued");
    s.surfaces.settle_all(&s.workers);
    assert!(s.surfaces.take_faults().is_empty());
    for d in [wa, wb, pa] {
        seen.push(pixels(&mut s, d));
    }
    assert_eq!(s.check_invariants(), Ok(()));
    (seen, away)
}

#[test]
fn lanes_draw_what_one_thread_draws() {
    let (one, away_one) = run(1);
    assert_eq!(away_one, 0, "one thread: nothing handed to a lane");
    // A thread of its own: the pool's thread 0 is the thread that draws.
    let (two, away_two) = std::thread::spawn(|| run(2)).join().unwrap();
    assert!(
        away_two >= 12,
        "two threads: copies went to lanes ({away_two})"
    );
    assert_eq!(one.len(), two.len());
    for (i, (x, y)) in one.iter().zip(&two).enumerate() {
        let first = x.iter().zip(y).position(|(p, q)| p != q);
        assert_eq!(first, None, "read {i}: the first byte that differs");
        let mut colours: Vec<&[u8]> = x.chunks(4).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 8, "read {i}: {} colours", colours.len());
    }
}

/// Hands client `c`'s job on drawable `d`'s lane that waits, once a lane thread is
/// drawing it (which this waits for), until the gate returned is opened (or dropped).
fn gated(s: &mut State, c: ClientId, d: Drawable) -> std::sync::mpsc::Sender<()> {
    let (open, gate) = std::sync::mpsc::channel();
    let (entered, inside) = std::sync::mpsc::channel();
    let job = crate::render::lanes::Job {
        client: c,
        opcode: 62,
        pixels: super::LANE_MIN_PIXELS,
        draw: Box::new(move |_, _| {
            let _ = entered.send(());
            let _ = gate.recv();
        }),
    };
    s.surfaces.hand(&s.workers, d, job);
    inside
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("a lane thread draws it");
    open
}

/// A batch of client `c` asking for a reply, ended as the state thread ends one.
fn ask(s: &mut State, c: ClientId, name: &str) {
    let r = yonder_protocol::request::InternAtom {
        name: name.into(),
        only_if_exists: false,
    };
    apply(s, c, Request::InternAtom(r));
    dispatch::state_thread::answer_now(s, c);
}

/// Calls `flush_clients` until `out` has something (bounded: a lane thread finishes
/// a copy long before); whether it did.
fn heard(s: &mut State, out: &mut UnboundedReceiver<Vec<u8>>) -> bool {
    for _ in 0..5000 {
        dispatch::flush_clients(s);
        if out.try_recv().is_ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    false
}

/// What answers a client's requests waits for its own drawings on lanes, and only for
/// those, while nothing is taken back from the lanes; an event that answers nothing of
/// its own does not wait; the pixels are those of one thread.
#[test]
fn a_clients_output_waits_for_its_own_drawings_on_lanes_only() {
    std::thread::spawn(|| {
        let (mut s, [a, b], mut outs) = state(2);
        setup(&mut s, [a, b]);
        // What the setup told them (Expose events).
        dispatch::flush_clients(&mut s);
        for out in &mut outs {
            while out.try_recv().is_ok() {}
        }
        let (wa, wb) = (win(7), win(8));
        apply(
            &mut s,
            a,
            copy(wa, wa, gc(7), Rect::new(0, 0, 250, 200), (9, 17)),
        );
        let open = gated(&mut s, a, wa);
        // An event that answers nothing of A's own goes while its lane is busy.
        let event =
            yonder_protocol::Event::ServerEnding(yonder_protocol::event::ServerEndingEvent {
                root: WindowId::ROOT,
                restart: false,
            });
        crate::events::send_event(&mut s, a, event, true);
        dispatch::flush_clients(&mut s);
        assert!(outs[0].try_recv().is_ok(), "A's event went at once");
        apply(
            &mut s,
            b,
            copy(wb, wb, gc(8), Rect::new(5, 5, 250, 200), (0, 0)),
        );
        ask(&mut s, a, "A_ASKS");
        ask(&mut s, b, "B_ASKS");
        // One lane thread is held in A's drawing; B's lane is drawn meanwhile.
        assert!(heard(&mut s, &mut outs[1]), "B's reply went");
        dispatch::flush_clients(&mut s);
        assert!(outs[0].try_recv().is_err(), "A's waits for its drawing");
        assert!(
            s.surfaces.is_away(&wa) && s.surfaces.is_away(&wb),
            "none settled"
        );
        open.send(()).unwrap();
        assert!(heard(&mut s, &mut outs[0]), "then A's went");
        assert!(s.surfaces.is_away(&wa), "and its lane goes on");
        let two = [pixels(&mut s, wa), pixels(&mut s, wb)];
        let (mut one, [a, b], _outs) = state(1);
        setup(&mut one, [a, b]);
        apply(
            &mut one,
            a,
            copy(wa, wa, gc(7), Rect::new(0, 0, 250, 200), (9, 17)),
        );
        apply(
            &mut one,
            b,
            copy(wb, wb, gc(8), Rect::new(5, 5, 250, 200), (0, 0)),
        );
        assert!(two == [pixels(&mut one, wa), pixels(&mut one, wb)]);
    })
    .join()
    .unwrap();
}

/// The state thread's loop, idle, is woken when a drawing some client's output waits
/// for is done on a lane, and hands the output over: nothing else comes to wake it.
#[test]
fn the_loop_hands_over_output_when_the_lane_it_waited_for_is_done() {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let (got, mut outs) = std::thread::spawn(move || {
        let (mut s, [a, b], mut outs) = state(2);
        setup(&mut s, [a, b]);
        dispatch::flush_clients(&mut s);
        for out in &mut outs {
            while out.try_recv().is_ok() {}
        }
        let open = gated(&mut s, a, win(7));
        ask(&mut s, a, "A_ASKS");
        // A's reply waits for the lane thread, at the burst's end too.
        dispatch::flush_clients(&mut s);
        assert!(outs[0].try_recv().is_err());
        let mut out_a = outs.remove(0);
        let waiter = std::thread::spawn(move || {
            // The loop runs and goes idle; then the lane finishes.
            std::thread::sleep(std::time::Duration::from_millis(50));
            open.send(()).unwrap();
            let got = (0..5000).any(|_| {
                std::thread::sleep(std::time::Duration::from_millis(1));
                out_a.try_recv().is_ok()
            });
            let _ = tx.blocking_send(crate::command::Command::Shutdown { restart: false });
            got
        });
        let io = dispatch::state_thread::LocalIo {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            writers: Default::default(),
        };
        dispatch::run(s, rx, Default::default(), io);
        (waiter.join().unwrap(), outs)
    })
    .join()
    .unwrap();
    assert!(got, "A's reply went while the loop had nothing else to do");
    assert!(outs[0].try_recv().is_ok(), "B heard the server end");
}

#[test]
fn a_drawing_that_fails_on_a_lane_ends_its_client_at_the_next_flush() {
    std::thread::spawn(|| {
        let (mut s, [a, b], _outs) = state(2);
        setup(&mut s, [a, b]);
        // What the setup told them: B has nothing more to hear.
        dispatch::flush_clients(&mut s);
        let wb = win(8);
        apply(
            &mut s,
            b,
            copy(wb, wb, gc(8), Rect::new(0, 0, 250, 200), (3, 3)),
        );
        let job = crate::render::lanes::Job {
            client: b,
            opcode: 62,
            pixels: super::LANE_MIN_PIXELS,
            draw: Box::new(|_, _| panic!("a bug on a lane")),
        };
        s.surfaces.hand(&s.workers, wb, job);
        // Until a lane thread has drawn it (bounded: the lane threads are idle else).
        for _ in 0..20_000 {
            if s.surfaces.away.get(&wb).is_some_and(|w| w.lane.faulted()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(
            s.surfaces.away.get(&wb).is_some_and(|w| w.lane.faulted()),
            "B's lane drew the failing job"
        );
        dispatch::flush_clients(&mut s);
        assert!(!s.clients.contains_key(&b), "B is disconnected");
        assert!(s.clients.contains_key(&a), "A is not");
        assert_eq!(s.check_invariants(), Ok(()));
    })
    .join()
    .unwrap();
}
