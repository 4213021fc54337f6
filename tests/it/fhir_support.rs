//! Helpers the FHIR test modules share: the crate root, a checked
//! guideline and a loaded binding by path (failures render their
//! diagnostics), and dates.

use cairn::fhir::{load_binding, Binding};
use cairn::Checked;
use std::path::{Path, PathBuf};

/// The shipped guidelines and their FHIR R4 bindings (from the crate root).
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "guidelines/rps/initial-management.cairn",
        "guidelines/rps/bindings/fhir-r4.toml",
    ),
    (
        "guidelines/cervical/screening.cairn",
        "guidelines/cervical/bindings/fhir-r4.toml",
    ),
    (
        "guidelines/vte/diagnosis-treatment.cairn",
        "guidelines/vte/bindings/fhir-r4.toml",
    ),
];

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
    binding_at(checked, &root().join(path))
}

/// The binding shipped beside the guideline file `guideline`
/// (`bindings/fhir-r4.toml`), loaded against `checked`.
pub fn shipped_binding(checked: &Checked, guideline: &Path) -> Binding {
    binding_at(
        checked,
        &guideline.parent().unwrap().join("bindings/fhir-r4.toml"),
    )
}

fn binding_at(checked: &Checked, path: &Path) -> Binding {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.to_string_lossy();
    match load_binding(checked, &name, &text, path.parent().unwrap()) {
        Ok((b, _)) => b,
        Err(f) => panic!("{}", f.diagnostics.render(&f.sources, 100)),
    }
}

/// A date written `YYYY-MM-DD`.
pub fn day(text: &str) -> jiff::civil::Date {
    text.parse().unwrap()
}
