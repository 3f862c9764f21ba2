//! The bridge keeps the layers its `main.rs` states: no module uses one of a higher
//! layer, and no two modules use each other (see the yonder-architecture crate).

#[test]
fn the_layers_stated_in_main_rs_hold() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs");
    yonder_architecture::assert_crate_layers(&root);
}
