//! Lets this crate's tests and examples run without `LD_LIBRARY_PATH`: the
//! run-time search path (rpath) of the libpubrio that pubrio-sys found with
//! pkg-config. Cargo passes a link argument to no other package, so the
//! directory comes from pubrio-sys as `DEP_PUBRIO_LIBDIR`, and goes on to a
//! program depending on this crate as `DEP_PUBRIO_RS_LIBDIR`, for its own
//! build.rs to do the same (the crate's documentation shows it).
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_PUBRIO_LIBDIR");
    if let Ok(dir) = std::env::var("DEP_PUBRIO_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        println!("cargo:libdir={dir}");
    }
}
