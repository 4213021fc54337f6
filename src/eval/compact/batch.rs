//! Eval stage: statuses for many cases at once (cohorts).
//!
//! The compact program (see `fast`) runs over a batch of up to [`LANES`]
//! cases side by side: every byte slot is a row of one byte per case, so an
//! `and` is one element-wise operation over the row (the byte forms are in
//! `fast`), which the compiler turns into a few vector instructions, and
//! the cost of stepping through the
//! program is shared by the whole batch. Operations on numbers, dates and
//! quantities run per case, on a value row per slot.

use crate::case::Case;
use crate::eval::compile::{Code, Pc};
use crate::eval::fast::{
    decode, encode, eq_enum, not, test, Fast, Held, Ins, Kind, F, NO_SLOT, S, T, U, UNKNOWN,
};
use crate::eval::fast_run::{lookup, status};
use crate::eval::outcome::Status;
use crate::eval::run::{self, Slots};
use crate::syntax::ast::Quantifier;
use crate::value::Value;

/// Cases evaluated side by side.
pub const LANES: usize = 64;

/// One byte slot across the batch.
type Row = [u8; LANES];

/// The row of a slot out of range (never read for a valid program).
const UNKNOWN_ROW: Row = [UNKNOWN; LANES];

/// Buffers for batch evaluation, reused across batches.
#[derive(Debug, Clone, Default)]
pub struct BatchScratch {
    /// One row per slot (byte slots only are used).
    bytes: Vec<Row>,
    /// `LANES` values per slot, slot-major (value slots only are used).
    vals: Vec<Option<Value>>,
    /// The statuses of the last call, case-major.
    statuses: Vec<Status>,
    /// One case's buffers, for the exact pass on undetermined cases.
    one: crate::eval::Scratch,
}

impl BatchScratch {
    /// Fresh buffers for a program's code, constants filled in.
    pub(crate) fn new(fast: &Fast, vals: &[Option<Value>], bytes: &[u8]) -> BatchScratch {
        BatchScratch {
            bytes: bytes.iter().take(vals.len()).map(|&b| [b; LANES]).collect(),
            vals: vals.iter().flat_map(|&v| [v; LANES]).collect(),
            statuses: Vec::with_capacity(fast.roots.len() * LANES),
            one: crate::eval::Scratch::default(),
        }
    }

    /// True when the buffers fit a program with `slots` slots.
    pub(crate) fn fits(&self, slots: usize) -> bool {
        self.bytes.len() == slots && self.vals.len() == slots * LANES
    }

    /// The statuses of the last call, case-major.
    pub(crate) fn statuses_mut(&mut self) -> &mut Vec<Status> {
        &mut self.statuses
    }

    /// The statuses and the one-case buffers of the exact pass.
    pub(crate) fn parts(&mut self) -> (&mut Vec<Status>, &mut crate::eval::Scratch) {
        (&mut self.statuses, &mut self.one)
    }
}

/// What the general operations read for one case of the batch.
struct Lane<'a> {
    fast: &'a Fast,
    bytes: &'a [Row],
    vals: &'a [Option<Value>],
    lane: usize,
}

impl Slots for Lane<'_> {
    fn slot(&self, pc: Pc) -> Option<Value> {
        let lane = self.lane;
        let byte = |s: S| {
            self.bytes
                .get(s as usize)
                .map_or(UNKNOWN, |r| r[lane % LANES])
        };
        let val = |s: S| self.vals.get(s as usize * LANES + lane).copied().flatten();
        match self.fast.held.get(pc as usize) {
            Some(&Held::Byte(held, kind)) => decode(byte(held), kind),
            // Not read by the run (the general operations read only what
            // it needs), but computed all the same.
            Some(&Held::Lazy(i)) => crate::eval::lazy::value(self.fast, i, byte, val),
            _ => val(pc as S),
        }
    }
}

/// Runs the compact program over one batch (`cases.len() <= LANES`) and
/// appends the statuses, case-major, to `s.statuses`.
pub(crate) fn run_batch(code: &Code, fast: &Fast, cases: &[Case], s: &mut BatchScratch) {
    let mut m = Batch {
        code,
        fast,
        cases,
        s,
    };
    m.load();
    for ins in &fast.ins {
        m.step(ins);
    }
    m.statuses();
}

struct Batch<'a> {
    code: &'a Code,
    fast: &'a Fast,
    cases: &'a [Case],
    s: &'a mut BatchScratch,
}

impl Batch<'_> {
    #[inline(always)]
    fn row(&self, slot: S) -> Row {
        *self.s.bytes.get(slot as usize).unwrap_or(&UNKNOWN_ROW)
    }

    fn set(&mut self, slot: S, row: Row) {
        if let Some(r) = self.s.bytes.get_mut(slot as usize) {
            *r = row;
        }
    }

    /// The value row of a slot.
    fn values(&self, slot: S) -> &[Option<Value>] {
        let at = slot as usize * LANES;
        self.s.vals.get(at..at + LANES).unwrap_or(&[])
    }

    fn values_mut(&mut self, slot: S) -> &mut [Option<Value>] {
        let at = slot as usize * LANES;
        self.s.vals.get_mut(at..at + LANES).unwrap_or(&mut [])
    }

    fn args(&self, start: u32, len: usize) -> &'_ [S] {
        let start = start as usize;
        self.fast.args.get(start..start + len).unwrap_or(&[])
    }

    /// Writes each case's facts into its lane.
    fn load(&mut self) {
        let (fast, cases) = (self.fast, self.cases);
        let fact = |case: &Case, f: S| case.facts.get(f as usize).copied().flatten();
        for &f in &fast.bool_facts {
            let mut row = [U; LANES];
            for (b, case) in row.iter_mut().zip(cases) {
                *b = encode(fact(case, f), Kind::Bool);
            }
            self.set(f, row);
        }
        for &f in &fast.enum_facts {
            let mut row = [UNKNOWN; LANES];
            for (b, case) in row.iter_mut().zip(cases) {
                *b = encode(fact(case, f), Kind::Enum);
            }
            self.set(f, row);
        }
        for &f in &fast.value_facts {
            for (v, case) in self.values_mut(f).iter_mut().zip(cases) {
                *v = fact(case, f);
            }
        }
    }

    /// Element-wise `op` of two rows into `dst`.
    fn zip(&mut self, dst: S, a: S, b: S, op: impl Fn(u8, u8) -> u8) {
        let (x, y) = (self.row(a), self.row(b));
        let mut d = [0; LANES];
        for ((d, x), y) in d.iter_mut().zip(x).zip(y) {
            *d = op(x, y);
        }
        self.set(dst, d);
    }

    /// Element-wise `op` of one row into `dst`.
    fn map(&mut self, dst: S, a: S, op: impl Fn(u8) -> u8) {
        let mut d = self.row(a);
        d.iter_mut().for_each(|x| *x = op(*x));
        self.set(dst, d);
    }

    fn step(&mut self, ins: &Ins) {
        match *ins {
            Ins::And { dst, a, b } => self.zip(dst, a, b, u8::min),
            Ins::Or { dst, a, b } => self.zip(dst, a, b, u8::max),
            Ins::Not { dst, a } => self.map(dst, a, not),
            Ins::EqEnum { dst, a, k, negated } => {
                self.map(dst, a, |x| eq_enum(x, k, negated));
            }
            Ins::EqSlots { dst, a, b, negated } => self.zip(dst, a, b, |x, z| {
                if z == UNKNOWN {
                    U
                } else {
                    test(x, UNKNOWN, (x == z) != negated)
                }
            }),
            Ins::InEnum {
                dst,
                a,
                mask,
                negated,
            } => {
                let m = self.fast.masks.get(mask as usize).copied().unwrap_or(0);
                self.map(dst, a, |x| {
                    let hit = (m >> (x & 63)) & 1 == 1 && x < 64;
                    test(x, UNKNOWN, hit != negated)
                });
            }
            Ins::IsKnown {
                dst,
                a,
                unknown,
                known,
            } => {
                self.map(dst, a, |x| T * u8::from((x != unknown) == known));
            }
            Ins::Quant { dst, q, len, start } => {
                let all = q == Quantifier::All;
                let mut acc = [if all { T } else { F }; LANES];
                for &item in self.args(start, len as usize) {
                    let x = self.row(item);
                    // Two loops rather than a function value, so each
                    // compiles to vector minimums or maximums.
                    if all {
                        acc.iter_mut().zip(x).for_each(|(a, x)| *a = (*a).min(x));
                    } else {
                        acc.iter_mut().zip(x).for_each(|(a, x)| *a = (*a).max(x));
                    }
                }
                if q == Quantifier::None {
                    acc.iter_mut().for_each(|a| *a = not(*a));
                }
                self.set(dst, acc);
            }
            Ins::First {
                dst,
                branches,
                otherwise,
                unknown,
                start,
            } => self.first(dst, branches, otherwise, unknown, start),
            Ins::Lookup {
                dst,
                table,
                keys,
                start,
            } => {
                let keys = self.args(start, keys as usize);
                let mut d = [UNKNOWN; LANES];
                if let [key] = *keys {
                    // The usual one-key table: its row read once.
                    let row = self.row(key);
                    for (d, x) in d.iter_mut().zip(row) {
                        *d = lookup(self.code, table, keys, |_| x);
                    }
                } else {
                    for (lane, d) in d.iter_mut().enumerate() {
                        *d = lookup(self.code, table, keys, |k| self.row(k)[lane]);
                    }
                }
                self.set(dst, d);
            }
            Ins::Compare { dst, op, a, b } => {
                let mut d = [U; LANES];
                for ((d, x), y) in d.iter_mut().zip(self.values(a)).zip(self.values(b)) {
                    if let (Some(x), Some(y)) = (x, y) {
                        *d = run::compare(op, *x, *y).map_or(U, |t| T * u8::from(t));
                    }
                }
                self.set(dst, d);
            }
            Ins::IsKnownValue { dst, a, known } => {
                let mut d = [F; LANES];
                for (d, x) in d.iter_mut().zip(self.values(a)) {
                    *d = T * u8::from(x.is_some() == known);
                }
                self.set(dst, d);
            }
            Ins::Cell {
                dst,
                row,
                table,
                column,
                kind,
            } => self.cell(dst, row, table, column, kind),
            Ins::General { pc, kind } => self.general(pc, kind),
            Ins::Pick { dst, pick, unknown } => {
                if let Some(p) = self.fast.picks.get(pick as usize) {
                    let row =
                        p.choose_lanes(&self.fast.masks, &self.s.bytes, &self.s.vals, unknown);
                    self.set(dst, row);
                }
            }
            Ins::Copy { dst, src } => {
                let (from, to) = (src as usize * LANES, dst as usize * LANES);
                if from + LANES <= self.s.vals.len() && to + LANES <= self.s.vals.len() {
                    self.s.vals.copy_within(from..from + LANES, to);
                }
            }
        }
    }

    fn first(&mut self, dst: S, branches: u32, otherwise: S, unknown: u8, start: u32) {
        let mut d = if otherwise == NO_SLOT {
            [unknown; LANES]
        } else {
            self.row(otherwise)
        };
        let mut done = [false; LANES];
        for pair in self.args(start, branches as usize * 2).chunks_exact(2) {
            let (c, x) = match pair {
                [c, x] => (self.row(*c), self.row(*x)),
                _ => continue,
            };
            for l in 0..LANES {
                if !done[l] && c[l] != F {
                    d[l] = if c[l] == T { x[l] } else { unknown };
                    done[l] = true;
                }
            }
        }
        self.set(dst, d);
    }

    fn cell(&mut self, dst: S, row: S, table: u16, column: u16, kind: Kind) {
        let rows = self.row(row);
        let Some(t) = self.code.tables.get(table as usize) else {
            return;
        };
        let mut bytes = [UNKNOWN; LANES];
        let vals = self.values_mut(dst);
        for ((v, &r), b) in vals.iter_mut().zip(&rows).zip(bytes.iter_mut()) {
            *v = if r == UNKNOWN {
                None
            } else {
                t.cells
                    .get(usize::from(r) * t.columns + usize::from(column))
                    .copied()
            };
            *b = encode(*v, kind);
        }
        if kind != Kind::Other {
            self.set(dst, bytes);
        }
    }

    /// The general operation, case by case.
    fn general(&mut self, pc: S, kind: Kind) {
        let Some(op) = self.code.ops.get(pc as usize) else {
            return;
        };
        let mut out = [None; LANES];
        for (lane, (o, case)) in out.iter_mut().zip(self.cases).enumerate() {
            let view = Lane {
                fast: self.fast,
                bytes: &self.s.bytes,
                vals: &self.s.vals,
                lane,
            };
            *o = run::step(self.code, &case.facts, &view, op);
        }
        let vals = self.values_mut(pc);
        let n = vals.len();
        vals.copy_from_slice(out.get(..n).unwrap_or(&[]));
        if kind != Kind::Other {
            let mut d = [UNKNOWN; LANES];
            for (d, v) in d.iter_mut().zip(out) {
                *d = encode(v, kind);
            }
            self.set(pc, d);
        }
    }

    /// Appends each case's statuses (case-major).
    fn statuses(&mut self) {
        let recs = self.fast.roots.len();
        let n = self.cases.len().min(LANES);
        let base = self.s.statuses.len();
        self.s
            .statuses
            .resize(base + n * recs, Status::Undetermined);
        for (r, &root) in self.fast.roots.iter().enumerate() {
            let row = self.row(root);
            let out = self.s.statuses.get_mut(base..).unwrap_or(&mut []);
            for (case, b) in out.chunks_exact_mut(recs).zip(row) {
                if let Some(s) = case.get_mut(r) {
                    *s = status(b);
                }
            }
        }
    }
}
