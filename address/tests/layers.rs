//! The crate's layers, as its lib.rs doc lists them, hold: a module names (in code, not
//! in comments) only modules listed before it, so no import points up and no two modules
//! use each other.

const LAYERS: [&str; 6] = [
    "hex",
    "fingerprint",
    "paths",
    "name",
    "cookie_file",
    "lookup",
];

/// The modules of this crate that `source`'s code lines name as `crate::X`.
fn named_modules(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if LAYERS.contains(&name.as_str()) && !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

fn upward(layer: usize, source: &str) -> Vec<String> {
    named_modules(source)
        .into_iter()
        .filter(|m| LAYERS.iter().position(|l| l == m).unwrap() >= layer)
        .collect()
}

#[test]
fn no_module_names_one_at_or_above_its_layer() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for (layer, module) in LAYERS.iter().enumerate() {
        assert!(
            lib.contains(&format!("mod {module};")),
            "lib.rs lacks {module}"
        );
        let source = std::fs::read_to_string(src.join(format!("{module}.rs"))).unwrap();
        let up = upward(layer, &source);
        assert!(up.is_empty(), "{module}.rs reaches up to {up:?}");
    }
}

#[test]
fn the_check_fails_on_an_upward_import() {
    // A fixture: `name` (layer 3) using `lookup` (layer 5) and itself.
    let fixture = "use crate::lookup::find_cookie;\n// crate::cookie_file in a comment\nlet p = crate::name::x();\n";
    assert_eq!(upward(3, fixture), ["lookup", "name"]);
    assert!(upward(5, "use crate::name::DisplayName;").is_empty());
}
