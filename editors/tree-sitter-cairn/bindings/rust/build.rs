//! Compiles the generated parser (src/parser.c) into the crate.
fn main() {
    let src = std::path::Path::new("src");
    println!("cargo:rerun-if-changed=src/parser.c");
    if !src.join("parser.c").exists() {
        // Only while bootstrapping: `cargo run --example generate` writes it.
        println!("cargo:warning=src/parser.c is missing; run the generate example");
        return;
    }
    let mut build = cc::Build::new();
    build.include(src).std("c11").warnings(false);
    build.file(src.join("parser.c"));
    build.compile("tree-sitter-cairn");
}
