//! The journal's folding, without I/O: requests in, the replay's requests out.

use super::*;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::message::decode_request;
use yonder_protocol::request::*;
use yonder_protocol::{Color, EventMask, Point, Timestamp, PROTOCOL_MINOR};

const SPACE: u32 = 0x77;

fn id(n: u32) -> u64 {
    make_id(SPACE, n)
}
fn win(n: u32) -> WindowId {
    WindowId(id(n))
}

/// A journal fed requests with sequence numbers 1, 2, ...
struct Feed {
    j: Journal,
    seq: u64,
}

impl Feed {
    fn new() -> Feed {
        Feed {
            j: Journal::new(SPACE),
            seq: 0,
        }
    }

    fn send(&mut self, r: impl Into<Request>) -> Seq {
        let r = r.into();
        self.seq += 1;
        let encode = |buf: &mut Vec<u8>| encode_request_frame(&r, buf);
        match touch(&r) {
            Touch::Nothing => {}
            Touch::State => self.j.record(Seq(self.seq), &r, &encode),
            Touch::Drawing(d) if self.j.draws_into(d) => self.j.record(Seq(self.seq), &r, &encode),
            Touch::Drawing(_) => {}
        }
        Seq(self.seq)
    }

    /// Sends the wanted checkpoints' GetImages; returns (pixmap, seqs, rects).
    fn checkpoints(&mut self) -> Vec<(PixmapId, Vec<(Seq, Rect)>)> {
        let mut out = Vec::new();
        for (p, requests) in self.j.take_checkpoints() {
            let mut sent = Vec::new();
            for r in requests {
                self.seq += 1;
                let Request::GetImage(g) = r else {
                    panic!("a checkpoint sends GetImages")
                };
                sent.push((Seq(self.seq), g.rect));
            }
            self.j.checkpoint_sent(p, sent[0].0, sent.last().unwrap().0);
            out.push((p, sent));
        }
        out
    }

    fn replay(&self) -> Vec<Request> {
        decode_all(self.j.replay().frames())
    }
}

fn decode_all(mut frames: &[u8]) -> Vec<Request> {
    let mut out = Vec::new();
    while !frames.is_empty() {
        let len = u32::from_le_bytes(frames[..4].try_into().unwrap()) as usize;
        out.push(decode_request(&frames[4..4 + len]).expect("a valid request"));
        frames = &frames[4 + len..];
    }
    out
}

fn create(n: u32, parent: WindowId, rect: Rect) -> CreateWindow {
    CreateWindow {
        id: win(n),
        parent,
        rect,
        attributes: WindowAttributes::default(),
    }
}

fn names(rs: &[Request]) -> Vec<&'static str> {
    rs.iter().map(Request::name).collect()
}

#[test]
fn the_windows_a_fresh_server_shows_blank_are_those_shown_that_select_exposure() {
    let mut f = Feed::new();
    let exposure = |mut c: CreateWindow| {
        c.attributes.event_mask = Some(EventMask::EXPOSURE);
        c
    };
    f.send(exposure(create(
        1,
        WindowId::ROOT,
        Rect::new(5, 5, 100, 80),
    )));
    f.send(exposure(create(2, win(1), Rect::new(1, 1, 10, 10))));
    f.send(exposure(create(3, WindowId::ROOT, Rect::new(0, 0, 30, 30))));
    f.send(exposure(create(4, win(3), Rect::new(0, 0, 5, 5))));
    f.send(create(5, WindowId::ROOT, Rect::new(0, 0, 7, 7)));
    for n in [1, 2, 4, 5] {
        f.send(MapWindow { window: win(n) });
    }
    // 3 is not mapped, so neither is its child 4 shown; 5 did not ask for Exposes.
    assert_eq!(
        f.j.exposed(),
        vec![
            (win(1), Rect::new(5, 5, 100, 80)),
            (win(2), Rect::new(1, 1, 10, 10))
        ]
    );
}

#[test]
fn windows_fold_to_their_latest_state_and_replay_parents_first() {
    let mut f = Feed::new();
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 100, 100)));
    f.send(create(2, win(1), Rect::new(1, 1, 10, 10)));
    f.send(create(3, win(1), Rect::new(2, 2, 10, 10)));
    f.send(create(4, WindowId::ROOT, Rect::new(50, 50, 20, 20)));
    f.send(ChangeWindowAttributes {
        window: win(1),
        attributes: WindowAttributes {
            background: Some(Color::rgb(0x123456)),
            ..Default::default()
        },
    });
    f.send(ChangeWindowAttributes {
        window: win(1),
        attributes: WindowAttributes {
            event_mask: Some(EventMask::EXPOSURE),
            ..Default::default()
        },
    });
    f.send(ConfigureWindow {
        window: win(1),
        width: Some(200),
        ..Default::default()
    });
    // 2 goes above 3; 4 moves into 3.
    f.send(ConfigureWindow {
        window: win(2),
        stack_mode: Some(StackMode::Above),
        sibling: Some(win(3)),
        ..Default::default()
    });
    f.send(ReparentWindow {
        window: win(4),
        parent: win(3),
        x: 5,
        y: 6,
    });
    f.send(MapWindow { window: win(1) });
    f.send(MapWindow { window: win(4) });
    f.send(MapWindow { window: win(2) });
    f.send(UnmapWindow { window: win(2) });
    let replay = f.replay();
    assert_eq!(
        replay,
        vec![
            Request::CreateWindow(CreateWindow {
                id: win(1),
                parent: WindowId::ROOT,
                rect: Rect::new(0, 0, 200, 100),
                attributes: WindowAttributes {
                    background: Some(Color::rgb(0x123456)),
                    event_mask: Some(EventMask::EXPOSURE),
                    ..Default::default()
                },
            }),
            create(3, win(1), Rect::new(2, 2, 10, 10)).into(),
            create(4, win(3), Rect::new(5, 6, 20, 20)).into(),
            create(2, win(1), Rect::new(1, 1, 10, 10)).into(),
            Request::MapWindow(MapWindow { window: win(4) }),
            Request::MapWindow(MapWindow { window: win(1) }),
        ]
    );
}

#[test]
fn destroying_a_window_forgets_its_subtree_properties_and_selections() {
    let mut f = Feed::new();
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 10, 10)));
    f.send(create(2, win(1), Rect::new(0, 0, 5, 5)));
    f.send(create(3, WindowId::ROOT, Rect::new(0, 0, 5, 5)));
    f.send(ChangeProperty {
        window: win(2),
        property: Atom(40),
        type_: Atom(4),
        mode: PropMode::Replace,
        data: b"x".to_vec(),
    });
    f.send(SetSelectionOwner {
        selection: Atom(9),
        owner: win(2),
        time: Timestamp(5),
    });
    f.send(DestroyWindow { window: win(1) });
    assert_eq!(
        f.replay(),
        vec![create(3, WindowId::ROOT, Rect::new(0, 0, 5, 5)).into()]
    );
    // Our windows inside another client's window go with it.
    f.send(create(4, WindowId(make_id(0x99, 1)), Rect::new(0, 0, 5, 5)));
    f.send(DestroyWindow {
        window: WindowId(make_id(0x99, 1)),
    });
    assert_eq!(f.replay().len(), 1);
}

#[test]
fn properties_fold_appends_and_prepends_into_one_value() {
    let mut f = Feed::new();
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 10, 10)));
    let change = |window, mode, type_, data: &[u8]| ChangeProperty {
        window,
        property: Atom(40),
        type_: Atom(type_),
        mode,
        data: data.to_vec(),
    };
    f.send(change(win(1), PropMode::Append, 4, b"cd"));
    f.send(change(win(1), PropMode::Append, 4, b"ef"));
    f.send(change(win(1), PropMode::Prepend, 4, b"ab"));
    // A type mismatch is refused by the server: no change.
    f.send(change(win(1), PropMode::Append, 5, b"zz"));
    // On the root, appends to a value we never set stay appends.
    f.send(change(WindowId::ROOT, PropMode::Append, 4, b"1"));
    f.send(change(WindowId::ROOT, PropMode::Prepend, 4, b"0"));
    f.send(change(WindowId::ROOT, PropMode::Append, 4, b"2"));
    f.send(DeleteProperty {
        window: WindowId::ROOT,
        property: Atom(41),
    });
    let props: Vec<_> = f
        .replay()
        .into_iter()
        .filter(|r| !matches!(r, Request::CreateWindow(_)))
        .collect();
    assert_eq!(
        props,
        vec![
            change(WindowId::ROOT, PropMode::Prepend, 4, b"0").into(),
            change(WindowId::ROOT, PropMode::Append, 4, b"12").into(),
            Request::DeleteProperty(DeleteProperty {
                window: WindowId::ROOT,
                property: Atom(41),
            }),
            change(win(1), PropMode::Replace, 4, b"abcdef").into(),
        ]
    );
    // GetProperty with delete deletes; without it, nothing changes.
    f.send(GetProperty {
        window: win(1),
        property: Atom(40),
        delete: false,
    });
    assert!(f.j.properties.get(win(1), Atom(40)).is_some());
    f.send(GetProperty {
        window: win(1),
        property: Atom(40),
        delete: true,
    });
    assert!(f.j.properties.get(win(1), Atom(40)).is_none());
}

fn pixmap_feed(w: u32, h: u32) -> (Feed, PixmapId, GcId) {
    let mut f = Feed::new();
    let p = PixmapId(id(10));
    let gc = GcId(id(11));
    f.send(CreatePixmap {
        id: p,
        drawable: Drawable(1),
        width: w,
        height: h,
    });
    f.send(CreateGc {
        id: gc,
        drawable: Drawable(1),
        values: GcValues::default(),
    });
    (f, p, gc)
}

fn fill(p: PixmapId, gc: GcId, r: Rect) -> PolyFillRectangle {
    PolyFillRectangle {
        drawable: Drawable(p.0),
        gc,
        rects: vec![r],
    }
}

fn fg(gc: GcId, rgb: u32) -> ChangeGc {
    ChangeGc {
        gc,
        values: GcValues {
            foreground: Some(Color::rgb(rgb)),
            ..Default::default()
        },
    }
}

#[test]
fn a_pixmap_log_draws_with_the_gc_as_it_was_then() {
    let (mut f, p, gc) = pixmap_feed(50, 50);
    f.send(fg(gc, 0xff0000));
    f.send(fill(p, gc, Rect::new(0, 0, 5, 5)));
    f.send(fill(p, gc, Rect::new(5, 0, 5, 5)));
    f.send(fg(gc, 0x00ff00));
    f.send(fill(p, gc, Rect::new(10, 0, 5, 5)));
    f.send(fg(gc, 0x0000ff)); // not used for drawing since
    f.send(FreeGc { gc }); // still needed by the log
    let replay = f.replay();
    assert_eq!(
        names(&replay),
        vec![
            "CreatePixmap",
            "CreateGc",
            "ChangeGc",
            "SetClipRectangles",
            "PolyFillRectangle",
            "PolyFillRectangle",
            "ChangeGc",
            "SetClipRectangles",
            "PolyFillRectangle",
            "FreeGc",
        ]
    );
    let colors: Vec<_> = replay
        .iter()
        .filter_map(|r| match r {
            Request::ChangeGc(c) => c.values.foreground,
            _ => None,
        })
        .collect();
    assert_eq!(colors, vec![Color::rgb(0xff0000), Color::rgb(0x00ff00)]);
    // Drawing into a window is not journaled.
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 10, 10)));
    assert!(!f.j.draws_into(Drawable(win(1).0)));
    assert!(f.j.draws_into(Drawable(p.0)));
}

#[test]
fn a_covering_fill_drops_the_log_before_it() {
    let (mut f, p, gc) = pixmap_feed(20, 10);
    for i in 0..10 {
        f.send(fill(p, gc, Rect::new(i, i, 3, 3)));
    }
    f.send(fill(p, gc, Rect::new(-5, -5, 100, 100)));
    f.send(fill(p, gc, Rect::new(1, 1, 1, 1)));
    let fills = f
        .replay()
        .iter()
        .filter(|r| matches!(r, Request::PolyFillRectangle(_)))
        .count();
    assert_eq!(fills, 2);
    // A translucent fill does not cover.
    f.send(ChangeGc {
        gc,
        values: GcValues {
            foreground: Some(Color(0x80ff_0000)),
            ..Default::default()
        },
    });
    f.send(fill(p, gc, Rect::new(0, 0, 20, 10)));
    let fills = f
        .replay()
        .iter()
        .filter(|r| matches!(r, Request::PolyFillRectangle(_)))
        .count();
    assert_eq!(fills, 3);
}

#[test]
fn a_long_log_is_checkpointed_and_keeps_what_came_after_the_get_image() {
    let (mut f, p, gc) = pixmap_feed(20, 10);
    let mut n = 0;
    while !f.j.wants_checkpoint() {
        f.send(fill(p, gc, Rect::new(n % 20, 0, 1, 1)));
        n += 1;
        assert!(n < 100_000, "the log must be bounded");
    }
    assert!(f.j.pixmaps.get(p).unwrap().log.len() > pixmaps::LOG_FLOOR);
    let sent = f.checkpoints();
    assert_eq!(sent.len(), 1);
    let (_, bands) = &sent[0];
    assert_eq!(bands.len(), 1);
    assert_eq!(bands[0].1, Rect::new(0, 0, 20, 10));
    f.send(fill(p, gc, Rect::new(3, 3, 1, 1))); // after the GetImage: kept
    let image = ImageReply {
        width: 20,
        height: 10,
        format: ImageFormat::Rgba,
        data: vec![7; 20 * 10 * 4],
    };
    f.j.checkpoint_answer(bands[0].0, Some(image));
    let replay = f.replay();
    assert_eq!(
        names(&replay),
        vec![
            "CreateGc", // the replay's own
            "CreatePixmap",
            "CreateGc",
            "PutImage",
            "ChangeGc",
            "SetClipRectangles",
            "PolyFillRectangle",
            "ChangeGc",
            "SetClipRectangles",
            "FreeGc",
        ]
    );
    let Request::PutImage(put) = &replay[3] else {
        unreachable!()
    };
    assert_eq!((put.width, put.height, put.data.len()), (20, 10, 800));
    assert_eq!(put.gc, f.j.replay_gc());
    assert!(f.j.bytes() < 800 + 4096, "log gone: {}", f.j.bytes());
    // Over the network the base image goes as QOI, the same pixels in fewer bytes.
    let packed = decode_all(
        f.j.replay_with(super::Images::Lossless, PROTOCOL_MINOR)
            .frames(),
    );
    let Request::PutImage(qoi) = &packed[3] else {
        unreachable!()
    };
    assert_eq!(qoi.format, ImageFormat::Qoi);
    assert!(qoi.data.len() < 100, "{} bytes", qoi.data.len());
    let (header, pixels) = ::qoi::decode_to_vec(&qoi.data).unwrap();
    assert_eq!((header.width, header.height), (20, 10));
    assert_eq!(pixels, put.data);
}

#[test]
fn a_failed_checkpoint_keeps_the_whole_log() {
    let (mut f, p, gc) = pixmap_feed(20, 10);
    f.send(fill(p, gc, Rect::new(0, 0, 1, 1)));
    f.j.pixmaps.want_for_test(p);
    let sent = f.checkpoints();
    f.j.checkpoint_answer(sent[0].1[0].0, None);
    assert!(names(&f.replay()).contains(&"PolyFillRectangle"));
    assert!(!names(&f.replay()).contains(&"PutImage"));
}

#[test]
fn copying_from_a_window_forces_a_checkpoint_instead_of_a_log_entry() {
    let (mut f, p, gc) = pixmap_feed(20, 10);
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 10, 10)));
    f.send(CopyArea {
        src: Drawable(win(1).0),
        dst: Drawable(p.0),
        gc,
        src_rect: Rect::new(0, 0, 5, 5),
        dst_origin: Point::new(0, 0),
    });
    assert!(f.j.wants_checkpoint());
    assert!(!names(&f.replay()).contains(&"CopyArea"));
    // From another pixmap: logged; once that one's history goes, this one checkpoints.
    let q = PixmapId(id(20));
    f.checkpoints();
    f.send(CreatePixmap {
        id: q,
        drawable: Drawable(1),
        width: 5,
        height: 5,
    });
    f.send(fill(q, gc, Rect::new(0, 0, 2, 2)));
    f.send(CopyArea {
        src: Drawable(q.0),
        dst: Drawable(p.0),
        gc,
        src_rect: Rect::new(0, 0, 5, 5),
        dst_origin: Point::new(0, 0),
    });
    assert!(names(&f.replay()).contains(&"CopyArea"));
    assert!(!f.j.wants_checkpoint());
    f.send(FreePixmap { pixmap: q });
    // p has a checkpoint in flight (from the window copy): it is asked again after it.
    let in_flight = f.j.pixmaps.get(p).unwrap();
    assert!(in_flight.log.len() > 0);
    assert!(f.j.pixmaps.again_for_test(p));
}

#[test]
fn no_op_change_gc_and_queries_touch_nothing() {
    assert_eq!(
        touch(&Request::ChangeGc(ChangeGc {
            gc: GcId(1),
            values: GcValues::default()
        })),
        Touch::Nothing
    );
    assert_eq!(touch(&Request::Sync(Sync {})), Touch::Nothing);
    assert_eq!(
        touch(&Request::ClearArea(ClearArea {
            window: WindowId(5),
            rect: Rect::default(),
            exposures: false
        })),
        Touch::Nothing
    );
}

#[test]
fn gcs_pixmaps_save_set_and_selections_come_back() {
    let (mut f, p, gc) = pixmap_feed(4, 4);
    f.send(SetClipRectangles {
        gc,
        origin: Point::new(1, 1),
        rects: Some(vec![Rect::new(0, 0, 2, 2)]),
    });
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 10, 10)));
    f.send(SetSelectionOwner {
        selection: Atom(9),
        owner: win(1),
        time: Timestamp(1234),
    });
    let other = WindowId(make_id(0x99, 3));
    f.send(ChangeSaveSet {
        window: other,
        insert: true,
    });
    f.send(ChangeWindowAttributes {
        window: WindowId::ROOT,
        attributes: WindowAttributes {
            event_mask: Some(EventMask::PROPERTY_CHANGE),
            ..Default::default()
        },
    });
    let replay = f.replay();
    assert_eq!(
        names(&replay),
        vec![
            "CreatePixmap",
            "CreateGc",
            "SetClipRectangles",
            "CreateWindow",
            "ChangeWindowAttributes",
            "ChangeSaveSet",
            "SetSelectionOwner",
        ]
    );
    assert!(matches!(&replay[6], Request::SetSelectionOwner(s) if s.time == Timestamp(0)));
    let r = f.j.replay();
    assert_eq!(r.pixmaps(), &[p]);
    assert_eq!(r.gcs(), &[gc]);
    assert_eq!(r.windows(), &[win(1)]);
    assert_eq!(r.requests(), 7);
}

#[test]
fn the_pixmap_filter_lets_windows_pass_without_a_lookup() {
    let (mut f, p, _) = pixmap_feed(4, 4);
    let w = win(12);
    assert_ne!(f.j.pixmap_filter() & filter_bit(p.0), 0);
    assert_eq!(f.j.pixmap_filter() & filter_bit(w.0), 0, "ids 10 and 12");
    f.send(FreePixmap { pixmap: p });
    assert_eq!(f.j.pixmap_filter(), 0);
    assert!(!f.j.draws_into(Drawable(p.0)));
}

#[test]
fn a_late_answer_of_a_cancelled_checkpoint_leaves_the_next_one_alone() {
    let (mut f, p, gc) = pixmap_feed(20, 10);
    f.send(fill(p, gc, Rect::new(0, 0, 1, 1)));
    f.j.pixmaps.want_for_test(p);
    let old = f.checkpoints()[0].1[0].0;
    f.send(ChangeGc {
        gc,
        values: GcValues {
            op: Some(CompositeOp::Source),
            ..Default::default()
        },
    });
    f.send(fill(p, gc, Rect::new(0, 0, 20, 10))); // covers: the checkpoint is void
    f.j.pixmaps.want_for_test(p);
    let new = f.checkpoints()[0].1[0].0;
    f.j.checkpoint_answer(old, None);
    let image = ImageReply {
        width: 20,
        height: 10,
        format: ImageFormat::Rgba,
        data: vec![1; 800],
    };
    f.j.checkpoint_answer(new, Some(image));
    assert!(names(&f.replay()).contains(&"PutImage"));
}

#[test]
fn a_selection_taken_by_another_client_is_forgotten_unless_taken_back_after() {
    let mut f = Feed::new();
    f.send(create(1, WindowId::ROOT, Rect::new(0, 0, 10, 10)));
    let own = |f: &mut Feed| {
        f.send(SetSelectionOwner {
            selection: Atom(9),
            owner: win(1),
            time: Timestamp(0),
        })
    };
    let first = own(&mut f);
    let second = own(&mut f);
    // A clear that happened before our second SetSelectionOwner is about the first.
    f.j.selection_lost(Atom(9), win(1), first);
    assert!(names(&f.replay()).contains(&"SetSelectionOwner"));
    f.j.selection_lost(Atom(9), win(1), second);
    assert!(!names(&f.replay()).contains(&"SetSelectionOwner"));
}

#[test]
fn drawing_with_a_gc_the_server_does_not_have_is_not_logged() {
    let (mut f, p, gc) = pixmap_feed(8, 8);
    f.send(FreeGc { gc });
    f.send(fill(p, gc, Rect::new(0, 0, 1, 1)));
    f.send(fill(p, GcId(id(99)), Rect::new(0, 0, 1, 1)));
    assert_eq!(names(&f.replay()), vec!["CreatePixmap"]);
}

/// A GC's text face (1.7) and text antialiasing (1.11) are replayed to a server that
/// takes them, and left out for one before, which would find the GcValues' later fields
/// malformed (§5.3).
#[test]
fn later_gc_values_are_replayed_only_to_servers_that_take_them() {
    let mut f = Feed::new();
    f.send(CreateGc {
        id: GcId(id(5)),
        drawable: Drawable(WindowId::ROOT.0),
        values: GcValues {
            font_face: Some(2),
            font_size: Some(13.0),
            ..GcValues::default()
        },
    });
    f.send(ChangeGc {
        gc: GcId(id(5)),
        values: GcValues {
            text_antialias: Some(false),
            ..GcValues::default()
        },
    });
    // Per GC request of the replay: its face and text antialiasing.
    let later = |replay: &Replay| -> Vec<(Option<u8>, Option<bool>)> {
        decode_all(replay.frames())
            .into_iter()
            .filter_map(|r| match r {
                Request::CreateGc(c) => Some(c.values),
                Request::ChangeGc(c) => Some(c.values),
                _ => None,
            })
            .map(|v| (v.font_face, v.text_antialias))
            .collect()
    };
    let new = later(&f.j.replay_with(super::Images::Raw, PROTOCOL_MINOR));
    assert!(new.contains(&(Some(2), Some(false))), "{new:?}");
    let v10 = later(&f.j.replay_with(super::Images::Raw, 10));
    assert!(v10.contains(&(Some(2), None)), "{v10:?}");
    assert!(v10.iter().all(|v| v.1.is_none()), "{v10:?}");
    let old = later(&f.j.replay_with(super::Images::Raw, 6));
    assert!(
        !old.is_empty() && old.iter().all(|v| *v == (None, None)),
        "{old:?}"
    );
    let hidden = later(&f.j.replay_hidden(super::Images::Raw, 6));
    assert!(hidden.iter().all(|v| *v == (None, None)), "{hidden:?}");
}

/// The GC snapshots a pixmap's log keeps (whole frames) follow the same rule, and give
/// the GC every value of its state then: text drawn before antialiasing was turned off
/// is replayed antialiased.
#[test]
fn gc_snapshots_in_pixmap_logs_hold_every_value_the_server_takes() {
    let (mut f, p, gc) = pixmap_feed(40, 20);
    let text = |gc| DrawText {
        drawable: Drawable(p.0),
        gc,
        origin: Point::new(1, 15),
        text: "ab".into(),
    };
    f.send(text(gc));
    f.send(ChangeGc {
        gc,
        values: GcValues {
            text_antialias: Some(false),
            ..GcValues::default()
        },
    });
    f.send(text(gc));
    // Per request of the replay: a GC's text antialiasing, or None for a drawing.
    let states = |minor: u16| -> Vec<Option<Option<bool>>> {
        decode_all(f.j.replay_with(super::Images::Raw, minor).frames())
            .into_iter()
            .filter_map(|r| match r {
                Request::CreateGc(c) => Some(Some(c.values.text_antialias)),
                Request::ChangeGc(c) => Some(Some(c.values.text_antialias)),
                Request::DrawText(_) => Some(None),
                _ => None,
            })
            .collect()
    };
    let new = states(PROTOCOL_MINOR);
    // Before each text, its GC's state: antialiased, then not.
    let before_texts: Vec<_> = new
        .windows(2)
        .filter(|w| w[1].is_none())
        .map(|w| w[0])
        .collect();
    assert_eq!(
        before_texts,
        [Some(Some(true)), Some(Some(false))],
        "{new:?}"
    );
    let old = states(10);
    assert_eq!(old.iter().filter(|s| s.is_none()).count(), 2, "{old:?}");
    assert!(old.iter().flatten().all(Option::is_none), "{old:?}");
}

/// An `Rgbx` put into a pixmap is replayed as it was to a 1.12 display, and as the `Rgba`
/// of the same opaque picture (fourth bytes 255) to an older one, which has no `Rgbx`.
#[test]
fn rgbx_puts_are_replayed_as_rgba_to_an_older_display() {
    let (mut f, p, gc) = pixmap_feed(4, 1);
    // A partial put (the pixmap is 4 wide), so the log keeps it after the creations.
    f.send(PutImage {
        drawable: Drawable(p.0),
        gc,
        dst: Point::new(1, 0),
        width: 2,
        height: 1,
        format: ImageFormat::Rgbx,
        data: vec![10, 20, 30, 0, 40, 50, 60, 7],
    });
    let puts = |minor: u16| -> Vec<(ImageFormat, Vec<u8>)> {
        decode_all(f.j.replay_with(super::Images::Raw, minor).frames())
            .into_iter()
            .filter_map(|r| match r {
                Request::PutImage(p) => Some((p.format, p.data)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        puts(PROTOCOL_MINOR),
        [(ImageFormat::Rgbx, vec![10, 20, 30, 0, 40, 50, 60, 7])]
    );
    assert_eq!(
        puts(11),
        [(ImageFormat::Rgba, vec![10, 20, 30, 255, 40, 50, 60, 255])]
    );
}
