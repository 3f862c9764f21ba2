//! The clipboard and dropped files between the web viewers' browsers and the display
//! (protocol.md §20.8).
//!
//! The display's clipboard is the `CLIPBOARD` selection, held by whichever app copied last
//! (§17.1). A browser's is its own. The bridge is a client of the display, as a clipboard
//! manager would be (trusted, started with the first driving viewer): it watches
//! `CLIPBOARD` change owner, converts what the new owner offers (UTF-8 text, PNG) and
//! hands it to every driving viewer, whose page puts it on the browser's clipboard; and
//! when a page brings the browser's clipboard (before a paste), it takes `CLIPBOARD`
//! itself and answers the apps' conversions with it. A file dropped on a page becomes a
//! drag-and-drop (§17.3) with the bridge as its source: a one-pixel window of the bridge
//! is pressed at the drop point, the drag starts there, and the release drops the file's
//! bytes on whatever window takes drops there.
//!
//! Why a thread and a client: selections are the protocol's; the bridge uses them through
//! the client library like any app, so nothing in the state thread knows about browsers,
//! and a stuck conversion holds up only this thread.

use crate::auth::Cookie;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, oneshot};
use yonder::prelude::*;
use yonder::{ConnectOptions, Connection, Incoming, Reconnect};
use yonder_protocol::request::DndActions;
use yonder_protocol::request::WindowAttributes;
use yonder_protocol::{atoms, Atom, Event, EventMask, Rect, Timestamp, WindowId};

/// The largest clipboard content carried either way, per type.
pub const MAX_CLIP: usize = 16 << 20;

/// How long the bridge stays with no driving viewer before it leaves.
const IDLE: Duration = Duration::from_secs(5);

/// The MIME type of text on the clipboard, as browsers and §17.2 name it.
pub const TEXT: &str = "text/plain";
/// The MIME type of a picture on the clipboard.
pub const PNG: &str = "image/png";

/// What the clipboard holds: each type offered, with its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clip {
    /// (MIME type, bytes): [`TEXT`] (UTF-8) and [`PNG`].
    pub items: Vec<(String, Vec<u8>)>,
}

impl Clip {
    fn get(&self, mime: &str) -> Option<&[u8]> {
        self.items
            .iter()
            .find(|(m, _)| m == mime)
            .map(|(_, d)| d.as_slice())
    }
}

/// A file dropped on a page, as the bridge drags it: each step is acknowledged, and the
/// viewer's task sends the pointer input between them (the bridge is a client, and
/// clients do not move the pointer).
pub struct DropJob {
    /// The drop point on the screen.
    pub at: yonder_protocol::Point,
    /// The file's type (its MIME name) and bytes.
    pub mime: String,
    /// Its bytes.
    pub data: Vec<u8>,
    /// The bridge's window is at the drop point, on top: press the button there.
    pub placed: oneshot::Sender<bool>,
    /// The drag started: move the pointer off and back onto the drop point.
    pub dragging: oneshot::Sender<bool>,
    /// The window under the pointer accepts it (or none did within a second): release.
    pub answered: oneshot::Sender<bool>,
}

/// What a page asks of the bridge.
enum Job {
    /// Its clipboard, and who to tell once the display has it.
    Clip(Clip, oneshot::Sender<()>),
    /// A dropped file.
    Drop(DropJob),
}

/// The bridge as the viewers' tasks see it.
pub struct Bridge {
    /// What apps copy, for every page.
    pub to_pages: broadcast::Sender<Arc<Clip>>,
    from_pages: mpsc::Sender<Job>,
    /// Cleared when its thread ends (its display went).
    alive: Arc<AtomicBool>,
}

impl Bridge {
    /// Puts a page's clipboard on the display's `CLIPBOARD`; returns once apps pasting
    /// get it (or the bridge is gone).
    pub async fn offer(&self, clip: Clip) {
        let (tx, rx) = oneshot::channel();
        if self.from_pages.send(Job::Clip(clip, tx)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(2), rx).await;
        }
    }

    /// Hands a dropped file to the bridge; false when the bridge is gone.
    pub fn drop_file(&self, job: DropJob) -> bool {
        self.from_pages.send(Job::Drop(job)).is_ok()
    }
}

/// The bridge of a display, started when first needed.
pub struct Lazy {
    /// The display's socket, as a display name (`unix:PATH`).
    pub display: String,
    /// The trusted cookie: the bridge converts any app's selection.
    pub trusted: Cookie,
    bridge: Mutex<Option<Arc<Bridge>>>,
}

impl Lazy {
    /// A bridge to start on `display` with `trusted` when first asked for.
    pub fn new(display: String, trusted: Cookie) -> Lazy {
        Lazy {
            display,
            trusted,
            bridge: Mutex::new(None),
        }
    }

    /// The running bridge, started now if need be; None when it cannot connect.
    pub fn get(&self) -> Option<Arc<Bridge>> {
        let mut slot = self.bridge.lock().ok()?;
        if let Some(b) = slot.as_ref().filter(|b| b.alive.load(Ordering::Acquire)) {
            return Some(b.clone());
        }
        let conn = Connection::connect_with(ConnectOptions {
            display: Some(self.display.clone()),
            cookie: Some(self.trusted.to_vec()),
            app_name: Some("yonder-web-clipboard".into()),
            reconnect: Reconnect::ExitAtOnce,
            ..ConnectOptions::default()
        });
        let conn = match conn {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("the web clipboard cannot connect to its display: {e}");
                return None;
            }
        };
        let (to_pages, _) = broadcast::channel(4);
        let (tx, rx) = mpsc::channel();
        let alive = Arc::new(AtomicBool::new(true));
        let bridge = Arc::new(Bridge {
            to_pages: to_pages.clone(),
            from_pages: tx,
            alive: alive.clone(),
        });
        let spawned = std::thread::Builder::new()
            .name("yonder-web-clipboard".into())
            .spawn(move || {
                run(conn, to_pages, rx);
                alive.store(false, Ordering::Release);
            });
        if let Err(e) = spawned {
            tracing::warn!("cannot start the web clipboard: {e}");
            return None;
        }
        *slot = Some(bridge.clone());
        Some(bridge)
    }
}

/// A conversion under way: which type, and the chunks so far.
struct Pending {
    target: Atom,
    data: Vec<u8>,
}

/// The bridge's state, on its thread.
struct State {
    conn: Connection,
    /// Owns CLIPBOARD for a page, and is the source of drops.
    window: WindowId,
    /// Pressed at a drop point: the drag's source.
    handle: WindowId,
    to_pages: broadcast::Sender<Arc<Clip>>,
    /// What a page put on the display's clipboard, while the bridge owns it.
    ours: Option<Clip>,
    /// A dropped file's type atom and bytes, while it is `YONDER_DND`'s.
    dropping: Option<(Atom, Vec<u8>)>,
    pending: HashMap<u32, Pending>,
    got: Clip,
    next_tag: u32,
}

/// The bridge's loop, until its display goes.
fn run(conn: Connection, to_pages: broadcast::Sender<Arc<Clip>>, jobs: mpsc::Receiver<Job>) {
    let window = conn.new_window_id();
    conn.create_window(
        window,
        conn.root(),
        Rect::new(-1, -1, 1, 1),
        WindowAttributes::default(),
    );
    let handle = conn.new_window_id();
    conn.create_window(
        handle,
        conn.root(),
        Rect::new(0, 0, 1, 1),
        WindowAttributes {
            override_redirect: Some(true),
            event_mask: Some(EventMask::BUTTON_PRESS),
            ..Default::default()
        },
    );
    conn.change_window_attributes(
        conn.root(),
        WindowAttributes {
            event_mask: Some(EventMask::OWNER_CHANGE),
            ..Default::default()
        },
    );
    if conn.sync().is_err() {
        return;
    }
    let mut b = State {
        conn,
        window,
        handle,
        to_pages,
        ours: None,
        dropping: None,
        pending: HashMap::new(),
        got: Clip::default(),
        next_tag: 1,
    };
    // With no driving viewer left for a while, the bridge leaves (it would otherwise
    // convert every copy for nobody); the next viewer starts another.
    let mut alone_since: Option<std::time::Instant> = None;
    loop {
        if b.to_pages.receiver_count() > 0 {
            alone_since = None;
        } else if alone_since
            .get_or_insert_with(std::time::Instant::now)
            .elapsed()
            > IDLE
        {
            return;
        }
        while let Ok(job) = jobs.try_recv() {
            let ok = match job {
                Job::Clip(clip, done) => {
                    b.ours = Some(clip);
                    b.conn
                        .set_selection_owner(atoms::CLIPBOARD, window, Timestamp(0));
                    let ok = b.conn.sync().is_ok();
                    let _ = done.send(());
                    ok
                }
                Job::Drop(job) => b.drop_file(job),
            };
            if !ok {
                return;
            }
        }
        match b.conn.wait_for_event_timeout(Duration::from_millis(20)) {
            Ok(Some(Incoming::Event { event, .. })) => b.event(event),
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

impl State {
    /// The next event within `limit`, every other one handled on the way; None when the
    /// time is up, Err when the display went.
    fn wait(
        &mut self,
        limit: Duration,
        mut want: impl FnMut(&Event) -> bool,
    ) -> Result<Option<Event>, ()> {
        let until = std::time::Instant::now() + limit;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            match self.conn.wait_for_event_timeout(left) {
                Ok(Some(Incoming::Event { event, .. })) if want(&event) => return Ok(Some(event)),
                Ok(Some(Incoming::Event { event, .. })) => self.event(event),
                Ok(_) => {}
                Err(_) => return Err(()),
            }
        }
    }

    /// Drags a dropped file from the drop point onto what is there; false when the
    /// display went.
    fn drop_file(&mut self, job: DropJob) -> bool {
        let DropJob {
            at,
            mime,
            data,
            placed,
            dragging,
            answered,
        } = job;
        let Ok(reply) = self.conn.intern_atom(&mime, false).reply() else {
            return false;
        };
        self.dropping = Some((reply.atom, data));
        self.conn
            .configure_window(yonder_protocol::request::ConfigureWindow {
                window: self.handle,
                x: Some(at.x),
                y: Some(at.y),
                stack_mode: Some(yonder_protocol::request::StackMode::Above),
                ..Default::default()
            });
        self.conn.map_window(self.handle);
        if self.conn.sync().is_err() {
            return false;
        }
        let _ = placed.send(true);
        let handle = self.handle;
        let pressed = match self.wait(
            Duration::from_secs(2),
            |e| matches!(e, Event::ButtonPress(b) if b.window == handle),
        ) {
            Ok(p) => p.is_some(),
            Err(()) => return false,
        };
        if pressed {
            self.conn.start_drag(
                self.handle,
                &[reply.atom],
                DndActions::COPY,
                yonder_protocol::PixmapId::NONE,
                yonder_protocol::Point::new(0, 0),
            );
        }
        self.conn.unmap_window(self.handle);
        if self.conn.sync().is_err() {
            return false;
        }
        let _ = dragging.send(pressed);
        if !pressed {
            return true;
        }
        let accepted = match self.wait(
            Duration::from_secs(1),
            |e| matches!(e, Event::DndStatus(s) if s.source == handle && s.accept),
        ) {
            Ok(a) => a.is_some(),
            Err(()) => return false,
        };
        let _ = answered.send(accepted);
        // The target fetches the data and says it is done (or the drag is cancelled).
        let finished = self.wait(
            Duration::from_secs(10),
            |e| matches!(e, Event::DndFinished(f) if f.source == handle),
        );
        self.dropping = None;
        finished.is_ok()
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::SelectionOwner(e) if e.selection == atoms::CLIPBOARD => {
                let nobody = self.to_pages.receiver_count() == 0;
                if e.owner == self.window || e.owner == WindowId::NONE || nobody {
                    return;
                }
                // A new copy: ask what it offers, then for the types pages take.
                self.pending.clear();
                self.got = Clip::default();
                self.convert(atoms::TARGETS);
            }
            Event::SelectionClear(e) if e.selection == atoms::CLIPBOARD => self.ours = None,
            Event::SelectionRequest(r) if r.selection == atoms::YONDER_DND => {
                match &self.dropping {
                    Some((target, data)) if *target == r.target => {
                        self.conn.send_selection_bytes(r.transfer, data)
                    }
                    _ => {
                        self.conn.refuse_selection(r.transfer);
                    }
                }
                let _ = self.conn.flush();
            }
            Event::SelectionRequest(r) => answer(&self.conn, &r, self.ours.as_ref()),
            Event::SelectionData(d) => self.data(d),
            _ => {}
        }
    }

    fn convert(&mut self, target: Atom) {
        let tag = self.next_tag;
        self.next_tag = self.next_tag.wrapping_add(1);
        self.conn
            .convert_selection(atoms::CLIPBOARD, target, self.window, tag);
        self.pending.insert(
            tag,
            Pending {
                target,
                data: Vec::new(),
            },
        );
        let _ = self.conn.flush();
    }

    /// A chunk of what the new clipboard owner sent.
    fn data(&mut self, d: yonder_protocol::event::SelectionDataEvent) {
        let Some(p) = self.pending.get_mut(&d.tag) else {
            return;
        };
        if d.refused || p.data.len() + d.data.len() > MAX_CLIP {
            self.pending.remove(&d.tag);
        } else {
            p.data.extend_from_slice(&d.data);
            if !d.done {
                return;
            }
            let Some(p) = self.pending.remove(&d.tag) else {
                return;
            };
            if p.target == atoms::TARGETS {
                for target in wanted(&p.data) {
                    self.convert(target);
                }
            } else {
                let mime = if p.target == atoms::IMAGE_PNG {
                    PNG
                } else {
                    TEXT
                };
                if mime == PNG || std::str::from_utf8(&p.data).is_ok() {
                    self.got.items.push((mime.to_owned(), p.data));
                }
            }
        }
        if self.pending.is_empty() && !self.got.items.is_empty() {
            let _ = self.to_pages.send(Arc::new(std::mem::take(&mut self.got)));
        }
    }
}

/// The types to convert, from an owner's `TARGETS`: UTF-8 text (under either name) and
/// PNG.
fn wanted(targets: &[u8]) -> Vec<Atom> {
    let offered: Vec<Atom> = targets
        .chunks_exact(4)
        .map(|c| Atom(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    let mut want = Vec::new();
    if offered.contains(&atoms::TEXT_PLAIN_UTF8) {
        want.push(atoms::TEXT_PLAIN_UTF8);
    } else if offered.contains(&atoms::UTF8_STRING) {
        want.push(atoms::UTF8_STRING);
    }
    if offered.contains(&atoms::IMAGE_PNG) {
        want.push(atoms::IMAGE_PNG);
    }
    want
}

/// Answers an app's conversion of the `CLIPBOARD` the bridge holds for a page.
fn answer(
    conn: &Connection,
    r: &yonder_protocol::event::SelectionRequestEvent,
    ours: Option<&Clip>,
) {
    let data: Option<Vec<u8>> = ours.and_then(|clip| {
        if r.target == atoms::TARGETS {
            let mut list = Vec::new();
            if clip.get(TEXT).is_some() {
                list.extend([atoms::TEXT_PLAIN_UTF8, atoms::UTF8_STRING]);
            }
            if clip.get(PNG).is_some() {
                list.push(atoms::IMAGE_PNG);
            }
            Some(list.iter().flat_map(|a| a.0.to_le_bytes()).collect())
        } else if r.target == atoms::TEXT_PLAIN_UTF8 || r.target == atoms::UTF8_STRING {
            clip.get(TEXT).map(<[u8]>::to_vec)
        } else if r.target == atoms::IMAGE_PNG {
            clip.get(PNG).map(<[u8]>::to_vec)
        } else {
            None
        }
    });
    match data {
        Some(d) => conn.send_selection_bytes(r.transfer, &d),
        None => {
            conn.refuse_selection(r.transfer);
        }
    }
    let _ = conn.flush();
}
