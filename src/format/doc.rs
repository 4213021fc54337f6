//! Format stage: a small Wadler-style document algebra and its renderer.
//!
//! The layout code describes each construct once as a [`Doc`] with optional
//! line breaks; the renderer puts a group on one line when it fits in the
//! width and breaks every line of the group otherwise. That gives one
//! consistent rule for long expressions everywhere.
//!
//! Comments are not part of the document: [`Doc::Flush`] marks the source
//! position of the item that follows, and the renderer emits every comment
//! that precedes that position there, as its own line or at the end of the
//! previous line, keeping blank lines that grouped items in the source.

use super::comments::{blank_line_before, Comment};

/// A document to lay out.
#[derive(Debug, Clone)]
pub enum Doc {
    /// Literal text without newlines.
    Text(String),
    /// A space when the group is flat, a newline when it is broken.
    Line,
    /// Nothing when the group is flat, a newline when it is broken.
    SoftLine,
    /// Always a newline; the enclosing groups cannot be flat.
    Hard,
    /// Indents the lines broken inside by this many more spaces.
    Nest(usize, Box<Doc>),
    /// Laid out flat when it fits, broken otherwise (always when `force`).
    Group {
        /// The contents.
        doc: Box<Doc>,
        /// True to break even when the group would fit.
        force: bool,
    },
    /// A sequence.
    Cat(Vec<Doc>),
    /// Text emitted only when the enclosing group is broken.
    IfBreak(&'static str),
    /// Text emitted only when the enclosing group is flat.
    IfFlat(&'static str),
    /// Emits the comments that precede source offset `pos`.
    Flush {
        /// The source offset of the item that follows.
        pos: usize,
        /// How blank lines before the item are treated.
        blank: Blank,
        /// Extra indentation of whole-line comments: 2 before a closing
        /// brace, so they stay with the block's items.
        extra: usize,
    },
}

/// How blank lines before an item are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// Never a blank line here (inside expressions, before `}`).
    Never,
    /// A blank line when the source has one.
    Keep,
    /// Always a blank line (between block declarations).
    Force,
    /// Before a closing brace: blank lines before comments are kept, but
    /// the brace itself never follows a blank line.
    Close,
}

/// Literal text.
pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

/// A sequence of documents.
pub fn cat(docs: Vec<Doc>) -> Doc {
    Doc::Cat(docs)
}

/// Indents broken lines inside `doc` by `by` spaces.
pub fn nest(by: usize, doc: Doc) -> Doc {
    Doc::Nest(by, Box::new(doc))
}

/// A group, broken when it does not fit or when `force` is set.
pub fn group(doc: Doc, force: bool) -> Doc {
    Doc::Group {
        doc: Box::new(doc),
        force,
    }
}

/// A comment flush point before the item at `pos`.
pub fn flush(pos: usize, blank: Blank) -> Doc {
    Doc::Flush {
        pos,
        blank,
        extra: 0,
    }
}

/// The comment flush point before a block's closing brace at `pos`.
pub fn flush_close(pos: usize) -> Doc {
    Doc::Flush {
        pos,
        blank: Blank::Close,
        extra: 2,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Renders a document with comments re-attached.
pub struct Renderer<'a> {
    width: usize,
    src: &'a str,
    comments: &'a [Comment],
    next: usize,
    lines: Vec<String>,
    pending: Vec<String>,
}

impl<'a> Renderer<'a> {
    /// A renderer for `src` whose comments are `comments` (in source order).
    pub fn new(width: usize, src: &'a str, comments: &'a [Comment]) -> Renderer<'a> {
        Renderer {
            width,
            src,
            comments,
            next: 0,
            lines: vec![String::new()],
            pending: Vec::new(),
        }
    }

    /// Lays out `doc`, then every remaining comment, and returns the text
    /// with exactly one final newline.
    pub fn finish(mut self, doc: &Doc) -> String {
        self.render(doc);
        if !self.at_line_start() {
            self.newline(0);
        }
        self.flush(usize::MAX, Blank::Keep, 0);
        self.newline(0);
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
        let leading = self.lines.iter().take_while(|l| l.is_empty()).count();
        self.lines.drain(..leading);
        if self.lines.is_empty() {
            // A file with nothing in it stays empty.
            return String::new();
        }
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }

    fn current(&self) -> &str {
        self.lines.last().map_or("", String::as_str)
    }

    fn column(&self) -> usize {
        self.current().chars().count()
    }

    fn at_line_start(&self) -> bool {
        self.current().trim().is_empty()
    }

    fn push_text(&mut self, s: &str) {
        if let Some(line) = self.lines.last_mut() {
            line.push_str(s);
        }
    }

    /// Ends the current line (with any comments waiting for its end) and
    /// starts a new one indented by `indent`.
    fn newline(&mut self, indent: usize) {
        let pending = std::mem::take(&mut self.pending);
        if let Some(line) = self.lines.last_mut() {
            for c in pending {
                line.push(' ');
                line.push_str(&c);
            }
            let trimmed = line.trim_end().len();
            line.truncate(trimmed);
        }
        self.lines.push(" ".repeat(indent));
    }

    /// The line before the current one, when there is one.
    fn previous(&self) -> Option<&str> {
        let n = self.lines.len();
        if n >= 2 {
            self.lines.get(n - 2).map(String::as_str)
        } else {
            None
        }
    }

    /// True when a blank line may be inserted before the current line: not
    /// at the start of the file, not after a blank line or an opening brace.
    fn can_blank(&self) -> bool {
        match self.previous() {
            Some(p) => !p.trim().is_empty() && !p.trim_end().ends_with('{'),
            None => false,
        }
    }

    /// Inserts a blank line before the current (empty) line.
    fn insert_blank(&mut self) {
        let indent = self.current().to_string();
        if let Some(line) = self.lines.last_mut() {
            line.clear();
        }
        self.lines.push(indent);
    }

    /// Inserts a whole-line comment before the current (empty) line.
    fn insert_comment_line(&mut self, comment: &str, extra: usize) {
        let indent = self.current().to_string();
        if let Some(line) = self.lines.last_mut() {
            line.push_str(&" ".repeat(extra));
            line.push_str(comment);
        }
        self.lines.push(indent);
    }

    fn flush(&mut self, pos: usize, blank: Blank, extra: usize) {
        if blank == Blank::Force && self.at_line_start() && self.can_blank() {
            self.insert_blank();
        }
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            self.next += 1;
            if !self.at_line_start() {
                self.pending.push(c.text.clone());
                continue;
            }
            let prev_is_code = self
                .previous()
                .is_some_and(|p| !p.trim().is_empty() && !p.trim_start().starts_with("//"));
            if c.trailing && prev_is_code {
                let n = self.lines.len();
                if let Some(line) = self.lines.get_mut(n - 2) {
                    line.push(' ');
                    line.push_str(&c.text);
                }
                continue;
            }
            if c.blank_before && blank != Blank::Never && self.can_blank() {
                self.insert_blank();
            }
            self.insert_comment_line(&c.text, extra);
        }
        if matches!(blank, Blank::Keep | Blank::Force)
            && self.at_line_start()
            && self.can_blank()
            && blank_line_before(self.src, pos.min(self.src.len()))
        {
            self.insert_blank();
        }
    }

    fn render(&mut self, doc: &Doc) {
        let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
        while let Some((indent, mode, d)) = stack.pop() {
            match d {
                Doc::Text(s) => self.push_text(s),
                Doc::Line => match mode {
                    Mode::Flat => self.push_text(" "),
                    Mode::Break => self.newline(indent),
                },
                Doc::SoftLine => {
                    if mode == Mode::Break {
                        self.newline(indent)
                    }
                }
                Doc::Hard => self.newline(indent),
                Doc::Nest(by, inner) => stack.push((indent + by, mode, inner)),
                Doc::Cat(items) => {
                    for item in items.iter().rev() {
                        stack.push((indent, mode, item));
                    }
                }
                Doc::Group { doc, force } => {
                    let flat = mode == Mode::Flat
                        || (!force && fits(self.width.saturating_sub(self.column()), doc, &stack));
                    let m = if flat { Mode::Flat } else { Mode::Break };
                    stack.push((indent, m, doc));
                }
                Doc::IfBreak(s) => {
                    if mode == Mode::Break {
                        self.push_text(s)
                    }
                }
                Doc::IfFlat(s) => {
                    if mode == Mode::Flat {
                        self.push_text(s)
                    }
                }
                Doc::Flush { pos, blank, extra } => self.flush(*pos, *blank, *extra),
            }
        }
    }
}

/// True when `doc` laid out flat, followed by the rest of the line, fits in
/// `width` columns.
fn fits(width: usize, doc: &Doc, rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut left = width as isize;
    let mut candidate: Vec<&Doc> = vec![doc];
    while let Some(d) = candidate.pop() {
        match d {
            Doc::Text(s) => left -= s.chars().count() as isize,
            Doc::Line => left -= 1,
            Doc::Hard => return false,
            Doc::Group { force: true, .. } => return false,
            Doc::Group { doc, .. } | Doc::Nest(_, doc) => candidate.push(doc),
            Doc::Cat(items) => candidate.extend(items.iter().rev()),
            Doc::IfFlat(s) => left -= s.len() as isize,
            Doc::SoftLine | Doc::IfBreak(_) | Doc::Flush { .. } => {}
        }
        if left < 0 {
            return false;
        }
    }
    let mut after: Vec<(Mode, &Doc)> = Vec::new();
    let mut index = rest.len();
    loop {
        let (mode, d) = match after.pop() {
            Some(x) => x,
            None => {
                if index == 0 {
                    return true;
                }
                index -= 1;
                (rest[index].1, rest[index].2)
            }
        };
        match d {
            Doc::Text(s) => left -= s.chars().count() as isize,
            Doc::Line | Doc::SoftLine if mode == Mode::Break => return true,
            Doc::Line => left -= 1,
            Doc::Hard => return true,
            Doc::Group { doc, force } => {
                after.push((if *force { Mode::Break } else { mode }, doc));
            }
            Doc::Nest(_, doc) => after.push((mode, doc)),
            Doc::Cat(items) => after.extend(items.iter().rev().map(|i| (mode, i))),
            Doc::IfBreak(s) if mode == Mode::Break => left -= s.len() as isize,
            Doc::IfFlat(s) if mode == Mode::Flat => left -= s.len() as isize,
            Doc::SoftLine | Doc::IfBreak(_) | Doc::IfFlat(_) | Doc::Flush { .. } => {}
        }
        if left < 0 {
            return false;
        }
    }
}
