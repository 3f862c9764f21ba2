//! The save-set: it keeps an embedded part alive when its container's client goes, and
//! takes only other clients' windows.

use super::*;
use yonder::prelude::*;

const CONTAINER: Rect = Rect {
    x: 40,
    y: 30,
    width: 200,
    height: 150,
};
/// The part inside the container, relative to it.
const PART: Rect = Rect {
    x: 20,
    y: 10,
    width: 60,
    height: 40,
};

/// A container window of `c` with a part window of `p` inside it; `p` draws a red
/// square at (5, 5) of its part. Returns (container, part).
fn embed(c: &Connection, p: &Connection) -> (WindowId, WindowId) {
    let w = window(c, CONTAINER, 0x0000FF, EventMask::EMPTY);
    let part = p.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(0x00FF00)),
        event_mask: Some(EventMask::STRUCTURE_NOTIFY),
        ..Default::default()
    };
    p.create_window(part, w, PART, attrs);
    p.map_window(part);
    let g = gc(p, part, RED);
    p.poly_fill_rectangle(part, g, &[Rect::new(5, 5, 10, 10)]);
    p.sync().unwrap();
    let scr = screen(p);
    assert_eq!(
        scr.at(62, 42),
        0x00FF00,
        "the part shows inside the container"
    );
    assert_eq!(scr.at(67, 47), RED);
    assert_eq!(scr.at(45, 35), 0x0000FF);
    (w, part)
}

#[test]
fn save_set_keeps_a_part_alive_when_its_container_dies() {
    let s = TestServer::start();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let c = s.connect();
    let p = s.connect_trusted();
    let (w, part) = embed(&c, &p);
    c.change_save_set(part, true).check().unwrap();
    drain(&p);

    drop(c); // the container application dies
    wait_destroyed(&watcher, w);

    let tree = p.query_tree(part).reply().unwrap();
    assert_eq!(tree.parent, p.root(), "the part is now a top-level");
    assert!(p
        .query_tree(p.root())
        .reply()
        .unwrap()
        .children
        .contains(&part));
    assert_eq!(
        p.get_geometry(part).reply().unwrap().rect,
        Rect::new(60, 40, 60, 40),
        "at the same place on the screen"
    );
    assert_eq!(
        p.get_window_attributes(part).reply().unwrap().map_state,
        MapState::Viewable
    );
    let evs = drain_events(&p);
    assert!(
        evs.iter().any(|e| matches!(e, Event::Configure(x) if x.window == part && x.rect == Rect::new(60, 40, 60, 40))),
        "{evs:?}"
    );
    assert!(
        !evs.iter().any(|e| matches!(e, Event::Destroy(_))),
        "{evs:?}"
    );
    let scr = screen(&p);
    assert_eq!(scr.at(62, 42), 0x00FF00, "the part is still on the screen");
    assert_eq!(scr.at(67, 47), RED, "with what it drew");
    assert_eq!(scr.at(45, 35), ROOT_BG, "the container is gone");
    assert!(p.get_geometry(w).reply().is_err());
}

#[test]
fn without_a_save_set_entry_the_part_dies_with_its_container() {
    let s = TestServer::start();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let c = s.connect();
    let p = s.connect_trusted();
    let (w, part) = embed(&c, &p);
    // In and out again: the entry is gone.
    c.change_save_set(part, true);
    c.change_save_set(part, false).check().unwrap();
    drop(c);
    wait_destroyed(&watcher, w);
    let e = wait_for(&p, "the part's destruction", |e| {
        matches!(e, Event::Destroy(_))
    });
    assert!(matches!(&e, Event::Destroy(d) if d.window == part), "{e:?}");
    assert!(p.get_geometry(part).reply().is_err());
    assert_eq!(screen(&p).at(67, 47), ROOT_BG);
}

#[test]
fn save_set_takes_only_other_clients_windows() {
    let s = TestServer::start();
    let c = s.connect();
    let p = s.connect_trusted();
    let (w, part) = embed(&c, &p);
    assert_eq!(
        error_code(c.change_save_set(w, true).check()),
        ErrorCode::Match,
        "its own window"
    );
    assert_eq!(
        error_code(p.change_save_set(part, true).check()),
        ErrorCode::Match,
        "its own window"
    );
    let own_missing = WindowId(yonder_protocol::make_id(c.id_space(), 999));
    assert_eq!(
        error_code(c.change_save_set(own_missing, true).check()),
        ErrorCode::Window,
        "no such window of its own"
    );
    // Another client's window not there (yet): the entry waits for it (1.6, §9.67).
    c.change_save_set(WindowId(part.0 + 1000), true)
        .check()
        .unwrap();
    c.change_save_set(part, true).check().unwrap();
}
