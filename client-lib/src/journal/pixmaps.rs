//! Pixmaps in the journal ([`Pixmaps`]): each one's size and contents. The library cannot
//! redraw a pixmap, so its contents are kept as a base (nothing, or a checkpoint image)
//! plus the log of the drawing since (`pixlog`).
//!
//! - **Bound.** When a log holds more than `max(LOG_FLOOR, 4·width·height)` bytes, the
//!   pixmap is checkpointed: the image it would take costs no more than the log, in
//!   memory and in replay time, while a small pixmap is not read back every few requests.
//!   The journal then holds at most about two images' worth per pixmap (the base and a
//!   log up to the bound), plus the image in flight.
//! - **Checkpoint.** The transport sends GetImage requests of the whole pixmap (in bands
//!   of at most `BAND_PIXELS` pixels, within every frame limit) as requests of its own;
//!   when all their replies are in, the image becomes the base and the log keeps only
//!   what was drawn after the GetImages. An error abandons the checkpoint (the log stays
//!   whole). Drawing after the GetImages starts with fresh GC snapshots, so the kept part
//!   of the log never needs a snapshot it lost.
//! - **What cannot be replayed** forces a checkpoint instead of a log entry: a CopyArea
//!   from a window or another client's drawable, a ShmPutImage from a segment of the
//!   app's own (the library cannot read it, and it may change; the server reads it before
//!   the GetImage that follows). One from the library's segment is logged as a PutImage
//!   of a copy of its pixels (`Journal::shm_put`). A CopyArea from another of our
//!   pixmaps is logged: the replay runs all logs in the order of their sequence numbers,
//!   so the source is as it was then, until its history before the copy is dropped (its
//!   checkpoint, a full cover, its FreePixmap); then the copy's target is checkpointed.
//! - **Full cover.** A fill or PutImage that replaces every pixel (see
//!   `Gcs::fill_replaces`, `Gcs::put_replaces`) drops the log before it.

use super::gcs::Gcs;
use super::pixlog::Log;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use yonder_protocol::reply::ImageReply;
use yonder_protocol::request::{CopyArea, CreatePixmap, GetImage, ImageFormat, PutImage};
use yonder_protocol::{Drawable, GcId, PixmapId, Rect, Request, Seq};

/// A log may always grow to this many bytes before its pixmap is checkpointed.
pub(super) const LOG_FLOOR: usize = 64 * 1024;
/// The most pixels one checkpoint GetImage (and one replayed band) holds: 1 MiB of
/// pixels, far within the server's GetImage limit and any frame limit.
pub(super) const BAND_PIXELS: u64 = 256 * 1024;

/// A checkpoint image: the pixmap's straight-alpha RGBA pixels as of request `seq`.
#[derive(Debug)]
pub(super) struct Base {
    pub(super) seq: Seq,
    pub(super) rgba: Vec<u8>,
}

/// A checkpoint in flight.
#[derive(Debug)]
struct Checkpoint {
    /// Its bands, top to bottom.
    bands: Vec<Rect>,
    /// The GetImages' sequence numbers, once sent.
    first: Seq,
    /// The band images that arrived.
    images: Vec<Option<Vec<u8>>>,
    /// Something since the GetImages needs another checkpoint after this one.
    again: bool,
}

/// One pixmap.
#[derive(Debug)]
pub(super) struct Pixmap {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) base: Option<Base>,
    pub(super) log: Log,
    /// The GC versions the log has a snapshot of (since its last reset).
    seen: HashMap<GcId, u64>,
    /// The GCs the log draws with.
    refs: BTreeSet<GcId>,
    /// Copies from other pixmaps in the log: source and sequence number.
    reads: Vec<(PixmapId, Seq)>,
    checkpoint: Option<Checkpoint>,
}

impl Pixmap {
    fn bound(&self) -> usize {
        LOG_FLOOR.max(4 * self.width as usize * self.height as usize)
    }

    fn full(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// Everything before goes: what comes next replaces every pixel.
    fn reset(&mut self) {
        self.base = None;
        self.log.clear();
        self.seen.clear();
        self.refs.clear();
        self.reads.clear();
        self.checkpoint = None;
    }

    /// Logs request `seq` drawing with `gc`, after a snapshot of the GC if the log has
    /// none of its current state. With a GC we do not have (freed, never made) the
    /// server refused the request: nothing was drawn, nothing is logged.
    fn log(&mut self, gcs: &Gcs, seq: Seq, gc: GcId, encode: &dyn Fn(&mut Vec<u8>)) {
        let Some((version, snapshot)) = gcs.snapshot(gc) else {
            return;
        };
        if self.seen.get(&gc) != Some(&version) {
            self.seen.insert(gc, version);
            for r in &snapshot {
                self.log.push_request(seq, r);
            }
        }
        self.refs.insert(gc);
        self.log.push(seq, encode);
    }

    /// The bands of a checkpoint of the whole pixmap.
    fn bands(&self) -> Vec<Rect> {
        let rows = (BAND_PIXELS / self.width.max(1) as u64).max(1) as u32;
        (0..self.height)
            .step_by(rows as usize)
            .map(|y| Rect::new(0, y as i32, self.width, rows.min(self.height - y)))
            .collect()
    }
}

/// The app's pixmaps (see the module doc).
#[derive(Debug, Default)]
pub(super) struct Pixmaps {
    /// A hash map: drawing asks it once per request while pixmaps exist.
    map: HashMap<PixmapId, Pixmap>,
    /// Pixmaps that want a checkpoint, none in flight.
    wanted: Vec<PixmapId>,
    /// Checkpoint GetImages in flight: sequence number → pixmap.
    pending: BTreeMap<Seq, PixmapId>,
    /// The filter of the ids in `map`, kept as they come and go.
    filter: u64,
}

impl Pixmaps {
    /// Whether `p` is one of our live pixmaps.
    pub(super) fn contains(&self, p: PixmapId) -> bool {
        self.map.contains_key(&p)
    }

    /// The filter of their ids (see `Journal::pixmap_filter`).
    pub(super) fn filter(&self) -> u64 {
        self.filter
    }

    /// One pixmap.
    pub(super) fn get(&self, p: PixmapId) -> Option<&Pixmap> {
        self.map.get(&p)
    }

    /// All of them, by id.
    pub(super) fn all(&self) -> BTreeMap<PixmapId, &Pixmap> {
        self.map.iter().map(|(id, p)| (*id, p)).collect()
    }

    /// Whether some log draws with GC `gc`.
    pub(super) fn references(&self, gc: GcId) -> bool {
        self.map.values().any(|p| p.refs.contains(&gc))
    }

    /// CreatePixmap of an own id.
    pub(super) fn create(&mut self, r: &CreatePixmap) {
        self.filter |= super::filter_bit(r.id.0);
        self.map.entry(r.id).or_insert_with(|| Pixmap {
            width: r.width,
            height: r.height,
            base: None,
            log: Log::default(),
            seen: HashMap::new(),
            refs: BTreeSet::new(),
            reads: Vec::new(),
            checkpoint: None,
        });
    }

    /// FreePixmap: the pixmaps that copied from it lose their source.
    pub(super) fn free(&mut self, p: PixmapId) {
        if self.map.remove(&p).is_some() {
            self.filter = self
                .map
                .keys()
                .fold(0, |bits, q| bits | super::filter_bit(q.0));
            self.wanted.retain(|w| *w != p);
            self.history_gone(p, Seq(u64::MAX));
        }
    }

    /// `p`'s history before `before` is gone: the logs that copied from it then cannot be
    /// replayed, so their pixmaps want a checkpoint.
    fn history_gone(&mut self, p: PixmapId, before: Seq) {
        let readers: Vec<PixmapId> = self
            .map
            .iter()
            .filter(|(_, q)| q.reads.iter().any(|&(src, s)| src == p && s < before))
            .map(|(id, _)| *id)
            .collect();
        for q in readers {
            self.want(q);
        }
    }

    /// `p` wants a checkpoint (after the one in flight, if any).
    fn want(&mut self, p: PixmapId) {
        let Some(pm) = self.map.get_mut(&p) else {
            return;
        };
        match &mut pm.checkpoint {
            Some(c) => c.again = true,
            None if !self.wanted.contains(&p) => self.wanted.push(p),
            None => {}
        }
    }

    /// Something was put into `p` that its log cannot hold (request `seq`).
    pub(super) fn must_checkpoint(&mut self, p: PixmapId, _seq: Seq) {
        self.want(p);
    }

    /// After a log grew: past its bound, it wants a checkpoint.
    fn check_bound(&mut self, p: PixmapId) {
        if let Some(pm) = self.map.get(&p) {
            if pm.checkpoint.is_none() && pm.log.len() > pm.bound() {
                self.want(p);
            }
        }
    }

    /// A drawing request `seq` into `p` with `gc`; `fills`: a PolyFillRectangle's
    /// rectangles.
    pub(super) fn draw(
        &mut self,
        gcs: &Gcs,
        seq: Seq,
        p: PixmapId,
        gc: GcId,
        fills: &[Rect],
        encode: &dyn Fn(&mut Vec<u8>),
    ) {
        let Some(pm) = self.map.get_mut(&p) else {
            return;
        };
        let full = pm.full();
        let covers = fills.iter().any(|r| r.intersect(&full) == Some(full));
        if covers && gcs.fill_replaces(gc) {
            pm.reset();
            self.wanted.retain(|w| *w != p);
            self.history_gone(p, seq);
        }
        if let Some(pm) = self.map.get_mut(&p) {
            pm.log(gcs, seq, gc, encode);
        }
        self.check_bound(p);
    }

    /// PutImage into `p` (if it is ours): logged, bytes and all; one that replaces every
    /// pixel drops the log before it.
    pub(super) fn put_image(
        &mut self,
        gcs: &Gcs,
        seq: Seq,
        r: &PutImage,
        encode: &dyn Fn(&mut Vec<u8>),
    ) {
        let p = PixmapId(r.drawable.0);
        let Some(pm) = self.map.get_mut(&p) else {
            return;
        };
        let sized = r.format.is_raw();
        let covers = sized
            && r.dst.x <= 0
            && r.dst.y <= 0
            && r.dst.x as i64 + r.width as i64 >= pm.width as i64
            && r.dst.y as i64 + r.height as i64 >= pm.height as i64;
        if covers && gcs.put_replaces(r.gc, r.format) {
            pm.reset();
            self.wanted.retain(|w| *w != p);
            self.history_gone(p, seq);
        }
        if let Some(pm) = self.map.get_mut(&p) {
            pm.log(gcs, seq, r.gc, encode);
        }
        self.check_bound(p);
    }

    /// CopyArea into `r.dst` (if it is ours): from itself or another of our pixmaps it
    /// is logged; from anything else it forces a checkpoint.
    pub(super) fn copy_area(
        &mut self,
        gcs: &Gcs,
        seq: Seq,
        r: &CopyArea,
        encode: &dyn Fn(&mut Vec<u8>),
    ) {
        let dst = PixmapId(r.dst.0);
        let src = PixmapId(r.src.0);
        if !self.map.contains_key(&dst) {
            return;
        }
        if src != dst && !self.map.contains_key(&src) {
            self.must_checkpoint(dst, seq);
            return;
        }
        let pm = self.map.get_mut(&dst).expect("checked");
        pm.log(gcs, seq, r.gc, encode);
        if src != dst {
            pm.reads.push((src, seq));
        }
        self.check_bound(dst);
    }

    /// Whether checkpoints are wanted.
    pub(super) fn wants(&self) -> bool {
        !self.wanted.is_empty()
    }

    /// The wanted checkpoints: per pixmap, the GetImage of each band.
    pub(super) fn take_wanted(&mut self) -> Vec<(PixmapId, Vec<Request>)> {
        let mut out = Vec::new();
        for p in std::mem::take(&mut self.wanted) {
            let Some(pm) = self.map.get_mut(&p) else {
                continue;
            };
            let bands = pm.bands();
            let requests = bands
                .iter()
                .map(|&rect| {
                    Request::GetImage(GetImage {
                        drawable: Drawable(p.0),
                        rect,
                        format: ImageFormat::Rgba,
                    })
                })
                .collect();
            pm.checkpoint = Some(Checkpoint {
                images: vec![None; bands.len()],
                bands,
                first: Seq(0),
                again: false,
            });
            out.push((p, requests));
        }
        out
    }

    /// `p`'s checkpoint GetImages went out as requests `first..=last`: drawing from now
    /// on snapshots its GCs afresh.
    pub(super) fn checkpoint_sent(&mut self, p: PixmapId, first: Seq, last: Seq) {
        let Some(pm) = self.map.get_mut(&p) else {
            return;
        };
        if let Some(c) = &mut pm.checkpoint {
            c.first = first;
        }
        pm.seen.clear();
        for n in first.0..=last.0 {
            self.pending.insert(Seq(n), p);
        }
    }

    /// The answer to checkpoint GetImage `seq` (`None`: an error).
    pub(super) fn checkpoint_answer(&mut self, seq: Seq, image: Option<ImageReply>) {
        let Some(p) = self.pending.remove(&seq) else {
            return;
        };
        let Some(pm) = self.map.get_mut(&p) else {
            return;
        };
        let Some(c) = &mut pm.checkpoint else {
            return; // reset by a full cover since: the image is out of date
        };
        if seq < c.first {
            return; // of a checkpoint a full cover cancelled, before this one
        }
        let band = (seq.0 - c.first.0) as usize;
        let fits = |img: &ImageReply, rect: &Rect| {
            img.format == ImageFormat::Rgba
                && img.data.len() as u64 == 4 * rect.width as u64 * rect.height as u64
        };
        match (image, c.bands.get(band)) {
            (Some(img), Some(rect)) if fits(&img, rect) => c.images[band] = Some(img.data),
            _ => {
                // Abandoned: the log stays whole.
                pm.checkpoint = None;
                self.pending.retain(|_, q| *q != p);
                return;
            }
        }
        if c.images.iter().all(Option::is_some) {
            self.complete(p);
        }
    }

    /// Every band of `p`'s checkpoint arrived: the image becomes its base.
    fn complete(&mut self, p: PixmapId) {
        let pm = self.map.get_mut(&p).expect("the caller found it");
        let c = pm.checkpoint.take().expect("the caller found it");
        let mut rgba = Vec::with_capacity(4 * pm.width as usize * pm.height as usize);
        for img in c.images.into_iter().flatten() {
            rgba.extend_from_slice(&img);
        }
        let last = Seq(c.first.0 + c.bands.len() as u64 - 1);
        pm.base = Some(Base { seq: last, rgba });
        pm.log.drop_before(c.first);
        pm.reads.retain(|&(_, s)| s > last);
        pm.refs = pm.seen.keys().copied().collect();
        self.history_gone(p, c.first);
        if c.again {
            self.want(p);
        }
        self.check_bound(p);
    }

    /// Asks for a checkpoint of `p`, as a long log would.
    #[cfg(test)]
    pub(super) fn want_for_test(&mut self, p: PixmapId) {
        self.want(p);
    }

    /// Whether `p` will be checkpointed again after the checkpoint in flight.
    #[cfg(test)]
    pub(super) fn again_for_test(&self, p: PixmapId) -> bool {
        self.map[&p].checkpoint.as_ref().is_some_and(|c| c.again)
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.map
            .values()
            .map(|p| {
                std::mem::size_of::<(PixmapId, Pixmap)>()
                    + p.log.capacity()
                    + p.base.as_ref().map_or(0, |b| b.rgba.capacity())
                    + p.checkpoint.as_ref().map_or(0, |c| {
                        c.images.iter().flatten().map(Vec::capacity).sum::<usize>()
                    })
                    + p.seen.capacity() * 24
                    + p.refs.len() * 8
                    + p.reads.capacity() * 16
            })
            .sum()
    }
}
