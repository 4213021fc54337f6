//! Check stage: resolves names, checks types and units, and builds the
//! [`model::Model`] the interpreter runs.
//!
//! The passes, one file each: [`collect`](self) declares every name,
//! `header` checks the header, `expr`/`ops`/`tables` type definitions and
//! tables on demand, `recs`/`schedules`/`cites` check recommendations,
//! sections and schedules, `fold` finds constant conditions, `cycles`
//! orders definitions and reports cycles, and `unused` warns about unread
//! facts and definitions. Every problem is reported; checking goes on
//! after an error so that one run shows as many as possible.

mod cites;
mod collect;
mod ctx;
mod cycles;
pub mod error;
mod expr;
mod fold;
mod header;
pub mod model;
mod ops;
mod order;
mod recs;
mod schedules;
mod tables;
mod unused;

use crate::diagnostics::{Diagnostics, Report};
use crate::source::{FileId, SourceMap};
use crate::syntax::Parsed;
use model::Model;

pub use error::CheckError;

/// A guideline that passed the checker: it has no errors, only warnings.
#[derive(Debug)]
pub struct Checked {
    /// The source files.
    pub sources: SourceMap,
    /// The resolved model.
    pub model: Model,
    /// Warnings (unused facts, constant conditions, ...).
    pub warnings: Diagnostics,
}

/// A stage that failed, with everything needed to render its diagnostics.
#[derive(Debug)]
pub struct Failed {
    /// The files the diagnostics point into.
    pub sources: SourceMap,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// Checks a parsed guideline. Syntax errors from parsing are kept: what
/// parsed is still checked, so errors elsewhere show too, but the result
/// is then a failure.
pub fn check(parsed: Parsed) -> Result<Checked, Failed> {
    let Parsed {
        sources,
        modules,
        diagnostics: syntax,
    } = parsed;
    let main = modules.first().map(|(id, _)| *id).unwrap_or(FileId(0));
    let (model, mut diagnostics) = {
        let mut cx = ctx::Checker::new(&sources);
        let mut pending = collect::Pending::default();
        for (_, module) in &modules {
            cx.collect(&module.decls, None, &mut pending);
        }
        cx.check_headers(&pending.headers, main);
        for d in cx.typing_order() {
            cx.check_def(d);
        }
        for (id, s) in &pending.sections {
            cx.check_section(*id, s);
        }
        for (id, s) in &pending.schedules {
            cx.check_schedule(*id, s);
        }
        for (id, r) in &pending.recs {
            cx.check_rec(*id, r);
        }
        cx.order_defs();
        cx.report_unused();
        (cx.model, cx.diags)
    };
    let mut all = syntax;
    all.extend(std::mem::take(&mut diagnostics));
    sort(&mut all);
    if all.has_errors() {
        Err(Failed {
            sources,
            diagnostics: all,
        })
    } else {
        Ok(Checked {
            sources,
            model,
            warnings: all,
        })
    }
}

/// Sorts diagnostics by file and position, so they read top to bottom.
fn sort(diagnostics: &mut Diagnostics) {
    fn key(r: &Report) -> (FileId, usize) {
        let offset = r
            .inner
            .labels()
            .and_then(|mut l| l.next())
            .map(|l| l.offset())
            .unwrap_or(0);
        (r.file, offset)
    }
    diagnostics.reports.sort_by_key(key);
}
