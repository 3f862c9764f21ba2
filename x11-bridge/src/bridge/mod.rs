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
//!
//! * `mod.rs`       – the state, setting up, the loop, and X events sent where they go
//! * `windows.rs`   – X windows shown, hidden, forgotten, moved, retitled; damage copied
//! * `connect.rs`   – each program's Yonder connection, opened off the loop
//! * `play.rs`      – what the display tells a mirror, played into the X server
//! * `ewmh.rs`      – EWMH: the root's announcement, `_NET_WM_STATE` requests passed on
//! * `clipboard.rs` – CLIPBOARD and PRIMARY between the two sides
//! * `incr.rs`      – large values to X programs in pieces (INCR)
//! * `dnd.rs`       – Yonder drags dropped on X programs, as XDND
//! * `focus.rs`     – the focus by ICCCM's input models, activation, `WM_STATE`

mod clipboard;
mod connect;
mod dnd;
mod ewmh;
mod focus;
mod incr;
mod play;
mod windows;

use crate::hints::HintAtoms;
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
use yonder::prelude::*;
use yonder::{ConnectOptions, DisplayChange, Incoming};
use yonder_protocol::{Rect, WindowId};

/// How long the loop sleeps at most between looks at the program it runs.
const TICK: Duration = Duration::from_millis(100);

/// Runs the bridge: Xvfb the size of the Yonder screen (and following it), `program` on
/// it (if any), until
/// the program ends (or, without one, forever).
pub fn run(x_display: Option<u32>, program: &[String]) -> Result<(), String> {
    let probe = Connection::connect_with(options("yonder-x11"))
        .map_err(|e| format!("cannot connect to the Yonder display: {e}"))?;
    let screen = probe.screen().map_err(|e| e.to_string())?;
    drop(probe);
    let yonder = yonder_protocol::Size::new(screen.width, screen.height);
    let room = crate::screen::capacity(yonder);
    let xs = XServer::start(room.width, room.height, x_display)?;
    // SIGINT and SIGTERM end the loop, so that the X server is stopped and its files
    // removed (SIGKILL leaves that to PR_SET_PDEATHSIG).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, stop.clone()).map_err(|e| e.to_string())?;
    }
    let (x, screen_num) = connect_x(&xs)?;
    let mut bridge = Bridge::new(x, screen_num)?;
    // The programs start on a screen of the display's size.
    bridge.screen_changed(yonder);
    // Said once X programs can start: managed, on a screen of the display's size.
    println!(
        "yonder-x11: X programs use DISPLAY=:{} XAUTHORITY={}",
        xs.display,
        xs.authority().display()
    );
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
        let limit = bridge.until_due(TICK);
        bridge.wait(limit);
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

impl Atoms {
    /// Interns them on the X server (one round trip, and one for the hints).
    fn intern(x: &RustConnection) -> Result<Atoms, String> {
        let [wm_protocols, wm_delete_window, net_wm_name, net_wm_state, utf8_string] =
            crate::xatom::intern_all(
                x,
                [
                    "WM_PROTOCOLS",
                    "WM_DELETE_WINDOW",
                    "_NET_WM_NAME",
                    "_NET_WM_STATE",
                    "UTF8_STRING",
                ],
            )?;
        Ok(Atoms {
            wm_protocols,
            wm_delete_window,
            net_wm_name,
            net_wm_state,
            utf8_string,
            hints: HintAtoms::intern(x)?,
        })
    }
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
    /// The bridge's EWMH check window.
    ewmh_check: xproto::Window,
    /// Its RandR output, by which it follows the Yonder screen's size (none: it keeps
    /// the size it started with).
    xscreen: Option<crate::screen::XScreen>,
    /// The Yonder screen's size, as last heard.
    yonder_screen: yonder_protocol::Size,
    /// Takes the windows' pixels (one band at a time: one segment for all).
    grab: crate::grab::Grabber,
    /// With `YONDER_X11_STATS` set: when the windows' traffic was last said, and what.
    stats: Option<(std::time::Instant, crate::mirror::Traffic)>,
    /// Large values going to X programs in pieces.
    incr_out: incr::UnderWay,
    /// The programs' connections being opened.
    connector: connect::Connector,
    /// The atoms of focus and states, and the mirror with the display's focus.
    focus: focus::FocusAtoms,
    focused: Option<xproto::Window>,
    /// XDND's atoms, and the Yonder drag over an X program, if any.
    xdnd: dnd::XdndAtoms,
    drag: Option<dnd::Drag>,
    /// The X window last raised in the X server for input.
    raised: Option<xproto::Window>,
    /// The clipboard between the two sides.
    clip: clipboard::Clipboard,
    /// Atom names and numbers known on either side.
    names: crate::hints::Names,
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
        let atoms = Atoms::intern(&x)?;
        let ewmh_check = ewmh::announce_ewmh(&x, root, &atoms)?;
        let keymap = Keymap::load(&x)?;
        // Keys repeat on the display's side (its repeated presses are played): the X
        // server does not repeat them a second time.
        let no_repeat =
            xproto::ChangeKeyboardControlAux::new().auto_repeat_mode(xproto::AutoRepeatMode::OFF);
        x.change_keyboard_control(&no_repeat)
            .map_err(|e| e.to_string())?;
        let clip = clipboard::Clipboard::new(&x, root)?;
        let xscreen = crate::screen::XScreen::new(&x, root);
        let grab = crate::grab::Grabber::new(&x, crate::mirror::BAND_BYTES);
        let xdnd = dnd::XdndAtoms::intern(&x)?;
        let focus = focus::FocusAtoms::intern(&x)?;
        let connector = connect::Connector::new()?;
        if !grab.shared() {
            eprintln!("yonder-x11: the X server has no MIT-SHM 1.2: pixels come in replies");
        }
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
            xscreen,
            ewmh_check,
            yonder_screen: screen,
            grab,
            xdnd,
            drag: None,
            focus,
            focused: None,
            connector,
            incr_out: Default::default(),
            stats: std::env::var_os("YONDER_X11_STATS")
                .map(|_| (std::time::Instant::now(), Default::default())),
            raised: None,
            clip,
            names: Default::default(),
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
            self.connected();
            let bases: Vec<u32> = self.apps.keys().copied().collect();
            for base in bases {
                self.app_events(base);
            }
            self.expire_transfers();
            self.copy_damage();
            self.report_traffic();
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
                    Event::SelectionRequest(r) => {
                        self.yonder_wants_x_selection(clipboard::CONTROL, &r)
                    }
                    Event::ScreenChange(s) => {
                        self.screen_changed(yonder_protocol::Size::new(s.width, s.height))
                    }
                    _ => {}
                },
                Ok(Some(Incoming::Display(
                    DisplayChange::Back { .. } | DisplayChange::Moved { .. },
                ))) => {
                    // A display of another size, perhaps.
                    if let Ok(s) = self.clip.control().screen() {
                        self.screen_changed(yonder_protocol::Size::new(s.width, s.height));
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => return Ok(()),
                Err(e) => return Err(format!("the display went away: {e}")),
            }
        }
    }

    /// Whether `w` is one of the bridge's own X windows.
    fn is_own(&self, w: xproto::Window) -> bool {
        w == self.clip.xwin() || w == self.ewmh_check
    }

    /// Another X client destroyed one of the bridge's windows (X lets any client): it is
    /// made again, so that one program cannot take the clipboard, drag-and-drop or the
    /// EWMH announcement from the others.
    fn repair(&mut self, w: xproto::Window) {
        if w == self.ewmh_check {
            match ewmh::announce_ewmh(&self.x, self.root, &self.atoms) {
                Ok(check) => self.ewmh_check = check,
                Err(e) => eprintln!("yonder-x11: cannot announce EWMH again: {e}"),
            }
        } else {
            match self.clip.x_window_destroyed(&self.x, self.root) {
                Ok(refused) => {
                    for (app, transfer) in refused {
                        self.refuse(app, transfer);
                    }
                }
                Err(e) => eprintln!("yonder-x11: cannot make the clipboard's window again: {e}"),
            }
            // A drag over an X program went through the old window.
            self.drag = None;
        }
        let _ = self.x.flush();
    }

    /// The Yonder screen is `size` now: so is the X screen, as far as its framebuffer
    /// goes.
    fn screen_changed(&mut self, size: yonder_protocol::Size) {
        self.yonder_screen = size;
        let Some(xs) = &mut self.xscreen else {
            return;
        };
        match xs.resize(&self.x, size) {
            Ok(now) => self.screen = now,
            Err(e) => eprintln!("yonder-x11: cannot resize the X screen to {size:?}: {e}"),
        }
        // What was off the X screen may be on it now.
        for m in self.mirrors.values_mut() {
            m.damaged(Rect::new(0, 0, m.rect.width, m.rect.height));
        }
        let _ = self.x.flush();
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
                    // A display that came back, or another one: everything shown again,
                    // and its atoms asked for again (another display numbers them its way).
                    self.names.forget(base);
                    for m in self.mirrors.values_mut().filter(|m| m.app == base) {
                        m.redraw_all();
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
            PollFd::from_borrowed_fd(self.connector.fd(), PollFlags::IN),
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
            XEvent::DestroyNotify(e) if e.event == self.root && self.is_own(e.window) => {
                self.repair(e.window);
            }
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
            XEvent::PropertyNotify(e) if self.incr_read(&e) => {}
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
            XEvent::ClientMessage(e) if self.is_xdnd_message(&e) => self.xdnd_message(&e),
            XEvent::ClientMessage(e) if e.type_ == self.focus.net_active_window => {
                self.activate_request(&e);
            }
            XEvent::FocusIn(e) if e.mode == xproto::NotifyMode::NORMAL => {
                self.x_focus_moved(&e, true);
            }
            XEvent::FocusOut(e) if e.mode == xproto::NotifyMode::NORMAL => {
                self.x_focus_moved(&e, false);
            }
            XEvent::RandrScreenChangeNotify(e) => {
                let now = yonder_protocol::Size::new(e.width as u32, e.height as u32);
                if let (Some(xs), true) = (&mut self.xscreen, now != self.screen) {
                    // Another X client resized the screen: the display's size again.
                    xs.changed_behind(now);
                    self.screen_changed(self.yonder_screen);
                }
            }
            XEvent::XfixesSelectionNotify(e) => self.x_owner_changed(e.selection, e.owner),
            XEvent::XfixesCursorNotify(e) => self.cursor_changed(e.name),
            XEvent::MappingNotify(_) => input::reload(&self.x, &mut self.keymap),
            XEvent::SelectionRequest(e) => self.x_wants_yonder_selection(e),
            XEvent::SelectionNotify(e) => self.x_selection_converted(&e),
            _ => {}
        }
    }
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
