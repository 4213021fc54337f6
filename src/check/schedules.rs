//! Check stage: follow-up schedules and section conditions.
//!
//! A schedule starts from a date fact or a date definition (so from any
//! date expression, named), and may end a phase at a date, a date read from
//! the case, or a time after one (an age); `as of` names the date its next
//! due visit is reckoned from. Its amounts are time units kept as written
//! (so months and years lay out on the calendar), with the lower bound first. Study conditions are bool conditions like any `when`.

use super::ctx::{Checker, Symbol};
use super::error::CheckError;
use super::model::*;
use crate::syntax::ast::{self, PhaseLength};
use crate::units::Dimension;

impl<'a> Checker<'a> {
    /// Checks a schedule and fills in its slot.
    pub(crate) fn check_schedule(&mut self, id: ScheduleId, s: &ast::Schedule) {
        let from = self.date_ref(s, &s.from);
        let as_of = s.as_of.as_ref().and_then(|a| self.date_ref(s, a));
        let mut phases = Vec::with_capacity(s.phases.len());
        for p in &s.phases {
            let every = self
                .time_range(&p.every)
                .filter(|e| self.interval_ok(e.low * e.unit.factor, p.every.span));
            let length = match &p.length {
                PhaseLength::For(r) => self.time_range(r).map(PhaseLengthInfo::For),
                PhaseLength::Until { total, at_least } => {
                    self.time_range(total).map(|total| PhaseLengthInfo::Until {
                        total,
                        at_least: *at_least,
                    })
                }
                PhaseLength::UntilDate {
                    date,
                    after,
                    at_least,
                } => self.until_date(s, date, after.as_ref(), *at_least),
            };
            if let (Some(every), Some(length)) = (every, length) {
                phases.push(PhaseInfo { every, length });
            }
        }
        let mut studies = Vec::with_capacity(s.studies.len());
        for st in &s.studies {
            let condition = st.when.as_ref().and_then(|w| self.condition(w));
            studies.push(StudyInfo {
                names: st.names.iter().map(|n| n.value.clone()).collect(),
                alternating: st.alternating,
                condition,
            });
        }
        if let Some(info) = self.model.schedules.get_mut(id.0 as usize) {
            info.from = from;
            info.as_of = as_of;
            info.phases = phases;
            info.studies = studies;
        }
    }

    /// Resolves a date a schedule reads (after `from`, `as of` or
    /// `until ... after`): a date fact or a definition of type date.
    fn date_ref(&mut self, s: &ast::Schedule, name: &ast::Ident) -> Option<DateRef> {
        match self.names.get(&name.name).copied() {
            Some((Symbol::Fact(f), _)) => {
                self.use_fact(f);
                let ty = self.model.facts.get(f.0 as usize).map(|f| f.ty);
                let ok = self.fact_ok.get(f.0 as usize).copied().unwrap_or(false);
                if ok && ty != Some(Type::Date) {
                    let found = format!(
                        "a fact of type {}",
                        ty.map(|t| self.type_name(t)).unwrap_or_default()
                    );
                    self.schedule_start(s, name, found);
                    return None;
                }
                Some(DateRef::Fact(f))
            }
            Some((Symbol::Def(d), _)) => {
                self.use_def(d, name.span);
                let ty = self.model.defs.get(d.0 as usize).map(|d| d.ty);
                if ty != Some(Type::Date) {
                    let found = format!(
                        "a definition of type {}",
                        ty.map(|t| self.type_name(t)).unwrap_or_default()
                    );
                    self.schedule_start(s, name, found);
                    return None;
                }
                Some(DateRef::Def(d))
            }
            Some((sym, _)) => {
                self.schedule_start(s, name, format!("a {}", sym.kind()));
                None
            }
            None => {
                self.not_a(name, None, "fact", "a date fact or definition", |s| {
                    matches!(s, Symbol::Fact(_) | Symbol::Def(_))
                });
                None
            }
        }
    }

    /// Checks `until DATE`, `until NAME` or `until AMOUNT after NAME`.
    fn until_date(
        &mut self,
        s: &ast::Schedule,
        date: &ast::UntilAnchor,
        after: Option<&ast::AmountRange>,
        at_least: bool,
    ) -> Option<PhaseLengthInfo> {
        let date = match date {
            ast::UntilAnchor::Date(d) => DateAnchor::Literal(self.date(d)?),
            ast::UntilAnchor::Name(n) => DateAnchor::Read(self.date_ref(s, n)?),
        };
        let after = match after {
            Some(a) => Some(self.time_range(a)?),
            None => None,
        };
        Some(PhaseLengthInfo::UntilDate {
            date,
            after,
            at_least,
        })
    }

    fn schedule_start(&mut self, s: &ast::Schedule, name: &ast::Ident, found: String) {
        self.report(
            name.span,
            CheckError::ScheduleStart {
                schedule: s.name.name.clone(),
                name: name.name.clone(),
                found,
                span: name.span.miette(),
            },
        );
    }

    /// Checks an amount range of a schedule: a time unit, lower bound first.
    fn time_range(&mut self, r: &ast::AmountRange) -> Option<TimeRange> {
        let unit = self.unit(&r.unit)?;
        if unit.dimension != Dimension::Time {
            self.wrong_unit(&r.unit, unit, Dimension::Time);
            return None;
        }
        if r.low > r.high {
            self.report(
                r.span,
                CheckError::BadRange {
                    low: crate::units::format_number(r.low),
                    high: crate::units::format_number(r.high),
                    span: r.span.miette(),
                },
            );
            return None;
        }
        Some(TimeRange {
            low: r.low,
            high: r.high,
            unit,
        })
    }

    /// Types a section's condition.
    pub(crate) fn check_section(&mut self, id: SectionId, s: &ast::Section) {
        let condition = s.when.as_ref().and_then(|w| self.condition(w));
        if let Some(info) = self.model.sections.get_mut(id.0 as usize) {
            info.condition = condition;
        }
    }
}
