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

use super::cone::Adjacency;
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
    /// Per slot: the key walk that last reached it (see
    /// [`Memo::key_live`]), so a walk needs no clearing.
    stamps: Vec<u32>,
    walk: u32,
    stack: Vec<Pc>,
    /// Lookups answered (for the tests and the benchmark's report).
    pub hits: u64,
}

/// Appends a value to a key: one word (its tag in the top byte) for an
/// unknown, a truth value, an enum value or a row, whose bits fit below
/// it, and the tag then the bits for the others, so a key reads back one
/// way only.
fn push_value(out: &mut Vec<u64>, v: Option<Value>) {
    let (tag, bits) = key(v);
    let tag = u64::from(tag) << 56;
    match v {
        None | Some(Value::Bool(_) | Value::Enum(_) | Value::Row(_)) => out.push(tag | bits),
        Some(_) => {
            out.push(tag);
            out.push(bits);
        }
    }
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
        self.start(owner, item);
        for &pc in facts {
            let (tag, bits) = key(vals.get(pc as usize).copied().flatten());
            self.key.push(u64::from(tag));
            self.key.push(bits);
        }
    }

    /// Builds the key of recommendation `item`'s explanation from what the
    /// completion walk can look at: the undecided slots its status slot
    /// `root` reads through undecided slots (the walk's live slots, found
    /// in the same way as `Work::walk`), and the value of every slot each
    /// of them reads; `marks` adds what the exact pass settled about it
    /// (its status, resolved or approximate). The walk and the explanation
    /// read nothing else (`Work::prepare_from` loads only these slots), so
    /// two cases with one key have one explanation, however their other
    /// facts differ: a cohort repeats far fewer of these than combinations
    /// of the whole cone's facts.
    pub fn key_live(
        &mut self,
        owner: u64,
        item: Item,
        (adj, root): (&Adjacency, Pc),
        vals: &[Option<Value>],
        marks: u64,
    ) {
        self.start(owner, item);
        self.key.push(marks);
        if self.stamps.len() != vals.len() {
            self.stamps = vec![0; vals.len()];
            self.walk = 0;
        }
        self.walk = self.walk.wrapping_add(1);
        if self.walk == 0 {
            self.stamps.fill(0);
            self.walk = 1;
        }
        self.stack.clear();
        let v = vals.get(root as usize).copied().flatten();
        push_value(&mut self.key, v);
        if v.is_none() {
            if let Some(s) = self.stamps.get_mut(root as usize) {
                *s = self.walk;
            }
            self.stack.push(root);
        }
        // Depth first, as deterministic as the walk: the same key means
        // the same slots were reached in the same order with the same
        // values read.
        while let Some(pc) = self.stack.pop() {
            self.key.push(u64::from(pc));
            for &c in adj.of(pc) {
                let v = vals.get(c as usize).copied().flatten();
                push_value(&mut self.key, v);
                if v.is_some() {
                    continue;
                }
                match self.stamps.get_mut(c as usize) {
                    Some(s) if *s != self.walk => {
                        *s = self.walk;
                        self.stack.push(c);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Starts a key for `item`, forgetting every answer when the program
    /// changed.
    fn start(&mut self, owner: u64, item: Item) {
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
