//! The journal recreates an app's server-side state on a fresh server: an app-like
//! sequence runs against server A, its journal's replay is written to server B on a raw
//! connection that proposes the same id space, and everything B shows of it (window
//! tree, geometry, attributes, map state, properties, pixmap pixels) equals what A shows.

use std::io::Write;
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::message::decode_request;
use yonder_protocol::reply::ImageReply;
use yonder_protocol::request::*;
use yonder_protocol::{atoms, Color, Drawable, EventMask, PixmapId, Point, Rect};
use yonder_protocol::{Reply, Request, Segment, ServerMessage, WindowId};
use yonder_test_support::raw::RawClient;
use yonder_test_support::server::TestServer;

/// Everything a server shows of the app's state, as its replies say it.
#[derive(Debug, PartialEq)]
struct Observed {
    /// Per window (the root first): its children, geometry, attributes and properties.
    windows: Vec<(WindowId, Vec<Reply>)>,
    /// Per pixmap: its geometry and its pixels.
    pixmaps: Vec<(PixmapId, Vec<Reply>)>,
    /// Owners of the selections we set.
    selections: Vec<Reply>,
}

/// Asks a server something and gets its reply.
type Ask<'a> = dyn FnMut(Request) -> Reply + 'a;

fn observe(ask: &mut Ask<'_>, windows: &[WindowId], pixmaps: &[PixmapId]) -> Observed {
    let mut observed = Observed {
        windows: Vec::new(),
        pixmaps: Vec::new(),
        selections: Vec::new(),
    };
    for &window in std::iter::once(&WindowId::ROOT).chain(windows) {
        let mut replies = vec![ask(Request::QueryTree(QueryTree { window }))];
        if window != WindowId::ROOT {
            replies.push(ask(Request::GetGeometry(GetGeometry {
                drawable: Drawable(window.0),
            })));
            let Reply::WindowAttributes(mut attributes) =
                ask(Request::GetWindowAttributes(GetWindowAttributes { window }))
            else {
                panic!("GetWindowAttributes answered otherwise")
            };
            // The client number is each server's own.
            attributes.owner = Default::default();
            replies.push(Reply::WindowAttributes(attributes));
        }
        let listed = ask(Request::ListProperties(ListProperties { window }));
        let Reply::ListProperties(mut names) = listed else {
            panic!("ListProperties of {window} answered {listed:?}")
        };
        names.atoms.sort();
        for &property in &names.atoms {
            replies.push(ask(Request::GetProperty(GetProperty {
                window,
                property,
                delete: false,
            })));
        }
        replies.push(Reply::ListProperties(names));
        observed.windows.push((window, replies));
    }
    for &pixmap in pixmaps {
        let Reply::Geometry(geometry) = ask(Request::GetGeometry(GetGeometry {
            drawable: Drawable(pixmap.0),
        })) else {
            panic!("GetGeometry answered otherwise")
        };
        let image = ask(Request::GetImage(GetImage {
            drawable: Drawable(pixmap.0),
            rect: geometry.rect,
            format: ImageFormat::Rgba,
        }));
        observed
            .pixmaps
            .push((pixmap, vec![Reply::Geometry(geometry), image]));
    }
    for selection in [atoms::PRIMARY, atoms::CLIPBOARD] {
        observed
            .selections
            .push(ask(Request::GetSelectionOwner(GetSelectionOwner {
                selection,
            })));
    }
    observed
}

fn values(fg: u32) -> GcValues {
    GcValues {
        foreground: Some(Color::rgb(fg)),
        ..GcValues::default()
    }
}

fn attributes(bg: u32) -> WindowAttributes {
    WindowAttributes {
        background: Some(Color::rgb(bg)),
        event_mask: Some(EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY),
        ..WindowAttributes::default()
    }
}

/// What the app of the test made: its windows and pixmaps, the pixmap that was
/// checkpointed.
struct App {
    windows: Vec<WindowId>,
    destroyed: Vec<WindowId>,
    pixmaps: Vec<PixmapId>,
    checkpointed: PixmapId,
}

/// An app-like sequence: windows, children, reparent, configure, attributes, properties
/// (with appends), GCs, pixmaps drawn into by poly requests, PutImage and CopyArea,
/// enough drawing to checkpoint a pixmap, map and unmap, destroy, a selection.
fn run_app(conn: &Connection) -> App {
    let root = conn.root();
    let top = conn.new_window_id();
    let (left, right, inner, gone, gone_child) = (
        conn.new_window_id(),
        conn.new_window_id(),
        conn.new_window_id(),
        conn.new_window_id(),
        conn.new_window_id(),
    );
    conn.create_window(top, root, Rect::new(10, 10, 200, 150), attributes(0x336699));
    conn.create_window(left, top, Rect::new(5, 5, 80, 60), attributes(0xaa0000));
    conn.create_window(right, top, Rect::new(90, 5, 80, 60), attributes(0x00aa00));
    conn.create_window(inner, left, Rect::new(2, 2, 20, 20), attributes(0x0000aa));
    conn.create_window(gone, top, Rect::new(0, 100, 30, 30), attributes(0xffffff));
    conn.create_window(gone_child, gone, Rect::new(1, 1, 5, 5), attributes(0));
    conn.reparent_window(inner, right, 7, 8);
    conn.configure_window(ConfigureWindow {
        window: top,
        x: Some(20),
        width: Some(220),
        ..ConfigureWindow::default()
    });
    conn.configure_window(ConfigureWindow {
        window: left,
        stack_mode: Some(StackMode::Above),
        sibling: Some(right),
        height: Some(70),
        ..ConfigureWindow::default()
    });
    conn.change_window_attributes(
        right,
        WindowAttributes {
            background: Some(Color::rgb(0x445566)),
            override_redirect: Some(true),
            ..WindowAttributes::default()
        },
    );
    conn.change_property(
        top,
        atoms::WM_NAME,
        atoms::UTF8_STRING,
        PropMode::Replace,
        b"Journal".to_vec(),
    );
    conn.change_property(
        top,
        atoms::WM_CLASS,
        atoms::STRING,
        PropMode::Append,
        b"app\0".to_vec(),
    );
    conn.change_property(
        top,
        atoms::WM_CLASS,
        atoms::STRING,
        PropMode::Append,
        b"App\0".to_vec(),
    );
    conn.change_property(
        top,
        atoms::WM_NAME,
        atoms::UTF8_STRING,
        PropMode::Prepend,
        b"The ".to_vec(),
    );
    conn.change_property(
        left,
        atoms::NET_WM_PID,
        atoms::CARDINAL,
        PropMode::Replace,
        42u32.to_le_bytes().to_vec(),
    );
    conn.change_property(
        right,
        atoms::NET_WM_NAME,
        atoms::UTF8_STRING,
        PropMode::Replace,
        b"x".to_vec(),
    );
    conn.delete_property(right, atoms::NET_WM_NAME);
    conn.change_property(
        root,
        atoms::WM_TRANSIENT_FOR,
        atoms::STRING,
        PropMode::Replace,
        b"on the root".to_vec(),
    );

    // GCs, one changed after use, one clipped, one freed after use.
    let (red, clipped, temp) = (conn.new_gc_id(), conn.new_gc_id(), conn.new_gc_id());
    conn.create_gc(red, root, values(0xff0000));
    conn.create_gc(clipped, root, values(0x00ff00));
    conn.set_clip_rectangles(clipped, Point::new(2, 2), Some(&[Rect::new(0, 0, 10, 10)]));
    conn.create_gc(
        temp,
        root,
        GcValues {
            line_width: Some(3),
            ..values(0xffff00)
        },
    );

    // A pixmap drawn into by poly requests, an image, copies within itself.
    let canvas = conn.new_pixmap_id();
    conn.create_pixmap(canvas, root, 40, 30);
    conn.poly_fill_rectangle(canvas, red, &[Rect::new(0, 0, 20, 15)]);
    conn.poly_segment(
        canvas,
        temp,
        &[Segment {
            x1: 0,
            y1: 29,
            x2: 39,
            y2: 0,
        }],
    );
    conn.change_gc(red, values(0x0000ff));
    conn.poly_fill_arc(
        canvas,
        red,
        &[yonder_protocol::geometry::Arc::ellipse(Rect::new(
            20, 10, 15, 15,
        ))],
    );
    conn.poly_fill_rectangle(canvas, clipped, &[Rect::new(0, 0, 40, 30)]);
    let pattern: Vec<u8> = (0..8 * 6 * 4).map(|i| (i * 7) as u8).collect();
    conn.put_image(
        canvas,
        red,
        Point::new(30, 20),
        8,
        6,
        ImageFormat::Rgba,
        pattern,
    );
    conn.copy_area(
        canvas,
        canvas,
        red,
        Rect::new(0, 0, 10, 10),
        Point::new(28, 2),
    );
    conn.free_gc(temp);

    // Another pixmap: a copy from the first, and one from a window (a checkpoint).
    let copy = conn.new_pixmap_id();
    conn.create_pixmap(copy, root, 25, 25);
    conn.copy_area(canvas, copy, red, Rect::new(0, 0, 25, 25), Point::new(0, 0));
    conn.map_window(top);
    conn.map_window(left);
    conn.sync().unwrap();
    conn.copy_area(left, copy, red, Rect::new(0, 0, 10, 10), Point::new(12, 12));

    // A pixmap drawn into past its log's bound: checkpointed by GetImage.
    let busy = conn.new_pixmap_id();
    conn.create_pixmap(busy, root, 32, 32);
    for i in 0..4000 {
        let gc = if i % 2 == 0 { red } else { clipped };
        conn.poly_point(busy, gc, &[Point::new(i % 32, (i / 32) % 32)]);
    }
    conn.sync().unwrap(); // the checkpoint's reply arrives
    conn.poly_line(busy, red, &[Point::new(0, 0), Point::new(31, 31)]); // after it
    conn.draw_text(busy, clipped, Point::new(1, 20), "Yo");

    // Images put from the library's shared memory into a pixmap (the segment is written
    // again by the next put): the journal keeps a copy of the pixels.
    let photo = conn.new_pixmap_id();
    conn.create_pixmap(photo, root, 80, 70);
    conn.sync().unwrap(); // the setup has arrived: shared memory is offered
    for (i, at) in [(1u8, Point::new(0, 0)), (2, Point::new(20, 10))] {
        let pixels: Vec<u8> = (0..64 * 64 * 4)
            .map(|k| (k as u8).wrapping_mul(i))
            .collect();
        conn.put_image(photo, red, at, 64, 64, ImageFormat::Bgrx, pixels);
    }
    assert_eq!(
        conn.image_stats().shared_memory,
        2,
        "the shared-memory path"
    );

    // Drawing into windows: not journaled, costs nothing.
    conn.poly_fill_rectangle(top, red, &[Rect::new(0, 0, 5, 5)]);
    conn.map_window(right);
    conn.map_window(inner);
    conn.map_window(gone);
    conn.unmap_window(right);
    conn.destroy_window(gone);
    conn.set_selection_owner(atoms::PRIMARY, top, Default::default());
    conn.sync().unwrap();
    App {
        windows: vec![top, left, right, inner],
        destroyed: vec![gone, gone_child],
        pixmaps: vec![canvas, copy, busy, photo],
        checkpointed: busy,
    }
}

fn raw_ask(raw: &mut RawClient) -> impl FnMut(Request) -> Reply + '_ {
    move |request| {
        let name = request.name();
        raw.send(&request);
        match raw.next_answer() {
            ServerMessage::Reply { reply, .. } => reply,
            other => panic!("{name}: {other:?}"),
        }
    }
}

fn decode(mut frames: &[u8]) -> Vec<Request> {
    let mut out = Vec::new();
    while !frames.is_empty() {
        let len = u32::from_le_bytes(frames[..4].try_into().unwrap()) as usize;
        out.push(decode_request(&frames[4..4 + len]).expect("a valid request"));
        frames = &frames[4 + len..];
    }
    out
}

#[test]
fn a_replay_recreates_the_apps_state_on_a_fresh_server() {
    let a = TestServer::start();
    let conn = a.connect();
    let app = run_app(&conn);
    let replay = conn.journal_replay();
    let requests = decode(replay.frames());
    assert_eq!(requests.len() as u64, replay.requests());
    // The photo's images came back as PutImages of 64×64 pixels, not by a checkpoint.
    let photo_puts: Vec<_> = requests
        .iter()
        .filter_map(|r| match r {
            Request::PutImage(p) if p.drawable == Drawable(app.pixmaps[3].0) => {
                Some((p.width, p.height))
            }
            _ => None,
        })
        .collect();
    assert_eq!(photo_puts, vec![(64, 64), (64, 64)]);
    // The busy pixmap came back from its checkpoint image, not from 4000 requests.
    assert!(requests.iter().any(
        |r| matches!(r, Request::PutImage(p) if p.drawable == Drawable(app.checkpointed.0) && p.format == ImageFormat::Rgba)
    ));
    // 4000 points were drawn; the log keeps those after the checkpoint's GetImage, and
    // a log is bounded (64 KiB for a pixmap this small; in memory, with its vectors'
    // spare room and frame marks, at most about three times that), plus the photo's
    // two images.
    let points = requests
        .iter()
        .filter(|r| matches!(r, Request::PolyPoint(_)))
        .count();
    assert!(points < 2500, "{points} points replayed");
    assert!(
        conn.journal_bytes() < 3 * 64 * 1024 + 2 * 64 * 64 * 4,
        "{} bytes",
        conn.journal_bytes()
    );

    let b = TestServer::start();
    let mut hello =
        yonder_test_support::raw::hello(yonder_protocol::PROTOCOL_MINOR, b.handle.cookie.to_vec());
    hello.id_space = conn.id_space();
    let mut raw = RawClient::connect_with(&b, hello);
    raw.sock.write_all(replay.frames()).unwrap();
    raw.send(&Request::Sync(Sync {}));
    match raw.next_answer() {
        ServerMessage::Reply {
            reply: Reply::Sync(_),
            ..
        } => {}
        other => panic!("the replay failed: {other:?}"),
    }

    let on_a = observe(
        &mut |r: Request| conn.send_request_with_reply::<Reply>(r).reply().unwrap(),
        &app.windows,
        &app.pixmaps,
    );
    let on_b = observe(&mut raw_ask(&mut raw), &app.windows, &app.pixmaps);
    for &window in &app.destroyed {
        raw.error_of(Request::QueryTree(QueryTree { window }));
    }
    // The app's state is what it should be on A, so the comparison means something.
    let root_children = &on_a.windows[0].1[0];
    assert!(matches!(root_children, Reply::QueryTree(t) if t.children.len() == 1));
    let canvas = &on_a.pixmaps[0].1[1];
    assert!(
        matches!(canvas, Reply::Image(ImageReply { data, .. }) if data.iter().any(|&b| b != 0))
    );
    assert_eq!(on_a, on_b);
}

#[test]
fn a_selection_another_client_took_is_not_replayed() {
    let a = TestServer::start();
    let conn = a.connect();
    let other = a.connect();
    let (mine, theirs) = (conn.new_window_id(), other.new_window_id());
    conn.create_window(mine, conn.root(), Rect::new(0, 0, 10, 10), attributes(0));
    other.create_window(theirs, other.root(), Rect::new(0, 0, 10, 10), attributes(0));
    conn.set_selection_owner(atoms::CLIPBOARD, mine, Default::default());
    conn.set_selection_owner(atoms::PRIMARY, mine, Default::default());
    conn.sync().unwrap();
    other.set_selection_owner(atoms::CLIPBOARD, theirs, Default::default());
    other.sync().unwrap();
    conn.sync().unwrap(); // reads the SelectionClear
    let owned: Vec<_> = decode(conn.journal_replay().frames())
        .into_iter()
        .filter_map(|r| match r {
            Request::SetSelectionOwner(s) => Some(s.selection),
            _ => None,
        })
        .collect();
    assert_eq!(owned, vec![atoms::PRIMARY]);
}
