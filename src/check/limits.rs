//! Check stage: the limits of values a guideline can declare (see the
//! README, "Limits and safety"): enum sizes, integer literals and schedule
//! intervals. Each limit is a located error with a stable code, so a value
//! never wraps, rounds or lays out nothing in silence.

use super::ctx::Checker;
use crate::source::Span;
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// The most values one enum may declare. Indices are `u32`, so the limit
/// is a choice, not the representation's: an ICD-10-sized code list (about
/// 70,000 codes) fits many times over, and a larger list is a data set to
/// keep outside the guideline.
pub const MAX_ENUM_VALUES: usize = 1_000_000;

/// The shortest interval between two visits of a schedule, in days.
pub const MIN_INTERVAL_DAYS: f64 = 1.0;

/// A guideline that passes a limit.
#[derive(Debug, Error, Diagnostic)]
pub enum LimitError {
    /// An enum with more values than [`MAX_ENUM_VALUES`].
    #[error("enum `{owner}` declares {count} values, more than the limit of {limit}")]
    #[diagnostic(
        code(cairn::check::enum_too_large),
        help("keep code lists of this size outside the guideline, or split the enum by chapter")
    )]
    EnumTooLarge {
        /// The fact or definition that owns the enum.
        owner: String,
        /// How many values it declares.
        count: usize,
        /// The limit.
        limit: usize,
        /// The first value past the limit.
        #[label("value {} of {count}", limit + 1)]
        span: SourceSpan,
    },

    /// An integer literal that does not fit a 64-bit integer.
    #[error("integer `{text}` is out of range")]
    #[diagnostic(
        code(cairn::check::integer_range),
        help("integers are 64-bit: from -9223372036854775807 to 9223372036854775807")
    )]
    IntegerRange {
        /// The literal as written.
        text: String,
        /// The literal.
        #[label("does not fit a 64-bit integer")]
        span: SourceSpan,
    },

    /// A quantity literal beyond the largest magnitude in canonical units.
    #[error("quantity `{text}` is out of range")]
    #[diagnostic(
        code(cairn::check::quantity_range),
        help("numbers and quantities are limited to 1e250 in magnitude, in any unit")
    )]
    QuantityRange {
        /// The literal as written.
        text: String,
        /// The literal.
        #[label("too large")]
        span: SourceSpan,
    },

    /// A schedule interval shorter than a day.
    #[error("interval `{text}` is shorter than a day")]
    #[diagnostic(
        code(cairn::check::schedule_interval),
        help("visits are laid out on dates; write an interval of at least `1 day`")
    )]
    ScheduleInterval {
        /// The interval as written.
        text: String,
        /// The interval.
        #[label("visits would not move forward")]
        span: SourceSpan,
    },
}

impl<'a> Checker<'a> {
    /// The exact value of an integer literal, read from its digits as
    /// written (the syntax tree holds a float, which is exact only up to
    /// 2^53); a located error when it does not fit an `i64`.
    pub(crate) fn int_literal(&mut self, value: f64, span: Span) -> Option<i64> {
        let text = self.sources.slice(span).trim();
        match text.parse::<i64>() {
            Ok(i) => Some(i),
            // A literal spliced in from elsewhere than its span (none today):
            // the float is exact in this range.
            Err(_) if text.is_empty() && value.abs() <= 9_007_199_254_740_992.0 => {
                Some(value as i64)
            }
            Err(_) => {
                self.report(
                    span,
                    LimitError::IntegerRange {
                        text: text.to_string(),
                        span: span.miette(),
                    },
                );
                None
            }
        }
    }

    /// A quantity literal's value in canonical units; a located error when
    /// it is out of range (see [`crate::units::MAX_MAGNITUDE`]).
    pub(crate) fn quantity_literal(
        &mut self,
        value: f64,
        unit: crate::units::Unit,
        span: Span,
    ) -> Option<f64> {
        let canonical = crate::units::to_canonical(value, unit);
        if canonical.is_none() {
            let text = self.sources.slice(span).to_string();
            self.report(
                span,
                LimitError::QuantityRange {
                    text,
                    span: span.miette(),
                },
            );
        }
        canonical
    }

    /// Reports an enum of more than [`MAX_ENUM_VALUES`] values (`count`)
    /// at `over`, the first value past the limit.
    pub(crate) fn enum_too_large(&mut self, owner: &str, count: usize, over: Span) {
        self.report(
            over,
            LimitError::EnumTooLarge {
                owner: owner.to_string(),
                count,
                limit: MAX_ENUM_VALUES,
                span: over.miette(),
            },
        );
    }

    /// Reports a visit interval shorter than [`MIN_INTERVAL_DAYS`]; true
    /// when it is at least a day.
    pub(crate) fn interval_ok(&mut self, low_days: f64, span: Span) -> bool {
        if low_days >= MIN_INTERVAL_DAYS {
            return true;
        }
        let text = self.sources.slice(span).to_string();
        self.report(
            span,
            LimitError::ScheduleInterval {
                text,
                span: span.miette(),
            },
        );
        false
    }
}
