//! Case stage: rejects facts that break a constraint of the guideline,
//! with a diagnostic labelling each fact the constraint reads that the
//! case gives (the check itself runs in `eval::constraints`).

use super::error::CaseError;
use super::Loader;
use crate::check::Checked;
use crate::source::SourceMap;
use crate::value::Value;
use miette::LabeledSpan;

impl Loader<'_> {
    /// Reports every constraint of the guideline that the facts break,
    /// labelling the facts it reads that the case gives.
    pub(super) fn constraints(&mut self, checked: &Checked, facts: &[Option<Value>]) {
        let broken = crate::eval::constraints::broken(self.model, facts);
        self.broken_constraints(&checked.sources, broken);
    }

    /// Reports the constraints `broken` (indices into the model's), found
    /// by a caller that compiled them once for many cases; `sources` are the
    /// guideline's, which the help quotes.
    pub(super) fn broken_constraints(&mut self, sources: &SourceMap, broken: Vec<usize>) {
        for i in broken {
            let Some(c) = self.model.constraints.get(i) else {
                continue;
            };
            let mut labels: Vec<LabeledSpan> = c
                .facts
                .iter()
                .filter_map(|f| {
                    let span = self.fact_spans.get(f.0 as usize).copied().flatten()?;
                    let name = self.model.user_name(*f)?;
                    Some(LabeledSpan::new_with_span(
                        Some(format!("`{name}` given here")),
                        span,
                    ))
                })
                .collect();
            // A list's slots are given by the one list: labelled once.
            labels.dedup_by(|a, b| a.offset() == b.offset() && a.label() == b.label());
            let condition = sources.slice(c.condition.span);
            self.push(CaseError::BrokenConstraint {
                name: c.name.clone(),
                description: c.description.clone(),
                help: format!(
                    "the guideline requires `{condition}`; correct one of these facts, or leave it out if it is not known"
                ),
                facts: labels,
            });
        }
    }
}
