//! Command line: `cairn fmt`, which rewrites `.cairn` files in the canonical
//! layout (`crate::format`), or with `--check` only reports the ones that
//! differ. It is the one command that writes input files, and it does so
//! only through `cairn::format::rewrite` (symbolic links written through,
//! read-only and changed files refused, exclusive temporary file).

use super::output::{self, ERRORS, IO};
use cairn::format;
use std::path::{Path, PathBuf};

/// Formats `paths` (files, or folders searched for `.cairn` files; default
/// `guidelines/`). Exit 1 when a file has syntax errors or, with `check`,
/// is not formatted; 2 on I/O errors.
pub fn run(paths: Vec<PathBuf>, check: bool) -> u8 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("guidelines")]
    } else {
        paths
    };
    let mut files = Vec::new();
    let mut code = 0;
    for path in &paths {
        if let Err(e) = collect(path, true, &mut files) {
            super::output::error(format_args!("cannot read `{}`: {e}", path.display()));
            code = IO;
        }
    }
    let mut unformatted = 0usize;
    for file in &files {
        let name = file.display().to_string();
        // Read once, remembering the version read, so the rewrite can refuse
        // a file changed or deleted in the meantime.
        let read = match format::read_for_rewrite(file) {
            Ok(r) => r,
            Err(e) => {
                super::output::error(format_args!("{e}"));
                code = IO;
                continue;
            }
        };
        let text = match std::str::from_utf8(&read.bytes) {
            Ok(t) => t,
            Err(e) => {
                super::output::error(format_args!("cannot read `{name}`: not UTF-8 ({e})"));
                code = IO;
                continue;
            }
        };
        let formatted = match format::format_source(&name, text) {
            Ok(f) => f,
            Err(failed) => {
                output::eprint_diagnostics(&failed.diagnostics, &failed.sources);
                code = code.max(ERRORS);
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if check && super::output::json_errors() {
            let message = format_args!("`{name}` is not formatted; run `cairn fmt`");
            super::output::error_in(UNFORMATTED, &name, message);
            code = code.max(ERRORS);
        } else if check {
            out!("{}", format::unified_diff(&name, text, &formatted));
            code = code.max(ERRORS);
        } else if let Err(e) = format::rewrite(&read, &formatted) {
            super::output::error(format_args!("{e}"));
            code = IO;
        } else {
            errln!("formatted {name}");
        }
    }
    if check && unformatted > 0 && !super::output::json_errors() {
        errln!(
            "{unformatted} of {} files are not formatted; run `cairn fmt`",
            files.len()
        );
    }
    code
}

/// A file that `fmt --check` finds not formatted (`cairn fmt` would rewrite it).
pub const UNFORMATTED: &str = "cairn::fmt::unformatted";

/// Adds `path` to `out`, or for a folder every `.cairn` file under it
/// (sorted, symbolic links skipped); `explicit` for a path the user named.
pub(super) fn collect(path: &Path, explicit: bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    // Links met while searching are skipped: formatting must not loop, nor
    // rewrite files outside the folders named.
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !explicit && is_link {
        return Ok(());
    }
    if path.is_dir() {
        let mut children: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        children.sort();
        for child in children {
            collect(&child, false, out)?;
        }
        Ok(())
    } else if explicit || path.extension().is_some_and(|e| e == "cairn") {
        if !explicit || path.exists() {
            out.push(path.to_path_buf());
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file",
            ))
        }
    } else {
        Ok(())
    }
}
