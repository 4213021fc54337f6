//! Eval stage, exact pass: a memo, per scratch, of what the completion walk
//! says about one case, keyed by the values of the facts it reads.
//!
//! The explanation of an undetermined recommendation ([`ExactInfo`]: its
//! missing facts, `regardless_of`, `leads_to`) and the exact value of a
//! definition the Kleene pass left unknown are functions of the values of
//! the facts in their cone, and of nothing else: the Kleene values the walk
//! starts from are computed from those facts, and the walk itself is
//! deterministic. A cohort repeats the same few combinations of the facts
//! a recommendation reads (its histology, its phase, the same unknowns)
//! many times, and the walk costs thousands of instructions where a lookup
//! costs a hash of a few words. So the first case with a combination pays
//! for the walk and the next ones clone its answer.
//!
//! The memo is tied to one program: a scratch used with another program
//! (or with this one after [`super::Plan::renew`]) starts empty. It holds
//! at most [`CAPACITY`] answers and is emptied when full, so its memory is
//! bounded whatever the cohort. Tests compare every outcome built with a
//! warm memo against the same case in a fresh scratch.

use super::diagram_build::key;
use super::program::ExactInfo;
use crate::eval::compile::Pc;
use crate::value::Value;
use rustc_hash::FxHashMap;

/// Most answers a memo holds (of both kinds together) before it is
/// emptied: a few megabytes at the size of a sarcoma explanation.
pub(crate) const CAPACITY: usize = 4096;

/// What one scratch remembers of the exact pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct Memo {
    /// The program the answers belong to ([`super::Plan::id`]).
    owner: u64,
    recs: FxHashMap<Box<[u64]>, ExactInfo>,
    defs: FxHashMap<Box<[u64]>, Option<Value>>,
    /// The key of the last lookup, built in place so that a hit allocates
    /// nothing.
    key: Vec<u64>,
    /// Lookups answered (for the tests and the benchmark's report).
    pub hits: u64,
}

/// A recommendation's or a definition's key starts with its kind and index,
/// so that the two maps never confuse one item with another.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Item {
    Rec(u32),
    Def(u32),
}

impl Memo {
    /// Builds the key of `item` from the values of its cone's fact slots
    /// `facts` in `vals`, forgetting every answer when the program changed.
    pub fn key(&mut self, owner: u64, item: Item, facts: &[Pc], vals: &[Option<Value>]) {
        if self.owner != owner {
            self.recs.clear();
            self.defs.clear();
            self.owner = owner;
        }
        self.key.clear();
        self.key.push(match item {
            Item::Rec(r) => u64::from(r),
            Item::Def(d) => (1 << 32) | u64::from(d),
        });
        for &pc in facts {
            let (tag, bits) = key(vals.get(pc as usize).copied().flatten());
            self.key.push(u64::from(tag));
            self.key.push(bits);
        }
    }

    /// The remembered explanation under the last key.
    pub fn rec(&mut self) -> Option<&ExactInfo> {
        let found = self.recs.get(self.key.as_slice());
        self.hits += u64::from(found.is_some());
        found
    }

    /// The remembered exact value under the last key (`Some(None)`: known
    /// to stay unknown).
    pub fn def(&mut self) -> Option<Option<Value>> {
        let found = self.defs.get(self.key.as_slice()).copied();
        self.hits += u64::from(found.is_some());
        found
    }

    /// Remembers an explanation under the last key.
    pub fn put_rec(&mut self, info: ExactInfo) {
        self.make_room();
        self.recs.insert(self.key.as_slice().into(), info);
    }

    /// Remembers an exact value under the last key.
    pub fn put_def(&mut self, value: Option<Value>) {
        self.make_room();
        self.defs.insert(self.key.as_slice().into(), value);
    }

    /// Number of answers held (for the tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.recs.len() + self.defs.len()
    }

    fn make_room(&mut self) {
        if self.recs.len() + self.defs.len() >= CAPACITY {
            self.recs.clear();
            self.defs.clear();
        }
    }
}
