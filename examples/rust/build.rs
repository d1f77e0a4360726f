// Runs without LD_LIBRARY_PATH: the rpath of the libpubrio the pubrio crate
// found with pkg-config (the crate's documentation shows these lines).
fn main() {
    if let Ok(dir) = std::env::var("DEP_PUBRIO_RS_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
