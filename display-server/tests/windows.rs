//! Windows through the real server: expose, stacking, clipping, structure events,
//! properties, client messages between clients, and cleanup when a client goes away.

use yonder::prelude::*;
use yonder_protocol::event::{ClientMessage, PropertyState};
use yonder_protocol::request::{ConfigureWindow, PropMode, StackMode, WindowAttributes};
use yonder_protocol::{atoms, Color, Event, EventMask, Rect};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

#[test]
fn expose_on_map_and_after_unmap_map() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let w = window(
        &c,
        Rect::new(10, 10, 50, 40),
        0x00FF00,
        EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY,
    );
    let evs = drain_events(&c);
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::Map(m) if m.window == w)),
        "{evs:?}"
    );
    let exposes: Vec<_> = evs
        .iter()
        .filter_map(|e| {
            if let Event::Expose(x) = e {
                Some(x.clone())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(exposes.len(), 1);
    assert_eq!(exposes[0].rect, Rect::new(0, 0, 50, 40));
    c.unmap_window(w);
    let evs = drain_events(&c);
    assert!(evs
        .iter()
        .any(|e| matches!(e, Event::Unmap(u) if u.window == w)));
    assert_eq!(
        screen(&c).at(20, 20),
        0x2e3440,
        "root shows where the window was"
    );
    c.map_window(w);
    let evs = drain_events(&c);
    assert!(
        evs.iter().any(
            |e| matches!(e, Event::Expose(x) if x.window == w && x.rect == Rect::new(0, 0, 50, 40))
        ),
        "{evs:?}"
    );
    assert_eq!(screen(&c).at(20, 20), 0x00FF00);
}

#[test]
fn stacking_restack_and_child_clipping() {
    let s = TestServer::start();
    let c = s.connect_trusted();
    let a = window(&c, Rect::new(0, 0, 100, 100), 0xFF0000, EventMask::EMPTY);
    let b = window(&c, Rect::new(50, 50, 100, 100), 0x0000FF, EventMask::EMPTY);
    assert_eq!(
        screen(&c).at(75, 75),
        0x0000FF,
        "b was created later, so it is on top"
    );
    c.configure_window(ConfigureWindow {
        window: a,
        stack_mode: Some(StackMode::Above),
        ..Default::default()
    });
    assert_eq!(screen(&c).at(75, 75), 0xFF0000, "a raised");
    c.configure_window(ConfigureWindow {
        window: a,
        stack_mode: Some(StackMode::Below),
        sibling: Some(b),
        ..Default::default()
    });
    assert_eq!(screen(&c).at(75, 75), 0x0000FF, "a lowered below b");
    let tree = c.query_tree(c.root()).reply().unwrap();
    assert_eq!(tree.children, vec![a, b]);
    // A child larger than its parent is clipped by it.
    let child = c.new_window_id();
    let attrs = WindowAttributes {
        background: Some(Color::rgb(0x00FF00)),
        ..Default::default()
    };
    c.create_window(child, a, Rect::new(20, 20, 300, 300), attrs);
    c.map_window(child);
    let scr = screen(&c);
    assert_eq!(scr.at(30, 30), 0x00FF00, "child shows inside its parent");
    assert_eq!(
        scr.at(110, 30),
        0x2e3440,
        "child is clipped at the parent's edge"
    );
    assert_eq!(
        scr.at(75, 75),
        0x0000FF,
        "the parent's sibling still covers the child"
    );
    // GetImage of the parent includes the child.
    assert_eq!(read(&c, a, Rect::new(0, 0, 100, 100)).at(30, 30), 0x00FF00);
    // Move and resize.
    c.configure_window(ConfigureWindow {
        window: b,
        x: Some(200),
        width: Some(20),
        ..Default::default()
    });
    let g = c.get_geometry(b).reply().unwrap();
    assert_eq!(g.rect, Rect::new(200, 50, 20, 100));
    assert_eq!(
        screen(&c).at(75, 75),
        0x00FF00,
        "b moved away: a's child shows"
    );
}

#[test]
fn configure_notify_to_window_and_parent() {
    let s = TestServer::start();
    let c = s.connect();
    let parent = window(
        &c,
        Rect::new(0, 0, 200, 200),
        0xFFFFFF,
        EventMask::SUBSTRUCTURE_NOTIFY,
    );
    let child = c.new_window_id();
    let attrs = WindowAttributes {
        event_mask: Some(EventMask::STRUCTURE_NOTIFY),
        ..Default::default()
    };
    c.create_window(child, parent, Rect::new(5, 5, 10, 10), attrs);
    c.configure_window(ConfigureWindow {
        window: child,
        x: Some(7),
        height: Some(30),
        ..Default::default()
    });
    let evs = drain_events(&c);
    let confs: Vec<_> = evs
        .iter()
        .filter_map(|e| {
            if let Event::Configure(x) = e {
                Some(x.clone())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(confs.len(), 2, "{evs:?}");
    assert!(confs
        .iter()
        .any(|x| x.event == child && x.window == child && x.rect == Rect::new(7, 5, 10, 30)));
    assert!(confs.iter().any(|x| x.event == parent && x.window == child));
    c.destroy_window(parent);
    let evs = drain_events(&c);
    assert!(evs
        .iter()
        .any(|e| matches!(e, Event::Destroy(d) if d.window == child && d.event == child)));
    assert!(evs
        .iter()
        .any(|e| matches!(e, Event::Destroy(d) if d.window == child && d.event == parent)));
    assert!(
        c.get_geometry(child).reply().is_err(),
        "child destroyed with its parent"
    );
}

#[test]
fn properties_and_their_events() {
    let s = TestServer::start();
    let c1 = s.connect();
    let c2 = s.connect();
    let w = window(&c1, Rect::new(0, 0, 10, 10), 0, EventMask::EMPTY);
    c2.change_window_attributes(
        w,
        WindowAttributes {
            event_mask: Some(EventMask::PROPERTY_CHANGE),
            ..Default::default()
        },
    );
    c2.sync().unwrap();
    let note = c1.intern_atom("YONDER_NOTE", false).reply().unwrap().atom;
    assert_eq!(
        c1.intern_atom("YONDER_NOTE", true).reply().unwrap().atom,
        note
    );
    assert_eq!(
        c1.intern_atom("NEVER_INTERNED", true).reply().unwrap().atom,
        yonder_protocol::Atom::NONE
    );
    assert_eq!(c2.get_atom_name(note).reply().unwrap().name, "YONDER_NOTE");
    c1.change_property(
        w,
        note,
        atoms::UTF8_STRING,
        PropMode::Replace,
        b"hello".to_vec(),
    );
    c1.change_property(
        w,
        note,
        atoms::UTF8_STRING,
        PropMode::Append,
        b" world".to_vec(),
    );
    c1.change_property(
        w,
        note,
        atoms::UTF8_STRING,
        PropMode::Prepend,
        b">".to_vec(),
    );
    c1.sync().unwrap();
    let p = c2.get_property(w, note, false).reply().unwrap();
    assert_eq!(
        (p.type_, p.data.as_slice()),
        (atoms::UTF8_STRING, &b">hello world"[..])
    );
    assert_eq!(c2.list_properties(w).reply().unwrap().atoms, vec![note]);
    let e = c1
        .change_property(w, note, atoms::STRING, PropMode::Append, b"x".to_vec())
        .check();
    assert!(
        matches!(e, Err(yonder::ReplyError::Protocol(ref p)) if p.code == yonder_protocol::ErrorCode::Match),
        "{e:?}"
    );
    let p = c2.get_property(w, note, true).reply().unwrap();
    assert_eq!(p.data, b">hello world");
    assert!(
        c2.get_property(w, note, false)
            .reply()
            .unwrap()
            .type_
            .is_none(),
        "deleted on read"
    );
    let evs = drain_events(&c2);
    let states: Vec<_> = evs
        .iter()
        .filter_map(|e| {
            if let Event::Property(p) = e {
                Some((p.atom, p.state))
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        states,
        vec![
            (note, PropertyState::NewValue),
            (note, PropertyState::NewValue),
            (note, PropertyState::NewValue),
            (note, PropertyState::Deleted)
        ]
    );
}

#[test]
fn client_message_between_two_clients() {
    let s = TestServer::start();
    let receiver = s.connect();
    let sender = s.connect();
    let w = window(&receiver, Rect::new(0, 0, 10, 10), 0, EventMask::EMPTY);
    let kind = sender
        .intern_atom("YONDER_PING", false)
        .reply()
        .unwrap()
        .atom;
    let msg = Event::ClientMessage(ClientMessage {
        window: w,
        type_: kind,
        data: vec![1, 2, 3],
    });
    sender
        .send_event(w, EventMask::EMPTY, msg.clone())
        .check()
        .unwrap();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match receiver
            .wait_for_event_timeout(end - std::time::Instant::now())
            .unwrap()
        {
            Some(yonder::Incoming::Event { event, sent })
                if matches!(event, Event::ClientMessage(_)) =>
            {
                assert_eq!(event, msg);
                assert!(sent, "marked as sent by another client");
                break;
            }
            Some(_) => continue,
            None => panic!("no client message arrived"),
        }
    }
}

/// protocol.md §7: `sent` is true for every SendEvent, one to the sender's own window too.
#[test]
fn client_message_to_ones_own_window_is_marked_sent() {
    let s = TestServer::start();
    let c = s.connect();
    let w = window(&c, Rect::new(0, 0, 10, 10), 0, EventMask::EMPTY);
    let msg = Event::ClientMessage(ClientMessage {
        window: w,
        type_: atoms::WM_PROTOCOLS,
        data: vec![1, 2, 3],
    });
    c.send_event(w, EventMask::EMPTY, msg.clone())
        .check()
        .unwrap();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match c
            .wait_for_event_timeout(end - std::time::Instant::now())
            .unwrap()
        {
            Some(yonder::Incoming::Event { event, sent })
                if matches!(event, Event::ClientMessage(_)) =>
            {
                assert_eq!(event, msg);
                assert!(sent, "marked as sent, though the sender is the receiver");
                break;
            }
            Some(_) => continue,
            None => panic!("no client message arrived"),
        }
    }
}

#[test]
fn killed_client_resources_are_freed() {
    let s = TestServer::start();
    let watcher = s.connect_trusted();
    watcher.change_window_attributes(
        watcher.root(),
        WindowAttributes {
            event_mask: Some(EventMask::SUBSTRUCTURE_NOTIFY),
            ..Default::default()
        },
    );
    watcher.sync().unwrap();
    let doomed = s.connect();
    let w = window(
        &doomed,
        Rect::new(0, 0, 100, 100),
        0xFF00FF,
        EventMask::EMPTY,
    );
    let p = doomed.new_pixmap_id();
    doomed.create_pixmap(p, w, 10, 10);
    doomed.sync().unwrap();
    assert_eq!(screen(&watcher).at(50, 50), 0xFF00FF);
    let clients = watcher.list_clients().reply().unwrap().clients;
    assert_eq!(clients.len(), 2);
    drop(doomed); // the socket closes without any goodbye, as when a process is killed
    wait_for(
        &watcher,
        "destroy of the dead client's window",
        |e| matches!(e, Event::Destroy(d) if d.window == w),
    );
    assert_eq!(
        screen(&watcher).at(50, 50),
        0x2e3440,
        "its window vanished from the screen"
    );
    let clients = watcher.list_clients().reply().unwrap().clients;
    assert_eq!(clients.len(), 1, "only the watcher is left: {clients:?}");
    assert!(
        watcher.get_geometry(p).reply().is_err(),
        "its pixmap is freed"
    );
    assert!(watcher
        .query_tree(watcher.root())
        .reply()
        .unwrap()
        .children
        .is_empty());
}

#[test]
fn a_leaving_clients_windows_go_and_the_others_keep_their_stacking() {
    let s = TestServer::start();
    let stays = s.connect_trusted();
    let leaves = s.connect();
    // Interleaved on the root's stack, with a child of one of the leaver's windows.
    let mut kept = Vec::new();
    for i in 0..6 {
        let r = Rect::new(10 * i, 10 * i, 40, 40);
        kept.push(window(&stays, r, 0x0000FF, EventMask::EMPTY));
        let gone = window(&leaves, r, 0xFF0000, EventMask::EMPTY);
        let child = leaves.new_window_id();
        leaves.create_window(
            child,
            gone,
            Rect::new(1, 1, 5, 5),
            WindowAttributes::default(),
        );
        leaves.map_window(child);
    }
    // One of the kept windows raised to the top, above the leaver's last.
    stays.configure_window(ConfigureWindow {
        window: kept[2],
        stack_mode: Some(StackMode::Above),
        ..Default::default()
    });
    leaves.sync().unwrap();
    stays.sync().unwrap();
    drop(leaves);
    let want = [kept[0], kept[1], kept[3], kept[4], kept[5], kept[2]];
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let tree = stays.query_tree(stays.root()).reply().unwrap();
        if tree.children == want {
            break;
        }
        assert!(
            std::time::Instant::now() < end,
            "root's children: {:?}",
            tree.children
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The pixels agree: where the leaver's windows were, the kept ones show.
    assert_eq!(screen(&stays).at(55, 55) & 0xFFFFFF, 0x0000FF);
}
