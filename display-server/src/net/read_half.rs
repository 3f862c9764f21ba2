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
//!
//! [`InBuf`] holds what was read and not yet decoded. Its storage is zeroed once, when it
//! grows, and never per read; consumed frames only move a start offset, and the
//! leftover partial frame is moved to the front only when the free space runs low.

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
                // A short read that brought no descriptor emptied the socket: its
                // readiness is cleared with it (the closure answers WouldBlock to
                // `try_io`), so the next read waits for more rather than make a
                // `recvmsg` that can only fail (one system call of the five a round trip
                // took). Tokio's own `AsyncRead` does the same. Nothing is missed: the
                // epoll registration is edge-triggered, so data that comes after this
                // read is reported by the next wait. Linux ends a read after the data
                // that carried descriptors, whatever follows, so a read that brought
                // some is not taken as proof (the test
                // `a_read_that_brings_descriptors_is_not_taken_for_an_empty_socket`);
                // other systems may end it before, so only Linux clears. A client that
                // sends out-of-band data (`MSG_OOB`, where a read also stops) may leave
                // the rest of its own data unread until it writes again: only that
                // client waits.
                let mut drained = None;
                let read = sock.try_io(Interest::READABLE, || {
                    let had = fds.len();
                    let n = recv(sock, buf, fds)?;
                    if cfg!(target_os = "linux") && n > 0 && n < buf.len() && fds.len() == had {
                        drained = Some(n);
                        return Err(io::ErrorKind::WouldBlock.into());
                    }
                    Ok(n)
                });
                match (read, drained) {
                    (_, Some(n)) => return Ok(n),
                    (Err(e), None) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    (other, None) => return other,
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

/// Read chunk: the free space a read is offered (at least a quarter of it).
pub const READ_CHUNK: usize = 64 * 1024;

/// A connection's input: `data[start..end]` is received and not yet consumed.
#[derive(Debug)]
pub struct InBuf {
    /// Initialized storage; only `start..end` is meaningful.
    data: Vec<u8>,
    start: usize,
    end: usize,
}

impl Default for InBuf {
    fn default() -> Self {
        InBuf {
            data: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
        }
    }
}

impl InBuf {
    /// The bytes received and not yet consumed.
    pub fn bytes(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }

    /// Marks the first `n` bytes of [`InBuf::bytes`] as used.
    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            // After a huge frame, give the memory back.
            if self.data.len() > 4 * READ_CHUNK {
                self.data = vec![0; READ_CHUNK];
            }
        }
    }

    /// Reads once from `rd` into the free space; 0 means the peer closed its side.
    pub async fn read_from(&mut self, rd: &mut ReadHalf) -> io::Result<usize> {
        if self.data.len() - self.end < READ_CHUNK / 4 {
            self.data.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.data.len() - self.end < READ_CHUNK / 4 {
                // A frame larger than the storage: grow (zeroing the new part only).
                let grown = (self.end + READ_CHUNK).max(2 * self.data.len());
                self.data.resize(grown, 0);
            }
        }
        let n = rd.read(&mut self.data[self.end..]).await?;
        self.end += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn inbuf_keeps_unconsumed_bytes_across_reads_and_growth() {
        let input: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut rd = ReadHalf::Plain(Box::new(std::io::Cursor::new(input.clone())));
        let mut buf = InBuf::default();
        let mut seen = Vec::new();
        rt().block_on(async {
            let mut step = 0;
            loop {
                let n = buf.read_from(&mut rd).await.unwrap();
                // Consume unevenly, sometimes nothing (a frame larger than the buffer).
                let take = match step % 3 {
                    0 => 0,
                    1 => buf.bytes().len() / 3,
                    _ => buf.bytes().len(),
                };
                seen.extend_from_slice(&buf.bytes()[..take]);
                buf.consume(take);
                step += 1;
                if n == 0 {
                    break;
                }
            }
            seen.extend_from_slice(buf.bytes());
        });
        assert_eq!(seen, input);
    }

    /// Requests, then a frame whose descriptor comes in a `sendmsg` of its own, then
    /// more requests, all in the socket before the first read: the reads get every byte
    /// and the descriptor with no more data coming, although the first one is short.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_read_that_brings_descriptors_is_not_taken_for_an_empty_socket() {
        use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
        use std::io::Write;
        use std::os::fd::AsFd;

        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (mut ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        let (plain, with_fd, after) = (vec![1u8; 100], vec![2u8; 30], vec![3u8; 50]);
        ours.write_all(&plain).unwrap();
        let file = std::fs::File::open("/dev/null").unwrap();
        let fds = [file.as_fd()];
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        control.push(SendAncillaryMessage::ScmRights(&fds));
        let io = [io::IoSlice::new(&with_fd)];
        let sent = rustix::net::sendmsg(&ours, &io, &mut control, SendFlags::NOSIGNAL).unwrap();
        assert_eq!(sent, with_fd.len());
        ours.write_all(&after).unwrap();
        let want = [plain, with_fd, after].concat();
        rt.block_on(async {
            theirs.set_nonblocking(true).unwrap();
            let stream = tokio::net::UnixStream::from_std(theirs).unwrap();
            let (rd, _wr) = stream.into_split();
            let mut rd = ReadHalf::unix(rd);
            let mut got = Vec::new();
            let mut reads = 0;
            while got.len() < want.len() {
                let mut buf = [0u8; 4096];
                let wait = std::time::Duration::from_secs(5);
                let n = tokio::time::timeout(wait, rd.read(&mut buf))
                    .await
                    .expect("every byte read with no more data coming")
                    .unwrap();
                got.extend_from_slice(&buf[..n]);
                reads += 1;
            }
            assert_eq!(got, want);
            assert!(
                reads >= 2,
                "the kernel ends a read after a descriptor's data"
            );
            assert!(rd.take_fd().is_some(), "the descriptor");
            // Everything read and nothing more coming: the next read waits.
            let mut buf = [0u8; 16];
            let wait = std::time::Duration::from_millis(50);
            assert!(tokio::time::timeout(wait, rd.read(&mut buf)).await.is_err());
            drop(ours);
            assert_eq!(rd.read(&mut buf).await.unwrap(), 0, "the peer closed");
        });
    }
}
