//! The read side of a client's socket: plain bytes for TCP, bytes and file descriptors
//! for Unix sockets. A local client passes the memory file of a shared-memory segment
//! (protocol 1.3, §15.3 of protocol.md) as `SCM_RIGHTS` ancillary data with the frame
//! of its ShmAttach; [`ReadHalf`] keeps the descriptors that arrive, oldest first, and the
//! connection hands one to each ShmAttach it decodes.
//!
//! Why this is sound with a byte stream: the kernel delivers a descriptor with the read
//! that returns the first byte written together with it, never later. The client sends
//! each descriptor with the first byte of its ShmAttach frame, and a frame is decoded
//! only once all of its bytes are here, so its descriptor is queued by then.
//!
//! Every read of a Unix socket goes through `recvmsg` (a plain `read` would make the
//! kernel close descriptors silently), from the hello on.

use std::collections::VecDeque;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;

use rustix::net::{RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags};
use tokio::io::{AsyncRead, AsyncReadExt, Interest};
use tokio::net::unix::OwnedReadHalf;

/// Most descriptors taken from one read; more in one message closes the connection.
const MAX_FDS_PER_READ: usize = 8;
/// Most descriptors waiting for their ShmAttach; more closes the connection (a client
/// that sends descriptors with other frames would otherwise pile them up).
pub const MAX_PENDING_FDS: usize = 8;

/// The read half of a connection.
pub enum ReadHalf {
    /// Bytes only (TCP, or any stream in tests).
    Plain(Box<dyn AsyncRead + Unpin + Send>),
    /// A Unix socket: bytes and descriptors.
    Unix {
        /// The socket.
        half: OwnedReadHalf,
        /// Descriptors received and not yet claimed by a ShmAttach, oldest first.
        fds: VecDeque<OwnedFd>,
    },
}

impl ReadHalf {
    /// A Unix socket's read half.
    pub fn unix(half: OwnedReadHalf) -> ReadHalf {
        ReadHalf::Unix {
            half,
            fds: VecDeque::new(),
        }
    }

    /// Whether descriptors can arrive here (the server offers `SHM` only then).
    pub fn passes_fds(&self) -> bool {
        matches!(self, ReadHalf::Unix { .. })
    }

    /// Reads some bytes into `buf`; 0 means the peer closed its side.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            ReadHalf::Plain(r) => r.read(buf).await,
            ReadHalf::Unix { half, fds } => loop {
                let sock = half.as_ref();
                sock.readable().await?;
                match sock.try_io(Interest::READABLE, || recv(sock, buf, fds)) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    other => return other,
                }
            },
        }
    }

    /// The oldest descriptor not yet claimed.
    pub fn take_fd(&mut self) -> Option<OwnedFd> {
        match self {
            ReadHalf::Plain(_) => None,
            ReadHalf::Unix { fds, .. } => fds.pop_front(),
        }
    }
}

/// One `recvmsg`: bytes into `buf`, descriptors onto `fds`.
fn recv(
    sock: &tokio::net::UnixStream,
    buf: &mut [u8],
    fds: &mut VecDeque<OwnedFd>,
) -> io::Result<usize> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_FDS_PER_READ))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let got = rustix::net::recvmsg(
        sock,
        &mut [io::IoSliceMut::new(buf)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )?;
    for msg in control.drain() {
        if let RecvAncillaryMessage::ScmRights(received) = msg {
            fds.extend(received);
        }
    }
    if got.flags.contains(ReturnFlags::CTRUNC) {
        return Err(io::Error::other(format!(
            "more than {MAX_FDS_PER_READ} file descriptors in one message"
        )));
    }
    if fds.len() > MAX_PENDING_FDS {
        return Err(io::Error::other(format!(
            "more than {MAX_PENDING_FDS} file descriptors without a ShmAttach"
        )));
    }
    Ok(got.bytes)
}
