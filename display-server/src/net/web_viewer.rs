//! One web viewer on its WebSocket (protocol.md §20): the credential first, then frames
//! out and input in until the page goes.
//!
//! **Flow control.** The page acknowledges each frame once it has painted it; at most
//! [`MAX_UNACKED`] frames are out unacknowledged. While the page is behind, the state
//! thread only grows the viewer's dirty area (bounded, `state::viewers`), and the pixels
//! are read when the page has room: a slow page gets fewer, later frames, and nothing
//! queues up on the server. A page that stops reading altogether blocks only this task.
//!
//! **Input** goes to the state thread as the host window's does, in arrival order with
//! every other viewer's and the window's. What this viewer holds down (keys, buttons) is
//! released when it goes, so a closed tab leaves no key stuck.

use super::web_bridge::{self, Bridge, Clip, DropJob, MAX_CLIP};
use super::web_frame;
use super::web_input::{self, PageMessage, MAX_MESSAGE};
use crate::auth::Cookie;
use crate::command::{Command, InputEvent, ViewerId};
use crate::input::Wheel;
use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use yonder_protocol::request::Cursor;

/// The web viewer protocol's version (protocol.md §20), in the welcome. It is the
/// page's and server's alone: both come from the same binary.
pub const VERSION: u32 = 1;
/// Frames sent and not yet acknowledged, at most: two on a fast link (one is painted
/// while the next travels), one when acknowledgements take longer than
/// [`SLOW_ROUND_TRIP`] (a frame a round trip, each with the latest pixels, as VNC's
/// update requests give: a slow link does not carry the states in between).
pub const MAX_UNACKED: usize = 2;
/// The frame round trip (sent to painted and acknowledged) past which one frame at a
/// time is out.
pub const SLOW_ROUND_TRIP: Duration = Duration::from_millis(40);
/// How long a frame may take to go out before the page counts as gone (a link that
/// vanished without closing would otherwise hold its viewer and held keys).
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a page has to present its credential.
const CREDENTIAL_TIMEOUT: Duration = Duration::from_secs(10);
/// Viewers at once, at most; one more is refused with the reason.
pub const MAX_VIEWERS: usize = 32;
/// The close code of a refused credential (the 4000s are the application's).
pub const REFUSED: u16 = 4001;

/// What the viewers' tasks share: the credentials and the way to the state thread.
pub struct Viewing {
    /// The trusted cookie: sees and drives.
    pub trusted: Cookie,
    /// The `:N+web` cookie: sees and drives.
    pub web: Cookie,
    /// The `:N+view` cookie: sees only.
    pub view: Cookie,
    /// To the state thread.
    pub commands: mpsc::Sender<Command>,
    /// Viewers connected now.
    pub count: AtomicUsize,
    /// The clipboard and dropped files, shared by the driving viewers.
    pub bridge: web_bridge::Lazy,
}

/// What a credential admits to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Sees and drives.
    Drive,
    /// Sees only.
    View,
}

impl Viewing {
    /// What the hex `cookie` admits to, or why not. The ordinary cookie of apps admits
    /// to nothing here: a viewer is the user at the display (protocol.md §20.3).
    pub fn admit(&self, cookie: &str) -> Result<Access, String> {
        let Some(bytes) = yonder_address::cookie_file::parse_cookie_hex(cookie) else {
            return Err("no viewer credential: open the address yonder-server --print-web-url prints (it ends in #cookie=…)".into());
        };
        let eq = |c: &Cookie| crate::auth::cookies_equal(&bytes, c);
        // Every comparison is made, so the time taken does not say which matched.
        let (t, w, v) = (eq(&self.trusted), eq(&self.web), eq(&self.view));
        match (t | w, v) {
            (true, _) => Ok(Access::Drive),
            (false, true) => Ok(Access::View),
            _ => Err("this credential does not admit to the display (an app's cookie never does; use the :N+web or :N+view cookie)".into()),
        }
    }
}

/// Serves a viewer on a connection whose upgrade was answered; `read` is what came after
/// the request head.
pub async fn serve<S>(
    stream: S,
    read: Vec<u8>,
    viewing: Arc<Viewing>,
    peer: String,
    pending: tokio::sync::OwnedSemaphorePermit,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let ws = WebSocketStream::from_partially_read(stream, read, Role::Server, Some(config)).await;
    let (mut sink, mut source) = ws.split();
    let access = match tokio::time::timeout(CREDENTIAL_TIMEOUT, source.next()).await {
        Ok(Some(Ok(Message::Text(t)))) => match web_input::parse(&t) {
            Ok(PageMessage::Hello { cookie }) => viewing.admit(&cookie),
            _ => Err("the first message must be the credential".into()),
        },
        Ok(_) => Err("the first message must be the credential".into()),
        Err(_) => Err("no credential within 10 seconds".into()),
    };
    let access = access.and_then(|a| {
        let n = viewing.count.fetch_add(1, Ordering::AcqRel);
        if n >= MAX_VIEWERS {
            viewing.count.fetch_sub(1, Ordering::AcqRel);
            return Err(format!("{MAX_VIEWERS} viewers watch already"));
        }
        Ok(a)
    });
    // Admitted or not, it no longer waits at the door.
    drop(pending);
    let access = match access {
        Ok(a) => a,
        Err(reason) => {
            tracing::info!(%peer, %reason, "web viewer refused");
            let msg = serde_json::json!({"t": "refused", "reason": reason}).to_string();
            let _ = sink.send(Message::text(msg)).await;
            let _ = sink
                .send(Message::Close(Some(CloseFrame {
                    code: CloseCode::from(REFUSED),
                    reason: "refused".into(),
                })))
                .await;
            return;
        }
    };
    let mut viewer = Viewer {
        viewing: viewing.clone(),
        access,
        wake: Arc::new(Notify::new()),
        id: ViewerId(0),
        screen: (0, 0),
        wheel: Wheel::default(),
        held_keys: Vec::new(),
        held_buttons: Vec::new(),
        bridge: None,
        clip_in: Clip::default(),
        drop_in: None,
    };
    let why = viewer.run(&mut sink, &mut source).await;
    tracing::info!(%peer, viewer = viewer.id.0, %why, "web viewer gone");
    viewer.release().await;
    let _ = viewing
        .commands
        .send(Command::ViewerDetach(viewer.id))
        .await;
    viewing.count.fetch_sub(1, Ordering::AcqRel);
    let _ = sink.close().await;
}

struct Viewer {
    viewing: Arc<Viewing>,
    access: Access,
    wake: Arc<Notify>,
    id: ViewerId,
    /// The screen's size as last sent.
    screen: (u32, u32),
    wheel: Wheel,
    /// Keysyms and buttons this viewer holds down.
    held_keys: Vec<u32>,
    held_buttons: Vec<u8>,
    /// The clipboard and drops (a driving viewer's).
    bridge: Option<Arc<Bridge>>,
    /// The page's clipboard as its chunks come.
    clip_in: Clip,
    /// A dropped file as its chunks come: where, its type and bytes.
    drop_in: Option<(yonder_protocol::Point, String, Vec<u8>)>,
}

type Sink<S> = futures_util::stream::SplitSink<WebSocketStream<S>, Message>;
type Source<S> = futures_util::stream::SplitStream<WebSocketStream<S>>;

impl Viewer {
    /// Attaches, then sends frames and takes input until the page or the server goes;
    /// returns why it ended.
    async fn run<S>(&mut self, sink: &mut Sink<S>, source: &mut Source<S>) -> String
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        match self.watch(sink, source).await {
            Ok(never) => match never {},
            Err(why) => why,
        }
    }

    async fn watch<S>(
        &mut self,
        sink: &mut Sink<S>,
        source: &mut Source<S>,
    ) -> Result<std::convert::Infallible, String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let wake = self.wake.clone();
        let (id, w, h) = self
            .ask(|reply| Command::ViewerAttach { wake, reply })
            .await?;
        (self.id, self.screen) = (id, (w, h));
        let welcome = serde_json::json!({
            "t": "welcome",
            "version": VERSION,
            "width": w,
            "height": h,
            "view_only": self.access == Access::View,
        });
        say(sink, welcome).await?;
        if self.access == Access::Drive {
            let viewing = self.viewing.clone();
            self.bridge = tokio::task::spawn_blocking(move || viewing.bridge.get())
                .await
                .ok()
                .flatten();
        }
        let mut clips = self.bridge.as_ref().map(|b| b.to_pages.subscribe());
        let mut frames = Frames::new();
        loop {
            tokio::select! {
                msg = source.next() => self.heard(sink, msg, &mut frames).await?,
                clip = next_clip(&mut clips) => say(sink, clipboard_message(&clip)).await?,
                _ = self.wake.notified(), if frames.room() => self.send_frame(sink, &mut frames).await?,
            }
        }
    }

    /// One message from the page.
    async fn heard<S>(
        &mut self,
        sink: &mut Sink<S>,
        msg: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        frames: &mut Frames,
    ) -> Result<(), String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let text = match msg {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Ok(()),
            Some(Ok(Message::Close(_))) | None => return Err("the page went".into()),
            Some(Ok(_)) => return Err("a binary message from the page".into()),
            Some(Err(e)) => return Err(format!("the socket failed: {e}")),
        };
        match web_input::parse(&text).map_err(|e| e.0)? {
            PageMessage::Ack { seq } => {
                frames.acked(seq);
                Ok(())
            }
            PageMessage::Hello { .. } => Err("a second credential".into()),
            PageMessage::Resize { w, h } => self.resize(sink, w, h).await,
            PageMessage::Clip { mime, data, last } => self.clip(&mime, &data, last).await,
            PageMessage::Drop {
                x,
                y,
                mime,
                data,
                last,
                ..
            } => self.dropped(x, y, mime, &data, last).await,
            input => self.input(&input).await,
        }
    }

    /// Takes what the page has not seen and sends it: the pointer's shape when it
    /// changed, and a frame when something did.
    async fn send_frame<S>(&mut self, sink: &mut Sink<S>, frames: &mut Frames) -> Result<(), String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let viewer = self.id;
        let Some(frame) = self
            .ask(|reply| Command::ViewerPull { viewer, reply })
            .await?
        else {
            return Err("the server is stopping".into());
        };
        if frames.cursor != Some(frame.cursor) {
            frames.cursor = Some(frame.cursor);
            let css = web_frame::css_cursor(frame.cursor);
            say(sink, serde_json::json!({"t": "cursor", "css": css})).await?;
        }
        self.screen = (frame.width, frame.height);
        if frame.rects.is_empty() && frame.copies.is_empty() {
            return Ok(());
        }
        frames.seq = frames.seq.wrapping_add(1);
        let seq = frames.seq;
        let mut z = frames.stream.take().ok_or("encoding a frame failed")?;
        let (bytes, z) = tokio::task::spawn_blocking(move || {
            let bytes = web_frame::encode(seq, &frame, &mut z);
            (bytes, z)
        })
        .await
        .map_err(|_| "encoding a frame failed".to_string())?;
        frames.stream = Some(z);
        match tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::binary(bytes))).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err("the page went".into()),
            Err(_) => return Err("the page did not take a frame for 30 s".into()),
        }
        frames.unacked.push_back((seq, std::time::Instant::now()));
        Ok(())
    }

    /// Sends the state thread the command `make` builds around a reply channel, and
    /// waits for the reply.
    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, String> {
        let (tx, rx) = oneshot::channel();
        let stopping = || "the server is stopping".to_string();
        self.viewing
            .commands
            .send(make(tx))
            .await
            .map_err(|_| stopping())?;
        rx.await.map_err(|_| stopping())
    }

    /// Hands a page's input to the state thread (nothing from a view-only viewer).
    async fn input(&mut self, msg: &PageMessage) -> Result<(), String> {
        if self.access == Access::View {
            return Ok(());
        }
        for ev in web_input::input(msg, self.screen, &mut self.wheel) {
            match &ev {
                InputEvent::Key {
                    keysym, pressed, ..
                } => hold(&mut self.held_keys, *keysym, *pressed),
                InputEvent::Button { button, pressed } if *button < 4 || *button > 7 => {
                    hold(&mut self.held_buttons, *button, *pressed)
                }
                _ => {}
            }
            self.send_input(ev).await?;
        }
        Ok(())
    }

    /// Asks for the screen to be `w` × `h`; tells the page when that cannot be.
    async fn resize<S>(&mut self, sink: &mut Sink<S>, w: u32, h: u32) -> Result<(), String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let why = if self.access == Access::View {
            "a view-only viewer cannot resize the screen"
        } else {
            let viewer = self.id;
            let ask = |reply| Command::ViewerResize {
                viewer,
                width: w,
                height: h,
                reply,
            };
            if self.ask(ask).await? {
                return Ok(());
            }
            "this screen's size follows its window on the display's machine"
        };
        say(sink, serde_json::json!({"t": "notice", "text": why})).await
    }

    /// A chunk of the page's clipboard; the last one puts it on the display's.
    async fn clip(&mut self, mime: &str, data: &str, last: bool) -> Result<(), String> {
        let bytes = web_input::chunk_bytes(data).map_err(|e| e.0)?;
        let Some(bridge) = self.bridge.clone() else {
            return Ok(());
        };
        let mime = match mime {
            web_bridge::TEXT | web_bridge::PNG => mime,
            // Other types are not offered to apps.
            _ if !last => return Ok(()),
            _ => "",
        };
        if !mime.is_empty() {
            let total: usize = self.clip_in.items.iter().map(|(_, d)| d.len()).sum();
            if total + bytes.len() > MAX_CLIP {
                return Err(format!("a clipboard over {} MiB", MAX_CLIP >> 20));
            }
            match self.clip_in.items.iter_mut().find(|(m, _)| m == mime) {
                Some((_, d)) => d.extend_from_slice(&bytes),
                None => self.clip_in.items.push((mime.to_owned(), bytes)),
            }
        }
        if last {
            let clip = std::mem::take(&mut self.clip_in);
            if clip
                .items
                .iter()
                .any(|(m, d)| m == web_bridge::TEXT && std::str::from_utf8(d).is_err())
            {
                return Err("clipboard text that is not UTF-8".into());
            }
            bridge.offer(clip).await;
        }
        Ok(())
    }

    /// A chunk of a file dropped on the page; with the last one it is dragged onto what
    /// is at the drop point.
    async fn dropped(
        &mut self,
        x: f64,
        y: f64,
        mime: String,
        data: &str,
        last: bool,
    ) -> Result<(), String> {
        let bytes = web_input::chunk_bytes(data).map_err(|e| e.0)?;
        let Some(bridge) = self.bridge.clone() else {
            return Ok(());
        };
        let at = match web_input::input(&PageMessage::Move { x, y }, self.screen, &mut self.wheel)
            .first()
        {
            Some(InputEvent::Motion(p)) => *p,
            _ => return Ok(()),
        };
        let file = self
            .drop_in
            .get_or_insert_with(|| (at, mime.clone(), Vec::new()));
        if file.2.len() + bytes.len() > MAX_CLIP {
            self.drop_in = None;
            return Err(format!("a dropped file over {} MiB", MAX_CLIP >> 20));
        }
        file.2.extend_from_slice(&bytes);
        if !last {
            return Ok(());
        }
        let Some((at, mime, data)) = self.drop_in.take() else {
            return Ok(());
        };
        // Pictures go as PNG, the type apps take (§17.2); text as UTF-8 text.
        let (mime, data) = match mime.as_str() {
            "image/png" => (mime, data),
            m if m.starts_with("image/") => {
                match tokio::task::spawn_blocking(move || to_png(&data)).await {
                    Ok(Some(png)) => ("image/png".to_owned(), png),
                    _ => return Ok(()),
                }
            }
            "text/plain" | "" if std::str::from_utf8(&data).is_ok() => {
                ("text/plain;charset=utf-8".to_owned(), data)
            }
            _ => (mime, data),
        };
        let (placed, placed_rx) = oneshot::channel();
        let (dragging, dragging_rx) = oneshot::channel();
        let (answered, answered_rx) = oneshot::channel();
        let job = DropJob {
            at,
            mime,
            data,
            placed,
            dragging,
            answered,
        };
        if !bridge.drop_file(job) {
            return Ok(());
        }
        let step = Duration::from_secs(3);
        if !matches!(tokio::time::timeout(step, placed_rx).await, Ok(Ok(true))) {
            return Ok(());
        }
        self.send_input(InputEvent::Motion(at)).await?;
        let press = InputEvent::Button {
            button: 1,
            pressed: true,
        };
        self.send_input(press).await?;
        if matches!(tokio::time::timeout(step, dragging_rx).await, Ok(Ok(true))) {
            let off = yonder_protocol::Point::new(at.x + 1, at.y);
            self.send_input(InputEvent::Motion(off)).await?;
            self.send_input(InputEvent::Motion(at)).await?;
            let _ = tokio::time::timeout(step, answered_rx).await;
        }
        let release = InputEvent::Button {
            button: 1,
            pressed: false,
        };
        self.send_input(release).await
    }

    async fn send_input(&self, ev: InputEvent) -> Result<(), String> {
        self.viewing
            .commands
            .send(Command::Input(ev))
            .await
            .map_err(|_| "the server is stopping".to_string())
    }

    /// Releases what this viewer holds down.
    async fn release(&mut self) {
        let keys = self.held_keys.drain(..).map(|keysym| InputEvent::Key {
            keysym,
            text: String::new(),
            pressed: false,
            repeat: false,
        });
        let buttons = self
            .held_buttons
            .drain(..)
            .map(|button| InputEvent::Button {
                button,
                pressed: false,
            });
        for ev in keys.chain(buttons).collect::<Vec<_>>() {
            let _ = self.viewing.commands.send(Command::Input(ev)).await;
        }
    }
}

/// Notes `v` held down or let go.
fn hold<T: PartialEq>(held: &mut Vec<T>, v: T, down: bool) {
    held.retain(|h| *h != v);
    if down && held.len() < 64 {
        held.push(v);
    }
}

/// The frames of one connection: those out and not yet acknowledged (with when they
/// went), the smoothed round trip from a frame to its ack, the last number, the pointer
/// shape the page has, and the deflate stream (its page inflates with one of its own).
struct Frames {
    unacked: VecDeque<(u32, std::time::Instant)>,
    round_trip: Duration,
    seq: u32,
    cursor: Option<Cursor>,
    /// Lent to the encoding thread while a frame is made (a stream is costly to make).
    stream: Option<web_frame::Stream>,
}

impl Frames {
    fn new() -> Frames {
        Frames {
            unacked: VecDeque::new(),
            round_trip: Duration::ZERO,
            seq: 0,
            cursor: None,
            stream: Some(web_frame::Stream::default()),
        }
    }

    /// Frame `seq` and every one before it are painted.
    fn acked(&mut self, seq: u32) {
        while let Some(&(s, sent)) = self.unacked.front() {
            if s.wrapping_sub(seq) as i32 > 0 {
                break;
            }
            self.unacked.pop_front();
            self.round_trip = (self.round_trip * 3 + sent.elapsed()) / 4;
        }
    }

    /// Whether another frame may go: [`MAX_UNACKED`] out on a fast link, one past
    /// [`SLOW_ROUND_TRIP`].
    fn room(&self) -> bool {
        let depth = if self.round_trip > SLOW_ROUND_TRIP {
            1
        } else {
            MAX_UNACKED
        };
        self.unacked.len() < depth
    }
}

/// Sends the page a JSON message.
async fn say<S>(sink: &mut Sink<S>, m: serde_json::Value) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    sink.send(Message::text(m.to_string()))
        .await
        .map_err(|_| "the page went".to_string())
}

/// The `clipboard` message of what an app copied.
fn clipboard_message(clip: &Clip) -> serde_json::Value {
    use base64::Engine;
    let items: Vec<_> = clip
        .items
        .iter()
        .map(|(mime, data)| {
            serde_json::json!({
                "mime": mime,
                "data": base64::engine::general_purpose::STANDARD.encode(data),
            })
        })
        .collect();
    serde_json::json!({"t": "clipboard", "items": items})
}

/// The next clipboard the bridge hands out; never, without a bridge.
async fn next_clip(rx: &mut Option<tokio::sync::broadcast::Receiver<Arc<Clip>>>) -> Arc<Clip> {
    loop {
        match rx {
            Some(r) => match r.recv().await {
                Ok(c) => return c,
                // Missed some: the next is the latest anyway.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => *rx = None,
            },
            None => std::future::pending::<()>().await,
        }
    }
}

/// A picture of any type the `image` crate reads, as PNG.
fn to_png(data: &[u8]) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .ok()?;
    // A small file may claim a huge picture: at most 64 Mpixels are decoded.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(256 << 20);
    limits.max_image_width = Some(16384);
    limits.max_image_height = Some(16384);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}
