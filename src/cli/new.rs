//! Command line: the `new` subcommand, a guideline folder to start from.
//!
//! The scaffold is a minimal guideline that passes `cairn check`, `cairn
//! fmt --check` and `cairn test`: a header, a group with one fact, a
//! section with one recommendation, and a `cases/` folder with one golden
//! case. Each file is written atomically and never over an existing one;
//! an existing folder that is not empty is refused.

use super::output::{ERRORS, IO};
use std::io::Write;
use std::path::{Path, PathBuf};

const GUIDELINE: &str = r#"guideline {id} {
  title "{title}"
  version "0.1.0"
  status draft
  source "The source document, its edition or version"
}

group patient "The patient" {
  fact age "Age in years": integer 0 to 130
}

section adults "ADULTS" when age >= 18 {
  recommend example_recommendation {
    strength 1B
    when age >= 65
    statement "Replace this statement with the guideline's text."
  }
}
"#;

const CASE: &str = r#"{
  "name": "an adult of 70",
  "description": "The example recommendation applies from 65 years.",
  "facts": { "age": 70 },
  "expect": {
    "recommendations": { "example_recommendation": "applies" }
  }
}
"#;

/// `cairn new NAME [--dir DIR]`: `DIR/NAME/NAME.cairn` and
/// `DIR/NAME/cases/example.json`. 0 written, 1 refused, 2 I/O error.
pub fn run(name: &str, dir: Option<&Path>) -> u8 {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        super::output::error(format_args!(
            "`{name}` is not a guideline name: use lowercase letters, digits, `_` and `-`, \
             starting with a letter"
        ));
        return ERRORS;
    }
    let folder: PathBuf = dir.unwrap_or(Path::new(".")).join(name);
    if let Ok(mut entries) = std::fs::read_dir(&folder) {
        if entries.next().is_some() {
            super::output::error(format_args!(
                "`{}` exists and is not empty; nothing written",
                folder.display()
            ));
            return ERRORS;
        }
    } else if folder.exists() {
        super::output::error(format_args!(
            "`{}` exists and is not a folder",
            folder.display()
        ));
        return ERRORS;
    }
    let cases = folder.join("cases");
    if let Err(e) = std::fs::create_dir_all(&cases) {
        super::output::error(format_args!("cannot create `{}`: {e}", cases.display()));
        return IO;
    }
    let id = name.replace('-', "_");
    let title = name.replace(['-', '_'], " ");
    let guideline = GUIDELINE.replace("{id}", &id).replace("{title}", &title);
    let files = [
        (folder.join(format!("{name}.cairn")), guideline),
        (cases.join("example.json"), CASE.to_string()),
    ];
    for (path, text) in &files {
        if let Err(e) = write_new(path, text) {
            super::output::error(format_args!("cannot write `{}`: {e}", path.display()));
            return IO;
        }
    }
    errln!(
        "created `{}`: check it with `cairn check {}`, test it with `cairn test {}`",
        folder.display(),
        files[0].0.display(),
        folder.display()
    );
    0
}

/// Writes `text` to a new file at `path`: a temporary file in the same
/// folder, renamed only if nothing is there yet.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map(|_| ()).map_err(|e| e.error)
}
