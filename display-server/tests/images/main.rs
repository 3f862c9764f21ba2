//! How raw images travel (protocol 1.3): shared memory for local clients, QOI compression
//! on slow links, the plain request otherwise. Every path must put exactly the pixels
//! given; a client that cannot use shared memory falls back; bad shared-memory requests
//! and compressed data that would inflate too far get errors without hurting the server.
//!
//! One test binary, one module per path: [`shm`], [`compression`] (TCP), and [`copies`]
//! (clipping and copies); the helpers they share are here.

mod compression;
mod copies;
mod shm;

use std::os::fd::OwnedFd;
use yonder::prelude::*;
use yonder::{Compression, ConnectOptions, Connection, ImageOptions, ReplyError, SharedImage};
use yonder_protocol::request::{GcValues, ImageFormat, PutImage, ShmAttach, ShmPutImage};
use yonder_protocol::{
    Drawable, ErrorCode, GcId, PixmapId, Rect, Request, ShmSegment, SHM_EXTENSION,
};
use yonder_test_support::client::*;
use yonder_test_support::server::*;

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
