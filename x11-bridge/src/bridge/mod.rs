//! The X side: the bridge is its private X server's window manager and compositing
//! manager (x11rb). It redirects every top-level window offscreen (Composite, automatic),
//! watches their contents (Damage), maps what programs ask to map, and keeps each X
//! window where its Yonder window is, so that the menus a program places relative to its
//! window land at the right place, and input played at a window's position reaches it.
//!
//! One thread turns the loop: X events, then each program's Yonder events, then the
//! damaged areas copied, then a wait on every connection's descriptor (`poll`). Each X
//! program (an X client, by the resource-id base of its windows) has a Yonder connection
//! of its own, opened with its first window and closed with its last, so the display's
//! window manager, quotas and `yonder-info` see it as an app; the connections use the
//! user's ordinary cookie, never the trusted one.

mod clipboard;

use crate::hints::{self, HintAtoms};
use crate::input::{self, Keymap};
use crate::mirror::Mirror;
use crate::xserver::XServer;
use rustix::event::{PollFd, PollFlags};
use std::collections::HashMap;
use std::os::fd::AsFd;
use std::time::Duration;
use x11rb::connection::{Connection as _, RequestConnection as _};
use x11rb::protocol::composite::{self, ConnectionExt as _};
use x11rb::protocol::damage::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::protocol::Event as XEvent;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use yonder::prelude::*;
use yonder::{ConnectOptions, DisplayChange, Incoming};
use yonder_protocol::request::ConfigureWindow;
use yonder_protocol::{atoms, Rect, WindowId};

/// How long the loop sleeps at most between looks at the program it runs.
const TICK: Duration = Duration::from_millis(100);

/// Runs the bridge: Xvfb the size of the Yonder screen, `program` on it (if any), until
/// the program ends (or, without one, forever).
pub fn run(x_display: Option<u32>, program: &[String]) -> Result<(), String> {
    let probe = Connection::connect_with(options("yonder-x11"))
        .map_err(|e| format!("cannot connect to the Yonder display: {e}"))?;
    let screen = probe.screen().map_err(|e| e.to_string())?;
    drop(probe);
    let xs = XServer::start(screen.width, screen.height, x_display)?;
    println!(
        "yonder-x11: X programs use DISPLAY=:{} XAUTHORITY={}",
        xs.display,
        xs.authority().display()
    );
    // SIGINT and SIGTERM end the loop, so that the X server is stopped and its files
    // removed (SIGKILL leaves that to PR_SET_PDEATHSIG).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, stop.clone()).map_err(|e| e.to_string())?;
    }
    let (x, screen_num) = connect_x(&xs)?;
    let mut bridge = Bridge::new(x, screen_num)?;
    let mut child = match program.is_empty() {
        true => None,
        false => Some(xs.spawn(program)?),
    };
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        bridge.turn()?;
        if let Some(c) = &mut child {
            if let Ok(Some(status)) = c.try_wait() {
                eprintln!("yonder-x11: {} ended ({status})", program[0]);
                return Ok(());
            }
        }
        bridge.wait(TICK);
    }
    // Asked to end: the program too (it dies with the X server otherwise).
    if let Some(c) = &mut child {
        let _ = c.kill();
        let _ = c.wait();
    }
    Ok(())
}

/// Connection options for a Yonder connection named `app`.
fn options(app: &str) -> ConnectOptions {
    ConnectOptions {
        app_name: Some(app.to_string()),
        ..ConnectOptions::default()
    }
}

/// One X program's Yonder side.
struct App {
    conn: Connection,
    gc: GcId,
}

/// The atoms the bridge reads on X windows.
struct Atoms {
    wm_protocols: xproto::Atom,
    wm_delete_window: xproto::Atom,
    net_wm_name: xproto::Atom,
    net_wm_state: xproto::Atom,
    utf8_string: xproto::Atom,
    /// The hints carried to Yonder windows.
    hints: HintAtoms,
}

/// The bridge's state: the X connection, the programs' Yonder connections and the
/// windows shown.
struct Bridge {
    x: RustConnection,
    root: xproto::Window,
    /// The bits of an X resource id that a client chooses (the rest names the client).
    id_mask: u32,
    keymap: Keymap,
    atoms: Atoms,
    apps: HashMap<u32, App>,
    mirrors: HashMap<xproto::Window, Mirror>,
    /// Each Yonder window's X window.
    by_yonder: HashMap<WindowId, xproto::Window>,
    /// The X server's screen size.
    screen: yonder_protocol::Size,
    /// The X window last raised in the X server for input.
    raised: Option<xproto::Window>,
    /// The clipboard between the two sides.
    clip: clipboard::Clipboard,
}

impl Bridge {
    /// Becomes the X server's window and compositing manager.
    fn new(x: RustConnection, screen_num: usize) -> Result<Bridge, String> {
        let root = x.setup().roots[screen_num].root;
        let screen = {
            let s = &x.setup().roots[screen_num];
            yonder_protocol::Size::new(s.width_in_pixels as u32, s.height_in_pixels as u32)
        };
        let id_mask = x.setup().resource_id_mask;
        let redirect = xproto::ChangeWindowAttributesAux::new().event_mask(
            xproto::EventMask::SUBSTRUCTURE_REDIRECT | xproto::EventMask::SUBSTRUCTURE_NOTIFY,
        );
        x.change_window_attributes(root, &redirect)
            .map_err(|e| e.to_string())?
            .check()
            .map_err(|e| format!("another window manager runs on this X server: {e}"))?;
        for name in [
            composite::X11_EXTENSION_NAME,
            damage::X11_EXTENSION_NAME,
            x11rb::protocol::xtest::X11_EXTENSION_NAME,
        ] {
            if !matches!(x.extension_information(name), Ok(Some(_))) {
                return Err(format!("the X server has no {name} extension"));
            }
        }
        // Each extension is told the version the bridge speaks before it is used.
        let s = |e: x11rb::errors::ConnectionError| e.to_string();
        let r = |e: x11rb::errors::ReplyError| e.to_string();
        x.composite_query_version(0, 4)
            .map_err(s)?
            .reply()
            .map_err(r)?;
        x.damage_query_version(1, 1)
            .map_err(s)?
            .reply()
            .map_err(r)?;
        x.xtest_get_version(2, 2).map_err(s)?.reply().map_err(r)?;
        x.composite_redirect_subwindows(root, composite::Redirect::AUTOMATIC)
            .map_err(|e| e.to_string())?;
        let intern = |name: &str| intern(&x, name);
        let atoms = Atoms {
            wm_protocols: intern("WM_PROTOCOLS")?,
            wm_delete_window: intern("WM_DELETE_WINDOW")?,
            net_wm_name: intern("_NET_WM_NAME")?,
            net_wm_state: intern("_NET_WM_STATE")?,
            utf8_string: intern("UTF8_STRING")?,
            hints: HintAtoms::intern(&x)?,
        };
        announce_ewmh(&x, root, &atoms, &intern)?;
        let keymap = Keymap::load(&x)?;
        // Keys repeat on the display's side (its repeated presses are played): the X
        // server does not repeat them a second time.
        let no_repeat =
            xproto::ChangeKeyboardControlAux::new().auto_repeat_mode(xproto::AutoRepeatMode::OFF);
        x.change_keyboard_control(&no_repeat)
            .map_err(|e| e.to_string())?;
        let clip = clipboard::Clipboard::new(&x, root)?;
        // The cursor's name each time the X server shows another one.
        x.xfixes_select_cursor_input(root, xfixes::CursorNotifyMask::DISPLAY_CURSOR)
            .map_err(|e| e.to_string())?;
        x.flush().map_err(|e| e.to_string())?;
        Ok(Bridge {
            x,
            root,
            id_mask,
            keymap,
            atoms,
            apps: HashMap::new(),
            mirrors: HashMap::new(),
            by_yonder: HashMap::new(),
            screen,
            raised: None,
            clip,
        })
    }

    /// One turn: every X event and Yonder event waiting, then the damage copied; again
    /// while replies read on the way (GetImage's) brought X events with them, which the
    /// wait that follows would not see (they are no longer on the socket).
    fn turn(&mut self) -> Result<(), String> {
        let mut next = self.next_x_event()?;
        loop {
            while let Some(e) = next {
                self.x_event(e);
                next = self.next_x_event()?;
            }
            self.control_events()?;
            let bases: Vec<u32> = self.apps.keys().copied().collect();
            for base in bases {
                self.app_events(base);
            }
            self.expire_transfers();
            self.copy_damage();
            let _ = self.x.flush();
            let _ = self.clip.control().flush();
            for app in self.apps.values() {
                let _ = app.conn.flush();
            }
            next = self.next_x_event()?;
            if next.is_none() {
                return Ok(());
            }
        }
    }

    fn next_x_event(&self) -> Result<Option<XEvent>, String> {
        self.x
            .poll_for_event()
            .map_err(|e| format!("the X server went away: {e}"))
    }

    /// The bridge's own Yonder connection's events (the clipboard's); its loss ends the
    /// bridge (the display is gone for good: the library gave up on it).
    fn control_events(&mut self) -> Result<(), String> {
        loop {
            match self.clip.control().poll_for_event() {
                Ok(Some(Incoming::Event { event, .. })) => match event {
                    Event::SelectionOwner(o) => self.yonder_owner_changed(o.selection, o.owner),
                    Event::SelectionData(d) => self.yonder_selection_data(&d),
                    _ => {}
                },
                Ok(Some(_)) => {}
                Ok(None) => return Ok(()),
                Err(e) => return Err(format!("the display went away: {e}")),
            }
        }
    }

    /// X program `base`'s Yonder events. Its connection's end (the display's force quit,
    /// a refused resume) ends that program alone: its X connection is closed, as an X
    /// window manager's force quit does.
    fn app_events(&mut self, base: u32) {
        while let Some(app) = self.apps.get(&base) {
            match app.conn.poll_for_event() {
                Ok(Some(Incoming::Event { event, .. })) => self.yonder_event(event),
                Ok(Some(Incoming::Display(
                    DisplayChange::Back { .. } | DisplayChange::Moved { .. },
                ))) => {
                    // A display that came back, or another one: everything shown again.
                    for m in self.mirrors.values_mut().filter(|m| m.app == base) {
                        m.dirty = Some(Rect::new(0, 0, m.rect.width, m.rect.height));
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => return,
                Err(e) => {
                    eprintln!(
                        "yonder-x11: an X program's display connection ended ({e}): closing it"
                    );
                    self.end_program(base);
                    return;
                }
            }
        }
    }

    /// Ends X program `base`: its X connection closed, its mirrors and Yonder connection
    /// dropped.
    fn end_program(&mut self, base: u32) {
        let windows: Vec<xproto::Window> = self
            .mirrors
            .iter()
            .filter(|(_, m)| m.app == base)
            .map(|(xw, _)| *xw)
            .collect();
        if let Some(xw) = windows.first() {
            let _ = self.x.kill_client(*xw);
        }
        for xw in windows {
            if let Some(m) = self.mirrors.remove(&xw) {
                self.by_yonder.remove(&m.window);
                let _ = self.x.damage_destroy(m.damage);
            }
        }
        self.apps.remove(&base);
        self.raised = None;
    }

    /// Waits until a connection has something to read, or `limit`.
    fn wait(&self, limit: Duration) {
        let mut fds = vec![
            PollFd::new(self.x.stream(), PollFlags::IN),
            PollFd::from_borrowed_fd(self.clip.control().as_fd(), PollFlags::IN),
        ];
        for app in self.apps.values() {
            fds.push(PollFd::from_borrowed_fd(app.conn.as_fd(), PollFlags::IN));
        }
        let timeout = rustix::event::Timespec {
            tv_sec: limit.as_secs() as i64,
            tv_nsec: limit.subsec_nanos() as i64,
        };
        let _ = rustix::event::poll(&mut fds, Some(&timeout));
    }

    fn x_event(&mut self, e: XEvent) {
        match e {
            XEvent::MapRequest(e) => {
                let _ = self.x.map_window(e.window);
            }
            XEvent::MapNotify(e) if e.event == self.root => {
                self.show(e.window, e.override_redirect);
            }
            XEvent::UnmapNotify(e) if e.event == self.root => self.hide(e.window),
            XEvent::DestroyNotify(e) if e.event == self.root => self.forget(e.window),
            XEvent::ConfigureRequest(e) => self.configure_request(&e),
            XEvent::ConfigureNotify(e) if e.event == self.root => {
                let rect = Rect::new(e.x as i32, e.y as i32, e.width as u32, e.height as u32);
                self.x_moved(e.window, rect);
            }
            XEvent::DamageNotify(e) => {
                if let Some(m) = self.mirrors.get_mut(&e.drawable) {
                    let a = e.area;
                    m.damaged(Rect::new(
                        a.x as i32,
                        a.y as i32,
                        a.width as u32,
                        a.height as u32,
                    ));
                }
            }
            XEvent::PropertyNotify(e) if !self.mirrors.contains_key(&e.window) => {
                self.x_property_changed(&e);
            }
            XEvent::PropertyNotify(e)
                if e.atom == xproto::AtomEnum::WM_NAME.into()
                    || e.atom == self.atoms.net_wm_name =>
            {
                self.retitle(e.window);
            }
            XEvent::PropertyNotify(e) if self.atoms.hints.is_hint(e.atom) => {
                self.copy_hints(e.window, Some(e.atom));
            }
            XEvent::ClientMessage(e) if e.type_ == self.atoms.net_wm_state => {
                self.state_request(&e);
            }
            XEvent::XfixesSelectionNotify(e) => self.x_owner_changed(e.selection, e.owner),
            XEvent::XfixesCursorNotify(e) => self.cursor_changed(e.name),
            XEvent::MappingNotify(_) => input::reload(&self.x, &mut self.keymap),
            XEvent::SelectionRequest(e) => self.x_wants_yonder_selection(e),
            XEvent::SelectionNotify(e) => self.x_selection_converted(&e),
            _ => {}
        }
    }

    /// An X top-level was mapped: show it on the Yonder display, through its program's
    /// connection (opened with its first window).
    fn show(&mut self, xw: xproto::Window, override_redirect: bool) {
        if self.mirrors.contains_key(&xw) {
            if let Some(m) = self.mirrors.get(&xw) {
                if let Some(app) = self.apps.get(&m.app) {
                    app.conn.map_window(m.window);
                }
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
            let name = self.program_name(xw);
            let Ok(conn) = Connection::connect_with(options(&name)) else {
                eprintln!("yonder-x11: cannot connect {name} to the Yonder display");
                return;
            };
            let gc = conn.new_gc_id();
            conn.create_gc(gc, conn.root(), Default::default());
            self.apps.insert(base, App { conn, gc });
        }
        let watch =
            xproto::ChangeWindowAttributesAux::new().event_mask(xproto::EventMask::PROPERTY_CHANGE);
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
        if let Some(m) = self.mirrors.get(&xw) {
            app.conn.map_window(m.window);
        }
    }

    /// Copies `xw`'s hints (all, or the one `only`) to its Yonder window.
    fn copy_hints(&self, xw: xproto::Window, only: Option<xproto::Atom>) {
        let Some(m) = self.mirrors.get(&xw) else {
            return;
        };
        let Some(app) = self.apps.get(&m.app) else {
            return;
        };
        let window_of = |w: xproto::Window| self.mirrors.get(&w).map(|m| m.window);
        hints::copy(
            &self.x,
            &self.atoms.hints,
            xw,
            &app.conn,
            m.window,
            only,
            window_of,
        );
    }

    /// EWMH's request to the window manager to change a window's states (a ClientMessage
    /// to the root): passed on to the display's window manager as the same request about
    /// the window's Yonder window (protocol.md §16.7), atoms translated.
    fn state_request(&self, e: &xproto::ClientMessageEvent) {
        let Some(m) = self.mirrors.get(&e.window) else {
            return;
        };
        let Some(app) = self.apps.get(&m.app) else {
            return;
        };
        let [action, first, second, source, _] = e.data.as_data32();
        let translate = |a: u32| -> u32 {
            let name = (a != 0)
                .then(|| self.x.get_atom_name(a).ok()?.reply().ok())
                .flatten();
            name.and_then(|n| hints::yonder_atom(&app.conn, &String::from_utf8_lossy(&n.name)))
                .map_or(0, |a| a.0)
        };
        let words = [action, translate(first), translate(second), source, 0];
        let Some(type_) = hints::yonder_atom(&app.conn, "_NET_WM_STATE") else {
            return;
        };
        let message = Event::ClientMessage(yonder_protocol::event::ClientMessage {
            window: m.window,
            type_,
            data: words.iter().flat_map(|w| w.to_le_bytes()).collect(),
        });
        app.conn.send_event(
            app.conn.root(),
            yonder_protocol::EventMask::SUBSTRUCTURE_NOTIFY,
            message,
        );
    }

    /// An X top-level was unmapped: so is its Yonder window.
    fn hide(&mut self, xw: xproto::Window) {
        if let Some(m) = self.mirrors.get(&xw) {
            if let Some(app) = self.apps.get(&m.app) {
                app.conn.unmap_window(m.window);
            }
        }
    }

    /// An X top-level is gone: its Yonder window goes, and its program's connection with
    /// its last window.
    fn forget(&mut self, xw: xproto::Window) {
        let Some(m) = self.mirrors.remove(&xw) else {
            return;
        };
        self.by_yonder.remove(&m.window);
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
    fn configure_request(&mut self, e: &xproto::ConfigureRequestEvent) {
        let aux = xproto::ConfigureWindowAux::from_configure_request(e);
        let _ = self.x.configure_window(e.window, &aux);
    }

    /// The X server moved or resized top-level `xw` to `rect`: its Yonder window follows.
    fn x_moved(&mut self, xw: xproto::Window, rect: Rect) {
        let Some(m) = self.mirrors.get_mut(&xw) else {
            return;
        };
        if m.rect == rect {
            return;
        }
        let resized = m.rect.size() != rect.size();
        m.rect = rect;
        if resized {
            m.dirty = Some(Rect::new(0, 0, rect.width, rect.height));
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

    fn yonder_event(&mut self, e: Event) {
        let Some(xw) = self.by_yonder.get(&e.window()).copied() else {
            return;
        };
        let Some(rect) = self.mirrors.get(&xw).map(|m| m.rect) else {
            return;
        };
        let at = |x: i32, y: i32| (rect.x + x, rect.y + y);
        let pressed = matches!(e, Event::ButtonPress(_) | Event::KeyPress(_));
        if let Event::SelectionRequest(r) = &e {
            if let Some(app) = self.mirrors.get(&xw).map(|m| m.app) {
                self.yonder_wants_x_selection(app, r);
            }
            return;
        }
        match e {
            Event::Configure(c) => {
                let echo = self
                    .mirrors
                    .get_mut(&xw)
                    .is_some_and(|m| crate::mirror::recall(&mut m.told, c.rect));
                if echo || c.rect == rect {
                    // The bridge's own change, come back (or nothing new).
                    return;
                }
                // The display's window manager placed, moved or resized the window: the
                // X window goes to the same place, so that what its program places
                // relative to it (menus) and where input is played line up.
                let aux = xproto::ConfigureWindowAux::new()
                    .x(c.rect.x)
                    .y(c.rect.y)
                    .width(c.rect.width)
                    .height(c.rect.height);
                let _ = self.x.configure_window(xw, &aux);
                if let Some(m) = self.mirrors.get_mut(&xw) {
                    crate::mirror::remember(&mut m.asked, c.rect);
                }
            }
            Event::Expose(x) => {
                if let Some(m) = self.mirrors.get_mut(&xw) {
                    m.damaged(x.rect);
                }
            }
            Event::Motion(m) => {
                self.raise_for_input(xw);
                input::motion(&self.x, self.root, at(m.x, m.y));
            }
            Event::ButtonPress(b) | Event::ButtonRelease(b) => {
                self.raise_for_input(xw);
                input::motion(&self.x, self.root, at(b.x, b.y));
                input::button(&self.x, &mut self.keymap, self.root, b.button, pressed);
            }
            Event::KeyPress(k) | Event::KeyRelease(k) => {
                input::key(&self.x, &mut self.keymap, self.root, k.keysym, pressed);
            }
            Event::FocusOut(_) => input::release_all(&self.x, &mut self.keymap, self.root),
            Event::FocusIn(_) => {
                let _ = self
                    .x
                    .set_input_focus(xproto::InputFocus::PARENT, xw, x11rb::CURRENT_TIME);
            }
            Event::ClientMessage(m)
                if m.type_ == atoms::WM_PROTOCOLS
                    && m.data.get(..4) == Some(&atoms::WM_DELETE_WINDOW.0.to_le_bytes()[..]) =>
            {
                self.close(xw);
            }
            _ => {}
        }
    }

    /// The X server shows another cursor (its name, an atom; 0 for an unnamed one): the
    /// Yonder window the pointer is in (the one input was last played to) takes the
    /// nearest shape.
    fn cursor_changed(&mut self, name: xproto::Atom) {
        let Some(m) = self.raised.and_then(|xw| self.mirrors.get(&xw)) else {
            return;
        };
        let name = (name != x11rb::NONE)
            .then(|| self.x.get_atom_name(name).ok()?.reply().ok())
            .flatten()
            .map(|r| String::from_utf8_lossy(&r.name).into_owned())
            .unwrap_or_default();
        let shape = crate::cursor::from_name(&name);
        if let Some(app) = self.apps.get(&m.app) {
            let attrs = yonder_protocol::request::WindowAttributes {
                cursor: Some(shape),
                ..Default::default()
            };
            app.conn.change_window_attributes(m.window, attrs);
        }
    }

    /// Puts `xw` on top in the X server, so that input played at its place reaches it
    /// whatever overlaps it there (the X server's stacking is not the display's).
    fn raise_for_input(&mut self, xw: xproto::Window) {
        if self.raised == Some(xw) {
            return;
        }
        let aux = xproto::ConfigureWindowAux::new().stack_mode(xproto::StackMode::ABOVE);
        let _ = self.x.configure_window(xw, &aux);
        self.raised = Some(xw);
    }

    /// The display's close button on `xw`: WM_DELETE_WINDOW when the program takes it,
    /// else the program's X connection is closed (as X window managers do).
    fn close(&mut self, xw: xproto::Window) {
        let takes_it = self
            .x
            .get_property(
                false,
                xw,
                self.atoms.wm_protocols,
                xproto::AtomEnum::ATOM,
                0,
                64,
            )
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|r| {
                r.value32()
                    .map(|mut v| v.any(|a| a == self.atoms.wm_delete_window))
            })
            .unwrap_or(false);
        if !takes_it {
            let _ = self.x.kill_client(xw);
            return;
        }
        let message = xproto::ClientMessageEvent::new(
            32,
            xw,
            self.atoms.wm_protocols,
            [self.atoms.wm_delete_window, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        let _ = self
            .x
            .send_event(false, xw, xproto::EventMask::NO_EVENT, message);
    }

    /// Copies every mirror's damaged area to the display (the damage is cleared first,
    /// so drawing that happens during the copy is damage for the next turn).
    fn copy_damage(&mut self) {
        for (xw, m) in self.mirrors.iter_mut() {
            if m.dirty.is_none() {
                continue;
            }
            let _ = self.x.damage_subtract(m.damage, x11rb::NONE, x11rb::NONE);
            if let Some(app) = self.apps.get(&m.app) {
                m.copy(&self.x, *xw, &app.conn, app.gc, self.screen);
            }
        }
    }

    /// Sets the title of `xw`'s Yonder window again.
    fn retitle(&mut self, xw: xproto::Window) {
        let title = self.title(xw);
        if let Some(m) = self.mirrors.get(&xw) {
            if let Some(app) = self.apps.get(&m.app) {
                app.conn.set_title(m.window, &title);
            }
        }
    }

    /// The title of `xw`: `_NET_WM_NAME`, else `WM_NAME`.
    fn title(&self, xw: xproto::Window) -> String {
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
    fn program_name(&self, xw: xproto::Window) -> String {
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

/// Tells X programs that an EWMH window manager runs (toolkits look before they use
/// `_NET_WM_STATE` and the like): `_NET_SUPPORTING_WM_CHECK` on the root and on a window
/// of the bridge's own, named "yonder-x11", and `_NET_SUPPORTED` listing what it carries.
fn announce_ewmh(
    x: &RustConnection,
    root: xproto::Window,
    atoms: &Atoms,
    intern: &impl Fn(&str) -> Result<xproto::Atom, String>,
) -> Result<(), String> {
    let e = |e: x11rb::errors::ConnectionError| e.to_string();
    let check = x.generate_id().map_err(|e| e.to_string())?;
    x.create_window(
        0,
        check,
        root,
        -1,
        -1,
        1,
        1,
        0,
        xproto::WindowClass::INPUT_ONLY,
        0,
        &Default::default(),
    )
    .map_err(e)?;
    let supporting = intern("_NET_SUPPORTING_WM_CHECK")?;
    for w in [root, check] {
        x.change_property32(
            xproto::PropMode::REPLACE,
            w,
            supporting,
            xproto::AtomEnum::WINDOW,
            &[check],
        )
        .map_err(e)?;
    }
    x.change_property8(
        xproto::PropMode::REPLACE,
        check,
        atoms.net_wm_name,
        atoms.utf8_string,
        b"yonder-x11",
    )
    .map_err(e)?;
    let mut supported = vec![atoms.net_wm_name, atoms.net_wm_state, supporting];
    for name in [
        "_NET_WM_STATE_MAXIMIZED_HORZ",
        "_NET_WM_STATE_MAXIMIZED_VERT",
        "_NET_WM_STATE_FULLSCREEN",
        "_NET_WM_WINDOW_TYPE",
        "_NET_WM_ICON",
    ] {
        supported.push(intern(name)?);
    }
    let net_supported = intern("_NET_SUPPORTED")?;
    x.change_property32(
        xproto::PropMode::REPLACE,
        root,
        net_supported,
        xproto::AtomEnum::ATOM,
        &supported,
    )
    .map_err(e)?;
    Ok(())
}

/// The X atom named `name`.
fn intern(x: &RustConnection, name: &str) -> Result<xproto::Atom, String> {
    Ok(x.intern_atom(false, name.as_bytes())
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?
        .atom)
}

/// Connects to the bridge's X server on its Unix socket, with its cookie.
fn connect_x(xs: &XServer) -> Result<(RustConnection, usize), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot connect to Xvfb :{}: {e}", xs.display);
    let path = format!("/tmp/.X11-unix/X{}", xs.display);
    let stream = std::os::unix::net::UnixStream::connect(&path).map_err(|e| fail(&e))?;
    let (stream, _) =
        x11rb::rust_connection::DefaultStream::from_unix_stream(stream).map_err(|e| fail(&e))?;
    let name = crate::xserver::AUTH_NAME.to_vec();
    let conn =
        RustConnection::connect_to_stream_with_auth_info(stream, 0, name, xs.cookie.to_vec())
            .map_err(|e| fail(&e))?;
    Ok((conn, 0))
}
