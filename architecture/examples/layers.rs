//! Prints a crate's module graph as the architecture test sees it: every edge between
//! top-level modules (with how many uses make it), the loops, and the layer breaches.
//!
//! `cargo run -p yonder-architecture --example layers -- display-server/src/lib.rs`

use yonder_architecture::layers::Crate;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: layers PATH/TO/src/lib.rs");
        std::process::exit(2);
    };
    let c = Crate::read_any(root.as_ref()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let edges = c.edges_under(&[]);
    println!("{} top-level modules, {} edges:", c.top.len(), edges.len());
    for ((a, b), uses) in &edges {
        println!("  {a} -> {b} ({} uses)", uses.len());
    }
    let loops = c.top_cycles();
    let members: usize = loops.iter().map(Vec::len).sum();
    println!(
        "{} loops among top-level modules ({members} modules in them):",
        loops.len()
    );
    for l in &loops {
        println!("  {}", l.join(", "));
    }
    for l in c.sibling_cycles() {
        println!("  {l}");
    }
    if c.layers.is_empty() {
        println!("no `# Layers` section");
    } else {
        let v = c.violations();
        println!("{} breaches of the stated layers", v.len());
        for l in v {
            println!("  {l}");
        }
    }
}
