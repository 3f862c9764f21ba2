//! Client isolation (protocol.md §19.1): an ordinary client cannot read other clients'
//! pixels or the screen, cannot select input events on windows that are not its own, and
//! never receives input that started in another client's window; a client with the
//! display's trusted cookie can do all of that.

use yonder::prelude::*;
use yonder::{Connection, Incoming, ReplyError};
use yonder_protocol::request::{FakeKind, ImageFormat, WindowAttributes};
use yonder_protocol::{keysym, Color, ErrorCode, Event, EventMask, Point, Rect, WindowId};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

/// The error code a refused request came back with.
fn refused<T: std::fmt::Debug>(r: Result<T, ReplyError>) -> ErrorCode {
    match r {
        Err(ReplyError::Protocol(p)) => p.code,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

fn select(conn: &Connection, w: WindowId, mask: EventMask) -> Result<(), ReplyError> {
    conn.change_window_attributes(
        w,
        WindowAttributes {
            event_mask: Some(mask),
            ..Default::default()
        },
    )
    .check()
}

fn get(
    conn: &Connection,
    d: impl Into<yonder_protocol::Drawable>,
    r: Rect,
) -> Result<(), ReplyError> {
    conn.get_image(d, r, ImageFormat::Bgrx).reply().map(|_| ())
}

#[test]
fn pixels_of_other_clients_and_of_the_screen_are_refused() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let wa = window(&a, Rect::new(10, 10, 60, 40), 0xFF0000, EventMask::EMPTY);
    let pa = a.new_pixmap_id();
    a.create_pixmap(pa, wa, 8, 8);
    a.sync().unwrap();
    let wb = window(&b, Rect::new(100, 10, 60, 40), 0x00FF00, EventMask::EMPTY);
    let r = Rect::new(0, 0, 8, 8);

    // The snooper: Access for everything that is not its own.
    assert_eq!(
        refused(get(&b, wa, r)),
        ErrorCode::Access,
        "another's window"
    );
    assert_eq!(
        refused(get(&b, pa, r)),
        ErrorCode::Access,
        "another's pixmap"
    );
    assert_eq!(refused(get(&b, b.root(), r)), ErrorCode::Access, "the root");
    let g = gc(&b, wb, 0);
    for src in [
        yonder_protocol::Drawable(wa.0),
        yonder_protocol::Drawable(pa.0),
        yonder_protocol::Drawable(WindowId::ROOT.0),
    ] {
        let copy = b.copy_area(src, wb, g, r, Point::new(0, 0)).check();
        assert_eq!(refused(copy), ErrorCode::Access, "CopyArea from {src}");
    }
    // Nothing was copied: b's window is still all green.
    assert_eq!(
        read(&b, wb, Rect::new(0, 0, 60, 40)).count(0x00FF00),
        60 * 40
    );

    // The owner reads its own; copying from its own window works.
    assert_eq!(read(&a, wa, r).at(0, 0), 0xFF0000);
    get(&a, pa, r).expect("own pixmap");
    let ga = gc(&a, wa, 0);
    a.copy_area(wa, pa, ga, r, Point::new(0, 0))
        .check()
        .expect("CopyArea from its own window");

    // A trusted client reads everything.
    let t = s.connect_trusted();
    assert_eq!(read(&t, wa, r).at(0, 0), 0xFF0000);
    assert_eq!(read(&t, pa, r).at(0, 0), 0xFF0000);
    let scr = screen(&t);
    assert_eq!((scr.at(20, 20), scr.at(110, 20)), (0xFF0000, 0x00FF00));
    let gt = gc(&t, wb, 0);
    let tp = t.new_pixmap_id();
    t.create_pixmap(tp, t.root(), 8, 8);
    t.copy_area(t.root(), tp, gt, Rect::new(10, 10, 8, 8), Point::new(0, 0))
        .check()
        .expect("a trusted CopyArea from the root");
}

#[test]
fn an_embedded_part_is_left_out_of_the_containers_own_image() {
    let s = TestServer::start();
    let container = s.connect();
    let part = s.connect();
    let c = window(
        &container,
        Rect::new(10, 10, 100, 80),
        0xFF0000,
        EventMask::EMPTY,
    );
    let p = part.new_window_id();
    part.create_window(
        p,
        c,
        Rect::new(20, 20, 30, 30),
        WindowAttributes {
            background: Some(Color::rgb(0x0000FF)),
            ..Default::default()
        },
    );
    part.map_window(p);
    part.sync().unwrap();
    // The container's own child is composed as usual.
    let own = container.new_window_id();
    container.create_window(
        own,
        c,
        Rect::new(60, 20, 20, 20),
        WindowAttributes {
            background: Some(Color::rgb(0x00FF00)),
            ..Default::default()
        },
    );
    container.map_window(own);
    container.sync().unwrap();

    let mine = read(&container, c, Rect::new(0, 0, 100, 80));
    assert_eq!(mine.at(30, 30), 0xFF0000, "the part's pixels are left out");
    assert_eq!(mine.count(0x0000FF), 0);
    assert_eq!(mine.at(65, 25), 0x00FF00, "its own child is there");

    let t = s.connect_trusted();
    let all = read(&t, c, Rect::new(0, 0, 100, 80));
    assert_eq!(
        all.at(30, 30),
        0x0000FF,
        "a trusted reader sees what is shown"
    );
    assert_eq!(read(&part, p, Rect::new(0, 0, 30, 30)).count(0x0000FF), 900);
    // The part cannot read its container either.
    assert_eq!(
        refused(get(&part, c, Rect::new(0, 0, 5, 5))),
        ErrorCode::Access
    );
}

#[test]
fn input_events_may_be_selected_only_on_ones_own_windows() {
    let s = TestServer::start();
    let a = s.connect();
    let b = s.connect();
    let wa = window(&a, Rect::new(10, 10, 60, 40), 0xFF0000, EventMask::EMPTY);
    let input = [
        EventMask::KEY_PRESS,
        EventMask::KEY_RELEASE,
        EventMask::BUTTON_PRESS,
        EventMask::BUTTON_RELEASE,
        EventMask::POINTER_MOTION,
        EventMask::SCROLL,
        EventMask::ENTER_WINDOW,
        EventMask::LEAVE_WINDOW,
    ];
    for mask in input {
        for w in [wa, b.root()] {
            let r = select(&b, w, mask | EventMask::STRUCTURE_NOTIFY);
            assert_eq!(refused(r), ErrorCode::Access, "{mask:?} on {w}");
        }
    }
    // The refused selections changed nothing.
    let attrs = b.get_window_attributes(wa).reply().unwrap();
    assert_eq!(attrs.your_event_mask, EventMask::EMPTY);
    // Other events stay open to everyone, as in X.
    let open = EventMask::STRUCTURE_NOTIFY
        | EventMask::SUBSTRUCTURE_NOTIFY
        | EventMask::PROPERTY_CHANGE
        | EventMask::EXPOSURE
        | EventMask::FOCUS_CHANGE;
    select(&b, wa, open).expect("structure, property, exposure and focus on another's window");
    select(
        &b,
        b.root(),
        EventMask::SUBSTRUCTURE_NOTIFY | EventMask::OWNER_CHANGE,
    )
    .expect("substructure and owner changes on the root");
    // The owner and a trusted client may select input anywhere they like.
    select(&a, wa, EventMask::KEY_PRESS | EventMask::BUTTON_PRESS).expect("own window");
    let t = s.connect_trusted();
    select(
        &t,
        t.root(),
        EventMask::KEY_PRESS | EventMask::POINTER_MOTION,
    )
    .expect("trusted");
    select(&t, wa, EventMask::BUTTON_PRESS).expect("trusted, another's window");
}

#[test]
fn keys_typed_into_another_clients_window_do_not_reach_a_snooper() {
    let s = TestServer::start();
    let typist = s.connect();
    let snooper = s.connect();
    let user = s.connect(); // the synthetic keyboard and mouse
    let keys = EventMask::KEY_PRESS | EventMask::KEY_RELEASE | EventMask::POINTER_MOTION;
    let w = window(&typist, Rect::new(10, 10, 100, 80), 0xFF0000, keys);
    // The snooper's own window elsewhere, and failed attempts to listen on the root
    // and on the typist's window.
    window(&snooper, Rect::new(200, 10, 50, 50), 0x00FF00, keys);
    assert_eq!(
        refused(select(&snooper, snooper.root(), keys)),
        ErrorCode::Access
    );
    assert_eq!(refused(select(&snooper, w, keys)), ErrorCode::Access);
    // A trusted window manager on the root does hear them.
    let wm = s.connect_trusted();
    select(&wm, wm.root(), EventMask::KEY_PRESS).unwrap();
    drain(&snooper);

    user.fake_input(FakeKind::Motion, 0, 40, 40);
    user.fake_input(FakeKind::KeyPress, 'x' as u32, 0, 0);
    user.fake_input(FakeKind::KeyRelease, 'x' as u32, 0, 0);
    user.sync().unwrap();
    wait_for(
        &typist,
        "the key press",
        |e| matches!(e, Event::KeyPress(k) if k.window == w && k.keysym == 'x' as u32),
    );
    let heard: Vec<Event> = drain_events(&snooper);
    assert!(
        !heard.iter().any(|e| matches!(
            e,
            Event::KeyPress(_) | Event::KeyRelease(_) | Event::Motion(_)
        )),
        "the snooper heard {heard:?}"
    );
    // The typist selected keys on its window, so the event stops there: the trusted
    // selection on the root hears keys only where nobody nearer selected them.
    let at_root = drain_events(&wm);
    assert!(
        !at_root.iter().any(|e| matches!(e, Event::KeyPress(_))),
        "{at_root:?}"
    );
}

#[test]
fn input_does_not_propagate_from_a_part_to_its_container() {
    let s = TestServer::start();
    let container = s.connect();
    let part = s.connect();
    let user = s.connect();
    let keys = EventMask::KEY_PRESS | EventMask::BUTTON_PRESS;
    let c = window(&container, Rect::new(10, 10, 150, 100), 0xFF0000, keys);
    // The part selects no input on its window inside the container's.
    let p = part.new_window_id();
    part.create_window(p, c, Rect::new(10, 10, 50, 50), WindowAttributes::default());
    part.map_window(p);
    part.sync().unwrap();
    // A trusted client on the root hears what nobody of the source's client selected.
    let t = s.connect_trusted();
    select(&t, t.root(), keys).unwrap();

    user.fake_input(FakeKind::Motion, 0, 30, 30); // over the part
    user.fake_input(FakeKind::KeyPress, keysym::RETURN, 0, 0);
    user.fake_input(FakeKind::ButtonPress, 1, 0, 0);
    user.fake_input(FakeKind::ButtonRelease, 1, 0, 0);
    user.sync().unwrap();
    wait_for(
        &t,
        "the key at the root",
        |e| matches!(e, Event::KeyPress(k) if k.window == WindowId::ROOT),
    );
    let got = drain_events(&container);
    assert!(
        !got.iter()
            .any(|e| matches!(e, Event::KeyPress(_) | Event::ButtonPress(_))),
        "input from the part's window reached the container: {got:?}"
    );

    // Over the container's own area its events arrive as usual.
    user.fake_input(FakeKind::Motion, 0, 120, 80);
    user.fake_input(FakeKind::KeyPress, keysym::RETURN, 0, 0);
    user.sync().unwrap();
    wait_for(
        &container,
        "a key over its own window",
        |e| matches!(e, Event::KeyPress(k) if k.window == c),
    );
}

#[test]
fn synthetic_input_needs_the_server_flag_and_sent_events_are_marked() {
    let s = TestServer::start_with(|c| c.allow_synthetic_input = false);
    let a = s.connect();
    let t = s.connect_trusted();
    for conn in [&a, &t] {
        let r = conn
            .fake_input(FakeKind::KeyPress, 'a' as u32, 0, 0)
            .check();
        assert_eq!(refused(r), ErrorCode::Access, "FakeInput without the flag");
    }
    // SendEvent works between clients, but the receiver can tell.
    let w = window(&a, Rect::new(0, 0, 20, 20), 0xFFFFFF, EventMask::KEY_PRESS);
    let b = s.connect();
    let fake = Event::KeyPress(yonder_protocol::event::KeyEvent {
        window: w,
        time: Default::default(),
        x: 1,
        y: 1,
        root_x: 1,
        root_y: 1,
        keysym: 'q' as u32,
        text: "q".into(),
        modifiers: Default::default(),
        repeat: false,
    });
    b.send_event(w, EventMask::EMPTY, fake).check().unwrap();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let left = end.saturating_duration_since(std::time::Instant::now());
        match a.wait_for_event_timeout(left).unwrap() {
            Some(Incoming::Event {
                event: Event::KeyPress(_),
                sent,
            }) => {
                assert!(sent, "an event from another client is marked as sent");
                break;
            }
            Some(_) => {}
            None => panic!("no KeyPress arrived"),
        }
    }
}

/// protocol.md §19.1: an ordinary client cannot paint the root window (the desktop's
/// background would keep its paint after it left); ClearArea, which shows the background
/// again, is allowed; a trusted client may paint there.
#[test]
fn only_trusted_clients_draw_into_the_root() {
    let s = TestServer::start();
    let app = s.connect();
    let trusted = s.connect_trusted();
    let root_pixel = |c: &Connection| read(c, c.root(), Rect::new(5, 5, 1, 1)).data[0];
    let before = root_pixel(&trusted);
    let gc = app.new_gc_id();
    app.create_gc(
        gc,
        app.root(),
        GcValues {
            foreground: Some(Color::rgb(0xff0000)),
            ..Default::default()
        },
    );
    let fill = app.poly_fill_rectangle(app.root(), gc, &[Rect::new(0, 0, 50, 50)]);
    assert_eq!(refused(fill.check()), ErrorCode::Access);
    let text = app.draw_text(app.root(), gc, Point::new(5, 20), "graffiti");
    assert_eq!(refused(text.check()), ErrorCode::Access);
    let image = app.put_image(
        app.root(),
        gc,
        Point::new(0, 0),
        2,
        2,
        ImageFormat::Bgrx,
        vec![0u8; 16],
    );
    assert_eq!(refused(image.check()), ErrorCode::Access);
    let own = app.new_window_id();
    app.create_window(
        own,
        app.root(),
        Rect::new(100, 100, 20, 20),
        WindowAttributes::default(),
    );
    let copy = app.copy_area(
        own,
        app.root(),
        gc,
        Rect::new(0, 0, 10, 10),
        Point::new(0, 0),
    );
    assert_eq!(refused(copy.check()), ErrorCode::Access);
    assert_eq!(root_pixel(&trusted), before, "the root was painted");
    app.clear_area(app.root(), Rect::new(0, 0, 10, 10), false)
        .check()
        .expect("ClearArea shows the background again");

    let tgc = trusted.new_gc_id();
    trusted.create_gc(
        tgc,
        trusted.root(),
        GcValues {
            foreground: Some(Color::rgb(0x00ff00)),
            ..Default::default()
        },
    );
    trusted
        .poly_fill_rectangle(trusted.root(), tgc, &[Rect::new(0, 0, 50, 50)])
        .check()
        .expect("a trusted client paints the root");
    assert_eq!(root_pixel(&trusted) & 0xffffff, 0x00ff00);
}
