//! Syntax stage: a guideline's files. The main file is parsed, then every
//! file it includes, under the include policy of [`super::include`]; the
//! limits on included files and on declarations are applied here.

use super::ast::{DeclKind, Module};
use super::include::{self, IncludePolicy, ReadError};
use super::incremental::ParseCache;
use super::{
    parse_module, recover, ParsedFile, SyntaxError, MAX_DECLARATIONS, MAX_FILE_BYTES,
    MAX_INCLUDED_FILES,
};
use crate::diagnostics::Diagnostics;
use crate::source::{FileId, SourceMap, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A guideline's files: the main file with every included file, parsed.
#[derive(Debug)]
pub struct Parsed {
    /// The text of every file.
    pub sources: SourceMap,
    /// The parsed modules, main file first, each with its file id.
    pub modules: Vec<(FileId, Module)>,
    /// Syntax errors of all files.
    pub diagnostics: Diagnostics,
}

/// Reads files for `include`. The CLI reads from disk; tests and the language
/// server can supply text from memory.
///
/// The parser has already applied the include policy ([`IncludePolicy`]) to
/// the path: it lies inside the guideline's folder tree, and it is the
/// canonical path when the file exists on disk.
pub trait Loader {
    /// Reads the file at `path`.
    fn load(&self, path: &Path) -> std::io::Result<String>;
}

/// A [`Loader`] that reads from the file system with [`include::read_source`]
/// (regular files only, at most [`MAX_FILE_BYTES`], UTF-8).
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        Ok(include::read_source(path)?)
    }
}

/// Parses `text` as the main file named `name`, following its includes
/// relative to the including file's folder, inside the main file's folder
/// tree (see [`include`]).
pub fn parse_with(name: &str, text: &str, loader: &dyn Loader) -> Parsed {
    parse_with_paths(name, text, loader, &[])
}

/// [`parse_with`] for a guideline parsed again and again as it is edited
/// (the language server): each file's top-level declarations whose text
/// `cache` holds from an earlier parse are reused, and only the others are
/// parsed. The result equals [`parse_with`]'s for the same text.
pub fn parse_incremental(
    name: &str,
    text: &str,
    loader: &dyn Loader,
    cache: &mut ParseCache,
) -> Parsed {
    cache.begin();
    let parsed = parse_files(name, text, loader, &[], Some(&mut *cache));
    cache.end();
    parsed
}

/// An included file waiting to be parsed: its id, its path as shown, and
/// the include that named it.
type Pending = (FileId, PathBuf, Option<(FileId, Span, String)>);

/// [`parse_with`], where includes may also resolve inside the folders of
/// `include_paths` (the command line's `--include-path`).
pub fn parse_with_paths(
    name: &str,
    text: &str,
    loader: &dyn Loader,
    include_paths: &[PathBuf],
) -> Parsed {
    parse_files(name, text, loader, include_paths, None)
}

fn parse_files(
    name: &str,
    text: &str,
    loader: &dyn Loader,
    include_paths: &[PathBuf],
    mut cache: Option<&mut ParseCache>,
) -> Parsed {
    let mut sources = SourceMap::new();
    let mut modules = Vec::new();
    let mut diagnostics = Diagnostics::new();
    let main = sources.add(name, text);
    let main_path = PathBuf::from(name);
    // Built at the first include only: a file without includes never
    // touches the file system.
    let mut policy: Option<IncludePolicy> = None;
    let mut seen: HashMap<PathBuf, FileId> = HashMap::new();
    let mut declarations = 0usize;
    let mut queue: Vec<Pending> = vec![(main, main_path.clone(), None)];
    while let Some((id, path, origin)) = queue.pop() {
        let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
        let mut parsed = if text.len() > MAX_FILE_BYTES {
            too_large(id, name_of(&sources, id), &text)
        } else if let Some(cache) = cache.as_deref_mut() {
            cache.parse_module(id, &text)
        } else {
            parse_module(id, &text)
        };
        if let Some((from, span, written)) = origin {
            if parsed.diagnostics.has_errors() && !recover::looks_like_cairn(&text) {
                // Not Cairn source (a secret, a binary): its text and its
                // errors stay hidden; only the location is reported.
                let at = parsed.diagnostics.reports.iter().find(|r| r.is_error());
                let offset = at.and_then(first_offset).unwrap_or(0);
                let lc = sources.get(id).map(|f| f.line_col(offset));
                let (line, column) = lc.map_or((1, 1), |lc| (lc.line, lc.column));
                sources.redact(id);
                parsed = ParsedFile {
                    module: Module::default(),
                    diagnostics: Diagnostics::new(),
                };
                diagnostics.push(
                    from,
                    SyntaxError::IncludeNotCairn {
                        path: written,
                        line,
                        column,
                        span: span.miette(),
                    },
                );
            }
        }
        diagnostics.extend(parsed.diagnostics);
        if declarations + parsed.module.decls.len() > MAX_DECLARATIONS {
            let keep = MAX_DECLARATIONS.saturating_sub(declarations);
            if let Some(first) = parsed.module.decls.get(keep) {
                diagnostics.push(
                    id,
                    SyntaxError::TooManyDeclarations {
                        limit: MAX_DECLARATIONS,
                        span: first.span.miette(),
                    },
                );
            }
            parsed.module.decls.truncate(keep);
        }
        declarations += parsed.module.decls.len();
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for (include, span) in includes(&parsed.module) {
            let target = base.join(&include);
            let target_name = target.to_string_lossy().to_string();
            let policy = policy.get_or_insert_with(|| {
                seen.insert(include::identity(&main_path).0, main);
                IncludePolicy::for_main(&main_path, include_paths)
            });
            let Ok(resolved) = policy.resolve(&target) else {
                diagnostics.push(
                    id,
                    SyntaxError::IncludeOutside {
                        path: include,
                        span: span.miette(),
                    },
                );
                continue;
            };
            if seen.contains_key(&resolved.key) {
                diagnostics.push(
                    id,
                    SyntaxError::IncludeCycle {
                        path: target_name,
                        span: span.miette(),
                    },
                );
                continue;
            }
            if seen.len() > MAX_INCLUDED_FILES {
                diagnostics.push(
                    id,
                    SyntaxError::TooManyIncludes {
                        limit: MAX_INCLUDED_FILES,
                        span: span.miette(),
                    },
                );
                continue;
            }
            // Read what was checked: the canonical path, not the spelling.
            let read_path = if resolved.on_disk {
                &resolved.key
            } else {
                &target
            };
            match loader.load(read_path) {
                Ok(text) if text.len() > MAX_FILE_BYTES => diagnostics.push(
                    id,
                    SyntaxError::FileTooLarge {
                        path: include,
                        limit: MAX_FILE_BYTES,
                        span: span.miette(),
                    },
                ),
                Ok(text) => {
                    let new_id = sources.add(target_name, text);
                    seen.insert(resolved.key, new_id);
                    queue.push((new_id, target, Some((id, span, include))));
                }
                Err(e) => diagnostics.push(id, refused(e, include, target_name, span)),
            }
        }
        modules.push((id, parsed.module));
    }
    modules.sort_by_key(|(id, _)| *id);
    Parsed {
        sources,
        modules,
        diagnostics,
    }
}

/// The diagnostic for an include the loader could not read.
fn refused(e: std::io::Error, written: String, shown: String, span: Span) -> SyntaxError {
    let span = span.miette();
    match e.get_ref().and_then(|r| r.downcast_ref::<ReadError>()) {
        Some(ReadError::NotRegular) => SyntaxError::IncludeNotFile {
            path: written,
            span,
        },
        Some(ReadError::TooLarge { limit }) => SyntaxError::FileTooLarge {
            path: written,
            limit: *limit,
            span,
        },
        Some(ReadError::NotUtf8 { offset }) => SyntaxError::NotUtf8 {
            path: written,
            offset: *offset,
            span,
        },
        _ => SyntaxError::Include {
            path: shown,
            reason: e.to_string(),
            span,
        },
    }
}

/// A file over the size limit: nothing parsed, one diagnostic at the limit.
fn too_large(id: FileId, name: String, text: &str) -> ParsedFile {
    let mut at = MAX_FILE_BYTES;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(
        id,
        SyntaxError::FileTooLarge {
            path: name,
            limit: MAX_FILE_BYTES,
            span: (at, 0).into(),
        },
    );
    ParsedFile {
        module: Module::default(),
        diagnostics,
    }
}

fn name_of(sources: &SourceMap, id: FileId) -> String {
    sources.get(id).map(|f| f.name.clone()).unwrap_or_default()
}

/// The offset of a report's first label.
fn first_offset(report: &crate::diagnostics::Report) -> Option<usize> {
    report.inner.labels()?.next().map(|l| l.offset())
}

fn includes(module: &Module) -> Vec<(String, Span)> {
    module
        .decls
        .iter()
        .filter_map(|d| match &d.kind {
            DeclKind::Include(t) => Some((t.value.clone(), t.span)),
            _ => None,
        })
        .collect()
}
