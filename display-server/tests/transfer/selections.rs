//! Selections (the clipboard): lazy, chunked transfers from owner to requestor, TARGETS,
//! refusals, ownership changes, and either side disconnecting mid-transfer.

use super::*;
use yonder::prelude::*;

#[test]
fn clipboard_text_travels_from_owner_to_requestor() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0))
        .check()
        .unwrap();
    assert_eq!(
        b.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        aw
    );

    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 42);
    b.sync().unwrap();
    let req = selection_request(&a);
    assert_eq!(
        (req.owner, req.requestor, req.selection, req.target),
        (aw, bw, atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8)
    );
    let text = "Grüße aus Yonder — copied text";
    let (first, second) = text.as_bytes().split_at(7);
    a.send_selection_data(req.transfer, first.to_vec(), false);
    a.send_selection_data(req.transfer, second.to_vec(), true);
    a.sync().unwrap();

    let chunks = selection_data(&b, 42, 5);
    assert_eq!(chunks.len(), 2, "{chunks:?}");
    for c in &chunks {
        assert_eq!(
            (c.requestor, c.tag, c.selection, c.target),
            (bw, 42, atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8)
        );
        assert!(!c.refused);
    }
    assert!(!chunks[0].done && chunks[1].done);
    assert_eq!(String::from_utf8(joined(&chunks)).unwrap(), text);

    // A second paste asks the owner again (nothing is cached), here whole in one call.
    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 43);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_bytes(req.transfer, text.as_bytes());
    a.sync().unwrap();
    let chunks = selection_data(&b, 43, 5);
    assert_eq!(chunks.len(), 1);
    assert_eq!(joined(&chunks), text.as_bytes());
    assert_no_errors(&a);
    assert_no_errors(&b);
}

#[test]
fn five_mebibytes_arrive_whole_and_in_order() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    let data: Vec<u8> = (0..5u32 << 20)
        .map(|i| (i % 251) as u8 ^ (i >> 20) as u8)
        .collect();

    b.convert_selection(atoms::CLIPBOARD, atoms::IMAGE_PNG, bw, 5);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_bytes(req.transfer, &data); // 1 MiB chunks
    a.sync().unwrap();

    let chunks = selection_data(&b, 5, 30);
    assert_eq!(chunks.len(), 5, "one event per chunk");
    assert!(chunks.iter().all(|c| c.data.len() == 1 << 20));
    assert!(chunks[..4].iter().all(|c| !c.done));
    let got = joined(&chunks);
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the data arrived changed or out of order");
    assert_no_errors(&a);
}

#[test]
fn targets_conversion_lists_the_offered_types() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    b.convert_selection(atoms::CLIPBOARD, atoms::TARGETS, bw, 1);
    b.sync().unwrap();
    let req = selection_request(&a);
    assert_eq!(req.target, atoms::TARGETS);
    let offered = [atoms::TARGETS, atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING];
    let bytes: Vec<u8> = offered.iter().flat_map(|a| a.0.to_le_bytes()).collect();
    a.send_selection_bytes(req.transfer, &bytes);
    a.sync().unwrap();
    let chunks = selection_data(&b, 1, 5);
    let list: Vec<Atom> = joined(&chunks)
        .chunks_exact(4)
        .map(|c| Atom(u32::from_le_bytes(c.try_into().unwrap())))
        .collect();
    assert_eq!(list, offered);
    assert_eq!(chunks.last().unwrap().target, atoms::TARGETS);
    let names: Vec<String> = list
        .iter()
        .map(|a| b.get_atom_name(*a).reply().unwrap().name)
        .collect();
    assert_eq!(
        names,
        ["TARGETS", "text/plain;charset=utf-8", "UTF8_STRING"]
    );
}

#[test]
fn refused_types_and_selections_without_owner() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();

    // The owner has text only: it refuses a PNG.
    b.convert_selection(atoms::CLIPBOARD, atoms::IMAGE_PNG, bw, 9);
    b.sync().unwrap();
    let req = selection_request(&a);
    assert_eq!(req.target, atoms::IMAGE_PNG);
    a.refuse_selection(req.transfer).check().unwrap();
    let chunks = selection_data(&b, 9, 5);
    assert_eq!(chunks.len(), 1);
    assert!(
        chunks[0].refused && chunks[0].done && chunks[0].data.is_empty(),
        "{chunks:?}"
    );
    assert_eq!(chunks[0].target, atoms::IMAGE_PNG);
    // The transfer is over: more data for it is an error.
    assert_eq!(
        error_code(
            a.send_selection_data(req.transfer, b"late".to_vec(), true)
                .check()
        ),
        ErrorCode::Value
    );

    // Nobody owns PRIMARY: the answer comes at once, without any owner being asked.
    b.convert_selection(atoms::PRIMARY, atoms::TEXT_PLAIN_UTF8, bw, 10);
    b.sync().unwrap();
    let evs = drain_events(&b);
    let refused: Vec<_> = evs
        .iter()
        .filter(|e| matches!(e, Event::SelectionData(d) if d.tag == 10 && d.refused && d.done && d.data.is_empty() && d.selection == atoms::PRIMARY))
        .collect();
    assert_eq!(refused.len(), 1, "{evs:?}");
    assert!(!drain_events(&a)
        .iter()
        .any(|e| matches!(e, Event::SelectionRequest(_))));
    assert_eq!(
        b.get_selection_owner(atoms::PRIMARY).reply().unwrap().owner,
        WindowId::NONE
    );

    // Requests that make no sense.
    assert_eq!(
        error_code(
            b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, aw, 1)
                .check()
        ),
        ErrorCode::Match,
        "the requestor must be the sender's window"
    );
    assert_eq!(
        error_code(
            b.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0))
                .check()
        ),
        ErrorCode::Match,
        "nobody takes ownership for another client's window"
    );
    assert_eq!(
        error_code(
            b.convert_selection(Atom(0xFFFF), atoms::TEXT_PLAIN_UTF8, bw, 1)
                .check()
        ),
        ErrorCode::Atom
    );
    assert_eq!(
        error_code(a.send_selection_data(12345, Vec::new(), true).check()),
        ErrorCode::Value
    );
    assert_eq!(
        b.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        aw
    );
}

#[test]
fn ownership_changes_are_announced_and_the_old_owner_is_cleared() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::OWNER_CHANGE);
    let aw = plain_window(&a);
    let bw = plain_window(&b);

    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    let e = wait_for(&watcher, "A's ownership", |e| {
        matches!(e, Event::SelectionOwner(_))
    });
    assert!(
        matches!(&e, Event::SelectionOwner(o) if o.root == watcher.root() && o.selection == atoms::CLIPBOARD && o.owner == aw),
        "{e:?}"
    );

    b.set_selection_owner(atoms::CLIPBOARD, bw, yonder_protocol::Timestamp(0));
    b.sync().unwrap();
    let e = wait_for(&a, "SelectionClear", |e| {
        matches!(e, Event::SelectionClear(_))
    });
    assert!(
        matches!(&e, Event::SelectionClear(c) if c.owner == aw && c.selection == atoms::CLIPBOARD),
        "{e:?}"
    );
    let e = wait_for(&watcher, "B's ownership", |e| {
        matches!(e, Event::SelectionOwner(_))
    });
    assert!(
        matches!(&e, Event::SelectionOwner(o) if o.owner == bw),
        "{e:?}"
    );
    assert_eq!(
        a.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        bw
    );
    assert!(
        !drain_events(&b)
            .iter()
            .any(|e| matches!(e, Event::SelectionClear(_))),
        "the new owner is not cleared"
    );

    // A paste now goes to B, not A.
    let aw2 = plain_window(&a);
    a.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, aw2, 3);
    a.sync().unwrap();
    let req = selection_request(&b);
    b.send_selection_bytes(req.transfer, b"from B");
    b.sync().unwrap();
    assert_eq!(joined(&selection_data(&a, 3, 5)), b"from B");

    // Giving up ownership (NONE) tells the watchers; other selections are unaffected.
    b.set_selection_owner(atoms::PRIMARY, bw, yonder_protocol::Timestamp(0));
    b.set_selection_owner(
        atoms::CLIPBOARD,
        WindowId::NONE,
        yonder_protocol::Timestamp(0),
    );
    b.sync().unwrap();
    let evs = events_until(
        &watcher,
        "CLIPBOARD without owner",
        |e| matches!(e, Event::SelectionOwner(o) if o.selection == atoms::CLIPBOARD && o.owner == WindowId::NONE),
    );
    assert!(evs.iter().any(
        |e| matches!(e, Event::SelectionOwner(o) if o.selection == atoms::PRIMARY && o.owner == bw)
    ));
    assert_eq!(
        a.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );
    assert_eq!(
        a.get_selection_owner(atoms::PRIMARY).reply().unwrap().owner,
        bw
    );
}

#[test]
fn owner_disconnecting_mid_transfer_refuses_and_frees_the_selection() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::OWNER_CHANGE);
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    wait_for(
        &watcher,
        "A's ownership",
        |e| matches!(e, Event::SelectionOwner(o) if o.owner == aw),
    );

    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 77);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_data(req.transfer, b"half of it".to_vec(), false);
    a.sync().unwrap();
    drop(a); // killed before the last chunk

    let chunks = selection_data(&b, 77, 5);
    assert_eq!(chunks.len(), 2, "{chunks:?}");
    assert_eq!(chunks[0].data, b"half of it");
    assert!(!chunks[0].done && !chunks[0].refused);
    assert!(
        chunks[1].done && chunks[1].refused && chunks[1].data.is_empty(),
        "{chunks:?}"
    );
    let e = wait_for(&watcher, "CLIPBOARD without owner", |e| {
        matches!(e, Event::SelectionOwner(_))
    });
    assert!(
        matches!(&e, Event::SelectionOwner(o) if o.selection == atoms::CLIPBOARD && o.owner == WindowId::NONE),
        "{e:?}"
    );
    assert_eq!(
        b.get_selection_owner(atoms::CLIPBOARD)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );
    // A new paste is refused at once.
    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 78);
    b.sync().unwrap();
    let chunks = selection_data(&b, 78, 5);
    assert!(chunks.len() == 1 && chunks[0].refused);
}

#[test]
fn requestor_disconnecting_mid_transfer_leaves_the_owner_unharmed() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let c = s.connect();
    let watcher = s.connect();
    select(&watcher, watcher.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let aw = plain_window(&a);
    let bw = plain_window(&b);
    let cw = plain_window(&c);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();

    b.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, bw, 1);
    b.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_data(req.transfer, b"first".to_vec(), false);
    a.sync().unwrap();
    drop(b); // the pasting application was closed
    wait_destroyed(&watcher, bw);
    // The owner cannot know: the rest of its answer is quietly dropped, without errors.
    a.send_selection_data(req.transfer, b"second".to_vec(), false)
        .check()
        .unwrap();
    a.send_selection_data(req.transfer, b"last".to_vec(), true)
        .check()
        .unwrap();
    // The transfer is over now, so a stray chunk is an error again.
    assert_eq!(
        error_code(
            a.send_selection_data(req.transfer, Vec::new(), true)
                .check()
        ),
        ErrorCode::Value
    );

    // The owner still serves other pastes.
    c.convert_selection(atoms::CLIPBOARD, atoms::TEXT_PLAIN_UTF8, cw, 2);
    c.sync().unwrap();
    let req = selection_request(&a);
    a.send_selection_bytes(req.transfer, b"for C");
    a.sync().unwrap();
    assert_eq!(joined(&selection_data(&c, 2, 5)), b"for C");
    assert_no_errors(&a);
}

#[test]
fn transfers_of_departed_requestors_are_kept_up_to_a_bound() {
    let s = TestServer::start();
    let a = s.connect();
    let aw = plain_window(&a);
    a.set_selection_owner(atoms::CLIPBOARD, aw, yonder_protocol::Timestamp(0));
    a.sync().unwrap();
    // Five requestors in turn each ask 1024 pastes of an owner that does not answer, and
    // leave: 5120 open transfers of departed requestors, over the bound of 4096.
    for round in 0..5u32 {
        let b = s.connect();
        let bw = plain_window(&b);
        for tag in 0..1024 {
            b.convert_selection(
                atoms::CLIPBOARD,
                atoms::TEXT_PLAIN_UTF8,
                bw,
                round * 1024 + tag,
            );
        }
        b.sync().unwrap();
    }
    let mut transfers = Vec::new();
    while transfers.len() < 5120 {
        transfers.push(selection_request(&a).transfer);
    }
    a.sync().unwrap();
    // The oldest were dropped: their numbers are unknown now. The newest are still open,
    // and the owner's answer to one is accepted as before.
    assert_eq!(
        error_code(
            a.send_selection_data(transfers[0], Vec::new(), true)
                .check()
        ),
        ErrorCode::Value
    );
    a.send_selection_data(transfers[5119], b"late".to_vec(), true)
        .check()
        .unwrap();
    assert_eq!(
        error_code(
            a.send_selection_data(transfers[1023], Vec::new(), true)
                .check()
        ),
        ErrorCode::Value
    );
    a.send_selection_data(transfers[1024], Vec::new(), true)
        .check()
        .unwrap();
}
