//! Links the wasm module with an 8 MiB stack instead of the linker's
//! 1 MiB: pest and the checker recurse once per nesting level (up to
//! `cairn::syntax::MAX_DEPTH`), and in the page there is no parser thread
//! with a large stack to move to. Only the cdylib's link changes, so no
//! dependency is rebuilt for it.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=8388608");
    }
}
