//! Images over TCP: no shared memory, QOI compression where it pays, alpha kept exactly,
//! and compressed data that would inflate too far refused.

use super::shm::memfd;
use super::*;
use yonder::prelude::*;

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
