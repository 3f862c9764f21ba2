//! The X windows' side of the bridge: a top-level X window shown on the display (its
//! program's connection opened with its first window), hidden, forgotten, moved and
//! resized either way, retitled, its hints carried over, and its damage copied.

use super::Bridge;
use crate::hints;
use crate::input;
use crate::mirror::{Mirror, Traffic};
use x11rb::connection::Connection as _;
use x11rb::protocol::damage::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use yonder::prelude::*;
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::Rect;

impl Bridge {
    /// An X top-level was mapped: show it on the Yonder display, through its program's
    /// connection (opened with its first window).
    pub(super) fn show(&mut self, xw: xproto::Window, override_redirect: bool) {
        if self.mirrors.contains_key(&xw) {
            if let Some(m) = self.mirrors.get(&xw) {
                if let Some(app) = self.apps.get(&m.app) {
                    app.conn.map_window(m.window);
                }
            }
            if !override_redirect {
                self.set_wm_state(xw, true);
            }
            return;
        }
        let Some(geometry) = self.x.get_geometry(xw).ok().and_then(|c| c.reply().ok()) else {
            return;
        };
        let rect = Rect::new(
            geometry.x as i32,
            geometry.y as i32,
            geometry.width.max(1) as u32,
            geometry.height.max(1) as u32,
        );
        let base = xw & !self.id_mask;
        if !self.apps.contains_key(&base) {
            // Shown once the program's connection is open (`connect.rs`).
            let name = self.program_name(xw);
            self.connector.wait(base, name, xw, override_redirect);
            return;
        }
        let watch = xproto::ChangeWindowAttributesAux::new()
            .event_mask(xproto::EventMask::PROPERTY_CHANGE | xproto::EventMask::FOCUS_CHANGE);
        let _ = self.x.change_window_attributes(xw, &watch);
        let damage = self.x.generate_id().unwrap_or_default();
        let _ = self
            .x
            .damage_create(damage, xw, damage::ReportLevel::BOUNDING_BOX);
        let title = self.title(xw);
        let app = self.apps.get(&base).expect("inserted");
        let m = Mirror::create(&app.conn, base, damage, rect, override_redirect, &title);
        self.by_yonder.insert(m.window, xw);
        self.mirrors.insert(xw, m);
        // The hints first: the display's window manager reads them at the first map.
        self.copy_hints(xw, None);
        if let (Some(m), Some(app)) = (self.mirrors.get(&xw), self.apps.get(&base)) {
            app.conn.map_window(m.window);
        }
        if !override_redirect {
            self.set_wm_state(xw, true);
        }
    }

    /// Copies `xw`'s hints (all, or the one `only`) to its Yonder window.
    pub(super) fn copy_hints(&mut self, xw: xproto::Window, only: Option<xproto::Atom>) {
        let Some(m) = self.mirrors.get(&xw) else {
            return;
        };
        let Some(app) = self.apps.get(&m.app) else {
            return;
        };
        let mirrors = &self.mirrors;
        let window_of = |w: xproto::Window| mirrors.get(&w).map(|m| m.window);
        let to = hints::Target {
            app: m.app,
            conn: &app.conn,
            window: m.window,
        };
        hints::copy(
            &self.x,
            &self.atoms.hints,
            &mut self.names,
            xw,
            to,
            only,
            window_of,
        );
    }

    /// An X top-level was unmapped: so is its Yonder window.
    pub(super) fn hide(&mut self, xw: xproto::Window) {
        if let Some(m) = self.mirrors.get(&xw) {
            if let Some(app) = self.apps.get(&m.app) {
                app.conn.unmap_window(m.window);
            }
            self.set_wm_state(xw, false);
        }
        self.connector.forget(xw);
    }

    /// An X top-level is gone: its Yonder window goes, and its program's connection with
    /// its last window.
    pub(super) fn forget(&mut self, xw: xproto::Window) {
        self.connector.forget(xw);
        let Some(m) = self.mirrors.remove(&xw) else {
            return;
        };
        self.by_yonder.remove(&m.window);
        self.focus_out(xw);
        if self.raised == Some(xw) {
            self.raised = None;
            // What was held for it (the Return that closed a dialog) goes up.
            input::release_all(&self.x, &mut self.keymap, self.root);
        }
        let Some(app) = self.apps.get(&m.app) else {
            return;
        };
        app.conn.destroy_window(m.window);
        // The program's last window: its connection ends.
        if !self.mirrors.values().any(|other| other.app == m.app) {
            if let Some(app) = self.apps.remove(&m.app) {
                let _ = app.conn.flush();
            }
        }
    }

    /// A program asks to move or resize its window: granted (the Yonder window follows
    /// when the X server says it happened).
    pub(super) fn configure_request(&mut self, e: &xproto::ConfigureRequestEvent) {
        let aux = xproto::ConfigureWindowAux::from_configure_request(e);
        let _ = self.x.configure_window(e.window, &aux);
    }

    /// The X server moved or resized top-level `xw` to `rect`: its Yonder window follows.
    pub(super) fn x_moved(&mut self, xw: xproto::Window, rect: Rect) {
        let Some(m) = self.mirrors.get_mut(&xw) else {
            return;
        };
        if m.rect == rect {
            return;
        }
        let resized = m.rect.size() != rect.size();
        m.rect = rect;
        if resized {
            m.redraw_all();
        } else {
            // What was off the X screen may be on it now: looked at again (rows the
            // display already shows do not travel again).
            m.damaged(Rect::new(0, 0, rect.width, rect.height));
        }
        if crate::mirror::recall(&mut m.asked, rect) {
            // What the display asked for: the Yonder window is there already.
            return;
        }
        if let Some(app) = self.apps.get(&m.app) {
            let r = crate::mirror::drawable(&app.conn, rect);
            crate::mirror::remember(&mut m.told, r);
            app.conn.configure_window(ConfigureWindow {
                window: m.window,
                x: Some(r.x),
                y: Some(r.y),
                width: Some(r.width),
                height: Some(r.height),
                ..Default::default()
            });
        }
    }

    /// Copies every mirror's damaged area to the display, at most once a frame per window
    /// (the damage is cleared first, so drawing that happens during the copy is damage
    /// for the next turn).
    pub(super) fn copy_damage(&mut self) {
        let now = std::time::Instant::now();
        for (xw, m) in self.mirrors.iter_mut() {
            // Nothing to copy, or copied less than a frame ago (the loop wakes when due).
            if m.due(now).is_none_or(|due| due > now) {
                continue;
            }
            let _ = self.x.damage_subtract(m.damage, x11rb::NONE, x11rb::NONE);
            if let Some(app) = self.apps.get(&m.app) {
                m.copy(
                    (&self.x, &mut self.grab),
                    *xw,
                    &app.conn,
                    app.gc,
                    self.screen,
                );
            }
        }
    }

    /// How long the loop may wait: `limit`, or less if a window's damage is due sooner.
    pub(super) fn until_due(&self, limit: std::time::Duration) -> std::time::Duration {
        let now = std::time::Instant::now();
        self.mirrors
            .values()
            .filter_map(|m| m.due(now))
            .map(|due| due.saturating_duration_since(now))
            .fold(limit, std::cmp::Ord::min)
    }

    /// With `YONDER_X11_STATS` set, says on stderr what the shown windows' copies took and
    /// sent, at most once a second and only when it changed.
    pub(super) fn report_traffic(&mut self) {
        let Some((when, said)) = &mut self.stats else {
            return;
        };
        let now = self
            .mirrors
            .values()
            .fold(Traffic::default(), |t, m| t + m.traffic);
        if now == *said || when.elapsed() < std::time::Duration::from_secs(1) {
            return;
        }
        eprintln!(
            "yonder-x11: stats: {} scrolls, {} puts, {} bytes put of {} grabbed",
            now.scrolls, now.puts, now.put, now.grabbed
        );
        (*when, *said) = (std::time::Instant::now(), now);
    }

    /// Sets the title of `xw`'s Yonder window again.
    pub(super) fn retitle(&mut self, xw: xproto::Window) {
        let title = self.title(xw);
        if let Some(m) = self.mirrors.get(&xw) {
            if let Some(app) = self.apps.get(&m.app) {
                app.conn.set_title(m.window, &title);
            }
        }
    }

    /// The title of `xw`: `_NET_WM_NAME`, else `WM_NAME`.
    pub(super) fn title(&self, xw: xproto::Window) -> String {
        let read = |property: xproto::Atom, type_: xproto::Atom| {
            self.x
                .get_property(false, xw, property, type_, 0, 1024)
                .ok()
                .and_then(|c| c.reply().ok())
                .filter(|r| !r.value.is_empty())
                .map(|r| String::from_utf8_lossy(&r.value).into_owned())
        };
        read(self.atoms.net_wm_name, self.atoms.utf8_string)
            .or_else(|| {
                read(
                    xproto::AtomEnum::WM_NAME.into(),
                    xproto::AtomEnum::ANY.into(),
                )
            })
            .unwrap_or_default()
    }

    /// The name `xw`'s program goes by on the display: the instance part of its
    /// `WM_CLASS` (`xterm`, `xlogo`), else "x11 program".
    pub(super) fn program_name(&self, xw: xproto::Window) -> String {
        self.x
            .get_property(
                false,
                xw,
                xproto::AtomEnum::WM_CLASS,
                xproto::AtomEnum::STRING,
                0,
                256,
            )
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|r| {
                let instance = r.value.split(|b| *b == 0).next()?.to_vec();
                (!instance.is_empty()).then(|| String::from_utf8_lossy(&instance).into_owned())
            })
            .unwrap_or_else(|| "x11 program".to_string())
    }
}
