//! The one-walk screen damage of drawing requests (`draw.rs`) against the general
//! route through the window tree queries, on a bare [`State`] with nested windows.

use super::Damage;
use crate::command::Incoming;
use crate::dispatch;
use crate::handlers::draw;
use crate::render::IRect;
use crate::state::gc::prect;
use crate::state::test_support::state_with_client;
use crate::state::State;
use yonder_protocol::request::{
    CreateGc, CreateWindow, FillPoly, GcValues, MapWindow, UnmapWindow, WindowAttributes,
};
use yonder_protocol::{make_id, Drawable, GcId, Point, Rect, Request, WindowId};

/// What `damage_window_area` would add to the compositor for `r` in window `w`.
fn reference(state: &State, w: WindowId, r: IRect) -> Option<Rect> {
    let vis = state.visible_rect(w)?;
    let o = state.abs_origin(w);
    prect(r).translate(o.x, o.y).intersect(&vis)
}

#[test]
fn one_walk_damage_matches_the_tree_queries() {
    let (mut state, client, _out) = state_with_client(320, 240, false);
    let mut ids = Vec::new();
    // A chain of nested windows, each partly outside its parent, one far off-screen.
    let rects = [
        Rect::new(10, 20, 200, 150),
        Rect::new(-30, 40, 100, 300),
        Rect::new(50, -10, 60, 60),
        Rect::new(i32::MAX - 5, 3, 40, 40),
        Rect::new(5, 5, 10, 10),
    ];
    let mut parent = WindowId::ROOT;
    for (n, rect) in rects.into_iter().enumerate() {
        let id = WindowId(make_id(7, n as u32 + 1));
        for r in [
            Request::CreateWindow(CreateWindow {
                id,
                parent,
                rect,
                attributes: WindowAttributes::default(),
            }),
            Request::MapWindow(MapWindow { window: id }),
        ] {
            dispatch::handle_request(&mut state, client, Incoming::Request(r));
        }
        ids.push(id);
        parent = id;
    }
    let areas = [
        IRect::new(0, 0, 5, 5),
        IRect::new(-20, -20, 400, 400),
        IRect::new(90, 30, 1, 1),
        IRect::new(i32::MIN, i32::MIN, u32::MAX, u32::MAX),
        IRect::new(i32::MAX - 1, 0, 10, 10),
    ];
    let check = |state: &State| {
        for &w in ids
            .iter()
            .chain(&[WindowId::ROOT, WindowId(make_id(7, 99))])
        {
            for &r in &areas {
                let want = match reference(state, w, r) {
                    Some(a) => Damage::Screen(a),
                    None => Damage::None,
                };
                assert_eq!(
                    draw::screen_damage(state, Drawable(w.0), r),
                    want,
                    "{w:?} {r:?}"
                );
            }
        }
    };
    check(&state);
    let top = draw::screen_damage(&state, Drawable(ids[0].0), IRect::new(0, 0, 5, 5));
    assert_eq!(top, Damage::Screen(Rect::new(10, 20, 5, 5)));
    // Unmapping a middle window hides its descendants.
    dispatch::handle_request(
        &mut state,
        client,
        Incoming::Request(Request::UnmapWindow(UnmapWindow { window: ids[1] })),
    );
    check(&state);
}

/// A drawing damages the screen only when the screen shows frames; either way its pixels
/// land in the window's backing store.
#[test]
fn drawing_damage_is_skipped_on_a_screen_without_frames() {
    for shown in [false, true] {
        let (mut state, client, _out) = state_with_client(64, 64, false);
        assert!(!state.frames_shown, "headless shows no frames");
        state.frames_shown = shown;
        let (win, gc) = (WindowId(make_id(7, 1)), GcId(make_id(7, 2)));
        for r in [
            Request::CreateWindow(CreateWindow {
                id: win,
                parent: WindowId::ROOT,
                rect: Rect::new(4, 4, 32, 32),
                attributes: WindowAttributes::default(),
            }),
            Request::MapWindow(MapWindow { window: win }),
            Request::CreateGc(CreateGc {
                id: gc,
                drawable: Drawable(win.0),
                values: GcValues::default(),
            }),
        ] {
            dispatch::handle_request(&mut state, client, Incoming::Request(r));
        }
        state.framebuffer.discard_damage();
        let points = vec![Point::new(0, 0), Point::new(20, 10), Point::new(0, 20)];
        dispatch::handle_request(
            &mut state,
            client,
            Incoming::Request(Request::FillPoly(FillPoly {
                drawable: Drawable(win.0),
                gc,
                points,
            })),
        );
        assert_eq!(
            state.framebuffer.has_damage(),
            shown,
            "frames shown: {shown}"
        );
        let pm = state.surfaces.get(&Drawable(win.0)).unwrap();
        let inked = pm
            .pixels()
            .iter()
            .filter(|p| p.alpha() == 255 && p.red() == 0);
        assert!(inked.count() > 100, "the triangle was drawn");
    }
}

/// GCs with clips drawing into a large pixmap each cache a mask of its size; together they
/// keep at most `CLIP_CACHE_BUDGET`, and a GC whose cache was dropped still clips right.
#[test]
fn cached_clips_stay_within_their_budget_and_still_clip() {
    use crate::state::quota::CLIP_CACHE_BUDGET;
    use yonder_protocol::request::{CreatePixmap, FreeGc, PolyFillRectangle, SetClipRectangles};
    use yonder_protocol::PixmapId;
    let (mut state, client, _out) = state_with_client(64, 64, false);
    let pm = PixmapId(make_id(7, 1));
    let (w, h) = (4096, 4096); // a 16 MiB mask a GC
    let send = |state: &mut State, r: Request| {
        dispatch::handle_request(state, client, Incoming::Request(r))
    };
    send(
        &mut state,
        Request::CreatePixmap(CreatePixmap {
            id: pm,
            drawable: Drawable(WindowId::ROOT.0),
            width: w,
            height: h,
        }),
    );
    let gcs: Vec<GcId> = (0..40).map(|n| GcId(make_id(7, 100 + n))).collect();
    for (n, gc) in gcs.iter().enumerate() {
        send(
            &mut state,
            Request::CreateGc(CreateGc {
                id: *gc,
                drawable: Drawable(pm.0),
                values: GcValues {
                    foreground: Some(yonder_protocol::Color::rgb(0xff0000)),
                    ..Default::default()
                },
            }),
        );
        // Each GC may draw only in its own 2x2 square.
        send(
            &mut state,
            Request::SetClipRectangles(SetClipRectangles {
                gc: *gc,
                origin: Point::new(0, 0),
                rects: Some(vec![Rect::new(4 * n as i32, 0, 2, 2)]),
            }),
        );
        send(
            &mut state,
            Request::PolyFillRectangle(PolyFillRectangle {
                drawable: Drawable(pm.0),
                gc: *gc,
                rects: vec![Rect::new(0, 0, 200, 4)],
            }),
        );
        assert!(state.clip_cache_bytes <= CLIP_CACHE_BUDGET, "GC {n}");
    }
    let cached: u64 = gcs.iter().map(|g| state.gcs[g].clip_charged).sum();
    assert_eq!(cached, state.clip_cache_bytes);
    assert!(
        cached > CLIP_CACHE_BUDGET / 2,
        "the budget is used: {cached}"
    );
    // Every square drawn, and nothing between them.
    let pixels = state.surfaces.get(&Drawable(pm.0)).unwrap();
    let red = |x: u32, y: u32| pixels.pixel(x, y).unwrap().red() == 255;
    for n in 0..40u32 {
        assert!(red(4 * n, 0) && red(4 * n + 1, 1), "square {n}");
        assert!(!red(4 * n + 2, 0) && !red(4 * n, 2), "outside square {n}");
    }
    // Freeing the GCs gives the budget back.
    for gc in &gcs {
        send(&mut state, Request::FreeGc(FreeGc { gc: *gc }));
    }
    assert_eq!(state.clip_cache_bytes, 0);
}
