//! The server keeps the layers its `lib.rs` states: no module uses one of a higher layer,
//! no two modules use each other, and no two sub-modules of one folder use each other
//! (see the yonder-architecture crate).

#[test]
fn the_layers_stated_in_lib_rs_hold() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let krate = yonder_architecture::assert_crate_layers(&root);
    let loops = krate.sibling_cycles();
    assert!(
        loops.is_empty(),
        "sub-modules using each other:\n  {}",
        loops.join("\n  ")
    );
}
