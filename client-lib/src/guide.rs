//! A guide to writing apps with `yonder`, chapter by chapter. Every example here is
//! compiled with the tests; the runnable ones are in `client-lib/examples/` and run in CI.
//! For windows with back buffers, a run loop, clipboard and drag-and-drop helpers on top
//! of this library, see the `yonder-toolkit` crate.
//!
//! # 1. Connecting
//!
//! A display is named like X11's: `:N` (a local server, over a Unix socket), `HOST:N`
//! (TCP), `tls:HOST:N` (TLS with a pinned certificate) or `unix:PATH`.
//! [`Connection::connect`] with `None` takes `YONDER_DISPLAY`; the cookie comes from
//! `YONDER_COOKIE` or the cookie file, as the server printed it (`yonder-server
//! --print-cookie`). Connecting sends the hello and returns at once; the first call that
//! needs the server's answer waits for it. [`Connection::connect_and_wait`] waits at
//! once, so that a refusal shows up where the app connects:
//!
//! ```no_run
//! use yonder::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = Connection::connect_and_wait(None)?;
//! let screen = conn.screen()?;
//! println!("{}×{} pixels, scale {}", screen.width, screen.height, screen.scale_factor);
//! # Ok(()) }
//! ```
//!
//! Errors say what to do: no server (`is a server running there?`), no cookie (where the
//! library looked), a refusal (the server's reason). A lost connection is resumed by the
//! library (see [chapter 10](#10-when-the-display-goes-away)).
//!
//! # 2. Windows
//!
//! Ids are the client's: [`Connection::new_window_id`] needs no round trip, so an app
//! creates, draws and maps before the server has answered anything. A top-level window
//! is a child of [`Connection::root`]; the built-in window manager frames it, gives it a
//! title bar from [`PropertyExt::set_title`], and sends the close button as a
//! `WM_DELETE_WINDOW` message when the window lists it in `WM_PROTOCOLS`:
//!
//! ```no_run
//! use yonder::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let conn = Connection::connect(None)?;
//! let win = conn.new_window_id();
//! conn.create_window(win, conn.root(), Rect::new(0, 0, 320, 200), WindowAttributes {
//!     background: Some(Color::rgb(0xf4f1e8)),
//!     event_mask: Some(EventMask::EXPOSURE | EventMask::STRUCTURE_NOTIFY | EventMask::KEY_PRESS),
//!     ..Default::default()
//! });
//! conn.set_title(win, "Notes");
//! let delete = atoms::WM_DELETE_WINDOW.0.to_le_bytes().to_vec();
//! conn.change_property(win, atoms::WM_PROTOCOLS, atoms::ATOM, PropMode::Replace, delete);
//! conn.map_window(win);
//! conn.flush()?;
//! # Ok(()) }
//! ```
//!
//! Position (0, 0) lets the window manager place the window. A resize by the user comes
//! as [`Event::Configure`] on a window that selected `STRUCTURE_NOTIFY`.
//!
//! # 3. Drawing
//!
//! Drawing goes through a graphics context ([`ResourceExt::create_gc`], [`GcValues`]):
//! colour, line width, caps and joins, anti-aliasing, font size, clipping. The
//! primitives are X's ([`DrawExt`]): points, lines, segments, rectangles, arcs,
//! polygons, text, images, and copies between drawables. An app that redraws often draws
//! into a pixmap of the window's size (a back buffer) and copies it to the window in one
//! request, so the screen never shows half a frame:
//!
//! ```no_run
//! use yonder::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let conn = Connection::connect(None)?;
//! # let win = conn.new_window_id();
//! let gc = conn.new_gc_id();
//! conn.create_gc(gc, win, GcValues {
//!     foreground: Some(Color::rgb(0x3366cc)),
//!     antialias: Some(true),
//!     ..Default::default()
//! });
//! let back = conn.new_pixmap_id();
//! conn.create_pixmap(back, win, 320, 200);
//! conn.poly_fill_rectangle(back, gc, &[Rect::new(20, 20, 120, 60)]);
//! conn.copy_area(back, win, gc, Rect::new(0, 0, 320, 200), Point::new(0, 0));
//! # Ok(()) }
//! ```
//!
//! Requests are buffered: they go out when the buffer fills, at [`Connection::flush`],
//! and before every wait (for an event, a reply or a check).
//!
//! # 4. Events
//!
//! [`Connection::wait_for_event`] blocks, [`Connection::wait_for_event_timeout`] waits at
//! most so long (a clock's next tick), [`Connection::poll_for_event`] does not wait. Each
//! gives an [`Incoming`]: an event, a request error nobody waited for, a change of the
//! display, or a wake-up from another thread. [`Incoming::event`] gives the event alone:
//!
//! ```no_run
//! use yonder::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let conn = Connection::connect(None)?;
//! # let win = conn.new_window_id();
//! loop {
//!     let item = conn.wait_for_event()?;
//!     match item.event() {
//!         Some(Event::Expose(e)) if e.count == 0 => { /* redraw */ }
//!         Some(Event::Configure(e)) if e.window == win => { /* new size: e.rect */ }
//!         Some(Event::KeyPress(k)) if k.keysym == keysym::ESCAPE => break,
//!         Some(Event::ClientMessage(m)) if m.type_ == atoms::WM_PROTOCOLS => break,
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # 5. Keyboard and text input
//!
//! A [`KeyEvent`] carries the keysym (X11's values, [`keysym`]), the modifiers held and
//! the text the key produced. The text includes control characters (Backspace is
//! `"\u{8}"`, Return `"\r"`) and Ctrl+C gives `"c"` with Control held; so a text field
//! takes [`KeyEvent::typed`] (printable text only, nothing with Control, Alt or Super
//! held), recognises editing keys by keysym and shortcuts by [`KeyEvent::shortcut`]:
//!
//! ```no_run
//! use yonder::prelude::*;
//! fn key(text: &mut String, k: &KeyEvent) {
//!     match (k.shortcut(), k.keysym) {
//!         (Some('a'), _) => { /* select all */ }
//!         (_, keysym::BACKSPACE) => { text.pop(); }
//!         _ => text.push_str(k.typed()),
//!     }
//! }
//! ```
//!
//! Keyboard focus: the window manager focuses a top-level window when it is first mapped
//! (unless the user is typing into another app) and when it is clicked;
//! [`InputExt::set_input_focus`] asks for it.
//!
//! # 6. Text
//!
//! The server draws text with its faces (DejaVu Sans, Sans Bold and Sans Mono, protocol
//! 1.7: the GC's `font_face`) at the GC's `font_size` in pixels: [`DrawExt::draw_text`]
//! puts the left end of the baseline at the origin. The setup lists the faces with a
//! digest of each font (`conn.setup()?.fonts`), and protocol.md §9.52 says exactly where
//! each glyph goes; so a client with the same font (the `yonder-fonts` crate, which the
//! toolkit uses) measures text itself, with no round trip: widths, caret positions,
//! line heights. [`DrawExt::query_text_extents`] asks the server instead (for a font the
//! client lacks; several questions can be sent before the first answer is awaited), and
//! [`DrawExt::query_text_extents_batch`] asks about many texts in one request (protocol
//! 1.8: every prefix of a line, for its caret positions). The toolkit's `Window` picks
//! between the two ways by the digests. Text is antialiased unless the GC's
//! `text_antialias` is false (protocol 1.11): each pixel then is the foreground or
//! untouched, as with X's core fonts (crisp terminal text, and the cheapest to draw);
//! measurements are the same either way.
//!
//! ```no_run
//! use yonder::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let conn = Connection::connect(None)?;
//! # let win = conn.new_window_id();
//! let gc = conn.new_gc_id();
//! conn.create_gc(gc, win, GcValues {
//!     font_size: Some(16.0),
//!     font_face: Some(1), // DejaVu Sans Bold
//!     ..Default::default()
//! });
//! conn.draw_text(win, gc, Point::new(10, 30), "A heading");
//! let width = conn.query_text_extents(gc, "A heading").reply()?.width;
//! let carets = conn.query_text_extents_batch(gc, &["A", "A ", "A h"]).reply()?;
//! # let _ = (width, carets);
//! # Ok(()) }
//! ```
//!
//! # 7. Clipboard and selections
//!
//! Selections are X's: an owner ([`TransferExt::set_selection_owner`] on `CLIPBOARD` or
//! `PRIMARY`) answers each [`Event::SelectionRequest`] with the data in the asked type,
//! or a refusal; the type `TARGETS` asks for the list of types. Types are MIME names as
//! atoms (`text/plain;charset=utf-8`, `image/png`). A paste asks with
//! [`TransferExt::convert_selection`] and a tag, and collects the
//! [`Event::SelectionData`] chunks with that tag until `done`:
//!
//! ```no_run
//! use yonder::prelude::*;
//! use yonder::protocol::event::SelectionRequestEvent;
//!
//! /// Copy: own the selection (then answer its requests with `answer`).
//! fn copy(conn: &Connection, win: WindowId) {
//!     conn.set_selection_owner(atoms::CLIPBOARD, win, Default::default());
//! }
//!
//! /// What the owner does with each SelectionRequest event.
//! fn answer(conn: &Connection, e: &SelectionRequestEvent, utf8: Atom, text: &str) {
//!     if e.target == utf8 {
//!         conn.send_selection_bytes(e.transfer, text.as_bytes());
//!     } else {
//!         conn.refuse_selection(e.transfer);
//!     }
//! }
//!
//! /// Paste: ask; the SelectionData events with tag 7 bring the text, until `done`.
//! fn paste(conn: &Connection, win: WindowId, utf8: Atom) {
//!     conn.convert_selection(atoms::CLIPBOARD, utf8, win, 7);
//! }
//! ```
//!
//! (`utf8` is `conn.intern_atom("text/plain;charset=utf-8", false).reply()?.atom`.)
//!
//! The toolkit's `transfer::Offer` and `transfer::Receiver` do the TARGETS list, lazy
//! values and chunk assembly.
//!
//! # 8. Drag and drop
//!
//! A drag source calls [`TransferExt::start_drag`] while a button is held, with the types
//! and actions it offers and an icon pixmap; a target window selects
//! [`EventMask::DND`] and answers [`Event::DndPosition`] with
//! [`TransferExt::dnd_status`]. On [`Event::DndDrop`] the target converts the
//! `YONDER_DND` selection like a paste and ends with [`TransferExt::dnd_finish`]
//! (protocol.md §17). The toolkit's `transfer::DragSource` and `transfer::DropTarget` do
//! it all.
//!
//! # 9. Images
//!
//! [`DrawExt::put_image`] sends raw pixels (or a PNG or JPEG file's bytes, which the
//! server decodes) by the cheapest way the connection allows: shared memory with a local
//! server, lossless compression over TCP, else the request itself
//! ([`crate::ImageOptions`]). [`DrawExt::get_image`] reads pixels back. An image known
//! to be opaque (a photograph, a video frame, a rendered page) is cheapest as
//! [`ImageFormat::Rgbx`] (protocol 1.12): the server stores it without looking at each
//! pixel's alpha, which `Rgba` needs (the library sends it as `Rgba` to an older
//! display).
//!
//! # 10. When the display goes away
//!
//! A lost link or a restarted server does not end the app: the library keeps its
//! requests, reconnects, and replays the app's windows, pixmaps, properties and GCs; the
//! app sees Expose events and redraws. An app that wants to know looks for
//! [`Incoming::Display`]. One that wants X11's behaviour sets
//! [`crate::Reconnect::ExitAtOnce`] in [`crate::ConnectOptions`].
//!
//! # 11. Errors
//!
//! A request that fails comes back as an error: to its cookie when someone waits for it
//! ([`crate::Cookie::reply`], [`crate::VoidCookie::check`]), else as
//! [`Incoming::Error`] in the event queue, with the request's sequence number, the error
//! code and the bad value. A failed connection fails every later call with the same
//! [`crate::ConnectionError`].
//!
//! # 12. Other event loops and threads
//!
//! A [`Connection`] is `Send + Sync`: threads can share it, send requests and wait for
//! replies at once. An app with its own event loop (tokio's `AsyncFd`, mio, calloop,
//! glib) watches the connection's descriptor ([`std::os::fd::AsFd`]): when it is
//! readable, call [`Connection::poll_for_event`] until it returns `Ok(None)`. It is one
//! descriptor for the connection's life, across resumed connections and moves. With the
//! `async` feature, `AsyncEvents::new(&conn)?.next_event().await` waits for events on
//! tokio. A [`crate::Waker`] ([`Connection::waker`]) lets another thread wake the event
//! wait, which returns [`Incoming::Woken`]:
//!
//! ```no_run
//! use yonder::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let conn = Connection::connect(None)?;
//! let waker = conn.waker();
//! let (tx, rx) = std::sync::mpsc::channel();
//! std::thread::spawn(move || {
//!     tx.send("work done").ok();
//!     waker.wake();
//! });
//! loop {
//!     match conn.wait_for_event()? {
//!         Incoming::Woken => {
//!             println!("{}", rx.recv()?);
//!             break;
//!         }
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```

#[allow(unused_imports)] // What the guide's links name.
use crate::prelude::*;
