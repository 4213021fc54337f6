//! Regenerates `grammar.json`, `node-types.json` and `src/parser.c` from
//! `grammar.js` with the tree-sitter generator library (no tree-sitter CLI
//! needed; `node` evaluates `grammar.js`):
//!
//!     cargo run --example generate --manifest-path editors/tree-sitter-cairn/Cargo.toml

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    tree_sitter_generate::generate_parser_in_directory(
        dir,
        None,
        Some("grammar.js"),
        tree_sitter::LANGUAGE_VERSION,
        None,
        Some("node"),
    )?;
    Ok(())
}
