//! Helpers the FHIR test modules share: the crate root, a checked
//! guideline and a loaded binding by path (failures render their
//! diagnostics), and dates.

use cairn::fhir::{load_binding, Binding};
use cairn::Checked;
use std::path::PathBuf;

/// The crate root, where the test paths start.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The guideline at `path` (from the crate root), checked.
pub fn guideline(path: &str) -> Checked {
    let parsed = cairn::parse_file(&root().join(path)).unwrap();
    match parsed.check() {
        Ok(c) => c,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// The binding at `path` (from the crate root), loaded against `checked`.
pub fn binding_for(checked: &Checked, path: &str) -> Binding {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let base = root().join(path).parent().unwrap().to_path_buf();
    match load_binding(checked, path, &text, &base) {
        Ok((b, _)) => b,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// A date written `YYYY-MM-DD`.
pub fn day(text: &str) -> jiff::civil::Date {
    text.parse().unwrap()
}
