//! Bounds on the server's tables (protocol.md §19.3): atoms (shared and never freed,
//! charged to the client that made each one, with a server-wide cap), windows, pixmaps
//! and GCs, properties (charged to the window owner's memory quota, or the root's own),
//! selections owned and conversions waiting. Each test runs a flooder into its limit,
//! checks the Alloc error it sees, and that the server and another client go on.

use yonder::prelude::*;
use yonder::{Connection, ReplyError};
use yonder_protocol::request::{GcValues, PropMode};
use yonder_protocol::{atoms, Atom, ErrorCode, Event, EventMask, Rect, Timestamp, WindowId};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

/// The Alloc error a refused request came back with: its message.
fn alloc<T: std::fmt::Debug>(r: Result<T, ReplyError>) -> String {
    match r {
        Err(ReplyError::Protocol(p)) if p.code == ErrorCode::Alloc => p.message,
        other => panic!("expected an Alloc error, got {other:?}"),
    }
}

fn intern(conn: &Connection, name: &str) -> Result<Atom, ReplyError> {
    conn.intern_atom(name, false).reply().map(|r| r.atom)
}

/// Sends `n` InternAtom requests of new names at once, then checks every reply.
fn intern_many(conn: &Connection, prefix: &str, n: usize) -> Vec<Atom> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}_{i}")).collect();
    let cookies: Vec<_> = names.iter().map(|n| conn.intern_atom(n, false)).collect();
    cookies
        .into_iter()
        .map(|c| c.reply().unwrap().atom)
        .collect()
}

#[test]
fn an_atom_flood_stops_at_the_flooders_limit_and_others_still_intern() {
    let s = TestServer::start_with(|c| c.bounds.max_client_atoms = 50);
    let flooder = s.connect();
    let made = intern_many(&flooder, "FLOOD", 50);
    let m = alloc(intern(&flooder, "FLOOD_50"));
    assert!(
        m.contains("50 atoms") && m.contains("--max-client-atoms"),
        "{m}"
    );
    // What exists costs nothing: its own atoms, the predefined ones, another's.
    assert_eq!(intern(&flooder, "FLOOD_7").unwrap(), made[7]);
    assert_eq!(intern(&flooder, "CLIPBOARD").unwrap(), atoms::CLIPBOARD);
    let only = flooder.intern_atom("NEVER_MADE", true).reply().unwrap();
    assert_eq!(only.atom, Atom::NONE, "only_if_exists is a lookup");
    // Another client has a share of its own.
    let other = s.connect();
    let mine = intern(&other, "OTHER_OWN").expect("the other's own atom");
    assert_eq!(other.get_atom_name(mine).reply().unwrap().name, "OTHER_OWN");
    assert_eq!(intern(&other, "FLOOD_3").unwrap(), made[3]);
    // The flooder's charge ends with it; the atoms stay.
    drop(flooder);
    let again = s.connect();
    assert_eq!(intern(&again, "FLOOD_49").unwrap(), made[49]);
    intern(&again, "FLOOD_50").expect("a newcomer starts at 0");
}

#[test]
fn the_server_wide_count_of_atoms_refuses_new_names_only() {
    let cap = atoms::PREDEFINED.len() as u32 + 5;
    let s = TestServer::start_with(|c| c.bounds.max_atoms = cap);
    let a = s.connect();
    let made = intern_many(&a, "A", 5);
    let m = alloc(intern(&a, "A_5"));
    assert!(m.contains("--max-atoms"), "{m}");
    let b = s.connect();
    let m = alloc(intern(&b, "B_NEW"));
    assert!(m.contains("--max-atoms"), "{m}");
    assert_eq!(
        intern(&b, "A_2").unwrap(),
        made[2],
        "existing names still intern"
    );
    assert_eq!(b.get_atom_name(made[4]).reply().unwrap().name, "A_4");
}

#[test]
fn windows_pixmaps_and_gcs_count_against_one_limit() {
    let s = TestServer::start_with(|c| c.bounds.max_client_resources = 4);
    let a = s.connect();
    let w = window(&a, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    let p = a.new_pixmap_id();
    a.create_pixmap(p, w, 4, 4).check().unwrap();
    let g1 = a.new_gc_id();
    a.create_gc(g1, w, GcValues::default()).check().unwrap();
    let g2 = a.new_gc_id();
    a.create_gc(g2, w, GcValues::default()).check().unwrap();
    let m = alloc(a.create_gc(a.new_gc_id(), w, GcValues::default()).check());
    assert!(m.contains("--max-client-resources"), "{m}");
    let m = alloc(a.create_pixmap(a.new_pixmap_id(), w, 1, 1).check());
    assert!(m.contains("limit of 4"), "{m}");
    alloc(
        a.create_window(
            a.new_window_id(),
            w,
            Rect::new(0, 0, 1, 1),
            Default::default(),
        )
        .check(),
    );
    // Freeing one makes room.
    a.free_gc(g2).check().unwrap();
    a.create_gc(a.new_gc_id(), w, GcValues::default())
        .check()
        .expect("room again");
    let b = s.connect();
    window(&b, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    b.sync().unwrap();
}

#[test]
fn properties_are_charged_to_the_windows_owner_and_the_root_has_its_own_quota() {
    // 64 KiB: a 16×16 window (1 KiB) and about 63 KiB of properties.
    let s = TestServer::start_with(|c| c.client_memory_quota = 64 << 10);
    let a = s.connect();
    let b = s.connect();
    let w = window(&a, Rect::new(0, 0, 16, 16), 0, EventMask::EMPTY);
    let (big, small) = (intern(&a, "BIG").unwrap(), intern(&a, "SMALL").unwrap());
    let string = atoms::STRING;
    a.change_property(w, big, string, PropMode::Replace, vec![0; 60 << 10])
        .check()
        .unwrap();
    let m = alloc(
        a.change_property(w, small, string, PropMode::Replace, vec![0; 4 << 10])
            .check(),
    );
    assert!(m.contains("--client-memory-quota"), "{m}");
    // Charged to the owner, whoever writes: B cannot fill A's window either.
    alloc(
        b.change_property(w, small, string, PropMode::Append, vec![0; 4 << 10])
            .check(),
    );
    // Nor A's pixmaps pass the quota now.
    alloc(a.create_pixmap(a.new_pixmap_id(), w, 32, 32).check());
    // Replacing with less, or deleting, gives the memory back.
    a.delete_property(w, big).check().unwrap();
    b.change_property(w, small, string, PropMode::Replace, vec![0; 4 << 10])
        .check()
        .expect("room again");
    // The root's properties are the server's, with a quota of their own.
    let root = WindowId::ROOT;
    let m = alloc(
        a.change_property(root, big, string, PropMode::Replace, vec![0; 64 << 10])
            .check(),
    );
    assert!(m.contains("root"), "{m}");
    b.change_property(root, small, string, PropMode::Replace, vec![1; 100])
        .check()
        .expect("a small root property");
    // B's own windows are its own quota's.
    let wb = window(&b, Rect::new(0, 0, 16, 16), 0, EventMask::EMPTY);
    b.change_property(wb, big, string, PropMode::Replace, vec![0; 60 << 10])
        .check()
        .expect("b's own quota");
}

#[test]
fn selections_owned_are_bounded_per_client() {
    let s = TestServer::start_with(|c| c.bounds.max_client_selections = 2);
    let a = s.connect();
    let w = window(&a, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    let sel = intern_many(&a, "SEL", 3);
    let own = |atom| a.set_selection_owner(atom, w, Timestamp(0)).check();
    own(sel[0]).unwrap();
    own(sel[1]).unwrap();
    let m = alloc(own(sel[2]));
    assert!(m.contains("limit of 2 selections"), "{m}");
    own(sel[1]).expect("taking again one it owns");
    a.set_selection_owner(sel[0], WindowId::NONE, Timestamp(0))
        .check()
        .unwrap();
    own(sel[2]).expect("room after giving one up");
    // Another client takes one of A's: A's count goes down with it.
    let b = s.connect();
    let wb = window(&b, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    b.set_selection_owner(sel[1], wb, Timestamp(0))
        .check()
        .unwrap();
    own(sel[0]).expect("room after losing one");
}

#[test]
fn conversions_waiting_are_bounded_per_requestor() {
    let s = TestServer::start_with(|c| c.bounds.max_client_conversions = 2);
    let owner = s.connect();
    let wo = window(&owner, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    owner
        .set_selection_owner(atoms::CLIPBOARD, wo, Timestamp(0))
        .check()
        .unwrap();
    let a = s.connect();
    let w = window(&a, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    let utf8 = atoms::UTF8_STRING;
    let convert = |tag| a.convert_selection(atoms::CLIPBOARD, utf8, w, tag).check();
    convert(1).unwrap();
    convert(2).unwrap();
    let m = alloc(convert(3));
    assert!(m.contains("limit of 2 conversions"), "{m}");
    // Another requestor is not held up.
    let b = s.connect();
    let wb = window(&b, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    b.convert_selection(atoms::CLIPBOARD, utf8, wb, 9)
        .check()
        .expect("b's own conversion");
    // The owner answers A's first: A may ask again.
    let Event::SelectionRequest(req) = wait_for(&owner, "a SelectionRequest", |e| {
        matches!(e, Event::SelectionRequest(_))
    }) else {
        unreachable!()
    };
    owner
        .send_selection_data(req.transfer, b"hi".to_vec(), true)
        .check()
        .unwrap();
    convert(4).expect("room after the last chunk");
}

#[test]
fn clip_rectangles_are_bounded_per_client_across_its_gcs() {
    let s = TestServer::start_with(|c| c.bounds.max_client_clip_rects = 5000);
    let a = s.connect();
    let w = window(&a, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    let rects = |n: usize| vec![Rect::new(0, 0, 1, 1); n];
    let (g1, g2) = (a.new_gc_id(), a.new_gc_id());
    a.create_gc(g1, w, GcValues::default());
    a.create_gc(g2, w, GcValues::default());
    let origin = yonder_protocol::Point::new(0, 0);
    a.set_clip_rectangles(g1, origin, Some(&rects(4096)))
        .check()
        .unwrap();
    let m = alloc(
        a.set_clip_rectangles(g2, origin, Some(&rects(1000)))
            .check(),
    );
    assert!(m.contains("clip rectangles"), "{m}");
    // Within the limit, and after g1 gives some back, g2 may have them.
    a.set_clip_rectangles(g2, origin, Some(&rects(900)))
        .check()
        .unwrap();
    a.set_clip_rectangles(g1, origin, None).check().unwrap();
    a.set_clip_rectangles(g2, origin, Some(&rects(4096)))
        .check()
        .unwrap();
    // Freeing the GC gives its rectangles back.
    a.free_gc(g2).check().unwrap();
    a.set_clip_rectangles(g1, origin, Some(&rects(4096)))
        .check()
        .unwrap();
    // Another client has its own count.
    let b = s.connect();
    let bw = window(&b, Rect::new(0, 0, 8, 8), 0, EventMask::EMPTY);
    let g = b.new_gc_id();
    b.create_gc(g, bw, GcValues::default());
    b.set_clip_rectangles(g, origin, Some(&rects(4096)))
        .check()
        .unwrap();
}
