//! Layers without cycles: the graph of a crate's top-level modules, read from its
//! `src/`, and the cycles in it.
//!
//! A module that imports another that imports it back cannot be read, tested or
//! moved alone; issue 15 asks that none of core, the sandbox or the app do. This
//! crate proves it in `cargo test` (`tests/no_cycles.rs`) instead of trusting a
//! picture in ARCHITECTURE.md.
//!
//! The source is parsed with `syn`, so a `use` tree, a path in an expression, a
//! type or a pattern, and the `#[cfg(test)]` items that are left out are what the
//! compiler sees, not what a regular expression guesses. What counts as an edge
//! from top-level module `a` (any file under it) to `b`:
//! - `crate::b…` and `super::…` paths reaching `b` (in `use`, `pub use`, code,
//!   types, and the token streams of macro calls, where `crate::b::f` in
//!   `format!` or `tokio::select!` is still a call);
//! - `crate::Name` where the crate root re-exports `Name` from `b`;
//! - `crate::Name` where `Name` is defined in the crate root itself: an edge to
//!   the root, named `crate`, whose own edges are the modules its items use (a
//!   root that both builds on a module and serves it its types is a cycle too).
//!
//! Left out: `#[cfg(test)]` items and modules (tests may reach anywhere), doc
//! comments (an intra-doc link is not an import), `$crate` in macro definitions,
//! and paths that do not start at `crate`, `super` or `self` (other crates).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The crate root's node: items defined in `lib.rs`/`main.rs` themselves.
pub const ROOT: &str = "crate";

/// Why an edge exists: the first place seen, enough to find it with a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Relative to the crate's `src/`.
    pub file: PathBuf,
    /// The path as written, segments joined by `::`.
    pub path: String,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: `{}`", self.file.display(), self.path)
    }
}

/// Top-level modules and which imports which (self-edges dropped).
#[derive(Debug, Default)]
pub struct Graph {
    pub modules: BTreeSet<String>,
    pub edges: BTreeMap<String, BTreeMap<String, Evidence>>,
}

/// A crate that cannot be read: a file missing or not Rust.
#[derive(Debug)]
pub enum Error {
    Io(PathBuf, std::io::Error),
    Parse(PathBuf, syn::Error),
    MissingModule(String, PathBuf),
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            Error::Parse(path, e) => write!(f, "cannot parse {}: {e}", path.display()),
            Error::MissingModule(name, dir) => {
                write!(f, "module `{name}` has no file in {}", dir.display())
            }
        }
    }
}

/// A cycle: `modules[0] → modules[1] → … → modules[0]`, with the evidence of
/// each step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub modules: Vec<String>,
    pub steps: Vec<Evidence>,
    /// Every module caught in the same knot (the strongly connected component).
    pub knot: Vec<String>,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = self.modules.clone();
        if let Some(first) = self.modules.first() {
            names.push(first.clone());
        }
        writeln!(f, "{}", names.join(" → "))?;
        for (i, step) in self.steps.iter().enumerate() {
            let to = &names[i + 1];
            writeln!(f, "    {} → {to}: {step}", names[i])?;
        }
        if self.knot.len() > self.modules.len() {
            writeln!(f, "    (the same knot holds: {})", self.knot.join(", "))?;
        }
        Ok(())
    }
}

/// Reads the crate whose sources are in `src` (`lib.rs`, else `main.rs`).
pub fn module_graph(src: &Path) -> Result<Graph, Error> {
    let root_file = ["lib.rs", "main.rs"]
        .iter()
        .map(|name| src.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::Io(
                src.join("lib.rs"),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )
        })?;
    let root = parse(&root_file)?;

    // What the root declares: its modules, its own items, its re-exports.
    let mut top = Vec::new();
    let mut defined = BTreeSet::new();
    for item in &root.items {
        if is_test_only(item_attrs(item)) {
            continue;
        }
        match item {
            syn::Item::Mod(m) => top.push(m.clone()),
            syn::Item::Use(_) | syn::Item::ExternCrate(_) => {}
            other => {
                if let Some(name) = item_name(other) {
                    defined.insert(name);
                }
            }
        }
    }
    let modules: BTreeSet<String> = top.iter().map(|m| m.ident.to_string()).collect();
    let mut reexports = BTreeMap::new();
    for item in &root.items {
        if let syn::Item::Use(u) = item {
            if is_test_only(&u.attrs) {
                continue;
            }
            for (segments, alias) in flatten_use(&u.tree) {
                let first = segments.first().map(String::as_str);
                let start = match first {
                    Some("crate") | Some("self") => 1,
                    _ => 0,
                };
                if let Some(module) = segments.get(start).filter(|s| modules.contains(*s))
                    && let Some(alias) = alias
                {
                    reexports.insert(alias, module.clone());
                }
            }
        }
    }
    let resolver = Resolver {
        modules: &modules,
        reexports: &reexports,
        defined: &defined,
    };

    let mut graph = Graph {
        modules: modules.clone(),
        edges: BTreeMap::new(),
    };
    let mut collector = Collector {
        resolver: &resolver,
        src,
        file: root_file.clone(),
        position: Vec::new(),
        found: Vec::new(),
    };
    // The root's own items (its `mod` declarations are not imports).
    for item in &root.items {
        if !matches!(item, syn::Item::Mod(_)) && !is_test_only(item_attrs(item)) {
            collector.visit_item(item);
        }
    }
    let mut found = std::mem::take(&mut collector.found);
    for m in &top {
        let dir = src.to_path_buf();
        read_module(m, &dir, &root_file, vec![], &resolver, src, &mut found)?;
    }
    for (from, to, evidence) in found {
        if from != to {
            graph
                .edges
                .entry(from)
                .or_default()
                .entry(to)
                .or_insert(evidence);
        }
    }
    Ok(graph)
}

/// One cycle per strongly connected component of more than one module: the
/// shortest through the component's first module (by name), so the message is
/// stable and short. Empty when the modules form layers.
pub fn cycles(graph: &Graph) -> Vec<Cycle> {
    let mut nodes: BTreeSet<&String> = graph.modules.iter().collect();
    for (from, tos) in &graph.edges {
        nodes.insert(from);
        nodes.extend(tos.keys());
    }
    let mut out = Vec::new();
    for component in components(graph, &nodes) {
        if component.len() < 2 {
            continue;
        }
        let start = component[0].clone();
        // Breadth-first from `start`, inside the component, back to `start`.
        let inside: BTreeSet<&String> = component.iter().collect();
        let mut previous: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut closing = None;
        'search: while let Some(node) = queue.pop_front() {
            for next in graph.edges.get(&node).into_iter().flat_map(|t| t.keys()) {
                if !inside.contains(next) {
                    continue;
                }
                if *next == start {
                    closing = Some(node.clone());
                    break 'search;
                }
                if !previous.contains_key(next) {
                    previous.insert(next.clone(), node.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        let Some(mut node) = closing else { continue };
        let mut path = vec![node.clone()];
        while node != start {
            node = previous[&node].clone();
            path.push(node.clone());
        }
        path.reverse();
        let steps = (0..path.len())
            .map(|i| {
                let to = &path[(i + 1) % path.len()];
                graph.edges[&path[i]][to].clone()
            })
            .collect();
        out.push(Cycle {
            modules: path,
            steps,
            knot: component,
        });
    }
    out
}

/// Tarjan's strongly connected components, each sorted by name.
fn components(graph: &Graph, nodes: &BTreeSet<&String>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a String, usize>,
        low: BTreeMap<&'a String, usize>,
        stack: Vec<&'a String>,
        on_stack: BTreeSet<&'a String>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a String) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.edges.get(v).into_iter().flat_map(|t| t.keys()) {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in nodes {
        if !state.index.contains_key(*v) {
            visit(&mut state, v);
        }
    }
    state.out.sort();
    state.out
}

fn parse(path: &Path) -> Result<syn::File, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
    syn::parse_file(&text).map_err(|e| Error::Parse(path.to_path_buf(), e))
}

/// Reads module `m` declared in `declared_in` (whose own modules live in
/// `dir`), at `parent` (the module path above it), and collects its edges.
#[allow(clippy::too_many_arguments)]
fn read_module(
    m: &syn::ItemMod,
    dir: &Path,
    declared_in: &Path,
    parent: Vec<String>,
    resolver: &Resolver<'_>,
    src: &Path,
    found: &mut Vec<(String, String, Evidence)>,
) -> Result<(), Error> {
    if is_test_only(&m.attrs) {
        return Ok(());
    }
    let name = m.ident.to_string();
    let mut position = parent;
    position.push(name.clone());
    let (items, file, sub_dir) = match &m.content {
        Some((_, items)) => (items.to_vec(), declared_in.to_path_buf(), dir.join(&name)),
        None => {
            let candidates = match path_attr(&m.attrs) {
                Some(explicit) => vec![dir.join(explicit)],
                None => vec![
                    dir.join(format!("{name}.rs")),
                    dir.join(&name).join("mod.rs"),
                ],
            };
            let file = candidates
                .into_iter()
                .find(|p| p.is_file())
                .ok_or_else(|| Error::MissingModule(name.clone(), dir.to_path_buf()))?;
            let sub_dir = if file.file_name().is_some_and(|f| f == "mod.rs") {
                file.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                dir.join(&name)
            };
            (parse(&file)?.items, file, sub_dir)
        }
    };
    let mut collector = Collector {
        resolver,
        src,
        file: file.clone(),
        position: position.clone(),
        found: Vec::new(),
    };
    for item in &items {
        if is_test_only(item_attrs(item)) {
            continue;
        }
        match item {
            syn::Item::Mod(inner) => {
                read_module(
                    inner,
                    &sub_dir,
                    &file,
                    position.clone(),
                    resolver,
                    src,
                    found,
                )?;
            }
            other => collector.visit_item(other),
        }
    }
    found.extend(collector.found);
    Ok(())
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

struct Resolver<'a> {
    modules: &'a BTreeSet<String>,
    reexports: &'a BTreeMap<String, String>,
    defined: &'a BTreeSet<String>,
}

impl Resolver<'_> {
    /// The top-level module (or [`ROOT`]) that `segments`, written inside the
    /// module at `position`, reaches; `None` for other crates and local names.
    fn target(&self, position: &[String], segments: &[String]) -> Option<String> {
        let first = segments.first()?.as_str();
        let (base, rest): (Vec<String>, &[String]) = match first {
            "crate" => (vec![], &segments[1..]),
            "self" => (position.to_vec(), &segments[1..]),
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let keep = position.len().checked_sub(ups)?;
                (position[..keep].to_vec(), &segments[ups..])
            }
            // In the root, a module's name starts a path to it (edition 2018);
            // one segment alone is a local name (a module is never a value).
            name if position.is_empty() && segments.len() > 1 && self.modules.contains(name) => {
                (vec![], segments)
            }
            _ => return None,
        };
        if let Some(top) = base.first() {
            return Some(top.clone());
        }
        match rest.first() {
            Some(name) if self.modules.contains(name) => Some(name.clone()),
            Some(name) if self.reexports.contains_key(name) => self.reexports.get(name).cloned(),
            Some(name) if self.defined.contains(name) => Some(ROOT.to_string()),
            // `use super::*` from a top-level module, or a name the root does not
            // define (a `#[macro_export]` macro): the root, to be safe.
            _ => Some(ROOT.to_string()),
        }
    }
}

struct Collector<'a> {
    resolver: &'a Resolver<'a>,
    src: &'a Path,
    file: PathBuf,
    position: Vec<String>,
    found: Vec<(String, String, Evidence)>,
}

impl Collector<'_> {
    fn record(&mut self, segments: &[String]) {
        let Some(to) = self.resolver.target(&self.position, segments) else {
            return;
        };
        let from = self
            .position
            .first()
            .cloned()
            .unwrap_or_else(|| ROOT.to_string());
        let file = self
            .file
            .strip_prefix(self.src)
            .unwrap_or(&self.file)
            .to_path_buf();
        self.found.push((
            from,
            to,
            Evidence {
                file,
                path: segments.join("::"),
            },
        ));
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test_only(item_attrs(item)) {
            return;
        }
        if let syn::Item::Mod(m) = item {
            // An inline module inside a function or block: its paths are
            // relative to it.
            self.position.push(m.ident.to_string());
            syn::visit::visit_item(self, item);
            self.position.pop();
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs = match item {
            syn::ImplItem::Fn(f) => &f.attrs,
            syn::ImplItem::Const(c) => &c.attrs,
            syn::ImplItem::Type(t) => &t.attrs,
            _ => return syn::visit::visit_impl_item(self, item),
        };
        if !is_test_only(attrs) {
            syn::visit::visit_impl_item(self, item);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for (segments, _) in flatten_use(&u.tree) {
            self.record(&segments);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.record(&segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        syn::visit::visit_macro(self, mac);
        for segments in paths_in_tokens(mac.tokens.clone()) {
            self.record(&segments);
        }
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(crate)`, `pub(super)`: who may see an item, not an import.
    }

    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {
        // Doc comments and attribute arguments are not imports.
    }
}

/// `crate::…`, `super::…` and `self::…` paths in a macro call's tokens (not
/// after `$`, which is `$crate` in a macro definition).
fn paths_in_tokens(tokens: TokenStream) -> Vec<Vec<String>> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Group(g) => out.extend(paths_in_tokens(g.stream())),
            TokenTree::Ident(ident) => {
                let word = ident.to_string();
                let after_dollar =
                    i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                let after_colons =
                    i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
                if matches!(word.as_str(), "crate" | "super" | "self")
                    && !after_dollar
                    && !after_colons
                {
                    let mut segments = vec![word];
                    let mut j = i + 1;
                    loop {
                        let colon = |k: usize| matches!(trees.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                        match trees.get(j + 2) {
                            Some(TokenTree::Ident(next)) if colon(j) && colon(j + 1) => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if segments.len() > 1 {
                        out.push(segments);
                    }
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Every path a `use` tree names, with the name it binds (`None` for globs).
fn flatten_use(tree: &syn::UseTree) -> Vec<(Vec<String>, Option<String>)> {
    fn walk(
        tree: &syn::UseTree,
        prefix: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, Option<String>)>,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    let bound = prefix.last().cloned();
                    out.push((prefix.clone(), bound));
                } else {
                    let mut path = prefix.clone();
                    path.push(name.clone());
                    out.push((path, Some(name)));
                }
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                out.push((path, Some(r.rename.to_string())));
            }
            syn::UseTree::Glob(_) => out.push((prefix.clone(), None)),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    walk(tree, prefix, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]` or `#[cfg(all(test, …))]`: compiled only into tests.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let syn::Meta::List(list) = &attr.meta else {
            return false;
        };
        if !list.path.is_ident("cfg") {
            return false;
        }
        let trees: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
        match trees.as_slice() {
            [TokenTree::Ident(i)] => i == "test",
            [TokenTree::Ident(all), TokenTree::Group(g)] if all == "all" => g
                .stream()
                .into_iter()
                .any(|t| matches!(&t, TokenTree::Ident(i) if i == "test")),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests;
