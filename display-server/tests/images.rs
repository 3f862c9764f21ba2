//! How raw images travel (protocol 1.3): shared memory for local clients, QOI compression
//! on slow links, the plain request otherwise. Every path must put exactly the pixels
//! given; a client that cannot use shared memory falls back; bad shared-memory requests
//! and compressed data that would inflate too far get errors without hurting the server.

mod common;

use common::*;
use std::os::fd::OwnedFd;
use yonder::prelude::*;
use yonder::{Compression, ConnectOptions, Connection, ImageOptions, ReplyError};
use yonder_protocol::request::{GcValues, ImageFormat, PutImage, ShmAttach, ShmPutImage};
use yonder_protocol::{
    Drawable, ErrorCode, EventMask, GcId, PixmapId, Point, Rect, Request, ShmSegment, SHM_EXTENSION,
};

/// A client that has its setup (shared memory is used only once the setup says `SHM`).
fn client(s: &TestServer) -> Connection {
    let c = s.connect();
    c.wait_for_setup().expect("setup");
    c
}

/// A pixmap of `w`×`h` with a GC for it.
fn pixmap(c: &Connection, w: u32, h: u32) -> (PixmapId, GcId) {
    let p = c.new_pixmap_id();
    c.create_pixmap(p, c.root(), w, h);
    let g = c.new_gc_id();
    c.create_gc(g, p, GcValues::default());
    (p, g)
}

/// An opaque test picture in Bgrx with the unused byte set (the server must ignore it):
/// smooth gradients, flat areas and a seed-dependent pattern.
fn picture(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let v = x.wrapping_mul(7) ^ y.wrapping_mul(13) ^ seed.wrapping_mul(0x9e37);
            let flat = (x / 16 + y / 16) % 3 == 0;
            let (b, g, r) = if flat {
                (seed as u8, 0x40, 0xc0)
            } else {
                (v as u8, (x + seed) as u8, (y * 3) as u8)
            };
            out.extend_from_slice(&[b, g, r, 0x5a]);
        }
    }
    out
}

/// Reads a drawable's area as Bgrx with the unused byte cleared.
fn read_bgrx(c: &Connection, d: impl Into<Drawable>, rect: Rect) -> Vec<u8> {
    let img = c
        .get_image(d, rect, ImageFormat::Bgrx)
        .reply()
        .expect("get_image");
    img.data
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2], 0])
        .collect()
}

fn opaque(bgrx: &[u8]) -> Vec<u8> {
    bgrx.chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2], 0])
        .collect()
}

fn error_code(r: Result<(), ReplyError>) -> ErrorCode {
    match r {
        Err(ReplyError::Protocol(e)) => e.code,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

/// A memfd of `len` bytes, sealed against shrinking when `sealed`.
fn memfd(len: u64, sealed: bool) -> OwnedFd {
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
    let (p, g) = pixmap(&c, 200, 200);
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
}

/// A server listening on TCP (127.0.0.1) and a client connected to it that way.
fn tcp_client(s: &TestServer) -> Connection {
    let c = Connection::connect_with(ConnectOptions {
        display: Some(format!("127.0.0.1:{}", s.handle.number)),
        ..s.options()
    })
    .expect("connect over tcp");
    c.wait_for_setup().expect("setup");
    c
}

fn tcp_server() -> TestServer {
    TestServer::start_with(|cfg| {
        cfg.listen_tcp = true;
        cfg.tcp_addr = [127, 0, 0, 1].into();
    })
}

#[test]
fn tcp_clients_get_no_shared_memory_and_compress_what_pays() {
    let s = tcp_server();
    let c = tcp_client(&s);
    assert!(c.setup().unwrap().extensions.is_empty());
    let (p, g) = pixmap(&c, 400, 300);
    // A UI-like picture compresses well; noise does not and goes as it is.
    let ui = picture(400, 200, 10);
    c.put_image(
        p,
        g,
        Point::new(0, 0),
        400,
        200,
        ImageFormat::Bgrx,
        ui.clone(),
    );
    let mut x = 0x2545_f491u32;
    let noise: Vec<u8> = (0..400 * 100 * 4)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    c.put_image(
        p,
        g,
        Point::new(0, 200),
        400,
        100,
        ImageFormat::Bgrx,
        noise.clone(),
    );
    assert_eq!(read_bgrx(&c, p, Rect::new(0, 0, 400, 200)), opaque(&ui));
    assert!(read_bgrx(&c, p, Rect::new(0, 200, 400, 100)) == opaque(&noise));
    let stats = c.image_stats();
    assert_eq!(
        (stats.shared_memory, stats.compressed, stats.plain),
        (0, 1, 1)
    );
    assert!(
        stats.sent_bytes < stats.raw_bytes * 3 / 4,
        "{stats:?}: compression must pay"
    );
    // Shared memory is not offered over TCP; a descriptor cannot travel there anyway.
    let attach = c.shm_attach(ShmSegment(1), 4096, memfd(4096, true));
    assert_eq!(error_code(attach.check()), ErrorCode::Request);
}

#[test]
fn compressed_rgba_keeps_alpha_exactly() {
    let s = TestServer::start();
    let c = client(&s);
    c.set_image_options(ImageOptions {
        shared_memory: false,
        compression: Compression::Always,
    });
    let (p, g) = pixmap(&c, 64, 64);
    let rgba: Vec<u8> = (0..64 * 64u32)
        .flat_map(|i| {
            let a = if (i / 64) < 32 { 255 } else { 0 };
            [(i % 64 * 4) as u8, 30, 90, a]
        })
        .collect();
    c.put_image(
        p,
        g,
        Point::new(0, 0),
        64,
        64,
        ImageFormat::Rgba,
        rgba.clone(),
    );
    let back = c
        .get_image(p, Rect::new(0, 0, 64, 64), ImageFormat::Rgba)
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
    assert_eq!(c.image_stats().compressed, 1);
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

#[test]
fn compressed_images_that_would_inflate_too_far_are_refused() {
    let s = TestServer::start();
    let c = client(&s);
    let (p, g) = pixmap(&c, 64, 64);
    // The spec's example: red then blue as QOI.
    let good = hex::decode("716f6966000000020000000103005a790000000000000001").unwrap();
    let put = |w: u32, h: u32, data: Vec<u8>| {
        Request::PutImage(PutImage {
            drawable: p.into(),
            gc: g,
            dst: Point::new(0, 0),
            width: w,
            height: h,
            format: ImageFormat::Qoi,
            data,
        })
    };
    c.send_request_checked(put(2, 1, good.clone()))
        .check()
        .unwrap();
    assert_eq!(
        read(&c, p, Rect::new(0, 0, 2, 1)).data,
        vec![0xff0000, 0x0000ff]
    );
    // A header promising more pixels than the request: refused before decoding.
    let mut bomb = good.clone();
    bomb[4..8].copy_from_slice(&4096u32.to_be_bytes());
    bomb[8..12].copy_from_slice(&4096u32.to_be_bytes());
    let check = |r: Request| error_code(c.send_request_checked(r).check());
    assert_eq!(check(put(2, 1, bomb.clone())), ErrorCode::Length);
    // The request itself asking for more than a frame could carry raw.
    assert_eq!(check(put(4096, 4096, bomb)), ErrorCode::Value);
    // Truncated data.
    assert_eq!(check(put(2, 1, good[..16].to_vec())), ErrorCode::Value);
    // And Qoi cannot be read back.
    let e = c
        .get_image(p, Rect::new(0, 0, 2, 1), ImageFormat::Qoi)
        .reply();
    assert!(matches!(e, Err(ReplyError::Protocol(e)) if e.code == ErrorCode::Value));
    c.sync().unwrap();
}

#[test]
fn descriptors_without_shm_attach_frames_close_only_that_connection() {
    use rustix::net::{SendAncillaryBuffer, SendAncillaryMessage, SendFlags};
    use std::io::Read;
    use std::mem::MaybeUninit;
    use std::os::fd::AsFd;
    use yonder_protocol::{encode_frame, Hello};

    let s = TestServer::start();
    let mut sock = std::os::unix::net::UnixStream::connect(&s.handle.socket_path).unwrap();
    let mut hello = Vec::new();
    encode_frame(
        &Hello {
            protocol: yonder_protocol::PROTOCOL_NAME.into(),
            major: yonder_protocol::PROTOCOL_MAJOR,
            minor: yonder_protocol::PROTOCOL_MINOR,
            cookie: s.handle.cookie.to_vec(),
            app_name: "fd-flood".into(),
            id_space: 0x0f0f_0001,
        },
        &mut hello,
    );
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

/// Puts a picture partly off a window's top-left and bottom-right edges, in the request
/// and from shared memory, with a mapped child covering part of the window: reading the
/// window back gives the picture where it landed, the child's background over it, and
/// the window's background elsewhere; the parent's own pixels under the child are kept.
#[test]
fn puts_are_clipped_at_window_edges_and_read_back_through_children() {
    let s = TestServer::start();
    let c = client(&s);
    let (ww, wh) = (150u32, 120u32);
    let win = window(
        &c,
        Rect::new(30, 20, ww, wh),
        0x123456,
        EventMask::default(),
    );
    let g = gc(&c, win, 0);
    let child = c.new_window_id();
    c.create_window(
        child,
        win,
        Rect::new(60, 50, 30, 20),
        yonder_protocol::request::WindowAttributes {
            background: Some(yonder_protocol::Color::rgb(0xABCDEF)),
            event_mask: None,
            override_redirect: None,
            cursor: None,
        },
    );
    c.map_window(child);
    // 100x90 Bgrx: 36000 bytes, over the shared-memory threshold.
    let (iw, ih) = (100u32, 90u32);
    for (shm, at) in [(false, Point::new(-30, -25)), (true, Point::new(80, 60))] {
        c.set_image_options(ImageOptions {
            shared_memory: shm,
            compression: Compression::Never,
        });
        let before = c.image_stats().shared_memory;
        let pic = picture(iw, ih, shm as u32 + 3);
        c.put_image(win, g, at, iw, ih, ImageFormat::Bgrx, pic.clone());
        let got = read_bgrx(&c, win, Rect::new(0, 0, ww, wh));
        assert_eq!(c.image_stats().shared_memory, before + shm as u64);
        let pic = opaque(&pic);
        for y in 0..wh as i32 {
            for x in 0..ww as i32 {
                let o = (y as usize * ww as usize + x as usize) * 4;
                let (ix, iy) = (x - at.x, y - at.y);
                let in_child = (60..90).contains(&x) && (50..70).contains(&y);
                let expect: [u8; 4] = if in_child {
                    [0xEF, 0xCD, 0xAB, 0]
                } else if (0..iw as i32).contains(&ix) && (0..ih as i32).contains(&iy) {
                    let i = (iy as usize * iw as usize + ix as usize) * 4;
                    pic[i..i + 4].try_into().unwrap()
                } else if !shm {
                    [0x56, 0x34, 0x12, 0]
                } else {
                    // The first put's pixels stay where the second did not land.
                    got[o..o + 4].try_into().unwrap()
                };
                assert_eq!(got[o..o + 4], expect, "shm={shm} at {x},{y}");
            }
        }
    }
    // Under the child, the parent keeps what was put there (unmapping shows it).
    c.unmap_window(child);
    let got = read_bgrx(&c, win, Rect::new(85, 65, 1, 1));
    let pic = opaque(&picture(iw, ih, 4));
    let i = ((65 - 60) as usize * iw as usize + (85 - 80) as usize) * 4;
    assert_eq!(got, pic[i..i + 4]);
}

/// CopyArea within a window in all four diagonal directions (source and destination
/// overlapping), and from a pixmap with the source rectangle partly outside it: the
/// window reads back as a model of the same copies computed here.
#[test]
fn overlapping_copies_and_copies_from_partly_outside_read_back_exactly() {
    let s = TestServer::start();
    let c = client(&s);
    let (ww, wh) = (64u32, 48u32);
    let win = window(
        &c,
        Rect::new(10, 10, ww, wh),
        0x000000,
        EventMask::default(),
    );
    let g = gc(&c, win, 0);
    c.set_image_options(ImageOptions {
        shared_memory: false,
        compression: Compression::Never,
    });
    let mut model = opaque(&picture(ww, wh, 9));
    c.put_image(
        win,
        g,
        Point::new(0, 0),
        ww,
        wh,
        ImageFormat::Bgrx,
        picture(ww, wh, 9),
    );
    // Copies `r` to `to` in the model (through a snapshot, as X defines it), clipped to
    // both the source and the destination.
    let copy = |model: &mut Vec<u8>, src: &[u8], (sw, sh): (u32, u32), r: Rect, to: Point| {
        let snap = src.to_vec();
        for y in 0..r.height as i32 {
            for x in 0..r.width as i32 {
                let (sx, sy) = (r.x + x, r.y + y);
                let (dx, dy) = (to.x + x, to.y + y);
                let inside = |x: i32, y: i32, w: u32, h: u32| {
                    (0..w as i32).contains(&x) && (0..h as i32).contains(&y)
                };
                if inside(sx, sy, sw, sh) && inside(dx, dy, ww, wh) {
                    let si = (sy as usize * sw as usize + sx as usize) * 4;
                    let di = (dy as usize * ww as usize + dx as usize) * 4;
                    model[di..di + 4].copy_from_slice(&snap[si..si + 4]);
                }
            }
        }
    };
    let r = Rect::new(10, 8, 40, 30);
    for (dx, dy) in [(5, 3), (-5, -3), (5, -3), (-5, 3), (0, 7), (9, 0)] {
        let to = Point::new(r.x + dx, r.y + dy);
        c.copy_area(win, win, g, r, to);
        let snap = model.clone();
        copy(&mut model, &snap, (ww, wh), r, to);
        assert_eq!(
            read_bgrx(&c, win, Rect::new(0, 0, ww, wh)),
            model,
            "move {dx},{dy}"
        );
    }
    // From a 20x20 pixmap, a rectangle hanging off its top-left and its bottom-right.
    let (p, pg) = pixmap(&c, 20, 20);
    let pic = picture(20, 20, 11);
    c.put_image(
        p,
        pg,
        Point::new(0, 0),
        20,
        20,
        ImageFormat::Bgrx,
        pic.clone(),
    );
    let pic = opaque(&pic);
    for (r, to) in [
        (Rect::new(-6, -4, 15, 12), Point::new(3, 30)),
        (Rect::new(12, 14, 15, 12), Point::new(50, 40)),
    ] {
        c.copy_area(p, win, g, r, to);
        copy(&mut model, &pic, (20, 20), r, to);
        assert_eq!(read_bgrx(&c, win, Rect::new(0, 0, ww, wh)), model, "{r:?}");
    }
}
