//! Prints a crate's module graph, one `from → to: evidence` a line, and its
//! cycles: `cargo run -p connassist-layers --example graph -- crates/sandbox`.

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: graph <crate folder>");
        return std::process::ExitCode::from(2);
    };
    let graph = match connassist_layers::module_graph(&std::path::Path::new(&dir).join("src")) {
        Ok(graph) => graph,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    for (from, tos) in &graph.edges {
        for (to, evidence) in tos {
            println!("{from} → {to}: {evidence}");
        }
    }
    for cycle in connassist_layers::cycles(&graph) {
        print!("cycle: {cycle}");
    }
    std::process::ExitCode::SUCCESS
}
