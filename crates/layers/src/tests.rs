//! The checker on small crates written here: each case is an import the graph
//! must see (or must not), and a cycle it must name.

use std::path::Path;

use super::*;

/// Writes `files` (path relative to `src/`, text) into a fresh folder.
fn krate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn edges(dir: &Path) -> Vec<(String, String)> {
    let graph = module_graph(dir).expect("graph");
    graph
        .edges
        .iter()
        .flat_map(|(from, tos)| tos.keys().map(move |to| (from.clone(), to.clone())))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn use_trees_code_paths_and_macros_are_edges() {
    let dir = krate(&[
        ("lib.rs", "mod a; mod b; mod c; mod d; mod e;"),
        ("a.rs", "use crate::{b::X, c::{self, Y}};"),
        ("b.rs", "fn f() { let _ = crate::d::g(); }"),
        ("c.rs", "fn f() -> Vec<super::e::T> { vec![] }"),
        ("d.rs", "fn g() { tracing::info!(\"{}\", crate::e::NAME); }"),
        (
            "e.rs",
            "pub struct T; pub const NAME: &str = \"\"; pub(crate) struct V; pub(super) fn w() {}",
        ),
    ]);
    assert_eq!(
        edges(dir.path()),
        vec![
            pair("a", "b"),
            pair("a", "c"),
            pair("b", "d"),
            pair("c", "e"),
            pair("d", "e")
        ]
    );
    assert!(cycles(&module_graph(dir.path()).expect("graph")).is_empty());
}

#[test]
fn submodules_belong_to_their_top_level_module_and_super_climbs() {
    let dir = krate(&[
        ("lib.rs", "pub mod auth; mod client;"),
        ("auth/mod.rs", "mod session; pub use session::Session;"),
        (
            "auth/session.rs",
            "use super::Other; use super::super::client::Client; mod inner { use super::super::x; }",
        ),
        ("client.rs", "pub struct Client;"),
    ]);
    assert_eq!(edges(dir.path()), vec![pair("auth", "client")]);
}

#[test]
fn test_only_items_and_doc_links_are_left_out() {
    let dir = krate(&[
        ("lib.rs", "mod a; mod b; #[cfg(test)] mod test_support;"),
        (
            "a.rs",
            "//! See [`crate::b::B`].\n#[cfg(test)] use crate::b::B;\n#[cfg(test)] mod tests;\n\
             struct S; impl S { #[cfg(test)] fn t() { crate::b::f() } }\n\
             #[cfg(all(test, unix))] fn u() { crate::b::f() }",
        ),
        ("a/tests.rs", "use crate::b::B;"),
        (
            "b.rs",
            "use crate::a::S; #[cfg(test)] mod tests { use crate::test_support::x; }",
        ),
        ("test_support.rs", "use crate::a::S;"),
    ]);
    assert_eq!(edges(dir.path()), vec![pair("b", "a")]);
}

#[test]
fn root_reexports_point_at_their_module_and_root_items_at_the_root() {
    let dir = krate(&[
        (
            "lib.rs",
            "mod a; mod b; pub use a::Thing; pub struct Config;\n\
             fn run() { let a = 1; let _ = a; b::serve() }",
        ),
        ("a.rs", "pub struct Thing;"),
        (
            "b.rs",
            "use crate::Thing; pub fn serve(_: crate::Config) {}",
        ),
    ]);
    assert_eq!(
        edges(dir.path()),
        vec![
            pair("b", "a"),
            pair("b", ROOT),
            pair(ROOT, "a"),
            pair(ROOT, "b")
        ]
    );
    let found = cycles(&module_graph(dir.path()).expect("graph"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].modules, vec!["b".to_string(), ROOT.to_string()]);
}

#[test]
fn a_cycle_through_three_modules_is_named_with_its_evidence() {
    let dir = krate(&[
        (
            "lib.rs",
            "mod session; mod tenant_client; mod token_session; mod leaf;",
        ),
        (
            "session.rs",
            "use crate::tenant_client::TenantClient; use crate::leaf::X;",
        ),
        (
            "tenant_client.rs",
            "fn f() { crate::token_session::refresh(); }",
        ),
        ("token_session/mod.rs", "mod kept;"),
        ("token_session/kept.rs", "use crate::session::Session;"),
        ("leaf.rs", ""),
    ]);
    let found = cycles(&module_graph(dir.path()).expect("graph"));
    assert_eq!(found.len(), 1, "{found:?}");
    let text = found[0].to_string();
    assert!(
        text.starts_with("session → tenant_client → token_session → session"),
        "{text}"
    );
    assert!(
        text.contains("token_session/kept.rs: `crate::session::Session`"),
        "{text}"
    );
    assert!(
        text.contains("tenant_client.rs: `crate::token_session::refresh`"),
        "{text}"
    );
}

#[test]
fn macro_definitions_dollar_crate_is_not_an_edge() {
    let dir = krate(&[
        ("lib.rs", "mod a; mod b;"),
        ("a.rs", "macro_rules! m { () => { $crate::b::f() } }"),
        ("b.rs", "pub fn f() {}"),
    ]);
    assert!(edges(dir.path()).is_empty());
}

#[test]
fn a_declared_module_without_a_file_is_an_error() {
    let dir = krate(&[("lib.rs", "mod gone;")]);
    let err = module_graph(dir.path()).expect_err("missing module");
    assert!(err.to_string().contains("`gone`"), "{err}");
}
