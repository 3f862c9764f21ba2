//! The architecture test: reads a crate's `src/` as syntax (with `syn`) and checks the
//! layer order that the crate root's doc states.
//!
//! The crate root (`lib.rs`) lists its layers under a `# Layers` heading, one numbered
//! line per layer, lowest first, module names in backticks before a dash:
//!
//! ```text
//! //! # Layers
//! //!
//! //! 1. `config`, `command` — plain data shared by every thread
//! //! 2. `state` — the server's data
//! ```
//!
//! A module may use the modules of its own line and of the lines above it, never one
//! below, and no two modules may use each other, directly or around a longer loop. Every
//! top-level module the root declares must stand on exactly one line.
//!
//! "Module `a` uses module `b`" means: some file of `a` names a path that resolves into
//! `b` — `crate::b::…` or `super::…` in a `use` (re-exports included), in code
//! (`crate::b::f()`, a type `crate::b::T`) or inside a macro's tokens. Names the root
//! re-exports (`pub use b::T;` in lib.rs) resolve to where they come from; items the root
//! defines itself may be used by every module. Items under `#[cfg(test)]` do not count:
//! tests may reach anything. Visibility paths (`pub(in crate::b)`) are not uses.
//!
//! The same walk finds loops among the sub-modules of one directory module
//! ([`Crate::sibling_cycles`], e.g. `render::arcs` and `render::shapes` using each
//! other); [`Crate::assert_layers`] fails on those too.
//!
//! What it does not see: paths that reach a module through a local `use` alias of a
//! parent (`use super::b; b::f()` is seen as `super::b`, but a later bare `b::f()` is
//! not needed to be: the `use` already counts), and macros invoked by bare name.

use crate::graph::{cycles, describe_cycle, sites};
use crate::walk;
pub use crate::walk::Use;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate read from its sources: its stated layers, its modules and every use between them.
#[derive(Debug)]
pub struct Crate {
    /// The root file that was read (`src/lib.rs`).
    pub root: PathBuf,
    /// The layers as stated, lowest first.
    pub layers: Vec<Vec<String>>,
    /// Every non-test module found, as paths from the crate root.
    pub modules: BTreeSet<Vec<String>>,
    /// Top-level modules in declaration order.
    pub top: Vec<String>,
    /// Every path into another module.
    pub uses: Vec<Use>,
}

impl Crate {
    /// Reads the crate whose root file is `root` (e.g. `…/src/lib.rs`); its doc must
    /// state the layers.
    pub fn read(root: &Path) -> Result<Crate, String> {
        let c = Crate::read_any(root)?;
        if c.layers.is_empty() {
            return Err(format!(
                "{}: no `# Layers` section in the crate doc",
                root.display()
            ));
        }
        Ok(c)
    }

    /// Reads a crate whether or not its doc states layers (none: `layers` is empty), to
    /// look at its graph ([`Crate::edges_under`], [`Crate::top_cycles`]).
    pub fn read_any(root: &Path) -> Result<Crate, String> {
        let found = walk::read(root)?;
        Ok(Crate {
            root: root.to_path_buf(),
            layers: found.layers,
            modules: found.modules,
            top: found.top,
            uses: found.uses,
        })
    }

    /// The layer (0-based) of a top-level module, if it is listed.
    pub fn layer_of(&self, module: &str) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| l.iter().any(|m| m == module))
    }

    /// Edges between the children of `parent` (`[]` for top-level modules): for each
    /// (from, to) pair, the uses that make it.
    pub fn edges_under(&self, parent: &[String]) -> BTreeMap<(String, String), Vec<&Use>> {
        let mut edges: BTreeMap<(String, String), Vec<&Use>> = BTreeMap::new();
        let n = parent.len();
        for u in &self.uses {
            if u.from.len() <= n || u.to.len() <= n {
                continue;
            }
            if u.from[..n] != *parent || u.to[..n] != *parent || u.from[n] == u.to[n] {
                continue;
            }
            edges
                .entry((u.from[n].clone(), u.to[n].clone()))
                .or_default()
                .push(u);
        }
        edges
    }

    /// Every breach of the stated layers: unlisted or unknown modules, uses pointing to a
    /// higher layer, and loops among top-level modules. Empty when the crate keeps them.
    pub fn violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for layer in &self.layers {
            for m in layer {
                if !self.top.contains(m) {
                    out.push(format!("the layer list names `{m}`, which is not a module"));
                }
                if !seen.insert(m.clone()) {
                    out.push(format!("`{m}` stands in more than one layer"));
                }
            }
        }
        for m in &self.top {
            if self.layer_of(m).is_none() {
                out.push(format!(
                    "module `{m}` is in no layer of the `# Layers` list"
                ));
            }
        }
        let edges = self.edges_under(&[]);
        for ((a, b), uses) in &edges {
            if let (Some(la), Some(lb)) = (self.layer_of(a), self.layer_of(b)) {
                if lb > la {
                    out.push(format!(
                        "upward: `{a}` (layer {}) uses `{b}` (layer {}): {}",
                        la + 1,
                        lb + 1,
                        sites(uses)
                    ));
                }
            }
        }
        for cycle in cycles(&edges) {
            out.push(format!(
                "loop among top-level modules: {}",
                describe_cycle(&cycle, &edges)
            ));
        }
        out
    }

    /// Loops among top-level modules, each as the modules of one strongly connected part.
    pub fn top_cycles(&self) -> Vec<Vec<String>> {
        cycles(&self.edges_under(&[]))
    }

    /// Loops among the sub-modules of each directory module (not the top level), e.g.
    /// `render::arcs` and `render::shapes` using each other.
    pub fn sibling_cycles(&self) -> Vec<String> {
        let mut out = Vec::new();
        for parent in &self.modules {
            let edges = self.edges_under(parent);
            for cycle in cycles(&edges) {
                out.push(format!(
                    "loop inside `{}`: {}",
                    parent.join("::"),
                    describe_cycle(&cycle, &edges)
                ));
            }
        }
        out
    }

    /// Panics with every violation, one per line, when there is any: the breaches of
    /// [`Crate::violations`] and the loops of [`Crate::sibling_cycles`].
    pub fn assert_layers(&self) {
        let mut v = self.violations();
        v.extend(self.sibling_cycles());
        assert!(
            v.is_empty(),
            "{}: the layers stated in its doc are broken:\n  {}",
            self.root.display(),
            v.join("\n  ")
        );
    }
}

/// Reads `root` and panics unless its layers hold (the one-line test of a crate).
pub fn assert_crate_layers(root: &Path) -> Crate {
    let c = Crate::read(root).unwrap_or_else(|e| panic!("{e}"));
    c.assert_layers();
    c
}
