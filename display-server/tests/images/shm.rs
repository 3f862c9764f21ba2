//! Shared memory for local clients: images put from a segment, segments reused safely and
//! grown, the fallbacks to the socket, and bad shared-memory requests and descriptors
//! answered without hurting the server.

use super::*;
use yonder::prelude::*;

/// A memfd of `len` bytes, sealed against shrinking when `sealed`.
pub(crate) fn memfd(len: u64, sealed: bool) -> OwnedFd {
    use rustix::fs::{MemfdFlags, SealFlags};
    let fd =
        rustix::fs::memfd_create("test", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING).unwrap();
    rustix::fs::ftruncate(&fd, len).unwrap();
    if sealed {
        rustix::fs::fcntl_add_seals(&fd, SealFlags::SHRINK).unwrap();
    }
    fd
}

#[test]
fn local_clients_put_images_from_shared_memory() {
    let s = TestServer::start();
    let c = client(&s);
    assert!(c
        .setup()
        .unwrap()
        .extensions
        .iter()
        .any(|e| e == SHM_EXTENSION));
    let w = window(&c, Rect::new(0, 0, 300, 200), 0xffffff, EventMask::EMPTY);
    let g = gc(&c, w, 0);
    let img = picture(200, 100, 1);
    c.put_image(
        w,
        g,
        Point::new(10, 20),
        200,
        100,
        ImageFormat::Bgrx,
        img.clone(),
    );
    assert_eq!(read_bgrx(&c, w, Rect::new(10, 20, 200, 100)), opaque(&img));
    // Rgba with alpha into a pixmap comes back exactly as Rgba.
    let (p, pg) = pixmap(&c, 128, 128);
    let rgba: Vec<u8> = (0..128 * 128u32)
        .flat_map(|i| {
            [
                (i % 251) as u8,
                (i / 128) as u8,
                200,
                if i % 3 == 0 { 255 } else { 0 },
            ]
        })
        .collect();
    c.put_image(
        p,
        pg,
        Point::new(0, 0),
        128,
        128,
        ImageFormat::Rgba,
        rgba.clone(),
    );
    let back = c
        .get_image(p, Rect::new(0, 0, 128, 128), ImageFormat::Rgba)
        .reply()
        .unwrap();
    let expect: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|q| {
            if q[3] == 0 {
                [0; 4]
            } else {
                [q[0], q[1], q[2], q[3]]
            }
        })
        .collect();
    assert_eq!(back.data, expect);
    // The zero-copy form draws straight into the segment.
    c.put_image_with(w, g, Point::new(0, 0), 100, 50, ImageFormat::Bgrx, |px| {
        px.copy_from_slice(&picture(100, 50, 9))
    });
    assert_eq!(
        read_bgrx(&c, w, Rect::new(0, 0, 100, 50)),
        opaque(&picture(100, 50, 9))
    );
    let stats = c.image_stats();
    assert_eq!(
        (stats.shared_memory, stats.compressed, stats.plain),
        (3, 0, 0)
    );
    assert_eq!(stats.sent_bytes, 0);
}

#[test]
fn a_client_far_ahead_never_overwrites_pixels_the_server_has_not_read() {
    // 256×256 images (256 KiB) through an 8 MiB segment: 96 puts wrap the ring three
    // times without a single wait by the test; each tile must show the last image put there.
    let s = TestServer::start();
    let c = client(&s);
    let (p, g) = pixmap(&c, 1024, 1024);
    let tile = |i: u32| Point::new((i % 4 * 256) as i32, (i / 4 % 4 * 256) as i32);
    for i in 0..96 {
        c.put_image(
            p,
            g,
            tile(i),
            256,
            256,
            ImageFormat::Bgrx,
            picture(256, 256, i),
        );
    }
    for t in 0..16 {
        let last = 80 + t;
        let at = tile(t);
        let got = read_bgrx(&c, p, Rect::new(at.x, at.y, 256, 256));
        assert!(got == opaque(&picture(256, 256, last)), "tile {t}");
    }
    assert_eq!(c.image_stats().shared_memory, 96);
}

#[test]
fn a_growing_image_gets_a_larger_segment() {
    let s = TestServer::start();
    let c = client(&s);
    let (p, g) = pixmap(&c, 2048, 2048);
    let small = picture(100, 100, 3);
    c.put_image(
        p,
        g,
        Point::new(0, 0),
        100,
        100,
        ImageFormat::Bgrx,
        small.clone(),
    );
    // 2048×1500 = 12 MiB: more than half of the first 8 MiB segment.
    let big = picture(2048, 1500, 4);
    c.put_image(
        p,
        g,
        Point::new(0, 200),
        2048,
        1500,
        ImageFormat::Bgrx,
        big.clone(),
    );
    c.put_image(
        p,
        g,
        Point::new(200, 0),
        100,
        100,
        ImageFormat::Bgrx,
        small.clone(),
    );
    assert_eq!(read_bgrx(&c, p, Rect::new(0, 0, 100, 100)), opaque(&small));
    assert_eq!(
        read_bgrx(&c, p, Rect::new(200, 0, 100, 100)),
        opaque(&small)
    );
    assert!(read_bgrx(&c, p, Rect::new(0, 200, 2048, 1500)) == opaque(&big));
    assert_eq!(c.image_stats().shared_memory, 3);
}

#[test]
fn images_before_the_setup_and_small_images_go_in_the_request() {
    let s = TestServer::start();
    let c = s.connect();
    let w = c.new_window_id();
    c.create_window(w, c.root(), Rect::new(0, 0, 200, 200), Default::default());
    let g = gc(&c, w, 0);
    // Nothing has been read yet: no setup, so no shared memory (and no waiting for it).
    let img = picture(100, 100, 5);
    c.put_image(
        w,
        g,
        Point::new(0, 0),
        100,
        100,
        ImageFormat::Bgrx,
        img.clone(),
    );
    let tiny = picture(8, 8, 6);
    c.wait_for_setup().unwrap();
    c.put_image(
        w,
        g,
        Point::new(150, 150),
        8,
        8,
        ImageFormat::Bgrx,
        tiny.clone(),
    );
    assert_eq!(read_bgrx(&c, w, Rect::new(0, 0, 100, 100)), opaque(&img));
    assert_eq!(read_bgrx(&c, w, Rect::new(150, 150, 8, 8)), opaque(&tiny));
    let stats = c.image_stats();
    assert_eq!((stats.shared_memory, stats.plain), (0, 2));
}

/// Puts a 64x32 shared image whole, then part of it changed, into a window of `c`; checks
/// what the window shows after each.
fn put_shared_image_twice(c: &Connection, shared: bool) {
    let w = window(c, Rect::new(0, 0, 300, 200), 0xffffff, EventMask::EMPTY);
    let g = gc(c, w, 0);
    let mut image = SharedImage::new(c, 64, 32, ImageFormat::Bgrx).unwrap();
    assert_eq!(image.is_shared(), shared);
    let first = picture(64, 32, 3);
    image.pixels_mut(c).unwrap().copy_from_slice(&first);
    image.put(c, w, g, Point::new(5, 6));
    // Written again at once: the library waits until the server has read the first put.
    let second = picture(64, 32, 4);
    image.pixels_mut(c).unwrap().copy_from_slice(&second);
    image.put_part(c, w, g, Rect::new(10, 4, 20, 8), Point::new(100, 50));
    assert_eq!(
        read_bgrx(c, w, Rect::new(5, 6, 64, 32)),
        opaque(&first),
        "the first put shows the pixels as they were when it was made"
    );
    let part: Vec<u8> = (4..12)
        .flat_map(|y| second[(y * 64 + 10) * 4..(y * 64 + 30) * 4].to_vec())
        .collect();
    assert_eq!(read_bgrx(c, w, Rect::new(100, 50, 20, 8)), opaque(&part));
    // A part partly outside the image: the rest keeps its place; wholly outside: nothing.
    image.put_part(c, w, g, Rect::new(-4, -2, 8, 6), Point::new(200, 100));
    let corner: Vec<u8> = (0..4)
        .flat_map(|y| second[y * 64 * 4..(y * 64 + 4) * 4].to_vec())
        .collect();
    assert_eq!(read_bgrx(c, w, Rect::new(204, 102, 4, 4)), opaque(&corner));
    assert!(image
        .put_part(c, w, g, Rect::new(64, 0, 5, 5), Point::new(0, 0))
        .is_none());
    image.free(c);
    assert!(c.sync().is_ok(), "the connection goes on");
}

/// `Rgbx` (protocol 1.12): the fourth byte is ignored and the pixels land opaque, over
/// a white window, whichever way they travel: in the request (narrow, tested as `Rgba`
/// then set a row at a time; and wide), from the library's segment, from a shared image;
/// and with a non-replacing operator.
#[test]
fn rgbx_images_land_opaque_whatever_their_fourth_bytes() {
    let s = TestServer::start();
    let c = client(&s);
    let w = window(&c, Rect::new(0, 0, 300, 200), 0xffffff, EventMask::EMPTY);
    let g = gc(&c, w, 0);
    // picture's fourth byte is 0x5a: translucent, were it alpha.
    let rgbx = |iw, ih, seed| -> Vec<u8> {
        picture(iw, ih, seed)
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0], p[3]])
            .collect()
    };
    let check = |rect: Rect, px: &[u8]| {
        let img = c.get_image(w, rect, ImageFormat::Rgba).reply().unwrap();
        let want: Vec<u8> = px
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        assert!(img.data == want, "{rect:?}: not the pixels put, opaque");
    };
    let mut x = 0;
    for (iw, ih) in [(3u32, 2u32), (40, 9), (100, 60)] {
        let px = rgbx(iw, ih, iw);
        c.put_image(
            w,
            g,
            Point::new(x, 0),
            iw,
            ih,
            ImageFormat::Rgbx,
            px.clone(),
        );
        check(Rect::new(x, 0, iw, ih), &px);
        x += iw as i32 + 1;
    }
    assert_eq!(
        c.image_stats().shared_memory,
        1,
        "the 100x60 image went by the segment"
    );
    let mut image = SharedImage::new(&c, 20, 10, ImageFormat::Rgbx).unwrap();
    let px = rgbx(20, 10, 9);
    image.pixels_mut(&c).unwrap().copy_from_slice(&px);
    image.put(&c, w, g, Point::new(0, 100));
    check(Rect::new(0, 100, 20, 10), &px);
    // Xor of an image with itself, both opaque: nothing left (the window shows black).
    c.change_gc(
        g,
        GcValues {
            op: Some(yonder_protocol::request::CompositeOp::Xor),
            ..GcValues::default()
        },
    );
    image.put(&c, w, g, Point::new(0, 100));
    let img = c
        .get_image(w, Rect::new(0, 100, 20, 10), ImageFormat::Rgba)
        .reply()
        .unwrap();
    let black = img.data.chunks_exact(4).all(|p| p[..3] == [0, 0, 0]);
    assert!(black, "Xor over itself clears");
    image.free(&c);
    assert!(c.sync().is_ok());
}

#[test]
fn a_shared_image_is_put_where_its_pixels_are() {
    let s = TestServer::start();
    let c = client(&s);
    put_shared_image_twice(&c, true);
    let stats = c.image_stats();
    assert_eq!(
        (stats.shared_memory, stats.plain),
        (0, 0),
        "no copy through put_image"
    );
}

#[test]
fn without_shared_memory_a_shared_image_travels_in_the_request() {
    let s = TestServer::start_with(|cfg| cfg.shm = false);
    let c = client(&s);
    put_shared_image_twice(&c, false);
    assert!(matches!(
        SharedImage::new(&c, 0, 5, ImageFormat::Bgrx),
        Err(yonder::SharedImageError::Size(0, 5))
    ));
    assert!(matches!(
        SharedImage::new(&c, 5, 5, ImageFormat::Png),
        Err(yonder::SharedImageError::Format(ImageFormat::Png))
    ));
}

#[test]
fn without_the_extension_images_fall_back_to_the_socket() {
    let s = TestServer::start_with(|cfg| cfg.shm = false);
    let c = client(&s);
    assert!(c.setup().unwrap().extensions.is_empty());
    let (p, g) = pixmap(&c, 300, 300);
    let img = picture(300, 300, 7);
    c.put_image(
        p,
        g,
        Point::new(0, 0),
        300,
        300,
        ImageFormat::Bgrx,
        img.clone(),
    );
    assert_eq!(read_bgrx(&c, p, Rect::new(0, 0, 300, 300)), opaque(&img));
    let stats = c.image_stats();
    assert_eq!(
        (stats.shared_memory, stats.compressed, stats.plain),
        (0, 0, 1)
    );
    // Its shared-memory requests are not taken.
    let attach = c.shm_attach(ShmSegment(1), 4096, memfd(4096, true));
    assert_eq!(error_code(attach.check()), ErrorCode::Request);
}

#[test]
fn a_client_that_turns_shared_memory_off_uses_the_socket() {
    let s = TestServer::start();
    let c = client(&s);
    c.set_image_options(ImageOptions {
        shared_memory: false,
        compression: Compression::Never,
    });
    let (p, g) = pixmap(&c, 560, 440);
    let img = picture(200, 200, 8);
    c.put_image(
        p,
        g,
        Point::new(0, 0),
        200,
        200,
        ImageFormat::Bgrx,
        img.clone(),
    );
    assert_eq!(read_bgrx(&c, p, Rect::new(0, 0, 200, 200)), opaque(&img));
    assert_eq!(c.image_stats().plain, 1);
    // The drawn form through the socket: one buffer serves put after put (large, small,
    // large again), each time as long as the image; `fill` writes every byte of it. The
    // last two are over 256 KiB: the server reads their pixels straight into their own
    // buffer, the second into the buffer the first left.
    for (i, (w, h)) in [
        (120, 90),
        (3, 2),
        (150, 150),
        (150, 150),
        (500, 400),
        (500, 400),
    ]
    .into_iter()
    .enumerate()
    {
        let img = picture(w, h, 20 + i as u32);
        let at = Point::new(10 * i as i32, 5 * i as i32);
        c.put_image_with(p, g, at, w, h, ImageFormat::Bgrx, |px| {
            assert_eq!(px.len(), (4 * w * h) as usize);
            px.copy_from_slice(&img)
        });
        let back = read_bgrx(&c, p, Rect::new(at.x, at.y, w, h));
        assert_eq!(back, opaque(&img), "put {i}");
    }
    assert_eq!(c.image_stats().plain, 7);
}

#[test]
fn bad_shared_memory_requests_get_errors_and_the_server_goes_on() {
    let s = TestServer::start();
    let c = client(&s);
    let (p, g) = pixmap(&c, 64, 64);
    let d: Drawable = p.into();
    let put = |segment: u32, width: u32, height: u32, offset: u64, stride: u32| {
        Request::ShmPutImage(ShmPutImage {
            drawable: d,
            gc: g,
            dst: Point::new(0, 0),
            width,
            height,
            format: ImageFormat::Bgrx,
            segment: ShmSegment(segment),
            offset,
            stride,
        })
    };
    let check = |r: Request| error_code(c.send_request_checked(r).check());
    // An unknown segment.
    assert_eq!(check(put(9, 4, 4, 0, 16)), ErrorCode::Value);
    // ShmAttach without a descriptor, with an unsealed memfd (which the client could
    // truncate under the server), and with a sealed one shorter than it claims.
    let attach = Request::ShmAttach(ShmAttach {
        segment: ShmSegment(1),
        size: 4096,
    });
    assert_eq!(check(attach), ErrorCode::Access);
    let unsealed = c.shm_attach(ShmSegment(1), 4096, memfd(4096, false));
    assert_eq!(error_code(unsealed.check()), ErrorCode::Access);
    let short = c.shm_attach(ShmSegment(1), 4096, memfd(1000, true));
    assert_eq!(error_code(short.check()), ErrorCode::Access);
    let zero = c.shm_attach(ShmSegment(1), 0, memfd(4096, true));
    assert_eq!(error_code(zero.check()), ErrorCode::Value);
    // A good one: 4096 bytes hold 32×32 pixels exactly.
    let fd = memfd(4096, true);
    let keep = fd.try_clone().unwrap();
    c.shm_attach(ShmSegment(1), 4096, fd).check().unwrap();
    let again = c.shm_attach(ShmSegment(1), 4096, memfd(4096, true));
    assert_eq!(error_code(again.check()), ErrorCode::IdChoice);
    let none = c.shm_attach(ShmSegment(0), 4096, memfd(4096, true));
    assert_eq!(error_code(none.check()), ErrorCode::IdChoice);
    // Rectangles beyond the segment, rows that do not fit their stride, overflow.
    assert_eq!(check(put(1, 32, 33, 0, 128)), ErrorCode::Length);
    assert_eq!(check(put(1, 32, 32, 4, 128)), ErrorCode::Length);
    assert_eq!(check(put(1, 2, 2, u64::MAX - 3, 8)), ErrorCode::Length);
    assert_eq!(check(put(1, 8, 2, 0, u32::MAX)), ErrorCode::Length);
    assert_eq!(check(put(1, 32, 32, 0, 127)), ErrorCode::Value);
    assert_eq!(check(put(1, 0, 32, 0, 128)), ErrorCode::Value);
    let mut png = put(1, 4, 4, 0, 16);
    if let Request::ShmPutImage(r) = &mut png {
        r.format = ImageFormat::Png;
    }
    assert_eq!(check(png), ErrorCode::Value);
    // The client tries to pull the pages away: the seal stops it, the server reads on.
    assert!(rustix::fs::ftruncate(&keep, 0).is_err());
    let px = [0x11u8, 0x22, 0x33, 0];
    rustix::io::pwrite(&keep, &px.repeat(1024), 0).unwrap();
    c.send_request_checked(put(1, 32, 32, 0, 128))
        .check()
        .unwrap();
    assert_eq!(read(&c, p, Rect::new(0, 0, 32, 32)).count(0x332211), 1024);
    // A stride with gaps between rows works too.
    c.send_request_checked(put(1, 4, 8, 0, 512))
        .check()
        .unwrap();
    c.shm_detach(ShmSegment(1)).check().unwrap();
    assert_eq!(
        error_code(c.shm_detach(ShmSegment(1)).check()),
        ErrorCode::Value
    );
    assert_eq!(check(put(1, 4, 4, 0, 16)), ErrorCode::Value);
    // The server is fine: another client draws and reads back.
    let other = client(&s);
    let w = window(&other, Rect::new(0, 0, 50, 50), 0x123456, EventMask::EMPTY);
    assert_eq!(
        read(&other, w, Rect::new(0, 0, 50, 50)).count(0x123456),
        2500
    );
    c.sync().unwrap();
}

/// The framed hello of a client written by hand, of `app_name` in `id_space`.
fn raw_hello(s: &TestServer, app_name: &str, id_space: u32) -> Vec<u8> {
    let mut hello = Vec::new();
    yonder_protocol::encode_frame(
        &yonder_protocol::Hello {
            protocol: yonder_protocol::PROTOCOL_NAME.into(),
            major: yonder_protocol::PROTOCOL_MAJOR,
            minor: yonder_protocol::PROTOCOL_MINOR,
            cookie: s.handle.cookie.to_vec(),
            app_name: app_name.into(),
            id_space,
            resume: None,
            token: None,
        },
        &mut hello,
    );
    hello
}

#[test]
fn descriptors_without_shm_attach_frames_close_only_that_connection() {
    use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
    use std::io::Read;
    use std::mem::MaybeUninit;
    use std::os::fd::AsFd;
    use yonder_protocol::encode_frame;

    let s = TestServer::start();
    let mut sock = std::os::unix::net::UnixStream::connect(&s.handle.socket_path).unwrap();
    let hello = raw_hello(&s, "fd-flood", 0x0f0f_0001);
    std::io::Write::write_all(&mut sock, &hello).unwrap();
    // Sync frames, each carrying a descriptor that no ShmAttach will ever claim.
    let mut sync = Vec::new();
    encode_frame(&Request::Sync(yonder_protocol::request::Sync {}), &mut sync);
    let fd = memfd(4096, true);
    for _ in 0..12 {
        let fds = [fd.as_fd()];
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        control.push(SendAncillaryMessage::ScmRights(&fds));
        let sent = rustix::net::sendmsg(
            &sock,
            &[std::io::IoSlice::new(&sync)],
            &mut control,
            SendFlags::NOSIGNAL,
        );
        if sent.is_err() {
            break; // already closed
        }
    }
    // The server closes the connection (its last words may be lost: closing a socket with
    // unread data resets it).
    sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut all = Vec::new();
    let closed = sock.read_to_end(&mut all);
    let timed_out = matches!(&closed, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    assert!(!timed_out, "closed by the server, not timed out");
    // Everyone else goes on.
    let c = client(&s);
    let w = window(&c, Rect::new(0, 0, 20, 20), 0x654321, EventMask::EMPTY);
    assert_eq!(read(&c, w, Rect::new(0, 0, 20, 20)).count(0x654321), 400);
}

/// A descriptor that comes with a write starting inside a large put's pixels (allowed:
/// it comes with the write that carries its ShmAttach's first byte, protocol.md §4) is
/// kept for that ShmAttach, although the server reads those pixels straight into the
/// image's own buffer: the put and a ShmPutImage from the segment both land.
#[test]
fn a_descriptor_sent_inside_a_large_puts_pixels_reaches_its_shm_attach() {
    use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
    use std::io::{Read, Write};
    use std::mem::MaybeUninit;
    use std::os::fd::AsFd;
    use yonder_protocol::message::decode_server_message;
    use yonder_protocol::{encode_frame, ServerMessage};

    let s = TestServer::start();
    let c = client(&s);
    let (w, h) = (400u32, 300u32);
    let (p, g) = pixmap(&c, w, h);
    c.sync().unwrap();
    // Another client, by hand, draws into that pixmap (resources are shared, §6.1).
    let mut sock = std::os::unix::net::UnixStream::connect(&s.handle.socket_path).unwrap();
    let mut out = raw_hello(&s, "fd-inside-pixels", 0x0f0f_0002);
    // 480 000 bytes of pixels: over the 256 KiB from which they are read on their own.
    let big = picture(w, h, 11);
    let put = PutImage {
        drawable: p.into(),
        gc: g,
        dst: Point::new(0, 0),
        width: w,
        height: h,
        format: ImageFormat::Bgrx,
        data: big.clone(),
    };
    encode_frame(&Request::PutImage(put), &mut out);
    // The segment: a 20×10 picture.
    let small = picture(20, 10, 12);
    let mut file = std::fs::File::from(memfd(4096, true));
    file.write_all(&small).unwrap();
    let fd = OwnedFd::from(file);
    let mut tail = Vec::new();
    let attach = ShmAttach {
        segment: ShmSegment(1),
        size: 4096,
    };
    encode_frame(&Request::ShmAttach(attach), &mut tail);
    let shm_put = ShmPutImage {
        drawable: p.into(),
        gc: g,
        dst: Point::new(5, 7),
        width: 20,
        height: 10,
        format: ImageFormat::Bgrx,
        segment: ShmSegment(1),
        offset: 0,
        stride: 80,
    };
    encode_frame(&Request::ShmPutImage(shm_put), &mut tail);
    encode_frame(&Request::Sync(yonder_protocol::request::Sync {}), &mut tail);
    // All but the put's last 1000 bytes in plain writes; those bytes, the ShmAttach and
    // the rest in one write that carries the descriptor.
    let split = out.len() - 1000;
    sock.write_all(&out[..split]).unwrap();
    let mut rest = out[split..].to_vec();
    rest.extend_from_slice(&tail);
    let fds = [fd.as_fd()];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    control.push(SendAncillaryMessage::ScmRights(&fds));
    let io = [std::io::IoSlice::new(&rest)];
    let sent = rustix::net::sendmsg(&sock, &io, &mut control, SendFlags::NOSIGNAL).unwrap();
    sock.write_all(&rest[sent..]).unwrap();
    // The setup, then the Sync's reply: no error before it.
    sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut frame = || {
        let mut len = [0u8; 4];
        sock.read_exact(&mut len).unwrap();
        let mut body = vec![0; u32::from_le_bytes(len) as usize];
        sock.read_exact(&mut body).unwrap();
        body
    };
    frame();
    let answer = decode_server_message(&frame()).unwrap();
    assert!(
        matches!(answer, ServerMessage::Reply { .. }),
        "the Sync's reply, not {answer:?}"
    );
    // The put, with the segment's picture over it.
    let mut want = opaque(&big);
    let small = opaque(&small);
    for row in 0..10usize {
        let at = ((7 + row) * w as usize + 5) * 4;
        want[at..at + 80].copy_from_slice(&small[row * 80..row * 80 + 80]);
    }
    assert!(
        read_bgrx(&c, p, Rect::new(0, 0, w, h)) == want,
        "pixels as put"
    );
}
