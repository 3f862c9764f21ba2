//! X programs' Yonder connections, opened off the loop: connecting takes round trips (two
//! or more on a slow link), and the loop must not stop every other program's windows
//! meanwhile. A program's first mapped window starts a thread that connects; the windows
//! it maps meanwhile wait; when the connection is there, with the Yonder atoms its hints
//! will need asked for on the same thread (a byte on a pipe wakes the loop), they are
//! shown, those still mapped. A failed connection shows nothing, and the
//! program's next map tries again.

use super::{options, App, Bridge};
use rustix::pipe::PipeFlags;
use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::mpsc;
use std::sync::Arc;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use yonder::prelude::*;
use yonder::Connection;

/// A connection opened on a thread: the program (its resource-id base) and the result,
/// with the atoms its hints will need.
type Opened = (u32, Result<(Connection, Atoms), String>);

/// Yonder atoms by name.
type Atoms = Vec<(String, yonder_protocol::Atom)>;

/// A window waiting to be shown: the X window, and whether it is override-redirect.
type Waiting = (xproto::Window, bool);

/// The connections being opened.
pub(super) struct Connector {
    tx: mpsc::Sender<Opened>,
    rx: mpsc::Receiver<Opened>,
    /// Written by a thread when its connection is ready; polled by the loop.
    wake_read: OwnedFd,
    wake_write: Arc<OwnedFd>,
    /// Per program being connected: its windows mapped meanwhile (override-redirect or
    /// not), in order.
    waiting: HashMap<u32, Vec<Waiting>>,
}

impl Connector {
    pub(super) fn new() -> Result<Connector, String> {
        let (wake_read, wake_write) =
            rustix::pipe::pipe_with(PipeFlags::CLOEXEC | PipeFlags::NONBLOCK)
                .map_err(|e| format!("cannot make a pipe: {e}"))?;
        let (tx, rx) = mpsc::channel();
        Ok(Connector {
            tx,
            rx,
            wake_read,
            wake_write: Arc::new(wake_write),
            waiting: HashMap::new(),
        })
    }

    /// What the loop polls to hear of a finished connection.
    pub(super) fn fd(&self) -> BorrowedFd<'_> {
        self.wake_read.as_fd()
    }

    /// Window `xw` of program `base` (named `name`) waits for the program's connection,
    /// which starts opening if it is not yet.
    pub(super) fn wait(&mut self, base: u32, name: String, xw: xproto::Window, or: bool) {
        if let Some(windows) = self.waiting.get_mut(&base) {
            if !windows.iter().any(|(w, _)| *w == xw) {
                windows.push((xw, or));
            }
            return;
        }
        self.waiting.insert(base, vec![(xw, or)]);
        let (tx, wake) = (self.tx.clone(), self.wake_write.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("connect {name}"))
            .spawn(move || {
                let opened = Connection::connect_with(options(&name))
                    .map(|conn| {
                        let atoms = crate::hints::preload(&conn);
                        (conn, atoms)
                    })
                    .map_err(|e| format!("cannot connect {name} to the Yonder display: {e}"));
                let _ = tx.send((base, opened));
                let _ = rustix::io::write(&*wake, &[1]);
            });
        if spawned.is_err() {
            self.waiting.remove(&base);
        }
    }

    /// `xw` was unmapped or destroyed: it no longer waits to be shown.
    pub(super) fn forget(&mut self, xw: xproto::Window) {
        for windows in self.waiting.values_mut() {
            windows.retain(|(w, _)| *w != xw);
        }
    }

    /// The connections opened since the last look, each with its waiting windows.
    fn opened(&mut self) -> Vec<(Opened, Vec<Waiting>)> {
        let mut drain = [0u8; 64];
        while matches!(rustix::io::read(&self.wake_read, &mut drain), Ok(n) if n > 0) {}
        let mut out = Vec::new();
        while let Ok((base, opened)) = self.rx.try_recv() {
            let windows = self.waiting.remove(&base).unwrap_or_default();
            out.push(((base, opened), windows));
        }
        out
    }
}

impl Bridge {
    /// The programs whose connections are now open: their waiting windows, still mapped,
    /// are shown.
    pub(super) fn connected(&mut self) {
        for ((base, opened), windows) in self.connector.opened() {
            let conn = match opened {
                Ok((conn, atoms)) => {
                    self.names.seed(base, atoms);
                    conn
                }
                Err(e) => {
                    eprintln!("yonder-x11: {e}");
                    continue;
                }
            };
            let gc = conn.new_gc_id();
            conn.create_gc(gc, conn.root(), Default::default());
            self.apps.insert(base, App { conn, gc });
            for (xw, or) in windows {
                let mapped = self
                    .x
                    .get_window_attributes(xw)
                    .ok()
                    .and_then(|c| c.reply().ok())
                    .is_some_and(|a| a.map_state != xproto::MapState::UNMAPPED);
                if mapped {
                    self.show(xw, or);
                }
            }
            // A program all of whose waiting windows went meanwhile needs no connection.
            if !self.mirrors.values().any(|m| m.app == base) {
                self.apps.remove(&base);
            }
        }
    }
}
