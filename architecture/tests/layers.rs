//! The architecture test tested: small fixture crates (tests/fixtures/*, read as text,
//! never compiled) whose layers hold or break in each way the checker must catch.

use std::path::PathBuf;
use yonder_architecture::layers::Crate;

fn fixture(name: &str) -> Crate {
    let root: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures",
        name,
        "src/lib.rs",
    ]
    .iter()
    .collect();
    Crate::read(&root).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_crate_that_keeps_its_layers_passes() {
    let c = fixture("good");
    assert_eq!(
        c.layers,
        [vec!["base"], vec!["low", "side"], vec!["high"]]
            .map(|l| l.into_iter().map(String::from).collect::<Vec<_>>())
    );
    assert_eq!(c.violations(), Vec::<String>::new());
    assert_eq!(c.sibling_cycles(), Vec::<String>::new());
    // It did see the uses (so passing is not for want of reading): high → base, low, side;
    // side → low, base; low → base (also from low::part through super::super).
    let edges: Vec<(String, String)> = c.edges_under(&[]).into_keys().collect();
    let want = [
        ("high", "base"),
        ("high", "low"),
        ("high", "side"),
        ("low", "base"),
        ("side", "base"),
        ("side", "low"),
    ];
    assert_eq!(
        edges,
        want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
    c.assert_layers();
}

#[test]
fn every_kind_of_upward_path_is_caught() {
    let v = fixture("upward").violations();
    for module in [
        "by_use",
        "by_call",
        "by_type",
        "by_reexport",
        "by_macro",
        "by_root_name",
    ] {
        let hit = v.iter().find(|l| {
            l.starts_with(&format!(
                "upward: `{module}` (layer 1) uses `high` (layer 2)"
            ))
        });
        assert!(hit.is_some(), "{module} not caught: {v:#?}");
        assert!(hit.unwrap().contains(&format!("{module}.rs:2")), "{v:#?}");
    }
    assert_eq!(v.len(), 6, "{v:#?}");
}

#[test]
#[should_panic(expected = "upward: `by_use` (layer 1) uses `high` (layer 2)")]
fn assert_layers_fails_on_an_upward_import() {
    fixture("upward").assert_layers();
}

#[test]
fn two_modules_of_one_layer_using_each_other_fail() {
    let v = fixture("cycle").violations();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].starts_with("loop among top-level modules: `a` → `b`"),
        "{v:#?}"
    );
    assert!(
        v[0].contains("`b` → `a`") && v[0].contains("b.rs:3 `super::a::fa`"),
        "{v:#?}"
    );
}

#[test]
fn nested_files_and_sub_module_loops_are_seen() {
    let c = fixture("deep");
    let v = c.violations();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].starts_with("upward: `low` (layer 1) uses `high` (layer 2)")
            && v[0].contains("leaf.rs:2 `super::super::super::high::H`"),
        "{v:#?}"
    );
    let loops = c.sibling_cycles();
    assert_eq!(loops.len(), 1, "{loops:#?}");
    assert!(loops[0].starts_with("loop inside `low`: "), "{loops:#?}");
    assert!(loops[0].contains("`inner` → `other`") && loops[0].contains("`other` → `inner`"));
}

#[test]
fn modules_missing_from_the_list_and_names_that_are_no_module_fail() {
    let v = fixture("unlisted").violations();
    assert_eq!(
        v,
        [
            "the layer list names `ghost`, which is not a module",
            "module `b` is in no layer of the `# Layers` list",
        ]
    );
}

#[test]
fn a_crate_without_a_layers_section_is_an_error() {
    let dir = std::env::temp_dir().join(format!("yonder-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = dir.join("lib.rs");
    std::fs::write(&root, "//! No layers here.\npub mod a;\n").unwrap();
    std::fs::write(dir.join("a.rs"), "//! A module.\n").unwrap();
    let result = Crate::read(&root);
    std::fs::remove_dir_all(&dir).unwrap();
    let err = result.unwrap_err();
    assert!(err.contains("no `# Layers` section"), "{err}");
}
