//! Tree-sitter grammar for Cairn clinical practice guidelines.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_cairn::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("fact a \"A\": bool\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_cairn() -> *const ();
}

/// The Cairn language for a tree-sitter parser.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_cairn) };

/// The syntax highlighting query (Helix capture names).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The folding query.
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

/// The indentation query.
pub const INDENTS_QUERY: &str = include_str!("../../queries/indents.scm");

/// The local-variable query.
pub const LOCALS_QUERY: &str = include_str!("../../queries/locals.scm");

/// The node types, as JSON.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");
