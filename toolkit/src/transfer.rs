//! Moving data between apps: the selection and drag-and-drop helpers every app shares.
//!
//! * [`Offer`] – what an owner offers: types (MIME atoms) and their bytes, given at once
//!   or produced by a closure when asked. It answers SelectionRequest events: TARGETS with
//!   the list of types, an offered type with its bytes in 1 MiB chunks, anything else with
//!   a refusal.
//! * [`Receiver`] – the asking side: sends ConvertSelection and collects the SelectionData
//!   chunks of each conversion (by tag) into complete values, or a refusal.
//! * [`DragSource`] – starts a drag after button 1 was pressed and the pointer moved
//!   [`DRAG_THRESHOLD`] pixels, with an icon made from an RGBA image; serves the data of
//!   the YONDER_DND selection from its [`Offer`]; reports the target's answers and the end.
//! * [`DropTarget`] – selects DND on a window, accepts drags offering one of the app's
//!   types with one of its actions, fetches the data on a drop, hands it to the app and
//!   reports the drop finished.
//! * [`path_to_uri`], [`uri_to_path`], [`encode_uri_list`], [`decode_uri_list`] – files
//!   as `text/uri-list`; [`encode_atoms`], [`decode_atoms`] – the TARGETS format.
//!
//! The protocol itself (who sends what when) is the server's, see protocol.md §17 and
//! `display-server/src/transfer/`. What to offer, accept and do with a drop is the app's.
//!
//! With `YONDER_LOG=debug` in the environment the helpers trace the drag-and-drop
//! conversation on stderr (`APP: dnd: ...`), which is how the apps' tests follow it.

mod dnd;
mod uri;

pub use dnd::{DragEvent, DragSource, DropData, DropEvent, DropTarget, DRAG_THRESHOLD};
pub use uri::{
    decode_uri_list, encode_uri_list, path_to_uri, percent_decode, percent_encode, uri_to_path,
};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use yonder::prelude::*;
use yonder::Connection;
use yonder_protocol::event::{SelectionDataEvent, SelectionRequestEvent};
use yonder_protocol::{atoms, Atom, WindowId};

/// Produces an offered value when someone asks for it; an `Err` (a message for stderr)
/// refuses the conversion.
pub type Producer = Box<dyn FnMut() -> Result<Vec<u8>, String>>;

enum Value {
    Bytes(Vec<u8>),
    Lazy(Producer),
}

/// Types and their values, offered for a selection or a drag.
#[derive(Default)]
pub struct Offer {
    values: Vec<(Atom, Value)>,
}

impl Offer {
    /// An offer of nothing yet.
    pub fn new() -> Offer {
        Offer::default()
    }

    /// Offers `bytes` as type `type_` (after the types already offered: best first).
    pub fn with_bytes(mut self, type_: Atom, bytes: impl Into<Vec<u8>>) -> Offer {
        self.values.push((type_, Value::Bytes(bytes.into())));
        self
    }

    /// Offers type `type_`, produced by `produce` each time it is asked for.
    pub fn with_lazy(
        mut self,
        type_: Atom,
        produce: impl FnMut() -> Result<Vec<u8>, String> + 'static,
    ) -> Offer {
        self.values.push((type_, Value::Lazy(Box::new(produce))));
        self
    }

    /// The types offered, best first.
    pub fn types(&self) -> Vec<Atom> {
        self.values.iter().map(|(t, _)| *t).collect()
    }

    /// Answers a SelectionRequest (whichever selection it is for: the app routes them):
    /// TARGETS gets the offered types and TARGETS itself, an offered type its bytes, any
    /// other type (or a producer's failure) a refusal.
    pub fn answer(&mut self, conn: &Connection, req: &SelectionRequestEvent) {
        if req.target == atoms::TARGETS {
            let mut types = self.types();
            types.push(atoms::TARGETS);
            conn.send_selection_bytes(req.transfer, &encode_atoms(&types));
            return;
        }
        let found = self.values.iter_mut().find(|(t, _)| *t == req.target);
        let bytes = match found.map(|(_, v)| v) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            Some(Value::Lazy(produce)) => produce(),
            None => Err(String::new()),
        };
        match bytes {
            Ok(b) => conn.send_selection_bytes(req.transfer, &b),
            Err(why) => {
                if !why.is_empty() {
                    eprintln!("{}: cannot provide the data: {why}", conn.app_name());
                }
                conn.refuse_selection(req.transfer);
            }
        }
    }
}

/// The largest value a [`Receiver`] collects; a larger one counts as refused.
pub const MAX_VALUE: usize = 256 << 20;

/// Tags are unique in the process, so several receivers never take each other's data.
static NEXT_TAG: AtomicU32 = AtomicU32::new(1);

/// A value that arrived whole (or was refused).
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// The tag [`Receiver::request`] returned.
    pub tag: u32,
    /// The selection.
    pub selection: Atom,
    /// The type asked for.
    pub target: Atom,
    /// The bytes; `None` when refused (no owner, type not offered, owner gone, too big).
    pub data: Option<Vec<u8>>,
}

struct Pending {
    data: Vec<u8>,
    too_big: bool,
}

/// Collects the chunks of the conversions this app asked for.
#[derive(Default)]
pub struct Receiver {
    pending: HashMap<u32, Pending>,
}

impl Receiver {
    /// A receiver with nothing asked for.
    pub fn new() -> Receiver {
        Receiver::default()
    }

    /// Asks for `selection` in type `target` on behalf of `requestor` (one of this app's
    /// windows); returns the tag the answer will carry.
    pub fn request(
        &mut self,
        conn: &Connection,
        selection: Atom,
        target: Atom,
        requestor: WindowId,
    ) -> u32 {
        let tag = NEXT_TAG.fetch_add(1, Ordering::Relaxed);
        self.pending.insert(
            tag,
            Pending {
                data: Vec::new(),
                too_big: false,
            },
        );
        conn.convert_selection(selection, target, requestor, tag);
        tag
    }

    /// Whether the conversion tagged `tag` is still coming.
    pub fn is_pending(&self, tag: u32) -> bool {
        self.pending.contains_key(&tag)
    }

    /// Takes a SelectionData event: the complete value when this was its last chunk;
    /// `None` while more is to come or when the tag is not one of this receiver's.
    pub fn take(&mut self, e: &SelectionDataEvent) -> Option<Received> {
        let p = self.pending.get_mut(&e.tag)?;
        if !e.refused && !p.too_big {
            if p.data.len() + e.data.len() > MAX_VALUE {
                p.too_big = true;
                p.data = Vec::new();
            } else {
                p.data.extend_from_slice(&e.data);
            }
        }
        if !(e.done || e.refused) {
            return None;
        }
        let p = self.pending.remove(&e.tag)?;
        Some(Received {
            tag: e.tag,
            selection: e.selection,
            target: e.target,
            data: (!e.refused && !p.too_big).then_some(p.data),
        })
    }
}

/// Atoms as the TARGETS type carries them: little-endian u32 values.
pub fn encode_atoms(list: &[Atom]) -> Vec<u8> {
    list.iter().flat_map(|a| a.0.to_le_bytes()).collect()
}

/// The atoms of a TARGETS value (a trailing partial value is ignored).
pub fn decode_atoms(bytes: &[u8]) -> Vec<Atom> {
    bytes
        .chunks_exact(4)
        .map(|c| Atom(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

/// Whether `YONDER_LOG` asks for debug output.
fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var("YONDER_LOG").is_ok_and(|v| v.contains("debug") || v.contains("trace"))
    })
}

/// Prints one line of the drag-and-drop conversation when tracing is on.
fn trace(conn: &Connection, what: std::fmt::Arguments) {
    if tracing() {
        eprintln!("{}: dnd: {what}", conn.app_name());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(tag: u32, data: &[u8], done: bool, refused: bool) -> SelectionDataEvent {
        SelectionDataEvent {
            requestor: WindowId(9),
            tag,
            selection: atoms::CLIPBOARD,
            target: atoms::TEXT_PLAIN_UTF8,
            data: data.to_vec(),
            done,
            refused,
        }
    }

    #[test]
    fn atoms_round_trip() {
        let list = [atoms::TARGETS, atoms::IMAGE_PNG, Atom(0x01020304)];
        let bytes = encode_atoms(&list);
        assert_eq!(&bytes[8..], &[4, 3, 2, 1]);
        assert_eq!(decode_atoms(&bytes), list);
        assert_eq!(decode_atoms(&bytes[..7]), list[..1]);
    }

    #[test]
    fn receiver_joins_chunks_by_tag() {
        let mut r = Receiver::new();
        r.pending.insert(
            5,
            Pending {
                data: Vec::new(),
                too_big: false,
            },
        );
        r.pending.insert(
            6,
            Pending {
                data: Vec::new(),
                too_big: false,
            },
        );
        assert_eq!(r.take(&chunk(5, b"hel", false, false)), None);
        assert_eq!(r.take(&chunk(7, b"other", true, false)), None, "not ours");
        let got = r
            .take(&chunk(6, b"", true, true))
            .expect("refusal is final");
        assert_eq!(got.data, None);
        let got = r.take(&chunk(5, b"lo", true, false)).expect("complete");
        assert_eq!(got.data.as_deref(), Some(&b"hello"[..]));
        assert_eq!((got.tag, got.target), (5, atoms::TEXT_PLAIN_UTF8));
        assert!(!r.is_pending(5) && !r.is_pending(6));
    }

    #[test]
    fn offer_lists_types_best_first() {
        let offer = Offer::new()
            .with_bytes(atoms::TEXT_URI_LIST, "file:///a\r\n")
            .with_lazy(atoms::TEXT_PLAIN_UTF8, || Ok(b"/a".to_vec()));
        assert_eq!(
            offer.types(),
            [atoms::TEXT_URI_LIST, atoms::TEXT_PLAIN_UTF8]
        );
    }
}
