//! Window properties in the journal ([`Properties`]): on our own windows and on the root,
//! each folded to its final value. A property of our window starts from nothing, so
//! every change folds into a known value; one of the root may hold what other clients
//! wrote, so a prepend or append to a value we never replaced is kept as an edit of an
//! unknown base, and a deletion is kept as one. Other clients' windows' properties are
//! theirs to keep.

use std::collections::BTreeMap;
use yonder_protocol::request::{ChangeProperty, DeleteProperty, PropMode};
use yonder_protocol::{Atom, Request, WindowId};

/// A property as the app left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Prop {
    /// This value, whatever was there before.
    Value {
        /// Its type.
        type_: Atom,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// `before` prepended and `after` appended to a value we do not know.
    Edited {
        /// The type the edits had.
        type_: Atom,
        /// Bytes prepended, in the final order.
        before: Vec<u8>,
        /// Bytes appended.
        after: Vec<u8>,
    },
    /// Deleted (kept for the root only).
    Deleted,
}

/// Properties of our windows and the root.
#[derive(Debug, Default)]
pub(super) struct Properties {
    by_window: BTreeMap<WindowId, BTreeMap<Atom, Prop>>,
}

impl Properties {
    /// ChangeProperty on `r.window` (`own`: one of our live windows). A type mismatch
    /// with a known value is a Match error on the server: nothing changes.
    pub(super) fn change(&mut self, own: bool, r: &ChangeProperty) {
        if !own && r.window != WindowId::ROOT {
            return;
        }
        let props = self.by_window.entry(r.window).or_default();
        let new = match (r.mode, props.remove(&r.property)) {
            (PropMode::Replace, _) => Prop::Value {
                type_: r.type_,
                data: r.data.clone(),
            },
            (_, None) | (_, Some(Prop::Deleted)) if own => Prop::Value {
                type_: r.type_,
                data: r.data.clone(),
            },
            (mode, None) => {
                let (before, after) = match mode {
                    PropMode::Prepend => (r.data.clone(), Vec::new()),
                    _ => (Vec::new(), r.data.clone()),
                };
                Prop::Edited {
                    type_: r.type_,
                    before,
                    after,
                }
            }
            // Deleted: nothing is there now.
            (_, Some(Prop::Deleted)) => Prop::Value {
                type_: r.type_,
                data: r.data.clone(),
            },
            (mode, Some(Prop::Value { type_, mut data })) if type_ == r.type_ => {
                match mode {
                    PropMode::Prepend => {
                        data.splice(0..0, r.data.iter().copied());
                    }
                    _ => data.extend_from_slice(&r.data),
                }
                Prop::Value { type_, data }
            }
            (
                mode,
                Some(Prop::Edited {
                    type_,
                    mut before,
                    mut after,
                }),
            ) if type_ == r.type_ => {
                match mode {
                    PropMode::Prepend => {
                        before.splice(0..0, r.data.iter().copied());
                    }
                    _ => after.extend_from_slice(&r.data),
                }
                Prop::Edited {
                    type_,
                    before,
                    after,
                }
            }
            (_, Some(unchanged)) => unchanged,
        };
        props.insert(r.property, new);
    }

    /// DeleteProperty: gone from our window; on the root, remembered as deleted.
    pub(super) fn delete(&mut self, own: bool, r: &DeleteProperty) {
        if own {
            if let Some(props) = self.by_window.get_mut(&r.window) {
                props.remove(&r.property);
            }
        } else if r.window == WindowId::ROOT {
            self.by_window
                .entry(r.window)
                .or_default()
                .insert(r.property, Prop::Deleted);
        }
    }

    /// GetProperty with `delete`: the server deletes the property if it exists, which
    /// we know only of the values we wrote.
    pub(super) fn delete_if_known(&mut self, own: bool, r: &DeleteProperty) {
        let known = self
            .by_window
            .get(&r.window)
            .and_then(|props| props.get(&r.property))
            .is_some_and(|p| *p != Prop::Deleted);
        if known {
            self.delete(own, r);
        }
    }

    /// Our window `w` was destroyed.
    pub(super) fn window_gone(&mut self, w: WindowId) {
        self.by_window.remove(&w);
    }

    /// A property's journaled state.
    pub(super) fn get(&self, w: WindowId, property: Atom) -> Option<&Prop> {
        self.by_window.get(&w)?.get(&property)
    }

    /// The requests that set every journaled property, window by window.
    pub(super) fn replay(&self) -> Vec<Request> {
        let mut out = Vec::new();
        for (&window, props) in &self.by_window {
            for (&property, prop) in props {
                let change = |mode, type_, data: &Vec<u8>| {
                    Request::ChangeProperty(ChangeProperty {
                        window,
                        property,
                        type_,
                        mode,
                        data: data.clone(),
                    })
                };
                match prop {
                    Prop::Value { type_, data } => {
                        out.push(change(PropMode::Replace, *type_, data))
                    }
                    Prop::Edited {
                        type_,
                        before,
                        after,
                    } => {
                        if !before.is_empty() {
                            out.push(change(PropMode::Prepend, *type_, before));
                        }
                        if !after.is_empty() || before.is_empty() {
                            out.push(change(PropMode::Append, *type_, after));
                        }
                    }
                    Prop::Deleted => {
                        out.push(Request::DeleteProperty(DeleteProperty { window, property }))
                    }
                }
            }
        }
        out
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.by_window
            .values()
            .flat_map(|props| props.values())
            .map(|p| {
                std::mem::size_of::<(Atom, Prop)>()
                    + match p {
                        Prop::Value { data, .. } => data.capacity(),
                        Prop::Edited { before, after, .. } => before.capacity() + after.capacity(),
                        Prop::Deleted => 0,
                    }
            })
            .sum()
    }
}
