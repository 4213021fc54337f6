//! Check stage: resolves names, checks types and units, and builds the
//! [`model::Model`] the interpreter runs.
//!
//! The passes, one file each, run in this order:
//! - `collect`: declares every name of every file in one namespace and
//!   types facts (enums get their values here);
//! - `header`, `grading`: checks the one `guideline` header and settles
//!   the grading scheme every strength is read in;
//! - `order`, `defs`: types definitions and tables in dependency order,
//!   using `expr`, `names`, `ops`, `first` and `tables` for expressions;
//! - `schedules`, `recs`, `choices`, `cites`: sections, schedules,
//!   recommendations (with a strength or kind per case) and citations; `fold` warns about constant conditions;
//! - `constraints`: conditions on the facts that every case must meet;
//! - `cycles`: reports cyclic definitions and computes `def_order`;
//! - `unused`: warns about facts and definitions nothing reads.
//!
//! Checking goes on after an error, so that one run shows as many problems
//! as possible; a subexpression with an error is typed as `None`, so its
//! parents stay quiet and each problem is reported once. Diagnostics are
//! sorted by file and position. Errors are [`CheckError`], warnings
//! [`CheckWarning`].

mod absence;
mod choices;
mod cites;
mod collect;
mod constraints;
mod ctx;
mod cycles;
mod defs;
mod domain;
pub mod error;
mod expr;
mod first;
mod fold;
mod func;
pub mod grading;
mod header;
pub mod limits;
mod list_names;
mod lists;
pub mod model;
mod names;
mod ops;
mod order;
pub mod pattern;
pub mod placeholder;
mod quantity;
mod recs;
mod schedules;
mod score;
mod table_rows;
mod tables;
mod unused;
pub mod visit;
pub mod warning;

use crate::diagnostics::{Diagnostics, Report};
use crate::source::{FileId, SourceMap};
use crate::syntax::Parsed;
use model::Model;

pub use error::CheckError;
pub use limits::{LimitError, MAX_ENUM_VALUES};
pub use warning::CheckWarning;

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
    // The checker recurses once per level of an expression (up to
    // `expr::MAX_EXPR_DEPTH`), which needs more than a default thread's
    // stack in debug builds: run it on the parser's large stack.
    let input = std::sync::Mutex::new(Some(parsed));
    let take = || {
        input
            .lock()
            .map(|mut slot| slot.take())
            .unwrap_or_else(|poisoned| poisoned.into_inner().take())
    };
    let ran = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("cairn-checker".into())
            .stack_size(crate::syntax::PARSER_STACK)
            .spawn_scoped(scope, || take().map(check_here));
        match spawned.map(|handle| handle.join()) {
            Ok(Ok(result)) => result,
            // A panic in the checker is a bug: it stays a panic.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => None,
        }
    });
    match ran {
        Some(result) => result,
        // The thread could not start: here, with this thread's stack.
        None => match take() {
            Some(parsed) => check_here(parsed),
            None => Err(Failed {
                sources: SourceMap::default(),
                diagnostics: Diagnostics::new(),
            }),
        },
    }
}

/// [`check`] on the current thread.
fn check_here(parsed: Parsed) -> Result<Checked, Failed> {
    let Parsed {
        sources,
        modules,
        diagnostics: syntax,
    } = parsed;
    let main = modules.first().map(|(id, _)| *id).unwrap_or(FileId(0));
    let (model, mut diagnostics) = {
        let mut cx = ctx::Checker::new(&sources);
        for (_, module) in &modules {
            cx.skipped.extend(module.skipped.clone());
        }
        let mut pending = collect::Pending::default();
        for (_, module) in &modules {
            cx.collect(&module.decls, None, &mut pending);
        }
        cx.check_headers(&pending.headers, main);
        cx.check_grading(&pending.headers, main, &pending.gradings);
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
        cx.check_constraints(&pending.constraints);
        cx.order_defs();
        cx.report_unused(main);
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
