//! Starting a real server for a test.
//!
//! [`TestServer`] is THE way to run one: headless, in this process, on a socket in a
//! temporary directory that also holds its cookie file, synthetic input allowed, no window
//! manager unless asked for; dropping it stops the server cleanly. A test may change any
//! [`ServerConfig`] field first and give its own [`Screen`].
//!
//! [`ServerProcess`] runs the `yonder-server` binary instead, for the tests of what only
//! the binary does (its command line, readiness line, files, signals): stdout lines arrive
//! on a channel, stderr is collected, and dropping it kills the process.

use crate::process;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use yonder::{ConnectOptions, Connection};
use yonder_server::screen::{Headless, Screen};
use yonder_server::{ServerConfig, ServerHandle};

/// The screen size of a [`TestServer`] unless its config says otherwise.
pub const SCREEN_W: u32 = 320;
pub const SCREEN_H: u32 = 240;

/// Generous bound for anything a server process should do in milliseconds.
pub const WAIT: Duration = Duration::from_secs(10);

/// A server running in this process, on a socket in a temporary directory.
pub struct TestServer {
    pub handle: ServerHandle,
    pub dir: TempDir,
}

impl TestServer {
    /// A server with a bare screen: no window manager, so windows are exactly where their
    /// clients put them (what most tests assume).
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// A server whose built-in window manager frames, places and focuses top-levels.
    pub fn start_managed() -> TestServer {
        TestServer::start_with(|c| c.window_manager = true)
    }

    /// A server with a headless screen whose config `f` adjusts first.
    pub fn start_with(f: impl FnOnce(&mut ServerConfig)) -> TestServer {
        TestServer::start_on(f, |c| {
            Box::new(Headless::new(c.screen_width, c.screen_height))
        })
    }

    /// A server whose config `f` adjusts first, on the screen `screen` makes for it.
    pub fn start_on(
        f: impl FnOnce(&mut ServerConfig),
        screen: impl FnOnce(&ServerConfig) -> Box<dyn Screen>,
    ) -> TestServer {
        TestServer::start_in(tempfile::tempdir().unwrap(), f, screen)
    }

    /// Stops this server cleanly and starts another on the same display (its number,
    /// socket directory and cookie file), as a user restarting it would; `f` adjusts the
    /// new one's config as for [`TestServer::start_with`].
    pub fn restart_with(self, f: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let TestServer { handle, dir } = self;
        let number = handle.number;
        handle.shutdown();
        let f = |c: &mut ServerConfig| {
            c.display = Some(number);
            f(c);
        };
        TestServer::start_in(dir, f, |c| {
            Box::new(Headless::new(c.screen_width, c.screen_height))
        })
    }

    /// [`TestServer::restart_with`], but the old server stops as for an upgrade
    /// (`yonder-server --restart`): its clients are told a server comes back, and wait
    /// for it (protocol.md §5.4).
    pub fn upgrade_with(self, f: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let TestServer { handle, dir } = self;
        let number = handle.number;
        handle.shutdown_for_restart();
        let f = |c: &mut ServerConfig| {
            c.display = Some(number);
            f(c);
        };
        TestServer::start_in(dir, f, |c| {
            Box::new(Headless::new(c.screen_width, c.screen_height))
        })
    }

    /// A server whose sockets and cookie file are in `dir`.
    fn start_in(
        dir: TempDir,
        f: impl FnOnce(&mut ServerConfig),
        screen: impl FnOnce(&ServerConfig) -> Box<dyn Screen>,
    ) -> TestServer {
        let mut config = ServerConfig {
            socket_dir: Some(dir.path().join("sockets")),
            cookie_file: Some(dir.path().join("cookies")),
            screen_width: SCREEN_W,
            screen_height: SCREEN_H,
            allow_synthetic_input: true,
            window_manager: false,
            ..ServerConfig::default()
        };
        f(&mut config);
        let screen = screen(&config);
        let handle = yonder_server::start(config, screen).expect("server starts");
        TestServer { handle, dir }
    }

    /// The display name a client process is given: `unix:PATH`.
    pub fn display(&self) -> String {
        self.handle.unix_display()
    }

    /// An ordinary (untrusted, isolated) client's options.
    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            display: Some(self.handle.unix_display()),
            cookie: Some(self.handle.cookie.to_vec()),
            app_name: Some("test".into()),
            ..ConnectOptions::default()
        }
    }

    /// A trusted client's options: the display's trusted cookie, so that the test can
    /// read the whole screen and other clients' windows (protocol.md §19).
    pub fn trusted_options(&self) -> ConnectOptions {
        ConnectOptions {
            cookie: Some(self.handle.trusted_cookie.to_vec()),
            app_name: Some("trusted-test".into()),
            ..self.options()
        }
    }

    /// An ordinary client, isolated from the others.
    pub fn connect(&self) -> Connection {
        Connection::connect_with(self.options()).expect("connect")
    }

    /// A trusted client: it may read the screen and select input anywhere.
    pub fn connect_trusted(&self) -> Connection {
        Connection::connect_with(self.trusted_options()).expect("connect trusted")
    }
}

/// A running `yonder-server` process: its stdout lines arrive on a channel, its stderr is
/// collected; dropping it kills the process.
pub struct ServerProcess {
    pub child: Child,
    /// The stdout lines not taken yet.
    pub lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Spawns `cmd` (the binary with its arguments and environment) with stdin closed and
    /// stdout and stderr captured.
    pub fn spawn(mut cmd: Command) -> ServerProcess {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn yonder-server");
        process::register(&child);
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        ServerProcess {
            child,
            lines,
            stderr,
        }
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (at most [`WAIT`]) until stderr contains `text`.
    pub fn stderr_shows(&self, text: &str) -> bool {
        let end = Instant::now() + WAIT;
        while Instant::now() < end {
            if self.stderr().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// The next stdout line, waiting at most `timeout`.
    pub fn line_within(&self, timeout: Duration) -> String {
        match self.lines.recv_timeout(timeout) {
            Ok(l) => l,
            Err(e) => panic!(
                "no line on the server's stdout ({e:?}); stderr:\n{}",
                self.stderr()
            ),
        }
    }

    /// The next stdout line, waiting at most [`WAIT`].
    pub fn line(&self) -> String {
        self.line_within(WAIT)
    }

    /// Waits for the readiness line and returns the display it names.
    pub fn ready(&self) -> String {
        let line = self.line();
        let display = line
            .strip_prefix("YONDER_DISPLAY=")
            .unwrap_or_else(|| panic!("first stdout line is {line:?}"));
        display.to_string()
    }

    /// Sends SIGTERM (a clean stop).
    pub fn terminate(&self) {
        process::kill("-TERM", self.child.id());
    }

    /// Waits (at most `timeout`) for the process to exit.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        process::wait_child(&mut self.child, timeout).unwrap_or_else(|| {
            panic!(
                "server did not exit within {timeout:?}; stderr:\n{}",
                self.stderr()
            )
        })
    }

    /// SIGTERM, and waits (at most [`WAIT`]) for the process to exit.
    pub fn stop(mut self) -> ExitStatus {
        self.terminate();
        process::wait_child(&mut self.child, WAIT).unwrap_or_else(|| {
            panic!(
                "the server did not stop on SIGTERM; stderr:\n{}",
                self.stderr()
            )
        })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        process::unregister(self.child.id());
    }
}
