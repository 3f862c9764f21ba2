//! The journal as the transport shares it ([`Shared`]): the [`Journal`] behind its lock,
//! and a filter of its pixmap ids readable without the lock, so that drawing into a
//! window costs one load and a bit test, and takes the lock only when the window's id
//! shares its filter bit with a pixmap's.

use super::{filter_bit, touch, Images, Journal, News, Replay, Touch};
use crate::lock::lock;
use crate::lock::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use yonder_protocol::request::{PutImage, ShmPutImage};
use yonder_protocol::{Drawable, GcId, PixmapId, Rect, Request, Seq, WindowId};

/// What the transport sent, as the journal needs to know it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sent<'a> {
    /// A request built as a value.
    Request(&'a Request),
    /// A poly drawing request encoded straight from a slice (`requests/draw.rs`), no
    /// `Request` built: its target and GC, and the rectangles it fills if it is a
    /// PolyFillRectangle (empty otherwise).
    Draw {
        /// The target.
        drawable: Drawable,
        /// The GC.
        gc: GcId,
        /// The filled rectangles of a PolyFillRectangle.
        fills: &'a [Rect],
    },
    /// A PutImage whose pixels are given apart (`images`), so that a large one can go to
    /// the socket from where they are: `head` is the request with `data` empty.
    Put {
        /// The request without its pixels.
        head: &'a PutImage,
        /// Its pixels.
        data: &'a [u8],
    },
    /// A ShmPutImage from the library's own segment (`images`), with the pixels it
    /// reads there (rows packed): a pixmap's log keeps a copy of them, as a PutImage.
    ShmPut {
        /// The request.
        put: &'a ShmPutImage,
        /// Its pixels, 4·width·height bytes.
        pixels: &'a [u8],
    },
}

/// The journal of a connection, shared by the threads that send.
///
/// Lock order: the transport's `out`, then this lock, then the transport's `input` and
/// `state`. Every request is noted while `out` is held, so the journal sees requests in
/// the order of their sequence numbers; the checkpoint answers are handed over after the
/// reader has let go of `state`. Nothing under this lock does I/O or calls user code.
#[derive(Debug)]
pub(crate) struct Shared {
    journal: Mutex<Journal>,
    /// `Journal::pixmap_filter`: bit `id % 64` set for each journaled pixmap. Written
    /// under the journal lock while `out` is held and read under `out` alone, so a
    /// drawing request whose target's bit is clear returns after one load.
    pixmaps: AtomicU64,
}

impl Shared {
    /// An empty journal for the app of `id_space`.
    pub(crate) fn new(id_space: u32) -> Shared {
        Shared {
            journal: Mutex::new(Journal::new(id_space)),
            pixmaps: AtomicU64::new(0),
        }
    }

    /// Notes request `seq`, whose frame `encode` appends. Called with `out` held. Returns
    /// whether checkpoints are wanted ([`Shared::take_checkpoints`]).
    ///
    /// Inlined into every send, whose `sent` is known there: drawing into a window is a
    /// load and a bit test, a request the journal ignores its kind's test; the rest is
    /// out of line.
    #[inline(always)]
    pub(crate) fn note(&self, seq: Seq, sent: Sent<'_>, encode: &dyn Fn(&mut Vec<u8>)) -> bool {
        let target = match sent {
            Sent::Draw { drawable, .. } => drawable,
            Sent::ShmPut { put, .. } => put.drawable,
            Sent::Put { head, .. } => head.drawable,
            Sent::Request(r) => match touch(r) {
                Touch::Nothing => return false,
                Touch::Drawing(d) => d,
                Touch::State => return self.note_state(seq, r, encode),
            },
        };
        if self.pixmaps.load(Ordering::Relaxed) & filter_bit(target.0) == 0 {
            return false;
        }
        self.note_drawing(seq, sent, target, encode)
    }

    /// The rest of [`Shared::note`] for a request that changes resource state.
    #[inline(never)]
    fn note_state(&self, seq: Seq, r: &Request, encode: &dyn Fn(&mut Vec<u8>)) -> bool {
        let mut j = lock(&self.journal);
        j.record(seq, r, encode);
        self.pixmaps.store(j.pixmap_filter(), Ordering::Relaxed);
        j.wants_checkpoint()
    }

    /// The rest of [`Shared::note`] for drawing that may target a pixmap: one lookup,
    /// and the log entry if the target is one of them.
    #[inline(never)]
    #[cold]
    fn note_drawing(
        &self,
        seq: Seq,
        sent: Sent<'_>,
        target: Drawable,
        encode: &dyn Fn(&mut Vec<u8>),
    ) -> bool {
        let mut j = lock(&self.journal);
        if !j.draws_into(target) {
            return false;
        }
        match sent {
            Sent::Request(r) => j.record(seq, r, encode),
            Sent::Draw {
                drawable,
                gc,
                fills,
            } => j.draw(seq, drawable, gc, fills, encode),
            Sent::ShmPut { put, pixels } => j.shm_put(seq, put, pixels),
            // The log keeps the frame `encode` writes, pixels and all; only the head's
            // fields are read.
            Sent::Put { head, .. } => j.record(seq, &Request::PutImage(head.clone()), encode),
        }
        j.wants_checkpoint()
    }

    /// The checkpoints to send: per pixmap, its GetImage requests.
    pub(crate) fn take_checkpoints(&self) -> Vec<(PixmapId, Vec<Request>)> {
        lock(&self.journal).take_checkpoints()
    }

    /// A checkpoint's GetImages went out as requests `first..=last`.
    pub(crate) fn checkpoint_sent(&self, pixmap: PixmapId, first: Seq, last: Seq) {
        lock(&self.journal).checkpoint_sent(pixmap, first, last);
    }

    /// What arrived that the journal must know.
    pub(crate) fn learn(&self, news: Vec<News>) {
        let mut j = lock(&self.journal);
        for n in news {
            match n {
                News::Checkpoint(seq, image) => j.checkpoint_answer(seq, image),
                News::SelectionLost {
                    selection,
                    owner,
                    seq,
                } => j.selection_lost(selection, owner, seq),
            }
        }
    }

    /// The windows a display ending for good asks to close (see
    /// [`Journal::closable_windows`]).
    pub(crate) fn closable_windows(&self) -> Vec<WindowId> {
        lock(&self.journal).closable_windows()
    }

    /// The windows to redraw on a fresh server (see [`Journal::exposed`]).
    pub(crate) fn exposed(&self) -> Vec<(WindowId, Rect)> {
        lock(&self.journal).exposed()
    }

    /// Whether the app follows the screen's size (see
    /// [`Journal::watches_root_structure`]).
    pub(crate) fn watches_root_structure(&self) -> bool {
        lock(&self.journal).watches_root_structure()
    }

    /// The bytes of memory the journal holds.
    pub(crate) fn bytes(&self) -> usize {
        lock(&self.journal).bytes()
    }

    /// The requests that recreate the journaled state on a fresh server.
    pub(crate) fn replay(&self) -> Replay {
        lock(&self.journal).replay()
    }

    /// [`Shared::replay`], with pixmap contents carried as `images` says.
    pub(crate) fn replay_with(&self, images: Images, minor: u16) -> Replay {
        lock(&self.journal).replay_with(images, minor)
    }

    /// The replay a move sends first (see [`Journal::replay_hidden`]).
    pub(crate) fn replay_hidden(&self, images: Images, minor: u16) -> Replay {
        lock(&self.journal).replay_hidden(images, minor)
    }

    /// What makes the app appear at a move's switch (see [`Journal::appearance`]).
    pub(crate) fn appearance(&self) -> Vec<Request> {
        lock(&self.journal).appearance()
    }

    /// Whether `window` is one of the app's own windows.
    pub(crate) fn owns_window(&self, window: WindowId) -> bool {
        lock(&self.journal).owns_window(window)
    }
}
