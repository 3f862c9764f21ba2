//! A hostile X program's ways into yonder-x11, shared by the `x_client` fuzz target and
//! the replay of its kept inputs (`fuzz_x_regressions.rs`).
//!
//! Arbitrary bytes are read as up to [`MAX_OPS`] X requests of one client of the bridge's
//! X server: top-level windows of any geometry, override-redirect or not, mapped,
//! unmapped, moved and destroyed; every property the bridge reads (hints, XDND's
//! awareness, the clipboard's) set with any type, format and bytes, or deleted; client
//! messages of every kind the bridge answers (EWMH state and activation, XDND status and
//! finish, ICCCM's) to the root, the bridge's windows and its own; selections owned and
//! converted. The client then disconnects. After each input the bridge is alive and the
//! Yonder display answers.
//!
//! One display and one bridge serve every input of a run (started at the first).

#[path = "../common/bridge_x.rs"]
mod bridge_x;

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::Duration;
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use yonder::prelude::*;
use yonder_test_support::apps::{App, Display};

/// The most requests one input makes.
const MAX_OPS: usize = 64;

/// Names of the atoms inputs pick from: what the bridge reads, and some it does not.
const NAMES: &[&str] = &[
    "WM_NAME",
    "_NET_WM_NAME",
    "WM_NORMAL_HINTS",
    "WM_HINTS",
    "WM_CLASS",
    "WM_TRANSIENT_FOR",
    "WM_PROTOCOLS",
    "WM_DELETE_WINDOW",
    "WM_TAKE_FOCUS",
    "WM_STATE",
    "WM_CHANGE_STATE",
    "_NET_WM_WINDOW_TYPE",
    "_NET_WM_WINDOW_TYPE_DIALOG",
    "_NET_WM_WINDOW_TYPE_DOCK",
    "_NET_WM_STATE",
    "_NET_WM_STATE_FULLSCREEN",
    "_NET_WM_STATE_MAXIMIZED_VERT",
    "_NET_WM_ICON",
    "_NET_ACTIVE_WINDOW",
    "XdndAware",
    "XdndSelection",
    "XdndStatus",
    "XdndFinished",
    "XdndActionCopy",
    "XdndTypeList",
    "CLIPBOARD",
    "PRIMARY",
    "TARGETS",
    "UTF8_STRING",
    "STRING",
    "INCR",
    "ATOM",
    "CARDINAL",
    "WINDOW",
    "text/uri-list",
    "image/png",
    "_YONDER_X11_SELECTION_0",
];

/// The display and the bridge the inputs meet.
struct Env {
    display: Display,
    bridge: App,
    x_display: u32,
    cookie: Vec<u8>,
    /// The display's window that owns its CLIPBOARD at each input's start, with a value
    /// large enough to go to X programs in pieces (INCR).
    owner: yonder_protocol::WindowId,
}

/// The display's CLIPBOARD value: 300 KiB.
const LARGE: usize = 300 << 10;

thread_local! {
    static ENV: RefCell<Option<Env>> = const { RefCell::new(None) };
}

/// Plays `data` as a hostile X program; panics if the bridge or the display fails.
pub fn run(data: &[u8]) {
    ENV.with(|env| {
        let mut env = env.borrow_mut();
        let env = env.get_or_insert_with(Env::start);
        env.play(data);
        env.check();
    });
}

/// The yonder-x11 binary: `$YONDER_X11`, else the one built beside the tests.
fn bridge_binary() -> PathBuf {
    std::env::var_os("YONDER_X11")
        .map(PathBuf::from)
        .unwrap_or_else(|| yonder_test_support::process::built_binary("yonder-x11"))
}

impl Env {
    fn start() -> Env {
        let display = Display::start();
        let bridge = display.spawn(&bridge_binary().to_string_lossy(), &[]);
        let (x_display, authority) = bridge_x::display_of(&bridge);
        let cookie = bridge_x::cookie(&authority);
        let owner = display.conn.new_window_id();
        display.conn.create_window(
            owner,
            display.conn.root(),
            yonder_protocol::Rect::new(0, 0, 1, 1),
            Default::default(),
        );
        let env = Env {
            display,
            bridge,
            x_display,
            cookie,
            owner,
        };
        env.hold_clipboard(&env.connect());
        env
    }

    /// The display's client copies (its large value): the bridge must take X's CLIPBOARD
    /// for it, as seen from X connection `x`.
    fn hold_clipboard(&self, x: &RustConnection) {
        let clipboard = x
            .intern_atom(false, b"CLIPBOARD")
            .unwrap()
            .reply()
            .unwrap()
            .atom;
        let c = &self.display.conn;
        c.set_selection_owner(
            yonder_protocol::atoms::CLIPBOARD,
            self.owner,
            Default::default(),
        );
        c.sync().expect("the display answers");
        let before = std::time::Instant::now();
        while x
            .get_selection_owner(clipboard)
            .unwrap()
            .reply()
            .unwrap()
            .owner
            == x11rb::NONE
        {
            assert!(
                before.elapsed() < Duration::from_secs(10),
                "the bridge no longer takes X's CLIPBOARD for the display's copy"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Answers what the display's client is asked (pastes of its CLIPBOARD).
    fn pump(&self) {
        let c = &self.display.conn;
        while let Ok(Some(e)) = c.poll_for_event() {
            if let yonder::Incoming::Event {
                event: yonder_protocol::Event::SelectionRequest(r),
                ..
            } = e
            {
                c.send_selection_bytes(r.transfer, &vec![b'y'; LARGE]);
            }
        }
        let _ = c.flush();
    }

    fn connect(&self) -> RustConnection {
        bridge_x::connect(self.x_display, &self.cookie).expect("connect to the bridge's X server")
    }

    /// One input's requests, from a connection of its own (closed at the end, which
    /// destroys its windows).
    fn play(&self, data: &[u8]) {
        let x = self.connect();
        let root = x.setup().roots[0].root;
        let atoms: Vec<u32> = NAMES
            .iter()
            .map(|n| {
                x.intern_atom(false, n.as_bytes())
                    .unwrap()
                    .reply()
                    .unwrap()
                    .atom
            })
            .collect();
        // The bridge's own windows (the root's children not this client's).
        let theirs: Vec<u32> = x.query_tree(root).unwrap().reply().unwrap().children;
        let mut mine: Vec<u32> = Vec::new();
        let mut r = Reader(data);
        for _ in 0..MAX_OPS {
            let Some(op) = r.byte() else { break };
            let pick = |r: &mut Reader, mine: &[u32]| -> u32 {
                let i = r.byte().unwrap_or(0) as usize;
                match i % 4 {
                    0 => root,
                    1 if !theirs.is_empty() => theirs[i / 4 % theirs.len()],
                    _ if !mine.is_empty() => mine[i / 4 % mine.len()],
                    _ => root,
                }
            };
            let atom = |r: &mut Reader| atoms[r.byte().unwrap_or(0) as usize % atoms.len()];
            match op % 10 {
                0 => {
                    let w = x.generate_id().unwrap();
                    // Mostly on the screen and of a usual size; now and then anything.
                    let wild = r.byte().unwrap_or(0) % 8 == 0;
                    let (mut px, mut py) = (r.i16(), r.i16());
                    let (mut width, mut height) = (r.u16().max(1), r.u16().max(1));
                    if !wild {
                        (px, py) = (px.rem_euclid(600), py.rem_euclid(400));
                        (width, height) = (width % 400 + 1, height % 300 + 1);
                    }
                    let aux = xproto::CreateWindowAux::new()
                        .override_redirect(u32::from(r.byte().unwrap_or(0) & 1))
                        .background_pixel(r.u32());
                    let _ = x.create_window(
                        0,
                        w,
                        root,
                        px,
                        py,
                        width,
                        height,
                        0,
                        xproto::WindowClass::INPUT_OUTPUT,
                        0,
                        &aux,
                    );
                    mine.push(w);
                }
                1 => {
                    let _ = x.map_window(pick(&mut r, &mine));
                }
                2 => {
                    let _ = x.unmap_window(pick(&mut r, &mine));
                }
                3 => {
                    let w = pick(&mut r, &mine);
                    let aux = xproto::ConfigureWindowAux::new()
                        .x(r.i16() as i32)
                        .y(r.i16() as i32)
                        .width(r.u16().max(1) as u32)
                        .height(r.u16().max(1) as u32);
                    let _ = x.configure_window(w, &aux);
                }
                4 => {
                    let _ = x.destroy_window(pick(&mut r, &mine));
                }
                5 => {
                    let w = pick(&mut r, &mine);
                    let (name, type_) = (atom(&mut r), atom(&mut r));
                    let format = [8u8, 16, 32][r.byte().unwrap_or(0) as usize % 3];
                    let units = r.byte().unwrap_or(0) as usize;
                    let mut bytes = r.take(units * format as usize / 8);
                    bytes.truncate(bytes.len() / (format as usize / 8) * (format as usize / 8));
                    // Values that name windows and atoms the bridge knows, now and then.
                    if format == 32 && bytes.len() >= 4 && matches!(units % 3, 0) {
                        let v = if matches!(units % 2, 0) {
                            pick(&mut r, &mine)
                        } else {
                            atom(&mut r)
                        };
                        bytes[..4].copy_from_slice(&v.to_ne_bytes());
                    }
                    let n = (bytes.len() / (format as usize / 8)) as u32;
                    let _ = x.change_property(
                        xproto::PropMode::REPLACE,
                        w,
                        name,
                        type_,
                        format,
                        n,
                        &bytes,
                    );
                }
                6 => {
                    let w = pick(&mut r, &mine);
                    let type_ = atom(&mut r);
                    let mut data = [0u32; 5];
                    for d in data.iter_mut() {
                        *d = match r.byte().unwrap_or(0) % 4 {
                            0 => pick(&mut r, &mine),
                            1 => atom(&mut r),
                            _ => r.u32(),
                        };
                    }
                    let event = xproto::ClientMessageEvent::new(32, w, type_, data);
                    let mask = match r.byte().unwrap_or(0) & 1 {
                        0 => xproto::EventMask::NO_EVENT,
                        _ => {
                            xproto::EventMask::SUBSTRUCTURE_REDIRECT
                                | xproto::EventMask::SUBSTRUCTURE_NOTIFY
                        }
                    };
                    let _ = x.send_event(false, w, mask, event);
                }
                7 => {
                    let owner = match r.byte().unwrap_or(0) & 1 {
                        0 => x11rb::NONE,
                        _ => pick(&mut r, &mine),
                    };
                    let _ = x.set_selection_owner(owner, atom(&mut r), x11rb::CURRENT_TIME);
                }
                8 => {
                    let requestor = pick(&mut r, &mine);
                    let (selection, target, property) = (atom(&mut r), atom(&mut r), atom(&mut r));
                    let _ = x.convert_selection(
                        requestor,
                        selection,
                        target,
                        property,
                        x11rb::CURRENT_TIME,
                    );
                }
                _ => {
                    let _ = x.delete_property(pick(&mut r, &mine), atom(&mut r));
                }
            }
        }
        // Everything reached the X server, and the bridge showed the windows left mapped
        // (a second at most: it may refuse some). Mapping is the bridge's: a moment first.
        let _ = x.get_input_focus().map(|c| c.reply());
        std::thread::sleep(Duration::from_millis(50));
        let viewable = mine
            .iter()
            .filter_map(|w| x.get_window_attributes(*w).ok()?.reply().ok())
            .filter(|a| a.map_state == xproto::MapState::VIEWABLE)
            .count();
        // Pastes of the display's value answered meanwhile, for 100 ms at least.
        let before = std::time::Instant::now();
        while (self.display.top_levels().len() < 1 + viewable
            || before.elapsed() < Duration::from_millis(100))
            && before.elapsed() < Duration::from_secs(1)
        {
            self.pump();
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = x.get_input_focus().map(|c| c.reply());
    }

    /// The bridge runs, the display answers, a Yonder copy still reaches X's CLIPBOARD,
    /// and a well-behaved program's new window still shows (the bridge still manages the
    /// X screen).
    fn check(&mut self) {
        let exited = self.bridge.child.try_wait().expect("try_wait");
        assert!(
            exited.is_none(),
            "the bridge died: {exited:?}; it said: {}",
            std::fs::read_to_string(&self.bridge.err).unwrap_or_default()
        );
        self.display.conn.sync().expect("the display answers");
        let x = self.connect();
        // The display's copy is X's CLIPBOARD's (held by the bridge) again.
        self.hold_clipboard(&x);
        let root = x.setup().roots[0].root;
        let w = x.generate_id().unwrap();
        let aux = xproto::CreateWindowAux::new().background_pixel(0x336699);
        x.create_window(
            0,
            w,
            root,
            11,
            13,
            37,
            41,
            0,
            xproto::WindowClass::INPUT_OUTPUT,
            0,
            &aux,
        )
        .unwrap();
        x.map_window(w).unwrap();
        x.flush().unwrap();
        let d = &self.display;
        let shown = || {
            d.top_levels().into_iter().any(|t| {
                d.conn
                    .get_geometry(t)
                    .reply()
                    .is_ok_and(|g| g.rect == yonder_protocol::Rect::new(11, 13, 37, 41))
            })
        };
        let before = std::time::Instant::now();
        while !shown() {
            assert!(
                before.elapsed() < Duration::from_secs(10),
                "the bridge no longer shows a new window; it said: {}",
                std::fs::read_to_string(&self.bridge.err).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Reads an input's bytes; past the end, zeros.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a.to_vec()
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte().unwrap_or(0), self.byte().unwrap_or(0)])
    }

    fn i16(&mut self) -> i16 {
        self.u16() as i16
    }

    fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | (u32::from(self.u16()) << 16)
    }
}
