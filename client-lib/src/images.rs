//! How raw images travel: [`DrawExt::put_image`](crate::DrawExt::put_image) picks, for
//! each raw image, the cheapest way the connection allows. Nothing here ever waits for the
//! setup reply: an image put before it arrives goes in the request, so a first frame costs
//! no round trip.
//!
//! 1. **Shared memory** (local clients, protocol 1.3 `SHM`): when the server offered `SHM`
//!    and the image has at least [`SHM_MIN_BYTES`], the pixels go into a memfd segment the
//!    server has mapped, and only a small ShmPutImage travels. One segment is reused as
//!    a ring; it is replaced by a larger one when an image needs more than half of it.
//!    Attaching a segment costs one round trip (once per segment), so that a descriptor
//!    lost on the way (a Unix socket forwarded by SSH) or refused turns shared memory off
//!    before any image depends on it.
//!    A new session (a restarted server, protocol.md §5.4) knows no segment of the old:
//!    the next image attaches a new one there.
//! 2. **Compression** (slow links): otherwise, on TCP (or a Unix socket where shared memory
//!    failed, which is forwarded), an image of at least 4 KiB is sent as QOI when that
//!    is at least 1/8 smaller. QOI won the measurement (`bench/README.md`, protocol.md
//!    §15.2): lossless, UI pixels ~70× and photos 1.6–2× smaller, at 0.7–6 GB/s.
//! 3. **In the request**, as before. An image of at least `output::DIRECT_MIN` (32 KiB)
//!    to a display of this version, on a link that keeps no copy of what it writes for
//!    a resume (a local socket), is not copied into the output buffer: its frame's
//!    head is, and the pixels follow from the app's own memory in the same `writev`, as
//!    Xlib's XPutImage writes an XImage (`Transport::send_put`). At 500×500 the two copies
//!    this saves (the app's image into the library's buffer, that into the output) cost
//!    more than the server's whole put.
//!
//! **Reuse rule.** The server reads a segment while it processes the ShmPutImage and never
//! later, so a part of the segment may be written again once a message with that
//! request's sequence number or a higher one has arrived (`State::last_seq`; an event
//! carries the last request the server had carried out, §6.3 of protocol.md). Each put records `(range, seq)`; before writing over a
//! range still in flight the library waits for its request, sending a Sync if nothing
//! later has come back yet. With the ring, that wait happens only when the client is a
//! whole segment ahead of the server, which is also the flow control it needs.

use std::collections::VecDeque;

use crate::cookie::{sync, void_request, VoidCookie};
use crate::journal::Sent;
use crate::lock::lock;
use crate::lock::Mutex;
use crate::shm::Mapping;
use crate::transport::Transport;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::request::{ImageFormat, PutImage, ShmAttach, ShmDetach, ShmPutImage};
use yonder_protocol::RequestInfo;
use yonder_protocol::{Drawable, GcId, Point, Request, ShmSegment, SHM_EXTENSION};

/// Raw images smaller than this go in the request: not worth shared memory.
pub const SHM_MIN_BYTES: usize = 16 * 1024;
/// Raw images smaller than this are not worth compressing.
const COMPRESS_MIN_BYTES: usize = 4 * 1024;
/// The first segment's size.
const SEGMENT_MIN: usize = 8 << 20;
/// The largest segment the library makes (the server accepts up to 1 GiB).
const SEGMENT_MAX: usize = 512 << 20;
/// The library numbers its segments from here up (apps that attach their own use lower).
const LIBRARY_SEGMENTS: u32 = 0x8000_0000;
/// Where puts start in a segment (cache-line aligned).
const ALIGN: usize = 64;

/// Whether [`DrawExt::put_image`](crate::DrawExt::put_image) compresses raw images (losslessly, as QOI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// On links that are likely slow: TCP (remote, or an SSH tunnel's local end), and a
    /// Unix socket that could not pass shared memory (a forwarded one). The default.
    #[default]
    Auto,
    /// Whenever it makes an image smaller, whatever the link.
    Always,
    /// Never.
    Never,
}

/// How [`DrawExt::put_image`](crate::DrawExt::put_image) may send raw images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageOptions {
    /// Use shared memory when the server offers it. Default: yes, unless the environment
    /// variable `YONDER_SHM` is `0`, `no` or `off`.
    pub shared_memory: bool,
    /// When to compress. Default: `Auto`, or what `YONDER_COMPRESSION` (`auto`, `always`,
    /// `never`) says.
    pub compression: Compression,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            shared_memory: true,
            compression: Compression::Auto,
        }
    }
}

impl ImageOptions {
    /// The defaults, adjusted by `YONDER_SHM` and `YONDER_COMPRESSION`.
    pub fn from_env() -> ImageOptions {
        let var = |name| std::env::var(name).unwrap_or_default().to_ascii_lowercase();
        let mut o = ImageOptions::default();
        if matches!(var("YONDER_SHM").as_str(), "0" | "no" | "off" | "false") {
            o.shared_memory = false;
        }
        match var("YONDER_COMPRESSION").as_str() {
            "always" => o.compression = Compression::Always,
            "never" | "off" | "0" => o.compression = Compression::Never,
            _ => {}
        }
        o
    }
}

/// What [`DrawExt::put_image`](crate::DrawExt::put_image) did so far, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Raw images put from shared memory.
    pub shared_memory: u64,
    /// Raw images sent compressed.
    pub compressed: u64,
    /// Raw images sent in the request as they were.
    pub plain: u64,
    /// Bytes of those images, uncompressed.
    pub raw_bytes: u64,
    /// Bytes of image data that went through the socket for them.
    pub sent_bytes: u64,
}

/// How a connection sends raw images: its options, its shared-memory segment, its
/// statistics. Every method takes the connection's transport to send through.
///
/// The lock is held by a put across sending and, when the segment is full, across the
/// wait for the server to finish reading it. Lock order: this one, then the transport's.
#[derive(Debug)]
pub(crate) struct Images {
    state: Mutex<ImageState>,
}

/// What is behind the image lock.
#[derive(Debug)]
struct ImageState {
    options: ImageOptions,
    shm: Shm,
    /// Shared memory was offered but could not be attached: the socket is probably
    /// forwarded, so treat the link as slow.
    shm_failed: bool,
    next_segment: u32,
    stats: ImageStats,
    /// The buffer `put_with` fills when the pixels travel in the frame, kept from one
    /// put to the next (up to [`KEPT_BUFFER_MAX`]): a new one for each put cost a small
    /// image 550 client instructions, `calloc` (glibc's takes no cached chunk) and `free`.
    buffer: Vec<u8>,
}

/// The largest put buffer kept between puts.
const KEPT_BUFFER_MAX: usize = 1 << 20;

impl Images {
    pub(crate) fn new(options: ImageOptions) -> Images {
        Images {
            state: Mutex::new(ImageState {
                options,
                shm: Shm::Untried,
                shm_failed: false,
                next_segment: LIBRARY_SEGMENTS,
                stats: ImageStats::default(),
                buffer: Vec::new(),
            }),
        }
    }
}

#[derive(Debug)]
enum Shm {
    /// No segment yet.
    Untried,
    /// Failed once: not for this connection.
    Off,
    /// A segment the server has attached.
    On(Arena),
}

/// The segment in use, written as a ring.
#[derive(Debug)]
struct Arena {
    mapping: Mapping,
    segment: ShmSegment,
    /// Where the next put goes if it fits before the end.
    head: usize,
    /// Puts the server may not have read yet: byte range and request number, oldest first.
    in_flight: VecDeque<(usize, usize, u64)>,
    /// The session whose server attached it (`Transport::new_sessions`).
    session: u64,
}

/// The plain PutImage of `put`, its pixels `data` in the request.
fn plain(put: Put, data: Vec<u8>) -> PutImage {
    let (drawable, gc, dst, width, height, format) = put;
    PutImage {
        drawable,
        gc,
        dst,
        width,
        height,
        format,
        data,
    }
}

/// 4·width·height, if it fits in memory (any u32 sides: 4·(2³²−1)² does not fit a u64).
fn raw_len(width: u32, height: u32) -> Option<usize> {
    let n = (width as u64).checked_mul(height as u64)?.checked_mul(4)?;
    usize::try_from(n).ok()
}

impl Images {
    /// Puts an image (see `DrawExt::put_image`): a raw one of the right length the
    /// cheapest way the connection allows, anything else in the request.
    pub(crate) fn put<'c>(&self, t: &'c Transport, put: Put, data: &[u8]) -> VoidCookie<'c> {
        let (_, _, _, width, height, format) = put;
        let raw = format.is_raw() && raw_len(width, height) == Some(data.len());
        if raw {
            if let Some(cookie) = self.put_from_shm(t, put, |px| px.copy_from_slice(data)) {
                return cookie;
            }
            if let Some(cookie) = self.put_compressed(t, put, data) {
                return cookie;
            }
            let mut images = lock(&self.state);
            images.stats.plain += 1;
            images.stats.raw_bytes += data.len() as u64;
            images.stats.sent_bytes += data.len() as u64;
        }
        // In the request: a large image's pixels go to the socket from `data` itself.
        let seq = t.send_put(&plain(put, Vec::new()), data);
        VoidCookie::new(t, seq)
    }

    /// Puts a raw image that `fill` draws (see `DrawExt::put_image_with`): straight into
    /// the shared-memory segment when it can, else into a buffer sent as [`Images::put`]
    /// would (the same buffer from one put to the next).
    pub(crate) fn put_with<'c>(
        &self,
        t: &'c Transport,
        put: Put,
        fill: impl FnOnce(&mut [u8]),
    ) -> VoidCookie<'c> {
        let (_, _, _, width, height, format) = put;
        let len = raw_len(width, height).filter(|_| format.is_raw());
        let mut fill = Some(fill);
        if len.is_some() {
            let shm = self.put_from_shm(t, put, |px| (fill.take().expect("called once"))(px));
            if let Some(cookie) = shm {
                return cookie;
            }
        }
        let mut data = std::mem::take(&mut lock(&self.state).buffer);
        let len = len.unwrap_or(0);
        // The last image's bytes stay where `fill` overwrites them (zeroing a 500×500
        // image's megabyte cost as much as filling it); only a longer image's new part
        // is zeroed, its capacity exactly the length (a resize alone may double the
        // capacity, past what is kept).
        data.truncate(len);
        data.reserve_exact(len - data.len());
        data.resize(len, 0);
        if let Some(fill) = fill {
            fill(&mut data);
        }
        let cookie = self.put(t, put, &data);
        if data.capacity() <= KEPT_BUFFER_MAX {
            lock(&self.state).buffer = data;
        }
        cookie
    }

    /// Chooses how raw images are sent from now on.
    pub(crate) fn set_options(&self, options: ImageOptions) {
        lock(&self.state).options = options;
    }

    /// How raw images are sent.
    pub(crate) fn options(&self) -> ImageOptions {
        lock(&self.state).options
    }

    /// How the raw images put so far travelled.
    pub(crate) fn stats(&self) -> ImageStats {
        lock(&self.state).stats
    }

    /// The shared-memory path: `None` when it does not apply (then `fill` was not called).
    fn put_from_shm<'c>(
        &self,
        t: &'c Transport,
        put: Put,
        fill: impl FnOnce(&mut [u8]),
    ) -> Option<VoidCookie<'c>> {
        let (drawable, gc, dst, width, height, format) = put;
        let len = raw_len(width, height)?;
        if len < SHM_MIN_BYTES {
            return None;
        }
        let mut images = lock(&self.state);
        let offset = images.shm_slot(t, len)?;
        let Shm::On(arena) = &mut images.shm else {
            return None;
        };
        let pixels = &mut arena.mapping.bytes_mut()[offset..offset + len];
        fill(pixels);
        // A display older than 1.12 takes the same picture as Rgba (§5.3).
        let format = match format.for_minor(t.display_minor()) {
            Some(older) => {
                yonder_protocol::request::opaque_alpha(pixels);
                older
            }
            None => format,
        };
        let pixels: &[u8] = pixels;
        let put = ShmPutImage {
            drawable,
            gc,
            dst,
            width,
            height,
            format,
            segment: arena.segment,
            offset: offset as u64,
            stride: 4 * width,
        };
        let request = Request::ShmPutImage(put.clone());
        let session = arena.session;
        // The journal copies the pixels if the target is one of its pixmaps: the
        // segment is written again later.
        let sent = Sent::ShmPut { put: &put, pixels };
        let seq = t.send_encoded(Some(ShmPutImage::HAS_REPLY), None, sent, |buf| {
            // A new session began since the segment was checked: its server does not
            // know the segment, so the pixels go in the request (`encode` runs with the
            // output lock held, which a new session takes too).
            if t.new_sessions() != session {
                let args = (drawable, gc, dst, width, height, format);
                let plain = plain(args, pixels.to_vec());
                let plain = plain.for_minor(t.display_minor()).unwrap_or(plain);
                return encode_request_frame(&Request::PutImage(plain), buf);
            }
            encode_request_frame(&request, buf)
        });
        arena.in_flight.push_back((offset, offset + len, seq.0));
        images.stats.shared_memory += 1;
        images.stats.raw_bytes += len as u64;
        Some(VoidCookie::new(t, seq))
    }

    /// The compressed path: `None` when it does not apply or does not pay.
    fn put_compressed<'c>(
        &self,
        t: &'c Transport,
        put: Put,
        data: &[u8],
    ) -> Option<VoidCookie<'c>> {
        let (drawable, gc, dst, width, height, format) = put;
        if data.len() < COMPRESS_MIN_BYTES {
            return None;
        }
        // A 1.2 server would take format 4 for a malformed request: only with a 1.3 setup.
        let setup = t.setup_if_arrived()?;
        if setup.minor < 3 || data.len() as u64 > setup.limits.max_frame_len as u64 {
            return None;
        }
        let slow_link = {
            let images = lock(&self.state);
            match images.options.compression {
                Compression::Never => false,
                Compression::Always => true,
                Compression::Auto => !t.is_unix() || images.shm_failed,
            }
        };
        if !slow_link {
            return None;
        }
        let qoi = crate::lossless::qoi(format, width, height, data)?;
        {
            let mut images = lock(&self.state);
            images.stats.compressed += 1;
            images.stats.raw_bytes += data.len() as u64;
            images.stats.sent_bytes += qoi.len() as u64;
        }
        Some(void_request(
            t,
            PutImage {
                drawable,
                gc,
                dst,
                width,
                height,
                format: ImageFormat::Qoi,
                data: qoi,
            },
        ))
    }
}

impl ImageState {
    /// Where in the segment `len` bytes can be written now: attaches or grows the segment
    /// if needed, and waits for the server to finish with what is there (the reuse rule).
    fn shm_slot(&mut self, t: &Transport, len: usize) -> Option<usize> {
        if !self.options.shared_memory || !t.is_unix() {
            return None;
        }
        // Never waits for the setup: before it arrives, images go through the socket.
        let offered = t
            .setup_if_arrived()
            .is_some_and(|s| s.extensions.iter().any(|e| e == SHM_EXTENSION));
        if !offered || matches!(self.shm, Shm::Off) {
            return None;
        }
        // A new session's server never attached the segment (protocol.md §5.4): a new
        // one is attached there, and the old is not detached (that server is gone).
        if matches!(&self.shm, Shm::On(a) if a.session != t.new_sessions()) {
            self.shm = Shm::Untried;
        }
        let current = match &self.shm {
            Shm::On(a) => a.mapping.len(),
            _ => 0,
        };
        if current < len.saturating_mul(2).min(SEGMENT_MAX) {
            self.new_segment(t, len)?;
        }
        let Shm::On(arena) = &mut self.shm else {
            return None;
        };
        if len > arena.mapping.len() {
            return None;
        }
        let start = if arena.head + len <= arena.mapping.len() {
            arena.head
        } else {
            0
        };
        let end = start + len;
        let busy = arena
            .in_flight
            .iter()
            .filter(|&&(s, e, _)| s < end && start < e)
            .map(|&(_, _, seq)| seq)
            .max();
        if let Some(seq) = busy {
            if t.last_seq() < seq && sync(t).is_err() {
                return None;
            }
        }
        // Puts are recorded in request order: the finished ones are at the front.
        let done = t.last_seq();
        while arena
            .in_flight
            .front()
            .is_some_and(|&(_, _, seq)| seq <= done)
        {
            arena.in_flight.pop_front();
        }
        arena.head = end.next_multiple_of(ALIGN);
        Some(start)
    }

    /// Replaces the segment by one that holds at least two images of `len` bytes (or as
    /// much as allowed), and checks with one round trip that the server attached it.
    fn new_segment(&mut self, t: &Transport, len: usize) -> Option<()> {
        let size = len
            .saturating_mul(2)
            .max(SEGMENT_MIN)
            .checked_next_power_of_two()
            .unwrap_or(SEGMENT_MAX)
            .min(SEGMENT_MAX);
        if size < len {
            return None;
        }
        let Ok((mapping, fd)) = Mapping::create(size) else {
            self.shm = Shm::Off;
            return None;
        };
        if let Shm::On(old) = &self.shm {
            // The server handles requests in order: puts from the old segment come first.
            t.send_plain(&Request::ShmDetach(ShmDetach {
                segment: old.segment,
            }));
        }
        let segment = ShmSegment(self.next_segment);
        self.next_segment = self.next_segment.wrapping_add(1).max(LIBRARY_SEGMENTS);
        let attach = Request::ShmAttach(ShmAttach {
            segment,
            size: size as u64,
        });
        let session = t.new_sessions();
        let seq = t.send_tracked_with_fd(&attach, Some(ShmAttach::HAS_REPLY), Some(fd));
        let attached = VoidCookie::new(t, seq).check();
        if t.new_sessions() != session {
            // The connection came back as a new session meanwhile: which server got the
            // segment is not known. The next put tries again.
            self.shm = Shm::Untried;
            return None;
        }
        if attached.is_err() {
            self.shm = Shm::Off;
            self.shm_failed = true;
            return None;
        }
        self.shm = Shm::On(Arena {
            mapping,
            segment,
            head: 0,
            in_flight: VecDeque::new(),
            session,
        });
        Some(())
    }
}

/// A put's fields besides its pixels.
pub(crate) type Put = (Drawable, GcId, Point, u32, u32, ImageFormat);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lengths_of_any_sides_do_not_overflow() {
        assert_eq!(raw_len(2, 3), Some(24));
        assert_eq!(raw_len(u32::MAX, u32::MAX), None);
        assert_eq!(
            raw_len(u32::MAX, 1),
            usize::try_from(4 * u32::MAX as u64).ok()
        );
    }

    #[test]
    fn compression_is_lossless_and_only_when_smaller() {
        // Flat UI-like pixels compress a lot; the decoded RGB is the BGRX without x.
        let (w, h) = (64u32, 32u32);
        let bgrx: Vec<u8> = (0..w * h)
            .flat_map(|i| [10, 20, (i / 64) as u8, 0xaa])
            .collect();
        let qoi = crate::lossless::qoi(ImageFormat::Bgrx, w, h, &bgrx).unwrap();
        assert!(qoi.len() * 20 < bgrx.len());
        let (header, rgb) = qoi::decode_to_vec(&qoi).unwrap();
        assert_eq!((header.width, header.height), (w, h));
        let back: Vec<u8> = rgb
            .chunks_exact(3)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect();
        let expect: Vec<u8> = bgrx
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        assert_eq!(back, expect);
        // Noise does not compress: sent as it is.
        let mut x = 0x1234_5678u32;
        let noise: Vec<u8> = (0..w * h * 4)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        assert!(crate::lossless::qoi(ImageFormat::Rgba, w, h, &noise).is_none());
        assert!(crate::lossless::qoi(ImageFormat::Png, w, h, &noise).is_none());
    }

    #[test]
    fn options_follow_the_environment_words() {
        assert_eq!(ImageOptions::default().compression, Compression::Auto);
        assert!(ImageOptions::default().shared_memory);
    }
}
