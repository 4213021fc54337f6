//! Eval stage, outcome: detaching an outcome from the program whose
//! strings it borrows ([`Outcome::into_owned`]), for callers that keep
//! outcomes longer than the program (the test runner, [`Program::evaluate`]'s
//! users that build a program per call).
//!
//! [`Program::evaluate`]: crate::eval::Program::evaluate

use super::{AbsentFact, GuidelineRef, Outcome, RecOutcome, ScheduleOutcome, Visit};
use std::borrow::Cow;

/// A borrowed text or list as an owned one.
fn own<T: ?Sized + ToOwned>(c: Cow<'_, T>) -> Cow<'static, T> {
    Cow::Owned(c.into_owned())
}

impl Outcome<'_> {
    /// The same outcome, owning every string (one allocation per borrowed
    /// text: the cost the borrowed outcome saves).
    pub fn into_owned(self) -> Outcome<'static> {
        Outcome {
            guideline: GuidelineRef {
                id: own(self.guideline.id),
                version: own(self.guideline.version),
            },
            derived: self.derived.into_owned(),
            ranges: self.ranges.into_owned(),
            absent: self
                .absent
                .into_iter()
                .map(|a| AbsentFact {
                    fact: own(a.fact),
                    value: a.value,
                })
                .collect(),
            recommendations: self
                .recommendations
                .into_iter()
                .map(RecOutcome::into_owned)
                .collect(),
            schedules: self
                .schedules
                .into_iter()
                .map(|s| ScheduleOutcome {
                    name: own(s.name),
                    recommendation: own(s.recommendation),
                    title: own(s.title),
                    phases: own(s.phases),
                    visits: s
                        .visits
                        .into_iter()
                        .map(|v| Visit {
                            studies: v.studies.into_iter().map(own).collect(),
                            ..v
                        })
                        .collect(),
                    ..s
                })
                .collect(),
            trace: self.trace,
            diagnostics: self.diagnostics,
        }
    }
}

impl RecOutcome<'_> {
    /// The same recommendation's outcome, owning every string.
    pub fn into_owned(self) -> RecOutcome<'static> {
        RecOutcome {
            id: own(self.id),
            kind: own(self.kind),
            status: self.status,
            strength: self.strength,
            grading_missing: self.grading_missing,
            statement: own(self.statement),
            section: self.section.map(own),
            section_path: own(self.section_path),
            missing: self.missing,
            approximate: self.approximate,
            regardless_of: self.regardless_of,
            leads_to: self.leads_to,
            alternatives: own(self.alternatives),
            rationale: own(self.rationale),
            notes: own(self.notes),
            details: own(self.details),
            citations: own(self.citations),
            see: own(self.see),
            diagnostics: self.diagnostics,
            reason: self.reason,
        }
    }
}
