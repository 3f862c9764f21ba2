//! Drag and drop driven by synthetic input: the whole exchange, what starts a drag,
//! cancelling, refused and missed drops, and either side dying mid-drag.

use super::dnd_scene::*;
use super::*;
use yonder::prelude::*;

#[test]
fn drag_and_drop_moves_text_from_source_to_target() {
    let d = dnd_scene();
    d.press_and_start_drag(50, 90);
    d.assert_icon_at(50, 90);
    assert_eq!(
        d.cursor(),
        Cursor::NotAllowed,
        "no drop target under the pointer yet"
    );

    // Into the target: it is told what is offered and where the pointer is.
    let (enter, pos) = d.enter_target(200, 60);
    assert_eq!(enter.target, d.tgt);
    assert_eq!(enter.source, d.src);
    assert_eq!(enter.types, vec![atoms::TEXT_PLAIN_UTF8]);
    assert_eq!(enter.actions, DndActions::COPY | DndActions::MOVE);
    assert_eq!(
        (pos.target, pos.x, pos.y, pos.root_x, pos.root_y),
        (d.tgt, 20, 20, 200, 60)
    );
    assert_eq!(
        d.root_pixel(50, 90),
        SRC_BG,
        "the icon left the source (screenshot)"
    );
    assert_eq!(
        d.screen_pixel(50, 90),
        SRC_BG,
        "the icon left no trail on the screen"
    );
    d.assert_icon_at(200, 60);
    assert_eq!(
        d.cursor(),
        Cursor::NotAllowed,
        "the target has not answered yet"
    );

    // The target would accept a move: the source hears it, the pointer shows it.
    d.b()
        .dnd_status(d.tgt, true, DndAction::Move)
        .check()
        .unwrap();
    let st = d.status_for_source();
    assert_eq!(
        (st.source, st.target, st.accept, st.action),
        (d.src, d.tgt, true, DndAction::Move)
    );
    assert_eq!(
        d.cursor(),
        Cursor::Grabbing,
        "the pointer shows the accepted move at once"
    );

    d.motion(230, 90);
    let e = wait_for(d.b(), "DndPosition", |e| matches!(e, Event::DndPosition(_)));
    assert!(
        matches!(&e, Event::DndPosition(p) if (p.x, p.y) == (50, 50)),
        "{e:?}"
    );
    d.assert_icon_at(230, 90);
    assert_eq!(
        d.screen_pixel(200, 60),
        TGT_BG,
        "no trail of the icon's previous place"
    );
    d.b()
        .dnd_status(d.tgt, true, DndAction::Copy)
        .check()
        .unwrap();
    assert_eq!(d.status_for_source().action, DndAction::Copy);
    assert_eq!(d.cursor(), Cursor::Copy);
    d.b()
        .dnd_status(d.tgt, true, DndAction::Move)
        .check()
        .unwrap();
    d.status_for_source();

    // Drop.
    d.button(false);
    let e = wait_for(d.b(), "DndDrop", |e| matches!(e, Event::DndDrop(_)));
    assert!(
        matches!(&e, Event::DndDrop(x) if x.target == d.tgt && (x.x, x.y) == (50, 50) && x.action == DndAction::Move),
        "{e:?}"
    );
    assert_eq!(
        d.root_pixel(230, 90),
        TGT_BG,
        "the icon is gone (screenshot)"
    );
    assert_eq!(
        d.screen_pixel(230, 90),
        TGT_BG,
        "the icon is gone from the screen"
    );
    assert_eq!(d.screen_pixel(222, 82), TGT_BG);
    assert_eq!(d.cursor(), Cursor::Default);

    // The target fetches the data through YONDER_DND, owned by the source.
    assert_eq!(
        d.b()
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner,
        d.src
    );
    d.b()
        .convert_selection(atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, d.tgt, 99);
    d.b().sync().unwrap();
    let req = selection_request(d.a());
    assert_eq!(
        (req.owner, req.selection, req.target, req.requestor),
        (d.src, atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, d.tgt)
    );
    d.a()
        .send_selection_bytes(req.transfer, "dragged text ✓".as_bytes());
    d.a().sync().unwrap();
    assert_eq!(
        joined(&selection_data(d.b(), 99, 5)),
        "dragged text ✓".as_bytes()
    );
    d.b()
        .dnd_finish(d.tgt, true, DndAction::Move)
        .check()
        .unwrap();

    let evs = events_until(d.a(), "DndFinished", |e| matches!(e, Event::DndFinished(_)));
    let fin = match evs.last() {
        Some(Event::DndFinished(f)) => f.clone(),
        _ => unreachable!(),
    };
    assert_eq!(
        fin,
        DndFinishedEvent {
            source: d.src,
            target: d.tgt,
            success: true,
            action: DndAction::Move
        }
    );
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::Motion(_) | Event::ButtonRelease(_))),
        "the drag owned the pointer: the source saw no motion or release: {evs:?}"
    );
    assert_eq!(
        error_code(d.b().dnd_finish(d.tgt, true, DndAction::Move).check()),
        ErrorCode::Match,
        "finished only once"
    );

    // Input is normal again: a click on the target reaches it.
    d.button(true);
    let e = wait_for(d.b(), "a normal click", |e| {
        matches!(e, Event::ButtonPress(_))
    });
    assert!(
        matches!(&e, Event::ButtonPress(p) if p.window == d.tgt && (p.x, p.y) == (50, 50)),
        "{e:?}"
    );
    d.button(false);
    assert_no_errors(d.a());
    assert_no_errors(d.b());
}

#[test]
fn start_drag_needs_a_button_held_on_the_senders_window() {
    let d = dnd_scene();
    let icon = d.red_icon();
    let types = [atoms::TEXT_PLAIN_UTF8];
    let start = |w, types: &[Atom], actions, icon| {
        error_code(
            d.a()
                .start_drag(w, types, actions, icon, Point::new(0, 0))
                .check(),
        )
    };
    d.motion(50, 90);
    assert_eq!(
        start(d.src, &types, DndActions::COPY, icon),
        ErrorCode::Match,
        "no button held"
    );

    // A button held on someone else's window does not do either.
    d.motion(200, 90);
    d.button(true);
    assert_eq!(
        start(d.src, &types, DndActions::COPY, icon),
        ErrorCode::Match,
        "the button is held on B's window"
    );
    d.button(false);

    d.motion(50, 90);
    d.button(true);
    assert_eq!(
        start(d.tgt, &types, DndActions::COPY, icon),
        ErrorCode::Match,
        "the source must be the sender's"
    );
    assert_eq!(
        start(d.src, &[], DndActions::COPY, icon),
        ErrorCode::Value,
        "no types"
    );
    assert_eq!(
        start(d.src, &types, DndActions(0), icon),
        ErrorCode::Value,
        "no actions"
    );
    assert_eq!(
        start(d.src, &types, DndActions::COPY, PixmapId(d.src.0)),
        ErrorCode::Pixmap,
        "a window is no icon"
    );
    d.button(false);

    // Nothing started: motion and release reach the source as usual, the target hears nothing.
    d.button(true);
    d.motion(60, 100);
    d.button(false);
    let evs = drain_events(d.a());
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::Motion(m) if m.window == d.src)),
        "{evs:?}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::ButtonRelease(r) if r.window == d.src)),
        "{evs:?}"
    );
    let evs = drain_events(d.b());
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::DndEnter(_) | Event::DndPosition(_))),
        "{evs:?}"
    );
    assert_eq!(
        d.a()
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );
}

#[test]
fn escape_cancels_the_drag_and_nothing_is_transferred() {
    let d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);

    d.key(keysym::ESCAPE, true);
    let e = wait_for(d.b(), "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(
        matches!(&e, Event::DndLeave(l) if l.target == d.tgt),
        "{e:?}"
    );
    let fin = d.finished_for_source();
    assert_eq!(
        fin,
        DndFinishedEvent {
            source: d.src,
            target: WindowId::NONE,
            success: false,
            action: DndAction::None
        }
    );
    assert_eq!(d.root_pixel(230, 90), TGT_BG, "the icon is gone");
    assert_eq!(
        d.screen_pixel(230, 90),
        TGT_BG,
        "the icon is gone from the screen"
    );
    assert_eq!(d.cursor(), Cursor::Default);

    // The user lets go of the button: no drop, the pointer is the source's again.
    d.key(keysym::ESCAPE, false);
    d.motion(240, 100);
    d.button(false);
    let evs = drain_events(d.b());
    assert!(
        !evs.iter().any(|e| matches!(
            e,
            Event::DndDrop(_) | Event::DndPosition(_) | Event::DndEnter(_)
        )),
        "{evs:?}"
    );
    let evs = drain_events(d.a());
    assert!(
        !evs.iter()
            .any(|e| matches!(e, Event::SelectionRequest(_) | Event::DndFinished(_))),
        "{evs:?}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, Event::ButtonRelease(r) if r.window == d.src)),
        "{evs:?}"
    );
    assert_eq!(
        error_code(d.b().dnd_finish(d.tgt, true, DndAction::Copy).check()),
        ErrorCode::Match,
        "there was no drop to finish"
    );
}

#[test]
fn a_drop_the_target_refused_fails() {
    let d = dnd_scene();
    d.press_and_start_drag(50, 90);
    d.enter_target(230, 90);
    assert_eq!(
        error_code(d.b().dnd_status(d.tgt, true, DndAction::Link).check()),
        ErrorCode::Value,
        "the source allows copy and move only"
    );
    d.b()
        .dnd_status(d.tgt, false, DndAction::None)
        .check()
        .unwrap();
    let st = d.status_for_source();
    assert_eq!(
        (st.target, st.accept, st.action),
        (d.tgt, false, DndAction::None)
    );
    assert_eq!(d.cursor(), Cursor::NotAllowed);

    d.button(false);
    let e = wait_for(d.b(), "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(
        matches!(&e, Event::DndLeave(l) if l.target == d.tgt),
        "{e:?}"
    );
    let fin = d.finished_for_source();
    assert!(
        !fin.success && fin.target == WindowId::NONE && fin.action == DndAction::None,
        "{fin:?}"
    );
    assert!(!drain_events(d.b())
        .iter()
        .any(|e| matches!(e, Event::DndDrop(_))));
    assert!(!drain_events(d.a())
        .iter()
        .any(|e| matches!(e, Event::SelectionRequest(_))));
    assert_eq!(d.screen_pixel(230, 90), TGT_BG, "the icon is gone");
}

#[test]
fn a_drop_over_no_target_fails() {
    let d = dnd_scene();
    d.press_and_start_drag(50, 90);
    d.motion(160, 200); // the root: nobody takes drops there
    assert_eq!(d.cursor(), Cursor::NotAllowed);
    d.button(false);
    let fin = d.finished_for_source();
    assert!(!fin.success && fin.target == WindowId::NONE, "{fin:?}");
    assert!(!drain_events(d.b())
        .iter()
        .any(|e| matches!(e, Event::DndEnter(_) | Event::DndDrop(_))));
    assert_eq!(d.screen_pixel(160, 200), ROOT_BG, "the icon is gone");
}

#[test]
fn source_killed_mid_drag_ends_it_and_input_returns_to_normal() {
    let mut d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Move);
    d.assert_icon_at(230, 90);

    d.kill_a(); // the source application is killed while the user drags
    let e = wait_for(d.b(), "DndLeave", |e| matches!(e, Event::DndLeave(_)));
    assert!(
        matches!(&e, Event::DndLeave(l) if l.target == d.tgt),
        "{e:?}"
    );
    wait_destroyed(&d.user, d.src);
    assert_eq!(
        d.root_pixel(230, 90),
        TGT_BG,
        "the icon is gone (screenshot)"
    );
    assert_eq!(
        d.screen_pixel(230, 90),
        TGT_BG,
        "the icon is gone from the screen"
    );
    assert_eq!(
        d.cursor(),
        Cursor::Default,
        "the pointer no longer shows a drag"
    );
    assert_eq!(
        d.b()
            .get_selection_owner(atoms::YONDER_DND)
            .reply()
            .unwrap()
            .owner,
        WindowId::NONE
    );

    // The user lets go and clicks the target: ordinary input reaches it.
    d.motion(240, 100);
    d.button(false);
    assert!(!drain_events(d.b())
        .iter()
        .any(|e| matches!(e, Event::DndDrop(_) | Event::DndPosition(_))));
    d.button(true);
    let e = wait_for(d.b(), "a normal click", |e| {
        matches!(e, Event::ButtonPress(_))
    });
    assert!(
        matches!(&e, Event::ButtonPress(p) if p.window == d.tgt && (p.x, p.y) == (60, 60)),
        "{e:?}"
    );
    d.button(false);
    assert_no_errors(d.b());
}

#[test]
fn target_killed_after_the_drop_fails_the_drag() {
    let mut d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);
    d.drop_and_wait();
    d.kill_b(); // dies before taking the data

    let fin = d.finished_for_source();
    assert_eq!(
        fin,
        DndFinishedEvent {
            source: d.src,
            target: d.tgt,
            success: false,
            action: DndAction::None
        }
    );
    assert_no_errors(d.a());
}

#[test]
fn source_killed_after_the_drop_lets_the_target_finish_quietly() {
    let mut d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);
    d.drop_and_wait();
    d.kill_a();
    wait_destroyed(&d.user, d.src);

    // The target does what the protocol says after a drop; the data is just not there.
    d.b()
        .convert_selection(atoms::YONDER_DND, atoms::TEXT_PLAIN_UTF8, d.tgt, 5);
    d.b().sync().unwrap();
    let chunks = selection_data(d.b(), 5, 5);
    assert!(chunks.len() == 1 && chunks[0].refused, "{chunks:?}");
    d.b()
        .dnd_finish(d.tgt, false, DndAction::None)
        .check()
        .expect("finishing a drop whose source went away is no error");
    assert_no_errors(d.b());
}

#[test]
fn target_window_destroyed_mid_drag() {
    let d = dnd_scene();
    assert!(d.drag_into_accepting_target(DndAction::Copy).accept);
    assert_eq!(d.cursor(), Cursor::Copy);
    d.b().destroy_window(d.tgt);
    d.b().sync().unwrap();
    let st = d.status_for_source();
    assert_eq!(
        (st.target, st.accept),
        (d.tgt, false),
        "the source hears the target is gone"
    );
    assert_eq!(
        d.cursor(),
        Cursor::NotAllowed,
        "nothing to drop on any more"
    );
    d.assert_icon_at(230, 90);
    d.button(false);
    let fin = d.finished_for_source();
    assert!(!fin.success && fin.target == WindowId::NONE, "{fin:?}");
    assert_eq!(d.screen_pixel(230, 90), ROOT_BG);
}

/// protocol.md §11.15, §17.5: when the drag is over the server takes `YONDER_DND` back,
/// and the source hears it as any owner does: a SelectionClear right after its
/// DndFinished, after a drop only once the target has finished, at once on a cancel.
#[test]
fn the_source_hears_selection_clear_for_yonder_dnd_when_the_drag_is_over() {
    let is_clear =
        |e: &Event| matches!(e, Event::SelectionClear(c) if c.selection == atoms::YONDER_DND);
    let cleared_after_finished = |d: &Dnd| {
        let evs = events_until(d.a(), "SelectionClear", is_clear);
        let finished = evs
            .iter()
            .position(|e| matches!(e, Event::DndFinished(_)))
            .unwrap_or_else(|| panic!("DndFinished before SelectionClear: {evs:?}"));
        assert_eq!(finished, evs.len() - 2, "{evs:?}");
        assert!(
            matches!(evs.last(), Some(Event::SelectionClear(c)) if c.owner == d.src),
            "{evs:?}"
        );
        let owner = d.b().get_selection_owner(atoms::YONDER_DND).reply();
        assert_eq!(owner.unwrap().owner, WindowId::NONE);
    };

    // A drop: the source keeps YONDER_DND until the target's DndFinish.
    let d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);
    d.drop_and_wait();
    assert!(
        !drain_events(d.a()).iter().any(is_clear),
        "still the source's until DndFinish"
    );
    d.b()
        .dnd_finish(d.tgt, true, DndAction::Copy)
        .check()
        .unwrap();
    cleared_after_finished(&d);

    // A cancel (Escape): at once.
    let d = dnd_scene();
    d.drag_into_accepting_target(DndAction::Copy);
    d.key(keysym::ESCAPE, true);
    cleared_after_finished(&d);
    d.key(keysym::ESCAPE, false);
    d.button(false);
}

/// A target that accepts drops and never finishes them holds at most
/// `MAX_DROPS_AWAITING` of them: the next drop fails the oldest (its source hears
/// DndFinished with no success), and the newest can still be taken and finished.
#[test]
fn drops_never_finished_are_bounded_and_the_oldest_fails() {
    use yonder_server::state::transfer::MAX_DROPS_AWAITING;
    let d = dnd_scene();
    for _ in 0..MAX_DROPS_AWAITING {
        d.drag_into_accepting_target(DndAction::Copy);
        d.drop_and_wait();
    }
    assert_no_errors(d.a());
    d.drag_into_accepting_target(DndAction::Copy);
    d.drop_and_wait();
    assert_eq!(
        d.finished_for_source(),
        DndFinishedEvent {
            source: d.src,
            target: d.tgt,
            success: false,
            action: DndAction::None
        },
        "the oldest drop failed"
    );
    // The rest, the newest included, still await their finish.
    for _ in 0..MAX_DROPS_AWAITING {
        d.b()
            .dnd_finish(d.tgt, true, DndAction::Copy)
            .check()
            .expect("each kept drop can be finished");
    }
    let e = d.b().dnd_finish(d.tgt, true, DndAction::Copy).check();
    assert!(e.is_err(), "one drop too many finished: {e:?}");
}
