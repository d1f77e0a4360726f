//! Finds libpubrio with the `pkg-config` command (no crates: none can be
//! fetched offline), links it, and writes what the C compiler says about the
//! installed header (every struct's size and field offsets, every enum
//! value, every function) to `$OUT_DIR/c_layout.txt` for the layout test.
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const PACKAGE: &str = "libpubrio";

fn pkg_config(args: &[&str]) -> String {
    let out = Command::new("pkg-config")
        .args(args)
        .arg(PACKAGE)
        .output()
        .unwrap_or_else(|e| panic!("cannot run pkg-config ({e}): install pkg-config"));
    if !out.status.success() {
        panic!(
            "pkg-config cannot find {PACKAGE}: install the libpubrio-dev package, or \
             `cmake --install` libpubrio and point PKG_CONFIG_PATH at its lib/pkgconfig\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("pkg-config printed non-UTF-8")
}

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_LIBDIR");
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-changed=build.rs");
    let libs = pkg_config(&["--libs"]);
    let cflags = pkg_config(&["--cflags"]);
    for flag in libs.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
            println!("cargo:libdir={dir}"); // DEP_PUBRIO_LIBDIR for dependents
                                            // Run where it was found, without LD_LIBRARY_PATH. Cargo passes a
                                            // link argument only to this package's own tests and examples:
                                            // the pubrio crate's build.rs does the same for its own from
                                            // DEP_PUBRIO_LIBDIR, and a program of one's own adds the line
                                            // its README shows.
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={lib}");
        }
    }
    let includedir = pkg_config(&["--variable=includedir"]);
    let header = Path::new(includedir.trim()).join("pubrio/pubrio.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let text = fs::read_to_string(&header).unwrap_or_else(|e| panic!("cannot read {}: {e}", header.display()));
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let probe_c = out_dir.join("layout_probe.c");
    fs::write(&probe_c, probe_source(&parse_header(&text))).unwrap();
    let probe = out_dir.join("layout_probe");
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c11", "-o"])
        .arg(&probe)
        .arg(&probe_c)
        .args(cflags.split_whitespace())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cc} ({e}) for the layout probe"));
    assert!(status.success(), "the layout probe did not compile");
    let out = Command::new(&probe).output().expect("cannot run the layout probe");
    assert!(out.status.success(), "the layout probe failed");
    fs::write(out_dir.join("c_layout.txt"), out.stdout).unwrap();
}

/// What the header declares, by name: enough to write the probe.
#[derive(Default)]
struct Header {
    structs: Vec<(String, Vec<String>)>,
    enums: Vec<(String, Vec<String>)>,
    opaque: Vec<String>,
    functions: Vec<(String, usize)>,
}

/// Comments, preprocessor lines (and their continuations) removed.
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
            out.push(' ');
        } else if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    let mut code = String::new();
    let (mut continued, mut cplusplus) = (false, false);
    for line in out.lines() {
        let directive = continued || line.trim_start().starts_with('#');
        continued = directive && line.trim_end().ends_with('\\');
        // `extern "C" {` and its `}` are C++ only.
        if directive && line.contains("__cplusplus") {
            cplusplus = true;
        } else if directive && line.contains("#endif") {
            cplusplus = false;
        }
        if !directive && !cplusplus {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

fn identifiers(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

/// The name a declaration declares: its last identifier, an array's size
/// left out.
fn declared_name(decl: &str) -> String {
    let decl = decl.split('[').next().unwrap();
    identifiers(decl).last().expect("a declaration without a name").to_string()
}

/// The header as the compiler sees it, cut at `;`, `{` and `}`: bodies of
/// structs and enums are read by `kind NAME {`, functions by `PUBRIO_API`.
fn parse_header(text: &str) -> Header {
    let code = strip(text);
    let mut header = Header::default();
    let mut rest = code.as_str();
    while let Some(open) = rest.find('{') {
        let head = identifiers(&rest[..open]);
        let close = open + rest[open..].find('}').expect("unbalanced braces");
        let body = &rest[open + 1..close];
        if head.len() >= 2 && (head[head.len() - 2] == "struct" || head[head.len() - 2] == "enum") {
            let name = head[head.len() - 1].to_string();
            if head[head.len() - 2] == "struct" {
                let fields = body.split(';').filter(|d| !d.trim().is_empty());
                header.structs.push((name, fields.map(declared_name).collect()));
            } else {
                let values = body.split(',').filter(|d| !d.trim().is_empty());
                let names = values.map(|v| v.split('=').next().unwrap().trim().to_string());
                header.enums.push((name, names.collect()));
            }
        }
        rest = &rest[close + 1..];
    }
    for decl in code.split([';', '{', '}']) {
        let decl = decl.trim();
        let words = identifiers(decl);
        if let Some(fun) = decl.strip_prefix("PUBRIO_API") {
            let open = fun.find('(').expect("a function without parameters");
            let params = fun[open + 1..fun.rfind(')').unwrap()].trim();
            let arity = if params == "void" { 0 } else { params.split(',').count() };
            header.functions.push((declared_name(&fun[..open]), arity));
        } else if words.len() == 4 && words[0] == "typedef" && words[1] == "struct" {
            // `typedef struct X X;` with no body anywhere: an opaque handle.
            if !header.structs.iter().any(|(name, _)| name == words[2]) {
                header.opaque.push(words[3].to_string());
            }
        }
    }
    header.opaque.retain(|o| !header.structs.iter().any(|(name, _)| name == o));
    header
}

/// A C program printing the header's layout, one fact a line:
/// `struct NAME SIZE`, `field NAME FIELD OFFSET SIZE`,
/// `enum NAME SIZE SIGNED`, `value NAME CONSTANT VALUE`, `opaque NAME`,
/// `function NAME ARITY`, `version X.Y.Z`.
fn probe_source(header: &Header) -> String {
    let mut c = String::from(
        "#include <stddef.h>\n#include <stdio.h>\n#include <pubrio/pubrio.h>\n\
         int main(void) {\n",
    );
    for (name, fields) in &header.structs {
        c += &format!("  printf(\"struct {name} %zu\\n\", sizeof(struct {name}));\n");
        for f in fields {
            c += &format!(
                "  printf(\"field {name} {f} %zu %zu\\n\", offsetof(struct {name}, {f}), \
                 sizeof(((struct {name} *)0)->{f}));\n"
            );
        }
    }
    for (name, values) in &header.enums {
        c += &format!("  printf(\"enum {name} %zu %d\\n\", sizeof(enum {name}), (int)((enum {name})-1 < 0));\n");
        for v in values {
            c += &format!("  printf(\"value {name} {v} %lld\\n\", (long long){v});\n");
        }
    }
    for name in &header.opaque {
        c += &format!("  {{ {name} *p = NULL; (void)p; puts(\"opaque {name}\"); }}\n");
    }
    for (name, arity) in &header.functions {
        c += &format!("  (void)&{name}; puts(\"function {name} {arity}\");\n");
    }
    c += "  printf(\"version %s\\n\", PUBRIO_VERSION);\n";
    c + "  return 0;\n}\n"
}
