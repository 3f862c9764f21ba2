//! The restoration on the state itself: a window created before its parent (another
//! client's) is held, then put back when the parent comes, or released as a top-level when
//! its hold ends; a top-level takes its old place; a container's save-set and a part's
//! event selection on its container may come back before the other's window; the state
//! stays whole throughout.

use super::*;
use crate::checkpoint::{Checkpoint, Embedded, Placed};
use crate::command::Incoming;
use crate::dispatch::handle_request;
use crate::state::restoring::Restoring;
use crate::state::test_support::state_with_client;
use yonder_protocol::{make_id, Hello, Request};

const PART: u32 = 8;

fn win(space: u32, n: u32) -> WindowId {
    WindowId(make_id(space, n))
}

/// A state restoring this checkpoint, with the container's client (space 7) and the
/// part's (space 8) connected.
fn restoring(c: Checkpoint) -> (State, ClientId, ClientId, Vec<impl Sized>) {
    let (mut s, doc, rx) = state_with_client(320, 240, true);
    let (tx, rx2) = tokio::sync::mpsc::unbounded_channel();
    let hello = Hello {
        protocol: yonder_protocol::PROTOCOL_NAME.into(),
        major: yonder_protocol::PROTOCOL_MAJOR,
        minor: yonder_protocol::PROTOCOL_MINOR,
        cookie: Vec::new(),
        app_name: "part".into(),
        id_space: PART,
        resume: None,
        token: None,
    };
    let part = s.connect(hello, tx).unwrap();
    s.restoring = Some(Restoring::new(c, Instant::now()));
    (s, doc, part, vec![rx, rx2])
}

fn request(s: &mut State, c: ClientId, r: Request) {
    handle_request(s, c, Incoming::Request(r));
}

fn create(s: &mut State, c: ClientId, id: WindowId, parent: WindowId, rect: Rect) {
    let r = CreateWindow {
        id,
        parent,
        rect,
        attributes: Default::default(),
    };
    request(s, c, Request::CreateWindow(r));
    assert!(s.windows.contains_key(&id), "{id} was created");
}

fn embedded_part() -> Checkpoint {
    Checkpoint {
        embedded: vec![Embedded {
            window: win(PART, 1),
            parent: win(7, 2),
            rect: Rect::new(5, 6, 30, 20),
        }],
        focus: win(PART, 1),
        ..Default::default()
    }
}

#[test]
fn a_part_created_before_its_container_is_held_then_put_back_mapped_and_focused() {
    let (mut s, doc, part, _rx) = restoring(embedded_part());
    let (top, container, p) = (win(7, 1), win(7, 2), win(PART, 1));
    create(&mut s, part, p, container, Rect::new(0, 0, 10, 10));
    request(&mut s, part, Request::MapWindow(MapWindow { window: p }));
    assert_eq!(s.windows[&p].parent, WindowId::ROOT);
    assert!(!s.windows[&p].mapped, "held: not shown as a top-level");
    assert_eq!(s.check_invariants(), Ok(()));
    // Should this server crash now, its checkpoint still has the embedding and the focus.
    let c = s.checkpoint();
    assert!(c.top_levels.is_empty(), "a held window is no top-level");
    assert_eq!(c.embedded, embedded_part().embedded);
    assert_eq!(c.focus, p);

    create(
        &mut s,
        doc,
        top,
        WindowId::ROOT,
        Rect::new(40, 40, 100, 100),
    );
    create(&mut s, doc, container, top, Rect::new(10, 10, 60, 60));
    assert_eq!(s.windows[&p].parent, container);
    assert_eq!(s.windows[&p].rect, Rect::new(5, 6, 30, 20));
    assert!(s.windows[&p].mapped, "its client had mapped it");
    for w in [container, top] {
        request(&mut s, doc, Request::MapWindow(MapWindow { window: w }));
    }
    assert_eq!(
        s.input.focus, p,
        "the focus is back once the part is viewable"
    );
    assert!(s.restoring.is_none(), "nothing is left to restore");
    assert_eq!(s.check_invariants(), Ok(()));
}

#[test]
fn a_held_window_whose_parent_never_comes_becomes_a_top_level() {
    let (mut s, _doc, part, _rx) = restoring(embedded_part());
    let p = win(PART, 1);
    create(&mut s, part, p, win(7, 2), Rect::new(50, 60, 10, 10));
    request(&mut s, part, Request::MapWindow(MapWindow { window: p }));
    let until = s.restoring.as_ref().unwrap().deadline();
    expire(&mut s, until - std::time::Duration::from_millis(1));
    assert!(!s.windows[&p].mapped, "still held before its time");
    expire(&mut s, until);
    assert!(s.windows[&p].mapped, "mapped as its client asked");
    assert_eq!(s.windows[&p].parent, WindowId::ROOT);
    assert!(
        s.wm.managed.contains_key(&p),
        "a top-level of its own, framed"
    );
    assert_eq!(s.check_invariants(), Ok(()));
}

#[test]
fn top_levels_take_their_old_geometry_and_place_in_the_stack_when_mapped() {
    let placed = |n, x| Placed {
        window: win(7, n),
        rect: Rect::new(x, 50, 40, 30),
    };
    let c = Checkpoint {
        top_levels: vec![placed(1, 100), placed(2, 150), placed(3, 200)],
        ..Default::default()
    };
    let (mut s, doc, part, _rx) = restoring(c);
    let stranger = win(PART, 9);
    for n in [3, 1, 2] {
        create(
            &mut s,
            doc,
            win(7, n),
            WindowId::ROOT,
            Rect::new(0, 0, 10, 10),
        );
    }
    create(
        &mut s,
        part,
        stranger,
        WindowId::ROOT,
        Rect::new(0, 0, 10, 10),
    );
    for w in [win(7, 3), stranger, win(7, 1), win(7, 2)] {
        let c = if w == stranger { part } else { doc };
        request(&mut s, c, Request::MapWindow(MapWindow { window: w }));
    }
    let order = &s.windows[&WindowId::ROOT].children;
    let pos = |w| order.iter().position(|x| *x == w).unwrap();
    assert!(pos(win(7, 1)) < pos(win(7, 2)) && pos(win(7, 2)) < pos(win(7, 3)));
    assert_eq!(s.windows[&win(7, 2)].rect, Rect::new(150, 50, 40, 30));
    assert!(s.restoring.is_none());
}

#[test]
fn a_container_may_put_a_part_not_back_yet_in_its_save_set() {
    let c = Checkpoint {
        save_sets: vec![crate::checkpoint::SaveSetEntry {
            space: 7,
            window: win(PART, 1),
        }],
        ..embedded_part()
    };
    let (mut s, doc, part, _rx) = restoring(c);
    let (top, container, p) = (win(7, 1), win(7, 2), win(PART, 1));
    // The container's app comes back first and replays its save-set.
    create(
        &mut s,
        doc,
        top,
        WindowId::ROOT,
        Rect::new(40, 40, 100, 100),
    );
    create(&mut s, doc, container, top, Rect::new(10, 10, 60, 60));
    let insert = |window| ChangeSaveSet {
        window,
        insert: true,
    };
    assert_eq!(change_save_set(&mut s, doc, insert(p)), Ok(None));
    // A window the checkpoint does not have in its save-set waits for its window as any
    // client's entry would (1.6, protocol.md §9.67).
    assert_eq!(change_save_set(&mut s, doc, insert(win(PART, 2))), Ok(None));
    assert!(s.transfers.save_sets_waiting[&doc].contains(&win(PART, 2)));
    // The part comes back: into the container, and into its save-set.
    create(&mut s, part, p, container, Rect::new(0, 0, 10, 10));
    assert_eq!(s.windows[&p].parent, container);
    assert!(s.transfers.save_sets[&doc].contains(&p));
    assert_eq!(s.check_invariants(), Ok(()));
}

#[test]
fn a_part_taken_out_of_the_save_set_before_it_is_back_stays_out() {
    let c = Checkpoint {
        save_sets: vec![crate::checkpoint::SaveSetEntry {
            space: 7,
            window: win(PART, 1),
        }],
        ..embedded_part()
    };
    let (mut s, doc, part, _rx) = restoring(c);
    let (top, container, p) = (win(7, 1), win(7, 2), win(PART, 1));
    create(
        &mut s,
        doc,
        top,
        WindowId::ROOT,
        Rect::new(40, 40, 100, 100),
    );
    create(&mut s, doc, container, top, Rect::new(10, 10, 60, 60));
    let remove = ChangeSaveSet {
        window: p,
        insert: false,
    };
    assert_eq!(change_save_set(&mut s, doc, remove), Ok(None));
    create(&mut s, part, p, container, Rect::new(0, 0, 10, 10));
    assert!(!s
        .transfers
        .save_sets
        .get(&doc)
        .is_some_and(|set| set.contains(&p)));
}

#[test]
fn a_part_selecting_events_on_its_container_before_it_is_back_gets_them() {
    use yonder_protocol::request::WindowAttributes;
    use yonder_protocol::EventMask;
    let (mut s, doc, part, _rx) = restoring(embedded_part());
    let (top, container, p) = (win(7, 1), win(7, 2), win(PART, 1));
    // The part's app comes back first: its window is held, and it selects events on
    // its container, which is not there yet.
    create(&mut s, part, p, container, Rect::new(0, 0, 10, 10));
    let select = |window| ChangeWindowAttributes {
        window,
        attributes: WindowAttributes {
            event_mask: Some(EventMask::STRUCTURE_NOTIFY),
            ..Default::default()
        },
    };
    assert_eq!(
        change_window_attributes(&mut s, part, select(container)),
        Ok(None)
    );
    assert!(
        change_window_attributes(&mut s, part, select(win(7, 9))).is_err(),
        "a window the checkpoint does not know does not exist"
    );
    create(
        &mut s,
        doc,
        top,
        WindowId::ROOT,
        Rect::new(40, 40, 100, 100),
    );
    create(&mut s, doc, container, top, Rect::new(10, 10, 60, 60));
    assert_eq!(
        s.windows[&container].selections,
        [(part, EventMask::STRUCTURE_NOTIFY)],
        "the part's selection, made when the container came"
    );
    assert_eq!(s.windows[&p].parent, container);
    assert_eq!(s.check_invariants(), Ok(()));
}

#[test]
fn a_client_changing_a_window_not_back_again_and_again_costs_only_itself() {
    use yonder_protocol::request::WindowAttributes;
    use yonder_protocol::EventMask;
    let (mut s, doc, part, _rx) = restoring(embedded_part());
    let (top, container) = (win(7, 1), win(7, 2));
    let select = |mask| ChangeWindowAttributes {
        window: container,
        attributes: WindowAttributes {
            event_mask: Some(mask),
            ..Default::default()
        },
    };
    // Far more changes than the restoration keeps: one entry, the last mask wins.
    for _ in 0..(crate::checkpoint::MAX_ENTRIES + 10) {
        assert_eq!(
            change_window_attributes(&mut s, part, select(EventMask::EXPOSURE)),
            Ok(None)
        );
    }
    let rs = s.restoring.as_mut().unwrap();
    assert!(rs.defer_attributes(
        container,
        doc,
        WindowAttributes {
            background: Some(yonder_protocol::Color::rgb(0x112233)),
            ..Default::default()
        }
    ));
    assert_eq!(
        change_window_attributes(&mut s, part, select(EventMask::STRUCTURE_NOTIFY)),
        Ok(None)
    );
    create(
        &mut s,
        doc,
        top,
        WindowId::ROOT,
        Rect::new(40, 40, 100, 100),
    );
    create(&mut s, doc, container, top, Rect::new(10, 10, 60, 60));
    assert_eq!(
        s.windows[&container].selections,
        [(part, EventMask::STRUCTURE_NOTIFY)],
        "the part's last selection"
    );
    assert_eq!(s.windows[&container].background.0 & 0xffffff, 0x112233);
    assert_eq!(s.check_invariants(), Ok(()));
}
