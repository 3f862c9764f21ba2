//! The windowed screen: a winit window *is* the screen, presented through softbuffer.
//!
//! Threads: winit owns the main thread (it must, on every platform) and runs [`HostApp`];
//! the server's state thread composes frames. They meet in [`SharedFrame`], a mutex held
//! only to copy damaged rows in (state thread) or out (main thread: the rows changed
//! since the last present when softbuffer's buffer still holds it, else all), and
//! in two wake-ups: the state thread sends `FrameReady` through the `EventLoopProxy` (at
//! most one outstanding, see `wake_pending`), the main thread sends input to the state
//! thread over the server's command channel. Nothing spins: an idle server sleeps in
//! winit's `ControlFlow::Wait` and in the state thread's channel receive.

use super::keymap::{self, Wheel};
use super::Screen;
use crate::command::Command;
use crate::command::InputEvent;
use crate::config::ServerConfig;
use crate::net::server::{self, ServerHandle};
use crate::state::Framebuffer;
use std::num::NonZeroU32;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy};
use winit::window::{CursorIcon, Window, WindowId};
use yonder_protocol::request::Cursor;
use yonder_protocol::{Point, Rect};

/// Wake-ups for the main thread.
#[derive(Debug)]
pub enum HostEvent {
    /// The state thread composed a new frame.
    FrameReady,
    /// Show this pointer shape.
    Cursor(Cursor),
    /// Stop (a signal arrived).
    Quit,
}

/// The composed screen as the main thread will present it.
#[derive(Default)]
struct SharedFrame {
    width: u32,
    height: u32,
    pixels: Vec<u32>,
    damage: Vec<Rect>,
}

/// The state thread's side: copies damage into the shared frame and wakes the main thread.
pub struct WinitScreen {
    width: u32,
    height: u32,
    scale: f64,
    frame: Arc<Mutex<SharedFrame>>,
    /// True while a FrameReady is on its way and not yet presented, so a busy state
    /// thread does not flood the event loop with wake-ups.
    wake_pending: Arc<AtomicBool>,
    proxy: EventLoopProxy<HostEvent>,
}

impl Screen for WinitScreen {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn scale_factor(&self) -> f64 {
        self.scale
    }

    fn present(&mut self, fb: &Framebuffer, damage: &[Rect]) {
        {
            let mut f = self.frame.lock().unwrap_or_else(|e| e.into_inner());
            let full = Rect::new(0, 0, fb.width, fb.height);
            if (f.width, f.height) != (fb.width, fb.height) {
                f.width = fb.width;
                f.height = fb.height;
                f.pixels = fb.pixels.clone();
                f.damage = vec![full];
            } else {
                let stride = fb.width as usize;
                for d in damage.iter().filter_map(|d| d.intersect(&full)) {
                    for y in d.y as usize..d.bottom() as usize {
                        let row = y * stride;
                        let (a, b) = (row + d.x as usize, row + d.right() as usize);
                        f.pixels[a..b].copy_from_slice(&fb.pixels[a..b]);
                    }
                    f.damage.push(d);
                }
            }
        }
        if !self.wake_pending.swap(true, Ordering::AcqRel) {
            let _ = self.proxy.send_event(HostEvent::FrameReady);
        }
    }

    fn set_cursor(&mut self, cursor: Cursor) {
        let _ = self.proxy.send_event(HostEvent::Cursor(cursor));
    }
}

fn cursor_icon(c: Cursor) -> Option<CursorIcon> {
    Some(match c {
        Cursor::Inherit | Cursor::Default => CursorIcon::Default,
        Cursor::Pointer => CursorIcon::Pointer,
        Cursor::Text => CursorIcon::Text,
        Cursor::Crosshair => CursorIcon::Crosshair,
        Cursor::Move => CursorIcon::Move,
        Cursor::Wait => CursorIcon::Wait,
        Cursor::Progress => CursorIcon::Progress,
        Cursor::NotAllowed => CursorIcon::NotAllowed,
        Cursor::Help => CursorIcon::Help,
        Cursor::Grab => CursorIcon::Grab,
        Cursor::Grabbing => CursorIcon::Grabbing,
        Cursor::EwResize => CursorIcon::EwResize,
        Cursor::NsResize => CursorIcon::NsResize,
        Cursor::NwseResize => CursorIcon::NwseResize,
        Cursor::NeswResize => CursorIcon::NeswResize,
        Cursor::Copy => CursorIcon::Copy,
        Cursor::Alias => CursorIcon::Alias,
        Cursor::Hidden => return None,
    })
}

/// What the host window needs once it exists.
struct Presenter {
    window: Rc<Window>,
    surface: softbuffer::Surface<Rc<Window>, Rc<Window>>,
    _context: softbuffer::Context<Rc<Window>>,
}

/// The main thread's side: the winit application.
struct HostApp<F: FnMut(&ServerHandle)> {
    config: ServerConfig,
    size: (u32, u32),
    proxy: EventLoopProxy<HostEvent>,
    frame: Arc<Mutex<SharedFrame>>,
    wake_pending: Arc<AtomicBool>,
    on_ready: F,
    server: Option<ServerHandle>,
    presenter: Option<Presenter>,
    error: Option<String>,
    wheel: Wheel,
    frame_interval: Duration,
    last_present: Option<Instant>,
    redraw_due: Option<Instant>,
    /// The next redraw is one this side asked for (a frame is ready): it presents the
    /// damage. Any other was asked by the host (an expose) and presents everything.
    ours: bool,
}

impl<F: FnMut(&ServerHandle)> HostApp<F> {
    fn send(&self, cmd: Command) {
        if let Some(s) = &self.server {
            // The main thread is not inside the runtime, so blocking here is allowed; the
            // state thread drains the queue quickly, so this waits only under a flood.
            let _ = s.input_sender().blocking_send(cmd);
        }
    }

    fn input(&self, ev: InputEvent) {
        self.send(Command::Input(ev));
    }

    fn start(&mut self, el: &ActiveEventLoop) -> Result<(), String> {
        let attrs = Window::default_attributes()
            .with_title("Yonder")
            .with_inner_size(PhysicalSize::new(self.size.0, self.size.1));
        let window = Rc::new(
            el.create_window(attrs)
                .map_err(|e| format!("cannot open a window: {e}"))?,
        );
        let context =
            softbuffer::Context::new(window.clone()).map_err(|e| format!("softbuffer: {e}"))?;
        let surface = softbuffer::Surface::new(&context, window.clone())
            .map_err(|e| format!("softbuffer: {e}"))?;
        let inner = window.inner_size();
        let (w, h) = (inner.width.max(1), inner.height.max(1));
        if let Some(mhz) = window
            .current_monitor()
            .and_then(|m| m.refresh_rate_millihertz())
        {
            self.frame_interval = Duration::from_secs_f64(1000.0 / mhz.max(1000) as f64);
        }
        let screen = WinitScreen {
            width: w,
            height: h,
            scale: window.scale_factor(),
            frame: self.frame.clone(),
            wake_pending: self.wake_pending.clone(),
            proxy: self.proxy.clone(),
        };
        let config = ServerConfig {
            screen_width: w,
            screen_height: h,
            ..self.config.clone()
        };
        let server =
            server::start(config, Box::new(screen)).map_err(|e| format!("cannot start: {e}"))?;
        window.set_title(&format!("Yonder {}", server.display));
        let proxy = self.proxy.clone();
        server.on_signal(move || {
            let _ = proxy.send_event(HostEvent::Quit);
        });
        (self.on_ready)(&server);
        self.server = Some(server);
        self.presenter = Some(Presenter {
            window,
            surface,
            _context: context,
        });
        Ok(())
    }

    fn redraw(&mut self) {
        self.wake_pending.store(false, Ordering::Release);
        let host = !std::mem::take(&mut self.ours);
        let Some(p) = self.presenter.as_mut() else {
            return;
        };
        let mut f = self.frame.lock().unwrap_or_else(|e| e.into_inner());
        let (Some(w), Some(h)) = (NonZeroU32::new(f.width), NonZeroU32::new(f.height)) else {
            return;
        };
        let full = softbuffer::Rect {
            x: 0,
            y: 0,
            width: w,
            height: h,
        };
        let changed: Vec<softbuffer::Rect> = std::mem::take(&mut f.damage)
            .into_iter()
            .filter_map(|d| {
                // Cut to the frame: the copy below reads these rows.
                let x = d.x.max(0) as u32;
                let y = d.y.max(0) as u32;
                let right = (d.x as i64 + d.width as i64).clamp(0, f.width as i64) as u32;
                let bottom = (d.y as i64 + d.height as i64).clamp(0, f.height as i64) as u32;
                Some(softbuffer::Rect {
                    x,
                    y,
                    width: NonZeroU32::new(right.checked_sub(x)?)?,
                    height: NonZeroU32::new(bottom.checked_sub(y)?)?,
                })
            })
            .collect();
        if !host && changed.is_empty() {
            // Ours, and nothing on the screen changed: nothing to show.
            return;
        }
        if p.surface.resize(w, h).is_err() {
            return;
        }
        let Ok(mut buffer) = p.surface.buffer_mut() else {
            return;
        };
        // The refresh slot starts now, not once the copy is done (else presents drift
        // past the interval, to about 58 a second at 60 Hz).
        self.last_present = Some(Instant::now());
        if buffer.age() == 1 && !host {
            // The buffer holds the last frame presented: only what changed since is copied
            // (a whole 1280x800 frame is 4 MB, most of a small change's time).
            let stride = f.width as usize;
            for r in &changed {
                for row in r.y as usize..(r.y + r.height.get()) as usize {
                    let start = row * stride + r.x as usize;
                    let span = start..start + r.width.get() as usize;
                    buffer[span.clone()].copy_from_slice(&f.pixels[span]);
                }
            }
        } else {
            buffer.copy_from_slice(&f.pixels);
        }
        drop(f);
        // A redraw the host asked for (the window was exposed) shows all of it.
        let damage = if host { vec![full] } else { changed };
        if let Err(e) = buffer.present_with_damage(&damage) {
            tracing::warn!("present: {e}");
        }
    }

    /// Presents now, or schedules it for the next refresh slot (at most one per refresh).
    fn frame_ready(&mut self, el: &ActiveEventLoop) {
        let due = self
            .last_present
            .map_or(Instant::now(), |t| t + self.frame_interval);
        if due <= Instant::now() {
            if let Some(p) = &self.presenter {
                self.ours = true;
                p.window.request_redraw();
            }
        } else {
            self.redraw_due = Some(due);
            el.set_control_flow(ControlFlow::WaitUntil(due));
        }
    }
}

impl<F: FnMut(&ServerHandle)> ApplicationHandler<HostEvent> for HostApp<F> {
    fn resumed(&mut self, el: &ActiveEventLoop) {
        if self.presenter.is_none() {
            if let Err(e) = self.start(el) {
                self.error = Some(e);
                el.exit();
            }
        }
    }

    fn new_events(&mut self, el: &ActiveEventLoop, cause: StartCause) {
        if let StartCause::ResumeTimeReached { .. } = cause {
            if self.redraw_due.take().is_some() {
                el.set_control_flow(ControlFlow::Wait);
                if let Some(p) = &self.presenter {
                    self.ours = true;
                    p.window.request_redraw();
                }
            }
        }
    }

    fn user_event(&mut self, el: &ActiveEventLoop, event: HostEvent) {
        match event {
            HostEvent::FrameReady => self.frame_ready(el),
            HostEvent::Cursor(c) => {
                if let Some(p) = &self.presenter {
                    match cursor_icon(c) {
                        Some(icon) => {
                            p.window.set_cursor_visible(true);
                            p.window.set_cursor(icon);
                        }
                        None => p.window.set_cursor_visible(false),
                    }
                }
            }
            HostEvent::Quit => el.exit(),
        }
    }

    fn window_event(&mut self, el: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::CloseRequested | WindowEvent::Destroyed => el.exit(),
            WindowEvent::RedrawRequested => self.redraw(),
            WindowEvent::Resized(size) => self.send(Command::ScreenResized {
                width: size.width.max(1),
                height: size.height.max(1),
            }),
            WindowEvent::ScaleFactorChanged { scale_factor, .. } => {
                self.send(Command::ScaleChanged(scale_factor))
            }
            WindowEvent::CursorMoved { position, .. } => self.input(InputEvent::Motion(
                Point::new(position.x.round() as i32, position.y.round() as i32),
            )),
            WindowEvent::MouseInput { state, button, .. } => {
                if let Some(button) = keymap::button_number(button) {
                    self.input(InputEvent::Button {
                        button,
                        pressed: state == ElementState::Pressed,
                    });
                }
            }
            WindowEvent::MouseWheel { delta, .. } => {
                for ev in self.wheel.events(delta) {
                    self.input(ev);
                }
            }
            WindowEvent::KeyboardInput { event, .. } => {
                if let Some(keysym) = keymap::keysym_of(&event.logical_key, event.location) {
                    let pressed = event.state == ElementState::Pressed;
                    let text = if pressed {
                        event
                            .text
                            .as_ref()
                            .map(|t| t.to_string())
                            .unwrap_or_default()
                    } else {
                        String::new()
                    };
                    self.input(InputEvent::Key {
                        keysym,
                        text,
                        pressed,
                        repeat: event.repeat,
                    });
                }
            }
            _ => {}
        }
    }
}

/// Runs the server in a host window of `width`×`height` until the window is closed or a
/// signal arrives. `on_ready` is called once the server accepts clients.
pub fn run(config: ServerConfig, on_ready: impl FnMut(&ServerHandle)) -> Result<(), String> {
    let event_loop = EventLoop::<HostEvent>::with_user_event()
        .build()
        .map_err(|e| format!("no display to open a window on: {e}"))?;
    event_loop.set_control_flow(ControlFlow::Wait);
    let mut app = HostApp {
        size: (config.screen_width, config.screen_height),
        config,
        proxy: event_loop.create_proxy(),
        frame: Arc::default(),
        wake_pending: Arc::default(),
        on_ready,
        server: None,
        presenter: None,
        error: None,
        wheel: Wheel::default(),
        frame_interval: Duration::from_micros(16_667),
        last_present: None,
        redraw_due: None,
        ours: false,
    };
    event_loop
        .run_app(&mut app)
        .map_err(|e| format!("event loop: {e}"))?;
    if let Some(server) = app.server.take() {
        server.shutdown();
    }
    app.error.map_or(Ok(()), Err)
}
