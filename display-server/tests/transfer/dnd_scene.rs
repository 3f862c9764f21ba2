//! The drag-and-drop tests' scene: a drag source and a drop target side by side, a user
//! driving pointer and keyboard, and what the screen shows meanwhile.

use super::*;
use yonder::prelude::*;

pub(crate) const SRC_BG: u32 = 0xFFFFFF;
pub(crate) const TGT_BG: u32 = 0x0000FF;
/// The source window, left.
pub(crate) const SRC: Rect = Rect {
    x: 20,
    y: 40,
    width: 120,
    height: 120,
};
/// The drop target, right of it.
pub(crate) const TGT: Rect = Rect {
    x: 180,
    y: 40,
    width: 120,
    height: 120,
};

/// A drag source (client `a`, window `src`) and a drop target (client `b`, window `tgt`,
/// selecting DND) side by side; `user` drives the pointer and keyboard.
pub(crate) struct Dnd {
    pub(crate) shown: Arc<Mutex<Shown>>,
    pub(crate) user: Connection,
    pub(crate) a: Option<Connection>,
    pub(crate) b: Option<Connection>,
    pub(crate) src: WindowId,
    pub(crate) tgt: WindowId,
    /// Last, so it is dropped after the clients.
    pub(crate) _server: TestServer,
}

pub(crate) fn dnd_scene() -> Dnd {
    let (s, shown) = start_recorded();
    let user = s.connect_trusted();
    select(&user, user.root(), EventMask::SUBSTRUCTURE_NOTIFY);
    let a = s.connect();
    let b = s.connect();
    let src = window(
        &a,
        SRC,
        SRC_BG,
        EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE | EventMask::POINTER_MOTION,
    );
    let tgt = window(&b, TGT, TGT_BG, EventMask::DND | EventMask::BUTTON_PRESS);
    drain(&a);
    drain(&b);
    Dnd {
        _server: s,
        shown,
        user,
        a: Some(a),
        b: Some(b),
        src,
        tgt,
    }
}

impl Dnd {
    pub(crate) fn a(&self) -> &Connection {
        self.a.as_ref().expect("the source is alive")
    }

    pub(crate) fn b(&self) -> &Connection {
        self.b.as_ref().expect("the target is alive")
    }

    /// Kills the source application (its socket closes without a goodbye).
    pub(crate) fn kill_a(&mut self) {
        self.a = None;
    }

    /// Kills the target application.
    pub(crate) fn kill_b(&mut self) {
        self.b = None;
    }

    pub(crate) fn motion(&self, x: i32, y: i32) {
        self.user.fake_input(FakeKind::Motion, 0, x, y);
        self.user.sync().unwrap();
    }

    pub(crate) fn button(&self, pressed: bool) {
        let kind = if pressed {
            FakeKind::ButtonPress
        } else {
            FakeKind::ButtonRelease
        };
        self.user.fake_input(kind, 1, 0, 0);
        self.user.sync().unwrap();
    }

    pub(crate) fn key(&self, ks: u32, pressed: bool) {
        let kind = if pressed {
            FakeKind::KeyPress
        } else {
            FakeKind::KeyRelease
        };
        self.user.fake_input(kind, ks, 0, 0);
        self.user.sync().unwrap();
    }

    /// A 16×16 red pixmap of `a`'s, for the drag icon.
    pub(crate) fn red_icon(&self) -> PixmapId {
        let pm = self.a().new_pixmap_id();
        self.a().create_pixmap(pm, self.src, 16, 16);
        let g = gc(self.a(), self.src, RED);
        self.a()
            .poly_fill_rectangle(pm, g, &[Rect::new(0, 0, 16, 16)]);
        self.a().sync().unwrap();
        pm
    }

    /// The user presses button 1 at (x, y) in the source; the source sees the press and
    /// starts a drag of UTF-8 text (copy or move) with a red 16×16 icon held at its middle.
    pub(crate) fn press_and_start_drag(&self, x: i32, y: i32) {
        self.motion(x, y);
        self.button(true);
        wait_for(
            self.a(),
            "the press that starts the drag",
            |e| matches!(e, Event::ButtonPress(p) if p.window == self.src && p.button == 1),
        );
        let icon = self.red_icon();
        self.a()
            .start_drag(
                self.src,
                &[atoms::TEXT_PLAIN_UTF8],
                DndActions::COPY | DndActions::MOVE,
                icon,
                Point::new(8, 8),
            )
            .check()
            .expect("start_drag while the button is held");
    }

    /// Moves into the target and waits for its DndEnter and DndPosition.
    pub(crate) fn enter_target(&self, x: i32, y: i32) -> (DndEnterEvent, DndPositionEvent) {
        self.motion(x, y);
        let enter = match wait_for(self.b(), "DndEnter", |e| matches!(e, Event::DndEnter(_))) {
            Event::DndEnter(e) => e,
            _ => unreachable!(),
        };
        let pos = match wait_for(self.b(), "DndPosition", |e| {
            matches!(e, Event::DndPosition(_))
        }) {
            Event::DndPosition(p) => p,
            _ => unreachable!(),
        };
        (enter, pos)
    }

    /// The usual start: press in the source at (50, 90), start the drag, move into the
    /// target at (230, 90), which accepts with `action`; returns the source's DndStatus.
    pub(crate) fn drag_into_accepting_target(&self, action: DndAction) -> DndStatusEvent {
        self.press_and_start_drag(50, 90);
        self.enter_target(230, 90);
        self.b().dnd_status(self.tgt, true, action).check().unwrap();
        self.status_for_source()
    }

    /// Releases the button and waits for the target's DndDrop.
    pub(crate) fn drop_and_wait(&self) {
        self.button(false);
        wait_for(self.b(), "DndDrop", |e| matches!(e, Event::DndDrop(_)));
    }

    pub(crate) fn status_for_source(&self) -> DndStatusEvent {
        match wait_for(self.a(), "DndStatus", |e| matches!(e, Event::DndStatus(_))) {
            Event::DndStatus(s) => s,
            _ => unreachable!(),
        }
    }

    pub(crate) fn finished_for_source(&self) -> DndFinishedEvent {
        match wait_for(self.a(), "DndFinished", |e| {
            matches!(e, Event::DndFinished(_))
        }) {
            Event::DndFinished(f) => f,
            _ => unreachable!(),
        }
    }

    /// The root's pixel as GetImage shows it.
    pub(crate) fn root_pixel(&self, x: i32, y: i32) -> u32 {
        read(&self.user, self.user.root(), Rect::new(x, y, 1, 1)).at(x, y)
    }

    /// The pixel as the screen shows it.
    pub(crate) fn screen_pixel(&self, x: i32, y: i32) -> u32 {
        shown_pixel(&self.user, &self.shown, x, y)
    }

    pub(crate) fn cursor(&self) -> Cursor {
        shown_cursor(&self.user, &self.shown)
    }

    /// Asserts the 16×16 icon is drawn with its middle at (px, py), both in a screenshot
    /// and on the screen.
    pub(crate) fn assert_icon_at(&self, px: i32, py: i32) {
        let shot = read(
            &self.user,
            self.user.root(),
            Rect::new(px - 10, py - 10, 20, 20),
        );
        for (x, y) in [
            (px, py),
            (px - 8, py - 8),
            (px + 7, py - 8),
            (px - 8, py + 7),
            (px + 7, py + 7),
        ] {
            assert_eq!(
                shot.at(x, y),
                RED,
                "GetImage of the root shows the icon at ({x},{y})"
            );
            assert_eq!(
                self.screen_pixel(x, y),
                RED,
                "the screen shows the icon at ({x},{y})"
            );
        }
        assert_eq!(shot.count(RED), 256, "exactly the 16×16 icon is red");
    }
}
