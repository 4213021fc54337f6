//! Analysis stage: what a question says of a case with some facts made
//! unknown, for minimal witnesses and for the sensitivity report.
//!
//! Both ask what [`Query::statuses`] (the Kleene pass, then the exact pass
//! of `cairn run`) gives once a fact is made unknown. The exact pass
//! settles every undetermined expression of the question over the
//! completions of the missing facts: for n expressions reading one chain
//! of n comparisons of a fact (a `first` of n branches, split into about
//! n regions) that is O(n^2) work for each of the n expressions, and it
//! used to be asked for every fact of every witness and every case of the
//! sensitivity sample. Most of those answers are known without it:
//!
//! - the exact pass never changes a status the Kleene pass decided, so
//!   a Kleene answer that decides the question is the exact answer;
//! - when fact f alone was made unknown and the Kleene pass leaves an
//!   expression undetermined, one value of f under which Kleene logic
//!   decides it the other way (the other facts as they are) is a completion
//!   that disagrees, so the exact status is not the one asked for. Unless
//!   an `is known` reads f: the exact pass keeps the case's `is known`
//!   values, which a value of f would change, so such a fact is never
//!   decided this way.
//!
//! Only what neither settles goes to the exact pass, so every answer is
//! the one [`Query::statuses`] would give; the sensitivity counts also
//! reuse the answer of each line (the cases that differ only in the fact
//! made unknown, which all become the same case without it).

use super::query::{spread, Query};
use crate::case::Case;
use crate::eval::outcome::Status;
use crate::eval::Scratch;
use std::collections::HashMap;

impl Query {
    /// Makes facts unknown one at a time, last first, as long as every
    /// expression of `want` still applies (and no constraint is broken):
    /// the result needs every fact it still gives.
    pub fn minimize(&self, mut case: Case, want: &[usize]) -> Case {
        let mut scratch = self.scratch();
        for (j, f) in self.facts.iter().enumerate().rev() {
            let slot = f.0 as usize;
            let Some(old) = case.facts.get(slot).copied().flatten() else {
                continue;
            };
            set(&mut case, slot, None);
            let holds = match self.quick_holds(&mut case, want, j, &mut scratch) {
                Some(h) => h,
                None => self
                    .statuses(&case, &mut scratch)
                    .is_some_and(|s| applies(s, want)),
            };
            if !holds {
                set(&mut case, slot, Some(old));
            }
        }
        case
    }

    /// Whether every expression of `want` applies in `case` (fact `j` just
    /// made unknown) with no constraint broken, when the Kleene statuses
    /// settle it (see the module doc); `None` when only the exact pass can.
    fn quick_holds(
        &self,
        case: &mut Case,
        want: &[usize],
        j: usize,
        scratch: &mut Scratch,
    ) -> Option<bool> {
        let (asked, constraints) = self.kleene(case, scratch);
        let is = |s: &[Status], w: usize, st: Status| s.get(w) == Some(&st);
        if constraints.contains(&Status::NotApplicable)
            || want.iter().any(|&w| is(asked, w, Status::NotApplicable))
        {
            return Some(false);
        }
        if applies(asked, want) {
            return (!constraints.contains(&Status::Undetermined)).then_some(true);
        }
        if self.known_read.get(j).copied().unwrap_or(true) {
            return None;
        }
        let slot = self.facts.get(j)?.0 as usize;
        let domain = self.domains.get(j)?;
        let mut refuted = false;
        for k in ends(domain.len()) {
            let Some(v) = domain.get(k).copied().flatten() else {
                continue;
            };
            set(case, slot, Some(v));
            let (asked, _) = self.kleene(case, scratch);
            if want.iter().any(|&w| is(asked, w, Status::NotApplicable)) {
                refuted = true;
                break;
            }
        }
        set(case, slot, None);
        refuted.then_some(false)
    }

    /// For each fact, in how many complete cases (of the product, or a
    /// sample of it) making that fact alone unknown turns expression `i`
    /// from decided to undetermined; with the number of decided cases.
    pub fn sensitivity(&self, i: usize, budget: u64) -> (u64, Vec<u64>) {
        let mut counts = vec![0u64; self.facts.len()];
        let mut total = 0u64;
        let mut case = self.blank();
        let mut scratch = self.scratch();
        // Per fact and line (the case's index with that fact's digit
        // zeroed): whether the case without the fact is undetermined.
        let mut lines: HashMap<(usize, u64), bool> = HashMap::new();
        let n = self.size.min(budget.max(1));
        for k in 0..n {
            let index = spread(k, self.size, n);
            self.decode(index, &mut case);
            let base = self
                .statuses(&case, &mut scratch)
                .and_then(|s| s.get(i).copied());
            let Some(base) = base.filter(|s| *s != Status::Undetermined) else {
                continue;
            };
            total += 1;
            let mut stride = 1u64;
            for (j, f) in self.facts.iter().enumerate() {
                let radix = self.domains.get(j).map_or(1, |d| d.len().max(1)) as u64;
                let line = index - (index / stride % radix) * stride;
                stride = stride.saturating_mul(radix);
                let slot = f.0 as usize;
                let Some(old) = case.facts.get(slot).copied().flatten() else {
                    continue;
                };
                let turns = match lines.get(&(j, line)) {
                    Some(&t) => t,
                    None => {
                        set(&mut case, slot, None);
                        let t = match self.quick_undetermined(&mut case, i, j, base, &mut scratch) {
                            Some(t) => t,
                            None => {
                                self.statuses(&case, &mut scratch)
                                    .and_then(|s| s.get(i).copied())
                                    == Some(Status::Undetermined)
                            }
                        };
                        set(&mut case, slot, Some(old));
                        lines.insert((j, line), t);
                        t
                    }
                };
                if let Some(c) = counts.get_mut(j).filter(|_| turns) {
                    *c += 1;
                }
            }
        }
        (total, counts)
    }

    /// Whether expression `i` is undetermined in `case` (fact `j` just made
    /// unknown, `base` its status with the fact known) with no constraint
    /// broken, when the Kleene statuses settle it; `None` when only the
    /// exact pass can.
    fn quick_undetermined(
        &self,
        case: &mut Case,
        i: usize,
        j: usize,
        base: Status,
        scratch: &mut Scratch,
    ) -> Option<bool> {
        let (asked, constraints) = self.kleene(case, scratch);
        if constraints.contains(&Status::NotApplicable)
            || asked.get(i) != Some(&Status::Undetermined)
        {
            return Some(false);
        }
        if constraints.contains(&Status::Undetermined)
            || self.known_read.get(j).copied().unwrap_or(true)
        {
            return None;
        }
        let slot = self.facts.get(j)?.0 as usize;
        let domain = self.domains.get(j)?;
        let mut differs = false;
        for k in ends(domain.len()) {
            let Some(v) = domain.get(k).copied().flatten() else {
                continue;
            };
            set(case, slot, Some(v));
            let (asked, _) = self.kleene(case, scratch);
            let s = asked.get(i).copied();
            if s.is_some_and(|s| s != Status::Undetermined && s != base) {
                differs = true;
                break;
            }
        }
        set(case, slot, None);
        differs.then_some(true)
    }

    /// The Kleene statuses of the question's expressions and of the
    /// constraints evaluated with it.
    fn kleene<'s>(&self, case: &Case, scratch: &'s mut Scratch) -> (&'s [Status], &'s [Status]) {
        let all = self.program.kleene_statuses(case, scratch);
        all.split_at(self.asked.min(all.len()))
    }
}

/// True when every expression of `want` applies.
fn applies(statuses: &[Status], want: &[usize]) -> bool {
    want.iter()
        .all(|&w| statuses.get(w) == Some(&Status::Applies))
}

fn set(case: &mut Case, slot: usize, v: Option<crate::value::Value>) {
    if let Some(s) = case.facts.get_mut(slot) {
        *s = v;
    }
}

/// `0..n` from both ends inwards (0, n - 1, 1, n - 2, ...): the regions
/// at the ends of a fact's range are the ones most conditions treat
/// differently from those in the middle, so a disagreeing value is
/// usually met first.
fn ends(n: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| if k % 2 == 0 { k / 2 } else { n - 1 - k / 2 })
}
