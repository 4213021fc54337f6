//! Check stage: a recommendation's strength and kind chosen per case
//! (`strength 2C when c otherwise none`, `kind option when c otherwise
//! suggest`).
//!
//! Every branch condition is a bool like a `when`. The kinds of a `kind`
//! field keep the declared kind's direction (for, against, refer, inform),
//! so conflict analysis, which reads the declared kind, stays right for
//! every case; and the declared kind must be one of them, so the keyword
//! before the id is what some case gets.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::Choice;
use crate::source::Span;
use crate::strength::Strength;
use crate::syntax::ast::{self, RecKind, StrengthValue};

/// The direction of a kind: kinds in one class may replace each other.
fn direction(kind: RecKind) -> u8 {
    match kind {
        RecKind::Recommend | RecKind::Suggest | RecKind::Option | RecKind::Consider => 0,
        RecKind::DoNotOffer | RecKind::Discourage => 1,
        RecKind::Refer => 2,
        RecKind::Inform => 3,
    }
}

impl Checker<'_> {
    /// Checks a `strength` field of a recommendation of kind `kind`: a
    /// fixed strength, or a choice of strengths, in the guideline's scheme.
    /// Returns the fixed strength and, when it depends on the case, the choice.
    pub(crate) fn strength_choice(
        &mut self,
        c: &ast::Choice<StrengthValue>,
        kind: RecKind,
    ) -> (Option<Strength>, Option<Choice<Option<Strength>>>) {
        let otherwise = self.strength(&c.otherwise, kind);
        if c.branches.is_empty() {
            return (otherwise, None);
        }
        let mut branches = Vec::with_capacity(c.branches.len());
        let mut ok = true;
        for (cond, value) in &c.branches {
            let grade = self.strength(value, kind);
            match self.condition(cond) {
                Some(t) => branches.push((t, grade)),
                None => ok = false,
            }
        }
        let choice = ok.then_some(Choice {
            branches,
            otherwise,
        });
        (None, choice)
    }

    /// Checks a `kind` field against the declared kind (`head` is its span).
    pub(crate) fn kind_choice(
        &mut self,
        declared: RecKind,
        head: Span,
        c: &ast::Choice<(RecKind, Span)>,
    ) -> Option<Choice<RecKind>> {
        let field = c.otherwise.1;
        if c.branches.is_empty() {
            self.report(
                field,
                CheckError::KindChoice {
                    problem: "a `kind` field needs a `when` branch".to_string(),
                    declared: declared.keyword(),
                    span: field.miette(),
                },
            );
            return None;
        }
        let mut ok = true;
        let values = c.branches.iter().map(|(_, v)| v).chain([&c.otherwise]);
        for (kind, span) in values {
            if direction(*kind) != direction(declared) {
                ok = false;
                self.report(
                    *span,
                    CheckError::KindDirection {
                        kind: kind.keyword(),
                        declared: declared.keyword(),
                        span: span.miette(),
                        head: head.miette(),
                    },
                );
            }
        }
        let mut branches = Vec::with_capacity(c.branches.len());
        for (cond, (kind, _)) in &c.branches {
            match self.condition(cond) {
                Some(t) => branches.push((t, *kind)),
                None => ok = false,
            }
        }
        let choice = Choice {
            branches,
            otherwise: c.otherwise.0,
        };
        if ok && !choice.values().any(|k| *k == declared) {
            ok = false;
            self.report(
                field,
                CheckError::KindChoice {
                    problem: format!(
                        "the declared kind `{}` is not one of the kinds this field gives",
                        declared.keyword()
                    ),
                    declared: declared.keyword(),
                    span: field.miette(),
                },
            );
        }
        ok.then_some(choice)
    }
}
