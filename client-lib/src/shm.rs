//! A shared-memory segment's memory on the client side: a memfd, sealed so it can never
//! shrink (the server refuses segments without that seal, since a shrinking file would
//! fault its reads), mapped read-write here. The descriptor goes to the server with
//! ShmAttach; the mapping stays here for the library to write pixels into.
//!
//! This module holds the library's only `unsafe` code: mapping the file.

use std::io;
use std::os::fd::OwnedFd;

use rustix::fs::{MemfdFlags, SealFlags};

/// A mapped memfd.
pub(crate) struct Mapping {
    map: memmap2::MmapMut,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("len", &self.map.len())
            .finish()
    }
}

impl Mapping {
    /// A new zero-filled segment of `len` bytes (> 0): the mapping, and the descriptor to
    /// send to the server.
    pub(crate) fn create(len: usize) -> io::Result<(Mapping, OwnedFd)> {
        let fd = rustix::fs::memfd_create(
            "yonder-shm",
            MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
        )?;
        rustix::fs::ftruncate(&fd, len as u64)?;
        // No one, the server included, can shrink it any more, or change the seals.
        rustix::fs::fcntl_add_seals(&fd, SealFlags::SHRINK | SealFlags::SEAL)?;
        Ok((
            Mapping {
                map: map(&fd, len)?,
            },
            fd,
        ))
    }

    /// The segment's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// The segment's bytes, to write pixels into.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.map
    }

    /// Its length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[allow(unsafe_code)]
fn map(fd: &OwnedFd, len: usize) -> io::Result<memmap2::MmapMut> {
    // SAFETY: mapping a file is unsafe because others may change or truncate it.
    // - The memfd was just created here and has no name in any file system; the only
    //   other holder will be the display server, which maps it read-only.
    // - It is sealed against shrinking (F_SEAL_SHRINK, and F_SEAL_SEAL so nobody can
    //   change that), so every page of the mapping stays backed: no SIGBUS.
    // - The library writes through the mapping only under its image lock, and only to a
    //   part the server has finished reading (the reuse rule in `image`).
    unsafe { memmap2::MmapOptions::new().len(len).map_mut(fd) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_sealed_and_writable() {
        let (mut m, fd) = Mapping::create(8192).unwrap();
        assert_eq!(m.len(), 8192);
        m.bytes_mut()[100] = 7;
        let mut b = [0u8; 1];
        rustix::io::pread(&fd, &mut b, 100).unwrap();
        assert_eq!(b[0], 7);
        let seals = rustix::fs::fcntl_get_seals(&fd).unwrap();
        assert!(seals.contains(SealFlags::SHRINK));
        assert!(rustix::fs::ftruncate(&fd, 0).is_err());
    }
}
