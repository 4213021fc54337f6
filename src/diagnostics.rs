//! Diagnostics shared by every stage: collection, rendering and JSON form.
//!
//! Each stage defines its own error enum with `thiserror` and
//! `miette::Diagnostic` (a stable code per variant, lowercase message, user
//! input in backticks, detail in `help` and labels). This module collects
//! them together with the file they point into, and renders them either with
//! miette's graphical handler or as JSON for machines.

use crate::source::{FileId, SourceMap};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;
use std::fmt;

/// One diagnostic from any stage, with the file its labels point into.
pub struct Report {
    /// The file the labels point into.
    pub file: FileId,
    /// The stage's diagnostic.
    pub inner: Box<dyn Diagnostic + Send + Sync + 'static>,
}

impl Report {
    /// True when the diagnostic is an error (the default severity).
    pub fn is_error(&self) -> bool {
        !matches!(
            self.inner.severity(),
            Some(miette::Severity::Warning) | Some(miette::Severity::Advice)
        )
    }

    /// The stable code, e.g. `cairn::check::unknown_name`.
    pub fn code(&self) -> String {
        self.inner.code().map(|c| c.to_string()).unwrap_or_default()
    }

    /// The edit a "did you mean `x`?" help stands for, in `text` (the
    /// report's file): its primary label's text replaced by `x`. Offered
    /// only when that text is one word close to `x` (by the same measure
    /// that chose `x`), so a label that spans more than the misspelt name
    /// gives no fix rather than a wrong one.
    pub fn fix(&self, text: &str) -> Option<Fix> {
        let help = self.inner.help()?.to_string();
        let replacement = suggested(&help)?;
        let labels: Vec<LabeledSpan> = self.inner.labels()?.collect();
        let label = labels.iter().find(|l| l.primary()).or(labels.first())?;
        let (start, end) = (label.offset(), label.offset() + label.len());
        let old = text.get(start..end)?;
        let one_word = !old.is_empty()
            && old
                .chars()
                .all(|c| c.is_alphanumeric() || "_-./%".contains(c));
        let close = did_you_mean(old, [replacement]).is_some();
        (one_word && close && old != replacement).then(|| Fix {
            start,
            end,
            replacement: replacement.to_string(),
        })
    }
}

/// An edit that fixes a diagnostic: the bytes `start..end` of the report's
/// file replaced by `replacement` (see [`Report::fix`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced.
    pub end: usize,
    /// The new text.
    pub replacement: String,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.inner)
    }
}

/// A list of diagnostics, errors and warnings together.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// The diagnostics in the order they were found.
    pub reports: Vec<Report>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds a diagnostic pointing into `file`.
    pub fn push<D: Diagnostic + Send + Sync + 'static>(&mut self, file: FileId, diagnostic: D) {
        self.reports.push(Report {
            file,
            inner: Box::new(diagnostic),
        });
    }

    /// Moves every diagnostic of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.reports.extend(other.reports);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.reports.iter().any(Report::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.reports.iter().filter(|r| r.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.reports.len() - self.error_count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Renders every diagnostic with miette's graphical handler, without
    /// colour, at a fixed width, so the output is stable for snapshots.
    pub fn render(&self, sources: &SourceMap, width: usize) -> String {
        let mut out = String::new();
        for report in &self.reports {
            out.push_str(&render_one(report, sources, width));
        }
        out
    }

    /// Renders every diagnostic as [`Diagnostics::render`] does, in colour
    /// when `color` is true (see [`render_styled`]).
    pub fn render_styled(&self, sources: &SourceMap, width: usize, color: bool) -> String {
        let mut out = String::new();
        for report in &self.reports {
            out.push_str(&render_styled(report, sources, width, color));
        }
        out
    }

    /// The diagnostics as JSON values (see the README for the schema).
    pub fn to_json(&self, sources: &SourceMap) -> Vec<JsonDiagnostic> {
        self.reports.iter().map(|r| to_json(r, sources)).collect()
    }
}

/// The longest source line drawn in an excerpt, in bytes. miette cannot
/// draw a label past column 65,535 (it panics), and a megabyte line is no
/// use on a terminal: a diagnostic whose excerpt would hold a longer line is
/// shown with its location only.
pub const MAX_EXCERPT_LINE: usize = 4096;

/// Context lines miette draws around a label (its default).
const CONTEXT_LINES: usize = 1;

/// Renders one diagnostic with its source, without colour.
///
/// Control characters (ESC, BEL, ...) and bidirectional overrides that come
/// from the source are escaped (`\u{1b}`), so a diagnostic never sends them
/// raw to a terminal.
pub fn render_one(report: &Report, sources: &SourceMap, width: usize) -> String {
    escape_controls(&render_themed(
        report,
        sources,
        width,
        GraphicalTheme::unicode_nocolor(),
    ))
}

/// Renders one diagnostic, in miette's colours when `color` is true.
///
/// Colour is drawn with escape sequences, which [`escape_controls`] would
/// escape, so the escaping cannot run on coloured output. Instead the
/// diagnostic is rendered without colour first: when that text holds a
/// control character or a bidirectional override (from the source or from
/// user input in the message), the diagnostic is shown without colour,
/// escaped, as [`render_one`] shows it; otherwise every escape sequence of
/// the coloured rendering is miette's own.
pub fn render_styled(report: &Report, sources: &SourceMap, width: usize, color: bool) -> String {
    let plain = render_themed(report, sources, width, GraphicalTheme::unicode_nocolor());
    if !color || plain.chars().any(unsafe_char) {
        return escape_controls(&plain);
    }
    render_themed(report, sources, width, GraphicalTheme::unicode())
}

/// Renders one diagnostic with `theme`, unescaped.
fn render_themed(
    report: &Report,
    sources: &SourceMap,
    width: usize,
    theme: GraphicalTheme,
) -> String {
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    let mut out = String::new();
    let with_source = WithSource::new(report, sources);
    if handler.render_report(&mut out, &with_source).is_err() {
        out = format!("{}\n", report.inner);
    }
    if let Some(locations) = &with_source.locations {
        out.push_str(locations);
    }
    out
}

/// A character never sent raw to a terminal: a control character other
/// than the line break, or a bidirectional override.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character except the line break, and every
/// bidirectional override, written as a `\u{..}` escape.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(unsafe_char) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A diagnostic paired with a window of the file it points into, so miette
/// can draw its labels.
pub struct WithSource<'a> {
    inner: &'a (dyn Diagnostic + Send + Sync + 'static),
    source: Option<crate::source::Excerpt<'a>>,
    /// For a diagnostic shown without excerpt: its labels' locations.
    locations: Option<String>,
}

impl<'a> WithSource<'a> {
    /// Pairs a report with the window of its file's text that its labels
    /// need (the file is never copied or scanned from its start).
    pub fn new(report: &'a Report, sources: &'a SourceMap) -> WithSource<'a> {
        let inner = report.inner.as_ref();
        let labels: Vec<LabeledSpan> = inner.labels().map(Iterator::collect).unwrap_or_default();
        let file = sources.get(report.file);
        let (Some(file), Some(start), Some(end)) = (
            file,
            labels.iter().map(LabeledSpan::offset).min(),
            labels.iter().map(|l| l.offset() + l.len()).max(),
        ) else {
            return WithSource {
                inner,
                source: None,
                locations: None,
            };
        };
        let first = file.line_of(start).saturating_sub(CONTEXT_LINES);
        let last = (file.line_of(end) + CONTEXT_LINES).min(file.line_count() - 1);
        let too_long = (first..=last)
            .any(|line| file.line_start(line + 1) - file.line_start(line) > MAX_EXCERPT_LINE);
        if too_long {
            let mut locations = String::new();
            for label in &labels {
                let lc = file.line_col(label.offset());
                let text = label.label().map(|t| format!(": {t}")).unwrap_or_default();
                locations.push_str(&format!(
                    "  at {}:{}:{}{text} (line too long to show)\n",
                    file.name, lc.line, lc.column
                ));
            }
            return WithSource {
                inner,
                source: None,
                locations: Some(locations),
            };
        }
        WithSource {
            inner,
            source: Some(file.excerpt(start, end, CONTEXT_LINES)),
            locations: None,
        }
    }
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // Without an excerpt the labels are listed as locations instead.
        if self.locations.is_some() {
            return None;
        }
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match &self.source {
            Some(s) => Some(s as &dyn miette::SourceCode),
            None => self.inner.source_code(),
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.inner.related()
    }
}

/// A diagnostic in the JSON error format.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The stable code.
    pub code: String,
    /// The message.
    pub message: String,
    /// The help text, if any.
    pub help: Option<String>,
    /// The file the labels point into.
    pub file: String,
    /// The labelled spans.
    pub labels: Vec<JsonLabel>,
}

/// A labelled span in JSON form.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonLabel {
    /// The label text, if any.
    pub message: Option<String>,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// One-based line of the start.
    pub line: usize,
    /// One-based column (in characters) of the start.
    pub column: usize,
}

fn to_json(report: &Report, sources: &SourceMap) -> JsonDiagnostic {
    let file = sources.get(report.file);
    let labels = report
        .inner
        .labels()
        .map(|it| {
            it.map(|l| {
                let lc = file
                    .map(|f| f.line_col(l.offset()))
                    .unwrap_or(crate::source::LineCol { line: 1, column: 1 });
                JsonLabel {
                    message: l.label().map(str::to_string),
                    start: l.offset(),
                    end: l.offset() + l.len(),
                    line: lc.line,
                    column: lc.column,
                }
            })
            .collect()
        })
        .unwrap_or_default();
    JsonDiagnostic {
        severity: if report.is_error() {
            "error"
        } else {
            "warning"
        },
        code: report.code(),
        message: report.inner.to_string(),
        help: report.inner.help().map(|h| h.to_string()),
        file: file.map(|f| f.name.clone()).unwrap_or_default(),
        labels,
    }
}

/// The closest candidate to `name` by edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // A number is no misspelt name, and `_` (or any other punctuation) no
    // name to offer: `0` is one edit from `_`, but never meant it.
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if !candidate.contains(char::is_alphanumeric) {
            continue;
        }
        let score = strsim::jaro_winkler(name, candidate);
        let close = strsim::levenshtein(name, candidate) <= (name.len().max(3) / 3).max(2);
        if (score >= 0.85 || close) && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Help text "did you mean `x`?" when a close candidate exists.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|c| format!("{DID_YOU_MEAN}{c}`?"))
}

/// How [`suggestion`]'s help begins; [`suggested`] reads it back.
const DID_YOU_MEAN: &str = "did you mean `";

/// The candidate of a help text made by [`suggestion`], if it is one.
fn suggested(help: &str) -> Option<&str> {
    let candidate = help.strip_prefix(DID_YOU_MEAN)?.strip_suffix("`?")?;
    (!candidate.is_empty() && !candidate.contains('`')).then_some(candidate)
}
