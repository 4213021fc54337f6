//! Check stage: follow-up schedules and section conditions.
//!
//! A schedule starts from a date fact; its amounts are time units kept as
//! written (so months and years lay out on the calendar), with the lower
//! bound first. Study conditions are bool conditions like any `when`.

use super::ctx::{Checker, Symbol};
use super::error::CheckError;
use super::model::*;
use crate::syntax::ast::{self, PhaseLength};
use crate::units::Dimension;

impl<'a> Checker<'a> {
    /// Checks a schedule and fills in its slot.
    pub(crate) fn check_schedule(&mut self, id: ScheduleId, s: &ast::Schedule) {
        let from = match self.names.get(&s.from.name).copied() {
            Some((Symbol::Fact(f), _)) => {
                self.use_fact(f);
                let ty = self.model.facts.get(f.0 as usize).map(|f| f.ty);
                let ok = self.fact_ok.get(f.0 as usize).copied().unwrap_or(false);
                if ok && ty != Some(Type::Date) {
                    let found = format!(
                        "a fact of type {}",
                        ty.map(|t| self.type_name(t)).unwrap_or_default()
                    );
                    self.schedule_start(s, found);
                }
                Some(f)
            }
            Some((sym, _)) => {
                if let Symbol::Def(d) = sym {
                    self.use_def(d, s.from.span);
                }
                self.schedule_start(s, format!("a {}", sym.kind()));
                None
            }
            None => {
                self.not_a(&s.from, None, "fact", "a date fact", |s| {
                    matches!(s, Symbol::Fact(_))
                });
                None
            }
        };
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
            if let Some(f) = from {
                info.from = f;
            }
            info.phases = phases;
            info.studies = studies;
        }
    }

    fn schedule_start(&mut self, s: &ast::Schedule, found: String) {
        self.report(
            s.from.span,
            CheckError::ScheduleStart {
                schedule: s.name.name.clone(),
                name: s.from.name.clone(),
                found,
                span: s.from.span.miette(),
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
