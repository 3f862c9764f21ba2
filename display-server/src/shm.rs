//! Shared-memory segments (protocol 1.3, the `SHM` extension): memory files a local
//! client passed over its Unix socket, mapped read-only so ShmPutImage can take pixels
//! straight from them. This is the server's only `unsafe` code: mapping a file.
//!
//! What keeps a client from hurting the server through a segment:
//! - the file must be a memfd sealed with `F_SEAL_SHRINK` (checked here, and seals can
//!   never be removed), so it can never become shorter than the mapping; reading the
//!   mapping therefore cannot fault with SIGBUS, whatever the client does to the file;
//! - it must be at least as long as the size attached, and that size is bounded;
//! - the mapping is read-only, and the descriptor is closed right after mapping (the
//!   mapping keeps the memory alive), so segments cost no file descriptors;
//! - each client has a bounded number of segments, freed with it when it disconnects.

use std::fs::File;
use std::os::fd::OwnedFd;

use rustix::fs::SealFlags;

/// Largest segment one ShmAttach may map (1 GiB).
pub const MAX_SEGMENT_SIZE: u64 = 1 << 30;
/// Most segments one client may have attached at once.
pub const MAX_SEGMENTS_PER_CLIENT: usize = 16;

/// Why a descriptor cannot become a segment; every case is an Access error for the client.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    /// No descriptor came with the ShmAttach frame.
    #[error("no file descriptor came with ShmAttach (send it as SCM_RIGHTS with the frame, over a Unix socket)")]
    NoDescriptor,
    /// The file is not a memfd sealed against shrinking.
    #[error("the segment must be a memfd sealed with F_SEAL_SHRINK")]
    NotSealed,
    /// The file is shorter than the size attached.
    #[error("the file has {actual} bytes, fewer than the {size} attached")]
    TooShort {
        /// The size asked for.
        size: u64,
        /// The file's length.
        actual: u64,
    },
    /// The system refused (fstat or mmap failed).
    #[error("cannot map the segment: {0}")]
    System(#[from] std::io::Error),
}

/// A mapped segment.
pub struct Segment {
    map: memmap2::Mmap,
}

impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment")
            .field("len", &self.map.len())
            .finish()
    }
}

impl Segment {
    /// Checks `fd` and maps its first `size` bytes read-only. `size` must be 1 to
    /// [`MAX_SEGMENT_SIZE`] (the caller checks, to answer with a Value error).
    pub fn attach(fd: OwnedFd, size: u64) -> Result<Segment, AttachError> {
        debug_assert!(size > 0 && size <= MAX_SEGMENT_SIZE);
        // A file that cannot have seals (anything but a memfd or hugetlbfs file) fails here.
        let seals = rustix::fs::fcntl_get_seals(&fd).map_err(|_| AttachError::NotSealed)?;
        if !seals.contains(SealFlags::SHRINK) {
            return Err(AttachError::NotSealed);
        }
        let actual = rustix::fs::fstat(&fd)
            .map_err(std::io::Error::from)?
            .st_size
            .max(0) as u64;
        if actual < size {
            return Err(AttachError::TooShort { size, actual });
        }
        let file = File::from(fd);
        // SAFETY: mapping a file is unsafe because the file may change under the mapping.
        // - It cannot shrink: F_SEAL_SHRINK was checked above, and seals are permanent, so
        //   every mapped page stays backed and reads never raise SIGBUS.
        // - Its bytes may change while we read them (a client writing a segment it has
        //   handed to a pending ShmPutImage breaks the protocol). Bytes have no invalid
        //   values, so the worst outcome is a torn image for that client; slices of the
        //   mapping live only while one request is handled.
        // - The mapping is read-only (PROT_READ), so the server never writes client memory.
        let map = unsafe { memmap2::MmapOptions::new().len(size as usize).map(&file)? };
        Ok(Segment { map })
    }

    /// The segment's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.map.len() as u64
    }

    /// Whether it is empty (never, for an attached segment).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::{MemfdFlags, SealFlags};

    fn memfd(len: u64, seals: SealFlags) -> OwnedFd {
        let fd = rustix::fs::memfd_create("test", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING)
            .unwrap();
        rustix::fs::ftruncate(&fd, len).unwrap();
        if !seals.is_empty() {
            rustix::fs::fcntl_add_seals(&fd, seals).unwrap();
        }
        fd
    }

    #[test]
    fn sealed_memfd_maps_and_reads() {
        let fd = memfd(4096, SealFlags::SHRINK);
        rustix::io::pwrite(&fd, b"pixels", 10).unwrap();
        let seg = Segment::attach(fd, 4096).unwrap();
        assert_eq!(seg.len(), 4096);
        assert_eq!(&seg.bytes()[10..16], b"pixels");
    }

    #[test]
    fn unsealed_short_and_foreign_files_are_refused() {
        assert!(matches!(
            Segment::attach(memfd(4096, SealFlags::empty()), 4096),
            Err(AttachError::NotSealed)
        ));
        assert!(matches!(
            Segment::attach(memfd(100, SealFlags::SHRINK), 4096),
            Err(AttachError::TooShort {
                size: 4096,
                actual: 100
            })
        ));
        let file = tempfile::tempfile().unwrap();
        file.set_len(4096).unwrap();
        assert!(matches!(
            Segment::attach(OwnedFd::from(file), 4096),
            Err(AttachError::NotSealed)
        ));
    }

    #[test]
    fn a_sealed_segment_cannot_be_truncated_under_the_server() {
        let fd = memfd(8192, SealFlags::SHRINK);
        let keep = fd.try_clone().unwrap();
        let seg = Segment::attach(fd, 8192).unwrap();
        // The client's attempt to pull the pages away fails, so reading stays safe.
        assert!(rustix::fs::ftruncate(&keep, 0).is_err());
        assert_eq!(seg.bytes()[8191], 0);
    }
}
