//! Readiness for other event loops: one descriptor that stays the same for the
//! connection's life (an epoll instance, readable when the connection has something for
//! the app), and the [`Waker`] other threads use to wake the app's loop.
//!
//! Why an epoll instance and not the socket itself: the socket changes when the library
//! resumes a lost connection or moves the app to another display, and an event loop
//! would keep watching the dead one. The epoll instance watches the socket in force (the
//! transport swaps it in with [`Ready::watch`]) and an eventfd that the transport
//! signals whenever it queues something the app did not read itself (events read while
//! another thread waited for a reply, the display going and coming back, the end), and
//! that a [`Waker`] signals. It is made with the connection (three descriptors: the
//! epoll instance, the eventfd and the socket's duplicate), but raised only once the app
//! asked for the descriptor or a waker, so apps that do not use them pay no system call
//! per read.

use crate::io::Stream;
use crate::lock::{lock, Mutex};
use rustix::event::epoll;
use rustix::event::{eventfd, EventfdFlags, PollFd, PollFlags, Timespec};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The epoll instance behind `Connection::as_fd`, with what it watches.
pub(crate) struct Ready {
    epoll: OwnedFd,
    signal: Arc<Signal>,
    /// A duplicate of the socket registered now, to remove it when another takes its
    /// place (epoll removes by descriptor, and the transport's own may be closed by
    /// then). Locked only to swap.
    watched: Mutex<Option<OwnedFd>>,
}

/// The eventfd and the waker's flag, shared with every [`Waker`].
#[derive(Debug)]
struct Signal {
    fd: OwnedFd,
    /// A waker fired and the app has not been told yet (`Incoming::Woken`).
    woken: AtomicBool,
}

impl Signal {
    fn raise(&self) {
        // A full counter (2^64 - 2 raises unread) still reads as readable: nothing lost.
        let _ = rustix::io::write(&self.fd, &1u64.to_ne_bytes());
    }
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ready").finish_non_exhaustive()
    }
}

/// Wakes the loop of the thread that waits for the connection's events, from any thread:
/// its wait returns `Incoming::Woken` (`Connection::wait_for_event` and its kin), and a
/// loop polling `Connection::as_fd` sees the descriptor readable. Cheap to clone; it does
/// not keep the connection open.
#[derive(Debug, Clone)]
pub struct Waker(Arc<Signal>);

impl Waker {
    /// Wakes the waiting thread once (several wakes before it looks count as one).
    pub fn wake(&self) {
        self.0.woken.store(true, Ordering::Release);
        self.0.raise();
    }
}

impl Ready {
    /// A new epoll instance watching its eventfd and `stream`.
    pub(crate) fn new(stream: &Stream) -> io::Result<Ready> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        let fd = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        epoll::add(
            &epoll,
            &fd,
            epoll::EventData::new_u64(0),
            epoll::EventFlags::IN,
        )?;
        let ready = Ready {
            epoll,
            signal: Arc::new(Signal {
                fd,
                woken: AtomicBool::new(false),
            }),
            watched: Mutex::new(None),
        };
        ready.watch(stream);
        Ok(ready)
    }

    /// The descriptor an event loop polls for reading.
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.epoll.as_fd()
    }

    /// Watches `stream` instead of the socket watched before (a resumed or moved
    /// connection), through a duplicate of its descriptor (removed again by
    /// [`Ready::unwatch`] or the next watch). A failure leaves the eventfd, which this
    /// raises anyway, so the loop still wakes and polls.
    pub(crate) fn watch(&self, stream: &Stream) {
        let mut watched = lock(&self.watched);
        if let Some(old) = watched.take() {
            let _ = epoll::delete(&self.epoll, &old);
        }
        if let Ok(fd) = stream.fd().try_clone_to_owned() {
            let added = epoll::add(
                &self.epoll,
                &fd,
                epoll::EventData::new_u64(1),
                epoll::EventFlags::IN | epoll::EventFlags::RDHUP,
            );
            if added.is_ok() {
                *watched = Some(fd);
            }
        }
        drop(watched);
        self.signal.raise();
    }

    /// Stops watching the socket: the link is lost, and a dead socket would wake the
    /// loop for ever while the library reconnects.
    pub(crate) fn unwatch(&self) {
        if let Some(old) = lock(&self.watched).take() {
            let _ = epoll::delete(&self.epoll, &old);
        }
        self.signal.raise();
    }

    /// Tells the loop that something is queued (or the connection changed).
    pub(crate) fn raise(&self) {
        self.signal.raise();
    }

    /// Empties the eventfd: the app is about to find the queue empty. Called before the
    /// last look at the queue, so a raise after it is never lost.
    pub(crate) fn lower(&self) {
        let mut buf = [0u8; 8];
        let _ = rustix::io::read(&self.signal.fd, &mut buf);
    }

    /// Whether a waker fired since the last call (and no longer).
    pub(crate) fn take_woken(&self) -> bool {
        self.signal.woken.swap(false, Ordering::AcqRel)
    }

    /// A waker for other threads.
    pub(crate) fn waker(&self) -> Waker {
        Waker(Arc::clone(&self.signal))
    }

    /// Waits until the descriptor is readable or `timeout` (`None`: no limit) passes.
    pub(crate) fn wait(&self, timeout: Option<Duration>) -> io::Result<()> {
        let ts = timeout.map(|t| Timespec {
            tv_sec: t.as_secs().min(i64::MAX as u64) as i64,
            tv_nsec: i64::from(t.subsec_nanos()),
        });
        let mut fds = [PollFd::new(&self.epoll, PollFlags::IN)];
        match rustix::event::poll(&mut fds, ts.as_ref()) {
            Ok(_) | Err(rustix::io::Errno::INTR) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
