//! In-place editing of a part, the container's side of [`yonder_toolkit::embed`]:
//!
//! 1. ydoc creates a child window at the part's place (selecting SUBSTRUCTURE_NOTIFY on
//!    it), writes the part's PNG to a temporary file and runs `ypaint --embed-into 0xWIN
//!    FILE` (the `ypaint` next to ydoc's own executable);
//! 2. on EMBED_READY it puts the part's window in its save-set (so the part survives if
//!    ydoc dies), sends ACTIVATE and gives the part the keyboard focus; the part's window
//!    size now decides the block's size in the layout, and every Configure of it lays
//!    the document out again;
//! 3. on CONTENT_CHANGED (and REQUEST_DEACTIVATE) it reads `_YONDER_PART_DATA`;
//! 4. to end (REQUEST_DEACTIVATE, a click elsewhere, ydoc closing) it reads the content
//!    once more, sends DEACTIVATE, hides the window and gives the focus back; the part
//!    publishes and exits, its window goes, and ydoc destroys its own and reaps the
//!    process. A part that does not start or end in time is killed.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::request::{ConfigureWindow, WindowAttributes};
use yonder_protocol::{Color, Event, EventMask, Rect, Size, WindowId};
use yonder_toolkit::embed::{read_content, EmbedMessage};

/// How long a part may take to show up, and to go after DEACTIVATE.
const START_LIMIT: Duration = Duration::from_secs(20);
const END_LIMIT: Duration = Duration::from_secs(5);
/// How often the child process is looked at while a session runs.
const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// ypaint was started; no EMBED_READY yet.
    Starting(Instant),
    /// Editing.
    Active,
    /// DEACTIVATE was sent; waiting for the part to go.
    Closing(Instant),
}

/// What a session tells the app.
#[derive(Debug, PartialEq, Eq)]
pub enum Reaction {
    /// The part's size changed: lay out again.
    Relayout,
    /// The part is ready: lay out again for its size, then [`Session::activate`] it (its
    /// container in place before the part has the focus).
    Ready,
    /// The part's new content (PNG).
    Content(Vec<u8>),
    /// The user is done: the app should [`Session::deactivate`].
    Done,
}

/// One part being edited in place.
pub struct Session {
    /// The part's block index.
    pub block: usize,
    /// The window ydoc made for the part.
    pub container: WindowId,
    /// The part's own window, after EMBED_READY.
    part: Option<WindowId>,
    /// The part's window's size, once known.
    pub size: Option<Size>,
    /// The content number of the block's part as the app last set it: content arriving
    /// after the document changed under a closing session is not applied to another part.
    pub content: u64,
    phase: Phase,
    child: Child,
    /// Where the part's initial picture was written (removed with the session).
    _files: TempDir,
    /// The focus before the part took it.
    focus_before: WindowId,
}

impl Session {
    /// Starts editing part `block` (PNG `png`) in place at `rect` of `window`.
    pub fn start(
        conn: &Connection,
        window: WindowId,
        block: usize,
        rect: Rect,
        part: &crate::model::Part,
        display: Option<&str>,
    ) -> Result<Session, String> {
        let files = tempfile::tempdir().map_err(|e| e.to_string())?;
        let file = files.path().join("part.png");
        std::fs::write(&file, &part.png).map_err(|e| format!("{}: {e}", file.display()))?;
        let container = conn.new_window_id();
        conn.create_window(
            container,
            window,
            rect,
            WindowAttributes {
                background: Some(Color::rgb(0xe6e9ef)),
                event_mask: Some(EventMask::SUBSTRUCTURE_NOTIFY),
                ..Default::default()
            },
        );
        conn.map_window(container);
        // The part must find the window when it starts.
        conn.sync().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(ypaint_path());
        if let Some(d) = display {
            cmd.args(["--display", d]);
        }
        cmd.arg("--embed-into")
            .arg(format!("{:#x}", container.0))
            .arg(&file)
            .stdin(Stdio::null());
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                conn.destroy_window(container);
                return Err(format!("cannot run {}: {e}", ypaint_path().display()));
            }
        };
        Ok(Session {
            block,
            container,
            part: None,
            size: None,
            content: part.content,
            phase: Phase::Starting(Instant::now()),
            child,
            _files: files,
            focus_before: WindowId::ROOT,
        })
    }

    /// Gives the ready part the focus and tells it it is active (after the app has laid
    /// out its container for the part's size: an app or a test that waits for the focus
    /// then finds the container in place).
    pub fn activate(&self, conn: &Connection) {
        if let (Some(part), Phase::Active) = (self.part, &self.phase) {
            EmbedMessage::Activate.send(conn, part);
            conn.set_input_focus(part);
        }
    }

    /// Whether the part is being edited (not starting, not ending).
    pub fn is_active(&self) -> bool {
        self.phase == Phase::Active
    }

    /// Whether the part still shows in the document (starting or active).
    pub fn is_shown(&self) -> bool {
        !matches!(self.phase, Phase::Closing(_))
    }

    /// When the app should call [`Session::tick`] next.
    pub fn wake(&self) -> Instant {
        Instant::now() + POLL
    }

    /// Puts the container window at `rect` (window coordinates).
    pub fn place(&self, conn: &Connection, rect: Rect) {
        conn.configure_window(ConfigureWindow {
            window: self.container,
            x: Some(rect.x),
            y: Some(rect.y),
            width: Some(rect.width.max(1)),
            height: Some(rect.height.max(1)),
            stack_mode: None,
            sibling: None,
        });
    }

    /// Takes the events of the session: the part's messages, and Configure and Destroy of
    /// its window. `None` for other events; `Some(None)` for one taken without anything
    /// for the app to do.
    pub fn handle(&mut self, conn: &Connection, e: &Event) -> Option<Option<Reaction>> {
        if let Some((to, msg)) = EmbedMessage::from_event(e) {
            if to != self.container {
                return None;
            }
            return Some(self.message(conn, msg));
        }
        match e {
            Event::Configure(c) if c.event == self.container && Some(c.window) == self.part => {
                let size = Size::new(c.rect.width, c.rect.height);
                let changed = self.size != Some(size);
                self.size = Some(size);
                Some(changed.then_some(Reaction::Relayout))
            }
            Event::Configure(c) if c.window == self.container || c.event == self.container => {
                Some(None)
            }
            Event::Destroy(d) if d.event == self.container && Some(d.window) == self.part => {
                self.part = None;
                Some(None)
            }
            _ => None,
        }
    }

    fn message(&mut self, conn: &Connection, msg: EmbedMessage) -> Option<Reaction> {
        match (msg, self.phase) {
            (EmbedMessage::EmbedReady { part }, Phase::Starting(_)) => {
                self.part = Some(part);
                self.phase = Phase::Active;
                conn.change_save_set(part, true);
                self.focus_before = conn
                    .get_input_focus()
                    .reply()
                    .map_or(WindowId::ROOT, |f| f.window);
                let size = conn.get_geometry(part).reply().ok()?.rect.size();
                self.size = Some(size);
                Some(Reaction::Ready)
            }
            (EmbedMessage::ContentChanged, Phase::Active) => {
                self.read(conn, true).map(Reaction::Content)
            }
            // The final publication after DEACTIVATE: the part may already be gone (it
            // exits), and the content read before DEACTIVATE stands.
            (EmbedMessage::ContentChanged, Phase::Closing(_)) => {
                self.read(conn, false).map(Reaction::Content)
            }
            (EmbedMessage::RequestDeactivate, Phase::Active) => Some(Reaction::Done),
            _ => None,
        }
    }

    /// The part's published content, if it can be read (failures reported when `loud`).
    fn read(&self, conn: &Connection, loud: bool) -> Option<Vec<u8>> {
        match read_content(conn, self.part?) {
            Ok(png) => png,
            Err(e) => {
                if loud {
                    eprintln!("ydoc: cannot read the part's content: {e}");
                }
                None
            }
        }
    }

    /// Ends the editing: reads the part's final content, sends DEACTIVATE, hides the part
    /// and gives the focus back. Returns the content.
    pub fn deactivate(&mut self, conn: &Connection, window: WindowId) -> Option<Vec<u8>> {
        let content = if self.is_active() {
            self.read(conn, true)
        } else {
            None
        };
        if let Some(part) = self.part {
            EmbedMessage::Deactivate.send(conn, part);
            conn.change_save_set(part, false);
            let focus = conn.get_input_focus().reply().map(|f| f.window);
            if focus.is_ok_and(|f| f == part || f.is_none()) {
                let back = match self.focus_before {
                    f if f == part || f.is_none() => window,
                    f => f,
                };
                conn.set_input_focus(back);
            }
        }
        conn.unmap_window(self.container);
        let _ = conn.flush();
        self.phase = Phase::Closing(Instant::now());
        content
    }

    /// Looks after the process and the time limits; true when the session is over (the
    /// part has gone) and the app should drop it, after [`Session::finish`].
    pub fn tick(&mut self) -> bool {
        let exited = !matches!(self.child.try_wait(), Ok(None));
        match self.phase {
            Phase::Closing(since) => exited || self.part.is_none() || since.elapsed() > END_LIMIT,
            Phase::Starting(since) => exited || since.elapsed() > START_LIMIT,
            Phase::Active => exited,
        }
    }

    /// Cleans up: the container window goes (with the part's window if still there),
    /// and the process is reaped (killed if it has not ended).
    pub fn finish(mut self, conn: &Connection) {
        conn.destroy_window(self.container);
        let _ = conn.flush();
        let end = Instant::now() + Duration::from_secs(1);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ypaint` next to this program's executable (they are installed and built together),
/// else whatever `ypaint` is on the PATH.
fn ypaint_path() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("ypaint")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("ypaint"))
}
