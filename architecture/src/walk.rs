//! The walk over a crate's sources: parses each file with `syn`, follows `mod` items to
//! their files, and records every `crate::`, `super::` and `self::` path (in `use` items,
//! code, types and macro tokens) outside `#[cfg(test)]`, resolved to the module it reaches.

use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// One place where a module names a path into another.
#[derive(Debug, Clone)]
pub struct Use {
    /// The module path where the use stands (`["state", "tree"]`).
    pub from: Vec<String>,
    /// The module path it reaches (the longest prefix of the named path that is a module).
    pub to: Vec<String>,
    /// The file and line of the use.
    pub file: PathBuf,
    /// Line number (1-based).
    pub line: usize,
    /// The path as written, segments joined with `::`.
    pub text: String,
}

/// What a walk of a crate's sources found.
pub(crate) struct Found {
    pub layers: Vec<Vec<String>>,
    pub modules: BTreeSet<Vec<String>>,
    pub top: Vec<String>,
    pub uses: Vec<Use>,
}

/// Walks the crate whose root file is `root`: its stated layers, its modules and every use
/// between them.
pub(crate) fn read(root: &Path) -> Result<Found, String> {
    let file = parse(root)?;
    let layers = layers_from_doc(&file.attrs).unwrap_or_default();
    let mut walker = Walker {
        modules: BTreeSet::new(),
        top: Vec::new(),
        raw: Vec::new(),
        root_exports: BTreeMap::new(),
        queue: Vec::new(),
        errors: Vec::new(),
        cur: Cursor {
            module: Vec::new(),
            file: root.to_path_buf(),
            dir: root.parent().unwrap_or(Path::new(".")).to_path_buf(),
            inline_depth: 0,
        },
    };
    walker.read_root(&file);
    while let Some((module, path)) = walker.queue.pop() {
        match parse(&path) {
            Ok(f) => {
                let dir = child_dir(&path, false);
                walker.cur = Cursor {
                    module,
                    file: path,
                    dir,
                    inline_depth: 0,
                };
                walker.visit_file(&f);
            }
            Err(e) => walker.errors.push(e),
        }
    }
    if !walker.errors.is_empty() {
        return Err(walker.errors.join("\n"));
    }
    let uses = walker.resolve();
    Ok(Found {
        layers,
        modules: walker.modules,
        top: walker.top,
        uses,
    })
}

fn parse(path: &Path) -> Result<syn::File, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    syn::parse_file(&text).map_err(|e| {
        let at = e.span().start();
        format!("{}:{}: {e}", path.display(), at.line)
    })
}

/// The `# Layers` section of the crate doc: numbered lines of backticked module names.
fn layers_from_doc(attrs: &[syn::Attribute]) -> Option<Vec<Vec<String>>> {
    let mut lines = Vec::new();
    for a in attrs {
        if let syn::Meta::NameValue(nv) = &a.meta {
            if nv.path.is_ident("doc") {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    lines.extend(s.value().lines().map(str::to_owned));
                }
            }
        }
    }
    let start = lines.iter().position(|l| {
        l.trim().trim_start_matches('#').trim() == "Layers" && l.trim().starts_with('#')
    })?;
    let mut layers = Vec::new();
    for line in &lines[start + 1..] {
        let t = line.trim();
        if t.starts_with('#') {
            break;
        }
        if let Some(names) = layer_line(t) {
            layers.push(names);
        }
    }
    Some(layers)
}

/// `3. \`a\`, \`b\` — text` → `["a", "b"]`.
fn layer_line(t: &str) -> Option<Vec<String>> {
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let mut rest = t[digits..].strip_prefix('.')?.trim_start();
    let mut names = Vec::new();
    while let Some(r) = rest.strip_prefix('`') {
        let end = r.find('`')?;
        names.push(r[..end].to_owned());
        rest = r[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    (!names.is_empty()).then_some(names)
}

/// Where the files of the sub-modules of `file` live.
fn child_dir(file: &Path, is_root: bool) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if is_root || stem == "mod" {
        parent
    } else {
        parent.join(stem)
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .map(|l| {
                    l.tokens
                        .clone()
                        .into_iter()
                        .any(|t| matches!(&t, TokenTree::Ident(i) if i == "test"))
                })
                .unwrap_or(false)
            && !a
                .meta
                .require_list()
                .map(|l| l.tokens.to_string().starts_with("not"))
                .unwrap_or(false)
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let syn::Meta::NameValue(nv) = &a.meta else {
            return None;
        };
        if !nv.path.is_ident("path") {
            return None;
        }
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }
    })
}

/// Where the walk stands: the module, its file and the directory of its sub-module files.
struct Cursor {
    module: Vec<String>,
    file: PathBuf,
    dir: PathBuf,
    inline_depth: usize,
}

/// A path as written, before resolution.
struct RawUse {
    from: Vec<String>,
    segments: Vec<String>,
    file: PathBuf,
    line: usize,
}

struct Walker {
    modules: BTreeSet<Vec<String>>,
    top: Vec<String>,
    raw: Vec<RawUse>,
    /// Names the root re-exports or defines: name → absolute path (empty for its own items).
    root_exports: BTreeMap<String, Vec<String>>,
    queue: Vec<(Vec<String>, PathBuf)>,
    errors: Vec<String>,
    cur: Cursor,
}

impl Walker {
    fn read_root(&mut self, file: &syn::File) {
        self.cur.dir = child_dir(&self.cur.file, true);
        for item in &file.items {
            match item {
                syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                    self.top.push(m.ident.to_string());
                    self.visit_item_mod(m);
                }
                syn::Item::Use(u) if !is_cfg_test(&u.attrs) => {
                    for (segs, _) in flatten_use(&u.tree) {
                        if let Some(name) = segs.last() {
                            let target = match segs.first().map(String::as_str) {
                                Some("crate") | Some("self") => segs[1..].to_vec(),
                                _ => segs.clone(),
                            };
                            self.root_exports.insert(name.clone(), target);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn record(&mut self, segments: Vec<String>, line: usize) {
        if self.cur.module.is_empty() || segments.is_empty() {
            return; // the root sits above every layer
        }
        if !matches!(segments[0].as_str(), "crate" | "super" | "self") {
            return;
        }
        self.raw.push(RawUse {
            from: self.cur.module.clone(),
            segments,
            file: self.cur.file.clone(),
            line,
        });
    }

    /// Turns every raw path into the module it reaches; drops uses inside one module.
    fn resolve(&self) -> Vec<Use> {
        let mut out = Vec::new();
        for r in &self.raw {
            let mut abs: Vec<String> = match r.segments[0].as_str() {
                "crate" => r.segments[1..].to_vec(),
                "self" => {
                    let mut p = r.from.clone();
                    p.extend_from_slice(&r.segments[1..]);
                    p
                }
                _ => {
                    let mut p = r.from.clone();
                    let mut i = 0;
                    while r.segments.get(i).map(String::as_str) == Some("super") {
                        if p.pop().is_none() {
                            break;
                        }
                        i += 1;
                    }
                    p.extend_from_slice(&r.segments[i..]);
                    p
                }
            };
            // A name the root re-exports resolves to where it comes from.
            if let Some(first) = abs.first() {
                if !self.top.contains(first) {
                    match self.root_exports.get(first) {
                        Some(target) if !target.is_empty() => {
                            let mut p = target.clone();
                            p.extend_from_slice(&abs[1..]);
                            abs = p;
                        }
                        _ => continue, // the root's own item, or a macro/extern name
                    }
                }
            }
            let mut to = abs;
            while !to.is_empty() && !self.modules.contains(&to) {
                to.pop();
            }
            if to.is_empty() || r.from.starts_with(&to) || to.starts_with(&r.from) {
                continue;
            }
            out.push(Use {
                from: r.from.clone(),
                to,
                file: r.file.clone(),
                line: r.line,
                text: r.segments.join("::"),
            });
        }
        out
    }
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match i {
            syn::Item::Const(x) => &x.attrs,
            syn::Item::Enum(x) => &x.attrs,
            syn::Item::Fn(x) => &x.attrs,
            syn::Item::Impl(x) => &x.attrs,
            syn::Item::Macro(x) => &x.attrs,
            syn::Item::Mod(x) => &x.attrs,
            syn::Item::Static(x) => &x.attrs,
            syn::Item::Struct(x) => &x.attrs,
            syn::Item::Trait(x) => &x.attrs,
            syn::Item::Type(x) => &x.attrs,
            syn::Item::Use(x) => &x.attrs,
            _ => &[],
        };
        if !is_cfg_test(attrs) {
            syn::visit::visit_item(self, i);
        }
    }

    fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match i {
            syn::ImplItem::Fn(x) => &x.attrs,
            syn::ImplItem::Const(x) => &x.attrs,
            syn::ImplItem::Type(x) => &x.attrs,
            _ => &[],
        };
        if !is_cfg_test(attrs) {
            syn::visit::visit_impl_item(self, i);
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if is_cfg_test(&m.attrs) {
            return;
        }
        let name = m.ident.to_string();
        let mut module = self.cur.module.clone();
        module.push(name.clone());
        self.modules.insert(module.clone());
        match &m.content {
            Some((_, items)) => {
                let saved_dir = self.cur.dir.clone();
                self.cur.dir = self.cur.dir.join(&name);
                self.cur.module.push(name);
                self.cur.inline_depth += 1;
                for item in items {
                    self.visit_item(item);
                }
                self.cur.inline_depth -= 1;
                self.cur.module.pop();
                self.cur.dir = saved_dir;
            }
            None => {
                let file = match path_attr(&m.attrs) {
                    Some(p) if self.cur.inline_depth == 0 => {
                        self.cur.file.parent().unwrap_or(Path::new(".")).join(p)
                    }
                    Some(p) => self.cur.dir.join(p),
                    None => {
                        let flat = self.cur.dir.join(format!("{name}.rs"));
                        if flat.exists() {
                            flat
                        } else {
                            self.cur.dir.join(&name).join("mod.rs")
                        }
                    }
                };
                self.queue.push((module, file));
            }
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for (segs, line) in flatten_use(&u.tree) {
            self.record(segs, line);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.record(segs, p.span().start().line);
        syn::visit::visit_path(self, p);
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        for (segs, line) in paths_in_tokens(m.tokens.clone()) {
            self.record(segs, line);
        }
        syn::visit::visit_macro(self, m);
    }
}

/// Every path a `use` tree names (groups expanded, globs and renames to their path).
fn flatten_use(tree: &syn::UseTree) -> Vec<(Vec<String>, usize)> {
    fn go(t: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, usize)>) {
        match t {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                go(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut v = prefix.clone();
                if n.ident != "self" {
                    v.push(n.ident.to_string());
                }
                out.push((v, n.ident.span().start().line));
            }
            syn::UseTree::Rename(r) => {
                let mut v = prefix.clone();
                if r.ident != "self" {
                    v.push(r.ident.to_string());
                }
                out.push((v, r.ident.span().start().line));
            }
            syn::UseTree::Glob(g) => out.push((prefix.clone(), g.star_token.span.start().line)),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    go(t, prefix, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    go(tree, &mut Vec::new(), &mut out);
    out
}

/// `crate::a::b` and `super::…` sequences in a macro's tokens (`$crate` is not one).
fn paths_in_tokens(tokens: TokenStream) -> Vec<(Vec<String>, usize)> {
    let mut flat = Vec::new();
    fn flatten(ts: TokenStream, flat: &mut Vec<TokenTree>) {
        for t in ts {
            match t {
                TokenTree::Group(g) => flatten(g.stream(), flat),
                other => flat.push(other),
            }
        }
    }
    flatten(tokens, &mut flat);
    let mut out = Vec::new();
    let mut i = 0;
    while i < flat.len() {
        let starts = matches!(&flat[i], TokenTree::Ident(id) if id == "crate" || id == "super")
            && !matches!(i.checked_sub(1).map(|j| &flat[j]), Some(TokenTree::Punct(p)) if p.as_char() == '$')
            && !matches!(i.checked_sub(1).map(|j| &flat[j]), Some(TokenTree::Punct(p)) if p.as_char() == ':');
        if !starts {
            i += 1;
            continue;
        }
        let line = flat[i].span().start().line;
        let mut segs = vec![flat[i].to_string()];
        let mut j = i + 1;
        while j + 2 < flat.len() && is_colon(&flat[j]) && is_colon(&flat[j + 1]) {
            match &flat[j + 2] {
                TokenTree::Ident(id) => {
                    segs.push(id.to_string());
                    j += 3;
                }
                _ => break,
            }
        }
        if segs.len() > 1 {
            out.push((segs, line));
        }
        i = j.max(i + 1);
    }
    out
}

fn is_colon(t: &TokenTree) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == ':')
}
