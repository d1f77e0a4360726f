//! The Rust mirrors against the C compiler's view of the installed header
//! (`$OUT_DIR/c_layout.txt`, written by build.rs from a compiled probe):
//! every struct's size, every field's name, order, offset and size, every
//! enum constant, every opaque handle and every function (name, parameter
//! count, and that it links). A field the C side grew and the mirror lacks
//! fails here by name.
use std::collections::BTreeMap;

const C_LAYOUT: &str = include_str!(concat!(env!("OUT_DIR"), "/c_layout.txt"));

/// C names that are Rust keywords are mirrored with a trailing `_`.
fn c_name(rust: &str) -> &str {
    rust.strip_suffix('_').unwrap_or(rust)
}

fn facts(kind: &str) -> Vec<Vec<&'static str>> {
    C_LAYOUT
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w[0] == kind)
        .map(|w| w[1..].to_vec())
        .collect()
}

fn num(s: &str) -> usize {
    s.parse().unwrap()
}

#[test]
fn probe_saw_the_header() {
    // A probe that parsed nothing would make every other test vacuous.
    assert!(facts("struct").len() >= 7, "{C_LAYOUT}");
    assert!(facts("field").len() >= 50);
    assert!(facts("function").len() >= 60);
    assert!(facts("value").len() >= 30);
}

#[test]
fn every_struct_matches_in_size_and_fields() {
    let rust: BTreeMap<_, _> = pubrio_sys::STRUCTS.iter().map(|s| (s.name, s)).collect();
    let c_structs = facts("struct");
    let c_names: Vec<_> = c_structs.iter().map(|s| s[0]).collect();
    let rust_names: Vec<_> = rust.keys().copied().collect();
    let mut sorted = c_names.clone();
    sorted.sort();
    assert_eq!(sorted, rust_names, "structs with a body in pubrio.h vs mirrored in Rust");
    for s in c_structs {
        let (name, size) = (s[0], num(s[1]));
        let mirror = rust[name];
        let c_fields: Vec<(String, usize, usize)> = facts("field")
            .into_iter()
            .filter(|f| f[0] == name)
            .map(|f| (f[1].to_string(), num(f[2]), num(f[3])))
            .collect();
        let rust_fields: Vec<(String, usize, usize)> =
            mirror.fields.iter().map(|f| (c_name(f.name).to_string(), f.offset, f.size)).collect();
        for (i, c) in c_fields.iter().enumerate() {
            assert_eq!(
                rust_fields.get(i),
                Some(c),
                "{name}: field {i} (name, offset, size) differs: C has {c:?}; \
                 add or fix that line in pubrio-sys/src/lib.rs"
            );
        }
        assert_eq!(rust_fields.len(), c_fields.len(), "{name}: Rust has fields C lacks");
        assert_eq!(mirror.size, size, "{name}: size_of differs from sizeof");
    }
}

#[test]
fn every_enum_constant_matches() {
    let rust: BTreeMap<_, _> = pubrio_sys::ENUMS.iter().map(|e| (e.name, e)).collect();
    let c_enums = facts("enum");
    assert_eq!(c_enums.len(), rust.len(), "enums in pubrio.h vs in Rust: {c_enums:?}");
    for e in c_enums {
        let mirror = rust.get(e[0]).unwrap_or_else(|| panic!("enum {} not mirrored", e[0]));
        assert_eq!(mirror.size, num(e[1]), "{}: size", e[0]);
        assert_eq!(mirror.signed, e[2] == "1", "{}: signedness", e[0]);
        let c_values: Vec<(&str, i64)> =
            facts("value").into_iter().filter(|v| v[0] == e[0]).map(|v| (v[1], v[2].parse().unwrap())).collect();
        assert_eq!(mirror.values, c_values.as_slice(), "{}: constants", e[0]);
    }
}

#[test]
fn every_opaque_handle_is_declared() {
    let mut c: Vec<_> = facts("opaque").into_iter().map(|o| o[0]).collect();
    let mut rust = pubrio_sys::OPAQUE.to_vec();
    c.sort();
    rust.sort();
    assert_eq!(c, rust);
}

#[test]
fn every_function_is_declared_with_its_arity_and_links() {
    let rust: BTreeMap<_, _> = pubrio_sys::functions().into_iter().map(|f| (f.name, f)).collect();
    let c = facts("function");
    for f in &c {
        let decl = rust.get(f[0]).unwrap_or_else(|| panic!("{} is not declared in pubrio-sys", f[0]));
        assert_eq!(decl.arity, num(f[1]), "{}: parameter count", f[0]);
        assert_ne!(decl.address, 0, "{} did not link", f[0]);
    }
    assert_eq!(rust.len(), c.len(), "pubrio-sys declares functions the header lacks");
}

#[test]
fn the_loaded_library_is_the_header_version_and_the_mirrored_one() {
    let header = facts("version")[0][0];
    let loaded = unsafe { std::ffi::CStr::from_ptr(pubrio_sys::pubrio_version()) };
    assert_eq!(loaded.to_str().unwrap(), header, "the library loaded is not the header's");
    let mirrored = format!("{}.{}.", pubrio_sys::PUBRIO_VERSION_MAJOR, pubrio_sys::PUBRIO_VERSION_MINOR);
    assert!(header.starts_with(&mirrored), "header {header}, mirrors {mirrored}");
}
