//! Check stage: citations.
//!
//! Citations expand ranges (`21-23` is 21, 22, 23) and every number must be
//! in the `references` block.

use super::ctx::Checker;
use super::error::CheckError;
use crate::syntax::ast;

/// The longest citation range expanded; longer ones are almost certainly typos.
const MAX_RANGE: u32 = 1000;

impl<'a> Checker<'a> {
    /// Expands and checks citation items; returns the numbers in order.
    pub(crate) fn cites(&mut self, items: &[ast::Cite]) -> Vec<u32> {
        let mut out = Vec::new();
        for item in items {
            if item.from > item.to {
                self.report(
                    item.span,
                    CheckError::CiteRange {
                        from: item.from,
                        to: item.to,
                        span: item.span.miette(),
                    },
                );
                continue;
            }
            let to = item.to.min(item.from.saturating_add(MAX_RANGE));
            let mut missing = Vec::new();
            for n in item.from..=to {
                if !self.model.references.contains_key(&n) {
                    missing.push(format!("[{n}]"));
                }
                out.push(n);
            }
            if !missing.is_empty() {
                let what = if missing.len() == 1 {
                    "reference"
                } else {
                    "references"
                };
                let verb = if missing.len() == 1 { "is" } else { "are" };
                // A typo such as `2-2000` should not print two thousand numbers.
                let mut tail = String::new();
                if missing.len() > 8 {
                    tail = format!(" and {} more", missing.len() - 6);
                    missing.truncate(6);
                }
                self.report(
                    item.span,
                    CheckError::UnknownReference {
                        what,
                        numbers: format!("{}{tail} {verb}", missing.join(", ")),
                        span: item.span.miette(),
                    },
                );
            }
        }
        out
    }
}
