//! Testing stage: finds case files and the guideline each one runs against.
//!
//! Convention: a case lives in a `cases/` folder whose parent folder holds
//! the guideline, the `.cairn` file there with a `guideline` header. When
//! that folder holds several, the case names its guideline with a
//! `"guideline": "relative/path.cairn"` key (relative to the case file).

use crate::case::json::{self, JsonKind};
use crate::syntax::{self, ast::DeclKind, IncludePolicy};
use std::path::{Path, PathBuf};

/// A case file found under the given paths.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The case file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// Finds every `.json` file with an `expect` key under `paths` (files are
/// taken as given, folders searched recursively, in name order; a `.cairn`
/// file stands for the `cases/` folder next to it). Files that
/// are not valid JSON are kept, so the loader reports them. Unreadable paths
/// are returned as errors.
pub fn cases(paths: &[PathBuf]) -> (Vec<Found>, Vec<(PathBuf, String)>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        walk(path, true, &mut found, &mut errors);
    }
    (found, errors)
}

fn walk(path: &Path, explicit: bool, found: &mut Vec<Found>, errors: &mut Vec<(PathBuf, String)>) {
    // Symbolic links met while searching are not followed, so a link to an
    // enclosing folder cannot make the search loop forever.
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !explicit && is_link {
        return;
    }
    if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => {
                errors.push((path.to_path_buf(), e.to_string()));
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            walk(&child, false, found, errors);
        }
        return;
    }
    let is_json = path.extension().is_some_and(|e| e == "json");
    if !explicit && !is_json {
        return;
    }
    // A guideline named on the command line stands for its `cases/` folder.
    if explicit && path.extension().is_some_and(|e| e == "cairn") {
        let cases = path.parent().unwrap_or(Path::new("")).join("cases");
        if cases.is_dir() {
            walk(&cases, false, found, errors);
        } else {
            errors.push((
                cases,
                "no `cases/` folder next to the guideline".to_string(),
            ));
        }
        return;
    }
    // Only regular files, at most the size limit: a FIFO or a device named
    // `*.json` is reported, never opened in a way that could block.
    match syntax::read_source(path) {
        Ok(text) => {
            if explicit || has_expect(&text) {
                found.push(Found {
                    path: path.to_path_buf(),
                    text,
                });
            }
        }
        Err(e) => errors.push((path.to_path_buf(), e.to_string())),
    }
}

/// True when `text` is a JSON object with an `expect` key, or is not valid
/// JSON at all (so that a broken case is reported, not skipped).
fn has_expect(text: &str) -> bool {
    match json::parse(text) {
        Ok(value) => match value.kind {
            JsonKind::Object(members) => members.iter().any(|(k, _)| k.name == "expect"),
            _ => false,
        },
        Err(_) => true,
    }
}

/// Finds the guideline each case runs against, remembering the answer per
/// folder so a large guideline is parsed once, not once per case.
#[derive(Debug, Default)]
pub struct Finder {
    by_folder: std::collections::BTreeMap<PathBuf, Result<PathBuf, NotFound>>,
    include_paths: Vec<PathBuf>,
}

impl Finder {
    /// A finder whose `"guideline"` keys may also name files inside the
    /// folders of `include_paths` (the command line's `--include-path`).
    pub fn with_include_paths(include_paths: Vec<PathBuf>) -> Finder {
        Finder {
            include_paths,
            ..Finder::default()
        }
    }

    /// The guideline a case runs against: its `guideline` key (relative to
    /// the case's folder), or the one `.cairn` file with a header in the
    /// parent of its `cases/` folder.
    ///
    /// The key is confined by the include policy: it must resolve inside
    /// the case's own tree, which is the folder above its `cases/` folder
    /// (the guideline's home) or, outside a `cases/` folder, the case's
    /// own folder.
    pub fn guideline_for(&mut self, case: &Path, key: Option<&str>) -> Result<PathBuf, String> {
        let dir = case.parent().unwrap_or(Path::new(""));
        let cases_dir = case
            .ancestors()
            .skip(1)
            .find(|a| a.file_name().is_some_and(|n| n == "cases"));
        if let Some(rel) = key {
            let tree = cases_dir.and_then(Path::parent).unwrap_or(dir);
            let policy = IncludePolicy::for_folder(tree, &self.include_paths);
            let target = dir.join(rel);
            return match policy.resolve(&target) {
                Ok(_) => Ok(target),
                Err(_) => Err(format!(
                    "the `\"guideline\"` key `{rel}` names a file outside the case's folder tree \
                     (cairn::syntax::include_outside); a case may name only a guideline in its own \
                     tree or under an `--include-path`"
                )),
            };
        }
        let Some(cases_dir) = cases_dir else {
            return Err(
                "the case is not in a `cases/` folder and has no `\"guideline\"` key".to_string(),
            );
        };
        let home = cases_dir.parent().unwrap_or(Path::new(""));
        let home = if home.as_os_str().is_empty() {
            Path::new(".")
        } else {
            home
        };
        let found = self
            .by_folder
            .entry(home.to_path_buf())
            .or_insert_with(|| find_in(home))
            .clone();
        found.map_err(|e| match e {
            NotFound::Other(message) => message,
            NotFound::Several(candidates) => several(home, dir, &candidates),
        })
    }
}

/// Why a folder has no one guideline.
#[derive(Debug, Clone)]
enum NotFound {
    /// Several files with a header: the case must name one.
    Several(Vec<PathBuf>),
    /// None, or the folder cannot be read.
    Other(String),
}

/// The message for a case in `dir` under `home`, which holds several
/// guidelines: the keys to write, relative to the case's folder (which is
/// what a `"guideline"` key is resolved against), `../p2.cairn` from
/// `cases/`.
fn several(home: &Path, dir: &Path, candidates: &[PathBuf]) -> String {
    let depth = dir
        .strip_prefix(home)
        .map(|rel| rel.components().count())
        .unwrap_or(0);
    let up = "../".repeat(depth);
    let keys: Vec<String> = candidates
        .iter()
        .filter_map(|c| c.file_name())
        .map(|n| format!("`\"guideline\": \"{up}{}\"`", n.to_string_lossy()))
        .collect();
    format!(
        "several guidelines in `{}`; add a `\"guideline\"` key naming one, relative to the case \
         file's folder: {}",
        home.display(),
        keys.join(" or ")
    )
}

/// The one `.cairn` file with a `guideline` header in `home`.
fn find_in(home: &Path) -> Result<PathBuf, NotFound> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(home)
        .map_err(|e| NotFound::Other(format!("cannot read `{}`: {e}", home.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "cairn") && has_header(p))
        .collect();
    candidates.sort();
    match candidates.len() {
        1 => Ok(candidates.remove(0)),
        0 => Err(NotFound::Other(format!(
            "no `.cairn` file with a `guideline` header in `{}`",
            home.display()
        ))),
        _ => Err(NotFound::Several(candidates)),
    }
}

fn has_header(path: &Path) -> bool {
    let Ok(text) = syntax::read_source(path) else {
        return false;
    };
    let parsed = syntax::parse_module(crate::source::FileId(0), &text);
    parsed
        .module
        .decls
        .iter()
        .any(|d| matches!(d.kind, DeclKind::Header(_)))
}
