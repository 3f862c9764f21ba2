//! A display's home, for the tests of apps that outlive their server (protocol.md §5.4,
//! §16.6): a temporary directory with the display's socket directory and cookie file, in
//! which `yonder-server` processes come and go (started, killed with SIGKILL, started
//! again on the same display); the apps run as child processes ([`crate::apps::spawn`])
//! with [`Home::env`], and the test looks through a trusted [`Observer`] of whichever
//! server runs now.

use crate::apps::Observer;
use crate::process::built_binary;
use crate::server::ServerProcess;
use std::path::PathBuf;
use std::process::Command;
use tempfile::TempDir;
use yonder::ConnectOptions;

/// The server binary, run as a process to be killed.
const SERVER: &str = "yonder-server";

/// A display's directory that `yonder-server` processes come and go on: display `:0`,
/// headless, without window manager, taking synthetic input.
pub struct Home {
    pub dir: TempDir,
    /// The screen's size, `WxH`.
    screen: String,
}

impl Home {
    /// A home whose servers have a screen of `width` × `height`.
    pub fn new(width: u32, height: u32) -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
            screen: format!("{width}x{height}"),
        }
    }

    /// The next servers' screen is `width` × `height` (a display that comes back with
    /// another size).
    pub fn set_screen(&mut self, width: u32, height: u32) {
        self.screen = format!("{width}x{height}");
    }

    pub fn socket(&self) -> PathBuf {
        yonder_server::display::socket_path(&self.dir.path().join("sockets"), 0)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// `yonder-server :0` here; waits until it serves.
    pub fn serve(&self) -> ServerProcess {
        self.serve_with(&[], &[])
    }

    /// [`Home::serve`] with `extra` arguments, started through `launcher` when it is not
    /// empty (a command the server's path and arguments are appended to, as
    /// [`crate::netns::NetPair::on_server`] gives).
    pub fn serve_with(&self, launcher: &[&str], extra: &[&str]) -> ServerProcess {
        let server = built_binary(SERVER);
        let mut cmd = match launcher.split_first() {
            Some((program, words)) => {
                let mut c = Command::new(program);
                c.args(words).arg(&server);
                c
            }
            None => Command::new(&server),
        };
        cmd.args([":0", "--headless", &self.screen, "--allow-synthetic-input"])
            .arg("--no-window-manager")
            .arg("--socket-dir")
            .arg(self.dir.path().join("sockets"))
            .arg("--cookie-file")
            .arg(self.dir.path().join("cookies"))
            .args(extra);
        let server = ServerProcess::spawn(cmd);
        assert_eq!(server.ready(), ":0");
        server
    }

    /// The display's cookie `name` (`:0`, or `:0+trusted`), as the first server wrote it.
    pub fn cookie(&self, name: &str) -> Vec<u8> {
        yonder_server::auth::read_cookie(&self.dir.path().join("cookies"), name)
            .expect("the display's cookies")
            .to_vec()
    }

    pub fn display(&self) -> String {
        format!("unix:{}", self.socket().display())
    }

    /// What an app needs in its environment to find the display: its name and (hex)
    /// cookie, to be passed to [`crate::apps::spawn`].
    pub fn env(&self) -> [(&'static str, String); 2] {
        [
            ("YONDER_DISPLAY", self.display()),
            ("YONDER_COOKIE", hex::encode(self.cookie(":0"))),
        ]
    }

    /// A trusted observer of the server running now; it ends with its connection (it is
    /// not under test), so a test makes a new one after a restart.
    pub fn observer(&self) -> Observer {
        Observer::connect(ConnectOptions {
            display: Some(self.display()),
            cookie: Some(self.cookie(":0+trusted")),
            reconnect: yonder::Reconnect::ExitAtOnce,
            ..Default::default()
        })
    }
}
