//! Check stage: warns about facts and definitions that nothing reads.
//!
//! A fact or definition counts as used when any expression, table key,
//! schedule or statement placeholder reads it, even from a definition that
//! is itself unused: each warning then points at one declaration to remove.
//! Facts of included files are exempt: a shared vocabulary declares more
//! facts than any one guideline reads. A name that a declaration which
//! failed to parse mentions is exempt too: that declaration may read it.

use super::ctx::Checker;
use super::model::DefBody;
use super::warning::CheckWarning;
use crate::source::FileId;

impl<'a> Checker<'a> {
    /// Reports every unread fact and definition, in declaration order.
    pub(crate) fn report_unused(&mut self, main: FileId) {
        let mut found = Vec::new();
        for (info, used) in self.model.facts.iter().zip(&self.fact_used) {
            if !used && info.span.file == main {
                found.push(("fact", info.name.clone(), info.span));
            }
        }
        for (info, used) in self.model.defs.iter().zip(&self.def_used) {
            if !used {
                let what = match info.body {
                    DefBody::Table(_) => "table",
                    DefBody::Expr(_) => "definition",
                };
                found.push((what, info.name.clone(), info.span));
            }
        }
        for (what, name, span) in found {
            // A declaration that failed to parse may be the reader.
            if self.skipped.words.contains(&name) {
                continue;
            }
            self.report(
                span,
                CheckWarning::Unused {
                    what,
                    name,
                    span: span.miette(),
                },
            );
        }
    }
}
