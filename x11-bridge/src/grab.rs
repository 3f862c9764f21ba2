//! Pixels out of the private X server: through a shared-memory segment when the server
//! has MIT-SHM 1.2 (a memfd passed to it: the X server writes the pixels straight into the
//! bridge's memory, nothing crosses its socket), else in GetImage replies.

use std::borrow::Cow;
use x11rb::connection::{Connection as _, RequestConnection as _};
use x11rb::protocol::shm::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _, ImageFormat};
use x11rb::rust_connection::RustConnection;
use yonder_protocol::Rect;

/// Takes pixels of X drawables, as Bgrx rows (depth 24 in 32 bits, least significant
/// byte first; a depth-32 window's alpha byte is where x is, and is not used).
pub struct Grabber {
    shm: Option<Segment>,
}

/// The segment the X server writes into.
struct Segment {
    seg: shm::Seg,
    map: memmap2::MmapMut,
}

impl Grabber {
    /// A grabber of images up to `bytes` through shared memory if the X server allows it.
    pub fn new(x: &RustConnection, bytes: usize) -> Grabber {
        Grabber {
            shm: Segment::attach(x, bytes),
        }
    }

    /// Whether images come through shared memory.
    pub fn shared(&self) -> bool {
        self.shm.is_some()
    }

    /// The Bgrx pixels of `r` (within `xw`, on the screen), or none if the X server
    /// refuses (the window went, or is not viewable).
    pub fn grab(
        &mut self,
        x: &RustConnection,
        xw: xproto::Window,
        r: Rect,
    ) -> Option<Cow<'_, [u8]>> {
        let clamp = |v: i32| v.clamp(0, i16::MAX as i32) as i16;
        let size = |v: u32| v.min(u16::MAX as u32) as u16;
        let (rx, ry, w, h) = (clamp(r.x), clamp(r.y), size(r.width), size(r.height));
        let bytes = w as usize * h as usize * 4;
        if let Some(s) = &self.shm {
            if bytes <= s.map.len() {
                let reply = x
                    .shm_get_image(xw, rx, ry, w, h, !0, ImageFormat::Z_PIXMAP.into(), s.seg, 0)
                    .ok()?
                    .reply()
                    .ok()?;
                if !matches!(reply.depth, 24 | 32) || reply.size as usize != bytes {
                    return None;
                }
                return Some(Cow::Borrowed(&s.map[..bytes]));
            }
        }
        let image = x
            .get_image(ImageFormat::Z_PIXMAP, xw, rx, ry, w, h, !0)
            .ok()?
            .reply()
            .ok()?;
        (matches!(image.depth, 24 | 32) && image.data.len() == bytes)
            .then_some(Cow::Owned(image.data))
    }
}

impl Segment {
    /// A memfd of `bytes`, mapped here and attached to the X server; none if the server
    /// has no MIT-SHM 1.2 or anything fails.
    fn attach(x: &RustConnection, bytes: usize) -> Option<Segment> {
        x.extension_information(shm::X11_EXTENSION_NAME).ok()??;
        let v = x.shm_query_version().ok()?.reply().ok()?;
        if (v.major_version, v.minor_version) < (1, 2) {
            return None;
        }
        let fd =
            rustix::fs::memfd_create("yonder-x11-grab", rustix::fs::MemfdFlags::CLOEXEC).ok()?;
        rustix::fs::ftruncate(&fd, bytes as u64).ok()?;
        // SAFETY: the memfd is the bridge's own, of `bytes` bytes, never truncated; the
        // X server writes into it only during a ShmGetImage, whose reply the bridge
        // waits for before reading.
        let map = unsafe { memmap2::MmapMut::map_mut(&fd) }.ok()?;
        let seg = x.generate_id().ok()?;
        x.shm_attach_fd(seg, fd, false).ok()?.check().ok()?;
        Some(Segment { seg, map })
    }
}
