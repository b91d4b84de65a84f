//! Issue 15's "layers without cycles", proved on the real sources: no top-level
//! module imports another that imports it back, directly or through others.
//! On failure the message names each cycle and, per step, the file and path
//! that make it.

use std::path::PathBuf;

fn assert_no_cycles(crate_dir: &str) {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(crate_dir)
        .join("src");
    let graph = connassist_layers::module_graph(&src)
        .unwrap_or_else(|e| panic!("cannot read {crate_dir}: {e}"));
    assert!(
        graph.modules.len() > 3,
        "{crate_dir}: only {:?} found; is {} its source folder?",
        graph.modules,
        src.display()
    );
    let cycles = connassist_layers::cycles(&graph);
    let text: String = cycles.iter().map(ToString::to_string).collect();
    assert!(
        cycles.is_empty(),
        "{crate_dir}: {} module cycle(s):\n{text}",
        cycles.len()
    );
}

#[test]
fn core_has_no_module_cycles() {
    assert_no_cycles("crates/core");
}

#[test]
fn sandbox_has_no_module_cycles() {
    assert_no_cycles("crates/sandbox");
}

#[test]
fn cli_has_no_module_cycles() {
    assert_no_cycles("crates/cli");
}

#[test]
fn app_has_no_module_cycles() {
    assert_no_cycles("src-tauri");
}
