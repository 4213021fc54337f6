//! Language server: analysing an open document.
//!
//! Each open `.cairn` document is parsed as the main file of a guideline with
//! [`crate::syntax::parse_with`] and checked with [`crate::check::check`], the
//! same pipeline as `cairn check`, so the editor shows exactly the diagnostics
//! the command line would. Included files are read from the other open
//! documents first and from disk otherwise, so unsaved edits count.

use super::index::Index;
use super::text::LineIndex;
use crate::diagnostics::Report;
use crate::source::{FileId, SourceMap};
use crate::syntax::{Loader, ParseCache};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file the main document is in every analysis.
pub const MAIN: FileId = FileId(0);

/// Reads included files from the open documents first (so unsaved edits
/// count) and from disk otherwise through [`crate::syntax::read_source`]
/// (regular files only, size limit, UTF-8). Where an include may resolve
/// (the main document's folder tree) and cycles (by canonical path) are
/// decided by [`crate::syntax::parse_with`]'s include policy, the same as
/// `cairn check`'s.
pub struct MemoryLoader<'a> {
    /// Open documents by path.
    pub open: &'a HashMap<PathBuf, String>,
}

impl<'a> MemoryLoader<'a> {
    /// A loader over the open documents `open`.
    pub fn new(open: &'a HashMap<PathBuf, String>) -> MemoryLoader<'a> {
        MemoryLoader { open }
    }

    /// The open document at `path`: the policy hands over canonical paths,
    /// while documents are keyed by the path of their URI.
    fn open_document(&self, path: &Path) -> Option<&String> {
        self.open.get(path).or_else(|| {
            self.open
                .iter()
                .find(|(k, _)| k.canonicalize().ok().as_deref() == Some(path))
                .map(|(_, text)| text)
        })
    }
}

impl Loader for MemoryLoader<'_> {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        match self.open_document(path) {
            Some(text) => Ok(text.clone()),
            None => Ok(crate::syntax::read_source(path)?),
        }
    }
}

/// The result of analysing one document.
#[derive(Debug)]
pub struct Analysis {
    /// The document's text and every included file.
    pub sources: SourceMap,
    /// Line indexes of every file, by file id.
    pub lines: Vec<LineIndex>,
    /// Symbols and their uses.
    pub index: Index,
    /// Diagnostics by file, every file of the guideline present (possibly empty).
    pub diagnostics: Vec<(FileId, Vec<Diagnostic>)>,
    /// The main document's declarations, for the outline.
    pub decls: Vec<crate::syntax::ast::Decl>,
    /// The quick fixes of the diagnostics ("did you mean"), by file.
    pub fixes: Vec<QuickFix>,
}

/// A diagnostic and the edit that fixes it.
#[derive(Debug, Clone)]
pub struct QuickFix {
    /// The file the diagnostic and the edit point into.
    pub file: FileId,
    /// The diagnostic as published.
    pub diagnostic: Diagnostic,
    /// The edit, in `file`.
    pub edit: lsp_types::TextEdit,
}

/// Parses, indexes and checks the document at `path`.
pub fn analyse(path: &Path, text: &str, open: &HashMap<PathBuf, String>) -> Analysis {
    let name = path.to_string_lossy();
    let parsed = crate::syntax::parse_with(&name, text, &MemoryLoader::new(open));
    analyse_parsed(parsed)
}

/// [`analyse`], parsing again only the declarations whose text `cache` does
/// not hold from the document's last analysis (the ones an edit touched).
/// The answer is the same as [`analyse`]'s.
pub fn analyse_incremental(
    path: &Path,
    text: &str,
    open: &HashMap<PathBuf, String>,
    cache: &mut ParseCache,
) -> Analysis {
    let name = path.to_string_lossy();
    let loader = MemoryLoader::new(open);
    analyse_parsed(crate::syntax::parse_incremental(
        &name, text, &loader, cache,
    ))
}

fn analyse_parsed(parsed: crate::syntax::Parsed) -> Analysis {
    let index = Index::build(&parsed.sources, &parsed.modules);
    let decls = parsed
        .modules
        .iter()
        .find(|(id, _)| *id == MAIN)
        .map(|(_, m)| m.decls.clone())
        .unwrap_or_default();
    let (sources, reports) = match crate::check::check(parsed) {
        Ok(checked) => (checked.sources, checked.warnings),
        Err(failed) => (failed.sources, failed.diagnostics),
    };
    let lines: Vec<LineIndex> = sources
        .iter()
        .map(|(_, f)| LineIndex::new(&f.text))
        .collect();
    let mut diagnostics: Vec<(FileId, Vec<Diagnostic>)> =
        sources.iter().map(|(id, _)| (id, Vec::new())).collect();
    let mut fixes = Vec::new();
    for report in &reports.reports {
        let converted = convert(report, &sources, &lines);
        let text = sources.get(report.file).map(|f| &*f.text).unwrap_or("");
        if let (Some(fix), Some(l)) = (report.fix(text), lines.get(report.file.0 as usize)) {
            fixes.push(QuickFix {
                file: report.file,
                diagnostic: converted.clone(),
                edit: lsp_types::TextEdit {
                    range: l.range(text, fix.start, fix.end),
                    new_text: fix.replacement,
                },
            });
        }
        if let Some((_, list)) = diagnostics.iter_mut().find(|(id, _)| *id == report.file) {
            list.push(converted);
        }
    }
    Analysis {
        sources,
        lines,
        index,
        diagnostics,
        decls,
        fixes,
    }
}

impl Analysis {
    /// The protocol range of a span.
    pub fn range(&self, span: crate::source::Span) -> lsp_types::Range {
        let text = self.sources.get(span.file).map(|f| &*f.text).unwrap_or("");
        match self.lines.get(span.file.0 as usize) {
            Some(lines) => lines.range(text, span.start as usize, span.end as usize),
            None => lsp_types::Range::default(),
        }
    }

    /// The location of a span, in the file it points into.
    pub fn location(&self, span: crate::source::Span) -> Option<Location> {
        let file = self.sources.get(span.file)?;
        let uri = path_to_uri(Path::new(&file.name))?;
        Some(Location::new(uri, self.range(span)))
    }

    /// The byte offset of a position in the main document.
    pub fn offset(&self, position: lsp_types::Position) -> usize {
        let text = self.sources.get(MAIN).map(|f| &*f.text).unwrap_or("");
        self.lines
            .first()
            .map(|l| l.offset(text, position))
            .unwrap_or(0)
    }
}

fn convert(report: &Report, sources: &SourceMap, lines: &[LineIndex]) -> Diagnostic {
    let file = sources.get(report.file);
    let text = file.map(|f| &*f.text).unwrap_or("");
    let index = lines.get(report.file.0 as usize);
    let to_range = |offset: usize, len: usize| match index {
        Some(l) => l.range(text, offset, offset + len),
        None => lsp_types::Range::default(),
    };
    let labels: Vec<_> = report
        .inner
        .labels()
        .map(|l| l.collect())
        .unwrap_or_default();
    let primary = labels
        .iter()
        .position(|l: &miette::LabeledSpan| l.primary())
        .unwrap_or(0);
    let range = labels
        .get(primary)
        .map(|l| to_range(l.offset(), l.len()))
        .unwrap_or_default();
    let mut message = report.inner.to_string();
    if let Some(label) = labels.get(primary).and_then(|l| l.label()) {
        message.push_str(&format!(": {label}"));
    }
    if let Some(help) = report.inner.help() {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let uri = file.and_then(|f| path_to_uri(Path::new(&f.name)));
    let related: Vec<DiagnosticRelatedInformation> = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != primary)
        .filter_map(|(_, l)| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone()?, to_range(l.offset(), l.len())),
                message: l.label().unwrap_or("related").to_string(),
            })
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(if report.is_error() {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(report.code())),
        source: Some("cairn".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// The file path of a `file:` URI, percent-decoded.
pub fn uri_to_path(uri: &Uri) -> PathBuf {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://").unwrap_or(s);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(String::from_utf8_lossy(&out).to_string())
}

/// The `file:` URI of a path, percent-encoding what a URI cannot hold.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut s = String::from("file://");
    for b in absolute.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}
