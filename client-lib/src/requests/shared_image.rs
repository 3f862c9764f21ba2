//! [`SharedImage`]: raw pixels that live in memory shared with the server, the
//! counterpart of X's `XShmCreateImage`. An app that puts the same pixels again and
//! again, or changes a few of them between puts (a video frame filled in place, a
//! canvas, a benchmark), writes them once; each put then costs the socket a few dozen
//! bytes and the server one read of the pixels, straight into the drawable.
//!
//! Where memory cannot be shared (TCP, a socket forwarded from another machine, a server
//! without `SHM`, a segment the server refused) the pixels live in the app's own memory
//! and each put carries them in a PutImage: the app is the same either way. After the
//! connection comes back as a new session (protocol.md §5.4) the segment is attached to
//! the new server before the next put.
//!
//! The reuse rule is the library's to keep, not the app's: [`SharedImage::pixels_mut`]
//! waits until the server has read the pixels of the last put, so what a put shows is
//! what the pixels were when it was made.

use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::connection::Connection;
use crate::cookie::{self, VoidCookie};
use crate::error::ConnectionError;
use crate::journal::Sent;
use crate::shm::Mapping;
use crate::transport::Transport;
use yonder_protocol::fast_encode::encode_request_frame;
use yonder_protocol::request::{ImageFormat, PutImage, ShmAttach, ShmDetach, ShmPutImage};
use yonder_protocol::{
    Drawable, GcId, Point, Rect, Request, RequestInfo, ShmSegment, SHM_EXTENSION,
};

/// The segment numbers of shared images: from here up (the library's put_image uses
/// 0x8000_0000 up, apps that attach their own segments lower numbers).
const FIRST_SEGMENT: u32 = 0xC000_0000;
/// The next shared image's segment number (unique in the process, hence per connection).
static NEXT_SEGMENT: AtomicU32 = AtomicU32::new(FIRST_SEGMENT);

/// Raw pixels (4 bytes each, rows of `4·width` bytes) shared with the server when the
/// connection allows, put into drawables without copying them (see the module doc).
pub struct SharedImage {
    width: u32,
    height: u32,
    format: ImageFormat,
    memory: Memory,
    /// The last request that reads the pixels: they are not written before the server
    /// has processed it.
    last_read: u64,
}

/// Where the pixels are.
enum Memory {
    /// In a segment the server has attached.
    Shared(Segment),
    /// In the app's memory: each put carries them.
    Own(Vec<u8>),
}

/// A shared image's segment.
struct Segment {
    mapping: Mapping,
    /// Kept to attach the segment again on a new session's server.
    fd: OwnedFd,
    segment: ShmSegment,
    /// The session whose server attached it (`Transport::new_sessions`).
    session: u64,
}

impl std::fmt::Debug for SharedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("format", &self.format)
            .field("shared", &self.is_shared())
            .finish()
    }
}

/// Why a [`SharedImage`] could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SharedImageError {
    /// A side is 0 or more than [`SharedImage::MAX_SIDE`], or the image has more than
    /// [`SharedImage::MAX_PIXELS`] pixels.
    #[error(
        "a shared image has 1 to 16384 pixels on each side and at most 64 Mi pixels, not {0}x{1}"
    )]
    Size(u32, u32),
    /// Not a raw format.
    #[error("a shared image holds raw pixels (Bgrx, Rgba or Rgbx), not {0:?}")]
    Format(ImageFormat),
    /// The connection failed.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
}

impl SharedImage {
    /// The longest side (the server's limit for an image, protocol.md §9.50).
    pub const MAX_SIDE: u32 = 16384;
    /// The most pixels (the server's limit for an image: 64 Mi).
    pub const MAX_PIXELS: u64 = 64 << 20;

    /// A `width`×`height` image of raw `format` (Bgrx, Rgba or Rgbx), all zero bytes, shared
    /// with the server of `conn` when it can be (one round trip to know); waits for the
    /// setup. Sides are 1 to [`SharedImage::MAX_SIDE`] pixels, at most
    /// [`SharedImage::MAX_PIXELS`] in all.
    pub fn new(
        conn: &Connection,
        width: u32,
        height: u32,
        format: ImageFormat,
    ) -> Result<SharedImage, SharedImageError> {
        let side = 1..=Self::MAX_SIDE;
        let pixels = width as u64 * height as u64;
        if !side.contains(&width) || !side.contains(&height) || pixels > Self::MAX_PIXELS {
            return Err(SharedImageError::Size(width, height));
        }
        if !format.is_raw() {
            return Err(SharedImageError::Format(format));
        }
        let len = 4 * width as usize * height as usize;
        let t = &conn.transport;
        let offered = conn.setup()?.extensions.iter().any(|e| e == SHM_EXTENSION);
        let memory = match (offered && t.is_unix())
            .then(|| Mapping::create(len).ok())
            .flatten()
        {
            Some((mapping, fd)) => {
                let number = NEXT_SEGMENT.fetch_add(1, Ordering::Relaxed);
                let segment = ShmSegment(number.max(FIRST_SEGMENT));
                match attach(t, segment, &fd, len) {
                    Some(session) => Memory::Shared(Segment {
                        mapping,
                        fd,
                        segment,
                        session,
                    }),
                    None => Memory::Own(vec![0; len]),
                }
            }
            None => Memory::Own(vec![0; len]),
        };
        Ok(SharedImage {
            width,
            height,
            format,
            memory,
            last_read: 0,
        })
    }

    /// Its width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Its height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Its raw format.
    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// Whether the server reads the pixels where they are (else each put carries them).
    pub fn is_shared(&self) -> bool {
        matches!(self.memory, Memory::Shared(_))
    }

    /// The pixels, rows of `4·width` bytes, top first.
    pub fn pixels(&self) -> &[u8] {
        match &self.memory {
            Memory::Shared(s) => &s.mapping.bytes()[..self.len()],
            Memory::Own(v) => v,
        }
    }

    /// The pixels to change, once the server has read those of the last put (a round
    /// trip when it may not have yet).
    pub fn pixels_mut(&mut self, conn: &Connection) -> Result<&mut [u8], ConnectionError> {
        let t = &conn.transport;
        if matches!(self.memory, Memory::Shared(_)) && t.last_seq() < self.last_read {
            cookie::sync(t)?;
        }
        let len = self.len();
        Ok(match &mut self.memory {
            Memory::Shared(s) => &mut s.mapping.bytes_mut()[..len],
            Memory::Own(v) => v,
        })
    }

    /// Puts the whole image into `drawable` at `dst`, through `gc`'s clip (see
    /// [`SharedImage::put_part`]).
    pub fn put<'c>(
        &mut self,
        conn: &'c Connection,
        drawable: impl Into<Drawable>,
        gc: GcId,
        dst: Point,
    ) -> VoidCookie<'c> {
        let whole = Rect::new(0, 0, self.width, self.height);
        self.put_part(conn, drawable, gc, whole, dst)
            .expect("an image is never empty")
    }

    /// Puts the part `src` of the image into `drawable`, `src`'s top-left corner at
    /// `dst`, through `gc`'s clip: a ShmPutImage naming the pixels where they are, or where
    /// memory is not shared a PutImage carrying them. What of `src` lies outside the
    /// image is left out (the rest keeps its place); None, and nothing sent, when that is
    /// all of it.
    pub fn put_part<'c>(
        &mut self,
        conn: &'c Connection,
        drawable: impl Into<Drawable>,
        gc: GcId,
        src: Rect,
        dst: Point,
    ) -> Option<VoidCookie<'c>> {
        let t = &conn.transport;
        let drawable = drawable.into();
        let part = src.intersect(&Rect::new(0, 0, self.width, self.height))?;
        let dst = Point::new(
            dst.x.saturating_add(part.x - src.x),
            dst.y.saturating_add(part.y - src.y),
        );
        if let Memory::Shared(s) = &mut self.memory {
            if s.session != t.new_sessions() {
                // A new server: it attaches the segment, or the pixels go in requests
                // from now on (a display without shared memory).
                self.last_read = 0;
                let offered = t.is_unix()
                    && t.setup_if_arrived()
                        .is_some_and(|setup| setup.extensions.iter().any(|e| e == SHM_EXTENSION));
                let session = offered
                    .then(|| attach(t, s.segment, &s.fd, s.mapping.len()))
                    .flatten();
                match session {
                    Some(session) => s.session = session,
                    None => {
                        let own = s.mapping.bytes()
                            [..4 * self.width as usize * self.height as usize]
                            .to_vec();
                        self.memory = Memory::Own(own);
                        return Some(self.put_own(conn, drawable, gc, part, dst));
                    }
                }
            }
        }
        let Memory::Shared(s) = &self.memory else {
            return Some(self.put_own(conn, drawable, gc, part, dst));
        };
        if self.format.for_minor(t.display_minor()).is_some() {
            // `Rgbx` on a display older than 1.12: the app's pixels stay as they are,
            // and a copy goes in the request as `Rgba` (§5.3).
            return Some(self.put_own(conn, drawable, gc, part, dst));
        }
        let stride = 4 * self.width as usize;
        let offset = part.y as usize * stride + 4 * part.x as usize;
        let put = ShmPutImage {
            drawable,
            gc,
            dst,
            width: part.width,
            height: part.height,
            format: self.format,
            segment: s.segment,
            offset: offset as u64,
            stride: stride as u32,
        };
        let pixels = s.mapping.bytes();
        let request = Request::ShmPutImage(put.clone());
        // The journal keeps a copy of the pixels of a put into one of its pixmaps; they
        // lie packed only when the part has whole rows.
        let packed = &pixels[offset..offset + stride * part.height as usize];
        let sent = match part.width == self.width {
            true => Sent::ShmPut {
                put: &put,
                pixels: packed,
            },
            false => Sent::Request(&request),
        };
        let session = s.session;
        let seq = t.send_encoded(Some(ShmPutImage::HAS_REPLY), None, sent, |buf| {
            // A new session began since the check above: its server does not know the
            // segment, so the pixels go in the request (`encode` runs under the output
            // lock, which a new session takes too).
            if t.new_sessions() != session {
                let plain = self.plain_put(pixels, (drawable, gc), part, dst);
                let plain = plain.for_minor(t.display_minor()).unwrap_or(plain);
                return encode_request_frame(&Request::PutImage(plain), buf);
            }
            encode_request_frame(&request, buf)
        });
        self.last_read = seq.0;
        Some(VoidCookie::new(t, seq))
    }

    /// Puts `part` with its pixels in the request.
    fn put_own<'c>(
        &self,
        conn: &'c Connection,
        drawable: Drawable,
        gc: GcId,
        part: Rect,
        dst: Point,
    ) -> VoidCookie<'c> {
        conn.void_request(self.plain_put(self.pixels(), (drawable, gc), part, dst))
    }

    /// The PutImage that carries `part` of this image's `pixels` to `dst`.
    fn plain_put(
        &self,
        pixels: &[u8],
        (drawable, gc): (Drawable, GcId),
        part: Rect,
        dst: Point,
    ) -> PutImage {
        PutImage {
            drawable,
            gc,
            dst,
            width: part.width,
            height: part.height,
            format: self.format,
            data: gather(pixels, 4 * self.width as usize, part),
        }
    }

    /// Detaches the segment from the server, and frees the pixels. An image dropped
    /// without this keeps its segment attached until the connection closes.
    pub fn free(self, conn: &Connection) {
        if let Memory::Shared(s) = &self.memory {
            if s.session == conn.transport.new_sessions() {
                conn.void_request(ShmDetach { segment: s.segment });
            }
        }
    }

    fn len(&self) -> usize {
        4 * self.width as usize * self.height as usize
    }
}

/// The pixels of `part` of an image whose rows are `stride` bytes apart, packed.
fn gather(pixels: &[u8], stride: usize, part: Rect) -> Vec<u8> {
    let row = 4 * part.width as usize;
    let mut data = Vec::with_capacity(row * part.height as usize);
    for y in part.y as usize..part.y as usize + part.height as usize {
        let start = y * stride + 4 * part.x as usize;
        data.extend_from_slice(&pixels[start..start + row]);
    }
    data
}

/// Attaches `fd` as `segment` and checks that the server took it (one round trip);
/// returns the session of the server that did.
fn attach(t: &Transport, segment: ShmSegment, fd: &OwnedFd, len: usize) -> Option<u64> {
    let fd = fd.try_clone().ok()?;
    let session = t.new_sessions();
    let request = Request::ShmAttach(ShmAttach {
        segment,
        size: len as u64,
    });
    let seq = t.send_tracked_with_fd(&request, Some(ShmAttach::HAS_REPLY), Some(fd));
    let attached = VoidCookie::new(t, seq).check();
    (attached.is_ok() && t.new_sessions() == session).then_some(session)
}
