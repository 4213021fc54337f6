//! Syntax stage: incremental parsing, for the language server.
//!
//! A file is a list of top-level declarations. [`ParseCache`] keeps each
//! declaration that parsed cleanly, keyed by its exact text; the next parse
//! of the file splits it the way error recovery does
//! ([`super::recover::pieces`]) and parses again only the pieces whose text
//! is new, i.e. the declarations an edit touched. A reused declaration
//! whose text moved gets its spans moved with it ([`super::shift`]).
//!
//! The result is the one [`super::parse_module`] gives for the same text,
//! diagnostics included: that function parses the whole file, and when the
//! whole file fails, parses each piece on its own. Here, when every piece
//! parses, they are the whole file's declarations; when one fails, the text
//! from that piece on is parsed as a file, as the whole-file parse would
//! have gone on from there, and only when that fails too is the result the
//! per-piece one of recovery. Files with control characters or nesting over
//! the limit take the whole-file path.

use super::ast::Decl;
use super::lower::Lower;
use super::shift::shift_decl;
use super::{
    on_parser_stack, parse_lone, parse_module_here, recover, CairnParser, ParsedFile, Rule,
    MAX_DEPTH, MAX_SYNTAX_ERRORS,
};
use crate::diagnostics::Diagnostics;
use crate::source::FileId;
use pest::Parser;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Cached pieces by text, hashed word by word: hashing is the one pass over
/// the whole text that every parse makes, so it must be cheap. The text is
/// the user's own document, so there is no adversary to resist.
type Pieces = HashMap<String, Cached, BuildHasherDefault<PieceHasher>>;

/// Declarations parsed before, by file and text, for parsing again only what
/// an edit touched. One cache serves one guideline (one open document and
/// its includes); entries that a parse no longer uses are dropped at its end,
/// so the cache holds about one copy of the guideline's declarations.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: HashMap<FileId, Pieces>,
    /// The number of the parse running (or last run).
    generation: u64,
    /// Declarations reused and parsed by the last parse, for tests and
    /// benchmarks.
    stats: (usize, usize),
}

#[derive(Debug)]
struct Cached {
    /// The declaration as parsed at `at`.
    decl: Decl,
    at: usize,
    /// The last parse that used it.
    used: u64,
}

/// What parsing one piece on its own gave.
enum Piece {
    /// It parsed: its declaration (none if lowering dropped it) and the
    /// diagnostics lowering reported.
    Parsed(Option<Box<Decl>>, Diagnostics),
    /// It did not parse.
    Failed,
}

impl ParseCache {
    /// An empty cache.
    pub fn new() -> ParseCache {
        ParseCache::default()
    }

    /// How many top-level declarations the last parse reused and how many it
    /// parsed (those of the files it parsed piece by piece).
    pub fn last_parse(&self) -> (usize, usize) {
        self.stats
    }

    /// Starts a parse of the guideline.
    pub(super) fn begin(&mut self) {
        self.generation += 1;
        self.stats = (0, 0);
    }

    /// Ends a parse: drops what it did not use.
    pub(super) fn end(&mut self) {
        let generation = self.generation;
        self.files.retain(|_, entries| {
            entries.retain(|_, c| c.used == generation);
            !entries.is_empty()
        });
    }

    /// Parses one file of the guideline, as [`super::parse_module`] does.
    pub(super) fn parse_module(&mut self, file: FileId, text: &str) -> ParsedFile {
        on_parser_stack(|| self.parse_here(file, text))
    }

    fn parse_here(&mut self, file: FileId, text: &str) -> ParsedFile {
        let mut cleaned_away = Diagnostics::new();
        let cleaned = recover::clean(file, text, &mut cleaned_away);
        let unusual = !cleaned_away.is_empty() || matches!(cleaned, Cow::Owned(_));
        if unusual || recover::too_deep(text, MAX_DEPTH).is_some() {
            return parse_module_here(file, text);
        }
        let generation = self.generation;
        let entries = self.files.entry(file).or_default();
        let pieces = recover::pieces(text);
        let mut parsed: Vec<Piece> = Vec::with_capacity(pieces.len());
        let mut first_failed = None;
        for (n, &(start, end)) in pieces.iter().enumerate() {
            let piece = &text[start..end];
            if let Some(hit) = entries.get_mut(piece) {
                hit.used = generation;
                let mut decl = hit.decl.clone();
                shift_decl(&mut decl, offset(start) - offset(hit.at));
                parsed.push(Piece::Parsed(Some(Box::new(decl)), Diagnostics::new()));
                self.stats.0 += 1;
                continue;
            }
            self.stats.1 += 1;
            let Ok(mut pairs) = CairnParser::parse(Rule::lone_decl, piece) else {
                first_failed.get_or_insert(n);
                parsed.push(Piece::Failed);
                continue;
            };
            let mut diagnostics = Diagnostics::new();
            let decl = pairs
                .next()
                .and_then(|pair| Lower::at(file, start, &mut diagnostics).lone_decl(pair));
            // Only what lowered cleanly is kept: a reused piece brings no
            // diagnostics with it.
            if let (Some(decl), true) = (&decl, diagnostics.is_empty()) {
                let cached = Cached {
                    decl: decl.clone(),
                    at: start,
                    used: generation,
                };
                entries.insert(piece.to_string(), cached);
            }
            parsed.push(Piece::Parsed(decl.map(Box::new), diagnostics));
        }
        let mut module = super::ast::Module::default();
        let mut diagnostics = Diagnostics::new();
        let keep = first_failed.unwrap_or(parsed.len());
        let suffix = first_failed
            .and_then(|n| pieces.get(n))
            .map(|&(start, _)| start);
        // Does the whole file parse after all? Before the first failed piece
        // it goes as the pieces do, so parsing from there decides.
        let rest = suffix.and_then(|start| {
            let mut pairs = CairnParser::parse(Rule::file, &text[start..]).ok()?;
            let mut lowered = Diagnostics::new();
            let decls = Lower::at(file, start, &mut lowered).file(pairs.next()?);
            Some((decls, lowered))
        });
        let whole = first_failed.is_none() || rest.is_some();
        for (n, piece) in parsed.into_iter().enumerate() {
            match piece {
                Piece::Parsed(..) if whole && n >= keep => {}
                Piece::Parsed(decl, found) => {
                    module.decls.extend(decl.map(|d| *d));
                    diagnostics.extend(found);
                }
                Piece::Failed if whole => {}
                Piece::Failed => {
                    // Recovery's answer for this piece, with pest's detail.
                    let Some(&(start, end)) = pieces.get(n) else {
                        continue;
                    };
                    parse_lone(
                        file,
                        &text[start..end],
                        start,
                        &mut diagnostics,
                        &mut module,
                    );
                }
            }
        }
        if let Some((decls, lowered)) = rest {
            module.decls.extend(decls);
            diagnostics.extend(lowered);
        }
        recover::cap_errors(file, &mut diagnostics, MAX_SYNTAX_ERRORS);
        ParsedFile {
            module,
            diagnostics,
        }
    }
}

/// A multiply-rotate hash of eight bytes at a time (as rustc's `FxHasher`).
#[derive(Default)]
struct PieceHasher(u64);

impl PieceHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for PieceHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        let rest = words.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A byte offset as a signed number, for the distance a piece moved.
fn offset(at: usize) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}
