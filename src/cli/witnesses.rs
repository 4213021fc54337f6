//! Command line: `cairn analyze --save-witnesses DIR`, writing the
//! findings' witnesses as case files.

use super::output::{ERRORS, IO};
use cairn::analysis::witness_cases::{witness_cases, WitnessCase};
use cairn::analysis::Analysis;
use cairn::check::Checked;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Writes every witness into `dir` (created if needed), each file
/// atomically; an existing file is kept unless `force`. 0 all written, 1
/// some file existed, 2 an I/O error.
pub fn save(
    checked: &Checked,
    analysis: &Analysis,
    guideline: &Path,
    dir: &Path,
    force: bool,
) -> u8 {
    if let Err(e) = std::fs::create_dir_all(dir) {
        super::output::error(format_args!("cannot create `{}`: {e}", dir.display()));
        return IO;
    }
    let key = match relative(guideline, dir) {
        Ok(k) => k,
        Err(e) => {
            super::output::error(format_args!("{e}"));
            return IO;
        }
    };
    let mut finder = cairn::testing::discover::Finder::with_include_paths(
        super::output::include_paths().to_vec(),
    );
    if finder
        .guideline_for(&dir.join("w.json"), Some(&key))
        .is_err()
    {
        errln!(
            "note: `{key}` is outside the witnesses' folder tree: run them with \
             `cairn test {} --include-path FOLDER_OF_THE_GUIDELINE`",
            dir.display()
        );
    }
    let cases = witness_cases(checked, analysis, &key);
    let mut code = 0;
    let mut written = 0;
    for case in &cases {
        match write_one(dir, case, force) {
            Ok(()) => written += 1,
            Err((c, message)) => {
                super::output::error(format_args!("{message}"));
                code = code.max(c);
            }
        }
    }
    errln!(
        "wrote {written} of {} witness case(s) to `{}`",
        cases.len(),
        dir.display()
    );
    code
}

fn write_one(dir: &Path, case: &WitnessCase, force: bool) -> Result<(), (u8, String)> {
    let path = dir.join(&case.file_name);
    let name = path.display().to_string();
    let io = |e: std::io::Error| (IO, format!("cannot write `{name}`: {e}"));
    let mut text = serde_json::to_string_pretty(&case.json).map_err(|e| (IO, e.to_string()))?;
    text.push('\n');
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    if force {
        tmp.persist(&path).map_err(|e| io(e.error))?;
        return Ok(());
    }
    match tmp.persist_noclobber(&path) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err((
            ERRORS,
            format!("`{name}` exists, not overwritten (add --force to replace it)"),
        )),
        Err(e) => Err(io(e.error)),
    }
}

/// The path of `file` relative to the folder `dir`, with `/` separators.
fn relative(file: &Path, dir: &Path) -> Result<String, String> {
    let canon = |p: &Path| {
        std::fs::canonicalize(p).map_err(|e| format!("cannot resolve `{}`: {e}", p.display()))
    };
    let (file, dir) = (canon(file)?, canon(dir)?);
    let f: Vec<Component> = file.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = f.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..d.len() {
        rel.push("..");
    }
    for c in f.iter().skip(common) {
        rel.push(c.as_os_str());
    }
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/"))
}
