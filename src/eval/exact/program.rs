//! Eval stage, exact pass: its entry points on [`Program`]. Every status
//! path (`statuses`, `statuses_batch`, `evaluate_into`, `evaluate`) calls
//! [`Program::exact_statuses`] after the Kleene pass; missing facts, the
//! outcome's new fields and the trace read [`Program::detail`].

use super::cone::{ordered, reads, Cone};
use super::diagram::{self, NoStatus};
use super::space::NONE;
use super::{leads_to, memo, Detail, FactSpace, Work};
use crate::case::Case;
use crate::check::model::{DefId, FactId, RecId, Type};
use crate::eval::compile::Pc;
use crate::eval::fast_run::View;
use crate::eval::outcome::{LeadsTo, Shared, Status};
use crate::eval::probe::ProbeId;
use crate::eval::run::Slots;
use crate::eval::why::{self, Bits};
use crate::eval::{BatchScratch, Program, Scratch};
use crate::value::Value;

/// What the exact pass says about one recommendation, for an outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ExactInfo {
    /// The status is the Kleene approximation.
    pub approximate: bool,
    /// Unknown facts read whose values do not change the status.
    pub regardless_of: Shared<String>,
    /// For an undetermined status: the facts that can change it.
    pub missing: Shared<String>,
    /// For an undetermined status: what each missing fact's values lead to.
    pub leads_to: Shared<LeadsTo>,
}

/// How the completion walk's space compares with its bound.
enum Space {
    Within,
    Over,
    Unsure,
}

impl Scratch {
    /// The cost of the exact pass since these buffers were made: how many
    /// recommendations the Kleene pass left undetermined for it, and how
    /// many completions it ran (settling statuses and explaining them).
    pub fn exact_cost(&self) -> (u64, u64) {
        (self.exact.reached, self.exact.tried)
    }

    /// How many of the recommendations that reached the exact pass (see
    /// [`Scratch::exact_cost`]) a decision diagram settled, without
    /// running completions.
    pub fn exact_charted(&self) -> u64 {
        self.exact.charted
    }
}

impl Program {
    /// Settles every recommendation the Kleene pass left undetermined (see
    /// `exact`), by its decision diagram where it has one (`diagrams`: the
    /// completion walk alone decides otherwise, as the reference for
    /// tests). Costs one scan of the statuses when there is none.
    pub(crate) fn exact_statuses(&self, scratch: &mut Scratch, diagrams: bool) {
        if !scratch.approx.is_empty() || !scratch.resolved.is_empty() {
            scratch.approx.clear();
            scratch.resolved.clear();
        }
        if !scratch.statuses.contains(&Status::Undetermined) {
            return;
        }
        let Scratch {
            vals,
            bytes,
            stale,
            statuses,
            exact,
            resolved,
            approx,
            ..
        } = scratch;
        let mut marks = (resolved, approx);
        // The fact slots hold the case's facts (see `Program::load`).
        let facts = vals.get(..self.code.facts).unwrap_or(&[]);
        match (&self.code.fast, *stale) {
            (Some(fast), true) => {
                let view = View::new(fast, bytes, vals);
                self.settle(&view, facts, statuses, exact, &mut marks, diagrams);
            }
            _ => self.settle(
                vals.as_slice(),
                facts,
                statuses,
                exact,
                &mut marks,
                diagrams,
            ),
        }
    }

    /// Settles the cases of one batch whose statuses, from `base` on in
    /// `scratch`, include an undetermined one: by the decision diagrams
    /// from the case's facts where they can, else on the one-case path.
    pub(crate) fn exact_batch(&self, chunk: &[Case], base: usize, scratch: &mut BatchScratch) {
        let n = self.model.recs.len();
        let (out, one) = scratch.parts();
        let diagrams = &self.plan.diagrams;
        for (i, case) in chunk.iter().enumerate() {
            let Some(row) = out.get_mut(base + i * n..base + (i + 1) * n) else {
                continue;
            };
            if !row.contains(&Status::Undetermined) {
                continue;
            }
            let mut last: Option<(u32, Status)> = None;
            let mut whole = true;
            one.exact.seen.next_case(diagrams);
            for (r, status) in row.iter_mut().enumerate() {
                if *status != Status::Undetermined {
                    continue;
                }
                let root = self.code.rec_root.get(r).copied();
                // The lanes keep no values to tell a failed operation by,
                // so a cone that has one goes the one-case way.
                let fallible = self.plan.recs.get(r).is_none_or(|c| !c.fallible.is_empty());
                let found = match (last, root) {
                    (Some((p, s)), Some(q)) if p == q => Some(s),
                    _ if fallible => None,
                    _ => diagrams.status_of_facts(r, &case.facts, &mut one.exact.seen),
                };
                let Some(s) = found else {
                    whole = false;
                    break;
                };
                one.exact.reached += 1;
                one.exact.charted += 1;
                *status = s;
                if let Some(q) = root {
                    last = Some((q, s));
                }
            }
            if !whole {
                row.copy_from_slice(self.statuses(case, one));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn settle<S: Slots + ?Sized>(
        &self,
        kleene: &S,
        facts: &[Option<Value>],
        statuses: &mut [Status],
        work: &mut Work,
        (resolved, approx): &mut (&mut Bits, &mut Bits),
        diagrams: bool,
    ) {
        // Recommendations sharing a status slot share its cone, so the
        // first one's answer in this case stands for the others.
        let mut last: Option<(u32, Option<Status>)> = None;
        work.seen.next_case(&self.plan.diagrams);
        for (r, status) in statuses.iter_mut().enumerate() {
            if *status != Status::Undetermined {
                continue;
            }
            let root = self.code.rec_root.get(r).copied();
            let found = match (last, root) {
                (Some((p, s)), Some(q)) if p == q => {
                    work.reached += 1;
                    s
                }
                _ => self.settle_one(kleene, facts, work, r, diagrams),
            };
            if let Some(q) = root {
                last = Some((q, found));
            }
            match found {
                Some(Status::Undetermined) => {}
                Some(s) => {
                    *status = s;
                    resolved.insert(r);
                }
                None => approx.insert(r),
            }
        }
    }

    /// The exact status of `r` (`None`: the Kleene approximation), by its
    /// diagram when it has one and `diagrams`, else by the completion walk.
    fn settle_one<S: Slots + ?Sized>(
        &self,
        kleene: &S,
        facts: &[Option<Value>],
        work: &mut Work,
        r: usize,
        diagrams: bool,
    ) -> Option<Status> {
        if !diagrams || self.failed_in_cone(kleene, r) {
            return self.decide(kleene, work, r);
        }
        let known = |pc| match kleene.slot(pc) {
            Some(Value::Bool(b)) => Some(b),
            _ => None,
        };
        let d = &self.plan.diagrams;
        let mut found = d.status(r, facts, known, &mut work.seen, true);
        if found == Err(NoStatus::Bound) {
            match self.walk_space(kleene, work, r) {
                Space::Within => found = d.status(r, facts, known, &mut work.seen, false),
                // The walk would flag it approximate without trying any.
                Space::Over => {
                    work.reached += 1;
                    return None;
                }
                Space::Unsure => {}
            }
        }
        match found {
            Ok(s) => {
                work.reached += 1;
                work.charted += 1;
                Some(s)
            }
            Err(_) => self.decide(kleene, work, r),
        }
    }

    /// True when an operation of `r`'s cone failed in this case (known
    /// operands, unknown value: an overflow, a division by zero, a date out
    /// of range); see [`super::cone::Cone::fallible`].
    fn failed_in_cone<S: Slots + ?Sized>(&self, kleene: &S, r: usize) -> bool {
        self.plan.recs.get(r).is_some_and(|cone| {
            cone.fallible.iter().any(|&pc| {
                kleene.slot(pc).is_none()
                    && self.code.children(pc).all(|c| kleene.slot(c).is_some())
            })
        })
    }

    /// Whether the completion walk's space for `r` in this case is within
    /// [`super::LIMIT`]. Its facts are its live facts (the unknown facts
    /// read through undecided slots), each with at most as many regions
    /// as in `r`'s own split and at least as many as a truth value's or
    /// enum's values.
    fn walk_space<S: Slots + ?Sized>(&self, kleene: &S, work: &mut Work, r: usize) -> Space {
        let Some(&root) = self.code.rec_root.get(r) else {
            return Space::Unsure;
        };
        work.fit(self.code.ops.len());
        work.walk(&self.plan.adj, &[root], Some(kleene));
        let (mut most, mut least) = (1u64, 1u64);
        for &(f, n, every) in self.plan.diagrams.rec_facts(r) {
            if work.live.contains(f as usize) {
                most = most.saturating_mul(u64::from(n));
                if every {
                    least = least.saturating_mul(u64::from(n));
                }
            }
        }
        if most <= super::LIMIT {
            Space::Within
        } else if least > super::LIMIT {
            Space::Over
        } else {
            Space::Unsure
        }
    }

    /// Prepares the completions of recommendation `r` over Kleene values;
    /// false when the split is incomplete or too large.
    fn prepare_rec<S: Slots + ?Sized>(&self, kleene: &S, work: &mut Work, r: usize) -> bool {
        let (Some(cone), Some(&root)) = (self.plan.recs.get(r), self.code.rec_root.get(r)) else {
            return false;
        };
        work.fit(self.code.ops.len());
        work.load(cone, kleene);
        work.prepare(&self.code, cone, &[root], &self.plan, false) && work.within_limit()
    }

    /// The status every completion of `r` agrees on (undetermined when they
    /// differ), or `None` for the Kleene approximation.
    fn decide<S: Slots + ?Sized>(&self, kleene: &S, work: &mut Work, r: usize) -> Option<Status> {
        work.reached += 1;
        let (cone, &root) = (self.plan.recs.get(r)?, self.code.rec_root.get(r)?);
        work.fit(self.code.ops.len());
        if !(work.prepare_from(&self.code, cone, &[root], &self.plan, kleene)
            && work.within_limit())
        {
            return None;
        }
        Some(
            work.agreed(&self.code, root)
                .unwrap_or(Status::Undetermined),
        )
    }

    /// The exact pass's findings for a recommendation the Kleene pass left
    /// undetermined (`None` for the others), after [`Program::exact_statuses`]
    /// with the slots synced. Fills `scratch.exact` (its varying facts,
    /// and for [`Detail::Differs`] the grid and the facts that matter).
    pub(crate) fn detail(&self, scratch: &mut Scratch, rec: RecId) -> Option<Detail> {
        let r = rec.0 as usize;
        if scratch.approx.contains(r) {
            return Some(Detail::Approximate);
        }
        let status = *scratch.statuses.get(r)?;
        let resolved = scratch.resolved.contains(r);
        if status != Status::Undetermined && !resolved {
            return None;
        }
        let Scratch { vals, exact, .. } = scratch;
        if !self.prepare_rec(vals.as_slice(), exact, r) {
            return Some(Detail::Approximate);
        }
        if resolved {
            return Some(Detail::Decided(status));
        }
        let root = *self.code.rec_root.get(r)?;
        // A cone with an operation that can fail runs its completions: a
        // failure depends on the value, not only on its region.
        let sound = self.plan.recs.get(r).is_some_and(|c| c.fallible.is_empty());
        if sound && !exact.walk_only {
            let facts = vals.get(..self.code.facts).unwrap_or(&[]);
            let known = |pc: Pc| match vals.get(pc as usize).copied().flatten() {
                Some(Value::Bool(b)) => Some(b),
                _ => None,
            };
            if exact.grid_by_diagram(&self.plan.diagrams, r, facts, known) {
                exact.gridded += 1;
                return Some(exact.finish());
            }
        }
        Some(exact.full(&self.code, root))
    }

    /// For a recommendation the exact pass settled: appends the known
    /// fact and definition reads `(reader, slot)` of its undecided part,
    /// the values that decide it whatever its unknown facts are.
    pub(crate) fn exact_reads(&self, scratch: &mut Scratch, rec: RecId, out: &mut Vec<(u32, u32)>) {
        if !scratch.resolved.contains(rec.0 as usize) {
            return;
        }
        if !matches!(self.detail(scratch, rec), Some(Detail::Decided(_))) {
            return;
        }
        let Scratch { exact, vals, .. } = scratch;
        for &pc in &exact.run {
            reads(&self.code, pc, |c| {
                if exact.live.contains(c as usize) || out.contains(&(pc, c)) {
                    return;
                }
                if self.code.is_read(c) {
                    out.push((pc, c));
                } else {
                    // A decided operation: the reads that decided it.
                    why::decisive(&self.code, vals.as_slice(), c, out);
                }
            });
        }
    }

    /// Writes the missing facts of an undetermined recommendation into
    /// `scratch.missing` (slots synced): the facts whose values can change
    /// its status, or the Kleene missing facts when it is approximate.
    pub(crate) fn exact_missing(&self, scratch: &mut Scratch, rec: RecId) {
        match self.detail(scratch, rec) {
            Some(Detail::Differs) => {
                let work = &scratch.exact;
                for (f, &m) in work.facts.iter().zip(&work.matters) {
                    if m {
                        scratch.missing.insert(*f as usize);
                    }
                }
            }
            Some(Detail::Decided(_)) => {}
            Some(Detail::Approximate) | None => {
                if let Some(&root) = self.code.rec_root.get(rec.0 as usize) {
                    why::missing(
                        &self.code,
                        &scratch.vals,
                        root,
                        &mut scratch.missing,
                        &mut scratch.visited,
                    );
                }
            }
        }
    }

    /// What the exact pass says about a recommendation, for an outcome:
    /// remembered in the scratch's memo for the values of the facts its
    /// cone reads (see `memo`), computed by [`Program::explain_exact`] the
    /// first time.
    pub(crate) fn exact_info(&self, scratch: &mut Scratch, rec: RecId) -> ExactInfo {
        let r = rec.0 as usize;
        // What `detail` answers `None` for: a status Kleene logic decided.
        let explored = scratch.approx.contains(r)
            || scratch.resolved.contains(r)
            || scratch.statuses.get(r) == Some(&Status::Undetermined);
        let root = self.code.rec_root.get(r).copied();
        let (Some(root), true) = (root, explored && self.plan.recs.get(r).is_some()) else {
            return ExactInfo::default();
        };
        self.sync(scratch);
        let item = memo::Item::Rec(rec.0);
        let status = scratch.statuses.get(r).map_or(3, |&s| diagram::code(s));
        let marks = u64::from(status)
            | u64::from(scratch.resolved.contains(r)) << 2
            | u64::from(scratch.approx.contains(r)) << 3;
        scratch.memo.key_live(
            self.plan.id,
            item,
            (&self.plan.adj, root),
            &scratch.vals,
            marks,
        );
        if let Some(info) = scratch.memo.rec() {
            return info.clone();
        }
        let info = self.explain_exact(scratch, rec);
        // The walk used the scratch's buffers, not the memo's key.
        scratch.memo.put_rec(info.clone());
        info
    }

    /// What the exact pass says about a recommendation, by the completion
    /// walk (the implementation of record behind [`Program::exact_info`]).
    pub(crate) fn explain_exact(&self, scratch: &mut Scratch, rec: RecId) -> ExactInfo {
        // A list's slots are shown as the list, once.
        let names = |facts: &mut dyn Iterator<Item = u32>| -> Vec<String> {
            self.model.user_names(facts.map(FactId))
        };
        let mut info = ExactInfo::default();
        let detail = self.detail(scratch, rec);
        let work = &scratch.exact;
        match detail {
            None => {}
            Some(Detail::Approximate) => info.approximate = true,
            Some(Detail::Decided(_)) => {
                info.regardless_of = names(&mut work.facts.iter().copied()).into();
            }
            Some(Detail::Differs) => {
                let pick = |want: bool| {
                    names(
                        &mut work
                            .facts
                            .iter()
                            .zip(&work.matters)
                            .filter(|(_, &m)| m == want)
                            .map(|(f, _)| *f),
                    )
                };
                info.missing = pick(true).into();
                info.regardless_of = pick(false).into();
                info.leads_to = leads_to(&self.model, work).into();
            }
        }
        if info.approximate {
            scratch.missing.clear();
            scratch.visited.clear();
            self.exact_missing(scratch, rec);
            info.missing = names(&mut scratch.missing.iter().map(|f| f as u32)).into();
        }
        info
    }

    /// The value of a definition after [`Program::evaluate_into`], settled
    /// by the exact pass when the Kleene pass left it unknown: the value
    /// every completion of its missing facts gives, if they all agree.
    pub fn def_value_exact(&self, scratch: &mut Scratch, def: DefId) -> Option<Value> {
        if let Some(v) = self.def_value(scratch, def) {
            return Some(v);
        }
        let d = def.0 as usize;
        let (cone, &root) = (self.plan.defs.get(d)?, self.code.def_root.get(d)?);
        let item = memo::Item::Def(def.0);
        // The key reads fact slots only, which the run fills itself: a
        // remembered value needs no sync.
        scratch
            .memo
            .key(self.plan.id, item, &cone.facts, &scratch.vals);
        if let Some(value) = scratch.memo.def() {
            return value;
        }
        self.sync(scratch);
        let value = self.value_exact(scratch, cone, root);
        scratch.memo.put_def(value);
        value
    }

    /// The value of a probe (a sub-expression read by coverage) after
    /// [`Program::evaluate_probes_into`], settled by the exact pass like a
    /// definition's when the Kleene pass left it unknown.
    pub(crate) fn probe_value_exact(&self, scratch: &mut Scratch, probe: ProbeId) -> Option<Value> {
        if let Some(v) = self.probe_value(scratch, probe) {
            return Some(v);
        }
        self.sync(scratch);
        let pc = self.code.probes.slot(probe)?;
        self.value_exact(scratch, &Cone::of(&self.code, &[pc]), pc)
    }

    /// The value every completion gives slot `root` (slots synced), if
    /// they all agree and the split is exact.
    fn value_exact(&self, scratch: &mut Scratch, cone: &Cone, root: u32) -> Option<Value> {
        let Scratch { vals, exact, .. } = scratch;
        exact.fit(self.code.ops.len());
        exact.load(cone, vals.as_slice());
        let complete = exact.prepare(&self.code, cone, &[root], &self.plan, false);
        // A number that follows a fact by value takes a value per completion.
        let ty = self
            .code
            .types
            .get(root as usize)
            .copied()
            .unwrap_or(Type::Bool);
        let follows = ordered(ty) && exact.vf_of(&self.code, root) != NONE;
        if !complete || follows || !exact.within_limit() {
            return None;
        }
        exact.agreed_value(&self.code, root)
    }

    /// The completion space of some recommendations and definitions, with
    /// every fact unknown: one representative per region of each fact they
    /// compare (for `cairn analyze` and `cairn diff`).
    pub(crate) fn fact_space(&self, recs: &[RecId], defs: &[DefId]) -> FactSpace {
        let code = &self.code;
        let mut roots: Vec<u32> = recs
            .iter()
            .filter_map(|r| code.rec_root.get(r.0 as usize).copied())
            .collect();
        roots.extend(
            defs.iter()
                .filter_map(|d| code.def_root.get(d.0 as usize).copied()),
        );
        let cone = Cone::of(code, &roots);
        let mut work = Work::default();
        work.fit(code.ops.len());
        work.load_blank(code, &cone);
        let mut complete = work.prepare(code, &cone, &roots, &self.plan, true);
        // A definition's number that follows a fact by value is not
        // covered by representatives of regions.
        for &r in roots.iter().skip(recs.len()) {
            let ty = code.types.get(r as usize).copied().unwrap_or(Type::Bool);
            complete &= !(ordered(ty) && work.vf_of(code, r) != NONE);
        }
        // A program compiled from a slice of a model has no fact slots: fact
        // ids are those of the whole model.
        let width = work.facts.last().map_or(0, |&f| f as usize + 1);
        let mut domains = vec![Vec::new(); width.max(code.facts)];
        for (i, &f) in work.facts.iter().enumerate() {
            let (s, e) = work.spans.get(i).copied().unwrap_or((0, 0));
            if let (Some(slot), Some(regions)) = (
                domains.get_mut(f as usize),
                work.regions.get(s as usize..e as usize),
            ) {
                *slot = regions.iter().map(|r| r.rep).collect();
            }
        }
        FactSpace { domains, complete }
    }
}
