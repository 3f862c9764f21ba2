//! Graphics contexts in the journal ([`Gcs`]): each GC's values (every value ever given,
//! merged) and clip, and a version that changes with them. A pixmap's log draws with
//! the GC as it was then, so the log holds a snapshot of the GC's full state before the
//! first drawing with each version (`pixmaps`); a GC freed while a log still uses it is
//! kept, marked freed, and the replay creates it for the log and frees it after.

use std::collections::BTreeMap;
use yonder_protocol::request::{
    ArcMode, CapStyle, ChangeGc, CompositeOp, CreateGc, FillRule, GcValues, ImageFormat, JoinStyle,
    SetClipRectangles,
};
use yonder_protocol::{Color, Drawable, GcId, Point, Rect, Request, WindowId};

/// A GC's clip: `rects` offset by `origin`, or none (no clipping).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Clip {
    origin: Point,
    rects: Option<Vec<Rect>>,
}

/// One GC.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Gc {
    values: GcValues,
    clip: Clip,
    /// Changes whenever the values or the clip do (unique among all GCs' versions).
    pub(super) version: u64,
    /// Freed by the app; kept while a pixmap's log uses it.
    freed: bool,
}

/// The app's GCs (see the module doc).
#[derive(Debug, Default)]
pub(super) struct Gcs {
    map: BTreeMap<GcId, Gc>,
    next_version: u64,
    /// How many are freed but kept.
    freed: usize,
}

/// Sets in `to` every value that `from` gives.
fn merge(to: &mut GcValues, from: &GcValues) {
    let GcValues {
        foreground,
        background,
        line_width,
        antialias,
        font_size,
        op,
        fill_rule,
        arc_mode,
        cap_style,
        join_style,
        font_face,
        text_antialias,
    } = from;
    to.foreground = foreground.or(to.foreground);
    to.background = background.or(to.background);
    to.line_width = line_width.or(to.line_width);
    to.antialias = antialias.or(to.antialias);
    to.font_size = font_size.or(to.font_size);
    to.op = op.or(to.op);
    to.fill_rule = fill_rule.or(to.fill_rule);
    to.arc_mode = arc_mode.or(to.arc_mode);
    to.cap_style = cap_style.or(to.cap_style);
    to.join_style = join_style.or(to.join_style);
    to.font_face = font_face.or(to.font_face);
    to.text_antialias = text_antialias.or(to.text_antialias);
}

/// Every value set: the given ones, and the defaults of protocol.md for the others (a
/// replay to an older server leaves out the fields of later versions,
/// `Request::for_minor`).
fn complete(v: &GcValues) -> GcValues {
    let mut full = GcValues {
        foreground: Some(Color::BLACK),
        background: Some(Color::WHITE),
        line_width: Some(0),
        antialias: Some(false),
        font_size: Some(14.0),
        op: Some(CompositeOp::Over),
        fill_rule: Some(FillRule::EvenOdd),
        arc_mode: Some(ArcMode::PieSlice),
        cap_style: Some(CapStyle::Butt),
        join_style: Some(JoinStyle::Miter),
        font_face: Some(0),
        text_antialias: Some(true),
    };
    merge(&mut full, v);
    full
}

impl Gc {
    fn op(&self) -> CompositeOp {
        self.values.op.unwrap_or(CompositeOp::Over)
    }

    fn unclipped(&self) -> bool {
        self.clip.rects.is_none()
    }

    /// The requests that give `id` exactly this state, whatever it had.
    fn set_all(&self, id: GcId) -> [Request; 2] {
        [
            Request::ChangeGc(ChangeGc {
                gc: id,
                values: complete(&self.values),
            }),
            Request::SetClipRectangles(SetClipRectangles {
                gc: id,
                origin: self.clip.origin,
                rects: self.clip.rects.clone(),
            }),
        ]
    }
}

impl Gcs {
    fn bump(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// A GC of ours.
    pub(super) fn get(&self, id: GcId) -> Option<&Gc> {
        self.map.get(&id).filter(|g| !g.freed)
    }

    /// CreateGc of an own id.
    pub(super) fn create(&mut self, r: &CreateGc) {
        if self.map.get(&r.id).is_some_and(|g| !g.freed) {
            return; // IdChoice on the server
        }
        let version = self.bump();
        let old = self.map.insert(
            r.id,
            Gc {
                values: r.values.clone(),
                clip: Clip {
                    origin: Point::default(),
                    rects: None,
                },
                version,
                freed: false,
            },
        );
        if old.is_some() {
            self.freed -= 1;
        }
    }

    /// ChangeGc.
    pub(super) fn change(&mut self, r: &ChangeGc) {
        let version = self.bump();
        if let Some(g) = self.map.get_mut(&r.gc).filter(|g| !g.freed) {
            merge(&mut g.values, &r.values);
            g.version = version;
        }
    }

    /// SetClipRectangles.
    pub(super) fn set_clip(&mut self, r: &SetClipRectangles) {
        let version = self.bump();
        if let Some(g) = self.map.get_mut(&r.gc).filter(|g| !g.freed) {
            g.clip = Clip {
                origin: r.origin,
                rects: r.rects.clone(),
            };
            g.version = version;
        }
    }

    /// FreeGc: kept, marked, until no log uses it ([`Gcs::purge`]).
    pub(super) fn free(&mut self, id: GcId) {
        if let Some(g) = self.map.get_mut(&id).filter(|g| !g.freed) {
            g.freed = true;
            self.freed += 1;
        }
    }

    /// Drops the freed GCs no pixmap's log uses any more (`used`: whether one does).
    pub(super) fn purge(&mut self, used: impl Fn(GcId) -> bool) {
        if self.freed == 0 {
            return;
        }
        let before = self.map.len();
        self.map.retain(|id, g| !g.freed || used(*id));
        self.freed -= before - self.map.len();
    }

    /// The requests that put GC `id`'s current state into a log (`None`: no such GC).
    pub(super) fn snapshot(&self, id: GcId) -> Option<(u64, [Request; 2])> {
        let g = self.get(id)?;
        Some((g.version, g.set_all(id)))
    }

    /// Whether a fill with `id` replaces what it covers (the result does not depend on
    /// what was there): unclipped, and Source, or Over with an opaque color.
    pub(super) fn fill_replaces(&self, id: GcId) -> bool {
        self.get(id).is_some_and(|g| {
            let opaque = g.values.foreground.unwrap_or(Color::BLACK).alpha() == 0xFF;
            g.unclipped()
                && (g.op() == CompositeOp::Source || g.op() == CompositeOp::Over && opaque)
        })
    }

    /// Whether a PutImage of `format` with `id` replaces what it covers.
    pub(super) fn put_replaces(&self, id: GcId, format: ImageFormat) -> bool {
        self.get(id).is_some_and(|g| {
            g.unclipped()
                && (g.op() == CompositeOp::Source
                    || g.op() == CompositeOp::Over
                        && matches!(format, ImageFormat::Bgrx | ImageFormat::Rgbx))
        })
    }

    /// Every GC (freed ones too), created on the root with its current state.
    pub(super) fn creations(&self) -> Vec<Request> {
        let mut out = Vec::new();
        for (&id, g) in &self.map {
            out.push(Request::CreateGc(CreateGc {
                id,
                drawable: Drawable(WindowId::ROOT.0),
                values: g.values.clone(),
            }));
            if g.clip.rects.is_some() {
                out.push(g.set_all(id)[1].clone());
            }
        }
        out
    }

    /// After the pixmaps' logs (whose snapshots changed the GCs in `used`): the live ones
    /// set back to their current state, the freed ones freed.
    pub(super) fn settle(&self, used: impl Fn(GcId) -> bool) -> Vec<Request> {
        let mut out = Vec::new();
        for (&id, g) in &self.map {
            if g.freed {
                out.push(Request::FreeGc(yonder_protocol::request::FreeGc { gc: id }));
            } else if used(id) {
                out.extend(g.set_all(id));
            }
        }
        out
    }

    /// The ids of the GCs the journal holds, live ones.
    pub(super) fn live(&self) -> Vec<GcId> {
        self.map
            .iter()
            .filter(|(_, g)| !g.freed)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.map
            .values()
            .map(|g| {
                std::mem::size_of::<(GcId, Gc)>()
                    + g.clip.rects.as_ref().map_or(0, |r| r.capacity() * 16)
            })
            .sum()
    }
}
