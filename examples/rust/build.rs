// Link libpubrio: from PUBRIO_LIB_DIR (a build or install tree) when set,
// else from the system's library path.
fn main() {
    if let Ok(dir) = std::env::var("PUBRIO_LIB_DIR") {
        println!("cargo:rustc-link-search=native={dir}");
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    println!("cargo:rustc-link-lib=dylib=pubrio");
    println!("cargo:rerun-if-env-changed=PUBRIO_LIB_DIR");
}
