//! Source files and byte spans, shared by every stage.
//!
//! A guideline can span several files through `include`, so every span names
//! the file it points into. Spans are byte offsets; line and column are
//! computed on demand for JSON output and the language server.

use serde::Serialize;
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// Creates a span in `file` from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True when the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The span as a miette source span.
    pub fn miette(&self) -> miette::SourceSpan {
        (self.start as usize, self.len()).into()
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as the user gave it).
    pub name: String,
    /// The full text.
    pub text: Arc<str>,
    /// Byte offset of the start of each line, for line/column lookup.
    line_starts: Vec<usize>,
    /// True when a `\r` not followed by `\n` occurs: miette counts it as a
    /// line break and this index does not, so excerpts then use the whole
    /// text rather than a window.
    lone_cr: bool,
}

/// A one-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    /// One-based line number.
    pub line: usize,
    /// One-based column, in Unicode scalar values.
    pub column: usize,
}

impl SourceFile {
    /// Wraps a file's name and text.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let bytes = text.as_bytes();
        let lone_cr = text
            .match_indices('\r')
            .any(|(i, _)| bytes.get(i + 1) != Some(&b'\n'));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            lone_cr,
        }
    }

    /// The zero-based line of a byte offset (clamped to the text), by binary
    /// search over the line starts computed once in [`SourceFile::new`].
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where the zero-based `line` starts (the text's length
    /// past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Number of lines (a text without line breaks has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// A miette source for excerpts of this file between byte offsets
    /// `start` and `end`, widened by `context` lines each side: miette
    /// reads only that window, never the text before it, so rendering a
    /// diagnostic costs the size of its excerpt, not of the file.
    pub fn excerpt(&self, start: usize, end: usize, context: usize) -> Excerpt<'_> {
        if self.lone_cr {
            return Excerpt {
                name: &self.name,
                data: &self.text,
                base: 0,
                line_base: 0,
            };
        }
        let first = self.line_of(start).saturating_sub(context);
        // One line more than asked: miette looks one byte past the context.
        let last = self.line_of(end) + context + 2;
        let base = self.line_start(first);
        let stop = self.line_start(last).max(base);
        Excerpt {
            name: &self.name,
            data: self.text.get(base..stop).unwrap_or(""),
            base,
            line_base: first,
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let mut start = self.line_starts.get(line).copied().unwrap_or(0);
        // A byte-order mark is not a column.
        if start == 0 && self.text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8().min(offset);
        }
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The text a span covers, or an empty string when it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// All files of one guideline (the main file and its includes), or one case.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(SourceFile::new(name, text));
        FileId(self.files.len() as u32 - 1)
    }

    /// Forgets a file's text (keeping its name and id), so that nothing can
    /// show it: used for an included file that is not Cairn source.
    pub fn redact(&mut self, id: FileId) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            *f = SourceFile::new(f.name.clone(), "");
        }
    }

    /// The file with this id, if any.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Finds a file by name.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(i as u32))
    }

    /// Iterates over `(id, file)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map(|f| f.slice(span)).unwrap_or("")
    }

    /// Line and column of a span's start.
    pub fn line_col(&self, span: Span) -> LineCol {
        self.get(span.file)
            .map(|f| f.line_col(span.start as usize))
            .unwrap_or(LineCol { line: 1, column: 1 })
    }
}

/// A window of a file's text that miette reads as if it were the whole file
/// (see [`SourceFile::excerpt`]): offsets and line numbers are moved by the
/// window's start.
#[derive(Debug)]
pub struct Excerpt<'a> {
    name: &'a str,
    data: &'a str,
    /// Byte offset of the window in the file (a line start).
    base: usize,
    /// Zero-based line of the window's first line.
    line_base: usize,
}

impl miette::SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let local = span
            .offset()
            .checked_sub(self.base)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let local: miette::SourceSpan = (local, span.len()).into();
        let inner = self.data.read_span(&local, before, after)?;
        let offset = inner.span().offset() + self.base;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            (offset, inner.span().len()).into(),
            inner.line() + self.line_base,
            inner.column(),
            // miette's line count runs from the start of the text it reads.
            inner.line_count() + self.line_base,
        )))
    }
}
