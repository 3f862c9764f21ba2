//! The operations `yperf` times, named and shaped like x11perf's: what one repetition
//! sends, how many objects it counts, and the drawing data prepared once before timing.
//!
//! Per-request object counts follow x11perf 1.2's test table (`do_tests.c`): small poly
//! primitives go 1000 to a request (x11perf's `POLY`), 100×100 rectangles 36, 500×500
//! rectangles 1, 100-pixel filled circles 100; triangles, images and copies go one to a
//! request (x11perf counts 4 per repetition, one request each); text is an 80-character
//! line per request, counted in characters.

use yonder::prelude::*;
use yonder::{Connection, SharedImage};
use yonder_apps::die;
use yonder_protocol::geometry::Arc;
use yonder_protocol::request::{GcValues, ImageFormat, NoOperation};
use yonder_protocol::{GcId, PixmapId, Point, Rect, Segment, WindowId, SINCE_MINOR};

/// The test window's side, as x11perf's.
pub const SIDE: i32 = 600;
/// x11perf's number of small items in one poly request.
const POLY: usize = 1000;

/// How one operation is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// ChangeGc with no values: the server looks up the GC and changes nothing.
    Noop,
    /// Sync, waiting for its reply.
    RoundTrip,
    /// PolyFillRectangle of `n` squares of side `size`.
    Rects { size: i32, n: usize },
    /// PolySegment of `POLY` segments, `size` pixels along the major axis.
    Segments { size: i32 },
    /// PolyLine through `POLY + 1` points, lines of `size` pixels.
    Lines { size: i32 },
    /// PolyArc of `POLY` full circles of diameter `size`.
    Circles { size: i32 },
    /// PolyFillArc of `n` full circles of diameter `size`.
    FilledCircles { size: i32, n: usize },
    /// FillPoly of one triangle whose area is `size`².
    Triangle { size: i32 },
    /// DrawText of an 80-character line at `px` pixels (counted in characters),
    /// antialiased (`aa`, as Xft draws) or not (as X's core fonts).
    Text { px: f32, aa: bool },
    /// PutImage of a raw Bgrx square of side `size`: in the request (`shm` false, like
    /// X's PutImage) or from shared memory (like MIT-SHM's ShmPutImage).
    PutImage { size: i32, shm: bool },
    /// GetImage of a Bgrx square of side `size` from the window, waiting for the reply.
    GetImage { size: i32 },
    /// CopyArea of a square of side `size` from the window to itself.
    CopyWinWin { size: i32 },
    /// CopyArea of a square of side `size` from a pixmap to the window.
    CopyPixWin { size: i32 },
}

/// One named operation.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// The x11perf name without the dash.
    pub name: &'static str,
    /// What is counted, for the report.
    pub what: &'static str,
    /// How it is sent.
    pub kind: Kind,
}

/// Every operation, in x11perf's order.
pub const OPS: &[Op] = &[
    Op {
        name: "noop",
        what: "NoOperation (a ChangeGc with no values on a display before 1.9)",
        kind: Kind::Noop,
    },
    Op {
        name: "roundtrip",
        what: "Sync round trip",
        kind: Kind::RoundTrip,
    },
    Op {
        name: "rect1",
        what: "1x1 rectangle (1000 per request)",
        kind: Kind::Rects { size: 1, n: POLY },
    },
    Op {
        name: "rect10",
        what: "10x10 rectangle (1000 per request)",
        kind: Kind::Rects { size: 10, n: POLY },
    },
    Op {
        name: "rect100",
        what: "100x100 rectangle (36 per request)",
        kind: Kind::Rects { size: 100, n: 36 },
    },
    Op {
        name: "rect500",
        what: "500x500 rectangle (1 per request)",
        kind: Kind::Rects { size: 500, n: 1 },
    },
    Op {
        name: "seg10",
        what: "10-pixel segment (1000 per request)",
        kind: Kind::Segments { size: 10 },
    },
    Op {
        name: "seg100",
        what: "100-pixel segment (1000 per request)",
        kind: Kind::Segments { size: 100 },
    },
    Op {
        name: "line10",
        what: "10-pixel line (1000 per PolyLine)",
        kind: Kind::Lines { size: 10 },
    },
    Op {
        name: "circle10",
        what: "10-pixel circle (1000 per request)",
        kind: Kind::Circles { size: 10 },
    },
    Op {
        name: "fcircle100",
        what: "100-pixel filled circle (100 per request)",
        kind: Kind::FilledCircles { size: 100, n: 100 },
    },
    Op {
        name: "triangle10",
        what: "10x10-equivalent filled triangle (1 per request)",
        kind: Kind::Triangle { size: 10 },
    },
    Op {
        name: "ftext",
        what: "character in an 80-character line (server font, 13 px, not antialiased)",
        kind: Kind::Text {
            px: 13.0,
            aa: false,
        },
    },
    Op {
        name: "aa10text",
        what: "character in an 80-character line (server font, 10 px, antialiased)",
        kind: Kind::Text { px: 10.0, aa: true },
    },
    Op {
        name: "putimage10",
        what: "PutImage 10x10 Rgbx, pixels in the request",
        kind: Kind::PutImage {
            size: 10,
            shm: false,
        },
    },
    Op {
        name: "putimage100",
        what: "PutImage 100x100 Rgbx, pixels in the request",
        kind: Kind::PutImage {
            size: 100,
            shm: false,
        },
    },
    Op {
        name: "putimage500",
        what: "PutImage 500x500 Rgbx, pixels in the request",
        kind: Kind::PutImage {
            size: 500,
            shm: false,
        },
    },
    Op {
        name: "shmput10",
        what: "ShmPutImage 10x10 Rgbx from a SharedImage (written once, as x11perf's)",
        kind: Kind::PutImage {
            size: 10,
            shm: true,
        },
    },
    Op {
        name: "shmput100",
        what: "ShmPutImage 100x100 Rgbx from a SharedImage (written once, as x11perf's)",
        kind: Kind::PutImage {
            size: 100,
            shm: true,
        },
    },
    Op {
        name: "shmput500",
        what: "ShmPutImage 500x500 Rgbx from a SharedImage (written once, as x11perf's)",
        kind: Kind::PutImage {
            size: 500,
            shm: true,
        },
    },
    Op {
        name: "getimage100",
        what: "GetImage 100x100 Bgrx (a round trip each)",
        kind: Kind::GetImage { size: 100 },
    },
    Op {
        name: "copywinwin100",
        what: "CopyArea 100x100 window to window",
        kind: Kind::CopyWinWin { size: 100 },
    },
    Op {
        name: "copywinwin500",
        what: "CopyArea 500x500 window to window",
        kind: Kind::CopyWinWin { size: 500 },
    },
    Op {
        name: "copypixwin100",
        what: "CopyArea 100x100 pixmap to window",
        kind: Kind::CopyPixWin { size: 100 },
    },
];

/// The format of the images put: RGBX, opaque by format and in the order the server keeps
/// pixels in, as x11perf puts its images in the screen's own format (ZPixmap at depth 24,
/// whose pad byte X ignores).
const PUT_FORMAT: ImageFormat = ImageFormat::Rgbx;

/// The prepared data of one operation and the resources it draws with.
pub struct Prepared {
    kind: Kind,
    win: WindowId,
    /// Two GCs of different colours, alternated per repetition as x11perf does, so that
    /// every repetition changes pixels.
    gcs: [GcId; 2],
    pixmap: PixmapId,
    rects: Vec<Rect>,
    segments: Vec<Segment>,
    points: Vec<Point>,
    arcs: Vec<Arc>,
    text: String,
    image: Vec<u8>,
    /// The shm ops' image, in memory shared with the server (written once, as x11perf's
    /// MIT-SHM image is).
    shared: Option<SharedImage>,
    /// Positions visited in turn by one-object requests.
    spots: Vec<Point>,
    rep: usize,
    /// noop: whether the display takes NoOperation (1.9), once known.
    no_operation: Option<bool>,
}

/// `n` top-left corners of `side`-sized objects laid out in rows across the window,
/// `gap` pixels apart, wrapping back to the top when the window is full.
fn grid(n: usize, side: i32, gap: i32) -> Vec<Point> {
    let step = side + gap;
    let cols = ((SIDE - side) / step + 1).max(1);
    let rows = ((SIDE - side) / step + 1).max(1);
    (0..n as i32)
        .map(|i| Point::new((i % cols) * step, ((i / cols) % rows) * step))
        .collect()
}

impl Prepared {
    /// Builds the data of `op` for window `win` drawn with `gcs`, `pixmap` being a
    /// 600×600 pixmap with content.
    pub fn new(op: &Op, win: WindowId, gcs: [GcId; 2], pixmap: PixmapId) -> Prepared {
        let mut p = Prepared {
            kind: op.kind,
            win,
            gcs,
            pixmap,
            rects: Vec::new(),
            segments: Vec::new(),
            points: Vec::new(),
            arcs: Vec::new(),
            text: String::new(),
            image: Vec::new(),
            shared: None,
            spots: Vec::new(),
            rep: 0,
            no_operation: None,
        };
        match op.kind {
            Kind::Noop | Kind::RoundTrip => {}
            Kind::Rects { size, n } => {
                let s = size as u32;
                p.rects = grid(n, size, 1)
                    .into_iter()
                    .map(|o| Rect::new(o.x, o.y, s, s))
                    .collect();
            }
            Kind::Segments { size } => {
                // Every direction in turn, each `size` pixels along its major axis.
                let dirs: [(i32, i32); 8] = [
                    (1, 0),
                    (2, 1),
                    (1, 1),
                    (1, 2),
                    (0, 1),
                    (-1, 2),
                    (-1, 1),
                    (-2, 1),
                ];
                p.segments = grid(POLY, size, 2)
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let (dx, dy) = dirs[i % dirs.len()];
                        let m = dx.abs().max(dy);
                        let (ex, ey) = (dx * (size - 1) / m, dy * (size - 1) / m);
                        let x = if ex < 0 { o.x - ex } else { o.x };
                        Segment {
                            x1: x,
                            y1: o.y,
                            x2: x + ex,
                            y2: o.y + ey,
                        }
                    })
                    .collect();
            }
            Kind::Lines { size } => {
                // A zigzag across the window, row after row.
                let (mut x, mut y, mut dir) = (0, size, 1);
                p.points.push(Point::new(x, y));
                for i in 0..POLY {
                    if !(0..=SIDE - 1 - size).contains(&(x + dir * size)) {
                        dir = -dir;
                        y = (y + 2 * size) % (SIDE - size);
                    }
                    x += dir * size;
                    let dy = if i % 2 == 0 { size / 2 } else { 0 };
                    p.points.push(Point::new(x, y + dy));
                }
            }
            Kind::Circles { size } => {
                p.arcs = arcs_in_grid(POLY, size);
            }
            Kind::FilledCircles { size, n } => {
                p.arcs = arcs_in_grid(n, size);
            }
            Kind::Triangle { size } => {
                // Base and height `size * sqrt(2)`: area `size²`.
                // Every triangle's points made here, as x11perf makes its polygons before
                // it times them: a repetition sends one, made by neither.
                let s = (size as f64 * std::f64::consts::SQRT_2).round() as i32;
                let shape = [Point::new(0, 0), Point::new(s, s / 2), Point::new(0, s)];
                p.points = grid(POLY, size * 3 / 2, 1)
                    .into_iter()
                    .flat_map(|o| shape.map(|p| Point::new(p.x + o.x, p.y + o.y)))
                    .collect();
            }
            Kind::Text { .. } => {
                p.text = (0..80u8).map(|i| (b'!' + i % 94) as char).collect();
                p.spots = (0..SIDE / 15).map(|r| Point::new(2, 13 + r * 15)).collect();
            }
            Kind::PutImage { size, .. } => {
                let s = size as usize;
                p.image = (0..s * s)
                    .flat_map(|i| {
                        let (x, y) = ((i % s) as u8, (i / s) as u8);
                        [x, y, x ^ y, 255]
                    })
                    .collect();
                p.spots = grid(64, size, 3);
            }
            Kind::GetImage { size } | Kind::CopyPixWin { size } | Kind::CopyWinWin { size } => {
                p.spots = grid(64, size, 3);
                if p.spots.iter().all(|s| *s == p.spots[0]) {
                    // Too big for a grid: the corners of the free area and its middle.
                    let m = SIDE - size;
                    p.spots = [(0, 0), (m, 0), (m, m), (0, m), (m / 2, m / 2)]
                        .map(|(x, y)| Point::new(x, y))
                        .to_vec();
                }
            }
        }
        p
    }

    /// Sets up what the operation needs beyond its data: the font size and antialiasing
    /// of the GCs for text (antialiasing is of 1.11: a display before it antialiases all
    /// text), how raw images travel for images.
    pub fn configure(&mut self, conn: &Connection) {
        match self.kind {
            Kind::Text { px, aa } => {
                let chooses = conn.setup().is_ok_and(|s| s.minor >= 11);
                for gc in self.gcs {
                    let values = GcValues {
                        font_size: Some(px),
                        text_antialias: chooses.then_some(aa),
                        ..Default::default()
                    };
                    conn.change_gc(gc, values);
                }
            }
            Kind::PutImage { shm, size } => {
                conn.set_image_options(yonder::ImageOptions {
                    shared_memory: shm,
                    // Never compressed: the pixels travel as they are, as X's do.
                    compression: yonder::Compression::Never,
                });
                if shm {
                    let s = size as u32;
                    let mut image = SharedImage::new(conn, s, s, PUT_FORMAT)
                        .unwrap_or_else(|e| die("yperf", e));
                    image
                        .pixels_mut(conn)
                        .unwrap_or_else(|e| die("yperf", e))
                        .copy_from_slice(&self.image);
                    self.shared = Some(image);
                }
            }
            _ => {}
        }
    }

    /// Whether a repetition waits for the server itself (no checkpoints needed).
    pub fn is_round_trip(&self) -> bool {
        matches!(self.kind, Kind::RoundTrip | Kind::GetImage { .. })
    }

    /// Sends one repetition; returns how many objects it counts. Waits only for the
    /// operations that are round trips by nature (roundtrip, getimage).
    pub fn rep(&mut self, conn: &Connection) -> u64 {
        self.rep += 1;
        let gc = self.gcs[self.rep % 2];
        let spot = |spots: &[Point], k: usize| spots[k % spots.len()];
        match self.kind {
            Kind::Noop => {
                let since = SINCE_MINOR[NoOperation::OPCODE as usize];
                let no_operation = *self
                    .no_operation
                    .get_or_insert_with(|| conn.setup().is_ok_and(|s| s.minor >= since));
                match no_operation {
                    true => conn.no_operation(),
                    false => drop(conn.change_gc(gc, GcValues::default())),
                }
                1
            }
            Kind::RoundTrip => {
                conn.sync().unwrap_or_else(|e| yonder_apps::die("yperf", e));
                1
            }
            Kind::Rects { .. } => {
                conn.poly_fill_rectangle(self.win, gc, &self.rects);
                self.rects.len() as u64
            }
            Kind::Segments { .. } => {
                conn.poly_segment(self.win, gc, &self.segments);
                self.segments.len() as u64
            }
            Kind::Lines { .. } => {
                conn.poly_line(self.win, gc, &self.points);
                self.points.len() as u64 - 1
            }
            Kind::Circles { .. } => {
                conn.poly_arc(self.win, gc, &self.arcs);
                self.arcs.len() as u64
            }
            Kind::FilledCircles { .. } => {
                conn.poly_fill_arc(self.win, gc, &self.arcs);
                self.arcs.len() as u64
            }
            Kind::Triangle { .. } => {
                let k = self.rep % (self.points.len() / 3).max(1);
                conn.fill_poly(self.win, gc, &self.points[3 * k..3 * k + 3]);
                1
            }
            Kind::Text { .. } => {
                let o = spot(&self.spots, self.rep);
                conn.draw_text(self.win, gc, o, &self.text);
                self.text.len() as u64
            }
            Kind::PutImage { .. } if self.shared.is_some() => {
                let o = spot(&self.spots, self.rep);
                // Put from where the pixels are, as x11perf's XShmPutImage does.
                if let Some(image) = &mut self.shared {
                    image.put(conn, self.win, gc, o);
                }
                1
            }
            Kind::PutImage { size, .. } => {
                let o = spot(&self.spots, self.rep);
                let s = size as u32;
                // From the image itself, as x11perf's XPutImage sends its XImage: the
                // library writes a large one's pixels to the socket from where they are.
                conn.put_image(self.win, gc, o, s, s, PUT_FORMAT, &self.image);
                1
            }
            Kind::GetImage { size } => {
                let o = spot(&self.spots, self.rep);
                let r = Rect::new(o.x, o.y, size as u32, size as u32);
                conn.get_image(self.win, r, ImageFormat::Bgrx)
                    .reply()
                    .unwrap_or_else(|e| yonder_apps::die("yperf", e));
                1
            }
            Kind::CopyWinWin { size } | Kind::CopyPixWin { size } => {
                let n = self.spots.len();
                let (from, to) = (
                    spot(&self.spots, self.rep),
                    spot(&self.spots, self.rep + n / 2 + 1),
                );
                let r = Rect::new(from.x, from.y, size as u32, size as u32);
                if matches!(self.kind, Kind::CopyWinWin { .. }) {
                    conn.copy_area(self.win, self.win, gc, r, to);
                } else {
                    conn.copy_area(self.pixmap, self.win, gc, r, to);
                }
                1
            }
        }
    }
}

fn arcs_in_grid(n: usize, size: i32) -> Vec<Arc> {
    let s = size as u32;
    grid(n, size, 1)
        .into_iter()
        .map(|o| Arc::ellipse(Rect::new(o.x, o.y, s, s)))
        .collect()
}
